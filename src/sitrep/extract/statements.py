"""Attributed statements: who said what, toward whom, with which stance.

Stances come from the verbal events of a sentence (a condemnation, an appeal for a
ceasefire, a warning, condolences, thanks...), from justification phrasing ("framed
their actions as necessary security operations") and, for reported speech with no
coded stance, the reporting verb ("X said ...": stance ``other``). Attribution:
"According to X, ..." and "..., X said." name who reported the sentence.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from sitrep.extract.actors import Found
from sitrep.extract.events import EventCoder
from sitrep.extract.lexicon import JUSTIFY_VERBS, KEYWORDS, REPORTING_VERBS, TITLE_WORDS

STANCES = ("condemn", "support", "call_ceasefire", "warn", "justify", "condole", "thank", "accuse", "other")


def stance_of(code: str, rule: str) -> str | None:
    """The stance a verbal event expresses, or None for non-verbal codes."""
    if rule == "accuse":
        return "accuse"  # "accused X of aggression" (1123) is an accusation
    if code in ("111", "110", "1123", "1124", "114") or code.startswith("111"):
        return "condemn"
    if code.startswith("112") or code == "115":
        return "accuse"
    if code in ("0256", "1056", "026", "027", "028", "036", "039"):
        return "call_ceasefire"
    if code == "012" or code.startswith("13"):
        return "warn"
    if code == "018":
        return "condole"
    if code == "051" and rule == "thank":
        return "thank"
    if code in ("051", "019", "052", "053", "030", "032", "033"):
        return "support"
    if code[:2] in ("01", "02", "10", "12", "14") and code not in ("017", "011"):
        return "other"
    return None


def attribution(doc: Doc, sent: Span, mentions: list[Found], groups) -> tuple[list[str], list[str]]:
    """(reported-by actors, speaker actors) of a sentence.

    "According to X, ..." -> reported by X; "X said ..." -> speaker X;
    "..., X said." -> reported by (and speaker) X.
    """
    toks = list(doc[sent.start:sent.end])
    reported: list[str] = []
    if len(toks) > 3 and toks[0].lower_ == "according" and toks[1].lower_ == "to":
        comma = next((t.i for t in toks if t.text == ","), None)
        reported = [m.actor for m in mentions if comma and sent.start + 2 <= m.start < comma]
    speaker: list[str] = []
    for tok in toks:
        if tok.lower_ not in REPORTING_VERBS or not tok.text.islower() or tok.lower_ in ("report", "reports"):
            continue
        before = [g for g in groups if g[-1].end <= tok.i and g[0].start >= sent.start and (
            tok.i - g[-1].end <= 4 or (tok.i - g[-1].end <= 8 and all(_title_or_name(t) for t in doc[g[-1].end:tok.i])))]
        after = [g for g in groups if g[0].start > tok.i and g[0].start - tok.i <= 2 and tok.i > sent.start and doc[tok.i - 1].text == ","]
        chosen = before[-1] if before else (after[0] if after else None)
        if chosen and len(before) > 1 and chosen[0].start > sent.start and doc[chosen[0].start - 1].text == "," \
                and doc[chosen[-1].end].lower_ in ("'s", "’s"):
            chosen = before[-2]  # "Belarus, Russia's close ally, said": Belarus speaks
        if tok.i > sent.start and doc[tok.i - 1].lower_ == "and" and groups and groups[0][0].start <= sent.start + 2:
            chosen = groups[0]  # "Rwanda denies ... and says ...": the sentence's subject speaks
        if chosen:
            speaker = list(dict.fromkeys(m.actor for m in chosen))
            if tok.i > sent.start + len(toks) * 0.6:
                reported = reported or speaker
            break
    return reported, speaker


def _title_or_name(tok) -> bool:
    """Part of "Britain's UN ambassador Barbara Woodward": a title word or a name."""
    return tok.lower_ in ("'s", "’s", ",") or tok.lower_ in TITLE_WORDS or (tok.is_alpha and tok.text[:1].isupper())


JUSTIFY_WORDS = {"necessary", "defensive", "legitimate", "justified", "proportionate", "lawful"}
RESPONSE_NOUNS = {"response", "retaliation", "revenge", "reprisal", "answer"}


def justify_statements(doc: Doc, sent: Span, mentions: list[Found], groups, coder: EventCoder,
                       speaker: list[str] = ()) -> list[tuple[list[str], int]]:
    """Speakers who present their own action as necessary or legitimate ("described
    the operation as necessary"), or as an answer to another's ("said the barrage
    was a response to the killing")."""
    out = []
    toks = list(doc[sent.start:sent.end])
    self_defence = [toks[k] for k in range(2, len(toks)) if toks[k].lower_ in ("defence", "defense")
                    and toks[k - 2].lower_ == "self"]  # the tokenizer splits "self-defence"
    copula = next((k for k, t in enumerate(toks) if t.lower_ in ("was", "were", "is", "are")), None)
    if speaker and not self_defence and copula is not None and any(
            t.lower_ in JUSTIFY_WORDS for t in toks[copula + 1:copula + 5]):
        self_defence = [toks[copula]]  # "said the action was necessary and proportionate"
    if speaker and self_defence:
        return [(list(speaker), self_defence[0].i)]  # "says its forces act in self-defence"
    if speaker:
        for k, tok in enumerate(toks[:-1]):
            if tok.lower_ in RESPONSE_NOUNS and toks[k + 1].lower_ in ("to", "for") and k > 0 and \
                    toks[k - 1].lower_ in ("a", "an", "the", "in", "as", "legitimate", "necessary", "justified"):
                out.append((list(speaker), tok.i))
                return out
    for k, tok in enumerate(toks):
        if tok.lower_ not in JUSTIFY_VERBS:
            continue
        rest = [t.lower_ for t in toks[k + 1:k + 12]]
        if "as" not in rest or not any(w in KEYWORDS["justify"] for w in rest):
            continue
        subject = coder._subject(doc, groups, tok.i, (sent.start, sent.end))
        if subject:
            out.append((subject, tok.i))
    return out

