"""The briefing's automated judgments (sitrep.briefing.judgment) on hand-built events:
direction by its stated rule, the outlook in ICD 203 words, the scale validated."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from sitrep.briefing.judgment import LikelihoodError, direction, direction_bullet, load_scale, outlook
from sitrep.briefing.selection import Briefing, Citations
from sitrep.params import BriefingParams

DAY = dt.date(2026, 3, 1)


def briefing(events: list[tuple[int, str, float]], outlets: int = 1) -> Briefing:
    """A briefing over events given as (day offset, CAMEO code, Goldstein)."""
    rows = [{"article_id": f"a{i}", "sentence": 0, "source": "IRN", "target": "ISR", "code": code, "label": code,
             "goldstein": g, "quad_class": 4 if code[:2] in ("18", "19", "20") else 1, "event_date": DAY + dt.timedelta(days=d),
             "published": DAY + dt.timedelta(days=d), "date_basis": "stated", "evidence": "x", "outlet": "W",
             "confidence": 1.0, "attributed_to": None, "plover": ""} for i, (d, code, g) in enumerate(events)]
    e = pd.DataFrame(rows)
    articles = pd.DataFrame({"id": [f"a{i}" for i in range(len(rows))], "published": e["published"] if len(e) else [],
                             "independent": [f"o{i % outlets}" for i in range(len(rows))]})
    numbers = {(f"a{i}", 0): i + 1 for i in range(len(rows))}
    cites = pd.DataFrame({"ref": list(numbers.values()), "article_id": [k[0] for k in numbers], "sentence": 0,
                          "outlet": "W", "published": DAY, "title": "", "url": None, "text": "s"})
    empty = pd.DataFrame()
    return Briefing(params=BriefingParams(), articles=articles, events=e, statements=empty, figures=empty, unknown=empty,
                    labels={}, actors=empty, meta={}, files=empty, citations=Citations(numbers, cites), edition=1,
                    cutoff="", first_day=DAY, last_day=DAY + dt.timedelta(days=9))


def test_more_force_in_the_second_half_is_escalating():
    early = [(d, "042", 1.9) for d in range(5)] + [(1, "190", -10.0)]
    late = [(d, "195", -10.0) for d in (5, 6, 7, 8, 9)] + [(6, "190", -10.0)]
    d = direction(briefing(early + late))
    assert d.verdict == "escalating" and d.arrow == "↑"
    assert d.force_rate == (0.2, 1.2) and "0.2 → 1.2" in d.reason
    assert d.force_days_share == 1.0


def test_less_force_and_more_cooperation_is_de_escalating():
    early = [(d, "190", -10.0) for d in range(5)] + [(0, "195", -10.0)]
    late = [(d, "057", 8.0) for d in (5, 6, 7, 8, 9)] + [(5, "190", -10.0)]
    assert direction(briefing(early + late)).verdict == "de-escalating"


def test_the_same_pace_is_unchanged():
    events = [(d, "190", -10.0) for d in range(10)]
    d = direction(briefing(events))
    assert d.verdict == "unchanged" and d.arrow == "→"


def test_too_few_events_or_one_day_give_no_judgment():
    assert direction(briefing([(0, "190", -10.0)] * 3)).verdict is None
    d = direction(briefing([(0, "190", -10.0)] * 8))
    assert d.verdict is None and "one day" in d.reason
    assert outlook(d) is None
    html, text = direction_bullet(briefing([(0, "190", -10.0)] * 3))
    assert "No automated judgment" in text and "only 3 coded acts" in text


def test_confidence_is_never_high_and_moderate_needs_many_events_from_several_sources():
    events = [(d % 10, "190", -10.0) for d in range(24)]
    assert direction(briefing(events, outlets=1)).confidence == "low"
    assert direction(briefing(events, outlets=3)).confidence == "moderate"


def test_the_outlook_uses_the_icd_scale_and_never_says_almost_certain():
    late_every_day = [(d, "190", -10.0) for d in range(10)]
    words = outlook(direction(briefing(late_every_day)))
    assert "very likely (80–95%" in words
    terms = [t.term for t in load_scale().terms]
    assert terms[0] == "almost no chance" and terms[-1] == "almost certain" and len(terms) == 7


def test_the_bullet_cites_acts_of_force_of_the_second_half():
    early = [(d, "042", 1.9) for d in range(5)]
    late = [(d, "195", -10.0) for d in (5, 6, 7, 8, 9)]
    b = briefing(early + late)
    html, text = direction_bullet(b)
    assert "↑ Escalating (automated, low confidence)" in text
    assert text.endswith("[1][2][3]") and 'href="#ref-1"' in html


def test_scale_terms_out_of_order_are_refused(tmp_path):
    bad = tmp_path / "likelihood.yaml"
    bad.write_text("source: x\nterms:\n  - {term: likely, low: 55, high: 80}\n  - {term: unlikely, low: 20, high: 45}\n"
                   "confidence: {low: a, moderate: b, high: c}\n", encoding="utf-8")
    with pytest.raises(LikelihoodError, match="likelihood.yaml: .*terms out of order"):
        load_scale(bad)
    bad.write_text("source: x\nterms:\n  - {term: likely, low: 80, high: 55}\nconfidence: {low: a, moderate: b, high: c}\n")
    with pytest.raises(LikelihoodError, match="must be below high"):
        load_scale(bad)
