"""The DuckDB store: schema, connections, locks, and bulk writes.

Third stage of the data flow (``ingest`` -> ``extract`` -> here). What an ingest
writes, and in which order, is decided by :mod:`sitrep.ingest.update` (one
transaction per ingest); this module knows tables, not articles.

Tables (one row per ...):

``files``       (path, line) of an ingested file: its sha256 and the article it holds
``articles``    article: metadata, body, size, near-duplicate flag
``sentences``   sentence: article, index, character offsets, text
``actors``      registry actor (id, name, type, country, role, label; ``mentioned`` if any record names it;
                ``reviewed``: when its registry entry was last checked, else the registry's as-of date)
``mentions``    actor mention: article, sentence, offsets, surface text, actor
``events``      CAMEO event: source, target, code, label, Goldstein, QuadClass, evidence, rule,
                event date and its basis (stated, relative, context, published)
``statements``  attributed statement: speaker, target, stance, sentence text
``figures``     reported figure (casualties): kind, value, qualifier, phrase, who gave it
``unknown_actors`` capitalised name the registry does not know, with its count per article
``shingle_bands`` MinHash band key of an article's shingles (near-duplicate candidates, see
                :mod:`sitrep.ingest.duplicates`; band -1 marks an article with no words)
``meta``        key/value: records fingerprint (extractor + schema), registry and codebook versions;
                ``problems:<path>``: the bad lines of a file whose good lines are stored (JSON list)

Concurrency: every connection holds a lock on ``<store>.lock`` (``flock``; the kernel
drops it when its process dies, even by ``kill -9``, so a stale lock file never blocks).
Readers (:mod:`sitrep.records`, a build's kernel) share it; one ingest holds it alone,
from before it reads what the store holds until its transaction is committed and the
file closed. A second ingest, or a reader during an ingest, waits and says on stderr
what it waits for (process id and command); with ``SITREP_STORE_WAIT=SECONDS`` it
gives up after that long with a one-line :class:`StoreError` (``0``: refuse at once).
:func:`store_lock` holds the lock across several reads for one consistent snapshot.
A failed write (a full disk, a read-only folder) rolls the transaction back and is a
one-line :class:`StoreError`; the store keeps its previous content.

Every connection has DuckDB's extension autoloading and autoinstalling switched off:
sitrep needs no extension, and a file that is not a sitrep store (a SQLite database,
another DuckDB database, a text file) is refused with a one-line message instead of
making DuckDB fetch an extension from the internet.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from sitrep.config import DEFAULT_STORE, display_path
from sitrep.errors import SitrepError

if TYPE_CHECKING:
    from sitrep.extract.pipeline import Extractor


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS files (
    path VARCHAR NOT NULL, line INTEGER NOT NULL, file_sha256 VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL, format VARCHAR NOT NULL, PRIMARY KEY (path, line));
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY, title VARCHAR, source VARCHAR, url VARCHAR, published DATE,
    language VARCHAR NOT NULL, path VARCHAR NOT NULL, format VARCHAR NOT NULL,
    text VARCHAR NOT NULL, n_chars INTEGER NOT NULL, n_words INTEGER NOT NULL,
    near_duplicate_of VARCHAR, near_duplicate_similarity DOUBLE);
CREATE TABLE IF NOT EXISTS sentences (
    article_id VARCHAR NOT NULL, sentence INTEGER NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, text VARCHAR NOT NULL, PRIMARY KEY (article_id, sentence));
CREATE TABLE IF NOT EXISTS actors (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, type VARCHAR NOT NULL,
    country VARCHAR, role VARCHAR, label VARCHAR NOT NULL, mentioned BOOLEAN NOT NULL, reviewed DATE,
    provisional BOOLEAN NOT NULL DEFAULT false);
CREATE TABLE IF NOT EXISTS mentions (
    article_id VARCHAR NOT NULL, sentence INTEGER NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, text VARCHAR NOT NULL, actor_id VARCHAR NOT NULL, how VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    article_id VARCHAR NOT NULL, sentence INTEGER NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, source VARCHAR, target VARCHAR, code VARCHAR NOT NULL,
    label VARCHAR NOT NULL, goldstein DOUBLE NOT NULL, quad_class INTEGER NOT NULL,
    evidence VARCHAR NOT NULL, confidence DOUBLE NOT NULL, rule VARCHAR NOT NULL,
    attributed_to VARCHAR, event_date DATE, date_basis VARCHAR NOT NULL, plover VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS statements (
    article_id VARCHAR NOT NULL, sentence INTEGER NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, speaker VARCHAR NOT NULL, target VARCHAR, stance VARCHAR NOT NULL,
    text VARCHAR NOT NULL, confidence DOUBLE NOT NULL, rule VARCHAR NOT NULL, attributed_to VARCHAR);
CREATE TABLE IF NOT EXISTS figures (
    article_id VARCHAR NOT NULL, sentence INTEGER NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, kind VARCHAR NOT NULL, value BIGINT NOT NULL, qualifier VARCHAR,
    phrase VARCHAR NOT NULL, according_to VARCHAR, event_date DATE);
CREATE TABLE IF NOT EXISTS unknown_actors (
    article_id VARCHAR NOT NULL, name VARCHAR NOT NULL, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS shingle_bands (
    article_id VARCHAR NOT NULL, band SMALLINT NOT NULL, key BIGINT NOT NULL);
"""

