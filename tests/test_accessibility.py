"""An automated accessibility check of the HTML reports: axe-core (in headless
Chromium) finds no serious or critical violation."""

from __future__ import annotations

import pytest

from browser import axe_violations

pytestmark = [pytest.mark.slow, pytest.mark.browser]
BLOCKING = {"serious", "critical"}


def test_the_briefing_has_no_serious_accessibility_violation(briefing_report, tmp_path):
    violations = axe_violations(briefing_report.files["html"], tmp_path / "axe")
    print([(v["id"], v["impact"], len(v["nodes"])) for v in violations])
    assert [v for v in violations if v["impact"] in BLOCKING] == []


def test_the_corpus_overview_has_no_serious_accessibility_violation(overview_report, tmp_path):
    violations = axe_violations(overview_report.files["html"], tmp_path / "axe")
    assert [v for v in violations if v["impact"] in BLOCKING] == []


def test_the_check_finds_a_real_violation(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html><head><title>x</title></head><body><main><img src="x.png">'
                    '<p style="color:#eee;background:#fff">low contrast</p></main></body></html>', encoding="utf-8")
    ids = {v["id"]: v["impact"] for v in axe_violations(page, tmp_path / "axe")}
    assert ids.get("image-alt") == "critical" and ids.get("html-has-lang") == "serious"
