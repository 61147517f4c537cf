"""Coding events from a dependency parse, in named stages.

For each sentence, the coder runs four stages:

1. **triggers** — every verb or noun whose lemma has a pattern in
   ``data/reference/event_patterns.yaml`` and whose parse fits the pattern's
   constraints (a preposition, a particle, an object, words that must or must not
   stand in its phrase); the first fitting pattern wins;
2. **arguments** — source and target actors read from the parse: the subject (or the
   ``by`` agent of a passive; the shared subject of coordinated and controlled verbs;
   the antecedent of a relative clause), the object and the prepositions the pattern
   names; for nouns the possessor, nationality adjectives and ``by`` phrases;
   coordination gives every listed actor;
3. **modality** — negation, modal verbs, conditions, questions, intentions and the
   content of appeals, demands, threats and accusations are read from the parse: such
   an act is not an event that happened; a negated act of cooperation is a rejection
   and an intended one an intent to cooperate (CAMEO 03), and the rule says so;
4. **recoding** — refinements by keywords in the predicate's phrase ("called for a
   ceasefire" is 0256), targets of verbal acts aimed at a reported attack, and the
   perpetrator of an attack the sentence leaves unnamed, taken from the article's
   context with lower confidence.

Every stage is a named method; the rule that fired is kept on each coded event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from sitrep.codes import FORCE_ROOTS
from sitrep.extract.actors import Found
from sitrep.extract.patterns import Pattern, PatternSet

VERBAL_ROOTS = {"01", "02", "03", "04", "05", "09", "10", "11", "12", "13", "14"}
MEDIATION = {"mediate"}
MODALS = {"would", "could", "may", "might", "should", "can", "must", "shall", "will", "'d", "'ll", "wo", "ca"}
# a negated act of cooperation is a rejection of it; an intended one is an intent to cooperate
NEGATED_COOPERATION = {"03": "120", "04": "125", "05": "120", "06": "121", "07": "122", "08": "124"}
INTENT_CODES = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035"}
INTENT_HEADS = {"be", "plan", "intend", "want", "seek", "aim", "hope", "prepare", "expect", "consider", "mull", "decide",
                "agree", "offer", "propose", "promise", "pledge", "ready", "willing", "prepared", "able", "set", "due",
                "go", "wish", "look", "eager", "keen", "likely", "poise", "schedule", "need"}
ASPECT_HEADS = {"begin", "start", "continue", "resume", "keep", "try", "attempt", "step", "manage", "proceed", "help"}
CONDITION_MARKS = {"if", "unless", "whether", "lest"}
REPORTING_LEMMAS = {"say", "tell", "state", "add", "announce", "claim", "insist", "note", "stress", "declare", "write",
                    "tweet", "post", "confirm", "explain", "argue", "assert", "reiterate", "emphasise", "emphasize",
                    "underline", "affirm", "report", "describe", "quote", "recall", "suggest", "remark", "reply"}
JUSTIFY_WORDS = {"self-defence", "self-defense", "necessary", "legitimate", "justified", "proportionate", "lawful",
                 "defensive", "pre-emptive", "preemptive"}
CLAUSAL = {"ccomp", "xcomp", "advcl", "relcl", "acl", "parataxis", "conj", "csubj", "pcomp"}
PHRASE_SKIP = {"nsubj", "nsubjpass", "csubj", "advcl", "relcl", "parataxis", "conj", "cc", "punct", "mark", "appos"}
NOUN_SEARCH = {"compound", "amod", "poss", "nmod", "npadvmod", "prep", "pobj", "appos", "det", "nummod", "quantmod"}
SEARCH_PREPS = {"of", "from", "for", "between", "with"}
SECTOR_NOUNS = {"authority", "government", "official", "police", "army", "military", "force", "troop", "soldier",
                "ministry", "minister", "leader", "administration", "regime", "junta", "president", "spokesman",
                "spokesperson", "spokeswoman", "diplomat", "delegation", "envoy", "ambassador", "parliament", "court"}
FRAME_ROOTS = {"15", "17", "18", "19", "20"}  # acts that make their source "the attackers" of the article so far
HOSTILE_ROOTS = {"13", "15", "16", "17", "18", "19", "20"}
HIT_PREPS = {"on", "against", "in", "at", "into", "toward", "towards", "across", "inside", "near", "over"}
ATTRIBUTION_VERBS = {"attribute", "blame", "claim", "carry", "launch", "conduct"}


@dataclass
class Frame:
    """What the article has established so far: who attacks whom."""

    attackers: list[str] = field(default_factory=list)
    attacked: list[str] = field(default_factory=list)
    home: str | None = None  # the state the article names most so far: where unnamed places are
    states: list[str] = field(default_factory=list)  # states named so far, most named first


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
    embedded: bool = False   # content of an appeal, demand, threat...: not an act that happened
    mutual: bool = False     # each target also acted against each source ("exchanged fire")
    background: bool = False  # in an "after/before/since" clause: earlier context
    token: int = -1          # the predicate's token index
    about_attack: bool = False  # a verbal act about an attack whose attackers the sentence does not name


@dataclass
class _Trigger:
    tok: Token
    pattern: Pattern


class ParseCoder:
    """Codes the sentences of a parsed document with a :class:`PatternSet`."""

    def __init__(self, patterns: PatternSet, affiliation=lambda actor: actor, is_person=lambda actor: False):
        self.patterns = patterns
        self.is_person = is_person
        self.affiliation = affiliation  # actor id -> the state or body it acts for

    @property
    def rules(self) -> tuple[Pattern, ...]:
        return self.patterns.patterns

    # --- the stages ------------------------------------------------------------------
    def code_sentence(self, sent: Span, mentions: list[Found], frame: Frame) -> list[Coded]:
        at = {i: m for m in mentions for i in range(m.start, m.end)}
        triggers = self.triggers(sent, at)
        coded: list[Coded] = []
        consumed: set[int] = set()
        content_of: dict[int, _Trigger] = {t.tok.i: t for t in triggers if t.pattern.content}
        for trig in triggers:
            if trig.tok.i in consumed:
                continue
            consumed |= self._objects_consumed(trig)
            c = self.arguments(trig, at, sent)
            if c is None:
                continue
            c = self.modality(trig, c, sent, content_of)
            if c is None:
                continue
            coded.append(c)
        self.recode(coded, triggers, at, frame)
        coded += self.reported_attacks(sent, coded, at)
        return coded

    def triggers(self, sent: Span, at: dict[int, Found]) -> list[_Trigger]:
        """Stage 1: predicates with a fitting pattern, in sentence order."""
        out = []
        for tok in sent:
            pos = _pos(tok)
            if pos is None or (tok.i in at and at[tok.i].kind not in ("pronoun",) and tok.pos_ == "PROPN"):
                continue
            for pattern in self.patterns.candidates(tok.lemma_.lower(), pos):
                if self._fits(pattern, tok):
                    out.append(_Trigger(tok, pattern))
                    break
        return out

    def arguments(self, trig: _Trigger, at: dict[int, Found], sent: Span) -> Coded | None:
        """Stage 2: sources and targets from the parse."""
        tok, p = trig.tok, trig.pattern
        if p.pos == "verb":
            sources, targets = self._verb_arguments(tok, p, at)
            reporter = tok.head.head if tok.dep_ == "conj" and tok.head.dep_ == "ccomp" else None
            if p.code[:2] in VERBAL_ROOTS and reporter is not None and reporter.lemma_.lower() in REPORTING_LEMMAS \
                    and not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
                # "Pakistan said the strikes killed 31 and vowed to respond": Pakistan vowed
                sources = self.actors_of(_subject(reporter), at) or sources
        else:
            sources, targets = self._noun_arguments(tok, p, at)
        sources = _unique(sources)
        targets = [t for t in _unique(targets) if t not in sources]
        if p.symmetric and not targets and len(sources) > 1:
            sources, targets = sources[:1], sources[1:]
        if p.symmetric and not sources and len(targets) > 1:  # "talks between A and B"
            sources, targets = targets[:1], targets[1:]
        return Coded(p.code, sources, targets, tok.i, tok.i + 1, p.name, 0.8, mutual=p.mutual, token=tok.i,
                     background=_in_background(tok, sent))

    def modality(self, trig: _Trigger, c: Coded, sent: Span, content_of: dict[int, _Trigger]) -> Coded | None:
        """Stage 3: what did not happen is no event (or a rejection, or an intent)."""
        tok = trig.tok
        root = c.code[:2]
        if sent.text.rstrip().endswith("?"):
            return None
        if _content_of_another(tok, sent, content_of):
            c.embedded = True
            return c
        if _conditional(tok, sent):
            return None
        if any(c.dep_ == "advmod" and c.lower_ in HABITUAL for c in tok.children):
            return None  # "has long mediated", "has traditionally backed": a role, not an act of the day
        head = _controlling_head(tok)
        negated = _negated(tok) or (head is not None and _negated(head) and head.lemma_.lower() not in ("fail",))
        if negated:
            if root in NEGATED_COOPERATION:
                c.code, c.rule = NEGATED_COOPERATION[root], c.rule + "/negated"
                return c
            return None
        if head is not None and head.lemma_.lower() in ("fail", "refuse", "decline"):
            if root in NEGATED_COOPERATION:
                c.code, c.rule = NEGATED_COOPERATION[root], c.rule + "/refused"
                return c
            return None
        intended = head is not None and head.lemma_.lower() in INTENT_HEADS
        modal = _modal(tok) or (head is not None and head.lemma_.lower() not in ASPECT_HEADS and _modal(head))
        if intended or modal:
            if root in INTENT_CODES:
                c.code, c.rule = INTENT_CODES[root], c.rule + "/intent"
                c.confidence = 0.6
                return c
            if root in ("02", "03", "10", "11", "12", "13") and not intended:
                return c  # "would never accept", "could face sanctions" are no acts, but "will press for" is an appeal said now
            return None
        return c

    def recode(self, coded: list[Coded], triggers: list[_Trigger], at: dict[int, Found], frame: Frame) -> None:
        """Stage 4: refinements, targets of verbal acts about attacks, unnamed attackers
        and unnamed targets of attacks."""
        by_token = {t.tok.i: t for t in triggers}
        coded_at = {c.token: c for c in coded}
        for c in coded:
            trig = by_token[c.token]
            c.code = self._refined(trig, c.code)
            root = c.code[:2]
            objects = _object_tokens(trig.tok)
            reported = [coded_at[i] for i in objects if i in coded_at and coded_at[i].code[:2] in HOSTILE_ROOTS]
            force_object = reported or any(by_token.get(i) and by_token[i].pattern.code[:2] in HOSTILE_ROOTS for i in objects)
            if root in ("10", "11", "12", "13") and force_object:
                # "condemned the killing of K", "denounced Israel's strikes": aimed at whoever attacked, not at the victim
                attackers = reported[0].sources if reported and reported[0].sources else frame.attackers
                victims = set(reported[0].targets) if reported else set()
                if not c.targets or set(c.targets) <= victims:  # "blamed Pakistan for the attack" keeps Pakistan
                    if attackers:
                        c.targets = [a for a in attackers if a not in c.sources]
                    else:  # resolved at the end of the article, when its attackers are known
                        c.about_attack = True
                        if root == "11":  # "condemned the attack on Lido beach": the side attacked, unless named later
                            c.targets = [a for a in victims if a not in c.sources]
            if not c.targets and trig.pattern.content and root in ("02", "10"):
                # "demanded that the RSF end its siege": whoever the content asks to act
                for child in trig.tok.children:
                    if child.dep_ in ("ccomp", "xcomp"):
                        subject = next((g for g in child.children if g.dep_ in ("nsubj", "nsubjpass")), None)
                        c.targets = [a for a in self.actors_of(subject, at) if a not in c.sources]
                        if c.targets:
                            break
            if not c.targets and trig.pattern.content:
                inner = [d for d in coded if d.embedded and d is not c and d.token in {t.i for t in trig.tok.subtree}]
                if inner and root == "13":  # "threatened to attack Israel": at whom the threatened act aims
                    c.targets = [a for a in inner[0].targets if a not in c.sources]
                elif inner:  # "called for Israel to withdraw": at whom the appeal or demand is made
                    c.targets = [a for a in inner[0].sources if a not in c.sources]
            if not c.targets and root in ("11", "13") and frame.attackers and not set(frame.attackers) & set(c.sources):
                # "the Houthis vowed a response", "Hamas denounced the attack": at the attackers named before
                c.targets, c.confidence = [a for a in frame.attackers if a not in c.sources], 0.6
            if root in FORCE_ROOTS and not c.sources and not c.embedded:
                nominal = [coded_at[i] for i in _instrument_tokens(trig.tok) if i in coded_at and coded_at[i].sources]
                if not nominal and trig.tok.dep_ == "relcl" and trig.tok.head.i in coded_at:
                    nominal = [coded_at[trig.tok.head.i]] if coded_at[trig.tok.head.i].sources else []  # "an attack that killed"
                if not nominal:  # "15 civilians were killed when the RSF fired shells": the sentence's attackers
                    nominal = [d for d in coded if d is not c and d.code[:2] in FORCE_ROOTS and d.sources and not d.embedded]
                if nominal:  # "were killed in Israeli strikes"
                    c.sources = list(nominal[0].sources)
                    c.targets = c.targets or list(nominal[0].targets)
                elif frame.attackers and c.targets and trig.pattern.pos == "verb" and _passive(trig.tok):
                    c.sources, c.inferred_source, c.confidence = [a for a in frame.attackers if a not in c.targets], True, 0.5
            if c.code == "018" and not c.targets and frame.attacked:  # condolences go to the side that was hit
                c.targets = [a for a in frame.attacked if a not in c.sources]
            if trig.pattern.name == "kill" and trig.tok.dep_ == "acl" and trig.tok.head.dep_ == "pobj" \
                    and trig.tok.head.head.lower_ == "among" and not c.targets:
                subject = _subject(trig.tok.head.head.head)  # "Among those killed was X": X
                c.targets = self.actors_of(subject, at) if subject is not None else []
                if c.targets and not c.sources and frame.attackers:
                    c.sources, c.inferred_source, c.confidence = [a for a in frame.attackers if a not in c.targets], True, 0.5
            if trig.pattern.name == "kill" and c.targets and all(self.is_person(a) for a in c.targets):
                c.code = "186"  # a named person killed: an assassination
            if root in FORCE_ROOTS and c.sources and not c.targets:
                # "launched airstrikes targeting what it called military sites in Iran": the place attacked
                c.targets = [a for a in self._places_hit(trig.tok, at) if a not in c.sources]
                if not c.targets and frame.home and _unnamed_place(trig.tok, at):
                    c.targets, c.confidence = [frame.home], 0.6  # "shelled a market in Omdurman": in the article's country
                if not c.targets:
                    # "Israeli strikes" with no one named as hit: whom the same attackers hit before, else whom
                    # the article is about (not when it names an unknown patient: "countries hit by Iranian strikes")
                    c.targets, c.confidence = self._context_target(c, frame, salient=not _explicit_patient(trig.tok)), 0.5
            if root in FORCE_ROOTS and trig.pattern.pos == "noun" and c.sources and not c.targets and frame.attackers \
                    and set(c.sources) <= set(frame.attacked) and not set(c.sources) & set(frame.attackers) \
                    and not any(ch.dep_ in ("poss", "agent") or ch.lower_ == "by" for ch in trig.tok.children):
                # "the Yemen strikes" after "the US and UK struck Yemen": Yemen is where, not who
                c.targets, c.sources, c.inferred_source, c.confidence = c.sources, list(frame.attackers), True, 0.5
        for c in coded:
            if c.code[:2] in FRAME_ROOTS and c.sources and not c.embedded and not c.inferred_source:
                frame.attackers = list(dict.fromkeys(c.sources))
                if c.targets:
                    frame.attacked = list(dict.fromkeys(c.targets))

    def _context_target(self, c: Coded, frame: Frame, salient: bool = True) -> list[str]:
        """Whom an attack with no target in its sentence is against: whom the same
        attackers hit before, else the state the article names most other than theirs
        ("Israeli strikes" in an article about Israel and Iran)."""
        own = {self.affiliation(a) for a in c.sources}
        if set(c.sources) & set(frame.attackers) and frame.attacked and not {self.affiliation(a) for a in frame.attacked} & own:
            return list(frame.attacked)
        if not salient:
            return []
        other = next((s for s in frame.states if s not in own), None)
        return [other] if other else []

    def _places_hit(self, tok: Token, at: dict[int, Found]) -> list[str]:
        """Actors named in the attack's own phrase: its objects, the objects of its
        on/against/in/at/into/toward phrases and of participles that extend it."""
        found: list[str] = []
        stack = [(c, 1) for c in tok.children if c.dep_ not in ("nsubj", "nsubjpass", "agent", "punct", "cc")]
        while stack:
            node, depth = stack.pop(0)
            m = at.get(node.i)
            if m is not None and node.dep_ in ("pobj", "dobj", "amod", "compound", "poss", "nmod", "conj"):
                found.append(m.actor)
                continue
            if depth < 4 and node.dep_ not in ("relcl", "ccomp", "parataxis", "nsubj", "advcl") or node.dep_ == "advcl" and node.tag_ == "VBG":
                if node.dep_ == "prep" and node.lower_ not in HIT_PREPS:
                    continue
                stack += [(c, depth + 1) for c in node.children]
        return _unique(found)

    def reported_attacks(self, sent: Span, coded: list[Coded], at: dict[int, Found]) -> list[Coded]:
        """A party that reports another's hostile act accuses it ("the army said the RSF
        shelled the market", "Baku says Armenia violated the truce"): CAMEO 112."""
        out = []
        for tok in sent:
            if tok.pos_ != "VERB" or tok.lemma_.lower() not in REPORTING_LEMMAS | {"allege", "claim"}:
                continue
            subject = _subject(tok)
            speakers = self.actors_of(subject, at) if subject is not None else []
            if not speakers:
                continue
            inside = {t.i for c in tok.children if c.dep_ in ("ccomp", "parataxis") for t in c.subtree}
            for c in coded:
                if c.token not in inside or c.embedded or c.code[:2] not in HOSTILE_ROOTS or not c.sources:
                    continue
                spoken_for = {self.affiliation(a) for a in speakers}
                accused = [a for a in c.sources if self.affiliation(a) not in spoken_for]
                victims = {self.affiliation(a) for a in c.targets}
                if accused and (not victims or victims & spoken_for):
                    out.append(Coded("112", speakers, accused, tok.i, tok.i + 1, "reported-attack", 0.6, token=tok.i))
        return out

    # --- speakers ----------------------------------------------------------------------
    def speakers(self, sent: Span, at: dict[int, Found]) -> tuple[list[str], list[str]]:
        """(reported-by actors, speaker actors) of a sentence: "X said ...",
        "..., X said." (reported by X as well) and "according to X"."""
        reported: list[str] = []
        speaker: list[str] = []
        for tok in sent:
            if tok.lower_ == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
                for child in tok.nbor().children:
                    if child.dep_ == "pobj":
                        reported += self.actors_of(child, at)
            if tok.pos_ == "VERB" and tok.lemma_.lower() in REPORTING_LEMMAS and not speaker:
                if tok.lemma_.lower() not in ("say", "tell", "add") and not any(
                        c.dep_ in ("ccomp", "parataxis") for c in tok.children):
                    continue  # "declared war", "announced a truce": an act, not reported speech
                subject = _subject(tok)
                if subject is None:
                    continue
                who = self.actors_of(subject, at)
                if not who:
                    continue
                speaker = who
                content = [c for c in tok.children if c.dep_ in ("ccomp", "parataxis")]
                if content and content[0].i < tok.i:  # "..., X said."
                    reported = reported or who
        return _unique(reported), _unique(speaker)

    def subject_actors(self, sent: Span, at: dict[int, Found]) -> list[str]:
        """Actors of the main clause's subject (what "both governments" later refers to)."""
        root = sent.root
        subject = _subject(root)
        return self.actors_of(subject, at) if subject is not None else []

    def stance_cue(self, sent: Span) -> tuple[str, int] | None:
        """The stance plain reported speech takes from its words ("said the raid was a
        criminal act": condemn; "said Kigali was behind the attack": accuse)."""
        vilify = self.patterns.keywords.get("vilify", frozenset()) - NEUTRAL_IN_SPEECH
        accusation = self.patterns.keywords.get("accusation", frozenset())
        for tok in sent:
            lemma = tok.lemma_.lower()
            if lemma in vilify and not (tok.i > sent.start and tok.nbor(-1).lower_ in ("anti", "-")):
                return "condemn", tok.i
        for tok in sent:
            if tok.lemma_.lower() in accusation:
                return "accuse", tok.i
        return None

    def framings(self, sent: Span, at: dict[int, Found]) -> list[tuple[list[str], int]]:
        """Actors presenting their own acts as justified ("Washington and Tel Aviv have
        framed their actions as necessary security operations")."""
        framing = self.patterns.keywords.get("framing", frozenset())
        justification = self.patterns.keywords.get("justification", frozenset())
        out = []
        for tok in sent:
            if tok.pos_ != "VERB" or tok.lemma_.lower() not in framing:
                continue
            obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            holders = [tok] + ([obj] if obj is not None else [])
            as_phrase = [c for h in holders for c in h.children if c.lower_ == "as" or c.dep_ in ("oprd", "xcomp")]
            if not any(t.lemma_.lower() in justification or t.lower_ in justification
                       for c in as_phrase for t in c.subtree):
                continue
            if obj is None or not any(t.lower_ in ("its", "their", "our", "his", "her") for t in obj.subtree):
                continue  # framing one's own act, not somebody else's
            who = self.actors_of(_subject(tok), at)
            if who:
                out.append((who, tok.i))
        return out

    def justifies(self, sent: Span) -> int | None:
        """A token where a speaker presents an act as justified ("necessary", "self-defence")."""
        words = [t.lower_ for t in sent]
        for k, tok in enumerate(sent):
            w = tok.lower_
            if w in JUSTIFY_WORDS or (w in ("defence", "defense") and k >= 2 and words[k - 2] == "self"):
                return tok.i
            if w in ("response", "retaliation", "reprisal") and k + 1 < len(words) and words[k + 1] in ("to", "for"):
                return tok.i
        return None

    # --- helpers -----------------------------------------------------------------------
    def actors_of(self, tok: Token | None, at: dict[int, Found], depth: int = 0) -> list[str]:
        """The actors a noun phrase names: its own mention, else the nearest mention in
        its phrase (compound, adjective, possessor, "of"/"from" phrase), for every
        coordinated head; a relative pronoun stands for its antecedent."""
        if tok is None or depth > 3:
            return []
        out: list[str] = []
        for head in [tok, *tok.conjuncts]:
            m = at.get(head.i)
            if m is not None:
                out.append(m.actor)
                continue
            if head.tag_ in ("WDT", "WP") and head.head.dep_ == "relcl":
                out += self.actors_of(head.head.head, at, depth + 1)
                continue
            if head.lower_ in ("they", "it", "we", "he", "she") and head.dep_ in ("nsubj", "nsubjpass"):
                speaker = _reporting_subject(head)  # "Kinshasa announced they were expelling ...": Kinshasa
                if speaker is not None:
                    out += self.actors_of(speaker, at, depth + 1)
                continue
            out += self._nearest(head, at, sector=head.lemma_.lower() in SECTOR_NOUNS)
        return _unique(out)

    def _nearest(self, head: Token, at: dict[int, Found], sector: bool = False) -> list[str]:
        """The closest mentions in a noun phrase; "the authorities in Kinshasa" (a sector
        noun) may take a place, "the market in Omdurman" may not."""
        level = [head]
        preps = SEARCH_PREPS | ({"in"} if sector else set())
        for _ in range(4):
            nxt = []
            for node in level:
                for child in node.children:
                    if child.dep_ not in NOUN_SEARCH:
                        continue
                    if child.dep_ == "prep" and child.lower_ not in preps:
                        continue
                    nxt.append(child)
            found = []
            for node in nxt:
                m = at.get(node.i)
                if m is not None and (sector or not m.locative):
                    found.append(m.actor)
                    found += [at[c.i].actor for c in node.conjuncts if c.i in at]
            if found:
                return found
            level = nxt
        return []

    def _fits(self, p: Pattern, tok: Token) -> bool:
        children = list(tok.children)
        if p.code[:2] == "04" and any(c.dep_ in ("oprd", "ccomp", "xcomp") for c in children) or \
                p.name == "call-it-names" and not any(c.dep_ in ("oprd", "xcomp", "attr") or c.lower_ == "as" for c in children):
            return False  # "called the claims disinformation", "called it a measure": naming, not a call
        if p.preps and not any(c.lower_ in p.preps and c.dep_ in ("prep", "agent", "prt", "dative", "advmod") for c in children):
            return False
        if p.particle and not any(c.dep_ == "prt" and c.lower_ == p.particle for c in children):
            return False
        if p.objects:
            objs = {t.lemma_.lower() for t in _object_words(tok)} | {t.lower_ for t in _object_words(tok)}
            if not objs & p.objects:
                return False
        if p.with_words or p.unless:
            words = _phrase_words(tok, deep=p.content)
            if p.with_words and not words & p.with_words:
                return False
            if p.unless and words & p.unless:
                return False
        return True

    def _refined(self, trig: _Trigger, code: str) -> str:
        if not trig.pattern.refine or len(code) > 3 and code != trig.pattern.code:
            return code
        words = _phrase_words(trig.tok, deep=True)
        for keys, refined in trig.pattern.refine:
            if words & keys:
                if code[:2] != refined[:2] and code != trig.pattern.code:
                    continue
                return refined if code == trig.pattern.code else code
        return code

    def _verb_arguments(self, tok: Token, p: Pattern, at) -> tuple[list[str], list[str]]:
        passive = _passive(tok)
        sources: list[str] = []
        targets: list[str] = []
        if passive:
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            if agent is not None:
                sources = self.actors_of(next((c for c in agent.children if c.dep_ == "pobj"), None), at)
            if "dobj" in p.to:
                patient = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
                if patient is None and tok.dep_ == "acl":
                    patient = tok.head
                targets = self.actors_of(patient, at)
        else:
            sources = self.actors_of(_subject(tok), at)
            for slot in p.to:
                if slot == "dobj":
                    for child in tok.children:
                        if child.dep_ in ("dobj", "attr") :
                            targets += self.actors_of(child, at)
                elif slot == "dative":
                    for child in tok.children:
                        if child.dep_ == "dative" and child.pos_ != "ADP":
                            targets += self.actors_of(child, at)
        for slot in p.to:
            if slot in ("dobj", "dative"):
                continue
            holders = [tok, *_object_words(tok, direct_only=True), *[c for c in tok.children if c.dep_ == "xcomp"]]
            for holder in holders:
                for child in holder.children:
                    if child.dep_ in ("prep", "dative", "agent") and child.lower_ == slot:
                        for obj in child.children:
                            if obj.dep_ == "pobj":
                                targets += self.actors_of(obj, at)
        return sources, targets

    def _noun_arguments(self, tok: Token, p: Pattern, at) -> tuple[list[str], list[str]]:
        sources: list[str] = []
        targets: list[str] = []
        for child in tok.children:
            m = at.get(child.i)
            if child.dep_ == "poss":
                sources += self.actors_of(child, at)
            elif child.dep_ in ("amod", "compound", "nmod") and m is not None and not m.locative:
                sources += self.actors_of(child, at)
            elif child.dep_ in ("prep", "agent") and child.lower_ == "by":
                sources += self.actors_of(next((c for c in child.children if c.dep_ == "pobj"), None), at)
            elif child.dep_ == "acl" and child.lemma_.lower() in ATTRIBUTION_VERBS:
                for grand in child.children:
                    if grand.dep_ in ("prep", "agent") and grand.lower_ in ("to", "by"):
                        sources += self.actors_of(next((c for c in grand.children if c.dep_ == "pobj"), None), at)
            elif child.dep_ == "prep" and child.lower_ in p.to:
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        targets += self.actors_of(obj, at)
            elif child.dep_ == "prep" and "between" in p.to:  # "mediation by X in talks between A and B"
                for obj in child.children:
                    for grand in obj.children:
                        if grand.dep_ == "prep" and grand.lower_ == "between":
                            for g in grand.children:
                                if g.dep_ == "pobj":
                                    targets += self.actors_of(g, at)
        if not sources and tok.dep_ in ("dobj",) and tok.head.lemma_.lower() in ("launch", "carry", "conduct", "stage", "mount"):
            sources = self.actors_of(_subject(tok.head), at)
        return sources, targets

    @staticmethod
    def _objects_consumed(trig: _Trigger) -> set[int]:
        """Nouns a verb pattern names as its object ("launched strikes") are not coded again."""
        if trig.pattern.pos != "verb" or not trig.pattern.objects:
            return set()
        return {t.i for t in _object_words(trig.tok)}


