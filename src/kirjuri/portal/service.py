"""Verbs of the developer portal: sign up, request a testing environment, manage own API keys,
answer pending confirmations, import a bank file.

Invariants: the user always comes from the browser session, never from a form; a user acts only
on their own keys in companies they belong to; secrets created here (client secret, API key)
are returned once to be shown once and are stored only hashed; a bank file is imported only into
a company where the user holds `payments.bankStatementAndReferencePayment` with all rights (the
API's rule). Services flush, never commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kirjuri.attachments.storage import FileStore
from kirjuri.auth import repository as auth_repository
from kirjuri.auth import service as auth_service
from kirjuri.auth.models import ApiKey
from kirjuri.banking.statements import importing
from kirjuri.banking.statements.importing import ImportSummary
from kirjuri.companies import repository as companies_repository
from kirjuri.companies import rules as rights_rules
from kirjuri.companies import service as companies_service
from kirjuri.companies.models import Company, User
from kirjuri.core.errors import KirjuriError
from kirjuri.mfa import rules as mfa_rules
from kirjuri.mfa import service as mfa_service
from kirjuri.portal import repository
from kirjuri.portal.schemas import ApiKeyForm, RegisterForm, SandboxForm
from kirjuri.sandbox import service as sandbox_service
from kirjuri.sandbox.service import SandboxCredentials
from kirjuri.webhooks import repository as webhooks_repository
from kirjuri.webhooks.models import Webhook, WebhookDelivery
from kirjuri.webhooks.rules import SETTINGS_RIGHT as WEBHOOKS_RIGHT


@dataclass(frozen=True, slots=True)
class KeyRow:
    company_id: int
    company_name: str
    key_id: int
    name: str
    client_id: str
    client_name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def register_developer(session: Session, *, form: RegisterForm) -> User:
    return companies_service.create_user(
        session,
        username=form.username,
        first_name=form.first_name,
        last_name=form.last_name,
        email=form.email,
        password=form.password,
        is_developer=True,
    )


def request_sandbox(session: Session, *, user: User, form: SandboxForm, file_store: FileStore) -> SandboxCredentials:
    if not user.is_developer:
        raise KirjuriError("NOT_A_DEVELOPER", 403)
    return sandbox_service.create_sandbox(
        session,
        name=form.company_name,
        redirect_uri=form.redirect_uri,
        developer_user_id=user.id,
        file_store=file_store,
    )


def api_keys(session: Session, *, user_id: int) -> list[KeyRow]:
    return [
        KeyRow(
            company_id=key.company_id,
            company_name=company.name,
            key_id=key.id,
            name=key.name,
            client_id=client.client_id,
            client_name=client.name,
            created_at=key.created_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )
        for key, company, client in repository.api_keys_of_user(session, user_id=user_id)
    ]


def create_api_key(session: Session, *, user_id: int, form: ApiKeyForm) -> tuple[ApiKey, str]:
    """A key for (user, company, client typed in), as in Procountor's UI; (row, key shown once)."""
    client = auth_repository.client_by_client_id(session, form.client_id)
    if client is None:
        raise KirjuriError("UNKNOWN_CLIENT", 400, "client_id")
    return auth_service.create_api_key(
        session, company_id=form.company_id, user_id=user_id, client=client, name=form.name
    )


def revoke_api_key(session: Session, *, user_id: int, company_id: int, key_id: int) -> None:
    auth_service.revoke_api_key(session, company_id=company_id, key_id=key_id, user_id=user_id)


@dataclass(frozen=True, slots=True)
class ConfirmationRow:
    transaction_id: str
    company_id: int
    company_name: str
    kind: str
    details: str
    created_at: datetime
    expires_at: datetime


def pending_confirmations(session: Session, *, user_id: int) -> list[ConfirmationRow]:
    names = {c.id: c.name for c in companies_repository.companies_of_user(session, user_id=user_id)}
    return [
        ConfirmationRow(
            transaction_id=t.id,
            company_id=t.company_id,
            company_name=names.get(t.company_id, str(t.company_id)),
            kind=t.kind.replace("_", " ").capitalize(),
            details=_details(t.payload),
            created_at=t.created_at,
            expires_at=mfa_rules.expires_at(t.created_at),
        )
        for t in mfa_service.pending_for_user(session, user_id=user_id)
        if t.company_id in names
    ]


def _details(payload: dict[str, Any], limit: int = 600) -> str:
    if isinstance(payload.get("summary"), str):
        # The area's own words for what confirming does (payee, amount and date of a payment).
        summary: str = payload["summary"]
        return summary if len(summary) <= limit else summary[: limit - 1] + "…"
    text = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def decide_confirmation(session: Session, *, user_id: int, transaction_id: str, approve: bool) -> None:
    if approve:
        mfa_service.confirm(session, transaction_id=transaction_id, user_id=user_id)
    else:
        mfa_service.reject(session, transaction_id=transaction_id, user_id=user_id)


BANK_IMPORT_RIGHT = "payments.bankStatementAndReferencePayment"


def bank_import_companies(session: Session, *, user_id: int) -> tuple[list[Company], list[Company]]:
    """(companies the user may import bank files into, their other companies)."""
    allowed: list[Company] = []
    others: list[Company] = []
    for company, membership in repository.memberships_of_user(session, user_id=user_id):
        can = rights_rules.allows(membership.rights or {}, BANK_IMPORT_RIGHT, write=True)
        (allowed if can else others).append(company)
    return allowed, others


def check_bank_importer(session: Session, *, user_id: int, company_id: int) -> None:
    """404 when the user is not a member of the company, 403 without the import right."""
    membership = companies_repository.membership(session, company_id=company_id, user_id=user_id)
    if membership is None:
        raise KirjuriError("NOT_A_MEMBER", 404, "company_id")
    if not rights_rules.allows(membership.rights or {}, BANK_IMPORT_RIGHT, write=True):
        raise KirjuriError("INSUFFICIENT_RIGHTS", 403)


def import_bank_file(
    session: Session, *, user_id: int, company_id: int, data: bytes, filename: str | None
) -> ImportSummary:
    """Import one bank file for the company as the user (checked again here); flushes only."""
    check_bank_importer(session, user_id=user_id, company_id=company_id)
    return importing.import_file(session, company_id=company_id, data=data, filename=filename, user_id=user_id)


@dataclass(frozen=True, slots=True)
class CompanyWebhooks:
    company_id: int
    company_name: str
    webhooks: list[Webhook]
    deliveries: list[tuple[WebhookDelivery, str, str]]


def webhooks_of_user(session: Session, *, user_id: int) -> list[CompanyWebhooks]:
    """Webhooks and recent deliveries of the user's companies where they may view company settings."""
    found: list[CompanyWebhooks] = []
    for company, member in repository.memberships_of_user(session, user_id=user_id):
        if not rights_rules.allows(member.rights or {}, WEBHOOKS_RIGHT, write=False):
            continue
        found.append(
            CompanyWebhooks(
                company_id=company.id,
                company_name=company.name,
                webhooks=webhooks_repository.of_company(session, company_id=company.id),
                deliveries=webhooks_repository.recent_deliveries(session, company_id=company.id),
            )
        )
    return found
