"""Hardening of the batch and publish side (issue 16): never stale (the cache key
covers the articles before a report's window; publish re-checks every key),
timeouts under Dask, litter of killed builds removed, a waiting batch says so,
and grids cannot write outside the reports folder or smuggle code in values."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitrep.batch.grid import GridError, load_grid
from sitrep.batch.runner import BUILT, CACHED, FAILED, run_batch
from sitrep.cli import app
from sitrep.config import NOTEBOOKS_DIR, PROJ_ROOT
from sitrep.publish import publish
from sitrep.render.build import report_lock, sweep_litter
from sitrep.render.execute import sweep_kernel_files

from conftest import FILES, write_article

FIXTURE = FILES / "fixture.ipynb"
BEHAVIOUR = FILES / "behaviour.ipynb"
BRIEFING = NOTEBOOKS_DIR / "briefing.ipynb"


def grid_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "grid.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def dead_pid() -> int:
    """The id of a process that has exited."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# --- 2. never stale ---------------------------------------------------------------------------
@pytest.mark.slow
def test_an_article_before_a_cached_daily_rebuilds_it_and_publish_fails_until_then(corpus, tmp_path):
    from sitrep.ingest.update import update_store

    store = tmp_path / "store.duckdb"
    update_store([corpus], store)
    grid = grid_file(tmp_path, f"""
defaults:
  store: {store}
reports:
  - notebook: {BRIEFING}
    name: "daily-{{day}}"
    params: {{formats: [html, pdf]}}
    product:
      day: [2026-03-09]
""")
    out = tmp_path / "reports"
    first = run_batch(load_grid(grid), out, workers=1)
    assert [(o.name, o.status) for o in first.outcomes] == [("daily-2026-03-09", BUILT)], first.outcomes
    page = (out / "daily-2026-03-09" / "daily-2026-03-09.html").read_text()
    edition = int(re.search(r"Edition (\d+)", page).group(1))
    assert [c.ok for c in publish(out)] == [True]
    again = run_batch(load_grid(grid), out, workers=1)
    assert [o.status for o in again.outcomes] == [CACHED]

    # an article dated before the window, on a day with no news yet: a new edition number
    write_article(corpus, "late_report.md", title="Late report", source="Late Wire", published="2026-03-05",
                  body="Officials in Tehran said talks would resume next week.")
    update_store([corpus], store)

    checks = publish(out)
    assert [c.ok for c in checks] == [False]
    stale = [p for p in checks[0].problems if p.startswith("stale: ")]
    assert stale and "articles dated before the window" in stale[0], checks[0].problems
    result = CliRunner().invoke(app, ["publish", "--out", str(out)])
    assert result.exit_code == 1
    assert "FAILED daily-2026-03-09: stale: articles dated before the window" in result.output

    rebuilt = run_batch(load_grid(grid), out, workers=1)
    assert [o.status for o in rebuilt.outcomes] == [BUILT]
    page = (out / "daily-2026-03-09" / "daily-2026-03-09.html").read_text()
    assert int(re.search(r"Edition (\d+)", page).group(1)) == edition + 1
    assert [c.ok for c in publish(out)] == [True]


@pytest.mark.slow
def test_publish_names_a_changed_article_in_the_window(tmp_path):
    from sitrep.ingest.update import update_store

    articles = tmp_path / "articles"
    path = write_article(articles, "one.md", title="One", source="Wire", published="2026-03-02",
                         body="The minister said the border would stay closed.")
    store = tmp_path / "store.duckdb"
    update_store([articles], store)
    out = tmp_path / "reports"
    assert CliRunner().invoke(app, ["build", str(NOTEBOOKS_DIR / "corpus_overview.ipynb"), "-p", f"store={store}",
                                    "-p", "start=2026-03-01", "-p", "end=2026-03-03", "--format", "html",
                                    "--out", str(out)]).exit_code == 0
    path.write_text(path.read_text().replace("closed", "open"))
    update_store([articles], store)
    problems = publish(out)[0].problems
    assert any(p.startswith("stale: article ") and "one.md changed" in p for p in problems), problems


