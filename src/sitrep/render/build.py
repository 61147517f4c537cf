"""Building one report: validate parameters, execute, render, move into place.

A report is written into a temporary folder beside its destination
(``.<name>+work.XXXXXXXX``) and moved into ``<out>/<name>/`` only when every
requested format succeeded, so a failed build leaves the previous report untouched.
Builds of one name are serialised by a lock file in ``<out>/.locks``; a build that
has to wait for it says so. Work folders left by a killed build are removed by the
next run once no build holds their report's lock (:func:`sweep_litter`).

Nothing is written outside the reports folder: report names are plain file names,
and a symbolic link in the reports folder (the report's folder, ``.locks``,
``.failed``, a lock file) is refused rather than written through. Parameter
values are plain data (strings, numbers, booleans, dates, lists and mappings of
them): anything else is refused, so a value can only ever reach the notebook as a
literal.
"""

from __future__ import annotations

import ast
import datetime as dt
import errno
import fcntl
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from sitrep import editions
from sitrep.config import PROJ_ROOT, REPORTS_DIR, display_path
from sitrep.errors import SitrepError
from sitrep.params import ParameterError, ReportParams, load_model, validate
from sitrep.render.environment import font_subsetter as chosen_subsetter
from sitrep.render.execute import CellExecutionError, execute, sweep_kernel_files
from sitrep.render.docx import html_to_docx
from sitrep.render.html import render_page
from sitrep.render.manifest import (
    build_manifest, cache_key, describe_changes, font_changes, outputs_intact, read_manifest, report_inputs,
    source_date_epoch, write_manifest,
)
from sitrep.render.pdf import html_to_pdf
from sitrep.store import store_lock

FAILED_DIR = ".failed"
LOCK_DIR = ".locks"
SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")
WORK_MARK = "+work."   # '+' never occurs in a report name, so '.<name>+work.XXXXXXXX' names its report
OLD_MARK = "+old."
_LITTER = re.compile(r"^\.(?P<name>[A-Za-z0-9_-][A-Za-z0-9._-]{0,199})\+(?:work|old)\.[A-Za-z0-9_]{8}$")
_LEGACY_LITTER = re.compile(r"^\.(?P<name>[A-Za-z0-9_-][A-Za-z0-9._-]*?)\.(?:old\.)?[a-z0-9_]{8}$")  # before the '+' mark


class BuildError(SitrepError, RuntimeError):
    """The report could not be built (one-line message)."""


class ReportTimeout(BuildError):
    """The report ran past its time limit outside a notebook cell (rendering)."""


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


def plain_value(value, name: str = "parameter"):
    """``value`` as plain data (None, bool, int, float, str, lists and string-keyed
    mappings of them; dates become ISO strings); anything else is a ParameterError.

    Papermill writes parameters into the notebook as Python source: for these types
    it writes escaped literals, but for others (bytes, sets, objects; YAML can make
    them) it writes ``str(value)`` between quotes, which a crafted value can close."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParameterError(f"parameter '{name}': {value} is not a finite number")
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain_value(v, name) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ParameterError(f"parameter '{name}': mapping keys must be strings, not {type(key).__name__}")
            out[key] = plain_value(item, name)
        return out
    raise ParameterError(f"parameter '{name}': a {type(value).__name__} is not a parameter value "
                         "(use strings, numbers, booleans, dates, lists or mappings)")


def resolve_parameters(nb: nbformat.NotebookNode, path: Path, overrides: dict) -> tuple[ReportParams, dict]:
    """(validated model, JSON-ready values) for the notebook's defaults plus ``overrides``."""
    defaults = notebook_defaults(nb, path)
    unknown = sorted(set(overrides) - set(defaults))
    if unknown:
        raise ParameterError(f"unknown parameter '{unknown[0]}' for {display_path(path)} (known: {', '.join(defaults)})")
    overrides = {k: plain_value(v, k) for k, v in overrides.items()}
    dotted = nb.metadata.get("sitrep", {}).get("params_model")
    if dotted is None:  # a plain parameterised notebook: names checked, values passed as given
        merged = defaults | overrides
        known = {k: merged[k] for k in ReportParams.model_fields if k in merged}
        return ReportParams.model_validate(known), merged
    params = validate(load_model(dotted), defaults | overrides)
    values = params.model_dump(mode="json")
    return params, {k: values[k] for k in defaults if k in values}


