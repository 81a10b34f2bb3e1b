"""GroupStories as a Beam composite: batch on FnApiRunner, streaming with TestStream."""

from __future__ import annotations

import math
import random

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.test_stream import TestStream
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms.window import TimestampedValue

from tests.unit.test_stories import BREAK, FOOTBALL, HOUR, ROOT, TRADE, _mixed_corpus, article
from transforms.beam.stories import GroupStories, GroupStoriesBatch, LatestStories
from transforms.records import stable_id
from transforms.stories import group_articles, latest_snapshot, load_story_config

pytestmark = pytest.mark.beam

CONFIG = load_story_config(ROOT / "configs")


def _timestamped(a):
    return TimestampedValue(a, a.published_ts)


def _pair(a):
    return (a.id, a.story_id)


def _record(s):
    return (s.id, s.article_ids, s.shared_entities, s.headline, s.languages)


def test_batch_ids_and_story_records_match_the_pure_function_whatever_the_input_order():
    items = _mixed_corpus()
    assignment, stories = group_articles(items, CONFIG)
    shuffled = items[:]
    random.Random(3).shuffle(shuffled)
    with TestPipeline(runner=FnApiRunner()) as p:
        grouped = p | beam.Create(shuffled, reshuffle=True) | beam.Map(_timestamped) | GroupStories(CONFIG)
        assert_that(grouped["articles"] | beam.Map(_pair), equal_to(sorted(assignment.items())), label="ids")
        latest = grouped["stories"] | LatestStories() | beam.Map(_record)
        assert_that(latest, equal_to([_record(s) for s in stories]), label="stories")


def test_batch_without_timers_gives_the_same_ids_and_one_record_per_story():
    items = _mixed_corpus()
    assignment, stories = group_articles(items, CONFIG)
    with TestPipeline(runner=FnApiRunner()) as p:
        grouped = p | beam.Create(items[::-1]) | beam.Map(_timestamped) | GroupStoriesBatch(CONFIG)
        assert_that(grouped["articles"] | beam.Map(_pair), equal_to(sorted(assignment.items())), label="ids")
        assert_that(grouped["stories"] | beam.Map(_record), equal_to([_record(s) for s in stories]), label="stories")


def test_batch_articles_keep_their_event_time():
    with TestPipeline(runner=FnApiRunner()) as p:
        grouped = p | beam.Create(BREAK) | beam.Map(_timestamped) | GroupStories(CONFIG)
        stamped = grouped["articles"] | beam.Map(
            lambda a, ts=beam.DoFn.TimestampParam: (a.id, float(ts) == a.published_ts)
        )
        assert_that(stamped, equal_to([(a.id, True) for a in BREAK]))


@pytest.mark.streaming
def test_streaming_assigns_in_event_time_order_as_the_watermark_advances():
    """Elements arrive out of order inside each watermark step; ids equal the pure function's."""
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    items = [*BREAK, TRADE, FOOTBALL]
    assignment, _ = group_articles(items, CONFIG)
    t = {a.id: a.published_ts for a in items}
    by_id = {a.id: a for a in items}
    stream = (
        TestStream()
        .advance_watermark_to(t["a1"] - HOUR)
        # a2 arrives before a1: the timer, not the arrival order, decides who starts the story
        .add_elements([_timestamped(by_id["a2"]), _timestamped(by_id["a3"])])
        .add_elements([_timestamped(by_id["a1"])])
        .advance_watermark_to(t["a3"] + 1)
        .add_elements([_timestamped(by_id["t1"]), _timestamped(by_id["a4"])])
        .advance_watermark_to(t["t1"] + 1)
        .add_elements([_timestamped(by_id["f1"])])
        .advance_watermark_to(t["f1"] + 1)  # the direct runner drops outputs of timers fired by the jump to +inf
        .advance_watermark_to_infinity()
    )
    with TestPipeline(runner=BundleBasedDirectRunner(), options=options) as p:
        grouped = p | stream | GroupStories(CONFIG)
        assert_that(grouped["articles"] | beam.Map(_pair), equal_to(sorted(assignment.items())), label="ids")
        counts = grouped["stories"] | "Counts" >> beam.Map(lambda s: (s.id, s.article_count))
        # one snapshot per story per firing that changed it: a1 alone is due first, then a2 and a3, then a4
        expected = [(stable_id("a1"), n) for n in (1, 3, 4)] + [(stable_id("t1"), 1), (stable_id("f1"), 1)]
        assert_that(
            counts,
            equal_to(expected),
            label="snapshots",
        )


