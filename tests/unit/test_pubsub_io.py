"""Pure functions of transforms.pubsub_io: attributes, encoding, lines, filters, de-dup."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from transforms.beam.pubsub import PublishAlerts, to_pubsub_message
from transforms.pubsub_io import (
    AlertFilter,
    SeenIds,
    alert_attributes,
    decode_alert,
    dedupe_key,
    encode_alert,
    format_alert_line,
)


def make_alert(**overrides: Any) -> dict[str, Any]:
    alert: dict[str, Any] = {
        "alert_id": "a1b2c3",
        "kind": "alert",
        "action": {"type": "persona_non_grata", "cameo": "166", "plover": "SANCTION"},
        "actor": {"code": "MEX", "name": "Mexico"},
        "target": {"code": "ECU", "name": "Ecuador"},
        "story_id": "s42",
        "headline": "Mexico declares Ecuador's ambassador persona non grata",
        "languages": ["es", "en"],
        "article_links": ["https://example.org/a", "https://example.org/b"],
        "first_seen": "2026-10-02T22:41:00Z",
        "evidence": {"sentence": "México declaró persona non grata...", "lang": "es", "link": "https://example.org/a"},
    }
    alert.update(overrides)
    return alert


def test_attributes_are_codes() -> None:
    assert alert_attributes(make_alert()) == {
        "alert_id": "a1b2c3",
        "kind": "alert",
        "actor": "MEX",
        "target": "ECU",
        "action": "persona_non_grata",
        "story_id": "s42",
    }


def test_attributes_skip_missing_and_cut_long_values() -> None:
    attrs = alert_attributes(make_alert(story_id=None, target={"code": "", "name": "?"}, alert_id="é" * 600))
    assert "story_id" not in attrs and "target" not in attrs
    assert len(attrs["alert_id"].encode("utf-8")) <= 1024
    assert all(isinstance(v, str) for v in attrs.values())


def test_encode_is_canonical_and_round_trips() -> None:
    alert = make_alert()
    shuffled = dict(reversed(list(alert.items())))
    assert encode_alert(alert) == encode_alert(shuffled)
    assert decode_alert(encode_alert(alert)) == alert
    assert "México".encode() in encode_alert(alert)  # UTF-8, not \\u escapes


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b'{"kind": "alert"}', b"\xff\xfe"])
def test_decode_rejects_non_alerts(data: bytes) -> None:
    with pytest.raises(ValueError):
        decode_alert(data)


def test_dedupe_key_same_content_same_key_update_differs() -> None:
    alert = make_alert()
    assert dedupe_key(alert) == dedupe_key(copy.deepcopy(alert))
    assert dedupe_key(alert) == dedupe_key(json.loads(json.dumps(alert, indent=2)))
    update = make_alert(kind="update", languages=["es", "en", "fr"])
    assert dedupe_key(update) != dedupe_key(alert)
    assert dedupe_key(make_alert(alert_id="other")) != dedupe_key(alert)


def test_format_alert_line() -> None:
    line = format_alert_line(make_alert())
    assert line == (
        "2026-10-02T22:41:00Z ALERT  Mexico (MEX) → Ecuador (ECU)  persona_non_grata  [es,en]  "
        "Mexico declares Ecuador's ambassador persona non grata"
    )
    update = format_alert_line(make_alert(kind="update", headline="two\nlines " + "x" * 300))
    assert "\n" not in update and " UPDATE " in update and update.endswith("…")


def test_format_alert_line_tolerates_sparse_alerts() -> None:
    line = format_alert_line({"alert_id": "x", "actor": "MEX", "action": None})
    assert line.startswith("- ALERT  MEX → ?  ?  [-]")


@pytest.mark.parametrize(
    ("countries", "actions", "expected"),
    [
        ((), (), True),
        (("mex",), (), True),
        (("ECU",), (), True),
        (("PER", "ecu"), (), True),
        (("PER",), (), False),
        ((), ("persona_non_grata",), True),
        ((), ("166",), True),
        ((), ("sanction",), True),
        ((), ("break_relations",), False),
        (("MEX",), ("break_relations",), False),
        ((" ",), (), True),
    ],
)
def test_alert_filter(countries: tuple[str, ...], actions: tuple[str, ...], expected: bool) -> None:
    assert AlertFilter.of(countries, actions)(make_alert()) is expected


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_seen_ids_remembers() -> None:
    seen = SeenIds(max_items=10, ttl_s=None)
    assert seen.check_and_add("a") is False
    assert seen.check_and_add("a") is True
    assert "a" in seen and "b" not in seen


def test_seen_ids_is_bounded_lru() -> None:
    seen = SeenIds(max_items=2, ttl_s=None)
    seen.check_and_add("a")
    seen.check_and_add("b")
    seen.check_and_add("a")  # refresh a: b is now the oldest
    seen.check_and_add("c")
    assert len(seen) == 2
    assert "a" in seen and "c" in seen and "b" not in seen


def test_seen_ids_expire() -> None:
    clock = FakeClock()
    seen = SeenIds(max_items=10, ttl_s=60, clock=clock)
    seen.check_and_add("a")
    clock.now = 30
    seen.check_and_add("b")
    clock.now = 61
    assert "a" not in seen and "b" in seen
    assert seen.check_and_add("a") is False
    clock.now = 200
    seen.check_and_add("z")
    assert len(seen) == 1


def test_seen_ids_rejects_zero_size() -> None:
    with pytest.raises(ValueError):
        SeenIds(max_items=0)


def test_to_pubsub_message() -> None:
    message = to_pubsub_message(make_alert())
    assert decode_alert(message.data) == make_alert()
    assert message.attributes["actor"] == "MEX"


def test_publish_alerts_checks_topic() -> None:
    with pytest.raises(ValueError):
        PublishAlerts("alerts")
    PublishAlerts("projects/p/topics/alerts")


def test_basis_is_an_attribute_and_a_filter() -> None:
    alert = make_alert(basis="corroborated")
    assert alert_attributes(alert)["basis"] == "corroborated"
    assert AlertFilter.of(bases=["corroborated"])(alert)
    assert not AlertFilter.of(bases=["single_source"])(alert)
    assert AlertFilter.of(bases=["single_source", "corroborated"])(alert)
    assert not AlertFilter.of(bases=["corroborated"])(make_alert())  # no basis: not corroborated


@pytest.mark.parametrize("wanted", ["UNO", "uno", "org:UNO", "ORG:uno"])
def test_an_organisation_filter_matches_its_org_id_with_or_without_the_prefix(wanted: str) -> None:
    alert = {**make_alert(), "target": {"code": "org:UNO", "name": "United Nations"}}
    assert AlertFilter.of([wanted])(alert)
    assert not AlertFilter.of(["MEX"])({**alert, "actor": {"code": "PER", "name": "Peru"}})
