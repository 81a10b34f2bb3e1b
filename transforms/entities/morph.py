"""Inflected and cliticised forms of names, from per-language rules (``lang/<code>.py``).

Forms are generated once when a language's matcher is built, so matching stays an exact
lookup of folded token keys. Over-generation is deliberate: a form that never occurs in
text costs a dictionary entry; a missing one loses recall.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

from transforms.entities.lang import LangRules

Fold = Callable[[str], str]
MAX_COMBINATIONS = 64


def _endings(word: str, table: tuple[tuple[str, tuple[str, ...]], ...], fold: Fold) -> set[str]:
    """``word`` (folded) and its forms by the first matching (ending, replacements) row."""
    w = fold(word)
    forms = {w}
    for ending, replacements in table:
        e = fold(ending)
        if w.endswith(e) and len(w) > len(e) + 1:
            stem = w[: len(w) - len(e)]
            forms |= {stem + fold(r) for r in replacements}
            break
    return forms


def name_forms(name: str, rules: LangRules, fold: Fold) -> set[tuple[str, ...]]:
    """Folded token tuples of a place name in every case the language's endings give.

    Every word of a name of up to three words declines (Arabia Saudyjska -> Arabii
    Saudyjskiej); the product is capped.
    """
    words = name.split()
    if not rules.name_endings or not words or len(words) > 3:
        return {tuple(fold(w) for w in words)}
    options = [sorted(_endings(w, rules.name_endings, fold)) for w in words]
    out: set[tuple[str, ...]] = set()
    for combo in itertools.product(*options):
        out.add(combo)
        if len(out) >= MAX_COMBINATIONS:
            break
    out.add(tuple(fold(w) for w in words))
    return out


def adjective_forms(word: str, rules: LangRules, fold: Fold) -> set[str]:
    """Folded forms of a demonym adjective (polski -> polskiego, polskiej...; İranlı...)."""
    return _endings(word, rules.adjective_endings, fold)


def derived_demonyms(name: str, rules: LangRules, fold: Fold) -> set[str]:
    """Demonyms made from a one-word country name by the language's rule (روسيا -> روسي)."""
    drop, add = rules.derived_demonyms
    out: set[str] = set()
    if add and len(name.split()) == 1:
        stems = {fold(name)}
        art = fold(rules.article)
        if art and fold(name).startswith(art):  # folded ألمانيا also starts with ال: keep both
            stems.add(fold(name)[len(art) :])
        for stem in stems:
            for ending in drop:
                e = fold(ending)
                if stem.endswith(e) and len(stem) > len(e) + 1:
                    stem = stem[: -len(e)]
                    break
            if len(stem) >= 3:
                out |= {stem + fold(s) for s in add}
    for suffix in rules.demonym_suffixes:  # Turkish: İranlı, Suriyeliler
        if len(name.split()) == 1:
            out.add(fold(name) + fold(suffix))
    return out


def with_proclitics(first: str, rules: LangRules, fold: Fold, article_optional: bool = False) -> set[str]:
    """A first word with the clitics written onto it: والولايات، بالصين، للأمم، الروسي.

    ``ل`` before the article fuses with it (ل + الـ -> لل). ``article_optional``: the word
    may also take the article (demonyms: روسي -> الروسي).
    """
    if not rules.proclitics:
        return {first}
    art = fold(rules.article)
    bases = {first}
    if article_optional and art and not first.startswith(art):
        bases.add(art + first)
    out = set(bases)
    for base in bases:
        for clitic in rules.proclitics:
            c = fold(clitic)
            out.add(c + base)
            if art and base.startswith(art) and c.endswith("ل"):
                out.add(c + base[1:])  # ل + ال -> لل
    return out


def expand_first(
    keys: Iterable[tuple[str, ...]], rules: LangRules, fold: Fold, article_optional: bool = False
) -> set[tuple[str, ...]]:
    """Every key with its first word also in its cliticised forms."""
    out: set[tuple[str, ...]] = set()
    for key in keys:
        if not key:
            continue
        for first in with_proclitics(key[0], rules, fold, article_optional):
            out.add((first, *key[1:]))
    return out
