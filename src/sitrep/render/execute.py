"""Executing a notebook with papermill and making the result deterministic.

Timeouts hold in any thread (a Dask worker runs reports in threads, where no
signal arrives): each cell gets the time left until the report's deadline as
nbclient's per-cell timeout, and is interrupted when it runs past it (the error
then names the cell and the line it was on); a watchdog thread kills the kernel
if it does not stop a few seconds later.

Kernels talk over Unix sockets named ``sitrep-kernel-<pid>-<id>-<port>`` in the
temporary folder (``<pid>`` is the process that started the kernel): a killed
build's sockets and connection file are removed by the next run once that
process is gone (:func:`sweep_kernel_files`).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import math
import os
import re
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError

from sitrep.config import PROJ_ROOT, display_path
from sitrep.errors import SitrepError

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ARROW = re.compile(r"^-*>\s*(\d+)\s?(.*)$")
KERNEL_PREFIX = "sitrep-kernel-"
_KERNEL_FILE = re.compile(rf"^{KERNEL_PREFIX}(\d+)-[0-9a-f]{{12}}(?:\.json|\.log|-\d+)$")
_LEGACY_KERNEL_FILE = re.compile(rf"^{KERNEL_PREFIX}[0-9a-f]{{16}}-\d+$")  # before the owner's pid was in the name
WATCHDOG_GRACE = 5.0  # seconds a kernel gets to stop after its cell was interrupted


class _TimeoutChatter(logging.Filter):
    """Drops nbclient's own lines about a timeout (sitrep reports it, naming the cell)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(("Timeout waiting for execute reply", "Interrupting kernel"))


logging.getLogger("papermill").addFilter(_TimeoutChatter())


class CellExecutionError(SitrepError, RuntimeError):
    """A notebook cell raised: one readable line with cell number, source line and exception."""

    def __init__(self, notebook: str, cell: int, line: str, ename: str, evalue: str, saved: str | None = None):
        self.notebook, self.cell, self.line, self.ename, self.evalue, self.saved = notebook, cell, line, ename, evalue, saved
        super().__init__(self._message())

    def _where(self) -> str:
        where = f"{self.notebook}: cell {self.cell}"
        if self.line:
            where += f" (`{self.line.strip()}`)"
        return where

    def _message(self) -> str:
        msg = f"{self._where()} raised {self.ename}: {self.evalue}"
        if self.saved:
            msg += f" [executed notebook kept at {self.saved}]"
        return msg

    def kept_at(self, saved: str) -> "CellExecutionError":
        """The same error, pointing at where the failed notebook was kept."""
        return CellExecutionError(self.notebook, self.cell, self.line, self.ename, self.evalue, saved)


class CellTimeout(CellExecutionError):
    """A cell ran past the report's deadline and was stopped."""

    def __init__(self, notebook: str, cell: int, line: str, seconds: int, saved: str | None = None):
        self.seconds = seconds
        super().__init__(notebook, cell, line, "TimeoutError", f"timed out after {seconds} s", saved)

    def _message(self) -> str:
        msg = f"{self._where()} timed out after {self.seconds} s (the report's time limit); the cell was stopped"
        if self.saved:
            msg += f" [executed notebook kept at {self.saved}]"
        return msg

    def kept_at(self, saved: str) -> "CellTimeout":
        return CellTimeout(self.notebook, self.cell, self.line, self.seconds, saved)

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


@dataclass
class _Watch:
    """The deadline of one notebook run and the kernels it started."""

    seconds: int
    deadline: float
    managers: list = field(default_factory=list)
    cell: object = None            # the cell running now (the last one given a timeout)
    interrupted: bool = False      # a cell ran past its timeout and was interrupted
    killed: bool = False           # the watchdog killed the kernel

    def cell_timeout(self, cell) -> int:
        """nbclient's timeout for ``cell``: the seconds left until the deadline (at least 1)."""
        self.cell = cell
        return max(1, math.ceil(self.deadline - time.monotonic()))

    def kill(self) -> None:
        """Kill the run's kernels (and whatever their cells started)."""
        self.killed = True
        for km in list(self.managers):
            provisioner = getattr(km, "provisioner", None)
            pid = getattr(provisioner, "pid", None)
            pgid = getattr(provisioner, "pgid", None)
            try:
                if pgid and hasattr(os, "killpg") and pgid != os.getpgid(0):
                    os.killpg(pgid, signal.SIGKILL)
                elif pid:
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass


