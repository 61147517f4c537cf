"""Ingest attacked with a hostile corpus: every bad file is reported by name (and
line) and skipped, every good one is stored, nothing escapes the corpus folder, and
no file can blow up memory or time. Store files that are not sitrep stores are
refused with one line, and DuckDB never loads or installs extensions."""

from __future__ import annotations

import json
import sqlite3
import time
import tracemalloc
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from sitrep.cli import app
from sitrep.ingest import ArticleError, discover_files, read_articles
from sitrep.ingest.metadata import clean_name, is_web_url
from sitrep.records import load_articles
from sitrep.ingest.update import update_store
from sitrep.store import StoreError, connect

runner = CliRunner()

GOOD = "Oman's foreign minister urged both sides to return to talks on {day}. Officials said the talks would resume soon."

# the "billion laughs": nine levels of nine aliases, ~2.7 GB once expanded into one title
ALIAS_BOMB = "---\n" + "".join(
    f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9 if n else ['"lol"'] * 9) + "]\n" for n in range(9)
) + "title: *l8\npublished: 2026-03-02\n---\nBody of the article that carries the bomb.\n"
# the same, with the anchors and aliases all inside the title itself
TITLE_BOMB = ("---\ntitle: [&a [lol, lol, lol, lol, lol, lol, lol, lol, lol], &b [*a, *a, *a, *a, *a, *a, *a, *a, *a], "
              "&c [*b, *b, *b, *b, *b, *b, *b, *b, *b], &d [*c, *c, *c, *c, *c, *c, *c, *c, *c], "
              "&e [*d, *d, *d, *d, *d, *d, *d, *d, *d], &f [*e, *e, *e, *e, *e, *e, *e, *e, *e], "
              "&g [*f, *f, *f, *f, *f, *f, *f, *f, *f], &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]]\n---\nBody.\n")
FEB_31 = "---\ntitle: A day that never was\npublished: 2026-02-31\nsource: Meridian Wire\n---\nQatar condemned the attack.\n"


def good_md(day: str, n: int, **meta) -> str:
    fields = {"title": f"Talks {n}", "source": "Meridian Wire", "published": day, **meta}
    head = "".join(f"{k}: {json.dumps(v)}\n" for k, v in fields.items())
    return f"---\n{head}---\n{GOOD.format(day=day)} Item {n}.\n"


