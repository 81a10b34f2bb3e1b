"""Preflight against the real Pub/Sub fake: a missing topic is one line naming the command that creates it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.preflight import pubsub_problems

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.integration
def test_missing_topic_and_subscription_say_how_to_create_them(pubsub_emulator: str, pubsub_project: str):
    topic = f"projects/{pubsub_project}/topics/nowhere"
    sub = f"projects/{pubsub_project}/subscriptions/nobody"
    problems = pubsub_problems(topic, sub, local=True)
    assert [p.what for p in problems] == [f"topic {topic} does not exist", f"subscription {sub} does not exist"]
    assert f"crosswire topics init --project {pubsub_project} --alerts-topic nowhere" in problems[0].fix


@pytest.mark.integration
def test_an_existing_topic_passes(pubsub_emulator: str, pubsub_project: str):
    from pipeline.pubsub_cli import topics_main

    assert topics_main(["init", "--project", pubsub_project]) == 0
    assert pubsub_problems(f"projects/{pubsub_project}/topics/crosswire-alerts", None, local=True) == []


@pytest.mark.integration
def test_crosswire_run_with_a_missing_topic_refuses_in_one_line(pubsub_emulator: str, pubsub_project: str):
    topic = f"projects/{pubsub_project}/topics/absent"
    env = {**os.environ, "PUBSUB_EMULATOR_HOST": pubsub_emulator}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", "--alerts-topic", topic],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"crosswire run: topic {topic} does not exist: create it with "
        f"`crosswire topics init --project {pubsub_project} --alerts-topic absent`"
    ]
