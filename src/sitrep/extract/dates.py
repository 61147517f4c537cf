"""When did it happen? The event date a sentence states, kept apart from the
article's publication date.

News dates events relative to publication ("on Saturday", "late on Sunday",
"yesterday") or explicitly ("on 28 February", "March 1"). A sentence that states
no date inherits the last date the article stated (a report keeps talking about
the same day); before any stated date, the publication date is used and marked
as such, so a briefing can say which dates are inferred.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {m: n for n, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")], start=1) for m in names}
WEEKDAYS = {d: n for n, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?(?:\s+(\d{{4}}))?\b", re.I)
MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I)
WEEKDAY = re.compile(r"\b(?:on|late on|early on|since|last|by|until|overnight on|from)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'s|’s)\b", re.I)
RELATIVE = {"yesterday": 1, "last night": 1, "overnight": 1, "today": 0, "this morning": 0, "tonight": 0, "earlier today": 0}
RELATIVE_RE = re.compile(r"\b(" + "|".join(sorted(RELATIVE, key=len, reverse=True)) + r")\b", re.I)

STATED, RELATIVE_BASIS, CONTEXT, PUBLISHED = "stated", "relative", "context", "published"


def _dated(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def stated_date(text: str, published: dt.date | None) -> tuple[dt.date, str] | None:
    """(date, basis) stated in ``text``, read against the publication date; None if none."""
    for pattern, order in ((DAY_MONTH, "dm"), (MONTH_DAY, "md")):
        m = pattern.search(text)
        if m:
            day, month, year = (m.group(1), m.group(2), m.group(3)) if order == "dm" else (m.group(2), m.group(1), m.group(3))
            month_n = MONTHS[month.lower().rstrip(".")]
            if year:
                found = _dated(int(year), month_n, int(day))
            elif published:
                found = _dated(published.year, month_n, int(day))
                if found and found > published + dt.timedelta(days=7):  # "28 December" read in January
                    found = _dated(published.year - 1, month_n, int(day))
            else:
                found = None
            if found:
                return found, STATED
    if published is None:
        return None
    m = WEEKDAY.search(text)
    if m:
        weekday = WEEKDAYS[(m.group(1) or m.group(2)).lower()]
        back = (published.weekday() - weekday) % 7
        return published - dt.timedelta(days=back), RELATIVE_BASIS
    m = RELATIVE_RE.search(text)
    if m:
        return published - dt.timedelta(days=RELATIVE[m.group(1).lower()]), RELATIVE_BASIS
    return None


class DateContext:
    """Event dates sentence by sentence through one article."""

    def __init__(self, published: dt.date | None):
        self.published = published
        self.last: dt.date | None = None

    def date_of(self, text: str, headline: bool = False) -> tuple[dt.date | None, str]:
        found = stated_date(text, self.published)
        if found:
            if not headline:
                self.last = found[0]
            return found
        if self.last is not None:
            return self.last, CONTEXT
        return self.published, PUBLISHED
