"""Stored editions: what each briefing of a series said, so that the next one can
say what changed and score the watch items whose horizon has passed.

An edition is identified by its series and window. After a successful build, the
render step (:mod:`sitrep.render.build`) stores the record the briefing's notebook
produced (its developments, stances, actors, watch items and the series' calibration
tally) beside the store it was built from, as
``<store folder>/<store name>.editions/<series>/<end>_<start>.json`` (for the default
store ``data/processed/sitrep.editions/``); a later briefing of the same
series reads the stored edition with the latest window end before its own. Writes
are atomic (a temporary file renamed into place). The cache key of a report covers
the previous edition it compares with (:func:`previous_digest`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sitrep.config import display_path
from sitrep.errors import SitrepError

MIME = "application/vnd.sitrep.edition+json"
SERIES = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class EditionError(SitrepError, ValueError):
    """A stored edition that cannot be read (the message names the file)."""


class Development(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str  # sources|act|targets: the same act by the same actors toward the same targets
    date: dt.date
    sources: list[str]
    targets: list[str]
    code: str
    line: str
    goldstein: float


class Stance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    speaker: str
    target: str | None
    stance: str


class WatchItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    indicator: str  # what would be observed: "an act of force by Israel against Lebanon is reported"
    actor: str
    target: str | None
    codes: list[str]  # CAMEO code prefixes that count as the indicator happening
    made: dt.date  # the edition's window end
    horizon: dt.date  # by when
    likelihood: str  # an ICD 203 term
    basis: str  # the rule that gave the likelihood


class Edition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    series: str = Field(pattern=SERIES.pattern)
    start: dt.date
    end: dt.date
    edition: int
    developments: list[Development] = []
    stances: list[Stance] = []
    actors: list[str] = []
    watch: list[WatchItem] = []
    # the series' running tally of scored watch items: likelihood term -> outcome -> count
    calibration: dict[str, dict[str, int]] = {}

    @property
    def file_name(self) -> str:
        return f"{self.end.isoformat()}_{self.start.isoformat()}.json"


def root_for(store: Path) -> Path:
    """Where the editions of briefings built from ``store`` are kept."""
    store = Path(store)
    return store.parent / f"{store.stem}.editions"


def series_dir(series: str, root: Path) -> Path:
    if not SERIES.match(series):
        raise EditionError(f"series {series!r}: use lower-case letters, digits, '.', '_' or '-' (at most 64)")
    return root / series


def save(edition: Edition, root: Path) -> Path:
    """Store ``edition`` (replacing a stored one of the same window) atomically."""
    folder = series_dir(edition.series, root)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / edition.file_name
    text = json.dumps(edition.model_dump(mode="json"), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".edition.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def previous_path(series: str, end: dt.date | None, root: Path) -> Path | None:
    """The stored edition of ``series`` with the latest window end before ``end``."""
    if end is None:
        return None
    folder = series_dir(series, root)
    if not folder.is_dir():
        return None
    best = None
    for path in folder.glob("*.json"):
        try:
            stored_end = dt.date.fromisoformat(path.name.split("_", 1)[0])
        except ValueError:
            continue  # not an edition file
        if stored_end < end and (best is None or path.name > best.name):
            best = path
    return best


def load(path: Path) -> Edition:
    try:
        return Edition(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, ValidationError, TypeError) as err:
        first = err.errors()[0]["msg"] if isinstance(err, ValidationError) else str(err).splitlines()[0]
        raise EditionError(f"{display_path(path)}: not a readable edition ({first})") from None


def previous(series: str, end: dt.date | None, root: Path) -> Edition | None:
    path = previous_path(series, end, root)
    return load(path) if path is not None else None


def previous_digest(series: str, end: dt.date | None, root: Path) -> str | None:
    """``<file name> <sha256>`` of the previous edition (for a report's cache key)."""
    path = previous_path(series, end, root)
    if path is None:
        return None
    return f"{path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}"


def from_outputs(nb) -> Edition | None:
    """The edition record an executed notebook displayed (None: it made none)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            if MIME in data:
                return Edition(**data[MIME])
    return None
