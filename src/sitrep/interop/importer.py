"""Import ICEWS, GDELT and POLECAT event files into the store (``external_events``).

The file is read by DuckDB's CSV reader with explicit columns (every one a string),
so a file of any size streams through in bounded memory: no Python loop touches a
row. One pass stages the rows (numbered in file order), a second stores the good
ones with their actors resolved against the registry. The reader sets aside the
lines with a wrong column count (its rejects table, with line numbers); dates,
CAMEO codes, PLOVER categories and Goldstein values are checked in SQL. Every bad
line is counted and named (``FILE:LINE: problem``); the good lines are kept.

A file is known by the sha256 of its bytes: importing the same bytes again does
nothing (its earlier problems are reported again). The whole import is one
transaction under the store's write lock (:func:`sitrep.store.connect`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from sitrep.config import DEFAULT_STORE, display_path
from sitrep.errors import SitrepError
from sitrep.interop.formats import GDELT1_COLUMNS, GDELT2_COLUMNS, ICEWS_COLUMNS, ORIGINS, POLECAT_COLUMNS, POLECAT_REQUIRED
from sitrep.interop.tables import PROBLEMS_KEPT, ensure_tables, register_lookups

IMPORT_MEMORY_LIMIT = "768MB"  # DuckDB spills what does not fit to <store>.tmp/
_CHUNK = 8 << 20


class InteropError(SitrepError, ValueError):
    """An event file that cannot be imported or exported at all (one line)."""


@dataclass
class ImportSummary:
    """What one :func:`import_events` call did."""

    path: str
    origin: str
    sha256: str
    layout: str = ""
    already_imported: bool = False
    lines: int = 0
    events: int = 0
    source_resolved: int = 0
    target_resolved: int = 0
    by_name: int = 0  # actors (source or target) resolved by their name rather than their country
    problem_count: int = 0
    problems: list[str] = field(default_factory=list)  # "FILE:LINE: problem", at most PROBLEMS_KEPT

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


@dataclass
class _Scan:
    sha256: str
    lines: int
    blank_lines: list[int]
    first_line: str


def _scan(path: Path) -> _Scan:
    """sha256 of the file, its number of lines and its blank lines (the CSV reader
    skips those without numbering them), in one streaming pass."""
    digest = hashlib.sha256()
    blanks: list[int] = []
    newlines = 0
    previous = b"\n"  # a blank first line counts too
    first = b""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                if len(first) < 65536 and b"\n" not in first:
                    first += chunk[:65536]
                edge = previous[-1:] + chunk[:2]
                suspect = b"\n\n" in chunk or b"\n\r\n" in chunk or b"\n\n" in edge or b"\n\r\n" in edge
                window = previous[-1:] + chunk if suspect else b""
                for match in re.finditer(rb"\n(?=\r?\n|\r?$)", window) if suspect else ():
                    end = match.start()  # the newline ending the line before the blank one
                    if end + 1 >= len(window):
                        continue  # decided with the next chunk
                    blanks.append(newlines + window.count(b"\n", 1, end + 1) + 1)
                newlines += chunk.count(b"\n")
                previous = chunk
    except OSError as err:
        raise InteropError(f"{display_path(path)}: cannot read: {err.strerror or err}") from None
    if previous == b"\n" and newlines == 0 and not first:
        raise InteropError(f"{display_path(path)}: empty file")
    text = first.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")
    total = newlines + (0 if previous.endswith(b"\n") else 1)
    return _Scan(digest.hexdigest(), total, sorted({b for b in blanks if b <= total}), text)


# --- layouts ---------------------------------------------------------------------

@dataclass
class _Layout:
    name: str  # icews | gdelt2 | gdelt1 | polecat-tsv | polecat-json
    columns: tuple[str, ...]  # the file's columns, in order (JSON: the fields read)
    header: bool
    fields: dict[str, str]  # normalised field -> SQL over the raw row
    nullstr: tuple[str, ...] = ("",)


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _layout(origin: str, scan: _Scan, shown: str) -> _Layout:
    first = scan.first_line
    if origin == "icews":
        header = first.split("\t")[0].strip().lower() == "event id"
        return _Layout("icews", ICEWS_COLUMNS, header, _icews_fields(), ("", "NA"))
    if origin == "gdelt":
        n = first.count("\t") + 1
        if n not in (58, 61):
            raise InteropError(f"{shown}:1: not a GDELT event export: {n} tab-separated columns "
                               "(GDELT 2.0 has 61, GDELT 1.0 58)")
        cols = GDELT2_COLUMNS if n == 61 else GDELT1_COLUMNS
        return _Layout("gdelt2" if n == 61 else "gdelt1", cols, False, _gdelt_fields())
    stripped = first.lstrip("\ufeff").lstrip()
    if stripped.startswith("["):
        raise InteropError(f"{shown}: a JSON array; sitrep reads POLECAT JSON as JSON lines (one event object a line)")
    if stripped.startswith("{"):
        return _Layout("polecat-json", POLECAT_COLUMNS, False, _polecat_fields(_json_column), ("",))
    header = [h.strip().lstrip("\ufeff") for h in first.split("\t")]
    missing = [c for c in POLECAT_REQUIRED if c.casefold() not in {h.casefold() for h in header}]
    if missing:
        raise InteropError(f"{shown}:1: not a POLECAT file: the header lacks {', '.join(missing)}")
    known = {c.casefold(): c for c in POLECAT_COLUMNS}
    columns = tuple(known.get(h.casefold(), h) for h in header)
    present = set(columns)
    return _Layout("polecat-tsv", columns, True,
                   _polecat_fields(lambda name: _col(columns, name) if name in present else "NULL"), ("", "NA"))


def _col(columns: tuple[str, ...], name: str) -> str:
    return f"c{columns.index(name) + 1}"


def _icews_fields() -> dict[str, str]:
    c = lambda name: _col(ICEWS_COLUMNS, name)  # noqa: E731
    story, sentence = c("Story ID"), c("Sentence Number")
    return {
        "event_id": c("Event ID"), "date_raw": c("Event Date"),
        "event_date": f"try_strptime({c('Event Date')}, '%Y-%m-%d')::DATE",
        "source_name": c("Source Name"), "source_country": c("Source Country"),
        "target_name": c("Target Name"), "target_country": c("Target Country"),
        "code": c("CAMEO Code"), "goldstein_raw": c("Intensity"), "quad_raw": "NULL",
        "plover_raw": "NULL", "mode_raw": "NULL",
        "place": f"nullif(concat_ws(', ', {c('City')}, {c('Province')}, {c('Country')}), '')",
        "country_key": c("Country"), "lat_raw": c("Latitude"), "lon_raw": c("Longitude"),
        "publisher": c("Publisher"), "url": "NULL",
        "provenance": (f"CASE WHEN {story} IS NOT NULL THEN 'ICEWS story ' || {story} || coalesce(', sentence ' || {sentence}, '') "
                       f"ELSE 'ICEWS event ' || coalesce({c('Event ID')}, '?') END"),
    }


def _gdelt_fields() -> dict[str, str]:
    # the names shared by 1.0 and 2.0 sit at the same positions up to AvgTone; the
    # geography blocks differ, so those columns are named per layout at read time
    return {
        "event_id": "GlobalEventID", "date_raw": "Day", "event_date": "try_strptime(Day, '%Y%m%d')::DATE",
        "source_name": "Actor1Name", "source_country": "Actor1CountryCode",
        "target_name": "Actor2Name", "target_country": "Actor2CountryCode",
        "code": "EventCode", "goldstein_raw": "GoldsteinScale", "quad_raw": "QuadClass",
        "plover_raw": "NULL", "mode_raw": "NULL",
        "place": "ActionGeo_FullName", "country_key": "string_split(ActionGeo_FullName, ', ')[-1]",
        "lat_raw": "ActionGeo_Lat", "lon_raw": "ActionGeo_Long", "publisher": "NULL", "url": "SOURCEURL",
        "provenance": "'GDELT event ' || coalesce(GlobalEventID, '?')",
    }


def _json_column(name: str) -> str:
    snake = re.sub(r"\W+", "_", name.strip().lower())
    return f"coalesce(json_extract_string(j, {_q('$.' + json.dumps(name))}), json_extract_string(j, {_q('$.' + snake)}))"


def _polecat_fields(c) -> dict[str, str]:
    story = c("Story ID")
    return {
        "event_id": c("Event ID"), "date_raw": c("Event Date"),
        "event_date": f"try_cast(left(trim({c('Event Date')}), 10) AS DATE)",
        "source_name": c("Actor Name"), "source_country": c("Actor Country"),
        "target_name": c("Recipient Name"), "target_country": c("Recipient Country"),
        "code": "NULL", "goldstein_raw": c("Event Intensity"), "quad_raw": c("Quad Code"),
        "plover_raw": f"upper(trim({c('Event Type')}))", "mode_raw": f"nullif(lower(trim({c('Event Mode')})), '')",
        "place": c("Placename"), "country_key": c("Country"), "lat_raw": c("Latitude"), "lon_raw": c("Longitude"),
        "publisher": c("Source"), "url": "NULL",
        "provenance": f"'POLECAT event ' || coalesce({c('Event ID')}, '?') || coalesce(', story ' || {story}, '')",
    }


# --- reading ---------------------------------------------------------------------

def _reader(path: Path, layout: _Layout) -> str:
    """The FROM clause reading the file: explicit string columns, no sniffing,
    lines of a wrong width set aside in the rejects table."""
    options = (f"quote='', escape='', auto_detect=false, store_rejects=true, ignore_errors=true, "
               f"rejects_table='_ext_rejects', rejects_scan='_ext_scans', max_line_size=10000000, "
               f"nullstr=[{', '.join(_q(s) for s in layout.nullstr)}]")
    if layout.name == "polecat-json":
        return (f"read_csv({_q(str(path))}, columns={{'j': 'VARCHAR'}}, delim='\\x01', header=false, "
                f"quote='', escape='', auto_detect=false, store_rejects=true, ignore_errors=true, "
                f"rejects_table='_ext_rejects', rejects_scan='_ext_scans', max_line_size=10000000)")
    if layout.name.startswith("gdelt"):
        names = layout.columns
    else:
        names = tuple(f"c{i + 1}" for i in range(len(layout.columns)))
    columns = "{" + ", ".join(f"{_q(n)}: 'VARCHAR'" for n in names) + "}"
    return (f"read_csv({_q(str(path))}, columns={columns}, delim='\\t', header={str(layout.header).lower()}, {options})")


QUAD_NAMES = ("CASE upper(trim(r.quad_raw)) WHEN 'VERBAL COOPERATION' THEN 1 WHEN 'MATERIAL COOPERATION' THEN 2 "
              "WHEN 'VERBAL CONFLICT' THEN 3 WHEN 'MATERIAL CONFLICT' THEN 4 END")


def _stage_sql(origin: str, path: Path, layout: _Layout) -> str:
    f = layout.fields
    raw = ",\n".join(f"{expr} AS {name}" for name, expr in f.items())
    where = ""
    json_check = ("WHEN r.j IS NULL OR json_type(r.j) <> 'OBJECT' THEN 'not a JSON object'"
                  if layout.name == "polecat-json" else "")
    keep_j = ", j" if layout.name == "polecat-json" else ""
    numbered = f"SELECT row_number() OVER () AS p, * FROM {_reader(path, layout)}"
    if layout.name == "polecat-json":  # the fields of a line that is no JSON are NULL; the line is reported
        numbered = (f"SELECT p, CASE WHEN json_valid(line) THEN line END AS j, line FROM "
                    f"(SELECT row_number() OVER () AS p, j AS line FROM {_reader(path, layout)})")
        where = "WHERE line IS NOT NULL AND trim(line) <> ''"
    if origin == "polecat":
        category = "r.plover_raw"
        unknown = ("WHEN pq.plover IS NULL THEN 'unknown PLOVER event type ' || coalesce('''' || r.plover_raw || '''', '(empty)')")
        code_join = "LEFT JOIN _ext_cameo cb ON false"
    else:
        category = "cb.plover"
        unknown = ("WHEN cb.code IS NULL THEN 'unknown CAMEO code ' || coalesce('''' || r.code || '''', '(empty)')")
        code_join = "LEFT JOIN _ext_cameo cb ON cb.code = trim(r.code)"
    quad = (f"coalesce(CASE WHEN try_cast(r.quad_raw AS INTEGER) BETWEEN 1 AND 4 THEN try_cast(r.quad_raw AS INTEGER) END, "
            f"{QUAD_NAMES}, cb.quad_class, pq.quad_class, 1)")
    return f"""
