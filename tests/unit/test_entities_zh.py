"""Chinese: Han characters are tokens, Latin-script names stay whole, country names match."""

from tests.unit.entity_helpers import ents, ids


def test_chinese_country_names_match_inside_running_text():
    assert ids("中国外交部宣布召回驻立陶宛大使，并驱逐了波兰外交官。", "zh") >= {"CHN", "LTU", "POL"}


def test_latin_script_names_in_chinese_text_stay_whole():
    """spaCy's own Chinese segmenter cuts "U-Haul" into letters; a name then links no English report."""
    found = {e.text: e.id for e in ents("凤凰搬家公司 U-Haul 不再雇佣吸烟者，劳伦·沃尔 (Lauren Walters) 说。", "zh")}
    assert found.get("U-Haul") == "name:u haul"
    assert found.get("Lauren Walters") == "name:lauren walters"


def test_a_chinese_line_with_a_few_latin_names_is_not_title_case():
    """Han characters count as words without capitals, so Latin names there are still names."""
    found = ids("据 Reuters 报道，Joe Biden 和 Xi Jinping 在 Bali 举行会谈。", "zh", ("person", "name"))
    assert "name:joe biden" in found or "person:joe biden" in found
