"""The company's chart of accounts: seeding the default chart, reading it, and the extras that
add, rename, deactivate and delete accounts.

Invariant: an account that carries postings is never deleted (409 ACCOUNT_HAS_POSTINGS) — it
may only be deactivated, after which no new posting may use it; account codes are unique per
company and never change; every system role (VAT, receivables, …) has exactly one account.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.db import memo
from kirjuri.ledger import chart
from kirjuri.ledger.models import LedgerAccount, LedgerBalance, LedgerTransaction

memo.watch(LedgerAccount)  # `facts` are remembered (and shared while the configuration stamp holds)
_ROLES = frozenset(r.value for r in chart.Role)


@dataclass(frozen=True, slots=True)
class AccountUse:
    """What a posting needs to know of its account."""

    active: bool
    vat_allowed: bool


@dataclass(frozen=True, slots=True)
class Facts:
    """The chart as postings use it: the account of each system role and each account's use."""

    roles: Mapping[chart.Role, str]
    accounts: Mapping[str, AccountUse]


def facts(session: Session, *, company_id: int) -> Facts:
    """The company's chart `Facts`, read in one query and kept across requests while the company's
    configuration is unchanged (`db.memo.shared`)."""
    return memo.shared(session, company_id, "chart", lambda: _facts(session, company_id))


def _facts(session: Session, company_id: int) -> Facts:
    roles: dict[chart.Role, str] = {}
    accounts: dict[str, AccountUse] = {}
    query = select(LedgerAccount.code, LedgerAccount.role, LedgerAccount.active, LedgerAccount.vat_allowed).where(
        LedgerAccount.company_id == company_id
    )
    for code, role, active, vat_allowed in session.execute(query):
        accounts[code] = AccountUse(active=bool(active), vat_allowed=bool(vat_allowed))
        if role in _ROLES:
            roles[chart.Role(role)] = code
    return Facts(roles=MappingProxyType(roles), accounts=MappingProxyType(accounts))


def seed_chart(session: Session, *, company_id: int) -> None:
    now = clock.now()
    session.add_all(
        LedgerAccount(
            company_id=company_id,
            code=a.code,
            name=a.name_fi,
            name_sv=a.name_sv,
            name_en=a.name_en,
            account_type=a.account_type.value,
            line=a.line,
            vat_allowed=a.vat_allowed,
            default_vat_status=a.default_vat_status,
            default_vat_class=a.default_vat_class,
            role=a.role.value if a.role else None,
            active=True,
            created_at=now,
            version=now,
        )
        for a in chart.DEFAULT_CHART
    )
    session.flush()


def chart_of(session: Session, *, company_id: int) -> list[LedgerAccount]:
    return list(
        session.scalars(
            select(LedgerAccount).where(LedgerAccount.company_id == company_id).order_by(LedgerAccount.code)
        )
    )


def by_codes(session: Session, *, company_id: int, codes: Iterable[str]) -> dict[str, LedgerAccount]:
    wanted = set(codes)
    if not wanted:
        return {}
    found = session.scalars(
        select(LedgerAccount).where(LedgerAccount.company_id == company_id, LedgerAccount.code.in_(wanted))
    )
    return {account.code: account for account in found}


def get(session: Session, *, company_id: int, code: str) -> LedgerAccount:
    account = session.get(LedgerAccount, (company_id, code))
    if account is None:
        raise not_found("code")
    return account


def code_for_role(session: Session, *, company_id: int, role: chart.Role) -> str:
    return codes_for_roles(session, company_id=company_id, roles=(role,))[role]


def codes_for_roles(session: Session, *, company_id: int, roles: Iterable[chart.Role]) -> dict[chart.Role, str]:
    """{role: account code}; 409 ACCOUNT_FOR_ROLE_MISSING when one is missing (from `facts`)."""
    every = facts(session, company_id=company_id).roles
    wanted = {chart.Role(role) for role in roles}
    for role in sorted(wanted - every.keys()):
        raise KirjuriError("ACCOUNT_FOR_ROLE_MISSING", 409, role.value)
    return {role: every[role] for role in wanted}


def add_account(
    session: Session,
    *,
    company_id: int,
    code: str,
    name: str,
    name_sv: str | None = None,
    name_en: str | None = None,
    vat_allowed: bool | None = None,
    default_vat_status: int | None = None,
    default_vat_class: str | None = None,
) -> LedgerAccount:
    account_type = chart.account_type_for_code(code, field="code")
    if session.get(LedgerAccount, (company_id, code)) is not None:
        raise KirjuriError("ACCOUNT_CODE_EXISTS", 409, "code")
    now = clock.now()
    account = LedgerAccount(
        company_id=company_id,
        code=code,
        name=name,
        name_sv=name_sv,
        name_en=name_en,
        account_type=account_type.value,
        line=chart.line_for_code(code, field="code"),
        vat_allowed=_like_neighbour(code) if vat_allowed is None else vat_allowed,
        default_vat_status=default_vat_status,
        default_vat_class=default_vat_class,
        role=None,
        active=True,
        created_at=now,
        version=now,
    )
    session.add(account)
    session.flush()
    return account


def _like_neighbour(code: str) -> bool:
    """Whether VAT is allowed on a new account: as on the default account just below it in the
    same range (a new 4010 is like 4000), so wages stay VAT-free and purchases do not."""
    key = code[:4].ljust(4, "0")
    below = [a for a in chart.DEFAULT_CHART if a.code[:4].ljust(4, "0") <= key]
    return below[-1].vat_allowed if below else False


def update_account(
    session: Session,
    *,
    company_id: int,
    code: str,
    name: str | None = None,
    name_sv: str | None = None,
    name_en: str | None = None,
    active: bool | None = None,
) -> LedgerAccount:
    account = get(session, company_id=company_id, code=code)
    if active is False and account.role is not None:
        raise KirjuriError("SYSTEM_ACCOUNT_CANNOT_BE_DEACTIVATED", 409, "active")
    for attribute, value in (("name", name), ("name_sv", name_sv), ("name_en", name_en), ("active", active)):
        if value is not None:
            setattr(account, attribute, value)
    account.version = clock.now()
    session.flush()
    return account


def has_postings(session: Session, *, company_id: int, code: str) -> bool:
    used = session.scalars(
        select(LedgerTransaction.id)
        .where(LedgerTransaction.company_id == company_id, LedgerTransaction.account == code)
        .limit(1)
    ).first()
    if used is not None:
        return True
    # Bulk-loaded history may live only in the balances.
    return (
        session.scalars(
            select(LedgerBalance.period_id)
            .where(LedgerBalance.company_id == company_id, LedgerBalance.account == code)
            .limit(1)
        ).first()
        is not None
    )


def delete_account(session: Session, *, company_id: int, code: str) -> None:
    account = get(session, company_id=company_id, code=code)
    if account.role is not None:
        raise KirjuriError("SYSTEM_ACCOUNT_CANNOT_BE_DELETED", 409, "code")
    if has_postings(session, company_id=company_id, code=code):
        raise KirjuriError("ACCOUNT_HAS_POSTINGS", 409, "code")
    session.delete(account)
    session.flush()
