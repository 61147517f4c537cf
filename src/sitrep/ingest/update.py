"""One ingest: article files -> articles and their extracted records in the store.

The orchestration of the data flow's first half, in stages that each report their
progress: **scan** (find and hash the files; unchanged ones are skipped), **read**
(parse the changed files and append their articles), **extract** (in worker
processes or on a Dask cluster, see :mod:`sitrep.ingest.workers`; records appended
in bulk as they come back, in article order), **duplicates** (near-duplicates by
MinHash bands, see :mod:`sitrep.ingest.duplicates`). All of it is one transaction of
the store (:mod:`sitrep.store`): either every new file lands with its records, or
the store is left exactly as it was. No stage holds the corpus: files are read one
at a time and article texts go to the workers in bounded batches.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from sitrep import __version__
from sitrep.config import DEFAULT_STORE, display_path
from sitrep.extract.language import detect_language
from sitrep.extract.pipeline import Extractor, shared_extractor
from sitrep.extract.records import ArticleExtraction
from sitrep.ingest.duplicates import band_keys, bands_frame, flag_near_duplicates, unsigned_ids
from sitrep.ingest.errors import ArticleError
from sitrep.ingest.metadata import Article
from sitrep.ingest.progress import IngestProgress, no_progress
from sitrep.ingest.readers import discover_files, read_articles
from sitrep.ingest.workers import Task, chunks, default_workers, extract_all
from sitrep.store import (
    RECORD_TABLES, SCHEMA, StoreError, connect, delete_articles, failure_reason, first_row, insert_frame, insert_rows,
    records_fingerprint,
    reset_record_tables, run, set_meta,
)

BATCH = 500  # articles per bulk append
TEXT_BATCH = 256  # article texts fetched from the store at once for extraction


@dataclass
class IngestSummary:
    """What one :func:`update_store` call did."""

    files_seen: int = 0
    files_unchanged: int = 0
    files_ingested: int = 0
    files_pruned: int = 0
    articles_new: int = 0
    articles_removed: int = 0
    articles_reextracted: int = 0
    duplicates_merged: int = 0
    near_duplicates: int = 0
    articles_total: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.files_ingested or self.files_pruned or self.articles_reextracted)


def update_store(
    paths: Iterable[Path | str],
    store: Path | str = DEFAULT_STORE,
    *,
    prune: bool = False,
    extractor: Extractor | None = None,
    progress: IngestProgress | None = None,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> IngestSummary:
    """Ingest article files into the store (one transaction) and return a summary.

    Unchanged files are skipped; a changed file replaces what it held before. Bad
    files are reported in ``summary.skipped`` and do not stop the others. With
    ``prune``, files under the given folders that no longer exist are removed.
    When the extraction rules or registry changed since the last ingest, every
    article is extracted again. Extraction runs on ``workers`` processes (default:
    every core) or, with ``executor="dask"``, on the cluster at ``scheduler``; the
    store written is the same whatever runs it.
    """
    if executor not in ("local", "dask"):
        raise ValueError(f"unknown executor {executor!r} (local or dask)")
    paths = [Path(p) for p in paths]
    stage = progress.stage if progress else no_progress
    summary = IngestSummary()
    refused: list[ArticleError] = []
    files = discover_files(paths, refused)
    summary.skipped.extend(str(err) for err in refused)
    summary.files_seen = len(files)
    custom = extractor is not None
    extractor = extractor or shared_extractor()
    con = connect(store)
    try:
        known = dict(con.execute("SELECT path, any_value(file_sha256) FROM files GROUP BY path").fetchall())
        earlier = _known_problems(con)
        to_read: list[Path] = []
        with stage("scan", len(files), "files") as advance:
            for f in files:
                try:
                    sha = hashlib.sha256(f.read_bytes()).hexdigest() if f.is_file() else None
                except OSError:
                    sha = None  # read_articles says why
                shown = display_path(f)
                if sha is not None and known.get(shown) == sha:
                    summary.files_unchanged += 1
                    summary.skipped.extend(earlier.get(shown, []))  # its bad lines are still bad
                else:
                    to_read.append(f)
                advance(1)
        pruned: list[str] = []
        if prune:
            present = {display_path(f) for f in files}
            roots = [display_path(p) for p in paths if p.is_dir()]
            pruned = [k for k in known if k not in present and any(_under(k, r) for r in roots)]
        fingerprint = records_fingerprint(extractor)
        previous = first_row(con, "SELECT value FROM meta WHERE key = 'extractor'")
        if not to_read and not pruned and previous is not None and previous[0] == fingerprint:
            summary.articles_total = first_row(con, "SELECT count(*) FROM articles")[0]
            summary.near_duplicates = first_row(con, "SELECT count(near_duplicate_of) FROM articles")[0]
            return summary  # nothing new: the store is not touched
        run(con, "BEGIN TRANSACTION")
        try:
            run(con, SCHEMA)  # tables a store made by an older sitrep lacks
            ingested, fresh, line_problems = _read(con, to_read, set(known), pruned, summary, stage)
            if not ingested and not pruned and previous is not None and previous[0] == fingerprint:
                run(con, "ROLLBACK")  # every changed file was refused: nothing to write
                summary.articles_total = first_row(con, "SELECT count(*) FROM articles")[0]
                summary.near_duplicates = first_row(con, "SELECT count(near_duplicate_of) FROM articles")[0]
                return summary
            gone = _drop_orphans(con, summary)
            if previous is None or previous[0] != fingerprint:
                targets = [r[0] for r in con.execute("SELECT id FROM articles ORDER BY id").fetchall()]
                summary.articles_reextracted = max(0, len(targets) - len(fresh)) if previous is not None else 0
                reset_record_tables(con)
            else:
                targets = sorted(fresh)
            unsigned = unsigned_ids(con)
            with stage("extract", len(targets)) as advance:
                signed = _extract(con, targets, unsigned, extractor, custom=custom, workers=workers,
                                  executor=executor, scheduler=scheduler, advance=advance)
            signed += _sign_rest(con, unsigned - set(targets))
            _refresh_actors(con, extractor)
            set_meta(con, {"extractor": fingerprint, "sitrep_version": __version__, **extractor.versions()})
            with stage("duplicates", len(signed) + len(gone)) as advance:
                summary.near_duplicates = flag_near_duplicates(con, signed, gone)
                advance(len(signed) + len(gone))
            _record_problems(con, sorted(set(ingested) | set(pruned)), line_problems)
            run(con, "COMMIT")
        except BaseException as err:
            _rollback(con)
            if isinstance(err, (duckdb.Error, OSError)):  # a full disk, a folder made read-only meanwhile ...
                raise StoreError(f"{display_path(store)}: could not write the store ({failure_reason(err)}); "
                                 "the ingest was rolled back, the store holds what it held before") from err
            raise
        summary.articles_total = first_row(con, "SELECT count(*) FROM articles")[0]
    finally:
        con.close()
    return summary


def _read(con, to_read: list[Path], known: set[str], pruned: list[str], summary: IngestSummary, stage) -> tuple[list[str], set[str], dict]:
    """Read the changed files one at a time, appending their files and new articles
    rows in batches; returns (paths ingested, ids of new articles, bad lines per path)."""
    if pruned:
        run(con, "DELETE FROM files WHERE list_contains(?, path)", [sorted(pruned)])
    existing = {r[0] for r in con.execute("SELECT id FROM articles").fetchall()}
    fresh: set[str] = set()
    ingested: list[str] = []
    line_problems: dict[str, list[str]] = {}
    warnings: dict[str, None] = {}
    file_rows: dict[tuple[str, int], dict] = {}
    article_rows: list[dict] = []

    def flush() -> None:
        insert_rows(con, "files", list(file_rows.values()))
        insert_rows(con, "articles", article_rows)
        file_rows.clear()
        article_rows.clear()

    with stage("read", len(to_read), "files") as advance:
        for f in to_read:
            advance(1)
            bad_lines: list[ArticleError] = []
            try:
                got = read_articles(f, bad_lines)
            except ArticleError as err:
                summary.skipped.append(str(err))
                continue
            shown = display_path(f)
            ingested.append(shown)  # a file refused above keeps what it held before
            if shown in known:
                run(con, "DELETE FROM files WHERE path = ?", [shown])
            if bad_lines:
                line_problems[shown] = [str(err) for err in bad_lines]
                summary.skipped.extend(line_problems[shown])
            for a in got:
                warnings.update(dict.fromkeys(a.warnings))
                file_rows[(a.path, a.line or 0)] = {"path": a.path, "line": a.line or 0, "file_sha256": a.file_sha256,
                                                    "article_id": a.id, "format": a.format}
                if a.id in existing or a.id in fresh:
                    summary.duplicates_merged += 1
                else:
                    fresh.add(a.id)
                    article_rows.append(_article_row(a))
            if len(article_rows) >= BATCH or len(file_rows) >= BATCH:
                flush()
        flush()
    summary.warnings.extend(warnings)
    summary.files_ingested = len(ingested)
    summary.files_pruned = len(pruned)
    summary.articles_new = len(fresh)
    return ingested, fresh, line_problems


def _drop_orphans(con, summary: IngestSummary) -> list[str]:
    """Delete the articles no file refers to any more, with their records."""
    orphans = [r[0] for r in con.execute("SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM files)").fetchall()]
    if orphans:
        delete_articles(con, orphans)
        summary.articles_removed = len(orphans)
    return orphans


def _tasks(con, targets: list[str], unsigned: set[str]) -> Iterator[Task]:
    """The articles to extract, their texts fetched from the store a batch at a time."""
    for i in range(0, len(targets), TEXT_BATCH):
        batch = targets[i : i + TEXT_BATCH]
        rows = con.execute("SELECT id, text, published, language FROM articles WHERE list_contains(?, id) ORDER BY id",
                           [batch]).fetchall()
        for aid, text, published, language in rows:
            yield Task(aid, text, published, language, aid in unsigned)


def _extract(con, targets: list[str], unsigned: set[str], extractor: Extractor, *, custom: bool, workers: int | None,
             executor: str, scheduler: str | None, advance) -> list[str]:
    """Extract ``targets`` and append their records and band keys; returns the ids signed."""
    # each batch of texts is one query read to its end before the next append on this connection
    tasks = _tasks(con, targets, unsigned)
    signed: list[str] = []
    buffers: dict[str, list[dict]] = {t: [] for t in RECORD_TABLES}
    bands: list[tuple[str, list[int]]] = []
    pending = 0
    results = extract_all(tasks, len(targets), extractor=extractor, workers=workers or default_workers(),
                          executor=executor, scheduler=scheduler, custom=custom, advance=advance)
    for aid, ex, keys in results:
        _buffer_records(buffers, aid, ex)
        if keys is not None:
            bands.append((aid, keys))
            signed.append(aid)
        pending += 1
        if pending >= BATCH:
            _flush(con, buffers, bands)
            pending = 0
    _flush(con, buffers, bands)
    return signed


def _sign_rest(con, ids: set[str]) -> list[str]:
    """Band keys for stored articles not extracted in this run that have none yet
    (a store made before near-duplicate bands existed)."""
    ordered = sorted(ids)
    for task_batch in chunks(_tasks(con, ordered, set()), BATCH):
        insert_frame(con, "shingle_bands", bands_frame([(t.article_id, band_keys(t.text)) for t in task_batch]))
    return ordered


def _flush(con, buffers: dict[str, list[dict]], bands: list[tuple[str, list[int]]]) -> None:
    for table, rows in buffers.items():
        insert_rows(con, table, rows)
        rows.clear()
    insert_frame(con, "shingle_bands", bands_frame(bands))
    bands.clear()


def _buffer_records(buffers: dict[str, list[dict]], aid: str, ex: ArticleExtraction) -> None:
    for s in ex.sentences:
        buffers["sentences"].append({"article_id": aid, "sentence": s.index, "start": s.start, "end": s.end, "text": s.text})
    for m in ex.mentions:
        buffers["mentions"].append({"article_id": aid, "sentence": m.sentence, "start": m.start, "end": m.end,
                                    "text": m.text, "actor_id": m.actor, "how": m.how})
    for e in ex.events:
        buffers["events"].append({"article_id": aid, **_fields(e)})
    for s in ex.statements:
        buffers["statements"].append({"article_id": aid, **_fields(s)})
    for f in ex.figures:
        buffers["figures"].append({"article_id": aid, **_fields(f)})
    for name, count in ex.unknown_actors.items():
        buffers["unknown_actors"].append({"article_id": aid, "name": name, "count": count})


def _fields(record) -> dict:
    return {name: getattr(record, name) for name in record.__slots__}


def _rollback(con) -> None:
    """Roll the open transaction back; after a failed COMMIT DuckDB has already done so."""
    try:
        run(con, "ROLLBACK")
    except duckdb.Error:
        pass


PROBLEMS_KEY = "problems:"


def _known_problems(con) -> dict[str, list[str]]:
    """The bad lines of stored files, as recorded when they were ingested."""
    rows = con.execute("SELECT key, value FROM meta WHERE starts_with(key, ?)", [PROBLEMS_KEY]).fetchall()
    return {key[len(PROBLEMS_KEY):]: json.loads(value) for key, value in rows}


def _record_problems(con, replaced: list[str], problems: dict[str, list[str]]) -> None:
    """Remember the bad lines of files stored without them, so that a re-ingest of
    the unchanged file still reports them (and still exits with "some skipped")."""
    if replaced:
        run(con, "DELETE FROM meta WHERE list_contains(?, key)", [[PROBLEMS_KEY + p for p in replaced]])
    for path, messages in sorted(problems.items()):
        run(con, "INSERT OR REPLACE INTO meta VALUES (?, ?)", [PROBLEMS_KEY + path, json.dumps(messages, ensure_ascii=False)])


def _under(path: str, root: str) -> bool:
    return root in ("", ".") or path == root or path.startswith(root.rstrip("/") + "/")


def _article_row(a: Article) -> dict:
    return {
        "id": a.id, "title": a.meta.title, "source": a.meta.source, "url": a.meta.url,
        "published": a.meta.published, "language": a.meta.language or detect_language(a.text), "path": a.path,
        "format": a.format, "text": a.text, "n_chars": len(a.text), "n_words": a.n_words,
        "near_duplicate_of": None, "near_duplicate_similarity": None,
    }


def _refresh_actors(con, extractor: Extractor) -> None:
    """Every registry actor, so reports can name any of them; an actor the records
    refer to has its role and label as of the last article that names it (one
    canonical label per actor), the others as of the newest article."""
    used = dict(con.execute(
        """SELECT r.actor, max(a.published) FROM (
               SELECT article_id, actor_id AS actor FROM mentions UNION ALL SELECT article_id, source FROM events
               UNION ALL SELECT article_id, target FROM events UNION ALL SELECT article_id, speaker FROM statements
               UNION ALL SELECT article_id, target FROM statements) r
           JOIN articles a ON a.id = r.article_id WHERE r.actor IS NOT NULL GROUP BY r.actor"""
    ).fetchall())
    newest = first_row(con, "SELECT max(published) FROM articles")[0]
    # provisional actors (found in the text, not in the registry files) keep the row they
    # were stored with when the extractor of this run has not met them
    kept = {row[0]: dict(zip(("id", "name", "type", "country", "role", "label"), row)) for row in con.execute(
        "SELECT id, name, type, country, role, label FROM actors WHERE provisional").fetchall()}
    run(con, "DELETE FROM actors")
    registry = extractor.registry
    ids = sorted({a for a, actor in registry.actors.items() if not actor.provisional} | set(used))

    def reviewed(actor_id: str):
        actor = registry.actors.get(actor_id)
        return (actor.reviewed or registry.as_of) if actor is not None else None

    def row(actor_id: str) -> dict:
        if actor_id not in registry.actors and actor_id in kept:
            return {**kept[actor_id], "provisional": True}
        return extractor.actor_row(actor_id, used.get(actor_id, newest))

    insert_rows(con, "actors", [{**row(a), "mentioned": a in used, "reviewed": reviewed(a)} for a in ids])
