"""Briefing integration of imported event files (ICEWS, GDELT, POLECAT): the
``external_events`` parameter, the readers, the sections and the cache key."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from sitrep.briefing import developments, positions, sources, trend
from sitrep.briefing.selection import load_briefing
from sitrep.config import NOTEBOOKS_DIR
from sitrep.interop import import_events
from sitrep.params import ActorProfileParams, BriefingParams, validate
from sitrep.records import load_external_events, load_external_files
from sitrep.render.manifest import report_inputs

ICEWS = Path(__file__).parent / "files" / "interop" / "icews-events-2018-sample.tab"
START, END = dt.date(2018, 6, 1), dt.date(2018, 6, 2)
SECTIONS = ("bluf", "developments", "positions", "contacts", "trend", "statements", "watch", "sources")


@pytest.fixture(scope="module")
def icews_store(tmp_path_factory) -> Path:
    """A store with no article at all, only the real ICEWS sample imported."""
    store = tmp_path_factory.mktemp("icews") / "events.duckdb"
    summary = import_events(ICEWS, "icews", store)
    assert summary.events == 3705
    return store


def params(store: Path, **extra) -> BriefingParams:
    values = {"store": str(store), "start": "2018-06-01", "end": "2018-06-02", "focus_actors": ["IND"], "external_events": True}
    return validate(BriefingParams, {**values, **extra})


def test_parameter_defaults_off_and_parses_from_the_command_line():
    assert BriefingParams().external_events is False and ActorProfileParams().external_events is False
    assert validate(BriefingParams, {"external_events": "true"}).external_events is True
    assert validate(ActorProfileParams, {"external_events": True}).external_events is True


def test_readers_on_a_store_without_the_tables(sample_store):
    assert load_external_events(sample_store).empty and load_external_files(sample_store).empty
    b = load_briefing(validate(BriefingParams, {"store": str(sample_store), "external_events": True}))
    assert b.external.empty and not b.events.empty  # the extracted events are still there


def test_readers_window_and_files(icews_store):
    one_day = load_external_events(icews_store, START, START)
    assert len(one_day) == 2359 and set(one_day["event_date"]) == {START}
    files = load_external_files(icews_store)
    assert list(files["origin"]) == ["icews"] and int(files["events"].iloc[0]) == 3705
    assert files["file_sha256"].iloc[0] == one_day["file_sha256"].iloc[0]


def test_focus_matches_through_affiliation(icews_store):
    b = load_briefing(params(icews_store))
    assert len(b.external) and set(b.external["origin"]) == {"ICEWS"}
    # every record kept involves India or someone acting for India (Modi is IND.MODI, a person of India)
    from sitrep.extract.registry import Registry
    reg = Registry.load()
    assert all(reg.affiliation(s) == "IND" or reg.affiliation(t) == "IND" for s, t in zip(b.external["source"], b.external["target"]))
    assert "IND.MODI" in set(b.external["source"]) | set(b.external["target"])
    off = load_briefing(params(icews_store, external_events=False))
    assert off.external.empty and developments.developments(off).empty


def test_sections_mark_origin_and_provenance(icews_store):
    b = load_briefing(params(icews_store))
    devs = developments.developments(b)
    assert set(devs["origin"]) == {"ICEWS"} and all(devs["refs"].map(len) == 0)
    assert devs["plover"].map(bool).all()
    text = repr(developments.key_developments(b))
    assert re.search(r"\[ICEWS\] .*PLOVER [A-Z_]+.*no sentence to cite.*\[ICEWS story \d+, sentence \d+", text)
    daily = trend.daily_by_origin(b)
    assert set(daily["origin"]) == {"ICEWS"} and int(daily["events"].sum()) == len(b.external)
    contacts = positions.contacts_table(b)
    assert "ICEWS record" in contacts.text and "ICEWS story" in contacts.markup
    files = sources.external_files(b)
    assert "5d63363827bc" in files.text and "3705" in files.text
    assert sources.external_files(load_briefing(params(icews_store, external_events=False))) is None


def test_articles_and_external_side_by_side(sample_store, tmp_path):
    store = tmp_path / "both.duckdb"
    shutil.copy(sample_store, store)
    import_events(ICEWS, "icews", store)
    b = load_briefing(validate(BriefingParams, {"store": str(store), "external_events": True}))
    e = b.all_events()
    assert {"articles", "ICEWS"} <= set(e["origin"])
    devs = developments.developments(b)
    article_lines = devs[devs["origin"] == "articles"]
    assert len(article_lines) and all(article_lines["refs"].map(len) > 0)  # article lines still cite sentences


def test_cache_key_covers_external_files(icews_store, tmp_path):
    notebook = NOTEBOOKS_DIR / "briefing.ipynb"
    on = report_inputs(notebook, params(icews_store))
    assert list(on["external_files"].values()) == [load_external_files(icews_store)["file_sha256"].iloc[0]]
    assert "external_files" not in report_inputs(notebook, params(icews_store, external_events=False))


@pytest.mark.slow
def test_briefing_over_icews_only_fills_every_section(icews_store, tmp_path):
    from sitrep.render.build import build

    result = build(NOTEBOOKS_DIR / "briefing.ipynb", {"store": str(icews_store), "start": "2018-06-01", "end": "2018-06-02",
                                                       "focus_actors": "IND", "external_events": True}, out_dir=tmp_path)
    page = result.files["html"].read_text()
    for section in SECTIONS:
        match = re.search(rf'<section[^>]* id="{section}"[^>]*>(.*?)</section>', page, re.S)
        assert match, f"section {section} missing"
        assert re.search(r"<(li|table|figure)\b", match.group(1)), f"section {section} shows nothing"
    for section in ("bluf", "developments", "positions", "contacts", "trend", "watch"):
        content = re.search(rf'<section[^>]* id="{section}"[^>]*>(.*?)</section>', page, re.S).group(1)
        assert "ICEWS" in content, f"section {section} does not say its lines rest on ICEWS records"
    assert "no sentence to cite" in page and "icews-events-2018-sample.tab" in page
    manifest = (result.files["html"].parent / "manifest.json").read_text()
    assert "5d63363827bc4e43e3ea3808427b8b42ea9dc230b9dbaa249286eb579b6408c8" in manifest


@pytest.mark.slow
def test_actor_profile_builds_with_external_events(icews_store, tmp_path):
    from sitrep.render.build import build

    result = build(NOTEBOOKS_DIR / "actor_profile.ipynb", {"store": str(icews_store), "start": "2018-06-01", "end": "2018-06-02",
                                                           "actor": "IND", "external_events": True}, out_dir=tmp_path, formats=["html"])
    page = result.files["html"].read_text()
    assert "ICEWS" in page
