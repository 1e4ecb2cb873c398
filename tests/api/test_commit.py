"""One transaction per request: a commit that fails at the end becomes an error (409/503), never
a 200, and nothing of the request is written — not its rows, not its idempotency record."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.api import route
from kirjuri.core.errors import KirjuriError
from tests.api.checks import assert_error, count_lists
from tests.factories import Tenant, unique


def test_conflict_found_at_commit_is_409_and_writes_nothing(
    wire: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    response = wire.post("/api/kirjuri-test/commit-conflict", json={"name": "x"}, headers=tenant.headers)
    assert_error(response, 409, "CONFLICT")
    assert count_lists(session_factory, tenant.company_id) == 0
    # the failed request's row is not there; its id (a plain id: unique, not gap-free — on
    # PostgreSQL taken from a hi/lo block outside the transaction) is not given again
    created = wire.post("/api/kirjuri-test/write", json={"name": "y"}, headers=tenant.headers)
    assert created.status_code == 200
    assert created.json()["id"] == (2 if session_factory.kw["bind"].dialect.name == "postgresql" else 1)
    assert count_lists(session_factory, tenant.company_id) == 1


def test_failed_commit_does_not_store_the_idempotency_key(
    wire: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    headers = {**tenant.headers, "Idempotency-Key": unique("key")}
    assert_error(wire.post("/api/kirjuri-test/commit-conflict", json={"name": "x"}, headers=headers), 409)
    retry = wire.post("/api/kirjuri-test/commit-conflict", json={"name": "x"}, headers=headers)
    assert_error(retry, 409)  # tried again, not replayed
    assert "idempotent-replayed" not in retry.headers
    assert wire.post("/api/kirjuri-test/write", json={"name": "x"}, headers=headers).status_code == 200
    assert count_lists(session_factory, tenant.company_id) == 1


def test_unavailable_database_at_commit_is_503_and_writes_nothing(
    wire: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_commit = Session.commit

    def failing_commit(self: Session) -> None:
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(Session, "commit", failing_commit)
    response = wire.post("/api/kirjuri-test/write", json={"name": "x"}, headers=tenant.headers)
    monkeypatch.setattr(Session, "commit", real_commit)
    assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert "server closed" not in response.text
    assert count_lists(session_factory, tenant.company_id) == 0


class _FakeSession:
    def __init__(self, error: Exception | None) -> None:
        self.error = error
        self.calls: list[str] = []
        self.info: dict[str, Any] = {}

    def commit(self) -> None:
        self.calls.append("commit")
        if self.error:
            raise self.error

    def rollback(self) -> None:
        self.calls.append("rollback")

    def close(self) -> None:
        self.calls.append("close")


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (IntegrityError("INSERT", {}, Exception("unique")), 409, "CONFLICT"),
        (OperationalError("COMMIT", {}, Exception("gone")), 503, "SERVICE_UNAVAILABLE"),
    ],
)
def test_commit_errors_become_kirjuri_errors(error: Exception, status: int, code: str) -> None:
    session = _FakeSession(error)
    with pytest.raises(KirjuriError) as raised:
        route._end(session, True, [], None)  # type: ignore[arg-type]
    assert (raised.value.status, raised.value.code) == (status, code)
    assert session.calls == ["commit", "rollback", "close"]


def test_hooks_run_before_the_commit_and_not_on_rollback() -> None:
    seen: list[Any] = []
    session = _FakeSession(None)
    hooks = [lambda db, response: seen.append(("hook", db is session, response))]
    route._end(session, True, hooks, "response")  # type: ignore[arg-type]
    assert seen == [("hook", True, "response")]
    assert session.calls == ["commit", "close"]
    again = _FakeSession(None)
    route._end(again, False, hooks, None)  # type: ignore[arg-type]
    assert len(seen) == 1
    assert again.calls == ["rollback", "close"]


def test_committed_in_the_endpoints_thread_is_not_committed_again() -> None:
    session = _FakeSession(None)
    session.info[route.COMMITTED] = True
    route._end(session, True, [], None)  # type: ignore[arg-type]
    assert session.calls == ["close"]


def test_a_plain_write_commits_in_the_endpoints_thread(
    wire: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The early commit of `route._commit_here` happens; a write with an `on_commit` hook
    (idempotency) is left to `_finish`."""
    early: list[bool] = []
    original = route._commit_here

    def spy(kwargs: dict[str, Any]) -> None:
        original(kwargs)
        session = next(v for v in kwargs.values() if isinstance(v, Session))
        early.append(bool(session.info.get(route.COMMITTED)))

    monkeypatch.setattr(route, "_commit_here", spy)
    assert wire.post("/api/kirjuri-test/write", json={"name": "a"}, headers=tenant.headers).status_code == 200
    headers = {**tenant.headers, "Idempotency-Key": unique("key")}
    assert wire.post("/api/kirjuri-test/write", json={"name": "b"}, headers=headers).status_code == 200
    assert early == [True, False]
    assert count_lists(session_factory, tenant.company_id) == 2
