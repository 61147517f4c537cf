"""Running a batch: many reports in parallel, isolated from each other's failures,
skipped when unchanged, on this machine or on a Dask cluster.

Each job is one :func:`sitrep.render.build.build` call in a worker process (the
local executor keeps ``--workers`` processes started from a fork server that has
already imported the rendering stack; the Dask executor submits the same function
to a ``distributed`` cluster). A job never raises: it returns an outcome saying
built, cached or failed, with the failing cell's one-line error. A dead kernel is
retried; a report that runs longer than its timeout is stopped and failed.

The timeout holds under both executors: the build itself enforces it (each cell's
nbclient timeout is the time left, a cell past it is interrupted and its kernel
killed if it does not stop, rendering checks the deadline between stages). In a
process's main thread (the local executor) a SIGALRM a little after the deadline
backs this up; Dask runs reports in worker threads, where no signal arrives.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from sitrep.batch.grid import Job

BUILT, CACHED, FAILED = "built", "cached", "failed"


@dataclass
class Outcome:
    name: str
    notebook: str
    params: dict
    status: str
    seconds: float = 0.0
    error: str | None = None
    attempts: int = 1


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == FAILED]


class ReportTimeout(Exception):
    pass


BACKSTOP_GRACE = 30  # seconds after the deadline at which the SIGALRM backstop fires


@contextmanager
def _deadline(seconds: int):
    """Raise ReportTimeout after ``seconds`` (only in a process's main thread, where
    signals arrive; everywhere the build's own deadline applies first)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expire(signum, frame):
        raise ReportTimeout(f"timed out after {seconds - BACKSTOP_GRACE} s (stopped by the backstop alarm)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_job(job: dict, out_dir: str, force: bool = False, timeout: int = 900, retries: int = 1) -> dict:
    """Build one report; never raises. Returns an :class:`Outcome` as a dict."""
    from nbclient.exceptions import DeadKernelError

    from sitrep.render.build import ReportTimeout as RenderTimeout, build
    from sitrep.render.execute import CellTimeout

    outcome = Outcome(job["name"], job["notebook"], job["params"], FAILED)
    start = time.perf_counter()
    for attempt in range(1, retries + 2):
        outcome.attempts = attempt
        try:
            with _deadline(timeout + BACKSTOP_GRACE):
                result = build(Path(job["notebook_path"]), job["params"], out_dir=Path(out_dir), name=job["name"],
                               reuse=not force, timeout=timeout)
            outcome.status = CACHED if result.cached else BUILT
            outcome.error = None
            break
        except (CellTimeout, RenderTimeout, ReportTimeout) as err:
            outcome.error = str(err)
            break
        except DeadKernelError as err:
            outcome.error = f"kernel died: {str(err).splitlines()[0] if str(err) else 'no message'}"
            continue  # retry
        except RuntimeError as err:
            if "Kernel died" not in str(err):  # jupyter_client: "Kernel died before replying to kernel_info"
                outcome.error = (str(err).splitlines() or [type(err).__name__])[0]
                break
            outcome.error = f"kernel died at start-up: {str(err).splitlines()[0]}"
            continue  # retry
        except Exception as err:  # noqa: BLE001 - a job reports any failure instead of raising
            outcome.error = (str(err).splitlines() or [type(err).__name__])[0]
            break
    outcome.seconds = round(time.perf_counter() - start, 2)
    return asdict(outcome)


def _payload(job: Job) -> dict:
    return {"name": job.name, "notebook": job.notebook, "notebook_path": str(job.notebook_path), "params": job.params}


def run_local(jobs: list[Job], out_dir: Path, *, workers: int, force: bool, timeout: int, retries: int,
              report: Callable[[Outcome], None]) -> list[Outcome]:
    """Run jobs on ``workers`` local processes; a crashed worker's job is retried."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["sitrep.render.build", "sitrep.batch.runner"])
    pending = {job.name: job for job in jobs}
    tries = {job.name: 0 for job in jobs}
    outcomes: list[Outcome] = []
    while pending:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            futures = {pool.submit(run_job, _payload(job), str(out_dir), force, timeout, retries): job
                       for job in pending.values()}
            broken = False
            while futures and not broken:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    job = futures.pop(future)
                    try:
                        outcome = Outcome(**future.result())
                    except BrokenProcessPool:
                        broken = True
                        tries[job.name] += 1
                        if tries[job.name] <= retries:
                            continue  # resubmitted in a new pool
                        outcome = Outcome(job.name, job.notebook, job.params, FAILED,
                                          error="worker process died (twice)", attempts=tries[job.name])
                    pending.pop(job.name, None)
                    outcomes.append(outcome)
                    report(outcome)
    return outcomes


def run_dask(jobs: list[Job], out_dir: Path, *, scheduler: str, force: bool, timeout: int, retries: int,
             report: Callable[[Outcome], None]) -> list[Outcome]:
    """Run jobs on a Dask distributed cluster (its workers need sitrep installed and
    the same project folder)."""
    from distributed import Client, as_completed

    outcomes: list[Outcome] = []
    with Client(scheduler, timeout="30s") as client:
        futures = [client.submit(run_job, _payload(job), str(out_dir), force, timeout, retries,
                                 key=f"sitrep-report-{job.name}-{os.getpid()}-{time.time_ns()}", pure=False)
                   for job in jobs]
        by_key = {f.key: job for f, job in zip(futures, jobs)}
        for future in as_completed(futures):
            job = by_key[future.key]
            try:
                outcome = Outcome(**future.result())
            except Exception as err:  # noqa: BLE001 - a lost worker, a scheduler error
                outcome = Outcome(job.name, job.notebook, job.params, FAILED, error=f"dask: {str(err).splitlines()[0]}")
            outcomes.append(outcome)
            report(outcome)
    return outcomes


def run_batch(jobs: list[Job], out_dir: Path, *, workers: int | None = None, executor: str = "local",
              scheduler: str | None = None, force: bool = False, timeout: int = 900, retries: int = 1,
              progress: Callable[[Outcome, Summary], None] | None = None,
              notice: Callable[[str], None] | None = None) -> Summary:
    """Build ``jobs`` into ``out_dir``; ``progress`` hears of each outcome, ``notice`` of
    what the batch waits for (default: a line on stderr)."""
    summary = Summary()
    notice = notice or getattr(progress, "note", None) or (lambda message: print(f"sitrep: {message}", file=sys.stderr, flush=True))
    start = time.perf_counter()

    def report(outcome: Outcome) -> None:
        summary.outcomes.append(outcome)
        summary.seconds = time.perf_counter() - start
        if progress:
            progress(outcome, summary)

    if executor == "dask" and not scheduler:
        raise ValueError("--executor dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786)")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    from sitrep.render.build import sweep_litter

    sweep_litter(out_dir)  # work folders and kernel sockets of killed builds
    # editions of one series are built in window order, wave by wave: each compares with the one before it
    for wave in edition_waves(jobs):
        _run_wave(wave, out_dir, workers=workers, executor=executor, scheduler=scheduler, force=force,
                  timeout=timeout, retries=retries, report=report, notice=notice)
    summary.seconds = time.perf_counter() - start
    order = {job.name: n for n, job in enumerate(jobs)}
    summary.outcomes.sort(key=lambda o: order.get(o.name, 0))
    return summary


def edition_waves(jobs: list[Job]) -> list[list[Job]]:
    """``jobs`` in waves: the n-th wave holds the n-th edition (by window end) of every
    series of briefings (same store, same series); reports of no series go in the first.
    Deterministic whatever the number of workers."""
    from sitrep.render.build import resolve_parameters

    keyed: dict[tuple, list[tuple]] = {}
    waves: list[list[Job]] = [[]]
    for n, job in enumerate(jobs):
        try:
            params, _ = resolve_parameters(nbformat.read(job.notebook_path, as_version=4), job.notebook_path, dict(job.params))
        except Exception:  # noqa: BLE001 - the build reports the real problem
            params = None
        series = getattr(params, "series_id", None)
        if not series:
            waves[0].append(job)
            continue
        end = getattr(params, "end", None)
        keyed.setdefault((str(params.store_path), series), []).append((end is None, end or dt.date.min, n, job))
    for editions in keyed.values():
        for rank, (*_, job) in enumerate(sorted(editions, key=lambda e: e[:3])):
            while len(waves) <= rank:
                waves.append([])
            waves[rank].append(job)
    return [wave for wave in waves if wave]


def _run_wave(jobs: list[Job], out_dir: Path, *, workers, executor, scheduler, force, timeout, retries, report,
              notice) -> None:
    from sitrep.render.build import lock_holders

    if not force:  # unchanged reports are found here, without starting any worker
        from sitrep.render.build import cached_report

        todo = []
        for job in jobs:
            t0 = time.perf_counter()
            try:
                hit = cached_report(job.notebook_path, job.params, out_dir=out_dir, name=job.name)
            except Exception:  # noqa: BLE001 - the worker will report the real problem
                hit = None
            if hit:
                report(Outcome(job.name, job.notebook, job.params, CACHED, round(time.perf_counter() - t0, 2)))
            else:
                todo.append(job)
        jobs_to_run = todo
    else:
        jobs_to_run = list(jobs)
    busy = lock_holders(out_dir, [job.name for job in jobs_to_run])
    if busy:
        shown = ", ".join(f"{name} (process {pid})" for name, pid in list(busy.items())[:5]) + (" ..." if len(busy) > 5 else "")
        notice(f"{len(busy)} of these reports are being built by another sitrep run: {shown}; "
               "waiting for their locks")
    if not jobs_to_run:
        pass
    elif executor == "dask":
        run_dask(jobs_to_run, out_dir, scheduler=scheduler, force=force, timeout=timeout, retries=retries, report=report)
    else:
        run_local(jobs_to_run, out_dir, workers=min(workers or os.cpu_count() or 1, len(jobs_to_run)), force=force,
                  timeout=timeout, retries=retries, report=report)


class Progress:
    """Reports done/failed/cached, elapsed and ETA: a rich progress bar on a
    terminal, one plain line per report otherwise."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total = total
        self.stream = stream
        self.bar = None
        if stream.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            self.bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                    TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                                    console=Console(file=stream))
            self.task = self.bar.add_task("reports", total=total, counts="")

    def __enter__(self):
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()

    def note(self, message: str) -> None:
        """A line about the batch itself (e.g. what it waits for)."""
        if self.bar:
            self.bar.console.print(message, style="yellow", markup=False, highlight=False)
        else:
            print(f"sitrep: {message}", file=self.stream, flush=True)

    def __call__(self, outcome: Outcome, summary: Summary) -> None:
        done = len(summary.outcomes)
        counts = f"built {summary.count(BUILT)}, cached {summary.count(CACHED)}, failed {summary.count(FAILED)}"
        if self.bar:
            self.bar.update(self.task, completed=done, counts=counts)
            if outcome.status == FAILED:
                self.bar.console.print(f"[red]failed[/] {outcome.name}: {outcome.error}")
            return
        eta = summary.seconds / done * (self.total - done) if done else 0
        print(f"[{done:>{len(str(self.total))}}/{self.total}] {outcome.status:<6} {outcome.name} ({outcome.seconds:.1f} s); "
              f"{counts}; elapsed {summary.seconds:.0f} s, ETA {eta:.0f} s", file=self.stream, flush=True)


def failure_lines(summary: Summary) -> Iterable[str]:
    for o in summary.failed:
        params = ", ".join(f"{k}={v}" for k, v in o.params.items())
        yield f"{o.name}  [{o.notebook}]  {params}\n    {o.error}"
