"""Word lists of the extraction rules: verb inflection and the event triggers.

A trigger is a short token sequence written in a small notation:

- ``condemn``      a verb: matches condemn, condemns, condemned, condemning
- ``=for``         a literal word (no inflection)
- ``a|b``          alternatives for one word (``a|b c`` is a or b, then c: a
                   multi-word alternative needs a trigger of its own)
- ``~2``           up to two arbitrary tokens
- ``@ceasefire``   a keyword set from ``KEYWORDS`` (any of its words)

Each :class:`Trigger` gives the CAMEO code, the refinements that make the code more
specific when keywords follow the trigger, and how to find the target. Rules are
for the phrasing of news in general, not for any one article.
"""

from __future__ import annotations

from dataclasses import dataclass, field

IRREGULAR = {
    "speak": ["spoke", "spoken"], "meet": ["met"], "hold": ["held"], "send": ["sent"], "strike": ["struck", "stricken"],
    "fight": ["fought"], "shoot": ["shot"], "give": ["gave", "given"], "take": ["took", "taken"], "withdraw": ["withdrew", "withdrawn"],
    "lead": ["led"], "say": ["said"], "tell": ["told"], "make": ["made"], "hit": ["hit", "hitting"], "break": ["broke", "broken"],
    "bring": ["brought"], "sell": ["sold"], "throw": ["threw", "thrown"], "begin": ["began", "begun"], "cut": ["cut", "cutting"],
    "put": ["put", "putting"], "set": ["set", "setting"], "shut": ["shut", "shutting"], "spread": ["spread"], "keep": ["kept"], "seek": ["sought"],
    "forgive": ["forgave", "forgiven"], "freeze": ["froze", "frozen"], "overrun": ["overran"], "drive": ["drove", "driven"],
    "swear": ["swore", "sworn"], "leave": ["left"], "come": ["came"], "go": ["went", "gone"], "pay": ["paid"], "lay": ["laid"],
    "undertake": ["undertook", "undertaken"], "draw": ["drew", "drawn"], "fly": ["flew", "flown"], "bid": ["bid"],
    "shake": ["shook", "shaken"], "stand": ["stood"], "win": ["won"], "lose": ["lost"], "arise": ["arose", "arisen"],
    "shell": ["shelled", "shelling", "shells"], "offer": ["offered", "offering", "offers"], "visit": ["visited", "visiting", "visits"],
    "target": ["targeted", "targeting", "targets", "targetted"], "threaten": ["threatened", "threatening", "threatens"],
    "open": ["opened", "opening", "opens"], "deliver": ["delivered", "delivering", "delivers"], "veto": ["vetoed", "vetoes", "vetoing"],
}
DOUBLE_FINAL = {"ban", "plan", "stop", "drop", "ship", "rob", "admit", "commit", "submit", "permit", "bar", "jam", "scrap",
                "slam", "grip", "nab", "regret", "equip", "occur", "refer", "prefer", "confer", "rebut", "trim", "plot", "step",
                "expel", "repel", "propel", "compel", "kidnap", "slap", "patrol", "control", "annul", "dispel", "spur", "stab",
                "swap", "chop", "grab", "trap", "tap", "strip", "drip", "nip", "clip", "rebel", "format"}
# British spelling doubles a final l where American does not; news uses both
BOTH_SPELLINGS = {"initial", "label", "travel", "cancel", "signal", "model", "fuel", "level", "channel", "total"}


def inflect(word: str) -> set[str]:
    """The common inflected forms of an English verb (and a noun's plural)."""
    w = word.lower()
    forms = {w}
    if w in IRREGULAR:
        forms.update(IRREGULAR[w])
    if w.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(w + "es")
    elif len(w) > 1 and w.endswith("y") and w[-2] not in "aeiou":
        forms.add(w[:-1] + "ies")
    else:
        forms.add(w + "s")
    double = w in DOUBLE_FINAL
    if w.endswith("e"):
        forms.add(w + "d")
        forms.add((w[:-2] + "ying") if w.endswith("ie") else (w + "ing" if w.endswith("ee") else w[:-1] + "ing"))
    elif len(w) > 1 and w.endswith("y") and w[-2] not in "aeiou":
        forms.update({w[:-1] + "ied", w + "ing"})
    elif double:
        forms.update({w + w[-1] + "ed", w + w[-1] + "ing"})
    else:
        forms.update({w + "ed", w + "ing"})
    if w in BOTH_SPELLINGS:
        forms.update({w + "led", w + "ling"})
    return forms


