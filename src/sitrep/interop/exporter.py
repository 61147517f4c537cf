"""Export events from the store in the analysts' formats.

Events are sitrep's own (the ``events`` table; dated by the date the article states,
else its publication date) and, unless asked otherwise, the external ones imported
from ICEWS, GDELT or POLECAT files. Every format is written by DuckDB's ``COPY``:

- ``icews``: the 20-column ICEWS TSV with its header (``NA`` for missing values);
- ``gdelt``: the 61-column GDELT 2.0 event export (no header);
- ``plover``: JSON lines in the PLOVER record shape (``event`` = category, ``mode``,
  ``source``/``target`` lists of ``{"actorText", "code"}``), with sitrep's extras;
- ``csv`` / ``parquet``: sitrep's own flat table of every column.

ICEWS and GDELT need a date and a CAMEO code: an event without either (an undated
article; a POLECAT record, coded in PLOVER only) is left out and counted. Export to
ICEWS or GDELT and import into a fresh store gives back every event written.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sitrep.config import DEFAULT_STORE, display_path
from sitrep.extract.registry import Registry
from sitrep.interop.tables import has_external_tables, register_lookups

EXPORT_FORMATS = ("icews", "gdelt", "plover", "csv", "parquet")
SELECTIONS = ("all", "sitrep", "external")


@dataclass
class ExportSummary:
    format: str
    out: str | None
    events: int = 0
    left_out: int = 0  # events the format cannot hold (no date, or no CAMEO code)


_OURS = """
SELECT 'sitrep' AS origin,
       e.article_id || '-' || e.sentence || '-' || row_number() OVER (
           PARTITION BY e.article_id, e.sentence ORDER BY e.start, e.code, e.source, e.target) AS event_id,
       coalesce(e.event_date, a.published) AS event_date,
       e.source AS source_id, coalesce(sr.name, sa.name, e.source) AS source_name, coalesce(sr.state, sa.country) AS source_code,
       e.target AS target_id, coalesce(tr.name, ta.name, e.target) AS target_name, coalesce(tr.state, ta.country) AS target_code,
       e.code AS cameo_code, e.label AS cameo_name, e.plover, cb.mode AS plover_mode, e.goldstein, e.quad_class,
       NULL::VARCHAR AS country, NULL::VARCHAR AS place, NULL::DOUBLE AS latitude, NULL::DOUBLE AS longitude,
       a.source AS publisher, a.url,
       'sitrep article ' || e.article_id || ', sentence ' || e.sentence AS provenance,
       e.article_id AS story_id, e.sentence::VARCHAR AS sentence, e.evidence AS text
FROM events e JOIN articles a ON a.id = e.article_id
LEFT JOIN _ext_actors sr ON sr.id = e.source LEFT JOIN actors sa ON sa.id = e.source
LEFT JOIN _ext_actors tr ON tr.id = e.target LEFT JOIN actors ta ON ta.id = e.target
LEFT JOIN _ext_cameo cb ON cb.code = e.code
"""

_EXTERNAL = """
SELECT x.origin, x.event_id, x.event_date,
       x.source_id, x.source_name, coalesce(sr.state, sc.actor_id) AS source_code,
       x.target_id, x.target_name, coalesce(tr.state, tc.actor_id) AS target_code,
       x.cameo_code, coalesce(cb.name, x.plover) AS cameo_name, x.plover, x.plover_mode, x.goldstein, x.quad_class,
       x.country, x.place, x.latitude, x.longitude, x.publisher, x.url, x.provenance,
       nullif(regexp_extract(x.provenance, 'story ([^,]+)', 1), '') AS story_id,
       nullif(regexp_extract(x.provenance, 'sentence ([0-9]+)', 1), '') AS sentence, NULL::VARCHAR AS text
FROM external_events x
LEFT JOIN _ext_actors sr ON sr.id = x.source_id LEFT JOIN _ext_actors tr ON tr.id = x.target_id
LEFT JOIN _ext_countries sc ON sc.key = lower(x.source_name) LEFT JOIN _ext_countries tc ON tc.key = lower(x.target_name)
LEFT JOIN _ext_cameo cb ON cb.code = x.cameo_code
"""

# text fields go into tab-separated files: no tab or line break may survive in them
_CLEAN = "nullif(trim(regexp_replace({0}, '[\\t\\r\\n]+', ' ', 'g')), '')"


def _c(expr: str) -> str:
    return _CLEAN.format(expr)


def _icews_sql() -> str:
    return f"""
SELECT {_c('event_id')} AS "Event ID", strftime(event_date, '%Y-%m-%d') AS "Event Date",
       {_c('coalesce(source_name, sn.name)')} AS "Source Name", NULL AS "Source Sectors", sn.name AS "Source Country",
       {_c('cameo_name')} AS "Event Text", cameo_code AS "CAMEO Code", goldstein AS "Intensity",
       {_c('coalesce(target_name, tn.name)')} AS "Target Name", NULL AS "Target Sectors", tn.name AS "Target Country",
       {_c('story_id')} AS "Story ID", sentence AS "Sentence Number", {_c('publisher')} AS "Publisher",
       NULL AS "City", NULL AS "District", NULL AS "Province", cn.name AS "Country",
       latitude AS "Latitude", longitude AS "Longitude"
