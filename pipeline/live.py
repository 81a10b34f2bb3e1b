"""The live pipeline: poll feeds (or read articles from Pub/Sub) -> shared stages -> alerts.

``build_live(p, cfg, options)`` returns named PCollections like ``build_replay``;
alerts go to ``--alerts_topic`` (``PublishAlerts``) and, when ``--out`` is given,
to local JSONL files (local runners only: one process appends to the files).

Runners:
- Dataflow: ``PollFeeds`` (a ``PeriodicImpulse``) in the graph, or ``--input_subscription``.
- ``build_live`` on the ``FnApiRunner`` (``live_pipeline_options``; tests, with a
  ``stop_timestamp``): ``PeriodicImpulse`` polls live there, but the runner hands a
  stage's output downstream only once that stage is done, i.e. when the impulse
  stops: nothing comes out before ``stop_timestamp``. ``BundleBasedDirectRunner``
  cannot run ``PeriodicImpulse``, and ``DirectRunner`` would try to download Prism.
- ``run_live`` (``crosswire run``) locally: ``LocalFeedBridge`` polls the feeds in
  threads and publishes article JSON to a private Pub/Sub topic that the graph reads
  with ``--input_subscription`` on the ``BundleBasedDirectRunner`` (streaming), the
  one local runner that emits as it goes. It needs Pub/Sub: the emulator through
  ``PUBSUB_EMULATOR_HOST``, or a real project.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import math
import os
import signal
import sqlite3
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import apache_beam as beam
from apache_beam.io.gcp.pubsub import ReadFromPubSub
from apache_beam.options.pipeline_options import GoogleCloudOptions, PipelineOptions, StandardOptions
from apache_beam.pvalue import TaggedOutput
from apache_beam.transforms.window import TimestampedValue
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.build import build_stages
from pipeline.config import Config, ConfigError
from pipeline.options import CrosswireOptions
from pipeline.replay import warm
from transforms.beam.feeds import DeduplicateStreaming, ParseFeeds
from transforms.beam.pubsub import PublishAlerts
from transforms.feeds import (
    DEAD,
    DUPLICATE,
    MAX_ITEM_CHARS,
    RawFeed,
    declared_language,
    iso_utc,
    normalise_entry,
    parse_feed,
)
from transforms.fetch import FeedPoller, FetchPolicy, FetchResult, PollFeeds, normalise_feeds, private_allowed
from transforms.records import Article, DeadLetter, stable_id

# Set by the publisher of article messages: RFC 3339 or milliseconds since the epoch.
TIMESTAMP_ATTRIBUTE = "published_ts"
# Set by the local bridge on a message that carries a JSON array of articles: how many.
ARTICLES_ATTRIBUTE = "articles"
# The bridge publishes the articles of one fetch together, up to these limits per message: the
# DirectRunner pulls ten messages a bundle and pays a fixed cost per bundle and step (DoFn
# introspection, ~15 ms at each of ~15 steps), so one article a message capped a run at ~20 a second.
BATCH_MAX_ARTICLES = 100
BATCH_MAX_BYTES = 1_000_000
ARTICLE_FIELDS = ("id", "link", "guid", "feed", "title", "summary", "body", "published", "published_ts")
LIVE_OUTPUTS = ("articles", "stories", "alerts", "dead_letter")
LOCAL_RUNNERS = (None, "DirectRunner", "BundleBasedDirectRunner", "SwitchingDirectRunner")
EMULATOR_PROJECT = "crosswire-local"  # the bridge's project when only the emulator is known
BRIDGE_PREFIX = "crosswire-run-"
# Event times later than this past the fetch (or publish) time are clamped: a feed dated next
# week must not hold back the watermark-driven stages. The original date stays in ``published``.
FUTURE_TOLERANCE_S = 600.0
EARLIEST_TS, LATEST_TS = 0.0, 4_102_444_800.0  # 1970 .. 2100: anything else is not a date
# A subscription a run creates outlives a killed run by at most this long (Pub/Sub's minimum).
BRIDGE_SUBSCRIPTION_TTL_S = 24 * 3600
FIRST_SEEN_KEEP_S = 30 * 24 * 3600.0


# --- the input message schema ------------------------------------------------------


class ArticleMessage(BaseModel):
    """An article message from another crawler, checked at the boundary (sizes, finite times).

    Unknown fields are ignored (other crawlers send more); anything that fails becomes a
    dead letter naming the field, so one bad message never stops the run.
    """

    model_config = ConfigDict(extra="ignore")

    link: str = Field(min_length=1, max_length=4096)
    title: str = Field(min_length=1, max_length=10_000)
    id: str | None = Field(default=None, max_length=256)
    guid: str | None = Field(default=None, max_length=4096)
    feed: str | None = Field(default=None, max_length=1000)
    summary: str | None = Field(default=None, max_length=MAX_ITEM_CHARS)
    body: str | None = Field(default=None, max_length=MAX_ITEM_CHARS)
    published: str | None = Field(default=None, max_length=64)
    published_ts: float | None = Field(default=None, ge=EARLIEST_TS, le=LATEST_TS, allow_inf_nan=False)
    published_source: str | None = Field(default=None, max_length=32)
    source: str | None = Field(default=None, max_length=4096)
    declared_lang: str | None = Field(default=None, max_length=35)

    @model_validator(mode="after")
    def _total_size(self) -> ArticleMessage:
        size = len(self.title) + len(self.summary or "") + len(self.body or "")
        if size > MAX_ITEM_CHARS:
            raise ValueError(f"title + summary + body of {size} characters is over the {MAX_ITEM_CHARS} limit")
        return self


def _validation_reason(exc: ValidationError) -> str:
    """The first problem of a ValidationError as one short line: ``field: what is wrong``."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "message"
    return f"{where}: {first.get('msg', 'invalid')}"[:300]