def jsonl_lines(count: int, broken: int) -> str:
    lines = [json.dumps({"text": f"Report {i}: the council met in session {i} and the talks continued.", "source": "Wire",
                         "published": "2026-03-01"}) for i in range(1, count + 1)]
    lines[broken - 1] = '{"text": "this line is cut off'
    return "\n".join(lines) + "\n"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A corpus folder of hostile files next to a few good ones, and secrets outside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET-OUTSIDE-THE-CORPUS\n\nThe minister said the plan was secret.\n")
    c = tmp_path / "corpus"
    c.mkdir()
    (c / "01_good.md").write_text(good_md("2026-03-01", 1), encoding="utf-8")
    (c / "02_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (c / "03_zero.txt").write_bytes(b"")
    # NUL bytes before and well after the first 8 KiB
    body = " ".join(f"Sentence {i} says the talks went on." for i in range(600))
    (c / "04_nul.txt").write_bytes(b"Nul headline here\n\n" + body[:200].encode() + b"\x00" + body[200:].encode()
                                   + b"\x00\x00 The end\x00 of it.\n")
    (c / "05_latin1.txt").write_bytes("Café owners in Doha said the ceasefire held — mostly.\n".encode("cp1252") + b"\x81\n")
    (c / "06_utf16.txt").write_bytes("Kuwait welcomed the truce in Doha on Monday, officials said.\n".encode("utf-16"))
    (c / "07_crlf.md").write_bytes(good_md("2026-03-03", 7).replace("\n", "\r\n").encode())
    (c / "08_cr.txt").write_bytes(b"Old Mac headline\rJordan said the border stayed open on Tuesday.\rTrade resumed.\r")
    (c / "09_reports.jsonl").write_text(jsonl_lines(20, broken=7), encoding="utf-8")
    (c / "10_bomb.md").write_text(ALIAS_BOMB, encoding="utf-8")
    (c / "11_feb31.md").write_text(FEB_31, encoding="utf-8")
    (c / "with spaces in name.txt").write_text(GOOD.format(day="Wednesday") + " Spaces.\n", encoding="utf-8")
    (c / "new\nline.txt").write_text(GOOD.format(day="Thursday") + " Newline.\n", encoding="utf-8")
    (c / "ニュース 報道.txt").write_text(GOOD.format(day="Friday") + " Non-Latin name.\n", encoding="utf-8")
    (c / "folder.txt").mkdir()  # a directory named like an article
    (c / "folder.txt" / "inner.md").write_text(good_md("2026-03-04", 12), encoding="utf-8")
    (c / "passwd.txt").symlink_to(outside / "secret.txt")
    if Path("/etc/passwd").is_file():
        (c / "etc_passwd.txt").symlink_to("/etc/passwd")
    (c / "linked_dir").symlink_to(outside, target_is_directory=True)
    (c / "inside_link.md").symlink_to(c / "01_good.md")  # a link within the corpus is fine
    return c


# --- readers ------------------------------------------------------------------------------


def test_jsonl_with_one_broken_line_keeps_the_other_9999(tmp_path):
    f = tmp_path / "big.jsonl"
    f.write_text(jsonl_lines(10_000, broken=5_000), encoding="utf-8")
    problems: list[ArticleError] = []
    articles = read_articles(f, problems)
    assert len(articles) == 9_999
    assert [a.line for a in articles[4_998:5_000]] == [4_999, 5_001]
    assert len(problems) == 1 and problems[0].line == 5_000
    assert str(problems[0]).startswith(f"{f.as_posix()}:5000: invalid JSON")
    # without a list to collect problems the file is refused, as before
    with pytest.raises(ArticleError, match=r"big\.jsonl:5000: invalid JSON"):
        read_articles(f)


@pytest.mark.parametrize("line, problem", [
    ("[1, 2, 3]", "each line must be a JSON object"),
    ('{"title": "no body"}', "no 'text' field"),
    ('{"text": "Body.", "published": "2026-02-31"}', "no such calendar date: 2026-02-31"),
    ('{"text": "Body.", "title": ["a", "list"]}', "must be text"),
    ("[" * 100_000 + "]" * 100_000, "invalid JSON"),
    ('{"text": "Body.", "n": ' + "9" * 10_000 + "}", "invalid JSON"),
])
def test_each_kind_of_bad_jsonl_line_is_reported_and_the_rest_kept(tmp_path, line, problem):
    f = tmp_path / "mixed.jsonl"
    f.write_text('{"text": "First good line."}\n' + line + '\n{"text": "Third good line."}\n', encoding="utf-8")
    problems: list[ArticleError] = []
    articles = read_articles(f, problems)
    assert [a.line for a in articles] == [1, 3]
    assert len(problems) == 1 and problems[0].line == 2 and problem in str(problems[0])


@pytest.mark.parametrize("text", [ALIAS_BOMB, TITLE_BOMB], ids=["anchors-then-title", "inside-title"])
def test_yaml_alias_bomb_is_refused_fast_and_small(tmp_path, text):
    f = tmp_path / "bomb.md"
    f.write_text(text, encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ArticleError) as err:
            read_articles(f)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(err.value)
    assert "bomb.md:" in message and "aliases" in message and "\n" not in message
    assert err.value.line == (3 if text is ALIAS_BOMB else 2)  # the line of the first alias
    assert elapsed < 2.0 and peak < 20 * 2**20, (elapsed, peak)


def test_alias_bomb_in_a_sidecar_names_the_sidecar_line(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Qatar condemned the attack.\n")
    (tmp_path / "a.txt.meta.yaml").write_text(ALIAS_BOMB.split("---\n")[1])
    with pytest.raises(ArticleError, match=r"a\.txt\.meta\.yaml:2: malformed YAML: YAML aliases \(\*l0\) are not allowed"):
        read_articles(f)


def test_oversized_and_too_deep_front_matter_are_refused(tmp_path):
    big = tmp_path / "big.md"
    big.write_text("---\ntitle: " + "x" * 100_000 + "\n---\nBody.\n")
    with pytest.raises(ArticleError, match=r"big\.md:2: bad front matter: metadata too long"):
        read_articles(big)
    deep = tmp_path / "deep.md"
    deep.write_text("---\ntitle: " + "[" * 20_000 + "]" * 20_000 + "\n---\nBody.\n")
    with pytest.raises(ArticleError, match=r"deep\.md"):
        read_articles(deep)


@pytest.mark.parametrize("where", ["front matter", "sidecar", "jsonl"])
def test_31_february_is_a_clear_error_with_its_line(tmp_path, where):
    if where == "front matter":
        f = tmp_path / "feb.md"
        f.write_text(FEB_31)
        expected = r"feb\.md:3: bad metadata field 'published' \('2026-02-31'\): no such calendar date: 2026-02-31 \(day is out of range"
    elif where == "sidecar":
        f = tmp_path / "feb.txt"
        f.write_text("Qatar condemned the attack.\n")
        (tmp_path / "feb.txt.meta.yaml").write_text("source: Wire\npublished: 2026-02-31\n")
        expected = r"feb\.txt\.meta\.yaml:2: bad metadata field 'published' .*no such calendar date"
    else:
        f = tmp_path / "feb.jsonl"
        f.write_text('{"text": "One."}\n{"text": "Two.", "published": "2026-02-31"}\n')
        expected = r"feb\.jsonl:2: bad metadata field 'published' .*no such calendar date"
    with pytest.raises(ArticleError, match=expected):
        read_articles(f)


def test_an_explicitly_tagged_impossible_timestamp_is_an_error_not_a_crash(tmp_path):
    f = tmp_path / "tag.md"
    f.write_text("---\npublished: !!timestamp 2026-02-31\n---\nBody.\n")
    with pytest.raises(ArticleError, match=r"tag\.md:2: bad front matter"):
        read_articles(f)


def test_nul_bytes_anywhere_are_removed_with_a_warning(tmp_path):
    body = " ".join(f"Sentence {i} says the talks went on." for i in range(600))  # > 8 KiB
    f = tmp_path / "nul.txt"
    f.write_bytes(body[:100].encode() + b"\x00" + body[100:].encode() + b"\x00 tail\x00.\n")
    [a] = read_articles(f)
    assert "\x00" not in a.text and a.text.endswith(" tail.\n") and "Sentence 599" in a.text
    assert any("3 NUL characters removed" in w for w in a.warnings)
    j = tmp_path / "nul.jsonl"
    j.write_text(json.dumps({"text": "Escaped \u0000 NUL in JSON.", "title": "T\u0000itle"}) + "\n")
    [b] = read_articles(j)
    assert "\x00" not in b.text and b.meta.title == "Title"
    assert any("nul.jsonl:1: NUL characters removed" in w for w in b.warnings)


def test_binary_files_are_still_refused(tmp_path):
    f = tmp_path / "x.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ArticleError, match="binary file"):
        read_articles(f)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_decoded(tmp_path, encoding):
    text = "Kuwait welcomed the truce in Doha on Monday — officials said.\r\nIt held.\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    f = tmp_path / "u.txt"
    f.write_bytes(data)
    [a] = read_articles(f)
    assert a.text == "Kuwait welcomed the truce in Doha on Monday — officials said.\nIt held.\n"
    assert not a.warnings


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_crlf_and_cr_line_ends(tmp_path, ending):
    f = tmp_path / "e.md"
    f.write_bytes(ending.join(["---", "title: Windows", "published: 2026-03-05", "---", "First line.", "Second line.", ""]).encode())
    [a] = read_articles(f)
    assert a.meta.title == "Windows" and str(a.meta.published) == "2026-03-05"
    assert a.text == "First line.\nSecond line.\n"


@pytest.mark.parametrize("url", [
    "javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "java\u200bscript:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)",
    "file:///etc/passwd", "//evil.example/x", "/relative/path", "https://", "https:///no-host",
])
def test_non_web_urls_are_dropped_from_metadata_with_a_warning(tmp_path, url):
    f = tmp_path / "u.md"
    f.write_text("---\n" + f"title: T\nurl: {json.dumps(url)}\n" + "---\nBody.\n")
    [a] = read_articles(f)
    assert a.meta.url is None
    assert any("u.md:3: url dropped, not an http(s) link" in w for w in a.warnings), a.warnings
    assert not is_web_url(url)


@pytest.mark.parametrize("url", ["https://example.org/news/1", "http://example.org", "HTTPS://Example.org/a?b=c#d"])
def test_web_urls_are_kept(tmp_path, url):
    f = tmp_path / "u.md"
    f.write_text(f"---\nurl: {json.dumps(url)}\n---\nBody.\n")
    [a] = read_articles(f)
    assert a.meta.url == url and not a.warnings


def test_bidi_and_zero_width_characters_are_stripped_from_titles_and_outlets(tmp_path):
    f = tmp_path / "spoof.md"
    f.write_text('---\ntitle: "Evil\u202etxt.exe\u202c \u200bnews\u2066"\nsource: "Reu\u200dters\u2067\u200f"\n---\nBody.\n',
                 encoding="utf-8")
    [a] = read_articles(f)
    assert a.meta.title == "Eviltxt.exe news" and a.meta.source == "Reuters"
    j = tmp_path / "spoof.jsonl"
    j.write_text(json.dumps({"text": "Body.", "title": "\u2068Title\u2069\nsecond\tline", "outlet": "\ufeffWire\u00ad"}) + "\n")
    [b] = read_articles(j)
    assert b.meta.title == "Title second line" and b.meta.source == "Wire"
    assert clean_name("\u202e\u200b") == ""


def test_newline_in_a_file_name_keeps_messages_on_one_line(tmp_path):
    f = tmp_path / "bad\nname.txt"
    f.write_bytes(b"")
    with pytest.raises(ArticleError) as err:
        read_articles(f)
    assert "\n" not in str(err.value) and "bad\\nname.txt: empty file" in str(err.value)


# --- discovery: symbolic links -----------------------------------------------------------


def test_symlinks_out_of_the_corpus_are_refused_by_name(hostile):
    problems: list[ArticleError] = []
    found = discover_files([hostile], problems)
    names = {p.name for p in found}
    assert "passwd.txt" not in names and "etc_passwd.txt" not in names and "secret.txt" not in names
    assert {"inside_link.md", "inner.md", "new\nline.txt", "ニュース 報道.txt"} <= names
    messages = [str(p) for p in problems]
    assert any(m.endswith("corpus/passwd.txt: symbolic link to a file outside the corpus folder: refused "
                          "(copy the file into the folder to ingest it)") for m in messages), messages
    assert any("corpus/linked_dir: symbolic link to a folder outside the corpus folder" in m for m in messages)
    if Path("/etc/passwd").is_file():
        assert any("etc_passwd.txt: symbolic link" in m for m in messages)
    # without a list to collect them, the first refused link is an error
    with pytest.raises(ArticleError, match="symbolic link"):
        discover_files([hostile])


def test_an_explicit_symlink_out_of_its_folder_is_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "real.txt").write_text("Qatar condemned the attack.\n")
    link = tmp_path / "a" / "link.txt"
    link.symlink_to(tmp_path / "b" / "real.txt")
    problems: list[ArticleError] = []
    assert discover_files([link], problems) == []
    assert len(problems) == 1 and "a/link.txt: symbolic link" in str(problems[0])


