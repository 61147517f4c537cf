"""Finding actors in a sentence: registry aliases, titles, coreference, unknown names.

Mentions are found with spaCy's PhraseMatcher over every surface form of the
registry (longest match wins), then cleaned up the way a reader would:

- a state or body followed by a title and a named person ("Iran's long-time
  supreme leader, Ali Khamenei", "Russia's ambassador to the United Nations,
  Vassily Nebenzia") is one mention of the person;
- a capital followed by another capitalised word ("Washington Post") is a name,
  not the government;
- "he"/"she" refer to the only person of the sentence so far or of the previous
  sentence; "both governments" to the last pair of states named together;
- capitalised names the registry does not know are collected as candidates.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from sitrep.extract.registry import CROWDS, Registry
from sitrep.extract.sentences import Tokens

PRONOUNS_PERSON = {"he", "she", "He", "She"}

# Words that may stand between a state and a named official ("Iran's long-time supreme leader, Ali Khamenei").
TITLE_WORDS = {
    "'s", "’s", "long", "-", "time", "longtime", "long-time", "supreme", "leader", "president", "minister", "foreign",
    "defence", "defense", "prime", "ayatollah", "sheikh", "prince", "crown", "king", "queen", "emir", "sultan", "chancellor",
    "secretary", "general", "secretary-general", "spokesman", "spokeswoman", "spokesperson", "ambassador", "envoy", "chief",
    "commander", ",", "former", "late", "new", "top", "diplomat", "senior", "official", "head", "of", "state", "interior",
    "army", "military", "deputy", "vice", "speaker", "parliament", "the", "to", "un", "u.n.", "united", "nations",
    "national", "security", "adviser", "advisor", "council", "representative", "permanent", "counterpart", "his", "her",
    "interim", "acting", "elected", "designate", "president-elect", "premier", "lawmaker", "general", "gen.", "lt.",
    "colonel", "admiral", "ministry", "governor", "mayor", "cleric", "grand", "sayyed", "first", "lady", "mr", "mr.",
    "mrs", "ms", "dr", "dr.", "affairs", "war", "health", "finance", "economy", "justice", "energy", "oil", "trade",
}
LOCATIVE_PREPS = {"in", "at", "near", "from", "over", "across", "inside", "outside", "around", "throughout", "within"}
IT_LEADS = {"said", "says", "added", "announced", "claimed", "stated", "warned", "insisted", "confirmed", "that"}
UNNAMED = {"UNIDENTIFIED", "CIVILIANS"}
SECTOR_NOUNS = {"police", "army", "military", "troops", "soldiers", "forces", "authorities", "government", "regime",
                "navy", "officials", "ministry", "parliament", "junta", "administration", "leadership", "prosecutors",
                "courts", "court", "guards", "coastguard", "intelligence"}
SHARED_SHORT_FORMS = {"Congo": {"COG": "COD"}, "Congolese": {"COG": "COD"}}  # surface -> {registry's pick: the other}
# "the Iran-aligned group", "a London-based firm": someone else; but a "Saudi-led coalition" acts under Saudi
# lead and a "British-owned tanker" is British, so -led, -owned, -run and -controlled keep the state
ALIGNED_WORDS = {"aligned", "backed", "allied", "based", "linked", "supported", "sponsored", "friendly", "funded",
                 "armed", "affiliated", "leaning", "inspired"}
PLACE_HEADS = {"sea", "gulf", "bay", "strait", "straits", "horn", "sea", "isle", "cape", "lake"}
ENVOY_WORDS = {"ambassador", "envoy", "representative", "mission", "delegate", "delegation", "permanent"}
STATE_ANAPHORS = {("gulf", "state"), ("gulf", "kingdom"), ("gulf", "emirate"), ("the", "kingdom"), ("the", "emirate"),
                  ("island", "nation"), ("the", "country"), ("gulf", "country"), ("african", "country"), ("asian", "country"),
                  ("the", "island")}
BODY_NOUNS = {"rebels", "insurgents", "group", "militia", "movement", "organisation", "organization", "alliance", "bloc", "council"}
PAIR_ANAPHORS = {("both", "governments"), ("both", "countries"), ("two", "governments"), ("two", "countries"), ("both", "nations"),
                 ("both", "states"), ("both", "sides"), ("the", "two"), ("two", "neighbours"), ("two", "neighbors")}
CANDIDATE_STOP = {
    "The", "A", "An", "In", "On", "At", "As", "But", "And", "Or", "If", "While", "After", "Before", "During", "Among",
    "According", "It", "Its", "This", "That", "These", "Those", "He", "She", "They", "We", "I", "There", "Hours", "Local",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April",
    "May", "June", "July", "August", "September", "October", "November", "December", "Speaking", "Can", "Large", "Regional",
    "Explosions", "Members", "Secretary-General", "President", "Minister", "Foreign", "Prime", "Defence", "Defense", "Supreme",
    "Leader", "Ayatollah", "Sheikh", "Prince", "Crown", "Chancellor", "Mr", "Mrs", "Ms", "Dr", "Gen", "Lebanese", "Turkish",
    "Islamic", "Republic", "Moscow", "Copyright", "Home", "Most", "Related", "Weather", "Markets", "Oil", "Air", "Base",
}


# Capitalised names that are not actors: regions, documents, generic words.
NOT_ACTORS = {"Gulf", "Middle East", "Near East", "Arab", "Arabs", "General", "Charter", "West", "Western", "East",
              "North", "South", "Europe", "Asia", "Africa", "Americas", "Levant", "Persian Gulf", "Red Sea", "Black Sea",
              "Mediterranean", "Caucasus", "Balkans", "Sahel", "Horn of Africa", "Strait of Hormuz", "Muslim", "Muslims",
              "Christian", "Christians", "Jewish", "Shia", "Sunni", "Islam", "Koran", "Quran", "Ramadan", "Eid", "Internet"}
PLACE_WORDS = {"Sea", "Ocean", "Gulf", "Strait", "Base", "Airport", "Port", "River", "Mountains", "Mountain", "Valley",
               "Square", "Street", "Avenue", "Province", "Region", "District", "Desert", "Island", "Islands", "Peninsula",
               "Plant", "Field", "Canal", "Bridge", "Dam", "Crossing", "Camp", "Hospital", "Palace", "Charter", "Agreement",
               "Accords", "Treaty", "Resolution"}


@dataclass
class Found:
    """An actor mention while a sentence is processed (token span and resolution)."""

    actor: str
    start: int  # token index in the doc
    end: int
    kind: str   # name | surname | adjective | capital | descriptor | pronoun | anaphor
    text: str
    locative: bool = False


@dataclass(frozen=True)
class Alias:
    """A registry alias found in a document (token range and its text)."""

    start: int
    end: int
    text: str


def _tokens_of(found: list[Found]) -> set[int]:
    """The token indices the mentions found so far cover."""
    return {i for f in found for i in range(f.start, f.end)}


class ActorFinder:
    def __init__(self, nlp: Language, registry: Registry):
        self.registry = registry
        self.capitals = {a.capital for a in registry.actors.values() if a.capital}  # "in Brussels" is a place
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        forms: set[str] = set()
        for alias in registry.index:
            forms.add(alias)
            if alias[:1].islower():
                forms.add(alias[:1].upper() + alias[1:])
        self.forms = {f: (f if f in registry.index else f[:1].lower() + f[1:]) for f in forms}
        patterns = list(nlp.tokenizer.pipe(sorted(forms)))
        self.matcher.add("ACTOR", patterns)

    def find(self, doc: Doc, sent: Span, day: dt.date | None, recent_people: list[str],
             previous_people: list[str], last_pair: list[str], last_body: str | None = None,
             last_state: str | None = None) -> tuple[list[Found], set[int]]:
        """Mentions in one sentence, resolved for the article's date, and the tokens
        any registry alias covers (for the unknown-name candidates)."""
        all_spans, starts = self._doc_spans(doc)
        spans = [sp for sp in all_spans[bisect_left(starts, sent.start):bisect_left(starts, sent.end)] if sp.end <= sent.end]
        covered = {i for sp in spans for i in range(sp.start, sp.end)}
        found: list[Found] = []
        people_so_far: list[str] = []
        for span in spans:
            alias = self.forms.get(span.text, span.text)
            resolved = self.registry.resolve(alias, day, recent_people + people_so_far)
            if resolved is None:
                continue
            actor, kind = resolved
            nxt = doc[span.end] if span.end < len(doc) else None
            if kind in ("capital", "name") and nxt is not None and span.end < sent.end and nxt.text[:1].isupper() \
                    and nxt.is_alpha and nxt.lower_ not in TITLE_WORDS and self.registry.actors[actor].type != "person" \
                    and not any(m.start == span.end for m in spans):
                continue  # "Washington Post", "UN Charter", "Russia Today": part of another name
            prev = doc[span.start - 1] if span.start > sent.start else None
            if span.end < sent.end and doc[span.end].lower_ in ("member", "members", "membership") \
                    and self.registry.actors[actor].type == "organisation":
                continue  # "the first time a NATO member has fired": one of its members, not the alliance
            if span.end + 1 < sent.end and doc[span.end].text == "-" and doc[span.end + 1].lower_ in ALIGNED_WORDS:
                continue  # "the Iran-aligned group", "Russian-backed separatists": describes someone else
            if prev is not None and prev.lower_ == "of" and span.start - 2 >= sent.start \
                    and doc[span.start - 2].lower_ in PLACE_HEADS and doc[span.start - 2].text[:1].isupper():
                continue  # "Sea of Japan", "Gulf of Oman", "Strait of Hormuz": a place named after the state
            locative = kind in ("capital", "name") and prev is not None and prev.lower_ in LOCATIVE_PREPS \
                and (self.registry.actors[actor].type == "state" or kind == "capital" or span.text in self.capitals)  # "in Brussels": a place
            found.append(Found(actor, span.start, span.end, kind, span.text, locative))
            if self.registry.actors[actor].type == "person":
                people_so_far.append(actor)
        found = self._in_context(doc, found)
        found = self._envoy_titles(doc, found)
        found = self._unnamed(doc, sent, found)
        found = self._sectors(doc, sent, found)
        found = self._merge_titles(doc, found)
        found += self._possessive_bodies(doc, sent, found, last_state)  # before pronouns: "Its army said it ..."
        found += self._state_anaphors(doc, sent, found, last_state)
        found += self._pronouns(doc, sent, found, previous_people)
        found += self._pairs(doc, sent, last_pair)
        found += self._bodies(doc, sent, found, last_body)
        return sorted(found, key=lambda f: f.start), covered

    def _doc_spans(self, toks: Tokens) -> tuple[list[Alias], list[int]]:
        """Registry aliases in the whole document (one PhraseMatcher pass per doc),
        sorted, with their start tokens."""
        found = toks.memo.get("actor_spans")
        if found is None:
            text = toks.text
            spans = [Alias(sp.start, sp.end, text[toks[sp.start].idx:toks[sp.end - 1].idx + len(toks[sp.end - 1].text)])
                     for sp in sorted(filter_spans(self.matcher(toks.doc, as_spans=True)), key=lambda sp: sp.start)]
            found = toks.memo["actor_spans"] = (spans, [sp.start for sp in spans])
        return found

    def _unnamed(self, doc: Doc, sent: Span, found: list[Found]) -> list[Found]:
        """Unnamed crowds take the state their nationality or place gives ("Iranian
        protesters", "students in Dhaka" -> that state's crowds); a nationality before
        unnamed attackers says where they are from, not that the state acts."""
        unnamed_starts = {f.start for f in found if f.actor in UNNAMED}
        out = []
        for f in found:
            if f.kind == "adjective" and f.end in unnamed_starts:
                continue
            if f.actor == "CIVILIANS":
                before = next((g for g in found if g.end == f.start and g.kind == "adjective"), None)
                place = next((g for g in found if g.kind in ("name", "capital") and f.end < g.start <= f.end + 4
                              and g.start < sent.end and doc[g.start - 1].lower_ == "in"
                              and self.registry.actors[g.actor].type == "state"), None)
                state = (before or place).actor if (before or place) else None
                if state:
                    f = Found(f"{state}.{CROWDS}", f.start, f.end, f.kind, f.text, f.locative)
            out.append(f)
        return out

    def _in_context(self, doc: Doc, found: list[Found]) -> list[Found]:
        """Short forms two states share ("Congo", "Congolese") name the one the article
        names in full: the DRC in an article about Kinshasa."""
        named = doc.memo.get("states named in full")
        if named is None:
            spans, _ = self._doc_spans(doc)
            named = set()
            for sp in spans:
                resolved = self.registry.resolve(self.forms.get(sp.text, sp.text), None)
                if resolved and sp.text not in SHARED_SHORT_FORMS:
                    named.add(resolved[0])
            doc.memo["states named in full"] = named
        out = []
        for f in found:
            other = SHARED_SHORT_FORMS.get(f.text, {}).get(f.actor)
            if other and other in named and f.actor not in named:
                f = Found(other, f.start, f.end, f.kind, f.text, f.locative)
            out.append(f)
        return out

    def _envoy_titles(self, doc: Doc, found: list[Found]) -> list[Found]:
        """"Britain's UN ambassador", "the US envoy to the UN": the organisation only
        names the post; the envoy speaks for the state named before it."""
        out = []
        for k, f in enumerate(found):
            prev = found[k - 1] if k else None
            nxt = doc[f.end].lower_ if f.end < len(doc) else ""
            if prev is not None and self.registry.actors[f.actor].type == "organisation" and nxt in ENVOY_WORDS \
                    and self.registry.actors[prev.actor].type == "state" \
                    and all(t.lower_ in ("'s", "’s") for t in doc[prev.end:f.start]):
                continue
            out.append(f)
        return out

    def _sectors(self, doc: Doc, sent: Span, found: list[Found]) -> list[Found]:
        """"Police in Georgia", "the government in Belgrade", "the army of Sudan": a
        state's institution named by its place is that state (not a location)."""
        out = []
        for f in found:
            k = f.start - 1
            if f.kind in ("name", "capital") and k - 1 >= sent.start and doc[k].lower_ in ("in", "of") \
                    and self.registry.actors[f.actor].type == "state":
                j = k - 1
                if doc[j].lower_ in SECTOR_NOUNS:
                    out.append(Found(f.actor, j, f.end, "sector", " ".join(t.text for t in doc[j:f.end])))
                    continue
            out.append(f)
        return out

    def _merge_titles(self, doc: Doc, found: list[Found]) -> list[Found]:
        """Drop state/body mentions that only form the title of the person named next."""
        drop: set[int] = set()
        for i, head in enumerate(found):
            if head.kind not in ("adjective", "name", "capital", "descriptor") or self.registry.actors[head.actor].type == "person" and head.kind != "descriptor":
                continue
            j = i + 1
            pos = head.end
            while j < len(found):
                nxt = found[j]
                gap = [t.lower_ for t in doc[pos:nxt.start]]
                if any(w not in TITLE_WORDS for w in gap) or len(gap) > 9:
                    break
                person = self.registry.actors[nxt.actor]
                if person.type == "person" and nxt.kind in ("name", "surname"):
                    head_actor = self.registry.actors[head.actor]
                    same = head.actor == nxt.actor or head_actor.id == person.country or head_actor.type in ("organisation",)
                    if same:
                        drop.update(range(i, j))
                    break
                pos = nxt.end
                j += 1
        return [f for k, f in enumerate(found) if k not in drop]

    @staticmethod
    def _reporting_verb_before(doc: Doc, i: int, sent: Span) -> int | None:
        """The index of the reporting verb "it" follows: "said it", "said on Friday it"."""
        k = i - 1
        while k >= sent.start and i - k <= 5:
            word = doc[k]
            if word.lower_ in IT_LEADS:
                return k
            if not (word.lower_ in ("on", "late", "early", "earlier", "later", "yesterday", "today", "also", "in", "a",
                                    "statement", "that") or word.text[:1].isupper() or word.text.isdigit()):
                return None
            k -= 1
        return None

    @staticmethod
    def _names_body(doc: Doc, f: Found) -> bool:
        """A mention that names who acts: not a bare adjective, unless an institution
        follows it ("the Dutch government", "the Russian defence ministry")."""
        if f.kind != "adjective":
            return True
        return any(t.lower_ in SECTOR_NOUNS for t in doc[f.end:min(len(doc), f.end + 2)])

    def _pronouns(self, doc: Doc, sent: Span, found: list[Found], previous_people: list[str]) -> list[Found]:
        out = []
        for tok in doc[sent.start:sent.end]:
            if tok.lower_ == "its" and tok.i > sent.start and doc[tok.i - 1].lower_ in IT_LEADS and tok.i + 1 < sent.end \
                    and doc[tok.i + 1].lower_ in SECTOR_NOUNS:
                subject = [f.actor for f in found if tok.i - 4 <= f.end <= tok.i - 1 and self._names_body(doc, f)
                           and self.registry.actors[f.actor].type == "state"]
                if subject:  # "the defence ministry said its forces ...": the ministry's state
                    out.append(Found(subject[-1], tok.i, tok.i + 2, "pronoun", f"{tok.text} {doc[tok.i + 1].text}"))
                continue
            verb = self._reporting_verb_before(doc, tok.i, sent) if tok.lower_ == "it" else None
            if verb is not None:
                # "Nigeria's army said (on Friday) it killed ...": the reporting verb's subject, else the one state or body named before
                subject = [f.actor for f in found if verb - 3 <= f.end <= verb and self._names_body(doc, f)
                           and self.registry.actors[f.actor].type != "person"]
                appositive = [f for f in found if f.end <= verb and f.start > sent.start and doc[f.start - 1].text == ","
                              and f.end < len(doc) and doc[f.end].lower_ in ("'s", "’s")]
                if appositive and doc[verb - 1].text == ",":  # "Belarus, Russia's close ally, said it ...": Belarus
                    head = [f.actor for f in found if f.end == appositive[-1].start - 1]
                    subject = head or subject
                before = {f.actor for f in found if f.end <= tok.i and self.registry.actors[f.actor].type != "person"}
                if subject:
                    out.append(Found(subject[-1], tok.i, tok.i + 1, "pronoun", tok.text))
                elif len(before) == 1:
                    out.append(Found(next(iter(before)), tok.i, tok.i + 1, "pronoun", tok.text))
                continue
            if tok.text not in PRONOUNS_PERSON:
                continue
            before = {f.actor for f in found if f.end <= tok.i and self.registry.actors[f.actor].type == "person"}
            candidates = before or set(previous_people)
            if len(candidates) == 1:
                out.append(Found(next(iter(candidates)), tok.i, tok.i + 1, "pronoun", tok.text))
        return out

    def _bodies(self, doc: Doc, sent: Span, found: list[Found], last_body: str | None) -> list[Found]:
        """"The group", "the militia", "the bloc": the last group or organisation named,
        when the noun fits it and no mention covers the words already."""
        if last_body is None:
            return []
        taken = _tokens_of(found)
        out = []
        for k in range(sent.start, sent.end - 1):
            a, b = doc[k], doc[k + 1]
            if a.lower_ == "the" and k + 4 < sent.end and doc[k + 2].text == "-" and doc[k + 3].lower_ in ALIGNED_WORDS \
                    and doc[k + 4].lower_ in BODY_NOUNS and k + 4 not in taken:
                out.append(Found(last_body, a.i, k + 5, "anaphor", " ".join(t.text for t in doc[k:k + 5])))
                continue  # "the Iran-aligned group"
            if a.lower_ == "the" and b.lower_ in BODY_NOUNS and k not in taken and k + 1 not in taken:
                nxt = doc[k + 2].text if k + 2 < sent.end else ""
                if nxt[:1].isupper() or nxt in ("of", "'s", "’s"):
                    continue  # "the Group of Seven", "the council's ..." name something else
                out.append(Found(last_body, a.i, b.i + 1, "anaphor", f"{a.text} {b.text}"))
        return out

    def _state_anaphors(self, doc: Doc, sent: Span, found: list[Found], last_state: str | None) -> list[Found]:
        """"an allegation the Gulf state rejected", "the kingdom said": the state named
        last before it (in this sentence, else the one the previous sentence was about)."""
        taken = _tokens_of(found)
        out = []
        for k in range(sent.start + 1, sent.end):
            a, b = doc[k - 1], doc[k]
            if (a.lower_, b.lower_) not in STATE_ANAPHORS or k in taken or k - 1 in taken:
                continue
            if k + 1 < sent.end and doc[k + 1].lower_ == "of":
                continue  # "the kingdom of Saudi Arabia" names itself
            states = [f.actor for f in found if f.end <= k - 1 and f.kind != "adjective"
                      and self.registry.actors[f.actor].type == "state"]
            actor = states[-1] if states else last_state
            if actor:
                start = k - 2 if a.lower_ != "the" and k - 2 >= sent.start and doc[k - 2].lower_ == "the" else k - 1
                out.append(Found(actor, start, k + 1, "anaphor", " ".join(t.text for t in doc[start:k + 1])))
        return out

    @staticmethod
    def _possessive_bodies(doc: Doc, sent: Span, found: list[Found], last_state: str | None) -> list[Found]:
        """"Its army said ...", "Their foreign ministry ...": at the start of a sentence
        or clause, an institution of the state the previous sentence was about."""
        if last_state is None:
            return []
        taken = _tokens_of(found)
        out = []
        for k in range(sent.start, sent.end - 1):
            a, b = doc[k], doc[k + 1]
            if a.lower_ in ("its", "their") and b.lower_ in SECTOR_NOUNS | {"foreign", "defence", "defense", "interior", "air", "president", "leader", "prime"} \
                    and k not in taken and (k == sent.start or doc[k - 1].text in (",", ";")):
                end = k + 3 if b.lower_ in ("foreign", "defence", "defense", "interior", "air", "prime") and k + 2 < sent.end else k + 2
                out.append(Found(last_state, k, end, "anaphor", " ".join(t.text for t in doc[k:end])))
        return out

    def _pairs(self, doc: Doc, sent: Span, last_pair: list[str]) -> list[Found]:
        if len(last_pair) != 2:
            return []
        out = []
        toks = doc[sent.start:sent.end]
        for a, b in zip(toks, toks[1:]):
            if (a.lower_, b.lower_) in PAIR_ANAPHORS:
                out.extend(Found(actor, a.i, b.i + 1, "anaphor", f"{a.text} {b.text}") for actor in last_pair)
        return out


def unknown_names(doc: Doc, sent: Span, covered: set[int]) -> list[str]:
    """Capitalised word sequences in the sentence that no registry alias covers."""
    names, current = [], []
    toks = list(doc[sent.start:sent.end])
    for k, tok in enumerate(toks):
        word = tok.text
        capital = word[:1].isupper() and tok.is_alpha and tok.i not in covered
        joiner = current and word in {"al-", "bin", "of", "de", "ibn", "van", "von", "der", "al"} and k + 1 < len(toks) and toks[k + 1].text[:1].isupper()
        if capital or joiner:
            current.append(tok)
            continue
        _flush(current, names, sent)
        current = []
    _flush(current, names, sent)
    return names


def _flush(tokens, names: list[str], sent: Span) -> None:
    while tokens and (tokens[0].text in CANDIDATE_STOP or (tokens[0].i == sent.start and len(tokens) == 1)):
        tokens = tokens[1:]
    while tokens and tokens[-1].text in {"of", "al", "bin", "de"}:
        tokens = tokens[:-1]
    if tokens and not (len(tokens) == 1 and tokens[0].i == sent.start):
        text = " ".join(t.text for t in tokens)
        if text in NOT_ACTORS or tokens[-1].text in PLACE_WORDS:
            return  # regions, documents and places are not actors the registry lacks
        if len(text) > 2 and not text.isupper() or len(text) >= 3:
            names.append(text)
