"""Shared fixtures: the sample corpus, fresh stores, and one built report per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitrep.config import NOTEBOOKS_DIR, RAW_ARTICLES_DIR

FILES = Path(__file__).parent / "files"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the sample corpus."""
    dest = tmp_path / "articles"
    shutil.copytree(RAW_ARTICLES_DIR, dest)
    return dest


@pytest.fixture(scope="session")
def extractor():
    """The extractor, built once for the whole session (loading the pipeline takes seconds)."""
    from sitrep.extract.pipeline import shared_extractor

    return shared_extractor()


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    """A store holding the whole sample corpus (built once per session)."""
    from sitrep.ingest.update import update_store

    path = tmp_path_factory.mktemp("store") / "sample.duckdb"
    update_store([RAW_ARTICLES_DIR], path)
    return path


@pytest.fixture(scope="session")
def overview_report(tmp_path_factory, sample_store):
    """The corpus overview built once from the sample store."""
    from sitrep.render.build import build

    out = tmp_path_factory.mktemp("reports")
    return build(NOTEBOOKS_DIR / "corpus_overview.ipynb", {"store": str(sample_store)}, out_dir=out)


@pytest.fixture(scope="session")
def briefing_report(tmp_path_factory, sample_store):
    """The default briefing built once from the sample store."""
    from sitrep.render.build import build

    out = tmp_path_factory.mktemp("briefing")
    return build(NOTEBOOKS_DIR / "briefing.ipynb", {"store": str(sample_store)}, out_dir=out)


def write_article(folder: Path, name: str, *, title: str, source: str, published: str, body: str) -> Path:
    """A Markdown article with front matter (for small purpose-built corpora)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"---\ntitle: {title}\nsource: {source}\npublished: {published}\nlanguage: en\n---\n{body}\n", encoding="utf-8")
    return path
