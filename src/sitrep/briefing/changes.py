"""What changed since the last edition of the series (section ``changes``), and the
record this edition leaves for the next one.

The comparison is with the stored previous edition (:mod:`sitrep.editions`), never a
guess: new developments (an act by the same actors toward the same targets that the
previous edition did not report), escalations (a pair whose most severe coded act is
at least :data:`ESCALATION` Goldstein points worse), stance changes, actors new to the
series, developments of force no longer reported, and the previous edition's watch
items whose horizon has passed, each scored happened / did not / unclear with its
evidence, with the running tally per likelihood term (the calibration record).
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from sitrep.briefing.developments import act_phrase, developments
from sitrep.briefing.display import HTMLBlock, esc, table
from sitrep.briefing.selection import Briefing, in_focus
from sitrep.briefing.watch import watch_items
from sitrep.briefing.wording import STANCE_WORDS, join_names
from sitrep.codes import FORCE_ROOTS
from sitrep.editions import MIME, Development, Edition, Stance, WatchItem

ESCALATION = 2.0  # Goldstein points
MAX_LINES = 8  # per kind of change
RECORD_DEVELOPMENTS = 200
OUTCOMES = ("happened", "did not happen", "unclear")


def _key(sources, code: str, targets) -> str:
    act = code[:2] if code[:2] in FORCE_ROOTS else code[:3]
    return f"{'+'.join(sorted(sources))}|{act}|{'+'.join(sorted(targets))}"


def _window(b: Briefing) -> tuple[dt.date | None, dt.date | None]:
    return b.params.start or b.first_day, b.params.end or b.last_day


def edition_record(b: Briefing) -> Edition | None:
    """What this edition said, as stored for the next one (None: nothing to store)."""
    start, end = _window(b)
    if start is None or end is None:
        return None
    devs = developments(b).head(RECORD_DEVELOPMENTS)
    rows = [Development(key=_key(d["sources"], d["code"], d["targets"]), date=d["date"], sources=list(d["sources"]),
                        targets=list(d["targets"]), code=d["code"], goldstein=float(d["goldstein"]),
                        line=f"{join_names([b.label(x) for x in d['sources']])} {act_phrase(b, d)}")
            for _, d in devs.iterrows()]
    stances = _stances(b)
    actors = sorted({a for d in rows for a in d.sources + d.targets} | {s.speaker for s in stances})
    return Edition(series=b.params.series_id, start=start, end=end, edition=b.edition, developments=rows,
                   stances=stances, actors=actors, watch=watch_items(b), calibration=calibration(b))


def calibration(b: Briefing) -> dict[str, dict[str, int]]:
    """The series' running tally of scored watch items by likelihood term: the previous
    edition's, plus the items scored in this one."""
    prev = b.previous
    tally = {term: dict(counts) for term, counts in (prev.calibration if prev else {}).items()}
    if prev is not None:
        for item, outcome, _ in _due_scores(b, prev):
            tally.setdefault(item.likelihood, dict.fromkeys(OUTCOMES, 0))[outcome] += 1
    return tally


def _due_scores(b: Briefing, prev: Edition) -> list[tuple[WatchItem, str, str]]:
    end = b.params.end or b.last_day
    return [(i, *score(i, b)) for i in prev.watch if end is not None and i.horizon <= end]


def _stances(b: Briefing) -> list[Stance]:
    """The latest stance of each (speaker, target) pair in the window."""
    s = b.statements
    if s.empty:
        return []
    s = s[s["stance"] != "other"].sort_values(["published", "article_id", "sentence"], kind="stable")
    latest: dict[tuple, str] = {}
    for r in s.itertuples():
        latest[(r.speaker, r.target if isinstance(r.target, str) else None)] = r.stance
    return [Stance(speaker=k[0], target=k[1], stance=v) for k, v in sorted(latest.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))]


