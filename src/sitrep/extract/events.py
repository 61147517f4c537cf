"""Coding events: trigger phrases (spaCy Matcher) plus argument rules.

For every trigger of :mod:`sitrep.extract.lexicon` found in a sentence:

- the **source** is the first subject-like group of actor mentions of the clause
  before the trigger ("Washington and Tel Aviv"); for a noun trigger it may be the
  adjectives right before it ("US and Israeli strikes"), and in the passive the
  agent after "by"/"attributed to";
- the **target** is the first group after the trigger (direct object or after one
  of the trigger's prepositions); appeals keep only an explicit addressee;
- a verbal act whose object reports an attack ("condemned the strikes on Iran")
  targets the attackers, and the reported attack is not coded a second time;
- an attack or killing whose perpetrator the sentence does not name takes it from
  the article's context (the last attackers named), with lower confidence;
- the code is refined by keywords after the trigger ("called for a ceasefire" is
  0256, "called for talks" 026).

Each event keeps the rule that fired, so an analyst can see why it was coded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from sitrep.extract.actors import Found
from sitrep.extract.lexicon import KEYWORDS, REPORTING_VERBS, TITLE_WORDS, TRIGGERS, Trigger, inflect

CLAUSE_BREAKS = {";", "while", "whereas", "but", "although", "though", "—", "–", "that", "which", "who", "whose"}
SUBORDINATORS = {"after", "before", "as", "when", "because", "since", "until", "where", "once", "if"}
INTRO_WORDS = {"according", "in", "during", "after", "before", "on", "at", "speaking", "following", "earlier", "later",
               "hours", "meanwhile", "separately", "also", "however", "in a", "with", "amid", "despite", "as", "since"}
VERB_LEADS = {"has", "have", "had", "also", "then", "later", "again", "to", "and", "will", "would", "could", "may",
              "might", "did", "not", "who", "which", "that", "it", "they", "he", "she", "we", "i", "also", "still", "now",
              "repeatedly", "jointly", "reportedly", "allegedly", "subsequently", "yesterday", "today", "forces",
              "troops", "jets", "militants", "fighters", "rebels", "police"}
DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "both", "all", "other", "several", "some"}
FORCE_NOUNS = {"fire", "gunfire", "shelling", "strike", "strikes", "airstrike", "airstrikes", "attack", "attacks", "bombing", "bombings", "bombardment",
               "raid", "raids", "killing", "killings", "assassination", "invasion", "offensive", "assault", "operation",
               "operations", "war", "aggression", "escalation"}
COORD_GAP = {"and", ",", "at", "on", "in", "against", "to", "the", "also", "across", "into", "targeting"}
GROUP_JOINERS = {"and", ",", "&", "as", "well", "or"}
SUBJECT_BLOCKERS = {"of", "to", "with", "on", "against", "for", "by", "at", "in", "from", "between", "into", "over",
                    "about", "toward", "towards", "across", "near", "than", "under", "after", "before", "during", "among"}
PASSIVE_AUX = {"was", "were", "been", "be", "is", "are", "being", "get", "got"}
FORCE_ROOTS = {"18", "19", "20"}
QUANTITY_WORDS = {"thousands", "hundreds", "dozens", "scores", "tens", "millions", "crowds", "groups", "hundred", "thousand"}
JOINT_ROOTS = {"03", "04", "05", "06", "08"}
PARTICIPLE_FOLLOWERS = {"of", "as", "with", "in", "on", "at", "by", "during", "last", "near", "after", "since", "over", "from", "for", "when",
                        "while", "earlier", "yesterday", "overnight", "inside", "outside", "along", ",", ".", ";", "—", "-"}
RECIPROCAL = {"clash", "exchange-fire", "suspend-treaty", "agree-exchange", "swap-prisoners", "disengage", "resume-exchanges"}  # acts co-subjects do together, coded from the first to the others
MUTUAL = {"clash", "exchange-fire"}  # "Thai and Cambodian troops exchanged fire": each side against the other, both coded
NEGATORS = {"not", "n't", "never", "no"}
NEGATION_GAP = {"yet", "ever", "formally", "officially", "also", "so", "far", "still", "be", "been", "have", "has", "had",
                "will", "would", "did", "does", "do", "could", "can", "immediately", "publicly", "even", "to", "agree",
                "agreed", "want", "wanted", "plan", "planned", "intend", "intended", "decide", "decided", "try", "tried"}
# a cooperative act that is negated ("would not recognise", "has not yet agreed") is a rejection of it
NEGATED_COOPERATION = {"03": "120", "04": "125", "05": "120", "06": "121", "07": "122", "08": "124"}
CONTENT_ROOTS = {"01", "02", "05", "10", "11", "12", "13", "14"}  # appeals, demands, rejections, threats: what follows "to"/"that" is their content
CONTENT_BREAKS = {";", ",", "but", "while", "whereas", "although", "though", "—", "–", "and", "or", "after", "before"}
RECEIVING_VERBS = inflect("receive") | inflect("get") | {"got", "gotten", "took", "taken"}
DOING_WORDS = {"approved", "authorized", "authorised", "cleared", "finalised", "finalized", "with", "launched", "launch", "launches", "launching", "carried", "conducted", "conducts", "staged",
               "mounted", "unleashed", "began", "begun", "stepped", "intensified", "escalated", "resumed"}
REMARK_NOUNS = {"remarks", "remark", "comments", "comment", "statement", "statements", "threat", "threats", "words",
                "accusations", "accusation", "claims", "claim", "speech", "rhetoric", "warning", "warnings", "allegation",
                "allegations", "charge", "charges"}
UNNAMED_ATTACKERS = {"UNIDENTIFIED"}
LEADER_WORDS = {"leader", "commander", "chief", "general", "spokesman", "official", "founder", "head"}
ASPECT_VERBS = {"began", "begin", "begins", "started", "start", "starts", "continued", "continue", "continues", "kept", "keep",
                "keeps", "stopped", "stop", "resumed", "resume", "halted", "were", "was", "is", "are", "be", "been", "am",
                "without", "by", "after", "before", "for", "of", "and", "or", "while", "from", "in", "on"}
LEAD_NOUNS = {"ministers", "minister", "leaders", "leader", "presidents", "heads", "head", "officials", "envoys",
              "delegations", "delegates", "representatives", "governments", "armies", "militaries", "forces", "troops",
              "navies", "chiefs", "spokesmen", "parliaments", "presidents", "premiers", "council", "government", "emir",
              "king", "sultan", "prince", "chancellor", "secretary", "spokesman", "spokeswoman", "spokesperson",
              "ambassador", "envoy", "president", "premier", "queen", "monarch"}
MEDIATION = {"mediate", "offer-mediate"}
NUMBER_WORDS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "several", "many", "dozens",
                "hundreds", "thousands", "some", "few"}
HOSTING = {"host", "host-talks"}
# an act of cooperation someone only intends or offers: CAMEO 03 (express intent to cooperate)
INTENT_CODES = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035"}
INTENT_LEADS = {"considering", "considers", "consider", "planning", "plans", "plan", "ready", "willing", "prepared",
                "intends", "intend", "offered", "offers", "offer", "hopes", "hoping", "wants", "seeks", "seeking",
                "proposed", "proposes", "propose", "pledged", "pledges", "pledge", "promised", "promises", "vowed"}
NOUNISH_REPORTING = {"state", "states", "report", "reports", "claim", "claims", "note", "notes", "stress"}
SPEECH_ROOTS = {"01", "02", "10", "11", "12", "13"}  # acts of speech a reporting subject can do
POSSESSOR_TARGETS = {"ratify", "freeze-membership", "summon-envoy"}  # "ratified Sweden's bid", "summoned China's envoy"
VERBAL_ROOTS = {"01", "02", "03", "04", "05", "09", "10", "11", "12", "13", "14"}


def _is_crowd(actor: str) -> bool:
    """Unnamed people rather than a government: a state's crowds or unplaced civilians."""
    return actor == "CIVILIANS" or actor.endswith(".CROWDS")