# --- parse helpers ---------------------------------------------------------------------
def _pos(tok: Token) -> str | None:
    if tok.pos_ == "VERB" or (tok.tag_.startswith("VB") and tok.pos_ != "AUX"):
        return "verb"
    if tok.pos_ == "NOUN":
        return "noun"
    return None


def _unique(items) -> list:
    return list(dict.fromkeys(i for i in items if i))


def _subject(tok: Token) -> Token | None:
    """The subject of a verb, following coordination, control and relative clauses."""
    seen = 0
    while tok is not None and seen < 6:
        seen += 1
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "csubj")]
        if subjects:  # two subjects are a parse error ("(AFP) On Monday, X said"): the one nearest the verb
            child = max((c for c in subjects if c.i < tok.i), key=lambda c: c.i, default=subjects[0])
            if child.tag_ in ("WDT", "WP") and tok.dep_ == "relcl":
                return tok.head
            return child
        if tok.dep_ == "relcl":
            return None
        if tok.dep_ == "acl" and tok.tag_ == "VBG":
            return tok.head
        if tok.dep_ in ("conj", "xcomp") or (tok.dep_ == "advcl" and tok.tag_ == "VBG"):
            tok = tok.head
            continue
        return None
    return None


def _passive(tok: Token) -> bool:
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children):
        return True
    return tok.dep_ == "acl" and tok.tag_ == "VBN"


