"""Shared helpers for the per-language entity tests (one extractor per test session)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

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
