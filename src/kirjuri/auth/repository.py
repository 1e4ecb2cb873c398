"""Queries of the auth area. Tokens are found by digest, never by plain value.

Invariant: `principal_row` answers in one query whether a bearer token is usable right now —
token unexpired and not revoked, client not revoked, API key (if any) not revoked, and the
user still a member of the company.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from kirjuri.auth.models import ApiKey, AuthorizationCode, OAuthClient, Token
from kirjuri.companies.models import Company, CompanyUser, User
from kirjuri.db import driver

# Built once: this query runs on every authenticated request, and rebuilding the statement
# cost more CPU than executing it.
_PRINCIPAL = (
    select(
        Token.id,
        Token.company_id,
        Token.user_id,
        Token.client_pk,
        Token.api_key_id,
        OAuthClient.client_id,
        CompanyUser.role,
        CompanyUser.rights,
        # Who the session is, for GET /sessioninfo — every integration's first call — so that
        # it needs no query of its own.
        Company.name.label("company_name"),
        Company.country.label("company_country"),
        Company.product_version,
        Company.invoice_discussion_enabled,
        # Lets the request use the company's configuration as kept across requests (`db.memo.shared`).
        Company.config_stamp,
        User.first_name,
        User.last_name,
    )
    .join(OAuthClient, OAuthClient.id == Token.client_pk)
    .join(Company, Company.id == Token.company_id)
    .join(User, User.id == Token.user_id)
    .join(
        CompanyUser,
        and_(CompanyUser.company_id == Token.company_id, CompanyUser.user_id == Token.user_id),
    )
    .outerjoin(ApiKey, and_(ApiKey.company_id == Token.company_id, ApiKey.id == Token.api_key_id))
    .where(
        Token.access_hash == bindparam("access_hash"),
        Token.revoked_at.is_(None),
        Token.access_expires_at > bindparam("now"),
        OAuthClient.revoked_at.is_(None),
        (Token.api_key_id.is_(None)) | (ApiKey.revoked_at.is_(None) & ApiKey.id.is_not(None)),
    )
)


def principal_row(session: Session, access_hash: str, now: datetime) -> Any | None:
    """The token's principal (a named tuple of `_PRINCIPAL`'s columns), or None. On every request:
    read straight through the driver (`db.driver.first`)."""
    return driver.first(session, _PRINCIPAL, {"access_hash": access_hash, "now": now})


def client_by_client_id(session: Session, client_id: str) -> OAuthClient | None:
    return session.execute(
        select(OAuthClient).where(OAuthClient.client_id == client_id, OAuthClient.revoked_at.is_(None))
    ).scalar_one_or_none()


def api_key_by_lookup(session: Session, lookup: str) -> ApiKey | None:
    return session.execute(select(ApiKey).where(ApiKey.lookup == lookup)).scalar_one_or_none()


def api_keys_of_user(session: Session, *, user_id: int) -> list[ApiKey]:
    return list(
        session.execute(
            select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.company_id, ApiKey.id)
        ).scalars()
    )


def token_by_access_hash(session: Session, access_hash: str) -> Token | None:
    return session.execute(select(Token).where(Token.access_hash == access_hash)).scalar_one_or_none()


def token_by_refresh_hash(session: Session, refresh_hash: str) -> Token | None:
    return session.execute(select(Token).where(Token.refresh_hash == refresh_hash)).scalar_one_or_none()


def code_by_hash(session: Session, code_hash: str) -> AuthorizationCode | None:
    return session.get(AuthorizationCode, code_hash)


def successor_chain(session: Session, token: Token) -> list[Token]:
    """The token and every successor it was rotated into, oldest first (cycle-safe)."""
    chain = [token]
    seen = {token.id}
    current = token
    while current.successor_id is not None and current.successor_id not in seen:
        successor = session.get(Token, current.successor_id)
        if successor is None:
            break
        chain.append(successor)
        seen.add(successor.id)
        current = successor
    return chain
