"""A live progress display for long replays: items per stage, rate and ETA (rich).

The replay counts in its own process as work comes back from the workers and calls
``ReplayProgress.add(stage, n)``; the display redraws a few times a second. The outputs and the
summary never depend on it.
"""

from __future__ import annotations

import time
from typing import Any

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
REDRAW_EVERY_S = 0.2


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
        self.counts: dict[str, int] = {}
        self.drawn_at = 0.0

    def add(self, stage: str, n: int = 1) -> None:
        """``n`` more items went through ``stage`` (the hook ``run_replay`` calls)."""
        self.counts[stage] = self.counts.get(stage, 0) + n
        now = time.monotonic()
        if now - self.drawn_at >= REDRAW_EVERY_S:
            self.drawn_at = now
            self.update(self.counts)

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

    def __enter__(self) -> ReplayProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.update(self.counts)
        for task in self.tasks.values():  # done: what went through is the whole of it
            self.progress.update(task, total=self.progress.tasks[task].completed)
        self.progress.stop()
