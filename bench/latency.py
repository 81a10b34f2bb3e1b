"""Latency from "an item appears in a feed" to "its alert reaches a subscriber" (skeleton).

Everything is local: a feed on 127.0.0.1 that gains one alerting item every
``--every`` seconds, the Pub/Sub fake (tests/pubsub, or ``PUBSUB_EMULATOR_HOST``),
the live graph on the FnApiRunner, and a streaming-pull subscriber that stamps
each alert on arrival. Prints p50 / p95 / max and how many alerts arrived.

    .venv/bin/python -m bench.latency --items 10 --every 5 --interval 2

Status: wiring written; the figures need the live stages to raise alerts
(tests/e2e/test_live.py::test_live_alerts_reach_subscriber).
Expected floor: up to one poll interval (``--interval``) plus one tick.
"""

from __future__ import annotations

import argparse
import email.utils
import json
import statistics
import threading
import time
import uuid
from typing import Any

ITEM = """<item><title>{country} expels the ambassador of {target}</title>
<link>https://example.org/latency/{n}</link><guid>latency-{n}</guid><pubDate>{date}</pubDate>
<description>{country} declared the ambassador of {target} persona non grata on {day}.</description></item>"""
PAIRS = [("Mexico", "Ecuador"), ("Peru", "Venezuela"), ("Argentina", "Chile"), ("Colombia", "Bolivia")]


def feed_xml(items: list[str]) -> bytes:
    body = "".join(items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Latency</title>{body}</channel></rss>'.encode()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=10, help="alerting items to add")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between two new items")
    parser.add_argument("--interval", type=float, default=2.0, help="feed poll interval, seconds")
    parser.add_argument("--grace", type=float, default=30.0, help="seconds to wait after the last item")
    args = parser.parse_args(argv)

    import os

    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions
    from google.cloud import pubsub_v1

    from pipeline.config import load_config
    from pipeline.live import build_live, live_pipeline_options
    from pipeline.pubsub_cli import topics_main
    from tests.http_fixture import FeedServer, Reply
    from tests.pubsub.fixture import ENV_HOST, running_fake

    project = f"bench-{uuid.uuid4().hex[:8]}"
    items: list[str] = []
    appeared: dict[str, float] = {}  # link -> when the item became visible
    arrived: dict[str, float] = {}  # link -> when its alert reached the subscriber
    lock = threading.Lock()

    def route(seen: Any, count: int) -> Reply:
        with lock:
            return Reply(200, feed_xml(items), {"Content-Type": "application/rss+xml"})

    with FeedServer() as server, running_fake() as host:
        os.environ[ENV_HOST] = host
        url = server.route("/latency.xml", route)
        topics_main(["init", "--project", project])
        subscriber = pubsub_v1.SubscriberClient()

        def on_alert(message: Any) -> None:
            alert = json.loads(message.data)
            for link in alert.get("article_links") or ():
                arrived.setdefault(link, time.time())
            message.ack()

        future = subscriber.subscribe(f"projects/{project}/subscriptions/crosswire-alerts-cli", on_alert)
        stop_at = time.time() + args.items * args.every + args.grace
        options = live_pipeline_options(PipelineOptions([f"--alerts_topic=projects/{project}/topics/crosswire-alerts"]))
        cfg = load_config()

        def run_pipeline() -> None:
            with beam.Pipeline(options=options) as p:
                build_live(p, cfg, options, feeds=[{"url": url, "interval_s": args.interval}], stop_timestamp=stop_at)

        runner = threading.Thread(target=run_pipeline, name="pipeline", daemon=True)
        runner.start()
        for n in range(args.items):
            country, target = PAIRS[n % len(PAIRS)]
            now = time.time()
            date = email.utils.formatdate(now, usegmt=True)
            with lock:
                items.append(ITEM.format(country=country, target=target, n=n, date=date, day="Friday"))
                appeared[f"https://example.org/latency/{n}"] = now
            time.sleep(args.every)
        runner.join(timeout=args.grace + args.every * args.items + 60)
        future.cancel()
        subscriber.close()

    latencies = [arrived[link] - t for link, t in appeared.items() if link in arrived]
    print(f"alerts: {len(latencies)}/{len(appeared)} arrived; poll interval {args.interval:g} s")
    if latencies:
        print(
            f"latency s: p50 {statistics.median(latencies):.2f}  p95 {percentile(latencies, 0.95):.2f}"
            f"  max {max(latencies):.2f}"
        )
    return 0 if latencies else 1


if __name__ == "__main__":
    raise SystemExit(main())
