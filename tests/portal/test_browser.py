"""The browser session: signed cookie flags, tampering, expiry of the login, safe `next` targets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.orm import Session
from starlette.requests import Request

from kirjuri.browser import SESSION_COOKIE, Browser, safe_next
from kirjuri.config import Settings
from kirjuri.core import clock
from tests.factories import Tenant
from tests.portal.helpers import browser, csrf


@pytest.fixture()
def _reset_clock() -> Iterator[None]:
    clock.reset()
    yield
    clock.reset()


def _request(settings: Settings, cookie: str | None = None) -> Request:
    headers = [(b"cookie", f"{SESSION_COOKIE}={cookie}".encode())] if cookie else []
    app = SimpleNamespace(state=SimpleNamespace(settings=settings))
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "app": app, "query_string": b""})


@pytest.mark.parametrize(
    ("public_url", "secure"), [("https://kirjuri.example", True), ("http://127.0.0.1:8000", False)]
)
def test_cookie_is_httponly_lax_and_secure_behind_https(
    settings: Settings, db: Session, public_url: str, secure: bool
) -> None:
    b = Browser(_request(settings.model_copy(update={"public_url": public_url})), db)
    response = b.render("error.html", {"title": "t", "message": "m"})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert ("secure" in cookie) is secure


def test_a_tampered_or_foreign_cookie_is_an_anonymous_session(
    app: FastAPI, tenant: Tenant, settings: Settings, db: Session
) -> None:
    c = browser(app)
    page = c.get("/portal/login").text
    c.post("/portal/login", data={"csrf_token": csrf(page), "username": tenant.username, "password": tenant.password})
    value = c.cookies[SESSION_COOKIE]
    assert Browser(_request(settings, value), db).user is not None
    assert Browser(_request(settings, value[:-2] + "xx"), db).user is None
    other = settings.model_copy(update={"secret_key": SecretStr("another-secret")})
    assert Browser(_request(other, value), db).user is None


@pytest.mark.usefixtures("_reset_clock")
def test_a_login_lasts_eight_hours(app: FastAPI, tenant: Tenant) -> None:
    c = browser(app)
    page = c.get("/portal/login").text
    c.post("/portal/login", data={"csrf_token": csrf(page), "username": tenant.username, "password": tenant.password})
    assert c.get("/portal/apikeys").status_code == 200
    clock.travel(timedelta(hours=7, minutes=59))
    assert c.get("/portal/apikeys").status_code == 200
    clock.travel(timedelta(minutes=2))
    expired = c.get("/portal/apikeys")
    assert expired.status_code == 303 and expired.headers["location"].startswith("/portal/login")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/portal/apikeys", "/portal/apikeys"),
        ("/login?client_id=x&state=y", "/login?client_id=x&state=y"),
        ("https://evil.example/", "/portal"),
        ("//evil.example/", "/portal"),
        ("/\\evil.example", "/portal"),
        ("javascript:alert(1)", "/portal"),
        ("", "/portal"),
        (None, "/portal"),
    ],
)
def test_next_target_stays_on_the_site(target: str | None, expected: str) -> None:
    assert safe_next(target, "/portal") == expected
