"""The briefing's header and its sources & method section: every article used,
the numbered evidence, how the records were made, what could have been missed,
and the hashes of the inputs."""

from __future__ import annotations

import html

import pandas as pd

from sitrep.briefing.developments import WEIGHTS
from sitrep.briefing.display import HTMLBlock, esc, header, table
from sitrep.briefing.selection import Briefing
from sitrep.briefing.trend import THIN_BIN
from sitrep.ingest.metadata import is_web_url

STALE_DAYS = 2
INERT_URL_CHARS = 120  # a url that is not linked is shown this long at most (a data: url can be megabytes)
THIN_ARTICLES = 3
HTML_ARTICLES = 2000  # rows of the article and file tables in the HTML


def notices(b: Briefing) -> list[str]:
    """What a reader must know before trusting the summary (thin or stale inputs)."""
    p = b.params
    out = []
    if b.empty and b.external_on and not b.external.empty:
        origins = ", ".join(sorted(b.external["origin"].unique()))
        out.append(f"No article falls in this window: every line of this briefing rests on external event records "
                   f"({origins}), coded by others, with no sentence to cite; their provenance is given instead.")
        return out
    if b.empty:
        out.append("No article in the store falls in this window (and topic): this briefing has nothing to report. "
                   "Check the window, the topic keywords, or ingest newer articles.")
        return out
    sources = b.articles["independent"].nunique()
    if len(b.articles) < THIN_ARTICLES or sources < 2:
        out.append(f"Thin coverage: {len(b.articles)} article(s) from {sources} independent source(s). "
                   "Treat every item as unconfirmed.")
    if p.end and b.last_day and (p.end - b.last_day).days > STALE_DAYS:
        out.append(f"Stale inputs: the latest article is from {b.last_day:%d %b %Y}, "
                   f"{(p.end - b.last_day).days} days before the window ends ({p.end:%d %b %Y}).")
    if p.focus_actors and b.events.empty and b.statements.empty:
        out.append("No event or statement involves the focus actors (" + ", ".join(p.focus_actors) + ") in this window.")
    return out


def briefing_header(b: Briefing) -> HTMLBlock:
    p = b.params
    arts = b.articles
    facts = [
        ("Coverage window", window_label(b) + ("" if p.start and p.end else " (" + p.window_label + ")")),
        ("Information cutoff", b.cutoff),
        ("Edition", f"No. {b.edition}"),
        ("Sources", f"{len(arts)} articles from {arts['independent'].nunique() if len(arts) else 0} independent sources"
                    f"{', ' + str(arts['outlet'].nunique()) + ' outlets' if len(arts) else ''}" + _type_summary(arts)),
        *([("External event records", _external_summary(b))] if b.external_on else []),
        ("Focus", ", ".join(b.label(a) for a in p.focus_actors) or "all actors"),
        ("Topic", ", ".join(p.topic) or "all articles"),
        ("Minimum confidence", f"{p.min_confidence:.2f}"),
        ("Store", p.store_label),
    ]
    return header(title=p.title, kicker=f"Situation briefing · Edition {b.edition}", facts=facts, notices=notices(b),
                  window=f"{window_label(b)} · cutoff {b.cutoff}")


def _type_summary(arts: pd.DataFrame) -> str:
    """" (3 wire, 2 state-affiliated, 1 unreviewed)": outlets by type."""
    if arts.empty:
        return ""
    kinds = arts.drop_duplicates("outlet")["outlet_type"].map(lambda k: k.split(" (")[0]).value_counts()
    return " (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))) + ")"


