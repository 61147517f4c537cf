"""Extraction of many articles on every core, or on a Dask cluster.

The ingest hands over articles in chunks; each worker process builds the shared
extractor once (:func:`sitrep.extract.pipeline.shared_extractor`) and returns, per
article, its extraction and its near-duplicate band keys. Results come back in the
order the articles went out, whatever the number of workers, so the store written
from them is the same. At most a few chunks per worker are in flight: the corpus is
never held in memory at once.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sitrep.extract.pipeline import Extractor, shared_extractor
from sitrep.ingest.duplicates import band_keys

if TYPE_CHECKING:
    from sitrep.extract.records import ArticleExtraction

CHUNK = 8  # articles per task
IN_FLIGHT = 4  # tasks per worker not yet collected
PARALLEL_FROM = 48  # fewer articles are extracted in this process (starting a worker costs ~2 s)


@dataclass(frozen=True, slots=True)
class Task:
    """One article to extract (``sign``: also compute its band keys)."""

    article_id: str
    text: str
    published: object
    language: str | None
    sign: bool


Result = tuple[str, "ArticleExtraction", "list[int] | None"]


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def extract_chunk(tasks: list[Task], extractor: Extractor | None = None) -> list[Result]:
    """Extract one chunk (in a worker: with the worker's own shared extractor)."""
    extractor = extractor or shared_extractor()  # in a worker: built once per process
    return [(t.article_id, extractor.extract(t.text, t.published, t.language),
             band_keys(t.text) if t.sign else None) for t in tasks]


def chunks(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    chunk: list[Task] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def extract_all(tasks: Iterable[Task], total: int, *, extractor: Extractor, workers: int = 1,
                executor: str = "local", scheduler: str | None = None, custom: bool = False,
                advance: Callable[[int], None] = lambda n: None) -> Iterator[Result]:
    """Extract ``tasks`` (``total`` of them) in order.

    ``executor`` is ``local`` (``workers`` processes; this process alone for one worker,
    a small batch, or a ``custom`` extractor the workers could not rebuild) or ``dask``
    (the cluster at ``scheduler``)."""
    if executor == "dask":
        yield from _on_dask(tasks, scheduler, advance)
        return
    if workers <= 1 or total < PARALLEL_FROM or custom:
        for chunk in chunks(tasks, CHUNK):
            results = extract_chunk(chunk, extractor)
            advance(len(results))
            yield from results
        return
    context = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from _windowed(lambda chunk: pool.submit(extract_chunk, chunk), tasks, workers, advance)


def _windowed(submit: Callable[[list[Task]], Future], tasks: Iterable[Task], workers: int,
              advance: Callable[[int], None]) -> Iterator[Result]:
    pending: deque = deque()
    for chunk in chunks(tasks, CHUNK):
        pending.append(submit(chunk))
        if len(pending) >= workers * IN_FLIGHT:
            results = pending.popleft().result()
            advance(len(results))
            yield from results
    while pending:
        results = pending.popleft().result()
        advance(len(results))
        yield from results


def _on_dask(tasks: Iterable[Task], scheduler: str | None, advance: Callable[[int], None]) -> Iterator[Result]:
    if not scheduler:
        raise ValueError("--executor dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786)")
    from distributed import Client  # only with --executor dask (importing it costs a second)

    with Client(scheduler, timeout="30s") as client:
        workers = max(1, sum(int(w.get("nthreads", 1)) for w in client.scheduler_info()["workers"].values()))
        yield from _windowed(lambda chunk: client.submit(extract_chunk, chunk, pure=False), tasks, workers, advance)
