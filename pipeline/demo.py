"""``make demo``: live mode end to end on one machine, with no network.

Starts, side by side, each line prefixed with who said it:

- ``feeds``: a local HTTP server whose feeds are the seed feeds (``seeds/``), empty at
  first; one seed item is added every ``--every`` seconds, as a newsroom would;
- the Pub/Sub emulator (``PUBSUB_EMULATOR_HOST`` when set, else the fake that
  ``make install`` builds), with the topics made by ``crosswire topics init``;
- ``run``: ``crosswire run`` polling those feeds every second and publishing alerts;
- ``subscribe``: ``crosswire subscribe`` printing the alerts as they arrive, with how many
  seconds after the item went up.

It stops after the last item plus ``--linger`` seconds, after ``--alerts N`` alert lines,
after ``--timeout`` seconds, or on Ctrl-C; then it stops everything it started.
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import http.server
import io
import os
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parent.parent
PROJECT = "crosswire-demo"
ITEM = re.compile(rb"<item\b.*?</item>|<entry\b.*?</entry>", re.DOTALL)
READY_PREFIX = "fakepubsub ready on "


# --- the feed server ----------------------------------------------------------------


DATES = re.compile(rb"<(pubDate|published|updated|dc:date)>[^<]*</\1>")


def redate(item: bytes, ts: float) -> bytes:
    """An item's dates set to ``ts``: RFC 822 for RSS's pubDate, RFC 3339 for Atom and Dublin Core."""
    rfc822 = email.utils.formatdate(ts, usegmt=True).encode()
    rfc3339 = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts)).encode()

    def replace(match: re.Match[bytes]) -> bytes:
        tag = match.group(1)
        return b"<%s>%s</%s>" % (tag, rfc822 if tag == b"pubDate" else rfc3339, tag)

    return DATES.sub(replace, item)


@dataclass
class SeedFeed:
    """A seed feed split into its frame and its items; ``shown`` items are served."""

    name: str
    head: bytes
    items: list[bytes]
    tail: bytes
    shown: int = 0

    @classmethod
    def read(cls, path: Path) -> SeedFeed:
        data = path.read_bytes()
        matches = list(ITEM.finditer(data))
        if not matches:
            return cls(path.name, data, [], b"")
        return cls(path.name, data[: matches[0].start()], [m.group(0) for m in matches], data[matches[-1].end() :])

    def body(self) -> bytes:
        return self.head + b"\n".join(self.items[: self.shown]) + self.tail


@dataclass
class FeedServer:
    """Serves ``/NAME`` for each seed feed on 127.0.0.1; ``release()`` adds the next item."""

    feeds: list[SeedFeed]
    order: list[tuple[int, int]] = field(default_factory=list)  # (feed, item) in release order
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        longest = max((len(f.items) for f in self.feeds), default=0)
        self.order = [(f, i) for i in range(longest) for f in range(len(self.feeds)) if i < len(self.feeds[f].items)]
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                feed = next((f for f in server.feeds if self.path.lstrip("/") == f.name), None)
                if feed is None:
                    self.send_error(404)
                    return
                with server.lock:
                    body = feed.body()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="demo-feeds", daemon=True)

    @property
    def urls(self) -> list[str]:
        host, port = self.httpd.server_address[:2]
        return [f"http://{host!s}:{port}/{f.name}" for f in self.feeds]

    def pending(self) -> int:
        return len(self.order) - sum(f.shown for f in self.feeds)

    def release(self, now: float | None = None) -> str:
        """Show the next item, dated now (news as it breaks); return its title (for the log)."""
        with self.lock:
            index, item = self.order[sum(f.shown for f in self.feeds)]
            self.feeds[index].items[item] = redate(self.feeds[index].items[item], time.time() if now is None else now)
            self.feeds[index].shown = item + 1
            title = re.search(rb"<title[^>]*>(.*?)</title>", self.feeds[index].items[item], re.DOTALL)
        return f"{self.feeds[index].name}: {title.group(1).decode('utf-8', 'replace').strip() if title else '?'}"

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- processes ------------------------------------------------------------------------


class Lines:
    """Prefix and print every line of several child processes' outputs as they come."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.sel = selectors.DefaultSelector()
        self.lock = threading.Lock()

    def say(self, who: str, line: str) -> None:
        with self.lock:
            print(f"{who:>9} │ {line}", file=self.out, flush=True)

    def watch(self, who: str, stream: IO[bytes]) -> None:
        self.sel.register(stream, selectors.EVENT_READ, who)

    def poll(self, timeout: float) -> list[tuple[str, str]]:
        """Lines read within ``timeout`` seconds, as (who, line); each is printed too."""
        got = []
        for key, _ in self.sel.select(timeout=timeout):
            line = key.fileobj.readline()  # type: ignore[union-attr]
            if not line:
                self.sel.unregister(key.fileobj)
                continue
            text = line.decode("utf-8", "replace").rstrip()
            got.append((str(key.data), text))
        return got


