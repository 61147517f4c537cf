"""The extractor: registry + codebook + patterns, applied article by article.

An article is parsed once by spaCy's statistical pipeline (:mod:`sitrep.extract.sentences`);
each sentence's actor mentions come from the registry (:mod:`sitrep.extract.actors`),
its events from the parse (:mod:`sitrep.extract.coder`), its speakers and stances from
the reporting verbs and the coded acts (:mod:`sitrep.extract.statements`). Lines that are
not news text (captions, "Read more" lines, bylines, cut-off endings) are kept as
sentences but not coded (:mod:`sitrep.extract.structure`); an article in a language the
coder does not read is split into sentences and stored with its language, uncoded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from functools import lru_cache
from pathlib import Path

from sitrep import __version__
from sitrep.config import CAMEO_FILE, PACKAGE_DIR, REFERENCE_DIR
from sitrep.extract.actors import ActorFinder, unknown_names
from sitrep.extract.codebook import load_codebook
from sitrep.extract.coder import MEDIATION, VERBAL_ROOTS, Frame, ParseCoder
from sitrep.extract.dates import DateContext
from sitrep.extract.figures import FigureFinder
from sitrep.extract.language import CODED_LANGUAGES, detect_language
from sitrep.extract.patterns import PATTERNS_FILE, load_patterns
from sitrep.extract.provisional import ProvisionalActors
from sitrep.extract.records import ArticleExtraction, Event, Mention, Statement
from sitrep.extract.registry import ACTORS_FILE, STATES_FILE, Registry
from sitrep.extract.sentences import load_pipeline, split_sentences
from sitrep.extract.statements import stance_of
from sitrep.extract.structure import STRUCTURE_FILE, TextStructure

RULE_FILES = ("coder.py", "patterns.py", "actors.py", "statements.py", "pipeline.py", "sentences.py", "registry.py",
              "dates.py", "figures.py", "records.py", "structure.py", "language.py", "provisional.py")
REFERENCE_FILES = ("provisional.yaml",)


def shared_extractor() -> "Extractor":
    """One extractor per process for the default reference files, rebuilt when any of
    them or the extraction code changes (building one loads the pipeline: seconds)."""
    files = (STATES_FILE, ACTORS_FILE, CAMEO_FILE, PATTERNS_FILE, STRUCTURE_FILE, *(REFERENCE_DIR / f for f in REFERENCE_FILES),
             *(PACKAGE_DIR / "extract" / f for f in RULE_FILES))
    return _extractor_for(tuple(Path(f).stat().st_mtime_ns for f in files))


@lru_cache(maxsize=1)
def _extractor_for(_versions: tuple) -> "Extractor":
    return Extractor()


class Extractor:
    """Codes articles from their dependency parse; build once, call :meth:`extract` per article."""

    def __init__(self, states_file: Path = STATES_FILE, actors_file: Path = ACTORS_FILE, cameo_file: Path = CAMEO_FILE,
                 patterns_file: Path = PATTERNS_FILE, structure_file: Path = STRUCTURE_FILE):
        self.nlp = load_pipeline()
        self.registry = Registry.load(states_file, actors_file)
        self.codebook = load_codebook(cameo_file)
        self.structure = TextStructure.load(structure_file)
        self.actors = ActorFinder(self.nlp, self.registry)
        self.figures = FigureFinder(self.nlp)
        self.provisional = ProvisionalActors(self.registry)
        self.coder = ParseCoder(load_patterns(patterns_file, codes=set(self.codebook)), self.registry.affiliation,
                                is_person=lambda a: a in self.registry.actors and self.registry.actors[a].type == "person")
        digest = hashlib.sha256(__version__.encode())
        for path in (states_file, actors_file, cameo_file, patterns_file, structure_file,
                     *(REFERENCE_DIR / f for f in REFERENCE_FILES),
                     *(PACKAGE_DIR / "extract" / f for f in RULE_FILES)):
            digest.update(Path(path).read_bytes())
        digest.update(self.nlp.meta.get("name", "").encode() + self.nlp.meta.get("version", "").encode())
        self._fingerprint = digest.hexdigest()[:16]

    @property
    def fingerprint(self) -> str:
        """Changes whenever extraction output could change (code, registry, codebook, patterns, model)."""
        return self._fingerprint

    def versions(self) -> dict[str, str]:
        """Versions of the reference data (for method notes)."""
        return {
            "registry_as_of": str(self.registry.as_of),
            "registry_actors": str(len(self.registry.actors)),
            "codebook_codes": str(len(self.codebook)),
            "rules": str(len(self.coder.rules)),
            "pipeline": f"{self.nlp.meta.get('name', '?')} {self.nlp.meta.get('version', '?')}",
            "coded_languages": ",".join(sorted(CODED_LANGUAGES)),
        }

    def actor_row(self, actor_id: str, day: dt.date | None = None) -> dict:
        """The actor as of ``day``: its role then and its canonical label."""
        return self.registry.row(actor_id, day)

    def actor_json(self, actor_id: str) -> dict:
        row = self.registry.row(actor_id)
        return {k: row[k] for k in ("id", "name", "type", "country", "role", "provisional")}

    # --- one article -------------------------------------------------------------
    def extract(self, text: str, published: dt.date | None = None, language: str | None = None) -> ArticleExtraction:
        """Code one article. ``language`` (ISO 639-1) is detected when not given; an
        article in a language the coder does not read gets sentences and no records."""
        language = language or detect_language(text)
        sentences, spans = split_sentences(self.nlp, text)
        out = ArticleExtraction(sentences=sentences, language=language)
        if language not in CODED_LANGUAGES:
            return out
        skip = self.structure.not_news(sentences)
        frame = Frame()
        dates = DateContext(published)
        recent_people: list[str] = []
        previous_people: list[str] = []
        last_pair: list[str] = []
        last_body: str | None = None
        last_state: str | None = None  # what the previous sentence was about ("Its army said ...")
        unknown: Counter[str] = Counter()
        states: Counter[str] = Counter()  # states named so far (the article's home is the most named)
        events: list[tuple[Event, bool]] = []
        statements: list[Statement] = []
        pending: list[tuple[int, int]] = []  # (first event index, first statement index) of acts about unattributed attacks
        attackers: Counter[str] = Counter()  # who the article reports attacking, for the pending acts
        for sentence, span in zip(sentences, spans):
            toks = span.tokens
            offset = span.offset
            mentions, covered = self.actors.find(toks, span, published, recent_people, previous_people, last_pair, last_body,
                                                 last_state)
            sent = toks.doc[span.start:span.end]
            mentions = mentions + self.provisional.find(sent, {i: m for m in mentions for i in range(m.start, m.end)})
            for m in mentions:
                out.mentions.append(Mention(m.actor, sentence.index, offset + toks[m.start].idx,
                                            offset + toks[m.end - 1].idx + len(toks[m.end - 1].text), m.text, m.kind))
            unknown.update(unknown_names(toks, span, covered))
            if sentence.index in skip:
                continue
            sent = toks.doc[span.start:span.end]
            at = {i: m for m in mentions for i in range(m.start, m.end)}
            states.update(c for c in (_country(self.registry, m.actor) for m in mentions) if c in self.registry.actors
                          and self.registry.actors[c].type == "state")
            frame.states = [state for state, _ in sorted(states.items(), key=lambda kv: (-kv[1], kv[0]))]
            frame.home = frame.states[0] if frame.states else None
            reported, speaker = self.coder.speakers(sent, at)
            coded = self.coder.code_sentence(sent, mentions, frame)
            for c in coded:
                if c.rule in MEDIATION and not c.targets and len(last_pair) == 2 and not c.background:
                    c.targets = [a for a in last_pair if a not in c.sources]  # "talks mediated by X": between the parties
            headline = self.structure.is_headline(sentence.text)
            event_date, date_basis = dates.date_of(sentence.text, headline)
            for fig in self.figures.find(span, sentence.index, sentence.start, sentence.text):
                if fig.according_to is None and reported:
                    fig = dataclasses.replace(fig, according_to=", ".join(self.registry.label(a) for a in reported))
                out.figures.append(dataclasses.replace(fig, event_date=event_date))
            stance_spans: set[tuple[str, str | None, str]] = set()
            for c in coded:
                if c.embedded or not c.sources:
                    continue
                entry = self.codebook.get(c.code) or self.codebook[c.code[:2]]
                start = offset + toks[c.start].idx
                end = offset + toks[c.end - 1].idx + len(toks[c.end - 1].text)
                attributed = ",".join(a for a in reported if a not in c.sources) or None
                if c.code[:2] in ("18", "19", "20") and not c.inferred_source:
                    attackers.update(c.sources)
                mark = (len(events), len(statements)) if c.about_attack else None
                pairs = [(source, target) for source in c.sources for target in (c.targets or [None])]
                if c.mutual:  # "A and B exchanged fire": B fired on A as well
                    pairs += [(target, source) for source in c.sources for target in c.targets]
                for source, target in pairs:
                    if target == source:
                        continue
                    events.append((Event(source, target, entry.code, entry.name, entry.goldstein, entry.quad_class,
                                         sentence.index, sentence.text, c.confidence, c.rule, start, end, attributed,
                                         event_date, date_basis, entry.plover), headline))
                    stance = stance_of(entry.code, c.rule)
                    if stance and not headline:
                        stance_spans.add((source, target, stance))
                        statements.append(Statement(source, target, stance, sentence.index, sentence.text,
                                                    c.confidence, c.rule, start, end, attributed))
                if mark is not None:
                    pending.append(mark)
            for who_framing, tok_i in self.coder.framings(sent, at):
                for who in who_framing:
                    target = next((t for t in frame.attacked if _country(self.registry, t) != _country(self.registry, who)), None)
                    statements.append(Statement(who, target, "justify", sentence.index, sentence.text, 0.7, "framing",
                                                offset + toks[tok_i].idx, offset + toks[tok_i].idx + len(toks[tok_i].text),
                                                ",".join(reported) or None))
                    stance_spans.add((who, target, "justify"))
            justified = self.coder.justifies(sent) if speaker else None
            if justified is not None and not headline:
                target = next((t for t in frame.attacked if _country(self.registry, t) not in
                               {_country(self.registry, s) for s in speaker}), None)
                for who in speaker:
                    statements.append(Statement(who, target, "justify", sentence.index, sentence.text, 0.7, "justify",
                                                offset + toks[justified].idx,
                                                offset + toks[justified].idx + len(toks[justified].text),
                                                ",".join(reported) or None))
                    stance_spans.add((who, target, "justify"))
            if speaker and not stance_spans and not headline:
                cue = self.coder.stance_cue(sent)
                stance, rule = (cue[0], f"reported-speech/{cue[0]}") if cue else ("other", "reported-speech")
                for who in speaker:
                    statements.append(Statement(who, None, stance, sentence.index, sentence.text, 0.6, rule,
                                                sentence.start, sentence.end, ",".join(reported) or None))
            bodies = [m.actor for m in mentions if m.kind != "anaphor" and self.registry.actors[m.actor].type in ("group", "organisation")]
            if bodies:
                last_body = bodies[-1]
            subject_state = next((m.actor for m in mentions if m.kind not in ("adjective", "anaphor") and not m.locative
                                  and self.registry.actors[m.actor].type == "state"), None)
            last_state = subject_state or last_state
            people = [m.actor for m in mentions if self.registry.actors[m.actor].type == "person"]
            recent_people.extend(people)
            previous_people = list(dict.fromkeys(people))
            last_pair = _subject_pair(self.registry, self.coder.subject_actors(sent, at)) or _pair_of(self.registry, coded) \
                or last_pair
        events, statements = _aim_at_attackers(events, statements, pending, attackers)
        out.events = _dedupe_events(events, self.registry)
        out.statements = _dedupe_statements(statements)
        out.unknown_actors = dict(sorted(unknown.items()))
        return out


def _aim_at_attackers(events: list[tuple[Event, bool]], statements: list[Statement], pending: list[tuple[int, int]],
                      attackers: Counter[str]) -> tuple[list[tuple[Event, bool]], list[Statement]]:
    """A condemnation of "the killing of K" in an article's first line is aimed at whoever
    the article later reports attacking (the most reported attacker), not at the victim."""
    if not pending or not attackers:
        return events, statements
    main = attackers.most_common(1)[0][0]
    marks = sorted(pending)
    ends = [m for m in marks[1:]] + [(len(events), len(statements))]
    events, statements = list(events), list(statements)
    for (e0, s0), (e1, s1) in zip(marks, ends):
        group = [i for i in range(e0, e1) if events[i][0].sentence == events[e0][0].sentence and events[i][0].rule == events[e0][0].rule]
        sources = {events[i][0].source for i in group}
        if main in sources:
            continue
        for k, i in enumerate(group):
            event, headline = events[i]
            events[i] = (dataclasses.replace(event, target=main, confidence=min(event.confidence, 0.5)), headline)
        for j in range(s0, min(s1, len(statements))):
            if statements[j].sentence == events[e0][0].sentence and statements[j].rule == events[e0][0].rule:
                statements[j] = dataclasses.replace(statements[j], target=main)
    return events, statements


def _subject_pair(registry: Registry, subject: list[str]) -> list[str] | None:
    """Two states named together as a sentence's subject ("Washington and Tel Aviv
    have framed ..."): what "both governments" in the next sentence refers to."""
    if len(subject) == 2 and all(a in registry.actors and registry.actors[a].type == "state" for a in subject):
        return subject
    return None


