"""Masking page furniture before extraction: bylines, photo credits, navigation, "read more".

The text is masked with spaces, not cut, so entity offsets still index the article text
that actions read. The phrases are data in ``lang/<code>.py`` (``BOILERPLATE``) plus the
language-independent ones below.
"""

from __future__ import annotations

import re
from functools import cache

from transforms.entities.lang import rules

# Credits and copyright lines in any language: "© 2020 Foo Media", "(Foto: dpa)".
COMMON = (
    r"©\s*(?:\d{4}\s*)?(?:[A-Z][\w.&\-]*\s*)*",
    r"\b(?:AFP|AP|EPA|Reuters|dpa|Getty|AA|DHA|İHA|PAP)(?:\s*/\s*(?:AFP|AP|EPA|Reuters|dpa|Getty|Images|AA|DHA|İHA|PAP))+\b",
)


@cache
def _pattern(lang: str) -> re.Pattern[str] | None:
    parts = [*COMMON, *rules(lang).boilerplate]
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


def mask(text: str, lang: str) -> str:
    """``text`` with boilerplate replaced by spaces (same length, same offsets)."""
    pattern = _pattern((lang or "xx").lower())
    if pattern is None or not text:
        return text
    return pattern.sub(lambda m: " " * len(m.group(0)), text)
