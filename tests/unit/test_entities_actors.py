"""Actors beyond countries: organisation ids, demonyms on role nouns, surnames of others."""

import pytest

from tests.unit.entity_helpers import ents, extractor, ids
from transforms.entities import country_name, fold, is_org_id


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("the International Criminal Court", "org:ICC"),
        ("NATO allies", "org:NATO"),
        ("ASEAN ministers", "org:ASEAN"),
        ("the African Union", "org:AU"),
        ("ECOWAS leaders", "org:ECOWAS"),
        ("the EU and the UN", "org:EU"),
    ],
)
def test_organisations_have_ids_that_are_not_iso3(text, org):
    found = [e for e in ents(text, "en") if e.id == org]
    assert found and found[0].kind == "org" and found[0].country is None
    assert is_org_id(org) and len(org) != 3 and country_name(org) != org


def test_every_org_id_is_prefixed():
    gazetteer = extractor().gazetteer
    assert all(is_org_id(org_id) for org_id in gazetteer["orgs"])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("the Iranian foreign minister said", "IRN"),
        ("the Iraqi foreign minister said", "IRQ"),
        ("a Guinea-Bissauan official", "GNB"),
        ("a Guinean official", "GIN"),
    ],
)
def test_demonyms_on_role_nouns(text, code):
    assert ids(text, "en") == {code}


def test_every_english_demonym_resolves_to_its_own_state():
    gazetteer = extractor().gazetteer
    wrong = []
    for code, forms in gazetteer["demonyms"].items():
        for word in str(forms[0] or "").split("|"):
            if not word.strip()[:1].isupper() or word.strip() == "None":
                continue  # no English demonym, or a lower-case adjective ("papal")
            got = ids(f"the {word.strip()} minister", "en")
            if got != {code}:
                wrong.append((word, code, got))
    assert not wrong


def test_someone_elses_surname_is_not_a_watchlisted_person():
    found = ents("Francesca Albanese, the UN special rapporteur, said.", "en")
    assert all(e.country is None for e in found if e.kind != "org")
    assert "AUS" not in {e.country for e in found}


@pytest.mark.parametrize(
    "text",
    ["Prime Minister Anthony Albanese spoke. Later Albanese left.", "Prime Minister Albanese spoke."],
)
def test_surname_resolves_with_full_name_or_title(text):
    found = [e for e in ents(text, "en") if fold(e.text) == "albanese"]
    assert found and all(e.country == "AUS" for e in found)


def test_given_name_alone_is_not_the_person():
    found = ents("Thomas Müller scored. Later Thomas left the room.", "en")
    assert [e.id for e in found if e.text == "Thomas"] in ([], ["name:thomas"])


def test_unsupported_run_is_a_light_name_and_a_titled_one_a_person():
    found = {e.text: e for e in ents("The Rose Parade drew crowds, said Governor Gavin Newsom on Monday.", "en")}
    assert found["Rose Parade"].kind == "name" and found["Rose Parade"].weight < 1.0
    assert found["Gavin Newsom"].kind == "person" and found["Gavin Newsom"].weight == 1.0


@pytest.mark.parametrize(
    ("lang", "text", "group"),
    [
        ("en", "The US sanctioned the Houthis.", "org:HOUTHIS"),
        ("de", "Die Huthi-Rebellen feuerten.", "org:HOUTHIS"),
        ("ar", "قال حزب الله في بيان", "org:HEZBOLLAH"),
        ("en", "Talks with the Taliban government resumed.", "org:TALIBAN"),
        ("es", "El Estado Islámico reivindicó el ataque.", "org:ISIS"),
    ],
)
def test_named_non_state_groups_are_orgs_not_states(lang, text, group):
    found = [e for e in ents(text, lang) if e.id == group]
    assert found and found[0].kind == "org" and found[0].country is None
