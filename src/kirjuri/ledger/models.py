"""Tables of the ledger: accounts, fiscal years and tracking periods, dimensions, receipts,
their transactions (postings) and the balances kept from them.

Invariants:
- every table's key starts with `company_id`; ids are per company (`db.counters`);
- `ledger_transactions` holds every posting of a receipt — the client's rows and the VAT rows the
  server adds (`kind`), so the rows of one receipt always sum to zero;
- `ledger_balances` is the sum of the postings of every non-invalidated receipt, kept in the same
  transaction as the posting; reports read it instead of the postings.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.core import clock
from kirjuri.db.base import Base, UTCDateTime


class LedgerAccount(Base):
    __tablename__ = "ledger_accounts"
    __table_args__ = (Index("ix_ledger_accounts_role", "company_id", "role"),)

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    name_sv: Mapped[str | None] = mapped_column(String(255))
    name_en: Mapped[str | None] = mapped_column(String(255))
    account_type: Mapped[str] = mapped_column(String(12))
    # Key of the KPA statement leaf line (ledger.statements) the account is reported on.
    line: Mapped[str] = mapped_column(String(40))
    vat_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    default_vat_status: Mapped[int | None] = mapped_column(Integer)
    default_vat_class: Mapped[str | None] = mapped_column(String(10))
    role: Mapped[str | None] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class FiscalYear(Base):
    __tablename__ = "fiscal_years"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    # OPEN, or CLOSED once the year is closed: nothing dated in it may change any more.
    status: Mapped[str] = mapped_column(String(10), default="OPEN")
    modified: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class TrackingPeriod(Base):
    __tablename__ = "tracking_periods"
    __table_args__ = (
        ForeignKeyConstraint(
            ["company_id", "fiscal_year_id"], ["fiscal_years.company_id", "fiscal_years.id"], ondelete="CASCADE"
        ),
        Index("ix_tracking_periods_dates", "company_id", "start_date"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    fiscal_year_id: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    # OPEN; PENDING (locked: no writes, may be reopened); CLOSED (the year is closed).
    status: Mapped[str] = mapped_column(String(10), default="OPEN")
    modified: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Dimension(Base):
    __tablename__ = "dimensions"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(255))
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class DimensionItem(Base):
    __tablename__ = "dimension_items"
    __table_args__ = (
        ForeignKeyConstraint(
            ["company_id", "dimension_id"], ["dimensions.company_id", "dimensions.id"], ondelete="CASCADE"
        ),
        UniqueConstraint("company_id", "dimension_id", "code_name"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    dimension_id: Mapped[int] = mapped_column(Integer)
    code_name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class LedgerReceipt(Base):
    __tablename__ = "ledger_receipts"
    __table_args__ = (
        UniqueConstraint("company_id", "fiscal_year_id", "receipt_number"),
        Index("ix_ledger_receipts_date", "company_id", "receipt_date"),
        Index("ix_ledger_receipts_version", "company_id", "version"),
        Index("ix_ledger_receipts_created", "company_id", "created_at"),
    )

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    receipt_date: Mapped[date] = mapped_column(Date)
    fiscal_year_id: Mapped[int] = mapped_column(Integer)
    period_id: Mapped[int] = mapped_column(Integer)
    # Gap-free per company and fiscal year; assigned once and kept through every change.
    receipt_number: Mapped[int] = mapped_column(Integer)
    vat_type: Mapped[str] = mapped_column(String(10))
    vat_status: Mapped[int | None] = mapped_column(Integer)
    vat_processing: Mapped[str | None] = mapped_column(String(60))
    vat_date: Mapped[date | None] = mapped_column(Date)
    invoice_id: Mapped[int | None] = mapped_column(Integer)
    invoice_number: Mapped[int | None] = mapped_column(Integer)
    invoice_notes: Mapped[str | None] = mapped_column(Text)
    accountants_notes: Mapped[str | None] = mapped_column(String(255))
    transaction_description: Mapped[str | None] = mapped_column(String(255))
    receipt_validity: Mapped[str | None] = mapped_column(String(20))
    period_start_date: Mapped[date | None] = mapped_column(Date)
    period_end_date: Mapped[date | None] = mapped_column(Date)
    partner_id: Mapped[int | None] = mapped_column(Integer)
    partner_code: Mapped[str | None] = mapped_column(String(40))
    depreciation: Mapped[str | None] = mapped_column(String(60))
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class LedgerTransaction(Base):
    """One posting. `kind` is ENTRY, REVERSING_ENTRY, RECONCILIATION_ENTRY (the client's rows, in
    the order given) or VAT (a row the server derived from `parent_id`, see `ledger.vatrows`)."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["company_id", "receipt_id"], ["ledger_receipts.company_id", "ledger_receipts.id"], ondelete="CASCADE"
        ),
        Index("ix_ledger_transactions_receipt", "company_id", "receipt_id"),
        Index("ix_ledger_transactions_account_date", "company_id", "account", "entry_date"),
        Index("ix_ledger_transactions_date", "company_id", "entry_date"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    receipt_id: Mapped[int] = mapped_column(Integer)
    line_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(Integer)
    # OUTPUT / INPUT / COST for VAT rows (which tax it is), None for the client's rows.
    vat_role: Mapped[str | None] = mapped_column(String(6))
    account: Mapped[str] = mapped_column(String(12))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    # Copied from the receipt so reports and the general ledger never join receipts for dates.
    entry_date: Mapped[date] = mapped_column(Date)
    period_id: Mapped[int] = mapped_column(Integer)
    vat_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    vat_type: Mapped[str | None] = mapped_column(String(10))
    vat_status: Mapped[int | None] = mapped_column(Integer)
    vat_deduction_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    description: Mapped[str | None] = mapped_column(String(255))
    balance_code: Mapped[str | None] = mapped_column(String(255))
    partner_id: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


class TransactionDimension(Base):
    """The split of one transaction over the items of one dimension (absolute cents)."""

    __tablename__ = "ledger_transaction_dimensions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["company_id", "transaction_id"],
            ["ledger_transactions.company_id", "ledger_transactions.id"],
            ondelete="CASCADE",
        ),
        Index("ix_ledger_transaction_dimensions_receipt", "company_id", "receipt_id"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dimension_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_id: Mapped[int] = mapped_column(Integer)
    line_no: Mapped[int] = mapped_column(Integer, default=0)
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class LedgerBalance(Base):
    """Sums of postings by account, tracking period, receipt status, VAT key and dimension item.

    `dimension_id = 0, item_id = 0` rows hold the totals; rows with a dimension hold the part of
    the postings split onto that dimension's items (what no item carries is the total minus them).
    VAT key: status (0 = none), side (`S`/`P`/``), percent and kind (`B` base row, `O` output tax,
    `I` input tax, `C` tax to cost) — what the VAT return needs without reading postings.
    """

    __tablename__ = "ledger_balances"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    period_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(12), primary_key=True)
    receipt_status: Mapped[str] = mapped_column(String(40), primary_key=True)
    vat_status: Mapped[int] = mapped_column(Integer, primary_key=True)
    vat_side: Mapped[str] = mapped_column(String(1), primary_key=True)
    vat_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), primary_key=True)
    vat_kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    dimension_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    debit_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    credit_minor: Mapped[int] = mapped_column(BigInteger, default=0)


class DefaultSplit(Base):
    """A default split of one dimension for a partner, person or product: the percentage of an
    amount that goes to each item. Invoicing and bank allocations start from these."""

    __tablename__ = "dimension_default_splits"
    __table_args__ = (
        ForeignKeyConstraint(
            ["company_id", "item_id"], ["dimension_items.company_id", "dimension_items.id"], ondelete="CASCADE"
        ),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # PARTNER (customers, suppliers and persons share ids) or PRODUCT.
    owner_kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    owner_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    dimension_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(7, 4))
