"""`crosswire subscribe` / `topics init` against the test Pub/Sub server, with the real client."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from google.cloud import pubsub_v1

from pipeline.pubsub_cli import subscribe_main, topics_main
from tests.unit.test_pubsub_io import make_alert as sample_alert
from transforms.pubsub_io import alert_attributes, encode_alert

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


HEADLINE = "Mexico expels Ecuador's ambassador"


def make_alert(**overrides: Any) -> dict[str, Any]:
    """The unit tests' sample alert, as one story of this file's subscriber sees it."""
    link = "https://example.org/1"
    alert = {
        "alert_id": "al-1",
        "story_id": "st-1",
        "headline": HEADLINE,
        "languages": ["es"],
        "article_links": [link],
        "evidence": {"sentence": "México expulsa...", "lang": "es", "link": link},
    }
    return sample_alert(**{**alert, **overrides})


ALERT = make_alert()
UPDATE = make_alert(
    kind="update",
    updated="2026-10-03T08:00:00Z",
    languages=["es", "en"],
    article_links=["https://example.org/1", "https://example.org/2"],
)
OTHER = make_alert(
    alert_id="al-2",
    action={"type": "impose_sanctions", "cameo": "163", "plover": "SANCTION"},
    actor={"code": "USA", "name": "United States"},
    target={"code": "CHN", "name": "China"},
    headline="US sanctions Chinese firms",
)


@pytest.fixture
def alerts_sub(pubsub_project: str) -> tuple[pubsub_v1.PublisherClient, str, str]:
    """topics init (as a user would), then a publisher on the alerts topic."""
    assert topics_main(["init", "--project", pubsub_project, "--subscription", "cli"]) == 0
    publisher = pubsub_v1.PublisherClient()
    yield (
        publisher,
        f"projects/{pubsub_project}/topics/crosswire-alerts",
        f"projects/{pubsub_project}/subscriptions/cli",
    )
    publisher.stop()


def publish(publisher: pubsub_v1.PublisherClient, topic: str, *alerts: dict[str, Any]) -> None:
    for alert in alerts:
        publisher.publish(topic, encode_alert(alert), **alert_attributes(alert)).result(timeout=10)


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.pubsub_cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )


def start_subscriber(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.pubsub_cli", "subscribe", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_lines(proc: subprocess.Popen[str], n: int, timeout_s: float = 30) -> list[str]:
    """The subscriber's first ``n`` stdout lines; kill it and fail if they do not come."""
    assert proc.stdout is not None
    lines: list[str] = []
    timer = threading.Timer(timeout_s, proc.kill)
    timer.start()
    try:
        while len(lines) < n:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
    finally:
        timer.cancel()
    if len(lines) < n:
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"subscriber printed {len(lines)} of {n} lines: {lines}\n{err}")
    return lines


def test_topics_init_is_idempotent(pubsub_project: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "init",
        "--project",
        pubsub_project,
        "--subscription",
        "a,b",
        "--input-topic",
        "articles",
        "--input-subscription",
        "articles-live",
    ]
    assert topics_main(argv) == 0
    first = capsys.readouterr().out
    assert first.count("created") == 5
    assert topics_main(argv) == 0
    second = capsys.readouterr().out
    assert second.count("exists") == 5 and "created" not in second


