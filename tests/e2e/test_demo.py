"""``make demo`` in a short form: seed items go up on a local feed server, alerts reach the subscriber."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from pipeline.demo import SeedFeed, redate
from tests.conftest import ROOT


def test_seed_feeds_split_into_items_and_redate():
    feed = SeedFeed.read(ROOT / "seeds" / "andean-dispatch.xml")
    assert len(feed.items) == 1 and feed.body().count(b"<item") == 0
    feed.shown = 1
    assert feed.body().count(b"<item") == 1
    dated = redate(feed.items[0], 1_800_000_000)
    assert b"<pubDate>Fri, 15 Jan 2027 08:00:00 GMT</pubDate>" in dated
    atom = redate(b"<entry><published>2025-11-07T04:05:00+07:00</published></entry>", 1_800_000_000)
    assert atom == b"<entry><published>2027-01-15T08:00:00Z</published></entry>"


@pytest.mark.integration
@pytest.mark.streaming
@pytest.mark.slow
def test_demo_delivers_alerts_and_updates_within_seconds(pubsub_emulator: str):
    env = {**os.environ, "PUBSUB_EMULATOR_HOST": pubsub_emulator, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.demo", "--every", "2", "--alerts", "6", "--timeout", "150"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    alerts = [line for line in out.splitlines() if re.search(r"subscribe │ \S+ ALERT ", line)]
    updates = [line for line in out.splitlines() if re.search(r"subscribe │ \S+ UPDATE ", line)]
    assert any("Peru (PER) → Mexico (MEX)  persona_non_grata" in line for line in alerts), out
    assert len(alerts) == 3 and len(updates) == 3, out  # the Indonesian item adds its language
    delays = [float(m) for m in re.findall(r"\(\+([\d.]+) s after the last new item\)", out)]
    assert delays and max(delays) < 30, delays  # seconds, on a loaded 2-core machine
    assert "crosswire run: stopped cleanly" in out