def _object_words(tok: Token, direct_only: bool = False) -> list[Token]:
    """Direct objects (and their conjuncts and compounds), passive subjects, and the
    objects of the predicate's prepositions."""
    out = []
    for child in tok.children:
        if child.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "dative") or (tok.pos_ == "NOUN" and child.dep_ == "compound"):
            out += [child, *child.conjuncts]
            if not direct_only:
                out += [g for g in child.children if g.dep_ in ("compound", "amod")]
        elif child.dep_ in ("prep", "agent") and not direct_only:
            for g in child.children:
                if g.dep_ == "pobj":
                    out += [g, *g.conjuncts, *[gg for gg in g.children if gg.dep_ == "compound"]]
        elif child.dep_ == "xcomp" and not direct_only:
            out.append(child)
    if tok.dep_ == "acl" and tok.tag_ == "VBN":
        out.append(tok.head)
    return out


def _object_tokens(tok: Token) -> list[int]:
    return [t.i for t in _object_words(tok)]


def _instrument_tokens(tok: Token) -> list[int]:
    """Nouns in "in/by/during/with" phrases of a verb ("killed in Israeli strikes")."""
    out = []
    for child in tok.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in ("in", "by", "during", "with", "after"):
            out += [g.i for g in child.children if g.dep_ == "pobj"]
    return out


