"""Page furniture masked before extraction: credits, navigation, bylines (per language)."""

import pytest

from tests.unit.entity_helpers import ents
from transforms.entities.boilerplate import mask


@pytest.mark.parametrize(
    ("lang", "text", "gone"),
    [
        ("en", "Photo: Shannon Tompkins / Houston Chronicle Image 1 of / 28 Caption Close Hogs roam.", "Tompkins"),
        ("de", "Foto: Max Muster Die Lage ist ernst. Seite 2 von 3 nächste Seite", "Muster"),
        ("tr", "Son güncelleme: 12.01.2020 Kaynak: AA", "Kaynak"),
        ("pl", "Czytaj też: Fot. Jan Kowalski / PAP", "Kowalski"),
        ("es", "Foto: María López Leer más", "López"),
        ("fr", "Lire aussi : Photo : Jean Dupont", "Dupont"),
    ],
)
def test_masked_phrases(lang, text, gone):
    masked = mask(text, lang)
    assert len(masked) == len(text) and gone not in masked
    assert not [e for e in ents(text, lang) if gone in e.text]


def test_ordinary_text_is_untouched():
    text = "The photo showed President Lula in Brasília."
    assert mask(text, "en") == text