class EditionOutput:
    """The edition record as a notebook output: the build stores it (MIME below)."""

    def __init__(self, record: Edition | None):
        self.record = record

    def _repr_mimebundle_(self, include=None, exclude=None):
        if self.record is None:
            return {"text/plain": "No edition record: the window has no dated article."}
        r = self.record
        text = (f"Edition record of series '{r.series}' ({r.start} – {r.end}): {len(r.developments)} developments, "
                f"{len(r.stances)} stances, {len(r.watch)} watch items; stored with the report.")
        return {MIME: r.model_dump(mode="json"), "text/plain": text}


def record_output(b: Briefing) -> EditionOutput:
    return EditionOutput(edition_record(b))


def changes(b: Briefing) -> HTMLBlock:
    """The ``changes`` section: this edition against the stored previous one."""
    series = b.params.series_id
    current = edition_record(b)
    prev = b.previous
    if current is None:
        msg = "No dated article in this window, so there is nothing to compare with the previous edition."
        return HTMLBlock(f'<p class="empty-section">{esc(msg)}</p>', msg)
    if prev is None:
        msg = (f"No previous edition of series '{series}' is stored: this is the first. The next edition of the "
               "series will say what changed since this one, and score its watch items.")
        return HTMLBlock(f'<p class="empty-section">{esc(msg)}</p>', msg)
    parts: list[tuple[str, str]] = []
    intro = (f"Compared with edition {prev.edition} of series '{series}' ({prev.start:%d %b %Y} – {prev.end:%d %b %Y}), "
             "as stored when it was built.")
    devs = developments(b)
    by_key = {}
    for _, d in devs.iterrows():
        by_key.setdefault(_key(d["sources"], d["code"], d["targets"]), d)
    before = {d.key: d for d in prev.developments}
    new = [d for k, d in by_key.items() if k not in before][:MAX_LINES]
    parts.append(_items("New developments", [(_line(b, d), esc(f"(not in edition {prev.edition})")) for d in new],
                        "None: every development of this window was reported in the previous edition."))
    esc_lines = []
    worst_before: dict[tuple, Development] = {}
    for d in prev.developments:
        for s in d.sources:
            for t in d.targets or [None]:
                if (s, t) not in worst_before or d.goldstein < worst_before[(s, t)].goldstein:
                    worst_before[(s, t)] = d
    seen_pairs = set()
    for _, d in devs.sort_values("goldstein", kind="stable").iterrows():
        for s in d["sources"]:
            for t in d["targets"] or [None]:
                old = worst_before.get((s, t))
                if old is None or (s, t) in seen_pairs or d["goldstein"] > old.goldstein - ESCALATION:
                    continue
                seen_pairs.add((s, t))
                esc_lines.append((_line(b, d), esc(f"(previously at most: {old.line}; Goldstein {old.goldstein:+.1f} → "
                                                    f"{d['goldstein']:+.1f})")))
    parts.append(_items("Escalations", esc_lines[:MAX_LINES], "None: no pair's most severe act is worse than before."))
    stance_lines = []
    old_stances = {(s.speaker, s.target): s.stance for s in prev.stances}
    for s in current.stances:
        was = old_stances.get((s.speaker, s.target))
        if was is not None and was != s.stance:
            who = b.label(s.speaker) + (f" on {b.label(s.target)}" if s.target else "")
            stance_lines.append((esc(f"{who}: {STANCE_WORDS.get(was, was)} → {STANCE_WORDS.get(s.stance, s.stance)}"),
                                 _stance_cites(b, s)))
    parts.append(_items("Stance changes", stance_lines[:MAX_LINES], "None recorded."))
    new_actors = [a for a in current.actors if a not in set(prev.actors)][:MAX_LINES * 2]
    parts.append(_items("Actors new to the series", [(esc(join_names([b.label(a) for a in new_actors])), "")] if new_actors else [],
                        "None."))
    gone = [d for d in prev.developments if d.key not in by_key and d.code[:2] in FORCE_ROOTS][:MAX_LINES]
    parts.append(_items("No longer reported", [(esc(f"{d.line} ({d.date:%d %b})"), esc("(no article of this window reports "
                                                "it; it may continue unreported)")) for d in gone],
                        "None: every act of force of the previous edition is reported again."))
    scored_html, scored_text = watch_scores(b, prev)
    markup = f"<p>{esc(intro)}</p>" + "".join(m for m, _ in parts) + scored_html
    return HTMLBlock(markup, "\n".join([intro, *(t for _, t in parts), scored_text]))


