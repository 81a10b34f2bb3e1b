"""``crosswire run`` by hand: a subprocess polls a local feed, alerts reach a subscriber, Ctrl-C stops it.

The feed changes while the run is up (a new alerting item appears), another feed answers
500; the process gets the Pub/Sub fake through ``PUBSUB_EMULATOR_HOST`` like a user's shell.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_live import CHANNEL_END, FEED, NEW_ITEM
from tests.http_fixture import FeedServer, Reply, Seen

REPO = Path(__file__).resolve().parents[2]
STOP_WITHIN_S = 10.0


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.mark.integration
@pytest.mark.streaming
def test_crosswire_run_publishes_live_and_stops_on_sigint(
    feed_server: FeedServer,
    pubsub_emulator: str,
    pubsub_project: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from google.cloud.pubsub_v1 import PublisherClient

    from pipeline.pubsub_cli import subscribe_main, topics_main

    grown = FEED[: -len(CHANNEL_END)] + NEW_ITEM + CHANNEL_END
    started: list[float] = []

    def wire(seen: Seen, count: int) -> Reply:
        """The new item appears once the run has been polling for 6 s (after the first alerts)."""
        if not started:
            started.append(seen.at)
        return Reply(200, grown if seen.at - started[0] > 6 else FEED, {"Content-Type": "application/rss+xml"})

    url = feed_server.route("/wire.xml", wire)
    broken = feed_server.static("/broken.xml", Reply(500, b"oops"))
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f"feeds:\n  - {{url: '{url}', interval_seconds: 1, allow_private: true}}\n"
        f"  - {{url: '{broken}', interval_seconds: 1, allow_private: true}}\n"
    )
    assert topics_main(["init", "--project", pubsub_project]) == 0
    topic = f"projects/{pubsub_project}/topics/crosswire-alerts"
    out = tmp_path / "out"
    env = {**os.environ, "PUBSUB_EMULATOR_HOST": pubsub_emulator, "PYTHONUNBUFFERED": "1"}
    cmd = [
        sys.executable,
        "-m",
        "pipeline.cli",
        "run",
        "--feeds",
        str(feeds),
        "--alerts-topic",
        topic,
        "--out",
        str(out),
    ]
    with open(tmp_path / "stderr", "w+") as err, open(tmp_path / "stdout", "w+") as std:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=std, stderr=err)
        try:
            capsys.readouterr()
            code = subscribe_main(
                ["--subscription", f"projects/{pubsub_project}/subscriptions/crosswire-alerts-cli", "--json"]
                + ["--max-messages", "3", "--timeout", "120"]  # the run first builds every language's stages
            )
            received = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
            proc.send_signal(signal.SIGINT)
            sent = time.monotonic()
            rc = proc.wait(timeout=STOP_WITHIN_S)
            stopped_in = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        err.seek(0)
        stderr = err.read()
    assert code == 0
    links = {link for alert in received for link in alert["article_links"]}
    assert "https://example.org/news/3" in links, f"the item added while running raised no alert: {stderr[-2000:]}"
    assert rc == 0 and stopped_in < STOP_WITHIN_S, stderr[-2000:]
    assert "crosswire run: stopped cleanly" in stderr.splitlines()[-1]
    assert "Traceback" not in stderr
    assert f"dead letter: {broken} fetch: HTTP 500" in stderr
    with PublisherClient() as publisher:  # the run's private topic is gone
        topics = [t.name for t in publisher.list_topics(project=f"projects/{pubsub_project}")]
    assert topics == [topic]
