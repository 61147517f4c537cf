"""One actor over time (notebooks/actor_profile.ipynb): what it did and said, to
and with whom, and where its stance toward a party changed.

Built on the briefing's selection with the actor as the only focus actor (for a
state, its people and bodies are included), so labels, confidence threshold and
numbered evidence are the same as in the briefing."""

from __future__ import annotations

import altair as alt
import pandas as pd

from sitrep.briefing.display import UNDATED, Chart, HTMLBlock, day_label, esc, header, is_dated, key_figures, table
from sitrep.briefing.selection import Briefing, in_focus, load_briefing
from sitrep.briefing.sources import window_label
from sitrep.briefing.wording import QUAD_NAMES, STANCE_WORDS, phrase
from sitrep.params import ActorProfileParams, BriefingParams


def load_profile(params: ActorProfileParams) -> Briefing:
    brief = BriefingParams(title=params.title, store=params.store, start=params.start, end=params.end,
                           focus_actors=[params.actor], min_confidence=params.min_confidence, formats=params.formats,
                           page_size=params.page_size, external_events=params.external_events)
    return load_briefing(brief)


def _mine(b: Briefing, column: pd.Series) -> pd.Series:
    return in_focus(column, b.params.focus_actors, b.actors)


def actor(b: Briefing) -> str:
    return b.params.focus_actors[0]


def profile_header(b: Briefing) -> HTMLBlock:
    who = b.label(actor(b))
    facts = [("Actor", f"{who} ({actor(b)})"), ("Coverage window", window_label(b)), ("Information cutoff", b.cutoff),
             ("Minimum confidence", f"{b.params.min_confidence:.2f}"), ("Store", b.params.store_label)]
    notices = []
    if b.events.empty and b.statements.empty:
        notices.append(f"No event or statement involving {who} in this window: there is nothing to profile.")
    return header(title=b.params.title, kicker="Actor profile", facts=facts, notices=notices, window=window_label(b))


def profile_figures(b: Briefing) -> HTMLBlock:
    e = b.all_events()
    did = e[_mine(b, e["source"])] if not e.empty else e
    got = e[_mine(b, e["target"])] if not e.empty else e
    return key_figures({
        "acts by the actor": len(did), "acts aimed at it": len(got), "statements": int(_mine(b, b.statements["speaker"]).sum()) if len(b.statements) else 0,
        "counterparts": len(set(did["target"].dropna()) | set(got["source"].dropna())) if len(e) else 0,
        "articles": int(pd.concat([did["article_id"], got["article_id"]]).nunique()) if len(e) else 0,
        **({"external records": int((e["origin"] != "articles").sum()) if len(e) else 0} if b.external_on else {}),
    })


def timeline(b: Briefing) -> HTMLBlock:
    """Every act by or toward the actor, by event date, with its evidence."""
    e = b.all_events()
    caption = "Actions and statements over time"
    if e.empty:
        return table(pd.DataFrame(), caption=caption, empty="No coded act by or toward this actor in this window.")
    rows = []
    order = ["event_date", "article_id", "sentence"] if not b.external_on else ["event_date", "origin", "source", "code"]
    for _, r in e.sort_values(order, kind="stable").iterrows():
        date = r["event_date"] if is_dated(r["event_date"]) else r["published"]
        external = b.external_on and r["origin"] != "articles"
        ref = None if external else b.citations.number(r["article_id"], r["sentence"])
        by_me = bool(_mine(b, pd.Series([r["source"]])).iloc[0])
        target = b.label(r["target"]) if isinstance(r["target"], str) else None
        rows.append({"date": day_label(date), "role": "acts" if by_me else "is the target",
                     "who": b.label(r["source"]), "act": phrase(r["code"], r["label"], target, r["evidence"]),
                     "CAMEO": r["code"], "QuadClass": QUAD_NAMES[int(r["quad_class"])],
                     **({"PLOVER": r["plover"], "rests on": r["origin"]} if b.external_on else {}),
                     "ref": esc(f"[{r['provenance']}]") if external else b.cite(ref)})
    frame = pd.DataFrame(rows).drop_duplicates(["date", "who", "act", "CAMEO"])
    return table(frame, caption=caption, html_columns=["ref"], column_classes={"act": "wide", "CAMEO": "code"})


