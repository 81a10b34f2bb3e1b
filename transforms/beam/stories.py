"""Beam wrappers of ``transforms.stories``."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import apache_beam as beam
from apache_beam.coders import BytesCoder, PickleCoder
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import BagStateSpec, ReadModifyWriteStateSpec, TimerSpec, on_timer
from apache_beam.transforms.window import TimestampedValue
from apache_beam.utils.timestamp import Timestamp

from transforms import story_state
from transforms.beam.ordering import split_due
from transforms.records import Article, event_order, stable_id
from transforms.shared import built_once, config_key
from transforms.stories import STORIES, Prepared, StoryGrouper, group_articles, latest_snapshot

FLUSH_SPAN_S = 60.0  # how far in the future a pending article may set the next flush


FLUSH_SPAN_MICROS = int(FLUSH_SPAN_S * 1_000_000)


class GroupStoriesFn(beam.DoFn):
    """Stateful grouping under one key: buffer articles, assign them sorted as the watermark passes.

    ``process`` only buffers and keeps an event-time timer at the earliest pending article.
    When it fires at T (the watermark has passed T, so no article at or before T is still on
    its way), the buffered articles with time <= T are sorted by ``event_order`` and assigned
    exactly as ``group_articles`` does. The timer is then set to the *latest* pending time, not
    the earliest: a batch run takes two firings instead of one per distinct timestamp (each a
    runner round: 1,000 articles took 20 s that way, 2,000 take ~1.3 s this way), and a streaming
    article waits at most about two watermark lags. Pending times more than ``FLUSH_SPAN_S``
    past the wall clock (and past the earliest pending) are left out of that choice: an item
    dated next week would otherwise hold back every article before it for a week.

    Outputs: each article with its ``story_id``, at its own event time; tagged ``stories``, a
    snapshot of every story that changed in the firing (keep the one with the highest
    ``article_count``, see ``LatestStories``). Since the timer holds the watermark at its own
    time, an output may be up to one firing's span behind the output watermark: consumers in
    the global window (alerts, sinks) are unaffected; a windowed consumer should allow that
    lateness.
    """

    # Names unique to this DoFn: two stateful DoFns fused in one FnApiRunner stage must not share them.
    BUFFER = BagStateSpec("stories_buffer", PickleCoder())
    NEXT_DUE = ReadModifyWriteStateSpec("stories_next_due", PickleCoder())
    FLUSH = TimerSpec("stories_flush", TimeDomain.WATERMARK)
    # The grouper's state (``transforms.story_state``): live in the worker, deltas in Beam state.
    MARK = ReadModifyWriteStateSpec("stories_mark", PickleCoder())
    JOURNAL = BagStateSpec("stories_journal", BytesCoder())
    SNAPSHOT = ReadModifyWriteStateSpec("stories_snapshot", BytesCoder())

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = dict(config)
        self._grouper: StoryGrouper | None = None
        self.articles = Metrics.counter("stories", "articles")
        self.started = Metrics.counter("stories", "stories_started")
        self.closed = Metrics.counter("stories", "stories_closed")

    def setup(self) -> None:
        self._grouper = StoryGrouper(self.config)

    def process(
        self,
        keyed: tuple[str, tuple[Article, Prepared | None]],
        timestamp: Any = beam.DoFn.TimestampParam,
        buffer: Any = beam.DoFn.StateParam(BUFFER),
        next_due: Any = beam.DoFn.StateParam(NEXT_DUE),
        flush: Any = beam.DoFn.TimerParam(FLUSH),
    ) -> Iterator[Any]:
        micros = Timestamp.of(timestamp).micros
        article, prepared = keyed[1]
        buffer.add((micros, article, prepared))
        due = next_due.read()
        if due is None or micros < due:
            next_due.write(micros)
            flush.set(Timestamp(micros=micros))
        return iter(())

    @on_timer(FLUSH)
    def on_flush(
        self,
        fired: Any = beam.DoFn.TimestampParam,
        key: Any = beam.DoFn.KeyParam,
        window: Any = beam.DoFn.WindowParam,
        buffer: Any = beam.DoFn.StateParam(BUFFER),
        next_due: Any = beam.DoFn.StateParam(NEXT_DUE),
        mark_cell: Any = beam.DoFn.StateParam(MARK),
        journal: Any = beam.DoFn.StateParam(JOURNAL),
        snapshot: Any = beam.DoFn.StateParam(SNAPSHOT),
        flush: Any = beam.DoFn.TimerParam(FLUSH),
    ) -> Iterator[Any]:
        now = Timestamp.of(fired).micros
        due, later = split_due(buffer, now, lambda item: event_order(item[1]))
        if later:
            # The latest pending time, but not one in the future (past the wall clock, or the
            # earliest pending, by FLUSH_SPAN_S): an item dated next week must not hold back
            # the others until next week.
            limit = max(min(item[0] for item in later), int(time.time() * 1_000_000)) + FLUSH_SPAN_MICROS
            latest = max(item[0] for item in later if item[0] <= limit)
            next_due.write(latest)
            flush.set(Timestamp(micros=latest))
        else:
            next_due.clear()
        if not due:
            return
        if self._grouper is None:
            self.setup()
        grouper = self._grouper
        assert grouper is not None
        mark = mark_cell.read() or story_state.new_mark()
        state = story_state.LIVE.take(mark, key, window)
        if state is None:  # restart, key moved here, evicted: rebuild from snapshot + journal
            state = story_state.rebuild(grouper, mark, snapshot.read(), journal.read())
        grouper.state = state
        changed: dict[str, None] = {}
        for micros, article, prepared in due:
            closed, sid = story_state.apply_article(grouper, article, prepared)
            self.closed.inc(len(closed))
            for story in closed:
                if story.id in changed:  # changed earlier in this firing: emit its final record
                    del changed[story.id]
                    yield TaggedOutput(STORIES, TimestampedValue(story, _ts_of(story.last_seen)))
            if sid == stable_id(article.id):
                self.started.inc()
            changed[sid] = None
            self.articles.inc()
            yield TimestampedValue(dataclasses.replace(article, story_id=sid), Timestamp(micros=micros))
        for sid in changed:
            if sid in grouper.state.stories:
                record = grouper.story(sid)
                last = grouper.state.stories[sid].last_ts
                yield TaggedOutput(STORIES, TimestampedValue(record, last))
        written = story_state.persist(mark, grouper.state, tuple(article for _, article, _ in due))
        if written.snapshot is not None:
            snapshot.write(written.snapshot)
            journal.clear()
        else:
            journal.add(written.journal_entry)
        mark_cell.write(written.mark)
        story_state.LIVE.put(written.mark, key, window, grouper.state)


def _ts_of(iso: str) -> float:
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


def _single_key(article: Article) -> tuple[str, Article]:
    return ("stories", article)


class PrepareForGroupingFn(beam.DoFn):
    """Per article, on any worker: what grouping needs of the article alone
    (``StoryGrouper.prepare``: words, stems, topic hits, the entity bag, sentence keys), keyed
    for the one grouping key, whose firings then only do what needs the state (a fifth of the
    work per article on short texts, half on full articles: ``bench/bench_stories.py``)."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = dict(config)
        self._key = config_key(self.config)
        self._grouper: StoryGrouper | None = None

    def setup(self) -> None:
        self._grouper = built_once("stories-prepare", self._key, lambda: StoryGrouper(self.config))

    def process(self, article: Article) -> Iterator[tuple[str, tuple[Article, Prepared]]]:
        if self._grouper is None:
            self.setup()
        assert self._grouper is not None
        yield ("stories", (article, self._grouper.prepare(article)))


