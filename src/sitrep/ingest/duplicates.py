"""Near-duplicate articles without comparing every pair.

An article is a near-duplicate of an earlier one (by publication date, then id) when
the Jaccard similarity of their word 5-gram shingle sets is at least
:data:`THRESHOLD`; it is flagged with the most similar earlier article (ties go to
the earliest). Candidates come from locality-sensitive hashing: each article's
MinHash signature (datasketch) is cut into :data:`BANDS` bands of :data:`ROWS`
values, and the band keys live in the store's ``shingle_bands`` table, so a new
article is compared only with the articles that share bands with it (DuckDB joins
the keys and counts the shared bands), never with the whole corpus. Every candidate
pair is then checked with the exact Jaccard similarity, so a flag is never an estimate.

With 42 bands of 3 rows and at least 2 bands shared, two articles at similarity 0.6
are compared with probability 0.9995 (0.99998 at 0.65, 1 - 3e-9 at 0.75); at 0.3 with
probability 0.31, at 0.1 with 0.0009 — so articles on the same topic from the same
pool of sentences cost little, and unrelated ones nothing.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable

import duckdb
import numpy as np
import pandas as pd
from datasketch import MinHash

from sitrep.store import first_row, run

THRESHOLD = 0.6
SHINGLE_WORDS = 5
BANDS, ROWS = 42, 3
NUM_PERM = BANDS * ROWS
MIN_SHARED = 2  # bands two articles must share to be compared
SEED = 1
SIGNED = -1  # the band of the row that marks an article with no shingles as signed

_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED).permutations
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[tuple[str, ...]]:
    """The word n-grams of a text (case-folded)."""
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {tuple(words)} if words else set()
    return set(zip(*(words[i:] for i in range(size))))


def band_keys(text: str) -> list[int]:
    """The LSH band keys of ``text`` (one signed 64-bit key per band; empty when the
    text has no words). Deterministic on every machine: crc32 of each shingle, the
    permutations of a fixed seed, blake2b of each band."""
    words = _WORD.findall(text.casefold())
    if not words:
        return []
    size = min(SHINGLE_WORDS, len(words))  # the same sets as shingles(), as strings
    grams = {" ".join(gram).encode() for gram in set(zip(*(words[i:] for i in range(size))))}
    mh = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=zlib.crc32, permutations=_PERMUTATIONS)
    mh.update_batch(grams)
    signature = np.asarray(mh.hashvalues, dtype="<u8")
    return [
        int.from_bytes(hashlib.blake2b(signature[b * ROWS:(b + 1) * ROWS].tobytes(), digest_size=8).digest(),
                       "little", signed=True)
        for b in range(BANDS)
    ]


def bands_frame(signed: list[tuple[str, list[int]]]) -> pd.DataFrame:
    """The ``shingle_bands`` rows of (article id, band keys) pairs, as columns (an
    article with no shingles gets one marker row, band -1)."""
    ids, bands, keys = [], [], []
    for article_id, article_keys in signed:
        if article_keys:
            ids.extend([article_id] * len(article_keys))
            bands.extend(range(len(article_keys)))
            keys.extend(article_keys)
        else:
            ids.append(article_id)
            bands.append(SIGNED)
            keys.append(0)
    return pd.DataFrame({"article_id": pd.Series(ids, dtype="object"), "band": np.array(bands, dtype=np.int16),
                         "key": np.array(keys, dtype=np.int64)})


def flag_near_duplicates(con: duckdb.DuckDBPyConnection, changed: Iterable[str], gone: Iterable[str] = ()) -> int:
    """Re-flag the articles whose flag can have changed and return how many articles
    of the store are flagged.

    ``changed`` are the articles whose band keys were just written (new, or all of
    them after an upgrade); ``gone`` those just deleted. Affected are the changed
    articles, the articles sharing a band with one of them, and those flagged as
    near-duplicates of a gone one; no other flag can move."""
    changed, gone = sorted(set(changed)), sorted(set(gone))
    if not changed and not gone:
        return first_row(con, "SELECT count(near_duplicate_of) FROM articles")[0]
    con.register("_sitrep_changed", pd.DataFrame({"id": pd.Series(changed, dtype="object")}))
    con.register("_sitrep_gone", pd.DataFrame({"id": pd.Series(gone, dtype="object")}))
    try:
        run(con, """
            CREATE OR REPLACE TEMP TABLE _sitrep_affected AS
            SELECT id FROM _sitrep_changed
            UNION SELECT DISTINCT o.article_id FROM shingle_bands c JOIN shingle_bands o USING (band, key)
                  WHERE c.band >= 0 AND c.article_id IN (SELECT id FROM _sitrep_changed)
            UNION SELECT id FROM articles WHERE near_duplicate_of IN (SELECT id FROM _sitrep_gone)""")
        # candidate pairs: an affected article and an earlier one sharing at least MIN_SHARED bands
        pairs = con.execute(f"""
            WITH ordered AS (SELECT id, row_number() OVER (ORDER BY published NULLS LAST, id) AS pos FROM articles),
            shared AS (SELECT x.article_id AS later, y.article_id AS earlier
                       FROM shingle_bands x JOIN shingle_bands y ON x.band = y.band AND x.key = y.key
                       WHERE x.band >= 0 AND x.article_id <> y.article_id
                         AND x.article_id IN (SELECT id FROM _sitrep_affected)
                       GROUP BY ALL HAVING count(*) >= {MIN_SHARED})
            SELECT s.later, s.earlier, oy.pos FROM shared s
            JOIN ordered ox ON ox.id = s.later JOIN ordered oy ON oy.id = s.earlier
            WHERE oy.pos < ox.pos ORDER BY s.later, oy.pos""").fetchall()
        flags: dict[str, tuple[str, float]] = {}
        for block in _blocks(pairs, BLOCK):  # texts of one block of later articles at a time: bounded memory
            _best_earlier(block, _texts(con, {a for pair in block for a in pair[:2]}), flags)
        run(con, """UPDATE articles SET near_duplicate_of = NULL, near_duplicate_similarity = NULL
                       WHERE id IN (SELECT id FROM _sitrep_affected)""")
        if flags:
            frame = pd.DataFrame([(aid, best, round(sim, 3)) for aid, (best, sim) in sorted(flags.items())],
                                 columns=["id", "best", "sim"])
            con.register("_sitrep_flags", frame)
            try:
                run(con, """UPDATE articles SET near_duplicate_of = f.best, near_duplicate_similarity = f.sim
                               FROM _sitrep_flags f WHERE articles.id = f.id""")
            finally:
                con.unregister("_sitrep_flags")
        run(con, "DROP TABLE IF EXISTS _sitrep_affected")
    finally:
        con.unregister("_sitrep_changed")
        con.unregister("_sitrep_gone")
    return first_row(con, "SELECT count(near_duplicate_of) FROM articles")[0]


BLOCK = 2000  # later articles whose candidate texts are held at once


def _blocks(pairs: list[tuple], size: int) -> Iterable[list[tuple]]:
    """``pairs`` (sorted by their first element) cut into runs of ``size`` distinct firsts."""
    block: list[tuple] = []
    seen = 0
    for pair in pairs:
        if not block or pair[0] != block[-1][0]:
            seen += 1
            if seen > size:
                yield block
                block, seen = [], 1
        block.append(pair)
    if block:
        yield block


def _best_earlier(pairs: list[tuple], texts: dict[str, str], flags: dict[str, tuple[str, float]]) -> None:
    """For each later article of ``pairs``, its most similar earlier article at or above
    the threshold (exact Jaccard; pairs in corpus order of the earlier, so ties go to
    the earliest)."""
    sets: dict[str, set] = {}

    def grams(article: str) -> set:
        if article not in sets:
            sets[article] = shingles(texts[article])
        return sets[article]

    for later, earlier, _ in pairs:
        mine, theirs = grams(later), grams(earlier)
        small, large = sorted((len(mine), len(theirs)))
        if not small or small / large < THRESHOLD:
            continue
        sim = len(mine & theirs) / len(mine | theirs)
        if sim >= THRESHOLD and sim > flags.get(later, (None, 0.0))[1]:
            flags[later] = (earlier, sim)


def _texts(con: duckdb.DuckDBPyConnection, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    con.register("_sitrep_ids", pd.DataFrame({"id": sorted(ids)}))
    try:
        return dict(con.execute("SELECT a.id, a.text FROM articles a JOIN _sitrep_ids i ON i.id = a.id").fetchall())
    finally:
        con.unregister("_sitrep_ids")


def unsigned_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The stored articles without band keys (new ones, or all of a store made before
    the keys existed)."""
    return {r[0] for r in con.execute(
        "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM shingle_bands)").fetchall()}
