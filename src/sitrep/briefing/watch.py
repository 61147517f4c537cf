"""What to watch: warnings, threats and conditional statements, and the open
questions the coverage itself raises (thin sourcing, silent parties, unknown names)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pandas as pd

from sitrep.codes import THREAT_ROOTS
from sitrep.briefing.developments import act_phrase, basis_markup, developments, is_external
from sitrep.briefing.display import HTMLBlock, day_label, is_dated, table
from sitrep.briefing.positions import main_parties
from sitrep.briefing.selection import Briefing
from sitrep.briefing.wording import join_names

CONDITIONAL = re.compile(r"\b(could|would|might|may|if|unless|threaten(?:s|ed)? to|vow(?:s|ed)?|warn(?:s|ed)?|risk(?:s)?|"
                         r"retaliat\w*|response|respond|escalat\w*)\b", re.I)
PRINT_ITEMS = 6  # watch rows in the PDF
UNKNOWN_MIN = 2


def forward_items(b: Briefing, limit: int = 12) -> HTMLBlock:
    """Warnings, threats and conditional statements, newest first."""
    caption = "Warnings, threats and conditional statements"
    rows = []
    for _, r in b.statements[b.statements["stance"] == "warn"].iterrows():
        rows.append((r, "warning", b.label(r["speaker"])))
    for _, r in b.events[b.events["code"].map(lambda c: c.startswith(THREAT_ROOTS))].iterrows() if not b.events.empty else []:
        rows.append((r, "threat" if r["code"].startswith("13") else "force posture", b.label(r["source"])))
    for _, r in b.statements[b.statements["stance"] != "warn"].iterrows():
        if CONDITIONAL.search(r["text"]):
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
