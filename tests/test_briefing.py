"""The situation briefing: sections, provenance, sourcing rules, empty inputs, the seed."""

from __future__ import annotations

import datetime as dt
import html as htmlmod
import re

import pytest
from pypdf import PdfReader

from sitrep.briefing import developments, watch
from sitrep.briefing.selection import load_briefing
from sitrep.config import NOTEBOOKS_DIR, RAW_ARTICLES_DIR
from sitrep.params import BriefingParams, ParameterError, validate
from sitrep.records import load_table
from sitrep.render.build import build
from sitrep.ingest.update import update_store

from conftest import write_article

SECTIONS = ("bluf", "developments", "positions", "contacts", "trend", "statements", "watch", "sources")


# --- parameters ------------------------------------------------------------------------
@pytest.mark.parametrize("values, message", [
    ({"focus_actors": ["RUS.PUTN"]}, "did you mean RUS.PUTIN"),
    ({"focus_actors": "XXX"}, "unknown actor id 'XXX'"),
    ({"min_confidence": 1.5}, "min_confidence"),
    ({"timezone": "Mars/Olympus"}, "unknown time zone"),
    ({"edition": 0}, "edition"),
])
def test_bad_parameters_are_named(values, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        validate(BriefingParams, values)


def test_list_parameters_accept_comma_strings():
    p = validate(BriefingParams, {"focus_actors": "RUS, IRN", "topic": "ceasefire,truce"})
    assert p.focus_actors == ["RUS", "IRN"] and p.topic == ["ceasefire", "truce"]


# --- the sample briefing ---------------------------------------------------------------


@pytest.mark.slow
def test_every_section_is_present_and_filled(briefing_report):
    page = briefing_report.files["html"].read_text()
    for section in SECTIONS:
        match = re.search(rf'<section[^>]* id="{section}"[^>]*>(.*?)</section>', page, re.S)
        assert match, f"section {section} missing"
        content = match.group(1)
        # the sample corpus reports no casualty figure: that one empty table is expected
        content = re.sub(r'<p class="empty-table"><strong>Reported figures.*?</p>', "", content, flags=re.S)
        assert "empty-section" not in content and "empty-table" not in content, f"section {section} has an empty part"
        assert re.search(r"<(li|table|figure)\b", content), f"section {section} shows nothing"
    assert "Edition" in page and "Information cutoff" in page and "23:59 UTC" in page


@pytest.mark.slow
def test_every_citation_points_to_a_listed_sentence(briefing_report):
    page = briefing_report.files["html"].read_text()
    cited = set(re.findall(r'class="cite" href="#ref-(\d+)"', page))
    listed = set(re.findall(r'<li id="ref-(\d+)"', page))
    assert cited, "no citation in the briefing"
    assert cited <= listed, f"citations without evidence: {sorted(cited - listed)}"
    bluf = re.search(r'<section[^>]* id="bluf".*?</section>', page, re.S).group(0)
    assert all(re.search(r'href="#ref-\d+"', item) for item in re.findall(r"<li>.*?</li>", bluf, re.S))


@pytest.mark.slow
def test_quotation_marks_only_around_verbatim_text(briefing_report, sample_store):
    page = htmlmod.unescape(re.sub(r"<[^>]+>", "", briefing_report.files["html"].read_text()))
    quoted = re.findall(r"“([^”]{12,})”", page)
    assert quoted, "no quotation found"
    sentences = set(load_table(sample_store, "sentences")["text"])
    body = "\n".join(sentences)
    missing = [q for q in quoted if q not in body]
    assert not missing, f"quoted text that is not in any article: {missing[:3]}"


@pytest.mark.slow
def test_pdf_has_the_window_and_cutoff_on_every_page(briefing_report):
    reader = PdfReader(briefing_report.files["pdf"])
    assert len(reader.pages) > 2
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "cutoff 12 Mar 2026 23:59 UTC" in text, f"page {number} lacks the cutoff"
        assert f"Page {number} of {len(reader.pages)}" in text


@pytest.mark.slow
def test_briefing_rebuilds_to_the_same_bytes(briefing_report, sample_store, tmp_path):
    again = build(NOTEBOOKS_DIR / "briefing.ipynb", {"store": str(sample_store)}, out_dir=tmp_path)
    for kind in ("html", "pdf", "ipynb"):
        assert again.files[kind].read_bytes() == briefing_report.files[kind].read_bytes(), kind


# --- the seed article alone ------------------------------------------------------------
@pytest.mark.slow
def test_seed_alone_gives_a_bluf_naming_putins_ceasefire_call_and_condemnation(tmp_path):
    store = tmp_path / "seed.duckdb"
    update_store([RAW_ARTICLES_DIR / "000_1dd10de5f214fc39.txt"], store)
    report = build(NOTEBOOKS_DIR / "briefing.ipynb", {"store": str(store)}, out_dir=tmp_path / "reports")
    page = report.files["html"].read_text()
    bluf = htmlmod.unescape(re.sub(r"<[^>]+>", "", re.search(r'<section[^>]* id="bluf".*?</section>', page, re.S).group(0)))
    putin = next(line for line in bluf.splitlines() if "Putin" in line)
    assert "called for a ceasefire" in putin
    assert "condemned United States and Israel" in putin
    assert "Thin coverage" in page  # one article: the header says so


@pytest.mark.slow
def test_the_bluf_opens_with_a_judgment_and_stays_short(briefing_report):
    page = briefing_report.files["html"].read_text(encoding="utf-8")
    bluf = re.search(r'<ul class="bluf">(.*?)</ul>', page, re.S).group(1)
    bullets = [htmlmod.unescape(re.sub(r"<[^>]+>", "", li)) for li in re.findall(r"<li[^>]*>(.*?)</li>", bluf, re.S)]
    assert 3 <= len(bullets) <= 5
    assert bluf.startswith('<li class="judgment">') and "(automated, " in bullets[0]
    assert re.search(r"[↑↓→] (Escalating|De-escalating|Unchanged)", bullets[0])
    assert sum(len(b.split()) for b in bullets) <= 120, bullets
    assert "ICD 203" in page and "almost no chance (1–5%)" in page  # the legend of the one likelihood scale


# --- sourcing rules on purpose-built corpora -------------------------------------------
def _store(tmp_path, articles) -> BriefingParams:
    folder = tmp_path / "articles"
    for n, (source, published, body) in enumerate(articles):
        write_article(folder, f"{n:02d}.md", title=f"Report {n}", source=source, published=published, body=body)
    store = tmp_path / "store.duckdb"
    update_store([folder], store)
    return BriefingParams(store=str(store))


WIRE = ("Israeli jets struck Hezbollah positions in southern Lebanon on Tuesday, the army said. "
        "Residents described heavy explosions across several villages near the border overnight. "
        "Lebanon's president urged restraint and called for an immediate ceasefire.")


def test_the_same_event_from_several_outlets_is_one_development_with_independent_sources(tmp_path):
    params = _store(tmp_path, [
        ("Levant Press Agency", "2026-03-04", WIRE),
        ("Gulf Ledger", "2026-03-04", WIRE + " Schools were closed in the area."),  # a syndicated copy
        ("Meridian Wire", "2026-03-04", "Israel bombed Hezbollah targets in Lebanon on Tuesday, according to officials."),
    ])
    b = load_briefing(params)
    assert b.articles["near_duplicate_of"].notna().sum() == 1
    devs = developments.developments(b)
    strike = devs[devs["code"].str.startswith("19") & devs["sources"].map(lambda s: s == ["ISR"])]
    assert len(strike) == 1, devs[["sources", "code", "targets"]]
    row = strike.iloc[0]
    assert row["date"] == dt.date(2026, 3, 3)  # "on Tuesday" before a Wednesday publication
    assert row["independent"] == 2 and not row["single_source"]  # the wire copy counts once
    assert len(row["refs"]) == 3


def test_disagreeing_figures_are_shown_side_by_side(tmp_path):
    params = _store(tmp_path, [
        ("Levant Press Agency", "2026-03-04", "At least 40 people were killed in the strikes, according to the health ministry."),
        ("Meridian Wire", "2026-03-04", "The death toll rose to 52, according to a monitoring group."),
    ])
    b = load_briefing(params)
    shown = developments.reported_figures(b).markup
    assert "at least 40" in shown and "52" in shown and "no — 2 different figures" in shown
    assert "the health ministry" in shown and "a monitoring group" in shown
    assert "How many were killed as of 04 Mar 2026? Sources give 40, 52." in watch.open_questions(b).markup


# --- empty results ---------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("params, says", [
    ({"start": "2031-01-01", "end": "2031-01-31"}, "No article in the store falls in this window"),
    ({"focus_actors": "JPN"}, "No event or statement involves the focus actors (JPN)"),
])
def test_empty_results_build_a_short_report_that_says_so(params, says, sample_store, tmp_path):
    report = build(NOTEBOOKS_DIR / "briefing.ipynb", {"store": str(sample_store), **params}, out_dir=tmp_path)
    page = report.files["html"].read_text()
    assert says in htmlmod.unescape(page)
    for section in SECTIONS:
        assert f'id="{section}"' in page
    assert 'class="sitrep-chart"' not in page  # no empty chart drawn
    assert PdfReader(report.files["pdf"]).pages


@pytest.mark.slow
def test_another_crisis_in_another_region(tmp_path):
    """Nothing in the briefing is tied to the sample crisis: a Horn of Africa corpus."""
    from conftest import FILES

    store = tmp_path / "horn.duckdb"
    update_store([FILES / "other_crisis"], store)
    report = build(NOTEBOOKS_DIR / "briefing.ipynb", {"store": str(store), "title": "Horn of Africa"}, out_dir=tmp_path / "r")
    page = htmlmod.unescape(re.sub(r"<[^>]+>", "", report.files["html"].read_text()))
    bluf = page.split("Bottom line up front")[2].split("Key developments")[0]
    assert "Eritrea and Ethiopia fought each other" in bluf and "Egypt called for a ceasefire" in bluf  # one clash, both sides
    assert "Ethiopia fought Eritrea" not in bluf
    assert "Iran" not in bluf and "Israel" not in bluf
    assert "no — 3 different figures" in page  # 12, 20 and 30 killed on 12 March, side by side
    assert "How many were killed as of 12 Mar 2025? Sources give 12, 20, 30." in page
