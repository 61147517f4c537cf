"""The one base of every error sitrep reports to its user (a leaf module, like
:mod:`sitrep.config`): the command line catches :class:`SitrepError` and prints its
message — one line naming the file, line and problem where there is one."""

from __future__ import annotations


class SitrepError(Exception):
    """A problem with sitrep's input, reference data, store or reports, told in one line."""
