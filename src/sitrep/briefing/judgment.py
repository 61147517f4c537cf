"""The briefing's own judgments, by stated rules over the coded events, in the one
likelihood scale of ``data/reference/likelihood.yaml`` (ICD 203).

**Direction** compares the second half of the window with the first: acts of force
per day (CAMEO roots 18-20) and the mean Goldstein value of all coded acts whose
date the article gives (acts dated only by the day of the report are left out).
Escalating when force per day rose by at least a quarter (and by two acts or more)
or the mean Goldstein value fell by at least 1.0; de-escalating when force per day
fell by at least a quarter (two acts or more) or the mean rose by at least 1.0, and
neither sign of escalation holds; unchanged otherwise. With fewer than
:data:`MIN_EVENTS` coded acts, or a window of one day, there is no judgment.

**Outlook**: whether acts of force continue, from the share of days of the second
half with at least one act of force (persistence, the base rate of the window).

Every judgment here is automated and labelled so; its confidence is low or moderate
(never high: the coder's blind accuracy on real news is in the README).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sitrep.codes import FORCE_ROOTS
from sitrep.briefing.display import esc
from sitrep.briefing.selection import Briefing
from sitrep.config import REFERENCE_DIR, display_path
from sitrep.errors import SitrepError

LIKELIHOOD_FILE = REFERENCE_DIR / "likelihood.yaml"
MIN_EVENTS = 6
RISE = 1.25  # force per day up by a quarter
GOLDSTEIN_SHIFT = 1.0
AUTOMATED_CEILING = 0.9  # an automated persistence rule never says "almost certain"
ARROWS = {"escalating": "↑", "de-escalating": "↓", "unchanged": "→"}


class LikelihoodError(SitrepError, ValueError):
    """A malformed likelihood scale (the message names the file)."""


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    term: str = Field(min_length=1)
    low: int = Field(ge=0, le=100)
    high: int = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self):
        if self.low >= self.high:
            raise ValueError(f"{self.term}: low ({self.low}) must be below high ({self.high})")
        return self

    @property
    def label(self) -> str:
        return f"{self.term} ({self.low}–{self.high}%)"


class Scale(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    terms: tuple[Term, ...]
    confidence: dict[str, str]

    @model_validator(mode="after")
    def _increasing(self):
        for a, b in zip(self.terms, self.terms[1:]):
            if b.low < a.low:
                raise ValueError(f"terms out of order: {b.term!r} after {a.term!r}")
        if set(self.confidence) != {"low", "moderate", "high"}:
            raise ValueError("confidence needs exactly low, moderate and high")
        return self

    def term_for(self, probability: float) -> Term:
        """The term whose range holds ``probability`` (0-1)."""
        pct = probability * 100
        for t in self.terms:
            if pct <= t.high:
                return t
        return self.terms[-1]


@lru_cache(maxsize=2)
def load_scale(path: Path = LIKELIHOOD_FILE) -> Scale:
    shown = display_path(path)
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise LikelihoodError(f"{shown}: cannot read ({str(err).splitlines()[0]})") from None
    try:
        return Scale(**(doc or {}))
    except (ValidationError, TypeError) as err:
        msg = err.errors()[0]["msg"] if isinstance(err, ValidationError) else str(err)
        raise LikelihoodError(f"{shown}: {msg}") from None


@dataclass(frozen=True)
class Direction:
    verdict: str | None  # escalating, de-escalating, unchanged; None: no judgment
    reason: str
    early: tuple[dt.date, dt.date] | None = None
    late: tuple[dt.date, dt.date] | None = None
    force_rate: tuple[float, float] = (0.0, 0.0)
    goldstein: tuple[float, float] = (0.0, 0.0)
    force_days_share: float = 0.0
    confidence: str = "low"

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.verdict or "", "·")


def _dated_events(b: Briefing) -> pd.DataFrame:
    """Events whose date the article gives (stated, relative or from its context): an
    act dated only by the day of the report may be a background mention of an older
    one, and would make the second half look busier than it was."""
    e = b.all_events()
    if e.empty:
        return e
    e = e[e["date_basis"] != "published"]
    return e.assign(day=e["event_date"])[e["event_date"].notna()]


def direction(b: Briefing) -> Direction:
    """The direction of the crisis over the window, by the rule of the module docstring."""
    e = _dated_events(b)
    if len(e) < MIN_EVENTS:
        return Direction(None, f"only {len(e)} coded act{'s' if len(e) != 1 else ''} in the window "
                               f"(a judgment needs {MIN_EVENTS})")
    first, last = min(e["day"]), max(e["day"])
    span = (last - first).days + 1
    if span < 2:
        return Direction(None, "every coded act falls on one day: no change within the window to judge")
    mid = first + dt.timedelta(days=span // 2)
    early, late = e[e["day"] < mid], e[e["day"] >= mid]
    early_days, late_days = (mid - first).days, (last - mid).days + 1
    force = e["code"].map(lambda c: isinstance(c, str) and c.startswith(FORCE_ROOTS))
    f_early, f_late = int(force[early.index].sum()), int(force[late.index].sum())
    rate = (f_early / early_days, f_late / late_days)
    gold = (float(early["goldstein"].mean()) if len(early) else 0.0, float(late["goldstein"].mean()) if len(late) else 0.0)
    up = (rate[1] >= rate[0] * RISE and f_late - f_early >= 2) or (len(early) and gold[1] <= gold[0] - GOLDSTEIN_SHIFT)
    down = (rate[1] * RISE <= rate[0] and f_early - f_late >= 2) or (len(early) and gold[1] >= gold[0] + GOLDSTEIN_SHIFT)
    verdict = "escalating" if up else "de-escalating" if down else "unchanged"
    late_force_days = late[force[late.index]]["day"].nunique()
    sources = b.articles["independent"].nunique() if len(b.articles) else 0
    confidence = "moderate" if len(e) >= 20 and sources >= 3 else "low"
    reason = (f"force per day {rate[0]:.1f} → {rate[1]:.1f}, mean Goldstein {gold[0]:+.1f} → {gold[1]:+.1f} "
              f"({_span(first, mid - dt.timedelta(days=1))} vs {_span(mid, last)})")
    return Direction(verdict, reason, (first, mid - dt.timedelta(days=1)), (mid, last), rate, gold,
                     late_force_days / late_days, confidence)


def _span(a: dt.date, b: dt.date) -> str:
    return f"{a:%d %b}" if a == b else f"{a:%d %b}–{b:%d %b}"


def outlook(d: Direction, scale: Scale | None = None) -> str | None:
    """One sentence: how likely further acts of force are, in the scale's words."""
    if d.verdict is None:
        return None
    scale = scale or load_scale()
    term = scale.term_for(min(d.force_days_share, AUTOMATED_CEILING))
    return (f"More force after the cutoff: {term.term} ({term.low}–{term.high}%; force on {d.force_days_share:.0%} "
            "of recent days).")


