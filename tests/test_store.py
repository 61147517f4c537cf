"""Ingest into the DuckDB store: duplicates, re-ingest, partial failure, pruning."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from sitrep.ingest.update import update_store
from sitrep.store import connect


def counts(path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("files", "articles", "sentences")}
    finally:
        con.close()


def test_sample_corpus_is_stored(corpus, tmp_path):
    store = tmp_path / "s.duckdb"
    summary = update_store([corpus], store)
    assert summary.skipped == []
    assert summary.files_seen == 11
    assert summary.articles_total == 15  # JSONL files hold several articles
    assert summary.near_duplicates == 1  # the two wire versions of the succession story
    c = counts(store)
    assert c["articles"] == 15 and c["files"] == 15 and c["sentences"] > 60


def test_reingest_is_a_noop(corpus, tmp_path):
    store = tmp_path / "s.duckdb"
    update_store([corpus], store)
    before = counts(store)
    mtime = store.stat().st_mtime_ns
    again = update_store([corpus], store)
    assert (again.files_unchanged, again.files_ingested, again.articles_new) == (11, 0, 0)
    assert not again.changed
    assert counts(store) == before
    assert store.stat().st_mtime_ns == mtime


def test_exact_duplicate_is_merged(corpus, tmp_path):
    shutil.copyfile(corpus / "007_katz_warning.txt", corpus / "copy_of_katz.txt")
    store = tmp_path / "s.duckdb"
    summary = update_store([corpus], store)
    assert summary.duplicates_merged == 1
    con = connect(store, read_only=True)
    ids = con.execute("SELECT article_id, count(*) FROM files GROUP BY 1 HAVING count(*) > 1").fetchall()
    con.close()
    assert len(ids) == 1 and ids[0][1] == 2
    assert summary.articles_total == 15


def test_bad_file_is_skipped_and_good_ones_stored(corpus, tmp_path):
    (corpus / "broken.md").write_text("---\npublished: 2026-02-30\n---\nBody.\n")
    store = tmp_path / "s.duckdb"
    summary = update_store([corpus], store)
    assert len(summary.skipped) == 1 and "broken.md" in summary.skipped[0]
    assert summary.articles_total == 15


def test_failure_part_way_leaves_store_as_it_was(corpus, tmp_path):
    from sitrep.extract.pipeline import Extractor

    store = tmp_path / "s.duckdb"
    update_store([corpus], store)
    before = counts(store)
    (corpus / "new.txt").write_text("Oman urged both sides to return to talks on Friday.\n")
    (corpus / "new2.txt").write_text("Qatar condemned the attack on Monday.\n")

    class Exploding(Extractor):
        calls = 0

        def extract(self, text, published=None, language=None):
            Exploding.calls += 1
            if Exploding.calls == 2:
                raise RuntimeError("boom in the middle of the batch")
            return super().extract(text, published, language)

    with pytest.raises(RuntimeError, match="boom"):
        update_store([corpus], store, extractor=Exploding())
    assert counts(store) == before
    # and a later, healthy ingest picks the new files up
    summary = update_store([corpus], store)
    assert summary.files_ingested == 2 and summary.articles_total == before["articles"] + 2


def test_changed_file_replaces_its_article(corpus, tmp_path):
    store = tmp_path / "s.duckdb"
    update_store([corpus], store)
    f = corpus / "007_katz_warning.txt"
    f.write_text(f.read_text().replace("Wednesday", "Thursday"))
    summary = update_store([corpus], store)
    assert summary.files_ingested == 1 and summary.articles_removed == 1 and summary.articles_new == 1
    assert summary.articles_total == 15


def test_prune_removes_deleted_files(corpus, tmp_path):
    store = tmp_path / "s.duckdb"
    update_store([corpus], store)
    (corpus / "007_katz_warning.txt").unlink()
    kept = update_store([corpus], store)
    assert kept.articles_total == 15  # without --prune nothing is removed
    pruned = update_store([corpus], store, prune=True)
    assert pruned.files_pruned == 1 and pruned.articles_total == 14


def test_store_in_use_gives_clear_error(tmp_path):
    from sitrep.store import StoreError

    bad = tmp_path / "not-a-store.duckdb"
    bad.write_bytes(b"this is not a database file at all" * 100)
    with pytest.raises(StoreError, match="not-a-store.duckdb"):
        connect(bad)


def test_registry_entries_reviewed_before_the_news_are_listed(tmp_path):
    """A person whose registry entry was reviewed before the articles naming them is
    listed in the corpus overview (their role may have changed); reviewed ones are not."""
    from sitrep.briefing.overview import load_corpus, registry_staleness
    from sitrep.extract.pipeline import Extractor
    from sitrep.extract.registry import ACTORS_FILE, STATES_FILE
    from sitrep.params import CorpusOverviewParams

    actors = tmp_path / "actors.yaml"
    actors.write_text(ACTORS_FILE.read_text(encoding="utf-8").replace(
        "  - {title: President, from: 2019-05-20, to: null, leader: true}\n  reviewed: 2025-11-01",
        "  - {title: President, from: 2019-05-20, to: null, leader: true}\n  reviewed: 2024-01-01"), encoding="utf-8")
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.md").write_text("---\ntitle: Talks\npublished: 2025-02-10\n---\n"
                                   "Ukrainian President Volodymyr Zelensky met Finnish President Alexander Stubb in Kyiv.\n",
                                   encoding="utf-8")
    store = tmp_path / "s.duckdb"
    update_store([articles], store, extractor=Extractor(STATES_FILE, actors))
    con = duckdb.connect(str(store), read_only=True)
    reviewed = dict(con.execute("SELECT id, reviewed FROM actors WHERE id IN ('UKR.ZELENSKY', 'FIN.STUBB')").fetchall())
    con.close()
    assert str(reviewed["UKR.ZELENSKY"]) == "2024-01-01" and str(reviewed["FIN.STUBB"]) == "2025-11-01"
    block = registry_staleness(load_corpus(CorpusOverviewParams(store=str(store))))
    assert "UKR.ZELENSKY" in block.text and "2025-02-10" in block.text
    assert "FIN.STUBB" not in block.text  # reviewed after the article
