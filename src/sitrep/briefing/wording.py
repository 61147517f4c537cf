"""How coded records read in a briefing: CAMEO codes as plain past-tense verbs,
stances and QuadClasses as words, and citation links.

A phrase paraphrases the code (never quoted); ``{t}`` is where the target goes.
Codes not listed fall back to their CAMEO root, then to the code's own label.
"""

from __future__ import annotations

import html
import re

PHRASES = {
    "01": "made a public statement about {t}", "010": "made a statement about {t}",
    "012": "made a pessimistic comment about {t}", "013": "made an optimistic comment about {t}",
    "014": "considered policy options on {t}", "015": "acknowledged responsibility to {t}",
    "016": "denied responsibility to {t}", "017": "engaged in a symbolic act toward {t}",
    "018": "offered condolences to {t}", "019": "expressed accord with {t}",
    "02": "appealed to {t}", "020": "appealed to {t}", "021": "appealed for cooperation to {t}",
    "022": "appealed for policy support to {t}", "023": "appealed for aid to {t}",
    "024": "appealed for political reform to {t}", "025": "appealed to {t} to yield",
    "0256": "called for de-escalation by {t}", "026": "urged {t} to meet or negotiate",
    "027": "appealed to {t} for a settlement", "028": "appealed to {t} for mediation",
    "03": "expressed intent to cooperate with {t}", "030": "expressed intent to cooperate with {t}",
    "036": "expressed willingness to meet {t}", "039": "offered to mediate with {t}",
    "04": "consulted {t}", "040": "held consultations with {t}", "041": "spoke by telephone with {t}",
    "042": "visited {t}", "043": "hosted {t}", "044": "met {t} at a third location", "045": "mediated with {t}",
    "046": "negotiated with {t}",
    "05": "engaged in diplomatic cooperation with {t}", "051": "praised {t}", "052": "defended {t} verbally",
    "053": "rallied support for {t}", "054": "granted diplomatic recognition to {t}", "055": "apologised to {t}",
    "056": "forgave {t}", "057": "signed an agreement with {t}",
    "06": "cooperated materially with {t}", "07": "provided aid to {t}", "08": "yielded to {t}",
    "0871": "declared a ceasefire with {t}", "09": "investigated {t}",
    "10": "made demands of {t}", "1056": "demanded de-escalation from {t}",
    "11": "criticised {t}", "111": "condemned {t}", "112": "accused {t}", "1123": "accused {t} of aggression",
    "12": "rejected {t}", "13": "threatened {t}", "130": "threatened {t}", "138": "threatened military force against {t}",
    "14": "protested against {t}", "15": "showed military force toward {t}", "152": "raised military alert levels against {t}",
    "16": "reduced relations with {t}", "17": "coerced {t}", "18": "assaulted {t}", "180": "used unconventional violence against {t}",
    "186": "assassinated {t}", "19": "fought {t}", "190": "used military force against {t}",
    "193": "fought {t} with small arms", "194": "fought {t} with artillery and tanks", "195": "carried out air strikes on {t}",
    "20": "used mass violence against {t}",
}
STANCE_WORDS = {
    "condemn": "condemns", "accuse": "accuses", "warn": "warns", "justify": "justifies", "call_ceasefire": "calls for ceasefire",
    "support": "supports", "condole": "condoles", "thank": "thanks", "other": "other statement",
}
STANCE_ORDER = ["condemn", "accuse", "warn", "justify", "call_ceasefire", "support", "condole", "thank", "other"]
CEASEFIRE_WORDS = re.compile(r"\b(cease-?fire|truce|halt|cessation|stop (?:the )?(?:fighting|attacks|strikes)|"
                             r"end (?:to )?(?:the )?(?:fighting|attacks|strikes|hostilities|war))\b", re.I)
QUAD_NAMES = {1: "Verbal cooperation", 2: "Material cooperation", 3: "Verbal conflict", 4: "Material conflict"}


def phrase(code: str, label: str, targets: str | None, evidence: str = "") -> str:
    """The act as a past-tense phrase: "condemned Israel", "called for a ceasefire"."""
    template = PHRASES.get(code) or PHRASES.get(code[:3]) or PHRASES.get(code[:2])
    if template is None:
        template = label[:1].lower() + label[1:] + " ({t})"
    if code in ("0256", "1056") and CEASEFIRE_WORDS.search(evidence):
        template = "called for a ceasefire by {t}" if code == "0256" else "demanded a ceasefire from {t}"
    if targets:
        return template.replace("{t}", targets)
    return re.sub(r"\s*\(?\b(?:by|to|with|about|on|of|from|against|toward|at)?\s*\{t\}\)?", "", template).replace(" to to", " to")


def join_names(names: list[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def cite(ref: int | None, tip: str = "") -> str:
    """A citation link to the numbered evidence list (hover shows the sentence)."""
    if ref is None:
        return ""
    title = f' title="{html.escape(tip, quote=True)}"' if tip else ""
    return f'<a class="cite" href="#ref-{ref}"{title}>[{ref}]</a>'
