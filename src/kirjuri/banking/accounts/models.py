"""The table of the company's own bank accounts.

Invariants: every key starts with `company_id` and ids come from the company's counters; `iban`
is stored electronic (no spaces, upper case), unique within a company, and never changes after
creation, nor does `currency`; `document` holds the rest of the wire object (flags, aliases,
service numbers), kept equal to the columns by the service, the only writer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.core import clock
from kirjuri.db.base import Base, JSONDoc, UTCDateTime


class BankAccount(Base):
    __tablename__ = "bank_accounts"
    __table_args__ = (UniqueConstraint("company_id", "iban", name="uq_bank_accounts_iban"),)

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    currency: Mapped[str] = mapped_column(String(3))
    # The chart account this bank account posts to, e.g. "1910".
    ledger_account: Mapped[str] = mapped_column(String(20))
    # ACTIVE or INACTIVE; an inactive account has every boolean flag false.
    status: Mapped[str] = mapped_column(String(8), default="ACTIVE")
    order_no: Mapped[int] = mapped_column(Integer)
    default_for_invoice: Mapped[bool] = mapped_column(Boolean, default=False)
    default_for_payment: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_payments: Mapped[bool] = mapped_column(Boolean, default=False)
    # The wire CompanyBankAccount without id, version and created (camelCase).
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
