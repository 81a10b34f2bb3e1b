"""transforms.fetch against a real HTTP server on 127.0.0.1 (no internet)."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator

import pytest

from tests.http_fixture import FeedServer, Reply, Seen, dead_port
from transforms.fetch import USER_AGENT, FeedState, FetchPolicy, HostThrottle, PollFeeds, fetch

pytestmark = pytest.mark.integration

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test</title>
<item><title>Mexico recalls its ambassador</title><link>https://example.org/1</link></item>
</channel></rss>"""
LAST_MODIFIED = "Mon, 05 Oct 2026 10:00:00 GMT"
FAST = FetchPolicy(backoff_s=0.01, backoff_max_s=0.05, read_timeout_s=2, connect_timeout_s=2, allow_private=True)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def etag_route(seen: Seen, count: int) -> Reply:
    if seen.headers.get("if-none-match") == '"v1"':
        return Reply(304, headers={"ETag": '"v1"'})
    return Reply(200, RSS, {"ETag": '"v1"', "Content-Type": "application/rss+xml"})


def test_etag_then_304(feed_server: FeedServer) -> None:
    url = feed_server.route("/etag", etag_route)
    first = fetch(url, policy=FAST)
    assert (first.status, first.body, first.etag, first.error, first.not_modified) == (200, RSS, '"v1"', None, False)
    state = FeedState(url).after(first)
    second = fetch(url, state, policy=FAST)
    assert (second.status, second.body, second.not_modified, second.error) == (304, None, True, None)
    requests = feed_server.seen("/etag")
    assert "if-none-match" not in requests[0].headers
    assert requests[1].headers["if-none-match"] == '"v1"'
    assert state.after(second).etag == '"v1"'


def test_last_modified(feed_server: FeedServer) -> None:
    def route(seen: Seen, count: int) -> Reply:
        if seen.headers.get("if-modified-since") == LAST_MODIFIED:
            return Reply(304)
        return Reply(200, RSS, {"Last-Modified": LAST_MODIFIED})

    url = feed_server.route("/lm", route)
    first = fetch(url, policy=FAST)
    assert first.last_modified == LAST_MODIFIED and first.etag is None
    second = fetch(url, FeedState(url).after(first), policy=FAST)
    assert second.not_modified and second.body is None


def test_500_then_success_retries_with_backoff(feed_server: FeedServer) -> None:
    url = feed_server.route("/flaky", lambda seen, n: Reply(500, b"oops") if n < 2 else Reply(200, RSS))
    sleeps = Sleeps()
    got = fetch(url, policy=FAST, sleep=sleeps)
    assert got.ok and got.body == RSS and got.attempts == 3
    assert sleeps == [0.01, 0.02]


def test_retries_are_bounded(feed_server: FeedServer) -> None:
    url = feed_server.static("/down", Reply(503, b"down"))
    got = fetch(url, policy=FAST, sleep=Sleeps())
    assert got.error == "HTTP 503" and got.status == 503 and got.body is None
    assert got.attempts == FAST.retries + 1 == len(feed_server.seen("/down"))


def test_404_is_not_retried(feed_server: FeedServer) -> None:
    url = feed_server.static("/gone", Reply(404, b"no"))
    got = fetch(url, policy=FAST, sleep=Sleeps())
    assert got.error == "HTTP 404" and got.attempts == 1


def test_429_honours_retry_after(feed_server: FeedServer) -> None:
    url = feed_server.route(
        "/busy", lambda s, n: Reply(429, headers={"Retry-After": "1"}) if n == 0 else Reply(200, RSS)
    )
    sleeps = Sleeps()
    policy = FetchPolicy(backoff_s=0.01, backoff_max_s=5, allow_private=True)
    assert fetch(url, policy=policy, sleep=sleeps).ok
    assert sleeps == [1.0]


def test_read_timeout_is_an_error(feed_server: FeedServer) -> None:
    url = feed_server.static("/slow", Reply(200, RSS, delay_s=1.5))
    policy = FetchPolicy(read_timeout_s=0.3, retries=0, allow_private=True)
    started = time.monotonic()
    got = fetch(url, policy=policy)
    assert time.monotonic() - started < 1.2
    assert got.error is not None and "timeout" in got.error and got.body is None


def test_dripping_body_hits_total_timeout(feed_server: FeedServer) -> None:
    url = feed_server.static("/drip", Reply(200, RSS * 40, drip_s=0.1))
    got = fetch(url, policy=FetchPolicy(total_timeout_s=0.4, retries=0, chunk_bytes=512, allow_private=True))
    assert got.error is not None and "timeout" in got.error


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_oversized_body_is_an_error(feed_server: FeedServer, chunked: bool) -> None:
    body = b"x" * 300_000
    url = feed_server.static("/big", Reply(200, body, drip_s=0.001 if chunked else 0.0))
    got = fetch(url, policy=FetchPolicy(max_bytes=100_000, retries=2, allow_private=True))
    assert got.error == "body over 100000 bytes" + ("" if chunked else " (Content-Length 300000)")
    assert got.body is None and got.attempts == 1