KEYWORDS: dict[str, tuple[str, ...]] = {
    "ceasefire": ("ceasefire", "ceasefires", "cease-fire", "truce", "de-escalation", "deescalation", "halt", "cessation",
                  "restraint", "calm", "end", "stop", "stopping", "escalation", "hostilities", "armistice", "de-escalate",
                  "refrain", "halting", "ending", "de-escalating", "peace", "disarm", "disarmament", "demobilise", "lay",
                  "demobilize"),
    "talks": ("talks", "negotiations", "negotiation", "dialogue", "diplomacy", "meeting", "summit", "negotiate", "solution"),
    "mediation": ("mediate", "mediation", "mediator", "mediating"),
    "aid": ("aid", "assistance", "supplies", "humanitarian", "relief", "food", "medicine", "medical"),
    "release": ("release", "freeing", "free", "hostages", "prisoners", "detainees"),
    "aid_any": ("aid", "assistance", "donation", "donations", "defence", "defense", "tanks", "jets", "missiles", "howitzers",
                "artillery", "shells", "drones", "vehicles", "ammunition", "supplies", "humanitarian", "relief", "food", "medicine", "medical", "weapons", "arms",
                "ammunition", "munitions", "loan", "loans", "funding", "economic", "financial", "rice", "wheat", "grain",
                "vaccines", "tents", "fuel", "equipment"),
    "humanitarian": ("humanitarian", "relief", "food", "medicine", "medicines", "medical", "rice", "wheat", "grain", "tents",
                     "vaccines", "water"),
    "economic_aid": ("economic", "financial", "loan", "loans", "budget", "funding", "dollars", "euros"),
    "military_aid": ("military", "weapons", "arms", "ammunition", "defence", "defense", "air-defence", "missiles"),
    "captives": ("prisoners", "hostages", "detainees", "captives", "soldiers", "couple", "citizens", "nationals", "journalist",
                 "journalists", "sailors", "crew", "man", "woman", "men", "women", "workers", "activist", "activists",
                 "national", "citizen", "tourists", "fishermen", "hostage", "prisoner", "detainee"),
    "persons": ("prisoners", "detainees", "man", "woman", "men", "women", "people", "person", "civilians", "convicts",
                "inmates", "protesters", "activists", "soldiers", "journalist", "journalists", "members", "suspects"),
    "against_word": ("against",),
    # what one launches that is no attack, even if an attack is named after it
    "not_launched": ("investigation", "inquiry", "probe", "campaign", "appeal", "initiative", "satellite", "satellites",
                     "bid", "program", "programme", "review", "fund", "website", "plan", "study", "talks", "into"),
    "talks_or_aid": ("talks", "negotiations", "aid", "assistance", "package", "resolution", "deal", "agreement", "sanctions",
                     "membership", "accession", "bid", "plan", "proposal", "funding", "loan", "statement", "decision"),
    "diplomats": ("diplomat", "diplomats", "ambassador", "ambassadors", "envoy", "envoys", "attache", "attaché",
                  "consul", "embassy", "staff"),
    "repression": ("tear", "gas", "teargas", "rubber", "water", "cannon", "batons", "pepper"),
    "sanctions": ("sanctions", "sanction", "embargo", "boycott", "tariffs", "restrictions", "curbs", "controls"),
    "military": ("military", "force", "forces", "strike", "strikes", "attack", "attacks", "retaliation", "retaliate",
                 "retaliatory", "response", "respond", "revenge", "target", "war", "bomb", "invade", "invasion", "crushing",
                 "missiles", "destroy", "hit", "strikes"),
    "pessimism": ("escalation", "escalate", "widen", "spiral", "spiraling", "spiralling", "destabilize", "destabilise",
                  "destabilizing", "catastrophe", "catastrophic", "risk", "risks", "danger", "dangerous", "wider", "broader",
                  "war", "worse", "deteriorate", "threaten", "instability", "chaos", "consequences", "disaster"),
    "aggression": ("aggression", "aggressive", "invasion", "act", "attack"),
    "war_crimes": ("crimes", "genocide", "atrocities", "massacre"),
    "law": ("law", "charter", "sovereignty", "norms", "violation", "violating", "violated", "breach", "breaching"),
    "phone": ("phone", "telephone", "call", "calls", "telephoned", "phoned", "video", "videoconference"),
    "air": ("airstrike", "airstrikes", "air", "missile", "missiles", "drone", "drones", "bombs", "bombing", "bombings",
            "rockets", "rocket", "warplanes", "jets", "aircraft", "bombers", "ballistic", "aerial", "bombed"),
    "artillery": ("artillery", "shelling", "shells", "tanks", "tank", "mortar", "mortars", "howitzer"),
    "small_arms": ("gunfire", "gunmen", "rifles", "clashes", "clashed", "firefight", "gunbattle", "small-arms", "snipers"),
    "mass_violence": ("massacre", "massacred", "genocide", "massacres"),
    "alert": ("alert", "readiness", "high alert", "combat readiness", "state of alert"),
    "mobilize": ("troops", "reservists", "reserves", "forces", "soldiers", "warships", "carrier", "battalions", "fighter"),
    "peacekeepers": ("peacekeepers", "peacekeeping", "monitors", "observers"),
    "inspectors": ("inspectors", "inspection", "inspections"),
    "hostile_act": ("attack", "attacks", "aggression", "strike", "strikes", "provocation", "provocations", "assault",
                    "invasion", "incursion", "escalation", "force", "forcefully", "militarily", "firmly", "decisively",
                    "harshly", "crushing", "violation", "violations"),
    "justify": ("necessary", "self-defence", "self-defense", "legitimate", "justified", "security", "defensive", "preemptive",
                "pre-emptive", "right", "proportionate", "defence", "defense"),
}


