"""Stored editions (sitrep.editions) and what changed since the last one
(sitrep.briefing.changes): the next edition of a series compares with the stored one,
scores its watch items, and keeps the calibration tally; batches build a series in
window order."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from sitrep import editions
from sitrep.batch.grid import Job
from sitrep.batch.runner import edition_waves
from sitrep.config import NOTEBOOKS_DIR
from sitrep.editions import Edition, EditionError, WatchItem

D = dt.date


def record(end: D, start: D | None = None, **kw) -> Edition:
    return Edition(series="s", start=start or end, end=end, edition=1, **kw)


def test_the_previous_edition_is_the_latest_stored_before_the_window_end(tmp_path):
    for end in (D(2026, 3, 1), D(2026, 3, 3), D(2026, 3, 5)):
        editions.save(record(end), tmp_path)
    assert editions.previous("s", D(2026, 3, 5), tmp_path).end == D(2026, 3, 3)
    assert editions.previous("s", D(2026, 3, 4), tmp_path).end == D(2026, 3, 3)
    assert editions.previous("s", D(2026, 3, 1), tmp_path) is None  # nothing before the first
    assert editions.previous("other", D(2026, 3, 9), tmp_path) is None
    assert editions.previous("s", None, tmp_path) is None
    digest = editions.previous_digest("s", D(2026, 3, 9), tmp_path)
    assert digest.startswith("2026-03-05_2026-03-05.json ") and len(digest.split()[1]) == 64
    assert not list((tmp_path / "s").glob(".edition.*"))  # no temporary file left


def test_a_rebuilt_window_replaces_its_record(tmp_path):
    editions.save(record(D(2026, 3, 1), actors=["IRN"]), tmp_path)
    editions.save(record(D(2026, 3, 1), actors=["ISR"]), tmp_path)
    assert [p.name for p in (tmp_path / "s").iterdir()] == ["2026-03-01_2026-03-01.json"]
    assert editions.previous("s", D(2026, 3, 2), tmp_path).actors == ["ISR"]


def test_bad_series_names_and_unreadable_records_are_clear_errors(tmp_path):
    with pytest.raises(EditionError, match="series '../x'"):
        editions.series_dir("../x", tmp_path)
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "2026-03-01_2026-03-01.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(EditionError, match=r"2026-03-01_2026-03-01.json: not a readable edition"):
        editions.previous("s", D(2026, 3, 2), tmp_path)


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory, sample_store):
    """Two editions of one series over the sample store: 28 Feb-4 Mar, then 5-12 Mar."""
    from sitrep.render.build import build

    root = tmp_path_factory.mktemp("editions")
    store = root / "s.duckdb"
    store.write_bytes(sample_store.read_bytes())
    common = {"store": str(store), "series": "iran", "formats": ["html"]}
    first = build(NOTEBOOKS_DIR / "briefing.ipynb", {**common, "start": "2026-02-28", "end": "2026-03-04"},
                  out_dir=root / "reports", name="w1")
    second = build(NOTEBOOKS_DIR / "briefing.ipynb", {**common, "start": "2026-03-05", "end": "2026-03-12"},
                   out_dir=root / "reports", name="w2")
    return store, first, second


def _changes(report) -> str:
    page = report.files["html"].read_text(encoding="utf-8")
    section = re.search(r'<section[^>]* id="changes".*?</section>', page, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


@pytest.mark.slow
def test_the_first_edition_says_so_and_stores_its_record(two_editions):
    store, first, _ = two_editions
    assert "No previous edition of series 'iran' is stored: this is the first" in _changes(first)
    stored = json.loads((editions.root_for(store) / "iran" / "2026-03-04_2026-02-28.json").read_text())
    assert stored["series"] == "iran" and stored["developments"] and stored["watch"]
    assert all(w["likelihood"] in ("unlikely", "roughly even chance", "likely") for w in stored["watch"])


@pytest.mark.slow
def test_the_second_edition_says_what_changed_and_scores_the_watch_items(two_editions):
    store, _, second = two_editions
    text = _changes(second)
    assert "Compared with edition" in text and "(28 Feb 2026 – 04 Mar 2026)" in text
    for part in ("New developments", "Escalations", "Stance changes", "Actors new to the series", "No longer reported",
                 "Watch items of the previous edition whose horizon has passed", "Calibration record of series 'iran'"):
        assert part in text, part
    assert "Hezbollah carried out air strikes on Israel" in text.split("No longer reported", 1)[1]
    scored = text.split("whose horizon has passed", 1)[1]
    assert "happened" in scored and "did not happen" in scored
    manifest = json.loads((second.folder / "manifest.json").read_text())
    assert manifest["inputs"]["previous_edition"].startswith("2026-03-04_2026-02-28.json ")
    tally = json.loads((editions.root_for(store) / "iran" / "2026-03-12_2026-03-05.json").read_text())["calibration"]
    assert sum(sum(c.values()) for c in tally.values()) >= 2


@pytest.mark.slow
def test_a_changed_previous_edition_makes_the_next_report_stale(two_editions):
    from sitrep.render.build import stale_reasons

    store, first, second = two_editions
    assert stale_reasons(second.folder) == []
    path = editions.root_for(store) / "iran" / "2026-03-04_2026-02-28.json"
    saved = path.read_text()
    try:
        data = json.loads(saved)
        data["actors"] = data["actors"] + ["XXX"]
        path.write_text(json.dumps(data))
        assert any("previous_edition" in r for r in stale_reasons(second.folder)), stale_reasons(second.folder)
    finally:
        path.write_text(saved)


def test_a_series_is_built_in_window_order_wave_by_wave(tmp_path):
    nb = NOTEBOOKS_DIR / "briefing.ipynb"
    days = ["2026-03-09", "2026-03-07", "2026-03-08"]
    jobs = [Job(notebook=str(nb), name=f"daily-{d}", params={"start": d, "end": d, "title": "Daily"}) for d in days]
    jobs.append(Job(notebook=str(NOTEBOOKS_DIR / "corpus_overview.ipynb"), name="overview", params={}))
    jobs.append(Job(notebook=str(nb), name="full", params={}))
    waves = [[j.name for j in wave] for wave in edition_waves(jobs)]
    assert waves == [["overview", "daily-2026-03-07", "full"], ["daily-2026-03-08"], ["daily-2026-03-09"]]


def test_watch_items_carry_an_indicator_a_horizon_and_an_icd_term():
    item = WatchItem(id="x", indicator="an act of force by Israel against Lebanon is reported", actor="ISR",
                     target="LBN", codes=["18", "19", "20"], made=D(2026, 3, 4), horizon=D(2026, 3, 11),
                     likelihood="likely", basis="rule")
    assert record(D(2026, 3, 4), watch=[item]).watch[0].horizon > item.made
