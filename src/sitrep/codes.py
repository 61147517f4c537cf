"""Groups of CAMEO codes that extraction and the briefing both reason with (one
definition, imported by both; a leaf module like :mod:`sitrep.config`)."""

from __future__ import annotations

FORCE_ROOTS = ("18", "19", "20")  # assault, fight, unconventional mass violence
THREAT_ROOTS = ("13", "15")  # threaten, exhibit force posture
CONTACT_CODES = ("04", "036", "0311", "057")  # consult, express intent to meet, ..., sign agreement
CEASEFIRE_CODES = frozenset({"0256", "1056", "0871", "0872"})  # appeals for, demands of, and declarations of ceasefire


def is_force(code) -> bool:
    return isinstance(code, str) and code.startswith(FORCE_ROOTS)
