"""The event patterns of the parse-based coder, loaded from a data file and validated.

``data/reference/event_patterns.yaml`` holds keyword sets, refinement lists and the
patterns themselves (lemma, part of speech, CAMEO code, what must hang on the predicate
in the parse, where targets are). This module only reads and checks that file: every
problem is reported as one line naming the file, the line and what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import re

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sitrep.config import REFERENCE_DIR
from sitrep.errors import SitrepError
from sitrep.yaml_lines import LineLoader

PATTERNS_FILE = REFERENCE_DIR / "event_patterns.yaml"
TARGET_SLOTS = {"dobj", "dative"}  # besides prepositions


class _WordLoader(LineLoader):
    """YAML 1.1 reads on/off/yes/no as booleans; in a list of words "on" is a word."""


_WordLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) if tag != "tag:yaml.org,2002:bool" else (tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"))
            for tag, rx in resolvers]
    for first, resolvers in LineLoader.yaml_implicit_resolvers.items()
}


class PatternError(SitrepError, ValueError):
    """A malformed pattern file (one line naming file, line and problem)."""


Words = str | list[str]


class PatternRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    lemma: Words
    pos: Literal["verb", "noun"]
    code: str
    prep: Words | None = None
    particle: str | None = None
    object: Words | None = None
    with_: Words | None = Field(default=None, alias="with")
    unless: Words | None = None
    to: list[str] = Field(default_factory=lambda: ["dobj"])
    content: bool = False
    refine: str | None = None
    mutual: bool = False
    symmetric: bool = False

    @field_validator("code")
    @classmethod
    def _digits(cls, v: str) -> str:
        if not v.isdigit() or not 2 <= len(v) <= 4:
            raise ValueError(f"CAMEO code {v!r} is not 2-4 digits")
        return v


@dataclass(frozen=True)
class Pattern:
    """One validated pattern; word sets are lower-case lemmas, keyword sets expanded."""

    name: str
    lemmas: frozenset[str]
    pos: str
    code: str
    preps: frozenset[str]
    particle: str | None
    objects: frozenset[str]
    with_words: frozenset[str]
    unless: frozenset[str]
    to: tuple[str, ...]
    content: bool
    refine: tuple[tuple[frozenset[str], str], ...]
    mutual: bool
    symmetric: bool
    line: int


@dataclass(frozen=True)
class PatternSet:
    patterns: tuple[Pattern, ...]
    keywords: dict[str, frozenset[str]]
    by_lemma: dict[tuple[str, str], tuple[Pattern, ...]]  # (lemma, pos) -> patterns in file order

    def candidates(self, lemma: str, pos: str) -> tuple[Pattern, ...]:
        return self.by_lemma.get((lemma, pos), ())


def _fail(path: Path, line: int | str, problem: str) -> PatternError:
    return PatternError(f"{path}:{line}: {problem}")


def _words(value, keywords: dict[str, frozenset[str]], path: Path, line: int) -> frozenset[str]:
    if value is None:
        return frozenset()
    items = [value] if isinstance(value, str) else list(value)
    out: set[str] = set()
    for item in items:
        if item.startswith("@"):
            if item[1:] not in keywords:
                raise _fail(path, line, f"unknown keyword set {item!r}")
            out |= keywords[item[1:]]
        else:
            out.add(item.lower())
    return frozenset(out)


def load_patterns(path: Path = PATTERNS_FILE, codes: set[str] | None = None) -> PatternSet:
    """Read and validate the pattern file; ``codes`` (the codebook's) checks every code."""
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_WordLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise _fail(path, mark.line + 1 if mark else "?", f"not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except OSError as exc:
        raise PatternError(f"{path}: cannot read ({exc.strerror})") from None
    if not isinstance(doc, dict) or not {"keywords", "refinements", "patterns"} <= doc.keys():
        raise _fail(path, 1, "needs the sections keywords, refinements and patterns")
    keywords: dict[str, frozenset[str]] = {}
    for name, words in doc["keywords"].items():
        if name == "__line__":
            continue
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise _fail(path, doc["keywords"]["__line__"], f"keyword set {name!r} must be a list of words")
        keywords[name] = frozenset(w.lower() for w in words)
    refinements: dict[str, tuple[tuple[frozenset[str], str], ...]] = {"none": ()}
    for name, pairs in doc["refinements"].items():
        if name == "__line__":
            continue
        steps = []
        for pair in pairs:
            if not (isinstance(pair, list) and len(pair) == 2 and pair[0] in keywords):
                raise _fail(path, doc["refinements"]["__line__"],
                            f"refinement {name!r}: {pair!r} is not [known keyword set, code]")
            steps.append((keywords[pair[0]], str(pair[1])))
        refinements[name] = tuple(steps)
    patterns: list[Pattern] = []
    names: set[str] = set()
    for raw in doc["patterns"]:
        line = raw.pop("__line__", "?") if isinstance(raw, dict) else "?"
        try:
            row = PatternRow.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise _fail(path, line, f"pattern {raw.get('name', '?') if isinstance(raw, dict) else raw!r}: "
                                    f"{where}: {err['msg']}") from None
        if row.name in names:
            raise _fail(path, line, f"pattern name {row.name!r} is used twice")
        names.add(row.name)
        if codes is not None and row.code not in codes:
            raise _fail(path, line, f"pattern {row.name!r}: code {row.code} is not in the CAMEO codebook")
        if row.refine is not None and row.refine not in refinements:
            raise _fail(path, line, f"pattern {row.name!r}: unknown refinement {row.refine!r}")
        for slot in row.to:
            if not slot.isalpha():
                raise _fail(path, line, f"pattern {row.name!r}: target slot {slot!r} is not a word")
        patterns.append(Pattern(
            name=row.name, lemmas=_words(row.lemma, keywords, path, line), pos=row.pos, code=row.code,
            preps=_words(row.prep, keywords, path, line), particle=row.particle,
            objects=_words(row.object, keywords, path, line), with_words=_words(row.with_, keywords, path, line),
            unless=_words(row.unless, keywords, path, line), to=tuple(row.to), content=row.content,
            refine=refinements[row.refine] if row.refine else (), mutual=row.mutual, symmetric=row.symmetric,
            line=line if isinstance(line, int) else 0))
    by_lemma: dict[tuple[str, str], list[Pattern]] = {}
    for p in patterns:
        for lemma in sorted(p.lemmas):
            by_lemma.setdefault((lemma, p.pos), []).append(p)
    return PatternSet(tuple(patterns), keywords, {k: tuple(v) for k, v in by_lemma.items()})