SCHEMA_DIGEST = hashlib.sha256(SCHEMA.encode()).hexdigest()[:8]


def records_fingerprint(extractor: Extractor) -> str:
    """What the stored records depend on: the extractor and the table layout."""
    return f"{extractor.fingerprint}-{SCHEMA_DIGEST}"


RECORD_TABLES = ("sentences", "mentions", "events", "statements", "figures", "unknown_actors")


def run(con: duckdb.DuckDBPyConnection, sql: str, args: list | None = None) -> None:
    """Execute a statement that returns no rows and finish its result (DuckDB keeps
    an unfetched result open and refuses further work on the connection)."""
    con.execute(sql, args or []).fetchall()


def first_row(con: duckdb.DuckDBPyConnection, sql: str, args: list | None = None) -> tuple | None:
    """The first row of a query (or None), with the result fully consumed."""
    rows = con.execute(sql, args or []).fetchall()
    return rows[0] if rows else None


class StoreError(SitrepError, RuntimeError):
    """The store cannot be opened or written (one-line message naming the file)."""


# no extension is ever loaded or downloaded behind sitrep's back
DUCKDB_CONFIG = {"autoload_known_extensions": False, "autoinstall_known_extensions": False}
STORE_TABLES = frozenset({"meta", "files", "articles"})  # a sitrep store has at least these
_SQLITE_MAGIC = b"SQLite format 3\x00"
_DUCKDB_MAGIC = b"DUCK"  # at byte 8 of every DuckDB database file


def connect(path: Path | str = DEFAULT_STORE, *, read_only: bool = False,
            on_wait: Callable[[str], None] | None = None) -> StoreConnection:
    """A connection to the store; read-only connections require the file to exist.

    The connection holds the store's lock (shared when ``read_only``, exclusive
    otherwise) until it is closed; when another process holds it in a conflicting
    way, this waits and says so (see the module docstring and :func:`store_lock`).

    A path that holds something else than a sitrep store (not a DuckDB file, or a
    DuckDB database with other tables) is a :class:`StoreError` naming the file and
    what it is; nothing is written to it.
    """
    path = Path(path)
    shown = display_path(path)
    if not lock_path(path).exists():  # refuse what is no store before creating a lock file beside it
        if read_only and not path.exists():
            raise StoreError(f"{shown}: no store here (run `sitrep ingest` first)")
        if path.exists():
            _check_file(path, shown)
    if not read_only:
        _check_writable(path, shown)
    lock = _acquire(path, write=not read_only, on_wait=on_wait)
    try:
        # checked (again) under the lock: an ingest that was creating the store has finished
        if read_only and not path.exists():
            raise StoreError(f"{shown}: no store here (run `sitrep ingest` first)")
        if path.exists():
            _check_file(path, shown)
        elif not read_only:
            _create(path, shown)
        con = _open(path, shown, read_only)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return StoreConnection(con, lock)


def _open(path: Path, shown: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=DUCKDB_CONFIG)
    except duckdb.IOException as err:
        first = _one_line(err)
        if "lock" in first.lower():
            pid = re.search(r"\(PID (\d+)\)", str(err))
            by = f" (process {pid.group(1)})" if pid else ""
            raise StoreError(f"{shown}: refused: the store is held by another program{by} that does not take "
                             f"sitrep's lock {_shown_lock(lock_path(path))} (a duckdb shell?); close it and retry") from None
        raise StoreError(f"{shown}: cannot open store: {failure_reason(err)}") from None
    except duckdb.Error as err:
        raise StoreError(f"{shown}: not a sitrep store: {_one_line(err)}") from None
    try:
        _check_tables(con, shown, read_only)
        if not read_only:
            run(con, SCHEMA)
    except duckdb.Error as err:
        con.close()
        raise StoreError(f"{shown}: cannot write the store: {failure_reason(err)}; it was not changed") from None
    except BaseException:
        con.close()
        raise
    return con


