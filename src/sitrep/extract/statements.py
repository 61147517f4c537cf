"""Stances of attributed statements: which stance a coded verbal act expresses.

Statements are built in :mod:`sitrep.extract.pipeline` from the verbal events of a
sentence (a condemnation, an appeal for a ceasefire, a warning, condolences, thanks...),
from justification phrasing ("described the operation as necessary", "self-defence")
and, for reported speech with no coded stance, the reporting verb ("X said ...":
stance ``other``). Speakers come from the parse (:meth:`ParseCoder.speakers`).
"""

from __future__ import annotations

STANCES = ("condemn", "support", "call_ceasefire", "warn", "justify", "condole", "thank", "accuse", "other")


def stance_of(code: str, rule: str) -> str | None:
    """The stance a verbal event expresses, or None for non-verbal codes."""
    if rule in ("accuse", "allege", "reported-attack"):
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
