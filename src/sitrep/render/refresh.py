"""Refresh the outputs committed in the notebooks (``python -m sitrep.render.refresh``).

nbval compares the cells marked ``# NBVAL_CHECK_OUTPUT`` with the outputs stored
in the notebook. This executes each notebook with its defaults and keeps the
outputs of exactly those cells (other cells are committed without outputs, so the
notebooks stay small and never show stale results).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat

from sitrep.config import NOTEBOOKS_DIR
from sitrep.render.execute import execute

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"


def refresh(notebook: Path) -> int:
    """Re-execute ``notebook`` and store the checked cells' outputs; returns how many."""
    source = nbformat.read(notebook, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        executed = execute(notebook, Path(tmp) / notebook.name, {})
    by_source = {c.source: c for c in executed.cells if c.cell_type == "code"}
    kept = 0
    for cell in source.cells:
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        cell.outputs = []
        if CHECK_MARK in cell.source and cell.source in by_source:
            cell.outputs = by_source[cell.source].outputs
            cell.execution_count = by_source[cell.source].execution_count  # nbval skips unrun cells
            kept += 1
    nbformat.write(source, notebook)
    return kept


def main(argv: list[str]) -> int:
    targets = [Path(a) for a in argv] or sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    for nb in targets:
        print(f"{nb}: {refresh(nb)} checked cells refreshed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