def check_name(name: str) -> str:
    if not isinstance(name, str) or not SAFE_NAME.fullmatch(name):
        raise BuildError(f"report name {name!r}: use letters, digits, '.', '_' and '-' only (no path, no leading dot)")
    return name


def _no_symlink(path: Path, what: str) -> None:
    if path.is_symlink():
        raise BuildError(f"{display_path(path)} is a symbolic link: refusing to write the {what} through it")


def build(
    notebook: Path,
    overrides: dict | None = None,
    *,
    out_dir: Path = REPORTS_DIR,
    name: str | None = None,
    formats: list[str] | None = None,
    timeout: int = 600,
    reuse: bool = False,
    font_subsetter: str | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build one report into ``out_dir/<name>/`` and return what was written.

    With ``reuse``, a report whose manifest has the same cache key (notebook, code,
    parameters, input hashes, environment) and intact output files is left as it is.
    Builds of the same name are serialised by a lock file, so concurrent runs cannot
    mix their files. ``timeout`` bounds the build (execution and rendering) in
    seconds, from when the lock is held; ``font_subsetter`` may force ``fonttools``."""
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
    name = check_name(name or notebook.stem)
    try:
        chosen_subsetter(font_subsetter)
    except ValueError as err:
        raise BuildError(str(err)) from None
    out_dir = Path(out_dir)
    try:
        return _locked_build(notebook, params, values, name, out_dir, timeout, reuse, font_subsetter, on_wait)
    except OSError as err:
        if err.errno not in _NO_ROOM:
            raise
        where = display_path(err.filename) if err.filename else display_path(out_dir)
        raise BuildError(f"{where}: {err.strerror}; nothing was replaced "
                         f"(the previous {name} report, if any, is as it was)") from None


# a reports folder that cannot take the new report: a one-line error, the old report kept
_NO_ROOM = {errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM}


def _locked_build(notebook: Path, params, values: dict, name: str, out_dir: Path, timeout: int, reuse: bool,
                  font_subsetter: str | None, on_wait: Callable[[str], None] | None) -> BuildResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    sweep_litter(out_dir)
    with report_lock(out_dir, name, on_wait=on_wait), ExitStack() as reading:
        deadline = time.monotonic() + timeout
        store = getattr(params, "store_path", None)
        if store is not None and Path(store).is_file():
            # the manifest's input hashes and the kernel's reads are one state of the store:
            # an ingest waits until the notebook has run (the kernel's own shared lock nests)
            reading.enter_context(store_lock(store, on_wait=on_wait))
        inputs = report_inputs(notebook, params, font_subsetter)
        if reuse:
            cached = _current(out_dir, name, cache_key(inputs, values), values)
            if cached:
                return cached
        return _build(notebook, params, values, inputs, name, out_dir, timeout, deadline, font_subsetter,
                      done_reading=reading.close)


def _current(out_dir: Path, name: str, key: str, values: dict) -> BuildResult | None:
    """The report already in ``out_dir/name`` if its cache key is ``key`` and its files
    (and the fonts its PDF embeds) are intact."""
    folder = out_dir / name
    if folder.is_symlink():
        return None
    current = read_manifest(folder)
    if not current or current.get("cache_key") != key or not outputs_intact(folder, current) or font_changes(current):
        return None
    files = {kind: folder / entry["file"] for kind, entry in current["outputs"].items()}
    files["manifest"] = folder / "manifest.json"
    return BuildResult(name=name, folder=folder, files=files, parameters=values, cached=True)


def cached_report(notebook: Path, overrides: dict, *, out_dir: Path, name: str) -> BuildResult | None:
    """The up-to-date report for these parameters, if one exists (no lock, no build)."""
    notebook = Path(notebook)
    params, values = resolve_parameters(nbformat.read(notebook, as_version=4), notebook, dict(overrides))
    return _current(Path(out_dir), check_name(name), cache_key(report_inputs(notebook, params), values), values)


def manifest_notebook(manifest: dict) -> Path:
    path = Path(str(manifest.get("notebook", "")))
    return path if path.is_absolute() else PROJ_ROOT / path


def stale_reasons(folder: Path, manifest: dict | None = None) -> list[str]:
    """Why the report in ``folder`` is not what a build would make from the current
    inputs (empty when it is up to date): each input that moved, named."""
    manifest = manifest if manifest is not None else read_manifest(folder)
    if not manifest:
        return ["no readable manifest.json"]
    notebook = manifest_notebook(manifest)
    if not notebook.is_file():
        return [f"its notebook {manifest.get('notebook')} no longer exists"]
    try:
        params, values = resolve_parameters(nbformat.read(notebook, as_version=4), notebook, dict(manifest.get("parameters") or {}))
        inputs = report_inputs(notebook, params)
    except Exception as err:  # noqa: BLE001 - a parameter the notebook no longer takes, a store gone ...
        return [f"cannot recompute its inputs: {(str(err).splitlines() or [type(err).__name__])[0]}"]
    reasons = []
    if cache_key(inputs, values) != manifest.get("cache_key"):
        reasons = describe_changes(manifest.get("inputs") or {}, inputs, notebook=str(manifest.get("notebook")))
        if manifest.get("sitrep_version") and manifest.get("sitrep_version") != _version():
            reasons.append(f"sitrep {manifest.get('sitrep_version')} -> {_version()}")
        if values != manifest.get("parameters"):
            reasons.append("parameters (as the notebook resolves them now)")
        if not reasons:
            reasons = ["cache key differs"]
    return reasons + font_changes(manifest)


def _version() -> str:
    from sitrep import __version__

    return __version__


def _check_deadline(deadline: float, timeout: int, stage: str) -> None:
    if time.monotonic() > deadline:
        raise ReportTimeout(f"timed out after {timeout} s ({stage})")


def _build(notebook: Path, params, values: dict, inputs: dict, name: str, out_dir: Path, timeout: int,
           deadline: float, font_subsetter: str | None,
           done_reading: Callable[[], None] = lambda: None) -> BuildResult:
    timings: dict[str, float] = {}
    dest = out_dir / name
    _no_symlink(dest, "report")
    work = Path(tempfile.mkdtemp(prefix=f".{name}{WORK_MARK}", dir=out_dir))
    try:
        files: dict[str, Path] = {}
        executed = work / f"{name}.ipynb"
        t0 = time.perf_counter()
        try:
            nb = execute(notebook, executed, values, timeout=timeout, deadline=deadline)
        except CellExecutionError as err:
            if not executed.exists():
                raise
            failed = out_dir / FAILED_DIR
            _no_symlink(failed, "failed notebook")
            failed.mkdir(exist_ok=True)
            kept = failed / executed.name
            _no_symlink(kept, "failed notebook")
            shutil.copyfile(executed, kept)
            raise err.kept_at(display_path(kept)) from None
        done_reading()  # rendering reads only the executed notebook
        timings["execute"] = time.perf_counter() - t0
        files["ipynb"] = executed
        fmts = list(getattr(params, "formats", ["html", "pdf"]))
        pdf_info = None
        if "html" in fmts:
            _check_deadline(deadline, timeout, "before the HTML page")
            t0 = time.perf_counter()
            page = render_page(nb, title=params.title, page_size=params.page_size)
            files["html"] = work / f"{name}.html"
            files["html"].write_text(page, encoding="utf-8")
            timings["html"] = time.perf_counter() - t0
        if "pdf" in fmts:
            _check_deadline(deadline, timeout, "before the PDF")
            t0 = time.perf_counter()
            print_page = render_page(nb, title=params.title, interactive=False, page_size=params.page_size)
            files["pdf"] = work / f"{name}.pdf"
            pdf_info = html_to_pdf(print_page, files["pdf"], source_date_epoch=source_date_epoch(params, inputs),
                                   subsetter=font_subsetter)
            timings["pdf"] = time.perf_counter() - t0
            _check_deadline(deadline, timeout, "writing the PDF")
        if "docx" in fmts:
            _check_deadline(deadline, timeout, "before the DOCX")
            t0 = time.perf_counter()
            print_page = print_page if "pdf" in fmts else render_page(nb, title=params.title, interactive=False,
                                                                       page_size=params.page_size)
            files["docx"] = work / f"{name}.docx"
            html_to_docx(print_page, files["docx"], source_date_epoch=source_date_epoch(params, inputs))
            timings["docx"] = time.perf_counter() - t0
        manifest = build_manifest(
            name=name, notebook=notebook, parameters=values, inputs=inputs, outputs=files, title=params.title,
            sections=section_ids(nb), pdf=pdf_info,
            window=params.window_label, built_at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        files["manifest"] = work / "manifest.json"
        write_manifest(manifest, files["manifest"])
        record = editions.from_outputs(nb)
        _swap_into_place(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if record is not None:  # what the next edition of the series compares with
        try:
            editions.save(record, editions.root_for(params.store_path))
        except OSError as err:
            raise BuildError(f"{display_path(dest)}: built, but its edition record could not be stored "
                             f"({err.strerror}): the next edition of series '{record.series}' will not see it") from None
    final = {kind: dest / path.name for kind, path in files.items()}
    return BuildResult(name=name, folder=dest, files=final, parameters=values, timings=timings)


def section_ids(nb: nbformat.NotebookNode) -> list[str]:
    """The section ids the notebook's cells are tagged with (in order)."""
    from sitrep.render.html import SECTION_TAG_PREFIX

    ids = [t[len(SECTION_TAG_PREFIX):] for c in nb.cells for t in c.metadata.get("tags", []) if t.startswith(SECTION_TAG_PREFIX)]
    return list(dict.fromkeys(ids))


def _lock_path(out_dir: Path, name: str) -> Path:
    locks = Path(out_dir) / LOCK_DIR
    _no_symlink(locks, "locks")
    locks.mkdir(parents=True, exist_ok=True)
    return locks / f"{name}.lock"


def _open_lock(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise BuildError(f"{display_path(path)} is a symbolic link: refusing to use it as a lock") from None
        raise


def _announce(message: str) -> None:
    print(f"sitrep: {message}", file=sys.stderr, flush=True)


@contextmanager
def report_lock(out_dir: Path, name: str, *, on_wait: Callable[[str], None] | None = None):
    """Hold an exclusive lock on one report name (a file in ``out_dir/.locks``); when
    another build holds it, say so (``on_wait``, default: a line on stderr) and wait."""
    path = _lock_path(out_dir, name)
    fd = _open_lock(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = ""
            try:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            except OSError:
                pass
            by = f" (process {holder})" if holder.isdigit() else ""
            (on_wait or _announce)(f"waiting for another build of '{name}'{by} to finish: {display_path(path)} is locked")
            t0 = time.monotonic()
            fcntl.flock(fd, fcntl.LOCK_EX)
            (on_wait or _announce)(f"lock on '{name}' acquired after {time.monotonic() - t0:.0f} s")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def _try_locks(out_dir: Path, names: list[str]):
    """Yield True when every one of ``names`` could be locked at once without waiting."""
    fds, ok = [], True
    try:
        for name in names:
            if not SAFE_NAME.fullmatch(name):
                ok = False
                break
            fd = _open_lock(_lock_path(out_dir, name))
            fds.append(fd)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                ok = False
                break
        yield ok
    finally:
        for fd in fds:
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)


def lock_holders(out_dir: Path, names: list[str]) -> dict[str, int]:
    """The report names among ``names`` whose lock a live process holds now, with its
    process id (read from the lock file; nothing is locked)."""
    from sitrep.render.execute import _alive

    held = {}
    for name in names:
        path = Path(out_dir) / LOCK_DIR / f"{name}.lock"
        try:
            if path.is_symlink():
                continue
            text = path.read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            continue
        if text.isdigit() and int(text) != os.getpid() and _alive(int(text)):
            held[name] = int(text)
    return held


def sweep_litter(out_dir: Path) -> list[str]:
    """Remove the work folders killed builds left in ``out_dir`` (those whose report's
    lock no build holds) and kernel files of dead sitrep processes in the temporary
    folder; returns what was removed."""
    removed = []
    out_dir = Path(out_dir)
    try:
        entries = [e for e in os.scandir(out_dir) if e.name.startswith(".") and e.is_dir(follow_symlinks=False)]
    except OSError:
        entries = []
    for entry in entries:
        m = _LITTER.match(entry.name)
        if m:
            candidates = [m.group("name")]
        else:
            legacy = _LEGACY_LITTER.match(entry.name)
            if not legacy or entry.name in (LOCK_DIR, FAILED_DIR):
                continue
            stem = entry.name[1:-9]  # '.<name>.XXXXXXXX' or '.<name>.old.XXXXXXXX': either reading
            candidates = [stem] + ([stem[:-4]] if stem.endswith(".old") else [])
        try:
            with _try_locks(out_dir, candidates) as free:
                if free:
                    shutil.rmtree(entry.path, ignore_errors=True)
                    removed.append(entry.name)
        except (OSError, BuildError):
            continue
    removed += sweep_kernel_files()
    return removed


def _swap_into_place(work: Path, dest: Path) -> None:
    """Replace ``dest`` by ``work`` with two renames (the old report survives any failure before them)."""
    os.chmod(work, 0o755)
    if dest.is_symlink():
        raise BuildError(f"{display_path(dest)} is a symbolic link: refusing to replace it")
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}{OLD_MARK}", dir=dest.parent))
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
