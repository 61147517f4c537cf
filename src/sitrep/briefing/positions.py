"""Who stands where and who talks to whom: the positions matrix, notable
attributed statements and the contacts (calls, meetings, visits, consultations)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from sitrep.codes import CONTACT_CODES
from sitrep.briefing.display import Chart, HTMLBlock, day_label, esc, is_dated, table
from sitrep.briefing.selection import ARTICLES, Briefing
from sitrep.briefing.wording import STANCE_ORDER, STANCE_WORDS

GENERAL = "(no named target)"
MAX_PARTIES = 5
MAX_ACTORS = 12
PRINT_ACTORS = 4  # rows of the positions matrix in the PDF
PRINT_STATEMENTS = 3  # statements quoted in the PDF
PRINT_CONTACTS = 15  # contact rows in the PDF (the HTML lists up to HTML_CONTACTS)
HTML_CONTACTS = 300


# a stance an external event record states by its CAMEO code (it has no sentence to read one from)
EXTERNAL_STANCES = {"111": "condemn", "112": "accuse", "0256": "call_ceasefire", "1056": "call_ceasefire",
                    "051": "support", "052": "support", "053": "support", "018": "condole"}
EXTERNAL_STANCE_ROOTS = {"11": "condemn", "13": "warn"}
EXTERNAL_PLOVER_STANCES = {"ACCUSE": "accuse", "THREATEN": "warn", "SUPPORT": "support"}


def external_stances(b: Briefing) -> pd.DataFrame:
    """Stances stated by external event records (``external_events`` on), read off their
    CAMEO code (or, for POLECAT, their PLOVER category): speaker, target, stance, origin,
    provenance, act, date and publisher. Empty when the option is off."""
    cols = ["speaker", "target", "stance", "origin", "provenance", "act", "published", "outlet"]
    x = b.external if b.external_on else pd.DataFrame()
    if x.empty:
        return pd.DataFrame(columns=cols)
    stance = [EXTERNAL_STANCES.get(c) or EXTERNAL_STANCE_ROOTS.get(c[:2]) if c else EXTERNAL_PLOVER_STANCES.get(p)
              for c, p in zip(x["code"], x["plover"])]
    x = x.assign(stance=stance, speaker=x["source"], act=x["label"])
    x = x[x["stance"].notna() & x["speaker"].notna()]
    return x[cols].reset_index(drop=True)


def main_parties(b: Briefing) -> list[str]:
    """The actors statements are most often aimed at (the columns of the matrix)."""
    targets = b.statements[b.statements["stance"] != "other"]["target"].dropna()
    if b.external_on:
        targets = pd.concat([targets, external_stances(b)["target"].dropna()])
    counts = targets.value_counts()
    return sorted(counts.index[:MAX_PARTIES], key=lambda a: (-counts[a], a))


def positions(b: Briefing) -> HTMLBlock:
    """Actor x main party: each stance taken toward that party, with evidence counts
    and links; "no stated position" where the actor said nothing about it."""
    s = b.statements[b.statements["stance"] != "other"]
    if b.external_on:  # external records' stances beside the statements (no sentence: origin and count)
        s = pd.concat([s.assign(origin=ARTICLES), external_stances(b)], ignore_index=True)
    if s.empty:
        msg = "No attributed stance (condemnation, support, call for ceasefire, warning …) in this window."
        return HTMLBlock(f'<p class="empty-section">{msg}</p>', msg)
    parties = main_parties(b)
    columns = parties + [GENERAL]
    speakers = s["speaker"].value_counts()
    ranked = sorted(speakers.index, key=lambda a: (-speakers[a], b.label(a)))
    rows_order, left_out = ranked[:MAX_ACTORS], ranked[MAX_ACTORS:]
    head = "".join(f'<th scope="col">{esc(b.label(p) if p != GENERAL else p)}</th>' for p in columns)
    body, text_rows = [], []
    for speaker in rows_order:
        mine = s[s["speaker"] == speaker]
        cells, text_cells = [], []
        for party in columns:
            subset = mine[mine["target"].isna()] if party == GENERAL else mine[mine["target"] == party]
            if subset.empty:
                cells.append('<td class="stance-none" title="no stated position">–<span class="visually-hidden">no stated position</span></td>')
                text_cells.append("-")
                continue
            parts, tparts = [], []
            for stance in STANCE_ORDER:
                hits = subset[subset["stance"] == stance]
                if hits.empty:
                    continue
                if "origin" in hits:
                    for origin, ext in hits[hits["origin"] != ARTICLES].groupby("origin"):
                        tip = f"{origin} event records, no sentence to cite: " + "; ".join(ext["provenance"].head(20))
                        parts.append(f'<span class="stance stance-{stance} external" title="{esc(tip)}">{esc(STANCE_WORDS[stance])} '
                                     f"×{len(ext)} ({esc(origin)} records)</span>")
                        tparts.append(f"{stance} x{len(ext)} ({origin} records)")
                    hits = hits[hits["origin"] == ARTICLES]
                    if hits.empty:
                        continue
                refs = sorted({b.citations.number(a, n) for a, n in zip(hits["article_id"], hits["sentence"])} - {None})
                links = b.cite_all(refs)
                parts.append(f'<span class="stance stance-{stance}">{esc(STANCE_WORDS[stance])} ×{len(refs) or len(hits)}</span> {links}')
                tparts.append(f"{stance} x{len(refs) or len(hits)}")
            cells.append("<td>" + "<br>".join(parts) + "</td>")
            text_cells.append(", ".join(tparts))
        row_class = ' class="screen-only"' if len(body) >= PRINT_ACTORS else ""
        body.append(f'<tr{row_class}><th scope="row">{esc(b.label(speaker))}</th>{"".join(cells)}</tr>')
        text_rows.append(f"{b.label(speaker)}: " + " | ".join(text_cells))
    markup = (f'<table class="sitrep-table positions long">'
              f"<caption>Stated positions toward the main parties (evidence count, links to the sentences)</caption>"
              f'<thead><tr><th scope="col">Actor</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
              '<p class="table-note">– = no stated position: the coverage records no statement by that actor about that party '
              "(not that it has none). Each stance is written out, never shown by colour alone."
              + (" A stance marked (ICEWS records), (GDELT records) or (POLECAT records) is read off the CAMEO code of "
                 "external event records (condemn, accuse, threaten, praise …), not from a sentence: hover for their "
                 "provenance. The others cite article sentences." if b.external_on else "")
              + (f" {len(left_out)} further actors with fewer statements: " + esc(", ".join(b.label(a) for a in left_out)) + "." if left_out else "")
              + "</p>"
              + (f'<p class="table-note print-only">The {PRINT_ACTORS} actors with the most statements are printed; the '
                 f"HTML edition shows all {len(body)}.</p>" if len(body) > PRINT_ACTORS else ""))
    return HTMLBlock(markup, "Positions\n" + "\n".join(text_rows))


def notable_statements(b: Briefing, limit: int = 12) -> HTMLBlock:
    """Attributed statements with a stance, the sentence quoted verbatim."""
    s = b.statements
    caption = "Notable attributed statements"
    if b.external_on:
        own = (table(s, caption=caption, empty="No attributed statement from an article in this window.") if s.empty
               else notable_statements(b.__class__(**{**b.__dict__, "params": b.params.model_copy(update={"external_events": False})}), limit))
        ext = _external_statements(b, limit)
        return HTMLBlock(own.markup + ext.markup, own.text + "\n" + ext.text)
    if s.empty:
        return table(s, caption=caption, empty="No attributed statement in this window.")
    s = s.assign(rank=s["stance"].map(lambda x: 1 if x == "other" else 0))
    s = s.sort_values(["rank", "published", "article_id", "sentence"], kind="stable")
    s = s.drop_duplicates(["article_id", "sentence", "speaker"])
    shown = s.head(limit)
    rows = []
    for _, r in shown.iterrows():
        ref = b.citations.number(r["article_id"], r["sentence"])
        rows.append({
            "date": day_label(r["published"]),
            "speaker": b.label(r["speaker"]), "target": b.label(r["target"]) if isinstance(r["target"], str) else "—",
            "stance": STANCE_WORDS[r["stance"]], "statement (verbatim sentence)": f"“{r['text']}”",
            "outlet": r["outlet"], "ref": b.cite(ref),
        })
    more = len(s) - len(shown)
    note = f"{more} further statements are in the evidence list." if more > 0 else None
    return table(pd.DataFrame(rows), caption=caption, html_columns=["ref"], note=note,
                 column_classes={"statement (verbatim sentence)": "wide"}, breakable=True,
                 print_rows=PRINT_STATEMENTS, more="statements")


def _external_statements(b: Briefing, limit: int) -> HTMLBlock:
    """Stances of external event records: no sentence to quote, the act as coded and its provenance."""
    x = external_stances(b)
    caption = "Stances recorded in external event files (coded records: no sentence to quote)"
    if x.empty:
        return table(x, caption=caption, empty="No external event record states a stance in this window.")
    x = x.sort_values(["published", "speaker", "provenance"], kind="stable").drop_duplicates(["speaker", "target", "stance", "published"])
    shown = x.head(limit)
    frame = pd.DataFrame({
        "date": [day_label(d) for d in shown["published"]], "speaker": [b.label(a) for a in shown["speaker"]],
        "target": [b.label(t) if isinstance(t, str) else "—" for t in shown["target"]],
        "stance": [STANCE_WORDS[st] for st in shown["stance"]], "act as coded": shown["act"],
        "rests on": [f"{o} record ({p})" for o, p in zip(shown["origin"], shown["outlet"])],
        "provenance": shown["provenance"]})
    more = len(x) - len(shown)
    return table(frame, caption=caption, column_classes={"provenance": "code"},
                 note="Read off the records' CAMEO codes; no sentence is quoted because the event files carry none."
                      + (f" {more} further records state a stance." if more > 0 else ""))


def _contacts(b: Briefing) -> pd.DataFrame:
    e = b.all_events()
    if e.empty:
        return e
    contact = e["code"].map(lambda c: c.startswith(CONTACT_CODES))
    if "plover" in e and b.external_on:  # a POLECAT record has no CAMEO code: its PLOVER category says it
        contact = contact | ((e["code"] == "") & (e["plover"] == "CONSULT"))
    return e[contact & e["source"].notna()]


def contacts_table(b: Briefing) -> HTMLBlock:
    """Who talked to whom, when, how, and whose account it is."""
    c = _contacts(b)
    caption = "Contacts: calls, meetings, visits and consultations"
    if c.empty:
        return table(pd.DataFrame(), caption=caption, empty="No call, meeting, visit or consultation reported in this window.")
    merged: dict[tuple, dict] = {}
    ext = b.external_on
    for _, r in c.iterrows():
        origin = r["origin"] if ext else ARTICLES
        external = origin != ARTICLES
        ref = None if external else b.citations.number(r["article_id"], r["sentence"])
        date = r["event_date"] if is_dated(r["event_date"]) else r["published"]
        date = date if is_dated(date) else None  # an undated article: no date to give
        pair = tuple(sorted(x for x in (r["source"], r["target"]) if isinstance(x, str)))
        readout = b.label(r["attributed_to"]) if isinstance(r["attributed_to"], str) else f"{r['outlet']} report"
        if external:
            readout = f"{r['outlet']} ({origin} record)"
        row = merged.setdefault((date, pair, r["code"][:3] or r.get("plover"), origin), {
            **({"rests on": origin if external else "articles"} if ext else {}),
            "date": day_label(date), "who": b.label(r["source"]),
            "with whom": b.label(r["target"]) if isinstance(r["target"], str) else "— (not named)",
            "contact": r["label"], "readouts": [], "refs": []})
        if readout not in row["readouts"]:
            row["readouts"].append(readout)
        if ref is not None and ref not in row["refs"]:
            row["refs"].append(ref)
        if external and r["provenance"] not in row["refs"]:
            row["refs"].append(r["provenance"])
    # only the rows the HTML lists get citation numbers (the evidence list holds what is shown)
    rows = [{**{k: v for k, v in row.items() if k not in ("readouts", "refs")},
             "readout / account": "; ".join(row["readouts"]),
             "ref": _refs(b, row["refs"]) if n < HTML_CONTACTS else ""} for n, row in enumerate(merged.values())]
    note = "A call reported from both sides is one contact; each side's account is listed."
    if ext:
        note += (" The column rests on: articles (the ref cites the sentence) or an external event file (ICEWS, GDELT, "
                 "POLECAT: a coded record with no sentence to cite; the ref gives its provenance).")
    return table(pd.DataFrame(rows), caption=caption, html_columns=["ref"], note=note,
                 print_rows=PRINT_CONTACTS, html_rows=HTML_CONTACTS, more="contacts")


def _refs(b: Briefing, refs: list, limit: int = 2) -> str:
    """Citation links for article sentences; the provenance of external records, as text."""
    numbers = sorted(x for x in refs if isinstance(x, int))
    named = [x for x in refs if isinstance(x, str)]
    out = b.cite_all(numbers)
    if named:
        more = len(named) - limit
        shown = "; ".join(named[:limit]) + (f"; and {more} more" if more > 0 else "")
        out += f'<span class="provenance" title="{esc("; ".join(named[:20]))}">[{esc(shown)}]</span>'
    return out


def contacts_chart(b: Briefing) -> Chart | HTMLBlock:
    """A who x with-whom matrix of contacts (count in each cell)."""
    c = _contacts(b)
    c = c[c["target"].notna()] if not c.empty else c
    if c.empty:
        msg = "No contact between two named actors, so no chart."
        return HTMLBlock(f'<p class="empty-section">{msg}</p>', msg)
    data = (c.assign(who=c["source"].map(b.label), with_whom=c["target"].map(b.label))
            .groupby(["who", "with_whom"]).size().reset_index(name="contacts"))
    base = alt.Chart(data).encode(
        x=alt.X("with_whom:N", title="With whom", axis=alt.Axis(labelAngle=-30, labelLimit=0)),
        y=alt.Y("who:N", title="Who", axis=alt.Axis(labelLimit=0)),
    )
    chart = (base.mark_rect(color="#0b4f8a", opacity=0.85)
             + base.mark_text(color="white", fontWeight="bold").encode(text="contacts:Q")
             ).properties(width=max(160, 70 * data["with_whom"].nunique()), height=max(60, 34 * data["who"].nunique()))
    pairs = len(data)
    return Chart(chart, caption=f"Contacts between named actors (CAMEO 04 consultations and related codes); unit: reported contacts; {pairs} pair{'s' if pairs != 1 else ''}.",
                 alt_text="Matrix of who contacted whom: " + "; ".join(f"{r.who} with {r.with_whom}: {r.contacts}" for r in data.itertuples()),
                 data=data.rename(columns={"with_whom": "with whom"}), in_print=False)