def _pair_of(registry: Registry, coded) -> list[str] | None:
    """The two states a sentence's acts are between ("both countries" later refers to
    them): the first source and target that are both states (states acting together,
    "A and B agreed", are coded A -> B, so they count too)."""
    def state(a: str) -> bool:
        return registry.actors[a].type == "state" if a in registry.actors else False

    for c in coded:
        if c.embedded or c.rule in MEDIATION:  # a mediator is not one of the two sides
            continue
        pairs = [[s, t] for s in c.sources for t in c.targets if s != t and state(s) and state(t)]
        if pairs:
            return pairs[0]
    return None


def _country(registry: Registry, actor_id: str | None) -> str | None:
    if actor_id is None:
        return None
    actor = registry.actors.get(actor_id)
    return actor.country if actor else None


def _first_of(items, key) -> list:
    """Items in order, keeping the first of those sharing a key."""
    seen: set = set()
    kept = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            kept.append(item)
    return kept


def _dedupe_events(events: list[tuple[Event, bool]], registry: Registry) -> list[Event]:
    """One event per (source, target, code) in an article, as ICEWS does; a
    headline's event is dropped when the body reports the same kind of act."""
    def kind(e: Event) -> tuple:
        return (_country(registry, e.source), e.code[:2], _country(registry, e.target))

    body = {kind(e) for e, headline in events if not headline}
    wanted = [e for e, headline in events if not (headline and kind(e) in body)]
    return _first_of(wanted, lambda e: (e.source, e.target, e.code))


def _dedupe_statements(statements: list[Statement]) -> list[Statement]:
    return _first_of(statements, lambda s: (s.speaker, s.target, s.stance))
