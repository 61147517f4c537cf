"""Extraction throughput on a synthetic corpus, against the bare statistical pipeline.

Generates N articles (default 5,000) by recombining the sentences of the sample
corpus and substituting actors (countries and their adjectives), writes them to a
temporary JSON-lines file (outside the timings), streams them through the
extractor (nothing is held in memory), then runs the same spaCy pipeline's bare
``nlp.pipe`` over the same pieces of text (the lines of each article, as the
extractor parses them), and prints words per second per core for both, their ratio
(target: extraction at least 50% of the bare pipeline) and the peak memory of the
process (target under 1.5 GB).

    .venv/bin/python bench/extract_throughput.py [N]
"""

from __future__ import annotations

import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from sitrep.config import RAW_ARTICLES_DIR
from sitrep.extract.pipeline import Extractor
from sitrep.extract.sentences import line_spans, load_pipeline, pieces
from sitrep.ingest import discover_files, read_articles

SWAPS = [("Iran", "Iranian"), ("Russia", "Russian"), ("Israel", "Israeli"), ("China", "Chinese"), ("Turkey", "Turkish"),
         ("Egypt", "Egyptian"), ("Pakistan", "Pakistani"), ("Brazil", "Brazilian"), ("Nigeria", "Nigerian"),
         ("Ukraine", "Ukrainian"), ("India", "Indian"), ("Japan", "Japanese"), ("Kenya", "Kenyan"), ("Mexico", "Mexican")]


def sample_sentences() -> list[str]:
    out = []
    for path in discover_files([RAW_ARTICLES_DIR]):
        for article in read_articles(path):
            out.extend(line for _, line in line_spans(article.text))
    return out


def corpus(n: int, seed: int = 7):
    """``n`` articles of 8-25 lines each, actors swapped at random (deterministic)."""
    rng = random.Random(seed)
    lines = sample_sentences()
    for _ in range(n):
        picked = rng.sample(lines, k=min(len(lines), rng.randint(8, 25)))
        text = "\n".join(picked)
        (a, a_adj), (b, b_adj) = rng.sample(SWAPS, 2)
        text = text.replace("Iranian", a_adj).replace("Iran", a).replace("Israeli", b_adj).replace("Israel", b)
        yield text


def stream(path: Path):
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        with path.open("w", encoding="utf-8") as fh:  # generated once, outside the timings
            for text in corpus(n):
                fh.write(json.dumps(text) + "\n")
        extractor = Extractor()
        extractor.extract("Warm-up: Russia condemned the strikes.", None)
        words = events = 0
        t0 = time.perf_counter()
        for text in stream(path):
            words += len(text.split())
            events += len(extractor.extract(text, None).events)
        extract_s = time.perf_counter() - t0
        nlp = load_pipeline()
        t0 = time.perf_counter()
        for _doc in nlp.pipe((piece for text in stream(path) for _, piece in pieces(text)), batch_size=64):
            pass
        bare_s = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles: {n:,}  words: {words:,}  events coded: {events:,}")
    print(f"extraction:           {extract_s:7.2f} s  {words / extract_s:>10,.0f} words/s per core")
    print(f"bare nlp.pipe ({nlp.meta['name']}): {bare_s:7.2f} s  {words / bare_s:>10,.0f} words/s per core")
    print(f"extraction / bare pipeline throughput: {bare_s / extract_s:.1%} (target >= 50%)")
    print(f"peak memory: {peak_mb:,.0f} MB (target < 1,536 MB)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
