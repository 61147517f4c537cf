"""Parallel ingest (sitrep.ingest.workers) writes the same store as a serial one,
on local worker processes and on a Dask cluster; every stage reports progress."""

from __future__ import annotations

import io
import random
from pathlib import Path

import duckdb
import pytest

from sitrep.config import RAW_ARTICLES_DIR
from sitrep.ingest.progress import IngestProgress
from sitrep.ingest.update import update_store
from sitrep.ingest.workers import PARALLEL_FROM

TABLES = ("files", "articles", "sentences", "mentions", "events", "statements", "figures", "unknown_actors",
          "actors", "shingle_bands")


def sample_sentences() -> list[str]:
    bodies = [p.read_text(encoding="utf-8").split("\n---\n", 1)[-1] for p in sorted(RAW_ARTICLES_DIR.iterdir())
              if p.suffix in (".md", ".txt")]
    text = " ".join(bodies).replace("\n", " ")
    return [s.strip() + "." for s in text.split(". ") if 40 < len(s) < 300 and "---" not in s and "#" not in s]


def make_corpus(folder: Path, n: int, seed: int) -> Path:
    """``n`` articles of 4-8 sentences drawn from the sample articles, with dates."""
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    pool = sample_sentences()
    for i in range(n):
        body = " ".join(rng.sample(pool, rng.randint(4, 8)))
        (folder / f"a{i:04d}.md").write_text(
            f"---\ntitle: Item {i}\nsource: Wire {i % 5}\npublished: 2026-03-{1 + i % 20:02d}\nlanguage: en\n---\n{body}\n",
            encoding="utf-8")
    return folder


def dump(store: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
    finally:
        con.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("parallel") / "c", PARALLEL_FROM + 22, seed=3)


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory) -> dict:
    store = tmp_path_factory.mktemp("serial") / "s.duckdb"
    update_store([corpus], store, workers=1)
    return dump(store)


def test_the_sample_pool_is_big_enough():
    assert len(sample_sentences()) > 25


@pytest.mark.slow
def test_two_worker_processes_write_the_same_store_as_one(corpus, serial, tmp_path):
    store = tmp_path / "p.duckdb"
    stream = io.StringIO()
    summary = update_store([corpus], store, workers=2, progress=IngestProgress(stream, terminal=False))
    assert summary.articles_new == PARALLEL_FROM + 22
    assert dump(store) == serial
    assert len(serial["events"]) > 50 and len(serial["shingle_bands"]) > 0
    lines = stream.getvalue().splitlines()
    assert [line.split()[2] for line in lines] == ["scan", "read", "extract", "duplicates"], lines
    assert lines[2].startswith(f"sitrep: ingest: extract {PARALLEL_FROM + 22} articles in ") and lines[2].endswith("/s)")


@pytest.mark.slow
def test_a_dask_cluster_writes_the_same_store(corpus, serial, tmp_path):
    from distributed import LocalCluster

    store = tmp_path / "d.duckdb"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        update_store([corpus], store, executor="dask", scheduler=cluster.scheduler_address)
    assert dump(store) == serial


def test_an_unknown_executor_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown executor 'ray'"):
        update_store([RAW_ARTICLES_DIR], tmp_path / "s.duckdb", executor="ray")


@pytest.mark.slow
def test_half_the_files_duplicates_ingest_once_with_two_workers(tmp_path):
    """A corpus where every second file repeats another: each text is stored once, every
    file is recorded, and the copies are counted as merged."""
    corpus = make_corpus(tmp_path / "c", PARALLEL_FROM, seed=8)
    for path in sorted(corpus.glob("*.md")):
        (corpus / f"copy-{path.name}").write_bytes(path.read_bytes())
    store = tmp_path / "s.duckdb"
    summary = update_store([corpus], store, workers=2)
    assert summary.files_ingested == 2 * PARALLEL_FROM and summary.skipped == []
    assert summary.articles_new == PARALLEL_FROM and summary.duplicates_merged == PARALLEL_FROM
    con = duckdb.connect(str(store), read_only=True)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT article_id) FROM files").fetchone() == (2 * PARALLEL_FROM, PARALLEL_FROM)
    finally:
        con.close()
