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

import json
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import apache_beam as beam
import yaml
from apache_beam.io.gcp.pubsub import ReadFromPubSub
from apache_beam.options.pipeline_options import GoogleCloudOptions, PipelineOptions, StandardOptions
from apache_beam.pvalue import TaggedOutput

from pipeline.build import build_stages
from pipeline.config import Config, ConfigError
from pipeline.options import CrosswireOptions
from transforms.feeds import (
    DEAD,
    DUPLICATE,
    DeduplicateStreaming,
    ParseFeeds,
    RawFeed,
    iso_utc,
    normalise_entry,
    parse_feed,
)
from transforms.fetch import FeedPoller, FetchPolicy, FetchResult, PollFeeds, normalise_feeds
from transforms.pubsub_io import PublishAlerts
from transforms.records import Article, DeadLetter, stable_id

# Set by the publisher of article messages: RFC 3339 or milliseconds since the epoch.
TIMESTAMP_ATTRIBUTE = "published_ts"
ARTICLE_FIELDS = ("id", "link", "guid", "feed", "title", "summary", "body", "published", "published_ts")
LIVE_OUTPUTS = ("articles", "stories", "alerts", "dead_letter")
LOCAL_RUNNERS = (None, "DirectRunner", "BundleBasedDirectRunner", "SwitchingDirectRunner")
EMULATOR_PROJECT = "crosswire-local"  # the bridge's project when only the emulator is known
BRIDGE_PREFIX = "crosswire-run-"


# --- pure functions ------------------------------------------------------------


def load_feeds(path: str | Path) -> tuple[list[dict[str, Any]], float]:
    """``feeds.yaml`` (local or ``gs://``) -> (feeds, default interval); ConfigError naming the file."""
    try:
        if str(path).startswith("gs://"):  # a Flex Template launch: read once, at launch
            from apache_beam.io.filesystems import FileSystems

            with FileSystems.open(str(path)) as f:
                data = yaml.safe_load(f.read().decode("utf-8"))
        else:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if isinstance(data, list):
        data = {"feeds": data}
    if not isinstance(data, dict) or not isinstance(data.get("feeds"), list):
        raise ConfigError(f"{path}: expected a 'feeds:' list of {{url, interval_seconds}}")
    default = float(data.get("default_interval_seconds", 300))
    feeds = [f if isinstance(f, dict) else {"url": f} for f in data["feeds"]]
    try:
        normalise_feeds(feeds, default)
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return feeds, default


def article_from_json(data: bytes, fallback_ts: float) -> Article | DeadLetter:
    """An article message from another crawler (JSON of ``Article``'s first fields).

    ``link`` and ``title`` are required; ``id`` defaults to a hash of the link,
    ``published_ts`` to the message's publish time (``fallback_ts``).
    """
    try:
        row = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return DeadLetter.of("pubsub", "decode", f"not JSON: {exc}", data)
    if not isinstance(row, dict) or not row.get("link") or not row.get("title"):
        return DeadLetter.of("pubsub", "decode", "article JSON needs at least link and title", data)
    try:
        ts = float(row["published_ts"]) if row.get("published_ts") is not None else fallback_ts
    except (TypeError, ValueError):
        return DeadLetter.of("pubsub", "decode", f"bad published_ts {row.get('published_ts')!r}", data)
    link = str(row["link"])
    return Article(
        id=str(row.get("id") or stable_id("article", link)),
        link=link,
        guid=str(row.get("guid") or link),
        feed=str(row.get("feed") or "pubsub"),
        title=str(row["title"]),
        summary=str(row.get("summary") or ""),
        body=str(row.get("body") or ""),
        published=str(row.get("published") or iso_utc(ts)),
        published_ts=ts,
        published_source="entry" if row.get("published_ts") is not None else "fetched",
    )


def article_to_json(article: Article) -> bytes:
    """The message ``article_from_json`` reads back: the fields a crawler would send."""
    row = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    row["published_source"] = article.published_source
    return json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8")


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
        (dead if isinstance(normal, DeadLetter) else articles).append(normal)  # type: ignore[arg-type]
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