def outlet_table(b: Briefing) -> HTMLBlock:
    """The outlets of the window: type, country, owner (from data/reference/outlets.yaml),
    articles, and how many of those the briefing cites."""
    a = b.articles
    caption = "Outlets (type and country from the outlet registry; unreviewed: not in it)"
    if a.empty:
        return table(a, caption=caption, empty="None.")
    cited = set(b.citations.cited_rows()["article_id"])
    frame = (a.assign(cited=a["id"].isin(cited))
             .groupby(["outlet", "outlet_type", "outlet_country", "outlet_owner"], dropna=False, sort=False)
             .agg(articles=("id", "size"), cited=("cited", "sum"), languages=("language", lambda x: ", ".join(sorted(set(x)))))
             .reset_index()
             .sort_values(["articles", "outlet"], ascending=[False, True], kind="stable"))
    frame = frame.rename(columns={"outlet_type": "type", "outlet_country": "country", "outlet_owner": "owner"})
    frame["cited"] = frame["cited"].astype(int)
    unreviewed = int((frame["type"] == "unreviewed").sum())
    note = ("State-affiliated outlets report their state's position; wire copy reappears in other outlets (syndicated "
            "copies count once). An article without a named outlet is 'unnamed'; all such articles together count as "
            "one source.")
    if unreviewed:
        note += f" {unreviewed} outlet{'s are' if unreviewed != 1 else ' is'} not in data/reference/outlets.yaml: weigh {'them' if unreviewed != 1 else 'it'} with care."
    return table(frame[["outlet", "type", "country", "owner", "languages", "articles", "cited"]], caption=caption,
                 note=note, print_rows=12, html_rows=500, more="outlets")


def _external_summary(b: Briefing) -> str:
    x = b.external
    if x.empty:
        return f"none in this window ({len(b.external_files)} imported file{'s' if len(b.external_files) != 1 else ''})"
    counts = x["origin"].value_counts()
    return (", ".join(f"{int(counts[o])} {o}" for o in sorted(counts.index)) + f" records from {x['path'].nunique()} "
            f"file{'s' if x['path'].nunique() != 1 else ''} (no sentence to cite: lines resting on them say so)")


def external_files(b: Briefing) -> HTMLBlock | None:
    """The imported event files (``external_events`` on): path, origin, sha256, events
    kept, problems found and the records of this window; nothing when the option is off."""
    if not b.external_on:
        return None
    f = b.external_files
    caption = "External event files (imported with sitrep import-events; sha256 of the file as imported)"
    if f.empty:
        return table(pd.DataFrame(), caption=caption, empty="No event file has been imported into this store.")
    used = b.external["file_sha256"].value_counts() if len(b.external) else pd.Series(dtype=int)
    frame = pd.DataFrame({
        "file": f["path"], "origin": f["origin"].str.upper(), "sha256": f["file_sha256"],
        "events": f["events"].astype(int), "problems": f["problems"].astype(int),
        "used here": [int(used.get(h, 0)) for h in f["file_sha256"]],
    })
    return table(frame, caption=caption, column_classes={"file": "path", "sha256": "code"},
                 note="events: records kept on import; problems: lines set aside (wrong column count, bad date, unknown "
                      "code), named by line in the import summary; used here: records in this window and focus. "
                      "These records are coded by others (ICEWS, GDELT, POLECAT) and carry no sentence: lines resting on "
                      "them cite their provenance, not the evidence list.")


def window_label(b: Briefing) -> str:
    """The window as dates: the parameters', else the articles' first and last day."""
    p = b.params
    start, end = p.start or b.first_day, p.end or b.last_day
    if start and end:
        return f"{start:%d %b %Y} – {end:%d %b %Y}"
    return p.window_label


