"""Language detection behind one small interface: langdetect (default) or lingua.

langdetect is seeded (``DetectorFactory.seed = 0``) so the same text always gets the same
answer. Below a confidence floor the language is ``und``: a wrong language would send the
article to the wrong tokenizer and lexicon, an unknown one falls back to the generic path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Protocol

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.records import Article, article_text

UNDETERMINED = "und"
DEFAULT_FLOOR = 0.5
MAX_DETECTION_CHARS = 3000  # beyond this, more text changes nothing but the cost
BACKENDS = ("langdetect", "lingua")


class LanguageDetector(Protocol):
    def detect(self, text: str) -> tuple[str, float]:
        """ISO 639-1 code (or ``und``) and a confidence in [0, 1]."""
        ...


def to_iso639_1(code: str) -> str:
    """langdetect says ``zh-cn``; lingua says ``ZH``: keep the two-letter language."""
    return code.split("-")[0].lower() if code else UNDETERMINED


class LangdetectDetector:
    """langdetect's naive-Bayes profiles for 55 languages, seeded for determinism."""

    def __init__(self, floor: float = DEFAULT_FLOOR) -> None:
        from langdetect import DetectorFactory

        DetectorFactory.seed = 0
        self.floor = floor

    def detect(self, text: str) -> tuple[str, float]:
        from langdetect import detect_langs
        from langdetect.lang_detect_exception import LangDetectException

        text = text[:MAX_DETECTION_CHARS]
        try:
            best = detect_langs(text)[0]
        except LangDetectException:  # no letters to go on
            return UNDETERMINED, 0.0
        if best.prob < self.floor:
            return UNDETERMINED, round(best.prob, 4)
        return to_iso639_1(best.lang), round(best.prob, 4)


class LinguaDetector:
    """lingua restricted to the configured languages: faster and better on short snippets."""

    def __init__(self, languages: Sequence[str], floor: float = DEFAULT_FLOOR) -> None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        wanted = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages]
        if len(wanted) < 2:
            raise ValueError("lingua needs at least two languages to choose between")
        self._detector = LanguageDetectorBuilder.from_languages(*wanted).build()
        self.floor = floor

    def detect(self, text: str) -> tuple[str, float]:
        text = text[:MAX_DETECTION_CHARS]
        if not any(ch.isalpha() for ch in text):
            return UNDETERMINED, 0.0
        best = self._detector.compute_language_confidence_values(text)[0]
        if best.value < self.floor:
            return UNDETERMINED, round(best.value, 4)
        return best.language.iso_code_639_1.name.lower(), round(best.value, 4)


def make_detector(backend: str, languages: Sequence[str], floor: float = DEFAULT_FLOOR) -> LanguageDetector:
    if backend == "langdetect":
        return LangdetectDetector(floor)
    if backend == "lingua":
        return LinguaDetector(languages, floor)
    raise ValueError(f"unknown language backend {backend!r}; choose one of {', '.join(BACKENDS)}")


def detect_article_language(article: Article, detector: LanguageDetector) -> Article:
    """Title, summary and body together: the title alone misleads langdetect on short headlines."""
    lang, confidence = detector.detect(article_text(article))
    return dataclasses.replace(article, lang=lang, lang_confidence=confidence)


class DetectLanguageFn(beam.DoFn):
    """Article -> Article with ``lang`` and ``lang_confidence``; the detector loads once per worker."""

    def __init__(self, backend: str, languages: Sequence[str], floor: float) -> None:
        self.backend, self.languages, self.floor = backend, tuple(languages), floor
        self.undetermined = Metrics.counter("crosswire", "lang_undetermined")
        self._detector: LanguageDetector | None = None

    def setup(self) -> None:
        self._detector = make_detector(self.backend, self.languages, self.floor)

    def process(self, article: Article) -> Iterator[Article]:
        assert self._detector is not None
        result = detect_article_language(article, self._detector)
        if result.lang == UNDETERMINED:
            self.undetermined.inc()
        yield result


class DetectLanguage(beam.PTransform):
    def __init__(self, backend: str = "langdetect", languages: Sequence[str] = (), floor: float = DEFAULT_FLOOR):
        super().__init__()
        self.backend, self.languages, self.floor = backend, tuple(languages), floor

    def expand(self, articles: beam.PCollection) -> beam.PCollection:
        return articles | "Detect" >> beam.ParDo(DetectLanguageFn(self.backend, self.languages, self.floor))