@dataclass(frozen=True)
class Trigger:
    code: str
    pattern: str
    refine: tuple[tuple[str, str], ...] = ()   # (keyword set, code) checked in the window after the trigger
    requires: str | None = None                 # keyword set that must occur in the window, else no event
    unless: str | None = None                   # keyword set that must not occur inside the matched words
    target: str = "after"                       # after | none (appeals etc. keep explicit addressees only)
    preps: tuple[str, ...] = ()                 # prepositions that introduce the target ("with", "on", "against")
    nominal: bool = False                       # a noun trigger (its source may be an adjective before it)
    embedding: bool = False                     # verbal act whose object may hold a reported force event
    window: int = 14
    near: int = 0                               # the target must start within this many tokens (0: window)
    name: str = field(default="")


def T(code, pattern, **kw) -> Trigger:
    return Trigger(code, pattern, name=kw.pop("name", f"{code}:{pattern}"), **{k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()})


APPEAL_REFINE = (("ceasefire", "0256"), ("mediation", "028"), ("talks", "026"), ("aid", "023"), ("release", "0253"), ("sanctions", "0254"))
DEMAND_REFINE = (("ceasefire", "1056"), ("release", "1053"), ("talks", "106"), ("aid", "103"), ("sanctions", "1054"))
THREAT_REFINE = (("military", "138"), ("sanctions", "132"))
ACCUSE_REFINE = (("war_crimes", "1124"), ("aggression", "1123"))
FIGHT_REFINE = (("repression", "175"), ("mass_violence", "200"), ("air", "195"), ("artillery", "194"), ("small_arms", "193"))

