"""Memory of a long ``crosswire run``: its RSS, sampled while it polls a feed that keeps growing.

A local feed (127.0.0.1) gains one item every ``--every`` seconds (the held-out fixture's
articles, distinct links, dated now) and shows the latest ``--window`` items, as a news feed does;
``crosswire run`` (a real subprocess, the Pub/Sub fake) polls it every ``--interval`` seconds for
``--minutes``. Every ``--sample`` seconds: minutes, polls, articles written, RSS of the run.

    .venv/bin/python -m bench.live_memory --minutes 20 --every 2 --interval 1
"""

from __future__ import annotations

import argparse
import email.utils
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from xml.sax.saxutils import escape


def rss_mib(pid: int) -> float:
    """Resident set size of ``pid`` in MiB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as f:
        return sum(1 for _ in f)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=20.0)
    ap.add_argument("--every", type=float, default=2.0, help="seconds between two new items")
    ap.add_argument("--interval", type=float, default=1.0, help="poll interval, seconds")
    ap.add_argument("--window", type=int, default=30, help="items the feed shows")
    ap.add_argument("--sample", type=float, default=60.0, help="seconds between two samples")
    args = ap.parse_args(argv)

    from pipeline.pubsub_cli import topics_main
    from tests.conftest import FIXTURES
    from tests.http_fixture import FeedServer, Reply, Seen
    from tests.pubsub.fixture import ENV_HOST, running_fake

    gold = FIXTURES / "heldout" / "articles.jsonl"
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    source = itertools.cycle(rows)
    items: list[str] = []
    lock = threading.Lock()
    polls = [0]

    def route(seen: Seen, count: int) -> Reply:
        with lock:
            polls[0] += 1
            body = "".join(items[-args.window :])
        xml = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Growing</title>{body}</channel></rss>'
        return Reply(200, xml.encode(), {"Content-Type": "application/rss+xml"})

    stop = threading.Event()

    def grow() -> None:
        for n in itertools.count():
            if stop.wait(args.every):
                return
            row = next(source)
            date = email.utils.formatdate(time.time(), usegmt=True)
            with lock:
                items.append(
                    f"<item><title>{escape(row['title'])}</title><link>https://example.org/grow/{n}</link>"
                    f"<guid>grow-{n}</guid><pubDate>{date}</pubDate>"
                    f"<description>{escape(row['summary'])}</description></item>"
                )

    out = Path(tempfile.mkdtemp(prefix="crosswire-memory-"))
    with FeedServer() as server, running_fake() as host:
        server.requests = _Discard()  # the fixture records every request: not what is measured here
        env = {**os.environ, ENV_HOST: os.environ.get(ENV_HOST, host)}
        os.environ[ENV_HOST] = env[ENV_HOST]
        project = f"mem-{uuid.uuid4().hex[:8]}"
        topics_main(["init", "--project", project])
        url = server.route("/grow.xml", route)
        feeds = out / "feeds.yaml"
        feeds.write_text(f"feeds:\n  - url: {url}\n    interval_seconds: {args.interval}\n    allow_private: true\n")
        cmd = [sys.executable, "-m", "pipeline.cli", "run", "--feeds", str(feeds)]
        cmd += ["--alerts-topic", f"projects/{project}/topics/crosswire-alerts", "--out", str(out)]
        run = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=grow, daemon=True).start()
        start = time.monotonic()
        print(f"{os.cpu_count()} CPUs; a new item every {args.every:g} s, polled every {args.interval:g} s")
        print("| minutes | polls | articles | RSS MiB | load |")
        print("|---|---|---|---|---|")
        try:
            while run.poll() is None:
                elapsed = time.monotonic() - start
                print(
                    f"| {elapsed / 60:.1f} | {polls[0]} | {count_lines(out / 'articles.jsonl')} "
                    f"| {rss_mib(run.pid):.0f} | {os.getloadavg()[0]:.1f} |",
                    flush=True,
                )
                if elapsed >= args.minutes * 60:
                    break
                time.sleep(min(args.sample, max(0.1, args.minutes * 60 - elapsed)))
        finally:
            stop.set()
            run.send_signal(signal.SIGTERM)  # SIGINT is ignored by a child of a background job
            try:
                _, err = run.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                run.kill()
                _, err = run.communicate()
    print((err or "").strip().splitlines()[-1:] or "", f"exit {run.returncode}")
    return 0 if run.returncode == 0 else 1


class _Discard(list):  # type: ignore[type-arg]
    """A list that keeps nothing."""

    def append(self, item: object) -> None:
        pass


if __name__ == "__main__":
    raise SystemExit(main())
