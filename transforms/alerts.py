"""Alerts: one per (story, actor, action, target) the first time it is trustworthy; updates after.

An action is alerted when its detector confidence is high (``single_source``), or when a second
outlet or a second language reports the same (actor, type, target) in the same story
(``corroborated``); the alert names its basis, outlets and languages. A lone low-confidence
mention raises nothing and does not count as "already alerted".

The ``alert_id`` is a hash of (actor, action, target) and the renotify period of the report
(``alert_episode``), not of the story: a replay, a restart (even once the story's first
article has left the feed) or a Pub/Sub redelivery gives the same id, and a subscriber
drops what it has already seen. When coverage of an
alerted action reaches a new language, an ``update`` with the same ``alert_id`` follows.
Another story that reports an action already alerted within the last two weeks (a match
report recalling last week's rupture) raises nothing: it recalls the action, it is not new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from transforms.records import Action, Article, event_order, stable_id

# Within this window after an action was last reported, another story reporting the same
# (actor, type, target) is taken to recall it, not to announce a new one.
DEFAULT_RENOTIFY_S = 14 * 24 * 3600
# A lone report needs this detector confidence (transforms.actions.confidence) to alert.
DEFAULT_MIN_CONFIDENCE = 0.7
SINGLE_SOURCE = "single_source"
CORROBORATED = "corroborated"
BASES = (SINGLE_SOURCE, CORROBORATED)


def alert_id(episode: str, actor: str, action_type: str, target: str) -> str:
    return stable_id("alert", episode, actor, action_type, target)


def alert_episode(ts: float, renotify_s: float) -> str:
    """The period of the renotify window an action was reported in: part of its alert id.

    Not the story id: a story's id comes from its first article, which a restarted run
    may never see again (it rolled off the feed), and the id must not change then. Two
    alerts for one (actor, type, target) are at least ``renotify_s`` apart, so they fall
    in different periods.
    """
    period = max(renotify_s, 86400.0)
    return f"p{int(ts // period)}"


def is_tracked(action: Action, tracked: frozenset[str] | None) -> bool:
    """``None`` tracks every country; otherwise the actor or the target must be listed."""
    return tracked is None or action.actor in tracked or action.target in tracked


def party(code: str) -> dict[str, str]:
    """Code and display name; organisations (``org:EU``) keep their id and get their name."""
    from transforms.entities import country_name

    name = country_name(code)
    return {"code": code, "name": country_name(code.removeprefix("org:")) if name == code else name}


def outlet(article: Article) -> str:
    """Who published the article: the link's host, else the feed's title."""
    host = urlsplit(article.link or "").hostname or ""
    return host.removeprefix("www.") or article.feed or article.source


@dataclass
class _Sources:
    """Outlets, languages and links that reported one action in one story."""

    outlets: set[str] = field(default_factory=set)
    languages: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)

    def add(self, article: Article) -> None:
        self.outlets.add(outlet(article))
        if article.lang and article.lang != "und":
            self.languages.add(article.lang)
        if article.link not in self.links:
            self.links.append(article.link)

    @property
    def basis(self) -> str:
        return CORROBORATED if len(self.outlets) >= 2 or len(self.languages) >= 2 else SINGLE_SOURCE


@dataclass
class _Raised:
    payload: dict[str, Any]
    languages: set[str] = field(default_factory=set)


@dataclass
class ActionAlerts:
    """What has been alerted for one (actor, type, target); the pure state behind the DoFn.

    Keyed by the action rather than by the story, so that a story which only recalls an
    action alerted days before (a match report mentioning last week's rupture, a split-off
    follow-up) does not raise it again: one real-world action, one alert.
    """

    by_story: dict[str, _Raised] = field(default_factory=dict)
    sources: dict[str, _Sources] = field(default_factory=dict)
    last_seen_ts: float | None = None  # last report of the action once it has been alerted


def _copy_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """A copy the caller may change without changing the state. One level down is deep enough:
    the payload's lists and dicts hold only strings and numbers (``copy.deepcopy`` did the same
    at several times the cost, in the replay's one sequential process)."""
    return {key: value.copy() if isinstance(value, dict | list) else value for key, value in payload.items()}


