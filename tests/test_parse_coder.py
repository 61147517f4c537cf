"""The parse-based coder: pattern file validation, the stages read from the parse,
text structure, language, linear-time pieces, and the real-news scorer."""

from __future__ import annotations

import hashlib
import time

import pytest
import yaml

from sitrep.config import PROJ_ROOT
from sitrep.evaluate import real_articles
from sitrep.extract.language import detect_language
from sitrep.extract.pipeline import Extractor
from sitrep.extract.patterns import PATTERNS_FILE, PatternError, load_patterns
from sitrep.extract.records import Sentence
from sitrep.extract.sentences import pieces, split_sentences
from sitrep.extract.structure import StructureError, TextStructure


@pytest.fixture(scope="session")
def parser(extractor) -> Extractor:
    return extractor


def _triples(ex: Extractor, text: str) -> set[tuple]:
    country = ex.registry.affiliation
    return {(country(e.source), e.code[:2], country(e.target)) for e in ex.extract(text).events}


def test_pattern_file_loads_with_every_code_in_the_codebook(parser):
    patterns = load_patterns(PATTERNS_FILE, codes=set(parser.codebook))
    assert len(patterns.patterns) > 100
    roots = {p.code[:2] for p in patterns.patterns}
    assert roots >= {f"{n:02d}" for n in range(1, 21)}  # every CAMEO root has a pattern
    assert patterns.candidates("condemn", "verb")[0].name == "condemn"
    assert "on" in next(p for p in patterns.patterns if p.name == "call-on").preps  # YAML's 'on' stays a word


@pytest.mark.parametrize("row, problem", [
    ("- {name: x, lemma: hit, pos: adverb, code: '190'}", "pos"),
    ("- {name: x, lemma: hit, pos: verb, code: '999'}", "code 999 is not in the CAMEO codebook"),
    ("- {name: x, lemma: hit, pos: verb, code: '19a'}", "is not 2-4 digits"),
    ("- {name: x, lemma: hit, pos: verb, code: '190', object: '@nosuch'}", "unknown keyword set '@nosuch'"),
    ("- {name: x, lemma: hit, pos: verb, code: '190', refine: nosuch}", "unknown refinement 'nosuch'"),
    ("- {name: x, lemma: hit, pos: verb, code: '190', colour: red}", "colour"),
])
def test_malformed_pattern_names_file_and_line(tmp_path, parser, row, problem):
    path = tmp_path / "patterns.yaml"
    path.write_text("keywords:\n  a: [b]\nrefinements:\n  r: [[a, '190']]\npatterns:\n"
                    "- {name: ok, lemma: hit, pos: verb, code: '190'}\n" + row + "\n", encoding="utf-8")
    with pytest.raises(PatternError) as err:
        load_patterns(path, codes=set(parser.codebook))
    message = str(err.value)
    assert message.startswith(f"{path}:7:") and problem in message
    assert "\n" not in message


