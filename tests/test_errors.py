"""One error base: every error class sitrep defines for its users is a SitrepError,
so the command line catches one class and prints one line."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import sitrep
from sitrep.errors import SitrepError


def test_every_error_class_is_a_sitrep_error():
    found = {}
    for info in pkgutil.walk_packages(sitrep.__path__, "sitrep."):
        module = importlib.import_module(info.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == info.name and issubclass(obj, Exception) and name.endswith("Error"):
                found[f"{info.name}.{name}"] = issubclass(obj, SitrepError)
    assert len(found) >= 15
    assert [name for name, ok in found.items() if not ok] == []


def test_the_command_line_catches_the_base_not_a_list():
    source = inspect.getsource(importlib.import_module("sitrep.cli"))
    assert "except SitrepError as err" in source and "_known_errors" not in source
