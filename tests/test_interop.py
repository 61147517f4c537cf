"""Event files in the analysts' formats: ICEWS, GDELT and POLECAT in, ICEWS, GDELT,
PLOVER, CSV and Parquet out (sitrep.interop and the two commands)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from sitrep.cli import app
from sitrep.interop import InteropError, export_events, import_events
from sitrep.interop import importer as importer_module
from sitrep.store import connect

FILES = Path(__file__).parent / "files" / "interop"
ICEWS = FILES / "icews-events-2018-sample.tab"


def rows(store: Path, sql: str, args: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute(sql, args or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def icews_store(tmp_path_factory) -> tuple[Path, object]:
    store = tmp_path_factory.mktemp("icews") / "store.duckdb"
    return store, import_events(ICEWS, "icews", store)


def test_icews_sample_imports_completely(icews_store):
    store, summary = icews_store
    assert (summary.events, summary.problem_count, summary.lines, summary.layout) == (3705, 0, 3706, "icews")
    assert rows(store, "SELECT count(*), count(DISTINCT event_id), min(line), max(line) FROM external_events") == [(3705, 3705, 2, 3706)]
    # what resolved to registry ids: by the actor's name where the registry knows it, else by its country
    assert (summary.source_resolved, summary.target_resolved) == (3620, 3521)
    by = dict(rows(store, "SELECT source_match, count(*) FROM external_events GROUP BY ALL"))
    assert by == {"name": 1275, "country": 2345, None: 85}
    first = rows(store, "SELECT source_id, source_name, target_id, cameo_code, plover, goldstein, quad_class, event_date::VARCHAR, "
                        "country, latitude, provenance FROM external_events WHERE line = 2")[0]
    assert first == ("BGD", "Foreign Affairs (Bangladesh)", "VNM", "040", "CONSULT", 1.0, 1, "2018-06-01", "VNM", 21.0245,
                     "ICEWS story 47400351, sentence 2")
    assert rows(store, "SELECT source_id FROM external_events WHERE source_name = 'Donald Trump' LIMIT 1") == [("USA.TRUMP",)]
    # the CAMEO code carries its PLOVER category from the codebook, and a mode where the code implies one
    assert rows(store, "SELECT DISTINCT plover, plover_mode FROM external_events WHERE cameo_code = '042'") == [("CONSULT", "visit")]
    assert rows(store, "SELECT count(*) FROM external_events WHERE plover IS NULL OR event_date IS NULL") == [(0,)]


def test_reimport_is_a_no_op(icews_store, tmp_path):
    store, _ = icews_store
    before = rows(store, "SELECT count(*), sum(hash(line)) FROM external_events")
    again = import_events(ICEWS, "icews", store)
    assert again.already_imported and again.events == 3705
    renamed = tmp_path / "same-bytes.tsv"
    shutil.copyfile(ICEWS, renamed)
    assert import_events(renamed, "icews", store).already_imported  # known by its bytes, not its name
    assert rows(store, "SELECT count(*), sum(hash(line)) FROM external_events") == before
    assert rows(store, "SELECT count(*) FROM external_files") == [(1,)]
    with pytest.raises(InteropError, match="not a POLECAT file"):
        import_events(ICEWS, "polecat", store)
    assert rows(store, "SELECT count(*) FROM external_events") == [(3705,)]


def test_malformed_rows_are_reported_by_line_and_good_rows_kept(tmp_path):
    store = tmp_path / "s.duckdb"
    path = FILES / "gdelt2-malformed.tsv"
    summary = import_events(path, "gdelt", store)
    assert summary.problems == [
        "tests/files/interop/gdelt2-malformed.tsv:2: bad date '20261345'",
        "tests/files/interop/gdelt2-malformed.tsv:4: wrong column count (40, expected 61)",
        "tests/files/interop/gdelt2-malformed.tsv:5: unknown CAMEO code '999'",
    ]
    assert summary.problem_count == 3 and summary.events == 3
    # line 6 is blank: neither an event nor a problem, but the lines after it keep their numbers
    assert rows(store, "SELECT line, event_id FROM external_events ORDER BY line") == [
        (1, "1203340001"), (3, "1203340003"), (7, "1203340005")]
    again = import_events(path, "gdelt", store)
    assert again.already_imported and again.problems == summary.problems  # still reported


def test_gdelt_layouts(tmp_path):
    store = tmp_path / "s.duckdb"
    two = import_events(FILES / "gdelt2-events.tsv", "gdelt", store)
    one = import_events(FILES / "gdelt1-events.tsv", "gdelt", store)
    assert (two.layout, two.events, one.layout, one.events) == ("gdelt2", 5, "gdelt1", 3)
    got = rows(store, "SELECT source_id, source_match, target_id, cameo_code, plover, plover_mode, quad_class, country "
                      "FROM external_events WHERE file_sha256 = ? ORDER BY line", [two.sha256])
    assert got[0] == ("RUS", "name", "UKR", "190", "ASSAULT", None, 4, "UKR")
    assert got[2] == ("FRA.MACRON", "name", "DEU", "042", "CONSULT", "visit", 1, "DEU")
    assert got[4][:2] == (None, None)  # "POLICE" of no country: kept, unresolved
    bad = tmp_path / "short.tsv"
    bad.write_text("1\t20260301\tRUS\n", encoding="utf-8")
    with pytest.raises(InteropError, match="3 tab-separated columns"):
        import_events(bad, "gdelt", store)


def test_polecat_tsv_and_json_lines(tmp_path):
    store = tmp_path / "s.duckdb"
    tsv = import_events(FILES / "polecat-events.tsv", "polecat", store)
    js = import_events(FILES / "polecat-events.jsonl", "polecat", store)
    assert (tsv.events, tsv.problem_count, js.events) == (4, 0, 4)
    assert js.problems == ["tests/files/interop/polecat-events.jsonl:3: unknown PLOVER event type 'SHRUG'",
                           "tests/files/interop/polecat-events.jsonl:4: not a JSON object"]
    for summary in (tsv, js):
        got = rows(store, "SELECT event_id, source_id, target_id, cameo_code, plover, plover_mode, goldstein, quad_class, provenance "
                          "FROM external_events WHERE file_sha256 = ? ORDER BY line", [summary.sha256])
        assert got[0] == ("20260301-0001-a", "RUS", "UKR", None, "ASSAULT", "aerial", -9.0, 4,
                          "POLECAT event 20260301-0001-a, story s-100")
        assert got[1][1] == "UN.GUTERRES"
        assert got[3][6:8] == (None, 1)  # no intensity given: none invented; QuadClass from the category


def test_blank_line_on_a_chunk_boundary(tmp_path, monkeypatch):
    monkeypatch.setattr(importer_module, "_CHUNK", 4)
    path = tmp_path / "x.tsv"
    path.write_bytes(b"abc\n\nde\r\n\r\nf\n")
    scan = importer_module._scan(path)
    assert (scan.blank_lines, scan.lines) == ([2, 4], 5)


def _store_with_our_events(path: Path) -> None:
    """A store holding two articles and three extracted events (written as the ingest would)."""
    con = connect(path)
    try:
        con.execute("""INSERT INTO articles VALUES
            ('a1', 'Strikes', 'Example Wire', 'https://example.org/1', DATE '2026-03-02', 'en', 'a1.txt', 'txt', 'x', 1, 1, NULL, NULL),
            ('a2', 'Talks', 'Example Daily', NULL, DATE '2026-03-03', 'en', 'a2.txt', 'txt', 'y', 1, 1, NULL, NULL)""").fetchall()
        con.execute("""INSERT INTO events VALUES
            ('a1', 0, 0, 10, 'RUS', 'UKR', '195', 'Employ aerial weapons', -10.0, 4, 'Russia struck Kyiv.', 0.9, 'r', NULL, DATE '2026-03-01', 'stated', 'ASSAULT'),
            ('a1', 1, 0, 10, 'UN.GUTERRES', NULL, '111', 'Criticize or denounce', -2.0, 3, 'Guterres condemned it.', 0.8, 'r', NULL, NULL, 'published', 'ACCUSE'),
            ('a2', 0, 0, 10, 'QAT', 'IRN', '043', 'Host a visit', 2.8, 1, 'Qatar hosted Iran.', 0.7, 'r', NULL, NULL, 'published', 'CONSULT')""").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("fmt", ["icews", "gdelt"])
def test_round_trip_keeps_every_event(fmt, tmp_path):
    store = tmp_path / "s.duckdb"
    _store_with_our_events(store)
    import_events(FILES / "gdelt2-events.tsv", "gdelt", store)
    import_events(FILES / "polecat-events.tsv", "polecat", store)  # PLOVER only: no CAMEO code, left out
    out = tmp_path / f"events.{fmt}"
    written = export_events(fmt, out, store)
    assert (written.events, written.left_out) == (3 + 5, 4)
    fresh = tmp_path / "fresh.duckdb"
    back = import_events(out, fmt, fresh)
    assert (back.events, back.problem_count) == (8, 0)
    key = "SELECT event_date::VARCHAR, cameo_code, plover, source_id, target_id, goldstein, quad_class FROM external_events"
    want = rows(store, "SELECT coalesce(e.event_date, a.published)::VARCHAR, e.code, e.plover, e.source, e.target, e.goldstein, e.quad_class "
                       "FROM events e JOIN articles a ON a.id = e.article_id") + rows(store, key + " WHERE origin = 'gdelt'")
    assert sorted(rows(fresh, key), key=repr) == sorted(want, key=repr)


def test_plover_csv_and_parquet_exports(tmp_path):
    store = tmp_path / "s.duckdb"
    _store_with_our_events(store)
    import_events(FILES / "polecat-events.tsv", "polecat", store)
    plover = tmp_path / "e.jsonl"
    assert export_events("plover", plover, store).events == 7
    records = [json.loads(line) for line in plover.read_text(encoding="utf-8").splitlines()]
    first = next(r for r in records if r["origin"] == "sitrep")
    assert (first["event"], first["mode"], first["date"], first["source"][0]["code"], first["cameo"]) == (
        "ASSAULT", "aerial", "2026-03-01", "RUS", "195")
    assert {r["origin"] for r in records} == {"sitrep", "polecat"}
    parquet = tmp_path / "e.parquet"
    assert export_events("parquet", parquet, store, selection="external").events == 4
    assert duckdb.sql(f"SELECT count(*), count(DISTINCT plover) FROM '{parquet}'").fetchall() == [(4, 4)]
    csv = tmp_path / "e.csv"
    export_events("csv", csv, store, selection="sitrep")
    assert csv.read_text(encoding="utf-8").splitlines()[0].startswith("origin,event_id,event_date,source_id")
    assert len(csv.read_text(encoding="utf-8").splitlines()) == 4


def test_cli_exit_codes(tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "s.duckdb")
    ok = runner.invoke(app, ["import-events", str(FILES / "gdelt2-events.tsv"), "--format", "gdelt", "--store", store])
    assert ok.exit_code == 0 and "5 events" in ok.stdout
    partial = runner.invoke(app, ["import-events", str(FILES / "gdelt2-malformed.tsv"), "--format", "gdelt", "--store", store])
    assert partial.exit_code == 3 and "gdelt2-malformed.tsv:4: wrong column count" in partial.stderr
    for args in (["import-events", str(tmp_path / "missing.tsv"), "--format", "gdelt"],
                 ["import-events", str(FILES / "gdelt2-events.tsv"), "--format", "acled"],
                 ["export-events", "--format", "parquet"],
                 ["export-events", "--format", "xml"]):
        failed = runner.invoke(app, [*args, "--store", store])
        assert failed.exit_code == 1 and len(failed.stderr.strip().splitlines()) == 1, args
        assert failed.stderr.startswith("sitrep: error: ")
    shown = runner.invoke(app, ["export-events", "--format", "plover", "--store", store])
    assert shown.exit_code == 0 and len(shown.stdout.splitlines()) == 8
    out = tmp_path / "e.tsv"
    written = runner.invoke(app, ["export-events", "--format", "icews", "--out", str(out), "--store", store])
    assert written.exit_code == 0 and out.read_text(encoding="utf-8").startswith("Event ID\tEvent Date\t")
