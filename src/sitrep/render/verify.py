"""``sitrep verify REPORT_DIR``: rebuild a report from its manifest into a
temporary folder and compare the outputs byte for byte."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.config import PROJ_ROOT, display_path
from sitrep.render.manifest import file_sha256, read_manifest, report_inputs


class VerifyError(RuntimeError):
    """The report folder cannot be verified (no manifest, notebook gone ...)."""


@dataclass
class Verification:
    name: str
    files: dict[str, bool] = field(default_factory=dict)   # kind -> identical
    changed_inputs: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return bool(self.files) and all(self.files.values())


def _changed(old: dict, new: dict, prefix: str = "") -> list[str]:
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) or isinstance(b, dict):
            out += _changed(a or {}, b or {}, f"{prefix}{key}/")
        elif a != b:
            out.append(f"{prefix}{key}")
    return out


def verify(folder: Path) -> Verification:
    from sitrep.render.build import build, resolve_parameters

    import nbformat

    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is None:
        raise VerifyError(f"{display_path(folder)}: no readable manifest.json")
    notebook = PROJ_ROOT / manifest["notebook"]
    if not notebook.is_file():
        raise VerifyError(f"{display_path(folder)}: its notebook {manifest['notebook']} no longer exists")
    params, _ = resolve_parameters(nbformat.read(notebook, as_version=4), notebook, manifest["parameters"])
    result = Verification(manifest["name"])
    result.changed_inputs = _changed(manifest.get("inputs", {}), report_inputs(notebook, params))
    with tempfile.TemporaryDirectory(prefix="sitrep-verify-") as tmp:
        rebuilt = build(notebook, manifest["parameters"], out_dir=Path(tmp), name=manifest["name"])
        for kind, entry in sorted(manifest["outputs"].items()):
            path = rebuilt.folder / entry["file"]
            result.files[kind] = path.is_file() and file_sha256(path) == entry["sha256"]
    return result
