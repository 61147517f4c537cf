"""Reading each article format, its metadata, and rejecting bad input clearly."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sitrep.ingest import ArticleError, article_id, discover_files, read_articles
from sitrep.ingest.readers import looks_like_headline


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_txt_headline_is_title_when_short_and_unpunctuated(tmp_path):
    f = write(tmp_path / "a.txt", "\n\nIran strikes back\n\nIran fired missiles on Sunday.\n")
    [a] = read_articles(f)
    assert a.meta.title == "Iran strikes back"
    assert a.text == "Iran fired missiles on Sunday.\n"
    assert a.format == "txt"


def test_txt_first_sentence_is_not_a_title(tmp_path):
    f = write(tmp_path / "a.txt", "Putin called on Saturday for a halt to attacks.\nSecond line.\n")
    [a] = read_articles(f)
    assert a.meta.title is None
    assert a.text.startswith("Putin called")


@pytest.mark.parametrize("line,expected", [
    ("Moscow condemns strikes as armed aggression", True),
    ("Can diplomacy still prevent escalation?", False),
    ("Putin said the strikes were aggression.", False),
    (" ".join(["word"] * 30), False),
])
def test_headline_rule(line, expected):
    assert looks_like_headline(line) is expected


def test_seed_article_has_no_title_and_sidecar_metadata():
    from sitrep.config import RAW_ARTICLES_DIR

    [a] = read_articles(RAW_ARTICLES_DIR / "000_1dd10de5f214fc39.txt")
    assert a.meta.title is None
    assert a.meta.published == dt.date(2026, 3, 7)
    assert a.meta.language == "en"
    assert a.meta.source is None  # "unknown" in the sidecar means no outlet
    assert "Pezeshkian" in a.text


def test_markdown_front_matter_and_heading(tmp_path):
    f = write(tmp_path / "b.md", "---\nsource: Wire\npublished: 2026-03-02\nurl: https://x.example/a\n---\n# The title\n\nBody text here.\n")
    [a] = read_articles(f)
    assert (a.meta.title, a.meta.source, a.meta.url) == ("The title", "Wire", "https://x.example/a")
    assert a.meta.published == dt.date(2026, 3, 2)
    assert a.text == "Body text here.\n"


def test_sidecar_overrides_file_metadata(tmp_path):
    f = write(tmp_path / "b.md", "---\nsource: Wire\n---\nBody.\n")
    write(tmp_path / "b.md.meta.yaml", "source: Other Outlet\npublished: 2026-03-01\n")
    [a] = read_articles(f)
    assert a.meta.source == "Other Outlet"
    assert a.meta.published == dt.date(2026, 3, 1)


def test_html_main_text_without_boilerplate(tmp_path):
    page = """<html><head><title>Gulf states condemn strikes | Ledger</title>
    <meta property="og:site_name" content="The Ledger"><meta property="article:published_time" content="2026-03-02T10:00:00Z">
    </head><body><nav>Home | World | Subscribe</nav><article><h1>Gulf states condemn strikes</h1>
    <p>The foreign ministers of the Gulf Cooperation Council met on Monday and condemned the Iranian missile strikes on their territory.</p>
    <p>Qatar said its air defences intercepted most of the missiles fired at the air base, which hosts American troops.</p>
    </article><footer>Copyright 2026 The Ledger</footer></body></html>"""
    [a] = read_articles(write(tmp_path / "c.html", page))
    assert a.meta.source == "The Ledger"
    assert a.meta.published == dt.date(2026, 3, 2)
    assert "Gulf Cooperation Council" in a.text
    assert "Subscribe" not in a.text and "Copyright" not in a.text


def test_jsonl_one_article_per_line(tmp_path):
    lines = [
        {"title": "One", "source": "A", "published": "2026-03-01", "text": "First article body."},
        {"title": "Two", "outlet": "B", "date": "2026-03-02T08:00:00Z", "body": "Second article body."},
    ]
    f = write(tmp_path / "d.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")
    one, two = read_articles(f)
    assert (one.line, one.meta.title, one.meta.source) == (1, "One", "A")
    assert (two.line, two.meta.source, two.meta.published) == (2, "B", dt.date(2026, 3, 2))
    assert two.text == "Second article body.\n"


def test_article_id_ignores_spacing_case_and_invisible_marks():
    assert article_id("Putin  called\nfor a ceasefire.") == article_id("putin called for a\u200b ceasefire.")
    assert article_id("Putin called for a ceasefire.") != article_id("Putin called for talks.")


def test_utf8_bom_is_dropped(tmp_path):
    f = write(tmp_path / "bom.txt", "\ufeffIran fired missiles.\n".encode("utf-8"))
    [a] = read_articles(f)
    assert a.text == "Iran fired missiles.\n"
    assert not a.warnings


def test_latin1_is_read_with_a_warning(tmp_path):
    f = write(tmp_path / "latin.txt", "Erdoğan said Ankara's position was clear — café.\n".replace("ğ", "g").encode("cp1252"))
    [a] = read_articles(f)
    assert "café" in a.text and "—" in a.text
    assert a.warnings and "latin.txt" in a.warnings[0] and "UTF-8" in a.warnings[0]


@pytest.mark.parametrize("name,content,problem", [
    ("empty.txt", b"  \n\n", "empty file"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("bad.md", "---\ntitle: [unclosed\n---\nBody\n", "malformed front matter"),
    ("open.md", "---\ntitle: x\nBody without closing fence\n", "without a closing"),
    ("date.md", "---\npublished: 2026-02-30\n---\nBody.\n", "published"),
    ("lang.md", "---\nlanguage: English!!\n---\nBody.\n", "language"),
    ("title_only.md", "---\ntitle: Only a title\n---\n\n", "no article text"),
    ("sidecar_date.md", "Body.\n", "published"),
])
def test_bad_files_name_file_and_problem(tmp_path, name, content, problem):
    f = write(tmp_path / name, content)
    if name == "sidecar_date.md":
        write(tmp_path / (name + ".meta.yaml"), "published: 2026-13-01\n")
    with pytest.raises(ArticleError) as err:
        read_articles(f)
    message = str(err.value)
    assert name in message and problem in message
    assert "\n" not in message


def test_bad_jsonl_line_is_named(tmp_path):
    f = write(tmp_path / "e.jsonl", '{"text": "ok"}\n{"text": "broken"\n')
    with pytest.raises(ArticleError, match=r"e\.jsonl:2: invalid JSON"):
        read_articles(f)


def test_unreadable_file(tmp_path, monkeypatch):
    f = write(tmp_path / "locked.txt", "Body.\n")

    def deny(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(ArticleError, match="locked.txt: cannot read file: Permission denied"):
        read_articles(f)


def test_discover_skips_sidecars_and_rejects_missing(tmp_path):
    write(tmp_path / "x" / "a.txt", "A.\n")
    write(tmp_path / "x" / "a.txt.meta.yaml", "source: s\n")
    write(tmp_path / "x" / "notes.csv", "a,b\n")
    assert [p.name for p in discover_files([tmp_path / "x"])] == ["a.txt"]
    with pytest.raises(ArticleError, match="no such file"):
        discover_files([tmp_path / "missing"])
    with pytest.raises(ArticleError, match="unsupported file type"):
        discover_files([tmp_path / "x" / "notes.csv"])
