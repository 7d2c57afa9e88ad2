"""YAML reading, one way for the whole product: libyaml's safe parser when PyYAML was built with it (its wheels
are), about ten times faster than the pure-Python one, which stays the fallback. Safe: plain data only."""

from __future__ import annotations

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream):
    """`yaml.safe_load`, through the fast parser: a str, bytes or an open file in, plain data out."""
    return yaml.load(stream, Loader=SAFE_LOADER)


def compose(stream):
    """The node tree of a YAML document (with the line of every key), through the fast parser."""
    return yaml.compose(stream, Loader=SAFE_LOADER)
