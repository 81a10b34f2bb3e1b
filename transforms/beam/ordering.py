"""Process each key's elements in event-time order, whatever the bundle order.

Grouping and alerting are order-sensitive ("the first article starts the story", "the first
mention raises the alert, later ones are updates"). Runners deliver elements in any order, so
a stateful DoFn buffers them and, when the watermark passes, hands them to a pure handler
sorted by a deterministic key. Same input, same output, on every runner.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar

import apache_beam as beam
from apache_beam.coders import PickleCoder
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import BagStateSpec, ReadModifyWriteStateSpec, TimerSpec, on_timer
from apache_beam.utils.timestamp import Timestamp

S = TypeVar("S")


def split_due(buffer: Any, now: Any, key: Any) -> tuple[list[Any], list[Any]]:
    """The buffered ``(time, ...)`` items due at ``now``, sorted by ``key``, and the later ones,
    which stay in the buffer."""
    pending = list(buffer.read())
    due = sorted((item for item in pending if item[0] <= now), key=key)
    later = [item for item in pending if item[0] > now]
    buffer.clear()
    for item in later:
        buffer.add(item)
    return due, later


class EventTimeOrderedFn(beam.DoFn, Generic[S]):
    """Buffer ``(key, element)``s; on each watermark timer, handle the due ones in order.

    Subclasses give ``new_state()``, ``sort_key(element)`` and ``handle(state, element)``,
    a pure step that updates the per-key state and yields outputs; ``idle_expiry_s`` drops a
    key's state once it has seen nothing for that long in event time (bounded state).

    State and timer names carry an ``ordered_`` prefix: on the FnApiRunner, two stateful DoFns
    fused into one stage that share a timer name corrupt each other's timers.
    """

    BUFFER = BagStateSpec("ordered_buffer", PickleCoder())
    STATE = ReadModifyWriteStateSpec("ordered_state", PickleCoder())
    NEXT_DUE = ReadModifyWriteStateSpec("ordered_next_due", PickleCoder())
    LAST_SEEN = ReadModifyWriteStateSpec("ordered_last_seen", PickleCoder())
    FLUSH = TimerSpec("ordered_flush", TimeDomain.WATERMARK)
    EXPIRE = TimerSpec("ordered_expire", TimeDomain.WATERMARK)

    idle_expiry_s: float | None = None

    def new_state(self) -> S:
        raise NotImplementedError

    def sort_key(self, element: Any) -> Any:
        raise NotImplementedError

    def handle(self, state: S, element: Any) -> Iterable[Any]:
        raise NotImplementedError

    def process(
        self,
        keyed: tuple[Any, Any],
        timestamp: Any = beam.DoFn.TimestampParam,
        buffer: Any = beam.DoFn.StateParam(BUFFER),
        next_due: Any = beam.DoFn.StateParam(NEXT_DUE),
        flush: Any = beam.DoFn.TimerParam(FLUSH),
    ) -> Iterator[Any]:
        buffer.add((float(timestamp), keyed[1]))
        due = next_due.read()
        if due is None or float(timestamp) < due:
            next_due.write(float(timestamp))
            flush.set(Timestamp.of(float(timestamp)))
        return iter(())

    @on_timer(FLUSH)
    def on_flush(
        self,
        fire_timestamp: Any = beam.DoFn.TimestampParam,
        buffer: Any = beam.DoFn.StateParam(BUFFER),
        state_cell: Any = beam.DoFn.StateParam(STATE),
        next_due: Any = beam.DoFn.StateParam(NEXT_DUE),
        last_seen: Any = beam.DoFn.StateParam(LAST_SEEN),
        flush: Any = beam.DoFn.TimerParam(FLUSH),
        expire: Any = beam.DoFn.TimerParam(EXPIRE),
    ) -> Iterator[Any]:
        now = float(fire_timestamp)
        due, later = split_due(buffer, now, lambda item: self.sort_key(item[1]))
        if later:
            earliest = min(ts for ts, _ in later)
            next_due.write(earliest)
            flush.set(Timestamp.of(earliest))
        else:
            next_due.clear()
        state = state_cell.read()
        if state is None:
            state = self.new_state()
        for _, element in due:
            yield from self.handle(state, element)
        state_cell.write(state)
        if self.idle_expiry_s is not None and due:
            seen = max(now, last_seen.read() or now)
            last_seen.write(seen)
            expire.set(Timestamp.of(seen + self.idle_expiry_s))

    @on_timer(EXPIRE)
    def on_expire(
        self,
        state_cell: Any = beam.DoFn.StateParam(STATE),
        last_seen: Any = beam.DoFn.StateParam(LAST_SEEN),
        next_due: Any = beam.DoFn.StateParam(NEXT_DUE),
    ) -> Iterator[Any]:
        if next_due.read() is None:  # nothing waiting: the key has gone quiet for the whole horizon
            state_cell.clear()
            last_seen.clear()
        return iter(())