def _phrase_words(tok: Token, deep: bool = False) -> set[str]:
    """Lemmas (and forms) of the predicate's phrase: its dependents to depth 3 outside
    subjects and clauses (with ``deep``, its clausal content too), and for a noun its head."""
    words: set[str] = set()
    stack = [(c, 1) for c in tok.children if c.dep_ not in PHRASE_SKIP and (deep or c.dep_ not in CLAUSAL)]
    while stack:
        node, d = stack.pop()
        words.add(node.lemma_.lower())
        words.add(node.lower_)
        if d < (4 if deep else 3):
            stack += [(c, d + 1) for c in node.children if c.dep_ not in PHRASE_SKIP and (deep or c.dep_ not in CLAUSAL)]
    if tok.pos_ == "NOUN":
        words.add(tok.head.lemma_.lower())
        for sib in tok.head.children:
            if sib.dep_ in ("nsubj", "npadvmod", "amod", "compound") and sib.i != tok.i:
                words.add(sib.lemma_.lower())
    return words


def _reporting_subject(pronoun: Token) -> Token | None:
    """The subject of the reporting verb whose clause a pronoun is the subject of."""
    verb = pronoun.head
    for _ in range(3):
        if verb.dep_ in ("ccomp", "xcomp", "conj") and verb.head.lemma_.lower() in REPORTING_LEMMAS | {"announce", "vow", "warn", "insist", "pledge", "promise", "threaten", "deny", "admit", "claim", "confirm"}:
            subject = _subject(verb.head)
            return subject if subject is not None and subject.lower_ not in ("they", "it", "we", "he", "she") else None
        if verb.dep_ not in ("ccomp", "xcomp", "conj"):
            return None
        verb = verb.head
    return None


