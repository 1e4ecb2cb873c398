"""Builders shared by the bank-statement and reference-payment tests: a company bank account, parsed
records (`banking.records`) and a fake `parse_file` that hands them to the import service.

There is no bank-account service on this branch yet, so `add_bank_account` inserts the row as the
accounts service would (id from the company's counter, electronic IBAN).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kirjuri.banking import importers
from kirjuri.banking.accounts.models import BankAccount
from kirjuri.banking.importers import ParsedFile
from kirjuri.banking.records import BankEntry, ReferencePaymentRecord, StatementRecord
from kirjuri.banking.referencepayments.models import ReferencePayment
from kirjuri.banking.statements.models import BankStatement, BankStatementEvent
from kirjuri.core import clock
from kirjuri.db.counters import next_value

IBAN = "FI2112345600000785"
OTHER_IBAN = "FI4250001510000023"
YEAR = clock.now().year


def day(month: int, dom: int = 15) -> date:
    return date(YEAR, month, dom)


def add_bank_account(session: Session, company_id: int, iban: str = IBAN, ledger_account: str = "1910") -> BankAccount:
    account = BankAccount(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name="bank_accounts"),
        iban=iban,
        bic="NDEAFIHH",
        currency="EUR",
        ledger_account=ledger_account,
        status="ACTIVE",
        order_no=1,
        default_for_invoice=True,
        default_for_payment=True,
        allow_payments=True,
        document={},
    )
    session.add(account)
    session.flush()
    return account


def entry(archive_id: str, amount: str, **changes: Any) -> BankEntry:
    values: dict[str, Any] = {
        "archive_id": archive_id,
        "booking_date": day(3, 10),
        "value_date": day(3, 10),
        "amount": Decimal(amount),
        "currency": "EUR",
        "counterparty_name": "Asiakas Oy",
        "counterparty_account": OTHER_IBAN,
        "message": "Lasku",
    }
    values.update(changes)
    return BankEntry(**values)


def statement(statement_id: str = "STMT-1", iban: str = IBAN, entries: tuple[BankEntry, ...] = ()) -> StatementRecord:
    return StatementRecord(
        bank_statement_id=statement_id,
        account_iban=iban,
        currency="EUR",
        start_date=day(3, 1),
        end_date=day(3, 31),
        opening_balance=Decimal("1000.00"),
        closing_balance=Decimal("1000.00") + sum((e.amount for e in entries), Decimal(0)),
        entries=entries,
    )


def payment(
    archive_id: str, amount: str = "124.00", iban: str = IBAN, reference: str = "1232"
) -> ReferencePaymentRecord:
    return ReferencePaymentRecord(
        archive_id=archive_id,
        account_iban=iban,
        reference=reference,
        amount=Decimal(amount),
        currency="EUR",
        payment_date=day(3, 12),
        value_date=day(3, 12),
        payer_name="Maksaja Matti",
    )


def sample_statement() -> StatementRecord:
    """Two plain entries (a credit, a debit of Kirjuri's own payment) and a batch of two credits."""
    batch = entry(
        "ARCH-3",
        "300.00",
        children=(entry("ARCH-3A", "100.00", reference="1232"), entry("ARCH-3B", "200.00", reference="1245")),
    )
    return statement(
        entries=(
            entry("ARCH-1", "124.00", reference="1232"),
            entry("ARCH-2", "-50.00", end_to_end_id="17", counterparty_name="Toimittaja Oy"),
            batch,
        )
    )


def use_file(monkeypatch: pytest.MonkeyPatch, parsed: ParsedFile) -> list[bytes]:
    """Make `parse_file` answer `parsed` for any bytes; the list collects what it was given."""
    seen: list[bytes] = []

    def fake(data: bytes, *, filename: str | None = None) -> ParsedFile:
        seen.append(data)
        return parsed

    monkeypatch.setattr(importers, "parse_file", fake)
    return seen


def counts(session: Session, company_id: int) -> tuple[int, int, int]:
    """(statements, events, reference payments) stored for the company."""
    session.expire_all()
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(model).where(model.company_id == company_id)) or 0
        for model in (BankStatement, BankStatementEvent, ReferencePayment)
    )