@dataclass
class Frame:
    """What the article has established so far: who attacks whom."""

    attackers: list[str] = field(default_factory=list)
    attacked: list[str] = field(default_factory=list)


@dataclass
class Coded:
    """An event before it becomes a record (token positions, actor lists)."""

    code: str
    sources: list[str]
    targets: list[str]
    start: int
    end: int
    rule: str
    confidence: float
    inferred_source: bool = False
    embedded: bool = False
    nominal: bool = False
    mutual: bool = False  # each target also acted against each source ("exchanged fire")
    negated: bool = False  # "did not attack": not an event
    background: bool = False  # in an "after/before/since" clause: earlier context


def _slot(word: str) -> dict:
    if word.startswith("~"):
        return {"OP": "{0,%d}" % int(word[1:])}
    if word.startswith("@"):
        return {"LOWER": {"IN": list(KEYWORDS[word[1:]])}}
    options: set[str] = set()
    for alt in word.split("|"):
        options |= {alt[1:].lower()} if alt.startswith("=") else inflect(alt)
    return {"LOWER": {"IN": sorted(options)}}


def build_matchers(nlp: Language) -> tuple[dict[str, Matcher], dict[str, int], dict[str, Trigger]]:
    """One Matcher per anchor word (a word that can start a trigger) holding every
    pattern that starts with it, the most tokens those patterns can span, and the
    rules by key.

    A pattern is run only where one of its anchor words occurs, over the few
    tokens it can span: one Matcher holding every pattern evaluates all of them
    on every token and was 80% of extraction time; one Matcher per trigger needed a
    call per trigger and anchor (a quarter of it)."""
    patterns: dict[str, list[tuple[str, list[dict]]]] = {}
    spans: dict[str, int] = {}
    rules: dict[str, Trigger] = {}
    for n, trig in enumerate(TRIGGERS):
        key = f"T{n:03d}"
        rules[key] = trig
        slots = [_slot(w) for w in trig.pattern.split()]
        for word in slots[0]["LOWER"]["IN"]:
            patterns.setdefault(word, []).append((key, slots))
            spans[word] = max(spans.get(word, 0), pattern_length(trig.pattern))
    matchers: dict[str, Matcher] = {}
    for word, entries in patterns.items():
        matcher = Matcher(nlp.vocab)
        for key, slots in entries:
            matcher.add(key, [slots])
        matchers[word] = matcher
    return matchers, spans, rules


def pattern_length(pattern: str) -> int:
    """The most tokens a trigger pattern can span ("~3" is up to three free words)."""
    return sum(int(word[1:]) if word.startswith("~") else 1 for word in pattern.split())


