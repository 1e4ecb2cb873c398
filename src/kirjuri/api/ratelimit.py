"""Rate limits: GCRA (a leaky bucket without timers) per key, in memory or in Redis.

Invariant: a key may make `rate` requests per second on average with bursts up to `burst`;
every decision reports the limit, what remains and when the bucket is full again, so the
API can send `RateLimit-*` and `Retry-After` headers. With `KIRJURI_REDIS_URL` set, all
server processes share the buckets; otherwise each process keeps its own.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: float
    retry_after: float

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(math.ceil(self.reset_seconds)),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, math.ceil(self.retry_after)))
        return headers


class Limiter(Protocol):
    # Whether `hit` waits on the network (then an async caller runs it in a thread).
    blocking: bool

    def hit(self, key: str, *, rate: float, burst: int) -> Decision: ...


# Float timestamps (time.time() ≈ 1.7e9 s) carry rounding noise of ~1e-7 s per step; without a
# tolerance the last request of a full burst would be refused by a few picoseconds.
EPSILON = 1e-5


def gcra(tat: float, now: float, *, rate: float, burst: int) -> tuple[Decision, float]:
    """One GCRA step: the theoretical arrival time `tat` → (decision, new tat). Pure."""
    interval = 1.0 / rate
    tolerance = interval * burst
    tat = max(tat, now)
    new_tat = tat + interval
    allow_at = new_tat - tolerance
    if allow_at - now > EPSILON:
        remaining = 0
        return Decision(False, burst, remaining, tat - now, allow_at - now), tat
    return Decision(True, burst, _remaining(now, allow_at, interval, burst), new_tat - now, 0.0), new_tat


def _remaining(now: float, allow_at: float, interval: float, burst: int) -> int:
    # Requests still allowed at `now`; the epsilon keeps 0.6 / 0.2 = 2.9999… from losing one.
    return max(0, min(burst, math.floor((now - allow_at + EPSILON) / interval)))


class MemoryLimiter:
    """Buckets in this process; bounded so that a flood of keys cannot exhaust memory."""

    blocking = False

    def __init__(self, max_keys: int = 100_000, clock: object = time.monotonic) -> None:
        self._tats: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys
        self._clock = clock

    def hit(self, key: str, *, rate: float, burst: int) -> Decision:
        now = self._clock()  # type: ignore[operator]
        with self._lock:
            decision, tat = gcra(self._tats.get(key, now), now, rate=rate, burst=burst)
            self._tats[key] = tat
            self._tats.move_to_end(key)
            while len(self._tats) > self._max_keys:
                self._tats.popitem(last=False)
        return decision


_REDIS_GCRA = """
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local epsilon = tonumber(ARGV[4])
if tat < now then tat = now end
local new_tat = tat + interval
if new_tat - tolerance - now > epsilon then
  return {0, string.format('%.6f', tat)}
end
-- %.6f: tostring() keeps only 14 digits, 0.1 ms of a 1.7e9 s timestamp
local stored = string.format('%.6f', new_tat)
redis.call('SET', KEYS[1], stored, 'PX', math.ceil((new_tat - now) * 1000) + 1000)
return {1, stored}
"""


class RedisLimiter:
    """Buckets shared by every server process through one Lua script (atomic in Redis)."""

    blocking = True

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self._script = self._redis.register_script(_REDIS_GCRA)

    def hit(self, key: str, *, rate: float, burst: int) -> Decision:
        now = time.time()
        interval = 1.0 / rate
        args = [repr(now), repr(interval), repr(interval * burst), repr(EPSILON)]
        allowed, tat_raw = self._script(keys=[f"kirjuri:rl:{key}"], args=args)
        tat = float(tat_raw)
        if allowed:
            remaining = _remaining(now, tat - interval * burst, interval, burst)
            return Decision(True, burst, remaining, tat - now, 0.0)
        return Decision(False, burst, 0, tat - now, tat + interval - interval * burst - now)


def make_limiter(redis_url: str | None) -> Limiter:
    return RedisLimiter(redis_url) if redis_url else MemoryLimiter()
