"""Built once per process: language detectors, entity matchers and action lexicons.

Building the matchers takes seconds (spaCy's language data, thousands of phrases). Beam
may create a DoFn instance per thread and, on the DirectRunner in streaming, call
``setup()`` again for every bundle; a process-wide cache keyed by the configuration makes
every instance and bundle share one built object. A replay's worker processes are forked
after the parent has warmed the cache, so they inherit the built objects too.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_BUILT: dict[tuple[str, str], Any] = {}
# Re-entrant: a build may ask for another built object (the action detector for its compiled
# languages), and must find it, or build it, from the same thread.
_LOCK = threading.RLock()


def config_key(config: Any) -> str:
    """A stable digest of a configuration (plain data), computed once when a transform is built."""
    return hashlib.sha1(pickle.dumps(config, protocol=4)).hexdigest()


def built_once(kind: str, key: str, build: Callable[[], T]) -> T:
    """The object of ``kind`` built for the configuration ``key``, building it on first use."""
    cached = _BUILT.get((kind, key))
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    with _LOCK:  # two threads setting up at once must not both spend seconds building
        cached = _BUILT.get((kind, key))
        if cached is None:
            cached = _BUILT[(kind, key)] = build()
    return cached  # type: ignore[no-any-return]


def clear() -> None:
    """Forget every built object (tests that change a configuration in place)."""
    with _LOCK:
        _BUILT.clear()