def test_duplicate_pattern_names_are_refused(tmp_path):
    path = tmp_path / "patterns.yaml"
    path.write_text("keywords: {}\nrefinements: {}\npatterns:\n- {name: a, lemma: hit, pos: verb, code: '190'}\n"
                    "- {name: a, lemma: strike, pos: verb, code: '190'}\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r":5: pattern name 'a' is used twice"):
        load_patterns(path)


@pytest.mark.parametrize("text, expected, absent", [
    # arguments from the parse: subject, object, coordination, passive agent
    ("Russia and China condemned the sanctions imposed by the European Union.", {("RUS", "11", None), ("CHN", "11", None)}, set()),
    ("Iran was attacked by Israel on Saturday.", {("ISR", "19", "IRN")}, set()),
    ("Turkey launched airstrikes on Syria and Iraq.", {("TUR", "19", "SYR"), ("TUR", "19", "IRQ")}, set()),
    ("Egypt called on Israel and Hamas to agree to a ceasefire.", {("EGY", "02", "ISR"), ("EGY", "02", "PSE")}, set()),
    # modality: negation, modals, conditions, questions, content of appeals and threats
    ("Israel did not attack Iran.", set(), {("ISR", "19", "IRN")}),
    ("Israel could attack Iran if talks fail.", set(), {("ISR", "19", "IRN")}),
    ("Will Israel attack Iran?", set(), {("ISR", "19", "IRN")}),
    ("Egypt urged Israel not to attack Lebanon.", {("EGY", "02", "ISR")}, {("ISR", "19", "LBN")}),
    ("Iran threatened to attack Israel.", {("IRN", "13", "ISR")}, {("IRN", "19", "ISR")}),
    # a negated act of cooperation is a rejection; an intended one an intent (CAMEO 03)
    ("Ukraine refused to negotiate with Russia.", {("UKR", "12", "RUS")}, {("UKR", "04", "RUS")}),
    ("Qatar plans to send aid to Sudan.", {("QAT", "03", "SDN")}, {("QAT", "07", "SDN")}),
    # nominal events and who a condemnation is aimed at
    ("Hamas condemned Israel's strikes on Lebanon.", {("PSE", "11", "ISR"), ("ISR", "19", "LBN")}, {("PSE", "11", "LBN")}),
])
def test_parse_stages_read_arguments_and_modality(parser, text, expected, absent):
    found = _triples(parser, text)
    assert expected <= found, found
    assert not absent & found, found


def test_refinement_by_phrase_keywords(parser):
    codes = {e.code for e in parser.extract("China called for an immediate ceasefire in Gaza.").events}
    assert codes == {"0256"}


def test_rule_and_plover_on_every_record(parser):
    [event] = parser.extract("Pakistan shelled Indian positions.").events
    assert event.rule == "shell" and event.plover == "ASSAULT" and event.code == "194"


def test_non_news_lines_are_not_coded(parser):
    text = ("Read more: Israel attacked Iran on Friday\n"
            "Photo: Israeli jets attacked Iran\n"
            "Egypt condemned the raid.\n"
            "Israel bombed Iran and Lebanon while the United States said it was")
    out = parser.extract(text)
    assert len(out.sentences) == 4
    assert {e.sentence for e in out.events} <= {2}  # the caption, the "Read more" line and the cut-off end are skipped


def test_text_structure_file_errors_name_the_line(tmp_path):
    path = tmp_path / "structure.yaml"
    path.write_text("not_news:\n- {name: a, line: 'ok'}\n- {name: b, line: '(unclosed'}\n", encoding="utf-8")
    with pytest.raises(StructureError, match=r":3: rule 'b': bad regular expression"):
        TextStructure.load(path)
    structure = TextStructure.load()
    assert structure.kind("Read more: the war in Sudan") == "read-more"
    assert structure.kind("Sudan's army said it repelled an attack.") is None
    assert structure.not_news([Sentence(0, 0, 10, "The army said it had repelled the attack and that the")]) == {0}


@pytest.mark.parametrize("text, code", [
    ("Le ministre français des Affaires étrangères a condamné les frappes contre le Mali. Il a demandé aux deux "
     "parties de reprendre le dialogue sans conditions.", "fr"),
    ("Der Bundeskanzler hat die Angriffe verurteilt und eine sofortige Waffenruhe gefordert. Die Regierung will "
     "weitere Gespräche mit beiden Seiten führen.", "de"),
    ("El gobierno de Venezuela rechazó la decisión de la Corte Internacional de Justicia. Guyana pidió a la comunidad "
     "internacional que respalde su posición.", "es"),
    ("Al-Shabaab claimed responsibility for a bomb attack on a Kenyan police convoy near the border with Somalia "
     "on Tuesday, the police said.", "en"),
    ("Russia called for a ceasefire.", "en"),  # too short to tell: the default
    ("12 34 -- !!", "en"),  # no letters: the default
])
def test_language_is_detected(text, code):
    assert detect_language(text) == code


def test_articles_in_other_languages_are_not_coded(parser):
    out = parser.extract("Le président français a condamné les frappes israéliennes contre l'Iran et appelé à un "
                         "cessez-le-feu. Il a aussi demandé à Israël de ne pas attaquer le Liban.")
    assert out.language == "fr" and out.sentences and not out.events and not out.statements


def test_long_lines_are_cut_into_bounded_pieces():
    line = ("Troops advanced. " * 2000) + ("word " * 3000)
    parts = list(pieces("Headline\n" + line))
    assert all(len(p) <= 4000 for _, p in parts)
    text = "Headline\n" + line
    for offset, piece in parts:
        assert text[offset:offset + len(piece)] == piece  # offsets point into the article


def test_parsing_time_grows_linearly(parser):
    def timed(n: int) -> float:
        text = "Israel struck targets in Gaza and Hamas fired rockets at Israel, officials said " * n
        start = time.perf_counter()
        split_sentences(parser.nlp, text)
        return time.perf_counter() - start

    small, large = timed(100), timed(800)
    assert large < 8 * small * 3  # 8x the text may cost 8x the time, with room for noise; quadratic would be 64x


def test_real_gold_refuses_a_text_that_changed(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text("Headline\nSudan's army said it repelled an attack.\n", encoding="utf-8")
    digest = hashlib.sha256((texts / "a.txt").read_bytes()).hexdigest()
    gold = tmp_path / "gold.yaml"
    gold.write_text(yaml.safe_dump({"articles": [{"id": "a", "file": "a.txt", "sha256": digest, "date": "2024-01-01"}]}))
    assert [e["id"] for e, _ in real_articles(gold, texts)] == ["a"]
    (texts / "a.txt").write_text("changed\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="gold says"):
        real_articles(gold, texts)


def test_real_gold_files_are_well_formed():
    for path in sorted((PROJ_ROOT / "data" / "eval" / "real").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for article in doc["articles"]:
            assert str(article["date"]) < "2025-01-01", (path, article["id"])
            assert len(article["sha256"]) == 64 and article["url"].startswith("http")
            ids = {a["id"] for a in article["actors"]}
            for e in article.get("events", []):
                assert e["source"] in ids | {"UNIDENTIFIED"} or e["source"] is None, (path, article["id"], e)


def test_an_article_in_another_language_is_stored_with_its_language_uncoded(tmp_path):
    from sitrep.briefing.selection import load_briefing
    from sitrep.briefing.sources import method_notes
    from sitrep.params import BriefingParams
    from sitrep.ingest.update import update_store
    from sitrep.store import connect

    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "fr.md").write_text("---\ntitle: Frappes\npublished: 2025-03-05\n---\nLe président français a condamné les "
                                  "frappes israéliennes contre l'Iran et appelé à un cessez-le-feu. Il a aussi demandé à "
                                  "Israël de ne pas attaquer le Liban.\n", encoding="utf-8")
    (corpus / "en.md").write_text("---\ntitle: Strikes\npublished: 2025-03-05\n---\nFrance condemned the Israeli strikes on "
                                  "Iran and called for a ceasefire on Wednesday, the foreign ministry said.\n", encoding="utf-8")
    store = tmp_path / "s.duckdb"
    update_store([corpus], store)
    with connect(store, read_only=True) as con:
        languages = dict(con.execute("SELECT title, language FROM articles").fetchall())
        coded = dict(con.execute("SELECT a.title, count(e.code) FROM articles a LEFT JOIN events e ON e.article_id = a.id "
                                 "GROUP BY a.title").fetchall())
    assert languages == {"Frappes": "fr", "Strikes": "en"}
    assert coded["Frappes"] == 0 and coded["Strikes"] > 0
    notes = method_notes(load_briefing(BriefingParams(store=str(store)))).text
    assert "1 article in fr not coded (the coder reads en)" in notes
