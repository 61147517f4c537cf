"""The manifest written beside every report: what went in, what came out.

``manifest.json`` holds the resolved parameters, content hashes of every input
(notebook, helper code, reference tables, the article files in the store), the
versions of sitrep and of the packages that shape the output, the git commit if
any, and the hashes of the output files. Keys are sorted; no timestamps.
"""

from __future__ import annotations

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


def code_digest() -> str:
    """One hash over the source of the sitrep package (helpers, templates, CSS)."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2", ".css", ".js"}:
            h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def reference_hashes() -> dict[str, str]:
    if not REFERENCE_DIR.is_dir():
        return {}
    return {display_path(p): file_sha256(p) for p in sorted(REFERENCE_DIR.rglob("*")) if p.is_file()}


def store_inputs(store: Path) -> dict[str, str]:
    """``{path[:line]: sha256}`` of the article files the store was built from."""
    from sitrep.store import connect

    if not store.is_file():
        return {}
    con = connect(store, read_only=True)
    try:
        rows = con.execute("SELECT path, line, file_sha256 FROM files ORDER BY path, line").fetchall()
    finally:
        con.close()
    return {(f"{p}:{ln}" if ln else p): sha for p, ln, sha in rows}


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


def build_manifest(*, name: str, notebook: Path, parameters: dict, store: Path | None, outputs: dict[str, Path]) -> dict:
    return {
        "name": name,
        "notebook": display_path(notebook),
        "parameters": parameters,
        "inputs": {
            "notebook": file_sha256(notebook),
            "code": code_digest(),
            "reference": reference_hashes(),
            "articles": store_inputs(store) if store else {},
        },
        "sitrep_version": __version__,
        "packages": package_versions(),
        "git_commit": git_commit(),
        "outputs": {kind: {"file": path.name, "sha256": file_sha256(path)} for kind, path in sorted(outputs.items())},
    }


def write_manifest(manifest: dict, path: Path) -> None:
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
