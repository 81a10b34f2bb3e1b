"""Defect 2: one slow (drip) feed froze everything, and SIGTERM waited for it.

A real local server drips a feed a kilobyte a second; another feed answers at once. The fetch
has a total deadline however slowly bytes arrive, the other feed keeps its own interval, and
a stop returns within seconds with what was fetched delivered to the Pub/Sub fake.
"""

from __future__ import annotations

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
