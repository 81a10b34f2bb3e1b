"""Defect 4: a Pub/Sub outage over 30 s killed the poller silently and lost alerts.

The Pub/Sub fake is stopped while 30 fetched articles wait to be published, and started again
(empty: the fake keeps no state) a few seconds later. Everything is delivered, in the
recreated topic. When it never comes back, the run gives up, says what was not delivered and
exits non-zero.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from pipeline.live import LocalFeedBridge, message_rows
from tests.faults.helpers import item_xml, pull_messages, restartable_fake, rss, wait_for
from tests.http_fixture import FeedServer, Reply
from transforms.fetch import FetchPolicy

POLICY = FetchPolicy(retries=0, min_host_interval_s=0.0, allow_private=True)
N = 30


def thirty_items(server: FeedServer) -> str:
    now = time.time()
    return server.static("/wire.xml", Reply(200, rss([item_xml(i, now - i) for i in range(N)])))


@pytest.mark.integration
def test_an_outage_loses_nothing(feed_server: FeedServer, tmp_path: Path) -> None:
    url = thirty_items(feed_server)
    with restartable_fake() as fake:
        bridge = LocalFeedBridge("outage-test", [{"url": url, "interval_seconds": 60}], POLICY, 60.0, print)
        bridge.create()
        fake.stop()  # the outage starts before the first poll
        bridge.start()
        assert wait_for(lambda: len(feed_server.seen("/wire.xml")) >= 1, 5.0)
        time.sleep(6.0)  # well past one publish attempt's timeout: retries, not a crash
        assert bridge.error is None, f"the poller died: {bridge.error}"
        assert bridge.published == 0
        fake.start()  # back, but empty: the bridge must create its topic and subscription again
        delivered = wait_for(lambda: bridge.published >= N, 30.0)
        messages = pull_messages(bridge.subscription)
        bridge.stop()
        bridge.delete()
    assert delivered, f"{bridge.published} of {N} delivered after the outage; last error {bridge.publisher.last_error}"
    links = {row["link"] for m in messages for row in message_rows(m.data)}
    assert len(links) == N, f"{N - len(links)} of {N} articles lost across the outage"
    assert bridge.undelivered == []


@pytest.mark.integration
def test_giving_up_says_what_was_not_delivered(feed_server: FeedServer, tmp_path: Path) -> None:
    url = thirty_items(feed_server)
    with restartable_fake() as fake:
        bridge = LocalFeedBridge(
            "outage-test", [{"url": url, "interval_seconds": 60}], POLICY, 60.0, print,
            give_up_s=2.0, attempt_timeout_s=1.0,
        )  # fmt: skip
        bridge.create()
        fake.stop()  # and never back
        bridge.start()
        gave_up = wait_for(bridge.failed, 20.0)
        bridge.stop(flush_s=1.0)
    assert gave_up, "the run never noticed that nothing could be delivered"
    from pipeline.live import _report_failure

    log = io.StringIO()
    assert _report_failure(bridge, str(tmp_path), log) == 1
    assert f"FAILED: {N} articles not delivered" in log.getvalue()
    kept = (tmp_path / "undelivered.jsonl").read_text().splitlines()
    assert {json.loads(line)["link"] for line in kept} == {f"https://example.org/news/{i}" for i in range(N)}
