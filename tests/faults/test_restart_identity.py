"""Defect 7: a restart raised the same alerts again as new ones.

- An undated item took the fetch time as first-seen, so after a restart it was new again:
  two runs of the bridge against a real server publish it with the same event time.
- The alert id hashed the story id, i.e. the story's first article: once that article has
  rolled off the feed, a restarted run names the story after another one.
- The subscriber de-duplicated on content, so the same alert with other links or evidence
  (after a restart) was printed twice: it now keys on ``alert_id``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pipeline.live import LocalFeedBridge, message_rows
from tests.faults.helpers import item_xml, pull_messages, rss, wait_for
from tests.http_fixture import FeedServer, Reply
from transforms.alerts import alerts_for
from transforms.fetch import FetchPolicy
from transforms.records import Action, Article, stable_id

POLICY = FetchPolicy(retries=0, min_host_interval_s=0.0, allow_private=True)


def one_run(url: str, project: str, state_dir: Path) -> dict[str, float]:
    bridge = LocalFeedBridge(project, [{"url": url, "interval_seconds": 60}], POLICY, 60.0, print, state_dir=state_dir)
    bridge.create()
    bridge.start()
    try:
        assert wait_for(lambda: bridge.published >= 2, 10.0), "the bridge published nothing"
    finally:
        bridge.stop()
    messages = pull_messages(bridge.subscription)
    bridge.delete()
    return {row["link"]: row["published_ts"] for m in messages for row in message_rows(m.data)}


@pytest.mark.integration
def test_undated_items_keep_their_first_seen_time_across_a_restart(
    feed_server: FeedServer, pubsub_project: str, tmp_path: Path
) -> None:
    url = feed_server.static("/undated.xml", Reply(200, rss([item_xml(1, None), item_xml(2, None)])))
    first = one_run(url, pubsub_project, tmp_path / "state")
    time.sleep(1.1)  # the restart fetches a second later
    second = one_run(url, pubsub_project, tmp_path / "state")
    assert first and first == second, f"first-seen times changed across a restart: {first} -> {second}"


def article(n: int, ts: float, story: str) -> Article:
    action = Action("persona_non_grata", "MEX", "ECU", "166", "SANCTION", "Mexico expelled...")
    link = f"https://example.org/{n}"
    return Article(
        id=stable_id(link), link=link, guid=link, feed="F", title=f"t{n}", summary="", body="",
        published="", published_ts=ts, lang="en", story_id=story, actions=(action,),
    )  # fmt: skip


def test_the_alert_id_does_not_depend_on_the_first_article() -> None:
    t0 = 1_790_000_000.0
    a1, a2 = article(1, t0, ""), article(2, t0 + 3600, "")
    before = alerts_for([_with_story(a1, a1), _with_story(a2, a1)])  # first run: the story is named after a1
    after = alerts_for([_with_story(a2, a2)])  # restarted after a1 rolled off: the story is named after a2
    assert [a["alert_id"] for a in before if a["kind"] == "alert"] == [a["alert_id"] for a in after]


def _with_story(a: Article, first: Article) -> Article:
    import dataclasses

    return dataclasses.replace(a, story_id=stable_id(first.id))


@pytest.mark.integration
def test_the_subscriber_prints_one_alert_per_alert_id(pubsub_project: str, capsys: pytest.CaptureFixture[str]) -> None:
    from google.cloud.pubsub_v1 import PublisherClient

    from pipeline.pubsub_cli import subscribe_main, topics_main
    from transforms.pubsub_io import alert_attributes, encode_alert

    assert topics_main(["init", "--project", pubsub_project]) == 0
    alert = {
        "alert_id": "a1", "kind": "alert",
        "action": {"type": "persona_non_grata", "cameo": "166", "plover": "SANCTION"},
        "actor": {"code": "MEX", "name": "Mexico"}, "target": {"code": "ECU", "name": "Ecuador"},
        "story_id": "s1", "headline": "Mexico expels Ecuador's ambassador", "languages": ["en"],
        "article_links": ["https://example.org/1"], "first_seen": "2026-12-03T07:00:00Z",
    }  # fmt: skip
    restarted = {**alert, "story_id": "s2", "article_links": ["https://example.org/2"]}  # same alert, after a restart
    update = {**alert, "kind": "update", "languages": ["en", "es"]}
    publisher = PublisherClient()
    topic = f"projects/{pubsub_project}/topics/crosswire-alerts"
    for payload in (alert, restarted, alert, update):
        publisher.publish(topic, encode_alert(payload), **alert_attributes(payload)).result(timeout=10)
    publisher.stop()
    capsys.readouterr()
    code = subscribe_main(
        ["--subscription", f"projects/{pubsub_project}/subscriptions/crosswire-alerts-cli", "--json", "--timeout", "3"]
    )
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    # Pub/Sub does not promise order: the one alert and the one update, in whichever order they came
    assert sorted((a["alert_id"], a["kind"]) for a in printed) == [("a1", "alert"), ("a1", "update")]
