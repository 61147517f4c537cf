"""Tables and charts of the corpus overview report (notebooks/corpus_overview.ipynb)."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from sitrep.briefing.display import Chart, HTMLBlock, header, key_figures, table
from sitrep.params import CorpusOverviewParams
from sitrep.records import load_actors, load_articles, load_meta, load_table

UNDATED = "undated"
UNKNOWN_SOURCE = "unknown outlet"


@dataclass
class CorpusView:
    """The articles of one window of the store, their extracted records, and the
    parameters that chose them."""

    params: CorpusOverviewParams
    articles: pd.DataFrame
    meta: dict[str, str]
    sentences: pd.DataFrame
    mentions: pd.DataFrame
    events: pd.DataFrame
    statements: pd.DataFrame
    unknown: pd.DataFrame
    actors: pd.DataFrame


def load_corpus(params: CorpusOverviewParams) -> CorpusView:
    store = params.store_path
    articles = load_articles(store, params.start, params.end)
    ids = set(articles["id"])

    def records(name: str) -> pd.DataFrame:
        frame = load_table(store, name, params.start, params.end)
        return frame[frame["article_id"].isin(ids)].reset_index(drop=True)

    return CorpusView(params=params, articles=articles, meta=load_meta(store), sentences=records("sentences"),
                      mentions=records("mentions"), events=records("events"), statements=records("statements"),
                      unknown=records("unknown_actors"), actors=load_actors(store))


def overview_header(view: CorpusView) -> HTMLBlock:
    p = view.params
    a = view.articles
    dated = a["published"].dropna()
    notices = []
    if a.empty:
        notices.append("No article in the store falls in this window: every table below is empty.")
    facts = [
        ("Coverage window", p.window_label),
        ("Articles' publication dates", f"{min(dated):%d %b %Y} – {max(dated):%d %b %Y}" if len(dated) else "none dated"),
        ("Store", p.store_label),
        ("Extraction", f"sitrep {view.meta.get('sitrep_version', '?')}, extractor {view.meta.get('extractor', '?')}"),
    ]
    return header(title=p.title, kicker="Corpus overview", facts=facts, notices=notices, window=p.window_label)


def corpus_figures(view: CorpusView) -> HTMLBlock:
    """Headline counts: articles, outlets, languages, words, duplicates."""
    a = view.articles
    return key_figures({
        "articles": len(a),
        "outlets": a["source"].dropna().nunique(),
        "languages": a["language"].nunique(),
        "words": int(a["n_words"].sum()) if len(a) else 0,
        "exact duplicates merged": int((a["copies"] - 1).sum()) if len(a) else 0,
        "near-duplicates flagged": int(a["near_duplicate_of"].notna().sum()) if len(a) else 0,
    })


def articles_per_date(view: CorpusView) -> pd.DataFrame:
    a = view.articles
    if a.empty:
        return pd.DataFrame({"date": [], "articles": []})
    days = a["published"].map(lambda d: d.isoformat() if pd.notna(d) else UNDATED)
    return days.value_counts().rename_axis("date").reset_index(name="articles").sort_values("date").reset_index(drop=True)


def per_date_chart(view: CorpusView) -> Chart | HTMLBlock:
    counts = articles_per_date(view)
    if counts.empty:
        return HTMLBlock("<p>No articles in this window, so no chart.</p>", "No articles in this window.")
    dated = counts[counts["date"] != UNDATED]
    chart = (
        alt.Chart(dated)
        .mark_bar(color="#0b4f8a")
        .encode(
            x=alt.X("date:T", title="Publication date", timeUnit="yearmonthdate", axis=alt.Axis(format="%d %b", labelAngle=0)),
            y=alt.Y("articles:Q", title="Articles", axis=alt.Axis(tickMinStep=1)),
            tooltip=[alt.Tooltip("date:T", format="%d %b %Y"), "articles:Q"],
        )
        .properties(width=560, height=180)
    )
    undated = int(counts.loc[counts["date"] == UNDATED, "articles"].sum())
    caption = f"Articles per publication date ({len(view.articles)} articles; one bar per day"
    caption += f"; {undated} undated, not shown)." if undated else ")."
    return Chart(chart, caption=caption, alt_text="Bar chart of articles per day: " + ", ".join(f"{r.date}: {r.articles}" for r in dated.itertuples()), data=counts)


def per_source_table(view: CorpusView) -> HTMLBlock:
    a = view.articles
    sources = a["source"].fillna(UNKNOWN_SOURCE)
    frame = (
        pd.DataFrame({"outlet": sources, "words": a["n_words"], "published": a["published"]})
        .groupby("outlet", dropna=False)
        .agg(articles=("words", "size"), words=("words", "sum"),
             first=("published", lambda s: min((d for d in s if pd.notna(d)), default=None)),
             last=("published", lambda s: max((d for d in s if pd.notna(d)), default=None)))
        .reset_index()
        .sort_values(["articles", "outlet"], ascending=[False, True])
    )
    return table(frame, caption="Articles per outlet", note="Outlets as given by the article metadata; 'unknown outlet' where none was given.")


def language_table(view: CorpusView) -> HTMLBlock:
    frame = view.articles["language"].value_counts().rename_axis("language").reset_index(name="articles").sort_values(["articles", "language"], ascending=[False, True])
    return table(frame, caption="Languages (ISO 639 codes from the metadata; extraction rules cover English)")


def length_table(view: CorpusView) -> HTMLBlock:
    a = view.articles
    if a.empty:
        return table(pd.DataFrame(), caption="Article length")
    words = a["n_words"]
    frame = pd.DataFrame({
        "measure": ["shortest", "median", "longest", "total"],
        "words": [int(words.min()), int(words.median()), int(words.max()), int(words.sum())],
    })
    return table(frame, caption="Article length in words")


def duplicates_table(view: CorpusView) -> HTMLBlock:
    """Exact duplicates (one article held by several files) and near-duplicates."""
    a = view.articles
    by_id = a.set_index("id")
    rows = []
    for r in a.itertuples():
        if r.copies > 1:
            rows.append({"article": r.id, "kind": "exact duplicate (merged)", "of": "", "similarity": 1.0, "files": r.files})
        if isinstance(r.near_duplicate_of, str):
            other = r.near_duplicate_of
            title = by_id.loc[other, "title"] if other in by_id.index else None
            rows.append({"article": r.id, "kind": "near-duplicate (flagged)", "of": f"{other} {title or ''}".strip(), "similarity": r.near_duplicate_similarity, "files": r.files})
    frame = pd.DataFrame(rows, columns=["article", "kind", "of", "similarity", "files"])
    return table(frame, caption="Duplicates", empty="none: every article is distinct.",
                 note="Near-duplicates share at least 60% of their word 5-grams (Jaccard) with an earlier article.")


def article_list(view: CorpusView) -> HTMLBlock:
    a = view.articles
    frame = pd.DataFrame({
        "published": a["published"].map(lambda d: d.isoformat() if pd.notna(d) else UNDATED),
        "outlet": a["source"].fillna(UNKNOWN_SOURCE),
        "title": a["title"].fillna("(no title)"),
        "words": a["n_words"],
        "id": a["id"],
        "file": a["files"].str.replace("data/raw/articles/", "", regex=False),
    })
    return table(frame, caption="Articles in the window", column_classes={"published": "date", "title": "wide", "id": "code", "file": "path"},
                 note="id: sha256 of the normalised text (first 16 hex digits). Files are under data/raw/articles/; "
                      "file:line for JSONL. Languages and formats are summarised above.")


def _without_actor(view: CorpusView) -> pd.DataFrame:
    """Sentences in which no registry actor is mentioned."""
    named = set(zip(view.mentions["article_id"], view.mentions["sentence"]))
    keys = list(zip(view.sentences["article_id"], view.sentences["sentence"]))
    return view.sentences[[k not in named for k in keys]]


def extraction_figures(view: CorpusView) -> HTMLBlock:
    """Headline counts of what extraction found in the window."""
    n = len(view.sentences)
    bare = len(_without_actor(view))
    return key_figures({
        "sentences": n,
        "without any actor": f"{bare} ({bare / n:.0%})" if n else "0",
        "actor mentions": len(view.mentions),
        "events": len(view.events),
        "statements": len(view.statements),
        "unknown-name candidates": view.unknown["name"].nunique() if len(view.unknown) else 0,
    }, label="Extraction figures")


def events_per_code(view: CorpusView) -> HTMLBlock:
    e = view.events
    if e.empty:
        return table(pd.DataFrame(), caption="Events per CAMEO code", empty="No event was coded in this window.")
    frame = (e.groupby(["code", "label", "quad_class", "goldstein"]).size().reset_index(name="events")
             .sort_values(["events", "code"], ascending=[False, True]))
    frame = frame.rename(columns={"quad_class": "QuadClass", "goldstein": "Goldstein"})
    return table(frame, caption="Events per CAMEO code", column_classes={"code": "code"},
                 note="CAMEO 1.1b3 codes with their Goldstein value; QuadClass 1 verbal cooperation, 2 material cooperation, "
                      "3 verbal conflict, 4 material conflict.")


def unknown_candidates(view: CorpusView, limit: int = 25) -> HTMLBlock:
    """Capitalised names the registry does not know: candidates to add to it."""
    u = view.unknown
    if u.empty:
        return table(pd.DataFrame(), caption="Unknown-actor candidates", empty="none: every capitalised name is in the registry.")
    frame = (u.groupby("name").agg(mentions=("count", "sum"), articles=("article_id", "nunique")).reset_index()
             .sort_values(["mentions", "articles", "name"], ascending=[False, False, True]))
    shown = frame.head(limit)
    more = len(frame) - len(shown)
    return table(shown, caption="Unknown-actor candidates (names the registry does not know)",
                 note=("Add the real actors among them to data/reference/actors.yaml. "
                       + (f"{more} rarer candidates not shown." if more > 0 else "")).strip())


def sentences_without_actors(view: CorpusView, limit: int = 15) -> HTMLBlock:
    """The sentences no actor was found in (nothing in them can be coded)."""
    bare = _without_actor(view)
    if bare.empty:
        return table(pd.DataFrame(), caption="Sentences without any actor", empty="none.")
    shown = bare.head(limit)
    frame = pd.DataFrame({"article": shown["article_id"], "sentence": shown["sentence"], "text": shown["text"]})
    more = len(bare) - len(shown)
    return table(frame, caption=f"Sentences without any actor ({len(bare)} of {len(view.sentences)})",
                 column_classes={"article": "code", "text": "wide"},
                 note="Headlines, background and quotes often name no actor; a sentence describing an act without any "
                      "actor points at a gap in the registry." + (f" {more} more not shown." if more > 0 else ""))


def registry_staleness(view: CorpusView) -> HTMLBlock:
    """People and offices of the registry named in articles published after their
    entry was last reviewed: their roles may have changed since (an election, a
    resignation, a death), so a name could resolve to a role it no longer holds."""
    named = pd.concat([
        view.mentions[["article_id", "actor_id"]],
        view.events[["article_id", "source"]].rename(columns={"source": "actor_id"}),
        view.events[["article_id", "target"]].rename(columns={"target": "actor_id"}),
        view.statements[["article_id", "speaker"]].rename(columns={"speaker": "actor_id"}),
    ]).dropna()
    caption = "Registry entries older than the news that names them"
    empty = "none: every person named was reviewed on or after the newest article that names them."
    if named.empty or view.actors.empty:
        return table(pd.DataFrame(), caption=caption, empty=empty)
    dates = view.articles[["id", "published"]].rename(columns={"id": "article_id"})
    named = named.drop_duplicates().merge(dates, on="article_id").dropna(subset=["published"])
    latest = named.groupby("actor_id").agg(newest=("published", "max"), articles=("article_id", "nunique")).reset_index()
    people = view.actors[view.actors["type"] == "person"][["id", "label", "reviewed"]].rename(columns={"id": "actor_id"})
    frame = latest.merge(people, on="actor_id").dropna(subset=["reviewed"])
    frame = frame[pd.to_datetime(frame["newest"]) > pd.to_datetime(frame["reviewed"])]
    if frame.empty:
        return table(pd.DataFrame(), caption=caption, empty=empty)
    frame = frame.sort_values(["newest", "actor_id"], ascending=[False, True])
    frame = pd.DataFrame({"actor": frame["label"], "id": frame["actor_id"], "reviewed": frame["reviewed"],
                          "newest article": frame["newest"], "articles": frame["articles"]})
    return table(frame, caption=caption, column_classes={"id": "code", "reviewed": "date", "newest article": "date"},
                 note="Check that each role still holds on the newest article's date, then update its roles and "
                      "`reviewed` date in data/reference/actors.yaml (roles are dated, so old articles keep resolving).")
