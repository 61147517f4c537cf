"""Nothing lost: ``kill -9`` at random moments of ``sitrep ingest`` and ``sitrep build``,
a full disk, a file-size limit and read-only folders, with real processes.

After each fault the store must be readable and hold the old content or the new one,
never a part; a report folder must hold the old complete report or the new one; and
whatever the fault left behind (a lock file, DuckDB's write-ahead log, a temporary
folder) must not stop the next run. Faults that need a private mount namespace
(a full tmpfs, a read-only bind mount: the only way to make a folder read-only for
root) are skipped where ``unshare`` cannot make one.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from sitrep.config import NOTEBOOKS_DIR
from sitrep.records import load_articles
from sitrep.ingest.update import update_store
from sitrep.store import StoreError, connect, lock_path

from test_concurrency import ACTORS, SITREP, make_corpus, snapshot

SEED = int(os.environ.get("SITREP_TEST_SEED", "0")) or random.SystemRandom().randrange(1, 10**6)
KILLS = int(os.environ.get("SITREP_KILLS", "4"))  # kills per test in CI; SITREP_KILLS=20 for a longer hunt


def run(*args, env: dict | None = None, timeout: float = 600, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, **kw)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kill_at(argv: list, seconds: float) -> int:
    """Start ``argv`` in its own process group, ``kill -9`` it after ``seconds`` (when
    still running), then kill what it left running in its group (a notebook kernel);
    returns its exit status (-9 when it was killed)."""
    proc = subprocess.Popen([str(a) for a in argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the group this test made: the killed command's children
    except ProcessLookupError:
        pass
    return proc.returncode


def moments(duration: float, n: int, rng: random.Random) -> list[float]:
    """``n`` random moments in a run of ``duration`` seconds: half spread over the
    whole run (start-up, reading, extracting), half over its last fifth and a little
    past it, where the transaction commits and the files are written and renamed."""
    early = n // 2
    return ([duration * (0.1 + 0.7 * (i + rng.random()) / early) for i in range(early)]
            + [duration * (0.8 + 0.3 * (i + rng.random()) / (n - early)) for i in range(n - early)])


# --- kill -9 during an ingest -----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("from_scratch", [False, True], ids=["update", "first-ingest"])
def test_kill_9_during_ingest_leaves_old_or_new_and_the_next_ingest_succeeds(tmp_path, from_scratch):
    rng = random.Random(SEED)
    corpus = make_corpus(tmp_path / "c", 150, seed=21)
    pristine = tmp_path / "old.duckdb"
    if not from_scratch:
        assert run(SITREP, "ingest", corpus, "--store", pristine, "--quiet").returncode == 0
        old = snapshot(pristine)
    make_corpus(corpus, 250, seed=22, prefix="n")  # new articles ...
    changed = corpus / "a00003.md"
    changed.write_text(changed.read_text().replace("Monday", "Tuesday"))  # ... and one that changed

    reference = tmp_path / "new.duckdb"
    if not from_scratch:
        shutil.copyfile(pristine, reference)
    t0 = time.monotonic()
    assert run(SITREP, "ingest", corpus, "--store", reference, "--quiet").returncode == 0
    duration = time.monotonic() - t0
    new = snapshot(reference)
    assert new["articles"] == 400 and (from_scratch or new != old)

    store = tmp_path / "store" / "s.duckdb"
    store.parent.mkdir()
    outcomes = []
    for when in moments(duration, KILLS, rng):
        for leftover in store.parent.iterdir():  # back to the old store; a stale lock file stays
            if leftover.name != lock_path(store).name:
                leftover.unlink() if leftover.is_file() else shutil.rmtree(leftover)
        if not from_scratch:
            shutil.copyfile(pristine, store)
        status = kill_at([SITREP, "ingest", corpus, "--store", store, "--quiet"], when)
        left = sorted(p.name for p in store.parent.iterdir())
        if not store.exists() or (from_scratch and load_articles(store).empty):
            assert from_scratch, f"killed at {when:.2f} s (seed {SEED}): the old store is gone"
            state = "old"
        else:
            got = snapshot(store)  # consistent: every article with its file and its sentences
            state = "old" if not from_scratch and got == old else "new" if got == new else "half"
            assert state != "half", f"killed at {when:.2f} s (seed {SEED}): a part of the ingest is in the store"
            assert len(load_articles(store)) == got["articles"]  # and sitrep reads it
        outcomes.append((round(when, 2), status, state, left))
        # whatever the kill left behind does not stop the next ingest, which completes the work
        again = run(SITREP, "ingest", corpus, "--store", store, "--quiet", env={"SITREP_STORE_WAIT": "10"})
        assert again.returncode == 0, (outcomes[-1], again.stderr)
        assert snapshot(store) == new
        assert not list(store.parent.glob(".*.new-*"))  # no temporary store is left either
    killed = [o for o in outcomes if o[1] == -signal.SIGKILL]
    print(f"seed {SEED}, ingest {duration:.1f} s:", outcomes)
    assert len(killed) >= KILLS // 2, outcomes  # most moments fell inside the run


def test_a_stale_lock_file_and_a_write_ahead_log_left_by_a_killed_writer_do_not_block(tmp_path, capfd):
    store = tmp_path / "s.duckdb"
    corpus = make_corpus(tmp_path / "c", 5, seed=23)
    update_store([corpus], store)
    lock_path(store).write_text("999999\n")  # the process id of an ingest that is long dead
    # a writer that commits and dies by kill -9 before DuckDB folds its log into the file
    killer = (f"import duckdb, os\ncon = duckdb.connect({str(store)!r})\n"
              "con.execute(\"INSERT INTO meta VALUES ('left-by', 'a killed writer')\")\n"
              "os.kill(os.getpid(), 9)\n")
    assert run(sys.executable, "-c", killer).returncode == -signal.SIGKILL
    assert Path(f"{store}.wal").exists()
    con = connect(store, read_only=True)  # the committed row is there, for a reader ...
    try:
        assert con.execute("SELECT value FROM meta WHERE key = 'left-by'").fetchall() == [("a killed writer",)]
    finally:
        con.close()
    make_corpus(corpus, 3, seed=24, prefix="n")
    summary = update_store([corpus], store)  # ... and the next ingest neither waits nor fails
    assert summary.files_ingested == 3 and summary.articles_total == 8
    assert capfd.readouterr().err == ""  # no "waiting for ..." about the dead process
    assert lock_path(store).read_text() == ""


def test_a_lock_file_that_is_a_symbolic_link_is_refused(tmp_path):
    store = tmp_path / "s.duckdb"
    update_store([make_corpus(tmp_path / "c", 2, seed=25)], store)
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious\n")
    lock_path(store).unlink()
    lock_path(store).symlink_to(target)
    for read_only in (False, True):
        with pytest.raises(StoreError, match=r"s\.duckdb\.lock is a symbolic link: refusing to use it as the store's lock"):
            connect(store, read_only=read_only).close()
    assert target.read_text() == "precious\n"


# --- kill -9 during a build -------------------------------------------------------------


def report_state(folder: Path) -> str | None:
    """The cache key of the complete report in ``folder`` (None: no complete report)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    for entry in manifest["outputs"].values():
        path = folder / entry["file"]
        if not path.is_file() or sha(path) != entry["sha256"]:
            return None
    return manifest["cache_key"]


