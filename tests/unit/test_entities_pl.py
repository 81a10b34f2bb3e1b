"""Polish: case endings of country names and adjectives, titles."""

import pytest

from tests.unit.entity_helpers import ents, ids


@pytest.mark.parametrize(
    "text",
    ["Polska jest w NATO.", "Rząd Polski zdecydował.", "W Polsce pada śnieg.", "Odwiedził Polskę.", "Z Polską."],
)
def test_every_case_of_polska(text):
    assert "POL" in ids(text, "pl")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rozmowy w Rosji i na Ukrainie.", {"RUS", "UKR"}),
        ("Ambasador Stanów Zjednoczonych i Niemiec.", {"USA", "DEU"}),
        ("Sankcje wobec Iranu i Izraela.", {"IRN", "ISR"}),
        ("Delegacja z Arabii Saudyjskiej.", {"SAU"}),
        ("polskiego rządu i rosyjskiej armii", {"POL", "RUS"}),
        ("spotkanie w Unii Europejskiej", {"org:EU"}),
    ],
)
def test_inflected_names_and_adjectives(text, expected):
    assert ids(text, "pl") == expected


def test_title_supports_a_person_and_an_unsupported_run_is_weak():
    found = {e.text: e for e in ents("Prezydent Andrzej Duda spotkał się z nim. Fundacja Carrefour pomaga.", "pl")}
    assert found["Andrzej Duda"].kind == "person"
    assert all(e.kind != "person" for e in found.values() if "Carrefour" in e.text)
