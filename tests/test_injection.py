"""Article text, titles and outlet names that carry markup or code reach the HTML, the
PDF and the DOCX as inert text: no script runs, no style is closed, no magic is executed,
including in chart labels and tooltips."""

from __future__ import annotations

import re

import pytest

from sitrep.config import NOTEBOOKS_DIR

HOSTILE_TITLE = 'Strikes </style><script>alert("t")</script> <img src=x onerror=alert(1)>'
HOSTILE_OUTLET = "Wire <b onmouseover=alert(2)>Agency</b>"
HOSTILE_BODY = (
    "Israel struck targets in Iran on Saturday <script>alert('body')</script>, officials said.\n\n"
    "Iran condemned the strikes as <img src=x onerror=alert(3)> aggression and vowed a crushing response.\n\n"
    "%run /etc/passwd and {{7*7}} and $(touch /tmp/pwned) and \\input{/etc/passwd} were quoted by Russia, "
    "which called for a ceasefire.\n"
)


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    from sitrep.render.build import build
    from sitrep.ingest.update import update_store

    root = tmp_path_factory.mktemp("inject")
    corpus = root / "articles"
    corpus.mkdir()
    (corpus / "a.md").write_text(
        f"---\ntitle: '{HOSTILE_TITLE}'\nsource: '{HOSTILE_OUTLET}'\npublished: 2026-03-07\n"
        f"url: https://example.org/a\n---\n{HOSTILE_BODY}", encoding="utf-8")
    store = root / "s.duckdb"
    update_store([corpus], store)
    return build(NOTEBOOKS_DIR / "briefing.ipynb", {"store": str(store), "title": "Hostile <script>x</script>",
                                                    "formats": ["html", "pdf", "docx"]}, out_dir=root / "reports")


@pytest.mark.slow
def test_markup_in_articles_is_inert_in_the_html(hostile_report):
    page = hostile_report.files["html"].read_text(encoding="utf-8")
    # the only scripts are sitrep's own (vega, vega-lite, vega-embed and the chart embeds), none carries the payloads
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S):
        assert "alert(" not in script and "/etc/passwd" not in script
    assert not re.search(r"<img\b[^>]*onerror", page, re.I)
    assert not re.search(r"<b\s+onmouseover", page, re.I)
    assert not re.search(r"</style>\s*<script>alert", page, re.I)
    assert "&lt;script&gt;" in page  # the text is there, escaped
    assert not any(p.name == "pwned" for p in hostile_report.files["html"].parent.iterdir())


@pytest.mark.slow
def test_markup_in_articles_is_plain_text_in_the_pdf(hostile_report):
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(hostile_report.files["pdf"]).pages)
    assert "<script>" in text or "alert(" in text  # printed as the characters it is
    for page in PdfReader(hostile_report.files["pdf"]).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None:
                assert action.get("/S") == "/URI" and str(action["/URI"]).startswith(("http://", "https://", "#"))


@pytest.mark.slow
def test_markup_in_articles_is_plain_text_in_the_docx(hostile_report):
    import zipfile

    with zipfile.ZipFile(hostile_report.files["docx"]) as z:
        names = z.namelist()
        body = z.read("word/document.xml").decode("utf-8")
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
    assert not any(n.endswith((".bin", ".js")) or "vbaProject" in n or "activeX" in n for n in names)  # no macro, no script
    assert "&lt;script&gt;" in body and "<script" not in body  # the characters, as text
    assert "onerror=alert(3)" in body and "<img" not in body
    assert "javascript:" not in rels and 'TargetMode="External"' not in rels  # no live link at all
