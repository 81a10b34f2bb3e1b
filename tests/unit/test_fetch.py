"""Pure parts of transforms.fetch: validators, backoff, due times, throttle, feed lists."""

from __future__ import annotations

import pytest

from transforms.fetch import (
    FeedState,
    FetchResult,
    HostThrottle,
    backoff_delay,
    conditional_headers,
    host_of,
    is_due,
    normalise_feeds,
    poll_interval_s,
    retry_after_s,
)

URL = "https://example.org/rss"


def result(**kw: object) -> FetchResult:
    base: dict[str, object] = dict(
        url=URL, status=200, body=b"x", etag='"v1"', last_modified="Mon, 05 Oct 2026 10:00:00 GMT", fetched_at=100.0
    )
    base.update(kw)
    return FetchResult(**base)  # type: ignore[arg-type]


def test_conditional_headers() -> None:
    assert conditional_headers(None) == {}
    assert conditional_headers(FeedState(URL)) == {}
    state = FeedState(URL, etag='"v1"', last_modified="Mon, 05 Oct 2026 10:00:00 GMT")
    assert conditional_headers(state) == {
        "If-None-Match": '"v1"',
        "If-Modified-Since": "Mon, 05 Oct 2026 10:00:00 GMT",
    }


def test_state_after_200_304_error() -> None:
    state = FeedState(URL).after(result())
    assert (state.etag, state.last_fetch, state.failures) == ('"v1"', 100.0, 0)
    failed = state.after(result(status=None, body=None, etag=None, last_modified=None, error="boom", fetched_at=200.0))
    assert failed.etag == '"v1"' and failed.failures == 1 and failed.last_fetch == 200.0
    again = failed.after(
        result(status=304, body=None, etag=None, last_modified=None, not_modified=True, fetched_at=300)
    )
    assert again.etag == '"v1"' and again.failures == 0 and again.last_status == 304
    changed = again.after(result(etag=None, last_modified=None, fetched_at=400))
    assert changed.etag is None and changed.last_modified is None  # a 200 without validators forgets the old ones


def test_backoff_delay() -> None:
    assert [backoff_delay(n, 1.0, 5.0) for n in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_retry_after() -> None:
    assert retry_after_s("7", now=0) == 7.0
    assert retry_after_s(None, now=0) is None
    assert retry_after_s("soon", now=0) is None
    assert retry_after_s("Thu, 01 Jan 1970 00:00:30 GMT", now=10.0) == 20.0


def test_due_and_failure_backoff() -> None:
    assert is_due(None, 60, now=0)
    state = FeedState(URL, last_fetch=1000.0)
    assert not is_due(state, 60, now=1059)
    assert is_due(state, 60, now=1060)
    failing = FeedState(URL, last_fetch=1000.0, failures=2)
    assert poll_interval_s(60, 2) == 240
    assert not is_due(failing, 60, now=1200) and is_due(failing, 60, now=1240)
    assert poll_interval_s(60, 10) == 60 * 16


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_host_throttle_spaces_one_host_only() -> None:
    clock = Clock()
    throttle = HostThrottle(2.0, clock=clock, sleep=clock.sleep)
    assert throttle.wait("a.example") == 0
    assert throttle.wait("b.example") == 0
    assert throttle.wait("a.example") == 2.0
    clock.now += 5
    assert throttle.wait("a.example") == 0
    assert clock.slept == [2.0]


def test_host_of() -> None:
    assert host_of("https://Feeds.Example.org:8443/x?y") == "feeds.example.org"


def test_normalise_feeds() -> None:
    feeds = normalise_feeds(
        [{"url": "https://b.example/rss", "interval_seconds": 60}, {"url": "https://a.example/rss"}], 300
    )
    assert feeds == [("https://a.example/rss", 300.0), ("https://b.example/rss", 60.0)]
    for bad in ({"url": "ftp://x/y"}, {"url": ""}, {"url": "https://x/y", "interval_s": -1}):
        with pytest.raises(ValueError):
            normalise_feeds([bad])
