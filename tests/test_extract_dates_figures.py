"""Event dates and reported figures: read from the sentence, kept apart from publication."""

import datetime as dt

import pytest

from sitrep.extract.dates import CONTEXT, PUBLISHED, RELATIVE_BASIS, STATED, DateContext, stated_date
from sitrep.extract.pipeline import Extractor

SAT = dt.date(2026, 3, 7)  # a Saturday


@pytest.mark.parametrize("text, expected", [
    ("Putin spoke to Pezeshkian on Saturday.", (SAT, RELATIVE_BASIS)),
    ("Tuesday's strikes hit the port.", (dt.date(2026, 3, 3), RELATIVE_BASIS)),
    ("The talks were held yesterday.", (dt.date(2026, 3, 6), RELATIVE_BASIS)),
    ("The strikes began on 28 February.", (dt.date(2026, 2, 28), STATED)),
    ("On March 1, 2025 the envoy arrived.", (dt.date(2025, 3, 1), STATED)),
    ("A ceasefire of 28 December held.", (dt.date(2025, 12, 28), STATED)),  # read back into last year
    ("Hezbollah fired for the first time since the 2024 truce.", None),
])
def test_stated_date(text, expected):
    assert stated_date(text, SAT) == expected


def test_unstated_dates_come_from_context_then_publication():
    ctx = DateContext(SAT)
    assert ctx.date_of("Iran fired missiles at Israel.") == (SAT, PUBLISHED)
    assert ctx.date_of("The strikes began on 28 February.") == (dt.date(2026, 2, 28), STATED)
    assert ctx.date_of("Iran fired missiles at Israel.") == (dt.date(2026, 2, 28), CONTEXT)


def test_event_dates_are_kept_apart_from_publication(extractor):
    text = "Israel struck Hezbollah positions in Lebanon on Tuesday.\nRussia condemned the strikes."
    events = extractor.extract(text, SAT).events
    assert events, "no event coded"
    assert {(e.event_date, e.date_basis) for e in events} == {(dt.date(2026, 3, 3), RELATIVE_BASIS), (dt.date(2026, 3, 3), CONTEXT)}


def test_figures_are_found_with_qualifier_and_attribution(extractor):
    text = ("At least 40 people were killed in the strikes, according to the Iranian health ministry.\n"
            "A monitoring group said the death toll had risen to 62.\n"
            "The raid killed twelve civilians and wounded more than 1,200 others.\n"
            "Hezbollah fired for the first time since the 2024 truce.")
    figures = extractor.extract(text, SAT).figures
    got = {(f.sentence, f.kind, f.value, f.qualifier, f.according_to) for f in figures}
    assert got == {
        (0, "killed", 40, "at least", "the Iranian health ministry"),
        (1, "killed", 62, None, "A monitoring group"),
        (2, "killed", 12, None, None),
        (2, "wounded", 1200, "more than", None),
    }
    for f in figures:  # offsets point at the phrase in the article
        assert text[f.start:f.end] == f.phrase
