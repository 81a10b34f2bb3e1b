"""Beam wrappers of ``transforms.language``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.language import (
    DEFAULT_BACKEND,
    DEFAULT_FLOOR,
    DEFAULT_LANGUAGES,
    UNDETERMINED,
    LanguageDetector,
    detect_article_language,
    shared_detector,
)
from transforms.records import Article


class DetectLanguageFn(beam.DoFn):
    """Article -> Article with ``lang`` and ``lang_confidence``; the detector loads once per worker."""

    def __init__(self, backend: str, languages: Sequence[str], floor: float) -> None:
        self.backend, self.languages, self.floor = backend, tuple(languages), floor
        self.undetermined = Metrics.counter("crosswire", "lang_undetermined")
        self._detector: LanguageDetector | None = None

    def setup(self) -> None:
        self._detector = shared_detector(self.backend, self.languages, self.floor)

    def process(self, article: Article) -> Iterator[Article]:
        assert self._detector is not None
        result = detect_article_language(article, self._detector)
        if result.lang == UNDETERMINED:
            self.undetermined.inc()
        yield result


class DetectLanguage(beam.PTransform):
    def __init__(
        self, backend: str = DEFAULT_BACKEND, languages: Sequence[str] = DEFAULT_LANGUAGES, floor: float = DEFAULT_FLOOR
    ):
        super().__init__()
        self.backend, self.languages, self.floor = backend, tuple(languages), floor

    def expand(self, articles: beam.PCollection) -> beam.PCollection:
        return articles | "Detect" >> beam.ParDo(DetectLanguageFn(self.backend, self.languages, self.floor))