def article_table(b: Briefing) -> HTMLBlock:
    a = b.articles
    if a.empty:
        return table(a, caption="Articles used", empty="None.")
    copies = a.set_index("id")["near_duplicate_of"].dropna()
    # the articles the briefing cites first (the PDF prints those), then the rest, each in date order
    cited = set(b.citations.cited_rows()["article_id"])
    a = a.assign(_cited=a["id"].isin(cited)).sort_values("_cited", ascending=False, kind="stable")
    frame = pd.DataFrame({
        "published": a["published"].map(lambda d: f"{d:%d %b %Y}" if pd.notna(d) else "undated"),
        "outlet": a["outlet"], "title": a["title"].fillna("(untitled)"),
        "url": a["url"].map(source_link),
        "article id": a["id"],
        "independence": [f"copy of {copies[i]}" if i in copies else "independent" for i in a["id"]],
    })
    block = table(frame, caption="Articles used (publication date, outlet, title, link, id)", html_columns=["url"],
                  column_classes={"title": "wide", "article id": "code", "url": "path"},
                  html_rows=HTML_ARTICLES, more="articles",
                  note="Articles cited in this briefing come first. The files each article came from, with their "
                       "hashes, are listed under Method.")
    where = (f"The {len(frame):,} articles of the window, with their titles and links, are listed in the HTML edition; "
             "each endnote below names its article's outlet, date and id.")
    return HTMLBlock(f'<div class="screen-only">{block.markup}</div><p class="table-note print-only">{esc(where)}</p>',
                     block.text)


def source_link(url) -> str:
    """An article's url as markup: a link only for an absolute http(s) url; anything
    else (``javascript:``, ``data:``, ``file:``, relative) is shown as inert text."""
    if not isinstance(url, str) or not url:
        return "—"
    if is_web_url(url):
        return f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>'
    shown = url if len(url) <= INERT_URL_CHARS else url[: INERT_URL_CHARS - 1] + "…"
    return f'<span class="inert-url" title="not an http(s) link: not linked">{html.escape(shown)}</span>'


def evidence_list(b: Briefing) -> HTMLBlock:
    """The numbered references every citation in the briefing points to."""
    rows = b.citations.cited_rows()
    if rows.empty and b.external_on and not b.external.empty:
        msg = ("No article sentence is cited: every line of this briefing rests on external event records, "
               "which carry no sentence (their files are listed above).")
        return HTMLBlock(f'<p class="empty-section">{html.escape(msg)}</p>', msg)
    if rows.empty:
        msg = "No evidence cited."
        return HTMLBlock(f'<p class="empty-section">{msg}</p>', msg)
    items, texts = [], []
    for r in rows.itertuples():
        day = f"{r.published:%d %b %Y}" if pd.notna(r.published) else "undated"
        outlet = esc(r.outlet)
        if isinstance(r.url, str) and is_web_url(r.url):  # the endnote links to the article (http(s) only)
            outlet = f'<a href="{html.escape(r.url, quote=True)}">{outlet}</a>'
        items.append(f'<li id="ref-{r.shown}" value="{r.shown}"><span class="ref-meta">{outlet}, {day}, article '
                     f'<code>{esc(r.article_id)}</code> sentence {r.sentence}:</span> “{esc(r.text)}”</li>')
        texts.append(f"[{r.shown}] {r.outlet}, {day}, {r.article_id}#{r.sentence}: {r.text}")
    return HTMLBlock('<ol class="evidence">' + "".join(items) + "</ol>", "\n".join(texts))


