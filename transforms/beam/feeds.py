"""Beam wrappers of ``transforms.feeds``."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.coders import BooleanCoder
from apache_beam.metrics import Metrics
from apache_beam.pvalue import TaggedOutput
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec, TimerSpec, on_timer
from apache_beam.transforms.window import TimestampedValue
from apache_beam.utils.timestamp import Timestamp

from transforms.feeds import (
    DEAD,
    DUPLICATE,
    SOURCES,
    Entry,
    RawFeed,
    first_wins,
    forget_at,
    guid_key,
    normalise_entry,
    order_key,
    parse_feed,
    read_file,
    source_record,
)
from transforms.records import Article, DeadLetter


class ReadFeedFilesFn(beam.DoFn):
    """File path -> RawFeed, or a dead letter; shows progress on a terminal when asked."""

    def __init__(self, progress_total: int = 0) -> None:
        self.progress_total = progress_total
        self.files_read = Metrics.counter("crosswire", "files_read")
        self._seen = 0

    def process(self, path: str) -> Iterator[Any]:
        if self.progress_total:
            self._seen += 1
            if self._seen % 50 == 0 or self._seen == self.progress_total:
                end = "\n" if self._seen == self.progress_total else ""
                print(f"\rreading files: {self._seen}/{self.progress_total}", end=end, file=sys.stderr, flush=True)
        result = read_file(path)
        if isinstance(result, DeadLetter):
            yield TaggedOutput(DEAD, result)
        else:
            self.files_read.inc()
            yield result


class ParseEntriesFn(beam.DoFn):
    """RawFeed -> entries; parse problems go to the dead-letter output, a file record to SOURCES."""

    def __init__(self) -> None:
        self.items_read = Metrics.counter("crosswire", "items_read")
        self.empty_feeds = Metrics.counter("crosswire", "empty_feeds")

    def process(self, raw: RawFeed) -> Iterator[Any]:
        entries, dead = parse_feed(raw)
        for letter in dead:
            yield TaggedOutput(DEAD, letter)
        if not entries and not dead:
            self.empty_feeds.inc()
        yield TaggedOutput(SOURCES, source_record(raw, entries, dead))
        self.items_read.inc(len(entries))
        yield from entries


class NormaliseFn(beam.DoFn):
    """Entry -> (order, Article), keeping input order for de-duplication."""

    def process(self, entry: Entry) -> Iterator[Any]:
        try:
            result = normalise_entry(entry)
        except Exception as e:  # one odd entry must not stop the run
            result = DeadLetter.of(f"{entry.source}#{entry.index}", "normalise", f"{type(e).__name__}: {e}")
        if isinstance(result, DeadLetter):
            yield TaggedOutput(DEAD, result)
        else:
            yield (order_key(result, (entry.source, entry.index)), result)


class _KeepFirstFn(beam.DoFn):
    def __init__(self) -> None:
        self.duplicates = Metrics.counter("crosswire", "duplicates")

    def process(self, keyed: tuple[Any, Iterable[tuple[Any, Article]]]) -> Iterator[Any]:
        kept, dropped_articles = first_wins(keyed[1])
        yield kept
        for dropped in dropped_articles:
            self.duplicates.inc()
            yield TaggedOutput(DUPLICATE, dropped)


class ParseFeeds(beam.PTransform):
    """RawFeed -> normalised articles (with their input order), dead letters, file records."""

    def expand(self, raws: beam.PCollection) -> dict[str, beam.PCollection]:
        parsed = raws | "ParseEntries" >> beam.ParDo(ParseEntriesFn()).with_outputs(DEAD, SOURCES, main="entries")
        normal = parsed.entries | "Normalise" >> beam.ParDo(NormaliseFn()).with_outputs(DEAD, main="articles")
        dead = (parsed[DEAD], normal[DEAD]) | "FlattenDead" >> beam.Flatten()
        return {"articles": normal.articles, DEAD: dead, SOURCES: parsed[SOURCES]}


class ReadFeeds(beam.PTransform):
    """File paths -> what ``ParseFeeds`` gives, plus the files that could not be read."""

    def __init__(self, progress_total: int = 0) -> None:
        super().__init__()
        self.progress_total = progress_total

    def expand(self, paths: beam.PCollection) -> dict[str, beam.PCollection]:
        read = ReadFeedFilesFn(self.progress_total)
        raw = paths | "ReadFiles" >> beam.ParDo(read).with_outputs(DEAD, main="raw")
        parsed = raw.raw | "Parse" >> ParseFeeds()
        dead = (raw[DEAD], parsed[DEAD]) | "FlattenDead" >> beam.Flatten()
        return {"articles": parsed["articles"], DEAD: dead, SOURCES: parsed[SOURCES]}


class Deduplicate(beam.PTransform):
    """(order, Article) -> Article: first wins by guid within a feed, then by canonical link.

    Batch shape: a GroupByKey per key, so the result does not depend on bundle order.
    The live pipeline uses ``DeduplicateStreaming`` instead (bounded state with a TTL).
    """

    def expand(self, ordered: beam.PCollection) -> dict[str, beam.PCollection]:
        by_guid = (
            ordered
            | "KeyByGuid" >> beam.Map(lambda oa: (guid_key(oa[1])[0], oa))
            | "GroupByGuid" >> beam.GroupByKey()
            | "FirstByGuid" >> beam.ParDo(_KeepFirstFn()).with_outputs(DUPLICATE, main="kept")
        )
        by_link = (
            by_guid.kept
            | "KeyByLink" >> beam.Map(lambda oa: (oa[1].link, oa))
            | "GroupByLink" >> beam.GroupByKey()
            | "FirstByLink" >> beam.ParDo(_KeepFirstFn()).with_outputs(DUPLICATE, main="kept")
        )
        articles = by_link.kept | "DropOrder" >> beam.Map(lambda oa: oa[1])
        duplicates = (by_guid[DUPLICATE], by_link[DUPLICATE]) | "FlattenDuplicates" >> beam.Flatten()
        return {"articles": articles, DUPLICATE: duplicates}


def with_event_time(article: Article) -> TimestampedValue:
    """Attach the article's published time as its Beam event time."""
    return TimestampedValue(article, article.published_ts)


