"""Hardening of the render side (issue 16): byte-identical PDFs whichever font
subsetter runs, the manifest records what shapes the bytes and verify names what
moved, timeouts that hold in any thread, quiet success, no path escape, and no
parameter value that can run code."""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sitrep.cli import app
from sitrep.config import PROJ_ROOT
from sitrep.params import ParameterError
from sitrep.render.build import BuildError, build, plain_value, report_lock
from sitrep.render.environment import FONTTOOLS, HB_SUBSET, hb_subset_available
from sitrep.render.execute import CellTimeout
from sitrep.render.manifest import describe_changes, describe_font_differences, source_date_epoch

from conftest import FILES

FIXTURE = FILES / "fixture.ipynb"
BEHAVIOUR = FILES / "behaviour.ipynb"


def _notebook(path: Path, parameters: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell(parameters)
    first.metadata["tags"] = ["parameters"]
    nb.cells = [first] + [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


# --- 1. byte-identical PDFs, whichever subsetter --------------------------------------------------
BUILD_IN_A_PROCESS = """
import sys
from pathlib import Path
from sitrep.render.build import build
build(Path(sys.argv[1]), {"formats": ["pdf"]}, out_dir=Path(sys.argv[2]), name="same")
"""


def _build_in_new_process(out: Path, subsetter: str) -> Path:
    env = dict(os.environ, SITREP_FONT_SUBSETTER=subsetter)
    run = subprocess.run([sys.executable, "-c", BUILD_IN_A_PROCESS, str(FIXTURE), str(out)], cwd=PROJ_ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return out / "same"


def _font_dates(pdf: Path) -> set[int]:
    """head.modified of every font embedded in ``pdf``."""
    import io

    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    dates = set()
    for page in PdfReader(str(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts") or [font]:
                descriptor = descendant.get_object().get("/FontDescriptor")
                stream = descriptor.get_object().get("/FontFile2") if descriptor else None
                if stream is not None:
                    dates.add(TTFont(io.BytesIO(stream.get_object().get_data()))["head"].modified)
    return dates


@pytest.mark.slow
@pytest.mark.parametrize("subsetter", ["fonttools", "harfbuzz-subset"])
def test_pdf_is_byte_identical_from_two_processes_a_second_apart(tmp_path, subsetter):
    if subsetter == "harfbuzz-subset" and not hb_subset_available():
        pytest.skip("libharfbuzz-subset is not installed here (CI installs it with Chromium)")
    first = _build_in_new_process(tmp_path / "one", subsetter)
    time.sleep(1.2)  # fontTools stamps the time in whole seconds
    second = _build_in_new_process(tmp_path / "two", subsetter)
    assert (first / "same.pdf").read_bytes() == (second / "same.pdf").read_bytes()
    manifest = json.loads((first / "manifest.json").read_text())
    expected = FONTTOOLS if subsetter == "fonttools" else HB_SUBSET
    assert manifest["pdf"]["font_subsetter"] == expected
    assert manifest["inputs"]["environment"]["system"]["font_subsetter"] == expected
    if subsetter == "fonttools":  # the fonts carry the inputs' date, not the build's
        from fontTools.misc.timeTools import timestampSinceEpoch

        assert _font_dates(first / "same.pdf") == {timestampSinceEpoch(manifest["pdf"]["source_date_epoch"])}


def test_source_date_epoch_comes_from_the_inputs():
    class P:
        end = dt.date(2026, 3, 9)

    class NoWindow:
        end = None

    assert source_date_epoch(P(), {}) == int(dt.datetime(2026, 3, 9, tzinfo=dt.timezone.utc).timestamp())
    assert source_date_epoch(NoWindow(), {"store": {"newest_article": "2026-03-12"}}) == \
        int(dt.datetime(2026, 3, 12, tzinfo=dt.timezone.utc).timestamp())
    assert source_date_epoch(NoWindow(), {}) == 0


@pytest.mark.slow
def test_manifest_records_system_libraries_and_the_fonts_used(tmp_path):
    import hashlib

    result = build(FIXTURE, {"formats": ["pdf"]}, out_dir=tmp_path)
    manifest = json.loads(result.files["manifest"].read_text())
    system = manifest["system"]
    for lib in ("pango", "harfbuzz", "fontconfig"):
        assert system[lib][0].isdigit() and system[lib].count(".") == 2, (lib, system[lib])
    assert system["harfbuzz_subset"] in ("available", "not available")
    assert manifest["inputs"]["environment"]["system"] == system  # part of the cache key
    assert manifest["packages"]["weasyprint"] != "not installed" and "fonttools" in manifest["packages"]
    fonts = manifest["pdf"]["fonts"]
    assert fonts and all(f["family"] and f["sha256"] for f in fonts)
    for font in fonts:  # each file named holds exactly the bytes recorded
        assert font["file"] and hashlib.sha256(Path(font["file"]).read_bytes()).hexdigest() == font["sha256"]


def test_describe_changes_names_package_library_font_article_code_and_earlier_articles():
    old = {"notebook": "a", "code": "c1", "reference": {"data/reference/actors.yaml": "r1"},
           "articles": {"data/raw/articles/x.md": "1", "data/raw/articles/y.md": "2"},
           "store": {"before_window": {"files": 3, "news_days": 2, "sha256": "s1"}, "actors": "a1"},
           "environment": {"packages": {"weasyprint": "70.0"},
                           "system": {"pango": "1.50.12", "harfbuzz_subset": "available", "font_subsetter": HB_SUBSET}}}
    new = json.loads(json.dumps(old))
    new["code"] = "c2"
    new["articles"]["data/raw/articles/x.md"] = "changed"
    new["articles"]["data/raw/articles/z.md"] = "3"
    new["store"]["before_window"] = {"files": 4, "news_days": 3, "sha256": "s2"}
    new["environment"]["packages"]["weasyprint"] = "71.0"
    new["environment"]["system"].update(pango="1.52.0", harfbuzz_subset="not available", font_subsetter=FONTTOOLS)
    changes = describe_changes(old, new, notebook="notebooks/briefing.ipynb")
    assert "code: the sitrep package source changed" in changes
    assert "article data/raw/articles/x.md changed" in changes and "article data/raw/articles/z.md added" in changes
    assert "package weasyprint 70.0 -> 71.0" in changes
    assert "system library pango 1.50.12 -> 1.52.0" in changes
    assert "system library harfbuzz-subset available -> not available" in changes
    assert f"font subsetter {HB_SUBSET} -> {FONTTOOLS}" in changes
    assert any(c.startswith("articles dated before the window") and "3 -> 4 files" in c for c in changes)
    assert not any("y.md" in c or "reference" in c or "notebook" in c for c in changes)  # unchanged ones are not named
    font = {"family": "DejaVu Sans", "style": "normal", "weight": 700, "sha256": "f1", "file": "/f/DejaVuSans-Bold.ttf"}
    assert describe_font_differences([font], [font | {"sha256": "f2"}]) == ["font DejaVu Sans bold (DejaVuSans-Bold.ttf) changed"]
    assert describe_font_differences([font], [font]) == []
    older = {k: v for k, v in old.items() if k not in ("environment", "store")}  # a manifest from before this record
    assert describe_changes(older, old) == [
        "digests of the store beyond the window were not recorded (built by an older sitrep)",
        "package and system library versions were not recorded (built by an older sitrep)"]


@pytest.mark.slow
def test_verify_names_the_package_and_the_font_that_changed(tmp_path):
    runner = CliRunner()
    out = tmp_path / "reports"
    assert runner.invoke(app, ["build", str(FIXTURE), "--out", str(out)]).exit_code == 0
    folder = out / "fixture"
    manifest = json.loads((folder / "manifest.json").read_text())
    # pretend the report was built with another WeasyPrint and another font file
    manifest["inputs"]["environment"]["packages"]["weasyprint"] = "0.1"
    manifest["pdf"]["fonts"][0]["sha256"] = "0" * 64
    manifest["outputs"]["pdf"]["sha256"] = "1" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = runner.invoke(app, ["verify", str(folder)])
    assert result.exit_code == 1
    assert "pdf       DIFFERENT" in result.output and "html      identical" in result.output
    assert "package weasyprint 0.1 -> " in result.output
    assert f"font {manifest['pdf']['fonts'][0]['family']}" in result.output and "changed" in result.output


# --- 3. timeouts in any thread -------------------------------------------------------------------
def _in_a_thread(fn):
    """Run ``fn`` in a worker thread (where no signal arrives, as under Dask)."""
    box = {}

    def run():
        t0 = time.monotonic()
        try:
            box["result"] = fn()
        except BaseException as err:  # noqa: BLE001
            box["error"] = err
        box["seconds"] = time.monotonic() - t0

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "the build did not stop"
    return box


def _kernel_files() -> set[str]:
    import tempfile

    return {p.name for p in Path(tempfile.gettempdir()).glob(f"sitrep-kernel-{os.getpid()}-*")}


@pytest.mark.slow
def test_a_hanging_cell_is_stopped_in_a_worker_thread_with_an_error_naming_it(tmp_path):
    before = _kernel_files()
    box = _in_a_thread(lambda: build(BEHAVIOUR, {"sleep": 120, "formats": ["html"]}, out_dir=tmp_path, name="slow", timeout=6))
    err = box.get("error")
    assert isinstance(err, CellTimeout), box
    assert "cell 3 (`time.sleep(sleep)`) timed out after 6 s" in str(err)
    assert box["seconds"] < 20
    assert not (tmp_path / "slow").exists()
    assert _kernel_files() <= before  # the kernel's sockets went with it


@pytest.mark.slow
def test_a_cell_that_ignores_interrupts_is_killed_by_the_watchdog(tmp_path):
    nb = _notebook(tmp_path / "stubborn.ipynb", "pause = 120\nformats = [\"html\"]",
                   "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(pause)")
    box = _in_a_thread(lambda: build(nb, {"formats": ["html"]}, out_dir=tmp_path / "out", timeout=5))
    err = box.get("error")
    assert isinstance(err, CellTimeout), box
    assert "cell 2" in str(err) and "timed out after 5 s" in str(err)
    assert box["seconds"] < 25  # deadline + the watchdog's grace, not the cell's 120 s


# --- 4. quiet success ----------------------------------------------------------------------------
@pytest.mark.slow
def test_kernel_shutdown_sends_no_interrupt(tmp_path, monkeypatch):
    """jupyter_client interrupts (SIGINT) a kernel before asking it to shut down; the
    kernel then logged 'KeyboardInterrupt caught in kernel' after good builds."""
    import signal as sig

    from jupyter_client.manager import KernelManager

    sent = []
    original = KernelManager._async_signal_kernel

    async def spy(self, signum):
        sent.append(signum)
        return await original(self, signum)

    monkeypatch.setattr(KernelManager, "_async_signal_kernel", spy)
    build(FIXTURE, {"formats": ["html"]}, out_dir=tmp_path)
    assert sig.SIGINT not in sent


@pytest.mark.slow
def test_a_successful_build_and_verify_print_no_error_line(tmp_path):
    sitrep = [sys.executable, "-m", "sitrep.cli"]
    out = tmp_path / "reports"
    for cmd in (["build", str(FIXTURE), "--out", str(out)], ["verify", str(out / "fixture")],
                ["build", str(FIXTURE), "--out", str(out)]):
        run = subprocess.run(sitrep + cmd, cwd=PROJ_ROOT, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        assert "ERROR" not in run.stderr and "KeyboardInterrupt" not in run.stderr, run.stderr


# --- 6. no path escape, no code from parameters ---------------------------------------------------
@pytest.mark.parametrize("name", ["../escape", "/tmp/abs", ".hidden", "a/b", "..", "x\ny", ""])
def test_report_names_cannot_leave_the_reports_folder(tmp_path, name):
    with pytest.raises(BuildError, match="report name"):
        build(FIXTURE, {"formats": ["html"]}, out_dir=tmp_path / "out", name=name or "\x00")
    assert not (tmp_path / "escape").exists() and not (tmp_path / "out" / "a").exists()


@pytest.mark.slow
def test_symlinks_in_the_reports_folder_are_refused_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "precious.txt"
    victim.write_text("keep me")
    out = tmp_path / "reports"
    out.mkdir()
    # the report folder itself
    (out / "fixture").symlink_to(outside, target_is_directory=True)
    with pytest.raises(BuildError, match="symbolic link"):
        build(FIXTURE, {"formats": ["html"]}, out_dir=out)
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]
    (out / "fixture").unlink()
    # a lock file pointing at a file elsewhere is not truncated
    (out / ".locks" / "fixture.lock").unlink()  # the real one the refused build used
    (out / ".locks" / "fixture.lock").symlink_to(victim)
    with pytest.raises(BuildError, match="symbolic link"):
        build(FIXTURE, {"formats": ["html"]}, out_dir=out)
    assert victim.read_text() == "keep me"
    (out / ".locks" / "fixture.lock").unlink()
    # the failed-notebook folder
    (out / ".failed").symlink_to(outside, target_is_directory=True)
    with pytest.raises(BuildError, match="symbolic link"):
        build(FIXTURE, {"fail": True, "formats": ["html"]}, out_dir=out)
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]
    # the locks folder
    (out / ".failed").unlink()
    import shutil

    shutil.rmtree(out / ".locks")
    (out / ".locks").symlink_to(outside, target_is_directory=True)
    with pytest.raises(BuildError, match="symbolic link"):
        build(FIXTURE, {"formats": ["html"]}, out_dir=out)
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]


HOSTILE = [
    'x"; __import__("os").system("touch PWNED"); "',
    "x'''; __import__('pathlib').Path('PWNED').touch(); '''",
    'line one\nimport os; os.system("touch PWNED")\n',
    "back\\slash\\\"; __import__('os')",
    "\u2028\u2029\x00\x1b[31m $(touch PWNED) `touch PWNED` {{7*7}} %run evil.py !touch PWNED",
]


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12))
def test_any_parameter_value_is_injected_as_a_literal(value):
    """What papermill writes into the notebook for a value sitrep accepts parses back
    as a literal equal to the value: no call, no name, nothing that runs."""
    from papermill.translators import PythonTranslator

    source = PythonTranslator.codify({"value": plain_value(value)})
    tree = ast.parse(source)
    assigns = [n for n in tree.body if isinstance(n, ast.Assign)]
    assert len(assigns) == 1 and not any(isinstance(n, (ast.Call, ast.Name, ast.Attribute)) for n in ast.walk(assigns[0].value))
    assert ast.literal_eval(assigns[0].value) == plain_value(value)


@pytest.mark.parametrize("value", [b'x"; __import__("os").system("id"); "', {'a"+__import__("os").getcwd()+"'}, object(),
                                   [1, {2}], {1: "non-string key"}, float("inf"), [float("nan")]])
def test_values_papermill_would_paste_raw_are_refused(value):
    with pytest.raises(ParameterError, match="parameter 'p'"):
        plain_value(value, "p")


@pytest.mark.slow
def test_hostile_strings_stay_strings_in_a_real_build(tmp_path):
    nb = _notebook(tmp_path / "echo.ipynb", 'text = ""\nitems = []\nformats = ["html"]',
                   "import json\nprint(json.dumps({'text': text, 'items': items, 'types': [type(text).__name__, type(items).__name__]}))")
    result = build(nb, {"text": HOSTILE[0], "items": HOSTILE}, out_dir=tmp_path / "out")
    executed = nbformat.read(result.files["ipynb"], as_version=4)
    printed = json.loads(executed.cells[-1].outputs[0]["text"])
    assert printed == {"text": HOSTILE[0], "items": HOSTILE, "types": ["str", "list"]}
    assert not (PROJ_ROOT / "PWNED").exists() and not (tmp_path / "PWNED").exists()


def test_the_lock_says_who_holds_it(tmp_path):
    messages = []
    with report_lock(tmp_path, "x"):
        holder = subprocess.Popen([sys.executable, "-c", (
            "import sys\nfrom pathlib import Path\nfrom sitrep.render.build import report_lock\n"
            f"with report_lock(Path({str(tmp_path)!r}), 'x', on_wait=lambda m: print(m, flush=True)): print('got it')")],
            cwd=PROJ_ROOT, stdout=subprocess.PIPE, text=True)
        first = holder.stdout.readline()
        messages.append(first)
    rest = holder.communicate(timeout=60)[0]
    assert "waiting for another build of 'x'" in first and f"(process {os.getpid()})" in first
    assert "got it" in rest