def _explicit_patient(tok: Token) -> bool:
    """The act names whom or what it hit, even if no actor ("hit neighbouring countries");
    an attack named as the means of a clause ("hit by Iranian strikes") shares its patient."""
    if tok.pos_ == "NOUN" and tok.dep_ == "pobj" and tok.head.lower_ in ("by", "in", "during", "with"):
        return True
    if tok.dep_ in ("relcl", "acl") and _passive(tok):
        return True
    for child in tok.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            return True
        if child.dep_ == "prep" and child.lower_ in HIT_PREPS and any(g.dep_ == "pobj" for g in child.children):
            return True
    return False


def _unnamed_place(tok: Token, at: dict[int, Found]) -> bool:
    """The attack's phrase names a place the registry does not know ("in Omdurman")."""
    for node in tok.subtree:
        if node.ent_type_ in ("GPE", "LOC", "FAC") and node.i not in at and node.head.dep_ == "prep" \
                and node.head.lower_ in HIT_PREPS:
            return True
        if node.dep_ == "pobj" and node.head.lower_ in HIT_PREPS and node.head.head.i == tok.i and node.i not in at \
                and node.pos_ == "NOUN":
            return True  # "struck a market", "on a hospital": a place, unnamed
    return False


def _negated(tok: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in ("never", "no") and c.dep_ in ("advmod", "det") for c in tok.children)


