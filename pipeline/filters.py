"""The subscriber's filters, checked against what alerts can contain: a typo must not match nothing.

Countries are ISO 3166 alpha-3 codes (pycountry) or the organisation ids of the gazetteer (an
alert's target may be ``org:UNO``; ``UNO`` and ``org:UNO`` both match it); actions are the
lexicon's types, CAMEO codes or PLOVER categories. Each refusal says what was probably meant.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

import pycountry

from transforms import yamlfile
from transforms.pubsub_io import party_key


def organisation_ids(config_dir: Path) -> set[str]:
    data = yamlfile.safe_load((config_dir / "gazetteer.yaml").read_text(encoding="utf-8")) or {}
    return {party_key(str(k)) for k in (data.get("orgs") or {})}


def action_names(config_dir: Path) -> set[str]:
    """Types, CAMEO codes and PLOVER categories of ``actions.yaml``, lower-cased as the filter compares them."""
    data = yamlfile.safe_load((config_dir / "actions.yaml").read_text(encoding="utf-8")) or {}
    names: set[str] = set()
    for name, spec in (data.get("types") or {}).items():
        names.add(str(name).lower())
        if isinstance(spec, dict):
            names.update(str(spec[k]).lower() for k in ("cameo", "plover") if spec.get(k))
    return names


def country_problem(value: str, organisations: set[str]) -> str | None:
    """None when ``value`` is a known alpha-3 code or organisation id, else why and what was meant."""
    code = party_key(value)
    if code in organisations or (len(code) == 3 and pycountry.countries.get(alpha_3=code) is not None):
        return None
    guess = None
    if len(code) == 2:
        guess = pycountry.countries.get(alpha_2=code)
    if guess is None:
        try:
            guess = pycountry.countries.lookup(value.strip())
        except LookupError:
            guess = None
    if guess is not None:
        hint = f"did you mean {guess.alpha_3} ({getattr(guess, 'common_name', None) or guess.name})?"
    else:
        codes = sorted({c.alpha_3 for c in pycountry.countries} | organisations)
        close = difflib.get_close_matches(code, codes, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(close)}?" if close else "use ISO 3166 alpha-3 codes such as MEX, FRA"
    return f"unknown country code {value!r} (--country takes ISO 3166 alpha-3 codes or UNO, EU...): {hint}"


def action_problem(value: str, known: set[str]) -> str | None:
    name = value.strip().lower()
    if name in known:
        return None
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else f"one of {', '.join(sorted(k for k in known if '_' in k))}"
    return f"unknown action {value!r} (--action takes an action type, a CAMEO code or a PLOVER category): {hint}"


def filter_problems(countries: Iterable[str], actions: Iterable[str], config_dir: Path | None = None) -> list[str]:
    """One line per filter value that no alert could ever carry."""
    from pipeline.config import default_config_dir

    config_dir = config_dir or default_config_dir()
    countries, actions = list(countries), list(actions)
    problems: list[str] = []
    if countries:
        organisations = organisation_ids(config_dir)
        problems += [p for p in (country_problem(c, organisations) for c in countries) if p]
    if actions:
        known = action_names(config_dir)
        problems += [p for p in (action_problem(a, known) for a in actions) if p]
    return problems
