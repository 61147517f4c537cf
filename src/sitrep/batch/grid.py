"""Batch grid files: which notebooks to build with which parameters, and the name
of each report. Everything is checked before anything runs.

A grid is YAML::

    defaults:                      # parameters of every report (optional)
      store: data/processed/sitrep.duckdb
    reports:
      - notebook: notebooks/briefing.ipynb
        name: "{notebook}-{focus_actors}-{end}"
        params: {title: Daily briefing}          # the same for every report of this entry
        product:                                 # every combination of these values
          focus_actors: [[RUS], [IRN], [USA]]
          end: {last_days: 3, until: 2026-03-12} # a run of dates (cumulative windows)
      - notebook: notebooks/briefing.ipynb
        name: "daily-{focus_actors}-{day}"
        product:
          focus_actors: [[RUS], [IRN]]
          day: {last_days: 7, until: 2026-03-12}   # start = end = each day
      - notebook: notebooks/actor_profile.ipynb
        name: "profile-{actor}"
        list:                                    # explicit parameter sets
          - {actor: RUS}
          - {actor: IRN.PEZESHKIAN, start: 2026-03-01}

Names are slugified (lower case, ``[a-z0-9._-]``, no leading dot; nothing else
survives, so no name can escape the reports folder, whatever the parameters hold);
two reports with the same name are an error. A grid cannot choose the output
folder (``sitrep batch --out`` does), and parameter values must be plain data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from sitrep.config import PROJ_ROOT, display_path
from sitrep.errors import SitrepError
from sitrep.params import ParameterError
from sitrep.yaml_lines import PlainLineLoader

DEFAULT_NAME = "{notebook}"
ENTRY_KEYS = {"notebook", "name", "params", "product", "list", "__line__"}


class GridError(SitrepError, ValueError):
    """A grid that cannot run (message names the file and line)."""


@dataclass(frozen=True)
class Job:
    """One report to build."""

    notebook: str               # path as written in the grid, resolved against the project
    name: str
    params: dict = field(hash=False)
    line: int = 0               # grid line of the entry it came from

    @property
    def notebook_path(self) -> Path:
        path = Path(self.notebook)
        return path if path.is_absolute() else PROJ_ROOT / path


def slugify(text: str) -> str:
    """A safe folder name: lower case letters, digits, '.', '_' and '-' only."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-.")
    slug = re.sub(r"\.{2,}", ".", slug)
    return slug[:120] or "report"


def _fmt(value) -> str:
    if isinstance(value, (list, tuple)):
        return "+".join(_fmt(v) for v in value) or "all"
    if value in (None, ""):
        return "all"
    return str(value)


