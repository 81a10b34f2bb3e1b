"""Shared helpers for the per-language entity tests (one extractor per test session)."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from transforms.entities import EntityExtractor, load_gazetteer
from transforms.records import Entity

ROOT = Path(__file__).resolve().parents[2]


@cache
def extractor() -> EntityExtractor:
    return EntityExtractor(load_gazetteer(ROOT / "configs"))


def ents(text: str, lang: str) -> list[Entity]:
    found = extractor().extract(text, lang)
    for e in found:
        assert text[e.start : e.end] == e.text, e  # offsets index the original text
    return found


def ids(text: str, lang: str, kinds: tuple[str, ...] = ("country", "org")) -> set[str]:
    return {e.id for e in ents(text, lang) if e.kind in kinds}


def country_entities(states: Mapping[str, str], text: str) -> list[Entity]:
    """Hand-built country entities (surface -> code): every listed form, longest match first, no
    overlaps; an English possessive 's stays with its name. Action tests use it without the extractor."""
    taken: list[tuple[int, int]] = []
    found: list[Entity] = []
    for surface in sorted(states, key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?:['’]s)?(?!\w)", text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            code = states[surface]
            found.append(Entity(code, "country", m.group(), m.start(), m.end(), code, None, "name"))
    return sorted(found, key=lambda e: e.start)


def actions_found(detector: Any, text: str, lang: str, published: str) -> set[tuple[str, str, str]]:
    """(type, actor, target) of what the detector finds in ``text`` with the real extractor's entities."""
    found = detector.detect(text, lang, extractor().extract(text, lang), published)
    return {(a.type, a.actor, a.target) for a in found}


def assert_pre_scan_loses_nothing(detector: Any, lang: str, sentences: list[str], at_least: int, quiet: str) -> None:
    """The one-search pre-scan (literal starts of the trigger patterns) finds the same triggers as
    running every pattern, on ``sentences`` (at least ``at_least`` of them with a trigger), and
    rules out ``quiet``, a sentence with none."""
    from transforms.actions.lexicon import _triggers

    scanned = detector.langs[lang]
    unscanned = copy.copy(scanned)
    unscanned.trigger_scan = None
    assert scanned.trigger_scan is not None
    assert all(_triggers(scanned, s) == _triggers(unscanned, s) for s in sentences)
    assert sum(bool(_triggers(unscanned, s)) for s in sentences) > at_least
    assert scanned.trigger_scan.search(quiet) is None
