"""Near-duplicates by MinHash bands (sitrep.ingest.duplicates) give the same flags as
comparing every pair, and stay right when articles come and go."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import duckdb
import pytest

from sitrep.config import RAW_ARTICLES_DIR
from sitrep.ingest.duplicates import BANDS, THRESHOLD, band_keys, shingles
from sitrep.ingest.update import update_store

WORDS = ("ceasefire talks envoy strike missile border council sanctions minister capital statement "
         "convoy shelling refugees port drone aid corridor summit troops province militia").split()


def all_pairs_flags(store: Path) -> dict[str, tuple[str, float]]:
    """The reference: every article against every earlier one (by date, then id)."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute("SELECT id, text FROM articles ORDER BY published NULLS LAST, id").fetchall()
    finally:
        con.close()
    sets = [(aid, shingles(text)) for aid, text in rows]
    flags = {}
    for i, (aid, mine) in enumerate(sets):
        best, best_sim = None, 0.0
        for other, theirs in sets[:i]:
            if mine and theirs:
                sim = len(mine & theirs) / len(mine | theirs)
                if sim > best_sim:
                    best, best_sim = other, sim
        if best is not None and best_sim >= THRESHOLD:
            flags[aid] = (best, round(best_sim, 3))
    return flags


def stored_flags(store: Path) -> dict[str, tuple[str, float]]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return {aid: (best, sim) for aid, best, sim in con.execute(
            "SELECT id, near_duplicate_of, near_duplicate_similarity FROM articles WHERE near_duplicate_of IS NOT NULL").fetchall()}
    finally:
        con.close()


def variant(rng: random.Random, words: list[str], change: float) -> list[str]:
    """``words`` with a share ``change`` of them replaced."""
    return [rng.choice(WORDS) if rng.random() < change else w for w in words]


def write_family(folder: Path, rng: random.Random, name: str, n: int, day: int) -> None:
    """An original and ``n`` rewrites of it at graded amounts of change (similarities
    from near 1 down to well under the threshold)."""
    base = [rng.choice(WORDS) for _ in range(120)]
    for k in range(n + 1):
        words = base if k == 0 else variant(rng, base, change=0.005 * k)
        (folder / f"{name}-{k}.md").write_text(
            f"---\ntitle: {name} {k}\npublished: 2024-05-{day + k % 3:02d}\nlanguage: en\n---\n"
            + " ".join(words) + ".\n", encoding="utf-8")


def test_the_sample_corpus_flags_the_pairs_all_pairs_flags(tmp_path):
    store = tmp_path / "s.duckdb"
    summary = update_store([RAW_ARTICLES_DIR], store)
    assert stored_flags(store) == all_pairs_flags(store)
    assert summary.near_duplicates == len(stored_flags(store)) == 1


def test_graded_rewrites_flag_the_same_pairs_as_all_pairs(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    rng = random.Random(5)
    for f in range(8):
        write_family(corpus, rng, f"family{f}", n=12, day=1 + f)
    store = tmp_path / "s.duckdb"
    update_store([corpus], store)
    expected = all_pairs_flags(store)
    assert 20 <= len(expected) < 8 * 12  # the families straddle the threshold
    assert stored_flags(store) == expected


def test_adding_and_removing_articles_re_flags_only_what_moved(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    rng = random.Random(9)
    for f in range(4):
        write_family(corpus, rng, f"family{f}", n=6, day=10 + f)
    store = tmp_path / "s.duckdb"
    update_store([corpus], store)
    assert stored_flags(store) == all_pairs_flags(store)
    # an earlier copy of family 0's original: the flags of that family move to it
    original = (corpus / "family0-0.md").read_text(encoding="utf-8")
    (corpus / "early.md").write_text(original.replace("published: 2024-05-10", "published: 2024-04-01")
                                     .replace("title: family0 0", "title: early") + "Updated.\n", encoding="utf-8")
    update_store([corpus], store)
    flags = stored_flags(store)
    assert flags == all_pairs_flags(store)
    con = duckdb.connect(str(store), read_only=True)
    early_id, original_id = (con.execute("SELECT id FROM articles WHERE title = ?", [t]).fetchone()[0]
                             for t in ("early", "family0 0"))
    con.close()
    assert flags[original_id][0] == early_id
    # the original goes: whatever was flagged against it is flagged against the next best or not at all
    (corpus / "family0-0.md").unlink()
    update_store([corpus], store, prune=True)
    assert stored_flags(store) == all_pairs_flags(store)
    (corpus / "early.md").unlink()
    update_store([corpus], store, prune=True)
    assert stored_flags(store) == all_pairs_flags(store)


def test_band_keys_are_the_same_in_every_process_and_empty_without_words():
    text = (RAW_ARTICLES_DIR / "001_strikes_begin.md").read_text(encoding="utf-8")
    keys = band_keys(text)
    assert len(keys) == BANDS and len(set(keys)) > BANDS // 2
    assert keys == band_keys(text)
    assert band_keys("   ...  ") == []
    assert band_keys(text.upper()) == keys  # case-folded shingles


def test_a_store_without_bands_gets_them_on_the_next_ingest(tmp_path):
    store = tmp_path / "s.duckdb"
    corpus = tmp_path / "c"
    shutil.copytree(RAW_ARTICLES_DIR, corpus)
    update_store([corpus], store)
    con = duckdb.connect(str(store))
    con.execute("DROP TABLE shingle_bands")
    con.execute("UPDATE articles SET near_duplicate_of = NULL, near_duplicate_similarity = NULL")
    con.close()
    (corpus / "new.md").write_text("---\ntitle: new\npublished: 2026-03-09\n---\nA new short item.\n", encoding="utf-8")
    update_store([corpus], store)
    assert stored_flags(store) == all_pairs_flags(store) and len(stored_flags(store)) == 1


@pytest.mark.parametrize("text", ["word", "two words", "a b c d e", "a b c d e f"])
def test_short_texts_have_shingles(text):
    assert shingles(text) and band_keys(text)
