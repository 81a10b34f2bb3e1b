"""Polish action lexicon (configs/actions.yaml, ``pl``): sentences written for these tests.

Polish verbs come in aspect pairs with gendered past forms (wydaliła/wydalili/wydalają,
zerwała/zrywa), names are inflected by case ("z Ukrainą", "ambasadora Rosji", "z Moskwy"),
and "wydali" (they published) is not "wydalili" (they expelled). Entities are built by hand
from the inflected surface forms; one test runs the real entity extractor.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.entity_helpers import actions_found, assert_pre_scan_loses_nothing, country_entities
from transforms.actions import ACTION_TYPES, ActionDetector, load_lexicon
from transforms.records import Entity

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = "2026-10-14T09:00:00Z"

# Inflected surface form -> state.
STATES = {
    "Polska": "POL", "Polski": "POL", "polskiego": "POL", "Rosja": "RUS", "Rosji": "RUS", "Rosją": "RUS",
    "rosyjskiego": "RUS", "rosyjskich": "RUS", "Rosyjscy": "RUS", "Moskwy": "RUS", "Moskwie": "RUS",
    "Ukraina": "UKR", "Ukrainą": "UKR", "Kijowie": "UKR", "Gruzja": "GEO", "Estonia": "EST",
    "Czechy": "CZE", "Bułgarię": "BGR", "Litwa": "LTU", "Francja": "FRA", "Iranie": "IRN", "Iran": "IRN",
    "Wenezuela": "VEN", "Peru": "PER", "Stany Zjednoczone": "USA", "USA": "USA", "białoruskich": "BLR",
    "Białorusią": "BLR", "Mińsku": "BLR", "Japonia": "JPN", "Izrael": "ISR", "Izraelem": "ISR",
    "Katarem": "QAT", "Maroko": "MAR", "Niemcy": "DEU", "Niemiec": "DEU", "Kanada": "CAN",
    "Wielka Brytania": "GBR", "Australia": "AUS", "Pekinu": "CHN", "Afganistanu": "AFG",
    "Warszawie": "POL", "Waszyngtonie": "USA",
}  # fmt: skip


def entities_for(text: str) -> list[Entity]:
    return country_entities(STATES, text)


@pytest.fixture(scope="module")
def detector() -> ActionDetector:
    return ActionDetector(load_lexicon(ROOT / "configs"))


def keys(detector: ActionDetector, text: str, published: str = PUBLISHED) -> set[tuple[str, str, str]]:
    return {(a.type, a.actor, a.target) for a in detector.detect(text, "pl", entities_for(text), published)}


def test_every_type_has_polish_triggers() -> None:
    lexicon = load_lexicon(ROOT / "configs")
    for name in ACTION_TYPES:
        assert lexicon["triggers"][name].get("pl"), name


# --------------------------------------------------------------------------- the ten types


DONE = [
    ("Rosja zerwała stosunki dyplomatyczne z Ukrainą.", ("sever_relations", "RUS", "UKR")),
    ("Gruzja zrywa stosunki dyplomatyczne z Rosją.", ("sever_relations", "GEO", "RUS")),
    ("Polska uznała rosyjskiego konsula za persona non grata.", ("persona_non_grata", "POL", "RUS")),
    ("Estonia ogłosiła rosyjskiego dyplomatę osobą niepożądaną.", ("persona_non_grata", "EST", "RUS")),
    ("Polska wydaliła rosyjskiego dyplomatę.", ("expel_diplomat", "POL", "RUS")),
    ("Czechy wydalają dwóch rosyjskich dyplomatów.", ("expel_diplomat", "CZE", "RUS")),
    ("Rosyjscy dyplomaci muszą opuścić Bułgarię w ciągu 72 godzin.", ("expel_diplomat", "BGR", "RUS")),
    ("Litwa odwołała swojego ambasadora z Moskwy.", ("recall_ambassador", "LTU", "RUS")),
    ("Francja wezwała swojego ambasadora w Iranie na konsultacje.", ("recall_ambassador", "FRA", "IRN")),
    ("Polska wezwała ambasadora Rosji do MSZ.", ("summon_ambassador", "POL", "RUS")),
    ("Wenezuela udzieliła azylu politycznego byłemu ministrowi Peru.", ("grant_asylum", "VEN", "PER")),
    ("Stany Zjednoczone nałożyły sankcje na białoruskich urzędników.", ("impose_sanctions", "USA", "BLR")),
    ("Japonia zamknęła ambasadę w Kijowie.", ("close_embassy", "JPN", "UKR")),
    ("Litwa zamyka swoją ambasadę w Mińsku.", ("close_embassy", "LTU", "BLR")),
    ("Ukraina zawiesiła rozmowy z Rosją.", ("suspend_talks", "UKR", "RUS")),
    ("Izrael przerwał negocjacje z Katarem.", ("suspend_talks", "ISR", "QAT")),
    ("Maroko przywróciło stosunki dyplomatyczne z Izraelem.", ("restore_relations", "MAR", "ISR")),
]


@pytest.mark.parametrize(("text", "expected"), DONE)
def test_each_type_with_actor_and_target(detector: ActionDetector, text: str, expected: tuple) -> None:
    assert expected in keys(detector, text)
    assert {k[0] for k in keys(detector, text)} == {expected[0]}


def test_restoring_relations_goes_both_ways(detector: ActionDetector) -> None:
    assert keys(detector, "Maroko przywróciło stosunki dyplomatyczne z Izraelem.") == {
        ("restore_relations", "MAR", "ISR"),
        ("restore_relations", "ISR", "MAR"),
    }


def test_coordinated_subject_acts_mutually(detector: ActionDetector) -> None:
    assert keys(detector, "Iran i Maroko przywróciły stosunki dyplomatyczne.") == {
        ("restore_relations", "IRN", "MAR"),
        ("restore_relations", "MAR", "IRN"),
    }


# --------------------------------------------------------------------------- no action


NOT_DONE = [
    # negation
    "Polska nie wydaliła rosyjskich dyplomatów.",
    "Niemcy nie wydalili rosyjskich dyplomatów.",
    # "wydali" is "they published", not "they expelled"
    "Dyplomaci z Rosji wydali w Polsce książkę o Moskwie.",
    # modality, threats, demands, considerations, refusals
    "Polska może wydalić rosyjskiego ambasadora.",
    "Litwa zagroziła zerwaniem stosunków dyplomatycznych z Białorusią.",
    "Posłowie wezwali rząd do odwołania ambasadora z Moskwy.",
    "Estonia rozważa zamknięcie ambasady w Moskwie.",
    "Ukraina odmówiła przywrócenia stosunków dyplomatycznych z Rosją.",
    "Oba kraje rozmawiają o przywróceniu stosunków dyplomatycznych.",
    # questions
    "Czy Niemcy wydalą rosyjskich dyplomatów?",
    "Czy Gruzja zerwie stosunki z Rosją?",
    # other senses of the same verbs
    "Ambasador Niemiec wezwał strony do zachowania spokoju.",
    "Prezydent odwołał ambasadora Polski w Waszyngtonie ze stanowiska.",
    "Ambasada USA w Warszawie jest zamknięta dla interesantów w święta.",
    "Bułgaria wydaliła migrantów z Afganistanu.",
    "Polska zamknęła granicę z Białorusią.",
    # sanctions lifted or prolonged, not imposed
    "USA zniosły sankcje wobec białoruskich urzędników.",
    "Kanada przedłużyła sankcje wobec Rosji.",
    # older episodes
    "W 2018 roku Wielka Brytania wydaliła 23 rosyjskich dyplomatów.",
    "Pięć lat temu Australia zamknęła ambasadę w Iranie.",
    "W zeszłym roku Litwa odwołała ambasadora z Pekinu.",
]


@pytest.mark.parametrize("text", NOT_DONE)
def test_no_action(detector: ActionDetector, text: str) -> None:
    assert keys(detector, text) == set()


def test_current_year_is_news(detector: ActionDetector) -> None:
    assert keys(detector, "W 2026 roku Wielka Brytania wydaliła rosyjskich dyplomatów.") == {
        ("expel_diplomat", "GBR", "RUS")
    }


# --------------------------------------------------------------------------- real extractor


def test_a_news_paragraph_with_the_real_extractor(detector: ActionDetector) -> None:
    text = (
        "Polska wezwała ambasadora Francji i wydaliła trzech rosyjskich dyplomatów. "
        "Niemcy nie wydalili rosyjskich dyplomatów. "
        "W 2018 roku Polska wydaliła już białoruskich dyplomatów."
    )
    assert actions_found(detector, text, "pl", PUBLISHED) == {
        ("summon_ambassador", "POL", "FRA"),
        ("expel_diplomat", "POL", "RUS"),
    }


# --------------------------------------------------------------------------- trigger pre-scan


def test_the_pre_scan_keeps_every_polish_trigger(detector: ActionDetector) -> None:
    """The one-search pre-scan (literal starts of the patterns) loses no Polish trigger."""
    sentences = [text for text, _ in DONE] + NOT_DONE
    assert_pre_scan_loses_nothing(detector, "pl", sentences, 25, "Pogoda w Warszawie była ciepła, rynki są spokojne.")
