"""The language of an article, detected with lingua (its models ship in the wheel:
nothing is downloaded). Only the languages news about a crisis is commonly written in
are considered, which keeps detection fast and deterministic."""

from __future__ import annotations

from functools import lru_cache

CODED_LANGUAGES = {"en"}  # languages the coder reads; others are stored with their language, uncoded
SAMPLE_CHARS = 2_000     # enough text to tell languages apart; bounded cost for huge articles
MIN_LETTERS = 120        # below this, n-gram detection guesses (a short line of names can read as French)


# English function words that are not words of the other languages considered: when they
# make up a good share of the text it is English, whatever the n-gram models make of a
# short sentence full of names ("Al-Shabaab claimed responsibility for a bomb attack ...")
ENGLISH_FUNCTION_WORDS = frozenset("the and of to was were said for with that from by is has have its their after "
                                   "which who would will been this they he she it at".split())
ENGLISH_SHARE = 0.15


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [Language.ENGLISH, Language.FRENCH, Language.GERMAN, Language.SPANISH, Language.PORTUGUESE,
                 Language.ITALIAN, Language.DUTCH, Language.ROMANIAN, Language.GREEK, Language.BULGARIAN,
                 Language.RUSSIAN, Language.UKRAINIAN, Language.POLISH, Language.TURKISH, Language.ARABIC,
                 Language.PERSIAN, Language.HEBREW, Language.URDU, Language.HINDI, Language.CHINESE,
                 Language.JAPANESE, Language.KOREAN, Language.INDONESIAN, Language.SWAHILI, Language.SOMALI,
                 Language.AZERBAIJANI, Language.ARMENIAN, Language.GEORGIAN, Language.SERBIAN, Language.CROATIAN,
                 Language.HUNGARIAN, Language.CZECH, Language.SWEDISH, Language.VIETNAMESE, Language.THAI]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of the text's language; ``default`` when it cannot tell (too
    little text to be sure, or no letters)."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return default
    words = [w.strip(".,;:!?\"'()“”‘’").lower() for w in sample.split()]
    if words and sum(w in ENGLISH_FUNCTION_WORDS for w in words) >= ENGLISH_SHARE * len(words):
        return "en"
    found = _detector().detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else default
