"""Defect 2: one slow (drip) feed froze everything, and SIGTERM waited for it.

A real local server drips a feed a kilobyte a second; another feed answers at once. The fetch
has a total deadline however slowly bytes arrive, the other feed keeps its own interval, and
a stop returns within seconds with what was fetched delivered to the Pub/Sub fake.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from pipeline.live import LocalFeedBridge, message_rows
from tests.faults.helpers import item_xml, pull_messages, rss, wait_for
from tests.http_fixture import FeedServer, Reply
from transforms.fetch import FetchPolicy, fetch

DRIP = rss([item_xml(i, time.time(), text="x" * 900) for i in range(30)])  # ~30 KB at 1 KB/s: 30 s
POLICY = FetchPolicy(total_timeout_s=2.0, read_timeout_s=5.0, retries=0, min_host_interval_s=0.0)


@pytest.mark.integration
def test_a_dripping_body_hits_the_total_deadline(feed_server: FeedServer) -> None:
    url = feed_server.static("/drip.xml", Reply(200, DRIP, drip_s=1.0))
    started = time.monotonic()
    got = fetch(url, policy=POLICY, allow_private=True)
    took = time.monotonic() - started
    assert took < 4.0, f"a feed dripping 1 KB/s held the fetch {took:.1f} s past a 2 s deadline"
    assert got.error is not None and "not complete after 2 s" in got.error


@pytest.mark.integration
def test_dripping_headers_hit_the_same_total_deadline(feed_server: FeedServer) -> None:
    """Each header line comes well inside the per-read timeout, so only a total deadline ends it."""
    url = feed_server.static("/headers.xml", Reply(200, DRIP, header_drip_s=0.5))
    started = time.monotonic()
    got = fetch(url, policy=POLICY, allow_private=True)
    took = time.monotonic() - started
    assert took < 4.0, f"headers dripping every 0.5 s held the fetch {took:.1f} s past a 2 s deadline"
    assert got.status is None and got.body is None
    assert got.error is not None and "answer not complete after 2 s" in got.error


@pytest.mark.integration
def test_a_stop_cuts_a_fetch_still_waiting_for_headers(feed_server: FeedServer) -> None:
    url = feed_server.static("/headers.xml", Reply(200, DRIP, header_drip_s=0.5))
    cancel = threading.Event()
    patient = FetchPolicy(total_timeout_s=60.0, read_timeout_s=5.0, retries=0, min_host_interval_s=0.0)
    threading.Timer(1.0, cancel.set).start()
    started = time.monotonic()
    got = fetch(url, policy=patient, allow_private=True, cancel=cancel)
    took = time.monotonic() - started
    assert took < 3.0, f"a stop 1 s in took {took:.1f} s to end a fetch waiting for dripping headers"
    assert got.error == "stopped before the fetch completed"


@pytest.mark.integration
def test_a_slow_feed_never_delays_another_and_stop_is_prompt(
    feed_server: FeedServer, pubsub_project: str, tmp_path: Path
) -> None:
    drip = feed_server.static("/drip.xml", Reply(200, DRIP, drip_s=1.0))
    fast = feed_server.static("/fast.xml", Reply(200, rss([item_xml(1, time.time())])))
    feeds = [
        {"url": drip, "interval_seconds": 60, "allow_private": True},
        {"url": fast, "interval_seconds": 0.5, "allow_private": True},
    ]
    policy = FetchPolicy(total_timeout_s=30.0, read_timeout_s=5.0, retries=0, min_host_interval_s=0.0)
    dead: list = []
    bridge = LocalFeedBridge(pubsub_project, feeds, policy, 300.0, dead.append, state_dir=tmp_path)
    bridge.create()
    bridge.start()
    try:
        assert wait_for(lambda: len(feed_server.seen("/fast.xml")) >= 4, 4.0), (
            f"the fast feed was polled {len(feed_server.seen('/fast.xml'))} times in 4 s while another dripped"
        )
    finally:
        started = time.monotonic()
        bridge.stop()
        stopped_in = time.monotonic() - started
    messages = pull_messages(bridge.subscription)
    bridge.delete()
    assert stopped_in < 5.0, f"stop took {stopped_in:.1f} s with a dripping fetch in flight"
    links = {row["link"] for m in messages for row in message_rows(m.data)}
    assert links == {"https://example.org/news/1"}, "what was fetched before the stop was not delivered"
    assert bridge.undelivered == []