# --- 3. timeouts under both executors ---------------------------------------------------------------
SLOW_GRID = f"""
reports:
  - notebook: {BEHAVIOUR}
    name: slow
    params: {{sleep: 120, formats: [html]}}
  - notebook: {FIXTURE}
    name: quick
    params: {{formats: [html]}}
"""


@pytest.mark.slow
def test_timeout_holds_on_a_dask_cluster_of_threads(tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        t0 = time.monotonic()
        summary = run_batch(load_grid(grid_file(tmp_path, SLOW_GRID)), tmp_path / "reports", executor="dask",
                            scheduler=cluster.scheduler_address, timeout=8)
        elapsed = time.monotonic() - t0
    status = {o.name: o for o in summary.outcomes}
    assert status["quick"].status == BUILT, status["quick"].error
    slow = status["slow"]
    assert slow.status == FAILED and slow.attempts == 1
    assert "timed out after 8 s" in slow.error and "cell 3 (`time.sleep(sleep)`)" in slow.error, slow.error
    assert elapsed < 45, elapsed
    assert not (tmp_path / "reports" / "slow").exists()


@pytest.mark.slow
def test_timeout_holds_under_the_local_executor_and_names_the_cell(tmp_path):
    summary = run_batch(load_grid(grid_file(tmp_path, SLOW_GRID)), tmp_path / "reports", workers=2, timeout=8)
    slow = {o.name: o for o in summary.outcomes}["slow"]
    assert slow.status == FAILED and "cell 3 (`time.sleep(sleep)`) timed out after 8 s" in slow.error
    assert slow.seconds < 30


# --- 5. litter -------------------------------------------------------------------------------------
def test_sweep_removes_only_litter_whose_owner_is_gone(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    for name in (".daily+work.abcdefgh", ".daily+old.ijklmnop", ".daily.qrstuvwx", ".other.old.a1b2c3d4",
                 ".held+work.zzzzzzzz", ".failed", ".locks"):
        (out / name).mkdir()
    (out / "daily").mkdir()  # a report, not litter
    kernels = tmp_path / "tmp"
    kernels.mkdir()
    gone, alive = dead_pid(), os.getppid()
    for name in (f"sitrep-kernel-{gone}-0123456789ab-5001", f"sitrep-kernel-{gone}-0123456789ab.json",
                 f"sitrep-kernel-{alive}-0123456789ab-5001", "sitrep-kernel-0123456789abcdef-5001", "unrelated-5001"):
        (kernels / name).write_text("")
    os.utime(kernels / "sitrep-kernel-0123456789abcdef-5001", (time.time() - 3 * 86400,) * 2)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom pathlib import Path\nfrom sitrep.render.build import report_lock\n"
        f"with report_lock(Path({str(out)!r}), 'held'):\n    print('locked', flush=True)\n    time.sleep(60)")],
        cwd=PROJ_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        removed = sweep_litter(out)
        kernel_removed = sweep_kernel_files(kernels)
    finally:
        holder.kill()
        holder.wait()
    left = sorted(p.name for p in out.iterdir())
    assert left == [".failed", ".held+work.zzzzzzzz", ".locks", "daily"], left
    assert {".daily+work.abcdefgh", ".daily+old.ijklmnop", ".daily.qrstuvwx", ".other.old.a1b2c3d4"} <= set(removed)
    assert sorted(kernel_removed) == sorted([f"sitrep-kernel-{gone}-0123456789ab-5001", f"sitrep-kernel-{gone}-0123456789ab.json",
                                             "sitrep-kernel-0123456789abcdef-5001"])
    assert sorted(p.name for p in kernels.iterdir()) == [f"sitrep-kernel-{alive}-0123456789ab-5001", "unrelated-5001"]


