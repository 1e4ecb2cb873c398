"""`grant_type=refresh_token`: rotation, the retry grace window, and family revocation on reuse."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import service as companies_service
from kirjuri.config import Settings
from kirjuri.core import clock
from tests.auth.helpers import TOKEN_URL, code_form, error_of, make_code, refresh_form, session_info, token_row
from tests.factories import Tenant


@pytest.fixture()
def tokens(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings) -> Any:
    code = make_code(session_factory, settings, tenant)
    response = client.post(TOKEN_URL, data=code_form(tenant, code))
    assert response.status_code == 200
    return response.json()


def test_refresh_rotates_the_pair(
    client: TestClient, tenant: Tenant, tokens: Any, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    response = client.post("/v2604/api/oauth/token/", data=refresh_form(tenant, tokens["refresh_token"]))
    assert response.status_code == 200, response.text
    new = response.json()
    assert set(new) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert new["access_token"] != tokens["access_token"]
    assert new["refresh_token"] != tokens["refresh_token"]
    assert session_info(client, new["access_token"]).status_code == 200

    old = token_row(session_factory, refresh=tokens["refresh_token"])
    successor = token_row(session_factory, refresh=new["refresh_token"])
    assert old.rotated_at is not None
    assert old.successor_id == successor.id
    assert old.revoked_at is None  # the old access token lives out its hour
    assert successor.code_hash == old.code_hash  # same family
    assert (successor.company_id, successor.user_id, successor.client_pk) == (
        tenant.company_id,
        tenant.user_id,
        tenant.client_pk,
    )
    assert successor.refresh_expires_at is not None
    assert successor.refresh_expires_at - successor.issued_at == timedelta(seconds=settings.refresh_token_ttl)
    # The new refresh token rotates in turn.
    assert client.post(TOKEN_URL, data=refresh_form(tenant, new["refresh_token"])).status_code == 200


@pytest.mark.usefixtures("time_travel")
def test_retry_within_the_grace_window_gets_a_fresh_pair(
    client: TestClient, tenant: Tenant, tokens: Any, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    first = client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"])).json()
    rotated_at = token_row(session_factory, refresh=tokens["refresh_token"]).rotated_at
    clock.travel(timedelta(seconds=settings.refresh_grace_seconds - 5))
    retry = client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"]))
    assert retry.status_code == 200, retry.text
    second = retry.json()
    assert second["refresh_token"] not in (first["refresh_token"], tokens["refresh_token"])
    # Both successors work: two threads refreshing at once do not log each other out.
    assert session_info(client, first["access_token"]).status_code == 200
    assert session_info(client, second["access_token"]).status_code == 200
    old = token_row(session_factory, refresh=tokens["refresh_token"])
    assert old.successor_id == token_row(session_factory, refresh=second["refresh_token"]).id
    assert old.rotated_at == rotated_at  # a retry does not extend the window


@pytest.mark.usefixtures("time_travel")
def test_reuse_after_the_grace_window_revokes_the_family(
    client: TestClient, tenant: Tenant, tokens: Any, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    first = client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"])).json()
    second = client.post(TOKEN_URL, data=refresh_form(tenant, first["refresh_token"])).json()
    clock.travel(timedelta(seconds=settings.refresh_grace_seconds + 1))
    reuse = client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"]))
    assert reuse.status_code == 400
    assert error_of(reuse) == {"status": 400, "field": "refresh_token", "message": "INVALID_GRANT"}
    for access in (tokens["access_token"], first["access_token"], second["access_token"]):
        assert session_info(client, access).status_code == 401
    # The newest refresh token of the family is dead too.
    assert client.post(TOKEN_URL, data=refresh_form(tenant, second["refresh_token"])).status_code == 400
    assert token_row(session_factory, refresh=second["refresh_token"]).revoked_at is not None


@pytest.mark.usefixtures("time_travel")
def test_reuse_does_not_touch_other_families(
    client: TestClient, tenant: Tenant, tokens: Any, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    other = client.post(TOKEN_URL, data=code_form(tenant, make_code(session_factory, settings, tenant))).json()
    client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"]))
    clock.travel(timedelta(seconds=settings.refresh_grace_seconds + 1))
    assert client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"])).status_code == 400
    assert session_info(client, other["access_token"]).status_code == 200
    assert session_info(client, tenant.access_token).status_code == 200


def test_refresh_token_is_bound_to_its_client(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, tokens: Any
) -> None:
    response = client.post(TOKEN_URL, data=refresh_form(other_tenant, tokens["refresh_token"]))
    assert response.status_code == 400
    assert error_of(response)["message"] == "INVALID_GRANT"
    # Nothing was rotated or revoked: the rightful client still refreshes.
    assert client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"])).status_code == 200


def test_wrong_client_secret(client: TestClient, tenant: Tenant, tokens: Any) -> None:
    response = client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"], client_secret="nope"))
    assert response.status_code == 401


@pytest.mark.parametrize("value", ["unknown-refresh-token", ""])
def test_unknown_refresh_token(client: TestClient, tenant: Tenant, value: str) -> None:
    response = client.post(TOKEN_URL, data=refresh_form(tenant, value))
    assert response.status_code == 400
    assert error_of(response)["message"] in ("INVALID_GRANT", "INVALID_REQUEST")


def test_expired_refresh_token(
    client: TestClient, tenant: Tenant, tokens: Any, settings: Settings, time_travel: None
) -> None:
    clock.travel(timedelta(seconds=settings.refresh_token_ttl + 1))
    response = client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"]))
    assert response.status_code == 400
    assert error_of(response)["message"] == "INVALID_GRANT"


def test_refresh_after_logout_is_refused(client: TestClient, tenant: Tenant, tokens: Any) -> None:
    assert client.post("/logout", headers={"Authorization": f"Bearer {tokens['access_token']}"}).status_code == 200
    response = client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"]))
    assert response.status_code == 400


def test_refresh_for_a_user_removed_from_the_company(
    client: TestClient, tenant: Tenant, tokens: Any, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        companies_service.remove_member(session, company_id=tenant.company_id, user_id=tenant.user_id)
        session.commit()
    response = client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"]))
    assert response.status_code == 400
    assert token_row(session_factory, refresh=tokens["refresh_token"]).rotated_at is None


def test_scope_is_accepted_and_ignored(client: TestClient, tenant: Tenant, tokens: Any) -> None:
    response = client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"], scope="invoices"))
    assert response.status_code == 200


def test_client_credentials_tokens_cannot_be_refreshed(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    # The tenant's token came from an API key: it has no refresh token at all.
    assert token_row(session_factory, access=tenant.access_token).refresh_hash is None
    response = client.post(TOKEN_URL, data=refresh_form(tenant, tenant.access_token))
    assert response.status_code == 400
    assert error_of(response)["message"] == "INVALID_GRANT"
