"""Defects 1 and 3 on ``crosswire run --input-subscription``, against the Pub/Sub fake.

1. One bad message killed the run: ``published_ts`` NaN or 1e300, a body over 1M characters
   (spaCy's limit), a ``published_ts`` attribute that is not a time (it failed the runner's
   read of the whole bundle), bytes that are not JSON. Each is now a dead letter with its
   reason, acknowledged once, and the good messages published with them become alerts.
3. An article dated next week held back every alert behind it (the stories' flush timer
   went to the latest pending time): the alerts of today's articles still come out now.
"""

from __future__ import annotations

import json
import math
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.live import run_live
from tests.faults.helpers import pull_messages, wait_for

NOW = time.time()


def message(link: str, title: str, body: str, ts: float | str, attribute: str | None = None) -> tuple[bytes, dict]:
    row: dict[str, Any] = {"link": link, "title": title, "body": body, "published_ts": ts}
    attrs = {"published_ts": attribute if attribute is not None else str(int(NOW * 1000))}
    return json.dumps(row).encode(), attrs


GOOD = [
    message("https://example.org/1", "Mexico expels Ecuador's ambassador",
            "Mexico declared Ecuador's ambassador persona non grata on Friday.", NOW),
    message("https://example.org/3", "Argentina recalls its ambassador from Chile",
            "Argentina recalled its ambassador from Chile on Saturday.", NOW + 1),
]  # fmt: skip
FUTURE = message(
    "https://example.org/2", "Peru breaks diplomatic relations with Venezuela",
    "Peru broke off diplomatic relations with Venezuela.", NOW + 7 * 86400, str(int((NOW + 7 * 86400) * 1000)),
)  # fmt: skip
POISON = {
    "nan": (b'{"link": "https://example.org/p1", "title": "NaN time", "published_ts": NaN}', {}),
    "1e300": message("https://example.org/p2", "Far future", "text", 1e300),
    "huge body": message("https://example.org/p3", "Huge", "word " * 220_000, NOW),
    "bad attribute": message("https://example.org/p4", "Bad attribute", "text", NOW, attribute="soon"),
    "not json": (b"\xff\xfe not json", {}),
}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def run_with(batch: list[tuple[bytes, dict]], project: str, config: Any, tmp_path: Path, want: set[str]) -> Any:
    """Publish ``batch`` to an input topic, run ``crosswire run --input-subscription`` until the
    ``want``ed alerts (actor>target) are out, or 60 s; returns (alerts, dead letter reasons)."""
    from google.cloud.pubsub_v1 import PublisherClient

    from pipeline.pubsub_cli import topics_main

    assert topics_main(["init", "--project", project, "--input-topic", "articles", "--input-subscription", "in"]) == 0
    publisher = PublisherClient()
    for data, attrs in batch:
        publisher.publish(f"projects/{project}/topics/articles", data, **attrs).result(timeout=10)
    publisher.stop()
    out = tmp_path / "out"
    options = PipelineOptions(
        [f"--input_subscription=projects/{project}/subscriptions/in", f"--out={out}"], streaming=True
    )
    stop = threading.Event()
    outcome: list[Any] = []

    def run() -> None:
        try:
            with open(tmp_path / "log", "w") as log:
                outcome.append(run_live(config, options, stop=stop, log=log))
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            outcome.append(exc)

    def alerted() -> set[str]:
        return {f"{a['actor']['code']}>{a['target']['code']}" for a in read_jsonl(out / "alerts.jsonl")}

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: want <= alerted() or bool(outcome), 60.0, step_s=0.5)
        wanted_dead = len(batch) - len(want) - 1
        wait_for(lambda: len(read_jsonl(out / "dead_letter.jsonl")) >= wanted_dead or bool(outcome), 5.0)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not outcome or outcome == [0], f"the run ended with {outcome!r}"
    assert pull_messages(f"projects/{project}/subscriptions/in", idle_s=0.5) == [], "messages were redelivered"
    return alerted(), [d["reason"] for d in read_jsonl(out / "dead_letter.jsonl")]


@pytest.mark.integration
@pytest.mark.streaming
def test_poison_messages_are_dead_letters_and_the_run_goes_on(pubsub_project: str, config, tmp_path: Path) -> None:
    assert math.isnan(json.loads(POISON["nan"][0])["published_ts"])
    batch = [GOOD[0], *POISON.values(), GOOD[1]]  # poison in the same bundle as good messages
    alerts, reasons = run_with(batch, pubsub_project, config, tmp_path, {"MEX>ECU", "ARG>CHL"})
    assert {"MEX>ECU", "ARG>CHL"} <= alerts, f"alerts {alerts}: a bad message stopped the good ones"
    assert len(reasons) == len(POISON), reasons
    for expected in (
        "published_ts: Input should be a finite",
        "published_ts: Input should be less",
        "body: String should have at most",
        "published_ts attribute",
        "not JSON",
    ):
        assert any(expected in r for r in reasons), (expected, reasons)


@pytest.mark.integration
@pytest.mark.streaming
@pytest.mark.parametrize("clamp", [True, False], ids=["clamped", "stories-timer-alone"])
def test_an_article_dated_next_week_holds_back_no_alert(
    pubsub_project: str, config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clamp: bool
) -> None:
    if not clamp:  # without the event-time clamp, the stories' flush timer alone must not wait a week
        monkeypatch.setattr("pipeline.live.FUTURE_TOLERANCE_S", 30 * 86400.0)
    alerts, reasons = run_with([GOOD[0], FUTURE, GOOD[1]], pubsub_project, config, tmp_path, {"MEX>ECU", "ARG>CHL"})
    assert {"MEX>ECU", "ARG>CHL"} <= alerts, f"alerts {alerts}: the article dated next week held them back"
    assert reasons == []
