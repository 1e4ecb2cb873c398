"""`POST /api/oauth/token` with `grant_type=client_credentials` + API key (Procountor §B.3), and the
transport rules every token request obeys (§B.6): form body only, no secrets in the URL, rate limits."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.api.ratelimit import Decision
from kirjuri.auth import service as auth_service
from kirjuri.companies import service as companies_service
from kirjuri.config import Settings
from kirjuri.core.ids import sha256_hex
from tests.auth.helpers import (
    TOKEN_URL,
    credentials_form,
    error_of,
    make_public_client,
    session_info,
    token_row,
    tokens_of_client,
)
from tests.factories import Tenant


def _claims(jwt: str) -> dict[str, object]:
    payload = jwt.split(".")[1]
    claims: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


@pytest.mark.parametrize(
    "url", ["/api/oauth/token", "/latest/api/oauth/token", "/v2604/api/oauth/token/", "/supported/api/oauth/token/"]
)
def test_issues_an_access_token_under_every_base_path(
    client: TestClient, tenant: Tenant, settings: Settings, url: str
) -> None:
    response = client.post(url, data=credentials_form(tenant, redirect_uri="https://ignored.example", scope="*"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}  # no refresh token for M2M
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert response.headers["cache-control"] == "no-store"
    access = body["access_token"]
    assert access.count(".") == 2  # a JWT, as Procountor's clients expect
    claims = _claims(access)
    assert claims["iss"] == settings.public_url
    assert claims["sub"] == str(tenant.user_id)
    assert claims["aud"] == tenant.client_id
    assert claims["cid"] == tenant.company_id
    assert claims["exp"] == claims["iat"] + 3600  # type: ignore[operator]

    info = session_info(client, access)
    assert info.status_code == 200
    assert info.json()["companyId"] == tenant.company_id
    assert info.json()["userId"] == tenant.user_id


def test_token_is_stored_hashed_and_bound_to_the_key(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    access = client.post(TOKEN_URL, data=credentials_form(tenant)).json()["access_token"]
    row = token_row(session_factory, access=access)
    assert row.access_hash == sha256_hex(access)
    assert row.refresh_hash is None
    assert row.api_key_id == tenant.api_key_id
    assert (row.company_id, row.user_id, row.client_pk) == (tenant.company_id, tenant.user_id, tenant.client_pk)
    assert row.access_expires_at - row.issued_at == timedelta(seconds=3600)


def test_http_basic_client_authentication_is_accepted(client: TestClient, tenant: Tenant) -> None:
    basic = base64.b64encode(f"{tenant.client_id}:{tenant.client_secret}".encode()).decode()
    response = client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials", "api_key": tenant.api_key},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200, response.text


def test_a_charset_parameter_is_tolerated(client: TestClient, tenant: Tenant) -> None:
    from urllib.parse import urlencode

    response = client.post(
        TOKEN_URL,
        content=urlencode(credentials_form(tenant)),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", "json"),
        ("text/plain", "form"),
        ("multipart/form-data; boundary=x", "form"),
        (None, "form"),
    ],
)
def test_only_form_bodies_are_accepted(client: TestClient, tenant: Tenant, content_type: str | None, body: str) -> None:
    from urllib.parse import urlencode

    form = credentials_form(tenant)
    content = json.dumps(form) if body == "json" else urlencode(form)
    headers = {"Content-Type": content_type} if content_type else {}
    before = tokens_of_client(client.app.state.session_factory, tenant.client_pk)  # type: ignore[attr-defined]
    response = client.post(TOKEN_URL, content=content.encode(), headers=headers)
    assert response.status_code == 415
    assert error_of(response)["message"] == "UNSUPPORTED_MEDIA_TYPE"
    assert tokens_of_client(client.app.state.session_factory, tenant.client_pk) == before  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["client_secret", "api_key", "code", "refresh_token", "password", "code_verifier"])
def test_secrets_in_the_query_string_are_refused(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], name: str
) -> None:
    before = tokens_of_client(session_factory, tenant.client_pk)
    response = client.post(f"/v2604/api/oauth/token/?{name}=leaked", data=credentials_form(tenant))
    assert response.status_code == 400
    item = error_of(response)
    assert item == {"status": 400, "field": name, "message": "CREDENTIALS_IN_URL"}
    assert tokens_of_client(session_factory, tenant.client_pk) == before


def test_harmless_query_parameters_do_not_matter(client: TestClient, tenant: Tenant) -> None:
    response = client.post(f"{TOKEN_URL}?grant_type=client_credentials", data=credentials_form(tenant))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"client_secret": "wrong"},
        {"client_secret": ""},
        {"client_id": "no-such-client"},
        {"client_id": ""},
    ],
)
def test_bad_client_credentials_are_401_unauthorized(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], change: dict[str, str]
) -> None:
    before = tokens_of_client(session_factory, tenant.client_pk)
    response = client.post(TOKEN_URL, data={**credentials_form(tenant), **change})
    assert response.status_code == 401
    body = response.json()
    assert body["errors"] == [{"status": 401, "message": "Unauthorized"}]
    assert body["error"] == "invalid_client"
    assert tokens_of_client(session_factory, tenant.client_pk) == before


def test_missing_api_key(client: TestClient, tenant: Tenant) -> None:
    form = credentials_form(tenant)
    del form["api_key"]
    response = client.post(TOKEN_URL, data=form)
    assert response.status_code == 400
    assert error_of(response) == {"status": 400, "field": "api_key", "message": "INVALID_REQUEST"}
    assert response.json()["error"] == "invalid_request"


def _refused_key(response: object) -> None:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == 400, response.text
    assert error_of(response) == {"status": 400, "field": "api_key", "message": "INVALID_GRANT"}
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("key", ["kk.000000000000000000000000.nope", "garbage", "kk..", "a.b.c.d"])
def test_unknown_or_malformed_api_key(client: TestClient, tenant: Tenant, key: str) -> None:
    _refused_key(client.post(TOKEN_URL, data=credentials_form(tenant, api_key=key)))


def test_api_key_with_a_wrong_secret_part(client: TestClient, tenant: Tenant) -> None:
    prefix, lookup, _secret = tenant.api_key.split(".")
    _refused_key(client.post(TOKEN_URL, data=credentials_form(tenant, api_key=f"{prefix}.{lookup}.wrongsecret")))


def test_api_key_of_another_client(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    _refused_key(client.post(TOKEN_URL, data=credentials_form(tenant, api_key=other_tenant.api_key)))
    # … and the other client cannot use this tenant's key either.
    _refused_key(client.post(TOKEN_URL, data=credentials_form(other_tenant, api_key=tenant.api_key)))


def test_revoked_api_key(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        auth_service.revoke_api_key(session, company_id=tenant.company_id, key_id=tenant.api_key_id)
        session.commit()
    _refused_key(client.post(TOKEN_URL, data=credentials_form(tenant)))


def test_api_key_of_a_user_removed_from_the_company(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        companies_service.remove_member(session, company_id=tenant.company_id, user_id=tenant.user_id)
        session.commit()
    _refused_key(client.post(TOKEN_URL, data=credentials_form(tenant)))


@pytest.mark.parametrize("grant_type", ["password", "implicit", "urn:ietf:params:oauth:grant-type:jwt-bearer"])
def test_unsupported_grant_type(client: TestClient, tenant: Tenant, grant_type: str) -> None:
    response = client.post(TOKEN_URL, data=credentials_form(tenant, grant_type=grant_type))
    assert response.status_code == 400
    assert error_of(response) == {"status": 400, "field": "grant_type", "message": "UNSUPPORTED_GRANT_TYPE"}
    assert response.json()["error"] == "unsupported_grant_type"


def test_missing_grant_type(client: TestClient, tenant: Tenant) -> None:
    form = credentials_form(tenant)
    del form["grant_type"]
    response = client.post(TOKEN_URL, data=form)
    assert response.status_code == 400
    assert error_of(response) == {"status": 400, "field": "grant_type", "message": "INVALID_REQUEST"}


def test_public_client_cannot_use_client_credentials(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    public = make_public_client(session_factory)
    response = client.post(
        TOKEN_URL, data={"grant_type": "client_credentials", "client_id": public.client_id, "api_key": "kk.a.b"}
    )
    assert response.status_code == 400
    assert error_of(response)["message"] == "UNAUTHORIZED_CLIENT"


def test_get_is_not_a_token_request(client: TestClient) -> None:
    assert client.get(TOKEN_URL).status_code == 405


# -- rate limits --------------------------------------------------------------------------------


class DenyingLimiter:
    """Records every key and refuses those that start with `deny`."""

    blocking = False

    def __init__(self, deny: str) -> None:
        self.deny = deny
        self.keys: list[str] = []

    def hit(self, key: str, *, rate: float, burst: int) -> Decision:
        self.keys.append(key)
        if key.startswith(self.deny):
            return Decision(False, burst, 0, 1.0, 2.5)
        return Decision(True, burst, burst - 1, 0.1, 0.0)


@pytest.fixture()
def limited_app(app: FastAPI) -> Iterator[FastAPI]:
    original = app.state.limiter
    yield app
    app.state.limiter = original


@pytest.mark.parametrize("deny", ["oauth:addr:", "oauth:client:"])
def test_token_requests_are_rate_limited_per_address_and_per_client(
    limited_app: FastAPI, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, deny: str
) -> None:
    limiter = DenyingLimiter(deny)
    limited_app.state.limiter = limiter
    before = tokens_of_client(session_factory, tenant.client_pk)
    with TestClient(limited_app) as test_client:
        response = test_client.post(TOKEN_URL, data=credentials_form(tenant))
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    assert error_of(response)["message"] == "RATE_LIMIT_EXCEEDED"
    assert tokens_of_client(session_factory, tenant.client_pk) == before
    assert any(k == "oauth:addr:testclient" for k in limiter.keys)
    if deny == "oauth:client:":
        assert f"oauth:client:{sha256_hex(tenant.client_id)[:32]}" in limiter.keys


def test_the_real_limiter_refuses_a_burst(
    settings: Settings, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    from kirjuri.app import create_app

    strict = create_app(settings.model_copy(update={"token_rate_per_second": 1}))
    with TestClient(strict) as test_client:
        first = test_client.post(TOKEN_URL, data=credentials_form(tenant, client_secret="wrong"))
        second = test_client.post(TOKEN_URL, data=credentials_form(tenant))
    assert first.status_code == 401
    assert second.status_code == 429
    assert int(second.headers["retry-after"]) >= 1


@pytest.mark.parametrize(("env", "status"), [("test", 200), ("production", 400)])
def test_plain_http_public_url_is_refused_in_production(
    settings: Settings, tenant: Tenant, env: str, status: int
) -> None:
    from kirjuri.app import create_app

    lan = create_app(settings.model_copy(update={"env": env, "public_url": "http://kirjuri.lan:8000"}))
    with TestClient(lan) as test_client:
        response = test_client.post(TOKEN_URL, data=credentials_form(tenant))
    assert response.status_code == status, response.text
    if status == 400:
        assert error_of(response)["message"] == "INSECURE_TRANSPORT"


def test_secrets_are_never_logged(
    client: TestClient,
    tenant: Tenant,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    access = client.post(TOKEN_URL, data=credentials_form(tenant)).json()["access_token"]
    client.post(TOKEN_URL, data=credentials_form(tenant, client_secret="wrong-" + tenant.client_secret))
    client.post(f"{TOKEN_URL}?api_key={tenant.api_key}", data=credentials_form(tenant))
    # The test's own HTTP client (httpx) logs the URL it calls: that is the caller's log, not ours.
    server_records = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    logged = server_records + capsys.readouterr().out
    for secret in (access, tenant.client_secret, tenant.api_key, tenant.api_key.split(".")[2]):
        assert secret not in logged
