"""YAML read by libyaml's C parser when PyYAML was built with it (a wheel always is).

The configuration files hold ~100,000 lines (the gazetteer's names, the action lexicon): the
pure-Python parser spent about 2 seconds of every start on them. The C loader builds the same
plain data with the same safe constructors.
"""

from __future__ import annotations

from typing import IO, Any

import yaml

SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream: str | bytes | IO[str] | IO[bytes]) -> Any:
    """``yaml.safe_load``, through the C parser when there is one."""
    return yaml.load(stream, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)
