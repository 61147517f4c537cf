"""Progress of the long stages of an ingest (read, extract, duplicates, write).

On a terminal each stage is a rich bar; otherwise (CI, a log, a pipe) plain lines
with counts and rates, at most one every :data:`PLAIN_EVERY` seconds per stage and
one when the stage ends. Timing uses the monotonic clock and never reaches the store.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.console import Console

PLAIN_EVERY = 10.0


class IngestProgress:
    """Reports stages to ``stream`` (stderr by default): a bar on a terminal, lines elsewhere."""

    def __init__(self, stream: TextIO | None = None, *, label: str = "sitrep: ingest", terminal: bool | None = None):
        self.stream = stream or sys.stderr
        self.label = label
        self.terminal = self.stream.isatty() if terminal is None else terminal

    @contextmanager
    def stage(self, name: str, total: int, unit: str = "articles") -> Iterator[Callable[[int], None]]:
        """A stage of ``total`` items; yields ``advance(n)``."""
        start = time.monotonic()
        if self.terminal:
            with Progress(TextColumn(f"{self.label}: {name}"), BarColumn(), MofNCompleteColumn(),
                          TextColumn(unit), TimeElapsedColumn(), transient=True,
                          console=Console(file=self.stream)) as bar:
                task = bar.add_task(name, total=total)
                yield lambda n=1: bar.advance(task, n)
            self._done(name, total, time.monotonic() - start, unit)
            return
        last = start
        done = 0

        def advance(n: int = 1) -> None:
            nonlocal done, last
            done += n
            now = time.monotonic()
            if now - last >= PLAIN_EVERY and done < total:
                last = now
                self._line(f"{name} {done:,}/{total:,} {unit} ({_rate(done, now - start)})")

        yield advance
        self._done(name, done, time.monotonic() - start, unit)

    def _done(self, name: str, done: int, seconds: float, unit: str) -> None:
        self._line(f"{name} {done:,} {unit} in {seconds:.1f} s ({_rate(done, seconds)})")

    def _line(self, text: str) -> None:
        print(f"{self.label}: {text}", file=self.stream, flush=True)


def _rate(done: int, seconds: float) -> str:
    return f"{done / seconds:,.1f}/s" if seconds > 0 else "-"


@contextmanager
def no_progress(name: str, total: int, unit: str = "articles") -> Iterator[Callable[[int], None]]:
    yield lambda n=1: None
