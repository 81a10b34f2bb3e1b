"""Turkish action lexicon (configs/actions.yaml, ``tr``): sentences written for these tests.

Turkish is head-final: the object and its case-marked names come before the verb ("Rusya ile
ilişkilerini kesti", "Kabil'deki büyükelçiliğini kapattı"), negation and ability are suffixes
of the verb (etmedi, edebilir) and threats or demands follow it ("keseceği tehdidinde
bulundu", "edilmesini istedi"). Entities are built by hand (the name before its apostrophe);
one test runs the real entity extractor.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.entity_helpers import actions_found, assert_pre_scan_loses_nothing, country_entities
from transforms.actions import ACTION_TYPES, ActionDetector, load_lexicon
from transforms.records import Entity

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = "2026-10-14T09:00:00Z"

# Surface form (before any apostrophe) -> state.
STATES = {
    "Türkiye": "TUR", "Ankara": "TUR", "Türk": "TUR", "Rusya": "RUS", "Rus": "RUS", "Moskova": "RUS",
    "İsrail": "ISR", "Azerbaycan": "AZE", "Ermenistan": "ARM", "Hollanda": "NLD", "Almanya": "DEU",
    "Alman": "DEU", "Fransa": "FRA", "Cezayir": "DZA", "İsveç": "SWE", "Tahran": "IRN", "İran": "IRN",
    "Venezuela": "VEN", "Peru": "PER", "ABD": "USA", "Kanada": "CAN", "Japonya": "JPN", "Kabil": "AFG",
    "Afganistan": "AFG", "Ukrayna": "UKR", "Fas": "MAR", "Litvanya": "LTU", "Çin": "CHN",
    "Avustralya": "AUS", "İngiltere": "GBR", "Paris": "FRA", "Katar": "QAT", "Yunanistan": "GRC", "Stockholm": "SWE",
}  # fmt: skip


def entities_for(text: str) -> list[Entity]:
    return country_entities(STATES, text)


@pytest.fixture(scope="module")
def detector() -> ActionDetector:
    return ActionDetector(load_lexicon(ROOT / "configs"))


def keys(detector: ActionDetector, text: str, published: str = PUBLISHED) -> set[tuple[str, str, str]]:
    return {(a.type, a.actor, a.target) for a in detector.detect(text, "tr", entities_for(text), published)}


def test_every_type_has_turkish_triggers() -> None:
    lexicon = load_lexicon(ROOT / "configs")
    for name in ACTION_TYPES:
        assert lexicon["triggers"][name].get("tr"), name


# --------------------------------------------------------------------------- the ten types


DONE = [
    ("Türkiye, İsrail ile diplomatik ilişkilerini kesti.", ("sever_relations", "TUR", "ISR")),
    ("Azerbaycan, Ermenistan'la ilişkilerini tamamen kopardı.", ("sever_relations", "AZE", "ARM")),
    ("Türkiye, İsrail ile ilişkilerini askıya aldı.", ("sever_relations", "TUR", "ISR")),
    ("Türkiye, Hollanda'nın Ankara Büyükelçisini istenmeyen kişi ilan etti.", ("persona_non_grata", "TUR", "NLD")),
    ("Türkiye, iki Rus diplomatını sınır dışı etti.", ("expel_diplomat", "TUR", "RUS")),
    ("Rusya, üç Alman diplomatı sınır dışı ediyor.", ("expel_diplomat", "RUS", "DEU")),
    ("Rus diplomatlar Türkiye tarafından sınır dışı edildi.", ("expel_diplomat", "TUR", "RUS")),
    ("Fransa, Cezayir'deki büyükelçisini geri çağırdı.", ("recall_ambassador", "FRA", "DZA")),
    ("İsveç, Tahran'dan büyükelçisini istişareler için geri çağırdı.", ("recall_ambassador", "SWE", "IRN")),
    ("Ankara, Stockholm Büyükelçisini geri çekti.", ("recall_ambassador", "TUR", "SWE")),
    ("Türkiye, İsveç büyükelçisini Dışişleri Bakanlığına çağırdı.", ("summon_ambassador", "TUR", "SWE")),
    ("İran'ın Ankara Büyükelçisi Dışişleri Bakanlığına çağrıldı.", ("summon_ambassador", "TUR", "IRN")),
    ("Venezuela, eski Peru bakanına siyasi sığınma hakkı tanıdı.", ("grant_asylum", "VEN", "PER")),
    ("ABD, Rus yetkililere yaptırım uyguladı.", ("impose_sanctions", "USA", "RUS")),
    ("Kanada, İran'a yeni yaptırımlar uygulayacak.", ("impose_sanctions", "CAN", "IRN")),
    ("Japonya, Kabil'deki büyükelçiliğini kapattı.", ("close_embassy", "JPN", "AFG")),
    ("Ukrayna, Rusya ile müzakereleri askıya aldı.", ("suspend_talks", "UKR", "RUS")),
    ("Fas, İsrail ile diplomatik ilişkilerini yeniden kurdu.", ("restore_relations", "MAR", "ISR")),
]


@pytest.mark.parametrize(("text", "expected"), DONE)
def test_each_type_with_actor_and_target(detector: ActionDetector, text: str, expected: tuple) -> None:
    assert expected in keys(detector, text)
    assert {k[0] for k in keys(detector, text)} == {expected[0]}


def test_restoring_relations_goes_both_ways(detector: ActionDetector) -> None:
    assert keys(detector, "Fas, İsrail ile diplomatik ilişkilerini yeniden kurdu.") == {
        ("restore_relations", "MAR", "ISR"),
        ("restore_relations", "ISR", "MAR"),
    }


def test_a_name_in_an_oblique_case_is_no_subject(detector: ActionDetector) -> None:
    # "İran'a": the dative names the target even though it stands right before the verb.
    assert keys(detector, "Kanada, İran'a yeni yaptırımlar uygulayacak.") == {("impose_sanctions", "CAN", "IRN")}


# --------------------------------------------------------------------------- no action


NOT_DONE = [
    # negation and ability are verb suffixes
    "Türkiye, Rus diplomatlarını sınır dışı etmedi.",
    "Türkiye, İsveç büyükelçisini sınır dışı etmeyecek.",
    "Rusya, Alman diplomatlarını sınır dışı edebilir.",
    "Türkiye, İsrail ile ilişkilerini kesmeyeceğini açıkladı.",
    # threats, demands, conditions
    "Türkiye, İsrail ile ilişkilerini kesmekle tehdit etti.",
    "Türkiye, İsrail ile ilişkilerini keseceği tehdidinde bulundu.",
    "Muhalefet, İsrail büyükelçisinin sınır dışı edilmesini istedi.",
    "Yunanistan, Türk diplomatlarını sınır dışı ederse ilişkiler zarar görür.",
    "Türkiye, Hollanda büyükelçisini geri çağırmayı düşünüyor.",
    # questions
    "Türkiye, İsveç büyükelçisini sınır dışı edecek mi?",
    "Almanya Rus diplomatlarını sınır dışı edecek mi",
    # other senses of the same verbs
    "Rusya'nın Ankara Büyükelçisi, tarafları sükunete çağırdı.",
    "UEFA, Türk kulübüne ağır yaptırım uyguladı.",
    "Türkiye'nin Paris Büyükelçiliği bayram tatili nedeniyle ziyaretçilere kapatıldı.",
    "Japon otomobil üreticisi, Japonya'da binlerce aracı geri çağırdı.",
    "Polis, Afganistan uyruklu düzensiz göçmenleri sınır dışı etti.",
    "Ulusal Kurtuluş Savaşı'nda Türkiye ile Yunanistan ilişkileri gergindi.",
    # sanctions lifted or prolonged, not imposed
    "ABD, Rus yetkililere yönelik yaptırımları kaldırdı.",
    "Kanada, İran'a yönelik yaptırımları bir yıl uzattı.",
    # older episodes
    "2019'da Türkiye, Hollanda büyükelçisini sınır dışı etti.",
    "Geçen yıl Litvanya, Çin'deki büyükelçisini geri çağırdı.",
    "Beş yıl önce Avustralya, İran'daki büyükelçiliğini kapattı.",
]


@pytest.mark.parametrize("text", NOT_DONE)
def test_no_action(detector: ActionDetector, text: str) -> None:
    assert keys(detector, text) == set()


def test_current_year_is_news(detector: ActionDetector) -> None:
    assert keys(detector, "2026'da İngiltere, Rus diplomatlarını sınır dışı etti.") == {
        ("expel_diplomat", "GBR", "RUS")
    }


# --------------------------------------------------------------------------- real extractor


def test_a_news_paragraph_with_the_real_extractor(detector: ActionDetector) -> None:
    text = (
        "Türkiye, Hollanda büyükelçisini Dışişleri Bakanlığına çağırdı ve iki Rus diplomatını sınır dışı etti. "
        "Almanya ise Rus diplomatlarını sınır dışı etmeyeceğini açıkladı. "
        "2018'de Türkiye, Hollanda büyükelçisini de sınır dışı etmişti."
    )
    assert actions_found(detector, text, "tr", PUBLISHED) == {
        ("summon_ambassador", "TUR", "NLD"),
        ("expel_diplomat", "TUR", "RUS"),
    }


# --------------------------------------------------------------------------- trigger pre-scan


def test_the_pre_scan_keeps_every_turkish_trigger(detector: ActionDetector) -> None:
    """The one-search pre-scan (literal starts of the patterns) loses no Turkish trigger."""
    sentences = [text for text, _ in DONE] + NOT_DONE
    assert_pre_scan_loses_nothing(detector, "tr", sentences, 25, "Ankara'da hava bugün güneşli, piyasalar sakin.")
