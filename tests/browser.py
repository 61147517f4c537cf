"""Headless Chromium for tests: the DOM after scripts ran, console messages, a screenshot."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-logging=stderr", "--v=0", "--virtual-time-budget=8000",
]


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        if os.environ.get("SITREP_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (SITREP_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("Chromium not installed (apt-get install chromium; .ci/run does it)")
    return exe


def render(page: Path, profile: Path, screenshot: Path | None = None) -> tuple[str, list[str]]:
    """(DOM after scripts ran, console messages) of ``page`` opened from disk."""
    exe = chromium()
    args = [exe, *FLAGS, f"--user-data-dir={profile}"]
    url = page.resolve().as_uri()
    dom = subprocess.run([*args, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    console = [ln for ln in dom.stderr.splitlines() if ":CONSOLE" in ln]
    if screenshot is not None:
        subprocess.run([*args, "--window-size=1280,2000", f"--screenshot={screenshot}", url],
                       capture_output=True, text=True, timeout=120, check=True)
    return dom.stdout, console


def classes_of(dom: str, tag: str) -> list[str]:
    return re.findall(rf'<{tag}[^>]*class="([^"]*)"', dom)


AXE_RUNNER = """
<script>
axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
  var out = document.createElement("pre");
  out.id = "axe-results";
  out.textContent = JSON.stringify(r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) { return n.target.join(" "); })};
  }));
  document.body.appendChild(out);
});
</script>
"""


def axe_violations(page: Path, work: Path) -> list[dict]:
    """axe-core's violations on ``page`` (a copy with axe injected), in headless Chromium."""
    import json
    from importlib.resources import files

    axe = files("axe_core_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    work.mkdir(parents=True, exist_ok=True)
    copy = work / page.name
    html = page.read_text(encoding="utf-8")
    copy.write_text(html.replace("</body>", f"<script>{axe}</script>{AXE_RUNNER}</body>"), encoding="utf-8")
    dom, _ = render(copy, work / "profile")
    found = re.search(r'<pre id="axe-results">(.*?)</pre>', dom, re.S)
    assert found, "axe-core did not report (the page did not finish loading)"
    import html as htmlmod

    return json.loads(htmlmod.unescape(found.group(1)))
