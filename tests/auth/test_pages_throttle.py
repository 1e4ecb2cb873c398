"""Login throttling: the pure probe arithmetic, the throttle on a fake clock, and over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from kirjuri.api.ratelimit import MemoryLimiter, gcra
from kirjuri.auth import service as auth_service
from kirjuri.auth.throttle import Bucket, LoginThrottle, buckets
from tests.factories import Tenant, unique
from tests.portal.helpers import browser, csrf, field

REDIRECT = "https://app.example.com/callback"


class FakeClock:
    """Moves `step` seconds per reading: the limiter is read once per look or failure, and in
    real life a password verification (tens of milliseconds) lies between two of them."""

    def __init__(self, step: float = 0.002) -> None:
        self.now = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.mark.parametrize(("per_minute", "burst"), [(1, 1), (5, 5), (20, 20), (3, 3)])
@pytest.mark.parametrize("failures", [0, 1, 2, 4, 5, 6])
@pytest.mark.parametrize("elapsed", [0.0, 5.0, 11.9, 12.1, 30.0])
def test_probe_allows_exactly_when_one_more_failure_would_be_allowed(
    per_minute: int, burst: int, failures: int, elapsed: float
) -> None:
    bucket = Bucket("k", per_minute / 60.0, burst)
    tat, now = 0.0, 100.0
    for _ in range(failures):
        _decision, tat = gcra(tat, now, rate=bucket.rate, burst=bucket.burst)
    later = now + elapsed
    real, _ = gcra(tat, later, rate=bucket.rate, burst=bucket.burst)
    rate, probe_burst = bucket.probe()
    probe, _ = gcra(tat, later, rate=rate, burst=probe_burst)
    assert probe.allowed == real.allowed


def test_buckets_hash_the_username_and_scale_the_address_limit() -> None:
    user, address = buckets(username=" Matti.M ", address="10.0.0.1", per_minute=5)
    assert "matti" not in user.key.lower() and user.key == buckets(username="matti.m", address="x", per_minute=5)[0].key
    assert (user.burst, address.burst) == (5, 20)
    assert address.key.endswith("10.0.0.1")


def test_only_failures_count_and_the_bucket_refills() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(MemoryLimiter(clock=clock), per_minute=5)
    for _ in range(50):  # looking (successful logins) spends nothing
        assert not throttle.blocked(username="anna", address="a")
    for _ in range(5):
        assert not throttle.blocked(username="anna", address="a")
        throttle.failed(username="anna", address="a")
    assert throttle.blocked(username="anna", address="a")
    assert not throttle.blocked(username="bertta", address="b")  # other user, other address
    clock.now += 12.5  # one failure's worth (60 s / 5) drips out
    assert not throttle.blocked(username="anna", address="a")
    throttle.failed(username="anna", address="a")
    assert throttle.blocked(username="anna", address="a")


def test_address_limit_spans_usernames() -> None:
    throttle = LoginThrottle(MemoryLimiter(clock=FakeClock()), per_minute=5)
    for i in range(20):
        throttle.failed(username=f"user{i}", address="10.1.1.1")
    assert throttle.blocked(username="fresh", address="10.1.1.1")
    assert not throttle.blocked(username="fresh", address="10.1.1.2")


@pytest.fixture()
def frozen_limiter(app: FastAPI) -> Iterator[FakeClock]:
    """The app's limiter on a clock that moves 2 ms per reading, so no failure drips out mid-test.
    (Not `monkeypatch`: its undo deletes attributes of Starlette's `State`.)"""
    clock = FakeClock()
    real = app.state.limiter
    app.state.limiter = MemoryLimiter(clock=clock)
    try:
        yield clock
    finally:
        app.state.limiter = real


def _login_page(c, tenant: Tenant) -> str:  # type: ignore[no-untyped-def]
    params = {"response_type": "code", "client_id": tenant.client_id, "redirect_uri": REDIRECT, "state": "s"}
    return str(c.get("/login", params=params).text)


def test_throttled_login_answers_429_without_verifying(
    app: FastAPI, tenant: Tenant, monkeypatch: pytest.MonkeyPatch, frozen_limiter: FakeClock
) -> None:
    c = browser(app)
    page = _login_page(c, tenant)
    form = {"csrf_token": csrf(page), "req": field(page, "req"), "username": tenant.username}
    for _ in range(app.state.settings.login_attempts_per_minute):
        assert c.post("/login", data={**form, "password": "wrong"}).status_code == 401
    calls: list[str] = []
    real = auth_service.authenticate_user

    def spy(session, *, username: str, password: str):  # type: ignore[no-untyped-def]
        calls.append(username)
        return real(session, username=username, password=password)

    monkeypatch.setattr(auth_service, "authenticate_user", spy)
    # Even the right password is not looked at now.
    throttled = c.post("/login", data={**form, "password": tenant.password})
    assert throttled.status_code == 429
    assert "Too many failed login attempts" in throttled.text
    assert calls == []
    # The same user from another address is throttled too (per-username bucket) …
    other = browser(app)
    other_page = _login_page(other, tenant)
    again = {"csrf_token": csrf(other_page), "req": field(other_page, "req"), "username": tenant.username}
    assert other.post("/login", data={**again, "password": tenant.password}).status_code == 429
    # … and another user from the first address is not.
    assert c.post("/login", data={**form, "username": unique("someone"), "password": "x"}).status_code == 401


def test_per_address_limit_over_http(app: FastAPI, tenant: Tenant, frozen_limiter: FakeClock) -> None:
    c = browser(app)
    page = _login_page(c, tenant)
    form = {"csrf_token": csrf(page), "req": field(page, "req"), "password": "wrong"}
    limit = app.state.settings.login_attempts_per_minute * 4
    for _ in range(limit):
        assert c.post("/login", data={**form, "username": unique("guess")}).status_code == 401
    assert c.post("/login", data={**form, "username": unique("guess")}).status_code == 429
    frozen_limiter.now += 3.1  # one address failure's worth (60 s / 20) drips out
    assert c.post("/login", data={**form, "username": unique("guess")}).status_code == 401


def test_successful_logins_are_not_throttled(app: FastAPI, tenant: Tenant) -> None:
    address = "10.200.0.1"
    for _ in range(app.state.settings.login_attempts_per_minute * 2):
        c = browser(app, address)
        page = _login_page(c, tenant)
        data = {"csrf_token": csrf(page), "req": field(page, "req"), "username": tenant.username}
        assert c.post("/login", data={**data, "password": tenant.password}).status_code == 303