def observe(
    state: ActionAlerts,
    article: Article,
    action: Action,
    renotify_s: float = DEFAULT_RENOTIFY_S,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> dict[str, Any] | None:
    """Feed one (article, action) in event-time order; return the alert or update it causes."""
    story_id = article.story_id or article.id
    sources = state.sources.setdefault(story_id, _Sources())
    before = sources.basis
    sources.add(article)
    known = state.by_story.get(story_id)
    if known is None and action.confidence < min_confidence and sources.basis != CORROBORATED:
        return None  # a lone, uncertain mention: wait for a second outlet or language
    recently_alerted = state.last_seen_ts is not None and article.published_ts - state.last_seen_ts < renotify_s
    state.last_seen_ts = max(state.last_seen_ts or article.published_ts, article.published_ts)
    if known is None:
        if recently_alerted:
            return None  # the same action, alerted in another story within the window
        aid = alert_id(alert_episode(article.published_ts, renotify_s), action.actor, action.type, action.target)
        payload = {
            "alert_id": aid,
            "kind": "alert",
            "action": {"type": action.type, "cameo": action.cameo, "plover": action.plover},
            "actor": party(action.actor),
            "target": party(action.target),
            "story_id": story_id,
            "headline": article.title,
            "languages": sorted(sources.languages) or [article.lang],
            "article_links": list(sources.links),
            "first_seen": article.published,
            "basis": sources.basis,
            "outlets": sorted(sources.outlets),
            "confidence": action.confidence,
            "reasons": list(action.reasons),
            "evidence": {"sentence": action.sentence, "lang": article.lang, "link": article.link},
        }
        state.by_story[story_id] = _Raised(payload, set(sources.languages) or {article.lang})
        return _copy_payload(payload)
    if article.link not in known.payload["article_links"]:
        known.payload["article_links"].append(article.link)
    known.payload["outlets"] = sorted(sources.outlets)
    known.payload["basis"] = sources.basis
    new_language = article.lang not in known.languages and article.lang != "und"
    newly_corroborated = before != CORROBORATED and sources.basis == CORROBORATED
    if not (new_language or newly_corroborated):
        return None
    if new_language:
        known.languages.add(article.lang)
    known.payload["languages"] = sorted(known.languages)
    update = _copy_payload(known.payload)
    update["kind"] = "update"
    update["updated"] = article.published
    update["evidence"] = {"sentence": action.sentence, "lang": article.lang, "link": article.link}
    return update


ActionKey = tuple[str, str, str]


def tracked_actions(article: Article, tracked: frozenset[str] | None) -> Iterator[tuple[ActionKey, Article, Action]]:
    """(actor, type, target) key, article and action, for each tracked action of an article."""
    for action in article.actions:
        if is_tracked(action, tracked):
            yield (action.actor, action.type, action.target), article, action


def alerts_in_order(
    items: Iterable[tuple[Article, Action]], renotify_s: float, min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> Iterator[dict[str, Any]]:
    """The alerts and updates of one action key, its (article, action)s taken in event-time order."""
    state = ActionAlerts()
    for article, action in sorted(items, key=lambda item: event_order(item[0])):
        payload = observe(state, article, action, renotify_s, min_confidence)
        if payload is not None:
            yield payload


def alerts_for(
    articles: Iterable[Article],
    tracked: frozenset[str] | None = None,
    renotify_s: float = DEFAULT_RENOTIFY_S,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> list[dict[str, Any]]:
    """All alerts and updates for articles with story ids (the pure, whole-batch form)."""
    by_key: dict[ActionKey, list[tuple[Article, Action]]] = defaultdict(list)
    for article in articles:
        for key, _, action in tracked_actions(article, tracked):
            by_key[key].append((article, action))
    return [payload for key in sorted(by_key) for payload in alerts_in_order(by_key[key], renotify_s, min_confidence)]
