"""Sentence segmentation with character offsets into the article body.

Lines are hard boundaries (news text puts headings and paragraphs on their own
lines); within a line spaCy's rule-based sentencizer splits sentences. No
statistical model is needed.
"""

from __future__ import annotations

from collections.abc import Iterator

import spacy
from spacy.language import Language

from sitrep.extract.records import Sentence

MAX_LINE_CHARS = 200_000


def blank_pipeline() -> Language:
    """spaCy's English tokenizer with the rule-based sentencizer (no download)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 2 * MAX_LINE_CHARS
    return nlp


def line_spans(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for every non-blank line, stripped of surrounding spaces."""
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            # very long lines are cut into pieces the tokenizer can take
            for k in range(0, len(stripped), MAX_LINE_CHARS):
                yield offset + lead + k, stripped[k : k + MAX_LINE_CHARS]
        offset += len(line) + 1


def split_sentences(nlp: Language, text: str) -> tuple[list[Sentence], list]:
    """Sentences of ``text`` and, for each, the spaCy span it came from."""
    sentences: list[Sentence] = []
    spans = []
    lines = list(line_spans(text))
    for (offset, _), doc in zip(lines, nlp.pipe(line for _, line in lines)):
        for sent in doc.sents:
            if not sent.text.strip():
                continue
            start = offset + sent.start_char
            end = offset + sent.end_char
            sentences.append(Sentence(len(sentences), start, end, text[start:end]))
            spans.append(sent)
    return sentences, spans
