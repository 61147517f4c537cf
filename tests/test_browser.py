"""The HTML reports as a reader's browser shows them (headless Chromium)."""

from __future__ import annotations

import re

import pytest

from browser import classes_of, render

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_corpus_overview_renders_without_console_errors(overview_report, tmp_path):
    shot = tmp_path / "overview.png"
    dom, console = render(overview_report.files["html"], tmp_path / "profile", screenshot=shot)
    assert console == []
    figures = classes_of(dom, "figure")
    assert figures and all("live" in c for c in figures), "charts were not drawn by vega-embed"
    assert "<svg" in dom  # vega drew the chart as SVG in the page
    for heading in ("Key figures", "Articles over time", "Outlets and languages", "Duplicates", "Articles"):
        assert f">{heading}<" in dom
    assert shot.stat().st_size > 20_000  # a real page, not a blank one


def test_briefing_renders_every_section_without_console_errors(briefing_report, tmp_path):
    shot = tmp_path / "briefing.png"
    dom, console = render(briefing_report.files["html"], tmp_path / "profile", screenshot=shot)
    assert console == []
    for section in ("bluf", "developments", "positions", "contacts", "trend", "statements", "watch", "sources"):
        assert re.search(rf'<section[^>]* id="{section}"', dom), f"section {section} not in the rendered page"
    figures = classes_of(dom, "figure")
    assert len(figures) >= 2 and all("live" in c for c in figures), "charts were not drawn by vega-embed"
    assert shot.stat().st_size > 20_000