def start_fake(binary: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start the Pub/Sub fake on a free port; return it and its ``host:port``."""
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise SystemExit(f"demo: no Pub/Sub emulator: run `make install` (builds {binary}) or set PUBSUB_EMULATOR_HOST")
    proc = subprocess.Popen(
        [str(binary), "--host", "127.0.0.1", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 15
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline and proc.poll() is None:
            if sel.select(timeout=0.2):
                line = proc.stdout.readline().decode("utf-8", "replace").strip()
                if line.startswith(READY_PREFIX):
                    return proc, line[len(READY_PREFIX) :]
    proc.kill()
    raise SystemExit("demo: the Pub/Sub fake did not start within 15 s")


def stop_fake(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def stop(proc: subprocess.Popen[bytes], grace: float = 15.0) -> int:
    """Ctrl-C for a child (it stops cleanly on SIGINT), then SIGKILL if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def run_demo(args: argparse.Namespace, out: IO[str]) -> int:
    """Start everything, release the items, relay the lines; stop it all (children first)."""
    lines = Lines(out)
    alerts = 0
    with contextlib.ExitStack() as stack:
        host = os.environ.get("PUBSUB_EMULATOR_HOST")
        if host:
            lines.say("pubsub", f"using the emulator at PUBSUB_EMULATOR_HOST={host}")
        else:
            fake, host = start_fake(Path(args.fake))
            stack.callback(stop_fake, fake)
            lines.say("pubsub", f"started the Pub/Sub fake at {host}")
            os.environ["PUBSUB_EMULATOR_HOST"] = host
            stack.callback(os.environ.pop, "PUBSUB_EMULATOR_HOST", None)
        if not make_topics(lines):
            return 1
        feeds = stack.enter_context(FeedServer([SeedFeed.read(p) for p in sorted(Path(args.seeds).glob("*.xml"))]))
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="crosswire-demo-")))
        feeds_yaml = tmp / "feeds.yaml"
        feeds_yaml.write_text(
            "feeds:\n" + "".join(f"  - {{url: '{u}', interval_seconds: 1, allow_private: true}}\n" for u in feeds.urls)
        )
        lines.say("feeds", f"serving {len(feeds.feeds)} seed feeds ({len(feeds.order)} items, none shown yet)")

        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        cli = [sys.executable, "-m", "pipeline.cli"]
        topic = f"projects/{PROJECT}/topics/crosswire-alerts"
        out_flags = ["--out", str(args.out)] if args.out else []
        run = child(
            stack, lines, "run", [*cli, "run", "--feeds", str(feeds_yaml), "--alerts-topic", topic, *out_flags], env
        )
        subscription = f"projects/{PROJECT}/subscriptions/crosswire-alerts-cli"
        child(stack, lines, "subscribe", [*cli, "subscribe", "--subscription", subscription], env)

        started = time.monotonic()
        next_at: float | None = None
        released_at: float | None = None
        finish_at: float | None = None
        try:
            while time.monotonic() - started < args.timeout:
                for who, text in lines.poll(0.2):
                    if who == "subscribe" and re.search(r"\b(ALERT|UPDATE)\b", text) and released_at is not None:
                        alerts += 1
                        text += f"   (+{time.monotonic() - released_at:.1f} s after the last new item)"
                    lines.say(who, text)
                    if who == "run" and "Ctrl-C stops" in text and next_at is None:
                        next_at = time.monotonic() + args.every
                if run.poll() is not None:
                    lines.say("demo", f"crosswire run exited ({run.returncode})")
                    return 1
                now = time.monotonic()
                if next_at is not None and now >= next_at and feeds.pending():
                    lines.say("feeds", "new item: " + feeds.release())
                    released_at, next_at = now, now + args.every
                    if not feeds.pending():
                        finish_at = now + args.linger
                if (args.alerts and alerts >= args.alerts) or (finish_at is not None and now >= finish_at):
                    break
            else:
                lines.say("demo", f"timed out after {args.timeout:.0f} s")
        except KeyboardInterrupt:
            pass
    lines.say("demo", f"done: {alerts} alert lines at the subscriber")
    return 0 if alerts else 1


def make_topics(lines: Lines) -> bool:
    """``crosswire topics init`` for the demo project, its lines prefixed like the rest."""
    from pipeline.pubsub_cli import topics_main

    made = io.StringIO()
    with contextlib.redirect_stdout(made):
        code = topics_main(["init", "--project", PROJECT])
    for text in made.getvalue().splitlines():
        lines.say("pubsub", text)
    return code == 0


def child(
    stack: contextlib.ExitStack, lines: Lines, who: str, cmd: list[str], env: dict[str, str]
) -> subprocess.Popen[bytes]:
    """Start a child whose output ``lines`` relays; on exit, stop it and relay what it said last."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    lines.watch(who, proc.stdout)

    def finish() -> None:
        stop(proc)
        assert proc.stdout is not None
        for text in proc.stdout.read().decode("utf-8", "replace").splitlines():
            lines.say(who, text)

    stack.callback(finish)
    return proc


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default=str(REPO / "seeds"), help="folder of seed feeds (default seeds/)")
    parser.add_argument("--every", type=float, default=4.0, help="seconds between new items (default 4)")
    parser.add_argument("--linger", type=float, default=15.0, help="seconds to go on after the last item")
    parser.add_argument("--alerts", type=int, default=0, help="stop after N alert lines (0: no limit)")
    parser.add_argument("--timeout", type=float, default=180.0, help="stop after S seconds in all")
    parser.add_argument("--out", type=Path, default=None, help="also write the run's JSONL here")
    parser.add_argument(
        "--fake",
        default=os.environ.get("CROSSWIRE_FAKEPUBSUB", str(REPO / ".cache" / "fakepubsub")),
        help="the Pub/Sub fake built by make install (when PUBSUB_EMULATOR_HOST is not set)",
    )
    return run_demo(parser.parse_args(argv), sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