def test_subscribe_dedupes_filters_and_acks(alerts_sub: tuple[pubsub_v1.PublisherClient, str, str]) -> None:
    publisher, topic, sub = alerts_sub
    publish(publisher, topic, ALERT, ALERT, OTHER, UPDATE, UPDATE)  # a re-published alert and update
    publisher.publish(topic, b"not an alert").result(timeout=10)

    # Pub/Sub (and the fake) deliver in any order: wait for both lines, let the
    # rest of the same delivery be handled, then stop with Ctrl-C.
    proc = start_subscriber("--subscription", sub, "--country", "MEX")
    lines = read_lines(proc, 2)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert out == ""
    assert sorted(lines) == [
        "2026-10-02T22:41:00Z ALERT  Mexico (MEX) → Ecuador (ECU)  persona_non_grata  [es]  " + HEADLINE,
        "2026-10-03T08:00:00Z UPDATE Mexico (MEX) → Ecuador (ECU)  persona_non_grata  [es,en]  " + HEADLINE,
    ]
    assert "2 printed, 2 duplicates, 1 filtered out, 1 invalid" in err

    # Everything was acknowledged: past the 10 s lease nothing comes back.
    time.sleep(11)
    subscriber = pubsub_v1.SubscriberClient()
    try:
        response = subscriber.pull(subscription=sub, max_messages=10, timeout=10)
        assert list(response.received_messages) == []
    finally:
        subscriber.close()


def test_subscribe_json_max_messages_in_process(
    alerts_sub: tuple[pubsub_v1.PublisherClient, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    publisher, topic, sub = alerts_sub
    publish(publisher, topic, ALERT, OTHER, UPDATE)
    started = time.monotonic()
    code = subscribe_main(
        ["--subscription", sub, "--action", "impose_sanctions", "--json", "--max-messages", "1", "--timeout", "30"]
    )
    assert code == 0
    assert time.monotonic() - started < 20  # left on --max-messages, not on --timeout
    out = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in out] == [OTHER]


def test_subscribe_exits_cleanly_on_sigint(alerts_sub: tuple[pubsub_v1.PublisherClient, str, str]) -> None:
    publisher, topic, sub = alerts_sub
    publish(publisher, topic, ALERT)
    proc = start_subscriber("--subscription", sub)
    assert "ALERT  Mexico (MEX)" in read_lines(proc, 1)[0]
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "1 printed" in err


def test_subscribe_unknown_subscription_fails(pubsub_project: str) -> None:
    done = run_cli("subscribe", "--subscription", f"projects/{pubsub_project}/subscriptions/nope", "--timeout", "5")
    assert done.returncode == 1
    assert "not found" in done.stderr


def test_subscribe_rejects_short_subscription_name(pubsub_emulator: str) -> None:
    err = io.StringIO()
    from pipeline.pubsub_cli import _parser, run_subscribe

    args = _parser().parse_args(["subscribe", "--subscription", "cli"])
    assert run_subscribe(args, out=io.StringIO(), err=err) == 1
    assert "projects/P/subscriptions/S" in err.getvalue()


def test_publish_alerts_pipeline_to_subscribe(
    alerts_sub: tuple[pubsub_v1.PublisherClient, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """PublishAlerts in a Beam pipeline -> the fake -> crosswire subscribe."""
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from transforms.beam.pubsub import PublishAlerts

    _, topic, sub = alerts_sub
    options = PipelineOptions([], runner="BundleBasedDirectRunner")
    with beam.Pipeline(options=options) as p:
        _ = p | beam.Create([ALERT, OTHER, ALERT, UPDATE]) | "Publish" >> PublishAlerts(topic)

    assert subscribe_main(["--subscription", sub, "--json", "--max-messages", "3", "--timeout", "30"]) == 0
    got = [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    def canonical(alert: dict[str, Any]) -> str:
        return json.dumps(alert, sort_keys=True)

    assert sorted(map(canonical, got)) == sorted(map(canonical, [ALERT, OTHER, UPDATE]))

    # Attributes survive the trip.
    publisher = alerts_sub[0]
    subscriber = pubsub_v1.SubscriberClient()
    try:
        publish(publisher, topic, OTHER)
        response = subscriber.pull(subscription=sub, max_messages=10, timeout=10)
        attrs = [dict(m.message.attributes) for m in response.received_messages]
        usa = [a for a in attrs if a.get("actor") == "USA"]
        assert usa and {"target": "CHN", "action": "impose_sanctions", "alert_id": "al-2"}.items() <= usa[0].items()
    finally:
        subscriber.close()
