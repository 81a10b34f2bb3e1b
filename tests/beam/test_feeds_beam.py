"""ReadFeeds, Deduplicate and DetectLanguage as Beam composites on the FnApiRunner."""

from __future__ import annotations

import time

import apache_beam as beam
import pytest
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import FIXTURES, ROOT
from transforms.beam.feeds import Deduplicate, ReadFeeds
from transforms.beam.language import DetectLanguage
from transforms.feeds import DEAD, DUPLICATE, list_input_files

pytestmark = pytest.mark.beam


def test_repeats_are_dropped_first_wins_and_counted():
    files, _ = list_input_files([str(FIXTURES / "feeds" / "repeats.rss")])
    with TestPipeline(runner=FnApiRunner()) as p:
        read = p | beam.Create(files) | ReadFeeds()
        deduped = read["articles"] | Deduplicate()
        assert_that(
            deduped["articles"] | "Titles" >> beam.Map(lambda a: a.title),
            equal_to(["Ministry summons envoy", "Trade talks resume", "Harvest festival opens"]),
        )
        assert_that(
            deduped[DUPLICATE] | "Dropped" >> beam.Map(lambda a: (a.guid, a.title)),
            equal_to([("r-1", "Ministry summons envoy (updated)"), ("r-2-syndicated", "Trade talks resume")]),
            label="duplicates",
        )


def test_bad_files_become_dead_letters_and_the_rest_goes_on():
    files, _ = list_input_files([str(FIXTURES / "bad"), str(ROOT / "seeds")])
    with TestPipeline(runner=FnApiRunner()) as p:
        read = p | beam.Create(files) | ReadFeeds()
        assert_that(
            read[DEAD] | beam.Map(lambda d: d.source.rsplit("/", 1)[-1]),
            equal_to(
                [
                    "binary.xml",
                    "empty.xml",
                    "not-a-feed.xml",
                    "truncated.xml",
                    "unescaped-ampersand.xml",
                    "wrong-encoding.xml",
                ]
            ),
            label="dead",
        )
        assert_that(read["articles"] | "Count" >> beam.combiners.Count.Globally(), equal_to([6]), label="articles")


def test_language_stage_labels_the_seed_articles():
    files, _ = list_input_files([str(ROOT / "seeds")])
    with TestPipeline(runner=FnApiRunner()) as p:
        articles = p | beam.Create(files) | ReadFeeds()
        langs = (
            articles["articles"]
            | "DropOrder" >> beam.Map(lambda oa: oa[1])
            | DetectLanguage()
            | "Lang" >> beam.Map(lambda a: a.lang)
        )
        assert_that(langs, equal_to(["en", "id"]))


@pytest.mark.streaming
def test_streaming_dedupe_drops_reserved_items_and_forgets_after_the_ttl():
    from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
    from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner
    from apache_beam.testing.test_stream import TestStream

    from transforms.beam.feeds import DeduplicateStreaming
    from transforms.records import Article

    base = float(int(time.time()))  # event times near now, as live: items older than the TTL are another case

    def item(guid: str, link: str, offset: float) -> beam.window.TimestampedValue:
        ts = base + offset
        return beam.window.TimestampedValue(Article(guid, link, guid, "F", guid, "", "", "", ts), ts)

    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    stream = (
        TestStream()
        .add_elements([item("g1", "https://x/1", 10), item("g2", "https://x/2", 11)])
        .advance_watermark_to(base + 20)
        .add_elements([item("g1", "https://x/1", 12), item("g3", "https://x/2", 21)])  # re-served, same link
        .advance_watermark_to(base + 200)
        .add_elements([item("g1", "https://x/1", 201)])  # after the TTL: new again
        .advance_watermark_to_infinity()
    )
    with TestPipeline(runner=BundleBasedDirectRunner(), options=options) as p:
        out = p | stream | DeduplicateStreaming(ttl_s=100)
        assert_that(
            out["articles"] | beam.Map(lambda a: (a.guid, round(a.published_ts - base))),
            equal_to([("g1", 10), ("g2", 11), ("g1", 201)]),
        )
        assert_that(out[DUPLICATE] | "Dups" >> beam.Map(lambda a: a.guid), equal_to(["g1", "g3"]), label="dups")
