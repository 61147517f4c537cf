"""The manifest written beside every report: what went in, what came out.

``manifest.json`` holds the resolved parameters, content hashes of every input
(notebook, helper code, reference tables, the article files in the store), the
versions of sitrep and of the packages that shape the output, the git commit if
any, the hashes of the output files, and the cache key ``sitrep batch`` compares
to skip a report whose inputs did not change. Keys are sorted. The only timestamp
is ``built_at`` (UTC), kept out of the report files themselves so that they
rebuild to the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import subprocess
from importlib import metadata
from pathlib import Path

from sitrep import __version__
from sitrep.config import PACKAGE_DIR, PROJ_ROOT, REFERENCE_DIR, display_path

OUTPUT_PACKAGES = (
    "altair", "duckdb", "nbconvert", "nbclient", "nbformat", "pandas", "papermill",
    "pydantic", "spacy", "vl-convert-python", "weasyprint",
)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stamp(paths: list[Path]) -> tuple:
    """What identifies a set of files cheaply (names, sizes, modification times)."""
    return tuple((str(p), st.st_size, st.st_mtime_ns) for p in paths for st in [p.stat()])


@functools.lru_cache(maxsize=4)
def _code_digest(stamp: tuple) -> str:
    h = hashlib.sha256()
    for name, _, _ in stamp:
        path = Path(name)
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def code_digest() -> str:
    """One hash over the source of the sitrep package (helpers, templates, CSS);
    recomputed only when a file's size or modification time changed."""
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in {".py", ".j2", ".css", ".js"})
    return _code_digest(_stamp(files))


@functools.lru_cache(maxsize=4)
def _reference_hashes(stamp: tuple) -> dict[str, str]:
    return {display_path(Path(name)): file_sha256(Path(name)) for name, _, _ in stamp}


def reference_hashes() -> dict[str, str]:
    if not REFERENCE_DIR.is_dir():
        return {}
    return dict(_reference_hashes(_stamp(sorted(p for p in REFERENCE_DIR.rglob("*") if p.is_file()))))


def store_inputs(store: Path, start=None, end=None) -> dict[str, str]:
    """``{path[:line]: sha256}`` of the article files a report reads from the store:
    those published in the window (undated ones only when there is no window)."""
    from sitrep.store import connect

    if not store.is_file():
        return {}
    where, args = "TRUE", []
    if start or end:
        where = " AND ".join(["a.published IS NOT NULL"] + (["a.published >= ?"] if start else []) + (["a.published <= ?"] if end else []))
        args = [d for d in (start, end) if d]
    con = connect(store, read_only=True)
    try:
        rows = con.execute(f"""SELECT f.path, f.line, f.file_sha256 FROM files f JOIN articles a ON a.id = f.article_id
                               WHERE {where} ORDER BY f.path, f.line""", args).fetchall()
        fingerprint = con.execute("SELECT value FROM meta WHERE key = 'extractor'").fetchall()
    finally:
        con.close()
    out = {(f"{p}:{ln}" if ln else p): sha for p, ln, sha in rows}
    if fingerprint:
        out["(records fingerprint)"] = fingerprint[0][0]
    return out


def report_inputs(notebook: Path, params) -> dict:
    """Content hashes of everything a report depends on besides its parameters."""
    store = getattr(params, "store_path", None)
    return {
        "notebook": file_sha256(notebook),
        "code": code_digest(),
        "reference": reference_hashes(),
        "articles": store_inputs(store, getattr(params, "start", None), getattr(params, "end", None)) if store else {},
    }


def cache_key(inputs: dict, parameters: dict) -> str:
    """The build's identity: unchanged key, unchanged report (sitrep batch skips it)."""
    blob = json.dumps({"inputs": inputs, "parameters": parameters, "sitrep": __version__}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def package_versions() -> dict[str, str]:
    versions = {}
    for name in OUTPUT_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJ_ROOT, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def build_manifest(*, name: str, notebook: Path, parameters: dict, inputs: dict, outputs: dict[str, Path],
                   title: str = "", window: str = "", built_at: str | None = None, sections: list[str] = ()) -> dict:
    return {
        "sections": list(sections),
        "name": name,
        "title": title,
        "window": window,
        "notebook": display_path(notebook),
        "parameters": parameters,
        "inputs": inputs,
        "cache_key": cache_key(inputs, parameters),
        "built_at": built_at,
        "sitrep_version": __version__,
        "packages": package_versions(),
        "git_commit": git_commit(),
        "outputs": {kind: {"file": path.name, "sha256": file_sha256(path)} for kind, path in sorted(outputs.items())},
    }


def read_manifest(folder: Path) -> dict | None:
    """The manifest of a report folder, or None when there is none (or it is unreadable)."""
    try:
        return json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def outputs_intact(folder: Path, manifest: dict) -> bool:
    """Do the report's files still have the hashes its manifest records?"""
    for entry in manifest.get("outputs", {}).values():
        path = Path(folder) / entry["file"]
        if not path.is_file() or file_sha256(path) != entry["sha256"]:
            return False
    return True


def write_manifest(manifest: dict, path: Path) -> None:
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
