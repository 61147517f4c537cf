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

from sitrep import editions
from sitrep.briefing.outlets import describe, load_outlets
from sitrep.briefing.wording import cite
from sitrep.editions import Edition
from sitrep.params import BriefingParams
from sitrep.records import (load_actors, load_articles, load_external_events, load_external_files, load_files, load_meta,
                            load_table, publication_dates)

UNKNOWN_OUTLET = "unknown outlet"
MAX_CITES = 3  # citations shown per line; the rest are counted
ARTICLES = "articles"  # the origin of an event extracted from an article (external ones: "ICEWS", "GDELT", "POLECAT")
EXTERNAL_COLUMNS = ["origin", "source", "target", "source_name", "target_name", "code", "label", "goldstein", "quad_class",
                    "plover", "event_date", "published", "date_basis", "provenance", "publisher", "outlet", "path",
                    "file_sha256", "line", "article_id", "sentence", "evidence", "attributed_to", "confidence"]


@dataclass
class Citations:
    """Numbered evidence: one number per (article, sentence), in date order."""

    numbers: dict[tuple[str, int], int] = field(default_factory=dict)
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    # evidence number -> the number shown, in order of first citation: the evidence list holds
    # only what the briefing cites, however many records the window has
    shown: dict[int, int] = field(default_factory=dict)
    _by_ref: dict | None = field(default=None, repr=False)

    def number(self, article_id: str, sentence: int) -> int | None:
        return self.numbers.get((article_id, int(sentence)))

    def show(self, ref: int | None) -> int | None:
        """The number a citation of evidence ``ref`` shows (given on first citation)."""
        if ref is None:
            return None
        return self.shown.setdefault(ref, len(self.shown) + 1)

    def cited_rows(self) -> pd.DataFrame:
        """The evidence rows cited so far, numbered and ordered as shown."""
        if not self.shown or self.rows.empty:
            return self.rows.iloc[0:0].assign(shown=pd.Series(dtype="int64"))
        cited = self.rows[self.rows["ref"].isin(self.shown)].copy()
        cited["shown"] = cited["ref"].map(self.shown)
        return cited.sort_values("shown").reset_index(drop=True)

    def tip(self, ref: int | None) -> str:
        """What hovering a citation shows: outlet, date and the sentence."""
        if ref is None or self.rows.empty:
            return ""
        if self._by_ref is None:
            self._by_ref = {r.ref: r for r in self.rows.itertuples(index=False)}
        r = self._by_ref.get(ref)
        if r is None:
            return ""
        day = f"{r.published:%d %b %Y}" if pd.notna(r.published) else "undated"
        return f"{r.outlet}, {day}: {r.text}"


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
    # external event records (``external_events`` on): one row per record, origin "ICEWS", "GDELT" or "POLECAT"
    external: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EXTERNAL_COLUMNS))
    external_files: pd.DataFrame = field(default_factory=pd.DataFrame)
    # the stored previous edition of the series (sitrep.editions), None for the first
    previous: Edition | None = None

    def label(self, actor_id) -> str:
        if actor_id is None or (isinstance(actor_id, float) and pd.isna(actor_id)):
            return "—"
        return self.labels.get(actor_id, actor_id)

    def cite(self, ref: int | None) -> str:
        """The citation link for evidence number ``ref`` (empty when there is none)."""
        return cite(self.citations.show(ref), self.citations.tip(ref))

    def _in_shown_order(self, refs) -> tuple[list[int], int]:
        """The first MAX_CITES of ``refs`` (by evidence number: the earliest sentences),
        numbered and in shown order, and how many more there are."""
        refs = sorted(dict.fromkeys(r for r in refs if r is not None))
        kept, more = refs[:MAX_CITES], max(0, len(refs) - MAX_CITES)
        for r in kept:
            self.citations.show(r)
        return sorted(kept, key=self.citations.shown.__getitem__), more

    def cite_all(self, refs) -> str:
        """The citation links of ``refs``, in the order their numbers show; beyond
        MAX_CITES, how many more sentences say the same (the evidence list stays short)."""
        kept, more = self._in_shown_order(refs)
        extra = f'<span class="more-refs" title="{more} more sentences state this">+{more}</span>' if more else ""
        return "".join(self.cite(r) for r in kept) + extra

    def cite_text(self, refs) -> str:
        """The plain-text twin of the citations of ``refs``: "[1][4]+2"."""
        kept, more = self._in_shown_order(refs)
        return "".join(f"[{self.citations.show(r)}]" for r in kept) + (f"+{more}" if more else "")

    @property
    def empty(self) -> bool:
        return self.articles.empty

    @property
    def external_on(self) -> bool:
        return bool(getattr(self.params, "external_events", False))

    @property
    def nothing(self) -> bool:
        """No article and no external event record: nothing at all to report."""
        return self.articles.empty and self.external.empty

    def all_events(self) -> pd.DataFrame:
        """Extracted events (origin "articles") and, when ``external_events`` is on, the
        external event records beside them (no article, no sentence: a provenance line)."""
        if not self.external_on:
            return self.events
        own = self.events.assign(origin=ARTICLES, provenance=None)
        if self.external.empty:
            return own
        if own.empty:
            return self.external.reset_index(drop=True)
        return pd.concat([own, self.external], ignore_index=True)


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
    """One key per independent source: an outlet counts once, articles without a named
    outlet count once together, and a near-duplicate (a syndicated wire copy) counts as
    the article it repeats."""
    outlet = dict(zip(articles["id"], articles["source"]))

    def key(row) -> str:
        root = row["near_duplicate_of"] if isinstance(row["near_duplicate_of"], str) else row["id"]
        name = outlet.get(root, row["source"])
        # articles with no named outlet count together as one source: nothing shows they are independent
        return f"outlet:{name}" if isinstance(name, str) and name else "outlet:(unnamed)"

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
    outlets = load_outlets()
    described = [describe(outlets, name) for name in articles["source"]]
    articles["outlet_type"] = [d[0] for d in described]
    articles["outlet_country"] = [d[1] for d in described]
    articles["outlet_owner"] = [d[2] for d in described]
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
    extra: dict = {}
    if getattr(params, "external_events", False):
        external, actors = _external(params, actors)
        extra = {"external": external, "external_files": load_external_files(store)}
        if len(external):  # a store of external records only: their days bound the window
            first_day = min([d for d in (first_day, min(external["event_date"])) if d is not None])
            last_day = max([d for d in (last_day, max(external["event_date"])) if d is not None])
    window_end = params.end or last_day
    previous = (editions.previous(params.series_id, window_end, editions.root_for(store))
                if hasattr(params, "series_id") else None)
    return Briefing(
        previous=previous, params=params, articles=articles, events=events, statements=statements, figures=figures,
        unknown=unknown, labels=dict(zip(actors["id"], actors["label"])), actors=actors, meta=load_meta(store),
        files=load_files(store), citations=citations, edition=_edition(params, store),
        cutoff=_cutoff(params, last_day), first_day=first_day, last_day=last_day, **extra,
    )


