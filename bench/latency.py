"""Latency from "a feed changes" to "its alert reaches a subscriber", polling wait excluded.

Everything is local and is what ``crosswire run`` does: a feed on 127.0.0.1 that gains one
alerting item every ``--every`` seconds (a diplomatic action between a new pair of countries
each time, rotating over pycountry names), the Pub/Sub fake (``tests/pubsub``, or
``PUBSUB_EMULATOR_HOST``), ``pipeline.live.run_live`` (the local feed bridge and the graph on the
BundleBasedDirectRunner), and a streaming-pull subscriber that stamps each alert on arrival.

**What is measured**: from the moment the feed server receives the poll that first serves the new
item, to the moment the subscriber's callback receives the alert. The wait for that poll (up to
one ``--interval``, half of it on average) is *excluded*, since it is a setting, not a cost; the
"item added -> alert" figures, which include it, are printed too for reference.

    .venv/bin/python -m bench.latency --changes 20 --every 2 --interval 1

**Throughput** (``--burst N``): the feed gains N items at once (the held-out fixture's articles,
repeated with distinct links, dated now) served by one poll (later polls see an empty feed), and
the figure is the articles written over the time from that poll to the moment the last of them
is in ``--out``'s ``articles.jsonl``.
"""

from __future__ import annotations

import argparse
import email.utils
import itertools
import json
import math
import os
import statistics
import threading
import time
import uuid
from typing import Any

ITEM = """<item><title>{actor} declares the ambassador of {target} persona non grata</title>
<link>https://example.org/latency/{n}</link><guid>latency-{n}</guid><pubDate>{date}</pubDate>
<description>The government of {actor} declared the ambassador of {target} persona non grata on {date}
and gave him 72 hours to leave the country.</description></item>"""
COUNTRIES = ("MEX", "ECU", "PER", "VEN", "ARG", "CHL", "COL", "BOL", "BRA", "URY", "CUB", "FRA", "DEU", "ESP")


# --- pure functions ------------------------------------------------------------


def country_pairs(codes: tuple[str, ...] = COUNTRIES) -> list[tuple[str, str]]:
    """Distinct (actor, target) names, each pair once: every change is a new action."""
    import pycountry

    def name(code: str) -> str:
        country = pycountry.countries.get(alpha_3=code)
        return str(getattr(country, "common_name", None) or country.name)

    return [(name(a), name(b)) for a, b in itertools.permutations(codes, 2)]


