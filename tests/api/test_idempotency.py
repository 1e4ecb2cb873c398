"""`Idempotency-Key` on writes: replay of the stored response, refusal of a reused key, scope
per (client, company), 24 h lifetime, failures not stored, version-independent paths."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.auth import service as auth_service
from kirjuri.auth.models import OAuthClient
from kirjuri.config import Settings
from kirjuri.core import clock
from tests.api.checks import assert_error, count_lists
from tests.factories import Tenant, unique

LISTS = "/api/kirjuri-test/lists"


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    yield
    clock.reset()


def _headers(tenant: Tenant, key: str, token: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token or tenant.access_token}", "Idempotency-Key": key}


def _token(
    session_factory: sessionmaker[Session], settings: Settings, tenant: Tenant, *, client: OAuthClient | None = None
) -> str:
    """A new access token for the tenant's user (at the current — possibly travelled — time)."""
    with session_factory() as session:
        client = client or session.get(OAuthClient, tenant.client_pk)
        assert client is not None
        issued = auth_service.issue_token(
            session,
            client=client,
            company_id=tenant.company_id,
            user_id=tenant.user_id,
            access_ttl=settings.access_token_ttl,
            signing_key=settings.secret_key.get_secret_value(),
            issuer=settings.public_url,
        )
        session.commit()
        return issued.access_token


