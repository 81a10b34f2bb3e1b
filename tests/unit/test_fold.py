"""``fold`` (the fast one) gives what the plain, character-by-character reference gives."""

from __future__ import annotations

import dataclasses
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from transforms.entities import engine, load_gazetteer
from transforms.entities.engine import (
    COMBINING_PLANES_END,
    LOCALE_DIRS,
    _cldr_names,
    _pycountry_names,
    fold,
    fold_plain,
)
from transforms.entities.lang import KNOWN, rules

ROOT = Path(__file__).resolve().parents[2]

TRICKY = [
    "",
    "plain ascii",
    "MIXED Case `quoted´ text",
    "Türkiye'nin ABD'ye notası",
    "Straße, Øresund, Łódź, Đakovo, Æsir, Œuvre, ıi İstanbul",  # the extra table, dotless/dotted i
    "ş ș Ş Ș é è ë ê É Ë",  # cedilla and comma below, precomposed
    "e\u0301 a\u0308 s\u0327 s\u0326",  # decomposed marks
    "\u0301 a leading combining mark",
    "ﬁ ﬂ ǅ ᾳ ΐ",  # ligatures, title-case digraph, Greek with ypogegrammeni and dialytika
    "Μαρία ΣΊΣΥΦΟΣ",  # final sigma
    "Россия Йошкар-Ола ёлка",
    "الولايات المتحدة الأمريكية ـ كَتَبَ إلى",  # tatweel, harakat, alef maksura
    "中华人民共和国 日本語 한국어",  # Hangul decomposes to jamo and recomposes
    "\u00a0non-breaking\u2009thin – dash ‐ hyphen ‑ nb hyphen",
    "emoji 👍🏽 flag 🇺🇸",
    "\U0001d400 mathematical bold A, \U000e0041 a tag",
]


def _strings(value: Any) -> Iterator[str]:
    """Every string inside nested configuration data (keys too)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            yield from _strings(v)
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))


def gazetteer_surfaces() -> set[str]:
    """The gazetteer's and people list's strings, every language module's rules, pycountry and CLDR names."""
    out = set(_strings(load_gazetteer(ROOT / "configs")))
    for code in KNOWN:
        out |= set(_strings(rules(code)))
    for lang in (*KNOWN, "en", "es", "pt", "it", "nl", "id"):
        for locale in LOCALE_DIRS.get(lang, [lang]):
            out |= {name for name, _ in _pycountry_names(locale)}
        out |= {name for name, _ in _cldr_names(lang)}
    return out


def test_fold_equals_the_plain_fold_on_every_gazetteer_surface() -> None:
    surfaces = gazetteer_surfaces()
    assert len(surfaces) > 5000
    differ = [s for s in surfaces if fold(s) != fold_plain(s)]
    assert not differ, differ[:10]


@pytest.mark.parametrize("text", TRICKY)
def test_fold_equals_the_plain_fold_on_tricky_text(text: str) -> None:
    assert fold(text) == fold_plain(text)
    assert fold(text.upper()) == fold_plain(text.upper())


def test_fold_equals_the_plain_fold_on_every_character() -> None:
    """Each code point alone, and runs of them (normalisation composes neighbours)."""
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000]  # no lone surrogates
    assert [fold(ch) for ch in chars] == [fold_plain(ch) for ch in chars]
    for start in range(0, len(chars), 512):
        run = "".join(chars[start : start + 512])
        assert fold(run) == fold_plain(run), hex(ord(chars[start]))


def test_no_combining_mark_lies_beyond_the_table() -> None:
    beyond = [c for c in range(COMBINING_PLANES_END, sys.maxunicode + 1) if unicodedata.combining(chr(c))]
    assert not beyond
    assert len(engine._COMBINING) > 800