def _create(path: Path, shown: str) -> None:
    """Make a new, empty store whole or not at all: built under a temporary name and
    renamed into place (a process killed while DuckDB writes a new file's header must
    not leave a file that later runs refuse as "not a sitrep store"). Called under the
    exclusive lock, which also makes left-over temporary stores safe to remove."""
    for stale in path.parent.glob(f".{path.name}.new-*"):
        stale.unlink(missing_ok=True)
    tmp = path.with_name(f".{path.name}.new-{os.getpid()}")
    try:
        con = duckdb.connect(str(tmp), config=DUCKDB_CONFIG)
        try:
            run(con, SCHEMA)
            run(con, "CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, path)
    except (duckdb.Error, OSError) as err:
        raise StoreError(f"{shown}: cannot create the store: {failure_reason(err)}") from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass


def _check_writable(path: Path, shown: str) -> None:
    """Refuse, before anything is read or extracted, a store that cannot be written:
    DuckDB needs the folder (for its write-ahead log) and the file."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"{shown}: cannot create the store's folder {display_path(folder)}: {err.strerror or err}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"{shown}: cannot write the store: its folder {display_path(folder)} is read-only")
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreError(f"{shown}: cannot write the store: the file is read-only")


# --- the store's lock ---------------------------------------------------------------

LOCK_SUFFIX = ".lock"
WAIT_ENV = "SITREP_STORE_WAIT"  # seconds to wait for the store's lock (unset: no limit; 0: refuse at once)
_IO_REASONS = ("No space left on device", "Disk quota exceeded", "File too large", "Read-only file system",
               "Permission denied", "Input/output error")


def lock_path(store: Path | str) -> Path:
    """The lock file of a store: ``<store>.lock`` beside it (empty, or the process id
    of the ingest holding it; a left-over one is harmless: the lock dies with its process)."""
    store = Path(store)
    return store.with_name(store.name + LOCK_SUFFIX)


class StoreConnection:
    """A DuckDB connection to the store that holds the store's lock until it is closed.

    Every attribute but ``close`` (and use as a context manager) is the DuckDB
    connection's own."""

    __slots__ = ("_con", "_lock")

    def __init__(self, con: duckdb.DuckDBPyConnection, lock: _StoreLock | None):
        self._con = con
        self._lock = lock

    def __getattr__(self, name: str):
        if name in StoreConnection.__slots__:
            raise AttributeError(name)
        return getattr(self._con, name)

    @property
    def duckdb(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection itself."""
        return self._con

    def close(self) -> None:
        try:
            self._con.close()  # first: DuckDB checkpoints and lets go of the file
        finally:
            lock, self._lock = self._lock, None
            if lock is not None:
                lock.release()

    def __enter__(self) -> StoreConnection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - nothing to report to at garbage collection
            pass


@contextmanager
def store_lock(store: Path | str = DEFAULT_STORE, *, write: bool = False,
               on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store's lock (shared, or exclusive with ``write``) for a block, so
    that several reads see one state of the store: no ingest can commit in between.
    Connections opened inside the block, in this thread, reuse it. A child process
    (a build's kernel) takes its own shared lock, which a held shared lock lets in."""
    lock = _acquire(Path(store), write=write, on_wait=on_wait)
    try:
        yield
    finally:
        if lock is not None:
            lock.release()


class _Held:
    __slots__ = ("fd", "write", "count")

    def __init__(self, fd: int, write: bool):
        self.fd, self.write, self.count = fd, write, 1


_local = threading.local()


class _StoreLock:
    """One hold of a store's lock; holds in one thread nest (the lock is let go with
    the last)."""

    __slots__ = ("_table", "_key", "_entry")

    def __init__(self, table: dict, key: str, entry: _Held):
        self._table, self._key, self._entry = table, key, entry

    def release(self) -> None:
        entry, self._entry = self._entry, None
        if entry is None:
            return
        entry.count -= 1
        if entry.count > 0:
            return
        self._table.pop(self._key, None)
        try:
            if entry.write:
                os.ftruncate(entry.fd, 0)
        except OSError:
            pass
        finally:
            try:
                fcntl.flock(entry.fd, fcntl.LOCK_UN)
            finally:
                os.close(entry.fd)


def _acquire(store: Path, *, write: bool, on_wait: Callable[[str], None] | None) -> _StoreLock | None:
    """Lock ``store`` (None: a reader where no lock file exists and none can be made,
    i.e. a folder nobody can write, so no ingest to wait for)."""
    path = lock_path(store)
    key = os.path.abspath(path)
    table = getattr(_local, "held", None)
    if table is None:
        table = _local.held = {}
    entry = table.get(key)
    if entry is not None:
        if write and not entry.write:
            raise StoreError(f"{display_path(store)}: cannot write the store while reading it in the same thread")
        entry.count += 1
        return _StoreLock(table, key, entry)
    fd = _open_lock(path, store, write)
    if fd is None:
        return None
    try:
        _lock_fd(fd, store, write, on_wait)
        if write:
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            except OSError:
                pass  # only a hint for other processes
    except BaseException:
        os.close(fd)
        raise
    entry = table[key] = _Held(fd, write)
    return _StoreLock(table, key, entry)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _shown_lock(path: Path) -> str:
    """The lock file as shown (its folder resolved, not the file: it may be a link)."""
    return f"{display_path(path.parent)}/{path.name}"


def _open_lock(path: Path, store: Path, write: bool) -> int | None:
    def refuse_link(err: OSError) -> None:
        if err.errno == errno.ELOOP:
            raise StoreError(f"{_shown_lock(path)} is a symbolic link: refusing to use it as the store's lock") from None

    if not write:  # a shared lock needs no write access: works in a read-only folder
        try:
            return os.open(path, os.O_RDONLY | _NOFOLLOW)
        except FileNotFoundError:
            pass
        except OSError as err:
            refuse_link(err)
            return None
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o666)
    except OSError as err:
        refuse_link(err)
        if not write and err.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT):
            return None
        raise StoreError(f"{display_path(store)}: cannot create the store's lock file {_shown_lock(path)}: "
                         f"{err.strerror or err}") from None


