"""Briefings over a hostile store: undated articles (a phone call, a warning, a
casualty figure without any date), articles naming no actor, empty titles, and
titles, outlet names and urls planted in the store as an attacker would (bidi
overrides, zero-width characters, ``javascript:`` and ``data:`` urls). Every section
builds, undated records say "undated", and nothing unsafe reaches the HTML or PDF."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from sitrep.briefing import developments, overview, positions, profile, sources, trend, watch
from sitrep.briefing.display import day_label
from sitrep.briefing.overview import load_corpus
from sitrep.briefing.selection import load_briefing
from sitrep.config import NOTEBOOKS_DIR
from sitrep.params import ActorProfileParams, BriefingParams, CorpusOverviewParams
from sitrep.records import load_articles, load_table
from sitrep.ingest.update import update_store

UNDATED_CALL = ("Russian President Vladimir Putin spoke by telephone with Turkish President Recep Tayyip Erdogan on Tuesday. "
                "Iranian Foreign Minister Abbas Araghchi warned that Iran would respond to any attack. "
                "At least 40 people were killed in the strikes, according to the health ministry.")
DATED_CALL = ("Iranian Foreign Minister Abbas Araghchi warned that Iran would respond to any new attack. "
              "Putin spoke by telephone with Iranian President Masoud Pezeshkian on Monday.")
INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
BRIEFING_SECTIONS = [
    sources.briefing_header, developments.bluf, developments.key_developments, developments.reported_figures,
    positions.positions, positions.contacts_chart, positions.contacts_table, trend.trend_chart,
    positions.notable_statements, watch.forward_items, watch.open_questions, sources.article_table,
    sources.evidence_list, sources.method_notes, sources.input_hashes,
]  # the cells of notebooks/briefing.ipynb, in order


def markup(block) -> str:
    return block.html() if hasattr(block, "html") else block._repr_html_()


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-briefing")
    corpus = folder / "articles"
    corpus.mkdir()
    (corpus / "01_undated_call.txt").write_text(UNDATED_CALL + "\n", encoding="utf-8")
    (corpus / "02_dated_call.md").write_text(
        "---\ntitle: Warning and a call\nsource: Meridian Wire\npublished: 2026-03-02\nurl: https://example.org/a\n---\n"
        + DATED_CALL + "\n", encoding="utf-8")
    (corpus / "03_no_actors_empty_title.md").write_text(
        "---\ntitle: ''\nsource: Weather Desk\npublished: 2026-03-02\nurl: 'javascript:alert(1)'\n---\n"
        "The weather was mild and nothing else happened.\n", encoding="utf-8")
    (corpus / "04_undated_no_actors.txt").write_text("it rained all day and the roads were wet.\n", encoding="utf-8")
    (corpus / "05_spoofed.md").write_text(
        "---\ntitle: \"Cease\u202efire\u200b agreed\"\nsource: \"Reu\u200dters\u2066\"\npublished: 2026-03-01\n"
        "url: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='\n---\n"
        "Qatar condemned the attack on Sunday, the foreign ministry said.\n", encoding="utf-8")
    store = folder / "hostile.duckdb"
    summary = update_store([corpus], store)
    assert summary.skipped == [] and summary.articles_total == 5
    assert sum("url dropped, not an http(s) link" in w for w in summary.warnings) == 2
    # what a store written by an older sitrep (or by hand) may hold: unsafe urls and invisible characters
    con = duckdb.connect(str(store))
    con.execute("UPDATE articles SET url = 'javascript:alert(document.domain)', title = 'Evil\u202etxt.exe\u200b' "
                "WHERE path LIKE '%03_no_actors_empty_title.md'")
    con.execute("UPDATE articles SET url = 'data:text/html,<script>alert(1)</script>', source = 'Reu\u200bters\u202e' "
                "WHERE path LIKE '%05_spoofed.md'")
    con.execute("UPDATE articles SET url = ' JavaScript:alert(2)' WHERE path LIKE '%04_undated_no_actors.txt'")
    con.close()
    return store


def test_the_store_really_holds_the_hostile_cases(hostile_store):
    articles = load_articles(hostile_store)
    assert articles["published"].isna().sum() == 2  # undated
    assert articles["title"].isna().sum() >= 2  # empty titles
    events = load_table(hostile_store, "events")
    undated_calls = events[events["code"].str.startswith("04") & events["published"].isna() & events["event_date"].isna()]
    assert len(undated_calls) >= 1, events[["code", "published", "event_date"]]
    statements = load_table(hostile_store, "statements")
    warns = statements[statements["stance"] == "warn"]
    assert warns["published"].isna().any() and warns["published"].notna().any(), statements[["stance", "published"]]
    figures = load_table(hostile_store, "figures")
    assert (figures["published"].isna() & figures["event_date"].isna()).any()


def test_titles_and_outlets_planted_with_invisible_characters_are_cleaned_when_read(hostile_store):
    articles = load_articles(hostile_store)
    assert "Eviltxt.exe" in set(articles["title"]) and "Reuters" in set(articles["source"])
    assert not any(INVISIBLE.search(x) for x in articles["title"].dropna())
    outlets = load_table(hostile_store, "sentences")["outlet"].dropna()
    assert "Reuters" in set(outlets) and not any(INVISIBLE.search(x) for x in outlets)


def test_every_briefing_section_builds_over_undated_and_actorless_articles(hostile_store):
    b = load_briefing(BriefingParams(store=str(hostile_store)))
    assert len(b.articles) == 5
    out = {f.__name__: markup(f(b)) for f in BRIEFING_SECTIONS}
    contacts = out["contacts_table"]
    assert "undated" in contacts and "02 Mar 2026" in contacts  # "NaTType does not support strftime" before
    forward = out["forward_items"]
    assert "undated" in forward and "02 Mar 2026" in forward  # "Cannot compare NaT with datetime.date" before
    assert forward.index("02 Mar 2026") < forward.index("undated")  # newest first, undated last
    figures = out["reported_figures"]
    assert "at least 40" in figures and "undated" in figures  # not silently dropped
    page = "".join(out.values())
    assert not INVISIBLE.search(page)


def test_only_http_urls_become_links(hostile_store):
    b = load_briefing(BriefingParams(store=str(hostile_store)))
    html = markup(sources.article_table(b))
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs == ["https://example.org/a"]
    assert "javascript:alert(document.domain)" in html  # shown, as inert text
    assert '<span class="inert-url"' in html and "&lt;script&gt;" in html and "<script>" not in html
    page = "".join(markup(f(b)) for f in BRIEFING_SECTIONS)
    assert not re.search(r'(href|src)\s*=\s*"\s*(javascript|vbscript|data:text)', page, re.I)


@pytest.mark.parametrize("url, linked", [
    ("https://example.org/x?a=1&b=2", True), ("http://example.org", True), ("javascript:alert(1)", False),
    ("JAVASCRIPT:alert(1)", False), ("data:text/html,<b>x</b>", False), ("file:///etc/passwd", False),
    ("//example.org/x", False), ("https://exa\nmple.org", False), (None, False),
])
def test_source_link(url, linked):
    shown = sources.source_link(url)
    assert shown.startswith("<a href=") is linked
    if url and not linked:
        assert "<a" not in shown and "<b>" not in shown


def test_actor_profile_builds_over_undated_articles(hostile_store):
    b = profile.load_profile(ActorProfileParams(store=str(hostile_store), actor="RUS.PUTIN"))
    timeline = markup(profile.timeline(b))
    assert "undated" in timeline and "02 Mar 2026" in timeline
    chart = profile.activity_chart(b)
    assert "undated" in set(chart.data["day"])
    for f in (profile.profile_header, profile.profile_figures, profile.counterparts, profile.stance_changes, profile.evidence):
        assert markup(f(b))
    iran = profile.load_profile(ActorProfileParams(store=str(hostile_store), actor="IRN"))
    stances = markup(profile.stance_changes(iran))
    assert "undated" in stances and "02 Mar 2026" in stances


def test_corpus_overview_builds_over_the_hostile_store(hostile_store):
    view = load_corpus(CorpusOverviewParams(store=str(hostile_store)))
    parts = [overview.overview_header, overview.corpus_figures, overview.per_date_chart, overview.per_source_table,
             overview.language_table, overview.length_table, overview.duplicates_table, overview.extraction_figures,
             overview.events_per_code, overview.unknown_candidates, overview.registry_staleness,
             overview.sentences_without_actors, overview.article_list]
    page = "".join(markup(f(view)) for f in parts)
    assert "(no title)" in page and "undated" in page
    assert not INVISIBLE.search(page)


def test_day_label():
    import datetime as dt

    import pandas as pd

    assert day_label(dt.date(2026, 3, 2)) == "02 Mar 2026"
    assert day_label(pd.NaT) == day_label(None) == day_label(float("nan")) == "undated"


@pytest.mark.slow
def test_briefing_notebook_builds_over_the_hostile_store(hostile_store, tmp_path):
    from pypdf import PdfReader

    from sitrep.render.build import build

    report = build(NOTEBOOKS_DIR / "briefing.ipynb", {"store": str(hostile_store)}, out_dir=tmp_path)
    page = report.files["html"].read_text(encoding="utf-8")
    assert 'id="contacts"' in page and 'id="watch"' in page and "undated" in page
    assert not re.search(r'href\s*=\s*"\s*(javascript|vbscript|data:text)', page, re.I)
    assert not INVISIBLE.search(page)
    uris = []
    for pdf_page in PdfReader(report.files["pdf"]).pages:
        for annot in pdf_page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    assert uris and all(u.startswith(("http://", "https://")) for u in uris), uris
