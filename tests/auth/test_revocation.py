"""Ending tokens: RFC 7009 revocation, `POST /logout` at the host root, revoked API keys and removed
members (tokens fail at once), and the RFC 8414 metadata / OpenAPI documentation of the endpoints."""

from __future__ import annotations

from typing import Any

import pytest
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.auth import service as auth_service
from kirjuri.companies import service as companies_service
from kirjuri.config import Settings
from tests.auth.helpers import (
    REVOKE_URL,
    TOKEN_URL,
    code_form,
    credentials_form,
    error_of,
    make_code,
    refresh_form,
    session_info,
    token_row,
)
from tests.factories import Tenant


@pytest.fixture()
def tokens(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings) -> Any:
    response = client.post(TOKEN_URL, data=code_form(tenant, make_code(session_factory, settings, tenant)))
    assert response.status_code == 200
    return response.json()


def _revoke(tenant: Tenant, token: str, **extra: str) -> dict[str, str]:
    return {"token": token, "client_id": tenant.client_id, "client_secret": tenant.client_secret, **extra}


# -- RFC 7009 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("hint", [None, "access_token", "refresh_token"])
def test_revoking_an_access_token(client: TestClient, tenant: Tenant, tokens: Any, hint: str | None) -> None:
    form = _revoke(tenant, tokens["access_token"], **({"token_type_hint": hint} if hint else {}))
    response = client.post("/v2604/api/oauth/revoke/", data=form)
    assert response.status_code == 200, response.text
    assert response.json() == {}
    assert session_info(client, tokens["access_token"]).status_code == 401
    # The refresh token of the same row goes with it.
    assert client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"])).status_code == 400


def test_revoking_a_refresh_token_revokes_its_family(client: TestClient, tenant: Tenant, tokens: Any) -> None:
    new = client.post(TOKEN_URL, data=refresh_form(tenant, tokens["refresh_token"])).json()
    form = _revoke(tenant, new["refresh_token"], token_type_hint="refresh_token")
    assert client.post(REVOKE_URL, data=form).status_code == 200
    assert session_info(client, new["access_token"]).status_code == 401
    assert session_info(client, tokens["access_token"]).status_code == 401


def test_revoking_an_m2m_token(client: TestClient, tenant: Tenant) -> None:
    access = client.post(TOKEN_URL, data=credentials_form(tenant)).json()["access_token"]
    assert client.post(REVOKE_URL, data=_revoke(tenant, access)).status_code == 200
    assert session_info(client, access).status_code == 401
    assert session_info(client, tenant.access_token).status_code == 200  # other tokens of the key live on


def test_unknown_token_answers_200(client: TestClient, tenant: Tenant) -> None:
    response = client.post(REVOKE_URL, data=_revoke(tenant, "no-such-token"))
    assert response.status_code == 200
    assert response.json() == {}


def test_token_of_another_client_is_refused_and_kept(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, tokens: Any
) -> None:
    response = client.post(REVOKE_URL, data=_revoke(other_tenant, tokens["access_token"]))
    assert response.status_code == 400
    assert error_of(response)["message"] == "INVALID_GRANT"
    assert session_info(client, tokens["access_token"]).status_code == 200


@pytest.mark.parametrize("change", [{"client_secret": "wrong"}, {"client_id": "nobody"}, {"client_secret": ""}])
def test_revocation_needs_client_authentication(
    client: TestClient, tenant: Tenant, tokens: Any, change: dict[str, str]
) -> None:
    response = client.post(REVOKE_URL, data={**_revoke(tenant, tokens["access_token"]), **change})
    assert response.status_code == 401
    assert response.json()["errors"] == [{"status": 401, "message": "Unauthorized"}]
    assert session_info(client, tokens["access_token"]).status_code == 200


def test_revocation_without_token(client: TestClient, tenant: Tenant) -> None:
    form = _revoke(tenant, "x")
    del form["token"]
    response = client.post(REVOKE_URL, data=form)
    assert response.status_code == 400
    assert error_of(response)["message"] == "INVALID_REQUEST"


def test_revocation_with_an_unknown_hint(client: TestClient, tenant: Tenant, tokens: Any) -> None:
    response = client.post(REVOKE_URL, data=_revoke(tenant, tokens["access_token"], token_type_hint="id_token"))
    assert response.status_code == 400
    assert error_of(response) == {"status": 400, "field": "token_type_hint", "message": "UNSUPPORTED_TOKEN_TYPE"}
    assert session_info(client, tokens["access_token"]).status_code == 200


@pytest.mark.parametrize("name", ["token", "client_secret"])
def test_revocation_refuses_secrets_in_the_url(client: TestClient, tenant: Tenant, tokens: Any, name: str) -> None:
    response = client.post(f"{REVOKE_URL}?{name}=x", data=_revoke(tenant, tokens["access_token"]))
    assert response.status_code == 400
    assert error_of(response) == {"status": 400, "field": name, "message": "CREDENTIALS_IN_URL"}
    assert session_info(client, tokens["access_token"]).status_code == 200


