"""Company-scoped queries of outgoing payments (and the few reads of the company's payment accounts
and invoices' payment events the payments area needs).

Invariant: every query names the company, except `due_for_files`, the sender's cross-company
look-up of what is queued, which returns rows each carrying their company.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kirjuri.banking.payments import rules
from kirjuri.banking.payments.models import Payment
from kirjuri.core.paging import PageMeta, PageRequest
from kirjuri.db.paging import fetch_page
from kirjuri.invoicing.models import Invoice, PaymentEvent


def get(session: Session, *, company_id: int, payment_id: int, lock: bool = False) -> Payment | None:
    stmt = select(Payment).where(Payment.company_id == company_id, Payment.id == payment_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def search(
    session: Session,
    *,
    company_id: int,
    start: date | None,
    end: date | None,
    invoice_ids: list[int] | None,
    page: PageRequest,
    salaries: bool = False,
) -> tuple[list[Payment], PageMeta]:
    """Payments by value date (`paymentDate`) and invoice, deleted ones left out, salary payments
    only with `salaries`."""
    stmt: Select[Any] = select(Payment).where(Payment.company_id == company_id, Payment.status != rules.DELETED)
    if not salaries:
        stmt = stmt.where(Payment.kind != rules.SALARY)
    if start is not None:
        stmt = stmt.where(Payment.payment_date >= start)
    if end is not None:
        stmt = stmt.where(Payment.payment_date <= end)
    if invoice_ids is not None:  # None: no filter; an empty list: no payment
        stmt = stmt.where(Payment.invoice_id.in_(invoice_ids))
    return fetch_page(session, stmt, id_column=Payment.id, request=page)


def due_for_files(session: Session) -> list[Payment]:
    """Every queued payment of every company, row-locked (one sender at a time)."""
    return list(
        session.scalars(
            select(Payment)
            .where(Payment.status == rules.QUEUED)
            .order_by(Payment.company_id, Payment.id)
            .with_for_update()
        )
    )


def invoice_payment_events(
    session: Session, *, company_id: int, invoice_ids: list[int], types: tuple[str, ...], page: PageRequest
) -> tuple[list[tuple[PaymentEvent, Invoice]], PageMeta]:
    """The payment events of the company's invoices among `invoice_ids` of readable `types`."""
    invoices = select(Invoice.id).where(
        Invoice.company_id == company_id, Invoice.id.in_(invoice_ids), Invoice.type.in_(types)
    )
    stmt = select(PaymentEvent).where(PaymentEvent.company_id == company_id, PaymentEvent.invoice_id.in_(invoices))
    events, meta = fetch_page(session, stmt, id_column=PaymentEvent.id, request=page)
    owners = {
        i.id: i
        for i in session.scalars(
            select(Invoice).where(Invoice.company_id == company_id, Invoice.id.in_({e.invoice_id for e in events}))
        )
    }
    return [(e, owners[e.invoice_id]) for e in events], meta
