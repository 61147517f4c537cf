"""Reported figures: casualty counts and death tolls, with who gave them.

spaCy Matcher patterns over the sentence tokens find the forms news uses:
"at least 40 people were killed", "killing 12 civilians", "the death toll rose to
200", "more than 300 wounded". Each figure keeps its qualifier ("at least"), its
kind (killed, wounded, casualties) and the phrase that attributes it ("according
to the health ministry"), so a briefing can show it attributed and dated, and set
disagreeing sources side by side.
"""

from __future__ import annotations

import re
from spacy.language import Language
from spacy.matcher import Matcher

from sitrep.extract.records import Figure
from sitrep.extract.sentences import SentSpan

PEOPLE = ["people", "persons", "civilians", "soldiers", "troops", "fighters", "militants", "children", "women", "men",
          "officers", "personnel", "members", "guards", "residents", "protesters", "police", "policemen", "workers",
          "staff", "migrants", "refugees", "passengers", "students", "journalists", "servicemen", "commanders",
          "officials", "others", "individuals", "victims", "palestinians", "israelis", "iranians", "lebanese",
          "americans", "ukrainians", "russians", "syrians", "yemenis", "iraqis", "sudanese", "afghans"]
KILLED = ["killed", "dead", "died", "slain", "massacred", "executed"]
WOUNDED = ["wounded", "injured", "hurt", "maimed"]
KIND_OF = {**{w: "killed" for w in KILLED + ["killing", "deaths", "death", "fatalities", "toll"]},
           **{w: "wounded" for w in WOUNDED + ["wounding", "injuring", "injuries"]}, "casualties": "casualties"}
QUALIFIERS = {"at least": "at least", "more than": "more than", "over": "more than", "nearly": "nearly",
              "almost": "nearly", "about": "about", "around": "about", "some": "about", "up to": "up to"}
WORD_NUMBERS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
DECIMAL = re.compile(r"\d+\.\d+")
NUMBER_HINT = re.compile(r"\d|\b(?:" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r")\b", re.I)
ACCORDING = re.compile(r"\b(?:according to|citing|cited by)\s+([^,.;:]+)", re.I)
SAID = re.compile(r"^((?:the |a |an )?[A-Za-z][\w'’ -]{2,60}?)\s+(?:said|says|reported|reports|announced|told)\b")

NUM = {"LIKE_NUM": True}
QUAL = {"LOWER": {"IN": ["least", "than", "over", "nearly", "almost", "about", "around", "some", "to"]}, "OP": "?"}
MOD = {"IS_ALPHA": True, "LOWER": {"NOT_IN": KILLED + WOUNDED + ["and", "or", "were", "was", "have", "had"]}, "OP": "{0,2}"}
AUX = {"LOWER": {"IN": ["were", "was", "have", "has", "had", "been", "are", "being", "reportedly", "also"]}, "OP": "{0,3}"}
PATTERNS = {
    "count-people-verb": [NUM, {"LOWER": {"IN": ["thousand", "hundred", "million"]}, "OP": "?"}, MOD,
                          {"LOWER": {"IN": PEOPLE}}, AUX, {"LOWER": {"IN": KILLED + WOUNDED}}],
    "count-dead": [NUM, {"LOWER": {"IN": ["thousand", "hundred", "million"]}, "OP": "?"},
                   {"LOWER": {"IN": ["dead", "killed", "wounded", "injured", "deaths", "fatalities", "casualties", "injuries"]}}],
    "verb-count": [{"LOWER": {"IN": ["killing", "wounding", "injuring", "killed", "wounded", "injured"]}},
                   {"LOWER": {"IN": ["at", "more", "over", "nearly", "almost", "about", "around", "some", "up"]}, "OP": "?"},
                   QUAL, NUM, {"LOWER": {"IN": ["thousand", "hundred", "million"]}, "OP": "?"}, MOD, {"LOWER": {"IN": PEOPLE}}],
    "death-toll": [{"LOWER": {"IN": ["death", "casualty"]}}, {"LOWER": "toll"},
                   {"IS_PUNCT": False, "LOWER": {"NOT_IN": ["of", "to", "at"]}, "OP": "{0,6}"},  # "from Wednesday's clashes had risen"
                   {"LOWER": {"IN": ["to", "at", "of", "past", "above", "reached", "hit"]}},
                   {"LOWER": {"IN": ["least", "more", "than", "over", "nearly", "almost", "about", "around", "some"]}, "OP": "{0,2}"},
                   NUM, {"LOWER": {"IN": ["thousand", "hundred", "million"]}, "OP": "?"}],
}


def number_of(words: list[str]) -> int | None:
    """The integer a number phrase states ("1,200", "40", "twelve", "3 thousand")."""
    value = None
    for word in words:
        w = word.lower().replace(",", "")
        if w.isdigit():
            value = int(w)
        elif w in WORD_NUMBERS:
            value = WORD_NUMBERS[w]
        elif w in SCALE and value is not None:
            value *= SCALE[w]
        elif re.fullmatch(r"\d+(\.\d+)?", w):
            value = int(float(w))
    return value


class FigureFinder:
    def __init__(self, nlp: Language):
        self.matcher = Matcher(nlp.vocab)
        for name, pattern in PATTERNS.items():
            self.matcher.add(name, [pattern])

    def find(self, span: SentSpan, index: int, sentence_start: int, text: str) -> list[Figure]:
        """Figures in one sentence; ``text`` is the sentence, ``sentence_start`` its
        offset in the article."""
        toks = span.tokens
        if not NUMBER_HINT.search(text):
            return []  # every pattern needs a number
        matches = sorted(self.matcher(toks.doc[span.start:span.end]), key=lambda m: (m[1], -(m[2] - m[1])))
        according = ACCORDING.search(text) or SAID.search(text)
        first_char = toks[span.start].idx
        out: list[Figure] = []
        taken: set[int] = set()
        for _, start, end in matches:
            start += span.start
            end += span.start
            if taken & set(range(start, end)):
                continue
            words = [t.lower_ for t in toks[start:end]]
            numbers = [t.text for t in toks[start:end] if _is_number(t.lower_)]
            value = number_of(numbers)
            kind = next((KIND_OF[w] for w in reversed(words) if w in KIND_OF), None)
            if value is None or kind is None or (1900 <= value <= 2100 and not any("," in n for n in numbers)):
                continue  # "the 2024 truce" is a year, not a count
            context = " ".join(t.lower_ for t in toks[max(span.start, start - 2):end])
            qualifier = next((q for k, q in QUALIFIERS.items() if re.search(rf"\b{k}\s+[\d,]+|\b{k}\s+\w+\s", context)), None)
            a, b = toks[start].idx - first_char, toks[end - 1].idx + len(toks[end - 1].text) - first_char
            taken.update(range(start, end))
            out.append(Figure(index, sentence_start + a, sentence_start + b, kind, value, qualifier, text[a:b],
                              according.group(1).strip() if according else None))
        return out


def _is_number(word: str) -> bool:
    w = word.replace(",", "")
    return w.isdigit() or w in WORD_NUMBERS or w in SCALE or ("." in w and bool(DECIMAL.fullmatch(w)))
