"""The CAMEO codebook: code -> name, Goldstein value, QuadClass, PLOVER category.

``data/reference/cameo.csv`` is derived (``python -m sitrep.extract.codebook``) from
the public CAMEO table of andybega/icews (MIT; see data/reference/LICENSE-cameo.md):
codes, names and Goldstein values are taken from it; QuadClass follows the GDELT/ICEWS
convention by root code and the PLOVER category (the ontology POLECAT uses) is our
own mapping, so users of either scheme can read the output.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sitrep.config import CAMEO_FILE
from sitrep.errors import SitrepError

QUAD_CLASS_NAMES = {1: "Verbal cooperation", 2: "Material cooperation", 3: "Verbal conflict", 4: "Material conflict"}

ROOT_NAMES = {
    "01": "Make public statement", "02": "Appeal", "03": "Express intent to cooperate", "04": "Consult",
    "05": "Engage in diplomatic cooperation", "06": "Engage in material cooperation", "07": "Provide aid",
    "08": "Yield", "09": "Investigate", "10": "Demand", "11": "Disapprove", "12": "Reject", "13": "Threaten",
    "14": "Protest", "15": "Exhibit force posture", "16": "Reduce relations", "17": "Coerce", "18": "Assault",
    "19": "Fight", "20": "Use unconventional mass violence",
}

# PLOVER (Halterman et al.) event types by CAMEO code prefix; the longest prefix wins.
PLOVER_BY_PREFIX = {
    "01": "OTHER", "018": "SUPPORT", "019": "AGREE", "02": "REQUEST", "03": "AGREE", "04": "CONSULT",
    "05": "COOPERATE", "051": "SUPPORT", "055": "CONCEDE", "057": "AGREE", "06": "COOPERATE", "07": "AID",
    "08": "CONCEDE", "087": "RETREAT", "09": "OTHER", "10": "REQUEST", "11": "ACCUSE", "12": "REJECT",
    "13": "THREATEN", "14": "PROTEST", "15": "MOBILIZE", "16": "SANCTION", "17": "COERCE", "18": "ASSAULT",
    "19": "ASSAULT", "20": "ASSAULT",
}


class CodebookError(SitrepError, ValueError):
    """A malformed codebook (one line naming file, line and problem)."""


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    goldstein: float
    quad_class: int
    root: str
    plover: str


def quad_class(root: str) -> int:
    """QuadClass of a CAMEO root code (01-04 verbal coop., 05-08 material coop., 09-13 verbal conflict, 14-20 material conflict)."""
    n = int(root)
    return 1 if n <= 4 else 2 if n <= 8 else 3 if n <= 13 else 4


def plover(code: str) -> str:
    for size in range(len(code), 1, -1):
        if code[:size] in PLOVER_BY_PREFIX:
            return PLOVER_BY_PREFIX[code[:size]]
    raise KeyError(code)


def load_codebook(path: Path = CAMEO_FILE) -> dict[str, Code]:
    """Every code of the codebook file, validated."""
    from sitrep.config import display_path

    shown = display_path(path)
    if not path.is_file():
        raise CodebookError(f"{shown}: codebook not found")
    codes: dict[str, Code] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        expected = {"code", "name", "goldstein", "quad_class", "root", "plover"}
        if not reader.fieldnames or not expected <= set(reader.fieldnames):
            raise CodebookError(f"{shown}:1: header must name {', '.join(sorted(expected))}")
        for line, row in enumerate(reader, start=2):
            code = (row["code"] or "").strip()
            if not code.isdigit() or not 2 <= len(code) <= 4:
                raise CodebookError(f"{shown}:{line}: bad CAMEO code {code!r}")
            if code in codes:
                raise CodebookError(f"{shown}:{line}: duplicate code {code}")
            try:
                goldstein = float(row["goldstein"])
                qc = int(row["quad_class"])
            except (TypeError, ValueError):
                raise CodebookError(f"{shown}:{line}: Goldstein and QuadClass must be numbers") from None
            if not -10 <= goldstein <= 10:
                raise CodebookError(f"{shown}:{line}: Goldstein value {goldstein} outside -10..10")
            if qc not in QUAD_CLASS_NAMES or row["root"] != code[:2]:
                raise CodebookError(f"{shown}:{line}: QuadClass or root does not fit code {code}")
            codes[code] = Code(code, row["name"].strip(), goldstein, qc, code[:2], row["plover"].strip())
    return codes


def derive(source: Path, dest: Path) -> int:
    """Write the sitrep codebook from the icews CAMEO table; returns the number of codes."""
    rows = []
    with source.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["code"].strip()
            name = ROOT_NAMES.get(code) or row["name"].strip()
            name = name[0].upper() + name[1:]
            rows.append({
                "code": code, "name": name, "goldstein": float(row["goldstein"]),
                "quad_class": quad_class(code[:2]), "root": code[:2], "plover": plover(code),
            })
    rows.sort(key=lambda r: (r["root"], r["code"]))
    with dest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["code", "name", "goldstein", "quad_class", "root", "plover"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":  # pragma: no cover - run by hand when the source table changes
    import sys

    print(derive(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else CAMEO_FILE), "codes written")