def parse_timestamp_attribute(value: str) -> float:
    """A ``published_ts`` attribute (epoch milliseconds or RFC 3339) as epoch seconds; ValueError if not."""
    text = str(value).strip()
    try:
        seconds = float(text) / 1000.0
    except ValueError:
        try:
            when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"published_ts attribute {text[:60]!r} is neither epoch ms nor RFC 3339") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        seconds = when.timestamp()
    if not (math.isfinite(seconds) and EARLIEST_TS <= seconds <= LATEST_TS):
        raise ValueError(f"published_ts attribute {text[:60]!r} is not a time between 1970 and 2100")
    return seconds


def clamp_event_time(article: Article, reference_ts: float, tolerance_s: float | None = None) -> Article:
    """An article dated more than ``tolerance_s`` (default ``FUTURE_TOLERANCE_S``) after
    ``reference_ts`` (fetch or publish time) gets that bound as its event time;
    ``published`` keeps the original date."""
    bound = reference_ts + (FUTURE_TOLERANCE_S if tolerance_s is None else tolerance_s)
    if article.published_ts <= bound:
        return article
    return dataclasses.replace(article, published_ts=bound, published_source=f"{article.published_source}+clamped")


# --- pure functions ------------------------------------------------------------


def load_feeds(path: str | Path) -> tuple[list[dict[str, Any]], float]:
    """``feeds.yaml`` (local or ``gs://``) -> (feeds, default interval), validated (``FeedsFile``)."""
    from pipeline.config import FeedsFile, validate_file

    data = validate_file(path, FeedsFile)
    default = float(data.get("default_interval_seconds", 300))
    feeds = [f if isinstance(f, dict) else {"url": f} for f in data["feeds"]]
    try:
        normalise_feeds(feeds, default)
    except ValueError as exc:
        raise ConfigError(f"{path}: feeds: {exc}") from exc
    return feeds, default


def article_from_json(data: bytes, fallback_ts: float, received_ts: float | None = None) -> Article | DeadLetter:
    """An article message from another crawler (JSON of ``Article``'s first fields), validated.

    ``link`` and ``title`` are required; ``id`` defaults to a hash of the link,
    ``published_ts`` to ``fallback_ts`` (the message's time). ``received_ts`` (when
    the message was published) bounds the event time (``clamp_event_time``).
    """
    try:
        row = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return DeadLetter.of("pubsub", "decode", f"not JSON: {exc}", data)
    return article_from_row(row, data, fallback_ts, received_ts)


def articles_from_message(data: bytes, fallback_ts: float, received_ts: float | None = None) -> list[Any]:
    """A message body -> its articles and dead letters: one article object, or (from the local
    bridge) a JSON array of them, each validated on its own (one bad element is one dead letter)."""
    if not data.lstrip().startswith(b"["):
        return [article_from_json(data, fallback_ts, received_ts)]
    try:
        rows = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return [DeadLetter.of("pubsub", "decode", f"not JSON: {exc}", data)]
    return [
        article_from_row(row, json.dumps(row, ensure_ascii=False).encode("utf-8"), fallback_ts, received_ts)
        for row in rows
    ]


def message_rows(data: bytes) -> list[dict[str, Any]]:
    """The article objects a message carries (one, or the bridge's array): tests and reports."""
    rows = json.loads(data.decode("utf-8"))
    return list(rows) if isinstance(rows, list) else [rows]


