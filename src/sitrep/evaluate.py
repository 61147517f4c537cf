"""Scoring extraction against a gold annotation (precision, recall, F1).

Events are compared as (source country, CAMEO root code, target country) triples,
statements as (speaker country, stance) pairs, actors by id. A gold item may list
alternatives (``source_alt``, ``target_alt``, ``code_alt``), be ``symmetric``
(source and target may be swapped), and a null target without alternatives
accepts any target. Each gold item matches at most one prediction (maximum
bipartite matching), so duplicates in the output count as false positives.

Gold files follow ``../shared/eval/seed_gold.yaml``; ``python -m sitrep.evaluate
GOLD.yaml ARTICLE...`` prints the scores.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass
class Score:
    name: str
    gold: int
    predicted: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (f"{self.name:<28} gold {self.gold:>3}  predicted {self.predicted:>3}  matched {self.matched:>3}  "
                f"P {self.precision:.2f}  R {self.recall:.2f}  F1 {self.f1:.2f}")


def _match(gold: list, predicted: list, fits) -> int:
    """Size of a maximum matching between gold and predicted items (Kuhn's algorithm)."""
    owner: dict[int, int] = {}

    def augment(g: int, seen: set[int]) -> bool:
        for p in range(len(predicted)):
            if p in seen or not fits(gold[g], predicted[p]):
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = g
                return True
        return False

    return sum(1 for g in range(len(gold)) if augment(g, set()))


def _countries(gold_actors: dict[str, str | None], ids) -> set:
    return {gold_actors.get(i, i) for i in ids}


def event_fits(gold_actors: dict[str, str | None]):
    def fits(g: dict, p: tuple) -> bool:
        sources = _countries(gold_actors, [g["source"], *(g.get("source_alt") or [])])
        roots = {str(c)[:2].zfill(2) for c in [g["code"], *(g.get("code_alt") or [])]}
        if g.get("target") is None and not g.get("target_alt"):
            targets = None
        else:
            targets = _countries(gold_actors, [g.get("target"), *(g.get("target_alt") or [])])
        src, root, tgt = p
        if root not in roots:
            return False
        if src in sources and (targets is None or tgt in targets):
            return True
        return bool(g.get("symmetric")) and tgt in sources and (targets is None or src in targets)
    return fits


def statement_fits(gold_actors: dict[str, str | None]):
    def fits(g: dict, p: tuple) -> bool:
        return p[1] in {g["stance"], *(g.get("stance_alt") or [])} and p[0] in _countries(gold_actors, [g["speaker"], *(g.get("speaker_alt") or [])])
    return fits


def gold_code(value) -> str:
    """CAMEO codes in YAML may lose their leading zero (018 -> 18 as an int)."""
    text = str(value)
    return text.zfill(3) if len(text) < 3 else text


def score_article(gold: dict, extraction, registry) -> list[Score]:
    """Scores of one extracted article against its gold entry."""
    gold_actors = {a["id"]: a.get("country") or a["id"] for a in gold.get("actors", [])}
    for e in gold.get("events", []):
        e["code"] = gold_code(e["code"])
        e["code_alt"] = [gold_code(c) for c in e.get("code_alt") or []]

    country = registry.affiliation

    predicted_events = [(country(e.source), e.code[:2], country(e.target)) for e in extraction.events]
    predicted_statements = [(country(s.speaker), s.stance) for s in extraction.statements]
    found_actors = {m.actor for m in extraction.mentions}
    gold_ids = [a["id"] for a in gold.get("actors", [])]
    return [
        Score("events (src, root, tgt)", len(gold.get("events", [])), len(predicted_events),
              _match(gold.get("events", []), predicted_events, event_fits(gold_actors))),
        Score("statements (speaker, stance)", len(gold.get("statements", [])), len(predicted_statements),
              _match(gold.get("statements", []), predicted_statements, statement_fits(gold_actors))),
        Score("actors", len(gold_ids), len(found_actors), len([a for a in gold_ids if a in found_actors])),
    ]


def evaluate(gold_file: Path, articles: list[Path], extractor=None) -> list[Score]:
    """Scores summed over the gold file's articles (matched to files in order, or by id)."""
    from sitrep.ingest import read_articles

    doc = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
    extractor = extractor or make_extractor()
    totals: dict[str, Score] = {}
    for gold, path in zip(doc["articles"], articles):
        [article] = read_articles(path)
        day = gold.get("date")
        day = dt.date.fromisoformat(str(day)) if day else article.meta.published
        for s in score_article(gold, extractor.extract(article.text, day), extractor.registry):
            t = totals.setdefault(s.name, Score(s.name, 0, 0, 0))
            t.gold += s.gold
            t.predicted += s.predicted
            t.matched += s.matched
    return list(totals.values())


PLOVER_ROOTS_FILE = Path(__file__).resolve().parents[2] / "data" / "eval" / "plover_roots.yaml"


def evaluate_plover(path: Path, extractor=None, roots_file: Path = PLOVER_ROOTS_FILE) -> dict[str, Score]:
    """Per-category scores on the PLOVER gold-standard records (a JSON list of
    CAMEO-manual sentences, each with one PLOVER category).

    A record counts as found when an event of one of its category's CAMEO roots is
    extracted from its sentence (recall); every extracted event counts as predicted
    for the category its root belongs to, and as matched when that is the record's
    category (precision). Roots shared by two categories count for the record's.
    """
    import json

    extractor = extractor or make_extractor()
    roots = yaml.safe_load(roots_file.read_text(encoding="utf-8"))
    category_of_root: dict[str, str] = {}
    for category, codes in roots.items():
        for code in codes:
            category_of_root.setdefault(code, category)
    records = [r for r in json.loads(path.read_text(encoding="utf-8")) if r.get("text") and r.get("event") in roots]
    scores: dict[str, Score] = {c: Score(f"{c}", 0, 0, 0) for c in sorted({r["event"] for r in records})}
    silent = 0
    for r in records:
        wanted = set(roots[r["event"]])
        found = [e.code[:2] for e in extractor.extract(r["text"]).events]
        s = scores[r["event"]]
        s.gold += 1
        if not found:
            silent += 1
        hit = any(code in wanted for code in found)
        s.matched += hit
        for code in found:
            category = r["event"] if code in wanted else category_of_root.get(code, "OTHER")
            scores.setdefault(category, Score(category, 0, 0, 0)).predicted += 1
    total = Score("all categories", sum(s.gold for s in scores.values()), sum(s.predicted for s in scores.values()),
                  sum(s.matched for s in scores.values()))
    total_silent = Score(f"sentences with no event: {silent}", 0, 0, 0)
    return scores | {"all": total, "silent": total_silent}


def real_articles(gold_file: Path, texts: Path) -> list[tuple[dict, Path]]:
    """The (gold entry, text file) pairs of a real-news gold file: texts live outside
    the repository (they are not ours); each must still hash to the annotated sha256."""
    import hashlib

    doc = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
    pairs = []
    for entry in doc["articles"]:
        path = texts / entry["file"]
        if not path.exists():
            raise SystemExit(f"{gold_file}: article {entry['id']}: text {path} is missing")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != entry["sha256"]:
            raise SystemExit(f"{gold_file}: article {entry['id']}: {path} has sha256 {digest}, gold says {entry['sha256']}")
        pairs.append((entry, path))
    return pairs


def evaluate_real(gold_files: list[Path], texts: Path, extractor=None, english_only: bool = True) -> dict[str, Score]:
    """Scores summed over real-news gold files, plus events per CAMEO root."""
    from sitrep.ingest import read_articles

    extractor = extractor or make_extractor()
    totals: dict[str, Score] = {}
    per_root: dict[str, Score] = {}
    country = extractor.registry.affiliation
    for gold_file in gold_files:
        for gold, path in real_articles(gold_file, texts):
            if english_only and gold.get("language", "en") != "en":
                continue
            [article] = read_articles(path)
            day = dt.date.fromisoformat(str(gold["date"]))
            extraction = extractor.extract(article.text, day)
            for s in score_article(gold, extraction, extractor.registry):
                t = totals.setdefault(s.name, Score(s.name, 0, 0, 0))
                t.gold += s.gold
                t.predicted += s.predicted
                t.matched += s.matched
            gold_actors = {a["id"]: a.get("country") or a["id"] for a in gold.get("actors", [])}
            # annotators name actors with ids of their own ("SDN.ARMY"): count actors by whom they act for
            gold_countries = set(gold_actors.values())
            found_countries = {country(m.actor) for m in extraction.mentions}
            t = totals.setdefault("actors by country", Score("actors by country", 0, 0, 0))
            t.gold += len(gold_countries)
            t.predicted += len(found_countries)
            t.matched += len(gold_countries & found_countries)
            predicted = [(country(e.source), e.code[:2], country(e.target)) for e in extraction.events]
            events = gold.get("events", [])
            for root in sorted({e["code"][:2] for e in events} | {p[1] for p in predicted}):
                g_root = [e for e in events if e["code"][:2] == root]
                p_root = [p for p in predicted if p[1] == root]
                s = per_root.setdefault(root, Score(f"  root {root}", 0, 0, 0))
                s.gold += len(g_root)
                s.predicted += len(p_root)
                s.matched += _match(g_root, p_root, event_fits(gold_actors))
    return totals | dict(sorted(per_root.items()))


def make_extractor():
    from sitrep.extract.pipeline import shared_extractor

    return shared_extractor()


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--plover":
        for s in evaluate_plover(Path(argv[1]), make_extractor()).values():
            print(s.line())
        return 0
    if len(argv) >= 3 and argv[0] == "--real":
        for s in evaluate_real([Path(a) for a in argv[2:]], Path(argv[1]), make_extractor()).values():
            print(s.line())
        return 0
    if len(argv) == 2 and argv[0] == "--devset":
        for s in evaluate_devset(Path(argv[1]), make_extractor()).values():
            print(s.line())
        return 0
    if len(argv) < 2:
        print("usage: python -m sitrep.evaluate GOLD.yaml ARTICLE... | --devset DEVSET.yaml"
              " | --plover PLOVER.json | --real TEXTS_DIR GOLD.yaml...", file=sys.stderr)
        return 2
    for s in evaluate(Path(argv[0]), [Path(a) for a in argv[1:]], make_extractor()):
        print(s.line())
    return 0



def evaluate_devset(path: Path, extractor=None) -> dict[str, Score]:
    """Per-root-category scores on a development set of single sentences.

    A null source or target in the expected triple accepts any actor (or none), so
    "protesters demonstrated against the government" needs only the root and the target.
    """
    extractor = extractor or make_extractor()
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    scores: dict[str, Score] = {}

    country = extractor.registry.affiliation

    def fits(g, p) -> bool:
        return g[1] == p[1] and (g[0] is None or g[0] == p[0]) and (g[2] is None or g[2] == p[2])

    for item in doc["sentences"]:
        day = item.get("date")
        day = dt.date.fromisoformat(str(day)) if day else None
        ex = extractor.extract(item["text"], day)
        predicted = [(country(e.source), e.code[:2], country(e.target)) for e in ex.events]
        gold = [tuple(g) for g in item.get("events", [])]
        for root in {g[1] for g in gold} | {p[1] for p in predicted}:
            g_root = [g for g in gold if g[1] == root]
            p_root = [p for p in predicted if p[1] == root]
            s = scores.setdefault(root, Score(f"root {root}", 0, 0, 0))
            s.gold += len(g_root)
            s.predicted += len(p_root)
            s.matched += _match(g_root, p_root, fits)
    total = Score("all roots", sum(s.gold for s in scores.values()), sum(s.predicted for s in scores.values()),
                  sum(s.matched for s in scores.values()))
    return dict(sorted(scores.items())) | {"all": total}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
