"""The DOCX beside the PDF (sitrep.render.docx): same sections, endnotes and charts,
the print's length, and the same bytes from the same inputs."""

from __future__ import annotations

import zipfile

import pytest
from docx import Document

from sitrep.config import NOTEBOOKS_DIR
from sitrep.render.docx import html_to_docx

PAGE = """<html><body><header class="report-header"><p class="kicker">Situation briefing</p><h1>Title</h1>
<dl><dt>Sources</dt><dd>3 articles</dd></dl></header><nav class="toc">Contents</nav>
<section><h2>Bottom line up front</h2><ul class="bluf"><li><strong>Iran</strong> struck Israel <a class="cite" href="#ref-1">[1]</a></li></ul>
<table><caption>Outlets</caption><tr><th>outlet</th><th class="num">articles</th></tr><tr><td>Wire</td><td class="num">2</td></tr>
<tr class="screen-only"><td>Hidden</td><td>9</td></tr></table>
<p class="screen-only">Only on screen</p><p class="print-only">Only in print</p>
<ol class="evidence"><li id="ref-1" value="1">Wire, 01 Mar 2026: “Iran struck Israel.”</li></ol></section></body></html>"""


def test_the_print_page_becomes_headings_lists_tables_and_endnotes(tmp_path):
    out = tmp_path / "r.docx"
    html_to_docx(PAGE, out, source_date_epoch=1772323200)
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert "Title" in texts and "Bottom line up front" in texts
    assert any(t.startswith("Iran struck Israel") or t.startswith("Iran  struck") or "struck Israel [1]" in t for t in texts)
    assert "[1] Wire, 01 Mar 2026: “Iran struck Israel.”" in texts  # the endnote keeps its number
    assert "Only in print" in texts and "Only on screen" not in texts and "Contents" not in texts
    table = doc.tables[-1]
    assert [[c.text for c in r.cells] for r in table.rows] == [["outlet", "articles"], ["Wire", "2"]]
    assert doc.core_properties.created.year == 2026 and doc.core_properties.author == ""


def test_the_same_page_gives_the_same_bytes(tmp_path):
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    html_to_docx(PAGE, a, source_date_epoch=1772323200)
    html_to_docx(PAGE, b, source_date_epoch=1772323200)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 3, 1, 0, 0, 0)}


@pytest.mark.slow
def test_the_briefing_builds_a_docx_with_its_sections_and_charts(tmp_path, sample_store):
    from sitrep.render.build import build

    result = build(NOTEBOOKS_DIR / "briefing.ipynb", {"store": str(sample_store), "formats": "html,pdf,docx"},
                   out_dir=tmp_path / "reports")
    doc = Document(str(result.files["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for section in ("Bottom line up front", "Key developments", "Positions", "Contacts", "Conflict and cooperation trend",
                    "Statements", "What to watch", "Sources and method", "Evidence"):
        assert section in headings, headings
    assert len(doc.inline_shapes) >= 1  # the trend chart (the contacts chart is on screen only, its table prints)
    assert all(s._inline.docPr.get("descr") for s in doc.inline_shapes)  # with their alt text
    endnotes = [p.text for p in doc.paragraphs if p.text.startswith("[") and "sentence" in p.text]
    assert endnotes and endnotes[0].startswith("[1] ")
    manifest = (result.folder / "manifest.json").read_text(encoding="utf-8")
    assert '"docx"' in manifest and result.files["docx"].name == "briefing.docx"