def article_from_row(
    row: Any, data: bytes, fallback_ts: float, received_ts: float | None = None
) -> Article | DeadLetter:
    """One decoded article object (``data``: its bytes, for a dead letter), validated (see ``article_from_json``)."""
    if not isinstance(row, dict):
        return DeadLetter.of("pubsub", "decode", "article JSON needs at least link and title", data)
    try:
        msg = ArticleMessage.model_validate(row)
    except ValidationError as exc:
        return DeadLetter.of("pubsub", "decode", f"invalid article: {_validation_reason(exc)}", data)
    ts = msg.published_ts if msg.published_ts is not None else fallback_ts
    link = msg.link
    article = Article(
        id=msg.id or stable_id("article", link),
        link=link,
        guid=msg.guid or link,
        feed=msg.feed or "pubsub",
        title=msg.title,
        summary=msg.summary or "",
        body=msg.body or "",
        published=msg.published or iso_utc(ts),
        published_ts=ts,
        published_source=msg.published_source or ("entry" if msg.published_ts is not None else "fetched"),
        source=msg.source or "",
        declared_lang=declared_language(msg.declared_lang),
    )
    return article if received_ts is None else clamp_event_time(article, received_ts)


def article_to_json(article: Article) -> bytes:
    """The message ``article_from_json`` reads back: the fields a crawler would send."""
    row = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    row["published_source"] = article.published_source
    row["source"] = article.source
    row["declared_lang"] = article.declared_lang
    return json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8")


def batch_messages(
    articles: Sequence[bytes], max_articles: int = BATCH_MAX_ARTICLES, max_bytes: int = BATCH_MAX_BYTES
) -> list[tuple[bytes, int]]:
    """Article JSONs -> (message body, article count): JSON arrays of at most ``max_articles``
    and about ``max_bytes`` (an article larger than that goes alone; Pub/Sub takes 10 MB)."""
    out: list[tuple[bytes, int]] = []
    batch: list[bytes] = []
    size = 0
    for data in articles:
        if batch and (len(batch) >= max_articles or size + len(data) + 1 > max_bytes):
            out.append((b"[" + b",".join(batch) + b"]", len(batch)))
            batch, size = [], 0
        batch.append(data)
        size += len(data) + 1
    if batch:
        out.append((b"[" + b",".join(batch) + b"]", len(batch)))
    return out


def articles_from_fetch(result: FetchResult) -> tuple[list[Article], list[DeadLetter]]:
    """One fetch -> its articles and dead letters (fetch error, parse or normalise problems)."""
    if result.error is not None:
        return [], [DeadLetter.of(result.url, "fetch", result.error)]
    if result.body is None:  # 304 Not Modified
        return [], []
    entries, dead = parse_feed(RawFeed(result.url, result.body, result.fetched_at))
    articles: list[Article] = []
    for entry in entries:
        normal = normalise_entry(entry)
        if isinstance(normal, DeadLetter):
            dead.append(normal)
        else:
            articles.append(clamp_event_time(normal, result.fetched_at))
    return articles, dead


def bridge_project(options: PipelineOptions) -> str | None:
    """The project of the local bridge topic: the alerts topic's, ``--project``, or the emulator's."""
    topic = options.view_as(CrosswireOptions).alerts_topic
    if topic and topic.startswith("projects/"):
        return str(topic.split("/")[1])
    project = options.view_as(GoogleCloudOptions).project
    if project:
        return str(project)
    return EMULATOR_PROJECT if os.environ.get("PUBSUB_EMULATOR_HOST") else None


def is_local(options: PipelineOptions) -> bool:
    return options.view_as(StandardOptions).runner in LOCAL_RUNNERS


def live_pipeline_options(options: PipelineOptions) -> PipelineOptions:
    """Pick a local runner that can run this graph when none was chosen (see module doc)."""
    standard = options.view_as(StandardOptions)
    if standard.runner in (None, "DirectRunner"):
        if options.view_as(CrosswireOptions).input_subscription:
            standard.runner = "BundleBasedDirectRunner"
            standard.streaming = True
        else:
            standard.runner = "FnApiRunner"
    return options


# --- the local bridge ------------------------------------------------------------