def _lock_fd(fd: int, store: Path, write: bool, on_wait: Callable[[str], None] | None) -> None:
    mode = fcntl.LOCK_EX if write else fcntl.LOCK_SH
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    shown = display_path(store)
    limit = _wait_limit()
    holders = _holders(fd)
    who = ", ".join(_process(pid) for pid, _ in holders) if holders else _pid_in_file(fd) or "another process"
    if not write or any(kind == "WRITE" for _, kind in holders):
        doing = "writing"  # only an ingest keeps a reader out
    else:
        doing = "reading" if holders else "using"
    if limit == 0:
        raise StoreError(f"{shown}: refused: {who} is {doing} the store ({WAIT_ENV}=0: not waiting)")
    say = on_wait or _say
    say(f"waiting for {who} to finish {doing} {shown}"
        + (f" (at most {limit:g} s)" if limit is not None else f" (set {WAIT_ENV}=SECONDS to give up sooner)"))
    t0 = time.monotonic()
    delay = 0.02
    while True:
        time.sleep(delay)
        delay = min(delay * 2, 0.25)
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            waited = time.monotonic() - t0
            if limit is not None and waited >= limit:
                raise StoreError(f"{shown}: refused: {who} is still {doing} the store after {waited:.0f} s "
                                 f"({WAIT_ENV}={limit:g})") from None
    say(f"{shown}: free after {time.monotonic() - t0:.0f} s, going on")


def _wait_limit() -> float | None:
    raw = os.environ.get(WAIT_ENV, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise StoreError(f"{WAIT_ENV}={raw!r}: not a number of seconds") from None
    if value != value:  # NaN
        raise StoreError(f"{WAIT_ENV}={raw!r}: not a number of seconds")
    return max(0.0, value)


def _say(message: str) -> None:
    """One line on stderr. In a Jupyter kernel ``sys.stderr`` feeds the notebook, but
    its ``fileno()`` is the kernel's own stderr (the build's terminal): the line goes
    there, never into a report."""
    line = f"sitrep: {message}\n"
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        fd = None
    if fd is not None:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        try:
            os.write(fd, line.encode("utf-8", "replace"))
            return
        except OSError:
            pass
    try:
        sys.stderr.write(line)
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass


def _holders(fd: int) -> list[tuple[int, str]]:
    """The processes holding a lock on the file open at ``fd``, with READ or WRITE
    (from ``/proc/locks``; empty where there is none)."""
    try:
        st = os.fstat(fd)
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return []
    ident = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    found: dict[int, str] = {}
    for line in lines:
        parts = line.split()  # "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; waiters have "->"
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5] == ident and parts[4].isdigit():
            pid = int(parts[4])
            if found.get(pid) != "WRITE":
                found[pid] = parts[3]
    return sorted(found.items())


