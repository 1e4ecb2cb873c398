"""The audit trail of an invoice (`GET /invoices/{id}/transactions`): every action appends one
event, in the same transaction as the change it records.

Invariant: events are only ever added, never changed or removed (until the invoice itself goes);
the actor is named as shown at the time, so a renamed or removed user leaves the trail intact.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.companies import repository as companies_repository
from kirjuri.core import clock
from kirjuri.db.counters import next_value
from kirjuri.invoicing.models import Invoice, InvoiceEvent

SYSTEM = "Kirjuri"


def actor_name(session: Session, *, company_id: int, user_id: int | None) -> str:
    """How a user is named in the audit trail and on comments: "First Last" (the system when
    there is no user or they left the company)."""
    if user_id is None:
        return SYSTEM
    user = companies_repository.member(session, company_id=company_id, user_id=user_id)
    if user is None:
        return SYSTEM
    return f"{user.first_name} {user.last_name}".strip() or user.username


def record(
    session: Session,
    *,
    invoice: Invoice,
    action: str,
    actor: str = SYSTEM,
    user_id: int | None = None,
    details: str | None = None,
    sent_document_id: int | None = None,
) -> InvoiceEvent:
    """Append `action` (the contract's InvoiceTransaction.action, e.g. APPROVAL, SEND) to the trail."""
    event = new(session, invoice=invoice, action=action, actor=actor, user_id=user_id, details=details,
                sent_document_id=sent_document_id)  # fmt: skip
    session.add(event)
    return event


def new(
    session: Session,
    *,
    invoice: Invoice,
    action: str,
    actor: str,
    user_id: int | None,
    details: str | None = None,
    sent_document_id: int | None = None,
) -> InvoiceEvent:
    """The event `record` appends, with its id, not added to the session (the caller writes it)."""
    return InvoiceEvent(
        company_id=invoice.company_id,
        id=next_value(session, company_id=invoice.company_id, name="invoice_event"),
        invoice_id=invoice.id,
        action=action,
        user_id=user_id,
        actor=actor,
        details=details,
        sent_document_id=sent_document_id,
        at=clock.now(),
    )


def trail(session: Session, *, company_id: int, invoice_ids: list[int]) -> dict[int, list[InvoiceEvent]]:
    """The events of the invoices, oldest first: by time, then id (ids are unique but, with several
    server processes, not in creation order — `db.counters`)."""
    found: dict[int, list[InvoiceEvent]] = {invoice_id: [] for invoice_id in invoice_ids}
    rows = session.scalars(
        select(InvoiceEvent)
        .where(InvoiceEvent.company_id == company_id, InvoiceEvent.invoice_id.in_(invoice_ids))
        .order_by(InvoiceEvent.invoice_id, InvoiceEvent.at, InvoiceEvent.id)
    )
    for event in rows:
        found[event.invoice_id].append(event)
    return found