class FirstSeenStore:
    """When each undated item was first seen, kept on disk so a restart does not make it new.

    An item with no date of its own takes its first fetch time as event time; without
    this record a restarted run would date it anew (new event time, new ordering). Rows
    unused for ``keep_s`` are dropped, so the file stays bounded by the feeds' churn.
    """

    def __init__(self, path: str | Path, keep_s: float = FIRST_SEEN_KEEP_S) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS first_seen (key TEXT PRIMARY KEY, ts REAL, used REAL)")
            self._db.execute("DELETE FROM first_seen WHERE used < ?", (time.time() - keep_s,))

    def first(self, feed: str, item: str, ts: float) -> float:
        """The first-seen time of ``item`` in ``feed``: the stored one, else ``ts`` (then stored)."""
        key = f"{feed}\n{item}"
        with self._lock, self._db:
            self._db.execute("INSERT OR IGNORE INTO first_seen VALUES (?, ?, ?)", (key, ts, time.time()))
            self._db.execute("UPDATE first_seen SET used = ? WHERE key = ?", (time.time(), key))
            row = self._db.execute("SELECT ts FROM first_seen WHERE key = ?", (key,)).fetchone()
        return float(row[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def undated_first_seen(article: Article, store: FirstSeenStore) -> Article:
    """An article dated by its fetch (or by the feed's own date) takes its stored first-seen time."""
    if article.published_source.split("+")[0] not in ("fetched", "feed"):
        return article
    ts = store.first(article.source or article.feed, article.guid or article.link, article.published_ts)
    if ts == article.published_ts:
        return article
    return dataclasses.replace(article, published_ts=ts, published=iso_utc(ts))


class DeliveryFailed(RuntimeError):
    """Pub/Sub stayed unreachable past the give-up time: some articles were not delivered."""


class BufferedPublisher:
    """Publishes to one topic through outages: bounded buffer, retries, then an honest give-up.

    ``put`` queues a message (blocking when ``max_buffer`` are waiting: back-pressure on the
    pollers instead of unbounded memory). A sender thread publishes in order and keeps a
    message until Pub/Sub has confirmed it; on failure it backs off (up to 5 s), opens a new
    client (a restarted server means a new connection) and, when the topic has vanished
    (an emulator restarted empty), creates it again with ``recreate``. After ``give_up_s``
    of continuous failure it stops and keeps what it could not deliver in ``undelivered``.
    """

    def __init__(
        self,
        topic: str,
        recreate: Callable[[], None] | None = None,
        max_buffer: int = 10_000,
        give_up_s: float = 600.0,
        batch: int = 100,
        attempt_timeout_s: float = 5.0,
    ) -> None:
        self.topic, self.recreate = topic, recreate
        self.max_buffer, self.give_up_s, self.batch = max_buffer, give_up_s, batch
        self.attempt_timeout_s = attempt_timeout_s
        self.delivered = self.retries = 0
        self.undelivered: list[tuple[bytes, dict[str, str]]] = []
        self.last_error: str | None = None
        self.gave_up = threading.Event()
        self._queue: deque[tuple[bytes, dict[str, str]]] = deque()
        self._cond = threading.Condition()
        self._closing = False
        self._abandon = threading.Event()
        self._client: Any = None
        self._thread = threading.Thread(target=self._send_loop, name="crosswire-publisher", daemon=True)
        self._thread.start()

    def pending(self) -> int:
        with self._cond:
            return len(self._queue)

    def put(self, data: bytes, attributes: dict[str, str], stop: threading.Event | None = None) -> bool:
        """Queue one message; False when the publisher has given up (the message is then undelivered)."""
        with self._cond:
            while len(self._queue) >= self.max_buffer and not self.gave_up.is_set():
                if stop is not None and stop.is_set() and self._abandon.is_set():
                    break
                self._cond.wait(0.2)
            if self.gave_up.is_set():
                self.undelivered.append((data, attributes))
                return False
            self._queue.append((data, attributes))
            self._cond.notify_all()
            return True

    def _new_client(self) -> Any:
        from google.cloud.pubsub_v1 import PublisherClient

        if self._client is not None:
            with contextlib.suppress(Exception):  # an old client of a dead connection
                self._client.stop()
        self._client = PublisherClient()
        return self._client

    def _publish(self, items: list[tuple[bytes, dict[str, str]]]) -> None:
        from google.api_core.retry import Retry

        client = self._client or self._new_client()
        retry = Retry(initial=0.1, maximum=1.0, multiplier=2.0, timeout=self.attempt_timeout_s)
        futures = [
            client.publish(self.topic, data, retry=retry, timeout=self.attempt_timeout_s, **attrs)
            for data, attrs in items
        ]
        for future in futures:
            future.result(timeout=self.attempt_timeout_s * 2)

    def _send_loop(self) -> None:
        from google.api_core import exceptions

        failing_since: float | None = None
        delay = 0.2
        while True:
            with self._cond:
                while not self._queue and not self._closing:
                    self._cond.wait(0.5)
                if not self._queue:
                    return
                items = [self._queue[i] for i in range(min(self.batch, len(self._queue)))]
            try:
                self._publish(items)
            except Exception as exc:  # noqa: BLE001 - any failure is retried, then reported
                now = time.monotonic()
                failing_since = failing_since or now
                self.retries += 1
                self.last_error = f"{type(exc).__name__}: {str(exc)[:200]}"
                if now - failing_since >= self.give_up_s or self._abandon.is_set():
                    with self._cond:
                        self.undelivered.extend(self._queue)
                        self._queue.clear()
                        self.gave_up.set()
                        self._cond.notify_all()
                    return
                if isinstance(exc, exceptions.NotFound) and self.recreate is not None:
                    try:
                        self.recreate()
                    except Exception as again:  # noqa: BLE001 - still down: retry later
                        self.last_error = f"{type(again).__name__}: {str(again)[:200]}"
                self._abandon.wait(delay)
                delay = min(5.0, delay * 2)
                try:
                    self._new_client()
                except Exception:  # noqa: BLE001 - no connection yet: retry later
                    self._client = None
                continue
            failing_since, delay = None, 0.2
            with self._cond:
                for _ in items:
                    self._queue.popleft()
                self.delivered += sum(int(attrs.get(ARTICLES_ATTRIBUTE, 1)) for _, attrs in items)
                self._cond.notify_all()

    def close(self, flush_s: float = 10.0) -> None:
        """Deliver what is queued within ``flush_s``; what is left is ``undelivered``."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout=flush_s)
        if self._thread.is_alive():
            self._abandon.set()
            self._thread.join(timeout=self.attempt_timeout_s * 3)
        with self._cond:
            if self._queue:
                self.undelivered.extend(self._queue)
                self._queue.clear()
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.stop()


class LocalFeedBridge:
    """Polls feeds in threads and publishes their articles to a private Pub/Sub topic.

    Local runs only (see the module doc). Every article of every 200 is published,
    re-served ones too: the graph's ``DeduplicateStreaming`` drops them, as on
    Dataflow. Feeds are fetched concurrently and each result is published as soon
    as it is in; publishing goes through ``BufferedPublisher`` (retries, bounded
    buffer). Dead letters go to ``dead_letter`` (a callback) at once, since they
    never enter the graph. ``stop()`` aborts fetches in flight, delivers what was
    fetched, and leaves what it could not deliver in ``undelivered``.
    """

    def __init__(
        self,
        project: str,
        feeds: Sequence[Mapping[str, Any]],
        policy: FetchPolicy,
        default_interval_s: float,
        dead_letter: Any,
        run_id: str | None = None,
        state_dir: str | Path | None = None,
        give_up_s: float = 600.0,
        max_buffer: int = 10_000,
        attempt_timeout_s: float = 5.0,
    ) -> None:
        run_id = run_id or uuid.uuid4().hex[:12]
        self.topic = f"projects/{project}/topics/{BRIDGE_PREFIX}{run_id}"
        self.subscription = f"projects/{project}/subscriptions/{BRIDGE_PREFIX}{run_id}"
        self.poller = FeedPoller(normalise_feeds(feeds, default_interval_s), policy, allowed=private_allowed(feeds))
        self.dead_letter = dead_letter
        self.first_seen = FirstSeenStore(Path(state_dir) / "first_seen.sqlite") if state_dir else None
        self.give_up_s, self.max_buffer, self.attempt_timeout_s = give_up_s, max_buffer, attempt_timeout_s
        self.publisher: BufferedPublisher | None = None  # set by create(); delete() must work when create() failed
        self.dead = self.polls = 0
        self.polled_at: dict[str, float] = {}  # url -> when its last poll returned (bench)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="crosswire-poller", daemon=True)
        self._lock = threading.Lock()
        self.error: BaseException | None = None

    @property
    def published(self) -> int:
        return self.publisher.delivered if self.publisher else 0

    @property
    def undelivered(self) -> list[tuple[bytes, dict[str, str]]]:
        """The messages not delivered (each one article, or an array of them: ``message_rows``)."""
        return self.publisher.undelivered if self.publisher else []

    def undelivered_articles(self) -> list[dict[str, Any]]:
        return [row for data, _ in self.undelivered for row in message_rows(data)]

    def create(self) -> None:
        """Create the private topic and subscription (the graph reads the subscription)."""
        self._create_resources()
        self.publisher = BufferedPublisher(
            self.topic,
            recreate=self._recreate,
            max_buffer=self.max_buffer,
            give_up_s=self.give_up_s,
            attempt_timeout_s=self.attempt_timeout_s,
        )

    def _create_resources(self, existing_ok: bool = False) -> None:
        from google.api_core import exceptions
        from google.cloud.pubsub_v1 import PublisherClient, SubscriberClient

        ok = (exceptions.AlreadyExists,) if existing_ok else ()
        publisher = PublisherClient()
        try:
            with contextlib.suppress(*ok):
                publisher.create_topic(name=self.topic)
        finally:
            publisher.stop()
        with SubscriberClient() as subscriber, contextlib.suppress(*ok):
            subscriber.create_subscription(
                request={
                    "name": self.subscription,
                    "topic": self.topic,
                    "ack_deadline_seconds": 60,
                    "expiration_policy": {"ttl": {"seconds": BRIDGE_SUBSCRIPTION_TTL_S}},
                }
            )

    def _recreate(self) -> None:
        """The topic vanished (an emulator restarted empty): create it and the subscription again."""
        self._create_resources(existing_ok=True)

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                if self.publisher is not None and self.publisher.gave_up.is_set():
                    return
                self.poller.start_due(self._on_result)
                self.polls += 1
                self._stop.wait(min(1.0, max(0.05, self.poller.seconds_to_next())))
        except Exception as exc:  # a bug here must not leave the run silently idle
            self.error = exc
            print(f"crosswire run: feed poller stopped: {type(exc).__name__}: {exc}", file=sys.stderr)

    def _on_result(self, result: FetchResult) -> None:
        try:
            self._handle(result)
            self.polled_at[result.url] = time.time()
        except Exception as exc:  # noqa: BLE001 - reported, and the run is stopped with an error
            self.error = exc
            print(f"crosswire run: feed handling failed: {type(exc).__name__}: {exc}", file=sys.stderr)

    def _handle(self, result: FetchResult) -> None:
        articles, dead = articles_from_fetch(result)
        with self._lock:
            for letter in dead:
                self.dead += 1
                self.dead_letter(letter)
        assert self.publisher is not None, "create() first"
        if self.first_seen is not None:
            articles = [undated_first_seen(article, self.first_seen) for article in articles]
        # one message per BATCH_MAX_ARTICLES articles of the fetch; each article keeps its published_ts
        for data, count in batch_messages([article_to_json(article) for article in articles]):
            self.publisher.put(data, {ARTICLES_ATTRIBUTE: str(count)}, self._stop)

    def failed(self) -> bool:
        return self.error is not None or (self.publisher is not None and self.publisher.gave_up.is_set())

    def stop(self, flush_s: float = 10.0) -> None:
        """Stop polling (fetches in flight are aborted), then deliver what was fetched."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.poller.close(wait_s=3.0)
        if self.publisher is not None:
            self.publisher.close(flush_s)
        if self.first_seen is not None:
            self.first_seen.close()

    def delete(self) -> None:
        """Remove the private topic and subscription; best effort (the subscription expires anyway)."""
        from google.cloud.pubsub_v1 import PublisherClient, SubscriberClient

        if self.publisher is None:  # create() failed before anything existed
            return
        try:
            with SubscriberClient() as subscriber:
                subscriber.delete_subscription(subscription=self.subscription, timeout=10)
            publisher = PublisherClient()
            try:
                publisher.delete_topic(topic=self.topic, timeout=10)
            finally:
                publisher.stop()
        except Exception as exc:  # noqa: BLE001 - cleanup must not mask the run's outcome
            print(f"crosswire run: could not delete {self.topic}: {exc}", file=sys.stderr)


# --- DoFns ---------------------------------------------------------------------


class DecodeArticleFn(beam.DoFn):
    """Pub/Sub message (with attributes) -> Articles at their event time, or dead letters.

    A message holds one article, or (the local bridge) a JSON array of them.

    The ``published_ts`` attribute is read here rather than by the runner's
    ``timestamp_attribute``: a bad value there fails the whole bundle (messages lost
    or redelivered forever); here it is one dead letter.
    """

    def process(self, message: Any, timestamp: Any = beam.DoFn.TimestampParam) -> Iterator[Any]:
        received = float(timestamp)
        data = message.data if hasattr(message, "data") else message
        attributes = dict(getattr(message, "attributes", None) or {})
        fallback = received
        if TIMESTAMP_ATTRIBUTE in attributes:
            try:
                fallback = parse_timestamp_attribute(attributes[TIMESTAMP_ATTRIBUTE])
            except ValueError as exc:
                yield TaggedOutput(DEAD, DeadLetter.of("pubsub", "decode", str(exc), data))
                return
        try:
            results = articles_from_message(data, fallback, received_ts=received)
        except Exception as exc:  # noqa: BLE001 - one odd message must not stop the run
            results = [DeadLetter.of("pubsub", "decode", f"{type(exc).__name__}: {exc}", data)]
        for result in results:
            if isinstance(result, DeadLetter):
                yield TaggedOutput(DEAD, result)
            else:
                yield TimestampedValue(result, result.published_ts)


class ClampEventTimeFn(beam.DoFn):
    """Polled articles: event time bounded by the fetch time (the element's timestamp)."""

    def process(self, article: Article, timestamp: Any = beam.DoFn.TimestampParam) -> Iterator[Any]:
        clamped = clamp_event_time(article, float(timestamp))
        yield TimestampedValue(clamped, clamped.published_ts)


class AppendJsonlFn(beam.DoFn):
    """Append each record as one JSON line to a local file, flushed at once (local runners only).

    Streaming has no 'end' at which ``WriteToText`` could write its single file,
    and a tail-able file is what a person watching a local run wants.
    """

    _locks: dict[str, threading.Lock] = {}

    def __init__(self, path: str) -> None:
        self.path = path

    def setup(self) -> None:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.lock = AppendJsonlFn._locks.setdefault(self.path, threading.Lock())

    def process(self, row: Any) -> None:
        from transforms.sinks import to_json_line

        line = to_json_line(row) + "\n"
        with self.lock, open(self.path, "a", encoding="utf-8") as f:
            f.write(line)


# --- the graph -------------------------------------------------------------------


def build_live(
    p: beam.Pipeline,
    cfg: Config,
    options: PipelineOptions,
    feeds: Sequence[Mapping[str, Any]] | None = None,
    policy: FetchPolicy = FetchPolicy(),
    tick_s: float | None = None,
    stop_timestamp: float | None = None,
) -> dict[str, beam.PCollection]:
    """Live input -> de-duplication -> ``build_stages`` -> Pub/Sub and JSONL.

    ``feeds`` overrides ``--feeds`` (a YAML file); ``stop_timestamp`` ends the
    polling (tests and benchmarks). Returns ``articles``, ``stories``, ``alerts``,
    ``dead_letter`` and ``duplicate``.
    """
    opts = options.view_as(CrosswireOptions)
    if opts.input_subscription:
        decoded = (
            p
            | "ReadArticles" >> ReadFromPubSub(subscription=opts.input_subscription, with_attributes=True)
            | "DecodeArticles" >> beam.ParDo(DecodeArticleFn()).with_outputs(DEAD, main="articles")
        )
        articles, dead = decoded.articles, [decoded[DEAD]]
    else:
        default_interval = 300.0
        if feeds is None:
            feeds_path = opts.feeds or cfg.config_dir / "feeds.yaml"
            feeds, default_interval = load_feeds(feeds_path)
        polled = p | "PollFeeds" >> PollFeeds(
            feeds, policy, default_interval, tick_s=tick_s, stop_timestamp=stop_timestamp
        )
        parsed = (
            polled["fetched"]
            | "ToRawFeed" >> beam.MapTuple(lambda url, body, fetched_at: RawFeed(url, body, fetched_at))
            | "ParseFeeds" >> ParseFeeds()
        )
        articles = (
            parsed["articles"]
            | "DropOrder" >> beam.MapTuple(lambda order, article: article)
            | "ClampEventTime" >> beam.ParDo(ClampEventTimeFn())
        )
        dead = [polled[DEAD], parsed[DEAD]]
    deduped = articles | "Deduplicate" >> DeduplicateStreaming()
    outputs = build_stages(deduped["articles"], cfg, streaming=True)
    outputs["dead_letter"] = tuple(dead) | "AllDeadLetters" >> beam.Flatten()
    outputs[DUPLICATE] = deduped[DUPLICATE]
    if opts.alerts_topic:
        outputs["alerts"] | "PublishAlerts" >> PublishAlerts(opts.alerts_topic)
    if opts.output_prefix:  # durable files (GCS on Dataflow): see pipeline.durable
        from pipeline.durable import write_durable

        write_durable(outputs, opts.output_prefix)
    if opts.out:
        for name in LIVE_OUTPUTS:
            path = str(Path(opts.out) / f"{name}.jsonl")
            outputs[name] | f"Append_{name}" >> beam.ParDo(AppendJsonlFn(path))
    return outputs


# --- running ---------------------------------------------------------------------


def _dead_letter_sink(out: str | None, log: TextIO) -> Any:
    """Where the bridge's dead letters go: a line on ``log`` and ``OUT/dead_letter.jsonl``."""
    append = AppendJsonlFn(str(Path(out) / "dead_letter.jsonl")) if out else None
    if append is not None:
        append.setup()

    def sink(letter: DeadLetter) -> None:
        print(f"dead letter: {letter.source} {letter.stage}: {letter.reason}", file=log, flush=True)
        if append is not None:
            append.process(letter)

    return sink


def _wait(result: Any, stop: threading.Event, failed: Callable[[], bool] = lambda: False) -> None:
    """Block until the pipeline ends, ``stop`` is set or ``failed()``; Ctrl-C and SIGTERM set ``stop``."""
    finished = threading.Event()
    failure: list[BaseException] = []

    def waiter() -> None:
        try:
            result.wait_until_finish()
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            if not stop.is_set():
                failure.append(exc)
        finally:
            finished.set()

    threading.Thread(target=waiter, name="crosswire-wait", daemon=True).start()
    try:
        while not stop.is_set() and not finished.is_set() and not failed():
            stop.wait(0.2)
    except KeyboardInterrupt:
        stop.set()
    if failure:
        raise failure[0]


def run_live(
    cfg: Config,
    options: PipelineOptions,
    feeds: Sequence[Mapping[str, Any]] | None = None,
    policy: FetchPolicy = FetchPolicy(),
    stop: threading.Event | None = None,
    log: TextIO | None = None,
    on_bridge: Any = None,
) -> int:
    """``crosswire run``: run the live pipeline until it ends, Ctrl-C, SIGTERM or ``stop``.

    Locally, polling goes through ``LocalFeedBridge`` (see the module doc); a stop
    aborts fetches in flight, delivers what was fetched, cancels the pipeline,
    deletes the bridge topic and returns 0 with one ``stopped`` line. When Pub/Sub
    stayed unreachable past the give-up time, or the poller failed, it says what
    was not delivered (``OUT/undelivered.jsonl``) and returns 1. On Dataflow the job is submitted and watched; Ctrl-C
    stops watching, not the job.
    """
    log = log or sys.stderr
    stop = stop or threading.Event()
    opts = options.view_as(CrosswireOptions)
    standard = options.view_as(StandardOptions)
    if not is_local(options):
        pipeline = beam.Pipeline(options=options)
        build_live(pipeline, cfg, options)
        job = pipeline.run()
        print(f"crosswire run: submitted to {standard.runner}; Ctrl-C stops watching (the job keeps running)", file=log)
        _wait(job, stop)
        return 0

    bridge: LocalFeedBridge | None = None
    if not opts.input_subscription:
        if feeds is None:
            feeds, default_interval = load_feeds(opts.feeds or cfg.config_dir / "feeds.yaml")
        else:
            default_interval = 300.0
        project = bridge_project(options)
        if project is None:
            raise ConfigError(
                "local polling goes through Pub/Sub: give --alerts-topic projects/P/topics/T "
                "(with PUBSUB_EMULATOR_HOST for the emulator) or --project"
            )
        state_dir = opts.state_dir or (
            Path(opts.out) / ".state" if opts.out else Path.home() / ".local" / "state" / "crosswire"
        )
        bridge = LocalFeedBridge(
            project, feeds, policy, default_interval, _dead_letter_sink(opts.out, log), state_dir=state_dir
        )
        opts.input_subscription = bridge.subscription
    standard.runner, standard.streaming = "BundleBasedDirectRunner", True
    # The local runner runs the stages in this process: build them for every configured language
    # now, so the first article of a language waits for its stages no longer than any other
    # (built on first use, a language's matchers cost that article a second or more).
    started = time.monotonic()
    warm(cfg)
    print(
        f"crosswire run: stages built for {len(cfg.languages)} languages in {time.monotonic() - started:.1f} s",
        file=log,
        flush=True,
    )

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    result = None
    try:
        if bridge is not None:
            bridge.create()
            if on_bridge is not None:
                on_bridge(bridge)
        p = beam.Pipeline(options=options)
        build_live(p, cfg, options)
        result = p.run()
        if bridge is not None:
            bridge.start()
        what = f"polling {len(bridge.poller.feeds)} feeds" if bridge else f"reading {opts.input_subscription}"
        print(f"crosswire run: {what}; Ctrl-C stops", file=log, flush=True)
        _wait(result, stop, bridge.failed if bridge is not None else lambda: False)
    except KeyboardInterrupt:
        stop.set()
    finally:
        if bridge is not None:
            bridge.stop()
        if result is not None:
            result.cancel()
        if bridge is not None:
            bridge.delete()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if bridge is not None and bridge.failed():
        return _report_failure(bridge, opts.out, log)
    counts = f" ({bridge.published} articles published, {bridge.dead} dead letters)" if bridge else ""
    print(f"crosswire run: stopped cleanly{counts}", file=log, flush=True)
    return 0


def _report_failure(bridge: LocalFeedBridge, out: str | None, log: TextIO) -> int:
    """Say what was not delivered (and keep it in ``OUT/undelivered.jsonl``); exit status 1."""
    undelivered = bridge.undelivered_articles()
    where = ""
    if out and undelivered:
        path = Path(out) / "undelivered.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            for row in undelivered:
                f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        where = f", written to {path}"
    why = bridge.publisher.last_error if bridge.publisher else None
    if bridge.error is not None:
        why = f"{type(bridge.error).__name__}: {bridge.error}"
    print(
        f"crosswire run: FAILED: {len(undelivered)} articles not delivered to Pub/Sub{where} "
        f"({bridge.published} delivered, {bridge.dead} dead letters); last error: {why}",
        file=log,
        flush=True,
    )
    for row in undelivered[:20]:
        print(f"  not delivered: {row.get('link')}", file=log)
    return 1
