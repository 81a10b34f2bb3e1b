"""Defect 10: configuration and inputs that failed late, silently or with a traceback.

Every configuration file is checked at start against a schema (unknown keys rejected) and a
problem is one line naming the file, the key and what is wrong, through the real command
line. FIFOs get a record instead of silence (or a read that blocks forever); the subscription
a run creates carries an expiration policy, so a killed run leaves nothing behind for good.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.conftest import ROOT

CASES = [
    ("actions.yaml", lambda t: t + "\ntypes: [unclosed\n", "actions.yaml: line", "not valid YAML"),
    ("stories.yaml", lambda t: t.replace("threshold: 0.25", "threshold: high"), "stories.yaml: threshold:", "number"),
    ("stories.yaml", lambda t: t + "\nhorizon_hour: 12\n", "stories.yaml: horizon_hour:", "unknown key"),
    ("gazetteer.yaml", lambda t: t + "\norgz: {}\n", "gazetteer.yaml: orgz:", "unknown key"),
    ("people.yaml", lambda t: t.replace("people:", "people:\n  - {name: X Y, country: 12, role: head_of_state}", 1),
     "people.yaml: people.0.country:", "string"),
    ("tracked.yaml", lambda t: "track: [PE, MX]\n", "tracked.yaml: track:", "alpha-3"),
    ("actions.yaml", lambda t: t.replace("cue_window:", "cue_windw:", 1), "actions.yaml: cue_windw:", "unknown key"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "edit", "where", "what"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_a_bad_configuration_is_one_line_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, edit, where: str, what: str
) -> None:
    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs)
    path = configs / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    feed = tmp_path / "in.xml"
    feed.write_text("<rss version='2.0'><channel><title>x</title></channel></rss>")
    code = main(["replay", str(feed), "--out", str(tmp_path / "out"), "--config-dir", str(configs)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2, err
    assert len(err) == 1 and where in err[0] and what in err[0], err
    assert "Traceback" not in err[0]


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("feeds:\n  - {url: 'https://a.example/rss', interval_seconds: 0}\n", "feeds.0.interval_seconds"),
        ("feeds:\n  - {url: 'https://a.example/rss', intervall_seconds: 60}\n", "feeds.0.intervall_seconds"),
        ("feeds:\n  - {url: 'gopher://a.example/rss'}\n", "feeds.0.url"),
    ],
)
def test_a_bad_feed_list_is_refused_at_start(tmp_path: Path, text: str, what: str) -> None:
    from pipeline.config import ConfigError
    from pipeline.live import load_feeds

    path = tmp_path / "feeds.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_feeds(path)
    assert str(error.value).startswith(f"{path}: {what}:") and "\n" not in str(error.value)


def test_fifos_get_a_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from transforms.feeds import list_input_files

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.xml").write_text("<rss version='2.0'><channel><title>x</title></channel></rss>")
    os.mkfifo(tmp_path / "in" / "pipe.xml")
    os.mkfifo(tmp_path / "named.rss")
    files, dead = list_input_files([str(tmp_path / "in"), str(tmp_path / "named.rss")])
    assert files == [str(tmp_path / "in" / "ok.xml")]
    reasons = {Path(d.source).name: d.reason for d in dead}
    assert reasons == {
        "pipe.xml": "not a regular file (FIFO): not read",
        "named.rss": "not a regular file (FIFO): not read",
    }


@pytest.mark.integration
def test_the_run_subscription_expires(pubsub_project: str, tmp_path: Path) -> None:
    from google.cloud.pubsub_v1 import SubscriberClient

    from pipeline.live import BRIDGE_SUBSCRIPTION_TTL_S, LocalFeedBridge
    from transforms.fetch import FetchPolicy

    bridge = LocalFeedBridge(pubsub_project, [{"url": "https://a.example/rss"}], FetchPolicy(), 60.0, print)
    bridge.create()
    try:
        with SubscriberClient() as client:
            sub = client.get_subscription(subscription=bridge.subscription)
    finally:
        bridge.stop(flush_s=1.0)
        bridge.delete()
    assert sub.expiration_policy.ttl.total_seconds() == BRIDGE_SUBSCRIPTION_TTL_S
