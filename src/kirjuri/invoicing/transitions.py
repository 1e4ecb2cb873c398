"""The invoice lifecycle of §D.13.3 as one table: which action moves an invoice of which type
from which status to which status.

Invariant: an invoice's status changes only through `next_status`, and only along a row of
`TRANSITIONS`. Everything else is refused with 403 (the contract's answer to "wrong status or
type"): `ACTION_NOT_ALLOWED_FOR_TYPE` when the action never applies to the invoice type,
`INVALID_STATUS_TRANSITION` when it applies to the type but not from the current status.
Unknown action, type or status names are programming errors (`ValueError`): the stored invoice
and the router name them, never a client's free text.

Actions are the endpoint names of §D.13.3 plus the events the payment machinery reports:

| action              | endpoint or event                                                        |
|---------------------|--------------------------------------------------------------------------|
| `update`            | `PUT /invoices/{id}` (content only; the status stays)                    |
| `approve`           | `PUT /invoices/{id}/approve`                                             |
| `verify`            | `PUT /invoices/{id}/verify`                                              |
| `sendToCirculation` | `PUT /invoices/{id}/sendToCirculation`                                   |
| `send`              | `PUT /invoices/{id}/send`                                                |
| `reject`            | `PUT /invoices/{id}/reject`                                              |
| `invalidate`        | `PUT /invoices/{id}/invalidate`                                          |
| `unfinished`        | `PUT /invoices/{id}/unfinished`                                          |
| `notes`             | `PUT /invoices/{id}/notes` (any status; the status stays)                |
| `markpaid`          | `PUT /invoices/{id}/paymentevents/markpaid`                              |
| `payment_queued`    | `POST /payments` confirmed (MFA): the outgoing payment exists            |
| `payment_sent`      | the queued payment went to the bank                                      |
| `payment`           | a payment registered against the invoice (bank statement, reference      |
|                     | payment, an executed outgoing payment)                                   |
| `convert`           | an order or offer turned into an invoice (Kirjuri's; see below)          |

`markpaid` and `payment` need `fully_paid`: whether the invoice's payments now cover its sum.
Fully covered → MARKED_PAID (mark-paid) or PAID (payment); partly → PARTLY_PAID.

Decisions where the contract says "(inferred)" or nothing, and why:

- Sales: UNFINISHED →approve→ NOT_SENT →send→ SENT; `send` also from SENT (a re-send stays SENT)
  and only from those two, as the `/send` endpoint states.
- Purchase, travel and expense invoices share one path (the brief and the contract's "travel/expense
  like purchase"): `sendToCirculation` from UNFINISHED or RECEIVED (an invoice received as an
  e-invoice is RECEIVED before anyone put it into circulation; sending again restarts circulation)
  → RECEIVED →verify→ VERIFIED →approve→ APPROVED. `approve` also from RECEIVED: a circulation
  may have acceptors only. A further verifier (VERIFIED → VERIFIED) or acceptor (APPROVED →
  APPROVED) records their own event without moving the status; whether this user may act now is
  the service's check (circulation order, rights). `approve` is not allowed from UNFINISHED:
  `/approve` is the circulation's approval and records the acceptor in
  `invoiceApprovalInformation`, which exists only once the invoice is in circulation.
- Payments out (purchase, travel, expense, periodic tax return): APPROVED or PARTLY_PAID
  →payment_queued→ PAYMENT_QUEUED →payment_sent→ PAYMENT_SENT_TO_BANK →payment→ PAID or
  PARTLY_PAID. A payment found on a bank statement may also settle an APPROVED invoice paid
  elsewhere. A queued payment is not yet money: `payment` is refused from PAYMENT_QUEUED.
- A periodic tax return is made by the system, never by a client; it is payable as it stands, so
  it is treated as APPROVED from the start (its only actions are the payment ones and `markpaid`).
- `reject` (deny payment): for a sales invoice once it is final and unpaid (NOT_SENT, SENT); for
  the circulated types while in circulation (RECEIVED, VERIFIED, APPROVED). Never once money moved
  (queued, sent to bank, partly or fully paid) and never for a draft (the owner edits or
  invalidates it).
- `invalidate`: from every status in which no money has moved and that is not already final:
  the draft (it already holds an invoice number and a ledger receipt, and numbers are gap-free —
  invalidation is how a draft is cancelled), the approved/sent states and PAYMENT_DENIED. Not from
  PAYMENT_QUEUED, PAYMENT_SENT_TO_BANK, PARTLY_PAID, PAID or MARKED_PAID (remove the payments
  first), nor from INVALIDATED.
- `unfinished` back to the draft from NOT_SENT and PAYMENT_DENIED (sales) and from RECEIVED,
  VERIFIED, APPROVED and PAYMENT_DENIED (circulated types); not from SENT (the customer already
  has the invoice: invalidate it and make a credit note), not once money moved, not from
  INVALIDATED (closed is closed).
- `markpaid`: a sales invoice once it is final (NOT_SENT, SENT) or PARTLY_PAID; a payable
  invoice once APPROVED or PARTLY_PAID. A partial mark-paid gives PARTLY_PAID.
- `payment` (money in) on a sales invoice: NOT_SENT, SENT or PARTLY_PAID (a customer may pay
  an invoice that was handed over outside Kirjuri).
- Orders and offers (SALES_ORDER, PURCHASE_ORDER): no lifecycle endpoint of 26.04 names them
  (`/approve` is for invoices), so `approve` is ACTION_NOT_ALLOWED_FOR_TYPE. INVOICED is reached
  only by `convert` (the audit action CONVERTED_TO_INVOICE shows Procountor has that conversion;
  Kirjuri will expose it as its own endpoint) from the statuses in which an order is editable.
- `notes`: the four types of `/notes`, in every status, the status staying.
- `update`: the PUT statuses of §D.13.1 (`EDITABLE_STATUSES`): sales invoice and sales order in
  UNFINISHED; purchase invoice, purchase order, travel and expense in UNFINISHED or RECEIVED.

Not in the table: undoing a payment (`DELETE /payments/{id}`, `DELETE …/paymentevents/{id}`)
and a bank's refusal of a queued payment. The status after those depends on what happened before
(SENT or NOT_SENT, APPROVED or PARTLY_PAID), which the service knows from the invoice's history
and the remaining payments, not from the status alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from kirjuri.core.errors import KirjuriError

# --- names ---------------------------------------------------------------------------------------

SALES_INVOICE = "SALES_INVOICE"
SALES_ORDER = "SALES_ORDER"
PURCHASE_INVOICE = "PURCHASE_INVOICE"
PURCHASE_ORDER = "PURCHASE_ORDER"
TRAVEL_INVOICE = "TRAVEL_INVOICE"
BILL_OF_CHARGES = "BILL_OF_CHARGES"
PERIODIC_TAX_RETURN = "PERIODIC_TAX_RETURN"
# The contract's `Invoice.type` enum, in its order. (SALARY appears only as a mark-paid target in
# payment contexts; salaries are not invoices and have no lifecycle here.)
INVOICE_TYPES: tuple[str, ...] = (
    SALES_INVOICE,
    SALES_ORDER,
    PURCHASE_INVOICE,
    PURCHASE_ORDER,
    TRAVEL_INVOICE,
    BILL_OF_CHARGES,
    PERIODIC_TAX_RETURN,
)
# What `POST /invoices` creates; a periodic tax return is GET-only.
WRITABLE_TYPES: tuple[str, ...] = tuple(t for t in INVOICE_TYPES if t != PERIODIC_TAX_RETURN)

EMPTY = "EMPTY"
UNFINISHED = "UNFINISHED"
NOT_SENT = "NOT_SENT"
SENT = "SENT"
RECEIVED = "RECEIVED"
PAID = "PAID"
PAYMENT_DENIED = "PAYMENT_DENIED"
VERIFIED = "VERIFIED"
APPROVED = "APPROVED"
INVALIDATED = "INVALIDATED"
PAYMENT_QUEUED = "PAYMENT_QUEUED"
PARTLY_PAID = "PARTLY_PAID"
PAYMENT_SENT_TO_BANK = "PAYMENT_SENT_TO_BANK"
MARKED_PAID = "MARKED_PAID"
STARTED = "STARTED"
INVOICED = "INVOICED"
OVERRIDDEN = "OVERRIDDEN"
DELETED = "DELETED"
UNSAVED = "UNSAVED"
PAYMENT_TRANSACTION_REMOVED = "PAYMENT_TRANSACTION_REMOVED"
# The contract's status enum, in its order.
STATUSES: tuple[str, ...] = (
    EMPTY,
    UNFINISHED,
    NOT_SENT,
    SENT,
    RECEIVED,
    PAID,
    PAYMENT_DENIED,
    VERIFIED,
    APPROVED,
    INVALIDATED,
    PAYMENT_QUEUED,
    PARTLY_PAID,
    PAYMENT_SENT_TO_BANK,
    MARKED_PAID,
    STARTED,
    INVOICED,
    OVERRIDDEN,
    DELETED,
    UNSAVED,
    PAYMENT_TRANSACTION_REMOVED,
)
# Every invoice made through the API starts here (POST /invoices).
INITIAL_STATUS = UNFINISHED

UPDATE = "update"
APPROVE = "approve"
VERIFY = "verify"
SEND_TO_CIRCULATION = "sendToCirculation"
SEND = "send"
REJECT = "reject"
INVALIDATE = "invalidate"
MAKE_UNFINISHED = "unfinished"
NOTES = "notes"
MARK_PAID = "markpaid"
PAYMENT_QUEUED_EVENT = "payment_queued"
PAYMENT_SENT_EVENT = "payment_sent"
PAYMENT = "payment"
CONVERT = "convert"
ACTIONS: tuple[str, ...] = (
    UPDATE,
    APPROVE,
    VERIFY,
    SEND_TO_CIRCULATION,
    SEND,
    REJECT,
    INVALIDATE,
    MAKE_UNFINISHED,
    NOTES,
    MARK_PAID,
    PAYMENT_QUEUED_EVENT,
    PAYMENT_SENT_EVENT,
    PAYMENT,
    CONVERT,
)


class Target(Enum):
    """A destination that is not one fixed status."""

    STAY = "STAY"  # the status does not change
    BY_PAYMENT = "BY_PAYMENT"  # PAID when fully paid, else PARTLY_PAID
    BY_MARKING = "BY_MARKING"  # MARKED_PAID when fully paid, else PARTLY_PAID


@dataclass(frozen=True, slots=True)
class Transition:
    action: str
    types: tuple[str, ...]
    sources: tuple[str, ...]
    target: str | Target


# --- the table -----------------------------------------------------------------------------------

_SALES = (SALES_INVOICE,)
_CIRCULATED = (PURCHASE_INVOICE, TRAVEL_INVOICE, BILL_OF_CHARGES)
_PAYABLE = (*_CIRCULATED, PERIODIC_TAX_RETURN)
# The four types of /invalidate, /unfinished and /notes.
_FOUR = (SALES_INVOICE, *_CIRCULATED)
# PUT in UNFINISHED only, or also in RECEIVED (§D.13.1).
_DRAFT_EDITED = (SALES_INVOICE, SALES_ORDER)
_RECEIVED_EDITED = (PURCHASE_INVOICE, PURCHASE_ORDER, TRAVEL_INVOICE, BILL_OF_CHARGES)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(UPDATE, _DRAFT_EDITED, (UNFINISHED,), Target.STAY),
    Transition(UPDATE, _RECEIVED_EDITED, (UNFINISHED, RECEIVED), Target.STAY),
    Transition(APPROVE, _SALES, (UNFINISHED,), NOT_SENT),
    Transition(SEND, _SALES, (NOT_SENT, SENT), SENT),
    Transition(SEND_TO_CIRCULATION, _CIRCULATED, (UNFINISHED, RECEIVED), RECEIVED),
    Transition(VERIFY, _CIRCULATED, (RECEIVED, VERIFIED), VERIFIED),
    Transition(APPROVE, _CIRCULATED, (RECEIVED, VERIFIED, APPROVED), APPROVED),
    Transition(REJECT, _SALES, (NOT_SENT, SENT), PAYMENT_DENIED),
    Transition(REJECT, _CIRCULATED, (RECEIVED, VERIFIED, APPROVED), PAYMENT_DENIED),
    Transition(INVALIDATE, _SALES, (UNFINISHED, NOT_SENT, SENT, PAYMENT_DENIED), INVALIDATED),
    Transition(INVALIDATE, _CIRCULATED, (UNFINISHED, RECEIVED, VERIFIED, APPROVED, PAYMENT_DENIED), INVALIDATED),
    Transition(MAKE_UNFINISHED, _SALES, (NOT_SENT, PAYMENT_DENIED), UNFINISHED),
    Transition(MAKE_UNFINISHED, _CIRCULATED, (RECEIVED, VERIFIED, APPROVED, PAYMENT_DENIED), UNFINISHED),
    Transition(NOTES, _FOUR, STATUSES, Target.STAY),
    Transition(MARK_PAID, _SALES, (NOT_SENT, SENT, PARTLY_PAID), Target.BY_MARKING),
    Transition(MARK_PAID, _PAYABLE, (APPROVED, PARTLY_PAID), Target.BY_MARKING),
    Transition(PAYMENT_QUEUED_EVENT, _PAYABLE, (APPROVED, PARTLY_PAID), PAYMENT_QUEUED),
    Transition(PAYMENT_SENT_EVENT, _PAYABLE, (PAYMENT_QUEUED,), PAYMENT_SENT_TO_BANK),
    Transition(PAYMENT, _SALES, (NOT_SENT, SENT, PARTLY_PAID), Target.BY_PAYMENT),
    Transition(PAYMENT, _PAYABLE, (APPROVED, PAYMENT_SENT_TO_BANK, PARTLY_PAID), Target.BY_PAYMENT),
    Transition(CONVERT, (SALES_ORDER,), (UNFINISHED,), INVOICED),
    Transition(CONVERT, (PURCHASE_ORDER,), (UNFINISHED, RECEIVED), INVOICED),
)  # fmt: skip


def _index(rows: Iterable[Transition]) -> dict[tuple[str, str], dict[str, str | Target]]:
    """(action, type) → {from status: target}; a (status, action, type) may appear only once."""
    index: dict[tuple[str, str], dict[str, str | Target]] = {}
    for row in rows:
        for invoice_type in row.types:
            targets = index.setdefault((row.action, invoice_type), {})
            for source in row.sources:
                if source in targets:
                    raise ValueError(f"two transitions for {row.action} {invoice_type} {source}")
                targets[source] = row.target
    return index


_BY_ACTION_TYPE = _index(TRANSITIONS)

# PUT /invoices/{id} is allowed in these statuses (§D.13.1), read off the `update` rows.
EDITABLE_STATUSES: Mapping[str, frozenset[str]] = {
    invoice_type: frozenset(_BY_ACTION_TYPE.get((UPDATE, invoice_type), {})) for invoice_type in INVOICE_TYPES
}


# --- queries -------------------------------------------------------------------------------------


def _require_known(*, action: str, invoice_type: str, status: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown invoice action {action!r}")
    if invoice_type not in INVOICE_TYPES:
        raise ValueError(f"unknown invoice type {invoice_type!r}")
    if status not in STATUSES:
        raise ValueError(f"unknown invoice status {status!r}")


def _resolve(target: str | Target, *, status: str, fully_paid: bool | None) -> str:
    if isinstance(target, str):
        return target
    if target is Target.STAY:
        return status
    if target is Target.BY_PAYMENT:
        return PAID if fully_paid else PARTLY_PAID
    return MARKED_PAID if fully_paid else PARTLY_PAID


def next_status(*, action: str, invoice_type: str, status: str, fully_paid: bool | None = None) -> str:
    """The status an invoice of `invoice_type` in `status` has after `action`.

    `fully_paid` is required for `markpaid` and `payment` (do the payments now cover the sum?)
    and must be None for every other action. Refusals: `KirjuriError(ACTION_NOT_ALLOWED_FOR_TYPE,
    403)` when the action never applies to the type, `KirjuriError(INVALID_STATUS_TRANSITION, 403)`
    when it does but not from `status`.
    """
    _require_known(action=action, invoice_type=invoice_type, status=status)
    needs_paid = action in (MARK_PAID, PAYMENT)
    if needs_paid and fully_paid is None:
        raise ValueError(f"{action} needs fully_paid")
    if not needs_paid and fully_paid is not None:
        raise ValueError(f"{action} takes no fully_paid")
    targets = _BY_ACTION_TYPE.get((action, invoice_type))
    if targets is None:
        raise KirjuriError("ACTION_NOT_ALLOWED_FOR_TYPE", 403, None)
    target = targets.get(status)
    if target is None:
        raise KirjuriError("INVALID_STATUS_TRANSITION", 403, None)
    return _resolve(target, status=status, fully_paid=fully_paid)


def allowed_actions(invoice_type: str, status: str) -> frozenset[str]:
    """Every action `next_status` accepts for an invoice of this type in this status."""
    _require_known(action=UPDATE, invoice_type=invoice_type, status=status)
    return frozenset(
        action for (action, kind), targets in _BY_ACTION_TYPE.items() if kind == invoice_type and status in targets
    )


def editable(invoice_type: str, status: str) -> bool:
    """May `PUT /invoices/{id}` replace the content of an invoice of this type in this status?"""
    _require_known(action=UPDATE, invoice_type=invoice_type, status=status)
    return status in EDITABLE_STATUSES[invoice_type]
