"""Arabic: country names, demonyms and capitals with proclitics and the article."""

import pytest

from tests.unit.entity_helpers import ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("زار الوزير روسيا أمس", {"RUS"}),
        ("العلاقات بين مصر والسعودية", {"EGY", "SAU"}),
        ("وصل الوفد إلى بالصين", {"CHN"}),
        ("قالت الولايات المتحدة إن", {"USA"}),
        ("وقالت الخارجية الإيرانية", {"IRN"}),
        ("الرئيس الروسي والمسؤولين الأتراك", {"RUS"}),
        ("في طهران وموسكو", {"IRN", "RUS"}),
        ("بيان للأمم المتحدة والاتحاد الأوروبي", {"org:UNO", "org:EU"}),
    ],
)
def test_names_with_clitics(text, expected):
    assert expected <= ids(text, "ar")


def test_unrelated_words_are_not_countries():
    assert ids("قال المتحدث إن الاجتماع كان مثمرا", "ar") == set()


def test_hamza_names_take_the_clitic_lam_both_ways():
    # ألمانيا folds to a form starting like the article: both لألمانيا and للمانيا occur.
    assert ids("تحياتنا لألمانيا والسفير الألماني", "ar") == {"DEU"}
