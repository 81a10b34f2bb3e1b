"""Russian, Ukrainian and Czech: case endings of country names and adjectives."""

import pytest

from tests.unit.entity_helpers import ids


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ru", "Переговоры в России и на Украине.", {"RUS", "UKR"}),
        ("ru", "Посол Германии встретился с министром Франции.", {"DEU", "FRA"}),
        ("ru", "российский министр и американская делегация", {"RUS", "USA"}),
        ("ru", "Санкции против Ирана.", {"IRN"}),
        ("uk", "Зустріч в Україні та у Польщі.", {"UKR", "POL"}),
        ("uk", "український посол і польського уряду", {"UKR", "POL"}),
        ("cs", "Velvyslanec v Polsku a v Německu.", {"POL", "DEU"}),
        ("cs", "Jednání s Ruskem a Ukrajinou.", {"RUS", "UKR"}),
        ("cs", "česká vláda a ruský prezident", {"CZE", "RUS"}),
    ],
)
def test_inflected_names(lang, text, expected):
    assert ids(text, lang) == expected


def test_russian_capitals_decline_and_short_state_names():
    """Capitals are written in their base form; the case forms come from the Russian endings."""
    text = "В Тегеране заявили, что РФ и Белоруссия поддерживают Гавану. Посол вызван в Кишинёве и Варшаве."
    assert ids(text, "ru") == {"IRN", "RUS", "BLR", "CUB", "MDA", "POL"}
