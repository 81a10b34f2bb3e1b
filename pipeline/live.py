"""The live pipeline: poll feeds (or read articles from Pub/Sub) -> shared stages -> alerts.

``build_live(p, cfg, options)`` returns named PCollections like ``build_replay``;
alerts go to ``--alerts_topic`` (``PublishAlerts``) and, when ``--out`` is given,
to local JSONL files (local runners only: one process appends to the files).

Local runners (see ``live_pipeline_options``):
- polling: ``FnApiRunner``. ``PeriodicImpulse`` runs there live; the
  ``BundleBasedDirectRunner`` cannot run it and ``DirectRunner`` would try to
  download Prism. Watermarks are batch-like there (event-time timers fire as
  soon as an element is in); on Dataflow they follow the impulse.
- ``--input_subscription``: ``BundleBasedDirectRunner`` with ``streaming=True``,
  the only local runner with ``ReadFromPubSub``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import apache_beam as beam
import yaml
from apache_beam.io.gcp.pubsub import ReadFromPubSub
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.pvalue import TaggedOutput

from pipeline.build import build_stages
from pipeline.config import Config, ConfigError
from pipeline.options import CrosswireOptions
from transforms.feeds import DEAD, DUPLICATE, DeduplicateStreaming, ParseFeeds, RawFeed, iso_utc
from transforms.fetch import FetchPolicy, PollFeeds, normalise_feeds
from transforms.pubsub_io import PublishAlerts
from transforms.records import Article, DeadLetter, stable_id

# Set by the publisher of article messages: RFC 3339 or milliseconds since the epoch.
TIMESTAMP_ATTRIBUTE = "published_ts"
ARTICLE_FIELDS = ("id", "link", "guid", "feed", "title", "summary", "body", "published", "published_ts")
LIVE_OUTPUTS = ("articles", "stories", "alerts", "dead_letter")


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
    if opts.out:
        for name in LIVE_OUTPUTS:
            path = str(Path(opts.out) / f"{name}.jsonl")
            outputs[name] | f"Append_{name}" >> beam.ParDo(AppendJsonlFn(path))
    return outputs
