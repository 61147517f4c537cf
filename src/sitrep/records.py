"""Reading the store: articles and extracted records as pandas DataFrames.

Every reader takes the store path and optional filters (date window, actors,
CAMEO codes) and opens the store read-only, so any number of reports can read it
at once. Dates filter on the article's publication date. Titles and outlet names
are cleaned of invisible formatting characters (bidirectional overrides, zero-width
characters) on the way out too, so a store written by an older sitrep cannot spoof
them in a report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sitrep.ingest.metadata import clean_name
from sitrep.store import connect, store_meta

ARTICLE_COLUMNS = "id, title, source, url, published, language, path, format, n_chars, n_words, near_duplicate_of, near_duplicate_similarity"


def _clean_names(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Titles and outlet names without invisible formatting characters (empty -> None)."""
    for column in columns:
        if column in frame and len(frame):
            frame[column] = frame[column].map(lambda v: (clean_name(v) or None) if isinstance(v, str) else v)
    return frame


def _window_sql(start: dt.date | None, end: dt.date | None, column: str = "a.published") -> tuple[str, list]:
    clauses, args = [], []
    if start:
        clauses.append(f"{column} >= ?")
        args.append(start)
    if end:
        clauses.append(f"{column} <= ?")
        args.append(end)
    return (" AND ".join(clauses) or "TRUE"), args


def load_articles(store: Path, start: dt.date | None = None, end: dt.date | None = None, *, with_text: bool = False) -> pd.DataFrame:
    """Articles published in the window (undated articles only when no window is set),
    with the number of files that held each (``copies``; > 1 means exact duplicates)."""
    where, args = _window_sql(start, end)
    cols = ", ".join(f"a.{c.strip()}" for c in ARTICLE_COLUMNS.split(","))
    text = ", a.text" if with_text else ""
    con = connect(store, read_only=True)
    try:
        frame = con.execute(
            f"""SELECT {cols}{text}, count(f.path) AS copies, string_agg(CASE WHEN f.line > 0 THEN f.path || ':' || f.line ELSE f.path END, '; ' ORDER BY f.path, f.line) AS files
                FROM articles a JOIN files f ON f.article_id = a.id
                WHERE {where}
                GROUP BY ALL ORDER BY a.published NULLS LAST, a.id""",
            args,
        ).df()
    finally:
        con.close()
    frame["published"] = pd.to_datetime(frame["published"]).dt.date
    return _clean_names(frame, ("title", "source"))


