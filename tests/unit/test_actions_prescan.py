"""The trigger pre-scan skips sentences without changing a single detection.

Compared with and without the scan: trigger matches on every sentence of the fixture
articles read in every lexicon language, detections of those articles with real entities,
and sentences written for this test (capitals, accents, spans, a German pattern that
starts with ``\\w*``, text with no trigger at all).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from transforms.actions import ActionDetector, load_lexicon, split_sentences
from transforms.actions.lexicon import FLAGS, _literal_starts, _triggers
from transforms.entities import EntityExtractor, load_gazetteer
from transforms.shared import built_once, config_key

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "configs"
FIXTURES = [ROOT / "tests" / "fixtures" / name / "articles.jsonl" for name in ("heldout", "blind", "blind2")]

WRITTEN = {
    "en": [
        "KENYA EXPELS TWO UGANDAN DIPLOMATS",
        "Ghana recalled its ambassador to Mali on Monday.",
        "The envoy must leave the country within 72 hours.",
        "Norway and Chile restored diplomatic relations after a decade.",
        "The weather was mild and markets were calm.",
        "He recalled that the talks were long.",
    ],
    "es": [
        "Perú rompió relaciones diplomáticas con México.",
        "El gobierno puso fin a las relaciones con Caracas.",
        "Uruguay llamó a consultas a su embajador en Lima.",
        "La lluvia siguió toda la tarde en Montevideo.",
    ],
    "pt": ["O Brasil põe fim às relações com o Quénia.", "O governo convocou o embaixador queniano."],
    "fr": ["La France déclare persona non grata un diplomate malien.", "Le Mali rompt avec Paris."],
    "de": [
        "Berlin weist zwei russische Diplomaten aus.",
        "Die neuen Wirtschaftssanktionen gegen Moskau treten heute in Kraft.",
        "Österreich hat den ungarischen Botschafter einbestellt.",
        "Das Treffen mit Budapest wurde abgesagt.",
    ],
    "it": ["L'Italia ha richiamato il suo ambasciatore al Cairo.", "Roma ha espulso due diplomatici egiziani."],
    "nl": ["Nederland roept zijn ambassadeur terug uit Boedapest.", "Den Haag zet twee diplomaten uit."],
    "id": ["Indonesia memanggil pulang duta besarnya dari Myanmar.", "Malaysia mengusir diplomat Korea Utara."],
}


def fixture_articles() -> list[dict]:
    return [json.loads(line) for path in FIXTURES for line in path.read_text(encoding="utf-8").splitlines() if line]


def text_of(row: dict) -> str:
    return "\n".join(part for part in (row.get("title"), row.get("summary"), row.get("body")) if part)


@pytest.fixture(scope="module")
def detectors() -> tuple[ActionDetector, ActionDetector]:
    """The detector as built, and a copy whose languages have no pre-scan and no trigger index."""
    scanned = ActionDetector(load_lexicon(CONFIG))
    unscanned = copy.copy(scanned)
    unscanned.langs = {lang: copy.copy(cl) for lang, cl in scanned.langs.items()}
    for cl in unscanned.langs.values():
        cl.trigger_scan = None
        cl.trigger_index = None
    return scanned, unscanned


def test_every_language_has_a_scan(detectors: tuple[ActionDetector, ActionDetector]) -> None:
    scanned, _ = detectors
    assert scanned.langs and all(cl.trigger_scan is not None for cl in scanned.langs.values())
    assert all(cl.trigger_index is not None and any(cl.trigger_index.indexed) for cl in scanned.langs.values())


def test_same_triggers_in_every_sentence_in_every_language(detectors: tuple[ActionDetector, ActionDetector]) -> None:
    scanned, unscanned = detectors
    sentences = [s for row in fixture_articles() for _, s in split_sentences(text_of(row), row["lang"])]
    sentences += [s for texts in WRITTEN.values() for s in texts]
    skipped = found = 0
    for lang, cl in scanned.langs.items():
        for sentence in sentences:
            expected = _triggers(unscanned.langs[lang], sentence)
            assert _triggers(cl, sentence) == expected, (lang, sentence)
            skipped += cl.trigger_scan is not None and cl.trigger_scan.search(sentence) is None
            found += bool(expected)
    assert found > 100  # the comparison saw real triggers ...
    assert skipped > len(sentences)  # ... and the scan did skip sentences


@pytest.mark.parametrize("lang", sorted(WRITTEN))
def test_written_sentences_keep_their_triggers(detectors: tuple[ActionDetector, ActionDetector], lang: str) -> None:
    scanned, unscanned = detectors
    for sentence in WRITTEN[lang]:
        assert _triggers(scanned.langs[lang], sentence) == _triggers(unscanned.langs[lang], sentence)
    assert any(_triggers(scanned.langs[lang], s) for s in WRITTEN[lang])


def test_same_detections_with_real_entities(detectors: tuple[ActionDetector, ActionDetector]) -> None:
    scanned, unscanned = detectors
    gazetteer = load_gazetteer(CONFIG)
    extractor = built_once("entities", config_key(gazetteer), lambda: EntityExtractor(gazetteer))  # shared
    total = 0
    for row in fixture_articles():
        text = text_of(row)
        entities = extractor.extract(text, row["lang"])
        for lang in (row["lang"], "und"):  # "und" reads the text in every lexicon language
            got = scanned.candidates(text, lang, entities, row.get("published"))
            assert got == unscanned.candidates(text, lang, entities, row.get("published")), (row["id"], lang)
            total += len(got)
    assert total > 100


def test_literal_starts_cover_every_match() -> None:
    """Each start set found covers every match of its pattern, and undecidable starts give None."""
    rx = re.compile(r"(?<!\w)(?:(?:p[õo]e\w*|pôs)\s+fim|rupture[sd]?|end(?:s|ed))(?!\w)", FLAGS)
    starts = _literal_starts(rx.pattern)
    assert starts == {"põe", "poe", "pôs", "rupture", "ends", "ended"}
    for text in ("Põe fim", "POE FIM", "pôs fim", "RUPTURED", "ends", "Ended"):
        match = rx.search(text)
        assert match and any(match.group().casefold().startswith(s) for s in starts)
    assert _literal_starts(r"(?<!\w)(?:\w*[Ss]anktionen\s+gegen)(?!\w)") is None
    assert _literal_starts(r"(?<!\w)(?:[a-z]+ing)(?!\w)") is None
    assert _literal_starts(r"(?<!\w)(?:e\w*)(?!\w)") is None  # one letter would let every sentence through