CREATE OR REPLACE TEMP TABLE _ext_staged AS
SELECT r.p, r.event_id, r.event_date, r.source_name, r.source_country, r.target_name, r.target_country,
       cb.code AS cameo_code, {category} AS plover, coalesce(r.mode_raw, cb.mode) AS plover_mode,
       coalesce(try_cast(r.goldstein_raw AS DOUBLE), cb.goldstein) AS goldstein, {quad} AS quad_class,
       r.place, r.country_key,
       CASE WHEN try_cast(r.lat_raw AS DOUBLE) BETWEEN -90 AND 90 THEN try_cast(r.lat_raw AS DOUBLE) END AS latitude,
       CASE WHEN try_cast(r.lon_raw AS DOUBLE) BETWEEN -180 AND 180 THEN try_cast(r.lon_raw AS DOUBLE) END AS longitude,
       r.publisher, r.url, r.provenance,
       CASE {json_check}
            WHEN r.event_date IS NULL THEN 'bad date ' || coalesce('''' || r.date_raw || '''', '(empty)')
            {unknown}
            WHEN r.goldstein_raw IS NOT NULL AND try_cast(r.goldstein_raw AS DOUBLE) IS NULL
                 THEN 'bad Goldstein value ''' || r.goldstein_raw || ''''
       END AS problem
FROM (SELECT p{keep_j}, {raw} FROM ({numbered}) {where}) r
{code_join}
LEFT JOIN _ext_plover pq ON pq.plover = {category}
"""


_INSERT = """
INSERT INTO external_events
SELECT ?, ?, {line}, s.event_id, s.event_date,
       coalesce(sn.actor_id, sc.actor_id), s.source_name,
       CASE WHEN sn.actor_id IS NOT NULL THEN 'name' WHEN sc.actor_id IS NOT NULL THEN 'country' END,
       coalesce(tn.actor_id, tc.actor_id), s.target_name,
       CASE WHEN tn.actor_id IS NOT NULL THEN 'name' WHEN tc.actor_id IS NOT NULL THEN 'country' END,
       s.cameo_code, s.plover, s.plover_mode, s.goldstein, s.quad_class,
       cc.actor_id, s.place, s.latitude, s.longitude, s.publisher, s.url, s.provenance
FROM _ext_staged s
LEFT JOIN _ext_names sn ON sn.key = lower(trim(s.source_name))
LEFT JOIN _ext_countries sc ON sc.key = lower(trim(s.source_country))
LEFT JOIN _ext_names tn ON tn.key = lower(trim(s.target_name))
LEFT JOIN _ext_countries tc ON tc.key = lower(trim(s.target_country))
LEFT JOIN _ext_countries cc ON cc.key = lower(trim(s.country_key))
{skips}
WHERE s.problem IS NULL
"""


def import_events(path: Path | str, origin: str, store: Path | str = DEFAULT_STORE) -> ImportSummary:
    """Import one event file (``origin``: icews, gdelt or polecat) into the store."""
    path = Path(path)
    shown = display_path(path)
    if origin not in ORIGINS:
        raise InteropError(f"unknown format {origin!r} (expected {', '.join(ORIGINS)})")
    if not path.is_file():
        raise InteropError(f"{shown}: no such file")
    scan = _scan(path)
    layout = _layout(origin, scan, shown)
    summary = ImportSummary(shown, origin, scan.sha256, layout.name, lines=scan.lines)

    from sitrep.store import StoreError, connect

    con = connect(store)
    try:
        ensure_tables(con)
        earlier = con.execute("SELECT origin, events, problems, problem_lines FROM external_files WHERE file_sha256 = ?",
                              [scan.sha256]).fetchall()
        if earlier:
            was, events, problems, lines = earlier[0]
            if was != origin:
                raise InteropError(f"{shown}: these bytes were imported before as {was}, not {origin}")
            summary.already_imported = True
            summary.events, summary.problem_count, summary.problems = events, problems, json.loads(lines)
            _count_resolved(con, summary)
            return summary
        con.execute(f"SET memory_limit = '{IMPORT_MEMORY_LIMIT}'").fetchall()
        con.execute("SET enable_progress_bar = false").fetchall()  # stdout is the command's
        register_lookups(con)
        try:
            con.execute(_stage_sql(origin, path, layout)).fetchall()
        except duckdb.Error as err:
            raise InteropError(f"{shown}: cannot read as {origin}: {str(err).splitlines()[0]}") from None
        rejects = con.execute(
            "SELECT line, any_value(error_type), any_value(csv_line) FROM _ext_rejects GROUP BY line ORDER BY line").fetchall()
        skipped = sorted({*(r[0] for r in rejects), *scan.blank_lines, *([1] if layout.header else [])})
        line_sql, skips_sql = _line_mapping(con, skipped, layout.name == "polecat-json")
        con.execute("BEGIN TRANSACTION").fetchall()
        try:
            con.execute(_INSERT.format(line=line_sql, skips=skips_sql), [origin, scan.sha256]).fetchall()
            bad_rows = con.execute(
                f"SELECT {line_sql} AS line, s.problem FROM _ext_staged s {skips_sql} WHERE s.problem IS NOT NULL "
                f"ORDER BY line LIMIT {PROBLEMS_KEPT}").fetchall()
            n_bad_rows = con.execute("SELECT count(*) FROM _ext_staged WHERE problem IS NOT NULL").fetchall()[0][0]
            problems = sorted([(line, _reject_message(kind, text, len(layout.columns))) for line, kind, text in rejects]
                              + list(bad_rows))[:PROBLEMS_KEPT]
            summary.problem_count = len(rejects) + n_bad_rows
            summary.problems = [f"{shown}:{line}: {message}" for line, message in problems]
            summary.events = con.execute("SELECT count(*) FROM external_events WHERE file_sha256 = ?",
                                         [scan.sha256]).fetchall()[0][0]
            con.execute("INSERT INTO external_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [scan.sha256, origin, layout.name, shown, scan.lines, summary.events, summary.problem_count,
                         json.dumps(summary.problems, ensure_ascii=False)]).fetchall()
            con.execute("COMMIT").fetchall()
        except BaseException as err:
            try:
                con.execute("ROLLBACK").fetchall()
            except duckdb.Error:
                pass
            if isinstance(err, duckdb.Error):
                raise StoreError(f"{display_path(store)}: could not store the events of {shown} "
                                 f"({str(err).splitlines()[0]}); the store holds what it held before") from None
            raise
        _count_resolved(con, summary)
    finally:
        con.close()
    return summary


def _line_mapping(con, skipped: list[int], direct: bool) -> tuple[str, str]:
    """SQL for the file line of a staged row: its number among the parsed rows plus
    the skipped lines (header, blank, rejected) before it."""
    if direct:  # one column: the reader numbers every line, blank ones too
        return "s.p", ""
    prefix = 0
    while prefix < len(skipped) and skipped[prefix] == prefix + 1:
        prefix += 1
    if prefix == len(skipped):
        return f"s.p + {prefix}", ""
    # t = parsed rows before the j-th skipped line; row p sits after every skipped line with t < p
    rows = {}
    for j, line in enumerate(skipped, start=1):
        rows[line - j] = j
    import pandas as pd

    frame = pd.DataFrame(sorted(rows.items()), columns=["t", "k"])
    con.register("_ext_skip_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE _ext_skips AS SELECT * FROM _ext_skip_frame").fetchall()
    con.unregister("_ext_skip_frame")
    return "s.p + coalesce(k.k, 0)", "ASOF LEFT JOIN _ext_skips k ON s.p > k.t"


def _reject_message(kind: str, text: str | None, expected: int) -> str:
    kind = (kind or "").upper()
    if "COLUMNS" in kind:
        found = (text or "").strip("\r\n").count("\t") + 1
        return f"wrong column count ({found}, expected {expected})"
    if "ENCODING" in kind or "UNICODE" in kind:
        return "not valid UTF-8"
    if "LINE SIZE" in kind or "MAXIMUM" in kind:
        return "line too long"
    return kind.lower() or "unreadable line"


def _count_resolved(con, summary: ImportSummary) -> None:
    row = con.execute(
        "SELECT count(source_id), count(target_id), count(*) FILTER (WHERE source_match = 'name') "
        "+ count(*) FILTER (WHERE target_match = 'name') FROM external_events WHERE file_sha256 = ?",
        [summary.sha256]).fetchall()[0]
    summary.source_resolved, summary.target_resolved, summary.by_name = row