def feed_xml(items: list[str]) -> bytes:
    body = "".join(items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Latency</title>{body}</channel></rss>'.encode()


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary(name: str, values: list[float]) -> str:
    return (
        f"{name}: median {statistics.median(values):.2f} s  p95 {percentile(values, 0.95):.2f} s  "
        f"min {min(values):.2f} s  max {max(values):.2f} s"
    )


# --- the run -------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=20, help="feed changes (new alerting items)")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between two changes")
    parser.add_argument("--interval", type=float, default=1.0, help="feed poll interval, seconds")
    parser.add_argument("--grace", type=float, default=20.0, help="seconds to wait for the last alerts")
    parser.add_argument("--burst", type=int, default=0, help="measure throughput instead: N items at once")
    parser.add_argument(
        "--cold", action="store_true", help="the bench builds no stage first (crosswire run builds them before polling)"
    )
    args = parser.parse_args(argv)
    if args.burst:
        return throughput(args.burst, args.interval, args.grace, warm_first=not args.cold)

    from apache_beam.options.pipeline_options import PipelineOptions
    from google.cloud import pubsub_v1

    from pipeline.config import load_config
    from pipeline.live import run_live
    from pipeline.pubsub_cli import topics_main
    from tests.http_fixture import FeedServer, Reply, Seen
    from tests.pubsub.fixture import ENV_HOST, running_fake
    from transforms.fetch import FetchPolicy

    cfg = load_config()
    if not args.cold:  # as a run that has been up for a while: every configured language built
        from pipeline.replay import warm

        warm(cfg)
    pairs = country_pairs()[: args.changes]
    project = f"bench-{uuid.uuid4().hex[:8]}"
    items: list[str] = []
    added: dict[str, float] = {}  # link -> when the item was added to the feed (monotonic)
    first_served: dict[str, float] = {}  # link -> when the poll that first served it arrived
    arrived: dict[str, float] = {}  # link -> when its alert reached the subscriber
    lock = threading.Lock()

    def route(seen: Seen, count: int) -> Reply:
        with lock:
            for link in added:
                first_served.setdefault(link, seen.at)
            return Reply(200, feed_xml(items), {"Content-Type": "application/rss+xml"})

    def on_alert(message: Any) -> None:
        now = time.monotonic()
        alert = json.loads(message.data)
        if alert.get("kind") == "alert":
            for link in alert.get("article_links") or ():
                arrived.setdefault(link, now)
        message.ack()

    with FeedServer() as server, running_fake() as host:
        os.environ.setdefault(ENV_HOST, host)
        url = server.route("/latency.xml", route)
        topics_main(["init", "--project", project])
        subscriber = pubsub_v1.SubscriberClient()
        future = subscriber.subscribe(f"projects/{project}/subscriptions/crosswire-alerts-cli", on_alert)
        options = PipelineOptions([f"--alerts_topic=projects/{project}/topics/crosswire-alerts"])
        stop = threading.Event()
        runner = threading.Thread(
            target=run_live,
            args=(cfg, options),
            kwargs={
                "feeds": [{"url": url, "interval_s": args.interval}],
                "policy": FetchPolicy(min_host_interval_s=0.0, allow_private=True),
                "stop": stop,
            },
            name="crosswire-run",
        )
        runner.start()
        deadline = time.monotonic() + 60
        while not server.seen("/latency.xml") and time.monotonic() < deadline:  # the run is up
            time.sleep(0.1)
        time.sleep(3.0)  # let the pipeline's first bundles go through before timing
        for n, (actor, target) in enumerate(pairs):
            date = email.utils.formatdate(time.time(), usegmt=True)
            with lock:
                items.append(ITEM.format(actor=actor, target=target, n=n, date=date))
                added[f"https://example.org/latency/{n}"] = time.monotonic()
            time.sleep(args.every)
        end = time.monotonic() + args.grace
        while len(arrived) < len(added) and time.monotonic() < end:
            time.sleep(0.2)
        stop.set()
        runner.join(timeout=60)
        future.cancel()
        subscriber.close()

    measured = [arrived[link] - first_served[link] for link in added if link in arrived and link in first_served]
    with_wait = [arrived[link] - added[link] for link in added if link in arrived]
    print(
        f"changes: {len(added)}, alerts received: {len(measured)}; poll interval {args.interval:g} s, "
        f"a change every {args.every:g} s; {'cold' if args.cold else 'stages built first'}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    if measured:
        print(summary("poll that first sees the change -> alert at the subscriber", measured))
        print(summary("item added -> alert (includes the wait for the next poll)", with_wait))
    return 0 if len(measured) == len(added) else 1


def burst_items(n: int) -> list[str]:
    """``n`` distinct items from the held-out fixture's articles, dated now (the live run drops stale ones)."""
    from xml.sax.saxutils import escape

    from tests.conftest import FIXTURES

    gold = FIXTURES / "heldout" / "articles.jsonl"
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    date = email.utils.formatdate(time.time(), usegmt=True)
    return [
        f"<item><title>{escape(row['title'])}</title><link>https://example.org/burst/{i}</link>"
        f"<guid>burst-{i}</guid><pubDate>{date}</pubDate><description>{escape(row['summary'])}</description></item>"
        for i, row in zip(range(n), itertools.cycle(rows), strict=False)
    ]


def throughput(n: int, interval: float, grace: float, warm_first: bool = True) -> int:
    """Articles per second through ``run_live`` when a feed suddenly carries ``n`` new items.

    ``warm_first``: the stages (matchers of every configured language) are built before the
    run starts, as a long-running ``crosswire run`` has them after its first minutes; else the
    burst also pays for building them (about 15 s of CPU for eleven languages).
    """
    import tempfile
    from pathlib import Path

    from apache_beam.options.pipeline_options import PipelineOptions

    from pipeline.config import load_config
    from pipeline.live import run_live
    from pipeline.pubsub_cli import topics_main
    from tests.http_fixture import FeedServer, Reply, Seen
    from tests.pubsub.fixture import ENV_HOST, running_fake
    from transforms.fetch import FetchPolicy

    items: list[str] = []
    served: list[float] = []
    lock = threading.Lock()

    def route(seen: Seen, count: int) -> Reply:
        """The burst once, then an empty feed: what is measured is the pipeline, not re-reading repeats."""
        with lock:
            if items and not served:
                served.append(seen.at)
                return Reply(200, feed_xml(items), {"Content-Type": "application/rss+xml"})
            return Reply(200, feed_xml([]), {"Content-Type": "application/rss+xml"})

    cfg = load_config()
    if warm_first:
        from pipeline.replay import warm

        warm(cfg)
    out = Path(tempfile.mkdtemp(prefix="crosswire-burst-"))
    done_at = 0.0
    with FeedServer() as server, running_fake() as host:
        os.environ.setdefault(ENV_HOST, host)
        project = f"bench-{uuid.uuid4().hex[:8]}"
        url = server.route("/burst.xml", route)
        topics_main(["init", "--project", project])
        options = PipelineOptions([f"--alerts_topic=projects/{project}/topics/crosswire-alerts", f"--out={out}"])
        stop = threading.Event()
        runner = threading.Thread(
            target=run_live,
            args=(cfg, options),
            kwargs={
                "feeds": [{"url": url, "interval_s": interval}],
                "policy": FetchPolicy(min_host_interval_s=0.0, allow_private=True),
                "stop": stop,
            },
            name="crosswire-run",
        )
        runner.start()
        deadline = time.monotonic() + 60
        while not server.seen("/burst.xml") and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(3.0)
        with lock:
            items.extend(burst_items(n))
        end = time.monotonic() + grace + n  # generous: at least one second an article
        written = 0
        while time.monotonic() < end and written < n:
            path = out / "articles.jsonl"
            count = sum(1 for _ in path.open(encoding="utf-8")) if path.exists() else 0
            if count > written:
                written, done_at = count, time.monotonic()
            elif written and time.monotonic() - done_at > 3 * grace:
                break  # nothing new for a while: the rest will not come
            time.sleep(0.2)
        stop.set()
        runner.join(timeout=60)
    if not done_at or not served:
        print(f"burst of {n}: no article written")
        return 1
    seconds = done_at - served[0]
    print(
        f"burst of {n} items: {written} articles in {seconds:.1f} s = {written / seconds:.1f} articles/s "
        f"through crosswire run ({'stages built first' if warm_first else 'cold'}); "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
