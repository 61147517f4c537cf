"""Notebook parameters, validated with pydantic.

Each report notebook names its model in its metadata (``sitrep.params_model``) and
validates its ``parameters`` cell with it in the next cell; ``sitrep build``
validates ``-p`` values with the same model before anything runs, so a wrong name,
type or value fails at once with a message naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from sitrep.config import DEFAULT_STORE, PROJ_ROOT, display_path


class ParameterError(ValueError):
    """A bad notebook parameter (one-line message naming the parameter)."""


class ReportParams(BaseModel):
    """Parameters every report notebook takes."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    title: str = "sitrep report"
    store: str = display_path(DEFAULT_STORE)
    start: dt.date | None = None
    end: dt.date | None = None
    formats: list[Literal["html", "pdf"]] = ["html", "pdf"]
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


def validate(model: type[BaseModel], values: dict) -> BaseModel:
    """``model(**values)``, or a :class:`ParameterError` naming the parameter."""
    try:
        return model.model_validate(values)
    except ValidationError as err:
        first = err.errors()[0]
        name = ".".join(str(x) for x in first["loc"]) or "parameters"
        if first["type"] == "extra_forbidden":
            known = ", ".join(model.model_fields)
            raise ParameterError(f"unknown parameter '{name}' (known: {known})") from None
        value = first.get("input")
        shown = "" if isinstance(value, dict) else f" {value!r}"
        raise ParameterError(f"parameter '{name}'{shown}: {first['msg']}") from None


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
