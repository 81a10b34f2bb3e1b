"""Per-language rules for entity extraction, as data (one module per language code).

Each module may define any of the names of :class:`LangRules`; missing ones take the
defaults. The engine never tests a language code: it asks ``rules(lang)`` what to do.
"""

from __future__ import annotations

import dataclasses
import importlib
from functools import cache

# Language codes that have a module here (imported on first use only).
KNOWN = frozenset({"ar", "cs", "de", "en", "es", "fr", "pl", "ru", "tr", "uk", "zh"})


@dataclasses.dataclass(frozen=True)
class LangRules:
    """What the engine needs to know about one language.

    ``name_endings`` / ``adjective_endings``: (ending, replacements) pairs, first match
    wins, "" matches any word; a place name or adjective ending in ``ending`` also occurs
    with each replacement instead (Polska -> Polsce, Polskę; polski -> polskiego).
    Endings are written as in text; they are folded like every key.
    """

    code: str = "xx"
    name_endings: tuple[tuple[str, tuple[str, ...]], ...] = ()
    adjective_endings: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Case suffixes written after an apostrophe on proper names (Turkish: Türkiye'nin).
    apostrophe_suffixes: bool = False
    # Suffixes that make a demonym from a country name (Turkish İran -> İranlı).
    demonym_suffixes: tuple[str, ...] = ()
    # Proclitics written onto the next word (Arabic و ف ب ل ك) and the definite article.
    proclitics: tuple[str, ...] = ()
    article: str = ""
    # Demonym adjectives derived from a country name: (endings to drop, suffixes to add).
    derived_demonyms: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    # A capitalised word that starts with a country name ("Russlandreise") names it.
    compounds: bool = False
    # Every noun is capitalised (German): a capitalised word alone is no name.
    capitalised_nouns: bool = False
    # Articles and determiners: a capitalised word right after one is a noun, not a surname used
    # alone ("der Prozess" does not make "Totschlags Prozess" a person; "Kogler sagte" does).
    determiners: frozenset[str] = frozenset()
    # Extra names: id -> surfaces (country codes or org ids), beside CLDR and pycountry.
    names: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    # Demonym adjectives (base forms; inflected with adjective_endings), any case.
    adjectives: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    capitals: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    # Title and role words: a capitalised run right after one is a person.
    titles: frozenset[str] = frozenset()
    # Endings of title words written as one compound (German "Außenminister").
    title_suffixes: tuple[str, ...] = ()
    # Particles that join a name only after another particle: German "von der Leyen", but
    # "Krise der CDU" is a noun and a genitive, not a name.
    linked_particles: frozenset[str] = frozenset()
    # Capitalised words that are never part of a name (page furniture, months, ...).
    nonname: frozenset[str] = frozenset()
    # A script written without spaces (Chinese): a character class whose characters are each a
    # token, while words of other scripts in the text stay whole ("U-Haul", "Lauren Walters").
    token_characters: str = ""
    # Boilerplate: regular expressions (case-sensitive) masked before extraction.
    boilerplate: tuple[str, ...] = ()


_FIELDS = {f.name for f in dataclasses.fields(LangRules)}


@cache
def rules(lang: str) -> LangRules:
    """The rules for ``lang`` (defaults when no module exists)."""
    lang = (lang or "xx").lower()
    if lang not in KNOWN:
        return LangRules(code=lang)
    module = importlib.import_module(f"{__name__}.{lang}")
    values = {name: getattr(module, name.upper()) for name in _FIELDS if hasattr(module, name.upper())}
    for key in ("titles", "nonname", "linked_particles", "determiners"):
        if key in values:
            values[key] = frozenset(values[key])
    return LangRules(code=lang, **values)
