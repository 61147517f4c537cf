"""The actor registry: states, bodies, groups and people, with dated roles.

Loaded from ``data/reference/states.yaml`` (every sovereign state: names, ISO 3166
official names via pycountry, adjectives, capital as metonym) and
``data/reference/actors.yaml`` (international bodies, people, armed groups). A
person's role descriptors ("the Russian leader", "Iran's president") resolve to
whoever holds that role on the article's date. Validation on load names file,
line and problem.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sitrep.config import REFERENCE_DIR, display_path
from sitrep.errors import SitrepError
from sitrep.yaml_lines import LineLoader

STATES_FILE = REFERENCE_DIR / "states.yaml"
ACTORS_FILE = REFERENCE_DIR / "actors.yaml"
ACTOR_TYPES = ("person", "state", "organisation", "group")


class RegistryError(SitrepError, ValueError):
    """A malformed registry: one line naming file, line and problem."""


@dataclass(frozen=True)
class Role:
    title: str
    start: dt.date | None
    end: dt.date | None
    leader: bool = False
    descriptors: tuple[str, ...] = ()

    def holds_on(self, day: dt.date | None) -> bool:
        if day is None:
            return self.end is None
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


CROWDS = "CROWDS"


@dataclass
class Actor:
    id: str
    name: str
    type: str
    country: str | None
    aliases: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    adjectives: list[str] = field(default_factory=list)
    capital: str | None = None
    reviewed: dt.date | None = None
    source: str = ""  # file:line of the entry, for error messages
    provisional: bool = False  # found in the text (a named entity), not in the registry files

    def role_on(self, day: dt.date | None) -> Role | None:
        """The role held on ``day`` (the current one when undated), else None."""
        held = [r for r in self.roles if r.holds_on(day)]
        return held[-1] if held else None


@dataclass(frozen=True)
class AliasTarget:
    """What a surface form points to: an actor directly, or a role held on a date."""

    actor: str
    kind: str  # name | surname | adjective | capital | descriptor
    role: Role | None = None


def _load_yaml(path: Path):
    shown = display_path(path)
    if not path.is_file():
        raise RegistryError(f"{shown}: registry file not found")
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise RegistryError(f"{shown}{line}: malformed YAML: {getattr(err, 'problem', err)}") from None


def _date(value, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RegistryError(f"{where}: bad date {value!r} (expected YYYY-MM-DD)") from None


class Registry:
    """All actors, and the index of surface forms to actors and roles."""

    def __init__(self, actors: dict[str, Actor], as_of: dt.date | None, sources: dict[str, str]):
        self.actors = actors
        self.as_of = as_of
        self.sources = sources  # file -> version label (as_of date)
        self.index: dict[str, list[AliasTarget]] = {}
        self._build_index()

    # --- loading -------------------------------------------------------------------
    @classmethod
    def load(cls, states_file: Path = STATES_FILE, actors_file: Path = ACTORS_FILE) -> "Registry":
        import pycountry

        actors: dict[str, Actor] = {}
        states_doc = _load_yaml(states_file)
        shown = display_path(states_file)
        if not isinstance(states_doc, dict) or not isinstance(states_doc.get("states"), list):
            raise RegistryError(f"{shown}:1: expected a mapping with a 'states' list")
        for i, row in enumerate(states_doc["states"]):
            where = f"{shown}:{_row_line(states_file, i, 'states')}"
            if not (isinstance(row, list) and len(row) == 5):
                raise RegistryError(f"{where}: a state is [ISO3, name, [adjectives], capital, [aliases]]")
            iso3, name, adjectives, capital, aliases = row
            if iso3 in actors:
                raise RegistryError(f"{where}: duplicate state id {iso3}")
            country = pycountry.countries.get(alpha_3=iso3)
            official = []
            if country is not None:
                official = [getattr(country, a) for a in ("name", "official_name", "common_name") if getattr(country, a, None)]
            elif iso3 not in {"XKX"}:
                raise RegistryError(f"{where}: {iso3} is not an ISO 3166 alpha-3 code")
            names = _unique([name, *aliases, *official])
            actors[iso3] = Actor(iso3, name, "state", iso3, aliases=names, adjectives=list(adjectives), capital=capital, source=where)
        plurals = _people_plurals(actors)
        for iso3 in list(actors):  # a state's people and crowds ("protesters in Belgrade", "Israelis rallied")
            actors[f"{iso3}.{CROWDS}"] = Actor(f"{iso3}.{CROWDS}", "people and crowds", "group", iso3,
                                               aliases=plurals.get(iso3, []), source=actors[iso3].source)
        doc = _load_yaml(actors_file)
        shown = display_path(actors_file)
        if not isinstance(doc, dict) or not isinstance(doc.get("actors"), list):
            raise RegistryError(f"{shown}:1: expected a mapping with an 'actors' list")
        for entry in doc["actors"]:
            actor = _actor_from(entry, shown, actors)
            actors[actor.id] = actor
        as_of = _date(doc.get("as_of"), shown)
        sources = {display_path(states_file): str(states_doc.get("as_of")), shown: str(as_of)}
        registry = cls(actors, as_of, sources)
        return registry

    # --- the index -----------------------------------------------------------------
    def _add(self, alias: str, target: AliasTarget, where: str = "") -> None:
        """Index a surface form. Names beat capitals and adjectives ("Brussels" is the
        EU, not Belgium's government); two actors claiming one name is an error."""
        alias = " ".join(alias.split())
        if not alias:
            return
        bucket = self.index.setdefault(alias, [])
        if target in bucket:
            return
        rivals = [t for t in bucket if t.kind in ("name", "adjective", "capital") and t.actor != target.actor]
        if rivals and target.kind in ("name", "adjective", "capital"):
            if target.kind == "name" and all(t.kind != "name" for t in rivals):
                bucket[:] = [t for t in bucket if t not in rivals]
            elif rivals[0].kind == "name" and target.kind != "name":
                return
            else:
                raise RegistryError(f"{where or 'registry'}: alias {alias!r} of {target.actor} is already used by {rivals[0].actor}")
        bucket.append(target)

    def _build_index(self) -> None:
        surnames: dict[str, list[str]] = {}
        for actor in self.actors.values():
            for alias in actor.aliases:
                if actor.type == "person" and " " not in alias and alias != actor.name:
                    surnames.setdefault(alias, []).append(actor.id)
                    continue
                self._add(alias, AliasTarget(actor.id, "name"), actor.source)
        for actor in self.actors.values():
            for adj in actor.adjectives:
                self._add(adj, AliasTarget(actor.id, "adjective"), actor.source)
            if actor.capital:
                self._add(actor.capital, AliasTarget(actor.id, "capital"), actor.source)
        for alias, ids in surnames.items():
            for actor_id in ids:
                self.index.setdefault(alias, []).append(AliasTarget(actor_id, "surname"))
        for actor in self.actors.values():
            for role in actor.roles:
                for form in self.role_forms(actor, role):
                    self.index.setdefault(form, [])
                    target = AliasTarget(actor.id, "descriptor", role)
                    if target not in self.index[form]:
                        self.index[form].append(target)

    def role_forms(self, actor: Actor, role: Role) -> list[str]:
        """Descriptors of a role: the explicit ones, and for a state's office the
        usual news forms ("Russian President", "Russia's president", "the Russian leader")."""
        forms = list(role.descriptors)
        state = self.actors.get(actor.country or "")
        if state is not None and actor.type == "person":
            titles = {role.title, role.title.lower()}
            for title in titles:
                for adj in state.adjectives[:2]:
                    forms.append(f"{adj} {title}")
                forms.append(f"{state.name}'s {title}")
                forms.append(f"{state.name}’s {title}")
                forms.append(f"{title} of {state.name}")
            if role.leader:
                for adj in state.adjectives[:2]:
                    forms.append(f"{adj} leader")
                forms.append(f"{state.name}'s leader")
                forms.append(f"{state.name}’s leader")
        return _unique(forms)

    # --- resolution ----------------------------------------------------------------
    def resolve(self, alias: str, day: dt.date | None, recent: list[str] | None = None) -> tuple[str, str] | None:
        """(actor id, how) for a surface form on a date, or None.

        Descriptors resolve to the actor holding the role on ``day``; a bare surname
        shared by several people resolves to the one mentioned most recently in the
        article (``recent``, newest last), else the one whose role is current.
        """
        targets = self.index.get(alias)
        if not targets:
            return None
        direct = [t for t in targets if t.kind in ("name", "adjective", "capital")]
        if direct:
            return direct[0].actor, direct[0].kind
        roles = [t for t in targets if t.kind == "descriptor" and t.role.holds_on(day)]
        if roles:
            return roles[-1].actor, "descriptor"
        descriptors = [t for t in targets if t.kind == "descriptor"]
        if descriptors and day is not None and self.actors[descriptors[0].actor].country:
            # "the Iranian foreign minister" on a date the registry has no holder for: still Iran
            return self.actors[descriptors[0].actor].country, "descriptor"
        people = [t.actor for t in targets if t.kind == "surname"]
        if people:
            for actor_id in reversed(recent or []):
                if actor_id in people:
                    return actor_id, "surname"
            current = [p for p in people if self.actors[p].role_on(day) is not None]
            return (current or people)[0], "surname"
        return None

    def affiliation(self, actor_id: str | None) -> str | None:
        """Whom an actor acts for, as event coders count it: its state; for a person
        or body of an international organisation ("UN.GUTERRES"), that organisation."""
        if actor_id is None:
            return None
        actor = self.actors.get(actor_id)
        if actor is None:
            return actor_id
        if actor.country:
            return actor.country
        parent = actor_id.rpartition(".")[0]
        return parent if parent in self.actors else actor_id

    def label(self, actor_id: str, day: dt.date | None = None) -> str:
        """The canonical label: "Iran — President Masoud Pezeshkian", "Russia", "United Nations"."""
        actor = self.actors.get(actor_id)
        if actor is None:
            return actor_id
        if actor.type == "person":
            role = actor.role_on(day)
            state = self.actors.get(actor.country or "")
            past = [r for r in actor.roles if r.end is not None and (day is None or r.end <= day)]
            if role:
                who = f"{role.title} {actor.name}"
            elif past:  # "Iran — former Supreme Leader Ali Khamenei"
                who = f"former {past[-1].title} {actor.name}"
            else:
                who = actor.name
            return f"{state.name} — {who}" if state else who
        if actor.type == "state":
            return actor.name
        state = self.actors.get(actor.country or "")
        return f"{state.name} — {actor.name}" if state and actor.type != "state" else actor.name

    def row(self, actor_id: str, day: dt.date | None = None) -> dict:
        actor = self.actors.get(actor_id)
        if actor is None:
            return {"id": actor_id, "name": actor_id, "type": "organisation", "country": None, "role": None, "label": actor_id,
                    "provisional": True}
        role = actor.role_on(day)
        return {"id": actor.id, "name": actor.name, "type": actor.type, "country": actor.country,
                "role": role.title if role else None, "label": self.label(actor_id, day), "provisional": actor.provisional}


def _row_line(path: Path, index: int, key: str) -> int:
    """Line of the index-th item of a flow-style list (states rows are one per line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    count = -1
    for number, text in enumerate(lines, start=1):
        if text.startswith("- ["):
            count += 1
            if count == index:
                return number
    return 1


IRREGULAR_PEOPLE = (("GBR", "Britons"), ("GBR", "Brits"), ("FRA", "Frenchmen"), ("NLD", "Dutchmen"), ("PHL", "Filipinos"),
                    ("DNK", "Danes"), ("SWE", "Swedes"), ("FIN", "Finns"), ("POL", "Poles"), ("TUR", "Turks"),
                    ("ESP", "Spaniards"), ("ISL", "Icelanders"), ("NZL", "New Zealanders"), ("THA", "Thais"))


def _people_plurals(states: dict[str, "Actor"]) -> dict[str, list[str]]:
    """The plural nouns for a state's people, made from its adjectives ("Israeli" ->
    "Israelis", "Serbian" -> "Serbians"); adjectives that do not take an -s ("Chinese",
    "British", "Dutch"), plurals two states would share and plurals that name a state
    ("Philippines") are left out."""
    made: dict[str, list[str]] = {}
    for iso3, state in states.items():
        for adj in state.adjectives:
            if adj.isalpha() and len(adj) > 3 and not adj.isupper() and not adj.endswith(("ese", "sh", "ch", "ss", "x", "z", "s")):
                made.setdefault(adj + "s", []).append(iso3)
    names = {a for state in states.values() for a in (*state.aliases, *state.adjectives, state.capital or "")}
    for iso3, plural in IRREGULAR_PEOPLE:  # demonyms whose plural is not the adjective plus -s
        if iso3 in states:
            made.setdefault(plural, []).append(iso3)
    out: dict[str, list[str]] = {}
    for plural, owners in made.items():
        if len(set(owners)) == 1 and plural not in names:  # "Philippines" is the state
            out.setdefault(owners[0], []).append(plural)
    return out


def _unique(items) -> list[str]:
    seen, out = set(), []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _actor_from(entry, shown: str, actors: dict[str, Actor]) -> Actor:
    if not isinstance(entry, dict):
        raise RegistryError(f"{shown}: each actor must be a mapping")
    line = entry.get("__line__", "?")
    where = f"{shown}:{line}"
    for key in ("id", "name", "type"):
        if not entry.get(key):
            raise RegistryError(f"{where}: actor without '{key}'")
    actor_id = str(entry["id"])
    if actor_id in actors:
        raise RegistryError(f"{where}: duplicate actor id {actor_id}")
    if entry["type"] not in ACTOR_TYPES:
        raise RegistryError(f"{where}: type of {actor_id} must be one of {', '.join(ACTOR_TYPES)}")
    country = entry.get("country")
    if country is not None and (country not in actors or actors[country].type != "state"):
        raise RegistryError(f"{where}: unknown country {country!r} for {actor_id} (expected an ISO 3166 alpha-3 state id)")
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list):
        raise RegistryError(f"{where}: aliases of {actor_id} must be a list")
    roles = []
    for raw in entry.get("roles") or []:
        rwhere = f"{shown}:{raw.get('__line__', line)}" if isinstance(raw, dict) else where
        if not isinstance(raw, dict) or not raw.get("title"):
            raise RegistryError(f"{rwhere}: a role of {actor_id} needs a title")
        start, end = _date(raw.get("from"), rwhere), _date(raw.get("to"), rwhere)
        if start and end and end < start:
            raise RegistryError(f"{rwhere}: role '{raw['title']}' of {actor_id} ends before it starts")
        roles.append(Role(str(raw["title"]), start, end, bool(raw.get("leader")), tuple(raw.get("descriptors") or ())))
    ordered = sorted(roles, key=lambda r: r.start or dt.date.min)
    for a, b in zip(ordered, ordered[1:]):
        if a.title == b.title and (a.end is None or (b.start is not None and b.start < a.end)):
            raise RegistryError(f"{where}: roles '{a.title}' of {actor_id} overlap ({a.start} to {a.end} and {b.start} to {b.end})")
    return Actor(actor_id, str(entry["name"]), entry["type"], country, aliases=_unique([str(entry["name"]), *map(str, aliases)]),
                 roles=ordered, reviewed=_date(entry.get("reviewed"), where), source=where)