def _dates(spec: dict, where: str) -> list[str]:
    """{last_days: N, until: DATE} or {from: DATE, to: DATE} -> ISO dates."""
    try:
        if "last_days" in spec:
            until = dt.date.fromisoformat(str(spec["until"]))
            n = int(spec["last_days"])
            if n < 1:
                raise ValueError("last_days must be at least 1")
            return [(until - dt.timedelta(days=k)).isoformat() for k in range(n - 1, -1, -1)]
        first, last = dt.date.fromisoformat(str(spec["from"])), dt.date.fromisoformat(str(spec["to"]))
    except KeyError as err:
        raise GridError(f"{where}: a date run needs {err.args[0]!r} ({{last_days, until}} or {{from, to}})") from None
    except ValueError as err:
        raise GridError(f"{where}: bad date run: {err}") from None
    if last < first:
        raise GridError(f"{where}: date run ends ({last}) before it starts ({first})")
    return [(first + dt.timedelta(days=k)).isoformat() for k in range((last - first).days + 1)]


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def load_grid(path: Path) -> list[Job]:
    """The jobs of a grid file, validated: notebooks exist, parameters are known and
    valid for each notebook's model, products are not empty, names are unique."""
    from sitrep.render.build import BuildError, resolve_parameters

    shown = display_path(path)
    try:
        doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=PlainLineLoader)  # noqa: S506
    except OSError as err:
        raise GridError(f"{shown}: cannot read: {err.strerror}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise GridError(f"{shown}:{mark.line + 1 if mark else '?'}: not valid YAML: {getattr(err, 'problem', err)}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("reports"), list) or not doc["reports"]:
        raise GridError(f"{shown}:1: a grid needs a non-empty 'reports' list")
    defaults = _strip(doc.get("defaults") or {})
    if not isinstance(defaults, dict):
        raise GridError(f"{shown}: 'defaults' must be a mapping of parameters")
    unknown_top = set(doc) - {"defaults", "reports", "__line__"}
    if unknown_top:
        raise GridError(f"{shown}:1: unknown key {sorted(unknown_top)[0]!r} (expected defaults, reports)")
    jobs: list[Job] = []
    seen: dict[str, int] = {}
    notebooks: dict[str, nbformat.NotebookNode] = {}
    for entry in doc["reports"]:
        if not isinstance(entry, dict):
            raise GridError(f"{shown}: each item of 'reports' must be a mapping")
        line = entry.get("__line__", 0)
        where = f"{shown}:{line}"
        extra = set(entry) - ENTRY_KEYS
        if extra:
            raise GridError(f"{where}: unknown key {sorted(extra)[0]!r} (expected notebook, name, params, product, list)")
        notebook = entry.get("notebook")
        if not notebook:
            raise GridError(f"{where}: entry without 'notebook'")
        if not isinstance(notebook, str) or not notebook.endswith(".ipynb"):
            raise GridError(f"{where}: notebook {notebook!r} is not a .ipynb file")
        nb_path = Path(notebook) if Path(notebook).is_absolute() else PROJ_ROOT / notebook
        if not nb_path.is_file():
            raise GridError(f"{where}: unknown notebook {notebook!r} (no such file)")
        if notebook not in notebooks:
            try:
                notebooks[notebook] = nbformat.read(nb_path, as_version=4)
            except Exception as err:  # noqa: BLE001 - nbformat raises several types
                raise GridError(f"{where}: {notebook} is not a readable notebook: {str(err).splitlines()[0]}") from None
        fixed = _strip(entry.get("params") or {})
        if not isinstance(fixed, dict):
            raise GridError(f"{where}: 'params' must be a mapping")
        for combo in _combinations(entry, where):
            day = combo.pop("day", None)
            if day is not None:  # one day's window
                combo.update(start=str(day), end=str(day))
            params = {**defaults, **fixed, **combo}
            try:
                resolve_parameters(notebooks[notebook], nb_path, params)
            except (ParameterError, BuildError) as err:
                raise GridError(f"{where}: {err}") from None
            template = entry.get("name") or DEFAULT_NAME
            try:
                raw = template.format(notebook=nb_path.stem, **{k: _fmt(v) for k, v in params.items()},
                                      **({"day": day} if day is not None else {}))
            except (KeyError, IndexError) as err:
                raise GridError(f"{where}: name template {template!r} uses {err} which is not a parameter") from None
            name = slugify(raw)
            if name in seen:
                raise GridError(f"{where}: report name {name!r} is produced twice (also at line {seen[name]}); "
                                "add a parameter to the name template")
            seen[name] = line
            jobs.append(Job(notebook=notebook, name=name, params=params, line=line))
    return jobs


def _combinations(entry: dict, where: str) -> list[dict]:
    product = entry.get("product")
    listed = entry.get("list")
    if product is None and listed is None:
        return [{}]
    combos: list[dict] = []
    if product is not None:
        if not isinstance(product, dict) or not (set(product) - {"__line__"}):
            raise GridError(f"{where}: 'product' must map parameter names to lists of values")
        axes = []
        for key, values in product.items():
            if key == "__line__":
                continue
            if isinstance(values, dict):
                values = _dates(values, where)
            if not isinstance(values, list) or not values:
                raise GridError(f"{where}: product of {key!r} is empty (give a non-empty list)")
            axes.append([(key, _strip(v)) for v in values])
        combos.extend(dict(c) for c in itertools.product(*axes))
    if listed is not None:
        if not isinstance(listed, list) or not listed:
            raise GridError(f"{where}: 'list' is empty (give a list of parameter mappings)")
        for item in listed:
            if not isinstance(item, dict):
                raise GridError(f"{where}: each item of 'list' must be a mapping of parameters")
            combos.append(_strip(item))
    return combos
