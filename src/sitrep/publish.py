"""``sitrep publish``: check every report in the reports folder and write an index.

A report passes when its executed notebook has no error output, its HTML has every
section its notebook declares and loads no script or style from a URL, its PDF
opens and has pages, its files still match the hashes in its manifest, and it is
not stale: its cache key, recomputed from the current inputs (articles, also those
dated before its window, reference tables, code, notebook, package and library
versions, fonts), is the one it was built with. A stale report fails, naming each
input that moved. A report folder that is a symbolic link fails too.
``reports/index.html`` lists every report (title, notebook, parameters, window,
date built, links) with what failed; the exit status is non-zero if any failed.
It is the gate for CI-validated publishing.
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sitrep import __version__
from sitrep.render.manifest import outputs_intact, read_manifest

EXTERNAL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//|@import\s+url\(\s*[\"']?(?:https?:)?//", re.I)


@dataclass
class ReportCheck:
    name: str
    manifest: dict
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_report(folder: Path) -> ReportCheck:
    if folder.is_symlink():
        check = ReportCheck(folder.name, {})
        check.problems.append(f"is a symbolic link to {os.readlink(folder)}, outside the reports folder")
        return check
    manifest = read_manifest(folder) or {}
    check = ReportCheck(folder.name, manifest)
    if not manifest:
        check.problems.append("no readable manifest.json")
        return check
    from sitrep.render.build import stale_reasons

    for reason in stale_reasons(folder, manifest):
        check.problems.append(f"stale: {reason}")
    outputs = {kind: folder / entry["file"] for kind, entry in manifest.get("outputs", {}).items()
               if isinstance(entry, dict) and isinstance(entry.get("file"), str) and Path(entry["file"]).name == entry["file"]}
    if not outputs_intact(folder, manifest):
        check.problems.append("files differ from the hashes in manifest.json")
    nb = outputs.get("ipynb")
    if nb is None or not nb.is_file():
        check.problems.append("executed notebook missing")
    else:
        try:
            cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
            errors = [n for n, c in enumerate(cells, 1) for o in c.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                check.problems.append(f"executed notebook has error output in cell {errors[0]}")
        except (ValueError, KeyError):
            check.problems.append("executed notebook is not valid JSON")
    page = outputs.get("html")
    if page is None or not page.is_file():
        check.problems.append("HTML missing")
    else:
        text = page.read_text(encoding="utf-8")
        missing = [s for s in manifest.get("sections", []) if not re.search(rf'<section\b[^>]*\bid="{re.escape(s)}"', text)]
        if missing:
            check.problems.append("HTML lacks section(s) " + ", ".join(missing))
        if EXTERNAL.search(text):
            check.problems.append("HTML loads a script, style or image from a URL")
    pdf = outputs.get("pdf")
    if pdf is None or not pdf.is_file():
        check.problems.append("PDF missing")
    else:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            if len(PdfReader(pdf).pages) == 0:
                check.problems.append("PDF has no pages")
        except (PdfReadError, OSError, ValueError) as err:
            check.problems.append(f"PDF does not open: {str(err).splitlines()[0]}")
    return check


def report_folders(out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    return sorted(p for p in out_dir.iterdir()
                  if not p.name.startswith(".") and (_escapes(p, out_dir) or p.is_dir() and (p / "manifest.json").exists()))


def _escapes(path: Path, out_dir: Path) -> bool:
    """A symbolic link in the reports folder that leads out of it (it would be published)."""
    if not path.is_symlink():
        return False
    try:
        path.resolve().relative_to(out_dir.resolve())
    except (ValueError, OSError, RuntimeError):
        return True
    return False


def publish(out_dir: Path) -> list[ReportCheck]:
    """Check every report under ``out_dir`` and (re)write ``out_dir/index.html``."""
    out_dir = Path(out_dir)
    checks = [check_report(folder) for folder in report_folders(out_dir)]
    _write_atomic(out_dir / "index.html", index_page(checks))
    return checks


def _params(values: dict) -> str:
    shown = []
    for key, value in sorted(values.items()):
        if key in ("formats", "page_size", "store") or value in (None, "", []):
            continue
        shown.append(f"{key}={', '.join(map(str, value)) if isinstance(value, list) else value}")
    return "; ".join(shown) or "defaults"


def index_page(checks: list[ReportCheck]) -> str:
    rows = []
    for c in checks:
        m = c.manifest
        out = {k: v["file"] for k, v in m.get("outputs", {}).items()}
        links = " ".join(f'<a href="{html.escape(c.name)}/{html.escape(out[k])}">{k.upper()}</a>' for k in ("html", "pdf", "docx") if k in out)
        status = "valid" if c.ok else "FAILED: " + "; ".join(c.problems)
        rows.append(
            f'<tr class="{"ok" if c.ok else "bad"}"><td><strong>{html.escape(m.get("title") or c.name)}</strong><br>'
            f'<code>{html.escape(c.name)}</code></td><td><code>{html.escape(m.get("notebook", "?"))}</code></td>'
            f'<td>{html.escape(_params(m.get("parameters", {})))}</td><td>{html.escape(m.get("window") or "")}</td>'
            f'<td>{html.escape(m.get("built_at") or "—")}</td><td>{links}</td><td>{html.escape(status)}</td></tr>')
    failed = sum(1 for c in checks if not c.ok)
    summary = f"{len(checks)} reports, {failed} failed validation" if checks else "No report has been built yet."
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>sitrep reports</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; color: #1b1f24; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9rem; }}
th, td {{ border-bottom: 1px solid #c9d1d9; padding: .35rem .5rem; text-align: left; vertical-align: top; }}
thead th {{ background: #f3f6f9; border-bottom: 2px solid #1b1f24; }}
tr.bad td:last-child {{ color: #a3271f; font-weight: 600; }}
a {{ color: #0b4f8a; }}
</style></head>
<body><main><h1>sitrep reports</h1><p>{html.escape(summary)}. Built with sitrep {html.escape(__version__)}; each report folder holds its manifest.json.</p>
<table><thead><tr><th scope="col">Report</th><th scope="col">Notebook</th><th scope="col">Parameters</th><th scope="col">Window</th>
<th scope="col">Built (UTC)</th><th scope="col">Files</th><th scope="col">Validation</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></main></body></html>
"""


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
