"""The one error type of the ingest stage: a file (and line) with its problem."""

from __future__ import annotations

import re

from sitrep.errors import SitrepError

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped (``\\n``), so a
    file name holding a newline still gives a one-line message."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class ArticleError(SitrepError, ValueError):
    """A bad input file. ``str()`` is a one-line message naming file, line and problem."""

    def __init__(self, path: str, problem: str, line: int | None = None):
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{one_line(path)}:{line}" if line is not None else one_line(path)
        super().__init__(f"{where}: {one_line(problem)}")
