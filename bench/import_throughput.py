"""Import throughput: a generated GDELT 2.0 events file through `sitrep import-events`,
beside DuckDB's bare read_csv of the same file, in the same run.

    .venv/bin/python bench/import_throughput.py [ROWS]      # default 1,000,000

Writes ROWS GDELT-format lines (61 tab-separated columns, varied actors, CAMEO codes,
dates and places; about 1 in 10,000 lines malformed) into a temporary folder, then
runs each contender in a child process of its own and reports wall time, rows per
second and the child's peak resident memory (``os.wait4`` rusage, ``ru_maxrss``):

- ``read_csv count``: ``SELECT count(*)`` over read_csv with the 61 explicit columns;
- ``read_csv -> table``: the same read stored whole into a new DuckDB file;
- ``sitrep import``: :func:`sitrep.interop.import_events` into a new store (staging,
  validation, actor resolution, line numbers, one transaction).

Target (issue 14): at least 200,000 rows/s and a peak under 1 GB for the import.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sitrep.interop.formats import GDELT2_COLUMNS  # noqa: E402

ACTORS = [("RUS", "RUSSIA"), ("UKR", "UKRAINE"), ("USA", "UNITED STATES"), ("IRN", "IRAN"), ("ISR", "ISRAEL"),
          ("CHN", "CHINA"), ("FRA", "FRANCE"), ("DEU", "GERMANY"), ("IND", "INDIA"), ("PAK", "PAKISTAN"),
          ("", "POLICE"), ("", "PROTESTER"), ("SDN", "SUDAN"), ("TUR", "TURKEY"), ("", "REBEL")]
CODES = ["010", "020", "036", "040", "042", "043", "046", "057", "061", "071", "111", "112", "120", "130", "138",
         "141", "145", "163", "173", "180", "190", "193", "195", "0231", "1123", "1723"]
PLACES = ["Kyiv, Kyyiv, Misto, Ukraine", "Moscow, Moskva, Russia", "Washington, District of Columbia, United States",
          "Tehran, Tehran, Iran", "Gaza, Gaza, Israel", "Khartoum, Khartoum, Sudan", "Ukraine", "Beijing, Beijing, China"]


def generate(path: Path, rows: int) -> None:
    """ROWS GDELT 2.0 lines, written by DuckDB (fast, deterministic)."""
    import duckdb

    def pick(options: list[str], salt: int) -> str:
        items = ", ".join("'" + o.replace("'", "''") + "'" for o in options)
        return f"[{items}][1 + ((i * {salt}) % {len(options)})]"

    n = len(GDELT2_COLUMNS)
    exprs = dict.fromkeys(GDELT2_COLUMNS, "''")
    exprs.update({
        "GlobalEventID": "(1100000000 + i)::VARCHAR",
        "Day": "strftime(DATE '2026-03-01' + (i % 28)::INTEGER, '%Y%m%d')",
        "MonthYear": "'202603'", "Year": "'2026'", "FractionDate": "'2026.1700'",
        "Actor1Code": pick([a for a, _ in ACTORS], 7), "Actor1Name": pick([b for _, b in ACTORS], 7),
        "Actor1CountryCode": pick([a for a, _ in ACTORS], 7),
        "Actor2Code": pick([a for a, _ in ACTORS], 11), "Actor2Name": pick([b for _, b in ACTORS], 11),
        "Actor2CountryCode": pick([a for a, _ in ACTORS], 11),
        "IsRootEvent": "'1'", "EventCode": pick(CODES, 13), "EventBaseCode": f"left({pick(CODES, 13)}, 3)",
        "EventRootCode": f"left({pick(CODES, 13)}, 2)", "QuadClass": "(1 + i % 4)::VARCHAR",
        "GoldsteinScale": "'-2.0'", "NumMentions": "'4'", "NumSources": "'1'", "NumArticles": "'4'",
        "AvgTone": "'-3.14159265358979'", "ActionGeo_Type": "'4'", "ActionGeo_FullName": pick(PLACES, 17),
        "ActionGeo_CountryCode": "'UP'", "ActionGeo_ADM1Code": "'UP12'", "ActionGeo_Lat": "'50.4333'",
        "ActionGeo_Long": "'30.5167'", "ActionGeo_FeatureID": "'-1044367'",
        "DATEADDED": "'20260301143000'",
        "SOURCEURL": "'https://news.example.org/2026/03/' || i::VARCHAR || '/story-about-the-events-of-the-day.html'",
    })
    # about one line in 10,000 is malformed: a bad date
    exprs["Day"] = f"CASE WHEN i % 10007 = 5 THEN '2026-99-99' ELSE {exprs['Day']} END"
    select = ", ".join(f"{e} AS c{k}" for k, e in enumerate(exprs.values()))
    assert len(exprs) == n
    con = duckdb.connect()
    con.execute(f"COPY (SELECT {select} FROM range({rows}) t(i) ORDER BY i) TO '{path}' "
                "(FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', NULL '')")
    con.close()


CHILDREN = {
    "read_csv count": """
