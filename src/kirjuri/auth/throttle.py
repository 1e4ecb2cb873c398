"""Throttling of password logins: failed attempts per username and per client address.

Invariants:
- Only failures count: a user who types the right password is never slowed down by their
  own earlier successes. `settings.login_attempts_per_minute` failures per minute per
  username (bursting to that many), four times as many per client address.
- When either bucket is exhausted the attempt is refused *before* the password is verified,
  so a throttled guess costs the server nothing and tells the attacker nothing.
- The buckets live in the app's limiter (`request.app.state.limiter`, GCRA, in memory or in
  Redis), so every server process shares them when Redis is configured. Usernames are
  hashed into the key: no username is written to Redis in clear.

The limiter only knows `hit`. To *look* at the failure bucket without spending from it, we hit
it with a probe: a GCRA hit with interval ε and tolerance τ − T + ε is allowed exactly when a
real failure (interval T, tolerance τ) would be, and moves the bucket by only ε (1 ms). Looks
that come less than ε apart on one key (never a single user's sequential logins: verifying a
password takes far longer) make the throttle stricter by those milliseconds, never looser.
A `peek` on the limiter would remove even that; the limiter does not offer one today.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from starlette.requests import Request

from kirjuri.api.ratelimit import Limiter

ADDRESS_FACTOR = 4
PROBE_INTERVAL = 0.001  # seconds of budget one probe takes


@dataclass(frozen=True, slots=True)
class Bucket:
    key: str
    rate: float  # failures per second on average
    burst: int  # failures allowed back to back

    def probe(self) -> tuple[float, int]:
        """(rate, burst) of a hit that is allowed iff one more failure would be."""
        interval = 1.0 / self.rate
        return 1.0 / PROBE_INTERVAL, round((self.burst - 1) * interval / PROBE_INTERVAL) + 1


def buckets(*, username: str, address: str, per_minute: int) -> list[Bucket]:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    per_address = per_minute * ADDRESS_FACTOR
    return [
        Bucket(f"login-failures:user:{digest}", per_minute / 60.0, per_minute),
        Bucket(f"login-failures:addr:{address}", per_address / 60.0, per_address),
    ]


class LoginThrottle:
    def __init__(self, limiter: Limiter, *, per_minute: int) -> None:
        self._limiter = limiter
        self._per_minute = max(1, per_minute)

    def blocked(self, *, username: str, address: str) -> bool:
        """True when one more failure would exceed a limit: refuse without verifying."""
        for bucket in buckets(username=username, address=address, per_minute=self._per_minute):
            rate, burst = bucket.probe()
            if not self._limiter.hit(bucket.key, rate=rate, burst=burst).allowed:
                return True
        return False

    def failed(self, *, username: str, address: str) -> None:
        for bucket in buckets(username=username, address=address, per_minute=self._per_minute):
            self._limiter.hit(bucket.key, rate=bucket.rate, burst=bucket.burst)


def for_request(request: Request) -> LoginThrottle:
    return LoginThrottle(request.app.state.limiter, per_minute=request.app.state.settings.login_attempts_per_minute)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
