"""Helpers of the OAuth2 tests: token requests, authorization codes, PKCE pairs, DB look-ups."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.auth import repository
from kirjuri.auth import service as auth_service
from kirjuri.auth.models import Token
from kirjuri.config import Settings
from kirjuri.core.ids import sha256_hex
from tests.factories import Tenant, unique

TOKEN_URL = "/api/oauth/token"
REVOKE_URL = "/api/oauth/revoke"


def credentials_form(tenant: Tenant, **extra: str) -> dict[str, str]:
    form = {
        "grant_type": "client_credentials",
        "client_id": tenant.client_id,
        "client_secret": tenant.client_secret,
        "api_key": tenant.api_key,
    }
    form.update(extra)
    return {k: v for k, v in form.items() if v is not None}


def code_form(tenant: Tenant, code: str, **extra: str) -> dict[str, str]:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": tenant.redirect_uri,
        "client_id": tenant.client_id,
        "client_secret": tenant.client_secret,
    }
    form.update(extra)
    return form


def refresh_form(tenant: Tenant, refresh_token: str, **extra: str) -> dict[str, str]:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": tenant.client_id,
        "client_secret": tenant.client_secret,
    }
    form.update(extra)
    return form


def pkce_pair(method: str = "S256") -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    if method == "plain":
        return verifier, verifier
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_code(
    session_factory: sessionmaker[Session],
    settings: Settings,
    tenant: Tenant,
    *,
    client_id: str | None = None,
    purpose: str = "token",
    challenge: str | None = None,
    method: str | None = None,
) -> str:
    """A fresh authorization code for the tenant's user and company, as the login pages make it."""
    with session_factory() as session:
        client = repository.client_by_client_id(session, client_id or tenant.client_id)
        assert client is not None
        code = auth_service.create_authorization_code(
            session,
            client=client,
            user_id=tenant.user_id,
            company_id=tenant.company_id,
            redirect_uri=client.redirect_uri,
            ttl_seconds=settings.auth_code_ttl,
            purpose=purpose,
            code_challenge=challenge,
            code_challenge_method=method,
        )
        session.commit()
        return code


@dataclass
class PublicClient:
    client_id: str
    redirect_uri: str


def make_public_client(session_factory: sessionmaker[Session]) -> PublicClient:
    with session_factory() as session:
        new = auth_service.create_client(
            session, name="SPA", client_id=unique("public"), redirect_uri="http://127.0.0.1:9999/cb", public=True
        )
        session.commit()
        return PublicClient(new.client.client_id, new.client.redirect_uri)


def token_row(
    session_factory: sessionmaker[Session], *, access: str | None = None, refresh: str | None = None
) -> Token:
    with session_factory() as session:
        if access is not None:
            row = repository.token_by_access_hash(session, sha256_hex(access))
        else:
            assert refresh is not None
            row = repository.token_by_refresh_hash(session, sha256_hex(refresh))
        assert row is not None
        session.expunge(row)
        return row


def tokens_of_client(session_factory: sessionmaker[Session], client_pk: int) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(Token).where(Token.client_pk == client_pk)) or 0)


def session_info(client: TestClient, access_token: str) -> Response:
    return client.get("/api/sessioninfo", headers={"Authorization": f"Bearer {access_token}"})


def error_of(response: Response) -> dict[str, Any]:
    """The single item of a Procountor error body."""
    body = response.json()
    assert len(body["errors"]) == 1, body
    item: dict[str, Any] = body["errors"][0]
    assert item["status"] == response.status_code
    return item
