"""The live graph end to end: a local HTTP feed -> PollFeeds -> stages -> Pub/Sub fake -> subscribe."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.live import article_from_json, build_live, load_feeds
from tests.http_fixture import FeedServer, Reply, Seen
from transforms.records import Article, DeadLetter

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
        build_live(p, config, options, feeds=[{"url": url, "interval_s": 1}], tick_s=0.5, stop_timestamp=now + 3)
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


@pytest.mark.integration
@pytest.mark.streaming
def test_live_alerts_reach_subscriber(
    feed_server: FeedServer, pubsub_project: str, config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The seeded actions raise alerts; what the pipeline wrote is what `crosswire subscribe` prints."""
    from pipeline.pubsub_cli import subscribe_main, topics_main

    assert topics_main(["init", "--project", pubsub_project]) == 0
    capsys.readouterr()
    run_live(feed_server, config, tmp_path, topic=f"projects/{pubsub_project}/topics/crosswire-alerts")
    alerts = read_jsonl(tmp_path / "alerts.jsonl")
    assert alerts, "the two seeded actions raised no alert"
    code = subscribe_main(
        ["--subscription", f"projects/{pubsub_project}/subscriptions/crosswire-alerts-cli", "--json"]
        + ["--max-messages", str(len(alerts)), "--timeout", "20"]
    )
    assert code == 0
    received = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(json.dumps(a, sort_keys=True) for a in received) == sorted(
        json.dumps(a, sort_keys=True) for a in alerts
    )
