"""Builders of test data through the services (never by inserting rows behind their back)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from kirjuri.auth import service as auth_service
from kirjuri.companies import rules as rights
from kirjuri.companies import service as companies_service
from kirjuri.config import Settings


@dataclass
class Tenant:
    company_id: int
    user_id: int
    username: str
    password: str
    client_pk: int
    client_id: str
    client_secret: str
    redirect_uri: str
    api_key: str
    api_key_id: int
    access_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def make_tenant(
    session_factory: sessionmaker[Session],
    settings: Settings,
    *,
    name: str = "Testi Oy",
    user_rights: dict[str, Any] | None = None,
) -> Tenant:
    password = secrets.token_urlsafe(12)
    with session_factory() as session:
        company = companies_service.create_company(session, name=name, business_id="1234567-1")
        user = companies_service.create_user(
            session,
            username=unique("user"),
            first_name="Testi",
            last_name="Käyttäjä",
            email="testi@example.invalid",
            password=password,
            mobile_phone="+358401234567",
        )
        companies_service.add_member(
            session,
            company_id=company.id,
            user_id=user.id,
            rights=user_rights if user_rights is not None else rights.FULL_RIGHTS,
            role=rights.ADMIN_ROLE,
        )
        redirect_uri = "https://app.example.com/callback"
        new_client = auth_service.create_client(
            session, name="Test client", client_id=unique("client"), redirect_uri=redirect_uri
        )
        assert new_client.client_secret is not None
        key, api_key = auth_service.create_api_key(
            session, company_id=company.id, user_id=user.id, client=new_client.client
        )
        issued = auth_service.issue_token(
            session,
            client=new_client.client,
            company_id=company.id,
            user_id=user.id,
            api_key_id=key.id,
            access_ttl=settings.access_token_ttl,
            signing_key=settings.secret_key.get_secret_value(),
            issuer=settings.public_url,
        )
        session.commit()
        return Tenant(
            company_id=company.id,
            user_id=user.id,
            username=user.username,
            password=password,
            client_pk=new_client.client.id,
            client_id=new_client.client.client_id,
            client_secret=new_client.client_secret,
            redirect_uri=redirect_uri,
            api_key=api_key,
            api_key_id=key.id,
            access_token=issued.access_token,
        )
