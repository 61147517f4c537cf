"""Conflict and cooperation over time: daily event counts by QuadClass and the
daily Goldstein sum (CAMEO coding; Goldstein scale -10 conflict .. +10 cooperation)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from sitrep.briefing.display import Chart, HTMLBlock
from sitrep.briefing.selection import Briefing
from sitrep.briefing.wording import QUAD_NAMES

THIN_BIN = 3  # fewer events than this in a day: the day's figures are flagged as thin
# four lightness steps (grey values about 92%, 42%, 74%, 13%): the classes stay apart in grayscale print,
# the stacking order keeps light and dark bars next to each other, and bars have an outline
QUAD_COLOURS = {"Verbal cooperation": "#d9f0d3", "Material cooperation": "#2b8c3e", "Verbal conflict": "#fdae61",
                "Material conflict": "#67001f"}
ORIGIN_COLOURS = ["#555555", "#6a3d9a", "#e08214", "#1b7837"]


def daily(b: Briefing) -> pd.DataFrame:
    """Per event day: events per QuadClass, total, and Goldstein sum."""
    e = b.all_events()
    if e.empty:
        return pd.DataFrame(columns=["date", "quad", "quad_class", "events", "goldstein_sum"])
    e = e.assign(date=e["event_date"].where(e["event_date"].notna(), e["published"]))
    e = e[e["date"].notna()]
    e = e.assign(quad=e["quad_class"].astype(int), quad_class=e["quad_class"].map(QUAD_NAMES))
    out = e.groupby(["date", "quad", "quad_class"]).agg(events=("code", "size"), goldstein_sum=("goldstein", "sum")).reset_index()
    return out.sort_values(["date", "quad"]).reset_index(drop=True)


def daily_by_origin(b: Briefing) -> pd.DataFrame:
    """Per event day and origin ("articles", "ICEWS", "GDELT", "POLECAT"): events."""
    e = b.all_events()
    if e.empty or "origin" not in e:
        return pd.DataFrame(columns=["date", "origin", "events"])
    e = e.assign(date=e["event_date"].where(e["event_date"].notna(), e["published"]))
    e = e[e["date"].notna()]
    out = e.groupby(["date", "origin"]).size().reset_index(name="events")
    return out.sort_values(["date", "origin"]).reset_index(drop=True)


def trend_chart(b: Briefing) -> Chart | HTMLBlock:
    data = daily(b)
    if data.empty:
        msg = "No dated event in this window, so no trend to draw."
        return HTMLBlock(f'<p class="empty-section">{msg}</p>', msg)
    per_day = data.groupby("date").agg(events=("events", "sum"), goldstein_sum=("goldstein_sum", "sum")).reset_index()
    # every day of the span, those without a coded event too (an honest day axis)
    span = pd.date_range(min(per_day["date"]), max(per_day["date"]), freq="D").date
    per_day = (per_day.set_index("date").reindex(span, fill_value=0).rename_axis("date").reset_index())
    days = [d.isoformat() for d in span]
    thin = [d for d, n in zip(per_day["date"], per_day["events"]) if n < THIN_BIN]
    data = data.assign(day=data["date"].map(lambda d: d.isoformat())).drop(columns=["date"])
    per_day = per_day.assign(day=per_day["date"].map(lambda d: d.isoformat()),
                             thin=per_day["events"].map(lambda n: "thin (< %d events)" % THIN_BIN if n < THIN_BIN else "ok"))
    x = alt.X("day:O", title="Event date", scale=alt.Scale(domain=days),
              axis=alt.Axis(labelAngle=-45, labelOverlap="parity", labelLimit=0))
    bars = alt.Chart(data).mark_bar(stroke="#333333", strokeWidth=0.5).encode(
        x=x, y=alt.Y("events:Q", title="Events per day", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("quad_class:N", title="QuadClass", sort=list(QUAD_COLOURS),
                        scale=alt.Scale(domain=list(QUAD_COLOURS), range=list(QUAD_COLOURS.values())),
                        legend=alt.Legend(orient="bottom", direction="horizontal", labelLimit=0, columns=4)),
        order=alt.Order("quad:Q"),
        tooltip=["day:O", "quad_class:N", "events:Q"],
    ).properties(width=560, height=150, title="Events by QuadClass")
    line = alt.Chart(per_day.drop(columns=["date"])).mark_line(point=True, color="#333").encode(
        x=x, y=alt.Y("goldstein_sum:Q", title="Goldstein sum"),
        tooltip=["day:O", "goldstein_sum:Q", "events:Q", "thin:N"],
    ).properties(width=560, height=100, title="Goldstein sum per day (negative = conflict)")
    rule = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#888", strokeDash=[3, 3]).encode(y="y:Q")
    charts = [bars, line + rule]
    origin_note = ""
    if b.external_on:  # the same days split by what the events rest on
        by_origin = daily_by_origin(b)
        origins = sorted(by_origin["origin"].unique(), key=lambda o: (o != "articles", o))
        charts.append(alt.Chart(by_origin.assign(day=by_origin["date"].map(lambda d: d.isoformat())).drop(columns=["date"]))
                      .mark_bar().encode(
                          x=x, xOffset=alt.XOffset("origin:N", sort=origins),
                          y=alt.Y("events:Q", title="Events per day", axis=alt.Axis(tickMinStep=1)),
                          color=alt.Color("origin:N", title="Origin", sort=origins,
                                          scale=alt.Scale(domain=origins, range=ORIGIN_COLOURS[:len(origins)])),
                          tooltip=["day:O", "origin:N", "events:Q"],
                      ).properties(width=560, height=140, title="Events per day by origin (articles or external event file)"))
        counts = by_origin.groupby("origin")["events"].sum()
        origin_note = (" By origin: " + ", ".join(f"{o} {int(counts[o])}" for o in origins)
                       + " (articles: coded by sitrep from the sentences; ICEWS, GDELT, POLECAT: external event records).")
        per_origin = by_origin.pivot_table(index="date", columns="origin", values="events", fill_value=0)
        per_day = per_day.merge(per_origin.reset_index(), on="date", how="left")
        per_day[origins] = per_day[origins].fillna(0).astype(int)
    chart = alt.vconcat(*charts).resolve_scale(x="shared")
    if b.external_on:  # the origin bars have their own colours and legend
        chart = chart.resolve_scale(color="independent")
    thin_note = (f" Thin bins (fewer than {THIN_BIN} events): " + ", ".join(f"{d:%d %b}" for d in thin) + ".") if thin else ""
    coded = "CAMEO events coded by sitrep and external event records" if b.external_on else "CAMEO events coded by sitrep"
    caption = (f"Conflict and cooperation by event date, {coded}, Goldstein scale (-10 to +10). "
               f"Unit: events per day (bars) and the sum of their Goldstein values (line); "
               f"{int(per_day['events'].sum())} events over {len(per_day)} days, "
               f"{int(per_day['events'].min())}–{int(per_day['events'].max())} per day.{thin_note}{origin_note}")
    alt_text = _takeaway(data, per_day) + " By day: " + "; ".join(
        f"{r.day}: {r.events} events, Goldstein {r.goldstein_sum:+.1f}" for r in per_day.itertuples())
    extra = [c for c in per_day.columns if c not in ("day", "date", "events", "goldstein_sum", "thin")]
    table_data = per_day[["day", "events", "goldstein_sum", "thin", *extra]].rename(
        columns={"day": "date", "goldstein_sum": "Goldstein sum", "thin": "bin"})
    return Chart(chart, caption=caption, alt_text=alt_text, data=table_data)


def _takeaway(data: pd.DataFrame, per_day: pd.DataFrame) -> str:
    """What the chart shows, in one or two sentences (its alt text starts with it)."""
    busiest = per_day.loc[per_day["events"].idxmax()]
    lowest = per_day.loc[per_day["goldstein_sum"].idxmin()]
    shares = data.groupby("quad_class")["events"].sum()
    conflict = int(shares.get("Material conflict", 0)) + int(shares.get("Verbal conflict", 0))
    total = int(shares.sum())
    empty = int((per_day["events"] == 0).sum())
    return (f"Coded events peak on {busiest['day']} ({int(busiest['events'])}); the Goldstein sum is lowest on "
            f"{lowest['day']} ({lowest['goldstein_sum']:+.1f}); {conflict} of {total} events are conflict"
            + (f"; {empty} day{'s' if empty != 1 else ''} without a coded event." if empty else "."))
