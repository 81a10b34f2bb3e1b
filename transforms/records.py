"""The records that flow between stages: plain, frozen, picklable data.

Data flows one way: feed item -> Article -> entities -> story -> actions -> Alert.
Each stage returns a new record (``dataclasses.replace``); nothing is mutated.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Entity:
    """One entity mention with a language-independent id.

    ``id`` is canonical across languages: an ISO 3166 alpha-3 code for a country
    (``MEX``), an organisation or non-state group id (``org:UNO``, ``org:EU``,
    ``org:HOUTHIS``: never mistaken for a country code), ``person:<key>`` for a person
    (case-folded, accents stripped), ``name:<key>`` for another proper name.
    ``start``/``end`` are character offsets into ``article_text(article)``.
    ``country`` is the state the mention stands for, when known: the country itself,
    a capital or seat of government used as a metonym, a watchlisted person's state.
    """

    id: str
    kind: str  # "country" | "org" | "person" | "name"
    text: str
    start: int
    end: int
    country: str | None = None
    role: str | None = None  # watchlist role: head_of_state, head_of_government, foreign_minister...
    via: str | None = None  # how it matched: name, demonym, capital, watchlist, ...
    # How much the evidence supports the mention: 1.0, or less (entities.WEAK_WEIGHT) for a
    # capitalised run nothing supports (no title, given name, watchlist, repetition).
    weight: float = 1.0


@dataclass(frozen=True)
class Action:
    """A diplomatic action an article reports as having happened.

    ``confidence`` (0..1) and ``reasons`` name the evidence behind it (transforms.actions.confidence):
    the alert stage raises a lone mention only when it is confident.
    """

    type: str
    actor: str
    target: str
    cameo: str
    plover: str
    sentence: str
    confidence: float = 1.0
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """One distinct news item, enriched stage by stage."""

    id: str
    link: str
    guid: str
    feed: str
    title: str
    summary: str
    body: str
    published: str  # ISO 8601 UTC, "2026-10-02T22:41:00Z"
    published_ts: float  # seconds since the epoch, the event time
    published_source: str = "entry"  # entry | updated | feed | fetched
    lang: str = "und"
    lang_confidence: float = 0.0
    entities: tuple[Entity, ...] = ()
    story_id: str | None = None
    actions: tuple[Action, ...] = ()
    source: str = ""  # the input file or URL the item came from
    declared_lang: str = ""  # what the feed says (<language>, xml:lang), two letters; a prior for short texts

    def to_json(self) -> dict[str, Any]:
        return {name: _plain(value) for name, value in self.json_fields().items()}

    def json_fields(self) -> dict[str, Any]:
        """``to_json`` with its entities and actions left as records (``sinks.to_json_line``)."""
        row = fields_of(self)
        row["story_id"] = self.story_id or self.id
        return row


@dataclass(frozen=True)
class DeadLetter:
    """An input that could not become an article, and why."""

    source: str
    stage: str
    reason: str
    excerpt: str = ""

    MAX_EXCERPT = 300

    @classmethod
    def of(cls, source: str, stage: str, reason: str, excerpt: str | bytes = "") -> DeadLetter:
        if isinstance(excerpt, bytes):
            excerpt = excerpt[: cls.MAX_EXCERPT * 4].decode("utf-8", "replace")
        return cls(source, stage, reason, excerpt[: cls.MAX_EXCERPT])

    def to_json(self) -> dict[str, Any]:
        return as_dict(self)

    def json_fields(self) -> dict[str, Any]:
        return fields_of(self)


def as_dict(record: Any) -> dict[str, Any]:
    """``dataclasses.asdict`` for these records, without its deep copies: every output line
    goes through it, and the copies (of strings, numbers and tuples: immutable) cost the
    replay's writing process more than the JSON encoding itself."""
    return {name: _plain(value) for name, value in fields_of(record).items()}


def fields_of(record: Any) -> dict[str, Any]:
    """A record's fields as a dict, nested records left as they are (one level of ``as_dict``)."""
    names = _FIELDS.get(type(record))
    if names is None:
        names = _FIELDS[type(record)] = tuple(f.name for f in dataclasses.fields(record))
    return {name: getattr(record, name) for name in names}


_FIELDS: dict[type, tuple[str, ...]] = {}


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _SCALARS:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return as_dict(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple, as asdict does
        return type(value)(*(_plain(v) for v in value))
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def article_text(article: Article) -> str:
    """The text that language detection, entities and actions read: title, summary, body."""
    return "\n".join(part for part in (article.title, article.summary, article.body) if part)


def event_order(article: Article) -> tuple[float, str]:
    """The order every order-sensitive stage takes articles in: published time, then id."""
    return (article.published_ts, article.id)


def stable_id(*parts: str, length: int = 16) -> str:
    """A short deterministic id from strings (same input, same id, on every run and worker)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


@dataclass(frozen=True)
class Story:
    """A group of articles, in any language, about one real-world episode."""

    id: str
    first_seen: str
    last_seen: str
    languages: tuple[str, ...]
    article_count: int
    headline: str
    shared_entities: tuple[str, ...] = field(default_factory=tuple)
    article_ids: tuple[str, ...] = field(default_factory=tuple)
    shared_terms: tuple[str, ...] = field(default_factory=tuple)  # same-language content terms, "<lang>:<stem>"

    def to_json(self) -> dict[str, Any]:
        return as_dict(self)

    def json_fields(self) -> dict[str, Any]:
        return fields_of(self)
