"""The store's tables of external event records, and the small lookup tables an
import or export joins against (registry names and countries, the CAMEO codebook).

``external_files``   one imported file: its sha256 (the key: the same bytes are never
                     imported twice), origin, layout, path, events kept, problems found
                     (count, and the first ``PROBLEMS_KEPT`` as JSON ``["FILE:LINE: ..."]``)
``external_events``  one event record of an imported file: origin, file hash and line,
                     the file's own event id, event date, source/target actor as named in
                     the file, with the registry id it resolved to and how (``name`` or
                     ``country``), CAMEO code (none for POLECAT), PLOVER category and mode,
                     Goldstein value, QuadClass, where (country ISO3, place, latitude,
                     longitude), publisher or url, and a provenance line
                     ("ICEWS story 47400351, sentence 2")

Both are created here (``CREATE TABLE IF NOT EXISTS``) on a connection from
:func:`sitrep.store.connect`, so a store made before they existed gains them on the
first import; readers treat a store without them as holding no external events.
"""

from __future__ import annotations

import pandas as pd

from sitrep.extract.codebook import Code, load_codebook
from sitrep.extract.registry import Registry
from sitrep.interop.formats import PLOVER_QUAD, plover_mode

PROBLEMS_KEPT = 1000

EXTERNAL_SCHEMA = """
CREATE TABLE IF NOT EXISTS external_files (
    file_sha256 VARCHAR NOT NULL, origin VARCHAR NOT NULL, layout VARCHAR NOT NULL, path VARCHAR NOT NULL,
    lines BIGINT NOT NULL, events BIGINT NOT NULL, problems BIGINT NOT NULL, problem_lines VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS external_events (
    origin VARCHAR NOT NULL, file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL, event_id VARCHAR,
    event_date DATE NOT NULL,
    source_id VARCHAR, source_name VARCHAR, source_match VARCHAR,
    target_id VARCHAR, target_name VARCHAR, target_match VARCHAR,
    cameo_code VARCHAR, plover VARCHAR NOT NULL, plover_mode VARCHAR, goldstein DOUBLE, quad_class INTEGER NOT NULL,
    country VARCHAR, place VARCHAR, latitude DOUBLE, longitude DOUBLE, publisher VARCHAR, url VARCHAR,
    provenance VARCHAR NOT NULL);
"""


def ensure_tables(con) -> None:
    con.execute(EXTERNAL_SCHEMA).fetchall()


def has_external_tables(con) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_name IN ('external_files', 'external_events')").fetchall()
    return rows[0][0] == 2


def _register(con, name: str, frame: pd.DataFrame) -> None:
    con.register(name, frame)  # a view of the frame: works on read-only connections too


def register_lookups(con, registry: Registry | None = None, codebook: dict[str, Code] | None = None) -> None:
    """Registered views ``_ext_names`` (lower-cased actor name -> id), ``_ext_countries``
    (lower-cased state name, alias or ISO3 code -> id), ``_ext_cameo`` (the codebook with
    each code's PLOVER mode) and ``_ext_plover`` (category -> QuadClass)."""
    registry = registry or Registry.load()
    codebook = codebook or load_codebook()
    names: dict[str, set[str]] = {}
    countries: dict[str, set[str]] = {}
    for actor in registry.actors.values():
        if actor.provisional:
            continue
        for alias in {actor.name, *actor.aliases}:
            targets = registry.index.get(alias, [])
            if alias == actor.name or any(t.actor == actor.id and t.kind == "name" for t in targets):
                names.setdefault(alias.casefold(), set()).add(actor.id)
                if actor.type == "state":
                    countries.setdefault(alias.casefold(), set()).add(actor.id)
        if actor.type == "state":
            countries.setdefault(actor.id.casefold(), set()).add(actor.id)
    unique = lambda table: [(k, next(iter(v))) for k, v in sorted(table.items()) if len(v) == 1]  # noqa: E731
    _register(con, "_ext_names", pd.DataFrame(unique(names), columns=["key", "actor_id"]))
    _register(con, "_ext_countries", pd.DataFrame(unique(countries), columns=["key", "actor_id"]))
    _register(con, "_ext_cameo", pd.DataFrame(
        [(c.code, c.name, c.goldstein, c.quad_class, c.plover, plover_mode(c.code)) for c in codebook.values()],
        columns=["code", "name", "goldstein", "quad_class", "plover", "mode"]))
    categories = sorted(set(PLOVER_QUAD) | {c.plover for c in codebook.values()})
    _register(con, "_ext_plover", pd.DataFrame(
        [(p, PLOVER_QUAD.get(p)) for p in categories], columns=["plover", "quad_class"]).astype({"quad_class": "Int64"}))
