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


def test_declined_forms_of_one_name_share_one_id():
    text = "Premier Donald Tusk przyjechał. Rozmowa z Donaldem Tuskiem. Ministra Jadwiga Emilewicz i Jadwigą Emilewicz."
    found = [e for e in ents(text, "pl") if e.kind == "person"]
    assert {e.id for e in found} == {"person:donald tusk", "person:jadwiga emilewicz"}
    assert all(e.country == "POL" for e in found if e.id == "person:donald tusk")
