"""The live graph end to end: a local HTTP feed -> PollFeeds -> stages -> Pub/Sub fake -> subscribe."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.live import (
    article_from_json,
    article_to_json,
    articles_from_fetch,
    articles_from_message,
    batch_messages,
    build_live,
    load_feeds,
    message_rows,
)
from tests.http_fixture import FeedServer, Reply, Seen
from transforms.fetch import FeedPoller, FetchPolicy
from transforms.pubsub_io import dedupe_key
from transforms.records import Article, DeadLetter

CHANNEL_END = b"</channel></rss>"
NEW_ITEM = b"""<item><title>Argentina recalls its ambassador from Chile</title><link>https://example.org/news/3</link>
<guid>n3</guid><pubDate>Sat, 03 Oct 2026 09:00:00 GMT</pubDate>
<description>Argentina recalled its ambassador from Chile on Saturday after the border incident.</description></item>"""
FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test Wire</title><link>https://example.org/</link>
<item><title>Mexico expels Ecuador's ambassador</title><link>https://example.org/news/1</link><guid>n1</guid>
<pubDate>Fri, 02 Oct 2026 22:41:00 GMT</pubDate>
<description>Mexico declared Ecuador's ambassador persona non grata on Friday and ordered him to leave
the country within 72 hours.</description></item>
<item><title>Peru breaks diplomatic relations with Venezuela</title><link>https://example.org/news/2</link>
<guid>n2</guid><pubDate>Fri, 02 Oct 2026 23:00:00 GMT</pubDate>
<description>Peru broke off diplomatic relations with Venezuela on Friday, the foreign ministry said.</description>
</item></channel></rss>"""


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def test_article_from_json() -> None:
    row = {"link": "https://example.org/a", "title": "T", "published_ts": 1790000000}
    article = article_from_json(json.dumps(row).encode(), fallback_ts=5.0)
    assert isinstance(article, Article)
    assert article.published_ts == 1790000000.0 and article.published.startswith("2026-")
    assert article.id and article.guid == "https://example.org/a" and article.published_source == "entry"
    fallback = article_from_json(b'{"link": "https://x/y", "title": "T"}', fallback_ts=5.0)
    assert isinstance(fallback, Article) and fallback.published_ts == 5.0 and fallback.published_source == "fetched"
    for bad in (b"{", b"[]", b'{"link": "x"}', b'{"link": "x", "title": "t", "published_ts": "soon"}'):
        assert isinstance(article_from_json(bad, 0.0), DeadLetter)


def test_a_message_of_many_articles_is_split_and_each_is_checked_alone() -> None:
    """The bridge's batches (a JSON array): each element an article or its own dead letter."""
    good = [
        Article(
            f"a{i}", f"https://x.org/{i}", f"g{i}", "W", f"T{i}", "", "", "2026-10-02T22:41:0{i}Z", 1790980860.0 + i
        )
        for i in (1, 2)
    ]
    (body, count), *rest = batch_messages([article_to_json(a) for a in good] + [b'{"link": "x"}'])
    assert count == 3 and not rest
    decoded = articles_from_message(body, fallback_ts=0.0)
    assert decoded[:2] == good and isinstance(decoded[2], DeadLetter) and "title" in decoded[2].reason
    assert [row["link"] for row in message_rows(body)] == ["https://x.org/1", "https://x.org/2", "x"]
    assert isinstance(articles_from_message(b"[{", 0.0)[0], DeadLetter)
    many = batch_messages([b"{}"] * 250, max_articles=100)
    assert [n for _, n in many] == [100, 100, 50]
    assert [n for _, n in batch_messages([b"x" * 600, b"y" * 600], max_bytes=1000)] == [1, 1]


