"""Batch generation, caching, verification and the publish gate."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from sitrep.batch.grid import GridError, load_grid, slugify
from sitrep.batch.runner import BUILT, CACHED, FAILED, run_batch
from sitrep.cli import app
from sitrep.config import NOTEBOOKS_DIR, PROJ_ROOT
from sitrep.publish import publish

from conftest import FILES

OVERVIEW = NOTEBOOKS_DIR / "corpus_overview.ipynb"
FIXTURE = FILES / "fixture.ipynb"
BEHAVIOUR = FILES / "behaviour.ipynb"


def grid_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "grid.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the grid ----------------------------------------------------------------------------
def test_grid_expands_products_lists_and_date_runs(tmp_path):
    jobs = load_grid(grid_file(tmp_path, f"""
defaults:
  title: From defaults
reports:
  - notebook: {NOTEBOOKS_DIR / 'briefing.ipynb'}
    name: "{{notebook}}-{{focus_actors}}-{{day}}"
    product:
      focus_actors: [[RUS], [IRN, USA]]
      day: {{last_days: 3, until: 2026-03-09}}
  - notebook: {OVERVIEW}
    name: "overview-{{end}}"
    list:
      - {{end: 2026-03-01}}
      - {{end: 2026-03-07, title: Own title}}
"""))
    assert len(jobs) == 8
    first = jobs[0]
    assert first.name == "briefing-rus-2026-03-07"
    assert first.params == {"title": "From defaults", "focus_actors": ["RUS"], "start": "2026-03-07", "end": "2026-03-07"}
    assert jobs[5].name == "briefing-irn-usa-2026-03-09"
    assert [j.params["title"] for j in jobs[6:]] == ["From defaults", "Own title"]


@pytest.mark.parametrize("body, message", [
    ("  - notebook: notebooks/nope.ipynb\n", "grid.yaml:2: unknown notebook 'notebooks/nope.ipynb'"),
    (f"  - notebook: {OVERVIEW}\n    params: {{colour: red}}\n", "grid.yaml:2: unknown parameter 'colour'"),
    (f"  - notebook: {OVERVIEW}\n    params: {{start: 2026-02-30}}\n", "grid.yaml:2: parameter 'start'"),
    (f"  - notebook: {NOTEBOOKS_DIR / 'briefing.ipynb'}\n    product: {{focus_actors: [[RUS.PUTN]]}}\n", "did you mean RUS.PUTIN"),
    (f"  - notebook: {OVERVIEW}\n    product: {{end: []}}\n", "grid.yaml:2: product of 'end' is empty"),
    (f"  - notebook: {OVERVIEW}\n    product: {{end: [2026-03-01, 2026-03-02]}}\n", "report name 'corpus_overview' is produced twice"),
    (f"  - notebook: {OVERVIEW}\n    name: x-{{colour}}\n", "uses 'colour' which is not a parameter"),
    ("  - notebook: [unclosed\n", "not valid YAML"),
])
def test_bad_grids_are_rejected_before_anything_runs(tmp_path, body, message):
    with pytest.raises(GridError, match=re.escape(message)):
        load_grid(grid_file(tmp_path, "reports:\n" + body))
    assert not (tmp_path / "reports").exists()


def test_names_are_slugified_safely():
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("Briefing: RUS+IRN / 2026-03-07") == "briefing-rus-irn-2026-03-07"
    assert slugify("...") == "report"


# --- running --------------------------------------------------------------------------------
@pytest.mark.slow
def test_failures_are_isolated_and_unchanged_reports_are_cached(tmp_path):
    grid = grid_file(tmp_path, f"""
reports:
  - notebook: {FIXTURE}
    name: "fixture-{{fail}}"
    product:
      fail: [false, true]
  - notebook: {BEHAVIOUR}
    name: behaviour
""")
    out = tmp_path / "reports"
    first = run_batch(load_grid(grid), out, workers=2)
    status = {o.name: o for o in first.outcomes}
    assert status["fixture-false"].status == BUILT and status["behaviour"].status == BUILT
    failed = status["fixture-true"]
    assert failed.status == FAILED
    assert "cell 3" in failed.error and "ValueError: deliberate failure, value=42" in failed.error
    assert not (out / "fixture-true").exists()
    again = run_batch(load_grid(grid), out, workers=2)
    assert {o.name: o.status for o in again.outcomes} == {"fixture-false": CACHED, "fixture-true": FAILED, "behaviour": CACHED}
    manifest = json.loads((out / "behaviour" / "manifest.json").read_text())
    assert len(manifest["cache_key"]) == 64
    forced = run_batch(load_grid(grid), out, workers=2, force=True)
    assert {o.name: o.status for o in forced.outcomes}["behaviour"] == BUILT


@pytest.mark.slow
def test_cli_batch_prints_a_failure_summary_and_exits_non_zero(tmp_path):
    grid = grid_file(tmp_path, f"reports:\n  - notebook: {FIXTURE}\n    params: {{fail: true}}\n")
    result = CliRunner().invoke(app, ["batch", str(grid), "--out", str(tmp_path / "r"), "--workers", "1"])
    assert result.exit_code == 1
    assert "failed 1" in result.output
    assert "fixture" in result.output and "fail=True" in result.output and "deliberate failure" in result.output


@pytest.mark.slow
def test_a_slow_report_times_out_and_a_dead_kernel_is_retried(tmp_path):
    marker = tmp_path / "died-once"
    grid = grid_file(tmp_path, f"""
reports:
  - notebook: {BEHAVIOUR}
    name: slow
    params: {{sleep: 60}}
  - notebook: {BEHAVIOUR}
    name: dies-once
    params: {{die_marker: "{marker}"}}
