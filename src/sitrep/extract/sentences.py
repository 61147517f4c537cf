"""Sentence segmentation with character offsets into the article body.

An article is tokenised as one spaCy ``Doc`` (cheap: one call per article, not
per line). Lines are hard boundaries (news text puts headings and paragraphs on
their own lines); within a line spaCy's rule-based sentencizer finds the
sentence starts. No statistical model is needed.

The rules read tokens many times; reading a spaCy ``Token`` builds a new Python
object each time, so each sentence carries :class:`Tok` records made once per
article (plain attributes, no lookups).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from sitrep.extract.records import Sentence

MAX_DOC_CHARS = 500_000  # longer articles are tokenised in pieces cut at line ends


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


def blank_pipeline() -> Language:
    """spaCy's English tokenizer and rule-based sentencizer (no download)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 2 * MAX_DOC_CHARS
    return nlp


def line_spans(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for every non-blank line, stripped of surrounding spaces."""
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            yield offset + lead, stripped
        offset += len(line) + 1


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    """(offset, piece) of at most MAX_DOC_CHARS, cut after a newline where possible."""
    offset = 0
    while len(text) - offset > MAX_DOC_CHARS:
        cut = text.rfind("\n", offset, offset + MAX_DOC_CHARS)
        cut = cut + 1 if cut > offset else offset + MAX_DOC_CHARS
        yield offset, text[offset:cut]
        offset = cut
    yield offset, text[offset:]


def _sentence_ranges(toks: Tokens, punct_starts: list[bool]) -> Iterator[tuple[int, int]]:
    """Token ranges of sentences: the sentencizer's starts plus every line start
    (setting ``is_sent_start`` token by token on the Doc is quadratic in spaCy)."""
    start = 0
    for i in range(1, len(toks)):
        if punct_starts[i] or "\n" in toks[i - 1].text or "\n" in toks[i].text:
            yield start, i
            start = i
    if toks:
        yield start, len(toks)


def split_sentences(nlp: Language, text: str) -> tuple[list[Sentence], list[SentSpan]]:
    """Sentences of ``text`` and, for each, its token range."""
    sentences: list[Sentence] = []
    spans: list[SentSpan] = []
    for offset, piece in _pieces(text):
        doc = nlp.make_doc(piece)
        toks = Tokens(doc, piece)
        for start, end in _sentence_ranges(toks, nlp.get_pipe("sentencizer").predict([doc])[0]):
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
