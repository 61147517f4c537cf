"""Batch and build speed, measured in one run (prints its figures).

1. 20 briefings with ``sitrep batch --workers 2`` against 20 separate
   ``sitrep build`` runs (target: batch <= 0.6 x separate).
2. A second ``sitrep batch`` with nothing changed against the first
   (target: <= 5 %).
3. One ``sitrep build`` of the default briefing against the floor: the same
   command on a notebook holding only a parameters cell (papermill executing plus
   nbconvert/WeasyPrint rendering HTML and PDF; target: <= 1.5 x), median of 3,
   and where the briefing's time goes (build stages, kernel cells, PDF layout).

    .venv/bin/python bench/batch_speed.py            # about 6 minutes on 2 cores
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITREP = [sys.executable, "-m", "sitrep.cli"]
ACTORS = ["RUS", "IRN", "ISR", "USA", "TUR", "CHN", "LBN", "SAU", "ARE", "OMN"]
ENDS = ["2026-03-07", "2026-03-12"]
FLOOR_NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "metadata": {"tags": ["parameters"]}, "outputs": [],
               "source": ['title = "Floor"\n', 'formats = ["html", "pdf"]']}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                 "language_info": {"name": "python"}},
    "nbformat": 4, "nbformat_minor": 4,
}


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - t0


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-") as tmp:
        tmp = Path(tmp)
        grid = tmp / "grid.yaml"
        grid.write_text(
            "reports:\n  - notebook: notebooks/briefing.ipynb\n    name: \"{notebook}-{focus_actors}-{end}\"\n"
            f"    product:\n      focus_actors: {json.dumps([[a] for a in ACTORS])}\n      end: {json.dumps(ENDS)}\n")
        first = timed([*SITREP, "batch", str(grid), "--workers", "2", "--out", str(tmp / "batch")])
        second = timed([*SITREP, "batch", str(grid), "--workers", "2", "--out", str(tmp / "batch")])
        separate = 0.0
        for actor in ACTORS:
            for end in ENDS:
                separate += timed([*SITREP, "build", "notebooks/briefing.ipynb", "-p", f"focus_actors={actor}", "-p", f"end={end}",
                                   "--out", str(tmp / "separate"), "--name", f"b-{actor}-{end}"])
        print(f"20 briefings, sitrep batch --workers 2: {first:7.1f} s")
        print(f"20 separate sitrep build runs:         {separate:7.1f} s")
        print(f"  batch / separate = {first / separate:.2f} (target <= 0.60)")
        print(f"second batch, nothing changed:         {second:7.1f} s = {second / first:.1%} of the first (target <= 5%)")

        floor_nb = tmp / "floor.ipynb"
        floor_nb.write_text(json.dumps(FLOOR_NOTEBOOK))
        floors, builds = [], []
        for _ in range(3):
            floors.append(timed([*SITREP, "build", str(floor_nb), "--out", str(tmp / "floor")]))
            builds.append(timed([*SITREP, "build", "notebooks/briefing.ipynb", "--out", str(tmp / "one")]))
        floor, build = statistics.median(floors), statistics.median(builds)
        print(f"floor (parameters-only notebook), median of 3: {floor:6.2f} s")
        print(f"default briefing, median of 3:                 {build:6.2f} s = {build / floor:.2f} x floor (target <= 1.5)")
    profile()


def profile() -> None:
    """Where a briefing build spends its time, stage by stage and cell by cell."""
    import papermill as pm

    from sitrep.render.build import build

    with tempfile.TemporaryDirectory() as tmp:
        result = build(ROOT / "notebooks/briefing.ipynb", {}, out_dir=Path(tmp))
        print("build stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()))
        out = Path(tmp) / "timed.ipynb"
        t0 = time.perf_counter()
        nb = pm.execute_notebook(str(ROOT / "notebooks/briefing.ipynb"), str(out), cwd=str(ROOT), progress_bar=False,
                                 log_output=False, kernel_name="python3")
        total = time.perf_counter() - t0
        cells = [(c.metadata.get("papermill", {}).get("duration") or 0.0, c.source.splitlines()[-1][:60])
                 for c in nb.cells if c.cell_type == "code"]
        in_cells = sum(d for d, _ in cells)
        print(f"papermill run {total:.2f} s: kernel start and papermill overhead {total - in_cells:.2f} s, cells {in_cells:.2f} s")
        for duration, source in sorted(cells, reverse=True)[:6]:
            print(f"  {duration:5.2f} s  {source}")


if __name__ == "__main__":
    main()
