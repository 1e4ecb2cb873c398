"""Company-scoped queries on the company's bank accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.banking.accounts.models import BankAccount


def get(session: Session, *, company_id: int, account_id: int) -> BankAccount | None:
    return session.get(BankAccount, (company_id, account_id))


def by_iban(session: Session, *, company_id: int, iban: str) -> BankAccount | None:
    """The company's account with this IBAN, given in any spacing or case."""
    electronic = "".join(iban.split()).upper()
    return session.scalars(
        select(BankAccount).where(BankAccount.company_id == company_id, BankAccount.iban == electronic)
    ).one_or_none()
