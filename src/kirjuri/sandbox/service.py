"""Create a sandbox: a private testing environment with credentials, as Procountor's PTS pack.

Invariant: one call creates, in one transaction, a developer client (client id, secret,
redirect URI), a company seeded with demo data, a user with every right in it and that user's
API key for the client — and returns the secrets exactly once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session

from kirjuri.attachments.storage import FileStore
from kirjuri.auth import service as auth_service
from kirjuri.companies import rules as rights
from kirjuri.companies import service as companies_service
from kirjuri.core.ids import new_secret
from kirjuri.sandbox import demo


@dataclass(frozen=True, slots=True)
class SandboxCredentials:
    company_id: int
    company_name: str
    username: str
    password: str
    client_id: str
    client_secret: str
    redirect_uri: str
    api_key: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def create_sandbox(
    session: Session,
    *,
    name: str = "Demo Oy",
    redirect_uri: str = "http://127.0.0.1:8000/portal/callback",
    developer_user_id: int | None = None,
    username: str | None = None,
    file_store: FileStore | None = None,
) -> SandboxCredentials:
    suffix = new_secret(4).lower().replace("-", "x").replace("_", "y")
    company = companies_service.create_company(session, name=name, business_id="1234567-1", is_sandbox=True)
    password = new_secret(12)
    if developer_user_id is None:
        user = companies_service.create_user(
            session,
            username=username or f"sandbox-{suffix}",
            first_name="Sanna",
            last_name="Sandbox",
            email=f"sandbox-{suffix}@example.invalid",
            password=password,
            mobile_phone="+358401234567",
            is_developer=True,
        )
        user_id, login = user.id, user.username
    else:
        user_id, login, password = developer_user_id, "", ""
    companies_service.add_member(
        session, company_id=company.id, user_id=user_id, rights=rights.FULL_RIGHTS, role=rights.ADMIN_ROLE
    )
    new_client = auth_service.create_client(
        session,
        name=f"{name} sandbox client",
        client_id=f"sandbox-{suffix}",
        redirect_uri=redirect_uri,
        owner_user_id=user_id,
    )
    assert new_client.client_secret is not None
    _key, api_key = auth_service.create_api_key(
        session, company_id=company.id, user_id=user_id, client=new_client.client, name="sandbox"
    )
    demo.seed_company(session, company_id=company.id, user_id=user_id, file_store=file_store)
    return SandboxCredentials(
        company_id=company.id,
        company_name=company.name,
        username=login,
        password=password,
        client_id=new_client.client.client_id,
        client_secret=new_client.client_secret,
        redirect_uri=redirect_uri,
        api_key=api_key,
    )