""")
    summary = run_batch(load_grid(grid), tmp_path / "reports", workers=2, timeout=8, retries=1)
    status = {o.name: o for o in summary.outcomes}
    assert status["slow"].status == FAILED and "timed out after 8 s" in status["slow"].error
    assert status["slow"].seconds < 30
    assert status["dies-once"].status == BUILT and status["dies-once"].attempts == 2 and marker.exists()


@pytest.mark.slow
def test_dask_executor_on_a_local_cluster(tmp_path):
    from distributed import LocalCluster

    grid = grid_file(tmp_path, f"""
reports:
  - notebook: {FIXTURE}
    name: "dask-{{title}}"
    product:
      title: [one, two]
      formats: [[html]]
""")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = run_batch(load_grid(grid), tmp_path / "reports", executor="dask", scheduler=cluster.scheduler_address)
    assert [(o.name, o.status) for o in summary.outcomes] == [("dask-one", BUILT), ("dask-two", BUILT)]
    assert (tmp_path / "reports" / "dask-two" / "dask-two.html").is_file()


@pytest.mark.slow
def test_two_batches_at_once_do_not_corrupt_each_other(tmp_path):
    grid = grid_file(tmp_path, f"""
reports:
  - notebook: {FIXTURE}
    name: "same-{{title}}"
    product:
      title: [a, b, c]
""")
    out = tmp_path / "reports"
    cmd = [sys.executable, "-m", "sitrep.cli", "batch", str(grid), "--out", str(out), "--workers", "2"]
    runs = [subprocess.Popen(cmd, cwd=PROJ_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    checks = publish(out)
    assert [c.name for c in checks] == ["same-a", "same-b", "same-c"] and all(c.ok for c in checks)
    assert not [p for p in out.iterdir() if p.name.startswith(".same-")]  # no half-written folder left


# --- verify and publish ---------------------------------------------------------------------
@pytest.mark.slow
def test_verify_rebuilds_byte_identical_and_detects_a_difference(tmp_path):
    runner = CliRunner()
    out = tmp_path / "reports"
    assert runner.invoke(app, ["build", str(FIXTURE), "--out", str(out)]).exit_code == 0
    folder = out / "fixture"
    ok = runner.invoke(app, ["verify", str(folder)])
    assert ok.exit_code == 0, ok.output
    assert "html      identical" in ok.output and "reproducible" in ok.output
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["outputs"]["pdf"]["sha256"] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest))
    bad = runner.invoke(app, ["verify", str(folder)])
    assert bad.exit_code == 1 and "pdf       DIFFERENT" in bad.output


@pytest.mark.slow
def test_publish_validates_every_report_and_writes_an_index(tmp_path, briefing_report):
    import shutil

    out = tmp_path / "reports"
    out.mkdir()
    for name in ("good", "no-section", "external", "broken-pdf", "error-cell"):
        shutil.copytree(briefing_report.folder, out / name)
    def tamper(name, kind, edit):
        folder = out / name
        manifest = json.loads((folder / "manifest.json").read_text())
        path = folder / manifest["outputs"][kind]["file"]
        edit(path)
        import hashlib
        manifest["outputs"][kind]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        (folder / "manifest.json").write_text(json.dumps(manifest))
    tamper("no-section", "html", lambda p: p.write_text(p.read_text().replace('id="contacts"', 'id="other"')))
    tamper("external", "html", lambda p: p.write_text(p.read_text().replace("</head>", '<script src="https://cdn.example/x.js"></script></head>')))
    tamper("broken-pdf", "pdf", lambda p: p.write_bytes(b"%PDF-1.7\nnot really"))
    def add_error(p):
        nb = json.loads(p.read_text())
        nb["cells"][2]["outputs"] = [{"output_type": "error", "ename": "X", "evalue": "y", "traceback": []}]
        p.write_text(json.dumps(nb))
    tamper("error-cell", "ipynb", add_error)
    result = CliRunner().invoke(app, ["publish", "--out", str(out)])
    assert result.exit_code == 1
    problems = {c.name: c.problems for c in publish(out)}
    assert problems["good"] == []
    assert problems["no-section"] == ["HTML lacks section(s) contacts"]
    assert problems["external"] == ["HTML loads a script, style or image from a URL"]
    assert problems["broken-pdf"][0].startswith("PDF does not open")
    assert problems["error-cell"] == ["executed notebook has error output in cell 3"]
    index = (out / "index.html").read_text()
    assert index.count("<tr class=") == 5 and 'href="good/briefing.html"' in index and "Situation briefing" in index
    assert "5 reports, 4 failed validation" in index


def test_publish_workflow_runs_tests_and_the_gate_before_uploading():
    workflow = yaml.safe_load((PROJ_ROOT / ".github/workflows/publish.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    runs = [s.get("run", "") for s in steps]
    test_at = next(i for i, r in enumerate(runs) if r.strip() == "make test")
    publish_at = next(i for i, r in enumerate(runs) if r.strip() == "make publish")
    upload_at = next(i for i, s in enumerate(steps) if "upload-pages-artifact" in s.get("uses", ""))
    assert test_at < publish_at < upload_at
    assert steps[upload_at]["with"]["path"].rstrip("/") == "reports"
    assert not any("always()" in str(s.get("if", "")) or s.get("continue-on-error") for s in steps)
    makefile = (PROJ_ROOT / "Makefile").read_text()
    assert "sitrep batch batch/sample.yaml" in makefile and "sitrep publish" in makefile
