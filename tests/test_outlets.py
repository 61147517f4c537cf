"""The outlet registry (sitrep.briefing.outlets): validated with file and line, looked
up by name or alias, and shown in the briefing's sources."""

from __future__ import annotations

import pandas as pd
import pytest

from sitrep.briefing.outlets import OUTLETS_FILE, UNNAMED, UNREVIEWED, OutletError, describe, load_outlets
from sitrep.briefing.selection import independent_keys


def write(tmp_path, body: str):
    path = tmp_path / "outlets.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_shipped_registry_loads_and_knows_wires_and_state_media():
    reg = load_outlets()
    assert reg.lookup("reuters").type == "wire"
    assert reg.lookup("AFP").name == "Agence France-Presse"  # an alias
    assert reg.lookup("TASS").type == "state-affiliated" and reg.lookup("TASS").country == "RUS"
    assert reg.lookup("Meridian Wire").sample  # the sample corpus's outlets are marked fictional
    assert reg.lookup("Unheard-of Gazette") is None and reg.lookup("") is None and reg.lookup(None) is None


def test_describe_says_unreviewed_and_unnamed():
    reg = load_outlets(OUTLETS_FILE)
    assert describe(reg, "Xinhua") == ("state-affiliated", "CHN", "Chinese state")
    assert describe(reg, "Global Desk")[0:2] == ("aggregator (fictional sample)", "international")
    assert describe(reg, "Horn Monitor") == (UNREVIEWED, "—", "—")
    assert describe(reg, None) == (UNNAMED, "—", "—") and describe(reg, "  ")[0] == UNNAMED


@pytest.mark.parametrize("body, message", [
    ("as_of: 2026-01-01\noutlets:\n  - {name: X, type: blog}\n", ":3: type: Input should be"),
    ("as_of: 2026-01-01\noutlets:\n  - {name: X, type: wire, country: Russia}\n", ":3: country: String should match"),
    ("as_of: 2026-01-01\noutlets:\n  - {name: X, type: wire}\n  - {name: Y, type: wire, aliases: [x]}\n",
     ":4: 'x' is already the name or alias of 'X' (line 3)"),
    ("as_of: 2026-01-01\noutlets:\n  - {name: X, type: wire, colour: red}\n", ":3: colour: Extra inputs are not permitted"),
    ("as_of: 2026-13-01\noutlets: []\n", "as_of '2026-13-01' is not a date"),
    ("outlets: [\n", ":2: not valid YAML"),
    ("- a list\n", ":1: expected a mapping with an 'outlets' list"),
])
def test_a_malformed_registry_names_the_file_line_and_problem(tmp_path, body, message):
    with pytest.raises(OutletError) as err:
        load_outlets(write(tmp_path, body))
    assert "outlets.yaml" in str(err.value) and message in str(err.value), str(err.value)


def test_articles_without_an_outlet_count_as_one_source_together():
    articles = pd.DataFrame({"id": ["a", "b", "c", "d"], "source": [None, None, "Reuters", "Reuters"],
                             "near_duplicate_of": [None, None, None, None]})
    assert independent_keys(articles).nunique() == 2


def test_the_sample_briefing_shows_outlet_types(tmp_path):
    from sitrep.briefing import sources
    from sitrep.briefing.selection import load_briefing
    from sitrep.config import RAW_ARTICLES_DIR
    from sitrep.ingest.update import update_store
    from sitrep.params import BriefingParams

    store = tmp_path / "s.duckdb"
    update_store([RAW_ARTICLES_DIR], store)
    b = load_briefing(BriefingParams(store=str(store)))
    table = sources.outlet_table(b)
    assert "wire (fictional sample)" in table.markup and "unnamed" in table.markup
    header = sources.briefing_header(b).text
    assert "wire" in header.split("Sources: ", 1)[1].splitlines()[0]
