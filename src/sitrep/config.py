"""Every path the project uses, in one place.

Paths are resolved from the repository root when sitrep runs from a checkout
(the usual case: `pip install -e .`), and from the current directory otherwise.
The environment variable ``SITREP_HOME`` overrides the root (tests use it).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _project_root() -> Path:
    env = os.environ.get("SITREP_HOME")
    if env:
        return Path(env).resolve()
    candidate = PACKAGE_DIR.parents[1]
    if (candidate / "pyproject.toml").is_file() and (candidate / "data").is_dir():
        return candidate
    return Path.cwd().resolve()


PROJ_ROOT = _project_root()
DATA_DIR = PROJ_ROOT / "data"
RAW_ARTICLES_DIR = DATA_DIR / "raw" / "articles"
REFERENCE_DIR = DATA_DIR / "reference"
PROCESSED_DIR = DATA_DIR / "processed"
DEFAULT_STORE = PROCESSED_DIR / "sitrep.duckdb"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"
DEFAULT_NOTEBOOK = NOTEBOOKS_DIR / "briefing.ipynb"

ACTORS_FILE = REFERENCE_DIR / "actors.yaml"
CAMEO_FILE = REFERENCE_DIR / "cameo.csv"


def display_path(path: Path | str) -> str:
    """A path as shown to users and kept in the store: relative to the project root
    when inside it (so outputs carry no absolute paths), absolute otherwise."""
    p = Path(path).resolve()
    try:
        return p.relative_to(PROJ_ROOT).as_posix()
    except ValueError:
        return p.as_posix()
