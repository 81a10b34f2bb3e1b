"""Turkish: case suffixes after an apostrophe, -li demonyms, titles, page furniture."""

import pytest

from tests.unit.entity_helpers import ents, ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Türkiye'nin dış politikası değişiyor.", {"TUR"}),
        ("Bakan dün ABD'ye gitti.", {"USA"}),
        ("Heyet Rusya'dan döndü.", {"RUS"}),
        ("İran’ın açıklaması ve Almanya'daki tepkiler", {"IRN", "DEU"}),
        ("Suriyeli mülteciler ve İranlı yetkililer", {"SYR", "IRN"}),
        ("AB ve BM ortak bir bildiri yayımladı.", {"org:EU", "org:UNO"}),
    ],
)
def test_country_names_with_suffixes(text, expected):
    assert ids(text, "tr") == expected


def test_entity_span_stops_before_the_suffix():
    found = [e for e in ents("Polonya'nın başkenti", "tr") if e.id == "POL"]
    assert found and found[0].text == "Polonya"


def test_person_name_before_a_suffix_and_after_a_title():
    found = {e.id: e for e in ents("Dışişleri Bakanı Mevlüt Çavuşoğlu'nun bugünkü açıklaması geldi.", "tr")}
    assert found["person:mevlut cavusoglu"].kind == "person"


def test_page_furniture_is_not_a_name():
    text = "Son güncelleme: 12.01.2020 14:35 Kaynak: AA Ankara'da toplantı yapıldı."
    assert not [e for e in ents(text, "tr") if e.kind in ("person", "name")]
    assert "TUR" in ids(text, "tr")


def test_possessive_titles_and_agency_datelines():
    text = "İSTANBUL (DHA) - Cumhurbaşkanı Yardımcısı Fuat Oktay bugün açıklama yaptı."
    found = [e for e in ents(text, "tr") if e.kind == "person"]
    assert [e.id for e in found] == ["person:fuat oktay"]