def _modal(tok: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in MODALS for c in tok.children)


def _controlling_head(tok: Token) -> Token | None:
    """The verb or adjective that controls an infinitive ("plans to attack": plans)."""
    if tok.dep_ == "xcomp" or (tok.dep_ in ("advcl", "acomp") and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)):
        return tok.head
    if tok.dep_ == "pcomp":  # "refrained from attacking", "accused of attacking"
        return tok.head.head
    return None


def _conditional(tok: Token, sent: Span) -> bool:
    node = tok
    for _ in range(8):
        if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in node.children):
            return True
        if node.head is node or node.head.i < sent.start or node.head.i >= sent.end:
            return False
        node = node.head
    return False


def _in_background(tok: Token, sent: Span) -> bool:
    node = tok
    for _ in range(6):
        if node.dep_ in ("advcl", "prep") and any(c.dep_ in ("mark",) and c.lower_ in ("after", "since", "before") for c in node.children):
            return True
        if node.dep_ == "pobj" and node.head.lower_ in ("after", "since", "following"):
            return True
        if node.head is node:
            return False
        node = node.head
    return False


HABITUAL = {"long", "traditionally", "usually", "often", "regularly", "frequently", "historically", "always", "routinely",
            "repeatedly", "previously", "formerly", "once"}
NEUTRAL_IN_SPEECH = {"war", "attack", "invasion", "occupation", "assault", "dangerous", "hostile"}  # reported, not judged
ASIDE_MARKS = {"while", "whereas", "although", "though", "as", "but"}
CONTENT_DEPS = {"xcomp", "ccomp", "prep", "pcomp", "dobj", "acl"}  # what a head governs as its content (not adverbials)


def _content_of_another(tok: Token, sent: Span, content_of: dict[int, _Trigger]) -> bool:
    """Inside what an appeal, demand, threat, accusation or denial is about."""
    node = tok
    for _ in range(8):
        head = node.head
        if head is node:
            return False
        if head.i in content_of and node.dep_ in CONTENT_DEPS and not (node.dep_ == "conj" and head.pos_ == "VERB"):
            if node.dep_ == "dobj" and content_of[head.i].pattern.pos == "verb" and tok.pos_ != "VERB" and tok.i == node.i:
                return False  # "denied the strikes"? the object noun itself may be reported fact; keep
            return True
        if node.dep_ in ("nsubj", "nsubjpass"):
            return False
        if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ASIDE_MARKS for c in node.children) \
                and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
            return False  # "warned that X could ..., while Western allies reinforced ...": an assertion of its own
        node = head
    return False
