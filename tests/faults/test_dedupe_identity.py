"""Defects 5 and 6: de-duplication that replayed stale items and confused feeds.

5. An item older than the 7-day de-duplication TTL, re-served at every poll, was processed
   again each time (its forget timer was already in the past): one alert published 7 times.
6. The guid key used the channel title, so two feeds both called "World News" with the same
   guids dropped each other's items.
Both run the live graph's ``DeduplicateStreaming`` on the BundleBasedDirectRunner (streaming,
watermark advanced as a live run's would be), the second on items fetched from a real server.
"""

from __future__ import annotations

import time

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.test_stream import TestStream
from apache_beam.testing.util import assert_that, equal_to

from pipeline.live import articles_from_fetch
from tests.faults.helpers import item_xml, rss
from tests.http_fixture import FeedServer, Reply
from transforms.beam.feeds import DeduplicateStreaming
from transforms.feeds import DUPLICATE
from transforms.fetch import FetchPolicy, fetch

DAY = 86400.0


def streaming() -> PipelineOptions:
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    return options


@pytest.mark.streaming
def test_an_item_older_than_the_ttl_is_processed_once_not_at_every_poll(feed_server: FeedServer) -> None:
    now = float(int(time.time()))
    url = feed_server.static("/old.xml", Reply(200, rss([item_xml(1, now - 30 * DAY)])))
    policy = FetchPolicy(retries=0, min_host_interval_s=0.0, allow_private=True)
    polls = []
    for _ in range(3):  # the feed keeps serving last month's item
        articles, _ = articles_from_fetch(fetch(url, policy=policy))
        polls.append(articles)
    stream = TestStream()
    for i, articles in enumerate(polls):
        stream = stream.add_elements(
            [beam.window.TimestampedValue(a, a.published_ts) for a in articles]
        ).advance_watermark_to(now + i * 60)  # a live watermark follows the clock
    stream = stream.advance_watermark_to_infinity()
    with TestPipeline(runner=BundleBasedDirectRunner(), options=streaming()) as p:
        out = p | stream | DeduplicateStreaming()
        assert_that(out["articles"] | beam.Map(lambda a: a.link), equal_to(["https://example.org/news/1"]))
        assert_that(
            out[DUPLICATE] | "Dups" >> beam.Map(lambda a: a.link),
            equal_to(["https://example.org/news/1"] * 2),
            label="dups",
        )


@pytest.mark.streaming
def test_two_feeds_with_one_title_and_the_same_guids_keep_their_items(feed_server: FeedServer) -> None:
    now = float(int(time.time()))
    policy = FetchPolicy(retries=0, min_host_interval_s=0.0, allow_private=True)
    items_a = [item_xml(1, now, guid="1"), item_xml(2, now, guid="2")]
    items_b = [item_xml(3, now, guid="1"), item_xml(4, now, guid="2")]  # other links, same guids
    urls = [
        feed_server.static("/a.xml", Reply(200, rss(items_a, title="World News"))),
        feed_server.static("/b.xml", Reply(200, rss(items_b, title="World News"))),
    ]
    articles = [a for url in urls for a in articles_from_fetch(fetch(url, policy=policy))[0]]
    assert len(articles) == 4
    stream = (
        TestStream()
        .add_elements([beam.window.TimestampedValue(a, a.published_ts) for a in articles])
        .advance_watermark_to_infinity()
    )
    with TestPipeline(runner=BundleBasedDirectRunner(), options=streaming()) as p:
        out = p | stream | DeduplicateStreaming()
        assert_that(
            out["articles"] | beam.Map(lambda a: a.link),
            equal_to([f"https://example.org/news/{i}" for i in (1, 2, 3, 4)]),
        )