def test_a_sidecar_linked_out_of_the_folder_is_refused(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "secret.yaml").write_text("title: from outside\n")
    f = tmp_path / "in" / "a.txt"
    f.write_text("Qatar condemned the attack.\n")
    (tmp_path / "in" / "a.txt.meta.yaml").symlink_to(tmp_path / "secret.yaml")
    with pytest.raises(ArticleError, match=r"a\.txt\.meta\.yaml: metadata sidecar is a symbolic link"):
        read_articles(f)


# --- the whole corpus into a store --------------------------------------------------------


def test_hostile_corpus_stores_every_good_article_and_names_every_bad_file(hostile, tmp_path):
    store = tmp_path / "s.duckdb"
    summary = update_store([hostile], store)
    skipped = summary.skipped
    assert all("\n" not in m for m in skipped), skipped

    def one(fragment: str) -> str:
        hits = [m for m in skipped if fragment in m]
        assert len(hits) == 1, (fragment, skipped)
        return hits[0]

    assert "binary file" in one("02_binary.txt")
    assert one("03_zero.txt").endswith("03_zero.txt: empty file")
    assert "09_reports.jsonl:7: invalid JSON" in one("09_reports.jsonl")
    assert "10_bomb.md:3: malformed front matter: YAML aliases (*l0) are not allowed" in one("10_bomb.md")
    assert "11_feb31.md:3: bad metadata field 'published'" in one("11_feb31.md") and "no such calendar date" in one("11_feb31.md")
    assert "symbolic link" in one("corpus/passwd.txt") and "symbolic link" in one("linked_dir")
    expected_skips = 7 + (1 if Path("/etc/passwd").is_file() else 0)
    assert len(skipped) == expected_skips, skipped

    articles = load_articles(store, with_text=True)
    files = "\n".join(articles["files"])
    for name in ("01_good.md", "04_nul.txt", "05_latin1.txt", "06_utf16.txt", "07_crlf.md", "08_cr.txt",
                 "with spaces in name.txt", "new\nline.txt", "ニュース 報道.txt", "folder.txt/inner.md"):
        assert name in files, name
    assert files.count("09_reports.jsonl:") == 19
    texts = "\n".join(articles["text"])
    assert "\x00" not in texts and "\r" not in texts
    assert "SECRET-OUTSIDE-THE-CORPUS" not in texts and "root:" not in texts
    assert "SECRET" not in "".join(articles["title"].dropna())
    titles = set(articles["title"].dropna())
    assert {"Nul headline here", "Old Mac headline", "Talks 7"} <= titles
    assert any("05_latin1.txt: not valid UTF-8" in w for w in summary.warnings)
    assert any("04_nul.txt: 4 NUL characters removed" in w for w in summary.warnings)


