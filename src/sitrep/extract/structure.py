"""Which lines of an article are news text: headlines, captions, bylines, "Read
more" lines and excerpts cut mid-sentence are recognised from data
(``data/reference/text_structure.yaml``) so that the coder does not read them as
reports of events."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from sitrep.config import REFERENCE_DIR
from sitrep.errors import SitrepError
from sitrep.extract.records import Sentence
from sitrep.yaml_lines import LineLoader

STRUCTURE_FILE = REFERENCE_DIR / "text_structure.yaml"
END_PUNCTUATION = re.compile(r"[.!?\"”’)\]:]$")


class StructureError(SitrepError, ValueError):
    """A malformed text-structure file (file, line and problem)."""


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    line: str
    max_words: int | None = None


@dataclass(frozen=True)
class TextStructure:
    rules: tuple[tuple[str, re.Pattern, int | None], ...]
    truncated_min_words: int
    headline_max_words: int

    @classmethod
    def load(cls, path: Path = STRUCTURE_FILE) -> "TextStructure":
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)
        except (OSError, yaml.YAMLError) as exc:
            raise StructureError(f"{path}: cannot read ({exc})") from None
        rules = []
        for raw in doc.get("not_news", []):
            line = raw.pop("__line__", "?")
            try:
                rule = _Rule.model_validate(raw)
                rules.append((rule.name, re.compile(rule.line, re.IGNORECASE), rule.max_words))
            except ValidationError as exc:
                raise StructureError(f"{path}:{line}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None
            except re.error as exc:
                raise StructureError(f"{path}:{line}: rule {raw.get('name')!r}: bad regular expression ({exc})") from None
        return cls(tuple(rules), int(doc.get("truncated_min_words", 8)), int(doc.get("headline_max_words", 16)))

    def is_headline(self, text: str) -> bool:
        """A short line without final punctuation (a headline or a crosshead)."""
        return len(text.split()) <= self.headline_max_words and not END_PUNCTUATION.search(text.strip())

    def kind(self, text: str) -> str | None:
        """The name of the rule that marks this line as not news text, if any."""
        words = len(text.split())
        for name, rx, max_words in self.rules:
            if (max_words is None or words <= max_words) and rx.match(text.strip()):
                return name
        return None

    def not_news(self, sentences: list[Sentence]) -> set[int]:
        """Indices of sentences not to code: marked lines and a cut-off last sentence."""
        skip = {s.index for s in sentences if self.kind(s.text)}
        if sentences:
            last = sentences[-1]
            if len(last.text.split()) >= self.truncated_min_words and not END_PUNCTUATION.search(last.text.strip()):
                skip.add(last.index)
        return skip