def _line(b: Briefing, d) -> str:
    who = join_names([b.label(x) for x in d["sources"]])
    return f"<strong>{esc(who)}</strong> {esc(act_phrase(b, d))} ({d['date']:%d %b}) {b.cite_all(d['refs'])}"


def _stance_cites(b: Briefing, s: Stance) -> str:
    rows = b.statements[(b.statements["speaker"] == s.speaker) & (b.statements["stance"] == s.stance)]
    refs = [b.citations.number(a, n) for a, n in zip(rows["article_id"], rows["sentence"])][:2]
    return b.cite_all(refs)


def _items(title: str, lines: list[tuple[str, str]], empty: str) -> tuple[str, str]:
    if not lines:
        return (f'<h3>{esc(title)}</h3><p class="empty-section">{esc(empty)}</p>', f"{title}: {empty}")
    items = "".join(f"<li>{m}" + (f' <span class="flag">{why}</span>' if why else "") + "</li>" for m, why in lines)
    text = "\n".join(f"  - {html.unescape(_plain(m))}" for m, _ in lines)
    return f'<h3>{esc(title)}</h3><ul class="changes">{items}</ul>', f"{title}:\n{text}"


def _plain(markup: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(markup, "html.parser").get_text("")


def score(item: WatchItem, b: Briefing) -> tuple[str, str]:
    """(outcome, evidence markup) of a previous watch item in this window."""
    end = b.params.end or b.last_day
    start = b.params.start or b.first_day
    e = b.events
    if not e.empty:
        date = e["event_date"].where(e["event_date"].notna(), e["published"])
        hit = e[in_focus(e["source"], [item.actor], b.actors) & e["code"].map(lambda c: c.startswith(tuple(item.codes)))
                & date.map(lambda d: d is not None and not pd.isna(d) and item.made < d <= item.horizon)]
        if item.target is not None:
            hit = hit[in_focus(hit["target"], [item.target], b.actors)]
        if not hit.empty:
            refs = [b.citations.number(a, n) for a, n in zip(hit["article_id"], hit["sentence"])][:3]
            return "happened", b.cite_all(refs)
    if start is not None and end is not None and start <= item.horizon <= end and not b.empty:
        return "did not happen", "not reported in this window's articles up to the horizon"
    return "unclear", "this window's articles do not cover the horizon"


def watch_scores(b: Briefing, prev: Edition) -> tuple[str, str]:
    """The previous edition's watch items whose horizon has passed, scored, and the tally."""
    due = _due_scores(b, prev)
    open_items = len(prev.watch) - len(due)
    if not due:
        msg = (f"None of the previous edition's {len(prev.watch)} watch items has reached its horizon."
               if prev.watch else "The previous edition had no watch items.")
        return f'<h3>Watch items of the previous edition</h3><p class="empty-section">{esc(msg)}</p>', msg
    rows = [{"watch item": f"{item.indicator} by {item.horizon:%d %b %Y}", "likelihood": item.likelihood,
             "outcome": outcome, "evidence": evidence} for item, outcome, evidence in due]
    tally = calibration(b)
    scored = table(pd.DataFrame(rows), caption="Watch items of the previous edition whose horizon has passed",
                   html_columns=["evidence"], column_classes={"watch item": "wide"},
                   note=f"{open_items} further item{'s' if open_items != 1 else ''} not yet due." if open_items else None)
    calib = pd.DataFrame([{"likelihood": term, **counts, "share happened": f"{counts['happened'] / max(1, counts['happened'] + counts['did not happen']):.0%}"}
                          for term, counts in tally.items()])
    record = table(calib, caption=f"Calibration record of series '{prev.series}': outcomes by likelihood term, all editions so far",
                        note="A well-calibrated series sees 'likely' items happen 55–80% of the time and 'unlikely' ones "
                             "20–45%. Unclear items are left out of the share.")
    return "<h3>Watch items of the previous edition</h3>" + scored.markup + record.markup, scored.text + "\n" + record.text
