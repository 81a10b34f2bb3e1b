"""A live progress display for long replays: items per stage, rate and ETA (rich).

The replay's steps run inside Beam's runner, in this process or in worker processes, so
they cannot draw on the terminal themselves. ``CountFn`` is a pass-through step that
sends its running count to the display as a UDP datagram on 127.0.0.1 (at most a few a
second, and at the end of each bundle); the display adds them up. A lost datagram only
makes the display lag: the outputs and the summary never depend on it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import apache_beam as beam

SEND_EVERY_S = 0.2

# (stage, label): in pipeline order. "files" has a known total; later stages are counted
# against the items read (an upper bound: duplicates and dead letters stop early).
STAGES = (
    ("files", "files read"),
    ("items", "items parsed"),
    ("distinct", "distinct articles"),
    ("language", "language"),
    ("entities", "entities"),
    ("actions", "actions"),
    ("grouped", "grouped into stories"),
)


class CountFn(beam.DoFn):
    """Pass elements through unchanged; report how many went by to the display at ``addr``."""

    def __init__(self, addr: tuple[str, int], stage: str) -> None:
        self.addr, self.stage = addr, stage

    def setup(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.pending, self.sent_at = 0, time.monotonic()

    def process(self, element: Any) -> Iterator[Any]:
        self.pending += 1
        if time.monotonic() - self.sent_at >= SEND_EVERY_S:
            self._send()
        yield element

    def finish_bundle(self) -> None:
        self._send()

    def _send(self) -> None:
        if self.pending:
            try:
                self.sock.sendto(f"{self.stage}\t{self.pending}".encode(), self.addr)
                self.pending = 0
            except OSError:  # the display is gone: counting is not worth failing a replay for
                pass
        self.sent_at = time.monotonic()

    def teardown(self) -> None:
        self._send()
        self.sock.close()


def parse_datagram(data: bytes) -> tuple[str, int] | None:
    """``b"stage\\t12"`` -> ``("stage", 12)``; anything else -> None (ignored)."""
    try:
        stage, count = data.decode("ascii").split("\t")
        return stage, int(count)
    except (UnicodeDecodeError, ValueError):
        return None


class StageCounter:
    """Receives ``CountFn`` datagrams on a background thread and keeps the totals per stage."""

    def __init__(self, on_change: Callable[[dict[str, int]], None] | None = None) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.addr: tuple[str, int] = self.sock.getsockname()
        self.counts: dict[str, int] = {}
        self.on_change = on_change
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="crosswire-progress", daemon=True)

    def tap(self, pcoll: beam.PCollection, stage: str) -> beam.PCollection:
        """Insert a counting step after ``pcoll`` (the hook ``build_replay`` calls)."""
        return pcoll | f"Count_{stage}" >> beam.ParDo(CountFn(self.addr, stage))

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(256)
            except TimeoutError:
                continue
            except OSError:
                return
            self._add(data)

    def _add(self, data: bytes) -> None:
        parsed = parse_datagram(data)
        if parsed is None:
            return
        self.counts[parsed[0]] = self.counts.get(parsed[0], 0) + parsed[1]
        if self.on_change is not None:
            self.on_change(dict(self.counts))

    def __enter__(self) -> StageCounter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(SEND_EVERY_S)  # the last datagrams of the last bundle
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.setblocking(False)
        while True:  # whatever the thread had not read yet
            try:
                self._add(self.sock.recv(256))
            except OSError:  # BlockingIOError: nothing left
                break
        self.sock.close()


class ReplayProgress:
    """The rich display: one bar per stage with count, rate and time left (stderr, terminals only)."""

    def __init__(self, files: int, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(
            TextColumn("{task.description:>20}"),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>9}"),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            transient=False,
            refresh_per_second=4,
        )
        self.files = files
        self.tasks = {
            stage: self.progress.add_task(label, total=files if stage == "files" else None, rate="")
            for stage, label in STAGES
        }
        # a stage's rate: items between its first and its latest report, over that time
        self.first: dict[str, tuple[float, int]] = {}
        self.latest: dict[str, tuple[float, int]] = {}
        self.counter = StageCounter(self.update)

    def update(self, counts: dict[str, int]) -> None:
        items = counts.get("items", 0)
        reading_done = counts.get("files", 0) >= self.files
        now = time.monotonic()
        for stage, task in self.tasks.items():
            done = counts.get(stage, 0)
            total = self.files if stage == "files" else (items if reading_done else None)
            if done and self.latest.get(stage, (0.0, 0))[1] != done:
                self.first.setdefault(stage, (now, done))
                self.latest[stage] = (now, done)
            (t0, n0), (t1, n1) = self.first.get(stage, (now, 0)), self.latest.get(stage, (now, 0))
            rate = f"{(n1 - n0) / (t1 - t0):,.0f}/s" if t1 - t0 > 0.5 else ""
            self.progress.update(task, completed=done, total=total, rate=rate)

    def tap(self, pcoll: beam.PCollection, stage: str) -> beam.PCollection:
        return self.counter.tap(pcoll, stage)

    def __enter__(self) -> ReplayProgress:
        self.progress.start()
        self.counter.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.counter.__exit__(*exc)
        self.update(self.counter.counts)
        for task in self.tasks.values():  # done: what went through is the whole of it
            self.progress.update(task, total=self.progress.tasks[task].completed)
        self.progress.stop()
