"""Records as JSON rows: ``as_dict`` gives exactly what ``dataclasses.asdict`` gives, faster."""

from __future__ import annotations

import dataclasses
import json
from typing import NamedTuple

from transforms.records import Action, Article, DeadLetter, Entity, Story, as_dict
from transforms.sinks import to_json_line

ARTICLE = Article(
    id="a1", link="https://example.org/a", guid="g1", feed="f.xml", title="Ghana recalls envoy",
    summary="Señal “quoted”", body="Body\nline two", published="2026-10-02T22:41:00Z", published_ts=1.79e9,
    lang="en", lang_confidence=0.97,
    entities=(Entity("GHA", "country", "Ghana", 0, 5, "GHA", None, "name"),
              Entity("person:ana lopez", "person", "Ana López", 20, 29, weight=0.25)),
    actions=(Action("recall_ambassador", "GHA", "MLI", "161", "SANCTION", "Ghana recalls envoy", 0.9, ("title",)),),
)  # fmt: skip


class Pair(NamedTuple):
    left: str
    right: tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class Holder:
    pair: Pair
    items: list[dict[str, tuple[int, ...]]]
    nested: tuple[Entity, ...] = ()


def test_as_dict_equals_asdict_on_every_record() -> None:
    records = [
        ARTICLE,
        dataclasses.replace(ARTICLE, story_id="s1", entities=(), actions=()),
        DeadLetter.of("feed.xml#3", "normalise", "ValueError: bad", b"\xff\xfeexcerpt"),
        Story("s1", "2026-10-02T22:41:00Z", "2026-10-03T01:00:00Z", ("en", "es"), 2, "Ghana recalls envoy",
              ("GHA", "MLI"), ("a1", "a2"), ("en:envoy",)),
        Holder(Pair("x", (1, 2)), [{"k": (3,)}], (ARTICLE.entities[0],)),
    ]  # fmt: skip
    for record in records:
        fast, slow = as_dict(record), dataclasses.asdict(record)
        assert fast == slow
        assert json.dumps(fast, sort_keys=True, ensure_ascii=False) == json.dumps(
            slow, sort_keys=True, ensure_ascii=False
        )
        assert [type(v) for v in fast.values()] == [type(v) for v in slow.values()]


def test_article_line_names_its_own_story_when_ungrouped() -> None:
    row = json.loads(to_json_line(ARTICLE))
    assert row["story_id"] == "a1"
    assert row["entities"][1] == dataclasses.asdict(ARTICLE.entities[1])
    assert row["actions"][0]["reasons"] == ["title"]


def test_json_line_is_the_plain_dict_encoded() -> None:
    """``to_json_line`` leaves nested records to the encoder: the bytes of encoding ``to_json()`` with
    the standard encoder, keys sorted at every level, without spaces."""
    holder = Holder(Pair("x", (1, 2)), [{"k": (3,)}], ARTICLE.entities)
    rows = [ARTICLE, dataclasses.replace(ARTICLE, story_id="s1"), DeadLetter.of("f", "read", "gone", "x"), holder]
    rows.append({"kind": "alert", "nested": [ARTICLE.actions[0]], "n": 1.5})
    for row in rows:
        plain = row.to_json() if hasattr(row, "to_json") else as_dict(row) if dataclasses.is_dataclass(row) else row
        if isinstance(row, dict):
            plain = {**row, "nested": [as_dict(ARTICLE.actions[0])]}
        assert to_json_line(row) == json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
