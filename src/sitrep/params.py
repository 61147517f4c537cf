"""Notebook parameters, validated with pydantic.

Each report notebook names its model in its metadata (``sitrep.params_model``) and
validates its ``parameters`` cell with it in the next cell; ``sitrep build``
validates ``-p`` values with the same model before anything runs, so a wrong name,
type or value fails at once with a message naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import importlib
import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sitrep.config import DEFAULT_STORE, PROJ_ROOT, display_path
from sitrep.errors import SitrepError


class ParameterError(SitrepError, ValueError):
    """A bad notebook parameter (one-line message naming the parameter)."""


class ReportParams(BaseModel):
    """Parameters every report notebook takes."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    title: str = "sitrep report"
    store: str = display_path(DEFAULT_STORE)
    start: dt.date | None = None
    end: dt.date | None = None
    formats: list[Literal["html", "pdf", "docx"]] = ["html", "pdf"]
    page_size: Literal["A4", "Letter"] = "A4"

    @field_validator("start", "end", mode="before")
    @classmethod
    def _empty_date(cls, value):
        return None if value in ("", None) else value

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @field_validator("formats", mode="before")
    @classmethod
    def _formats(cls, value):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        return value

    @model_validator(mode="after")
    def _window(self):
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"start ({self.start}) is after end ({self.end})")
        return self

    @property
    def store_path(self) -> Path:
        path = Path(self.store)
        return path if path.is_absolute() else PROJ_ROOT / path

    @property
    def store_label(self) -> str:
        """The store as named in a report: project-relative, or only its file name
        when it lives elsewhere (reports carry no absolute paths)."""
        shown = display_path(self.store_path)
        return shown if not shown.startswith("/") else Path(shown).name

    @property
    def window_label(self) -> str:
        if self.start and self.end:
            return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"
        if self.start:
            return f"from {self.start:%d %b %Y}"
        if self.end:
            return f"up to {self.end:%d %b %Y}"
        return "all dates in the corpus"


class CorpusOverviewParams(ReportParams):
    title: str = "Corpus overview"


class BriefingParams(ReportParams):
    """Parameters of the situation briefing (notebooks/briefing.ipynb).

    ``focus_actors`` are registry ids (a state's id also covers its people and
    bodies); ``topic`` keywords keep the articles whose title or text contains any
    of them; ``min_confidence`` drops extracted records coded less surely;
    ``edition`` numbers the briefing (default: one edition per news day in the
    store up to the window's end); the information cutoff is given in ``timezone``;
    ``external_events`` adds the imported ICEWS, GDELT and POLECAT event records
    (``sitrep import-events``) beside the events extracted from articles;
    ``series`` names the run of editions a briefing belongs to (what changed is told
    against the series' previous stored edition, see :mod:`sitrep.editions`).
    """

    title: str = "Situation briefing"
    focus_actors: list[str] = []
    topic: list[str] = []
    min_confidence: float = Field(0.5, ge=0.0, le=1.0)
    edition: int | None = Field(None, ge=1)
    timezone: str = "UTC"
    external_events: bool = False
    series: str = ""

    @field_validator("series")
    @classmethod
    def _series(cls, value: str) -> str:
        if value and not re.match(r"^[a-z0-9][a-z0-9._-]{0,63}$", value):
            raise ValueError("use lower-case letters, digits, '.', '_' or '-' (at most 64), e.g. iran-daily")
        return value

    @property
    def series_id(self) -> str:
        """The series: as given, else the briefing's kind — its title, focus actors and
        topic (so the dailies of one grid form a series, and a briefing on one party
        another). A regex rather than a slug library: this is an internal key, not a name."""
        if self.series:
            return self.series
        kind = " ".join([self.title, *self.focus_actors, *self.topic]).lower()
        return re.sub(r"[^a-z0-9]+", "-", kind).strip("-")[:64] or "briefing"

    @field_validator("focus_actors", "topic", mode="before")
    @classmethod
    def _listish(cls, value):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("focus_actors")
    @classmethod
    def _known_actors(cls, value: list[str]) -> list[str]:
        if not value:
            return value
        known = _registry_ids(*_stamps())
        for actor_id in value:
            if actor_id not in known:
                close = difflib.get_close_matches(actor_id, sorted(known), n=3)
                hint = f" (did you mean {', '.join(close)}?)" if close else " (use a registry id such as RUS or RUS.PUTIN)"
                raise ValueError(f"unknown actor id {actor_id!r}{hint}")
        return value

    @field_validator("topic")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        return [v.strip() for v in value if v.strip()]

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as UTC or Europe/Paris)") from None
        return value


def _stamps() -> tuple:
    from sitrep.extract.registry import ACTORS_FILE, STATES_FILE

    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in (STATES_FILE, ACTORS_FILE))


@functools.lru_cache(maxsize=2)
def _registry_ids(*stamps) -> frozenset[str]:
    """The registry's actor ids (loaded once per version of its files)."""
    from sitrep.extract.registry import Registry

    states, actors = (Path(s[0]) for s in stamps)
    return frozenset(Registry.load(states, actors).actors)


class ActorProfileParams(ReportParams):
    """Parameters of the actor profile (notebooks/actor_profile.ipynb)."""

    title: str = "Actor profile"
    actor: str = "RUS"
    min_confidence: float = Field(0.5, ge=0.0, le=1.0)
    external_events: bool = False

    @field_validator("actor")
    @classmethod
    def _known_actor(cls, value: str) -> str:
        BriefingParams._known_actors([value])
        return value


def validate(model: type[BaseModel], values: dict) -> BaseModel:
    """``model(**values)``, or a :class:`ParameterError` naming the parameter."""
    try:
        return model.model_validate(values)
    except ValidationError as err:
        first = err.errors()[0]
        if not first["loc"]:  # a rule over several parameters (start after end): its message names them
            raise ParameterError(str(first["msg"]).removeprefix("Value error, ")) from None
        name = ".".join(str(x) for x in first["loc"])
        if first["type"] == "extra_forbidden":
            known = ", ".join(model.model_fields)
            raise ParameterError(f"unknown parameter '{name}' (known: {known})") from None
        value = first.get("input")
        shown = "" if isinstance(value, dict) else f" {value!r}"
        raise ParameterError(f"parameter '{name}'{shown}: {first['msg']}") from None


def validate_namespace(model: type[BaseModel], namespace: dict) -> BaseModel:
    """The model from a notebook's globals: every parameter the model has, by name
    (a notebook's validation cell is one line: ``p = validate_namespace(BriefingParams, globals())``)."""
    return validate(model, {name: namespace[name] for name in model.model_fields if name in namespace})


def load_model(dotted: str) -> type[BaseModel]:
    """The model class named ``module:Class``."""
    module, _, name = dotted.partition(":")
    return getattr(importlib.import_module(module), name)


def parse_cli_value(raw: str, default) -> object:
    """A ``-p KEY=VALUE`` string typed like the parameter's default: strings stay
    strings, lists accept ``a,b`` or ``[a, b]``, numbers and booleans are parsed."""
    import yaml

    if isinstance(default, str) or default is None and not raw.strip().startswith(("[", "{")):
        return raw
    if isinstance(default, list) and not raw.strip().startswith("["):
        return [part.strip() for part in raw.split(",") if part.strip()]
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
