"""Beam wrappers of ``transforms.alerts``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.alerts import (
    DEFAULT_MIN_CONFIDENCE,
    DEFAULT_RENOTIFY_S,
    ActionAlerts,
    alerts_in_order,
    observe,
    tracked_actions,
)
from transforms.beam.ordering import EventTimeOrderedFn
from transforms.records import Action, Article, event_order


class RaiseAlertsFn(EventTimeOrderedFn[ActionAlerts]):
    """Per action key: (article, action)s in event-time order -> alerts and updates."""

    def __init__(self, renotify_s: float, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> None:
        self.renotify_s = renotify_s
        self.min_confidence = min_confidence
        self.idle_expiry_s = renotify_s  # after the window the state can only say "alert again"
        self.alerts = Metrics.counter("crosswire", "alerts")
        self.updates = Metrics.counter("crosswire", "alert_updates")

    def new_state(self) -> ActionAlerts:
        return ActionAlerts()

    def sort_key(self, item: tuple[Article, Action]) -> tuple[float, str]:
        return event_order(item[0])

    def handle(self, state: ActionAlerts, item: tuple[Article, Action]) -> Iterator[dict[str, Any]]:
        payload = observe(state, item[0], item[1], self.renotify_s, self.min_confidence)
        if payload is not None:
            (self.alerts if payload["kind"] == "alert" else self.updates).inc()
            yield payload


class RaiseAlerts(beam.PTransform):
    """Articles with story ids and actions -> alert and update payloads (dicts).

    Unbounded input: a stateful DoFn per action key that handles articles in event-time order
    as the watermark passes. Bounded input (a replay): one GroupByKey per action key and the
    same pure ``observe`` over the sorted articles, which needs no timers.
    """

    def __init__(
        self,
        tracked: frozenset[str] | None = None,
        renotify_s: float = DEFAULT_RENOTIFY_S,
        streaming: bool = True,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    ) -> None:
        super().__init__()
        self.tracked, self.renotify_s, self.streaming = tracked, renotify_s, streaming
        self.min_confidence = min_confidence

    def expand(self, articles: beam.PCollection) -> beam.PCollection:
        tracked, renotify_s, min_confidence = self.tracked, self.renotify_s, self.min_confidence
        keyed = articles | "KeyByAction" >> beam.FlatMap(
            lambda a: (("|".join(key), (article, action)) for key, article, action in tracked_actions(a, tracked))
        ).with_output_types(tuple[str, tuple[Article, Action]])
        if self.streaming:
            return keyed | "Novelty" >> beam.ParDo(RaiseAlertsFn(renotify_s, min_confidence))
        return (
            keyed
            | "GroupByAction" >> beam.GroupByKey()
            | "NoveltyPerAction" >> beam.FlatMap(lambda kv: alerts_in_order(kv[1], renotify_s, min_confidence))
        )
