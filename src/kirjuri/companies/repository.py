"""Company-scoped queries of companies, users and memberships.

Invariant: a user is visible through a company only while they are a member of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.companies.models import Company, CompanySetting, CompanyUser, User, VerifierList, VerifierListMember
from kirjuri.db import memo

memo.watch(Company, CompanySetting)


def company(session: Session, company_id: int) -> Company | None:
    """Read once per transaction (`db.memo`: a request asks for it in several places)."""
    return memo.remember(session, ("company", company_id), lambda: session.get(Company, company_id))


def currency_of(session: Session, company_id: int) -> str | None:
    """The company's accounting currency (None: no such company), kept across requests while the
    company's configuration is unchanged (`db.memo.shared`)."""
    query = select(Company.currency).where(Company.id == company_id)
    return memo.shared(session, company_id, "currency", lambda: session.scalar(query))


def setting_value(session: Session, *, company_id: int, name: str) -> Mapping[str, Any] | None:
    """A settings document's value (read-only), kept across requests like `currency_of`."""

    def load() -> Mapping[str, Any] | None:
        stored = setting(session, company_id=company_id, name=name)
        return MappingProxyType(dict(stored.value)) if stored is not None else None

    return memo.shared(session, company_id, ("setting", name), load)


def membership(session: Session, *, company_id: int, user_id: int) -> CompanyUser | None:
    return session.get(CompanyUser, (company_id, user_id))


def member(session: Session, *, company_id: int, user_id: int) -> User | None:
    """The user, when they belong to the company."""
    return session.execute(
        select(User)
        .join(CompanyUser, CompanyUser.user_id == User.id)
        .where(CompanyUser.company_id == company_id, User.id == user_id)
    ).scalar_one_or_none()


def company_and_user(session: Session, *, company_id: int, user_id: int) -> tuple[Company, User] | None:
    row = session.execute(
        select(Company, User)
        .join(CompanyUser, CompanyUser.company_id == Company.id)
        .join(User, User.id == CompanyUser.user_id)
        .where(Company.id == company_id, User.id == user_id)
    ).first()
    return (row[0], row[1]) if row else None


def members_query(company_id: int) -> Any:
    return select(User).join(CompanyUser, CompanyUser.user_id == User.id).where(CompanyUser.company_id == company_id)


def companies_of_user(session: Session, *, user_id: int) -> list[Company]:
    return list(
        session.execute(
            select(Company)
            .join(CompanyUser, CompanyUser.company_id == Company.id)
            .where(CompanyUser.user_id == user_id)
            .order_by(Company.name, Company.id)
        ).scalars()
    )


def user_by_username(session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def setting(session: Session, *, company_id: int, name: str) -> CompanySetting | None:
    return session.get(CompanySetting, (company_id, name))


def verifier_lists(session: Session, *, company_id: int) -> list[VerifierList]:
    return list(
        session.execute(
            select(VerifierList).where(VerifierList.company_id == company_id).order_by(VerifierList.id)
        ).scalars()
    )


def verifier_list(session: Session, *, company_id: int, list_id: int) -> VerifierList | None:
    return session.get(VerifierList, (company_id, list_id))


def verifier_list_members(
    session: Session, *, company_id: int, list_ids: list[int]
) -> list[tuple[VerifierListMember, User]]:
    rows = session.execute(
        select(VerifierListMember, User)
        .join(User, User.id == VerifierListMember.user_id)
        .where(VerifierListMember.company_id == company_id, VerifierListMember.list_id.in_(list_ids))
        .order_by(VerifierListMember.list_id, VerifierListMember.role, VerifierListMember.order_no)
    ).all()
    return [(m, u) for m, u in rows]


def company_for_update(session: Session, company_id: int) -> Company | None:
    return session.get(Company, company_id, with_for_update=True)


def user_for_update(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id, with_for_update=True)


def members_by_ids(session: Session, *, company_id: int, user_ids: list[int]) -> dict[int, tuple[User, str]]:
    """Members among `user_ids`, with their role in the company, in one query."""
    if not user_ids:
        return {}
    rows = session.execute(
        select(User, CompanyUser.role)
        .join(CompanyUser, CompanyUser.user_id == User.id)
        .where(CompanyUser.company_id == company_id, User.id.in_(user_ids))
    ).all()
    return {user.id: (user, role) for user, role in rows}
