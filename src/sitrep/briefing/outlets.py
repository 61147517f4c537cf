"""The outlet registry (``data/reference/outlets.yaml``): what kind of source each
outlet is (wire, state-affiliated, official, newspaper, broadcaster, NGO, aggregator),
its country and owner, so that the briefing can say who reported what. An outlet not
in the file is shown as *unreviewed*; an article with no outlet as *unnamed*.

The file is validated on load: every problem names the file and line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sitrep.config import REFERENCE_DIR, display_path
from sitrep.errors import SitrepError
from sitrep.yaml_lines import PlainLineLoader

OUTLETS_FILE = REFERENCE_DIR / "outlets.yaml"
OutletType = Literal["wire", "state-affiliated", "official", "newspaper", "broadcaster", "ngo", "aggregator"]
UNREVIEWED = "unreviewed"
UNNAMED = "unnamed"


class OutletError(SitrepError, ValueError):
    """A malformed outlet registry (the message names the file and line)."""


class Outlet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    type: OutletType
    country: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    owner: str | None = None
    aliases: tuple[str, ...] = ()
    sample: bool = False  # a fictional outlet of the sample corpus
    reviewed: dt.date | None = None


@dataclass(frozen=True)
class OutletRegistry:
    as_of: dt.date | None
    by_name: dict[str, Outlet]

    def lookup(self, name) -> Outlet | None:
        return self.by_name.get(name.casefold().strip()) if isinstance(name, str) and name.strip() else None


def load_outlets(path: Path = OUTLETS_FILE) -> OutletRegistry:
    """The registry in ``path`` (cached while the file is unchanged)."""
    path = Path(path)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as err:
        raise OutletError(f"{display_path(path)}: cannot read ({err.strerror})") from None
    return _load(path, stamp)


@lru_cache(maxsize=4)
def _load(path: Path, _stamp: int) -> OutletRegistry:
    shown = display_path(path)
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=PlainLineLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise OutletError(f"{shown}{line}: not valid YAML ({getattr(err, 'problem', err)})") from None
    except (OSError, UnicodeDecodeError) as err:
        raise OutletError(f"{shown}: cannot read ({err})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("outlets"), list):
        raise OutletError(f"{shown}:1: expected a mapping with an 'outlets' list")
    as_of = doc.get("as_of")
    try:
        as_of = dt.date.fromisoformat(str(as_of)) if as_of is not None else None
    except ValueError:
        raise OutletError(f"{shown}:{doc.get('__line__', 1)}: as_of {as_of!r} is not a date (YYYY-MM-DD)") from None
    by_name: dict[str, Outlet] = {}
    where: dict[str, int] = {}
    for entry in doc["outlets"]:
        if not isinstance(entry, dict):
            raise OutletError(f"{shown}: every outlet must be a mapping, got {entry!r}")
        line = entry.pop("__line__", "?")
        try:
            outlet = Outlet(**entry)
        except ValidationError as err:
            first = err.errors()[0]
            field = ".".join(str(x) for x in first["loc"]) or "entry"
            raise OutletError(f"{shown}:{line}: {field}: {first['msg']}") from None
        for name in (outlet.name, *outlet.aliases):
            key = name.casefold().strip()
            if key in by_name:
                raise OutletError(f"{shown}:{line}: {name!r} is already the name or alias of "
                                  f"{by_name[key].name!r} (line {where[key]})")
            by_name[key], where[key] = outlet, line
    return OutletRegistry(as_of, by_name)


def describe(registry: OutletRegistry, name) -> tuple[str, str, str]:
    """(type, country, owner) of an outlet as shown in a report."""
    if not isinstance(name, str) or not name.strip():
        return UNNAMED, "—", "—"
    outlet = registry.lookup(name)
    if outlet is None:
        return UNREVIEWED, "—", "—"
    kind = outlet.type + (" (fictional sample)" if outlet.sample else "")
    return kind, outlet.country or "international", outlet.owner or "—"
