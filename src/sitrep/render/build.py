"""Building one report: validate parameters, execute, render, move into place.

A report is written into a temporary folder beside its destination and moved into
``<out>/<name>/`` only when every requested format succeeded, so a failed build
leaves the previous report untouched.
"""

from __future__ import annotations

import ast
import datetime as dt
import fcntl
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from sitrep.config import REPORTS_DIR, display_path
from sitrep.params import ParameterError, ReportParams, load_model, validate
from sitrep.render.execute import CellExecutionError, execute
from sitrep.render.html import render_page
from sitrep.render.manifest import build_manifest, cache_key, outputs_intact, read_manifest, report_inputs, write_manifest
from sitrep.render.pdf import html_to_pdf

FAILED_DIR = ".failed"
LOCK_DIR = ".locks"
SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")


class BuildError(RuntimeError):
    """The report could not be built (one-line message)."""


@dataclass
class BuildResult:
    name: str
    folder: Path
    files: dict[str, Path]
    parameters: dict
    timings: dict[str, float] = field(default_factory=dict)
    cached: bool = False


def notebook_defaults(nb: nbformat.NotebookNode, path: Path) -> dict:
    """The literal defaults of the cell tagged ``parameters``."""
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if not cells:
        raise BuildError(f"{display_path(path)}: no cell tagged 'parameters'")
    defaults = {}
    try:
        tree = ast.parse(cells[0].source)
    except SyntaxError as err:
        raise BuildError(f"{display_path(path)}: parameters cell line {err.lineno}: {err.msg}") from None
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    try:
                        defaults[target.id] = ast.literal_eval(node.value)
                    except ValueError:
                        raise BuildError(f"{display_path(path)}: parameter '{target.id}' must have a literal default") from None
    return defaults


def resolve_parameters(nb: nbformat.NotebookNode, path: Path, overrides: dict) -> tuple[ReportParams, dict]:
    """(validated model, JSON-ready values) for the notebook's defaults plus ``overrides``."""
    defaults = notebook_defaults(nb, path)
    unknown = sorted(set(overrides) - set(defaults))
    if unknown:
        raise ParameterError(f"unknown parameter '{unknown[0]}' for {display_path(path)} (known: {', '.join(defaults)})")
    dotted = nb.metadata.get("sitrep", {}).get("params_model")
    if dotted is None:  # a plain parameterised notebook: names checked, values passed as given
        merged = defaults | overrides
        known = {k: merged[k] for k in ReportParams.model_fields if k in merged}
        return ReportParams.model_validate(known), merged
    params = validate(load_model(dotted), defaults | overrides)
    values = params.model_dump(mode="json")
    return params, {k: values[k] for k in defaults if k in values}


def build(
    notebook: Path,
    overrides: dict | None = None,
    *,
    out_dir: Path = REPORTS_DIR,
    name: str | None = None,
    formats: list[str] | None = None,
    timeout: int = 600,
    reuse: bool = False,
) -> BuildResult:
    """Build one report into ``out_dir/<name>/`` and return what was written.

    With ``reuse``, a report whose manifest has the same cache key (notebook, code,
    parameters, input hashes) and intact output files is left as it is. Builds of
    the same name are serialised by a lock file, so concurrent runs cannot mix
    their files."""
    notebook = Path(notebook)
    if not notebook.is_file():
        raise BuildError(f"{display_path(notebook)}: no such notebook")
    try:
        source_nb = nbformat.read(notebook, as_version=4)
    except Exception as err:  # nbformat raises several unrelated types for bad JSON
        raise BuildError(f"{display_path(notebook)}: not a readable notebook: {str(err).splitlines()[0]}") from None
    overrides = dict(overrides or {})
    if formats is not None:
        overrides["formats"] = formats
    params, values = resolve_parameters(source_nb, notebook, overrides)
    name = name or notebook.stem
    if not SAFE_NAME.fullmatch(name):
        raise BuildError(f"report name {name!r}: use letters, digits, '.', '_' and '-' only (no path, no leading dot)")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with report_lock(out_dir, name):
        inputs = report_inputs(notebook, params)
        if reuse:
            cached = _current(out_dir, name, cache_key(inputs, values), values)
            if cached:
                return cached
        return _build(notebook, params, values, inputs, name, out_dir, timeout)


