"""The developer portal over HTTP: sign-up, login, testing environment, API keys, confirmations."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.auth import repository as auth_repository
from kirjuri.auth import service as auth_service
from kirjuri.auth.models import ApiKey
from kirjuri.companies.models import User
from kirjuri.mfa import service as mfa_service
from kirjuri.mfa.models import MfaTransaction
from tests.factories import Tenant, unique
from tests.portal.helpers import browser, csrf, external_asset_urls

PASSWORD = "correct horse battery"


def register(c: TestClient, username: str, password: str = PASSWORD, **overrides: str) -> Any:
    page = c.get("/portal/register")
    data = {
        "csrf_token": csrf(page.text),
        "username": username,
        "first_name": "Devi",
        "last_name": "Kehittäjä",
        "email": f"{username}@example.invalid",
        "password": password,
        **overrides,
    }
    return c.post("/portal/register", data=data)


def portal_login(c: TestClient, username: str, password: str, next: str = "/portal") -> Any:
    page = c.get("/portal/login", params={"next": next})
    return c.post(
        "/portal/login",
        data={"csrf_token": csrf(page.text), "username": username, "password": password, "next": next},
    )


def developer(app: FastAPI) -> tuple[TestClient, str]:
    c = browser(app)
    username = unique("dev")
    assert register(c, username).status_code == 303
    assert portal_login(c, username, PASSWORD).status_code == 303
    return c, username


def _secret(page: str, element_id: str) -> str:
    match = re.search(rf'<code id="{element_id}">([^<]+)</code>', page)
    assert match, element_id
    return match.group(1)


def test_home_explains_and_links_the_docs(app: FastAPI) -> None:
    page = browser(app).get("/portal")
    assert page.status_code == 200
    assert 'href="/api/docs"' in page.text and 'href="/api/redoc"' in page.text
    assert "Procountor" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert page.headers["cache-control"] == "no-store"


def test_stylesheet_is_served_locally(app: FastAPI) -> None:
    c = browser(app)
    css = c.get("/portal/static/kirjuri.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "http" not in css.text and "@import" not in css.text
    assert c.get("/portal/static/..%2Fschemas.py").status_code == 404
    assert c.get("/portal/static/nothing.css").status_code == 404


def test_registration_validates_and_rerenders_the_form(app: FastAPI, db: Session) -> None:
    c = browser(app)
    username = unique("dev")
    short = register(c, username, password="too-short")
    assert short.status_code == 400 and short.headers["content-type"].startswith("text/html")
    assert "at least 12 characters" in short.text and f'value="{username}"' in short.text
    assert "too-short" not in short.text  # the password is never echoed
    bad = register(c, username, email="not-an-email", first_name="名前")
    assert bad.status_code == 400 and "E-mail" in bad.text and "First name" in bad.text
    assert db.execute(select(User).where(User.username == username)).scalar_one_or_none() is None

    assert register(c, username).status_code == 303
    db.rollback()  # a fresh snapshot (SQLite keeps the old one for the whole transaction)
    user = db.execute(select(User).where(User.username == username)).scalar_one()
    assert user.is_developer and user.password_hash and PASSWORD not in user.password_hash
    taken = register(browser(app), username)
    assert taken.status_code == 400 and "taken" in taken.text


def test_portal_login_is_throttled_and_generic(app: FastAPI, tenant: Tenant) -> None:
    c = browser(app)
    wrong = portal_login(c, tenant.username, "wrong")
    assert wrong.status_code == 401 and "Wrong username or password." in wrong.text
    ok = portal_login(c, tenant.username, tenant.password, next="//evil.example.com/")
    assert ok.status_code == 303 and ok.headers["location"] == "/portal"


def test_register_login_and_request_a_testing_environment(app: FastAPI, db: Session) -> None:
    anonymous = browser(app).get("/portal/sandbox")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/portal/login?next=/portal/sandbox"

    c, _username = developer(app)
    form = c.get("/portal/sandbox")
    assert form.status_code == 200 and "/portal/callback" in form.text
    bad = c.post(
        "/portal/sandbox",
        data={"csrf_token": csrf(form.text), "company_name": "Kehitys Oy", "redirect_uri": "https://x.example/cb?q=1"},
    )
    assert bad.status_code == 400 and "Redirect URI" in bad.text
    done = c.post(
        "/portal/sandbox",
        data={"csrf_token": csrf(form.text), "company_name": "Kehitys Oy", "redirect_uri": "https://dev.example/cb"},
    )
    assert done.status_code == 201, done.text
    assert done.headers["cache-control"] == "no-store"
    client_id = _secret(done.text, "client-id")
    client_secret = _secret(done.text, "client-secret")
    api_key = _secret(done.text, "api-key")
    assert _secret(done.text, "redirect-uri") == "https://dev.example/cb"
    assert "Password</dt>" not in done.text and "Username</dt>" not in done.text  # the developer's own login

    # The credentials work — through the real token endpoint …
    token = c.post(
        "/api/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "api_key": api_key,
        },
    )
    assert token.status_code == 200, token.text
    info = c.get("/api/sessioninfo", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    assert info.status_code == 200
    # … and are stored only hashed.
    client = auth_repository.client_by_client_id(db, client_id)
    assert client is not None and client.secret_hash and client_secret not in client.secret_hash
    assert auth_service.verify_api_key(db, client=client, api_key=api_key) is not None

    # Never shown again.
    for path in ("/portal/sandbox", "/portal/apikeys", "/portal"):
        page = c.get(path).text
        assert client_secret not in page and api_key not in page
    assert client_id in c.get("/portal/apikeys").text


def test_testing_environment_is_for_developers(app: FastAPI, tenant: Tenant) -> None:
    c = browser(app)
    assert portal_login(c, tenant.username, tenant.password).status_code == 303
    page = c.get("/portal/sandbox")
    assert page.status_code == 403 and "Developers only" in page.text
    refused = c.post(
        "/portal/sandbox",
        data={"csrf_token": csrf(page.text), "company_name": "X Oy", "redirect_uri": "https://dev.example/cb"},
    )
    assert refused.status_code == 403


def test_every_post_needs_the_csrf_token(app: FastAPI) -> None:
    c, _ = developer(app)
    for path, data in [
        ("/portal/sandbox", {"company_name": "X", "redirect_uri": "https://dev.example/cb"}),
        ("/portal/apikeys", {"company_id": "1", "client_id": "x"}),
        ("/portal/apikeys/revoke", {"company_id": "1", "key_id": "1"}),
        ("/portal/confirmations", {"transaction_id": "x", "decision": "confirm"}),
        ("/portal/register", {"username": unique("x"), "password": PASSWORD}),
        ("/portal/login", {"username": "x", "password": "y"}),
    ]:
        assert c.post(path, data=data).status_code == 403, path
        assert c.post(path, data={**data, "csrf_token": "0" * 64}).status_code == 403, path


@pytest.fixture()
def logged_in(app: FastAPI, tenant: Tenant) -> TestClient:
    c = browser(app)
    assert portal_login(c, tenant.username, tenant.password).status_code == 303
    return c


def test_api_key_created_in_the_portal_is_shown_once_and_works(
    logged_in: TestClient, tenant: Tenant, db: Session
) -> None:
    page = logged_in.get("/portal/apikeys")
    assert page.status_code == 200 and "Testi Oy" in page.text
    created = logged_in.post(
        "/portal/apikeys",
        data={
            "csrf_token": csrf(page.text),
            "company_id": str(tenant.company_id),
            "client_id": tenant.client_id,
            "name": "ERP",
        },
    )
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    key = _secret(created.text, "new-api-key")
    client = auth_repository.client_by_client_id(db, tenant.client_id)
    assert client is not None
    row = auth_service.verify_api_key(db, client=client, api_key=key)
    assert row is not None and (row.user_id, row.company_id, row.name) == (tenant.user_id, tenant.company_id, "ERP")
    listing = logged_in.get("/portal/apikeys").text
    assert key not in listing and "ERP" in listing

    revoked = logged_in.post(
        "/portal/apikeys/revoke",
        data={"csrf_token": csrf(page.text), "company_id": str(tenant.company_id), "key_id": str(row.id)},
    )
    assert revoked.status_code == 303
    db.rollback()
    assert db.get(ApiKey, (tenant.company_id, row.id)).revoked_at is not None  # type: ignore[union-attr]
    assert auth_service.verify_api_key(db, client=client, api_key=key) is None
    assert "revoked" in logged_in.get(revoked.headers["location"]).text


@pytest.mark.parametrize(
    ("company", "client_id", "status", "message"),
    [
        ("other", "own", 403, "not a member of that company"),
        ("own", "no-such-client", 400, "No integration has that client id"),
        ("abc", "own", 400, "Company: choose one of your companies"),
        ("own", "", 400, "Client id"),
    ],
)
def test_api_key_only_for_own_company_and_a_known_client(
    *,
    logged_in: TestClient,
    tenant: Tenant,
    other_tenant: Tenant,
    company: str,
    client_id: str,
    status: int,
    message: str,
) -> None:
    page = logged_in.get("/portal/apikeys").text
    company_id = {"own": str(tenant.company_id), "other": str(other_tenant.company_id)}.get(company, company)
    data = {
        "csrf_token": csrf(page),
        "company_id": company_id,
        "client_id": tenant.client_id if client_id == "own" else client_id,
    }
    refused = logged_in.post("/portal/apikeys", data=data)
    assert refused.status_code == status and message in refused.text
    assert 'id="new-api-key"' not in refused.text


def test_another_users_key_is_neither_listed_nor_revocable(
    logged_in: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session
) -> None:
    page = logged_in.get("/portal/apikeys").text
    assert other_tenant.client_id not in page and tenant.client_id in page
    refused = logged_in.post(
        "/portal/apikeys/revoke",
        data={
            "csrf_token": csrf(page),
            "company_id": str(other_tenant.company_id),
            "key_id": str(other_tenant.api_key_id),
        },
    )
    assert refused.status_code == 404 and "Not found among your own items" in refused.text
    assert db.get(ApiKey, (other_tenant.company_id, other_tenant.api_key_id)).revoked_at is None  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def portal_kind() -> str:
    @mfa_service.register("PORTAL_TEST")
    def _apply(_session: Session, transaction: MfaTransaction) -> dict[str, object]:
        return {"info": {"message": "applied", "payload": transaction.payload}}

    return "PORTAL_TEST"


def _pending(session_factory: sessionmaker[Session], tenant: Tenant, kind: str) -> str:
    with session_factory() as session:
        transaction = mfa_service.start(
            session, company_id=tenant.company_id, user_id=tenant.user_id, kind=kind, payload={"amount": "12.50"}
        )
        session.commit()
        return transaction.id


def test_confirmations_list_confirm_and_reject(
    logged_in: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], portal_kind: str, db: Session
) -> None:
    first = _pending(session_factory, tenant, portal_kind)
    second = _pending(session_factory, tenant, portal_kind)
    page = logged_in.get("/portal/confirmations")
    assert page.status_code == 200 and first in page.text and second in page.text and "12.50" in page.text
    confirmed = logged_in.post(
        "/portal/confirmations", data={"csrf_token": csrf(page.text), "transaction_id": first, "decision": "confirm"}
    )
    assert confirmed.status_code == 303
    rejected = logged_in.post(
        "/portal/confirmations", data={"csrf_token": csrf(page.text), "transaction_id": second, "decision": "reject"}
    )
    assert rejected.status_code == 303
    db.rollback()
    statuses = {t.id: t.status for t in db.execute(select(MfaTransaction)).scalars() if t.id in (first, second)}
    assert statuses == {first: "CONFIRMED", second: "REJECTED"}
    after = logged_in.get("/portal/confirmations").text
    assert first not in after and second not in after
    again = logged_in.post(
        "/portal/confirmations", data={"csrf_token": csrf(page.text), "transaction_id": first, "decision": "confirm"}
    )
    assert again.status_code == 409 and "already answered" in again.text


def test_another_users_confirmation_is_invisible_and_untouchable(
    logged_in: TestClient,
    other_tenant: Tenant,
    session_factory: sessionmaker[Session],
    portal_kind: str,
    db: Session,
) -> None:
    foreign = _pending(session_factory, other_tenant, portal_kind)
    page = logged_in.get("/portal/confirmations").text
    assert foreign not in page
    refused = logged_in.post(
        "/portal/confirmations", data={"csrf_token": csrf(page), "transaction_id": foreign, "decision": "confirm"}
    )
    assert refused.status_code == 403 and "Not found among your own items" in refused.text
    transaction = db.execute(select(MfaTransaction).where(MfaTransaction.id == foreign)).scalar_one()
    assert transaction.status == "PENDING"


def test_no_page_loads_anything_from_elsewhere(app: FastAPI, tenant: Tenant) -> None:
    c, _ = developer(app)
    login_params = {"response_type": "code", "client_id": tenant.client_id, "redirect_uri": tenant.redirect_uri}
    pages = [
        c.get(path).text
        for path in ("/portal", "/portal/register", "/portal/sandbox", "/portal/apikeys", "/portal/confirmations")
    ]
    anonymous = browser(app)
    pages += [anonymous.get("/portal/login").text, anonymous.get("/login", params=login_params).text]
    pages.append(anonymous.get("/login", params={**login_params, "redirect_uri": "https://evil.example/"}).text)
    for page in pages:
        assert external_asset_urls(page) == []
        assert "<script" not in page and "style=" not in page  # nothing inline for the CSP to block
        assert 'href="/portal/static/kirjuri.css"' in page