@pytest.mark.slow
def test_kill_9_during_build_leaves_the_old_report_or_the_new_one(tmp_path):
    rng = random.Random(SEED)
    corpus = make_corpus(tmp_path / "c", 40, seed=26)
    store = tmp_path / "s.duckdb"
    update_store([corpus], store)
    reports = tmp_path / "reports"
    build = [SITREP, "build", NOTEBOOKS_DIR / "corpus_overview.ipynb", "-p", f"store={store}",
             "--format", "html", "--out", reports]
    assert run(*build).returncode == 0
    folder = reports / "corpus_overview"
    saved = tmp_path / "old-report"
    shutil.copytree(folder, saved)
    old_key = report_state(folder)
    make_corpus(corpus, 20, seed=27, prefix="n")
    update_store([corpus], store)  # the store moved on: the next build makes a new report
    t0 = time.monotonic()
    assert run(*build).returncode == 0
    duration = time.monotonic() - t0
    new_key = report_state(folder)
    assert None not in (old_key, new_key) and old_key != new_key

    outcomes = []
    for when in moments(duration, KILLS, rng):
        shutil.rmtree(folder)
        shutil.copytree(saved, folder)
        status = kill_at(build, when)
        key = report_state(folder)
        state = {old_key: "old", new_key: "new"}.get(key, "broken")
        outcomes.append((round(when, 2), status, state))
        assert state != "broken", f"build killed at {when:.2f} s (seed {SEED}): {sorted(os.listdir(folder)) if folder.exists() else 'no report folder'}"
        again = run(*build)  # the killed build's work folder, lock and kernel files do not stop this one
        assert again.returncode == 0, (outcomes[-1], again.stderr)
        assert report_state(folder) == new_key
        assert sorted(p.name for p in reports.iterdir() if p.name not in (".locks", ".failed")) == ["corpus_overview"]
    print(f"seed {SEED}, build {duration:.1f} s:", outcomes)
    assert sum(1 for o in outcomes if o[1] == -signal.SIGKILL) >= KILLS // 2, outcomes


