"""What a briefing is built from: the store's records for one window, filtered by
the briefing's parameters, with actor labels, independent-source keys and the
numbered evidence every line of the briefing cites.

Second-to-last stage of the data flow (store -> here -> briefing tables -> notebook).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pandas as pd

from sitrep.briefing.wording import cite
from sitrep.params import BriefingParams
from sitrep.records import load_actors, load_articles, load_files, load_meta, load_table, publication_dates

UNKNOWN_OUTLET = "unknown outlet"


@dataclass
class Citations:
    """Numbered evidence: one number per (article, sentence), in date order."""

    numbers: dict[tuple[str, int], int] = field(default_factory=dict)
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)

    def number(self, article_id: str, sentence: int) -> int | None:
        return self.numbers.get((article_id, int(sentence)))

    def tip(self, ref: int | None) -> str:
        """What hovering a citation shows: outlet, date and the sentence."""
        row = self.rows[self.rows["ref"] == ref]
        if ref is None or row.empty:
            return ""
        r = row.iloc[0]
        day = f"{r['published']:%d %b %Y}" if pd.notna(r["published"]) else "undated"
        return f"{r['outlet']}, {day}: {r['text']}"


@dataclass
class Briefing:
    """Everything the briefing's sections read, already filtered."""

    params: BriefingParams
    articles: pd.DataFrame
    events: pd.DataFrame
    statements: pd.DataFrame
    figures: pd.DataFrame
    unknown: pd.DataFrame
    labels: dict[str, str]
    actors: pd.DataFrame
    meta: dict[str, str]
    files: pd.DataFrame
    citations: Citations
    edition: int
    cutoff: str
    first_day: dt.date | None
    last_day: dt.date | None
    memo: dict = field(default_factory=dict)  # derived tables computed once per briefing

    def label(self, actor_id) -> str:
        if actor_id is None or (isinstance(actor_id, float) and pd.isna(actor_id)):
            return "—"
        return self.labels.get(actor_id, actor_id)

    def cite(self, ref: int | None) -> str:
        """The citation link for evidence number ``ref`` (empty when there is none)."""
        return cite(ref, self.citations.tip(ref))

    @property
    def empty(self) -> bool:
        return self.articles.empty


def _matches_topic(frame: pd.DataFrame, keywords: list[str]) -> pd.Series:
    words = [k.casefold() for k in keywords]
    hay = (frame["title"].fillna("") + "\n" + frame["text"].fillna("")).str.casefold()
    return hay.map(lambda text: any(w in text for w in words))


def in_focus(actor_ids: pd.Series, focus: list[str], actors: pd.DataFrame) -> pd.Series:
    """Whether each actor is a focus actor, or a person or body of a focus state."""
    if not focus:
        return pd.Series(True, index=actor_ids.index)
    country = dict(zip(actors["id"], actors["country"]))
    wanted = set(focus)
    return actor_ids.map(lambda a: isinstance(a, str) and (a in wanted or country.get(a) in wanted))


def independent_keys(articles: pd.DataFrame) -> pd.Series:
    """One key per independent source: an outlet counts once, and a near-duplicate
    (a syndicated wire copy) counts as the article it repeats."""
    outlet = dict(zip(articles["id"], articles["source"]))

    def key(row) -> str:
        root = row["near_duplicate_of"] if isinstance(row["near_duplicate_of"], str) else row["id"]
        name = outlet.get(root, row["source"])
        return f"outlet:{name}" if isinstance(name, str) and name else f"article:{root}"

    return articles.apply(key, axis=1) if len(articles) else pd.Series(dtype=str)


