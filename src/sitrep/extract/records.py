"""The records extraction produces for one article (plain dataclasses, JSON-ready).

Every record keeps the sentence index and character offsets into the article body,
so any claim built on it can be traced back to the sentence it came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    actor: str
    sentence: int
    start: int
    end: int
    text: str
    how: str = "alias"  # alias | coreference | pronoun | adjective


@dataclass(frozen=True, slots=True)
class Event:
    source: str | None
    target: str | None
    code: str
    label: str
    goldstein: float
    quad_class: int
    sentence: int
    evidence: str
    confidence: float
    rule: str
    start: int
    end: int
    attributed_to: str | None = None  # who the sentence says reported it ("according to ...")
    event_date: dt.date | None = None  # when it happened, as the article states it
    date_basis: str = "published"      # stated | relative | context | published
    plover: str = "OTHER"              # PLOVER category of the code (data/reference/cameo.csv)


@dataclass(frozen=True, slots=True)
class Statement:
    speaker: str
    target: str | None
    stance: str
    sentence: int
    text: str
    confidence: float
    rule: str
    start: int
    end: int
    attributed_to: str | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """A reported number: ``value`` people ``kind`` (killed, wounded, casualties)."""

    sentence: int
    start: int
    end: int
    kind: str
    value: int
    qualifier: str | None
    phrase: str
    according_to: str | None
    event_date: dt.date | None = None  # the day the figure is about, as the article states it


@dataclass(slots=True)
class ArticleExtraction:
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    unknown_actors: dict[str, int] = field(default_factory=dict)
    language: str = "en"  # ISO 639-1; articles in languages the coder does not read have no records

    def as_dict(self) -> dict:
        return {
            "sentences": [asdict(s) for s in self.sentences],
            "mentions": [asdict(m) for m in self.mentions],
            "events": [asdict(e) for e in self.events],
            "statements": [asdict(s) for s in self.statements],
            "figures": [asdict(f) for f in self.figures],
            "unknown_actors": dict(self.unknown_actors),
            "language": self.language,
        }
