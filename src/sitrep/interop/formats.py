"""The published layouts of the event files sitrep reads and writes.

ICEWS (Harvard Dataverse "ICEWS Coded Event Data"): tab-separated, a header line,
20 columns, ``NA`` for a missing value. GDELT event exports: tab-separated, no
header, 61 columns in GDELT 2.0 (geography blocks with an ADM2 code), 58 in 1.0
(daily files since April 2013). POLECAT (Dataverse "POLECAT Weekly Data"):
tab-separated with a header whose names are read case-insensitively (the
weekly files are not all laid out alike), or JSON lines with the same fields.

Also here: the PLOVER modes sitrep writes beside a CAMEO code (the vocabulary of
the PLOVER manual, chosen per CAMEO code by sitrep) and the QuadClass of each
PLOVER category.
"""

from __future__ import annotations

ORIGINS = ("icews", "gdelt", "polecat")

ICEWS_COLUMNS = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text", "CAMEO Code",
    "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID", "Sentence Number", "Publisher",
    "City", "District", "Province", "Country", "Latitude", "Longitude",
)


def _actor(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{name}" for name in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
        "Type1Code", "Type2Code", "Type3Code"))


def _geo(prefix: str, adm2: bool) -> tuple[str, ...]:
    names = ["Type", "FullName", "CountryCode", "ADM1Code"] + (["ADM2Code"] if adm2 else []) + ["Lat", "Long", "FeatureID"]
    return tuple(f"{prefix}Geo_{name}" for name in names)


_GDELT_HEAD = ("GlobalEventID", "Day", "MonthYear", "Year", "FractionDate", *_actor("Actor1"), *_actor("Actor2"),
               "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
               "NumMentions", "NumSources", "NumArticles", "AvgTone")
GDELT2_COLUMNS = (*_GDELT_HEAD, *_geo("Actor1", True), *_geo("Actor2", True), *_geo("Action", True), "DATEADDED", "SOURCEURL")
GDELT1_COLUMNS = (*_GDELT_HEAD, *_geo("Actor1", False), *_geo("Actor2", False), *_geo("Action", False), "DATEADDED", "SOURCEURL")
assert len(GDELT2_COLUMNS) == 61 and len(GDELT1_COLUMNS) == 58 and len(ICEWS_COLUMNS) == 20

# POLECAT: the weekly TSV header (the fields sitrep reads; others are ignored). A
# JSON line may use these names or their snake_case forms ("event_id").
POLECAT_COLUMNS = (
    "Event ID", "Event Date", "Event Type", "Event Mode", "Event Intensity", "Quad Code", "Contexts",
    "Actor Name", "Actor Country", "Actor COW", "Primary Actor Sector", "Actor Sectors", "Actor Title",
    "Actor Name Raw", "Wikipedia Actor ID",
    "Recipient Name", "Recipient Country", "Recipient COW", "Primary Recipient Sector", "Recipient Sectors",
    "Recipient Title", "Recipient Name Raw", "Wikipedia Recipient ID",
    "Placename", "City", "State", "Country", "GeoNames ID", "Raw Placename", "Feature Type",
    "Source", "Publication Date", "Story People", "Story Organizations", "Story Locations", "Language",
    "Version", "Latitude", "Longitude", "Story ID",
)
POLECAT_REQUIRED = ("Event ID", "Event Date", "Event Type")

# QuadClass of a PLOVER category (1 verbal cooperation, 2 material cooperation,
# 3 verbal conflict, 4 material conflict), kept in line with the CAMEO roots the
# categories come from (cameo.csv); older PLOVER names are accepted from POLECAT.
PLOVER_QUAD = {
    "OTHER": 1, "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1,
    "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "REQUEST": 3, "DEMAND": 3, "ACCUSE": 3, "DISAPPROVE": 3, "INVESTIGATE": 3, "REJECT": 3, "THREATEN": 3,
    "PROTEST": 4, "MOBILIZE": 4, "SANCTION": 4, "COERCE": 4, "ASSAULT": 4, "FIGHT": 4, "CRIME": 4,
}

# The PLOVER mode of a CAMEO code ("how" the act was done), longest prefix first;
# codes not listed have no mode. Names are the PLOVER manual's mode names.
PLOVER_MODE_BY_PREFIX = {
    "041": "phone", "042": "visit", "043": "host", "044": "third-party",
    "0841": "release", "0842": "return", "085": "ease", "086": "access", "087": "disarm", "0871": "ceasefire",
    "0872": "withdraw",
    "141": "demo", "142": "hunger", "143": "boycott", "144": "obstruct", "145": "riot",
    "151": "police", "152": "troops", "153": "police", "154": "troops",
    "161": "withdraw", "162": "discontinue", "164": "withdraw", "165": "withdraw", "166": "expel",
    "171": "confiscate", "172": "restrict", "1722": "ban", "1723": "curfew", "1724": "martial-law",
    "173": "arrest", "174": "deport", "191": "restrict", "192": "confiscate",
    "181": "abduct", "182": "beat", "1821": "sexual", "1822": "torture", "183": "explosives",
    "1831": "suicide-attack", "184": "abduct", "185": "assassinate", "186": "assassinate",
    "193": "firearms", "194": "heavy-weapons", "195": "aerial", "196": "violence",
    "201": "violence", "202": "violence", "203": "violence", "204": "wmd",
}


def plover_mode(code: str | None) -> str | None:
    """The PLOVER mode sitrep gives a CAMEO code, or None."""
    if not code:
        return None
    for size in range(len(code), 2, -1):
        mode = PLOVER_MODE_BY_PREFIX.get(code[:size])
        if mode:
            return mode
    return None
