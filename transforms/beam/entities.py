"""Beam wrappers of ``transforms.entities.engine``."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.entities.engine import EntityExtractor
from transforms.records import Article, article_text
from transforms.shared import built_once, config_key


class ExtractEntitiesFn(beam.DoFn):
    """Article -> Article with ``entities``; the extractor is built once per worker."""

    def __init__(self, gazetteer: dict[str, Any]):
        self._gazetteer = gazetteer
        self._key = config_key(gazetteer)  # once, here: setup() may run for every bundle
        self._extractor: EntityExtractor | None = None
        self._articles = Metrics.counter("entities", "articles")
        self._empty = Metrics.counter("entities", "articles_without_entities")

    def setup(self) -> None:
        self._extractor = built_once("entities", self._key, lambda: EntityExtractor(self._gazetteer))

    def process(self, article: Article) -> Iterator[Article]:
        assert self._extractor is not None, "setup() not called"
        entities = tuple(self._extractor.extract(article_text(article), article.lang))
        self._articles.inc()
        if not entities:
            self._empty.inc()
        yield dataclasses.replace(article, entities=entities)


class ExtractEntities(beam.PTransform):
    """Composite stage: PCollection[Article] -> PCollection[Article] with entities set."""

    def __init__(self, gazetteer: dict[str, Any], label: str | None = None):
        super().__init__(label)
        self._gazetteer = gazetteer

    def expand(self, articles: beam.PCollection) -> beam.PCollection:
        return articles | "ExtractEntities" >> beam.ParDo(ExtractEntitiesFn(self._gazetteer))
