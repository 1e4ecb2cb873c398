"""The invoice lifecycle verbs (§D.13.3): approve, verify, send to circulation, reject, invalidate,
make unfinished and internal notes — and `apply`, the one function through which every verb (the
payments' mark-paid and the sending colleague's `send` included) changes an invoice's status.

Invariants guarded here:
- an invoice's status changes only along `transitions.next_status` (403 `ACTION_NOT_ALLOWED_FOR_TYPE`
  / `INVALID_STATUS_TRANSITION` from it); the one exception is undoing a payment (`move`, used by
  `invoicing.payments`), which the table leaves to the service;
- every change happens only in an open period: the invoice date's period must be writable
  (`ledger.fiscal.writable_period`, 400 `CLOSED_FISCAL_PERIOD` at `date`) — for a payment the
  payment date's instead (`period_day`), as the contract says for mark-paid;
- every change bumps `version`, appends one audit event (`invoicing.events`) in the same transaction
  and keeps the invoice's ledger receipt in step (`RECEIPT_STATUS`).

The ledger receipt's status. The ledger knows three receipt statuses (`ledger.rules`): UNFINISHED
and APPROVED count in the balances, INVALIDATED does not (the receipt is taken out of the books —
reversed as a whole — by the ledger's `set_status`). An invoice's status maps onto them:

| invoice status                                                              | receipt status |
|-----------------------------------------------------------------------------|----------------|
| UNFINISHED, RECEIVED, VERIFIED, PAYMENT_DENIED (and EMPTY, STARTED, UNSAVED) | UNFINISHED     |
| NOT_SENT, SENT, APPROVED, PAYMENT_QUEUED, PAYMENT_SENT_TO_BANK, PARTLY_PAID,  | APPROVED       |
| PAID, MARKED_PAID, PAYMENT_TRANSACTION_REMOVED, INVOICED                     |                |
| INVALIDATED, OVERRIDDEN, DELETED                                             | INVALIDATED    |

So the receipt is approved when the invoice is final (a sales invoice approved, a purchase invoice
approved in circulation), goes back to UNFINISHED with the invoice, and leaves the books when the
invoice is invalidated. A denied invoice (PAYMENT_DENIED) is not final: its accounting waits for a
correction (`unfinished`) or a cancellation (`invalidate`). Payments never change the receipt's
status (every paid status maps to APPROVED, as the statuses they come from), so a payment of an
invoice whose own period is already closed can still be registered: only its payment date counts.

Audit actions (the contract's `InvoiceTransaction.action` enum; `AUDIT_ACTIONS`): approve →
APPROVAL, verify → VERIFICATION, sendToCirculation → SEND_TO_CIRCULATION, send → SEND, reject →
DENY_PAYMENT, unfinished → UNFINISHED, markpaid → MARKED_PAID, payment_queued → SENT_FOR_PAYMENT,
payment → ALLOCATE_PAYMENT_MANUALLY, convert → CONVERTED_TO_INVOICE; payment_sent (the bank took
the queued payment) records nothing of its own. Undoing a marked payment records
DELETED_PAID_ELSEWHERE_PAYMENT_TRANSACTION (`invoicing.payments`), undoing a queued payment
CANCEL_PAYMENT_TRANSACTION or DELETED_PAYMENT_TRANSACTION (`unqueue_payment`). The sending's `send` gets its
SEND event, with the sent document, from `apply` (`sent_document_id`) — it records no other.
The enum has no invalidation: Kirjuri stores its own action
INVALIDATION, which the audit trail shows with no `action` and the details "INVALIDATED" (see
`audit_to_wire`). Notes leave no event (no action fits, and notes are no step of the lifecycle).
A comment given with verify, approve or reject is the event's `details`.

Rights (decisions; the contract names the rights but not which verb needs which):
- approve of a sales invoice, sendToCirculation, reject, invalidate, unfinished and notes need the
  type's write right (`invoicing.access.WRITE_RIGHT`);
- verify needs `invoiceCirculation.verification`, approve of a circulated invoice
  `invoiceCirculation.approval` (ALL_RIGHTS), and the user must be a checker of the invoice who may
  act now (`invoicing.circulation`);
- reject is also open to a checker still to act who holds their role's circulation right.
Checks run in this order: the transition table (403), the rights (403), the circulation (403), the
open period (400).

Circulation: a verification or approval moves the invoice on (RECEIVED → VERIFIED → APPROVED)
only when every checker of that role has acted; until then the status stays and the checker's
event is recorded. `updateInventory` is accepted and ignored: Kirjuri has no inventory yet.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError, forbidden
from kirjuri.invoicing import access, circulation, events, transitions
from kirjuri.invoicing.lifecycle_schemas import InvoiceTransaction, InvoiceTransactionAction
from kirjuri.invoicing.models import Invoice, InvoiceEvent
from kirjuri.ledger import fiscal, rules
from kirjuri.ledger import repository as ledger_repository
from kirjuri.ledger import service as ledger_service
from kirjuri.webhooks import catalogue, outbox

# Kirjuri's own audit action for an invalidation (the contract's enum has none).
INVALIDATION = "INVALIDATION"
# Wire details of audit actions outside the contract's enum.
_OWN_ACTION_DETAILS = {INVALIDATION: "INVALIDATED"}

AUDIT_ACTIONS: dict[str, str | None] = {
    transitions.UPDATE: None,
    transitions.APPROVE: InvoiceTransactionAction.APPROVAL.value,
    transitions.VERIFY: InvoiceTransactionAction.VERIFICATION.value,
    transitions.SEND_TO_CIRCULATION: InvoiceTransactionAction.SEND_TO_CIRCULATION.value,
    transitions.SEND: InvoiceTransactionAction.SEND.value,
    transitions.REJECT: InvoiceTransactionAction.DENY_PAYMENT.value,
    transitions.INVALIDATE: INVALIDATION,
    transitions.MAKE_UNFINISHED: InvoiceTransactionAction.UNFINISHED.value,
    transitions.NOTES: None,
    transitions.MARK_PAID: InvoiceTransactionAction.MARKED_PAID.value,
    transitions.PAYMENT_QUEUED_EVENT: InvoiceTransactionAction.SENT_FOR_PAYMENT.value,
    transitions.PAYMENT_SENT_EVENT: None,
    transitions.PAYMENT: InvoiceTransactionAction.ALLOCATE_PAYMENT_MANUALLY.value,
    transitions.CONVERT: InvoiceTransactionAction.CONVERTED_TO_INVOICE.value,
}

_UNFINISHED_RECEIPT = (
    transitions.UNFINISHED,
    transitions.RECEIVED,
    transitions.VERIFIED,
    transitions.PAYMENT_DENIED,
    transitions.EMPTY,
    transitions.STARTED,
    transitions.UNSAVED,
)
_INVALIDATED_RECEIPT = (transitions.INVALIDATED, transitions.OVERRIDDEN, transitions.DELETED)
RECEIPT_STATUS: dict[str, str] = {
    status: (
        rules.UNFINISHED
        if status in _UNFINISHED_RECEIPT
        else rules.INVALIDATED
        if status in _INVALIDATED_RECEIPT
        else rules.APPROVED
    )
    for status in transitions.STATUSES
}

VERIFICATION_RIGHT = "invoiceCirculation.verification"
APPROVAL_RIGHT = "invoiceCirculation.approval"
_ROLE_RIGHT = {circulation.VERIFIER: VERIFICATION_RIGHT, circulation.ACCEPTOR: APPROVAL_RIGHT}


class Rights(Protocol):
    """What the verbs ask of the caller (`auth.dependencies.Principal` is one)."""

    def can(self, right: str, *, write: bool = False) -> bool: ...


def receipt_status(invoice_status: str) -> str:
    """The status of the ledger receipt of an invoice in `invoice_status` (module docstring)."""
    return RECEIPT_STATUS[invoice_status]


# --- the one way a status changes ---------------------------------------------------------------


def move(session: Session, *, invoice: Invoice, status: str) -> None:
    """Set the status, bump the version and keep the ledger receipt's status in step. Callers
    have checked the transition and the period; only `apply` and the undoing of a payment call it.
    A changed status is announced (`invoice.status_changed`, and `invoice.paid` once paid)."""
    previous = invoice.status
    invoice.status = status
    invoice.version = clock.now()
    if status != previous:
        payload = {"invoiceId": invoice.id, "type": invoice.type, "status": status, "previousStatus": previous}
        outbox.emit(
            session, company_id=invoice.company_id, event_type=catalogue.INVOICE_STATUS_CHANGED, payload=payload
        )
        if status in (transitions.PAID, transitions.MARKED_PAID):
            outbox.emit(session, company_id=invoice.company_id, event_type=catalogue.INVOICE_PAID, payload=payload)
    if invoice.ledger_receipt_id is not None:
        receipt = ledger_repository.get_receipt(
            session, company_id=invoice.company_id, receipt_id=invoice.ledger_receipt_id, lock=True
        )
        wanted = receipt_status(status)
        if receipt.status != wanted:
            ledger_service.set_status(session, company_id=invoice.company_id, receipt=receipt, status=wanted)
    session.flush()


def record(
    session: Session,
    *,
    invoice: Invoice,
    action: str,
    user_id: int | None,
    details: str | None = None,
    sent_document_id: int | None = None,
) -> InvoiceEvent:
    """Append an audit event named as the user."""
    return events.record(
        session,
        invoice=invoice,
        action=action,
        actor=events.actor_name(session, company_id=invoice.company_id, user_id=user_id),
        user_id=user_id,
        details=details,
        sent_document_id=sent_document_id,
    )


def check(invoice: Invoice, action: str, *, fully_paid: bool | None = None) -> str:
    """The status `action` leads to (403 from the transition table when it is not allowed)."""
    return transitions.next_status(
        action=action, invoice_type=invoice.type, status=invoice.status, fully_paid=fully_paid
    )


def apply(
    session: Session,
    *,
    invoice: Invoice,
    action: str,
    user_id: int | None,
    fully_paid: bool | None = None,
    details: str | None = None,
    sent_document_id: int | None = None,
    period_day: date | None = None,
    period_field: str = "date",
    stay: bool = False,
) -> str:
    """Move `invoice` along `action` (a `transitions` action) and return its new status.

    403 when the table refuses; 400 `CLOSED_FISCAL_PERIOD` at `period_field` when `period_day`
    (default: the invoice date) is not in an open period. `stay` keeps the status after the
    checks (a circulation step before its role is complete). Bumps `version`, keeps the ledger
    receipt in step and records the audit event of the action (`AUDIT_ACTIONS`) with `details`
    and `sent_document_id` (the sending's document)."""
    target = check(invoice, action, fully_paid=fully_paid)
    fiscal.writable_period(
        session, company_id=invoice.company_id, day=period_day or invoice.invoice_date, field=period_field
    )
    move(session, invoice=invoice, status=invoice.status if stay else target)
    audit = AUDIT_ACTIONS[action]
    if audit is not None:
        record(
            session,
            invoice=invoice,
            action=audit,
            user_id=user_id,
            details=details,
            sent_document_id=sent_document_id,
        )
    session.flush()
    return invoice.status


def unqueue_payment(session: Session, *, invoice: Invoice, user_id: int | None, action: str, details: str) -> str:
    """A queued payment cancelled or deleted before it went to the bank (`banking.payments`): the
    invoice leaves PAYMENT_QUEUED for APPROVED, or PARTLY_PAID when earlier payments remain, and
    the audit trail records `action` (CANCEL_PAYMENT_TRANSACTION, DELETED_PAYMENT_TRANSACTION)."""
    if invoice.status != transitions.PAYMENT_QUEUED:
        raise KirjuriError("INVALID_STATUS_TRANSITION", 403)
    move(session, invoice=invoice, status=transitions.PARTLY_PAID if invoice.paid_minor else transitions.APPROVED)
    record(session, invoice=invoice, action=action, user_id=user_id, details=details)
    session.flush()
    return invoice.status


# --- the verbs ----------------------------------------------------------------------------------


def _require_write(rights: Rights, invoice: Invoice) -> None:
    right = access.WRITE_RIGHT.get(invoice.type)
    if right is None or not rights.can(right, write=True):
        raise forbidden("INSUFFICIENT_RIGHTS")


def _require(rights: Rights, right: str) -> None:
    if not rights.can(right, write=True):
        raise forbidden("INSUFFICIENT_RIGHTS")


def _circulation_step(
    session: Session,
    *,
    invoice: Invoice,
    action: str,
    role: str,
    done: str,
    user_id: int,
    rights: Rights,
    comment: str | None,
) -> str:
    check(invoice, action)
    _require(rights, _ROLE_RIGHT[role])
    settings = circulation.settings(session, company_id=invoice.company_id)
    checkers = circulation.checkers_of(session, invoice=invoice, lock=True)
    mine = circulation.acting_checker(checkers, user_id=user_id, role=role, circulation=settings)
    fiscal.writable_period(session, company_id=invoice.company_id, day=invoice.invoice_date, field="date")
    circulation.perform(mine, done)
    return apply(
        session,
        invoice=invoice,
        action=action,
        user_id=user_id,
        details=comment or None,
        stay=not circulation.complete(checkers, role),
    )


def approve(
    session: Session,
    *,
    invoice: Invoice,
    user_id: int,
    rights: Rights,
    comment: str | None = None,
    update_inventory: bool = False,
) -> str:
    """`PUT /invoices/{id}/approve`: a sales invoice UNFINISHED → NOT_SENT (the comment ignored);
    a circulated invoice's approval by one of its acceptors (APPROVED once all have approved).
    `update_inventory` is accepted and ignored (no inventory in Kirjuri yet)."""
    del update_inventory
    if invoice.type in circulation.CIRCULATED_TYPES:
        return _circulation_step(
            session,
            invoice=invoice,
            action=transitions.APPROVE,
            role=circulation.ACCEPTOR,
            done=circulation.DID_APPROVE,
            user_id=user_id,
            rights=rights,
            comment=comment,
        )
    check(invoice, transitions.APPROVE)
    _require_write(rights, invoice)
    return apply(session, invoice=invoice, action=transitions.APPROVE, user_id=user_id)


def verify(session: Session, *, invoice: Invoice, user_id: int, rights: Rights, comment: str | None = None) -> str:
    """`PUT /invoices/{id}/verify`: one verifier's verification (VERIFIED once all have verified)."""
    return _circulation_step(
        session,
        invoice=invoice,
        action=transitions.VERIFY,
        role=circulation.VERIFIER,
        done=circulation.DID_VERIFY,
        user_id=user_id,
        rights=rights,
        comment=comment,
    )


def send_to_circulation(session: Session, *, invoice: Invoice, user_id: int, rights: Rights) -> str:
    """`PUT /invoices/{id}/sendToCirculation`: → RECEIVED with the checkers of the company's
    verifier list (sending again restarts the circulation with fresh checkers)."""
    check(invoice, transitions.SEND_TO_CIRCULATION)
    _require_write(rights, invoice)
    settings = circulation.settings(session, company_id=invoice.company_id)
    fiscal.writable_period(session, company_id=invoice.company_id, day=invoice.invoice_date, field="date")
    circulation.start(session, invoice=invoice, circulation=settings)
    return apply(session, invoice=invoice, action=transitions.SEND_TO_CIRCULATION, user_id=user_id)


def reject(session: Session, *, invoice: Invoice, user_id: int, rights: Rights, comment: str | None = None) -> str:
    """`PUT /invoices/{id}/reject`: → PAYMENT_DENIED. By a writer of the type, or by a checker of
    the invoice still to act (their checker row is marked REJECTED)."""
    check(invoice, transitions.REJECT)
    checker = None
    if invoice.type in circulation.CIRCULATED_TYPES:
        checkers = circulation.checkers_of(session, invoice=invoice, lock=True)
        checker = circulation.pending_checker(checkers, user_id=user_id)
    as_checker = checker is not None and rights.can(_ROLE_RIGHT[checker.role], write=True)
    if not as_checker:
        _require_write(rights, invoice)
    fiscal.writable_period(session, company_id=invoice.company_id, day=invoice.invoice_date, field="date")
    if checker is not None:
        circulation.perform(checker, circulation.DID_REJECT)
    return apply(session, invoice=invoice, action=transitions.REJECT, user_id=user_id, details=comment or None)


def invalidate(session: Session, *, invoice: Invoice, user_id: int, rights: Rights) -> str:
    """`PUT /invoices/{id}/invalidate`: → INVALIDATED; the ledger receipt leaves the books."""
    check(invoice, transitions.INVALIDATE)
    _require_write(rights, invoice)
    return apply(session, invoice=invoice, action=transitions.INVALIDATE, user_id=user_id)


def make_unfinished(session: Session, *, invoice: Invoice, user_id: int, rights: Rights) -> str:
    """`PUT /invoices/{id}/unfinished`: back to the draft; a circulation ends (its checkers go)."""
    check(invoice, transitions.MAKE_UNFINISHED)
    _require_write(rights, invoice)
    status = apply(session, invoice=invoice, action=transitions.MAKE_UNFINISHED, user_id=user_id)
    if invoice.type in circulation.CIRCULATED_TYPES:
        circulation.clear(session, invoice=invoice)
    return status


def set_notes(session: Session, *, invoice: Invoice, user_id: int, rights: Rights, notes: str) -> str:
    """`PUT /invoices/{id}/notes`: only the internal notes change (in any status; the invoice date
    must still be in an open period — closed is closed on every path)."""
    check(invoice, transitions.NOTES)
    _require_write(rights, invoice)
    document = dict(invoice.document or {})
    if notes:
        document["notes"] = notes
    else:
        document.pop("notes", None)
    invoice.document = document
    return apply(session, invoice=invoice, action=transitions.NOTES, user_id=user_id)


# --- the audit trail on the wire ----------------------------------------------------------------

_CONTRACT_ACTIONS = frozenset(a.value for a in InvoiceTransactionAction)


def audit_to_wire(event: InvoiceEvent) -> InvoiceTransaction:
    """One audit event as an InvoiceTransaction: an action outside the contract's enum (Kirjuri's
    INVALIDATION, the core's own ones) is shown without `action`, named in `details` instead."""
    if event.action in _CONTRACT_ACTIONS:
        return InvoiceTransaction(
            action=InvoiceTransactionAction(event.action), name=event.actor, date=event.at, details=event.details
        )
    own = _OWN_ACTION_DETAILS.get(event.action, event.action)
    details = f"{own}: {event.details}" if event.details else own
    return InvoiceTransaction(action=None, name=event.actor, date=event.at, details=details)


def trail(session: Session, *, company_id: int, invoice_ids: list[int]) -> dict[int, list[InvoiceTransaction]]:
    """The audit trails of the invoices, oldest event first."""
    found = events.trail(session, company_id=company_id, invoice_ids=invoice_ids)
    return {invoice_id: [audit_to_wire(e) for e in rows] for invoice_id, rows in found.items()}