def _pid_in_file(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return _process(int(text)) if text.isdigit() else ""


def _process(pid: int) -> str:
    """``process 1234 (sitrep ingest)``: a process and what it runs, for messages."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"process {pid}"
    args = [a.decode("utf-8", "replace") for a in raw.split(b"\0") if a]
    names = [os.path.basename(a) for a in args]
    if "sitrep" in names[:3]:
        i = names.index("sitrep")
        what = " ".join(["sitrep", *args[i + 1 : i + 2]])
    elif any("ipykernel" in a for a in args[:4]):
        what = "a notebook kernel: a build"
    elif len(args) > 2 and args[1] == "-m":
        what = f"{names[0]} -m {args[2]}"
    else:
        what = names[0] if names else ""
    what = re.sub(r"[\x00-\x1f\x7f]", "?", what)[:60]
    return f"process {pid} ({what})" if what else f"process {pid}"


def failure_reason(err: BaseException) -> str:
    """The cause of a failed write, short: the system's reason when there is one."""
    text = str(err)
    for reason in _IO_REASONS:
        if reason in text:
            return reason.lower() if reason != "Input/output error" else "input/output error"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return _one_line(err)


def _one_line(err: BaseException) -> str:
    lines = str(err).splitlines()
    return lines[0] if lines else type(err).__name__


def _check_file(path: Path, shown: str) -> None:
    """Refuse, by its first bytes, a file that is not a DuckDB database."""
    if not path.is_file():
        raise StoreError(f"{shown}: not a file, so not a sitrep store (a store is one DuckDB file)")
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as err:
        raise StoreError(f"{shown}: cannot read store: {err.strerror or err}") from None
    if not head:
        raise StoreError(f"{shown}: empty file, not a sitrep store (remove it, or choose another --store)")
    if head.startswith(_SQLITE_MAGIC):
        raise StoreError(f"{shown}: a SQLite database, not a sitrep store (sitrep stores are DuckDB files)")
    if head[8:12] != _DUCKDB_MAGIC:
        raise StoreError(f"{shown}: not a DuckDB database file, so not a sitrep store")


def _check_tables(con: duckdb.DuckDBPyConnection, shown: str, read_only: bool) -> None:
    """Refuse a DuckDB database that is not a sitrep store (an empty one may become one)."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'main'"
    ).fetchall()}
    if not tables:
        if read_only:
            raise StoreError(f"{shown}: an empty DuckDB database, not a sitrep store (run `sitrep ingest` first)")
        return
    missing = STORE_TABLES - tables
    if missing:
        held = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        raise StoreError(f"{shown}: a DuckDB database but not a sitrep store (no table {', '.join(sorted(missing))}; "
                         f"it holds {held})")


def reset_record_tables(con) -> None:
    """Empty the derived tables, recreating them from the current schema (records
    are always re-extracted, so a store made by an older sitrep is upgraded here)."""
    for table in (*RECORD_TABLES, "actors"):
        run(con, f"DROP TABLE IF EXISTS {table}")
    run(con, SCHEMA)
    _COLUMNS.clear()


def delete_articles(con, ids: list[str]) -> None:
    for table in (*RECORD_TABLES, "shingle_bands"):
        run(con, f"DELETE FROM {table} WHERE list_contains(?, article_id)", [ids])
    run(con, "DELETE FROM articles WHERE list_contains(?, id)", [ids])


_COLUMNS: dict[str, list[str]] = {}


def _columns(con, table: str) -> list[str]:
    if table not in _COLUMNS:
        _COLUMNS[table] = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    return _COLUMNS[table]


def insert_rows(con, table: str, rows: list[dict]) -> None:
    """Append ``rows`` (dicts keyed by column) to ``table`` in one statement."""
    if rows:
        insert_frame(con, table, pd.DataFrame.from_records(rows, columns=_columns(con, table)))


def insert_frame(con, table: str, frame: pd.DataFrame) -> None:
    """Append the columns of ``frame`` that ``table`` has, in one statement."""
    if frame.empty:
        return
    cols = [c for c in _columns(con, table) if c in frame.columns]
    con.register("_sitrep_rows", frame)
    try:
        quoted = ", ".join(f'"{c}"' for c in cols)
        run(con, f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM _sitrep_rows")
    finally:
        try:
            con.unregister("_sitrep_rows")
        except duckdb.Error:
            pass  # the transaction failed: its own error says why


def set_meta(con, values: dict[str, str]) -> None:
    for key, value in values.items():
        run(con, "INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, str(value)])


def store_meta(con) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM meta ORDER BY key").fetchall())


