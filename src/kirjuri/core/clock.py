"""The one source of "now", so tests can move time and nothing reads the wall clock directly.

Invariant: timestamps are timezone-aware UTC; a `version` taken from `now()` changes on every
write because consecutive calls never return the same microsecond twice in one process.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

_lock = threading.Lock()
_last = datetime.min.replace(tzinfo=UTC)
_offset = timedelta(0)


def now() -> datetime:
    """Current UTC time, strictly increasing within the process (microsecond resolution)."""
    global _last
    with _lock:
        current = datetime.now(UTC) + _offset
        if current <= _last:
            current = _last + timedelta(microseconds=1)
        _last = current
        return current


def travel(delta: timedelta) -> None:
    """Move the clock (tests only): later `now()` calls are shifted by `delta` in total."""
    global _offset
    with _lock:
        _offset += delta


def reset() -> None:
    """Back to the wall clock (tests only). The strictly-increasing guard restarts too: without
    that, after a `travel()` forward every later `now()` would stay pinned to the travelled time."""
    global _offset, _last
    with _lock:
        _offset = timedelta(0)
        _last = datetime.min.replace(tzinfo=UTC)