TRIGGERS: tuple[Trigger, ...] = (
    # 01 public statements
    T("012", "warn|caution", requires="pessimism", target="none", window=18, name="warn-pessimistic"),
    T("012", "express|voice|raise ~2 =concern|=concerns|=alarm|=pessimism", target="none", name="express-concern"),
    T("012", "=deeply|=gravely|=seriously =concerned|=alarmed", target="none", name="deeply-concerned"),
    T("012", "=with ~1 =concern|=alarm|=worry", target="none", nominal=True, name="with-concern"),
    T("013", "express|voice ~2 =hope|=optimism|=confidence", target="none", name="express-hope"),
    T("011", "decline ~1 =to =comment", target="none", name="decline-comment"),
    T("015", "claim|acknowledge|admit ~1 =responsibility", target="after", name="claim-responsibility"),
    T("016", "deny =that|=supporting|=backing|=arming|=funding|=helping|=sending|=having|=carrying|=being|=involvement|=any|=seeking|=plotting|=planning|=targeting|=attacking|=killing|=ordering|=possessing|=developing|=interfering|=meddling|=harbouring|=harboring|=using|=firing|=launching|=violating|=spying|=providing|=supplying",
      target="none", name="deny"),
    T("016", "deny ~2 =responsibility|=involvement|=role|=accusations|=allegations|=claims|=charges|=reports|=accusation|=allegation|=claim|=charge|=report",
      target="after", name="deny-responsibility"),
    T("017", "declare|announce|observe ~3 =mourning", target="none", name="declare-mourning"),
    T("017", "=minute|=minutes =of =silence", target="none", name="minute-silence"),
    T("018", "offer|express|extend|convey|send ~3 =condolences|=sympathy|=sympathies", preps=["to", "for", "with"], name="condolences"),
    T("018", "condole", name="condole"),
    T("019", "express|voice ~2 =support|=agreement =for|=with", target="after", name="express-accord"),
    # 02 appeals
    T("020", "call ~3 =for", refine=APPEAL_REFINE, target="none", embedding=True, name="call-for"),
    T("020", "call ~2 =on|=upon", refine=APPEAL_REFINE, embedding=True, name="call-on"),
    T("020", "urge|appeal|implore|beseech|plead", refine=APPEAL_REFINE, embedding=True, name="urge"),
    T("020", "request ~4 =meeting|=session|=talks|=assistance|=help|=extradition|=consultations", refine=APPEAL_REFINE,
      target="none", name="request"),
    T("020", "appeal|plead ~1 =for", refine=APPEAL_REFINE, target="none", embedding=True, name="appeal-for"),
    T("020", "press|push ~2 =for", refine=APPEAL_REFINE, target="none", embedding=True, name="press-for"),
    T("020", "ask|invite ~6 =to", refine=APPEAL_REFINE, embedding=True, name="ask-to"),
    T("020", "=call|=calls|=appeal|=appeals =for", refine=APPEAL_REFINE, target="none", nominal=True, embedding=True, name="call-for-noun"),
    T("0256", "reiterate|repeat|renew|reaffirm|voice|express ~3 =support =for ~3 @ceasefire", target="none", name="support-ceasefire"),
    # 03 intent to cooperate
    T("039", "offer ~2 =to =mediate|=help|=broker", target="none", name="offer-mediate"),
    T("036", "offer ~2 =to =host ~2 =talks|=negotiations", target="none", name="offer-host-talks"),
    T("033", "offer|pledge|promise ~3 =aid|=assistance|=support", preps=["to"], name="pledge-aid"),
    T("030", "pledge|vow|promise ~2 =to =support|=help|=cooperate|=defend|=stand", name="pledge-support"),
    T("030", "agree ~1 =to =coordinate|=cooperate|=work|=stay|=maintain|=strengthen|=form|=establish|=create|=set|=boost|=deepen|=expand",
      preps=["with"], name="agree-to-cooperate"),
    T("030", "pledge ~1 =allegiance", preps=["to"], name="pledge-allegiance"),
    T("0841", "swap|exchange|trade ~4 =prisoners|=captives|=detainees|=hostages|=bodies|=pows", name="swap-prisoners"),
    T("0841", "agree|approve ~3 =prisoner|=hostage ~1 =exchange|=swap|=release", name="agree-exchange"),
    T("030", "pledge|vow|promise|agree|seek ~4 =cooperation|=ties|=partnership|=coordination", preps=["with"],
      name="pledge-cooperation"),
    T("050", "restore|normalize|normalise|establish|resume|upgrade ~2 =diplomatic|=ties|=relations", preps=["with"],
      name="restore-relations"),
    T("100", "order|tell|demand ~4 =to =leave|=withdraw|=quit|=depart|=go", name="order-to-leave"),
    # 04 consult
    T("041", "speak|talk|confer ~3 @phone", preps=["with", "to"], name="phone-talk"),
    T("041", "=phone|=telephone =call|=calls|=conversation|=conversations|=talks", preps=["with", "between"], nominal=True, name="phone-call-noun"),
    T("041", "phone|telephone", name="phone-verb"),
    T("041", "call|ring ~4 =to =discuss", name="called-to-discuss"),
    T("042", "visit|travel ~3 =to", name="visit"),
    T("042", "visit", near=3, name="visit-place"),
    T("043", "host|receive|welcome ~4 =in|=at", name="host"),
    T("043", "host ~3 =summit|=talks|=meeting|=negotiations|=conference", name="host-talks"),
    T("040", "meet", preps=["with"], near=2, name="meet"),
    T("040", "hold|begin|open ~4 =talks|=consultations|=discussions", preps=["with"], name="hold-talks"),
    T("046", "resume|restart|reopen|relaunch ~3 =talks|=negotiations|=dialogue", preps=["with"], name="resume-talks"),
    T("040", "=talks|=meeting|=consultations =with|=between", preps=["with", "between"], nominal=True, name="talks-noun"),
    T("045", "mediate|broker", name="mediate"),
    T("062", "hold|conduct|stage|begin|launch|start ~3 =joint ~2 =exercises|=drills|=manoeuvres|=maneuvers|=patrols|=exercise",
      preps=["with"], name="hold-joint-exercises"),
    T("046", "negotiate", preps=["with"], name="negotiate"),
    T("040", "discuss", target="none", refine=(("phone", "041"),), window=10, name="discuss"),  # not after "to": "visited Bolivia to discuss trade"
    T("041", "=video =call|=conference|=link|=calls", preps=["with"], nominal=True, name="video-call"),
    # 05 diplomatic cooperation
    T("051", "praise|commend|hail|laud|welcome|endorse|applaud", name="praise"),
    T("051", "=backed|=backs|=backing", name="back"),  # not "back": "allow inspectors back into"
    T("051", "thank", name="thank"),
    T("051", "express|voice|declare ~2 =solidarity", preps=["with"], name="solidarity"),
    T("052", "defend ~2 =right|=decision|=position", name="defend-verbally"),
    T("054", "recognize|recognise", name="recognize"),
    T("055", "apologize|apologise", preps=["to"], name="apologize"),
    T("057", "sign|initial ~4 =agreement|=deal|=accord|=treaty|=pact|=memorandum|=declaration|=communique|=charter|=protocol",
      preps=["with"], name="sign-agreement"),
    T("057", "strike|reach|clinch|seal|conclude ~2 =deal|=agreement|=accord|=bargain|=compromise|=pact", preps=["with"],
      name="strike-deal"),  # "struck a deal with": agreement, not an attack
    T("057", "ratify|approve|endorse ~3 =bid|=membership|=accession|=treaty|=agreement|=deal|=accord|=pact", name="ratify"),
    # 06 material cooperation
    T("062", "=joint =military|=naval =exercises|=drills|=patrols", preps=["with"], nominal=True, name="joint-exercises"),
    T("064", "share ~2 =intelligence|=information", preps=["with"], name="share-intelligence"),
    T("062", "sell ~4 =weapons|=arms|=jets|=missiles|=tanks|=munitions|=drones|=fighter|=warplanes|=helicopters",
      preps=["to"], name="arms-sale"),
    T("062", "=sale|=sales =of ~3 =weapons|=arms|=jets|=missiles|=tanks|=munitions|=drones|=fighter|=warplanes|=helicopters",
      preps=["to"], nominal=True, name="arms-sale-noun"),
    T("061", "sign|boost|expand ~3 =trade|=economic =cooperation|=deal|=ties", preps=["with"], name="economic-cooperation"),
    T("061", "invest ~5 =in", preps=["in"], name="invest"),
    T("061", "resume|restore|reopen|launch ~3 =flights|=trade|=exports|=imports|=shipments|=deliveries|=crossings",
      preps=["with", "to", "between"], name="resume-exchanges"),
    # 07 aid
    T("073", "send|deliver|provide|airlift|dispatch|ship ~4 =humanitarian|=relief|=food|=medical|=medicine", preps=["to"], name="humanitarian-aid"),
    T("072", "send|deliver|provide|supply|ship ~4 =weapons|=arms|=munitions|=ammunition|=military", preps=["to"], name="military-aid"),
    T("071", "provide|grant|pledge|give ~4 =loan|=loans|=economic|=financial", preps=["to"], name="economic-aid"),
    T("070", "announce|approve|unveil|pledge|make ~4 =aid|=assistance|=package|=donation|=donations|=contribution", preps=["for", "to"],
      refine=(("military_aid", "072"), ("humanitarian", "073")), name="announce-aid"),
    T("070", "send|deliver|provide ~3 =aid|=assistance", preps=["to"], name="aid"),
    T("190", "send|fly|launch ~3 =drones|=drone|=missiles|=jets|=warplanes|=aircraft|=balloons =into|=over|=across",
      refine=FIGHT_REFINE, name="send-into"),  # "sent drones into Lithuania": an incursion, not aid
    T("070", "send|deliver|provide|supply|ship|airlift|donate|dispatch|hand|transfer|give|gift", requires="aid_any", window=10, preps=["to", "for"],
      refine=(("military_aid", "072"), ("humanitarian", "073"), ("economic_aid", "071")), name="send-aid"),
    T("075", "grant ~2 =asylum", name="asylum"),
    T("074", "deploy ~3 =peacekeepers|=peacekeeping", preps=["to", "in"], name="peacekeepers"),
    # 08 yield
    T("0841", "release|free|return|pardon ~4 =prisoners|=hostages|=detainees|=captives|=soldiers|=inmates", near=5, name="release"),
    T("0871", "agree|accept ~3 =to|=on ~4 =ceasefire|=truce|=armistice", name="accept-ceasefire"),
    T("0871", "agree|accept|declare|announce ~2 @ceasefire", requires="ceasefire", name="declare-truce"),
    T("0874", "withdraw|pull ~3 =troops|=forces|=out", preps=["from"], name="withdraw-forces"),
    T("0874", "disengage", target="none", name="disengage"),
    T("081", "ease|lift|relax ~3 =restrictions|=curfew", name="ease-restrictions"),
    T("085", "ease|lift|remove ~3 =sanctions|=embargo|=blockade|=ban|=bans|=tariffs", preps=["on", "against", "from"], name="lift-sanctions"),
    T("086", "allow ~3 =inspectors|=observers|=monitors|=access", name="allow-involvement"),
    T("080", "surrender|capitulate|concede", name="yield"),
    T("080", "cede|relinquish ~3 =territory|=control|=land|=power|=sovereignty", preps=["to"], name="cede"),
    # 09 investigate
    T("090", "investigate|probe", name="investigate"),
    T("090", "launch|open|order|set|establish|create ~3 =investigation|=inquiry|=probe", preps=["into"], name="open-investigation"),
    T("090", "=investigation|=inquiry|=probe =into", nominal=True, preps=["into"], name="investigation-noun"),
    # 10 demand
    T("100", "demand|insist", refine=DEMAND_REFINE, embedding=True, name="demand"),
    T("100", "=demand|=demands =for|=that", refine=DEMAND_REFINE, nominal=True, embedding=True, name="demand-noun"),
    T("105", "=ultimatum", refine=(), nominal=True, name="ultimatum-demand"),
    # 11 disapprove
    T("111", "condemn|denounce|criticize|criticise|decry|deplore|slam|rebuke|censure|lambaste|blast",
      refine=ACCUSE_REFINE[1:], embedding=True, name="condemn"),
    T("111", "=condemnation|=criticism =of", nominal=True, embedding=True, name="condemnation-noun"),
    T("112", "accuse|blame", refine=ACCUSE_REFINE, embedding=True, name="accuse"),
    T("112", "=exchanged|=traded|=exchange|=trade =accusations|=blame|=insults|=barbs", target="none", name="exchange-accusations"),
    T("1123", "describe|brand|label|call|term|characterize|characterise ~6 =as ~4 =aggression|=invasion",
      embedding=True, name="call-aggression"),
    T("1123", "call|term ~3 =aggression|=invasion", embedding=True, name="called-aggression"),  # "what he called a blatant aggression"
    T("1124", "call|term ~3 =crime|=crimes|=genocide|=massacre|=terrorism", embedding=True, name="called-crime"),
    T("1124", "describe|brand|label|call|term ~6 =as ~3 =crime|=crimes|=genocide|=massacre|=terrorism",
      embedding=True, name="call-crime"),
    T("114", "lodge|file|submit|make ~3 =complaint|=protest|=representations|=objection|=objections|=complaints", preps=["with", "against"], name="complain"),
    T("115", "sue|=lawsuit", preps=["against"], name="lawsuit"),
    T("115", "issue|seek|request ~3 =arrest =warrant|=warrants", preps=["for", "against"], name="arrest-warrant"),
    T("110", "=disapproval|=displeasure", nominal=True, name="disapproval"),
    T("110", "express|voice ~2 =dissatisfaction|=displeasure|=discontent|=outrage|=indignation|=anger", preps=["with", "over", "at"],
      name="express-dissatisfaction"),
    # 12 reject
    T("120", "reject|dismiss|rebuff|spurn|repudiate", embedding=True, name="reject"),
    T("120", "refuse ~1 =to", name="refuse"),
    T("120", "turn =down", name="turn-down"),
    T("129", "veto", name="veto"),
    T("120", "block|obstruct|stall", requires="talks_or_aid", name="block"),
    T("128", "defy|flout", name="defy"),
    # 13 threaten
    T("130", "threaten", refine=THREAT_REFINE, embedding=True, name="threaten"),
    T("138", "warn|caution", requires="military", window=18, name="warn-military"),
    T("130", "warn|caution", requires="against_word", near=4, window=6, name="warn-against"),
    T("012", "warn|caution =of|=about", target="none", name="warn-of"),
    T("012", "warn|caution ~2 =of|=about", name="warn-someone-of"),  # "warned Warsaw about the drones"
    T("111", "=provocation|=provocations|=provocative", nominal=True, name="provocation"),
    T("130", "warn ~3 =of =consequences|=repercussions|=retaliation|=reprisals|=retribution|=punishment", name="warn-consequences"),
    T("138", "vow|promise|pledge ~3 =revenge|=retaliation|=response|=retribution|=reprisals", name="vow-revenge"),
    T("138", "vow|promise|pledge ~1 =to =retaliate|=respond|=avenge|=punish", name="vow-to-retaliate"),
    T("138", "=would|=will ~2 respond|retaliate|avenge", requires="hostile_act", target="none", window=8, name="would-respond"),
    T("138", "=would|=will ~2 =hit|=strike =back", target="none", name="would-hit-back"),
    T("138", "=would|=will =not =hesitate", target="none", name="would-not-hesitate"),
    T("138", "=would|=will =pay ~2 =price|=prices", target="none", name="pay-price"),  # "X would pay a heavy price": a threat to X
    T("138", "=would|=will =be =a =target|=targets", target="none", name="will-be-target"),
    T("139", "=ultimatum", nominal=True, name="ultimatum"),
    # 14 protest
    T("141", "protest|demonstrate|rally|march", preps=["against"], name="protest"),
    T("141", "=took =to =the =streets", target="none", name="took-to-streets"),
    T("141", "=protests|=demonstrations|=rallies|=unrest =erupted|=broke|=spread|=continued|=flared|=swept", target="none",
      nominal=True, name="protests-erupted"),
    T("141", "=chanting|=chanted =slogans =against", preps=["against"], name="chant-against"),
    T("142", "=hunger =strike", nominal=True, name="hunger-strike"),
    T("143", "=general =strike|=strikes", nominal=True, target="none", name="general-strike"),
    T("145", "=riot|=riots|=rioting", nominal=True, name="riot"),
    # 15 force posture
    T("152", "raise|increase|heighten|reinforce|boost|put|place ~4 @alert", requires="alert", target="none", name="raise-alert"),
    T("152", "scramble ~3 =jets|=fighter|=fighters|=aircraft|=warplanes|=planes", target="none", name="scramble-jets"),
    T("154", "mobilize|mobilise|deploy|mass|send ~4 @mobilize", requires="mobilize",
      preps=["to", "near", "along", "towards", "toward", "around", "into"], name="mobilize"),
    T("154", "=troops|=soldiers|=forces|=warships|=reservists|=jets ~3 =deployed|=stationed|=redeployed|=sent|=dispatched|=moved", nominal=True,
      preps=["to", "near", "along", "in", "with"], name="troops-deployed"),
    T("150", "=show =of =force", target="none", nominal=True, name="show-of-force"),
    # 16 reduce relations
    T("161", "sever|cut|break|downgrade|suspend ~3 =diplomatic|=ties|=relations", preps=["with"], name="cut-ties"),
    T("166", "expel|recall|withdraw ~3 @diplomats", preps=["from", "to", "in"], name="expel-diplomats"),
    T("163", "impose|announce|slap|tighten|adopt|approve ~4 @sanctions", requires="sanctions", preps=["on", "against"], name="impose-sanctions"),
    T("163", "freeze ~3 =assets|=accounts|=funds|=reserves", preps=["of", "belonging", "held"], name="freeze-assets"),
    T("164", "suspend|halt|freeze|break|end|abandon ~3 =talks|=negotiations", preps=["with"], name="halt-talks"),
    T("162", "suspend|halt|freeze|cut ~3 =aid|=assistance", preps=["to"], name="halt-aid"),
    T("163", "cut|halt|suspend|stop|ban ~3 =gas|=oil|=energy|=supplies|=exports|=imports|=flights|=trade|=shipments",
      preps=["to", "from", "with", "for"], name="cut-supplies"),
    T("160", "freeze|suspend|end ~2 =participation|=membership|=cooperation", preps=["in", "with"], name="freeze-membership"),
    T("160", "suspend|cancel|scrap|abandon|exit|quit|revoke|terminate|annul|denounce ~5 =treaty|=agreement|=deal|=accord|=pact", preps=["with"],
      name="suspend-treaty"),
    T("143", "boycott", name="boycott"),
    T("163", "close|shut|seal ~3 =border|=borders|=crossing|=crossings|=airspace|=ports", preps=["with", "to"], name="close-border"),
    T("161", "close|shut ~2 =embassy|=embassies|=consulate|=consulates", preps=["in"], name="close-embassy"),
    T("150", "conduct|hold|stage|launch|begin|start|announce ~3 =drills|=exercises|=manoeuvres|=maneuvers|=wargames",
      preps=["near", "around", "off", "in"], name="military-drills"),
    # 17 coerce
    T("173", "arrest|detain|jail|imprison", name="arrest"),
    T("173", "charge|indict ~4 =with", name="charge-with"),
    T("172", "ban|bar ~3 =from", name="ban-from"),
    T("1712", "blow =up", name="blow-up"),
    T("173", "sentence ~5 =to|=in ~2 =prison|=jail|=years|=death|=life", name="sentence"),
    T("175", "use|fire|deploy ~3 @repression", requires="repression", window=4, near=8, name="use-repression"),
    T("174", "deport|expel", refine=(("diplomats", "166"),), name="expel"),
    T("111", "summon ~3 =ambassador|=envoy|=diplomat|=charge|=chargé|=ambassadors|=envoys|=commissioner|=diplomats",
      name="summon-envoy"),
    T("115", "file|bring|lodge|launch|submit ~3 =case|=lawsuit|=complaint|=suit|=petition", preps=["against"], name="lawsuit"),
    T("0841", "release|free|return", requires="captives", window=6, near=5, name="release-people"),
    T("171", "seize|confiscate|impound", name="seize"),
    T("1712", "destroy|demolish|raze", name="destroy-property"),
    T("172", "=curfew|=martial =law", nominal=True, name="curfew"),
    T("172", "declare|impose ~2 =martial|=curfew|=curfews", name="declare-martial-law"),
    T("1712", "=set|=sets|=setting =fire =to", name="set-fire"),
    T("176", "=cyberattack|=cyberattacks|=cyber-attack", nominal=True, preps=["on", "against"], name="cyberattack"),
    # 18 assault
    T("186", "assassinate", name="assassinate"),
    T("180", "execute|behead|hang", requires="persons", window=4, near=4, name="execute"),
    T("185", "=assassination =attempt", nominal=True, preps=["on", "against"], name="assassination-attempt"),
    T("181", "kidnap|abduct|hijack", name="abduct"),
    T("190", "shoot =down", refine=(), name="shoot-down"),
    T("190", "intercept", refine=(), name="intercept"),
    T("181", "=took|=taken|=take =hostage|=hostages|=captive", name="take-hostage"),
    T("181", "=took|=taken|=take|=holding|=held|=hold ~3 =hostage|=hostages|=captive", name="hold-hostage"),
    T("190", "declare =war", preps=["on", "against"], name="declare-war"),
    T("183", "=suicide|=car =bombing|=bomber|=bomb|=attack", nominal=True, name="suicide-bombing"),
    T("182", "beat|torture|assault", name="physical-assault"),
    # 19 fight: verbs and nouns of armed attack
    T("190", "attack|strike|hit|bomb|pound|shell|=targeted|=targeting|raid|invade|storm|ambush", refine=FIGHT_REFINE,
      preps=["on", "at", "against", "into", "in"], name="attack"),
    # "launch" and "fire" are attacks only with a weapon or a direction ("fired the minister", "launched a satellite")
    T("190", "launch|fire =at|=on|=into|=upon", refine=FIGHT_REFINE, preps=["on", "at", "against", "into", "in"], name="fire-at"),
    T("190", "launch|fire ~6 =missiles|=missile|=rockets|=rocket|=drones|=drone|=shells|=mortars|=mortar|=attack|=attacks|=strikes|=airstrikes|=offensive|=raid|=raids|=operation|=assault|=barrage|=salvo|=projectiles|=artillery|=shots|=bombs|=torpedoes|=grenades|=incursion|=invasion|=counteroffensive|=counter-offensive",
      refine=FIGHT_REFINE, preps=["on", "at", "against", "into", "in", "toward", "towards"], unless="not_launched",
      name="launch-attack"),
    T("190", "=strike|=strikes|=airstrike|=airstrikes|=attack|=attacks|=raids|=bombardment|=offensive|=assault|=bombing|=bombings|=invasion|=incursion",
      refine=FIGHT_REFINE, preps=["on", "against", "in", "targeting"], nominal=True, name="attack-noun"),
    T("193", "clash|fight", refine=(), preps=["with"], name="clash"),
    T("190", "repel|repulse|thwart|foil ~4 =attack|=attacks|=assault|=offensive|=raid|=incursion|=advance", refine=(),
      target="none", name="repel-attack"),
    T("193", "=exchanged|=exchange|=exchanging|=traded|=trade|=trading =fire|=gunfire|=shots|=blows", refine=(), preps=["with"],
      name="exchange-fire"),
    T("192", "take|seize|gain|assume|establish =control|=full =of|=control", name="take-control"),
    T("192", "occupy|seize|capture|retake ~3 =territory|=town|=city|=village|=border|=settlement|=positions|=airport|=base|=towns|=cities|=villages|=territories|=region|=province|=capital",
      name="occupy"),
    T("191", "blockade|besiege", name="blockade"),
    T("196", "violate|breach ~2 =ceasefire|=truce", name="violate-ceasefire"),
    # killings and casualties (the victim is the target; the killer may come from context)
    T("190", "kill|slay|wound|injure", refine=FIGHT_REFINE, name="kill"),
    # 20 mass violence
    T("202", "massacre", name="massacre"),
    T("202", "=mass =killings|=killing|=murder|=executions", nominal=True, name="mass-killing"),
    T("203", "=ethnic =cleansing", nominal=True, name="ethnic-cleansing"),
    T("204", "=chemical|=nuclear|=biological =weapons =attack", nominal=True, name="wmd"),
)

