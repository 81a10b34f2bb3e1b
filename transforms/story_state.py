"""The streaming grouper's state: a live copy in the worker, only deltas in Beam state.

Before, every timer firing read, unpickled, pickled and wrote the whole ``GrouperState``
(stories, index, document frequencies): ~5-6 MB per firing at ~2,400 live stories, growing
linearly with volume. Now each key keeps:

- a **live copy** in a process-wide cache (``LIVE``), keyed by (lineage token, key, window);
- in Beam state, a small **mark** (``StateMark``: token, firings applied, sizes) written at every
  firing, a **journal** (a bag) to which each firing appends only what it changed: the articles it
  assigned, in the order it assigned them (the grouper is a pure function of that sequence), and
  a **snapshot** (the pickled state and the firing it stands for).

A firing whose cached copy carries the mark's sequence number reads nothing else and writes its
journal entry and the mark: bytes in proportion to the firing's articles, whatever the number
of live stories. On a miss (a restart, the key moved to another worker, the cache evicted it) or
a sequence mismatch, the state is rebuilt: the snapshot, then the journal entries after it,
replayed through the same ``apply_article`` the firing uses, so the rebuilt state equals the
lost one. The journal is folded into a new snapshot once it outweighs a quarter of the last
snapshot (``COMPACT_RATIO``; at least ``MIN_JOURNAL_BYTES``): the bytes written per firing then
average at most (1 + 1/0.25) = 5 times its journal entry, whatever the volume, and a rebuild
replays at most a quarter of a snapshot's worth of articles.

What stays on one key: grouping is one sequential decision per article against every active
story, so ``GroupStories`` still keys all articles alike; the state no longer limits it (bytes
and time per firing are flat in ``bench/bench_stream_state.py``), the CPU of one worker does.
"""

from __future__ import annotations

import pickle
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from transforms.records import Article, Story

if TYPE_CHECKING:  # stories.py imports this module
    from transforms.stories import GrouperState, Prepared, StoryGrouper

MIN_JOURNAL_BYTES = 256_000  # never snapshot before the journal holds this much
COMPACT_RATIO = 0.25  # snapshot once the journal outweighs this share of the last snapshot
LIVE_ENTRIES = 256  # keys (of all pipelines in the process) whose live state is kept
PICKLE_PROTOCOL = 5


@dataclass(frozen=True)
class StateMark:
    """Written at every firing; small. ``token`` names one lineage of a key's state (new when the
    state starts empty), so a cached copy of another pipeline or run is never taken for it."""

    token: str
    seq: int = 0  # firings applied
    snapshot_seq: int = 0  # firings folded into the snapshot
    journal_bytes: int = 0  # bytes appended to the journal since the snapshot
    snapshot_bytes: int = 0


@dataclass(frozen=True)
class Persist:
    """What one firing writes: always the mark, then a journal entry or (compaction) a snapshot."""

    mark: StateMark
    journal_entry: bytes | None
    snapshot: bytes | None


class LiveStates:
    """Process-wide, bounded (least recently used out) cache of live grouper states."""

    def __init__(self, max_entries: int = LIVE_ENTRIES) -> None:
        self.max_entries = max_entries
        self._states: OrderedDict[tuple[str, Any, Any], tuple[int, GrouperState]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0  # statistics

    def take(self, mark: StateMark, key: Any, window: Any) -> GrouperState | None:
        """The live state if it is exactly the one ``mark`` describes, else None.

        The entry leaves the cache until ``put`` brings it back after the firing: a firing that
        fails half-way (its Beam state not committed) must not leave a half-changed state behind.
        """
        with self._lock:
            found = self._states.pop((mark.token, key, window), None)
            if found is None or found[0] != mark.seq:
                self.misses += 1
                return None
            self.hits += 1
            return found[1]

    def put(self, mark: StateMark, key: Any, window: Any, state: GrouperState) -> None:
        with self._lock:
            self._states[(mark.token, key, window)] = (mark.seq, state)
            self._states.move_to_end((mark.token, key, window))
            while len(self._states) > self.max_entries:
                self._states.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._states.clear()


LIVE = LiveStates()


def new_mark() -> StateMark:
    return StateMark(token=uuid.uuid4().hex)


def apply_article(grouper: StoryGrouper, article: Article, prepared: Prepared | None = None) -> tuple[list[Story], str]:
    """One article, as a firing and a rebuild both apply it: close what the horizon ends, assign
    (with ``prepared`` when a worker computed it; a rebuild computes it again, the same)."""
    closed = grouper.expire(article.published_ts)
    return closed, grouper.assign(article, prepared)


def rebuild(grouper: StoryGrouper, mark: StateMark, snapshot: bytes | None, journal: Iterable[bytes]) -> GrouperState:
    """The state ``mark`` describes, from the snapshot and the journal entries after it.

    Sets and returns ``grouper.state``. Entries are ordered by their firing number (a bag has no
    order); entries up to the snapshot's, or past the mark's, are skipped.
    """
    base_seq, state = pickle.loads(snapshot) if snapshot is not None else (0, grouper.new_state())
    grouper.state = state
    entries = sorted((pickle.loads(data) for data in journal), key=lambda entry: entry[0])
    for seq, articles in entries:
        if base_seq < seq <= mark.seq:
            for article in articles:
                apply_article(grouper, article)
    return grouper.state


def persist(mark: StateMark, state: GrouperState, articles: tuple[Article, ...]) -> Persist:
    """What a firing that applied ``articles`` (in that order) to ``state`` writes.

    A journal entry of those articles; or, once the journal would outweigh the last snapshot
    (``COMPACT_RATIO``, at least ``MIN_JOURNAL_BYTES``), a new snapshot that replaces it.
    """
    seq = mark.seq + 1
    entry = pickle.dumps((seq, articles), protocol=PICKLE_PROTOCOL)
    journal_bytes = mark.journal_bytes + len(entry)
    if journal_bytes <= max(MIN_JOURNAL_BYTES, COMPACT_RATIO * mark.snapshot_bytes):
        return Persist(StateMark(mark.token, seq, mark.snapshot_seq, journal_bytes, mark.snapshot_bytes), entry, None)
    snapshot = pickle.dumps((seq, state), protocol=PICKLE_PROTOCOL)
    return Persist(StateMark(mark.token, seq, seq, 0, len(snapshot)), None, snapshot)


def written_bytes(result: Persist) -> int:
    """Bytes a firing writes to Beam state (the mark pickled, plus the entry or the snapshot)."""
    mark = len(pickle.dumps(result.mark, protocol=PICKLE_PROTOCOL))
    return mark + len(result.journal_entry or b"") + len(result.snapshot or b"")


def replay_firings(grouper: StoryGrouper, firings: Iterable[tuple[Article, ...]]) -> Iterator[Persist]:
    """Apply firings to ``grouper.state`` as the DoFn does and yield what each writes (tests, bench)."""
    mark = new_mark()
    for articles in firings:
        for article in articles:
            apply_article(grouper, article)
        result = persist(mark, grouper.state, articles)
        mark = result.mark
        yield result
