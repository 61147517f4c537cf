"""Extraction: article text -> sentences, actor mentions, CAMEO events, statements.

Second stage of the data flow. ``Extractor`` loads the actor registry, the CAMEO
codebook and the rules once and then codes any number of articles. It is imported
lazily: readers of the store need only the record types, not spaCy.
"""

from sitrep.extract.records import ArticleExtraction, Event, Mention, Sentence, Statement

__all__ = ["ArticleExtraction", "Event", "Extractor", "Mention", "Sentence", "Statement"]


def __getattr__(name: str):
    if name == "Extractor":
        from sitrep.extract.pipeline import Extractor

        return Extractor
    raise AttributeError(name)
