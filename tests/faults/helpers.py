"""Shared pieces of the fault suite: feeds dated now, a restartable Pub/Sub fake, pulls."""

from __future__ import annotations

import contextlib
import email.utils
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from typing import Any

from tests.pubsub.fixture import _wait_ready, fake_binary

ACTIONS = [
    ("Mexico expels Ecuador's ambassador", "Mexico declared Ecuador's ambassador persona non grata on Friday."),
    ("Peru breaks diplomatic relations with Venezuela", "Peru broke off diplomatic relations with Venezuela."),
    ("Argentina recalls its ambassador from Chile", "Argentina recalled its ambassador from Chile on Saturday."),
]


def rfc822(ts: float) -> str:
    return email.utils.formatdate(ts, usegmt=True)


def item_xml(n: int, ts: float | None, title: str = "", text: str = "", guid: str | None = None) -> str:
    """One RSS item; ``ts`` None leaves it undated."""
    date = f"<pubDate>{rfc822(ts)}</pubDate>" if ts is not None else ""
    return (
        f"<item><title>{title or f'Item {n}'}</title><link>https://example.org/news/{n}</link>"
        f"<guid>{guid or f'n{n}'}</guid>{date}<description>{text or f'Text of item {n}.'}</description></item>"
    )


def rss(items: list[str], title: str = "Test Wire") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://example.org/</link>{''.join(items)}</channel></rss>"
    ).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RestartableFake:
    """The Pub/Sub fake on a fixed port, which a test can stop and start again (an outage).

    The fake keeps everything in memory: after a restart its topics and subscriptions are gone.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the fake

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(fake_binary()), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        _wait_ready(self.proc, self._stderr, 15.0)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stdout:
                self.proc.stdout.close()
            self.proc = None


@contextlib.contextmanager
def restartable_fake() -> Iterator[RestartableFake]:
    """A private fake, exported as ``PUBSUB_EMULATOR_HOST`` while the block runs."""
    fake = RestartableFake()
    fake.start()
    before = os.environ.get("PUBSUB_EMULATOR_HOST")
    os.environ["PUBSUB_EMULATOR_HOST"] = fake.host
    try:
        yield fake
    finally:
        fake.stop()
        if before is None:
            os.environ.pop("PUBSUB_EMULATOR_HOST", None)
        else:
            os.environ["PUBSUB_EMULATOR_HOST"] = before


def pull_messages(subscription: str, idle_s: float = 1.0, limit_s: float = 20.0) -> list[Any]:
    """Every message now on ``subscription`` (synchronous pull until idle), acknowledged."""
    from google.api_core import exceptions
    from google.cloud.pubsub_v1 import SubscriberClient

    out: list[Any] = []
    with SubscriberClient() as client:
        end = time.monotonic() + limit_s
        idle_until = time.monotonic() + idle_s
        while time.monotonic() < min(idle_until, end):
            try:
                response = client.pull(subscription=subscription, max_messages=100, timeout=2.0)
            except (exceptions.DeadlineExceeded, exceptions.ServiceUnavailable):
                continue
            if response.received_messages:
                out += [m.message for m in response.received_messages]
                client.acknowledge(subscription=subscription, ack_ids=[m.ack_id for m in response.received_messages])
                idle_until = time.monotonic() + idle_s
            else:
                time.sleep(0.1)
    return out


def wait_for(condition: Any, timeout_s: float, step_s: float = 0.1) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(step_s)
    return bool(condition())
