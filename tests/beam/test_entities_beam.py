"""ExtractEntities as a Beam composite on the FnApiRunner (never the default runner: Prism downloads)."""

from __future__ import annotations

from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from transforms.beam.entities import ExtractEntities
from transforms.entities import load_gazetteer
from transforms.records import Article

pytestmark = pytest.mark.beam

ROOT = Path(__file__).resolve().parents[2]


def _article(aid: str, lang: str, title: str, body: str = "") -> Article:
    return Article(
        id=aid,
        link=f"https://news.example/{aid}",
        guid=aid,
        feed="test",
        title=title,
        summary="",
        body=body,
        published="2026-10-02T22:41:00Z",
        published_ts=1_790_000_000.0,
        lang=lang,
    )


def test_composite_sets_entities_with_shared_ids_across_languages():
    gazetteer = load_gazetteer(ROOT / "configs")
    articles = [
        _article("a1", "en", "Peru declares Mexican President Claudia Sheinbaum persona non grata"),
        _article("a2", "id", "Kongres Peru nyatakan Presiden Meksiko Claudia Sheinbaum persona non grata"),
        _article("a3", "es", "El Congreso de Perú declara persona non grata a Claudia Sheinbaum", "México protestó."),
    ]
    with TestPipeline(runner=FnApiRunner()) as p:
        out = (
            p
            | "Create" >> beam.Create(articles)
            | "Entities" >> ExtractEntities(gazetteer)
            | "Ids"
            >> beam.Map(
                lambda a: (a.id, sorted({e.id for e in a.entities} & {"PER", "MEX", "person:claudia sheinbaum"}))
            )
        )
        expected = ["MEX", "PER", "person:claudia sheinbaum"]
        assert_that(out, equal_to([("a1", expected), ("a2", expected), ("a3", expected)]))
