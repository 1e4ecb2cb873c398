"""The tables of imported bank statements and their events (§D.3).

Invariants: every key starts with `company_id` and ids come from the company's counters; a
statement is stored once per company and account (`uq_bank_statements_bank_id` on the bank's
statement id) and an event once per company and account (`uq_bank_statement_events_archive` on
`archive_key`: the bank's archive id for a booked entry, `<entry archive id>/<child archive id or
position>` for a transaction of a batch entry), so importing the same file again changes nothing;
amounts are signed integer minor units of the statement currency (credit positive); events of a
batch point at their entry by `parent_id`. Only the allocation columns change after import, and
only through `statements.service`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.core import clock
from kirjuri.db.base import Base, JSONDoc, UTCDateTime


class BankStatement(Base):
    __tablename__ = "bank_statements"
    __table_args__ = (
        UniqueConstraint("company_id", "account_iban", "bank_statement_id", name="uq_bank_statements_bank_id"),
        Index("ix_bank_statements_start", "company_id", "start_date"),
    )

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # The company bank account (`bank_accounts.id`) and its IBAN as the file named it (electronic).
    account_id: Mapped[int] = mapped_column(Integer)
    account_iban: Mapped[str] = mapped_column(String(34))
    # The bank's id of the statement (camt.053 `Stmt/Id`): the de-duplication key of statements.
    bank_statement_id: Mapped[str] = mapped_column(String(140))
    statement_number: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    start_balance_minor: Mapped[int] = mapped_column(BigInteger)
    end_balance_minor: Mapped[int] = mapped_column(BigInteger)
    deposit_count: Mapped[int] = mapped_column(Integer)
    deposit_minor: Mapped[int] = mapped_column(BigInteger)
    withdrawal_count: Mapped[int] = mapped_column(Integer)
    withdrawal_minor: Mapped[int] = mapped_column(BigInteger)
    imported_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class BankStatementEvent(Base):
    __tablename__ = "bank_statement_events"
    __table_args__ = (
        UniqueConstraint("company_id", "account_iban", "archive_key", name="uq_bank_statement_events_archive"),
        Index("ix_bank_statement_events_statement", "company_id", "statement_id"),
    )

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    statement_id: Mapped[int] = mapped_column(Integer)
    # The batch entry this transaction belongs to (None: a booked entry of the statement).
    parent_id: Mapped[int | None] = mapped_column(Integer)
    # Order within the statement (or within the parent entry), as the file listed them.
    position: Mapped[int] = mapped_column(Integer)
    account_iban: Mapped[str] = mapped_column(String(34))
    archive_key: Mapped[str] = mapped_column(String(300))
    archive_code: Mapped[str] = mapped_column(String(140))
    pay_date: Mapped[date] = mapped_column(Date)
    value_date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    counterparty_name: Mapped[str | None] = mapped_column(String(140))
    counterparty_account: Mapped[str | None] = mapped_column(String(70))
    explanation_code: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(String(1000))
    reference: Mapped[str | None] = mapped_column(String(35))
    end_to_end_id: Mapped[str | None] = mapped_column(String(35))
    # Allocation (PUT …/invoices, …/products, …/metadata; settlement of Kirjuri's own payments).
    invoice_id: Mapped[int | None] = mapped_column(Integer)
    payment_event_id: Mapped[int | None] = mapped_column(Integer)
    add_penal_expense: Mapped[bool] = mapped_column(Boolean, default=False)
    product_id: Mapped[int | None] = mapped_column(BigInteger)
    settled_payment_id: Mapped[int | None] = mapped_column(Integer)
    # The AllocationMetadata rows as stored by `banking.allocation` (camelCase, exact strings).
    metadata_rows: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)
