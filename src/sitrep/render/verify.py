"""``sitrep verify REPORT_DIR``: rebuild a report from its manifest into a
temporary folder and compare the outputs byte for byte.

When bytes differ, the rebuilt report's manifest is compared with the original's
to name what moved: a package, a system library (Pango, HarfBuzz, hb-subset,
fontconfig), the font subsetter, a font file, an article, a reference table, the
code or the notebook. The rebuild uses the font subsetter the original used when
this machine has it (fontTools can always be forced; hb-subset only if installed).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.config import display_path
from sitrep.errors import SitrepError
from sitrep.render.manifest import describe_changes, describe_font_differences, file_sha256, read_manifest

VERIFY_PREFIX = "sitrep-verify-"


class VerifyError(SitrepError, RuntimeError):
    """The report folder cannot be verified (no manifest, notebook gone ...)."""


@dataclass
class Verification:
    name: str
    files: dict[str, bool] = field(default_factory=dict)   # kind -> identical
    changed_inputs: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return bool(self.files) and all(self.files.values())


def _sweep_verify_folders() -> None:
    """Remove the temporary folders of verify runs whose process is gone."""
    from sitrep.render.execute import _alive

    tmp = Path(tempfile.gettempdir())
    try:
        entries = list(os.scandir(tmp))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(VERIFY_PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        pid = entry.name[len(VERIFY_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(entry.path, ignore_errors=True)


def verify(folder: Path) -> Verification:
    from sitrep.render.build import build, manifest_notebook
    from sitrep.render.environment import FONTTOOLS

    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is None:
        raise VerifyError(f"{display_path(folder)}: no readable manifest.json")
    notebook = manifest_notebook(manifest)
    if not notebook.is_file():
        raise VerifyError(f"{display_path(folder)}: its notebook {manifest.get('notebook')} no longer exists")
    used = (manifest.get("pdf") or {}).get("font_subsetter")
    result = Verification(str(manifest.get("name")))
    _sweep_verify_folders()
    with tempfile.TemporaryDirectory(prefix=f"{VERIFY_PREFIX}{os.getpid()}-") as tmp:
        rebuilt = build(notebook, manifest.get("parameters") or {}, out_dir=Path(tmp), name=manifest.get("name"),
                        font_subsetter="fonttools" if used == FONTTOOLS else None)
        for kind, entry in sorted(manifest.get("outputs", {}).items()):
            path = rebuilt.folder / entry["file"]
            result.files[kind] = path.is_file() and file_sha256(path) == entry["sha256"]
        again = read_manifest(rebuilt.folder) or {}
    result.changed_inputs = describe_changes(manifest.get("inputs") or {}, again.get("inputs") or {},
                                             notebook=str(manifest.get("notebook")))
    result.changed_inputs += describe_font_differences((manifest.get("pdf") or {}).get("fonts"),
                                                       (again.get("pdf") or {}).get("fonts"))
    return result