FROM _export_events
LEFT JOIN _ext_actors sn ON sn.id = source_code LEFT JOIN _ext_actors tn ON tn.id = target_code
LEFT JOIN _ext_actors cn ON cn.id = country
WHERE event_date IS NOT NULL AND cameo_code IS NOT NULL
ORDER BY event_date, origin, event_id
"""


def _gdelt_sql() -> str:
    empty = "NULL"
    actor = lambda n, code: [f"{code}", _c(f"{n}_name"), f"{code}"] + [empty] * 7  # noqa: E731
    blank_geo = [empty] * 8
    action_geo = [empty, _c("coalesce(place, cn.name)"), empty, empty, empty, "latitude", "longitude", empty]
    columns = [
        "CASE WHEN origin = 'gdelt' AND try_cast(event_id AS BIGINT) IS NOT NULL THEN event_id "
        "ELSE (1000000000 + row_number() OVER (ORDER BY event_date, origin, event_id))::VARCHAR END",
        "strftime(event_date, '%Y%m%d')", "strftime(event_date, '%Y%m')", "strftime(event_date, '%Y')",
        "printf('%.4f', year(event_date) + (dayofyear(event_date) - 1) / 365.0)",
        *actor("source", "source_code"), *actor("target", "target_code"),
        "1", "cameo_code", "left(cameo_code, 3)", "left(cameo_code, 2)", "quad_class", "goldstein",
        "1", "1", "1", empty,
        *blank_geo, *blank_geo, *action_geo,
        "strftime(event_date, '%Y%m%d') || '000000'", _c("coalesce(url, provenance)"),
    ]
    assert len(columns) == 61
    select = ",\n       ".join(f"{expr} AS c{i + 1}" for i, expr in enumerate(columns))
    return f"""
SELECT {select}
FROM _export_events LEFT JOIN _ext_actors cn ON cn.id = country
WHERE event_date IS NOT NULL AND cameo_code IS NOT NULL
ORDER BY event_date, origin, event_id
"""


_PLOVER = """
SELECT event_id AS id, strftime(event_date, '%Y-%m-%d') AS date,
       CASE WHEN source_name IS NOT NULL OR source_id IS NOT NULL
            THEN [{'actorText': source_name, 'code': source_code, 'sitrepId': source_id}] ELSE [] END AS source,
       CASE WHEN target_name IS NOT NULL OR target_id IS NOT NULL
            THEN [{'actorText': target_name, 'code': target_code, 'sitrepId': target_id}] ELSE [] END AS target,
       plover AS event, plover_mode AS mode, text, cameo_code AS cameo, goldstein, quad_class AS quadClass,
       CASE WHEN country IS NOT NULL OR place IS NOT NULL OR latitude IS NOT NULL
            THEN {'placeName': place, 'country': country, 'lat': latitude, 'lon': longitude} END AS location,
       publisher AS publication, url, origin, provenance
FROM _export_events
ORDER BY event_date NULLS LAST, origin, event_id
"""

_FLAT = """
SELECT origin, event_id, event_date, source_id, source_name, source_code AS source_country,
       target_id, target_name, target_code AS target_country, cameo_code, cameo_name, plover, plover_mode,
       goldstein, quad_class, country, place, latitude, longitude, publisher, url, provenance
FROM _export_events
ORDER BY event_date NULLS LAST, origin, event_id
"""


def _registry_actors(registry: Registry) -> pd.DataFrame:
    rows = [(a.id, a.name, a.id if a.type == "state" else a.country) for a in registry.actors.values()]
    return pd.DataFrame(rows, columns=["id", "name", "state"])


def export_events(fmt: str, out: Path | str | None = None, store: Path | str = DEFAULT_STORE,
                  selection: str = "all") -> ExportSummary:
    """Write the store's events in ``fmt`` to ``out`` (stdout when None, but for parquet)."""
    from sitrep.interop.importer import InteropError
    from sitrep.store import connect

    if fmt not in EXPORT_FORMATS:
        raise InteropError(f"unknown format {fmt!r} (expected {', '.join(EXPORT_FORMATS)})")
    if selection not in SELECTIONS:
        raise InteropError(f"unknown selection {selection!r} (expected {', '.join(SELECTIONS)})")
    if fmt == "parquet" and out is None:
        raise InteropError("parquet is binary: name a file with --out FILE")
    registry = Registry.load()
    con = connect(store, read_only=True)
    try:
        register_lookups(con, registry)
        actors = _registry_actors(registry)
        con.register("_ext_actors", actors)
        parts = []
        if selection in ("all", "sitrep"):
            parts.append(_OURS)
        if selection in ("all", "external") and has_external_tables(con):
            parts.append(_EXTERNAL)
        if not parts:
            parts.append(_OURS + " WHERE false")
        con.execute("CREATE OR REPLACE TEMP VIEW _export_events AS " + " UNION ALL ".join(parts)).fetchall()
        total = con.execute("SELECT count(*) FROM _export_events").fetchall()[0][0]
        query, options = {
            "icews": (_icews_sql(), "FORMAT csv, DELIMITER '\t', HEADER true, QUOTE '', NULL 'NA'"),
            "gdelt": (_gdelt_sql(), "FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', NULL ''"),
            "plover": (_PLOVER, "FORMAT json"),
            "csv": (_FLAT, "FORMAT csv, HEADER true"),
            "parquet": (_FLAT, "FORMAT parquet"),
        }[fmt]
        written = con.execute(f"SELECT count(*) FROM ({query})").fetchall()[0][0]
        target = Path(out) if out is not None else None
        folder = target.parent if target is not None else None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".sitrep-export-", dir=folder)
        os.close(fd)
        try:
            con.execute(f"COPY ({query}) TO '{tmp.replace(chr(39), chr(39) * 2)}' ({options})").fetchall()
            if target is None:
                with open(tmp, "rb") as handle:
                    sys.stdout.flush()
                    shutil.copyfileobj(handle, sys.stdout.buffer)
                    sys.stdout.buffer.flush()
            else:
                os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    finally:
        con.close()
    return ExportSummary(fmt, display_path(out) if out is not None else None, written, total - written)