def external_focus(actor_ids: pd.Series, focus: list[str], registry) -> pd.Series:
    """Whether each actor of an external record is a focus actor, or acts for one
    (``Registry.affiliation``: a person or body of a focus state, the UN for its officials)."""
    if not focus:
        return pd.Series(True, index=actor_ids.index)
    wanted = set(focus)
    return actor_ids.map(lambda a: isinstance(a, str) and (a in wanted or registry.affiliation(a) in wanted))


def _external(params: BriefingParams, actors: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The external event records of the window, in the shape of extracted events
    (origin, provenance, publisher; no article or sentence), and the actor table with
    every registry actor they name (a store of external records only has none)."""
    from sitrep.extract.codebook import load_codebook
    from sitrep.extract.registry import Registry

    raw = load_external_events(params.store_path, params.start, params.end)
    if raw.empty:
        return pd.DataFrame(columns=EXTERNAL_COLUMNS), actors
    registry = Registry.load()
    raw = raw[external_focus(raw["source_id"], params.focus_actors, registry)
              | external_focus(raw["target_id"], params.focus_actors, registry)].reset_index(drop=True)
    codebook = load_codebook()
    codes = raw["cameo_code"].map(lambda c: c if isinstance(c, str) else "")
    frame = pd.DataFrame({
        "origin": raw["origin"].str.upper(),
        "source": raw["source_id"].where(raw["source_id"].notna(), None),
        "target": raw["target_id"].where(raw["target_id"].notna(), None),
        "source_name": raw["source_name"], "target_name": raw["target_name"],
        "code": codes,
        "label": [codebook[c].name if c in codebook else str(p).replace("_", " ").capitalize() for c, p in zip(codes, raw["plover"])],
        "goldstein": raw["goldstein"].fillna(0.0).astype(float), "quad_class": raw["quad_class"].astype(int),
        "plover": raw["plover"], "event_date": raw["event_date"], "published": raw["event_date"], "date_basis": "stated",
        "provenance": raw["provenance"], "publisher": raw["publisher"],
        "outlet": [p if isinstance(p, str) and p else f"{o.upper()} record" for p, o in zip(raw["publisher"], raw["origin"])],
        "path": raw["path"], "file_sha256": raw["file_sha256"], "line": raw["line"],
        "article_id": None, "sentence": None, "evidence": "", "attributed_to": None, "confidence": 1.0,
    }, columns=EXTERNAL_COLUMNS)
    named = sorted({a for a in pd.concat([frame["source"], frame["target"]]) if isinstance(a, str)} - set(actors["id"]))
    if named:
        day = max(frame["event_date"])
        rows = [{k: v for k, v in registry.row(a, day).items() if k in actors.columns} for a in named if a in registry.actors]
        if rows:
            actors = pd.concat([actors, pd.DataFrame(rows)], ignore_index=True) if len(actors) else pd.DataFrame(rows, columns=actors.columns)
    return frame, actors


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
