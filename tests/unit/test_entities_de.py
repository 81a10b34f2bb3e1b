"""German: compounds on country names, titles before single names, noun capitalisation."""

import pytest

from tests.unit.entity_helpers import ents, ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Russlandreise des Ministers", {"RUS"}),
        ("Die Irankrise spitzt sich zu.", {"IRN"}),
        ("Wegen der Ukrainehilfe", {"UKR"}),
        ("Die Polenta war kalt.", set()),
    ],
)
def test_compounds_name_the_country(text, expected):
    assert ids(text, "de") == expected


def test_single_name_after_a_title_is_a_person():
    found = {e.text: e for e in ents("Das sagte Bürgermeisterin Hinterhuber am Montag.", "de")}
    assert found["Hinterhuber"].kind == "person" and found["Hinterhuber"].id == "person:hinterhuber"


def test_capitalised_nouns_are_not_people():
    text = "Die Staatsanwaltschaft sagte, 80 Prozent der Stimmen seien gezählt. Seite 2 nächste Seite"
    assert not [e for e in ents(text, "de") if e.kind in ("person", "name")]


def test_genitive_article_does_not_join_a_name_but_von_der_does():
    found = {e.id: e for e in ents("Die Krise der CDU wächst, sagte Ursula von der Leyen.", "de")}
    assert "person:ursula von der leyen" in found
    assert not [i for i in found if "krise" in i]


def test_a_noun_after_an_article_does_not_make_a_run_a_person():
    """ "der Prozess" is a noun: "Totschlags Prozess" stays a name; "Kogler sagte" is a surname alone."""
    text = "Der Totschlags Prozess beginnt. Der Prozess dauert. Kogler sagte, Werner Kogler habe recht."
    found = {e.id: e.kind for e in ents(text, "de")}
    assert found["name:totschlags prozess"] == "name"
    assert found["person:werner kogler"] == "person"
