"""Russian action lexicon (configs/actions.yaml, ``ru``): sentences written for these tests.

Entities are built by hand from inflected surface forms (Russian marks the role of a name by
its case ending: "с Украиной", "посла Франции", "из Москвы"), so most tests check the lexicon
and the detector alone; one runs the real entity extractor on the same kind of text.
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
    "Россия": "RUS", "России": "RUS", "Россией": "RUS", "российских": "RUS", "российского": "RUS",
    "российский": "RUS", "российское": "RUS", "Российские": "RUS", "Москва": "RUS", "Москвы": "RUS",
    "Москве": "RUS", "Москвой": "RUS",
    "Украина": "UKR", "Украины": "UKR", "Украиной": "UKR", "Киев": "UKR", "Киеве": "UKR",
    "Польша": "POL", "Польши": "POL", "польских": "POL", "польского": "POL", "Варшава": "POL", "Познани": "POL",
    "Литва": "LTU", "Литвы": "LTU", "литовского": "LTU", "Латвия": "LVA", "Латвии": "LVA",
    "Эстония": "EST", "Эстонии": "EST", "Эстонией": "EST", "эстонского": "EST", "Германия": "DEU", "Германии": "DEU",
    "немецких": "DEU", "Берлин": "DEU", "Франция": "FRA", "Франции": "FRA", "французского": "FRA",
    "Турция": "TUR", "Анкара": "TUR", "Китай": "CHN", "китайских": "CHN", "Пекин": "CHN", "Пекина": "CHN", "США": "USA",
    "американских": "USA", "Вашингтон": "USA", "Венесуэла": "VEN", "Перу": "PER", "перуанскому": "PER",
    "Марокко": "MAR", "Израилем": "ISR", "Израиль": "ISR", "Израиля": "ISR", "Катаром": "QAT",
    "Япония": "JPN", "Молдавии": "MDA", "Молдавия": "MDA", "Болгария": "BGR", "Болгарию": "BGR",
    "Нидерланды": "NLD", "Белоруссией": "BLR", "белорусских": "BLR", "Минске": "BLR",
    "Великобритания": "GBR", "Иран": "IRN", "Ирана": "IRN", "Иране": "IRN", "Австралия": "AUS",
    "Канада": "CAN", "Грузия": "GEO", "Грузией": "GEO", "Сирии": "SYR", "Афганистана": "AFG",
}  # fmt: skip


def entities_for(text: str) -> list[Entity]:
    return country_entities(STATES, text)


@pytest.fixture(scope="module")
def detector() -> ActionDetector:
    return ActionDetector(load_lexicon(ROOT / "configs"))


def keys(detector: ActionDetector, text: str, published: str = PUBLISHED) -> set[tuple[str, str, str]]:
    return {(a.type, a.actor, a.target) for a in detector.detect(text, "ru", entities_for(text), published)}


def test_every_type_has_russian_triggers() -> None:
    lexicon = load_lexicon(ROOT / "configs")
    for name in ACTION_TYPES:
        assert lexicon["triggers"][name].get("ru"), name


# --------------------------------------------------------------------------- the ten types


DONE = [
    ("Россия разорвала дипломатические отношения с Украиной.", ("sever_relations", "RUS", "UKR")),
    ("Грузия разрывает дипломатические отношения с Россией.", ("sever_relations", "GEO", "RUS")),
    ("Польша объявила персоной нон грата российского консула.", ("persona_non_grata", "POL", "RUS")),
    ("МИД Эстонии объявил российского дипломата персоной нон грата.", ("persona_non_grata", "EST", "RUS")),
    ("Москва выслала трёх польских дипломатов.", ("expel_diplomat", "RUS", "POL")),
    ("Россия высылает посла Молдавии.", ("expel_diplomat", "RUS", "MDA")),
    ("Китай выдворил двух американских дипломатов.", ("expel_diplomat", "CHN", "USA")),
    ("Российские дипломаты должны покинуть Болгарию в течение 72 часов.", ("expel_diplomat", "BGR", "RUS")),
    ("Латвия отозвала своего посла из Москвы.", ("recall_ambassador", "LVA", "RUS")),
    ("Франция отзывает посла из Ирана для консультаций.", ("recall_ambassador", "FRA", "IRN")),
    ("Литва вызвала своего посла из Пекина для консультаций.", ("recall_ambassador", "LTU", "CHN")),
    ("Турция вызвала посла Германии в МИД.", ("summon_ambassador", "TUR", "DEU")),
    ("МИД России вызвал посланника посольства Франции.", ("summon_ambassador", "RUS", "FRA")),
    ("Нидерланды вызвали временного поверенного в делах России.", ("summon_ambassador", "NLD", "RUS")),
    ("Венесуэла предоставила политическое убежище бывшему министру Перу.", ("grant_asylum", "VEN", "PER")),
    ("Россия предоставила убежище экс-президенту Сирии.", ("grant_asylum", "RUS", "SYR")),
    ("Китай ввёл санкции против американских компаний.", ("impose_sanctions", "CHN", "USA")),
    ("США ввели санкции против белорусских чиновников.", ("impose_sanctions", "USA", "BLR")),
    ("Япония закрыла посольство в Киеве.", ("close_embassy", "JPN", "UKR")),
    ("Литва закрывает своё посольство в Минске.", ("close_embassy", "LTU", "BLR")),
    ("Украина приостановила переговоры с Россией.", ("suspend_talks", "UKR", "RUS")),
    ("Израиль прервал переговоры с Катаром.", ("suspend_talks", "ISR", "QAT")),
    ("Марокко восстановило дипломатические отношения с Израилем.", ("restore_relations", "MAR", "ISR")),
]


@pytest.mark.parametrize(("text", "expected"), DONE)
def test_each_type_with_actor_and_target(detector: ActionDetector, text: str, expected: tuple) -> None:
    assert expected in keys(detector, text)
    assert {k[0] for k in keys(detector, text)} == {expected[0]}


def test_restoring_relations_goes_both_ways(detector: ActionDetector) -> None:
    assert keys(detector, "Марокко восстановило дипломатические отношения с Израилем.") == {
        ("restore_relations", "MAR", "ISR"),
        ("restore_relations", "ISR", "MAR"),
    }


def test_coordinated_subject_acts_mutually(detector: ActionDetector) -> None:
    assert keys(detector, "Иран и Марокко восстановили дипломатические отношения.") == {
        ("restore_relations", "IRN", "MAR"),
        ("restore_relations", "MAR", "IRN"),
    }


def test_passive_summons_and_expulsion(detector: ActionDetector) -> None:
    # No agent in the sentence: the other side comes from the rest of the sentence.
    assert keys(detector, "Посол Франции был вызван в МИД России.") == {("summon_ambassador", "RUS", "FRA")}
    assert keys(detector, "Двое американских дипломатов были высланы из России.") == {("expel_diplomat", "RUS", "USA")}


def test_relative_clause_subject_acts(detector: ActionDetector) -> None:
    text = "Эстония, которая выслала российского посла, закрыла посольство в Москве."
    assert keys(detector, text) == {("expel_diplomat", "EST", "RUS"), ("close_embassy", "EST", "RUS")}


def test_closing_another_states_mission_is_not_closing_ones_own(detector: ActionDetector) -> None:
    assert keys(detector, "Польша закрывает российское консульство в Познани.") == set()


# --------------------------------------------------------------------------- no action


NOT_DONE = [
    # negation
    "Россия не будет высылать немецких дипломатов.",
    "Канада заявила, что не намерена высылать российских дипломатов.",
    # modality, threats, demands, considerations, refusals
    "Польша может выслать российского посла.",
    "Литва пригрозила разорвать дипломатические отношения с Белоруссией.",
    "Депутаты призвали правительство Латвии отозвать посла из Москвы.",
    "Эстония рассматривает возможность закрыть посольство в Москве.",
    "Украина отказалась восстанавливать дипломатические отношения с Москвой.",
    "Обе страны обсуждают восстановление дипломатических отношений.",
    "Германия могла бы отозвать посла из Москвы.",
    # questions
    "Вышлет ли Германия российских дипломатов?",
    "Разорвёт ли Грузия отношения с Россией?",
    # other senses of the same verbs
    "Посольство России в Польше выслало документы в МИД.",
    "Правительство Франции отозвало законопроект о санкциях.",
    "Болгария выслала из страны мигрантов из Афганистана.",
    "Россия и Украина договорились о прекращении огня, переговоры продолжатся.",
    "МИД Эстонии вызвал критику со стороны Москвы.",
    "Посольство США в Москве закрыто для посетителей в праздничные дни.",
    "Посольство Франции в Москве закрыло визовый центр на ремонт.",
    "Президент Франции отозвал своё предложение о встрече с послом России.",
    "Посол Германии вернулся домой после переговоров с Китаем.",
    "В МИД России заявили, что отношения с Эстонией разорваны не будут.",
    # sanctions lifted or prolonged, not imposed
    "США сняли санкции против белорусских чиновников.",
    "Евросоюз отменил санкции против российских чиновников.",
    # older episodes
    "В 2018 году Великобритания выслала 23 российских дипломата.",
    "Пять лет назад Австралия закрыла посольство в Иране.",
    "В прошлом году Литва отозвала посла из Пекина.",
]


@pytest.mark.parametrize("text", NOT_DONE)
def test_no_action(detector: ActionDetector, text: str) -> None:
    assert keys(detector, text) == set()


def test_current_year_is_news(detector: ActionDetector) -> None:
    assert keys(detector, "В 2026 году Великобритания выслала российских дипломатов.") == {
        ("expel_diplomat", "GBR", "RUS")
    }


# --------------------------------------------------------------------------- real extractor


def test_a_news_paragraph_with_the_real_extractor(detector: ActionDetector) -> None:
    text = (
        "МИД России вызвал посла Франции и выслал трёх польских дипломатов. "
        "В ответ Польша закрыла российское консульство в Гданьске. "
        "В 2018 году Москва уже высылала британских дипломатов."
    )
    assert actions_found(detector, text, "ru", PUBLISHED) == {
        ("summon_ambassador", "RUS", "FRA"),
        ("expel_diplomat", "RUS", "POL"),
    }


# --------------------------------------------------------------------------- trigger pre-scan


def test_the_pre_scan_keeps_every_russian_trigger(detector: ActionDetector) -> None:
    """The one-search pre-scan (literal starts of the patterns) loses no Russian trigger."""
    sentences = [text for text, _ in DONE] + NOT_DONE
    assert_pre_scan_loses_nothing(detector, "ru", sentences, 40, "Погода в Москве была тёплой, рынки спокойны.")
