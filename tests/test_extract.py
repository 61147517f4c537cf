"""Extraction: registry, codebook, accuracy on the gold seed, robustness."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep.config import PROJ_ROOT, RAW_ARTICLES_DIR
from sitrep.evaluate import evaluate, evaluate_devset
from sitrep.extract.codebook import CodebookError, load_codebook
from sitrep.extract.pipeline import Extractor
from sitrep.extract.registry import Registry, RegistryError

EVAL = PROJ_ROOT / "data" / "eval"


def test_registry_knows_every_state(extractor):
    states = [a for a in extractor.registry.actors.values() if a.type == "state"]
    assert len(states) >= 195
    for iso in ("RUS", "IRN", "USA", "ISR", "CHN", "TUV", "VAT", "PSE", "SSD", "FJI"):
        assert extractor.registry.actors[iso].type == "state"
    resolve = extractor.registry.resolve
    assert resolve("Russian Federation", None)[0] == "RUS"  # official name from ISO 3166
    assert resolve("Tehran", None)[0] == "IRN" and resolve("Kremlin", None)[0] == "RUS"
    assert resolve("Emirati", None)[0] == "ARE"


def test_roles_resolve_on_the_article_date(extractor):
    resolve = extractor.registry.resolve
    assert resolve("US President", dt.date(2023, 6, 1))[0] == "USA.BIDEN"
    assert resolve("US President", dt.date(2026, 3, 1))[0] == "USA.TRUMP"
    assert resolve("Iranian Supreme Leader", dt.date(2026, 2, 1))[0] == "IRN.KHAMENEI"
    assert resolve("Iranian Supreme Leader", dt.date(2026, 3, 10))[0] == "IRN.MOJTABA_KHAMENEI"
    assert extractor.registry.label("IRN.PEZESHKIAN", dt.date(2026, 3, 7)) == "Iran — President Masoud Pezeshkian"


def test_seed_accuracy_meets_targets():
    scores = {s.name: s for s in evaluate(EVAL / "seed_gold.yaml", [RAW_ARTICLES_DIR / "000_1dd10de5f214fc39.txt"])}
    assert scores["events (src, root, tgt)"].f1 >= 0.85
    assert scores["actors"].recall == 1.0


def test_seed_names_the_key_actors_and_acts(extractor):
    text = (RAW_ARTICLES_DIR / "000_1dd10de5f214fc39.txt").read_text()
    ex = extractor.extract(text, dt.date(2026, 3, 7))
    actors = {m.actor for m in ex.mentions}
    assert {"RUS.PUTIN", "IRN.PEZESHKIAN", "IRN.KHAMENEI", "RUS", "IRN", "USA", "ISR"} <= actors
    codes = {(e.source, e.code, e.target) for e in ex.events}
    assert ("RUS.PUTIN", "041", "IRN.PEZESHKIAN") in codes  # the phone call
    assert ("RUS.PUTIN", "0256", None) in codes  # the ceasefire appeal
    assert ("RUS.PUTIN", "018", "IRN") in codes  # condolences
    stances = {(s.speaker, s.stance) for s in ex.statements}
    assert {("RUS.PUTIN", "condemn"), ("RUS.PUTIN", "call_ceasefire"), ("IRN", "warn"), ("RUS", "accuse")} <= stances
    for e in ex.events:  # every record points back at its sentence
        sentence = ex.sentences[e.sentence]
        assert sentence.start <= e.start < e.end <= sentence.end
        assert text[sentence.start:sentence.end] == sentence.text


def test_devset_covers_every_root_category_and_scores_above_floor(extractor):
    scores = evaluate_devset(EVAL / "devset.yaml", extractor)
    assert {f"{n:02d}" for n in range(1, 21)} <= set(scores) - {"all"}
    assert scores["all"].f1 >= 0.57  # measured 0.60 (our own sentences; the rules were tuned on them before the parse coder)


def test_heldout_sentences_score_above_floor(extractor):
    """Sentences written after tuning (data/eval/heldout.yaml): the estimate for unseen phrasing."""
    assert evaluate_devset(EVAL / "heldout.yaml", extractor)["all"].f1 >= 0.58  # measured 0.62 on 36 sentences


def test_unknown_names_are_collected(extractor):
    ex = extractor.extract("Colonel Aziz Rahmani of the Northern Front said his men had withdrawn.", None)
    assert "Aziz Rahmani" in " ".join(ex.unknown_actors)


@pytest.mark.parametrize("text", [
    "",
    "   \n\n  ",
    "The weather was mild and the markets were calm.",
    "Iran " + "and the talks " * 3500 + "ended.",  # one sentence of 10,000 words
    "\u200fIran\u200b’s \u202bpresident\u202c said “we will respond” — Moscow\u00a0condemned it.",
])
def test_odd_input_extracts_without_error(extractor, text):
    ex = extractor.extract(text, None)
    for s in ex.sentences:
        assert text[s.start:s.end] == s.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_text_extracts_with_valid_offsets(extractor, text):
    ex = extractor.extract(text, None)
    for m in ex.mentions:
        assert 0 <= m.start < m.end <= len(text)


def test_malformed_registry_names_file_and_line(tmp_path):
    from sitrep.extract.registry import STATES_FILE

    bad = tmp_path / "actors.yaml"
    bad.write_text("as_of: 2026-03-15\nactors:\n- id: X1\n  name: One\n  type: person\n  country: RUS\n"
                   "- id: X1\n  name: Two\n  type: person\n  country: RUS\n")
    with pytest.raises(RegistryError, match=r"actors.yaml:7: duplicate actor id X1"):
        Registry.load(STATES_FILE, bad)
    bad.write_text("actors:\n- id: X2\n  name: Two\n  type: person\n  country: ZZZ\n")
    with pytest.raises(RegistryError, match=r"actors.yaml:2: unknown country 'ZZZ'"):
        Registry.load(STATES_FILE, bad)
    bad.write_text("actors:\n- id: X3\n  name: Three\n  type: person\n  country: RUS\n  roles:\n"
                   "  - {title: President, from: 2020-01-01, to: 2024-01-01}\n  - {title: President, from: 2023-01-01, to: null}\n")
    with pytest.raises(RegistryError, match="overlap"):
        Registry.load(STATES_FILE, bad)


def test_codebook_is_complete_and_validated(tmp_path):
    codes = load_codebook()
    assert len(codes) == 312
    assert (codes["195"].quad_class, codes["195"].plover) == (4, "ASSAULT")
    assert (codes["041"].quad_class, codes["041"].goldstein) == (1, 1.0)
    bad = tmp_path / "cameo.csv"
    bad.write_text("code,name,goldstein,quad_class,root,plover\n01,Make public statement,0,1,01,OTHER\n195,Bad,-99,4,19,ASSAULT\n")
    with pytest.raises(CodebookError, match=r"cameo.csv:3: Goldstein value -99.0 outside"):
        load_codebook(bad)


def test_own_sample_articles_score_above_floor():
    """Hand-annotated gold for three of our sample articles (data/eval/sample_gold.yaml)."""
    files = ["003_iran_retaliation.txt", "005_hezbollah_front.md", "007_katz_warning.txt"]
    scores = {s.name: s for s in evaluate(PROJ_ROOT / "data/eval/sample_gold.yaml", [RAW_ARTICLES_DIR / f for f in files])}
    assert scores["events (src, root, tgt)"].f1 >= 0.45  # measured 0.48 with the parse coder (0.36 recall: see the note)
    assert scores["statements (speaker, stance)"].f1 >= 0.7  # measured 0.76
    assert scores["actors"].recall == 1.0


def test_articles_about_other_crises_score_above_floor():
    """Wire-style articles on the India-Pakistan ceasefire and the siege of El Fasher
    (data/eval/article_gold.yaml): coreference ("Its army said it ...", "the Gulf
    state"), "both countries", mediation without named parties, background clauses,
    coordinated speech verbs, envoys' titles, relative clauses, armed groups, "the Iran-aligned group",
    threats ("would pay a heavy price") and justifications ("necessary and proportionate")."""
    articles = PROJ_ROOT / "data/eval/articles"
    scores = {s.name: s for s in evaluate(PROJ_ROOT / "data/eval/article_gold.yaml",
                                          [articles / "india_pakistan_ceasefire.txt", articles / "sudan_el_fasher.txt",
                                           articles / "drc_rwanda_deal.txt", articles / "red_sea_strikes.txt",
                                           articles / "poland_drones.txt"])}
    assert scores["events (src, root, tgt)"].f1 >= 0.55  # measured 0.58 with the parse coder (the rules were tuned on these: 0.86)
    assert scores["statements (speaker, stance)"].f1 >= 0.58  # measured 0.61
    assert scores["actors"].recall == 1.0


PHRASINGS = yaml.safe_load((EVAL / "phrasings.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c["text"][:60], marks=() if c["holds"] else pytest.mark.xfail(reason="known gap", strict=True))
    for c in PHRASINGS])
def test_phrasings(extractor, case):
    """Each phrasing gives exactly its events (by root code) and stances; known gaps must
    still fail (xfail strict), so a fix shows up as a flag to flip."""
    out = extractor.extract(case["text"], dt.date(2025, 3, 5))
    assert {(e.source, e.code[:2], e.target) for e in out.events} == {(s, c[:2], t) for s, c, t in case["events"]}
    assert {(s.speaker, s.stance) for s in out.statements if s.stance != "other"} == {tuple(x) for x in case["statements"]}


def test_phrasing_suite_keeps_its_share():
    """The share of phrasings that hold may only grow (measured 64 of 116 when the
    parse-based coder replaced the token-window rules)."""
    assert sum(c["holds"] for c in PHRASINGS) >= 64 and len(PHRASINGS) >= 116