class LocalFeedBridge:
    """Polls feeds in threads and publishes their articles to a private Pub/Sub topic.

    Local runs only (see the module doc). Every article of every 200 is published,
    re-served ones too: the graph's ``DeduplicateStreaming`` drops them, as on
    Dataflow. Dead letters go to ``dead_letter`` (a callback) at once, since they
    never enter the graph. ``stop()`` ends the loop and waits for the thread.
    """

    def __init__(
        self,
        project: str,
        feeds: Sequence[Mapping[str, Any]],
        policy: FetchPolicy,
        default_interval_s: float,
        dead_letter: Any,
        run_id: str | None = None,
    ) -> None:
        run_id = run_id or uuid.uuid4().hex[:12]
        self.topic = f"projects/{project}/topics/{BRIDGE_PREFIX}{run_id}"
        self.subscription = f"projects/{project}/subscriptions/{BRIDGE_PREFIX}{run_id}"
        self.poller = FeedPoller(normalise_feeds(feeds, default_interval_s), policy)
        self.dead_letter = dead_letter
        self.published = self.dead = self.polls = 0
        self.polled_at: dict[str, float] = {}  # url -> when its last poll returned (bench)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="crosswire-poller", daemon=True)
        self.error: BaseException | None = None
        self.publisher: Any = None  # set by create(); delete() must work when create() failed

    def create(self) -> None:
        """Create the private topic and subscription (the graph reads the subscription)."""
        from google.cloud.pubsub_v1 import PublisherClient, SubscriberClient

        self.publisher = PublisherClient()
        self.publisher.create_topic(name=self.topic)
        with SubscriberClient() as subscriber:
            subscriber.create_subscription(name=self.subscription, topic=self.topic, ack_deadline_seconds=60)

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                for result in self.poller.poll_due():
                    self._handle(result)
                    self.polled_at[result.url] = time.time()
                self.polls += 1
                self._stop.wait(min(1.0, max(0.05, self.poller.seconds_to_next())))
        except Exception as exc:  # a bug here must not leave the run silently idle
            self.error = exc
            print(f"crosswire run: feed poller stopped: {type(exc).__name__}: {exc}", file=sys.stderr)

    def _handle(self, result: FetchResult) -> None:
        articles, dead = articles_from_fetch(result)
        for letter in dead:
            self.dead += 1
            self.dead_letter(letter)
        futures = [
            self.publisher.publish(
                self.topic, article_to_json(a), **{TIMESTAMP_ATTRIBUTE: str(int(a.published_ts * 1000))}
            )
            for a in articles
        ]
        for future in futures:
            future.result(timeout=30)
        self.published += len(futures)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        self.poller.close()

    def delete(self) -> None:
        """Remove the private topic and subscription; best effort (the emulator forgets anyway)."""
        from google.cloud.pubsub_v1 import SubscriberClient

        if self.publisher is None:  # create() failed before anything existed
            return
        try:
            with SubscriberClient() as subscriber:
                subscriber.delete_subscription(subscription=self.subscription)
            self.publisher.delete_topic(topic=self.topic)
        except Exception as exc:  # noqa: BLE001 - cleanup must not mask the run's outcome
            print(f"crosswire run: could not delete {self.topic}: {exc}", file=sys.stderr)
        finally:
            self.publisher.stop()


# --- DoFns ---------------------------------------------------------------------


class DecodeArticleFn(beam.DoFn):
    """Pub/Sub message bytes -> Article, or a dead letter."""

    def process(self, data: bytes, timestamp: Any = beam.DoFn.TimestampParam) -> Iterator[Any]:
        result = article_from_json(data, float(timestamp))
        if isinstance(result, DeadLetter):
            yield TaggedOutput(DEAD, result)
        else:
            yield result


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
            | "ReadArticles"
            >> ReadFromPubSub(subscription=opts.input_subscription, timestamp_attribute=TIMESTAMP_ATTRIBUTE)
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
        articles = parsed["articles"] | "DropOrder" >> beam.MapTuple(lambda order, article: article)
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


def _wait(result: Any, stop: threading.Event) -> None:
    """Block until the pipeline ends or ``stop`` is set; Ctrl-C and SIGTERM set ``stop``."""
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
        while not stop.is_set() and not finished.is_set():
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
    cancels the pipeline, stops the poller, deletes the bridge topic and returns 0
    with one ``stopped`` line. On Dataflow the job is submitted and watched; Ctrl-C
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
        bridge = LocalFeedBridge(project, feeds, policy, default_interval, _dead_letter_sink(opts.out, log))
        opts.input_subscription = bridge.subscription
    standard.runner, standard.streaming = "BundleBasedDirectRunner", True

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
        _wait(result, stop)
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
    counts = f" ({bridge.published} articles published, {bridge.dead} dead letters)" if bridge else ""
    print(f"crosswire run: stopped cleanly{counts}", file=log, flush=True)
    return 0