def load_table(store: Path, table: str, start: dt.date | None = None, end: dt.date | None = None,
               actors: Sequence[str] | None = None, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows of an extraction table (``sentences``, ``mentions``, ``events``,
    ``statements``, ``figures``, ``unknown_actors``) joined with their article's date and source.

    ``actors`` keeps rows whose source/target/speaker/actor is one of them; ``codes``
    keeps events whose CAMEO code starts with one of the given prefixes.
    """
    if table not in {"sentences", "mentions", "events", "statements", "figures", "unknown_actors"}:
        raise ValueError(f"unknown table {table!r}")
    where, args = _window_sql(start, end)
    if actors:
        cols = {"events": ("source", "target"), "statements": ("speaker", "target"), "mentions": ("actor_id",)}.get(table)
        if cols:
            where += " AND (" + " OR ".join(f"list_contains(?, t.{c})" for c in cols) + ")"
            args += [list(actors)] * len(cols)
    if codes and table == "events":
        where += " AND (" + " OR ".join("starts_with(t.code, ?)" for _ in codes) + ")"
        args += list(codes)
    order = "a.published NULLS LAST, t.article_id" + ("" if table == "unknown_actors" else ", t.sentence, t.start")
    con = connect(store, read_only=True)
    try:
        named = ""
        if table == "events":  # does the event's own sentence name its source (or a person or body of it)?
            named = """, EXISTS (SELECT 1 FROM mentions m LEFT JOIN actors ma ON ma.id = m.actor_id
                                 WHERE m.article_id = t.article_id AND m.sentence = t.sentence
                                   AND (m.actor_id = t.source OR ma.country = t.source
                                        OR m.actor_id = (SELECT sa.country FROM actors sa WHERE sa.id = t.source)))
                       AS source_named"""
        frame = con.execute(
            f"""SELECT t.*, a.published, a.source AS outlet, a.title{named}
                FROM {table} t JOIN articles a ON a.id = t.article_id
                WHERE {where} ORDER BY {order}""",
            args,
        ).df()
    finally:
        con.close()
    frame["published"] = pd.to_datetime(frame["published"]).dt.date
    return _clean_names(frame, ("title", "outlet"))  # not "source": in events it is an actor id


def _query(store: Path, sql: str) -> pd.DataFrame:
    """One read-only query on the store, as a DataFrame."""
    con = connect(store, read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def load_actors(store: Path) -> pd.DataFrame:
    """Every registry actor with its canonical label (``mentioned``: named by a record)."""
    return _query(store, "SELECT * FROM actors ORDER BY id")


def load_meta(store: Path) -> dict[str, str]:
    con = connect(store, read_only=True)
    try:
        return store_meta(con)
    finally:
        con.close()


def load_files(store: Path) -> pd.DataFrame:
    """The ingested files: path (and line for JSON lines), sha256, article id."""
    return _query(store, "SELECT path, line, file_sha256, article_id, format FROM files ORDER BY path, line")


def publication_dates(store: Path) -> list[dt.date]:
    """Distinct publication dates of every article in the store, in order."""
    frame = _query(store, "SELECT DISTINCT published FROM articles WHERE published IS NOT NULL ORDER BY 1")
    return [d.date() if hasattr(d, "date") else d for d in frame["published"]]


# --- external event records (ICEWS, GDELT, POLECAT files imported by sitrep.interop) ----
EXTERNAL_EVENT_COLUMNS = [
    "origin", "file_sha256", "line", "event_id", "event_date", "source_id", "source_name", "source_match", "target_id",
    "target_name", "target_match", "cameo_code", "plover", "plover_mode", "goldstein", "quad_class", "country", "place",
    "latitude", "longitude", "publisher", "url", "provenance", "path"]
EXTERNAL_FILE_COLUMNS = ["path", "origin", "layout", "file_sha256", "lines", "events", "problems", "problem_lines"]


def _has_external(con) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_name IN ('external_files', 'external_events')").fetchall()
    return rows[0][0] == 2


def load_external_events(store: Path, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """External event records (imported ICEWS, GDELT, POLECAT files) dated in the window,
    with the path of the file each came from; a store without the tables holds none."""
    if not Path(store).is_file():
        return pd.DataFrame(columns=EXTERNAL_EVENT_COLUMNS)
    where, args = _window_sql(start, end, "e.event_date")
    con = connect(store, read_only=True)
    try:
        if not _has_external(con):
            return pd.DataFrame(columns=EXTERNAL_EVENT_COLUMNS)
        frame = con.execute(
            f"""SELECT e.*, f.path FROM external_events e JOIN external_files f ON f.file_sha256 = e.file_sha256
                WHERE {where} ORDER BY e.event_date, e.origin, f.path, e.line""", args).df()
    finally:
        con.close()
    frame["event_date"] = pd.to_datetime(frame["event_date"]).dt.date
    return _clean_names(frame[EXTERNAL_EVENT_COLUMNS], ("source_name", "target_name", "publisher"))


def load_external_files(store: Path) -> pd.DataFrame:
    """The imported event files: path, origin, layout, sha256, lines, events kept and
    problems found (none for a store without the tables)."""
    if not Path(store).is_file():
        return pd.DataFrame(columns=EXTERNAL_FILE_COLUMNS)
    con = connect(store, read_only=True)
    try:
        if not _has_external(con):
            return pd.DataFrame(columns=EXTERNAL_FILE_COLUMNS)
        return con.execute(f"SELECT {', '.join(EXTERNAL_FILE_COLUMNS)} FROM external_files ORDER BY path, file_sha256").df()
    finally:
        con.close()
