"""Queries of the developer portal: what the logged-in user may see of their own keys and
memberships.

Invariant: every query is filtered by the user id from the browser session; a key is listed
only with the company and client it belongs to, and only while the user is a member of that
company (a key's row goes with the membership).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.auth.models import ApiKey, OAuthClient
from kirjuri.companies.models import Company, CompanyUser


def api_keys_of_user(session: Session, *, user_id: int) -> list[tuple[ApiKey, Company, OAuthClient]]:
    rows = session.execute(
        select(ApiKey, Company, OAuthClient)
        .join(Company, Company.id == ApiKey.company_id)
        .join(OAuthClient, OAuthClient.id == ApiKey.client_pk)
        .where(ApiKey.user_id == user_id)
        .order_by(Company.name, ApiKey.company_id, ApiKey.id)
    ).all()
    return [(key, company, client) for key, company, client in rows]


def memberships_of_user(session: Session, *, user_id: int) -> list[tuple[Company, CompanyUser]]:
    """The user's companies with their membership (role and rights), by company name."""
    rows = session.execute(
        select(Company, CompanyUser)
        .join(CompanyUser, CompanyUser.company_id == Company.id)
        .where(CompanyUser.user_id == user_id)
        .order_by(Company.name, Company.id)
    ).all()
    return [(company, membership) for company, membership in rows]