# --- full disk, file-size limit, read-only folders ---------------------------------------


@functools.cache
def private_mounts() -> bool:
    """Can this process run a command in a private mount namespace where it may mount?"""
    if not shutil.which("unshare"):
        return False
    flags = ["-m"] if os.geteuid() == 0 else ["-r", "-m"]
    probe = subprocess.run(["unshare", *flags, "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt 2>/dev/null || "
                            "mount -t tmpfs -o size=1m tmpfs \"$0\"", "/tmp"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


def in_namespace(script: str, *args) -> subprocess.CompletedProcess:
    flags = ["-m"] if os.geteuid() == 0 else ["-r", "-m"]
    return run("unshare", *flags, "sh", "-c", script, "sh", *args)


def stored(store: Path) -> int:
    return len(load_articles(store))


def test_a_file_size_limit_is_one_line_and_the_store_is_as_it_was(tmp_path):
    store = tmp_path / "s.duckdb"
    corpus = make_corpus(tmp_path / "c", 30, seed=31)
    update_store([corpus], store)
    before = sha(store)
    make_corpus(corpus, 300, seed=32, prefix="n")

    def limit():  # ulimit -f: writes past 200 KiB fail with "File too large" (Python ignores SIGXFSZ)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200 * 1024, 200 * 1024))

    got = run(SITREP, "ingest", corpus, "--store", store, preexec_fn=limit)
    assert got.returncode == 1 and got.stdout == ""
    problems = [line for line in got.stderr.splitlines() if not line.startswith("sitrep: ingest: ")]  # stage progress lines
    assert problems == [f"sitrep: error: {store.as_posix()}: could not write the store (file too large); "
                        "the ingest was rolled back, the store holds what it held before"]
    assert stored(store) == 30 and snapshot(store)["articles"] == 30
    assert run(SITREP, "ingest", corpus, "--store", store, "--quiet").returncode == 0  # with room, the next one works
    assert stored(store) == 330 and sha(store) != before


FULL_DISK = r"""
set -u
D=$1; STORE=$D/s.duckdb; OLD=$2; CORPUS=$3; SITREP=$4; PY=$5
size=$(( $(stat -c %s "$OLD") / 1024 + 160 ))
mount -t tmpfs -o size=${size}k tmpfs "$D" || exit 90
cp "$OLD" "$STORE"
"$SITREP" ingest "$CORPUS" --store "$STORE" --quiet 2> "$D.err"; echo "rc=$?"
sed 's/^/err:/' "$D.err"
"$PY" -c "from sitrep.records import load_articles; print('articles=%d' % len(load_articles('$STORE')))"
mount -o remount,size=64m "$D"
"$SITREP" ingest "$CORPUS" --store "$STORE" --quiet; echo "rc=$?"
"$PY" -c "from sitrep.records import load_articles; print('articles=%d' % len(load_articles('$STORE')))"
"""


def test_a_full_disk_is_one_line_and_the_store_is_as_it_was(tmp_path):
    if not private_mounts():
        pytest.skip("no private mount namespace (unshare) to mount a small tmpfs in")
    old = tmp_path / "old.duckdb"
    corpus = make_corpus(tmp_path / "c", 60, seed=33)
    update_store([corpus], old)
    make_corpus(corpus, 600, seed=34, prefix="n")
    disk = tmp_path / "disk"
    disk.mkdir()
    got = in_namespace(FULL_DISK, disk, old, corpus, SITREP, sys.executable)
    lines = got.stdout.splitlines()
    store = (disk / "s.duckdb").as_posix()
    assert lines == [
        "rc=1",
        f"err:sitrep: error: {store}: could not write the store (no space left on device); "
        "the ingest was rolled back, the store holds what it held before",
        "articles=60",   # the old content, readable
        "rc=0",          # once there is room, the same ingest succeeds
        "articles=660",
    ], got.stderr


READ_ONLY = r"""
set -u
D=$1; shift
mount --bind "$D" "$D" && mount -o remount,bind,ro "$D" || exit 90
exec "$@"
"""


def read_only_run(folder: Path, *argv) -> subprocess.CompletedProcess:
    """Run ``argv`` with ``folder`` read-only: by its mode, or, for root (whom modes do
    not stop), in a private mount namespace where it is a read-only bind mount."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            if os.access(folder, os.W_OK):
                pytest.skip("chmod does not make the folder read-only here")
            return run(*argv)
        finally:
            folder.chmod(mode)
    if not private_mounts():
        pytest.skip("running as root, and no private mount namespace for a read-only bind mount")
    got = in_namespace(READ_ONLY, folder, *argv)
    assert got.returncode != 90, got.stderr
    return got


def test_a_read_only_store_folder_refuses_an_ingest_in_one_line_and_still_reads(tmp_path):
    folder = tmp_path / "processed"
    store = folder / "s.duckdb"
    corpus = make_corpus(tmp_path / "c", 20, seed=35)
    update_store([corpus], store)
    lock_path(store).unlink()  # a reader must manage without creating one
    before = sha(store)
    make_corpus(corpus, 10, seed=36, prefix="n")
    got = read_only_run(folder, SITREP, "ingest", corpus, "--store", store)
    assert got.returncode == 1 and got.stdout == ""
    assert got.stderr == (f"sitrep: error: {store.as_posix()}: cannot write the store: its folder "
                          f"{folder.as_posix()} is read-only\n")
    reader = read_only_run(folder, sys.executable, "-c",
                           f"from sitrep.records import load_articles; print(len(load_articles({str(store)!r})))")
    assert (reader.returncode, reader.stdout, reader.stderr) == (0, "20\n", "")
    assert sha(store) == before and sorted(os.listdir(folder)) == ["s.duckdb"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes a read-only file anyway")
def test_a_read_only_store_file_refuses_an_ingest_in_one_line(tmp_path):
    store = tmp_path / "s.duckdb"
    corpus = make_corpus(tmp_path / "c", 5, seed=37)
    update_store([corpus], store)
    store.chmod(0o444)
    make_corpus(corpus, 5, seed=38, prefix="n")
    got = run(SITREP, "ingest", corpus, "--store", store)
    assert (got.returncode, got.stderr) == (1, f"sitrep: error: {store.as_posix()}: cannot write the store: the file is read-only\n")
    assert stored(store) == 5


def _old_report(tmp_path: Path) -> tuple[list, Path, Path, dict]:
    store = tmp_path / "s.duckdb"
    update_store([make_corpus(tmp_path / "c", 20, seed=39)], store)
    reports = tmp_path / "reports"
    build = [SITREP, "build", NOTEBOOKS_DIR / "corpus_overview.ipynb", "-p", f"store={store}", "--format", "html",
             "--out", reports]
    assert run(*build).returncode == 0
    update_store([make_corpus(tmp_path / "c", 5, seed=40, prefix="n")], store)  # so that a build has work to do
    folder = reports / "corpus_overview"
    return build, reports, folder, {p.name: sha(p) for p in folder.iterdir()}


@pytest.mark.slow
def test_a_read_only_reports_folder_keeps_the_old_report(tmp_path):
    build, reports, folder, before = _old_report(tmp_path)
    got = read_only_run(reports, *build)
    assert got.returncode != 0
    assert {p.name: sha(p) for p in folder.iterdir()} == before


@pytest.mark.slow
def test_a_read_only_reports_folder_is_a_one_line_error(tmp_path):
    build, reports, folder, before = _old_report(tmp_path)
    got = read_only_run(reports, *build)
    assert got.returncode == 1 and got.stderr.startswith("sitrep: error: ") and got.stderr.count("\n") == 1, got.stderr


FULL_REPORTS = r"""
set -u
D=$1; shift
cp -a "$D" "$D.copy"
size=$(( $(du -sk "$D" | cut -f1) + 300 ))
mount -t tmpfs -o size=${size}k tmpfs "$D" || exit 90
cp -a "$D.copy/." "$D/"
"$@" 2> "$D.err"; echo "rc=$?"
ls -a "$D"
sha256sum "$D/corpus_overview/"* | sed "s#$D/##"
cat "$D.err" | sed 's/^/err:/'
"""


def full_reports_build(tmp_path: Path) -> tuple[list[str], dict, dict]:
    """Build over an old report in a reports/ folder on a tmpfs with no room for the
    new one: (output lines, the old report's file hashes, those after the build)."""
    if not private_mounts():
        pytest.skip("no private mount namespace (unshare) to mount a small tmpfs in")
    build, reports, folder, before = _old_report(tmp_path)
    lines = in_namespace(FULL_REPORTS, reports, *build).stdout.splitlines()
    after = {line.split()[1].split("/")[-1]: line.split()[0] for line in lines if "corpus_overview/" in line}
    return lines, before, after


@pytest.mark.slow
def test_a_full_reports_disk_keeps_the_old_report(tmp_path):
    lines, before, after = full_reports_build(tmp_path)
    assert lines[0] == "rc=1", lines
    assert after == before  # the old report, whole
    assert "corpus_overview" in lines and not any("+work." in line for line in lines)  # no half-written work folder


@pytest.mark.slow
def test_a_full_reports_disk_is_a_one_line_error(tmp_path):
    lines, _, _ = full_reports_build(tmp_path)
    errors = [line for line in lines if line.startswith("err:")]
    assert len(errors) == 1 and errors[0].startswith("err:sitrep: error: "), errors


# --- many tiny articles -----------------------------------------------------------------

# CI runs 3,000 (about 40 s); SITREP_TINY_ARTICLES=20000 (3-5 min) or 100000 (~15 min) re-measures the
# figures of the test's docstring on demand
TINY_ARTICLES = int(os.environ.get("SITREP_TINY_ARTICLES", "3000"))
MEMORY_BUDGET = 1024 ** 3


@pytest.mark.slow
def test_many_tiny_articles_in_one_folder_ingest_under_1_gb(tmp_path):
    """Peak resident memory of ``sitrep ingest`` (the child's own, from wait4) over
    tiny one-sentence articles in one folder (3,000 in CI; the issue asks for 100,000).
    On a 2-core machine 20,000 take 3-5 minutes (about 400 MiB at peak): extraction
    costs ~7.5 ms per tiny article, and the near-duplicate pass of ``sitrep.store``
    compares every pair of articles of similar length, so its time grows with the
    square of the corpus. 100,000 measured 14.6 minutes and 1.01 GiB at peak even with
    an indexed near-duplicate pass: every article read is held in memory until the
    transaction (about 10 KiB per tiny article)."""
    corpus = tmp_path / "tiny"
    corpus.mkdir()
    for i in range(TINY_ARTICLES):
        a, b = ACTORS[i % 10], ACTORS[(i // 10 + 1 + i % 10) % 10]
        (corpus / f"t{i:06d}.txt").write_text(f"{a} condemned {b} on day {i}.\n", encoding="utf-8")
    store = tmp_path / "s.duckdb"
    t0 = time.monotonic()
    proc = subprocess.Popen([str(SITREP), "ingest", str(corpus), "--store", str(store), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - t0
    err = proc.stderr.read().decode()
    peak = usage.ru_maxrss * 1024  # KiB on Linux
    print(f"{TINY_ARTICLES} tiny articles: {seconds:.0f} s, peak RSS {peak / 2**20:.0f} MiB")
    assert os.waitstatus_to_exitcode(status) == 0, err
    assert peak < MEMORY_BUDGET, f"peak RSS {peak / 2**20:.0f} MiB"
    con = duckdb.connect(str(store), read_only=True)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT path) FROM files").fetchone() == (TINY_ARTICLES, TINY_ARTICLES)
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (TINY_ARTICLES,)
    finally:
        con.close()