class GroupStories(beam.PTransform):
    """Articles (event time = published) -> ``{"articles": with story_id, "stories": snapshots}``.

    Snapshots are emitted whenever a story changes; keep the last per id (``LatestStories``,
    or any sink that keeps the record with the highest ``article_count``).
    """

    def __init__(self, config: Mapping[str, Any], label: str | None = None) -> None:
        super().__init__(label)
        self.config = dict(config)

    def expand(self, articles: beam.PCollection) -> dict[str, beam.PCollection]:
        grouped = (
            articles
            | "PrepareAndKey" >> beam.ParDo(PrepareForGroupingFn(self.config))
            | "Group" >> beam.ParDo(GroupStoriesFn(self.config)).with_outputs(STORIES, main="articles")
        )
        return {"articles": grouped.articles, STORIES: grouped[STORIES]}


class LatestStories(beam.PTransform):
    """Story snapshots -> one record per story, the latest (batch replays: one line per story)."""

    def expand(self, snapshots: beam.PCollection) -> beam.PCollection:
        return (
            snapshots
            | "KeyById" >> beam.Map(lambda s: (s.id, s))
            | "Latest" >> beam.CombinePerKey(latest_snapshot)
            | "DropKey" >> beam.Map(lambda kv: kv[1])
        )


def _group_everything(keyed: tuple[str, Iterable[Article]], config: Mapping[str, Any]) -> Iterator[Any]:
    articles = list(keyed[1])
    assignment, stories = group_articles(articles, config)
    for article in sorted(articles, key=event_order):
        yield dataclasses.replace(article, story_id=assignment[article.id])
    for story in stories:
        yield TaggedOutput(STORIES, story)


class GroupStoriesBatch(beam.PTransform):
    """Bounded input (a replay): the same ``group_articles`` behind one GroupByKey, no timers.

    Gives exactly what ``GroupStories`` gives once the watermark has passed every article,
    with one final record per story.
    """

    def __init__(self, config: Mapping[str, Any], label: str | None = None) -> None:
        super().__init__(label)
        self.config = dict(config)

    def expand(self, articles: beam.PCollection) -> dict[str, beam.PCollection]:
        config = self.config
        grouped = (
            articles
            | "KeyAll" >> beam.Map(_single_key)
            | "GroupAll" >> beam.GroupByKey()
            | "Assign" >> beam.FlatMap(_group_everything, config).with_outputs(STORIES, main="articles")
        )
        return {"articles": grouped.articles, STORIES: grouped[STORIES]}
