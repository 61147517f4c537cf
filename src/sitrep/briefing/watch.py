"""What to watch: watch items (an observable indicator, a horizon and a likelihood,
scored by later editions), the warnings, threats and conditional statements they
come from, and the open questions the coverage itself raises (thin sourcing, silent
parties, unknown names)."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re

import pandas as pd

from sitrep.codes import FORCE_ROOTS, THREAT_ROOTS
from sitrep.briefing.developments import act_phrase, basis_markup, developments, is_external
from sitrep.briefing.display import HTMLBlock, day_label, is_dated, table
from sitrep.briefing.positions import main_parties
from sitrep.briefing.selection import Briefing, in_focus
from sitrep.briefing.wording import join_names
from sitrep.editions import WatchItem

CONDITIONAL = re.compile(r"\b(could|would|might|may|if|unless|threaten(?:s|ed)? to|vow(?:s|ed)?|warn(?:s|ed)?|risk(?:s)?|"
                         r"retaliat\w*|response|respond|escalat\w*)\b", re.I)
PRINT_ITEMS = 4  # watch rows in the PDF
HORIZON_DAYS = 7  # a watch item is checked this many days after the edition's window end
MAX_WATCH = 8
UNKNOWN_MIN = 2


def forward_items(b: Briefing, limit: int = 12) -> HTMLBlock:
    """Warnings, threats and conditional statements, newest first."""
    caption = "Warnings, threats and conditional statements"
    rows = []

    def newest(frame: pd.DataFrame) -> pd.DataFrame:
        """The newest rows that can make the list (a year of news holds thousands)."""
        if frame.empty:
            return frame
        order = frame.assign(_d=frame["published"].map(lambda d: d if is_dated(d) else dt.date.min))
        return order.sort_values(["_d", "article_id", "sentence"], ascending=False, kind="stable").head(limit * 4)

    for _, r in newest(b.statements[b.statements["stance"] == "warn"]).iterrows():
        rows.append((r, "warning", b.label(r["speaker"])))
    threats = b.events[b.events["code"].map(lambda c: c.startswith(THREAT_ROOTS))] if not b.events.empty else b.events
    for _, r in newest(threats).iterrows():
        rows.append((r, "threat" if r["code"].startswith("13") else "force posture", b.label(r["source"])))
    others = b.statements[b.statements["stance"] != "warn"] if not b.statements.empty else b.statements
    if not others.empty:
        others = others[others["text"].map(lambda t: bool(CONDITIONAL.search(t)))]
    for _, r in newest(others).iterrows():
        rows.append((r, "conditional", b.label(r["speaker"])))
    out, seen = [], set()
    for r, kind, who in sorted(rows, key=_newest_first, reverse=True):
        key = (r["article_id"], r["sentence"])
        if key in seen:
            continue
        seen.add(key)
        ref = b.citations.number(r["article_id"], r["sentence"])
        text = r["text"] if "text" in r and isinstance(r.get("text"), str) else r["evidence"]
        out.append({"date": day_label(r["published"]), "who": who, "kind": kind, "what was said (verbatim)": f"“{text}”",
                    "ref": b.cite(ref)})
    if b.external_on and not b.external.empty:  # threats and force posture in external records: no sentence to quote
        x = b.external[b.external["code"].map(lambda c: c.startswith(THREAT_ROOTS))]
        x = x.sort_values(["event_date", "source", "provenance"], ascending=[False, True, True], kind="stable")
        x = x.drop_duplicates(["event_date", "source", "target", "code"])
        for _, r in x.head(max(limit - len(out[:limit]), limit // 2)).iterrows():
            target = b.label(r["target"]) if isinstance(r["target"], str) else "—"
            out.append({"date": day_label(r["event_date"]), "who": b.label(r["source"]),
                        "kind": ("threat" if r["code"].startswith("13") else "force posture") + f" ({r['origin']} record)",
                        "what was said (verbatim)": f"— no sentence: coded “{r['label']}” toward {target}",
                        "ref": f'<span class="provenance">[{html.escape(r["provenance"])}]</span>'})
        limit = len(out)
    frame = pd.DataFrame(out[:limit])
    return table(frame, caption=caption, html_columns=["ref"], empty="No warning, threat or conditional statement in this window.",
                 column_classes={"what was said (verbatim)": "wide"}, breakable=True, print_rows=PRINT_ITEMS, more="items")


def _newest_first(item) -> tuple:
    """Sort key (used reversed): dated records newest first, undated ones last."""
    r = item[0]
    day = r["published"]
    return (is_dated(day), day if is_dated(day) else dt.date.min, r["article_id"], r["sentence"])


def open_questions(b: Briefing) -> HTMLBlock:
    """Questions the coverage raises, each with what prompts it."""
    items: list[tuple[str, str]] = []
    if b.nothing:
        msg = "No article in this window, so no open question can be drawn from coverage."
        return HTMLBlock(f'<p class="empty-section">{msg}</p>', msg)
    devs = developments(b)
    top = devs[devs["single_source"]].head(3) if not devs.empty else devs
    for _, d in top.iterrows():
        who = join_names([b.label(x) for x in d["sources"]])
        refs = b.cite_all(d["refs"])
        act = act_phrase(b, d)
        only = "Only one independent source reports it."
        if is_external(d):
            refs = basis_markup(b, d)[0]
            only = f"Only {d['origin']} event records from one publisher report it (no sentence to cite)."
        items.append((f"Is it confirmed that {html.escape(who)} {html.escape(act)} ({d['date']:%d %b}, CAMEO {d['code']})? "
                      f"{only} {refs}", f"single-source: {who} {act}"))
    speakers = set(b.statements["speaker"])
    if b.external_on:
        from sitrep.briefing.positions import external_stances

        speakers |= set(external_stances(b)["speaker"])
    killed = set(b.events.loc[b.events["code"].str.startswith("186"), "target"].dropna()) if not b.events.empty else set()
    for party in main_parties(b):
        # the dead and the former holders of an office make no statements: no question to ask
        if party not in speakers and party not in killed and not b.label(party).lower().count("former"):
            items.append((f"Where does {html.escape(b.label(party))} itself stand? Others address it, but the coverage "
                          "records no statement of its own in this window.", f"silent party: {party}"))
    figures = b.figures
    if not figures.empty:
        for (kind, day), group in figures[figures["day"].map(is_dated)].groupby(["kind", "day"]):
            if group["value"].nunique() > 1:
                items.append((f"How many were {kind} as of {day:%d %b %Y}? Sources give {', '.join(f'{v:,}' for v in sorted(group['value'].unique()))}.",
                              f"figures disagree: {kind} {day}"))
    if not b.unknown.empty:
        counts = b.unknown.groupby("name")["count"].sum().sort_values(ascending=False)
        frequent = [n for n, c in counts.items() if c >= UNKNOWN_MIN][:5]
        if frequent:
            items.append(("Who are " + html.escape(join_names(frequent)) + "? They are named repeatedly but are not in the actor "
                          "registry, so nothing they did is coded.", "unknown actors: " + ", ".join(frequent)))
    if not items:
        return HTMLBlock('<p class="empty-section">The coverage raises no open question that sitrep can detect.</p>', "none")
    markup = '<ul class="questions">' + "".join(f"<li>{m}</li>" for m, _ in items) + "</ul>"
    return HTMLBlock(markup, "\n".join(f"- {t}" for _, t in items))


def watch_items(b: Briefing) -> list[WatchItem]:
    """Watch items from this window's threats and shows of force (CAMEO 13, 15): "an act
    of force by X against Y is reported by <horizon>", with a likelihood by a stated
    rule (the ICD 203 term): likely when X (or a person or body of X) used force against
    Y in the window, roughly even chance when X used force against anyone else,
    unlikely otherwise."""
    made = b.params.end or b.last_day
    if made is None or b.empty:
        return []
    horizon = made + dt.timedelta(days=HORIZON_DAYS)
    e = b.events
    force = e[e["code"].map(lambda c: c.startswith(FORCE_ROOTS))] if not e.empty else e
    pairs: dict[tuple[str, str | None], None] = {}
    if not e.empty:  # threats and shows of force: will the actor act on them?
        threats = e[e["code"].map(lambda c: c.startswith(THREAT_ROOTS)) & e["source"].notna()]
        for r in threats.sort_values(["published", "article_id", "sentence"], ascending=[False, True, True], kind="stable").itertuples():
            pairs.setdefault((r.source, r.target if isinstance(r.target, str) else None), None)
    # a person or body threatens for its state: the indicator is an act of force by the state (or any of its bodies)
    country = {a: c for a, c in zip(b.actors["id"], b.actors["country"]) if isinstance(c, str)} if len(b.actors) else {}
    states: dict[tuple[str, str | None], str] = {}
    for actor, target in pairs:
        state = country.get(actor) or actor
        states.setdefault((state, country.get(target) or target if target else None), actor)
    pairs = states
    items = []
    for actor, target in list(pairs)[:MAX_WATCH]:
        # the actor, or a person or body of it (a state's forces act for the state)
        own = force[in_focus(force["source"], [actor], b.actors)] if not force.empty else force
        if target is not None and not own.empty and in_focus(own["target"], [target], b.actors).any():
            likelihood, basis = "likely", f"{b.label(actor)} used force against {b.label(target)} in this window"
        elif target is None and not own.empty:
            likelihood, basis = "likely", f"{b.label(actor)} used force in this window"
        elif not own.empty:
            likelihood, basis = "roughly even chance", f"{b.label(actor)} used force in this window, not against this target"
        else:
            likelihood, basis = "unlikely", f"no act of force by {b.label(actor)} is coded in this window"
        toward = f" against {b.label(target)}" if target else ""
        who = b.label(actor) + (f" (threat by {b.label(pairs[(actor, target)])})" if pairs[(actor, target)] != actor else "")
        indicator = f"an act of force (CAMEO 18–20) by {who}{toward} is reported"
        key = f"{b.params.series_id}|{actor}|{target}|{made}"
        items.append(WatchItem(id=hashlib.sha256(key.encode()).hexdigest()[:10], indicator=indicator, actor=actor,
                               target=target, codes=list(FORCE_ROOTS), made=made, horizon=horizon,
                               likelihood=likelihood, basis=basis))
    return items


def watch_list(b: Briefing) -> HTMLBlock:
    """The watch items: indicator, horizon, likelihood (ICD 203 words) and its rule."""
    items = watch_items(b)
    caption = "Watch items (automated; checked by the next editions of this series)"
    if not items:
        return table(pd.DataFrame(), caption=caption, empty="No threat or warning in this window to watch.")
    frame = pd.DataFrame([{"watch for": f"{i.indicator} by {i.horizon:%d %b %Y}", "likelihood": i.likelihood,
                           "why (rule)": i.basis, "id": i.id} for i in items])
    return table(frame, caption=caption, column_classes={"watch for": "wide", "id": "code"}, print_rows=PRINT_ITEMS,
                 more="watch items",
                 note="Likelihood terms are those of the ICD 203 scale (legend under the BLUF). The next edition of the "
                      "series reports whether each item happened, did not, or stays unclear, and keeps the tally by term.")
