"""Building a report: files produced, offline HTML, determinism, atomic failure."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from pypdf import PdfReader

from sitrep.config import NOTEBOOKS_DIR
from sitrep.render.build import BuildError, build
from sitrep.render.execute import CellExecutionError

from conftest import FILES

pytestmark = pytest.mark.slow


def test_report_files_are_produced(overview_report):
    folder = overview_report.folder
    assert sorted(p.name for p in folder.iterdir()) == [
        "corpus_overview.html", "corpus_overview.ipynb", "corpus_overview.pdf", "manifest.json"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["parameters"]["title"] == "Corpus overview"
    assert manifest["outputs"]["pdf"]["file"] == "corpus_overview.pdf"
    assert "data/raw/articles/000_1dd10de5f214fc39.txt" in manifest["inputs"]["articles"]
    assert manifest["packages"]["papermill"] != "not installed"


def test_html_is_self_contained_and_hides_code(overview_report):
    page = overview_report.files["html"].read_text()
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(https?:)?//", page), "external resource in the HTML"
    assert "window.vegaEmbed" in page  # the chart library is inlined
    assert 'type="application/vnd.sitrep.vegalite+json"' in page
    assert "CorpusOverviewParams(" not in page and "overview.per_date_chart" not in page  # code hidden
    assert 'title = "Corpus overview"' not in page  # parameters cell hidden
    assert "/tmp/" not in page and "/work/" not in page  # no absolute paths
    assert "Articles per outlet" in page and "Meridian Wire" in page


def test_pdf_has_pages_header_and_static_chart(overview_report):
    reader = PdfReader(str(overview_report.files["pdf"]))
    assert len(reader.pages) >= 2
    first = reader.pages[0].extract_text()
    assert "Corpus overview" in first and "Page 1 of" in first
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Articles per publication date" in text
    assert "script" not in text.lower()


def test_build_is_deterministic(overview_report, sample_store, tmp_path):
    again = build(NOTEBOOKS_DIR / "corpus_overview.ipynb", {"store": str(sample_store)}, out_dir=tmp_path)
    for kind in ("html", "pdf", "ipynb"):
        assert again.files[kind].read_bytes() == overview_report.files[kind].read_bytes(), kind


def test_failed_build_keeps_previous_report(tmp_path):
    nb = tmp_path / "fixture.ipynb"
    shutil.copyfile(FILES / "fixture.ipynb", nb)
    good = build(nb, {"formats": ["html"]}, out_dir=tmp_path / "out")
    before = good.files["html"].read_bytes()
    assert "value is 42" in before.decode()
    with pytest.raises(CellExecutionError) as err:
        build(nb, {"fail": True, "formats": ["html"]}, out_dir=tmp_path / "out")
    message = str(err.value)
    assert "cell 3" in message
    assert 'raise ValueError(f"deliberate failure, value={value}")' in message
    assert "ValueError: deliberate failure, value=42" in message
    assert "\n" not in message
    assert good.files["html"].read_bytes() == before
    assert (tmp_path / "out" / ".failed" / "fixture.ipynb").is_file()
    leftovers = [p.name for p in (tmp_path / "out").iterdir() if p.name not in {"fixture", ".failed", ".locks"}]
    assert leftovers == []


def test_unknown_and_bad_parameters_fail_before_running(tmp_path):
    from sitrep.params import ParameterError

    with pytest.raises(ParameterError, match="unknown parameter 'colour'"):
        build(NOTEBOOKS_DIR / "corpus_overview.ipynb", {"colour": "red"}, out_dir=tmp_path)
    with pytest.raises(ParameterError, match="parameter 'start' '2026-02-30'"):
        build(NOTEBOOKS_DIR / "corpus_overview.ipynb", {"start": "2026-02-30"}, out_dir=tmp_path)
    with pytest.raises(ParameterError, match="after end"):
        build(NOTEBOOKS_DIR / "corpus_overview.ipynb", {"start": "2026-03-05", "end": "2026-03-01"}, out_dir=tmp_path)
    with pytest.raises(BuildError, match="no such notebook"):
        build(tmp_path / "missing.ipynb", {}, out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_empty_window_builds_a_short_report(sample_store, tmp_path):
    result = build(NOTEBOOKS_DIR / "corpus_overview.ipynb",
                   {"store": str(sample_store), "start": "2025-01-01", "end": "2025-01-31", "formats": ["html"]}, out_dir=tmp_path)
    page = result.files["html"].read_text()
    assert "No article in the store falls in this window" in page
    assert '<figure class="sitrep-chart' not in page
    assert "window.vegaEmbed" not in page  # no chart, no 900 kB of JavaScript
