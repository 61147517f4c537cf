"""How tables, charts, key figures and the report header appear in a notebook.

Each helper returns an object Jupyter displays (``_repr_html_`` and a plain-text
fallback). The HTML is deterministic: no random ids, so reports rebuild to the
same bytes and nbval can compare outputs. Charts carry three forms: the Vega-Lite
spec (rendered interactively in the HTML report by the inlined vega-embed), a
static SVG image (shown in the PDF and without JavaScript) and a data table
fallback for screen readers.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Iterable, Mapping, Sequence

import altair as alt
import pandas as pd

VEGALITE_MIME = "application/vnd.vegalite.v5+json"
LONG_TABLE_ROWS = 6  # longer tables may break across pages (their header repeats)


UNDATED = "undated"


def is_dated(value) -> bool:
    """Whether ``value`` is a date (not None, NaN or NaT: an undated article)."""
    return value is not None and value is not pd.NaT and not (isinstance(value, float) and pd.isna(value))


def day_label(value, fmt: str = "%d %b %Y", missing: str = UNDATED) -> str:
    """A date as text, or ``missing`` for an undated record (never a strftime on NaT)."""
    return format(value, fmt) if is_dated(value) else missing


def esc(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return "—"
    return html.escape(str(value), quote=True)


class HTMLBlock:
    """A piece of HTML with a plain-text twin (for nbval and text front ends)."""

    def __init__(self, markup: str, text: str):
        self.markup, self.text = markup, text

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.text


def table(frame: pd.DataFrame, *, caption: str, note: str | None = None, numeric: Iterable[str] = (),
          html_columns: Iterable[str] = (), empty: str = "No rows.",
          column_classes: Mapping[str, str] | None = None, breakable: bool = False,
          print_rows: int | None = None, html_rows: int | None = None, more: str = "rows") -> HTMLBlock:
    """A readable table: a caption, right-aligned numbers, no index.

    ``html_columns`` hold trusted markup (links built by sitrep); every other cell is
    escaped. ``column_classes`` styles columns: ``wide`` (prose), ``code`` (ids),
    ``path`` (file names). In print a table stays on one page unless it is long
    (more than LONG_TABLE_ROWS rows) or ``breakable`` (rows of prose that may not
    fit a page): those break between rows and repeat their header.

    ``print_rows`` keeps the PDF short: later rows are on screen only (the HTML), and
    the print says how many; ``html_rows`` bounds the HTML too (a big store), saying
    how many rows are left out. ``more`` names what the rows are ("articles").
    """
    column_classes = dict(column_classes or {})
    numeric = set(numeric) | {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])}
    html_columns = set(html_columns)
    if frame.empty:
        markup = f'<p class="empty-table"><strong>{esc(caption)}:</strong> {esc(empty)}</p>'
        return HTMLBlock(markup, f"{caption}: {empty}")
    num_class = ' class="num"'
    head = "".join(f'<th scope="col"{num_class if c in numeric else ""}>{esc(c)}</th>' for c in frame.columns)
    total = len(frame)
    if html_rows is not None and total > html_rows:
        frame = frame.head(html_rows)
    rows = []
    for n, record in enumerate(frame.itertuples(index=False)):
        cells = []
        for col, value in zip(frame.columns, record):
            kind = "num" if col in numeric else column_classes.get(col)
            cls = f' class="{kind}"' if kind else ""
            shown = value if col in html_columns else esc(_fmt(value))
            cells.append(f"<td{cls}>{shown}</td>")
        screen_only = print_rows is not None and n >= print_rows
        rows.append(('<tr class="screen-only">' if screen_only else "<tr>") + "".join(cells) + "</tr>")
    printed = len(frame) if print_rows is None else min(print_rows, len(frame))
    size = " long" if breakable or printed > LONG_TABLE_ROWS else ""
    markup = (
        f'<table class="sitrep-table{size}"><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    if printed < len(frame):
        markup += (f'<p class="table-note print-only">{printed} of {total:,} {esc(more)} printed; the HTML edition '
                   f"lists {len(frame):,}.</p>")
    if len(frame) < total:
        markup += (f'<p class="table-note">{total - len(frame):,} more {esc(more)} are not listed here '
                   "(the store holds them all).</p>")
    if note:
        markup += f'<p class="table-note">{esc(note)}</p>'
    text = f"{caption}\n" + frame.to_string(index=False, max_rows=40)
    if len(frame) < total:
        text += f"\n({total - len(frame):,} more {more} not listed)"
    return HTMLBlock(markup, text)


def _fmt(value):
    if isinstance(value, float):
        if pd.isna(value):
            return None
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return value


def key_figures(figures: Mapping[str, object], *, label: str = "Key figures") -> HTMLBlock:
    """A row of headline numbers."""
    items = "".join(
        f'<li><span class="value">{esc(_fmt(v))}</span><span class="label">{esc(k)}</span></li>' for k, v in figures.items()
    )
    markup = f'<ul class="kpis" aria-label="{esc(label)}">{items}</ul>'
    text = " | ".join(f"{k}: {_fmt(v)}" for k, v in figures.items())
    return HTMLBlock(markup, text)


CHART_FONT = "DejaVu Sans"


class Chart:
    """An altair chart with a caption, alt text, a static image and a data table."""

    def __init__(self, chart: alt.TopLevelMixin, *, caption: str, alt_text: str, data: pd.DataFrame | None = None,
                 in_print: bool = True):
        self.chart, self.caption, self.alt_text, self.data = chart, caption, alt_text, data
        self.in_print = in_print  # False: on screen only (a table beside it says the same in print)
        self.spec = chart.to_dict()
        # measured and drawn in the font the PDF prints (WeasyPrint draws the SVG's text with it): labels fit
        self.spec.setdefault("config", {}).setdefault("font", CHART_FONT)
        self.spec_json = json.dumps(self.spec, sort_keys=True, separators=(",", ":"))
        self.chart_id = "chart-" + hashlib.sha256(self.spec_json.encode()).hexdigest()[:12]

    def svg(self) -> str:
        import vl_convert

        return vl_convert.vegalite_to_svg(self.spec)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/html": self.html(),
            VEGALITE_MIME: self.spec,
            "text/plain": f"Chart: {self.caption}",
        }

    def html(self) -> str:
        svg = self.svg().encode("utf-8")
        img = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        fallback = ""
        if self.data is not None and not self.data.empty:
            fallback = (
                "<details><summary>Data behind this chart</summary>"
                + table(self.data, caption=self.caption).markup
                + "</details>"
            )
        spec = self.spec_json.replace("</", "<\\/")
        return (
            f'<figure class="sitrep-chart{"" if self.in_print else " screen-only"}" id="{self.chart_id}">'
            f'<div class="chart-interactive" id="{self.chart_id}-vis" role="img" aria-label="{esc(self.alt_text)}"></div>'
            f'<div class="chart-static"><img src="{img}" alt="{esc(self.alt_text)}"></div>'
            f'<script type="application/vnd.sitrep.vegalite+json" data-target="{self.chart_id}-vis">{spec}</script>'
            f"<figcaption>{esc(self.caption)}</figcaption>{fallback}</figure>"
        )


def header(*, title: str, kicker: str, facts: Sequence[tuple[str, str]], notices: Sequence[str] = (), window: str = "") -> HTMLBlock:
    """The report header: kicker, title, a definition list of facts, and notices."""
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    notes = "".join(f'<p class="notice" role="note">{esc(n)}</p>' for n in notices)
    markup = (
        f'<header class="report-header"><p class="kicker">{esc(kicker)}</p>'
        f'<h1 class="report-title">{esc(title)}</h1>'
        f'<p class="report-window">{esc(window)}</p>'
        f"<dl>{rows}</dl>{notes}</header>"
    )
    text = f"{title}\n" + "\n".join(f"{k}: {v}" for k, v in facts) + ("\n" + "\n".join(notices) if notices else "")
    return HTMLBlock(markup, text)
