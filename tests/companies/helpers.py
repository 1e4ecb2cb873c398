"""Test helpers of the companies and MFA tests: a colleague in a tenant's company, with a token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from kirjuri.auth import service as auth_service
from kirjuri.auth.models import OAuthClient
from kirjuri.companies import rules
from kirjuri.companies import service as companies_service
from kirjuri.config import Settings
from tests.factories import Tenant, unique


@dataclass
class Colleague:
    user_id: int
    username: str
    access_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def add_colleague(
    session_factory: sessionmaker[Session],
    settings: Settings,
    tenant: Tenant,
    *,
    first_name: str = "Kalle",
    last_name: str = "Kollega",
    rights: dict[str, Any] | None = None,
    role: str = "USER",
) -> Colleague:
    with session_factory() as session:
        user = companies_service.create_user(
            session,
            username=unique("colleague"),
            first_name=first_name,
            last_name=last_name,
            email="kalle@example.invalid",
            mobile_phone="+358409876543",
        )
        companies_service.add_member(
            session, company_id=tenant.company_id, user_id=user.id, rights=rights or rules.READ_ONLY, role=role
        )
        client = session.get(OAuthClient, tenant.client_pk)
        assert client is not None
        issued = auth_service.issue_token(
            session,
            client=client,
            company_id=tenant.company_id,
            user_id=user.id,
            access_ttl=settings.access_token_ttl,
            signing_key=settings.secret_key.get_secret_value(),
            issuer=settings.public_url,
        )
        session.commit()
        return Colleague(user_id=user.id, username=user.username, access_token=issued.access_token)
