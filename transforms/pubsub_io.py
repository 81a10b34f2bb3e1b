"""Alerts on Pub/Sub: message encoding, attributes, filtering and de-duplication.

The pipeline publishes one JSON message per alert (``PublishAlerts``); people and
programs read them with ``crosswire subscribe`` (``pipeline/pubsub_cli.py``).

Delivery is at least once at both ends: Pub/Sub redelivers unacknowledged
messages, and a retried Beam bundle publishes its alerts again (the Python
DirectRunner has no ``id_label`` on writes). Subscribers therefore de-duplicate,
with ``version_key``: the ``alert_id`` and, for an update, the languages it
reached. A redelivery, or the same alert raised again after a restart (perhaps
with other links or evidence, once the first article has left the feed), has the
same key and is dropped; an update that brings a new language is printed.
``dedupe_key`` (the hash of the canonical JSON) remains for exact-content checks.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Attributes let subscribers filter without decoding the payload.
ATTRIBUTE_KEYS = ("alert_id", "kind", "actor", "target", "action", "story_id", "basis")
MAX_ATTRIBUTE_VALUE_BYTES = 1024  # Pub/Sub's limit on one attribute value
HEADLINE_CHARS = 160

Alert = Mapping[str, Any]


# --- pure functions ---------------------------------------------------------


def _code(value: Any) -> str:
    """``{"code": "MEX", ...}`` -> ``"MEX"``; a plain string stays as it is."""
    if isinstance(value, Mapping):
        return str(value.get("code") or "")
    return "" if value is None else str(value)


def _truncate_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def alert_attributes(alert: Alert) -> dict[str, str]:
    """Pub/Sub attributes for an alert: ids and codes, never free text.

    Empty values are left out; values are cut to Pub/Sub's 1,024-byte limit.
    """
    action = alert.get("action")
    values = {
        "alert_id": alert.get("alert_id"),
        "kind": alert.get("kind"),
        "actor": _code(alert.get("actor")),
        "target": _code(alert.get("target")),
        "action": action.get("type") if isinstance(action, Mapping) else action,
        "story_id": alert.get("story_id"),
        "basis": alert.get("basis"),  # single_source | corroborated
    }
    return {
        key: _truncate_utf8(str(value), MAX_ATTRIBUTE_VALUE_BYTES)
        for key, value in values.items()
        if value not in (None, "")
    }


def encode_alert(alert: Alert) -> bytes:
    """Canonical JSON (sorted keys, no spaces, UTF-8): equal alerts, equal bytes."""
    return json.dumps(alert, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_alert(data: bytes) -> dict[str, Any]:
    """The alert dict back from a message body; ValueError if it is not one."""
    alert = json.loads(data.decode("utf-8"))
    if not isinstance(alert, dict) or "alert_id" not in alert:
        raise ValueError("not an alert: a JSON object with alert_id expected")
    return alert


def dedupe_key(alert: Alert) -> str:
    """The key subscribers de-duplicate on: a hash of the canonical JSON.

    Re-encoding (rather than hashing the received bytes) makes the key
    independent of key order and whitespace of whoever published.
    """
    return hashlib.sha256(encode_alert(alert)).hexdigest()[:32]


def version_key(alert: Alert) -> str:
    """The key subscribers de-duplicate on: ``alert_id``, plus the languages for an update.

    Exactly one alert per ``alert_id``: the content may differ between two publications
    of it (links, evidence, headline after a restart), the alert does not.
    """
    kind = str(alert.get("kind") or "alert")
    if kind == "alert":
        return f"{alert.get('alert_id')}|alert"
    languages = ",".join(sorted(str(lang) for lang in alert.get("languages") or ()))
    return f"{alert.get('alert_id')}|{kind}|{languages}"


def _party(value: Any) -> str:
    if isinstance(value, Mapping):
        code, name = value.get("code") or "?", value.get("name")
        return f"{name} ({code})" if name and name != code else str(code)
    return str(value or "?")


def _one_line(text: Any) -> str:
    return " ".join(str(text or "").split())


def format_alert_line(alert: Alert) -> str:
    """One readable line: time, kind, actor -> target, action, languages, headline.

    The time is when the alert was first seen, or for an update when it was updated.

    ``2026-10-02T22:41:00Z ALERT  Mexico (MEX) → Ecuador (ECU)  break_relations  [en,es]  Mexico breaks...``
    """
    action = alert.get("action")
    action_type = action.get("type") if isinstance(action, Mapping) else action
    languages = ",".join(str(lang) for lang in alert.get("languages") or ()) or "-"
    headline = _one_line(alert.get("headline"))
    if len(headline) > HEADLINE_CHARS:
        headline = headline[: HEADLINE_CHARS - 1] + "…"
    kind = str(alert.get("kind") or "alert").upper()
    return (
        f"{alert.get('updated') or alert.get('first_seen') or '-'} {kind:<6} "
        f"{_party(alert.get('actor'))} → {_party(alert.get('target'))}  "
        f"{action_type or '?'}  [{languages}]  {headline}"
    ).rstrip()


def party_key(code: str) -> str:
    """What a country filter compares: ``MEX``, ``mex`` -> ``MEX``; ``org:EU``, ``EU`` -> ``EU``."""
    code = code.strip()
    if code[:4].lower() == "org:":
        code = code[4:]
    return code.upper()


@dataclass(frozen=True)
class AlertFilter:
    """Which alerts a subscriber wants; an empty criterion accepts everything.

    ``countries``: ISO alpha-3 codes or organisation ids (``UNO`` or ``org:UNO``) matched against actor or target.
    ``actions``: action types (``persona_non_grata``), CAMEO or PLOVER codes.
    ``bases``: ``single_source`` and/or ``corroborated`` (the alert's ``basis``).
    """

    countries: frozenset[str] = frozenset()
    actions: frozenset[str] = frozenset()
    bases: frozenset[str] = frozenset()

    @classmethod
    def of(cls, countries: Iterable[str] = (), actions: Iterable[str] = (), bases: Iterable[str] = ()) -> AlertFilter:
        return cls(
            frozenset(party_key(c) for c in countries if c.strip()),
            frozenset(a.strip().lower() for a in actions if a.strip()),
            frozenset(b.strip().lower() for b in bases if b.strip()),
        )

    def __call__(self, alert: Alert) -> bool:
        if self.bases and str(alert.get("basis") or "").lower() not in self.bases:
            return False
        if self.countries:
            parties = {party_key(_code(alert.get("actor"))), party_key(_code(alert.get("target")))}
            if not parties & self.countries:
                return False
        if self.actions:
            action = alert.get("action")
            if isinstance(action, Mapping):
                names = {str(action.get(k) or "").lower() for k in ("type", "cameo", "plover")}
            else:
                names = {str(action or "").lower()}
            if not names & self.actions:
                return False
        return True


@dataclass
class SeenIds:
    """Remembers recent keys with bounded memory: the ``max_items`` most recently
    seen, each for ``ttl_s`` after it was last seen (``None``: no expiry).

    Pub/Sub redelivers within minutes, so a bounded window is enough; an
    unbounded set would grow for the life of a long-running subscriber.
    """

    max_items: int = 100_000
    ttl_s: float | None = 24 * 3600.0
    clock: Callable[[], float] = time.monotonic
    _seen: OrderedDict[str, float] = field(default_factory=OrderedDict, repr=False)

    def __post_init__(self) -> None:
        if self.max_items < 1:
            raise ValueError("max_items must be at least 1")

    def __len__(self) -> int:
        return len(self._seen)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str) or key not in self._seen:
            return False
        return not self._expired(self._seen[key], self.clock())

    def _expired(self, stamp: float, now: float) -> bool:
        return self.ttl_s is not None and now - stamp > self.ttl_s

    def check_and_add(self, key: str) -> bool:
        """True if ``key`` was already seen (and still remembered); records it either way."""
        now = self.clock()
        self._evict_expired(now)
        stamp = self._seen.pop(key, None)
        seen = stamp is not None and not self._expired(stamp, now)
        self._seen[key] = now  # most recently seen goes last: LRU order = time order
        while len(self._seen) > self.max_items:
            self._seen.popitem(last=False)
        return seen

    def _evict_expired(self, now: float) -> None:
        # Insertion order is first-seen order, so expired keys sit at the front.
        while self._seen and self._expired(next(iter(self._seen.values())), now):
            self._seen.popitem(last=False)
