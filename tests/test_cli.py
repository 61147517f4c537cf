"""The command line: exit codes and one-line messages."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from sitrep.cli import app
from sitrep.config import NOTEBOOKS_DIR, RAW_ARTICLES_DIR

runner = CliRunner()


def test_version_via_console_script():
    exe = Path(sys.executable).with_name("sitrep")
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=False)
    assert out.returncode == 0 and out.stdout.startswith("sitrep ")


def test_ingest_prints_summary_and_is_idempotent(corpus, tmp_path):
    store = tmp_path / "s.duckdb"
    first = runner.invoke(app, ["ingest", str(corpus), "--store", str(store)])
    assert first.exit_code == 0, first.output
    assert "11 files seen" in first.output and "15 articles in the store" in first.output
    second = runner.invoke(app, ["ingest", str(corpus), "--store", str(store)])
    assert second.exit_code == 0 and "11 unchanged, 0 ingested" in second.output


def test_ingest_reports_skipped_files_with_exit_3(corpus, tmp_path):
    (corpus / "zero.txt").write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(corpus), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 3
    assert "sitrep: skipped: " in result.stderr and "zero.txt: empty file" in result.stderr
    assert "15 articles in the store" in result.stdout


def test_ingest_missing_path_fails_with_one_line(tmp_path):
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope"), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "nope: no such file or folder" in result.stderr


def test_extract_json_shape():
    result = runner.invoke(app, ["extract", str(RAW_ARTICLES_DIR / "000_1dd10de5f214fc39.txt"), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"sitrep_version", "articles"}
    [article] = doc["articles"]
    assert article["published"] == "2026-03-07" and article["language"] == "en"
    assert {"id", "path", "title", "source", "sentences", "actors", "mentions", "events", "statements"} <= set(article)
    first = article["sentences"][0]
    assert first["index"] == 0 and first["start"] == 0 and first["text"].startswith("Russian President Vladimir Putin")


def test_build_rejects_unknown_parameter(tmp_path):
    result = runner.invoke(app, ["build", str(NOTEBOOKS_DIR / "corpus_overview.ipynb"), "-p", "colour=red", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "unknown parameter 'colour'" in result.stderr and result.stderr.count("\n") == 1


def test_build_rejects_malformed_parameter(tmp_path):
    result = runner.invoke(app, ["build", str(NOTEBOOKS_DIR / "corpus_overview.ipynb"), "-p", "start", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "expected KEY=VALUE" in result.stderr


def test_build_reports_failing_cell(tmp_path):
    from conftest import FILES

    nb = tmp_path / "fixture.ipynb"
    shutil.copyfile(FILES / "fixture.ipynb", nb)
    result = runner.invoke(app, ["build", str(nb), "-p", "fail=true", "--format", "html", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "cell 3" in result.stderr and "ValueError: deliberate failure" in result.stderr
