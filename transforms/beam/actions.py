"""Beam wrappers of ``transforms.actions.detector``."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.actions.detector import ActionDetector
from transforms.records import Article, article_text
from transforms.shared import built_once, config_key


class DetectActionsFn(beam.DoFn):
    """Article -> the same article with its actions; the detector is built once per worker."""

    def __init__(self, lexicon: dict[str, Any]):
        self.lexicon = lexicon
        self._key = config_key(lexicon)  # once, here: setup() may run for every bundle
        self.detector: ActionDetector | None = None
        self.with_actions = Metrics.counter("actions", "articles_with_actions")
        self.actions = Metrics.counter("actions", "actions_detected")

    def setup(self) -> None:
        self.detector = built_once("actions", self._key, lambda: ActionDetector(self.lexicon))

    def process(self, article: Article) -> Iterator[Article]:
        if self.detector is None:
            self.setup()
        assert self.detector is not None
        found = self.detector.detect(article_text(article), article.lang, article.entities, article.published)
        if found:
            self.with_actions.inc()
            self.actions.inc(len(found))
        yield dataclasses.replace(article, actions=tuple(found))


class DetectActions(beam.PTransform):
    """Articles with entities -> articles with the diplomatic actions they report."""

    def __init__(self, lexicon: dict[str, Any], label: str | None = None):
        super().__init__(label)
        self.lexicon = lexicon

    def expand(self, articles: beam.PCollection) -> beam.PCollection:
        return articles | "DetectActions" >> beam.ParDo(DetectActionsFn(self.lexicon))
