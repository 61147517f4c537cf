"""Ingest at scale: workers, re-ingest, near-duplicates, memory — figures beside targets.

Generates N articles with ``big_corpus.py`` (default 2,000; outside the timings),
then runs ``sitrep ingest`` as a child process:

1. with ``--workers 1`` and with ``--workers 2`` into two stores: articles per second,
   the speed-up (target: 2 workers >= 1.7x one), peak memory of the largest process
   (target <= 2 GB), and the time 100,000 such articles would take at the 2-worker
   rate (target <= 30 min);
2. again with one new article: time against 2% of the first ingest (target);
3. the near-duplicate stage alone over D articles (default 100,000; their band keys
   on two processes, as the ingest computes them in its extraction workers, and the
   LSH join with exact checks; no extraction): target <= 60 s.

    .venv/bin/python bench/ingest_scale.py [N] [D]
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from big_corpus import articles, write  # noqa: E402

from sitrep.ingest.duplicates import band_keys, bands_frame, flag_near_duplicates  # noqa: E402
from sitrep.store import SCHEMA  # noqa: E402

SITREP = Path(sys.executable).with_name("sitrep")
BIG = 100_000


def ingest(corpus: Path, store: Path, workers: int) -> tuple[float, int, str]:
    """(seconds, peak RSS in bytes of the largest process, stderr) of one ingest."""
    t0 = time.monotonic()
    proc = subprocess.Popen([str(SITREP), "ingest", str(corpus), "--store", str(store), "--workers", str(workers)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - t0
    err = proc.stderr.read()
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        sys.exit(f"ingest failed:\n{err}")
    return seconds, usage.ru_maxrss * 1024, err


def _keys(batch: list[tuple[str, str, str]]) -> list[tuple[str, list[int]]]:
    return [(aid, band_keys(body)) for aid, _, body in batch]


def duplicates_only(n: int, tmp: Path, workers: int = 2) -> tuple[float, float, int]:
    """(seconds for band keys on ``workers`` processes, as the ingest computes them in its
    extraction workers; seconds for flagging; flagged) over ``n`` generated articles."""
    con = duckdb.connect(str(tmp / "dups.duckdb"))
    con.execute(SCHEMA)
    t_keys = 0.0
    batch: list[tuple[str, str, str]] = []
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        for i, (_, text) in enumerate(articles(n, seed=23, lines=(8, 25))):
            batch.append((f"{i:08d}", text.split("published: ", 1)[1][:10], text.split("\n---\n", 1)[1]))
            if len(batch) == 5000 or i == n - 1:
                frame = pd.DataFrame(batch, columns=["id", "published", "text"])
                con.register("f", frame)
                con.execute("""INSERT INTO articles SELECT id, NULL, NULL, NULL, CAST(published AS DATE), 'en', id, 'md',
                               text, length(text), 0, NULL, NULL FROM f""")
                con.unregister("f")
                t0 = time.perf_counter()
                parts = [batch[j::workers * 4] for j in range(workers * 4)]
                con.register("b", bands_frame([pair for pairs in pool.map(_keys, parts) for pair in pairs]))
                con.execute("INSERT INTO shingle_bands SELECT article_id, band, key FROM b")
                con.unregister("b")
                t_keys += time.perf_counter() - t0
                batch = []
    ids = [r[0] for r in con.execute("SELECT id FROM articles").fetchall()]
    t0 = time.perf_counter()
    flagged = flag_near_duplicates(con, ids)
    t_flag = time.perf_counter() - t0
    con.close()
    return t_keys, t_flag, flagged


def row(name: str, figure: str, target: str, ok: bool | None) -> None:
    mark = "" if ok is None else ("ok" if ok else "MISSED")
    print(f"{name:<46} {figure:>22}   {target:<22} {mark}")


def main(n: int, d: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpus = write(n, tmp / "corpus")
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in corpus.rglob("*.md"))
        print(f"{n:,} generated articles, {words / n:,.0f} words each on average; {os.cpu_count()} cores\n")
        s1, m1, _ = ingest(corpus, tmp / "one.duckdb", 1)
        s2, m2, err = ingest(corpus, tmp / "two.duckdb", 2)
        (corpus / "new.md").write_text("---\ntitle: One more\npublished: 2026-12-31\n---\n"
                                       "Russia condemned the strike on the port of Odesa on Tuesday.\n", encoding="utf-8")
        s3, _, _ = ingest(corpus, tmp / "two.duckdb", 2)
        t_keys, t_flag, flagged = duplicates_only(d, tmp)
    print(f"{'measure':<46} {'figure':>22}   {'target':<22}")
    row("ingest, 1 worker", f"{s1:,.1f} s ({n / s1:,.1f}/s)", "", None)
    row("ingest, 2 workers", f"{s2:,.1f} s ({n / s2:,.1f}/s)", "", None)
    row("speed-up of 2 workers", f"{s1 / s2:.2f}x", ">= 1.70x", s1 / s2 >= 1.7)
    projected = BIG / (n / s2) / 60
    row(f"{BIG:,} articles at the 2-worker rate (projected)", f"{projected:,.0f} min", "<= 30 min", projected <= 30)
    row("peak memory, largest process (2 workers)", f"{max(m1, m2) / 2**20:,.0f} MiB", "<= 2048 MiB", max(m1, m2) <= 2 * 2**30)
    row("re-ingest with one new article", f"{s3:,.1f} s ({100 * s3 / s2:.1f}%)", "<= 2% of first ingest", s3 <= 0.02 * s2)
    row(f"near-duplicates over {d:,}: band keys", f"{t_keys:,.1f} s", "", None)
    row(f"near-duplicates over {d:,}: LSH + exact check", f"{t_flag:,.1f} s ({flagged:,} flagged)", "", None)
    row(f"near-duplicates over {d:,}: total", f"{t_keys + t_flag:,.1f} s", "<= 60 s", t_keys + t_flag <= 60)
    print("\nstage lines of the 2-worker ingest:\n" + "\n".join(line for line in err.splitlines() if line.startswith("sitrep: ingest:")))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000, int(sys.argv[2]) if len(sys.argv) > 2 else BIG)