def test_same_key_same_request_is_replayed_once_written(
    wire: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    key = unique("key")
    first = wire.post(LISTS, json={"name": "Hyväksyjät"}, headers=_headers(tenant, key))
    assert first.status_code == 200
    assert "idempotent-replayed" not in first.headers
    for _ in range(3):
        again = wire.post(LISTS, json={"name": "Hyväksyjät"}, headers=_headers(tenant, key))
        assert again.status_code == 200
        assert again.headers["idempotent-replayed"] == "true"
        assert again.headers["content-type"].startswith("application/json")
        assert again.content == first.content
        assert again.headers.get("x-request-id")
    assert count_lists(session_factory, tenant.company_id) == 1


def test_without_a_key_every_request_writes(
    wire: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    for _ in range(2):
        assert wire.post(LISTS, json={"name": "x"}, headers=tenant.headers).status_code == 200
    assert count_lists(session_factory, tenant.company_id) == 2


@pytest.mark.parametrize(
    ("second_path", "second_body"),
    [(LISTS, {"name": "Toinen"}), (LISTS + "?x=1", {"name": "Eka"}), ("/api/kirjuri-test/write", {"name": "Eka"})],
)
def test_same_key_different_request_is_422(
    wire: TestClient,
    tenant: Tenant,
    session_factory: sessionmaker[Session],
    second_path: str,
    second_body: dict[str, str],
) -> None:
    key = unique("key")
    assert wire.post(LISTS, json={"name": "Eka"}, headers=_headers(tenant, key)).status_code == 200
    response = wire.post(second_path, json=second_body, headers=_headers(tenant, key))
    assert_error(response, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key")
    assert count_lists(session_factory, tenant.company_id) == 1


def test_key_is_scoped_per_company(
    wire: TestClient, tenant: Tenant, other_tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    key = unique("key")
    mine = wire.post(LISTS, json={"name": "x"}, headers=_headers(tenant, key))
    theirs = wire.post(LISTS, json={"name": "x"}, headers=_headers(other_tenant, key))
    assert mine.status_code == theirs.status_code == 200
    assert "idempotent-replayed" not in theirs.headers
    assert count_lists(session_factory, tenant.company_id) == 1
    assert count_lists(session_factory, other_tenant.company_id) == 1
    # and a different body under the same key in the other company is no reuse either
    assert wire.post(LISTS, json={"name": "y"}, headers=_headers(other_tenant, unique("k"))).status_code == 200


def test_key_is_scoped_per_client(
    wire: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    with session_factory() as session:
        other_client = auth_service.create_client(
            session, name="Other app", client_id=unique("client"), redirect_uri="https://other.example.com/cb"
        ).client
        session.commit()
    other_token = _token(session_factory, settings, tenant, client=other_client)
    key = unique("key")
    assert wire.post(LISTS, json={"name": "x"}, headers=_headers(tenant, key)).status_code == 200
    response = wire.post(LISTS, json={"name": "x"}, headers=_headers(tenant, key, other_token))
    assert response.status_code == 200
    assert "idempotent-replayed" not in response.headers
    assert count_lists(session_factory, tenant.company_id) == 2


def test_key_lives_24_hours(
    wire: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    key = unique("key")
    first = wire.post(LISTS, json={"name": "x"}, headers=_headers(tenant, key))
    assert first.status_code == 200
    clock.travel(timedelta(hours=23))
    token = _token(session_factory, settings, tenant)
    replay = wire.post(LISTS, json={"name": "x"}, headers=_headers(tenant, key, token))
    assert replay.headers.get("idempotent-replayed") == "true"
    assert count_lists(session_factory, tenant.company_id) == 1
    clock.travel(timedelta(hours=2))  # 25 h after the first use
    token = _token(session_factory, settings, tenant)
    fresh = wire.post(LISTS, json={"name": "x"}, headers=_headers(tenant, key, token))
    assert fresh.status_code == 200
    assert "idempotent-replayed" not in fresh.headers
    assert fresh.json()["id"] != first.json()["id"]
    assert count_lists(session_factory, tenant.company_id) == 2
    # the renewed key is stored again: a retry now replays the new response
    again = wire.post(LISTS, json={"name": "x"}, headers=_headers(tenant, key, token))
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.content == fresh.content
    assert count_lists(session_factory, tenant.company_id) == 2


@pytest.mark.parametrize(
    ("path", "body"),
    [(LISTS, {"nimi": "typo"}), (LISTS, {"name": "Ж"}), ("/api/kirjuri-test/write-then-fail", {"name": "x"})],
)
def test_failures_are_not_stored(
    wire: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], path: str, body: dict[str, str]
) -> None:
    key = unique("key")
    assert_error(wire.post(path, json=body, headers=_headers(tenant, key)), 400)
    fixed = wire.post(LISTS, json={"name": "korjattu"}, headers=_headers(tenant, key))
    assert fixed.status_code == 200
    assert "idempotent-replayed" not in fixed.headers
    assert count_lists(session_factory, tenant.company_id) == 1


@pytest.mark.parametrize(
    ("key", "ok"),
    [("k" * 255, True), ("k" * 256, False), ("a b", False), ("ääkkönen", False), ("tab\tkey", False), ("x", True)],
)
def test_key_format(
    wire: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], key: str, ok: bool
) -> None:
    headers = {"Authorization": f"Bearer {tenant.access_token}", "Idempotency-Key": key.encode()}  # type: ignore[dict-item]
    response = wire.post(LISTS, json={"name": "x"}, headers=headers)
    if ok:
        assert response.status_code == 200
    else:
        assert_error(response, 400, "INVALID_IDEMPOTENCY_KEY", "Idempotency-Key")
    assert count_lists(session_factory, tenant.company_id) == (1 if ok else 0)


def test_same_key_under_every_version_prefix_is_one_request(
    wire: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    key = unique("key")
    first = wire.post(LISTS, json={"name": "x"}, headers=_headers(tenant, key))
    for prefix in ("/v2604/api", "/latest/api", "/supported/api"):
        again = wire.post(prefix + LISTS.removeprefix("/api"), json={"name": "x"}, headers=_headers(tenant, key))
        assert again.headers.get("idempotent-replayed") == "true"
        assert again.content == first.content
    assert count_lists(session_factory, tenant.company_id) == 1


def test_delete_is_replayed_not_repeated(wire: TestClient, tenant: Tenant) -> None:
    created = wire.post(LISTS, json={"name": "x"}, headers=tenant.headers).json()
    key = unique("key")
    first = wire.delete(f"{LISTS}/{created['id']}", headers=_headers(tenant, key))
    assert first.status_code == 204
    again = wire.delete(f"{LISTS}/{created['id']}", headers=_headers(tenant, key))
    assert again.status_code == 204  # without the key this would be a 404
    assert again.headers.get("idempotent-replayed") == "true"
    assert_error(wire.delete(f"{LISTS}/{created['id']}", headers=tenant.headers), 404)


def test_put_honours_the_key(wire: TestClient, tenant: Tenant) -> None:
    company = wire.get("/api/kirjuri-test/company", headers=tenant.headers).json()
    key = unique("key")
    body = {"name": "Kerran Oy", "version": company["version"]}
    first = wire.put("/api/kirjuri-test/company", json=body, headers=_headers(tenant, key))
    assert first.status_code == 200
    # without the key this retry would be a stale version (400)
    again = wire.put("/api/kirjuri-test/company", json=body, headers=_headers(tenant, key))
    assert again.status_code == 200
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()


def test_get_ignores_the_key(wire: TestClient, tenant: Tenant) -> None:
    key = unique("key")
    for _ in range(2):
        response = wire.get("/api/kirjuri-test/whoami", headers=_headers(tenant, key))
        assert response.status_code == 200
        assert "idempotent-replayed" not in response.headers


def test_two_concurrent_first_uses_write_once(
    wire_application: Any, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    key = unique("key")
    results: list[httpx.Response] = []

    def send() -> None:
        with TestClient(wire_application, raise_server_exceptions=False) as client:
            results.append(
                client.post("/api/kirjuri-test/slow-write", json={"name": "x"}, headers=_headers(tenant, key))
            )

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status_code for r in results)
    assert statuses[0] == 200
    if statuses[1] != 200:  # both in flight at once: the later commit is refused
        assert_error(next(r for r in results if r.status_code != 200), statuses[1])
        assert statuses[1] in {409, 503}
    else:  # or the second arrived after the first had committed: a replay
        assert any(r.headers.get("idempotent-replayed") == "true" for r in results)
    assert count_lists(session_factory, tenant.company_id) == 1