def method_notes(b: Briefing) -> HTMLBlock:
    m = b.meta
    a = b.articles
    langs = ", ".join(sorted(a["language"].unique())) if len(a) else "none"
    coded = set(m.get("coded_languages", "en").split(","))
    uncoded = a[~a["language"].isin(coded)] if len(a) else a
    not_coded = (f"; {len(uncoded)} article{'s' if len(uncoded) != 1 else ''} in "
                 f"{', '.join(sorted(uncoded['language'].unique()))} not coded (the coder reads {', '.join(sorted(coded))})"
                 if len(uncoded) else "")
    undated = int(a["published"].isna().sum()) if len(a) else 0
    unknown_outlets = int((a["outlet"] == "unknown outlet").sum()) if len(a) else 0
    weights = " + ".join(f"{w:.2f} × {k}" for k, w in WEIGHTS.items())
    lines = [
        ("Automated", "Every record is extracted from a statistical parse by coding patterns (sitrep extractor "
                      f"<code>{esc(m.get('extractor', '?'))}</code>, {esc(m.get('pipeline', '?'))}, "
                      f"{esc(m.get('rules', '?'))} patterns) — no analyst "
                      "reviewed it. Paraphrases are generated from CAMEO codes; only text in quotation marks is verbatim."),
        ("Reference data", f"actor registry as of {esc(m.get('registry_as_of', '?'))} ({esc(m.get('registry_actors', '?'))} actors); "
                           f"CAMEO codebook with {esc(m.get('codebook_codes', '?'))} codes, Goldstein scale, QuadClass."),
        ("Thresholds", f"records coded with confidence below {b.params.min_confidence:.2f} are left out; a day with fewer "
                       f"than {THIN_BIN} events is a thin bin."),
        ("Salience", f"{weights} (severity = |Goldstein|/10, at least 0.4 for ceasefire calls; sources saturate at 3; "
                     "recency falls linearly over the window)."),
        ("Direction and outlook", "automated judgments by stated rules (sitrep.briefing.judgment): the second half of "
                                  "the window against the first — escalating when acts of force per day rose by a quarter "
                                  "or more (two acts or more) or the mean Goldstein value fell by 1.0 or more, de-escalating "
                                  "in the opposite case, unchanged otherwise; only acts whose date the article gives count, "
                                  "and fewer than six give no judgment. The outlook term is the share of days of the second "
                                  "half with an act of force, in ICD 203 words (never above very likely); confidence is low "
                                  "or moderate, never high."),
        ("Independent sources", "an outlet counts once; a near-duplicate (syndicated copy) counts as the article it repeats; "
                                "articles without a named outlet count together as one source."),
        ("Outlets", "types, countries and owners come from the outlet registry (data/reference/outlets.yaml); an outlet "
                    "not in it is shown as unreviewed. The registry says what kind of source an outlet is, not whether "
                    "a given report is accurate."),
        ("Dates", "developments carry the event date the article states (explicit, or relative to publication); "
                  "failing that, the last date the article stated, else the publication date, flagged <em>date of report</em>."),
        ("Coverage", f"languages: {esc(langs)}; {len(a)} articles, {a['outlet'].nunique() if len(a) else 0} outlets; "
                     f"{undated} undated and {unknown_outlets} without a named outlet{esc(not_coded)}."),
        ("Could have been missed", "events in languages or outlets not ingested or not coded; acts in phrasings no pattern "
                                   "covers (on real news about one reported event in five is found: README); actors absent "
                                   "from the registry and without a nationality in their phrase (candidates in the corpus overview); "
                                   "anything after the information cutoff."),
    ]
    if b.external_on:
        lines.append(("External event records", "imported ICEWS, GDELT and POLECAT files (<code>sitrep import-events</code>): "
                      "records coded by others, with their actors resolved to registry ids by name or country, their CAMEO "
                      "code, PLOVER category and Goldstein value. They are shown beside the extracted events, marked by origin; "
                      "a focus actor matches a record when it is the actor or the one the actor acts for. A record has no "
                      "sentence: lines resting on it give its provenance (story and sentence, or record id) and count "
                      "its publishers as sources."))
    markup = '<dl class="method">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in lines) + "</dl>"
    return HTMLBlock(markup, "\n".join(f"{k}: {html.unescape(v)}" for k, v in lines))


def input_hashes(b: Briefing) -> HTMLBlock:
    """The input files with their hashes: in the HTML only (the PDF says where they are)."""
    used = set(b.articles["id"])
    f = b.files[b.files["article_id"].isin(used)]
    frame = pd.DataFrame({
        "file": [p if not line else f"{p}:{line}" for p, line in zip(f["path"], f["line"])],
        "sha256": f["file_sha256"], "article id": f["article_id"],
    })
    block = table(frame, caption="Input files (sha256 of the file as ingested)", empty="No input file.",
                  column_classes={"file": "path", "sha256": "code", "article id": "code"},
                  html_rows=HTML_ARTICLES, more="files")
    where = ("Input files: the HTML edition lists each with its sha256; manifest.json holds the digest "
             "of the articles this briefing read.")
    return HTMLBlock(f'<div class="screen-only">{block.markup}</div><p class="table-note print-only">{esc(where)}</p>',
                     block.text)
