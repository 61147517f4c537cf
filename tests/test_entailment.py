"""Every development line of the sample briefing is entailed by what it cites: the
cited sentences name one of the line's actors (or a person or body of it) and
contain the trigger of one of its coding rules. The issue's floor is 90% of lines
(goal 100%); the measured share is printed."""

from __future__ import annotations

import duckdb
import pytest

from sitrep.briefing import developments as dv
from sitrep.briefing.selection import load_briefing
from sitrep.extract.patterns import load_patterns
from sitrep.params import BriefingParams

FLOOR = 0.90


def entailment(store, nlp) -> tuple[float, list[str]]:
    b = load_briefing(BriefingParams(store=str(store)))
    devs = dv.developments(b)
    patterns = {p.name: p.lemmas for p in load_patterns().patterns}
    rows = b.citations.rows.set_index("ref")
    con = duckdb.connect(str(store), read_only=True)
    try:
        mentioned: dict[tuple, set] = {}
        for a, s, actor in con.execute("SELECT article_id, sentence, actor_id FROM mentions").fetchall():
            mentioned.setdefault((a, s), set()).add(actor)
    finally:
        con.close()
    country = dict(zip(b.actors["id"], b.actors["country"]))
    ok, failures = 0, []
    for _, d in devs.iterrows():
        cited = [rows.loc[r] for r in d["refs"] if r in rows.index]
        named = set().union(*(mentioned.get((c["article_id"], int(c["sentence"])), set()) for c in cited)) if cited else set()
        actor = any(s in named or any(country.get(m) == s for m in named) or country.get(s) in named for s in d["sources"])
        lemmas = {t.lemma_.lower() for c in cited for t in nlp(c["text"])}
        triggers = set().union(*(patterns.get(r.split("/")[0], frozenset()) for r in d["rules"])) if d["rules"] else set()
        trigger = not triggers or bool(triggers & lemmas)
        if cited and actor and trigger:
            ok += 1
        else:
            failures.append(f"{d['sources']} {d['code']} {d['targets']} actor={actor} trigger={trigger} refs={d['refs']}")
    return ok / max(1, len(devs)), failures


@pytest.mark.slow
def test_development_lines_are_entailed_by_their_citations(sample_store, extractor):
    share, failures = entailment(sample_store, extractor.nlp)
    print(f"entailed lines: {share:.0%}; not entailed: {failures}")
    assert share >= FLOOR, failures