def test_revocation_takes_only_forms(client: TestClient, tenant: Tenant, tokens: Any) -> None:
    response = client.post(REVOKE_URL, json=_revoke(tenant, tokens["access_token"]))
    assert response.status_code == 415
    assert session_info(client, tokens["access_token"]).status_code == 200


# -- POST /logout (the Procountor client's invalidate_token) ------------------------------------


def test_logout_revokes_the_bearer_token(client: TestClient, tenant: Tenant) -> None:
    response = client.post("/logout", headers={"Authorization": f"Bearer {tenant.access_token}"})
    assert response.status_code == 200
    assert response.json() == {"message": "LOGGED_OUT"}
    assert session_info(client, tenant.access_token).status_code == 401
    again = client.post("/logout", headers={"Authorization": f"Bearer {tenant.access_token}"})
    assert again.status_code == 401
    assert again.json() == {"errors": [{"status": 401, "message": "Unauthorized"}]}


def test_logout_accepts_a_lowercase_scheme(client: TestClient, tenant: Tenant) -> None:
    assert client.post("/logout", headers={"authorization": f"bearer {tenant.access_token}"}).status_code == 200
    assert session_info(client, tenant.access_token).status_code == 401


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer unknown.token.value", "Basic dXNlcjpwYXNz"])
def test_logout_without_a_valid_token_is_401(client: TestClient, tenant: Tenant, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = client.post("/logout", headers=headers)
    assert response.status_code == 401
    assert response.json()["errors"] == [{"status": 401, "message": "Unauthorized"}]
    assert session_info(client, tenant.access_token).status_code == 200


def test_logout_is_not_under_the_api_base(client: TestClient, tenant: Tenant) -> None:
    response = client.post("/api/logout", headers={"Authorization": f"Bearer {tenant.access_token}"})
    assert response.status_code == 404
    assert session_info(client, tenant.access_token).status_code == 200


def test_logout_without_a_bearer_token_is_401(client: TestClient) -> None:
    """`/logout` is the API's: a browser form post is no bearer token (browsers use /login/logout)."""
    response = client.post("/logout", data={"csrf_token": "x"}, follow_redirects=False)
    assert response.status_code == 401
    assert response.json() == {"errors": [{"status": 401, "message": "Unauthorized"}]}


# -- a revoked API key or a removed member: tokens fail at once ---------------------------------


def test_revoking_the_api_key_kills_its_tokens(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    fresh = client.post(TOKEN_URL, data=credentials_form(tenant)).json()["access_token"]
    assert session_info(client, fresh).status_code == 200
    with session_factory() as session:
        auth_service.revoke_api_key(session, company_id=tenant.company_id, key_id=tenant.api_key_id)
        session.commit()
    for access in (fresh, tenant.access_token):
        response = session_info(client, access)
        assert response.status_code == 401
        assert response.json() == {"errors": [{"status": 401, "message": "Unauthorized"}]}


def test_removing_the_member_kills_every_token(
    client: TestClient, tenant: Tenant, tokens: Any, session_factory: sessionmaker[Session]
) -> None:
    m2m = client.post(TOKEN_URL, data=credentials_form(tenant)).json()["access_token"]
    with session_factory() as session:
        companies_service.remove_member(session, company_id=tenant.company_id, user_id=tenant.user_id)
        session.commit()
    for access in (m2m, tokens["access_token"], tenant.access_token):
        assert session_info(client, access).status_code == 401
    assert token_row(session_factory, access=m2m).revoked_at is None  # refused by the membership check itself


# -- metadata and documentation -----------------------------------------------------------------


def test_authorization_server_metadata(client: TestClient, settings: Settings) -> None:
    response = client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    body = response.json()
    base = settings.public_url.rstrip("/")
    assert body["issuer"] == settings.public_url
    assert body["authorization_endpoint"] == f"{base}/login"
    assert body["token_endpoint"] == f"{base}/api/oauth/token"
    assert body["revocation_endpoint"] == f"{base}/api/oauth/revoke"
    assert body["code_challenge_methods_supported"] == ["S256", "plain"]
    assert set(body["grant_types_supported"]) == {"authorization_code", "client_credentials", "refresh_token"}
    assert {"client_secret_post", "client_secret_basic", "none"} == set(body["token_endpoint_auth_methods_supported"])
    AuthorizationServerMetadata(body).validate()  # RFC 8414 rules, checked by Authlib


def test_openapi_documents_the_oauth_endpoints(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    token = paths["/api/oauth/token"]["post"]
    assert token["tags"] == ["OAuth2"]
    assert list(token["requestBody"]["content"]) == ["application/x-www-form-urlencoded"]
    assert {"200", "400", "401", "415", "429"} <= set(token["responses"])
    assert paths["/api/oauth/revoke"]["post"]["tags"] == ["OAuth2"]
    assert paths["/logout"]["post"]["tags"] == ["OAuth2"]
    assert paths["/.well-known/oauth-authorization-server"]["get"]["tags"] == ["OAuth2"]
