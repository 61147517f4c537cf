"""The extractor: one object that codes articles with the registry and rules."""

from __future__ import annotations

import hashlib

from sitrep import __version__
from sitrep.extract.records import ArticleExtraction
from sitrep.extract.sentences import blank_pipeline, split_sentences


class Extractor:
    def __init__(self) -> None:
        self.nlp = blank_pipeline()

    @property
    def fingerprint(self) -> str:
        """Changes whenever extraction output could change (code, registry, codebook)."""
        return hashlib.sha256(f"sitrep {__version__} sentences-only".encode()).hexdigest()[:16]

    def versions(self) -> dict[str, str]:
        """Versions of the reference data extraction used (for method notes)."""
        return {}

    def actor_row(self, actor_id: str) -> dict:
        """The ``actors`` table row of a registry actor."""
        return {"id": actor_id, "name": actor_id, "type": "organisation", "country": None, "role": None}

    def actor_json(self, actor_id: str) -> dict:
        row = self.actor_row(actor_id)
        return {k: row[k] for k in ("id", "name", "type", "country", "role")}

    def extract(self, text: str, published=None) -> ArticleExtraction:
        sentences, _ = split_sentences(self.nlp, text)
        return ArticleExtraction(sentences=sentences)