@pytest.mark.streaming
def test_streaming_story_closed_by_the_horizon_is_not_joined_later():
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    horizon = CONFIG["horizon_hours"]
    echo = article("a9", 9 + horizon + 5, "en", BREAK[1].title, ("COL", "ISR", "person:gustavo petro"))
    stream = (
        TestStream()
        .add_elements([_timestamped(a) for a in BREAK])
        .advance_watermark_to(BREAK[-1].published_ts + 1)
        .add_elements([_timestamped(echo)])
        .advance_watermark_to(echo.published_ts + 1)
        .advance_watermark_to_infinity()
    )
    with TestPipeline(runner=BundleBasedDirectRunner(), options=options) as p:
        grouped = p | stream | GroupStories(CONFIG)
        assert_that(
            grouped["articles"] | beam.Map(_pair),
            equal_to([(a.id, stable_id("a1")) for a in BREAK] + [("a9", stable_id("a9"))]),
        )


SHARED_CORPUS = ROOT.parent / "shared" / "corpus-dev"


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED_CORPUS / "articles.jsonl").is_file(), reason="../shared/corpus-dev is absent")
def test_batch_on_the_gold_corpus_matches_the_pure_function():
    """Real entities, 110 articles in shuffled order: the runner's grouping equals group_articles'."""
    from tests.unit.test_stories import _eval_module

    module = _eval_module()
    items = module.with_entities(module.corpus_articles(SHARED_CORPUS, "alternate"), ROOT / "configs")
    assignment, stories = group_articles(items, CONFIG)
    random.Random(11).shuffle(items)
    with TestPipeline(runner=FnApiRunner()) as p:
        grouped = p | beam.Create(items, reshuffle=True) | beam.Map(_timestamped) | GroupStories(CONFIG)
        assert_that(grouped["articles"] | beam.Map(_pair), equal_to(sorted(assignment.items())), label="ids")
        latest = grouped["stories"] | LatestStories() | beam.Map(_record)
        assert_that(latest, equal_to([_record(s) for s in stories]), label="stories")


@pytest.mark.streaming
@pytest.mark.parametrize("cached", [True, False])
def test_streaming_state_rebuilt_from_snapshot_and_journal_gives_the_pure_functions_ids(monkeypatch, cached):
    """Many firings; without the live cache every firing rebuilds the grouper from the snapshot and
    journal kept in Beam state (a restart, a key moved to another worker): ids and records unchanged."""
    from bench.concurrent_stories import stream as concurrent_stream
    from transforms import story_state

    monkeypatch.setattr(story_state, "MIN_JOURNAL_BYTES", 0)  # snapshots and journal entries both occur
    monkeypatch.setattr(story_state, "LIVE", story_state.LiveStates(max_entries=64 if cached else 0))
    items, _ = concurrent_stream(54)
    assignment, stories = group_articles(items, CONFIG)
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    test_stream = TestStream()
    for start in range(0, len(items), 9):
        step = items[start : start + 9]
        test_stream = test_stream.add_elements([_timestamped(a) for a in reversed(step)])
        test_stream = test_stream.advance_watermark_to(math.ceil(step[-1].published_ts * 1000 + 1) / 1000)
    test_stream = test_stream.advance_watermark_to_infinity()
    with TestPipeline(runner=BundleBasedDirectRunner(), options=options) as p:
        grouped = p | test_stream | GroupStories(CONFIG)
        assert_that(grouped["articles"] | beam.Map(_pair), equal_to(sorted(assignment.items())), label="ids")
        expected = sorted(_record(s) for s in stories)

        def latest_records(snapshots):
            latest = {}
            for s in snapshots:
                latest[s.id] = latest_snapshot([s, latest.get(s.id, s)])
            assert sorted(_record(s) for s in latest.values()) == expected

        assert_that(grouped["stories"], latest_records, label="stories")
    assert story_state.LIVE.hits > 0 if cached else story_state.LIVE.misses >= len(items) // 9