def _kernel_manager_class(watch: _Watch):
    """A kernel manager that

    - talks over Unix sockets (IPC) named after the process that started it: with
      reports built in parallel, no two kernels can race for the same TCP port
      (which made a kernel die at start-up), nothing listens on the network, and a
      killed build's sockets can be told apart and removed;
    - shuts an idle kernel down without interrupting it first (jupyter_client sends
      SIGINT before every shutdown request, which made ipykernel log
      ``KeyboardInterrupt caught in kernel`` after successful builds);
    - tells the run's watch about each kernel and each timeout interrupt."""
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum, default

    ipc = os.name == "posix"

    class SitrepKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc" if ipc else "tcp", config=True)

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            watch.managers.append(self)

        @default("connection_file")
        def _own_connection_file(self) -> str:
            return self._sitrep_base + ".json"

        @default("ip")
        def _unique_socket_prefix(self) -> str:  # the sockets are <prefix>-<port>, removed at shutdown
            if self.transport != "ipc":
                return "127.0.0.1"
            return self._sitrep_base

        @property
        def _sitrep_base(self) -> str:
            if not hasattr(self, "_sitrep_base_path"):
                self._sitrep_base_path = os.path.join(tempfile.gettempdir(), f"{KERNEL_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}")
            return self._sitrep_base_path

        async def _async_interrupt_kernel(self) -> None:
            if self.shutting_down:  # an idle kernel needs no SIGINT to read its shutdown request
                return
            watch.interrupted = True  # nbclient interrupts only a cell past its timeout
            await super()._async_interrupt_kernel()

        interrupt_kernel = _async_interrupt_kernel

        async def _async_launch_kernel(self, kernel_cmd, **kw) -> None:
            # the kernel process's own log goes to <base>.log (swept with the other kernel files), not to
            # the build's stderr: ipykernel can log an ERROR traceback while it shuts down after a
            # successful run (a flush on its closed IOPub pipe); cell output reaches sitrep as messages
            with open(self._sitrep_base + ".log", "ab") as log:
                await super()._async_launch_kernel(kernel_cmd, **{**kw, "stderr": log})

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart=restart)
            if not restart:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self._sitrep_base + ".log")

        cleanup_resources = _async_cleanup_resources

    return SitrepKernelManager


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_kernel_files(folder: str | Path | None = None, *, legacy_age: float = 86400.0) -> list[str]:
    """Remove kernel sockets and connection files left by sitrep processes that no
    longer exist (a killed build); returns the names removed."""
    folder = Path(folder or tempfile.gettempdir())
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        m = _KERNEL_FILE.match(entry.name)
        try:
            if m:
                if int(m.group(1)) == os.getpid() or _alive(int(m.group(1))):
                    continue
            elif not (_LEGACY_KERNEL_FILE.match(entry.name) and now - entry.stat(follow_symlinks=False).st_mtime > legacy_age):
                continue
            if entry.is_dir(follow_symlinks=False):
                continue
            os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            continue
    return removed


def _cell_number(notebook: Path, cell) -> tuple[int, str]:
    """(1-based number in the source notebook, first code line) of a cell being run."""
    source = getattr(cell, "source", "") if cell is not None else ""
    lines = [ln for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return _source_cell_number(notebook, source, -1) if source else 0, (lines[0] if lines else "")


_THREAD = threading.local()


def _thread_context() -> contextvars.Context:
    """A context of this thread's own for running papermill.

    jupyter_core keeps the event loop its synchronous wrappers run on in a context
    variable; Dask runs tasks in contexts copied from the thread that submitted them,
    so two reports in two worker threads would share one loop ("This event loop is
    already running"). In a context per thread, each thread gets its own loop."""
    context = getattr(_THREAD, "context", None)
    if context is None:
        context = _THREAD.context = contextvars.Context()
    return context


def execute(notebook: Path, output: Path, parameters: dict, *, timeout: int = 600,
            deadline: float | None = None) -> nbformat.NotebookNode:
    """Run ``notebook`` with ``parameters`` into ``output``; return the sanitised result.

    The run must end by ``deadline`` (a ``time.monotonic()`` value; default: ``timeout``
    seconds from now): a cell still running then is interrupted and
    :class:`CellTimeout` is raised (its kernel is killed if it does not stop).
    Raises :class:`CellExecutionError` when a cell fails (``output`` then holds the
    executed notebook with papermill's error banner).
    """
    from nbclient.exceptions import DeadKernelError

    deadline = deadline if deadline is not None else time.monotonic() + timeout
    watch = _Watch(seconds=int(timeout), deadline=deadline)
    left = deadline - time.monotonic()
    if left <= 0:
        raise CellTimeout(display_path(notebook), 0, "", int(timeout))
    watchdog = threading.Timer(left + WATCHDOG_GRACE, watch.kill)
    watchdog.daemon = True
    watchdog.start()
    try:
        _thread_context().run(
            papermill.execute_notebook,
            str(notebook),
            str(output),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            cwd=str(PROJ_ROOT),
            start_timeout=max(1, min(60, math.ceil(left))),
            execution_timeout=max(1, math.ceil(left)),
            timeout_func=watch.cell_timeout,
            interrupt_on_timeout=True,
            kernel_manager_class=_kernel_manager_class(watch),
            # keep the kernel's own start-up chatter (e.g. its transport warning) off stderr
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except PapermillExecutionError as err:
        number = _source_cell_number(notebook, err.source, err.cell_index)
        line = failing_line(err.traceback, err.source)
        if watch.interrupted or watch.killed:
            raise CellTimeout(display_path(notebook), number, line, watch.seconds) from None
        raise CellExecutionError(display_path(notebook), number, line, err.ename, _first_line(err.evalue)) from None
    except (DeadKernelError, RuntimeError, TimeoutError) as err:
        if not (watch.killed or watch.interrupted or time.monotonic() >= deadline):
            raise
        number, line = _cell_number(notebook, watch.cell)
        raise CellTimeout(display_path(notebook), number, line, watch.seconds) from err
    finally:
        watchdog.cancel()
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
