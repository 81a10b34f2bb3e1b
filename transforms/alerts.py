"""Alerts: one per (story, actor, action, target) the first time it appears; updates after.

The ``alert_id`` is a hash of those four, so a replay, a restart or a Pub/Sub redelivery
gives the same id and a subscriber can drop what it has already seen. When coverage of an
alerted action reaches a new language, an ``update`` with the same ``alert_id`` follows.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.ordering import EventTimeOrderedFn
from transforms.records import Action, Article, stable_id


def alert_id(story_id: str, actor: str, action_type: str, target: str) -> str:
    return stable_id("alert", story_id, actor, action_type, target)


def is_tracked(action: Action, tracked: frozenset[str] | None) -> bool:
    """``None`` tracks every country; otherwise the actor or the target must be listed."""
    return tracked is None or action.actor in tracked or action.target in tracked


def party(code: str) -> dict[str, str]:
    from transforms.entities import country_name

    return {"code": code, "name": country_name(code)}


@dataclass
class _Raised:
    payload: dict[str, Any]
    languages: set[str] = field(default_factory=set)


@dataclass
class StoryAlerts:
    """What one story has alerted so far; the pure state behind the stateful DoFn."""

    raised: dict[str, _Raised] = field(default_factory=dict)


def observe(state: StoryAlerts, article: Article, tracked: frozenset[str] | None) -> list[dict[str, Any]]:
    """Feed one article of a story (in event-time order); return the alerts and updates it causes."""
    story_id = article.story_id or article.id
    out: list[dict[str, Any]] = []
    for action in article.actions:
        if not is_tracked(action, tracked):
            continue
        aid = alert_id(story_id, action.actor, action.type, action.target)
        known = state.raised.get(aid)
        if known is None:
            payload = {
                "alert_id": aid,
                "kind": "alert",
                "action": {"type": action.type, "cameo": action.cameo, "plover": action.plover},
                "actor": party(action.actor),
                "target": party(action.target),
                "story_id": story_id,
                "headline": article.title,
                "languages": [article.lang],
                "article_links": [article.link],
                "first_seen": article.published,
                "evidence": {"sentence": action.sentence, "lang": article.lang, "link": article.link},
            }
            state.raised[aid] = _Raised(payload, {article.lang})
            out.append(copy.deepcopy(payload))
            continue
        if article.link not in known.payload["article_links"]:
            known.payload["article_links"].append(article.link)
        if article.lang not in known.languages and article.lang != "und":
            known.languages.add(article.lang)
            known.payload["languages"] = sorted(known.languages)
            update = copy.deepcopy(known.payload)
            update["kind"] = "update"
            update["updated"] = article.published
            update["evidence"] = {"sentence": action.sentence, "lang": article.lang, "link": article.link}
            out.append(update)
    return out


def alerts_for(articles: Iterable[Article], tracked: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """All alerts and updates for a set of articles with story ids (the pure, whole-batch form)."""
    states: dict[str, StoryAlerts] = {}
    out: list[dict[str, Any]] = []
    for article in sorted(articles, key=lambda a: (a.published_ts, a.id)):
        state = states.setdefault(article.story_id or article.id, StoryAlerts())
        out.extend(observe(state, article, tracked))
    return out


class RaiseAlertsFn(EventTimeOrderedFn[StoryAlerts]):
    """Per story key: articles in event-time order -> alerts and updates."""

    def __init__(self, tracked: frozenset[str] | None, horizon_s: float) -> None:
        self.tracked = tracked
        self.idle_expiry_s = horizon_s
        self.alerts = Metrics.counter("crosswire", "alerts")
        self.updates = Metrics.counter("crosswire", "alert_updates")

    def new_state(self) -> StoryAlerts:
        return StoryAlerts()

    def sort_key(self, article: Article) -> tuple[float, str]:
        return (article.published_ts, article.id)

    def handle(self, state: StoryAlerts, article: Article) -> Iterator[dict[str, Any]]:
        for payload in observe(state, article, self.tracked):
            (self.alerts if payload["kind"] == "alert" else self.updates).inc()
            yield payload


class RaiseAlerts(beam.PTransform):
    """Articles with story ids and actions -> alert and update payloads (dicts).

    Unbounded input: a stateful DoFn per story that handles articles in event-time order as
    the watermark passes. Bounded input (a replay): one GroupByKey per story and the same pure
    ``observe`` over the sorted articles, which needs no timers at all.
    """

    def __init__(
        self, tracked: frozenset[str] | None = None, horizon_s: float = 7 * 24 * 3600, streaming: bool = True
    ) -> None:
        super().__init__()
        self.tracked, self.horizon_s, self.streaming = tracked, horizon_s, streaming

    def expand(self, articles: beam.PCollection) -> beam.PCollection:
        keyed = (
            articles
            | "WithActions" >> beam.Filter(lambda a: bool(a.actions))
            | "KeyByStory" >> beam.Map(lambda a: (a.story_id or a.id, a))
        )
        if self.streaming:
            return keyed | "Novelty" >> beam.ParDo(RaiseAlertsFn(self.tracked, self.horizon_s))
        tracked = self.tracked
        return (
            keyed
            | "GroupByStory" >> beam.GroupByKey()
            | "NoveltyPerStory" >> beam.FlatMap(lambda kv: alerts_for(kv[1], tracked))
        )
