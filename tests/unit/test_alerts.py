"""Alert novelty: one alert per (story, actor, type, target), updates on new languages."""

from __future__ import annotations

import dataclasses
import json

from transforms.alerts import ActionAlerts, alert_id, alerts_for, is_tracked, observe, outlet, party
from transforms.records import Action, Article

PNG = Action("persona_non_grata", "PER", "MEX", "1662", "REDUCE_RELATIONS", "Peru declared ...")
SEVER = Action("sever_relations", "PER", "MEX", "161", "REDUCE_RELATIONS", "Peru severed ...")


def article(aid: str, ts: float, lang: str, actions=(PNG,), story="s1", host="n.example") -> Article:
    return Article(
        id=aid,
        link=f"https://{host}/{aid}",
        guid=aid,
        feed="F",
        title=f"title {aid}",
        summary="",
        body="",
        published=f"2025-11-06T20:{int(ts):02d}:00Z",
        published_ts=ts,
        lang=lang,
        story_id=story,
        actions=tuple(actions),
    )


def test_alert_id_is_deterministic_and_distinct_per_key():
    assert alert_id("s1", "PER", "persona_non_grata", "MEX") == alert_id("s1", "PER", "persona_non_grata", "MEX")
    assert alert_id("s1", "PER", "persona_non_grata", "MEX") != alert_id("s1", "MEX", "persona_non_grata", "PER")
    assert alert_id("s1", "PER", "persona_non_grata", "MEX") != alert_id("s2", "PER", "persona_non_grata", "MEX")


def test_first_mention_alerts_and_new_language_updates():
    out = alerts_for([article("b", 2, "en"), article("a", 1, "en"), article("c", 3, "id")])
    assert [o["kind"] for o in out] == ["alert", "update"]
    alert, update = out
    assert alert["alert_id"] == update["alert_id"]
    assert alert["actor"] == {"code": "PER", "name": "Peru"} and alert["target"]["code"] == "MEX"
    assert alert["action"] == {"type": "persona_non_grata", "cameo": "1662", "plover": "REDUCE_RELATIONS"}
    assert alert["first_seen"] == "2025-11-06T20:01:00Z" and alert["evidence"]["link"].endswith("/a")
    assert update["languages"] == ["en", "id"]
    assert update["article_links"] == ["https://n.example/a", "https://n.example/b", "https://n.example/c"]


def test_each_action_alerts_once_per_story():
    out = alerts_for([article("a", 1, "en", actions=(PNG, SEVER)), article("b", 2, "en", actions=(SEVER,))])
    assert sorted(o["action"]["type"] for o in out) == ["persona_non_grata", "sever_relations"]
    assert all(o["kind"] == "alert" for o in out)


def test_another_story_recalling_a_recent_action_raises_nothing_new():
    week = 7 * 24 * 3600.0
    out = alerts_for(
        [
            article("a", 1, "en", actions=(SEVER,)),
            article("m", 1 + 2 * 24 * 3600, "es", actions=(SEVER,), story="match-report"),
            article("z", 1 + 3 * week, "en", actions=(SEVER,), story="a-new-rupture"),
        ],
        renotify_s=2 * week,
    )
    assert [(o["kind"], o["story_id"]) for o in out] == [("alert", "s1"), ("alert", "a-new-rupture")]


def test_order_of_input_does_not_change_the_result():
    items = [article("a", 1, "en"), article("b", 2, "es"), article("c", 3, "id")]
    assert alerts_for(items) == alerts_for(list(reversed(items)))


def test_untracked_countries_raise_nothing():
    assert is_tracked(PNG, None)
    assert is_tracked(PNG, frozenset({"MEX"}))
    assert not is_tracked(PNG, frozenset({"COL"}))
    assert alerts_for([article("a", 1, "en")], tracked=frozenset({"COL"})) == []


def test_undetermined_language_does_not_count_as_new_coverage():
    out = alerts_for([article("a", 1, "en"), dataclasses.replace(article("b", 2, "und"))])
    assert [o["kind"] for o in out] == ["alert"]


UNSURE = dataclasses.replace(
    PNG, confidence=0.45, reasons=("trigger: noun", "clause: cause of another step ('in response to')")
)


def test_first_alert_says_single_source_with_its_outlet_and_evidence():
    (alert,) = alerts_for([article("a", 1, "en")])
    assert alert["basis"] == "single_source" and alert["outlets"] == ["n.example"]
    assert alert["confidence"] == 1.0 and alert["languages"] == ["en"]


def test_a_lone_uncertain_mention_raises_nothing():
    assert alerts_for([article("a", 1, "en", actions=(UNSURE,))]) == []


def test_a_second_outlet_corroborates_an_uncertain_mention():
    out = alerts_for(
        [article("a", 1, "en", actions=(UNSURE,)), article("b", 2, "en", actions=(UNSURE,), host="other.example")]
    )
    (alert,) = out
    assert alert["basis"] == "corroborated" and alert["outlets"] == ["n.example", "other.example"]
    assert alert["article_links"] == ["https://n.example/a", "https://other.example/b"]


def test_a_second_language_corroborates_and_the_same_outlet_does_not():
    same = alerts_for([article("a", 1, "en", actions=(UNSURE,)), article("b", 2, "en", actions=(UNSURE,))])
    assert same == []
    (alert,) = alerts_for([article("a", 1, "en", actions=(UNSURE,)), article("b", 2, "es", actions=(UNSURE,))])
    assert alert["basis"] == "corroborated" and alert["languages"] == ["en", "es"]


def test_a_confident_alert_is_updated_when_another_outlet_corroborates_it():
    out = alerts_for([article("a", 1, "en"), article("b", 2, "en", host="other.example")])
    assert [(o["kind"], o["basis"]) for o in out] == [("alert", "single_source"), ("update", "corroborated")]


def test_an_uncertain_mention_does_not_count_as_already_alerted():
    out = alerts_for(
        [article("a", 1, "en", actions=(UNSURE,), story="s0"), article("b", 2, "en", story="s1")],
    )
    assert [(o["kind"], o["story_id"]) for o in out] == [("alert", "s1")]


def test_outlet_and_organisation_names():
    assert outlet(article("a", 1, "en", host="www.lemonde.fr")) == "lemonde.fr"
    assert party("MEX") == {"code": "MEX", "name": "Mexico"}
    assert party("org:XYZ")["code"] == "org:XYZ"


def test_a_returned_payload_shares_nothing_the_state_changes_later():
    """Updates change the alert's lists in the state: a payload already returned must not move."""
    state = ActionAlerts()
    first = observe(state, article("a", 1, "en"), PNG)
    assert first is not None
    expected = json.dumps(first, sort_keys=True)
    first["evidence"]["link"] = "changed"  # the caller's copy: the state keeps its own
    update = observe(state, article("b", 2, "id"), PNG)
    assert update is not None and update["languages"] == ["en", "id"] and update["kind"] == "update"
    assert update["evidence"]["link"].endswith("/b") and "changed" not in json.dumps(update)
    first["evidence"]["link"] = "https://n.example/a"
    assert json.dumps(first, sort_keys=True) == expected
    assert first["article_links"] == ["https://n.example/a"] and first["languages"] == ["en"]
