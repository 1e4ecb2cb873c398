"""The OAuth2 browser pages over HTTP: /login and /keylogin, consent, deny, PKCE, CSRF, /logout."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.auth import rules
from kirjuri.auth import service as auth_service
from kirjuri.auth.models import AuthorizationCode
from kirjuri.companies import service as companies_service
from kirjuri.core.ids import sha256_hex
from tests.factories import Tenant, unique
from tests.portal.helpers import browser, csrf, field

REDIRECT = "https://app.example.com/callback"


def _params(client_id: str, redirect_uri: str = REDIRECT, **extra: str) -> dict[str, str]:
    return {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "state": "st-123", **extra}


def _query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def _log_in(c: TestClient, path: str, params: dict[str, str], username: str, password: str) -> str:
    """Through the password step; returns the company chooser page."""
    page = c.get(path, params=params)
    assert page.status_code == 200, page.text
    response = c.post(
        "/login",
        data={
            "csrf_token": csrf(page.text),
            "req": field(page.text, "req"),
            "username": username,
            "password": password,
        },
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith(path + "?")
    chooser = c.get(response.headers["location"])
    assert chooser.status_code == 200
    return chooser.text


def _approve(c: TestClient, chooser: str, company_id: int) -> tuple[str, str]:
    """Chooser → consent → approve; returns (consent page, redirect location)."""
    consent = c.post(
        "/login/consent",
        data={"csrf_token": csrf(chooser), "req": field(chooser, "req"), "company_id": str(company_id)},
    )
    assert consent.status_code == 200, consent.text
    decided = c.post(
        "/login/decide",
        data={
            "csrf_token": csrf(consent.text),
            "req": field(consent.text, "req"),
            "company_id": str(company_id),
            "decision": "approve",
        },
    )
    assert decided.status_code == 302, decided.text
    return consent.text, decided.headers["location"]


def test_full_login_issues_a_code_bound_to_client_user_company_and_redirect(
    app: FastAPI, tenant: Tenant, db: Session
) -> None:
    c = browser(app)
    first = c.get("/login", params=_params(tenant.client_id))
    assert first.status_code == 200
    assert "Test client" in first.text and tenant.client_id in first.text
    assert 'name="password"' in first.text
    assert "default-src 'self'" in first.headers["content-security-policy"]
    cookie = first.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie

    chooser = _log_in(c, "/login", _params(tenant.client_id), tenant.username, tenant.password)
    assert "Testi Oy" in chooser and f'value="{tenant.company_id}"' in chooser
    consent, location = _approve(c, chooser, tenant.company_id)
    assert "Test client" in consent and tenant.client_id in consent and "Testi Oy" in consent

    assert location.startswith(REDIRECT + "?")
    query = _query(location)
    assert query["state"] == "st-123" and set(query) == {"code", "state"}
    row = db.get(AuthorizationCode, sha256_hex(query["code"]))
    assert row is not None
    assert (row.client_pk, row.user_id, row.company_id) == (tenant.client_pk, tenant.user_id, tenant.company_id)
    assert row.redirect_uri == REDIRECT and row.purpose == "token" and row.used_at is None
    assert row.code_challenge is None
    assert row.expires_at - row.created_at == timedelta(seconds=60)


def test_keylogin_issues_an_api_key_code(app: FastAPI, tenant: Tenant, db: Session) -> None:
    c = browser(app)
    chooser = _log_in(c, "/keylogin", _params(tenant.client_id), tenant.username, tenant.password)
    consent, location = _approve(c, chooser, tenant.company_id)
    assert "API key" in consent
    row = db.get(AuthorizationCode, sha256_hex(_query(location)["code"]))
    assert row is not None and row.purpose == "api_key" and row.company_id == tenant.company_id


def test_logged_in_browser_skips_the_password_step(app: FastAPI, tenant: Tenant) -> None:
    c = browser(app)
    _log_in(c, "/login", _params(tenant.client_id), tenant.username, tenant.password)
    again = c.get("/keylogin", params=_params(tenant.client_id, state="other"))
    assert again.status_code == 200
    assert 'name="password"' not in again.text and 'name="company_id"' in again.text


@pytest.mark.parametrize(
    ("client_id", "redirect_uri"),
    [
        ("no-such-client", REDIRECT),
        (None, "https://evil.example.com/callback"),
        (None, REDIRECT + "/"),
        (None, REDIRECT + "?x=1"),
        (None, ""),
    ],
)
def test_bad_client_or_redirect_uri_gets_an_error_page_never_a_redirect(
    app: FastAPI, tenant: Tenant, client_id: str | None, redirect_uri: str
) -> None:
    c = browser(app)
    response = c.get("/login", params=_params(client_id or tenant.client_id, redirect_uri))
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "redirect URI" in response.text


@pytest.mark.parametrize(("response_type", "error"), [("token", "unsupported_response_type"), ("", "invalid_request")])
def test_wrong_response_type_goes_back_with_an_error(
    app: FastAPI, tenant: Tenant, response_type: str, error: str
) -> None:
    response = browser(app).get("/login", params={**_params(tenant.client_id), "response_type": response_type})
    assert response.status_code == 302
    assert response.headers["location"].startswith(REDIRECT + "?")
    assert _query(response.headers["location"])["error"] == error
    assert _query(response.headers["location"])["state"] == "st-123"


@pytest.fixture()
def public_client(session_factory: sessionmaker[Session], tenant: Tenant) -> str:
    with session_factory() as session:
        new = auth_service.create_client(
            session, name="Mobile app", client_id=unique("public"), redirect_uri=REDIRECT, public=True
        )
        session.commit()
        return new.client.client_id


def test_public_client_without_pkce_is_refused(app: FastAPI, public_client: str) -> None:
    response = browser(app).get("/login", params=_params(public_client))
    assert response.status_code == 302
    query = _query(response.headers["location"])
    assert query["error"] == "invalid_request" and "PKCE" in query["error_description"]


@pytest.mark.parametrize(
    ("challenge", "method"),
    [("short", "S256"), ("a" * 43, "MD5"), ("a" * 129, "plain"), ("a b" + "c" * 41, "plain")],
)
def test_malformed_pkce_is_refused(app: FastAPI, public_client: str, challenge: str, method: str) -> None:
    params = _params(public_client, code_challenge=challenge, code_challenge_method=method)
    response = browser(app).get("/login", params=params)
    assert response.status_code == 302
    assert _query(response.headers["location"])["error"] == "invalid_request"


def test_public_client_with_pkce_stores_the_challenge(
    app: FastAPI, public_client: str, tenant: Tenant, db: Session
) -> None:
    challenge = rules.pkce_s256("v" * 64)
    params = _params(public_client, code_challenge=challenge, code_challenge_method="S256")
    c = browser(app)
    chooser = _log_in(c, "/login", params, tenant.username, tenant.password)
    _consent, location = _approve(c, chooser, tenant.company_id)
    row = db.get(AuthorizationCode, sha256_hex(_query(location)["code"]))
    assert row is not None and row.code_challenge == challenge and row.code_challenge_method == "S256"


def test_deny_goes_back_with_access_denied_and_no_code(app: FastAPI, tenant: Tenant, db: Session) -> None:
    c = browser(app)
    chooser = _log_in(c, "/login", _params(tenant.client_id), tenant.username, tenant.password)
    response = c.post(
        "/login/decide",
        data={
            "csrf_token": csrf(chooser),
            "req": field(chooser, "req"),
            "company_id": str(tenant.company_id),
            "decision": "deny",
        },
    )
    assert response.status_code == 302
    assert _query(response.headers["location"]) == {"error": "access_denied", "state": "st-123"}


def test_company_of_another_user_cannot_be_chosen(app: FastAPI, tenant: Tenant, other_tenant: Tenant) -> None:
    c = browser(app)
    chooser = _log_in(c, "/login", _params(tenant.client_id), tenant.username, tenant.password)
    data = {"csrf_token": csrf(chooser), "req": field(chooser, "req"), "company_id": str(other_tenant.company_id)}
    consent = c.post("/login/consent", data=data)
    assert "Allow access?" not in consent.text  # back to the chooser
    decided = c.post("/login/decide", data={**data, "decision": "approve"})
    assert decided.status_code == 200 and "location" not in decided.headers


def test_post_without_or_with_a_foreign_csrf_token_is_refused(app: FastAPI, tenant: Tenant) -> None:
    c = browser(app)
    page = c.get("/login", params=_params(tenant.client_id)).text
    login = {"req": field(page, "req"), "username": tenant.username, "password": tenant.password}
    assert c.post("/login", data=login).status_code == 403
    other_page = browser(app).get("/login", params=_params(tenant.client_id)).text
    assert c.post("/login", data={**login, "csrf_token": csrf(other_page)}).status_code == 403
    refused = c.post("/login/decide", data={"req": field(page, "req"), "decision": "deny"})
    assert refused.status_code == 403 and "location" not in refused.headers
    # A cookie-less request (another site's form) has no session at all.
    fresh = browser(app).post("/login", data={**login, "csrf_token": csrf(page)})
    assert fresh.status_code == 403


def test_authorization_request_cannot_be_swapped_or_replayed(app: FastAPI, tenant: Tenant) -> None:
    c = browser(app)
    page = c.get("/login", params=_params(tenant.client_id)).text
    req = field(page, "req")
    forged = req[:-3] + ("AAA" if not req.endswith("AAA") else "BBB")
    base = {"csrf_token": csrf(page), "username": tenant.username, "password": tenant.password}
    response = c.post("/login", data={**base, "req": forged})
    assert response.status_code == 400 and "expired" in response.text
    # The request of another browser's session is useless here.
    other = browser(app).get("/login", params=_params(tenant.client_id)).text
    assert c.post("/login", data={**base, "req": field(other, "req")}).status_code == 400


def test_wrong_password_and_unknown_user_get_the_same_answer(app: FastAPI, tenant: Tenant) -> None:
    c = browser(app)
    page = c.get("/login", params=_params(tenant.client_id)).text
    base = {"csrf_token": csrf(page), "req": field(page, "req")}
    wrong = c.post("/login", data={**base, "username": tenant.username, "password": "wrong-password"})
    nobody = c.post("/login", data={**base, "username": unique("nobody"), "password": "wrong-password"})
    assert wrong.status_code == nobody.status_code == 401
    assert "Wrong username or password." in wrong.text and "Wrong username or password." in nobody.text
    assert "set-cookie" not in wrong.headers


def test_user_without_company_gets_an_explanation(
    app: FastAPI, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        user = companies_service.create_user(
            session,
            username=unique("lonely"),
            first_name="Yksin",
            last_name="Olija",
            email="y@example.invalid",
            password="lonely-password-1",
        )
        session.commit()
        username = user.username
    c = browser(app)
    page = _log_in(c, "/login", _params(tenant.client_id), username, "lonely-password-1")
    assert "You belong to no company" in page
    back = c.post("/login/decide", data={"csrf_token": csrf(page), "req": field(page, "req"), "decision": "deny"})
    assert _query(back.headers["location"])["error"] == "access_denied"


def test_browser_logout_ends_the_session(app: FastAPI, tenant: Tenant) -> None:
    c = browser(app)
    chooser = _log_in(c, "/login", _params(tenant.client_id), tenant.username, tenant.password)
    assert c.post("/login/logout", data={"next": "/portal"}).status_code == 403
    out = c.post("/login/logout", data={"csrf_token": csrf(chooser), "next": "https://evil.example.com/"})
    assert out.status_code == 303 and out.headers["location"] == "/portal"
    again = c.get("/login", params=_params(tenant.client_id))
    assert 'name="password"' in again.text


def test_codes_from_the_pages_are_swapped_at_the_token_endpoint(app: FastAPI, tenant: Tenant) -> None:
    c = browser(app)
    chooser = _log_in(c, "/login", _params(tenant.client_id), tenant.username, tenant.password)
    _consent, location = _approve(c, chooser, tenant.company_id)
    swap = {
        "grant_type": "authorization_code",
        "code": _query(location)["code"],
        "redirect_uri": REDIRECT,
        "client_id": tenant.client_id,
        "client_secret": tenant.client_secret,
    }
    token = c.post("/api/oauth/token", data=swap)
    assert token.status_code == 200, token.text
    session = c.get("/api/sessioninfo", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    assert session.status_code == 200

    key_chooser = c.get("/keylogin", params=_params(tenant.client_id)).text
    _consent, key_location = _approve(c, key_chooser, tenant.company_id)
    key = c.post("/api/oauth/token", data={**swap, "code": _query(key_location)["code"]})
    assert key.status_code == 200, key.text
    assert key.json()["api_key"].startswith("kk.")
