"""Developments: coded events merged across outlets, ranked by salience; the BLUF,
the day-by-day key developments and the reported figures.

A **development** is one act on one day: events with the same event date, source
actor and CAMEO code are merged, whatever outlet reported them, and keep every
target and every citation. Its **independent sources** count outlets, with a
syndicated copy (near-duplicate) counted as the article it repeats.

**Salience** (0-1) ranks developments for the bottom line up front::

    salience = 0.45 * severity + 0.20 * sources + 0.20 * focus + 0.15 * recency

- severity: |Goldstein| / 10 of the code; calls for a ceasefire or de-escalation
  (CAMEO 0256, 1056, 0871) count at least 0.4, since in a war they carry more
  weight than their Goldstein value (a mild verbal act) says;
- sources: independent sources, saturating at 3 (1/3, 2/3, 1);
- focus: 1 when a focus actor (or a person or body of a focus state) is source or
  target, or when no focus is set; else 0;
- recency: 1 on the window's last day, falling linearly to 0 on its first.

The BLUF takes the most salient bullets but at most three of material conflict
(QuadClass 4), so that the diplomatic response to the fighting is not crowded out.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from sitrep.codes import CEASEFIRE_CODES, FORCE_ROOTS
from sitrep.briefing.display import HTMLBlock, day_label, is_dated, table
from sitrep.briefing.judgment import direction_bullet, scale_legend
from sitrep.briefing.selection import ARTICLES, Briefing, in_focus
from sitrep.briefing.wording import join_names, phrase

WEIGHTS = {"severity": 0.45, "sources": 0.20, "focus": 0.20, "recency": 0.15}
MAX_FORCE_BULLETS = 2  # the BLUF keeps room for the diplomatic response to the fighting
BASIS_RANK = {"stated": 0, "relative": 1, "context": 2, "published": 3}




def _specific(codes) -> str:
    """The most specific of a set of codes ("195" over the generic "190")."""
    return sorted(codes, key=lambda c: (c.endswith("0") and len(c) == 3, -len(c), c))[0]


def developments(b: Briefing) -> pd.DataFrame:
    """One row per development, most salient first (ties: date, then source);
    computed once per briefing (several sections read it)."""
    if "developments" not in b.memo:
        b.memo["developments"] = _developments(b)
    return b.memo["developments"].copy()


def _developments(b: Briefing) -> pd.DataFrame:
    """One row per development, most salient first (ties: date, then source).

    Events are merged when they are the same act on the same day: same source and
    code (for force, the same CAMEO root: "190" and "195" from the same source on
    the same day are one attack, coded by its most specific code); then acts that
    differ only by their source ("the United States and Israel struck Iran") are
    one line with both sources."""
    e = b.all_events()
    ext = b.external_on  # external records beside extracted events: a line rests on one origin only
    cols = ["date", "sources", "code", "label", "targets", "goldstein", "quad_class", "refs", "outlets", "independent",
            "single_source", "date_basis", "evidence", "salience", "rules"] + (["origin", "plover", "provenance", "records"] if ext else [])
    if e.empty:
        return pd.DataFrame(columns=cols)
    independent = dict(zip(b.articles["id"], b.articles["independent"]))
    if b.params.focus_actors:
        actors = b.actors
        focus = in_focus(e["source"], b.params.focus_actors, actors) | in_focus(e["target"], b.params.focus_actors, actors)
        if ext:  # external records were kept for the focus already (through Registry.affiliation)
            focus = focus | (e["origin"] != ARTICLES)
    else:
        focus = pd.Series(True, index=e.index)
    e = e.assign(focus=focus, date=e["event_date"].where(e["event_date"].notna(), e["published"]),
                 act=[c[:2] if c[:2] in FORCE_ROOTS else c for c in e["code"]])
    e = e[e["date"].notna() & e["source"].notna()]
    if e.empty:
        return pd.DataFrame(columns=cols)
    first, last = min(e["date"]), max(e["date"])
    span = max((last - first).days, 1)
    has_rule = "rule" in e.columns
    # plain records, grouped in Python: a year of news has tens of thousands of events, and a
    # DataFrame per group would cost more than the grouping itself
    groups: dict[tuple, list[dict]] = {}
    for rec in e.to_dict("records"):
        key = (rec["date"], rec["source"], rec["act"]) + ((rec["origin"],) if ext else ())
        groups.setdefault(key, []).append(rec)
    acts = []
    for keys in sorted(groups):
        group = groups[keys]
        date, source = keys[0], keys[1]
        code = _specific({r["code"] for r in group})
        main = next(r for r in group if r["code"] == code)
        acts.append({"date": date, "source": source, "code": code, "label": main["label"], "goldstein": float(main["goldstein"]),
                     "quad_class": int(main["quad_class"]), "evidence": main["evidence"],
                     "targets": tuple(dict.fromkeys(r["target"] for r in group if isinstance(r["target"], str))),
                     "origin": keys[3] if ext else None, "plover": main.get("plover"), "rows": group})
    merged: dict[tuple, dict] = {}
    for act in acts:
        key = (act["date"], act["code"], act["targets"], act["origin"])
        if key in merged:
            merged[key]["sources"].append(act["source"])
            merged[key]["rows"] = merged[key]["rows"] + act["rows"]
        else:
            merged[key] = {**act, "sources": [act["source"]]}
    rows = []
    for act in merged.values():
        group = act.pop("rows")
        own = [r for r in group if isinstance(r.get("article_id"), str)]
        refs = sorted({b.citations.number(r["article_id"], r["sentence"]) for r in own} - {None} | _antecedents(b, own))
        indep = {independent.get(r["article_id"]) for r in own}
        if ext and act["origin"] != ARTICLES:  # an external record: its publisher is its source
            indep = {f"{act['origin']}:{r['outlet']}" for r in group}
        severity = abs(act["goldstein"]) / 10
        if act["code"] in CEASEFIRE_CODES:
            severity = max(severity, 0.4)
        recency = 1 - (last - act["date"]).days / span if last != first else 1.0
        salience = (WEIGHTS["severity"] * severity + WEIGHTS["sources"] * min(len(indep), 3) / 3
                    + WEIGHTS["focus"] * float(any(r["focus"] for r in group)) + WEIGHTS["recency"] * recency)
        extra = {}
        if ext:
            extra = {"origin": act["origin"], "plover": act["plover"] if isinstance(act["plover"], str) else "",
                     "provenance": list(dict.fromkeys(r["provenance"] for r in group if isinstance(r["provenance"], str))),
                     "records": len(group)}
        rows.append({
            **{k: act[k] for k in ("date", "sources", "code", "label", "goldstein", "quad_class", "evidence")},
            "targets": list(act["targets"]), "refs": refs, "outlets": sorted({r["outlet"] for r in group}),
            "independent": len(indep), "single_source": len(indep) == 1,
            "date_basis": min((r["date_basis"] for r in group), key=lambda x: BASIS_RANK.get(x, 9)),
            "salience": round(salience, 4),
            "rules": sorted({str(r["rule"]) for r in group if isinstance(r.get("rule"), str)}) if has_rule else [],
            **extra,
        })
    out = pd.DataFrame(rows, columns=cols)
    out["first_source"] = out["sources"].map(lambda s: s[0])
    out = out.sort_values(["salience", "date", "first_source", "code"], ascending=[False, True, True, True], kind="stable")
    return out.drop(columns=["first_source"]).reset_index(drop=True)


def _antecedents(b: Briefing, own: list[dict]) -> set:
    """For acts whose own sentence does not name the actor ("he was killed in the
    strikes", the attacker read from the article), the sentence of the same article
    that names that actor doing an act of the same kind, so that the line's citations
    state who did it. Such a sentence is numbered among the evidence too."""
    unnamed = [r for r in own if "source_named" in r and not r["source_named"]]
    if not unnamed:
        return set()
    if "named_acts" not in b.memo:  # (article, source) -> [(sentence, code)] of acts whose sentence names the source
        named: dict[tuple, list] = {}
        e = b.events
        if "source_named" in e:
            for a, src, sent, code in e.loc[e["source_named"].astype(bool), ["article_id", "source", "sentence", "code"]].itertuples(index=False):
                named.setdefault((a, src), []).append((int(sent), code))
        b.memo["named_acts"] = {k: sorted(v) for k, v in named.items()}
    out = set()
    for r in unnamed:
        root = r["code"][:2]
        for sentence, code in b.memo["named_acts"].get((r["article_id"], r["source"]), []):
            if code[:2] == root or (root in FORCE_ROOTS and code[:2] in FORCE_ROOTS):
                number = b.citations.number(r["article_id"], sentence)
                if number is not None:
                    out.add(number)
                break
    return out


def is_external(d) -> bool:
    """Whether a development rests on external event records (no sentence to cite)."""
    return isinstance(d.get("origin"), str) and d["origin"] != ARTICLES


def basis_markup(b: Briefing, d, limit: int = 3) -> tuple[str, str]:
    """(HTML, text) of what a development rests on: citation links to article sentences,
    or, for an external record, its origin and provenance ("ICEWS story 47400351, sentence 2")."""
    if not is_external(d):
        refs = b.cite_all(d["refs"])
        return refs, b.cite_text(d["refs"])
    shown = d["provenance"][:limit]
    more = len(d["provenance"]) - len(shown)
    text = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    tip = "External event record: no sentence to cite. " + "; ".join(d["provenance"][:20])
    return (f'<span class="provenance" title="{html.escape(tip, quote=True)}">[{html.escape(text)}]</span>',
            f"[{text}]")


def act_phrase(b: Briefing, d) -> str:
    """A development's act as a phrase: "condemned Israel and the United States"."""
    if list(d["targets"]) == ["each other"]:
        return phrase(d["code"], d["label"], "each other", d["evidence"])
    targets = join_names([b.label(t) for t in d["targets"]])
    return phrase(d["code"], d["label"], targets or None, d["evidence"])


def _flags(d) -> list[str]:
    if is_external(d):
        n = d["records"]
        return [f'{d["origin"]} record{"s" if n != 1 else ""}: {n}, from '
                + ("one publisher" if d["independent"] == 1 else f'{d["independent"]} publishers'), "no sentence to cite"]
    flags = ["single source" if d["independent"] == 1 else f'{d["independent"]} independent sources']
    if d["date_basis"] == "published":
        flags.append("date of report")
    return flags


def _line(b: Briefing, d) -> tuple[str, str]:
    """(HTML, text) of one development: sources -> act -> targets, with citations."""
    who = join_names([b.label(x) for x in d["sources"]])
    act = act_phrase(b, d)
    refs = b.cite_all(d["refs"])
    flags = _flags(d)
    if b.external_on:  # origin and PLOVER category on every line; an external line cites its provenance
        origin = d["origin"] if is_external(d) else "articles"
        refs, cited = basis_markup(b, d)
        code = f"CAMEO {d['code']} · PLOVER {d['plover'] or '?'}" if d["code"] else f"PLOVER {d['plover'] or '?'}"
        markup = (f'<span class="origin origin-{html.escape(origin.lower())}">{html.escape(origin)}</span> '
                  f'<strong>{html.escape(who)}</strong> {html.escape(act)} <span class="code">{html.escape(code)}</span> '
                  f'<span class="flag">({html.escape("; ".join(flags))})</span> {refs}')
        return markup, f"[{origin}] {who} {act} ({code}; {'; '.join(flags)}) {cited}"
    markup = (f'<strong>{html.escape(who)}</strong> {html.escape(act)} '
              f'<span class="code">CAMEO {html.escape(d["code"])}</span> '
              f'<span class="flag">({html.escape("; ".join(flags))})</span> {refs}')
    text = f"{who} {act} (CAMEO {d['code']}; {'; '.join(flags)}) " + b.cite_text(d["refs"])
    return markup, text




MIRROR_WINDOW = 60  # bullets of the BLUF ranking searched for a mirrored clash


def _mirrors_merged(ranked: list) -> list:
    """A clash reported from both sides (A fought B, B fought A, same day, same act) is
    one bullet: "A and B fought each other"."""
    ranked, rest = ranked[:MIRROR_WINDOW], ranked[MIRROR_WINDOW:]  # the BLUF draws from the top: no all-pairs scan
    out, dropped = [], set()
    for n, (key, acts) in enumerate(ranked):
        if n in dropped:
            continue
        d = acts[0]
        if len(acts) == 1 and len(d["sources"]) == 1 and len(d["targets"]) == 1:
            for m in range(n + 1, len(ranked)):
                other = ranked[m][1]
                o = other[0]
                if (m not in dropped and len(other) == 1 and o["date"] == d["date"] and o["code"][:2] == d["code"][:2]
                        and list(o["sources"]) == list(d["targets"]) and list(o["targets"]) == list(d["sources"])
                        and key[2:] == ranked[m][0][2:]):
                    dropped.add(m)
                    both = {**d.to_dict(), "sources": [*d["sources"], *o["sources"]], "targets": ["each other"],
                            "refs": sorted(set(d["refs"]) | set(o["refs"])),
                            "independent": max(d["independent"], o["independent"])}
                    key, acts = (key[0], tuple(both["sources"]), *key[2:]), [pd.Series(both)]
                    break
        out.append((key, acts))
    return out + rest


def bluf(b: Briefing, size: int = 4, acts_per_bullet: int = 3) -> HTMLBlock:
    """3-5 bullets, the most salient of the window: one per actor (or actors acting
    together) and day, its acts in order of salience, ranked by the best of them;
    at most three bullets of material conflict, so the political response shows."""
    devs = developments(b)
    if devs.empty:
        msg = "No coded development in this window: nothing to summarise." if not b.nothing else \
            "No article in this window: there is nothing to summarise."
        return HTMLBlock(f'<p class="empty-section">{html.escape(msg)}</p>', msg)
    bullets: dict[tuple, list] = {}
    for _, d in devs.iterrows():  # most salient first
        origin = (d["origin"],) if b.external_on else ()  # a bullet rests on articles or on external records, not both
        bullets.setdefault((d["date"], tuple(d["sources"]), *origin), []).append(d)
    ranked = _mirrors_merged(list(bullets.items()))
    force = [b_ for b_ in ranked if b_[1][0]["quad_class"] == 4][:MAX_FORCE_BULLETS]
    chosen = [b_ for b_ in ranked if b_[1][0]["quad_class"] != 4 or b_ in force][:size]
    chosen.sort(key=lambda b_: ranked.index(b_))
    items, texts = [], []
    for (day, sources, *_origin), acts in chosen:
        shown = acts[:acts_per_bullet]
        who = join_names([b.label(x) for x in sources])
        phrases = [act_phrase(b, d) for d in shown]
        refs = sorted({r for d in shown for r in d["refs"]})
        indep = max(d["independent"] for d in shown)
        flag = "single source" if indep == 1 else f"{indep} independent sources"
        more = f" (and {len(acts) - len(shown)} more)" if len(acts) > len(shown) else ""
        body = "; ".join(phrases) + more
        cites = b.cite_all(refs)
        cited = b.cite_text(refs)
        if b.external_on:
            origin = shown[0]["origin"]
            if is_external(shown[0]):
                records = sum(d["records"] for d in shown)
                flag = (f"{origin} event record{'s' if records != 1 else ''}, no sentence to cite; "
                        + ("one publisher" if indep == 1 else f"{indep} publishers"))
                merged = {**shown[0], "provenance": list(dict.fromkeys(x for d in shown for x in d["provenance"]))}
                cites, cited = basis_markup(b, merged, limit=2)
            else:
                flag = f"articles; {flag}"
        items.append(f'<li><span class="date">{day:%d %b}</span> <strong>{html.escape(who)}</strong> {html.escape(body)}. '
                     f'<span class="flag">({flag})</span> {cites}</li>')
        texts.append(f"- {day:%d %b}: {who} {body}. ({flag}) " + cited)
    judged, judged_text = direction_bullet(b)
    legend, legend_text = scale_legend()
    note = ("The first bullet is an automated judgment by a stated rule (Sources and method); the others are the most "
            "salient developments: severity (|Goldstein|), independent sources, focus actors and recency. Acts are "
            "paraphrased from coded events, not quoted.")
    if b.external_on:
        note += (" A bullet marked <em>articles</em> cites the sentences it rests on; one marked with ICEWS, GDELT or "
                 "POLECAT rests on external event records, which carry no sentence: their provenance is given instead.")
    return HTMLBlock(f'<ul class="bluf">{judged}{"".join(items)}</ul><p class="table-note">{note}</p>{legend}',
                     "\n".join([judged_text, *texts]))


PRINT_DEVELOPMENTS = 8  # lines of Key developments in the PDF: the most salient of the window
HTML_DEVELOPMENTS = 250  # lines in the HTML (a year of news must not make a 15 MB page)
SCREEN_ONLY = ' class="screen-only"'  # on screen (the HTML), not in print


def key_developments(b: Briefing, per_day: int = 3, printed: int = PRINT_DEVELOPMENTS,
                     listed: int = HTML_DEVELOPMENTS) -> HTMLBlock:
    """Chronological, grouped by event day; the most salient acts of each day. The PDF
    prints the ``printed`` most salient lines of the window, the HTML up to ``listed``."""
    devs = developments(b)
    if devs.empty:
        msg = "No coded development in this window."
        return HTMLBlock(f'<p class="empty-section">{msg}</p>', msg)
    devs = devs.assign(rank=range(len(devs)))  # developments() is most salient first
    chosen = devs.groupby("date", sort=False, group_keys=False).head(per_day)
    chosen = chosen[chosen["rank"].rank(method="first") <= listed]
    in_print = set(chosen.nsmallest(printed, "rank")["rank"])
    parts, texts = [], []
    for day, group in chosen.groupby("date", sort=True):
        lines = [(_line(b, d), d["rank"] in in_print) for _, d in group.iterrows()]
        more = int((devs["date"] == day).sum()) - len(group)
        extra = f'<li class="more">{more} further development{"s" if more > 1 else ""} of lower salience (see the trend and sources).</li>' if more > 0 else ""
        day_class = "" if any(p for _, p in lines) else SCREEN_ONLY
        parts.append(f'<div{day_class}><h3 class="day">{day:%A %d %B %Y}</h3><ul class="developments">'
                     + "".join(f"<li{'' if p else SCREEN_ONLY}>{m}</li>" for (m, _), p in lines)
                     + extra + "</ul></div>")
        texts.append(f"{day:%d %b %Y}\n" + "\n".join(f"  - {t}" for (_, t), _ in lines))
    if len(in_print) < len(chosen):
        parts.append(f'<p class="table-note print-only">The {len(in_print)} most salient of {len(devs):,} developments '
                     f"are printed; the HTML edition lists {len(chosen):,}.</p>")
    if len(chosen) < len(devs):
        parts.append(f'<p class="table-note">{len(devs) - len(chosen):,} developments of lower salience are not listed '
                     "(they count in the trend).</p>")
        texts.append(f"({len(devs) - len(chosen):,} developments of lower salience not listed)")
    note = ('<p class="table-note">Dates are event dates as the articles state them; <em>date of report</em> marks an act '
            "whose date the article does not give. Publication dates are in Sources and method.</p>")
    if b.external_on:
        note += ('<p class="table-note">Each line starts with what it rests on: <em>articles</em> (numbered citations of '
                 "the sentences) or an external event file's origin (ICEWS, GDELT, POLECAT: coded records with no sentence "
                 "to cite; the story/record they come from is given instead, and sources count their publishers). "
                 "Each line carries its CAMEO code and PLOVER category.</p>")
    return HTMLBlock("".join(parts) + note, "\n".join(texts))


def reported_figures(b: Briefing) -> HTMLBlock:
    """Casualty figures, attributed and dated; disagreeing sources side by side."""
    f = b.figures
    caption = "Reported figures (casualties)"
    if f.empty:
        msg = "No casualty or other figure is reported in this window's articles."
        return HTMLBlock(f'<p class="empty-table"><strong>{caption}:</strong> {msg}</p>', f"{caption}: {msg}")
    rows = []
    # a figure from an undated article that states no date is listed last, as undated
    f = f.assign(day=[d if is_dated(d) else None for d in f["day"]])
    f = f.assign(day_order=[d if d is not None else dt.date.max for d in f["day"]])
    for (kind, _order), group in f.groupby(["kind", "day_order"], sort=True):
        day = group["day"].iloc[0]
        values = sorted(set(group["value"]))
        for _, r in group.sort_values(["value", "outlet"]).iterrows():
            ref = b.citations.number(r["article_id"], r["sentence"])
            who = r["according_to"] if isinstance(r["according_to"], str) else f"{r['outlet']} (outlet, unattributed)"
            rows.append({
                "kind": kind, "figure": f"{r['qualifier'] + ' ' if isinstance(r['qualifier'], str) else ''}{r['value']:,}",
                "according to": who, "about": day_label(day), "reported": day_label(r["published"]),
                "outlet": r["outlet"], "sources agree": "yes" if len(values) == 1 else f"no — {len(values)} different figures",
                "ref": b.cite(ref),
            })
    frame = pd.DataFrame(rows)
    return table(frame, caption=caption, html_columns=["ref"],
                 note="Figures as stated by the source named: 'about' is the day the figure refers to, 'reported' the "
                      "publication date. Differing figures for the same day are listed side by side, not reconciled.")