def _current(out_dir: Path, name: str, key: str, values: dict) -> BuildResult | None:
    """The report already in ``out_dir/name`` if its cache key is ``key`` and its files are intact."""
    current = read_manifest(out_dir / name)
    if not current or current.get("cache_key") != key or not outputs_intact(out_dir / name, current):
        return None
    files = {kind: out_dir / name / entry["file"] for kind, entry in current["outputs"].items()}
    files["manifest"] = out_dir / name / "manifest.json"
    return BuildResult(name=name, folder=out_dir / name, files=files, parameters=values, cached=True)


def cached_report(notebook: Path, overrides: dict, *, out_dir: Path, name: str) -> BuildResult | None:
    """The up-to-date report for these parameters, if one exists (no lock, no build)."""
    notebook = Path(notebook)
    params, values = resolve_parameters(nbformat.read(notebook, as_version=4), notebook, dict(overrides))
    return _current(Path(out_dir), name, cache_key(report_inputs(notebook, params), values), values)


def _build(notebook: Path, params, values: dict, inputs: dict, name: str, out_dir: Path, timeout: int) -> BuildResult:
    timings: dict[str, float] = {}
    work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=out_dir))
    try:
        files: dict[str, Path] = {}
        executed = work / f"{name}.ipynb"
        t0 = time.perf_counter()
        try:
            nb = execute(notebook, executed, values, timeout=timeout)
        except CellExecutionError as err:
            if not executed.exists():
                raise
            failed = out_dir / FAILED_DIR
            failed.mkdir(exist_ok=True)
            shutil.copyfile(executed, failed / executed.name)
            raise err.kept_at(display_path(failed / executed.name)) from None
        timings["execute"] = time.perf_counter() - t0
        files["ipynb"] = executed
        fmts = list(getattr(params, "formats", ["html", "pdf"]))
        if "html" in fmts:
            t0 = time.perf_counter()
            page = render_page(nb, title=params.title, page_size=params.page_size)
            files["html"] = work / f"{name}.html"
            files["html"].write_text(page, encoding="utf-8")
            timings["html"] = time.perf_counter() - t0
        if "pdf" in fmts:
            t0 = time.perf_counter()
            print_page = render_page(nb, title=params.title, interactive=False, page_size=params.page_size)
            files["pdf"] = work / f"{name}.pdf"
            html_to_pdf(print_page, files["pdf"])
            timings["pdf"] = time.perf_counter() - t0
        manifest = build_manifest(
            name=name, notebook=notebook, parameters=values, inputs=inputs, outputs=files, title=params.title,
            sections=section_ids(nb),
            window=params.window_label, built_at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        files["manifest"] = work / "manifest.json"
        write_manifest(manifest, files["manifest"])
        dest = out_dir / name
        _swap_into_place(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    final = {kind: dest / path.name for kind, path in files.items()}
    return BuildResult(name=name, folder=dest, files=final, parameters=values, timings=timings)


def section_ids(nb: nbformat.NotebookNode) -> list[str]:
    """The section ids the notebook's cells are tagged with (in order)."""
    from sitrep.render.html import SECTION_TAG_PREFIX

    ids = [t[len(SECTION_TAG_PREFIX):] for c in nb.cells for t in c.metadata.get("tags", []) if t.startswith(SECTION_TAG_PREFIX)]
    return list(dict.fromkeys(ids))


@contextmanager
def report_lock(out_dir: Path, name: str):
    """Hold an exclusive lock on one report name (a file in ``out_dir/.locks``)."""
    locks = Path(out_dir) / LOCK_DIR
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _swap_into_place(work: Path, dest: Path) -> None:
    """Replace ``dest`` by ``work`` with two renames (the old report survives any failure before them)."""
    os.chmod(work, 0o755)
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old.", dir=dest.parent))
        old.rmdir()
        dest.rename(old)
        try:
            work.rename(dest)
        except BaseException:
            old.rename(dest)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        work.rename(dest)