import duckdb, sys
from sitrep.interop.formats import GDELT2_COLUMNS
cols = '{' + ', '.join(f"'{c}': 'VARCHAR'" for c in GDELT2_COLUMNS) + '}'
con = duckdb.connect()
con.execute('SET enable_progress_bar = false')
print(con.execute(f"SELECT count(*) FROM read_csv('{sys.argv[1]}', columns={cols}, delim='\\t', header=false, quote='', escape='', auto_detect=false)").fetchall()[0][0])
""",
    "read_csv -> table": """
import duckdb, sys
from sitrep.interop.formats import GDELT2_COLUMNS
cols = '{' + ', '.join(f"'{c}': 'VARCHAR'" for c in GDELT2_COLUMNS) + '}'
con = duckdb.connect(sys.argv[2])
con.execute('SET enable_progress_bar = false')
con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{sys.argv[1]}', columns={cols}, delim='\\t', header=false, quote='', escape='', auto_detect=false)")
print(con.execute("SELECT count(*) FROM t").fetchall()[0][0])
con.close()
""",
    "sitrep import": """
import sys
from sitrep.interop import import_events
s = import_events(sys.argv[1], 'gdelt', sys.argv[2])
print(s.events, s.problem_count)
""",
}


def run_child(code: str, *args: str) -> tuple[float, int, str]:
    """(seconds, peak RSS in bytes, stdout) of one child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({proc.returncode}): {err.strip().splitlines()[-1] if err.strip() else ''}")
    return seconds, usage.ru_maxrss * 1024, out.strip()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-") as tmp:
        data = Path(tmp) / "gdelt-events.tsv"
        t0 = time.perf_counter()
        # in a child: DuckDB's memory in this process would count in every later child's
        # ru_maxrss (a forked child starts with its parent's resident pages)
        run_child(f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
                  f"from import_throughput import generate; from pathlib import Path; generate(Path({str(data)!r}), {rows})")
        size = data.stat().st_size
        print(f"generated {rows:,} GDELT 2.0 rows, {size / 1e6:.0f} MB, in {time.perf_counter() - t0:.1f} s "
              f"({os.cpu_count()} CPUs)")
        baseline = run_child("print('ok')")
        print(f"{'':22}{'seconds':>9}{'rows/s':>12}{'peak RSS':>11}   output")
        print(f"{'python alone':22}{baseline[0]:9.2f}{'':>12}{baseline[1] / 2**20:8.0f} MB")
        for name, code in CHILDREN.items():
            seconds, peak, out = run_child(code, str(data), str(Path(tmp) / f"{name.split()[0]}-{len(name)}.duckdb"))
            print(f"{name:22}{seconds:9.2f}{rows / seconds:12,.0f}{peak / 2**20:8.0f} MB   {out}")
        print("target for sitrep import: >= 200,000 rows/s, peak < 1024 MB")


if __name__ == "__main__":
    main()