@pytest.mark.slow
def test_a_killed_build_leaves_litter_that_the_next_run_removes(tmp_path):
    out = tmp_path / "reports"
    cmd = [sys.executable, "-m", "sitrep.cli", "build", str(BEHAVIOUR), "-p", "sleep=120", "--format", "html",
           "--name", "victim", "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=PROJ_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sockets = []
    try:
        for _ in range(120):  # until the kernel runs the sleeping cell
            work = list(out.glob(".victim+work.*")) if out.is_dir() else []
            sockets = list(Path(tempfile.gettempdir()).glob(f"sitrep-kernel-{proc.pid}-*"))
            if work and sockets:
                break
            time.sleep(0.5)
        assert work and sockets, "the build never got going"
        time.sleep(1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert work[0].exists() and any(s.exists() for s in sockets)  # what a killed build leaves
    again = subprocess.run([sys.executable, "-m", "sitrep.cli", "build", str(FIXTURE), "--format", "html", "--out", str(out)],
                           cwd=PROJ_ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert not work[0].exists()
    assert not any(s.exists() for s in sockets)


@pytest.mark.slow
def test_a_second_batch_waiting_on_a_lock_says_so(tmp_path):
    out = tmp_path / "reports"
    grid = grid_file(tmp_path, f"reports:\n  - notebook: {FIXTURE}\n    name: shared\n    params: {{formats: [html]}}\n")
    with report_lock(out, "shared"):  # another run is building 'shared'
        batch = subprocess.Popen([sys.executable, "-m", "sitrep.cli", "batch", str(grid), "--out", str(out), "--workers", "1"],
                                 cwd=PROJ_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(8)
        assert batch.poll() is None, "the batch did not wait for the lock"
    stdout, stderr = batch.communicate(timeout=300)
    assert batch.returncode == 0, stderr
    assert f"being built by another sitrep run: shared (process {os.getpid()})" in stderr
    assert "waiting for another build of 'shared'" in stderr
    assert "built 1" in stdout


# --- 6. no path escape from grids, no code in values -------------------------------------------------
@pytest.mark.parametrize("body, message", [
    (f"  - notebook: {FIXTURE}\n    out: ../../elsewhere\n", "unknown key 'out'"),
    (f"  - notebook: {FIXTURE}\n    params: {{out_dir: /tmp}}\n", "unknown parameter 'out_dir'"),
    ("  - notebook: /etc/passwd\n", "is not a .ipynb file"),
    ("  - notebook: ../../../../tmp/nothing.ipynb\n", "unknown notebook"),
    (f"  - notebook: {FIXTURE}\n    params: {{title: !!binary eCI7IF9faW1wb3J0X18oIm9zIikuc3lzdGVtKCJpZCIpOyAi}}\n",
     "a bytes is not a parameter value"),
    (f"  - notebook: {FIXTURE}\n    params: {{title: !!set {{'a\"+__import__(\"os\").getcwd()+\"': null}}}}\n",
     "a set is not a parameter value"),
])
def test_grids_cannot_point_outside_or_smuggle_objects(tmp_path, body, message):
    with pytest.raises(GridError, match=re.escape(message)):
        load_grid(grid_file(tmp_path, "reports:\n" + body))


def test_names_from_hostile_parameters_stay_inside_the_reports_folder(tmp_path):
    jobs = load_grid(grid_file(tmp_path, f"""
reports:
  - notebook: {FIXTURE}
    name: "{{title}}"
    list:
      - {{title: "../../../etc/cron.d/x"}}
      - {{title: "/absolute/path"}}
      - {{title: "..\\\\..\\\\windows"}}
      - {{title: ".hidden"}}
"""))
    names = [j.name for j in jobs]
    assert names == ["etc-cron.d-x", "absolute-path", "windows", "hidden"]
    out = tmp_path / "reports"
    for name in names:
        assert (out / name).resolve().parent == out.resolve()


@pytest.mark.slow
def test_a_symlinked_report_folder_fails_its_job_and_publish_flags_links_out(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "reports"
    out.mkdir()
    (out / "fixture").symlink_to(outside, target_is_directory=True)
    summary = run_batch(load_grid(grid_file(tmp_path, f"reports:\n  - notebook: {FIXTURE}\n    params: {{formats: [html]}}\n")),
                        out, workers=1)
    outcome = summary.outcomes[0]
    assert outcome.status == FAILED and "symbolic link" in outcome.error
    assert list(outside.iterdir()) == []
    checks = {c.name: c for c in publish(out)}
    assert not checks["fixture"].ok and "symbolic link" in checks["fixture"].problems[0]
    assert "FAILED: is a symbolic link to " in (out / "index.html").read_text()
