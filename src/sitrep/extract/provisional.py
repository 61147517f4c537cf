"""Actors beyond the registry: named entities the registry does not know.

spaCy's named entities (PERSON, ORG, NORP) that no registry alias covers are first
matched against the registry's names with a fuzzy matcher (rapidfuzz), so spelling
variants and transliterations ("Mohamed Hamdan Dagalo", "Mohammed Hamdan Daglo")
resolve to the registry entry. The rest become **provisional actors**: an id of
their own (``PROV.<country>.<NAME>``), a type from the entity label, and the country
of a nationality or state named in their phrase ("Malaysian Prime Minister X",
"Moussa Faki Mahamat, chairperson of the African Union"). They are added to the
registry in memory (flagged ``provisional``) so that every later stage treats them
like any actor, and the briefing can show them as such.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from rapidfuzz import fuzz, process
from spacy.tokens import Span

from sitrep.config import REFERENCE_DIR
from sitrep.extract.actors import Found
from sitrep.extract.registry import Actor, Registry

LABEL_TYPES = {"PERSON": "person", "ORG": "organisation"}  # NORP unknown to the registry are mostly adjectives
SKIP_FILE = REFERENCE_DIR / "provisional.yaml"
GROUP_WORDS = {"rebels", "rebel", "militia", "militias", "front", "army", "forces", "brigade", "brigades", "movement",
               "group", "fighters", "insurgents", "jihadists", "gang", "gangs", "party", "alliance", "coalition"}
FUZZY_CUTOFF = 90       # rapidfuzz score (0-100) for a registry name to count as the same name
MIN_FUZZY_LENGTH = 8    # shorter names are too easily confused
NOT_NAMES = {"the", "a", "an"}


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_").upper()[:40] or "NAME"


class ProvisionalActors:
    """Finds entity mentions the registry missed; resolves them fuzzily or provisionally."""

    def __init__(self, registry: Registry, skip_file: Path = SKIP_FILE):
        self.registry = registry
        try:
            skip = yaml.safe_load(skip_file.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ValueError(f"{skip_file}: cannot read ({exc})") from None
        if not isinstance(skip, dict) or not all(isinstance(v, list) for v in skip.values()):
            raise ValueError(f"{skip_file}:1: needs lists of names (media, generic)")
        self._skip = {str(n).casefold() for names in skip.values() for n in names}
        names: dict[str, str] = {}
        for alias, targets in registry.index.items():
            ids = {t.actor for t in targets}
            if len(ids) == 1 and len(alias) >= MIN_FUZZY_LENGTH and " " in alias:
                actor = registry.actors.get(next(iter(ids)))
                if actor is not None and actor.type in ("person", "organisation", "group"):
                    names[alias] = actor.id
        self._names = names
        self._choices = sorted(names)

    def find(self, sent: Span, at: dict[int, Found]) -> list[Found]:
        """Mentions of entities in ``sent`` that no registry mention covers."""
        out: list[Found] = []
        for ent in sent.ents:
            kind = LABEL_TYPES.get(ent.label_)
            if kind is None or any(t.i in at for t in ent):
                continue
            tokens = [t for t in ent if t.lower_ not in NOT_NAMES and t.tag_ != "POS" and t.text not in ("'s", "’s")]
            if not tokens or not any(t.text[:1].isupper() for t in tokens):
                continue
            start, end = tokens[0].i, tokens[-1].i + 1
            name = sent.doc[start:end].text
            if len(name) < 3 or name.casefold() in self._skip:
                continue
            actor_id = self._fuzzy(name) if len(name) >= MIN_FUZZY_LENGTH else None
            how = "fuzzy"
            if actor_id is None:
                group = kind == "organisation" and any(t.lower_ in GROUP_WORDS for t in ent)
                country = self._country(ent, at)
                if country is None and not group:
                    continue  # a name with no state to act for: a candidate for the registry, not an actor yet
                actor_id = self._provisional(name, "group" if group else kind, country)
                how = "provisional"
            out.append(Found(actor_id, start, end, how, name))
        return out

    def _fuzzy(self, name: str) -> str | None:
        if not self._choices:
            return None
        best = process.extractOne(name, self._choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return self._names[best[0]] if best else None

    def _country(self, ent: Span, at: dict[int, Found]) -> str | None:
        """The state a nationality, possessor, title phrase or apposition ties the entity to."""
        root = ent.root
        nearby = [t for t in ent.doc[max(ent.start - 4, ent.sent.start):ent.start]]
        nearby += [t for t in root.children if t.dep_ in ("appos", "prep", "compound", "amod", "poss")]
        if root.dep_ in ("appos", "compound") or root.head.dep_ == "appos":
            nearby += list(root.head.subtree)[:12]
        for child in list(root.children):
            if child.dep_ == "appos":
                nearby += list(child.subtree)[:12]
        for tok in nearby:
            m = at.get(tok.i)
            if m is None:
                continue
            actor = self.registry.actors.get(m.actor)
            if actor is None or actor.provisional:
                continue
            return self.registry.affiliation(m.actor)
        return None

    def _provisional(self, name: str, kind: str, country: str | None) -> str:
        actor_id = f"PROV.{country or 'XX'}.{_slug(name)}"
        if actor_id not in self.registry.actors:
            self.registry.actors[actor_id] = Actor(actor_id, name, kind, country, provisional=True)
        return actor_id