def load_briefing(params: BriefingParams) -> Briefing:
    store = params.store_path
    articles = load_articles(store, params.start, params.end, with_text=bool(params.topic))
    if params.topic and len(articles):
        articles = articles[_matches_topic(articles, params.topic)].reset_index(drop=True)
    if "text" in articles:
        articles = articles.drop(columns=["text"])
    articles["outlet"] = articles["source"].fillna(UNKNOWN_OUTLET)
    articles["independent"] = independent_keys(articles)
    ids = set(articles["id"])
    actors = load_actors(store)

    def records(table: str) -> pd.DataFrame:
        frame = load_table(store, table, params.start, params.end)
        return frame[frame["article_id"].isin(ids)].reset_index(drop=True)

    events = records("events")
    events = events[events["confidence"] >= params.min_confidence]
    events = events[in_focus(events["source"], params.focus_actors, actors) | in_focus(events["target"], params.focus_actors, actors)]
    statements = records("statements")
    statements = statements[statements["confidence"] >= params.min_confidence]
    statements = statements[in_focus(statements["speaker"], params.focus_actors, actors) | in_focus(statements["target"], params.focus_actors, actors)]
    figures = records("figures")
    unknown = records("unknown_actors")
    for frame in (events, statements, figures):
        frame["outlet"] = frame["outlet"].fillna(UNKNOWN_OUTLET)
    events = events.reset_index(drop=True)
    statements = statements.reset_index(drop=True)
    if len(events):
        events["event_date"] = pd.to_datetime(events["event_date"]).dt.date
    figures = figures.reset_index(drop=True)
    if len(figures):  # the day a figure is about: as stated, else the day it was published
        stated = pd.to_datetime(figures["event_date"]).dt.date
        figures["day"] = [d if pd.notna(d) else p for d, p in zip(stated, figures["published"])]

    sentences = records("sentences")
    citations = _citations(articles, sentences, [events, statements, figures])
    dated = articles["published"].dropna()
    first_day = min(dated) if len(dated) else None
    last_day = max(dated) if len(dated) else None
    return Briefing(
        params=params, articles=articles, events=events, statements=statements, figures=figures,
        unknown=unknown, labels=dict(zip(actors["id"], actors["label"])), actors=actors, meta=load_meta(store),
        files=load_files(store), citations=citations, edition=_edition(params, store),
        cutoff=_cutoff(params, last_day), first_day=first_day, last_day=last_day,
    )


def _citations(articles: pd.DataFrame, sentences: pd.DataFrame, used: list[pd.DataFrame]) -> Citations:
    keys = sorted({(a, int(s)) for frame in used for a, s in zip(frame.get("article_id", []), frame.get("sentence", []))})
    order = {aid: n for n, aid in enumerate(articles["id"])}  # articles are in date order
    keys.sort(key=lambda k: (order.get(k[0], len(order)), k[1]))
    numbers = {k: n for n, k in enumerate(keys, start=1)}
    text = {(a, int(s)): t for a, s, t in zip(sentences["article_id"], sentences["sentence"], sentences["text"])}
    meta = articles.set_index("id")
    rows = pd.DataFrame([
        {"ref": n, "article_id": a, "sentence": s, "outlet": meta.at[a, "outlet"], "published": meta.at[a, "published"],
         "title": meta.at[a, "title"], "url": meta.at[a, "url"], "text": text.get((a, s), "")}
        for (a, s), n in numbers.items()
    ], columns=["ref", "article_id", "sentence", "outlet", "published", "title", "url", "text"])
    return Citations(numbers, rows)


def _edition(params: BriefingParams, store) -> int:
    """The edition number: given, or one per news day in the store up to the window's end."""
    if params.edition:
        return params.edition
    days = [d for d in publication_dates(store) if params.end is None or d <= params.end]
    return max(1, len(days))


def _cutoff(params: BriefingParams, last_day: dt.date | None) -> str:
    """The information cutoff: the end of the window's last day, in the chosen zone."""
    day = params.end or last_day
    if day is None:
        return "none (no dated article)"
    moment = dt.datetime.combine(day, dt.time(23, 59), tzinfo=ZoneInfo(params.timezone))
    return f"{moment:%d %b %Y %H:%M} {params.timezone}"
