"""db.memo: read once per transaction, never older than the transaction's own writes."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from kirjuri.companies import service as companies_service
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError
from kirjuri.db import memo
from kirjuri.db.counters import next_value
from kirjuri.ledger import accounts, chart, fiscal
from kirjuri.ledger.models import LedgerAccount
from tests.factories import unique
from tests.sqlcount import statements


def _company(session: Session) -> int:
    company = companies_service.create_company(session, name=unique("Muisti Oy"))
    session.flush()
    return company.id


def test_loaded_once_until_commit_or_rollback(db: Session) -> None:
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    assert memo.remember(db, "k", load) == 1
    assert memo.remember(db, "k", load) == 1
    db.commit()
    db.connection()  # a new transaction
    assert memo.remember(db, "k", load) == 2
    db.rollback()
    assert memo.remember(db, "k", load) == 3
    assert memo.remember(db, "other", load) == 4


def test_a_failed_load_is_not_remembered(db: Session) -> None:
    def fail() -> int:
        raise KirjuriError("NOPE", 400)

    with pytest.raises(KirjuriError):
        memo.remember(db, "k", fail)
    assert memo.remember(db, "k", lambda: 7) == 7


def test_the_open_period_is_read_once_per_transaction(db: Session) -> None:
    company_id = _company(db)
    day = clock.now().date()
    first = fiscal.writable_period(db, company_id=company_id, day=day)
    with statements(db) as seen:
        assert fiscal.writable_period(db, company_id=company_id, day=day) is first
    assert seen == []


def test_a_period_locked_in_the_same_transaction_is_seen_locked(db: Session) -> None:
    company_id = _company(db)
    day = clock.now().date()
    period = fiscal.writable_period(db, company_id=company_id, day=day)
    fiscal.set_period_status(
        db, company_id=company_id, year_id=period.fiscal_year_id, period_id=period.id, status=fiscal.PENDING
    )
    with pytest.raises(KirjuriError) as refused:
        fiscal.writable_period(db, company_id=company_id, day=day)
    assert refused.value.code == fiscal.CLOSED_FISCAL_PERIOD


def test_unwatched_writes_keep_the_memo(db: Session) -> None:
    company_id = _company(db)
    accounts.codes_for_roles(db, company_id=company_id, roles=(chart.Role.SALES,))
    # A counter is no chart account (a gap-free one: plain ids bypass the session on PostgreSQL).
    next_value(db, company_id=company_id, name="invoice_number:MEMO")
    with statements(db) as seen:
        accounts.codes_for_roles(db, company_id=company_id, roles=(chart.Role.RECEIVABLES,))
    assert seen == []


def test_a_role_moved_by_a_core_update_is_seen(db: Session) -> None:
    company_id = _company(db)
    sales = accounts.code_for_role(db, company_id=company_id, role=chart.Role.SALES)
    db.execute(
        update(LedgerAccount)
        .where(LedgerAccount.company_id == company_id, LedgerAccount.code == sales)
        .values(role=None)
    )
    with pytest.raises(KirjuriError) as refused:
        accounts.code_for_role(db, company_id=company_id, role=chart.Role.SALES)
    assert refused.value.code == "ACCOUNT_FOR_ROLE_MISSING"


def test_a_role_moved_by_the_orm_is_seen(db: Session) -> None:
    company_id = _company(db)
    sales = accounts.code_for_role(db, company_id=company_id, role=chart.Role.SALES)
    account = accounts.get(db, company_id=company_id, code=sales)
    account.role = None
    db.flush()
    with pytest.raises(KirjuriError):
        accounts.code_for_role(db, company_id=company_id, role=chart.Role.SALES)
