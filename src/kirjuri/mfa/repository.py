"""Queries of MFA transactions.

Invariant: API look-ups are company-scoped (`get`); only the approver's paths (portal, CLI) find
a transaction by its identifier alone, and they check the user before anything else.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kirjuri.companies.models import CompanyUser
from kirjuri.mfa.models import MfaTransaction
from kirjuri.mfa.rules import EXPIRED, PENDING, TTL


def get(session: Session, *, company_id: int, transaction_id: str) -> MfaTransaction | None:
    return session.get(MfaTransaction, (company_id, transaction_id))


def by_id(session: Session, transaction_id: str, *, for_update: bool = False) -> MfaTransaction | None:
    stmt = select(MfaTransaction).where(MfaTransaction.id == transaction_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalars().first()


def pending_for_user(session: Session, *, user_id: int, now: datetime) -> list[MfaTransaction]:
    """Undecided, unexpired transactions in the companies the user still belongs to."""
    return list(
        session.execute(
            select(MfaTransaction)
            .join(
                CompanyUser,
                (CompanyUser.company_id == MfaTransaction.company_id) & (CompanyUser.user_id == MfaTransaction.user_id),
            )
            .where(
                MfaTransaction.user_id == user_id,
                MfaTransaction.status == PENDING,
                MfaTransaction.created_at > now - TTL,
            )
            .order_by(MfaTransaction.created_at.desc(), MfaTransaction.id)
        ).scalars()
    )


def mark_expired(session: Session, *, now: datetime) -> int:
    result = session.execute(
        update(MfaTransaction)
        .where(MfaTransaction.status == PENDING, MfaTransaction.created_at <= now - TTL)
        .values(status=EXPIRED, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
