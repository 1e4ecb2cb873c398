"""The table of imported reference payments (§D.20).

Invariants: every key starts with `company_id` and ids come from the company's counters; a
payment is stored once per company and account (`uq_reference_payments_archive` on the bank's
archive id), so importing the same file again changes nothing; amounts are integer minor units of
the payment currency; `applied_minor + unmatched_minor == amount_minor` always: what the matcher
(or a manual allocation from suspense) put on the invoice, and what waits on the suspense account.
Rows change after import only through `referencepayments.service`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.core import clock
from kirjuri.db.base import Base, JSONDoc, UTCDateTime


class ReferencePayment(Base):
    __tablename__ = "reference_payments"
    __table_args__ = (
        UniqueConstraint("company_id", "account_iban", "archive_id", name="uq_reference_payments_archive"),
        Index("ix_reference_payments_value_date", "company_id", "value_date"),
    )

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(Integer)
    account_iban: Mapped[str] = mapped_column(String(34))
    archive_id: Mapped[str] = mapped_column(String(140))
    reference: Mapped[str] = mapped_column(String(35))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    payment_date: Mapped[date] = mapped_column(Date)
    value_date: Mapped[date] = mapped_column(Date)
    payer_name: Mapped[str | None] = mapped_column(String(140))
    # What `matching.match` answered: MATCHED, PARTLY_PAID, OVERPAID or UNMATCHED.
    outcome: Mapped[str] = mapped_column(String(12))
    invoice_id: Mapped[int | None] = mapped_column(Integer)
    applied_minor: Mapped[int] = mapped_column(BigInteger)
    unmatched_minor: Mapped[int] = mapped_column(BigInteger)
    suspense_receipt_id: Mapped[int | None] = mapped_column(Integer)
    payment_event_id: Mapped[int | None] = mapped_column(Integer)
    # The AllocationMetadata rows as stored by `banking.allocation` (camelCase, exact strings).
    metadata_rows: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)
    imported_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
