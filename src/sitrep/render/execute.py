"""Executing a notebook with papermill and making the result deterministic."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError

from sitrep.config import PROJ_ROOT, display_path

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ARROW = re.compile(r"^-*>\s*(\d+)\s?(.*)$")


class CellExecutionError(RuntimeError):
    """A notebook cell raised: one readable line with cell number, source line and exception."""

    def __init__(self, notebook: str, cell: int, line: str, ename: str, evalue: str, saved: str | None = None):
        self.notebook, self.cell, self.line, self.ename, self.evalue = notebook, cell, line, ename, evalue
        where = f"{notebook}: cell {cell}"
        if line:
            where += f" (`{line.strip()}`)"
        msg = f"{where} raised {ename}: {evalue}"
        if saved:
            msg += f" [executed notebook kept at {saved}]"
        super().__init__(msg)

    def kept_at(self, saved: str) -> "CellExecutionError":
        """The same error, pointing at where the failed notebook was kept."""
        return CellExecutionError(self.notebook, self.cell, self.line, self.ename, self.evalue, saved)


def failing_line(traceback: list[str], source: str) -> str:
    """The line of the cell that raised, taken from the ipython traceback."""
    lines = source.splitlines()
    for frame in traceback:
        for raw in _ANSI.sub("", frame).splitlines():
            m = _ARROW.match(raw.strip())
            if m:
                number = int(m.group(1))
                if 1 <= number <= len(lines) and lines[number - 1].strip() == m.group(2).strip():
                    return lines[number - 1]
        # only the first frame belongs to the cell itself
    return lines[-1] if lines else ""


def _first_line(text) -> str:
    lines = _ANSI.sub("", str(text or "")).strip().splitlines()
    return lines[0] if lines else ""


def _source_cell_number(notebook: Path, source: str, fallback_index: int) -> int:
    """1-based number of the failing cell in the *source* notebook (papermill's index
    counts its own injected cells)."""
    for number, cell in enumerate(nbformat.read(notebook, as_version=4).cells, start=1):
        if cell.source == source:
            return number
    return fallback_index + 1


def _kernel_manager_class():
    """Kernels talk over Unix sockets (IPC) named after their connection file: with
    reports built in parallel, no two kernels can race for the same TCP port (which
    made a kernel die at start-up), and nothing listens on the network."""
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum, default

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _unique_socket_prefix(self) -> str:  # the sockets are <prefix>-<n>, removed at shutdown
            return os.path.join(tempfile.gettempdir(), f"sitrep-kernel-{uuid.uuid4().hex[:16]}")

    return IPCKernelManager


def execute(notebook: Path, output: Path, parameters: dict, *, timeout: int = 600) -> nbformat.NotebookNode:
    """Run ``notebook`` with ``parameters`` into ``output``; return the sanitised result.

    Raises :class:`CellExecutionError` when a cell fails (``output`` then holds the
    executed notebook with papermill's error banner).
    """
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            cwd=str(PROJ_ROOT),
            execution_timeout=timeout,
            **({"kernel_manager_class": _kernel_manager_class()} if os.name == "posix" else {}),
            # keep the kernel's own start-up chatter (e.g. its transport warning) off stderr
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except PapermillExecutionError as err:
        raise CellExecutionError(
            display_path(notebook),
            _source_cell_number(notebook, err.source, err.cell_index),
            failing_line(err.traceback, err.source),
            err.ename,
            _first_line(err.evalue),
        ) from None
    nb = nbformat.read(output, as_version=4)
    sanitise(nb, notebook, parameters)
    nbformat.write(nb, output)
    return nb


def sanitise(nb: nbformat.NotebookNode, source: Path, parameters: dict) -> None:
    """Drop everything that changes between identical runs: timings, kernel ids,
    absolute paths. Modifies ``nb`` in place."""
    pm = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {
        "input_path": display_path(source),
        "parameters": pm.get("parameters", parameters),
        "version": pm.get("version"),
    }
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        cell.pop("id", None)
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("execution", None)
    nb.nbformat_minor = 4 if nb.nbformat_minor >= 5 else nb.nbformat_minor