# Verbs that report speech: their subject is the speaker of what follows.
REPORTING_VERBS = inflect("say") | inflect("state") | inflect("announce") | inflect("add") | inflect("tell") | \
    inflect("declare") | inflect("note") | inflect("claim") | inflect("stress") | inflect("insist") | inflect("argue") | \
    inflect("reiterate") | inflect("confirm") | inflect("report") | {"told"}

JUSTIFY_VERBS = inflect("frame") | inflect("justify") | inflect("defend") | inflect("portray") | inflect("present") | \
    inflect("describe") | inflect("characterize") | inflect("cast")

PRONOUNS_PERSON = {"he", "she", "He", "She"}

# Words that may stand between a state and a named official ("Iran's long-time supreme leader, Ali Khamenei").
TITLE_WORDS = {
    "'s", "’s", "long", "-", "time", "longtime", "long-time", "supreme", "leader", "president", "minister", "foreign",
    "defence", "defense", "prime", "ayatollah", "sheikh", "prince", "crown", "king", "queen", "emir", "sultan", "chancellor",
    "secretary", "general", "secretary-general", "spokesman", "spokeswoman", "spokesperson", "ambassador", "envoy", "chief",
    "commander", ",", "former", "late", "new", "top", "diplomat", "senior", "official", "head", "of", "state", "interior",
    "army", "military", "deputy", "vice", "speaker", "parliament", "the", "to", "un", "u.n.", "united", "nations",
    "national", "security", "adviser", "advisor", "council", "representative", "permanent", "counterpart", "his", "her",
    "interim", "acting", "elected", "designate", "president-elect", "premier", "lawmaker", "general", "gen.", "lt.",
    "colonel", "admiral", "ministry", "governor", "mayor", "cleric", "grand", "sayyed", "first", "lady", "mr", "mr.",
    "mrs", "ms", "dr", "dr.", "affairs", "war", "health", "finance", "economy", "justice", "energy", "oil", "trade",
}
