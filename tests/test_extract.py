"""Extraction: registry, codebook, accuracy on the gold seed, robustness."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep.config import PROJ_ROOT, RAW_ARTICLES_DIR
from sitrep.evaluate import evaluate, evaluate_devset
from sitrep.extract.codebook import CodebookError, load_codebook
from sitrep.extract.pipeline import Extractor
from sitrep.extract.registry import Registry, RegistryError

EVAL = PROJ_ROOT / "data" / "eval"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


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
    assert scores["all"].f1 >= 0.85  # measured 0.87 on 89 sentences; a drop means a rule broke


def test_heldout_sentences_score_above_floor(extractor):
    """Sentences written after tuning (data/eval/heldout.yaml): the estimate for unseen phrasing."""
    assert evaluate_devset(EVAL / "heldout.yaml", extractor)["all"].f1 >= 0.6  # measured 0.72 on 36 sentences


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
    assert scores["events (src, root, tgt)"].f1 >= 0.65
    assert scores["statements (speaker, stance)"].f1 >= 0.7
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
    assert scores["events (src, root, tgt)"].f1 >= 0.85
    assert scores["statements (speaker, stance)"].f1 >= 0.7
    assert scores["actors"].recall == 1.0


@pytest.mark.parametrize("text, events, statements", [
    # "the group" is the last group named; "a response to" presents the act as an answer
    ("The Houthis fired a drone at a cargo ship in the Red Sea on Monday.\nThe group said the attack was a response to the war in Gaza.",
     {("HOUTHIS", "195", None)}, {("HOUTHIS", "justify")}),
    # a force noun after a verb of doing takes the clause subject as its source
    ("Pakistani troops shelled Indian positions in Kashmir.\nIndia responded with artillery strikes on Pakistani border posts.",
     {("PAK", "190", "IND"), ("IND", "194", "PAK")}, set()),
    # "rejected the remarks": aimed at whoever made them
    ("Egypt said the dam threatened its survival.\nEthiopia rejected the remarks as unfounded.",
     {("EGY", "130", None), ("ETH", "120", "EGY")}, {("EGY", "warn")}),
    # a second target with its own preposition
    ("The Houthis launched missiles at Saudi Arabia and at the United Arab Emirates on Tuesday.",
     {("HOUTHIS", "195", "SAU"), ("HOUTHIS", "195", "ARE")}, set()),
    # "would respond" is a threat only when what it answers is hostile
    ("Venezuela said it would respond forcefully to any attack on its territory.", {("VEN", "138", None)}, {("VEN", "warn")}),
    ("Iran would respond to the proposal within a week, officials said.", set(), set()),
    # unnamed actors: crowds take their place or nationality, institutions their place, attackers stay unnamed
    ("Students in Dhaka protested against Bangladesh's quota system.", {("BGD.CROWDS", "141", "BGD")}, set()),
    ("Police in Georgia arrested dozens of opposition supporters in Tbilisi.", {("GEO", "173", None)}, set()),
    ("Gunmen abducted two Italian aid workers in Mali.", {("UNIDENTIFIED", "181", "ITA")}, set()),
    ("Thousands of demonstrators marched against the government in Lima.", {("CIVILIANS", "141", "PER")}, set()),
    # posture, supplies, interceptions, boycotts (other countries than the dev set's)
    ("Russian warships held live-fire drills near Estonia.", {("RUS", "150", "EST")}, set()),
    ("Algeria cut gas supplies to Spain.", {("DZA", "163", "ESP")}, set()),
    ("Poland's army said it shot down two Belarusian drones.", {("POL", "190", "BLR")}, set()),
    ("Moldova's opposition boycotted the referendum.", {("MDA", "143", None)}, set()),
    # "both sides" are the two states acting on each other, not the mediators named since (who act on each side)
    ("Armenia and Azerbaijan agreed to a ceasefire on Monday.\nThe talks were mediated by Russia and France.\n"
     "Both sides will meet again in Geneva next week.",
     {("ARM", "0871", "AZE"), ("RUS", "045", "ARM"), ("RUS", "045", "AZE"), ("FRA", "045", "ARM"), ("FRA", "045", "AZE"),
      ("ARM", "040", "AZE")}, set()),
    # what an appeal, demand, refusal or threat asks for did not happen (yet)
    ("Kenya called on Ethiopia to release the detained journalists.", {("KEN", "0253", "ETH")}, set()),
    ("Peru demanded the immediate return of its deported nationals.", {("PER", "100", None)}, set()),
    ("Chad refused to withdraw its troops from the border area.", {("TCD", "120", None)}, set()),
    ("Colombia urged Ecuador to restore diplomatic relations.", {("COL", "020", "ECU")}, set()),
    # a negated act of cooperation is a rejection; a negated attack is no event
    ("Serbia said it would not recognise Kosovo's independence.", {("SRB", "120", "XKX")}, set()),
    ("Mali's junta has not yet agreed to meet ECOWAS envoys.", {("MLI", "125", None)}, set()),
    ("Jordan did not attack Syrian positions, the army said.", set(), set()),
    ("Ecuador will never negotiate with the gangs, the president said.", {("ECU", "125", None)}, set()),
    # "received a call from": the caller acts
    ("Nepal's prime minister received a phone call from Indian Prime Minister Narendra Modi.",
     {("IND.MODI", "041", "NPL")}, set()),
    # fighting between two sides is coded both ways
    ("Armenian and Azerbaijani forces exchanged fire near the border overnight.", {("ARM", "193", "AZE"), ("AZE", "193", "ARM")}, set()),
    # the subject of a clause after a subordinator
    ("Morocco recalled its ambassador after Algeria backed the Polisario Front.", {("MAR", "166", None), ("DZA", "051", None)},
     {("DZA", "support")}),
    # nationals in the plural are the state's people, not its government
    ("Hundreds of Kenyans marched in Nairobi against the finance bill.", {("KEN.CROWDS", "141", None)}, set()),
    # general shipments of aid, executions, border closures, repelled attacks, denials
    ("Turkey shipped 500 tonnes of flour and tents to Syria as humanitarian relief.", {("TUR", "073", "SYR")}, set()),
    ("Iran executed two men convicted of spying for Israel.", {("IRN", "180", None)}, set()),
    ("Poland closed its border with Belarus.", {("POL", "163", "BLR")}, set()),
    ("Malian soldiers repelled an attack on a base near Timbuktu.", {("MLI", "190", None)}, set()),
    ("Eritrea denied sending troops into Ethiopia's Tigray region.", {("ERI", "016", None)}, set()),
    ("Uganda summoned the Rwandan high commissioner over the border incident.", {("UGA", "111", "RWA")}, {("UGA", "condemn")}),
    # a person killed in strikes: an assassination; the state attacked stays the target of later strikes
    ("Israel struck Beirut's southern suburbs on Friday.\nHezbollah said Hassan Nasrallah had been killed in the strikes.\n"
     "Further strikes hit targets near Tyre on Saturday.",
     {("ISR", "190", "LBN"), ("ISR", "186", "HEZBOLLAH.NASRALLAH")}, set()),
    # "vowed a strong response", prisoner swaps between two states, a mediator named after "by"
    ("Pakistan's army chief vowed a strong response to any Indian aggression.", {("PAK.MUNIR", "138", "IND")}, {("PAK.MUNIR", "warn")}),
    ("Armenia and Azerbaijan swapped 32 prisoners in a deal brokered by the United States.",
     {("ARM", "0841", "AZE"), ("USA", "045", "ARM"), ("USA", "045", "AZE")}, set()),
    # leaders of any state, by bare surname, and unnamed killers
    ("Ruto met Ugandan President Yoweri Museveni in Kampala on Monday.", {("KEN.RUTO", "040", "UGA.MUSEVENI")}, set()),
    ("Gunmen killed 12 worshippers at a mosque in Burkina Faso.", {("UNIDENTIFIED", "180", "BFA")}, set()),
    # victims "killed in X's strikes" are the attackers' act, coded once
    ("At least nine Syrians were killed in Turkish drone strikes near Kobani.", {("TUR", "195", "SYR.CROWDS")}, set()),
    # compound adjectives are not verbs; an -ing form describing a noun is not an act; conditions are not acts
    ("Jordan condemned the Syrian attack on Russian-backed units.", {("JOR", "1123", "SYR")}, {("JOR", "condemn")}),
    ("Canada announced sanctions against Iran targeting its drone makers.", {("CAN", "163", "IRN")}, set()),
    ("Norway warned Russia of consequences if it attacks Finland.", {("NOR", "130", "RUS")}, {("NOR", "warn")}),
    # heads of state "of A and B" are the subject; mediators act on both parties
    ("The presidents of Kenya and Uganda met in Kampala on Friday.", {("KEN", "040", "UGA")}, set()),
    ("Qatar has been mediating between Rwanda and Burundi.", {("QAT", "045", "RWA"), ("QAT", "045", "BDI")}, set()),
    # rejecting remarks made by someone; claiming an attack; ratifying someone's bid; selling arms
    ("Vietnam rejected the remarks made by the Chinese spokesman as groundless.", {("VNM", "120", "CHN")}, set()),
    ("Al-Shabaab claimed responsibility for a bomb attack on a Kenyan police convoy.",
     {("SOM.AL_SHABAAB", "015", "KEN"), ("SOM.AL_SHABAAB", "190", "KEN")}, set()),
    # an envoy's post names the organisation, the envoy speaks for the state; "the Gulf state" is the state named last
    ("France's UN ambassador Jerome Bonnafont told the council that the blockade must end and warned of famine.",
     {("FRA", "012", None)}, {("FRA", "warn")}),
    # intentions are not acts (CAMEO 03); governments protest officially (114), crowds demonstrate (141)
    ("Norway's government said on Monday it was considering sending more ammunition to Estonia.",
     {("NOR", "033", "EST")}, {("NOR", "support")}),
    ("Chile protested against Argentina's decision to build a base near the border.", {("CHL", "114", "ARG")}, {("CHL", "condemn")}),
    # rejections, sentences, captures, lifted bans, seas named after states, "them", unclaimed bombs, deployments
    ("The rebels turned down Colombia's offer of talks.", set(), set()),
    ("Cuba turned down the Spanish proposal.", {("CUB", "120", "ESP")}, set()),
    ("Iranian authorities sentenced a French citizen to eight years in prison.", {("IRN", "173", "FRA")}, set()),
    ("Azerbaijani forces captured the town of Shusha.", {("AZE", "192", None)}, set()),
    ("India lifted its ban on rice exports to Bangladesh.", {("IND", "085", "BGD")}, set()),
    ("Chinese and Russian bombers flew joint patrols over the Sea of Japan.", set(), set()),
    ("Mali expelled two Danish diplomats, accusing them of espionage.", {("MLI", "166", "DNK"), ("MLI", "112", "DNK")},
     {("MLI", "accuse")}),
    ("A car bomb exploded outside a market in Baghdad.", {("UNIDENTIFIED", "183", "IRQ")}, set()),
    ("Lithuanian troops were deployed to the border with Belarus.", {("LTU", "154", "BLR")}, set()),
    # "launch" and "fire" need a weapon or a direction; "fired" a minister is no attack
    ("North Korea launched a reconnaissance satellite on Tuesday.", set(), set()),
    ("The president fired the defence minister on Monday.", set(), set()),
    ("Azerbaijan fired artillery shells at Armenian positions.", {("AZE", "194", "ARM")}, set()),
    ("Oman launched an investigation into the attack on the tanker.", {("OMN", "090", None)}, set()),
    # the content of an accusation, with an adverb; a participle after "two foreign tankers"
    ("Georgia accused Russia of deliberately provoking unrest.", {("GEO", "112", "RUS")}, {("GEO", "accuse")}),
    ("Greece seized two foreign ships accused of smuggling migrants.", {("GRC", "171", None)}, set()),
    # protests named by the place they erupt in; joint discussions; refusing to cede
    ("Protests erupted across Serbia after the collapse of a railway station roof.", {("SRB.CROWDS", "141", None)}, set()),
    ("Macron and Modi discussed defence cooperation by video call.", {("FRA.MACRON", "041", "IND.MODI")}, set()),
    ("Greek and Turkish ministers discussed migration in Athens.", {("GRC", "040", "TUR")}, set()),
    ("Armenia will not cede any territory to Azerbaijan, Pashinyan said.", {("ARM", "124", "AZE")}, set()),
    # "both governments": the two states the previous sentence named together as its subject
    ("Serbia struck a deal with Hungary.\nBelgrade and Budapest have defended the deal as necessary.\n"
     "Brussels has accused both governments of undermining EU policy.",
     {("SRB", "057", "HUN"), ("EU", "112", "SRB"), ("EU", "112", "HUN")}, {("EU", "accuse"), ("SRB", "justify"), ("HUN", "justify")}),
    # one diplomat expelled; bans, demolitions, charges, general strikes, initialled treaties
    ("Estonia expelled a Russian diplomat on Friday.", {("EST", "166", "RUS")}, set()),
    ("Iran banned Afghan refugees from entering three provinces.", {("IRN", "172", "AFG")}, set()),
    ("Armenian prosecutors charged three Azerbaijanis with espionage.", {("ARM", "173", "AZE.CROWDS")}, set()),
    ("Nigeria's unions called a general strike over fuel prices.", set(), set()),
    ("Serbia and Kosovo initialled an agreement in Brussels.", {("SRB", "057", "XKX")}, set()),
    # what a resolution or statement demands is not its sponsor's act; unnamed gunmen's assaults are 18
    ("Russia vetoed a draft resolution condemning the referendum.", {("RUS", "129", None)}, set()),
    ("Gunmen stormed a hotel in Mogadishu.", {("UNIDENTIFIED", "180", "SOM")}, set()),
    ("Chad asked the French military contingent to leave the country.", {("TCD", "020", "FRA")}, set()),
    # "back" as an adverb; a warning's foreseen act; a protest's purpose; handed-over arms; revoked pacts
    ("The UN urged Syria to let refugees back into their homes.", {("UN", "020", "SYR")}, set()),
    ("Jordan's king warned that an attack on Al-Aqsa would threaten regional stability.", {("JOR.ABDULLAH", "012", None)},
     {("JOR.ABDULLAH", "warn")}),
    ("Thousands of Serbians rallied in Novi Sad to demand the government's resignation.", {("SRB.CROWDS", "141", None)}, set()),
    ("Norway handed over a batch of air defence systems to Ukraine.", {("NOR", "072", "UKR")}, set()),
    ("Mali revoked its defence agreement with France.", {("MLI", "160", "FRA")}, set()),
    ("The European Parliament condemned Georgia's foreign agents law.", {("EU.PARLIAMENT", "111", "GEO")}, {("EU.PARLIAMENT", "condemn")}),
    # "X-backed" describes someone else, "X-led" keeps the leader; threats by a speaker; bare "called it aggression"
    ("Russian-backed separatists shelled the town of Avdiivka.", set(), set()),
    ("The Saudi-led coalition struck Houthi positions in Hodeidah.", {("SAU", "190", "HOUTHIS")}, set()),
    ("A Hamas official said Israel would pay a heavy price for what he called a massacre.",
     {("HAMAS", "138", "ISR"), ("HAMAS", "1124", None)}, {("HAMAS", "warn"), ("HAMAS", "condemn")}),
    ("Kyiv said the strikes were necessary and proportionate.", set(), {("UKR", "justify")}),
    # traded fire, pardons, targeted killings of unnamed commanders, martial law, riots, calls to discuss, "the island"
    ("India and China traded fire along the Line of Actual Control.", {("IND", "193", "CHN"), ("CHN", "193", "IND")}, set()),
    ("Egypt's president pardoned hundreds of prisoners ahead of the holiday.", {("EGY.SISI", "0841", None)}, set()),
    ("Turkish forces killed a senior PKK commander in northern Iraq.", {("TUR", "186", "TUR.PKK")}, set()),
    ("Myanmar's junta declared martial law in 37 townships.", {("MMR", "172", None)}, set()),
    ("Protesters set fire to government offices in Dhaka.", {("BGD.CROWDS", "145", None)}, set()),
    ("Kenya's president called Ruto's rival to discuss the crisis.", {("KEN.RUTO", "041", None)}, set()),
    ("The emir of Kuwait called Erdogan to discuss trade.", {("KWT", "041", "TUR.ERDOGAN")}, set()),
    ("Beijing sent warships towards Taiwan after the island's president visited Paraguay.",
     {("CHN", "154", "TWN"), ("TWN", "042", "PRY")}, set()),
    # "a NATO member" is not NATO; appositions are not coordinated actors; "was a provocation" condemns
    ("It was the first time an EU member had expelled a Chinese diplomat.", set(), set()),
    ("Serbia, Russia's closest ally in the Balkans, said it would not join the sanctions.", set(), set()),
    ("Russia sent drones into Lithuania overnight.\nVilnius said the incursion was a deliberate provocation.",
     {("RUS", "195", "LTU"), ("LTU", "111", "RUS")}, {("LTU", "condemn")}),
    # participles describing people; possessors acted on; what follows "after" is not the main subject's act
    ("Iran arrested two Britons accused of spying for Israel.", {("IRN", "173", "GBR.CROWDS")}, set()),
    ("The African Union suspended Mali's membership after the coup.", {("AU", "160", "MLI")}, set()),
    ("Vietnam summoned China's ambassador after a Chinese vessel rammed a fishing boat.",
     {("VNM", "111", "CHN")}, {("VNM", "condemn")}),
    ("Egypt expressed strong dissatisfaction with Ethiopia's decision to fill the dam.", {("EGY", "110", "ETH")},
     {("EGY", "condemn")}),
    ("The UN rights council voted to set up an inquiry into Iran's crackdown on protesters.", {("UN", "090", "IRN")}, set()),
    # control taken, investment, scrambled jets, mutual blame
    ("Rebel forces in Myanmar said they had taken control of Lashio.", set(), set()),
    ("Azerbaijani troops took control of the town of Lachin.", {("AZE", "192", None)}, set()),
    ("Qatar pledged to invest 10 billion dollars in Egypt.", {("QAT", "031", "EGY")}, set()),
    ("South Korea scrambled fighter jets as Russian bombers approached.", {("KOR", "152", None)}, set()),
    ("Armenia and Azerbaijan blamed each other for the shooting on the border.",
     {("ARM", "112", "AZE"), ("AZE", "112", "ARM")}, {("ARM", "accuse"), ("AZE", "accuse")}),
    # hostages taken, war declared, accusations exchanged, people named before an -ing verb act
    ("Gunmen seized a bus and took its passengers hostage.", {("UNIDENTIFIED", "171", None), ("UNIDENTIFIED", "181", None)}, set()),
    ("Colombia declared war on the ELN.", {("COL", "190", "COL.ELN")}, set()),
    ("Serbia and Kosovo exchanged accusations over the attack.", {("SRB", "112", "XKX"), ("XKX", "112", "SRB")},
     {("SRB", "accuse"), ("XKX", "accuse")}),
    ("Police in Nairobi arrested students protesting against the tax bill.", {("KEN", "173", "CIVILIANS"), ("CIVILIANS", "141", None)}, set()),
    ("Bahrain accused Qatar of meddling in its affairs, an allegation the Gulf state rejected.",
     {("BHR", "112", "QAT"), ("QAT", "120", "BHR")}, {("BHR", "accuse")}),
    ("Hungary's parliament ratified Finland's bid to join the alliance.", {("HUN", "057", "FIN")}, set()),
    ("Washington approved the sale of attack helicopters to Egypt.", {("USA", "062", "EGY")}, set()),
    ("Kenyan police used tear gas to disperse protesters in Nairobi.", {("KEN", "175", "KEN.CROWDS")}, set()),
])
def test_general_phrasing_rules(extractor, text, events, statements):
    out = extractor.extract(text, dt.date(2025, 3, 5))
    assert {(e.source, e.code, e.target) for e in out.events} == events
    assert {(s.speaker, s.stance) for s in out.statements if s.stance != "other"} == statements


def test_trigger_alternatives_are_single_words():
    """"clash|=exchanged =fire" would mean (clash or exchanged) then fire: a multi-word
    alternative must be a trigger of its own."""
    from sitrep.extract.lexicon import TRIGGERS

    for trig in TRIGGERS:
        slots = trig.pattern.split()
        kinds = {a.startswith("=") for a in slots[0].split("|")}
        assert not (len(slots) > 1 and kinds == {True, False}), f"{trig.name}: {trig.pattern}"


def test_lexicon_keyword_sets_are_defined_once_and_exist():
    """A keyword set defined twice silently keeps only the last definition (this hid
    "diplomat" from the expulsion refinement); a rule naming a missing set crashes
    the first article that reaches it."""
    import ast
    import inspect

    from sitrep.extract import lexicon
    from sitrep.extract.lexicon import KEYWORDS, TRIGGERS

    tree = ast.parse(inspect.getsource(lexicon))
    literal = next(node.value for node in ast.walk(tree) if isinstance(node, ast.AnnAssign)
                   and getattr(node.target, "id", "") == "KEYWORDS")
    names = [k.value for k in literal.keys]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
    used = {trig.requires for trig in TRIGGERS} | {trig.unless for trig in TRIGGERS} | \
        {keyset for trig in TRIGGERS for keyset, _ in trig.refine} | \
        {word[1:] for trig in TRIGGERS for slot in trig.pattern.split() for word in slot.split("|") if word.startswith("@")}
    assert used - {None} <= set(KEYWORDS), sorted(used - {None} - set(KEYWORDS))
