"""The table of outgoing payments (§D.17): one credit transfer from a company bank account, of an
invoice, free-standing (a direct bank transfer) or to a person in a direct salary payment list
(`list_id`, the list in `payments.salary.models`).

Invariants: a row exists only once its user confirmed the two-step transaction that asked for it
(nothing is stored before); every key starts with `company_id` and ids come from the company's
`payment` counter — the id is also the transfer's EndToEndId in the pain.001 file and comes back
on the bank statement; `amount_minor` is positive, in `currency`; `status` moves only forward
PAYMENT_QUEUED → PAYMENT_SENT_TO_BANK → PAID, or from PAYMENT_QUEUED to
PAYMENT_TRANSACTION_REMOVED (cancelled) or DELETED; the service is the only writer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.core import clock
from kirjuri.db.base import Base, JSONDoc, UTCDateTime


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        # The sender's question: what is queued, per company.
        Index("ix_payments_status", "company_id", "status"),
        Index("ix_payments_invoice", "company_id", "invoice_id"),
        Index("ix_payments_list", "company_id", "list_id"),
    )

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # INVOICE (POST /payments), DIRECT (POST /payments/directbanktransfers) or SALARY (POST
    # /payments/directsalarypayments).
    kind: Mapped[str] = mapped_column(String(10))
    invoice_id: Mapped[int | None] = mapped_column(Integer)
    # The direct salary payment list (`salary_payment_lists.id`) of a SALARY payment.
    list_id: Mapped[int | None] = mapped_column(Integer)
    custom_id: Mapped[str | None] = mapped_column(String(64))
    # The wire status (BasicPaymentTransactionData.status): PAYMENT_QUEUED, PAYMENT_SENT_TO_BANK,
    # PAID, PAYMENT_TRANSACTION_REMOVED (cancelled), DELETED.
    status: Mapped[str] = mapped_column(String(30))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # The requested execution date (`paymentDate`).
    payment_date: Mapped[date] = mapped_column(Date)
    payment_method: Mapped[str] = mapped_column(String(40))
    # The company's own account the money leaves (`bank_accounts.id`), as it was at confirmation.
    payer_account_id: Mapped[int] = mapped_column(Integer)
    payer_iban: Mapped[str] = mapped_column(String(34))
    payer_bic: Mapped[str | None] = mapped_column(String(11))
    recipient_name: Mapped[str] = mapped_column(String(80))
    recipient_iban: Mapped[str] = mapped_column(String(34))
    recipient_bic: Mapped[str | None] = mapped_column(String(11))
    # Compact Finnish or RF reference and its type (FI / RF); None when the payment has a message.
    reference: Mapped[str | None] = mapped_column(String(40))
    reference_type: Mapped[str | None] = mapped_column(String(4))
    message: Mapped[str | None] = mapped_column(String(140))
    # recipientNameAndAddress and the optional foreign-payment fields of the wire (camelCase).
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    created_by: Mapped[int | None] = mapped_column(Integer)
    # The MFA transaction that created it.
    transaction_id: Mapped[str | None] = mapped_column(String(36))
    # The pain.001 file it went out in, and when.
    file_name: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The statement's booking date of the debit that settled it.
    paid_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