def test_reingest_still_reports_the_bad_line_of_an_unchanged_file(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "r.jsonl").write_text(jsonl_lines(5, broken=2))
    store = tmp_path / "s.duckdb"
    first = update_store([corpus], store)
    assert first.articles_new == 4 and len(first.skipped) == 1 and "r.jsonl:2:" in first.skipped[0]
    again = update_store([corpus], store)
    assert again.files_unchanged == 1 and again.skipped == first.skipped
    (corpus / "r.jsonl").write_text(jsonl_lines(5, broken=2).replace('{"text": "this line is cut off', '{"text": "Fixed now."}'))
    fixed = update_store([corpus], store)
    assert fixed.skipped == [] and fixed.articles_total == 5
    assert update_store([corpus], store).skipped == []


def test_cli_ingest_of_hostile_corpus_exits_3_with_one_line_per_problem(hostile, tmp_path):
    result = runner.invoke(app, ["ingest", str(hostile), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    skipped = [ln for ln in result.stderr.splitlines() if ln.startswith("sitrep: skipped: ")]
    assert any("09_reports.jsonl:7: invalid JSON" in ln for ln in skipped)
    assert any("10_bomb.md:3:" in ln for ln in skipped) and any("passwd.txt: symbolic link" in ln for ln in skipped)
    assert all(ln.startswith("sitrep: ") for ln in result.stderr.splitlines()), result.stderr
    assert " skipped; " in result.stdout


@pytest.mark.slow
def test_ten_thousand_line_jsonl_with_one_broken_line_is_stored_but_that_line(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "big.jsonl").write_text(jsonl_lines(10_000, broken=5_000))
    summary = update_store([corpus], tmp_path / "s.duckdb")
    assert summary.articles_total == 9_999
    assert len(summary.skipped) == 1 and "big.jsonl:5000: invalid JSON" in summary.skipped[0]


def test_unreadable_file_in_a_folder_is_skipped_not_fatal(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("Qatar condemned the attack on Monday.\n")
    (corpus / "locked.txt").write_text("Oman urged talks.\n")
    real = Path.read_bytes

    def deny(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    summary = update_store([corpus], tmp_path / "s.duckdb")
    assert summary.articles_total == 1
    assert len(summary.skipped) == 1 and "locked.txt: cannot read file: Permission denied" in summary.skipped[0]


# --- stores that are not sitrep stores ---------------------------------------------------


def _sqlite(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    return path


def _other_duckdb(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE inventory (item VARCHAR, n INTEGER)")
    con.close()
    return path


@pytest.mark.parametrize("kind, problem", [
    ("sqlite", "a SQLite database, not a sitrep store"),
    ("duckdb", "a DuckDB database but not a sitrep store (no table articles, files, meta; it holds inventory)"),
    ("text", "not a DuckDB database file, so not a sitrep store"),
    ("empty", "empty file, not a sitrep store"),
    ("folder", "not a file, so not a sitrep store"),
])
@pytest.mark.parametrize("read_only", [True, False])
def test_a_file_that_is_not_a_store_is_one_clear_error(tmp_path, kind, problem, read_only):
    path = tmp_path / f"wrong-{kind}.db"
    if kind == "sqlite":
        _sqlite(path)
    elif kind == "duckdb":
        _other_duckdb(path)
    elif kind == "text":
        path.write_text("not a database\n" * 50)
    elif kind == "empty":
        path.write_bytes(b"")
    else:
        path.mkdir()
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(StoreError) as err:
        connect(path, read_only=read_only)
    assert str(err.value).startswith(f"{path.as_posix()}: {problem}") and "\n" not in str(err.value)
    if kind != "duckdb":
        assert (path.read_bytes() if path.is_file() else None) == before  # never touched
    else:  # nothing of sitrep's was added to someone else's database
        con = duckdb.connect(str(path), read_only=True)
        assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["inventory"]
        con.close()


def test_cli_ingest_into_a_sqlite_file_fails_with_one_line(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Qatar condemned the attack on Monday.\n")
    store = _sqlite(tmp_path / "lite.db")
    result = runner.invoke(app, ["ingest", str(corpus), "--store", str(store)])
    assert result.exit_code == 1
    assert result.stderr == f"sitrep: error: {store.as_posix()}: a SQLite database, not a sitrep store (sitrep stores are DuckDB files)\n"


def test_reading_a_foreign_duckdb_file_is_a_store_error(tmp_path):
    store = _other_duckdb(tmp_path / "other.duckdb")
    with pytest.raises(StoreError, match="other.duckdb: a DuckDB database but not a sitrep store"):
        load_articles(store)
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(StoreError, match="empty.duckdb: an empty DuckDB database, not a sitrep store"):
        load_articles(empty)


@pytest.mark.parametrize("read_only", [False, True])
def test_duckdb_never_autoloads_or_autoinstalls_extensions(tmp_path, read_only):
    store = tmp_path / "s.duckdb"
    connect(store).close()
    con = connect(store, read_only=read_only)
    try:
        settings = con.execute("SELECT current_setting('autoload_known_extensions'), "
                               "current_setting('autoinstall_known_extensions')").fetchall()
        assert settings == [(False, False)]
        # a function from an extension that is not loaded fails instead of fetching it
        with pytest.raises(duckdb.Error):
            con.execute("SELECT * FROM sqlite_scan('x.db', 't')").fetchall()
    finally:
        con.close()



def test_a_binary_sidecar_is_named_once(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Qatar condemned the attack.\n")
    (tmp_path / "a.txt.meta.yaml").write_bytes(b"\x00\x01\x02\x03" * 50)
    with pytest.raises(ArticleError) as err:
        read_articles(f)
    assert str(err.value).count("a.txt.meta.yaml") == 1 and "binary file" in str(err.value)