class EventCoder:
    def __init__(self, nlp: Language, codebook: dict, is_person=lambda actor: False):
        self.registry_person = is_person
        self.matchers, self.spans, self.rules = build_matchers(nlp)
        self.strings = nlp.vocab.strings
        self.codebook = codebook
        self.order = {key: n for n, key in enumerate(self.rules)}

    # --- triggers ------------------------------------------------------------------
    def triggers(self, doc: Doc, sent: Span, mentions: list[Found]) -> list[tuple[Trigger, int, int]]:
        """Non-overlapping trigger matches: the longest per token, then list order."""
        covered = {i for m in mentions for i in range(m.start, m.end) if m.kind not in ("adjective",)}
        people_ends = {m.end for m in mentions if _is_crowd(m.actor) or m.actor == "UNIDENTIFIED"}
        found = []
        matches = []
        for tok in doc[sent.start:sent.end]:
            matcher = self.matchers.get(tok.lower_)
            if matcher is None:
                continue
            # the patterns start at this anchor word: match only the window they can span
            window = doc.doc[tok.i:min(sent.end, tok.i + self.spans[tok.lower_])]
            matches.extend((self.strings[match_id], tok.i, tok.i + end) for match_id, start, end in matcher(window) if start == 0)
        for key, start, end in matches:
            if start in covered:
                continue
            trig = self.rules[key]
            if start > sent.start and doc[start - 1].text in ("-", "‑"):
                continue  # "Iran-backed", "Saudi-led": part of a compound adjective, not a verb
            if not trig.nominal and trig.code[:2] in FORCE_ROOTS and doc[start].lower_.endswith("ing") \
                    and self._participle_modifier(doc, start, sent, covered):
                continue  # "sanctions against Russia targeting its fleet": describes a noun
            if not trig.nominal and trig.code[:2] not in FORCE_ROOTS and doc[start].lower_.endswith("ing") \
                    and start > sent.start and start - 1 not in covered and doc[start - 1].is_alpha \
                    and doc[start - 1].text.islower() and doc[start - 1].lower_ not in VERB_LEADS | ASPECT_VERBS | INTENT_LEADS \
                    and not doc[start - 1].lower_.endswith(("ly", "ing")):  # "considering sending" is a verb chain
                continue  # "a draft resolution demanding a ceasefire": what the resolution says
            if self._hypothetical(doc, start, sent):
                continue  # "if it provides lethal aid": a condition, not an act
            if trig.code[:2] == "14" and start > sent.start and doc[start - 1].lower_ in ("to", "in"):
                continue  # "summoned the envoy to protest", "recalled its ambassador in protest": a purpose, not a protest
            people_before = start in people_ends and doc[start].lower_.endswith("ed") and start + 1 < sent.end \
                and doc[start + 1].lower_ in ("of", "by", "for", "with")  # "accused of", "held by", "wanted for"
            if people_before:
                continue  # "three Americans accused of plotting": describes them, not an act of theirs
            if not trig.nominal and start - 1 not in covered and self._reduced_relative(doc, start, sent) \
                    and not self._agent_follows(doc, end, sent, covered):
                continue  # "a British couple detained in Afghanistan": a participle describing a noun
            if trig.code[:2] in FORCE_ROOTS and start > sent.start and doc[start - 1].lower_ == "to" \
                    and (start < 2 or doc[start - 2].lower_ not in ("according", "due", "attributed", "response", "up")):
                continue  # "urged Iran not to attack": the content of an appeal, not an attack
            if not trig.nominal and trig.code[:2] not in FORCE_ROOTS and end - start == 1 and start > sent.start \
                    and doc[start - 1].lower_ in DETERMINERS | {"'s", "’s", "unconditional"}:
                continue
            window = [t.lower_ for t in doc[start:end]] + self._window(doc, sent, end, trig.window)
            if trig.requires and not self._has(window, trig.requires):
                continue
            if trig.unless and self._has([t.lower_ for t in doc[start:end]], trig.unless):
                continue
            if trig.name == "discuss" and start > sent.start and doc[start - 1].lower_ == "to":
                continue  # the purpose of a visit or call, not a separate act
            after = end + 1 if end < sent.end and doc[end].lower_ == "over" else end  # "handed over" is phrasal
            if trig.name == "send-aid" and any(t.lower_ in ("into", "over", "across", "against", "at")
                                               for t in doc[after:min(sent.end, end + 6)]):
                continue  # "sent drones into Lithuania" is no delivery of aid
            found.append((trig, start, end, self.order[key]))
        found.sort(key=lambda x: (x[1], -(x[2] - x[1]), x[3]))
        chosen: list[tuple[Trigger, int, int]] = []
        taken: set[int] = set()
        for trig, start, end, _ in found:
            if start in taken:
                continue
            chosen.append((trig, start, end))
            taken.update(range(start, end))
        return chosen

    @staticmethod
    def _window(doc: Doc, sent: Span, end: int, size: int) -> list[str]:
        return [t.lower_ for t in doc[end:min(sent.end, end + size)]]

    @staticmethod
    def _has(words: list[str], keyset: str) -> bool:
        keys = KEYWORDS[keyset]
        return any(w in keys for w in words)

    # --- arguments -----------------------------------------------------------------
    def code_sentence(self, doc: Doc, sent: Span, mentions: list[Found], frame: Frame, speaker: list[str],
                      last_speakers: list[str] = ()) -> list[Coded]:
        triggers = self.triggers(doc, sent, mentions)
        if not triggers:
            return []
        groups = self._groups(doc, mentions)
        mention_starts = {m.start for m in mentions}
        people_ends = {m.end for m in mentions if _is_crowd(m.actor)}
        mention_ends = {m.end for m in mentions if m.kind != "adjective"  # "Israeli strikes" is a noun phrase
                        and not (m.start > 0 and doc[m.start - 1].lower_ in DETERMINERS)}  # and so is "the US strikes"
        clauses = self._clauses(doc, sent, {m.start for m in mentions})
        coded: list[Coded] = []
        last_source: list[str] = []
        for trig, start, end in triggers:
            clause = next((c for c in clauses if c[0] <= start < c[1]), (sent.start, sent.end))
            if end > clause[1]:  # "announced sanctions against": a trigger running past a reporting verb's break
                clause = (clause[0], next((c[1] for c in clauses if c[0] <= end - 1 < c[1]), sent.end))
            code = self._refine(trig, doc, sent, end)
            passive = self._passive_agent(doc, groups, start, end, clause)
            sources, inferred = [], False
            nominal = trig.nominal or self._is_gerund(doc, start) or self._noun_use(doc, start, mention_ends)
            between = self._between(doc, groups, end, clause) if nominal else None
            if between and trig.name in MEDIATION:
                between = (self._subject(doc, groups, start, clause), between[0] + between[1])  # mediators act on both
            if passive:
                sources = passive
            elif between:
                sources = between[0]
            elif nominal:
                sources = self._nominal_source(doc, groups, start, end, clause)
                if not sources and code[:2] in FORCE_ROOTS | {"17", "06"} and self._done_with(doc, start, clause):
                    sources = self._subject(doc, groups, start, clause)  # "X responded with air strikes on Y"
            if not sources and (not nominal or code[:2] == "04") and speaker and code[:2] in SPEECH_ROOTS \
                    and self._coordinated_after_report(doc, start, clause):
                sources = list(speaker)  # "X said Y ... and vowed to respond": X vowed
            if not sources and not nominal and speaker and code[:2] in SPEECH_ROOTS and start > sent.start \
                    and doc[start - 1].lower_ in ("he", "she", "they", "we") and (start - 1) not in mention_starts:
                sources = list(speaker)  # "for what he called aggression": the speaker, not the clause's first actor
            if not sources and not nominal and doc[start].lower_.endswith("ing") and start in people_ends:
                sources = [m.actor for m in mentions if m.end == start][:1]  # "students protesting against cuts"
            if not sources and (not nominal or code[:2] == "04"):
                sources = self._subject(doc, groups, start, clause)
            if not sources and last_source and code[:2] in VERBAL_ROOTS:
                sources = last_source  # "X condemned ... and called for ..."
            if not sources and code[:2] in VERBAL_ROOTS and speaker:
                sources, inferred = speaker, True
            targets = between[1] if between else self._target(doc, groups, trig, start, end, clause, code, exclude=set(sources))
            if passive:
                targets = [t for t in targets if t not in passive]
            inner = self._inner_targets(doc, mentions, start, end, exclude=set(sources), possessors=trig.name in POSSESSOR_TARGETS)
            if inner and (not targets or end - start > 2):
                targets = inner  # the object inside the trigger comes before anything after it
            if not targets and coded and coded[-1].targets and end < sent.end and doc[end].lower_ in ("them", "him", "her") \
                    and not set(coded[-1].targets) & set(sources):
                targets = list(coded[-1].targets)  # "expelled three diplomats, accusing them of ...": the same people
            if not targets and code[:2] in ("03", "05", "06", "07") and coded and coded[-1].targets \
                    and coded[-1].sources == sources and start - 1 > sent.start and doc[start - 1].lower_ == "and":
                targets = list(coded[-1].targets)  # "met X ... and pledged support": to X
            if not targets and code[:2] in ("02", "10", "11", "12", "13") and end < clause[1] + 1 and end < len(doc) \
                    and doc[end].lower_ == "that":
                targets = self._that_subject(doc, groups, end, sent, exclude=set(sources))
            if not targets and len(sources) > 1 and (trig.name == "exchange-accusations" or end + 1 < sent.end
                                                     and (doc[end].lower_, doc[end + 1].lower_) in (("each", "other"), ("one", "another"))):
                targets = list(sources)  # "Kyiv and Moscow blamed each other": each against the other
            if not targets and len(sources) > 1 and (code[:2] in JOINT_ROOTS or trig.name in RECIPROCAL) \
                    and (not nominal or code[:2] == "04") \
                    and trig.name not in MEDIATION \
                    and not passive:
                sources, targets = sources[:1], sources[1:]  # "Serbia and Kosovo signed an agreement"
            if not targets and code[:2] in ("11", "12"):
                targets = self._remarks_by(doc, groups, end, clause, exclude=set(sources))
            if not targets and code[:2] in ("12",) and last_source and not set(last_source) & set(sources) \
                    and any(t.lower_ in REMARK_NOUNS for t in doc[max(sent.start, start - 7):start]):
                targets = list(last_source)  # "X accused Y of ..., an allegation Y rejected": aimed at X
            if not targets and code[:2] in ("11", "12") and last_speakers and \
                    any(t.lower_ in REMARK_NOUNS for t in doc[end:min(clause[1], end + 4)]):
                targets = [a for a in last_speakers if a not in sources]  # "condemned the remarks": their speaker
            if passive:
                before = self._subject(doc, groups, start, clause, allow_locative=True)
                if before and not set(before) & set(sources):
                    targets = before
            elif self._agentless_passive(doc, start, end):
                # "Khamenei had been killed": the subject is the victim; the agent comes from context
                before = self._subject(doc, groups, start, clause, allow_locative=True)
                if before:
                    targets, sources = before, []
            if code[:2] == "19" and sources and all(_is_crowd(a) for a in sources):
                code = "145"  # crowds clashing with police: a violent protest, not armed combat
            if trig.name == "protest" and sources and not any(_is_crowd(a) for a in sources):
                code = "114"  # "Seoul protested against Tokyo's claim": an official complaint, not a demonstration
            if trig.name == "kill":  # after the passive: "X had been killed" makes X the target
                if any(self.registry_person(t) for t in targets) or any(
                        t.lower_ in LEADER_WORDS for t in doc[end:min(clause[1], end + 5)]):
                    code = "186"  # a named person or "a senior commander": a targeted killing
                elif sources and all(a in UNNAMED_ATTACKERS for a in sources):
                    code = "180"  # "gunmen killed 20 villagers": violence outside armed combat
            elif trig.name == "attack" and sources and all(a in UNNAMED_ATTACKERS for a in sources) and code == "190":
                code = "180"  # "gunmen stormed a church": an assault, not armed combat between forces
            if not sources and code[:2] in FORCE_ROOTS and frame.attackers:
                sources, inferred = [a for a in frame.attackers if a not in targets], True
            if (not sources or sources == ["CIVILIANS"]) and (code[:2] == "14" or trig.name == "set-fire"):
                place = next((g[0].actor for g in groups if start < g[0].start < clause[1] and g[0].locative), None)
                if place and "." not in place:
                    sources = [f"{place}.CROWDS"]  # "protests erupted across Kenya": Kenyans protested
            if trig.name == "set-fire" and sources and all(_is_crowd(a) for a in sources):
                code = "145"  # "protesters set fire to parliament": a violent protest
            if trig.name == "provocation" and not targets and frame.attackers:
                targets = [a for a in frame.attackers if a not in sources]  # "the incursion was a provocation"
            if trig.name == "pay-price":
                threatened = self._subject(doc, groups, start, clause)
                sources, targets, inferred = list(speaker), [a for a in threatened if a not in speaker], False
            if not sources and trig.name in ("suicide-bombing",):
                sources = ["UNIDENTIFIED"]  # "a car bomb exploded near ...": nobody named
            explicit_targets = bool(targets)
            if not targets and code[:2] in FORCE_ROOTS and frame.attacked and sources and not set(frame.attacked) & set(sources):
                targets = list(frame.attacked)
            if not targets and trig.embedding and trig.target != "none" and code[:2] in VERBAL_ROOTS and frame.attackers:
                topic = {t.lower_ for t in doc[start:min(clause[1], end + trig.window)]}
                if topic & FORCE_NOUNS:  # "described the bombings as aggression": aimed at the attackers
                    targets = [a for a in frame.attackers if a not in sources]
            if code[:2] == "04" and sources and targets and self._received_from(doc, start, end, clause):
                sources, targets = targets, sources  # "X received a phone call from Y": Y called X
            negated = self._negated(doc, start, sent)
            rule = trig.name
            if code[:2] in INTENT_CODES and self._intended(doc, start, sent):
                code, rule = INTENT_CODES[code[:2]], f"intent-{trig.name}"  # "is considering sending", "ready to resume"
            if negated and code[:2] in NEGATED_COOPERATION:
                code, rule, negated = NEGATED_COOPERATION[code[:2]], f"not-{trig.name}", False
            item = Coded(code, sources, targets, start, end, rule, 0.0, inferred)
            item.nominal = nominal
            item.negated = negated
            item.embedded = negated
            item.background = doc[clause[0]].lower_ in ("after", "before", "since", "following", "which", "who") \
                and clause[0] > sent.start  # earlier context, or a relative clause about someone
            item.mutual = trig.name in MUTUAL and code[:2] == "19" and bool(sources) and bool(targets)
            if nominal and code[:2] in FORCE_ROOTS and inferred and (
                    (start > 0 and doc[start - 1].lower_ in ("the", "these", "those", "this", "further", "its", "their"))
                    or not explicit_targets):
                item.embedded = True  # "the strikes", "a wave of airstrikes": a known attack, referred to again
            coded.append(item)
            if sources and code[:2] in VERBAL_ROOTS:
                last_source = sources
        self._killed_in_attacks(doc, coded)
        self._resolve_embedding(coded, triggers, frame)
        self._mark_content(doc, coded, {m.start for m in mentions})
        for c in sorted(coded, key=lambda c: not c.background):  # the main clause's acts set the frame last
            if c.negated:
                c.confidence = self._confidence(c)
                continue
            if c.code[:2] in FORCE_ROOTS and not c.inferred_source and c.sources:
                frame.attackers = list(dict.fromkeys(c.sources))
            if c.code[:2] in FORCE_ROOTS and c.targets and not c.embedded \
                    and not all(self.registry_person(t) for t in c.targets):  # a person killed: the attacked side stays
                frame.attacked = [t for t in dict.fromkeys(c.targets)]
            c.confidence = self._confidence(c)
        return coded

    def _refine(self, trig: Trigger, doc: Doc, sent: Span, end: int) -> str:
        window = self._window(doc, sent, end, trig.window)
        before = [t.lower_ for t in doc[max(sent.start, end - 6):end]]
        for keyset, code in trig.refine:
            if self._has(window, keyset) or (keyset in ("air", "artillery") and self._has(before, keyset)):
                return code
        return trig.code

    @staticmethod
    def _clauses(doc: Doc, sent: Span, mention_starts: set[int] = frozenset()) -> list[tuple[int, int]]:
        """Clause boundaries: conjunctions and relative pronouns, the end of a
        reporting verb ("X said [that] Y ..."), and a subordinator followed by a
        named actor ("..., hours after the United States struck ...")."""
        bounds = [sent.start]
        for tok in doc[sent.start:sent.end]:
            if tok.i == sent.start:
                continue
            if tok.lower_ in CLAUSE_BREAKS:
                bounds.append(tok.i)
            elif tok.lower_ in REPORTING_VERBS and tok.text.islower() and tok.i + 1 < sent.end \
                    and not (tok.lower_ in NOUNISH_REPORTING and EventCoder._after_determiner(doc, tok.i, sent)):
                bounds.append(tok.i + 1)
            elif tok.lower_ in SUBORDINATORS and (tok.i + 1 in mention_starts or (tok.i + 2 in mention_starts and doc[tok.i + 1].lower_ in DETERMINERS)):
                bounds.append(tok.i)
            elif tok.lower_ == "and" and tok.i - 2 >= sent.start and doc[tok.i - 1].text == "," \
                    and doc[tok.i - 2].text.islower() and doc[tok.i - 2].is_alpha \
                    and (tok.i + 1 in mention_starts or (tok.i + 2 in mention_starts and doc[tok.i + 1].lower_ in DETERMINERS)):
                bounds.append(tok.i)  # "... sent envoys to both capitals, and China urged ...": a second main clause
            elif tok.text == "," and tok.i + 2 < sent.end and doc[tok.i + 1].lower_ in ("a", "an") \
                    and doc[tok.i + 2].lower_ in REMARK_NOUNS | {"move", "decision", "step"}:
                bounds.append(tok.i + 1)  # "..., an allegation the Gulf state rejected": a clause with its own subject
        bounds.append(sent.end)
        bounds = sorted(set(bounds))
        return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]

    @staticmethod
    def _after_determiner(doc: Doc, i: int, sent: Span) -> bool:
        """A noun, not a verb: "the state", "the Gulf state", "a report"."""
        prev = doc[i - 1].lower_ if i > sent.start else ""
        prev2 = doc[i - 2].lower_ if i - 1 > sent.start else ""
        return prev in DETERMINERS or (doc[i - 1].text[:1].isupper() and prev2 in DETERMINERS)

    @staticmethod
    def _groups(doc: Doc, mentions: list[Found]) -> list[list[Found]]:
        """Mentions joined by "and" / commas form one group (coordinated actors)."""
        groups: list[list[Found]] = []
        for m in mentions:
            if groups:
                last = groups[-1][-1]
                gap = [t.lower_ for t in doc[last.end:m.start]]
                titled = [t for t in doc[last.end:m.start] if t.lower_ not in GROUP_JOINERS]
                appositive = m.end < len(doc) and doc[m.end].lower_ in ("'s", "’s")  # "Belarus, Russia's close ally,"
                if "and" in gap and all(t.lower_ in TITLE_WORDS or t.text[:1].isupper() for t in titled) \
                        or gap == [","] and m.kind == last.kind == "name" and not appositive:
                    groups[-1].append(m)
                    continue
                if (not gap and m.start == last.end) or (m.start == last.start and m.end == last.end):
                    groups[-1].append(m)
                    continue
            groups.append([m])
        return groups

    @staticmethod
    def _ids(group: list[Found]) -> list[str]:
        return list(dict.fromkeys(m.actor for m in group))

    def _subject(self, doc: Doc, groups, start: int, clause, allow_locative: bool = False) -> list[str]:
        """The clause's subject: its first actor group before the trigger, after any
        introductory phrase ("According to the Kremlin, ...", "In Brussels, ...").
        A first group introduced by a preposition is not a subject. After a relative
        clause set off by commas ("A, which mediated ..., called on ...") it is the
        subject before the relative pronoun."""
        found = self._first_subject(doc, groups, start, clause, allow_locative)
        if not found and clause[0] >= 1 and doc[clause[0]].lower_ in ("which", "who") \
                and not any(t.text == "," for t in doc[clause[0] + 1:start]):
            k = clause[0] - 1 if doc[clause[0] - 1].text == "," else clause[0]
            before = [g for g in groups if g[-1].end in (k, k - 1) and g[-1].end <= clause[0]]
            if before:  # "the M23 rebels, who seized Goma": the antecedent acts
                return self._ids(before[-1])
        if found or clause[0] < 1 or doc[clause[0]].lower_ not in ("which", "who") or doc[clause[0] - 1].text != ",":
            return found
        if not any(t.text == "," for t in doc[clause[0] + 1:start]):
            return found  # still inside the relative clause
        k = clause[0] - 1
        while k > 0 and doc[k - 1].lower_ not in (";",) and doc[k - 1].text not in (".",) and k > clause[0] - 25:
            k -= 1
        return self._first_subject(doc, groups, clause[0], (k, clause[0]), allow_locative)

    def _first_subject(self, doc: Doc, groups, start: int, clause, allow_locative: bool = False) -> list[str]:
        intro_end = clause[0]
        first_word = doc[clause[0]].lower_ if clause[0] < len(doc) else ""
        if first_word in INTRO_WORDS or first_word in SUBORDINATORS or first_word.endswith("ing"):
            comma = next((t.i for t in doc[clause[0]:min(start, clause[0] + 10)] if t.text == ","), None)
            if comma is not None:
                intro_end = comma + 1
            elif first_word in SUBORDINATORS:
                intro_end = clause[0] + 1  # "... after France backed ...": the clause's own subject follows
        for group in groups:
            first = group[0]
            if first.start < intro_end or first.start >= start or first.start >= clause[1]:
                continue
            k = first.start - 1
            while k > intro_end and doc[k].lower_ in DETERMINERS:
                k -= 1
            prev = doc[k].lower_ if intro_end <= k < first.start else ""
            if prev == "of" and k - 1 >= intro_end and (doc[k - 1].lower_ in QUANTITY_WORDS or doc[k - 1].lower_ in LEAD_NOUNS):
                prev = ""  # "thousands of protesters", "dozens of gunmen", "the foreign ministers of A and B"
            if prev in SUBJECT_BLOCKERS:
                return []
            if any(m.locative for m in group) and not allow_locative:
                continue
            between = [t.lower_ for t in doc[group[-1].end:start]]
            sub = next((k for k, w in enumerate(between) if w in ("after", "before", "when", "since", "as", "while")), None)
            if sub is not None and "," not in between[sub:] and start - group[-1].end > 2:
                return []  # "X summoned Y after a clash injured a sailor": the clash is not X's act
            return self._ids(group)
        return []

    @staticmethod
    def _noun_use(doc: Doc, start: int, mention_ends: set[int]) -> bool:
        """Is a word like 'strikes' or 'attacks' used as a noun here? A verb follows
        its subject (an actor), an auxiliary, an adverb or 'to'; a noun follows an
        article, an adjective, a preposition or another verb."""
        word = doc[start].lower_
        if not (word.endswith("s") or word in FORCE_NOUNS) or word.endswith("ss"):
            return False
        if start in mention_ends or start == 0:
            return False
        prev = doc[start - 1].lower_
        return prev not in VERB_LEADS and not (prev.endswith("ly") and prev not in ("early", "daily", "likely"))

    @staticmethod
    def _intended(doc: Doc, start: int, sent: Span) -> bool:
        """"considering sending", "ready to resume", "offered to host": not done yet."""
        before = [t.lower_ for t in doc[max(sent.start, start - 3):start]]
        if before[-2:] in (["is", "to"], ["are", "to"]):
            return True  # "under the agreement, Rwanda is to withdraw": an undertaking
        return any(w in INTENT_LEADS for w in before) and (before[-1:] == ["to"] or doc[start].lower_.endswith("ing"))

    @staticmethod
    def _coordinated_after_report(doc: Doc, start: int, clause) -> bool:
        """A verb joined by "and" to a clause that reports speech: "X said ... and vowed"."""
        if start - 1 <= clause[0] or doc[start - 1].lower_ != "and":
            return False
        if clause[0] - 1 >= 0 and doc[clause[0] - 1].lower_ in REPORTING_VERBS:
            return True  # "X said [the strikes killed ...] and vowed"
        return doc[clause[0]].lower_ == "that" and any(t.lower_ in REPORTING_VERBS for t in doc[max(0, clause[0] - 4):clause[0]])

    @staticmethod
    def _killed_in_attacks(doc: Doc, coded: list[Coded]) -> None:
        """"Dozens were killed in Israeli air strikes": the killing is the attack's,
        coded once, from the attackers to the victims."""
        for i, kill in enumerate(coded):
            if kill.rule != "kill" or kill.sources or not kill.targets:
                continue
            attack = next((c for c in coded[i + 1:] if c.code[:2] in FORCE_ROOTS and c.nominal and c.sources
                           and not c.inferred_source and 0 < c.start - kill.end <= 4
                           and doc[kill.end].lower_ in ("in", "by", "during")), None)
            if attack is not None:
                kill.sources = list(attack.sources)
                if not attack.targets:
                    attack.embedded = True  # the same act: keep the one that names the victims

    @staticmethod
    def _participle_modifier(doc: Doc, start: int, sent: Span, covered: set[int]) -> bool:
        """An -ing form right after a noun or a named actor, with no auxiliary or
        aspect verb before it: "sanctions targeting", "a campaign attacking"."""
        if start == sent.start:
            return False
        prev = doc[start - 1]
        if prev.lower_ in ASPECT_VERBS or prev.lower_ in PASSIVE_AUX or not prev.is_alpha:
            return False
        return start - 1 in covered or (prev.text.islower() and prev.lower_ not in VERB_LEADS and not prev.lower_.endswith("ly"))

    def _remarks_by(self, doc: Doc, groups, end: int, clause, exclude: set[str]) -> list[str]:
        """"rejected the remarks made by the Chinese envoy": whoever made them."""
        words = [t.lower_ for t in doc[end:min(clause[1], end + 4)]]
        if not any(w in REMARK_NOUNS for w in words):
            return []
        for group in groups:
            first = group[0]
            if end < first.start <= end + 8 and first.start < clause[1]:
                k = first.start - 1
                while k > end and doc[k].lower_ in DETERMINERS:
                    k -= 1
                if doc[k].lower_ == "by":
                    return [a for a in self._ids(group) if a not in exclude]
        return []

    @staticmethod
    def _hypothetical(doc: Doc, start: int, sent: Span) -> bool:
        """Inside an "if" or "unless" clause (before any comma): a condition."""
        k = start - 1
        while k >= sent.start and start - k <= 10:
            word = doc[k].lower_
            if word in (",", ";", "then", "—"):
                return False
            if word in ("if", "unless"):
                return True
            k -= 1
        return False

    @staticmethod
    def _agent_follows(doc: Doc, end: int, sent: Span, covered: set[int]) -> bool:
        """"a deal brokered by Qatar": a participle with a named agent reports an act."""
        k = end + 1
        while k < sent.end and doc[k].lower_ in DETERMINERS:
            k += 1
        return end < sent.end and doc[end].lower_ == "by" and k in covered

    @staticmethod
    def _reduced_relative(doc: Doc, start: int, sent: Span) -> bool:
        """A past participle right after a common noun that follows an article or a
        number, and followed by a preposition or the end: "a couple detained in",
        "the soldiers killed on Monday", "two men arrested last week"."""
        word = doc[start].lower_
        if not word.endswith("ed") or start - 2 < sent.start:
            return False
        noun, before = doc[start - 1], doc[start - 2]
        if not noun.is_alpha or not noun.text.islower() or noun.lower_ in VERB_LEADS or noun.lower_.endswith("ly") \
                or noun.lower_ in ("and", "or", "but", "that", "who", "which", "been", "had", "has", "have", "were", "was"):
            return False
        after = doc[start + 1].lower_ if start + 1 < sent.end else "."
        if after not in PARTICIPLE_FOLLOWERS:
            return False  # "the dam threatened its survival": an object follows, so it is the verb
        if before.lower_ in DETERMINERS or before.lower_ in NUMBER_WORDS or before.text.isdigit() \
                or (before.text[:1].isupper() and before.is_alpha and before.i > sent.start):  # "a British couple detained"
            return True
        further = doc[start - 3] if start - 3 >= sent.start else None  # "two foreign tankers accused of"
        return further is not None and before.is_alpha and before.text.islower() \
            and (further.lower_ in DETERMINERS or further.lower_ in NUMBER_WORDS or further.text.isdigit())

    @staticmethod
    def _inner_targets(doc: Doc, mentions: list[Found], start: int, end: int, exclude: set[str],
                       possessors: bool = False) -> list[str]:
        """An actor inside a multi-word trigger: "released four Armenian soldiers",
        "hosted Chinese President Xi Jinping at" (not a possessor: "reiterated
        Russia's support for" names the speaker's side, unless the rule says so:
        "ratified Sweden's bid")."""
        return list(dict.fromkeys(
            m.actor for m in mentions if start < m.start < end and m.actor not in exclude
            and (possessors or not (m.end < len(doc) and doc[m.end].lower_ in ("'s", "’s")))))

    def _that_subject(self, doc: Doc, groups, end: int, sent: Span, exclude: set[str]) -> list[str]:
        """"demanded that the Philippines withdraw": the subject of the that-clause."""
        for group in groups:
            first = group[0]
            if first.start in (end + 1, end + 2) and (first.start == end + 1 or doc[end + 1].lower_ in DETERMINERS):
                return [a for a in self._ids(group) if a not in exclude]
        return []

    @staticmethod
    def _done_with(doc: Doc, start: int, clause) -> bool:
        """Is a force noun the object of a verb of doing ("responded with", "launched",
        "carried out", "conducted")? Up to three modifiers may stand between."""
        k = start - 1
        while k >= clause[0] and start - k <= 6:
            word = doc[k].lower_
            if word in DOING_WORDS or (word == "for" and k > clause[0] and doc[k - 1].lower_ in ("blamed", "responsible")):
                return True  # "... were blamed for a cyberattack on ..."
            if not doc[k].is_alpha or word in SUBJECT_BLOCKERS - {"with"} or doc[k].text[:1].isupper():
                return False
            k -= 1
        return False

    @staticmethod
    def _is_gerund(doc: Doc, start: int) -> bool:
        """'the killing of', 'accused of shelling' are noun phrases, not verbs."""
        if not doc[start].lower_.endswith("ing") or start == 0:
            return False
        prev = doc[start - 1].lower_
        if prev.endswith("ly") and start > 1:  # "accused of deliberately targeting"
            prev = doc[start - 2].lower_
        return prev in DETERMINERS | {"of", "for"}

    def _between(self, doc: Doc, groups, end: int, clause):
        """'talks between A and B': (sources, targets) = ([A], [B])."""
        for group in groups:
            first = group[0]
            if end <= first.start <= end + 2 and first.start < clause[1] and doc[first.start - 1].lower_ == "between" and len(group) >= 2:
                ids = self._ids(group)
                return ids[:1], ids[1:]
        return None

    def _nominal_source(self, doc: Doc, groups, start: int, end: int, clause) -> list[str]:
        """'US and Israeli strikes', 'Putin's call for', or 'strikes attributed to/by X'."""
        for group in groups:
            last = group[-1]
            if last.end <= start and start - last.end <= 3 and last.start >= clause[0]:
                between = [t.lower_ for t in doc[last.end:start]]
                if all(w in ("'s", "’s", "military", "missile", "air", "drone", "rocket", "naval", "joint", "new", "latest", "fresh", "immediate") for w in between):
                    return self._ids(group)
        return self._passive_agent(doc, groups, start, end, clause)

    def _passive_agent(self, doc: Doc, groups, start: int, end: int, clause) -> list[str]:
        for group in groups:
            first = group[0]
            if end <= first.start <= end + 4 and first.start < clause[1]:
                lead = [t.lower_ for t in doc[end:first.start]]
                while lead and lead[-1] in DETERMINERS:
                    lead.pop()
                if lead in (["by"], ["attributed", "to"], ["carried", "out", "by"], ["launched", "by"]):
                    return self._ids(group)
        return []

    @staticmethod
    def _agentless_passive(doc: Doc, start: int, end: int) -> bool:
        prev = doc[start - 1].lower_ if start > 0 else ""
        return prev in PASSIVE_AUX and doc[start].lower_.endswith(("ed", "en")) and not doc[start].lower_.endswith("ing")

    def _target(self, doc: Doc, groups, trig: Trigger, start: int, end: int, clause, code: str, exclude: set[str]) -> list[str]:
        if trig.target == "none":
            return self._addressee(doc, groups, end, clause)
        limit = min(clause[1], end + (trig.near or trig.window))
        for group in groups:
            first = group[0]
            if first.start < end or first.start >= clause[1]:
                continue
            if first.start >= limit and not all(t.lower_ in TITLE_WORDS or t.lower_ in DETERMINERS or (t.is_alpha and t.text[:1].isupper())
                                                for t in doc[end:first.start]):
                continue  # beyond reach, unless only titles stand between ("met his Egyptian counterpart X", "met Polish President X")
            prev = doc[first.start - 1].lower_
            prev2 = doc[first.start - 2].lower_ if first.start >= 2 else ""
            k = first.start - 1
            while k > end and doc[k].lower_ in DETERMINERS:
                k -= 1
            if doc[k].lower_ == "by" or (prev == "to" and prev2 in ("according", "attributed")):
                continue  # "by (the) X" is an agent, not a target
            if any(m.locative for m in group) and code[:2] not in FORCE_ROOTS and prev not in trig.preps:
                continue
            if trig.preps and prev in SUBJECT_BLOCKERS and prev not in trig.preps and prev != "of":
                if prev not in ("to", "on", "against", "at", "with", "for", "into", "in", "over", "about"):
                    continue
            if prev == "between" and len(group) >= 2:
                if trig.name in MEDIATION | HOSTING:
                    return [a for a in self._ids(group) if a not in exclude]  # "mediating between A and B": both
                if code[:2] in ("04", "19"):
                    return self._ids(group)[1:]  # "talks between A and B"
                continue  # "welcomed the agreement between A and B": the parties are not the addressee
            ids = [a for a in self._ids(group) if a not in exclude]
            if ids:
                return ids + self._coordinated(doc, groups, group, limit, exclude | set(ids))
        return []

    def _coordinated(self, doc: Doc, groups, group, limit: int, exclude: set[str]) -> list[str]:
        """A second target joined by "and" with its own preposition: "at Israel and at
        Gulf states", "on Iran and on its allies"."""
        after = [g for g in groups if g[0].start >= group[-1].end]
        if not after or after[0][0].start >= limit:
            return []
        gap = [t.lower_ for t in doc[group[-1].end:after[0][0].start]]
        if any(t.lower_ in REPORTING_VERBS for t in doc[after[0][-1].end:min(len(doc), after[0][-1].end + 3)]):
            return []  # "..., Pashinyan said", "..., the Polish military said": the speaker, not a second target
        if gap and gap[0] in ("and", ",") and len(gap) <= 4 and all(w in COORD_GAP for w in gap):
            return [a for a in self._ids(after[0]) if a not in exclude]
        return []

    def _addressee(self, doc: Doc, groups, end: int, clause) -> list[str]:
        """Appeals name an addressee only as 'on X to' / 'X to' right after the trigger."""
        for group in groups:
            first = group[0]
            if end <= first.start <= end + 2 and first.start < clause[1]:
                lead = [t.lower_ for t in doc[end:first.start]]
                after = doc[group[-1].end].lower_ if group[-1].end < len(doc) else ""
                if lead in ([], ["on"], ["upon"]) and after == "to":
                    return self._ids(group)
        return []

    @staticmethod
    def _negated(doc: Doc, start: int, sent: Span) -> bool:
        """Is the trigger negated: "would not recognise", "has not yet agreed to meet",
        "did n't attend", "no talks"? ("urged X not to attack": the content of an
        appeal, not a negated act.)"""
        k = start - 1
        while k >= sent.start and start - k <= 4:
            word = doc[k].lower_
            if word in NEGATORS:
                return not (k + 2 == start and doc[k + 1].lower_ == "to")
            if word not in NEGATION_GAP and not (word.endswith("ly") and doc[k].is_alpha):
                return False
            k -= 1
        return False

    @staticmethod
    def _received_from(doc: Doc, start: int, end: int, clause) -> bool:
        """"received a phone call from", "got a visit from": the one named after
        "from" is the one who acted."""
        before = [t.lower_ for t in doc[max(clause[0], start - 4):start]]
        after = [t.lower_ for t in doc[end:min(clause[1], end + 2)]]
        return "from" in after and any(w in RECEIVING_VERBS for w in before)

    @staticmethod
    def _mark_content(doc: Doc, coded: list[Coded], mention_starts: set[int]) -> None:
        """Acts named as the content of an appeal, demand, refusal or threat did not
        happen: "called on Hamas to release the hostages", "demanded the immediate
        release of", "refused to recognise". (Force acts after "to" are never
        triggers; nominal attacks are handled by the embedding of verbal acts.)"""
        for i, outer in enumerate(coded):
            if outer.code[:2] not in CONTENT_ROOTS or outer.negated:
                continue
            for inner in coded[i + 1:]:
                if inner.embedded or inner.code[:2] in FORCE_ROOTS:
                    continue
                gap = doc[outer.end:inner.start]
                if len(gap) > 12:
                    break
                words = [t.lower_ for t in gap]
                if any(w in CONTENT_BREAKS and not (w == "and" and t.i + 1 in mention_starts) for w, t in zip(words, gap)):
                    break
                complement = "to" in words or "that" in words or doc[outer.end - 1].lower_ in ("to", "that") \
                    or (outer.code[:2] == "11" and "of" in words)  # "accused X of backing Y"
                if outer.code[:2] == "01":  # "warned that an attack would threaten peace": only a foreseen act
                    complement = "that" in words and any(w in ("would", "could", "might", "may", "will") for w in words)
                object_noun = 0 < len(words) <= 3 and words[0] in DETERMINERS and all(t.is_alpha and t.text.islower() for t in gap)
                if complement or object_noun:
                    inner.embedded = True
                break

    def _resolve_embedding(self, coded: list[Coded], triggers, frame: Frame) -> None:
        """A verbal act about a reported attack targets the attackers; the attack is
        then context (it updates the frame) rather than an event of its own."""
        for i, outer in enumerate(coded):
            trig = triggers[i][0]
            if outer.code[:2] not in VERBAL_ROOTS:
                continue
            for inner in coded[i + 1:]:
                if inner.code[:2] not in FORCE_ROOTS or not inner.nominal or inner.start - outer.end > max(trig.window, 14):
                    continue
                if trig.name == "claim-responsibility" and outer.sources:
                    inner.sources, inner.inferred_source = list(outer.sources), False  # the claimer did it
                    break
                inner.embedded = True
                attackers = [a for a in inner.sources if a not in outer.sources] if not inner.inferred_source else \
                    [a for a in frame.attackers if a not in outer.sources]
                if attackers and trig.target != "none" and trig.embedding and (not outer.targets or set(outer.targets) <= set(inner.targets)):
                    outer.targets = attackers  # condemning an attack is aimed at the attackers, not the victims
                if inner.sources and not inner.inferred_source:
                    frame.attackers = list(dict.fromkeys(inner.sources))
                if inner.targets:
                    frame.attacked = list(dict.fromkeys(inner.targets))
                break

    @staticmethod
    def _confidence(c: Coded) -> float:
        score = 0.9
        if not c.sources:
            score -= 0.4
        if c.inferred_source:
            score -= 0.25
        if not c.targets:
            score -= 0.1
        return round(max(score, 0.1), 2)


def is_headline(text: str) -> bool:
    """A short line without final punctuation (a headline or a crosshead)."""
    return len(text.split()) <= 16 and not re.search(r"[.!?\"”’)]$", text.strip())