class _SeenBeforeFn(beam.DoFn):
    """Streaming 'first wins' per key: remember a key for ``ttl_s``, then forget it.

    State is one flag per key plus one timer, so memory is bounded by the keys seen within
    the TTL. Re-served old items (a feed polled again) are dropped here, including items
    already older than the TTL when first seen (``forget_at``).
    """

    SEEN = ReadModifyWriteStateSpec("dedupe_seen", BooleanCoder())
    FORGET = TimerSpec("dedupe_forget", TimeDomain.WATERMARK)

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self.duplicates = Metrics.counter("crosswire", "duplicates")

    def process(
        self,
        keyed: tuple[Any, Article],
        timestamp: Any = beam.DoFn.TimestampParam,
        seen: Any = beam.DoFn.StateParam(SEEN),
        forget: Any = beam.DoFn.TimerParam(FORGET),
    ) -> Iterator[Any]:
        article = keyed[1]
        if seen.read():
            self.duplicates.inc()
            yield TaggedOutput(DUPLICATE, article)
            return
        seen.write(True)
        forget.set(Timestamp.of(forget_at(float(timestamp), self.ttl_s, time.time())))
        yield article

    @on_timer(FORGET)
    def on_forget(self, seen: Any = beam.DoFn.StateParam(SEEN)) -> Iterator[Any]:
        seen.clear()
        return iter(())


class DeduplicateStreaming(beam.PTransform):
    """Article -> Article for unbounded input: first to arrive wins, by guid then by link."""

    def __init__(self, ttl_s: float = 7 * 24 * 3600) -> None:
        super().__init__()
        self.ttl_s = ttl_s

    def expand(self, articles: beam.PCollection) -> dict[str, beam.PCollection]:
        by_guid = (
            articles
            | "KeyByGuid" >> beam.Map(guid_key).with_output_types(tuple[str, Article])
            | "FirstByGuid" >> beam.ParDo(_SeenBeforeFn(self.ttl_s)).with_outputs(DUPLICATE, main="kept")
        )
        by_link = (
            by_guid.kept
            | "Unfuse" >> beam.Reshuffle()  # keeps the two stateful passes out of one fused stage
            | "KeyByLink" >> beam.Map(lambda a: (a.link, a)).with_output_types(tuple[str, Article])
            | "FirstByLink" >> beam.ParDo(_SeenBeforeFn(self.ttl_s)).with_outputs(DUPLICATE, main="kept")
        )
        duplicates = (by_guid[DUPLICATE], by_link[DUPLICATE]) | "FlattenDuplicates" >> beam.Flatten()
        return {"articles": by_link.kept, DUPLICATE: duplicates}