def direction_bullet(b: Briefing) -> tuple[str, str]:
    """(HTML, text) of the BLUF's first bullet: the direction, its rule's figures, the
    outlook, and citations of the most salient acts of force of the second half."""
    d = direction(b)
    if d.verdict is None:
        text = f"No automated judgment of direction: {d.reason}."
        return f'<li class="judgment">{esc(text)}</li>', f"- {text}"
    e = _dated_events(b)
    late = e[(e["day"] >= d.late[0]) & e["code"].map(lambda c: isinstance(c, str) and c.startswith(FORCE_ROOTS))]
    late = late.sort_values(["goldstein", "day"], ascending=[True, False], kind="stable")
    refs = [b.citations.number(a, s) for a, s in zip(late["article_id"], late["sentence"])
            if isinstance(a, str)][:3]
    words = outlook(d) or ""
    head = f"{d.arrow} {d.verdict.capitalize()}"
    markup = (f'<li class="judgment"><strong class="direction direction-{d.verdict}">{esc(head)}</strong> '
              f'<span class="flag">(automated, {d.confidence} confidence)</span>: {esc(d.reason)}. '
              f"{esc(words)} {b.cite_all(refs)}</li>")
    return markup, f"- {head} (automated, {d.confidence} confidence): {d.reason}. {words} {b.cite_text(refs)}"


def scale_legend() -> tuple[str, str]:
    """(HTML, text) of the likelihood scale and the confidence levels, as printed under the BLUF."""
    scale = load_scale()
    terms = " · ".join(t.label for t in scale.terms)
    conf = "; ".join(f"{k}: {v}" for k, v in scale.confidence.items())
    text = f"Likelihood terms ({scale.source}): {terms}. Confidence is stated apart from likelihood — {conf}."
    return f'<p class="table-note legend">{esc(text)}</p>', text