def activity_chart(b: Briefing) -> Chart | HTMLBlock:
    e = b.all_events()
    if e.empty:
        msg = "No coded act in this window, so no chart."
        return HTMLBlock(f'<p class="empty-section">{msg}</p>', msg)
    e = e.assign(day=[d.isoformat() if is_dated(d) else p.isoformat() if is_dated(p) else UNDATED
                      for d, p in zip(e["event_date"], e["published"])],
                 role=["acts" if m else "is the target" for m in _mine(b, e["source"])],
                 quad=e["quad_class"].map(lambda q: QUAD_NAMES[int(q)]))
    data = e.groupby(["day", "role", "quad"]).size().reset_index(name="events")
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("day:O", title="Event date", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("events:Q", title="Events", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("quad:N", title="QuadClass", sort=list(QUAD_NAMES.values()),
                        scale=alt.Scale(domain=list(QUAD_NAMES.values()), range=["#1a7f5a", "#0b4f8a", "#c77c02", "#b3261e"])),
        row=alt.Row("role:N", title=None), tooltip=["day:O", "role:N", "quad:N", "events:Q"],
    ).properties(width=520, height=110)
    return Chart(chart, caption=f"Events by and toward {b.label(actor(b))} per event day, by CAMEO QuadClass; unit: events; {int(data['events'].sum())} events.",
                 alt_text="Events per day: " + "; ".join(f"{r.day} {r.role} {r.quad}: {r.events}" for r in data.itertuples()), data=data)


def counterparts(b: Briefing) -> HTMLBlock:
    e = b.all_events()
    caption = "Counterparts: acts in each direction and their Goldstein sum"
    if e.empty:
        return table(pd.DataFrame(), caption=caption, empty="No counterpart in this window.")
    mine_src, mine_tgt = _mine(b, e["source"]), _mine(b, e["target"])
    out = pd.concat([
        e[mine_src & e["target"].notna() & ~mine_tgt].assign(counterpart=lambda x: x["target"], direction="to"),
        e[mine_tgt & e["source"].notna() & ~mine_src].assign(counterpart=lambda x: x["source"], direction="from"),
    ])
    if out.empty:
        return table(pd.DataFrame(), caption=caption, empty="No named counterpart in this window.")
    rows = []
    for cp, group in out.groupby("counterpart"):
        to, fr = group[group["direction"] == "to"], group[group["direction"] == "from"]
        rows.append({"counterpart": b.label(cp), "acts toward it": len(to), "Goldstein sum (toward)": round(to["goldstein"].sum(), 1),
                     "acts from it": len(fr), "Goldstein sum (from)": round(fr["goldstein"].sum(), 1)})
    frame = pd.DataFrame(rows).sort_values(["acts toward it", "acts from it", "counterpart"], ascending=[False, False, True])
    return table(frame, caption=caption)


def stance_changes(b: Briefing) -> HTMLBlock:
    """Stances toward each party in date order; a change from the previous one is marked."""
    s = b.statements
    s = s[_mine(b, s["speaker"]) & (s["stance"] != "other")] if not s.empty else s
    caption = "Stances over time, by party addressed"
    if s.empty:
        return table(pd.DataFrame(), caption=caption, empty="No stated stance in this window.")
    rows = []
    for target, group in s.assign(party=s["target"].fillna("")).groupby("party", sort=True):
        previous = None
        for _, r in group.sort_values(["published", "article_id", "sentence"]).iterrows():
            ref = b.citations.number(r["article_id"], r["sentence"])
            change = "first stated" if previous is None else ("changed from " + STANCE_WORDS[previous] if r["stance"] != previous else "unchanged")
            rows.append({"toward": b.label(target) if target else "(no named target)", "date": day_label(r["published"]),
                         "speaker": b.label(r["speaker"]), "stance": STANCE_WORDS[r["stance"]], "change": change,
                         "ref": b.cite(ref)})
            previous = r["stance"]
    return table(pd.DataFrame(rows), caption=caption, html_columns=["ref"])


def evidence(b: Briefing) -> HTMLBlock:
    from sitrep.briefing.sources import evidence_list

    return evidence_list(b)
