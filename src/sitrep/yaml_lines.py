"""YAML loaders that remember where things are, for error messages naming the line."""

from __future__ import annotations

import yaml


class LineLoader(yaml.SafeLoader):
    """Records the line of every mapping (as ``__line__``)."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


class PlainLineLoader(LineLoader):
    """:class:`LineLoader` without implicit timestamps: dates stay text, to be
    validated (with a clear message) by a pydantic model rather than crash PyYAML."""


PlainLineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