def test_load_feeds(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("default_interval_seconds: 60\nfeeds:\n  - {url: 'https://a.example/rss'}\n")
    assert load_feeds(path) == ([{"url": "https://a.example/rss"}], 60.0)
    path.write_text("feeds:\n  - {url: 'ftp://a'}\n")
    from pipeline.config import ConfigError

    with pytest.raises(ConfigError, match="feeds.yaml"):
        load_feeds(path)


def run_live(feed_server: FeedServer, config, out: Path, topic: str | None) -> str:
    """Poll one local feed for 3 s through the whole live graph; return the feed URL."""
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipeline.live import live_pipeline_options

    def route(seen: Seen, count: int) -> Reply:
        if seen.headers.get("if-none-match") == '"f1"':
            return Reply(304)
        return Reply(200, FEED, {"ETag": '"f1"', "Content-Type": "application/rss+xml"})

    url = feed_server.route("/wire.xml", route)
    flags = [f"--out={out}"] + ([f"--alerts_topic={topic}"] if topic else [])
    options = live_pipeline_options(PipelineOptions(flags))
    assert options.get_all_options()["runner"] == "FnApiRunner"
    now = time.time()
    with beam.Pipeline(options=options) as p:
        feeds = [{"url": url, "interval_s": 1, "allow_private": True}]  # a local test server
        build_live(p, config, options, feeds=feeds, tick_s=0.5, stop_timestamp=now + 3)
    return url


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.integration
@pytest.mark.streaming
def test_live_polling_wiring(feed_server: FeedServer, config, tmp_path: Path) -> None:
    """Polls with conditional GETs; each article once in articles.jsonl despite repeated polls."""
    run_live(feed_server, config, tmp_path, topic=None)
    polls = feed_server.seen("/wire.xml")
    assert len(polls) >= 2 and all(r.headers.get("if-none-match") == '"f1"' for r in polls[1:])
    articles = read_jsonl(tmp_path / "articles.jsonl")
    assert sorted(a["link"] for a in articles) == ["https://example.org/news/1", "https://example.org/news/2"]


def test_article_json_round_trip() -> None:
    article = Article("a1", "https://x.org/1", "g1", "Wire", "T", "S", "B", "2026-10-02T22:41:00Z", 1790980860.0)
    back = article_from_json(article_to_json(article), fallback_ts=0.0)
    assert back == article


def test_feed_poller_fetches_what_is_due(feed_server: FeedServer) -> None:
    """Conditional GET on the second poll; a 500 is a dead letter and backs the feed off."""
    ok = feed_server.route(
        "/ok.xml",
        lambda seen, n: Reply(304) if seen.headers.get("if-none-match") else Reply(200, FEED, {"ETag": '"e"'}),
    )
    bad = feed_server.static("/bad.xml", Reply(500, b"oops"))
    policy = FetchPolicy(retries=0, min_host_interval_s=0, allow_private=True)
    poller = FeedPoller([(ok, 60.0), (bad, 60.0)], policy)
    try:
        first = {r.url: articles_from_fetch(r) for r in poller.poll_due()}
        assert [a.link for a in first[ok][0]] == ["https://example.org/news/1", "https://example.org/news/2"]
        assert [d.reason for d in first[bad][1]] == ["HTTP 500"]
        assert poller.due() == [] and 59 < poller.seconds_to_next() <= 60
        assert poller.due(now=time.time() + 61) == [ok]  # the failing feed waits twice as long
        assert poller.due(now=time.time() + 121) == [ok, bad]
        poller.states[ok] = poller.states[ok].__class__(ok, '"e"', None, 0.0)  # make it due again
        (again,) = poller.poll_due()
        assert again.not_modified and articles_from_fetch(again) == ([], [])
    finally:
        poller.close()


# --- the whole live graph: changing feeds, failures, Pub/Sub, restart -------------------


def bad_feeds(server: FeedServer) -> dict[str, str]:
    """A feed answering 500, one slower than the read timeout, one over the size cap."""
    return {
        "broken": server.static("/broken.xml", Reply(500, b"internal error")),
        "slow": server.static("/slow.xml", Reply(200, FEED, delay_s=1.5)),
        "huge": server.static("/huge.xml", Reply(200, FEED[: -len(CHANNEL_END)] + b" " * 200_000 + CHANNEL_END)),
    }


POLICY = FetchPolicy(
    connect_timeout_s=1.0, read_timeout_s=0.3, total_timeout_s=2.0, max_bytes=100_000,
    retries=1, backoff_s=0.05, min_host_interval_s=0.0, allow_private=True)  # fmt: skip


def changing_feed(seen: Seen, count: int) -> Reply:
    """Poll 0 serves two items; from poll 1 on a third item appears. No validators: old
    items are re-served in full on every poll."""
    body = FEED if count < 1 else FEED[: -len(CHANNEL_END)] + NEW_ITEM + CHANNEL_END
    return Reply(200, body, {"Content-Type": "application/rss+xml"})


def pull_all(subscription: str, idle_s: float = 1.5) -> list[dict[str, Any]]:
    """Every message now on ``subscription`` (synchronous pull until idle), acknowledged."""
    from google.api_core import exceptions
    from google.cloud.pubsub_v1 import SubscriberClient

    from transforms.pubsub_io import decode_alert

    out: list[dict[str, Any]] = []
    with SubscriberClient() as client:
        deadline = time.monotonic() + idle_s
        while time.monotonic() < deadline:
            try:
                response = client.pull(subscription=subscription, max_messages=100, timeout=1.0)
            except exceptions.DeadlineExceeded:
                continue
            if response.received_messages:
                out += [decode_alert(m.message.data) for m in response.received_messages]
                client.acknowledge(subscription=subscription, ack_ids=[m.ack_id for m in response.received_messages])
                deadline = time.monotonic() + idle_s
            else:
                time.sleep(0.1)
    return out


def run_graph(config: Any, feeds: list[dict[str, Any]], out: Path, topic: str, seconds: float) -> None:
    """The live graph on the FnApiRunner for ``seconds``; asserts it leaves no thread running."""
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipeline.live import live_pipeline_options

    before = {t.ident for t in threading.enumerate()}
    options = live_pipeline_options(PipelineOptions([f"--out={out}", f"--alerts_topic={topic}"]))
    with beam.Pipeline(options=options) as p:
        build_live(p, config, options, feeds=feeds, policy=POLICY, tick_s=0.5, stop_timestamp=time.time() + seconds)
    time.sleep(0.2)
    left = [t.name for t in threading.enumerate() if t.ident not in before and t.is_alive() and not t.daemon]
    assert left == [], f"the pipeline left threads running: {left}"


@pytest.mark.integration
@pytest.mark.streaming
def test_live_end_to_end_with_failures_and_restart(
    feed_server: FeedServer, pubsub_project: str, config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Changing feed + 500 + timeout + oversized body -> alerts once each, across a restart."""
    from pipeline.pubsub_cli import subscribe_main, topics_main

    topic = f"projects/{pubsub_project}/topics/crosswire-alerts"
    subs = {name: f"projects/{pubsub_project}/subscriptions/{name}" for name in ("reader", "raw")}
    assert topics_main(["init", "--project", pubsub_project, "--subscription", "reader,raw"]) == 0
    capsys.readouterr()
    wire = feed_server.route("/wire.xml", changing_feed)
    bad = bad_feeds(feed_server)
    feeds = [{"url": url, "interval_s": 1} for url in (wire, *bad.values())]

    run_graph(config, feeds, tmp_path / "run1", topic, seconds=4)
    first = pull_all(subs["raw"])
    polls = len(feed_server.seen("/wire.xml"))
    assert polls >= 2, f"the changing feed was polled {polls} times: the new item never appeared"
    links = {link for a in first for link in a["article_links"]}
    assert "https://example.org/news/3" in links, "the item that appeared in a later poll raised no alert"
    alerts = [a for a in first if a["kind"] == "alert"]
    assert len(alerts) >= 2 and len({a["alert_id"] for a in alerts}) == len(alerts), "an action alerted twice"
    reasons = {d["source"]: d["reason"] for d in read_jsonl(tmp_path / "run1" / "dead_letter.jsonl")}
    assert reasons.get(bad["broken"]) == "HTTP 500"
    assert "timeout" in reasons.get(bad["slow"], "")
    assert reasons.get(bad["huge"], "").startswith("body over 100000 bytes")
    assert len(feed_server.seen("/broken.xml")) >= 2, "the run stopped polling after a failure"

    run_graph(config, feeds, tmp_path / "run2", topic, seconds=2)  # restart: fresh state, same topic
    second = pull_all(subs["raw"])
    assert second, "the restarted pipeline published nothing"
    assert {a["alert_id"] for a in second if a["kind"] == "alert"} == {a["alert_id"] for a in alerts}
    assert {dedupe_key(a) for a in second} <= {dedupe_key(a) for a in first}, "the restart published new content"

    code = subscribe_main(["--subscription", subs["reader"], "--json", "--timeout", "4"])
    captured = capsys.readouterr()
    assert code == 0
    printed = [json.loads(line) for line in captured.out.splitlines()]
    assert sorted(dedupe_key(a) for a in printed) == sorted({dedupe_key(a) for a in first})
    assert f"{len(first) + len(second) - len(printed)} duplicates" in captured.err


def test_dataflow_graph_builds_without_submitting(config, monkeypatch: pytest.MonkeyPatch) -> None:
    """The live graph translates for Dataflow (labels Dataflow's --update matches on); no network.

    ``run()`` is never called; Google's auth would retry for minutes without credentials,
    so a test that reached it would time out rather than pass.
    """
    import socket

    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the graph build tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.delenv("PUBSUB_EMULATOR_HOST", raising=False)
    flags = ["--runner=DataflowRunner", "--project=my-project", "--region=europe-west1"]
    # --dry_run: without it, Pipeline() asks GCS whether the temp bucket has soft delete on.
    flags += ["--temp_location=gs://my-bucket/tmp", "--streaming", "--dry_run=True"]
    flags += ["--alerts_topic=projects/my-project/topics/crosswire-alerts"]
    options = PipelineOptions(flags)
    p = beam.Pipeline(options=options)
    outputs = build_live(p, config, options, feeds=[{"url": "https://example.org/rss", "interval_s": 60}])
    assert set(outputs) >= {"articles", "stories", "alerts", "dead_letter"}
    proto = p.to_runner_api()
    labels = {t.unique_name for t in proto.components.transforms.values()}
    for label in ("PollFeeds/Tick", "PollFeeds/Poll", "ParseFeeds", "Deduplicate", "Stories", "Alerts",
                  "PublishAlerts/WriteAlerts", "AllDeadLetters"):  # fmt: skip
        assert label in labels, f"{label} missing from the Dataflow graph"
    assert not any(label.startswith("Append_") for label in labels), "--out must not be in a Dataflow graph"
