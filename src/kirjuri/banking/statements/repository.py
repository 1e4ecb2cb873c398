"""Company-scoped queries on bank statements and their events."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.banking.statements.models import BankStatement, BankStatementEvent
from kirjuri.core.ids import INT32_MAX
from kirjuri.core.paging import Order, PageMeta, PageRequest
from kirjuri.db.lookup import existing
from kirjuri.db.paging import fetch_page


def _valid(value: int) -> bool:
    return 0 < value <= INT32_MAX


def statement(session: Session, *, company_id: int, statement_id: int) -> BankStatement | None:
    return session.get(BankStatement, (company_id, statement_id)) if _valid(statement_id) else None


def event(session: Session, *, company_id: int, event_id: int, lock: bool = False) -> BankStatementEvent | None:
    if not _valid(event_id):
        return None
    return session.get(BankStatementEvent, (company_id, event_id), with_for_update=lock)


def known_statement(session: Session, *, company_id: int, iban: str, bank_statement_id: str) -> bool:
    return (
        session.scalar(
            select(BankStatement.id).where(
                BankStatement.company_id == company_id,
                BankStatement.account_iban == iban,
                BankStatement.bank_statement_id == bank_statement_id,
            )
        )
        is not None
    )


def known_keys(session: Session, *, company_id: int, iban: str, keys: Collection[str]) -> set[str]:
    """Which of `keys` are already stored for the account."""
    return existing(
        session,
        BankStatementEvent.archive_key,
        keys,
        BankStatementEvent.company_id == company_id,
        BankStatementEvent.account_iban == iban,
    )


@dataclass(frozen=True, slots=True)
class StatementFilter:
    start_date: date | None = None
    end_date: date | None = None
    iban: str | None = None


def search(
    session: Session,
    *,
    company_id: int,
    filters: StatementFilter,
    page: PageRequest,
    order_by_id: Order | None,
    order_by_start: Order,
) -> tuple[list[BankStatement], PageMeta]:
    """Statements overlapping [start_date, end_date] (each bound optional). Ordered by id when
    `order_by_id` is given, else by start date (ties by id in the same direction); `previousId`
    continues after that id in the id direction of the order."""
    stmt: Any = select(BankStatement).where(BankStatement.company_id == company_id)
    if filters.start_date is not None:
        stmt = stmt.where(BankStatement.end_date >= filters.start_date)
    if filters.end_date is not None:
        stmt = stmt.where(BankStatement.start_date <= filters.end_date)
    if filters.iban is not None:
        stmt = stmt.where(BankStatement.account_iban == filters.iban)
    direction = order_by_id if order_by_id is not None else order_by_start
    if order_by_id is None:  # by start date first; `fetch_page` adds the id in the same direction
        stmt = stmt.order_by(BankStatement.start_date.desc() if direction is Order.DESC else BankStatement.start_date)
    return fetch_page(session, stmt, id_column=BankStatement.id, request=replace(page, order=direction))


def events_of(session: Session, *, company_id: int, statement_ids: Collection[int]) -> list[BankStatementEvent]:
    """Every event of these statements (children included), in statement and file order: one query."""
    if not statement_ids:
        return []
    return list(
        session.scalars(
            select(BankStatementEvent)
            .where(BankStatementEvent.company_id == company_id, BankStatementEvent.statement_id.in_(statement_ids))
            .order_by(BankStatementEvent.statement_id, BankStatementEvent.position, BankStatementEvent.id)
        )
    )
