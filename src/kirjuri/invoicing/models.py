"""Tables of invoicing: invoices and their rows, the audit trail, payment events, comments, the
circulation checkers, and the documents sent.

Invariants:
- every key starts with `company_id`; invoice ids come from the company's `invoice` counter, which
  the ledger's journals share for their hidden invoices, so an invoice id names one thing;
- `invoice_number` is gap-free per company and series (`invoicing.numbers`), unique per series;
- the wire object lives in `document` (camelCase, decimals as strings); the columns hold what is
  searched, sorted or summed, kept equal to it by the service, the only writer; totals are integer
  minor units of the invoice currency, computed by `invoicing.sums`;
- `invoice_vat_lines` add up exactly to the invoice's totals (an invoice stored before they
  existed has none: its documents recompute the breakdown from the rows);
- an invoice owns at most one ledger receipt (`ledger_receipt_id`), kept in step by the service;
- the audit trail (`invoice_events`) is append-only.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

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
from kirjuri.db.base import Base, JSONDoc, UTCDateTime


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("company_id", "series", "invoice_number"),
        Index("ix_invoices_type_status", "company_id", "type", "status"),
        Index("ix_invoices_date", "company_id", "invoice_date"),
        Index("ix_invoices_due_date", "company_id", "due_date"),
        Index("ix_invoices_partner", "company_id", "partner_id"),
        Index("ix_invoices_version", "company_id", "version"),
        Index("ix_invoices_reference", "company_id", "reference"),
    )

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30))
    is_offer: Mapped[bool] = mapped_column(Boolean, default=False)
    # Numbering series (`invoicing.numbers`: sales, orders, offers, purchases …) and the number in it.
    series: Mapped[str] = mapped_column(String(20))
    invoice_number: Mapped[int] = mapped_column(Integer)
    original_invoice_number: Mapped[str | None] = mapped_column(String(60))
    partner_id: Mapped[int | None] = mapped_column(Integer)
    counterparty_name: Mapped[str] = mapped_column(String(160))
    invoice_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    payment_date: Mapped[date | None] = mapped_column(Date)
    invoice_channel: Mapped[str] = mapped_column(String(30))
    payment_method: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    currency_rate: Mapped[Decimal] = mapped_column(Numeric(20, 10))
    # Compact reference (digits, or RF…) and its type (FI / RF); None when the invoice has none.
    reference: Mapped[str | None] = mapped_column(String(40))
    reference_type: Mapped[str | None] = mapped_column(String(10))
    factoring_contract_id: Mapped[int | None] = mapped_column(Integer)
    # Totals in minor units of the invoice currency; `paid_minor` sums the payment events.
    net_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    vat_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    gross_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    ledger_receipt_id: Mapped[int | None] = mapped_column(Integer)
    creator_id: Mapped[int | None] = mapped_column(Integer)
    # Searched by `searchTerm` with the counterparty name and the invoice number.
    additional_information: Mapped[str | None] = mapped_column(Text)
    # The wire Invoice without id, status, number, sums, version and other server-kept fields.
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class InvoiceRow(Base):
    __tablename__ = "invoice_rows"
    __table_args__ = (
        ForeignKeyConstraint(["company_id", "invoice_id"], ["invoices.company_id", "invoices.id"], ondelete="CASCADE"),
        Index("ix_invoice_rows_invoice", "company_id", "invoice_id", "line_no"),
        Index("ix_invoice_rows_product", "company_id", "product_id"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    invoice_id: Mapped[int] = mapped_column(Integer)
    # Rows come back in the order given (0, 1, 2 …).
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(BigInteger)
    product: Mapped[str] = mapped_column(String(255))
    product_code: Mapped[str | None] = mapped_column(String(60))
    quantity: Mapped[Decimal] = mapped_column(Numeric(24, 6))
    unit: Mapped[str] = mapped_column(String(40))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(24, 6))
    discount_percent: Mapped[Decimal] = mapped_column(Numeric(9, 4))
    vat_percent: Mapped[Decimal] = mapped_column(Numeric(9, 4))
    vat_status: Mapped[int | None] = mapped_column(Integer)
    net_minor: Mapped[int] = mapped_column(BigInteger)
    vat_minor: Mapped[int] = mapped_column(BigInteger)
    gross_minor: Mapped[int] = mapped_column(BigInteger)
    # comment, startDate, endDate, headerText, explanationText (camelCase).
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


class InvoiceVatLine(Base):
    """The invoice's VAT breakdown as stated: one line per VAT percent × VAT status, in minor units
    of the invoice currency, written with the totals by the service (their sums ARE the totals) and
    read by the documents (PDF, image, Finvoice), so the printed breakdown and the printed totals
    come from one stored truth — also when the totals took the ledger's VAT (`invoicing.accounting`)."""

    __tablename__ = "invoice_vat_lines"
    __table_args__ = (
        ForeignKeyConstraint(["company_id", "invoice_id"], ["invoices.company_id", "invoices.id"], ondelete="CASCADE"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # In the breakdown's order: percent descending, then VAT status (`invoicing.sums`).
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    vat_percent: Mapped[Decimal] = mapped_column(Numeric(9, 4))
    vat_status: Mapped[int] = mapped_column(Integer)
    net_minor: Mapped[int] = mapped_column(BigInteger)
    vat_minor: Mapped[int] = mapped_column(BigInteger)
    gross_minor: Mapped[int] = mapped_column(BigInteger)


class InvoiceEvent(Base):
    """The audit trail (`GET /invoices/{id}/transactions`): one row per action, never changed."""

    __tablename__ = "invoice_events"
    __table_args__ = (
        ForeignKeyConstraint(["company_id", "invoice_id"], ["invoices.company_id", "invoices.id"], ondelete="CASCADE"),
        Index("ix_invoice_events_invoice", "company_id", "invoice_id", "id"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    invoice_id: Mapped[int] = mapped_column(Integer)
    # The contract's InvoiceTransaction.action (SEND, APPROVAL, VERIFICATION, MARKED_PAID …).
    action: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[int | None] = mapped_column(Integer)
    # Who did it, as shown (`name`): the user's full name, or the system.
    actor: Mapped[str] = mapped_column(String(255))
    details: Mapped[str | None] = mapped_column(Text)
    # A sent document (`sent_documents.id`) this action produced, if any.
    sent_document_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class PaymentEvent(Base):
    """A payment of an invoice: marked paid by a user, matched from the bank, or paid out."""

    __tablename__ = "invoice_payment_events"
    __table_args__ = (
        ForeignKeyConstraint(["company_id", "invoice_id"], ["invoices.company_id", "invoices.id"], ondelete="CASCADE"),
        Index("ix_invoice_payment_events_invoice", "company_id", "invoice_id"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    invoice_id: Mapped[int] = mapped_column(Integer)
    # PaymentEvent.type: MARKED_PAID, BANK_TRANSFER, REFERENCE_PAYMENT …
    type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30))
    payment_date: Mapped[date] = mapped_column(Date)
    # In the invoice currency; `paid_*` as paid when another currency was used.
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    paid_amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    paid_currency: Mapped[str | None] = mapped_column(String(3))
    description: Mapped[str | None] = mapped_column(String(255))
    payment_method_type: Mapped[str | None] = mapped_column(String(40))
    # The ledger receipt that posted the payment.
    ledger_receipt_id: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class InvoiceComment(Base):
    __tablename__ = "invoice_comments"
    __table_args__ = (
        ForeignKeyConstraint(["company_id", "invoice_id"], ["invoices.company_id", "invoices.id"], ondelete="CASCADE"),
        Index("ix_invoice_comments_invoice", "company_id", "invoice_id"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    invoice_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(255))
    comment: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class CommentTag(Base):
    """A user tagged in a comment, and whether they have read it."""

    __tablename__ = "invoice_comment_tags"
    __table_args__ = (
        ForeignKeyConstraint(
            ["company_id", "comment_id"], ["invoice_comments.company_id", "invoice_comments.id"], ondelete="CASCADE"
        ),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InvoiceChecker(Base):
    """A verifier or acceptor chosen for an invoice in circulation, and what they did."""

    __tablename__ = "invoice_checkers"
    __table_args__ = (
        ForeignKeyConstraint(["company_id", "invoice_id"], ["invoices.company_id", "invoices.id"], ondelete="CASCADE"),
        Index("ix_invoice_checkers_user", "company_id", "user_id", "role"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # VERIFIER or ACCEPTOR.
    role: Mapped[str] = mapped_column(String(10), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_no: Mapped[int] = mapped_column(Integer, default=1)
    # Null until done; then VERIFIED / APPROVED / REJECTED (InvoiceCheckerInformation.eventPerformed).
    event_performed: Mapped[str | None] = mapped_column(String(20))
    performed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SentDocument(Base):
    """Every document sent for an invoice: the e-mail (.eml), the Finvoice message, the PDF for
    printing — kept, and linked from the audit trail."""

    __tablename__ = "invoice_sent_documents"
    __table_args__ = (
        ForeignKeyConstraint(["company_id", "invoice_id"], ["invoices.company_id", "invoices.id"], ondelete="CASCADE"),
        Index("ix_invoice_sent_documents_invoice", "company_id", "invoice_id"),
        Index("ix_invoice_sent_documents_pending", "status", "channel"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    invoice_id: Mapped[int] = mapped_column(Integer)
    # EMAIL, ELECTRONIC_INVOICE or MAIL.
    channel: Mapped[str] = mapped_column(String(30))
    # QUEUED until the worker delivers it, then DELIVERED (or FAILED with `error`).
    status: Mapped[str] = mapped_column(String(20))
    # Where the document lies in the outbox (relative to the server's var folder).
    path: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str | None] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
