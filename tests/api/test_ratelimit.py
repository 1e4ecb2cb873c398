"""Rate limits per (client, company): GCRA as a pure function, the in-memory and Redis limiters,
and the 429 with `Retry-After` and `RateLimit-*` headers over HTTP."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kirjuri.api.ratelimit import Decision, MemoryLimiter, RedisLimiter, gcra, make_limiter
from kirjuri.config import Settings
from tests.api import wire_app
from tests.api.checks import assert_error
from tests.factories import Tenant, unique


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# (seconds since start of each hit, allowed?, remaining) for rate 5/s, burst 5
BURST_THEN_REFILL = [
    (0.0, True, 4),
    (0.0, True, 3),
    (0.0, True, 2),
    (0.0, True, 1),
    (0.0, True, 0),
    (0.0, False, 0),
    (0.0, False, 0),
    (0.1, False, 0),  # half an interval: still nothing
    (0.2, True, 0),  # one interval later one request is back
    (0.2, False, 0),
    (1.4, True, 4),  # a full second idle refills the bucket (up to the burst)
    (10.0, True, 4),  # never more than the burst
]


def test_gcra_burst_then_refill() -> None:
    tat = 0.0
    for at, allowed, remaining in BURST_THEN_REFILL:
        decision, tat = gcra(tat, at, rate=5, burst=5)
        assert (decision.allowed, decision.remaining) == (allowed, remaining), at
        assert decision.limit == 5


@pytest.mark.parametrize(
    ("rate", "burst", "allowed_in_a_burst"),
    [(5, 5, 5), (20, 20, 20), (60, 60, 60), (1, 1, 1), (10, 3, 3), (0.5, 2, 2)],
)
def test_gcra_allows_exactly_the_burst(rate: float, burst: int, allowed_in_a_burst: int) -> None:
    tat, now, allowed = 12345.678, 12345.678, 0
    for _ in range(burst * 3):
        decision, tat = gcra(tat, now, rate=rate, burst=burst)
        allowed += decision.allowed
    assert allowed == allowed_in_a_burst


@pytest.mark.parametrize("now", [0.0, 1000.0, 1.7e9])
def test_gcra_remaining_counts_down_by_one(now: float) -> None:
    tat = now
    remaining = []
    for _ in range(20):
        decision, tat = gcra(tat, now, rate=20, burst=20)
        remaining.append(decision.remaining)
    assert remaining == list(range(19, -1, -1))


def test_gcra_refusal_says_when_to_retry() -> None:
    tat = 0.0
    for _ in range(5):
        _, tat = gcra(tat, 0.0, rate=5, burst=5)
    decision, new_tat = gcra(tat, 0.0, rate=5, burst=5)
    assert not decision.allowed
    assert new_tat == tat  # a refused request does not use up capacity
    assert decision.retry_after == pytest.approx(0.2)
    assert decision.reset_seconds == pytest.approx(1.0)
    later, _ = gcra(tat, decision.retry_after, rate=5, burst=5)
    assert later.allowed


@pytest.mark.parametrize(
    ("decision", "headers"),
    [
        (
            Decision(True, 60, 59, 0.016, 0.0),
            {"RateLimit-Limit": "60", "RateLimit-Remaining": "59", "RateLimit-Reset": "1"},
        ),
        (
            Decision(False, 5, 0, 1.0, 0.2),
            {"RateLimit-Limit": "5", "RateLimit-Remaining": "0", "RateLimit-Reset": "1", "Retry-After": "1"},
        ),
        (
            Decision(False, 5, 0, 3.2, 2.01),
            {"RateLimit-Limit": "5", "RateLimit-Remaining": "0", "RateLimit-Reset": "4", "Retry-After": "3"},
        ),
    ],
)
def test_decision_headers(decision: Decision, headers: dict[str, str]) -> None:
    assert decision.headers() == headers


def test_memory_limiter_keys_are_independent() -> None:
    clock = FakeClock()
    limiter = MemoryLimiter(clock=clock)
    assert [limiter.hit("a", rate=2, burst=2).allowed for _ in range(3)] == [True, True, False]
    assert [limiter.hit("b", rate=2, burst=2).allowed for _ in range(3)] == [True, True, False]
    clock.now += 0.5
    assert limiter.hit("a", rate=2, burst=2).allowed
    assert not limiter.hit("a", rate=2, burst=2).allowed


def test_memory_limiter_is_bounded() -> None:
    clock = FakeClock()
    limiter = MemoryLimiter(max_keys=3, clock=clock)
    for key in "abcd":
        limiter.hit(key, rate=1, burst=1)
    assert not limiter.hit("d", rate=1, burst=1).allowed
    # "a" was evicted as the least recently used: it starts with a full bucket again
    assert limiter.hit("a", rate=1, burst=1).allowed


def test_make_limiter_without_redis_is_in_memory() -> None:
    assert isinstance(make_limiter(None), MemoryLimiter)


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_redis_limiter() -> None:
    limiter = make_limiter("redis://127.0.0.1:6379/0")
    assert isinstance(limiter, RedisLimiter)
    key = unique("rl")
    decisions = [limiter.hit(key, rate=5, burst=5) for _ in range(7)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False] * 2
    assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0, 0, 0]
    assert all(d.limit == 5 for d in decisions)
    assert decisions[-1].retry_after > 0
    assert "Retry-After" in decisions[-1].headers()
    # another key has its own bucket; a second process (limiter) shares this one
    assert limiter.hit(unique("rl"), rate=5, burst=5).allowed
    assert not make_limiter("redis://127.0.0.1:6379/0").hit(key, rate=5, burst=5).allowed


@pytest.fixture(scope="module")
def limited_app(settings: Settings) -> FastAPI:
    app = wire_app.build(settings.model_copy(update={"rate_limit_per_second": 5}))
    app.state.limiter = MemoryLimiter(clock=FakeClock())  # a burst happens at one instant
    return app


@pytest.fixture()
def limited(limited_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(limited_app, raise_server_exceptions=False) as client:
        yield client


def test_sixth_request_in_a_burst_is_429(limited: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    responses = [limited.get("/api/kirjuri-test/whoami", headers=tenant.headers) for _ in range(7)]
    assert [r.status_code for r in responses] == [200] * 5 + [429] * 2
    for number, response in enumerate(responses[:5]):
        assert response.headers["ratelimit-limit"] == "5"
        assert response.headers["ratelimit-remaining"] == str(4 - number)
        assert int(response.headers["ratelimit-reset"]) >= 1
        assert "retry-after" not in response.headers
    for response in responses[5:]:
        assert_error(response, 429, "RATE_LIMIT_EXCEEDED")
        assert int(response.headers["retry-after"]) >= 1
        assert response.headers["ratelimit-remaining"] == "0"
        assert response.headers["ratelimit-limit"] == "5"
        assert "ratelimit-reset" in response.headers
    # another tenant (client + company) is not affected
    assert limited.get("/api/kirjuri-test/whoami", headers=other_tenant.headers).status_code == 200


def test_every_authenticated_path_counts(limited: TestClient, tenant: Tenant) -> None:
    codes = [
        limited.get("/api/kirjuri-test/whoami", headers=tenant.headers).status_code,
        limited.post("/api/kirjuri-test/lists", json={"name": "x"}, headers=tenant.headers).status_code,
        limited.get("/v2604/api/kirjuri-test/members", headers=tenant.headers).status_code,
        limited.get("/api/sessioninfo", headers=tenant.headers).status_code,
        limited.post("/api/kirjuri-test/echo", json={}, headers=tenant.headers).status_code,  # public: not counted
        limited.get("/latest/api/kirjuri-test/company", headers=tenant.headers).status_code,
        limited.get("/api/kirjuri-test/whoami", headers=tenant.headers).status_code,
    ]
    assert codes == [200, 200, 200, 200, 400, 200, 429]


def test_a_refused_write_changes_nothing(limited: TestClient, tenant: Tenant) -> None:
    for _ in range(5):
        limited.get("/api/kirjuri-test/whoami", headers=tenant.headers)
    refused = limited.post("/api/kirjuri-test/lists", json={"name": "x"}, headers=tenant.headers)
    assert_error(refused, 429)
    assert limited.get("/api/kirjuri-test/members", headers=tenant.headers).status_code == 429


class ThreadRecordingLimiter(MemoryLimiter):
    """An in-process limiter that says whether it waits on the network, and records the thread
    each decision is made in."""

    def __init__(self, *, blocking: bool) -> None:
        super().__init__()
        self.blocking = blocking
        self.threads: list[str] = []

    def hit(self, key: str, *, rate: float, burst: int) -> Decision:
        self.threads.append(threading.current_thread().name)
        return super().hit(key, rate=rate, burst=burst)


@pytest.mark.parametrize("blocking", [True, False])
def test_a_limiter_that_waits_on_the_network_is_asked_from_a_worker_thread(
    settings: Settings, tenant: Tenant, blocking: bool
) -> None:
    """The principal is read on the event loop; a Redis limiter must not block the loop with its
    round trip, an in-process one costs no thread hop."""
    app = wire_app.build(settings)
    limiter = app.state.limiter = ThreadRecordingLimiter(blocking=blocking)
    with TestClient(app) as client:
        assert client.get("/api/kirjuri-test/whoami", headers=tenant.headers).status_code == 200
    assert len(limiter.threads) == 1
    assert limiter.threads[0].startswith("AnyIO worker thread") is blocking
