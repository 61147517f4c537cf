"""Concurrency on one store, with real processes: two ingests, a reader or a build
during an ingest, an ingest during a reader (the ingest that comes first gets a
corpus big enough to hold the store for several seconds, so these are marked slow). The rule (``sitrep.store``): readers share
the store's lock, an ingest holds it alone; whoever comes second waits and says what it
waits for, or, with ``SITREP_STORE_WAIT``, gives up with a one-line refusal."""

from __future__ import annotations

import fcntl
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import nbformat
import pytest

from sitrep.config import NOTEBOOKS_DIR
from sitrep.ingest.update import update_store
from sitrep.store import StoreError, connect, lock_path, store_lock

SITREP = Path(sys.executable).with_name("sitrep")
ACTORS = ["Iran", "Israel", "Russia", "Ukraine", "Qatar", "Oman", "France", "Turkey", "Egypt", "Japan"]
VERBS = ["condemned", "urged", "met", "warned", "praised", "accused", "thanked", "criticised"]


def make_corpus(folder: Path, n: int, *, seed: int = 0, prefix: str = "a") -> Path:
    """``n`` small Markdown articles with front matter, each a different text."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for i in range(n):
        a, b = rng.sample(ACTORS, 2)
        body = (f"{a} {rng.choice(VERBS)} {b} on Monday in statement {prefix}-{i}. "
                f"Officials in {b} said talks would continue {rng.randint(1, 10**6)}.")
        (folder / f"{prefix}{i:05d}.md").write_text(
            f"---\ntitle: Item {prefix} {i}\nsource: Wire {i % 7}\npublished: 2026-03-{1 + i % 28:02d}\n"
            f"language: en\n---\n{body}\n", encoding="utf-8")
    return folder


def start(*args: str, env: dict | None = None, **kw) -> subprocess.Popen:
    return subprocess.Popen([str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, **kw)


def finish(proc: subprocess.Popen, timeout: float = 600) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def held_by_a_writer(store: Path) -> bool:
    """Is the store's lock held exclusively right now (a shared request is refused)?"""
    try:
        fd = os.open(lock_path(store), os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def wait_until_writing(store: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not held_by_a_writer(store):
        assert proc.poll() is None, f"the ingest ended before it was seen holding the store: {proc.communicate()}"
        assert time.monotonic() < deadline, "the ingest never took the store's lock"
        time.sleep(0.02)


def snapshot(store: Path) -> dict:
    """What the store holds, checked for consistency: every file row names a stored
    article, every article has its file and its sentences, and no record is orphaned."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        assert q("SELECT count(*) FROM files WHERE article_id NOT IN (SELECT id FROM articles)") == [(0,)]
        assert q("SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM files)") == [(0,)]
        assert q("SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM sentences)") == [(0,)]
        for table in ("sentences", "mentions", "events", "statements"):
            assert q(f"SELECT count(*) FROM {table} WHERE article_id NOT IN (SELECT id FROM articles)") == [(0,)], table
        assert q("SELECT count(*) FROM meta WHERE key = 'extractor'") == [(1,)]
        files = q("SELECT path, file_sha256 FROM files ORDER BY path")
        return {"files": files, "articles": q("SELECT count(*) FROM articles")[0][0]}
    finally:
        con.close()


READER = r"""
import json, sys, time
from sitrep.records import load_articles, load_table
from sitrep.store import store_lock
store, hold = sys.argv[1], float(sys.argv[2])

def look():
    a = load_articles(store)
    s = load_table(store, "sentences")
    return [len(a), len(s), len(set(s["article_id"]) - set(a["id"]))]

with store_lock(store):
    first = look()
    print("reading", flush=True)
    time.sleep(hold)
    second = look()
print(json.dumps({"first": first, "second": second}))
"""


def reader(store: Path, hold: float = 0, env: dict | None = None) -> subprocess.Popen:
    return start(sys.executable, "-c", READER, store, hold, env=env)


# --- in one process ------------------------------------------------------------------


def test_a_connection_holds_the_lock_until_closed(tmp_path):
    store = tmp_path / "s.duckdb"
    make_corpus(tmp_path / "c", 3)
    update_store([tmp_path / "c"], store)
    assert not held_by_a_writer(store)
    con = connect(store)
    assert held_by_a_writer(store)
    con.close()
    assert not held_by_a_writer(store)
    with connect(store, read_only=True) as ro:  # a reader: shared, so a second reader gets in
        assert ro.execute("SELECT count(*) FROM articles").fetchone() == (3,)
        assert not held_by_a_writer(store)
        fd = os.open(lock_path(store), os.O_RDONLY)
        with pytest.raises(BlockingIOError):  # but not a writer
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(fd)


def test_store_lock_nests_and_refuses_a_write_under_a_read_in_one_thread(tmp_path):
    store = tmp_path / "s.duckdb"
    make_corpus(tmp_path / "c", 2)
    update_store([tmp_path / "c"], store)
    with store_lock(store):
        with connect(store, read_only=True) as con:  # re-uses the held lock: no self-deadlock
            assert con.execute("SELECT count(*) FROM articles").fetchone() == (2,)
        with pytest.raises(StoreError, match="cannot write the store while reading it in the same thread"):
            update_store([tmp_path / "c"], store)
    assert update_store([tmp_path / "c"], store).files_unchanged == 2  # released: writing works again


def test_a_writer_thread_waits_for_a_reader_thread_and_says_so(tmp_path):
    store = tmp_path / "s.duckdb"
    make_corpus(tmp_path / "c", 2)
    update_store([tmp_path / "c"], store)
    said, done = [], threading.Event()

    def write():
        with store_lock(store, write=True, on_wait=said.append):
            done.set()

    with store_lock(store):
        t = threading.Thread(target=write)
        t.start()
        time.sleep(0.5)
        assert not done.is_set()  # still waiting for the reader
    t.join(10)
    assert done.is_set()
    assert said and said[0].startswith(f"waiting for process {os.getpid()} (") and "to finish reading" in said[0]
    assert said[-1].endswith("going on")


def test_a_program_that_bypasses_the_lock_gets_a_one_line_refusal_not_a_wait(tmp_path):
    store = tmp_path / "s.duckdb"
    update_store([make_corpus(tmp_path / "c", 2)], store)
    holder = start(sys.executable, "-c", f"import duckdb, sys\ncon = duckdb.connect({str(store)!r})\n"
                   "print('open', flush=True)\nsys.stdin.read()\n", stdin=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == "open\n"
        for read_only in (False, True):
            with pytest.raises(StoreError) as err:
                connect(store, read_only=read_only)
            assert str(err.value) == (f"{store.as_posix()}: refused: the store is held by another program "
                                      f"(process {holder.pid}) that does not take sitrep's lock "
                                      f"{store.as_posix()}.lock (a duckdb shell?); close it and retry")
        assert not held_by_a_writer(store)  # the refused connections let go of sitrep's lock
    finally:
        holder.communicate("", timeout=30)


# --- two ingests ---------------------------------------------------------------------


@pytest.mark.slow
def test_a_second_ingest_waits_for_the_first_and_both_land(tmp_path):
    store = tmp_path / "s.duckdb"
    big = make_corpus(tmp_path / "big", 1500, seed=1, prefix="b")
    small = make_corpus(tmp_path / "small", 40, seed=2, prefix="s")
    first = start(SITREP, "ingest", big, "--store", store, "--quiet")
    wait_until_writing(store, first)
    second = start(SITREP, "ingest", small, "--store", store)
    rc1, _, err1 = finish(first)
    rc2, out2, err2 = finish(second)
    assert (rc1, err1) == (0, "")
    assert rc2 == 0, err2
    lines = err2.splitlines()
    assert lines[0] == (f"sitrep: waiting for process {first.pid} (sitrep ingest) to finish writing {store.as_posix()} "
                        "(set SITREP_STORE_WAIT=SECONDS to give up sooner)")
    assert lines[1].startswith(f"sitrep: {store.as_posix()}: free after ") and lines[1].endswith(" s, going on")
    assert "40 ingested" in out2 and "1540 articles in the store" in out2
    got = snapshot(store)
    assert got["articles"] == 1540 and len(got["files"]) == 1540


@pytest.mark.slow
@pytest.mark.parametrize("wait", ["0", "1"])
def test_a_second_ingest_told_not_to_wait_is_refused_in_one_line(tmp_path, wait):
    store = tmp_path / "s.duckdb"
    big = make_corpus(tmp_path / "big", 1500, seed=3, prefix="b")
    small = make_corpus(tmp_path / "small", 40, seed=4, prefix="s")
    first = start(SITREP, "ingest", big, "--store", store, "--quiet")
    wait_until_writing(store, first)
    rc2, out2, err2 = finish(start(SITREP, "ingest", small, "--store", store, env={"SITREP_STORE_WAIT": wait}))
    still_writing = first.poll() is None
    rc1, _, err1 = finish(first)
    assert (rc1, err1) == (0, "")
    assert still_writing, "the first ingest ended before the second was refused: the test proves nothing"
    assert rc2 == 1 and out2 == ""
    who = f"process {first.pid} (sitrep ingest)"
    if wait == "0":
        assert err2 == (f"sitrep: error: {store.as_posix()}: refused: {who} is writing the store "
                        "(SITREP_STORE_WAIT=0: not waiting)\n")
    else:
        said, error = err2.splitlines()
        assert said == f"sitrep: waiting for {who} to finish writing {store.as_posix()} (at most 1 s)"
        assert error == (f"sitrep: error: {store.as_posix()}: refused: {who} is still writing the store "
                         "after 1 s (SITREP_STORE_WAIT=1)")
    got = snapshot(store)  # the refused ingest wrote nothing; the first one is whole
    assert got["articles"] == 1500 and not any("small" in p for p, _ in got["files"])


# --- readers and an ingest -----------------------------------------------------------


@pytest.mark.slow
def test_a_read_during_an_ingest_waits_and_sees_the_new_store_whole(tmp_path):
    store = tmp_path / "s.duckdb"
    corpus = make_corpus(tmp_path / "c", 200, seed=5)
    update_store([corpus], store)
    make_corpus(corpus, 1300, seed=6, prefix="n")
    ingest = start(SITREP, "ingest", corpus, "--store", store, "--quiet")
    wait_until_writing(store, ingest)
    rc, out, err = finish(reader(store))
    assert finish(ingest)[0] == 0
    assert rc == 0, err
    assert err.startswith(f"sitrep: waiting for process {ingest.pid} (sitrep ingest) to finish writing {store.as_posix()}")
    seen = json.loads(out.splitlines()[-1])
    # all 1500 articles, each with its sentences, none of a half-written state
    assert seen["first"][0] == 1500 and seen["first"][2] == 0 and seen["first"] == seen["second"]
    assert snapshot(store)["articles"] == 1500  # what the ingest committed: the reader waited for all of it


@pytest.mark.slow
def test_a_reader_told_not_to_wait_is_refused_with_a_store_error(tmp_path):
    store = tmp_path / "s.duckdb"
    corpus = make_corpus(tmp_path / "c", 50, seed=7)
    update_store([corpus], store)
    make_corpus(corpus, 1400, seed=8, prefix="n")
    ingest = start(SITREP, "ingest", corpus, "--store", store, "--quiet")
    wait_until_writing(store, ingest)
    rc, out, err = finish(reader(store, env={"SITREP_STORE_WAIT": "0"}))
    assert finish(ingest)[0] == 0
    assert rc == 1 and out == ""
    assert err.splitlines()[-1] == (f"sitrep.store.StoreError: {store.as_posix()}: refused: process {ingest.pid} "
                                    "(sitrep ingest) is writing the store (SITREP_STORE_WAIT=0: not waiting)")


@pytest.mark.slow
def test_an_ingest_waits_for_a_reader_which_sees_one_state_throughout(tmp_path):
    store = tmp_path / "s.duckdb"
    corpus = make_corpus(tmp_path / "c", 100, seed=9)
    update_store([corpus], store)
    make_corpus(corpus, 100, seed=10, prefix="n")
    held = reader(store, hold=6)
    assert held.stdout.readline() == "reading\n"
    ingest = start(SITREP, "ingest", corpus, "--store", store)
    rc_r, out_r, err_r = finish(held)
    rc_i, out_i, err_i = finish(ingest)
    assert rc_r == 0 and err_r == ""
    seen = json.loads(out_r.splitlines()[-1])
    assert seen["first"] == seen["second"] and seen["first"][0] == 100  # the old state, twice: no ingest in between
    assert rc_i == 0
    assert err_i.startswith(f"sitrep: waiting for process {held.pid} ({Path(sys.executable).name}) to finish reading {store.as_posix()}")
    assert "200 articles in the store" in out_i and snapshot(store)["articles"] == 200


# --- a build and an ingest -----------------------------------------------------------


def overview_articles(report: Path) -> tuple[int, int]:
    """(articles the report's manifest hashed, articles its key-figures cell shows)."""
    manifest = json.loads((report / "manifest.json").read_text())
    hashed = len([k for k in manifest["inputs"]["articles"] if not k.startswith("(")])
    nb = nbformat.read(report / f"{report.name}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "corpus_figures" in c.source)
    text = cell.outputs[0]["data"]["text/plain"]
    shown = int(text.split("articles: ")[1].split(" ")[0].replace(",", ""))
    return hashed, shown


@pytest.mark.slow
def test_a_build_during_an_ingest_waits_and_reports_the_new_store(tmp_path):
    store = tmp_path / "s.duckdb"
    corpus = make_corpus(tmp_path / "c", 100, seed=11)
    update_store([corpus], store)
    make_corpus(corpus, 1400, seed=12, prefix="n")
    ingest = start(SITREP, "ingest", corpus, "--store", store, "--quiet")
    wait_until_writing(store, ingest)
    build = start(SITREP, "build", NOTEBOOKS_DIR / "corpus_overview.ipynb", "-p", f"store={store}",
                  "--format", "html", "--out", tmp_path / "reports")
    rc_b, _, err_b = finish(build)
    assert finish(ingest)[0] == 0
    assert rc_b == 0, err_b
    assert f"waiting for process {ingest.pid} (sitrep ingest) to finish writing {store.as_posix()}" in err_b
    assert overview_articles(tmp_path / "reports" / "corpus_overview") == (1500, 1500)


@pytest.mark.slow
def test_an_ingest_during_a_build_cannot_split_what_the_report_reads(tmp_path):
    """The build's own reads must be one state: its manifest's inputs and its content.
    The test holds a shared lock so that the ingest queues, starts the build (which
    reads its inputs under the shared lock), and lets the ingest in once the build has
    started its kernel."""
    store = tmp_path / "s.duckdb"
    corpus = make_corpus(tmp_path / "c", 100, seed=13)
    update_store([corpus], store)
    make_corpus(corpus, 60, seed=14, prefix="n")
    with store_lock(store):
        ingest = start(SITREP, "ingest", corpus, "--store", store, "--quiet")
        build = start(SITREP, "build", NOTEBOOKS_DIR / "corpus_overview.ipynb", "-p", f"store={store}",
                      "--format", "html", "--out", tmp_path / "reports", start_new_session=True)
        deadline = time.monotonic() + 120
        while not _has_kernel_child(build.pid):  # the build has read its inputs and starts executing
            assert build.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
    rc_b, _, err_b = finish(build)
    assert finish(ingest)[0] == 0
    assert rc_b == 0, err_b
    hashed, shown = overview_articles(tmp_path / "reports" / "corpus_overview")
    assert hashed == shown  # one state of the store, old (100) or new (160), not a mix


def _has_kernel_child(pid: int) -> bool:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"ipykernel" in cmdline:
            return True
    return False