def test_gzip_is_decoded(feed_server: FeedServer) -> None:
    url = feed_server.static("/gz", Reply(200, gzip.compress(RSS), {"Content-Encoding": "gzip"}))
    got = fetch(url, policy=FAST)
    assert got.body == RSS
    assert "gzip" in feed_server.seen("/gz")[0].headers["accept-encoding"]


def test_gzip_bomb_is_capped(feed_server: FeedServer) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    url = feed_server.static("/bomb", Reply(200, bomb, {"Content-Encoding": "gzip"}))
    got = fetch(url, policy=FetchPolicy(max_bytes=1_000_000, allow_private=True))
    assert got.error == "body over 1000000 bytes"


def test_dead_port_is_an_error() -> None:
    sleeps = Sleeps()
    got = fetch(f"http://127.0.0.1:{dead_port()}/rss", policy=FAST, sleep=sleeps)
    assert got.status is None and got.error is not None and got.error.startswith("connection error")
    assert got.attempts == FAST.retries + 1 and len(sleeps) == FAST.retries


def test_bad_url_is_an_error() -> None:
    assert fetch("notaurl", policy=FAST).error.startswith("bad url")  # type: ignore[union-attr]


def test_user_agent_and_accept(feed_server: FeedServer) -> None:
    url = feed_server.static("/ua", Reply(200, RSS))
    fetch(url, policy=FAST)
    headers = feed_server.seen("/ua")[0].headers
    assert headers["user-agent"] == USER_AGENT == "Crosswire/0.1 (+https://github.com/crosswire-news/crosswire)"
    assert "application/rss+xml" in headers["accept"]


def test_politeness_spacing_per_host(feed_server: FeedServer) -> None:
    url = feed_server.static("/p", Reply(200, RSS))
    other_host = url.replace("127.0.0.1", "localhost")
    throttle = HostThrottle(0.3)
    for _ in range(3):
        fetch(url, policy=FAST, throttle=throttle)
    started = time.monotonic()
    fetch(other_host, policy=FAST, throttle=throttle)  # another host name: no wait
    assert time.monotonic() - started < 0.25
    arrivals = [r.at for r in feed_server.seen("/p")]
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    assert len(gaps) == 3 and all(gap >= 0.28 for gap in gaps[:2])


@pytest.mark.streaming
def test_poll_feeds_pipeline(feed_server: FeedServer) -> None:
    """PeriodicImpulse -> per-feed state: one body for an unchanged feed, 304s after, dead letters."""
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions
    from apache_beam.testing.util import assert_that

    etag_url = feed_server.route("/etag", etag_route)
    changing_url = feed_server.route("/changing", lambda s, n: Reply(200, RSS.replace(b"Test", f"Test {n}".encode())))
    slow_url = feed_server.static("/hourly", Reply(200, RSS))
    dead_url = f"http://127.0.0.1:{dead_port()}/rss"
    feeds = [
        {"url": etag_url, "interval_s": 1},
        {"url": changing_url, "interval_s": 1},
        {"url": slow_url, "interval_s": 3600},
        {"url": dead_url, "interval_s": 1},
    ]
    policy = FetchPolicy(retries=0, min_host_interval_s=0.0, connect_timeout_s=1, read_timeout_s=2, allow_private=True)
    now = time.time()

    def check_fetched(items: list[tuple[str, bytes, float]]) -> None:
        by_url: dict[str, list[bytes]] = {}
        for url, body, fetched_at in items:
            assert now - 1 <= fetched_at <= time.time()
            by_url.setdefault(url, []).append(body)
        assert by_url[etag_url] == [RSS]  # later polls were 304s
        assert by_url[slow_url] == [RSS]  # not due again within the run
        assert len(by_url[changing_url]) >= 2 and len(set(by_url[changing_url])) == len(by_url[changing_url])
        assert dead_url not in by_url

    def check_dead(letters: list) -> None:
        assert letters and all(d.source == dead_url and d.stage == "fetch" for d in letters)
        assert all(d.reason.startswith("connection error") for d in letters)

    options = PipelineOptions([], runner="FnApiRunner")
    with beam.Pipeline(options=options) as p:
        polled = p | "PollFeeds" >> PollFeeds(feeds, policy, tick_s=0.5, start_timestamp=now, stop_timestamp=now + 4)
        assert_that(polled["fetched"], check_fetched, label="CheckFetched")
        assert_that(polled["dead_letter"], check_dead, label="CheckDead")

    etag_requests = feed_server.seen("/etag")
    assert len(etag_requests) >= 2  # at least one conditional poll after the first (ticks slip under load)
    assert all(r.headers.get("if-none-match") == '"v1"' for r in etag_requests[1:])
    assert len(feed_server.seen("/hourly")) == 1
