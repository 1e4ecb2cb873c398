"""core.clock: aware UTC, strictly increasing, movable in tests."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from kirjuri.core import clock


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    yield
    clock.reset()


def test_now_is_aware_utc_and_close_to_the_wall_clock() -> None:
    now = clock.now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


def test_now_is_strictly_increasing() -> None:
    stamps = [clock.now() for _ in range(10_000)]
    assert all(a < b for a, b in itertools.pairwise(stamps))
    assert len(set(stamps)) == len(stamps)


def test_now_is_strictly_increasing_across_threads() -> None:
    stamps: list[datetime] = []
    lock = threading.Lock()

    def work() -> None:
        mine = [clock.now() for _ in range(2000)]
        with lock:
            stamps.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(stamps)) == len(stamps) == 8000


def test_travel_moves_time_and_reset_brings_it_back() -> None:
    before = clock.now()
    clock.travel(timedelta(hours=25))
    moved = clock.now()
    assert moved - before >= timedelta(hours=25)
    clock.travel(timedelta(days=1))
    assert clock.now() - before >= timedelta(hours=49)
    clock.reset()
    back = clock.now()
    # After a reset the clock is the wall clock again, not pinned to the travelled time.
    assert abs(back - datetime.now(UTC)) < timedelta(seconds=5)
    later = [clock.now() for _ in range(100)]
    assert all(a < b for a, b in itertools.pairwise([back, *later]))


def test_travel_backwards_keeps_now_increasing() -> None:
    before = clock.now()
    clock.travel(timedelta(hours=-1))
    assert clock.now() > before
