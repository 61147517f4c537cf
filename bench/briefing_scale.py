"""The default briefing over a big store against the sample store, in one run.

Generates N articles with ``big_corpus.py`` (default 2,000, a year of news), ingests
them with 2 workers (outside the timings), and builds the default briefing (HTML +
PDF) over the sample store and over the big store, each as ``sitrep build`` in a
child process. Prints the build times side by side with their target (big <= 2x
sample), the HTML size (target < 5 MB) and the PDF's page count.

    .venv/bin/python bench/briefing_scale.py [N]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from big_corpus import write  # noqa: E402

from sitrep.config import NOTEBOOKS_DIR, RAW_ARTICLES_DIR  # noqa: E402

SITREP = Path(sys.executable).with_name("sitrep")


def run(*args) -> float:
    t0 = time.monotonic()
    done = subprocess.run([str(SITREP), *map(str, args)], capture_output=True, text=True)
    if done.returncode not in (0, 3):
        sys.exit(f"sitrep {args[0]} failed:\n{done.stderr}")
    return time.monotonic() - t0


def build(store: Path, out: Path) -> tuple[float, int, int]:
    """(seconds, HTML bytes, PDF pages) of the default briefing over ``store``."""
    seconds = run("build", NOTEBOOKS_DIR / "briefing.ipynb", "-p", f"store={store}", "--out", out)
    folder = out / "briefing"
    return seconds, (folder / "briefing.html").stat().st_size, len(PdfReader(folder / "briefing.pdf").pages)


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sample, big = tmp / "sample.duckdb", tmp / "big.duckdb"
        run("ingest", RAW_ARTICLES_DIR, "--store", sample, "--quiet")
        corpus = write(n, tmp / "corpus")
        ingest_s = run("ingest", corpus, "--store", big, "--workers", "2", "--quiet")
        s_time, s_html, s_pages = build(sample, tmp / "r-sample")
        b_time, b_html, b_pages = build(big, tmp / "r-big")
    print(f"{n:,} generated articles ingested in {ingest_s:,.0f} s (2 workers)\n")
    print(f"{'measure':<40} {'sample store':>14} {'big store':>14}   target")
    print(f"{'build time (HTML + PDF)':<40} {s_time:>12.1f} s {b_time:>12.1f} s   big <= 2x sample "
          f"({b_time / s_time:.2f}x: {'ok' if b_time <= 2 * s_time else 'MISSED'})")
    print(f"{'HTML size':<40} {s_html / 2**20:>11.2f} MB {b_html / 2**20:>11.2f} MB   < 5 MB "
          f"({'ok' if b_html < 5 * 2**20 else 'MISSED'})")
    print(f"{'PDF pages':<40} {s_pages:>14} {b_pages:>14}   body <= 4 pages, then endnotes")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
