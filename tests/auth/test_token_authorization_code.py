"""`grant_type=authorization_code` (Procountor §B.2) with PKCE (RFC 7636), single use and replay
revocation, and the `/keylogin` code swapped for an API key (§B.3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.auth import repository
from kirjuri.companies import service as companies_service
from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.core.ids import sha256_hex
from tests.auth.helpers import (
    TOKEN_URL,
    code_form,
    credentials_form,
    error_of,
    make_code,
    make_public_client,
    pkce_pair,
    refresh_form,
    session_info,
    token_row,
    tokens_of_client,
)
from tests.factories import Tenant


@pytest.fixture()
def code(session_factory: sessionmaker[Session], settings: Settings, tenant: Tenant) -> str:
    return make_code(session_factory, settings, tenant)


def test_exchange_gives_access_and_refresh_token(
    client: TestClient, tenant: Tenant, code: str, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    response = client.post("/latest/api/oauth/token", data=code_form(tenant, code))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    info = session_info(client, body["access_token"])
    assert info.status_code == 200
    assert (info.json()["companyId"], info.json()["userId"]) == (tenant.company_id, tenant.user_id)

    row = token_row(session_factory, access=body["access_token"])
    assert row.code_hash == sha256_hex(code)
    assert row.refresh_hash == sha256_hex(body["refresh_token"])
    assert row.api_key_id is None
    assert row.refresh_expires_at is not None
    assert row.refresh_expires_at - row.issued_at == timedelta(seconds=settings.refresh_token_ttl)
    with session_factory() as session:
        stored = repository.code_by_hash(session, sha256_hex(code))
        assert stored is not None
        assert stored.used_at is not None


def test_code_is_single_use_and_a_replay_revokes_its_tokens(
    client: TestClient, tenant: Tenant, code: str, session_factory: sessionmaker[Session]
) -> None:
    first = client.post(TOKEN_URL, data=code_form(tenant, code)).json()
    refreshed = client.post(TOKEN_URL, data=refresh_form(tenant, first["refresh_token"])).json()
    assert session_info(client, refreshed["access_token"]).status_code == 200

    replay = client.post(TOKEN_URL, data=code_form(tenant, code))
    assert replay.status_code == 400
    assert error_of(replay) == {"status": 400, "field": "code", "message": "INVALID_GRANT"}
    assert replay.json()["error"] == "invalid_grant"
    # Every token issued from the code — the refreshed successor too — is dead at once.
    assert session_info(client, first["access_token"]).status_code == 401
    assert session_info(client, refreshed["access_token"]).status_code == 401
    assert client.post(TOKEN_URL, data=refresh_form(tenant, refreshed["refresh_token"])).status_code == 400
    assert token_row(session_factory, access=first["access_token"]).revoked_at is not None


def test_code_expires_after_its_lifetime(
    client: TestClient, tenant: Tenant, code: str, settings: Settings, time_travel: None
) -> None:
    clock.travel(timedelta(seconds=settings.auth_code_ttl + 1))
    response = client.post(TOKEN_URL, data=code_form(tenant, code))
    assert response.status_code == 400
    assert error_of(response) == {"status": 400, "field": "code", "message": "INVALID_GRANT"}


def test_code_is_usable_within_its_lifetime(
    client: TestClient, tenant: Tenant, code: str, settings: Settings, time_travel: None
) -> None:
    clock.travel(timedelta(seconds=settings.auth_code_ttl - 5))
    assert client.post(TOKEN_URL, data=code_form(tenant, code)).status_code == 200


@pytest.mark.parametrize(
    "redirect_uri",
    ["https://app.example.com/callback/", "https://app.example.com/callback?x=1", "https://evil.example/callback", ""],
)
def test_redirect_uri_must_match_exactly(client: TestClient, tenant: Tenant, code: str, redirect_uri: str) -> None:
    response = client.post(TOKEN_URL, data=code_form(tenant, code, redirect_uri=redirect_uri))
    assert response.status_code == 400
    assert error_of(response) == {"status": 400, "field": "redirect_uri", "message": "INVALID_GRANT"}


def test_missing_redirect_uri(client: TestClient, tenant: Tenant, code: str) -> None:
    form = code_form(tenant, code)
    del form["redirect_uri"]
    response = client.post(TOKEN_URL, data=form)
    assert response.status_code == 400
    assert error_of(response)["message"] == "INVALID_GRANT"


def test_failed_exchange_does_not_use_up_the_code(client: TestClient, tenant: Tenant, code: str) -> None:
    assert client.post(TOKEN_URL, data=code_form(tenant, code, redirect_uri="https://x.example/")).status_code == 400
    assert client.post(TOKEN_URL, data=code_form(tenant, code)).status_code == 200


def test_code_is_bound_to_its_client(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, code: str, session_factory: sessionmaker[Session]
) -> None:
    before = tokens_of_client(session_factory, other_tenant.client_pk)
    response = client.post(TOKEN_URL, data=code_form(other_tenant, code, redirect_uri=tenant.redirect_uri))
    assert response.status_code == 400
    assert error_of(response)["message"] == "INVALID_GRANT"
    assert tokens_of_client(session_factory, other_tenant.client_pk) == before
    # The rightful client can still exchange it.
    assert client.post(TOKEN_URL, data=code_form(tenant, code)).status_code == 200


def test_unknown_code(client: TestClient, tenant: Tenant) -> None:
    response = client.post(TOKEN_URL, data=code_form(tenant, "not-a-code"))
    assert response.status_code == 400
    assert error_of(response)["message"] == "INVALID_GRANT"


def test_missing_code(client: TestClient, tenant: Tenant) -> None:
    form = code_form(tenant, "x")
    del form["code"]
    response = client.post(TOKEN_URL, data=form)
    assert response.status_code == 400
    assert error_of(response)["message"] == "INVALID_REQUEST"


def test_wrong_client_secret_is_401_and_keeps_the_code(client: TestClient, tenant: Tenant, code: str) -> None:
    response = client.post(TOKEN_URL, data=code_form(tenant, code, client_secret="wrong"))
    assert response.status_code == 401
    assert response.json()["errors"] == [{"status": 401, "message": "Unauthorized"}]
    assert client.post(TOKEN_URL, data=code_form(tenant, code)).status_code == 200


def test_user_removed_from_the_company_before_the_exchange(
    client: TestClient, tenant: Tenant, code: str, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        companies_service.remove_member(session, company_id=tenant.company_id, user_id=tenant.user_id)
        session.commit()
    response = client.post(TOKEN_URL, data=code_form(tenant, code))
    assert response.status_code == 400
    assert error_of(response)["message"] == "INVALID_GRANT"


# -- PKCE ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["S256", "plain"])
def test_pkce_verifier_is_checked(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, method: str
) -> None:
    verifier, challenge = pkce_pair(method)
    code = make_code(session_factory, settings, tenant, challenge=challenge, method=method)
    wrong, _ = pkce_pair(method)
    refused = client.post(TOKEN_URL, data=code_form(tenant, code, code_verifier=wrong))
    assert refused.status_code == 400
    assert error_of(refused)["message"] == "INVALID_GRANT"
    assert client.post(TOKEN_URL, data=code_form(tenant, code, code_verifier=verifier)).status_code == 200


def test_pkce_verifier_is_required_when_a_challenge_was_stored(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    _verifier, challenge = pkce_pair()
    code = make_code(session_factory, settings, tenant, challenge=challenge, method="S256")
    response = client.post(TOKEN_URL, data=code_form(tenant, code))
    assert response.status_code == 400
    assert error_of(response)["message"] == "INVALID_REQUEST"


def test_a_verifier_without_a_stored_challenge_is_refused(client: TestClient, tenant: Tenant, code: str) -> None:
    verifier, _ = pkce_pair()
    response = client.post(TOKEN_URL, data=code_form(tenant, code, code_verifier=verifier))
    assert response.status_code == 400
    assert error_of(response)["message"] == "INVALID_REQUEST"


def test_a_malformed_verifier_is_refused(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    short = "a" * 42
    code = make_code(session_factory, settings, tenant, challenge=short + "a", method="plain")
    response = client.post(TOKEN_URL, data=code_form(tenant, code, code_verifier=short))
    assert response.status_code == 400


def _public_code(
    session_factory: sessionmaker[Session], settings: Settings, tenant: Tenant, challenge: str | None
) -> tuple[str, str, str]:
    public = make_public_client(session_factory)
    code = make_code(
        session_factory,
        settings,
        tenant,
        client_id=public.client_id,
        challenge=challenge,
        method="S256" if challenge else None,
    )
    return public.client_id, public.redirect_uri, code


def test_public_client_exchanges_with_pkce_and_no_secret(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    verifier, challenge = pkce_pair()
    client_id, redirect_uri, code = _public_code(session_factory, settings, tenant, challenge)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "code_verifier": verifier,
    }
    response = client.post(TOKEN_URL, data=form)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" in body
    # The public client refreshes with its client_id alone.
    refreshed = client.post(
        TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"], "client_id": client_id}
    )
    assert refreshed.status_code == 200, refreshed.text


def test_public_client_without_pkce_is_refused(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    client_id, redirect_uri, code = _public_code(session_factory, settings, tenant, None)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "client_id": client_id}
    response = client.post(TOKEN_URL, data=form)
    assert response.status_code == 400
    assert error_of(response)["message"] in ("INVALID_GRANT", "INVALID_REQUEST")
    # Even with a verifier, a code without a challenge cannot be exchanged by a public client.
    verifier, _ = pkce_pair()
    response = client.post(TOKEN_URL, data={**form, "code_verifier": verifier})
    assert response.status_code == 400
    assert error_of(response) == {"status": 400, "field": "code_verifier", "message": "INVALID_GRANT"}


def test_public_client_must_send_the_verifier(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    _verifier, challenge = pkce_pair()
    client_id, redirect_uri, code = _public_code(session_factory, settings, tenant, challenge)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "client_id": client_id}
    response = client.post(TOKEN_URL, data=form)
    assert response.status_code == 400
    assert error_of(response)["message"] == "INVALID_REQUEST"


def test_public_client_sending_a_secret_is_refused(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    verifier, challenge = pkce_pair()
    client_id, redirect_uri, code = _public_code(session_factory, settings, tenant, challenge)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "client_secret": "guess",
        "code_verifier": verifier,
    }
    assert client.post(TOKEN_URL, data=form).status_code == 401


def test_confidential_client_must_authenticate_even_with_pkce(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    verifier, challenge = pkce_pair()
    code = make_code(session_factory, settings, tenant, challenge=challenge, method="S256")
    form = code_form(tenant, code, code_verifier=verifier)
    del form["client_secret"]
    assert client.post(TOKEN_URL, data=form).status_code == 401


# -- /keylogin codes ----------------------------------------------------------------------------


def test_keylogin_code_is_swapped_for_an_api_key(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    code = make_code(session_factory, settings, tenant, purpose="api_key")
    before = tokens_of_client(session_factory, tenant.client_pk)
    response = client.post("/v2604/api/oauth/token/", data=code_form(tenant, code))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"api_key"}
    assert tokens_of_client(session_factory, tenant.client_pk) == before  # a key, not a token
    # The key works in the M2M flow, for this user and company.
    token = client.post(TOKEN_URL, data=credentials_form(tenant, api_key=body["api_key"]))
    assert token.status_code == 200
    info = session_info(client, token.json()["access_token"]).json()
    assert (info["companyId"], info["userId"]) == (tenant.company_id, tenant.user_id)
    # Single use, like every code.
    again = client.post(TOKEN_URL, data=code_form(tenant, code))
    assert again.status_code == 400
    assert error_of(again)["field"] == "code"


def test_keylogin_code_is_refused_to_a_public_client(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    public = make_public_client(session_factory)
    verifier, challenge = pkce_pair()
    code = make_code(
        session_factory,
        settings,
        tenant,
        client_id=public.client_id,
        purpose="api_key",
        challenge=challenge,
        method="S256",
    )
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": public.redirect_uri,
        "client_id": public.client_id,
        "code_verifier": verifier,
    }
    response = client.post(TOKEN_URL, data=form)
    assert response.status_code == 400
    assert error_of(response)["message"] == "UNAUTHORIZED_CLIENT"
