"""The one error type of the ingest stage: a file (and line) with its problem."""

from __future__ import annotations


class ArticleError(ValueError):
    """A bad input file. ``str()`` is a one-line message naming file, line and problem."""

    def __init__(self, path: str, problem: str, line: int | None = None):
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")
