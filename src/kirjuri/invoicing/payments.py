"""Payments of an invoice made outside Kirjuri (§D.13: `PUT /invoices/{id}/paymentevents/markpaid`),
the invoice's payment events, and the removal of a marked-paid event behind two-step verification.

Invariants:
- a mark-paid payment is an amount in the invoice's currency, of the invoice's sign (a credit
  note's refund is negative), at most what is still open (`gross − paid`); it posts one balanced
  ledger receipt (`entries.payment_receipt` through `ledger.service.create_receipt`, APPROVED),
  dated the payment date, which must lie in an open period (400 `CLOSED_FISCAL_PERIOD` at
  `paymentDate`) — the invoice's own date may lie in a closed one;
- `invoice.paid_minor` is the sum of the invoice's payment events, `invoice.payment_date` the
  latest of their dates; the status follows `transitions` (`markpaid`: PARTLY_PAID, or MARKED_PAID
  once the payments cover the sum) through `lifecycle.apply`;
- a payment event is removed only when its user confirms the MFA transaction (the DELETE answers
  202 with the transaction); the removal posts the reversal of the event's receipt
  (`entries.reversal`, dated the payment date, so the payment and its undoing cancel out in the
  same period) and recomputes the status. Only events marked paid (status MARKED_PAID) can be
  removed here (403 `PAYMENT_EVENT_NOT_REMOVABLE`); other payments go through `/payments`.

Decisions (the contract says little):
- Accounts: the bank side is the chart's BANK role account for every payment method (Kirjuri has
  no cash, card or credit-loss accounts by role yet); the other side settles what the invoice's
  receipt booked — the account of its one REVERSING_ENTRY (receivables or payables), else the
  RECEIVABLES / PAYABLES role account.
- Currency: `currency` must be the invoice's (400 `INVALID_CURRENCY` at `currency`). In a foreign
  currency the ledger amount is the invoice's booked gross in the company currency times the share
  of the sum now paid, less what earlier payments booked — so the payments of a fully paid invoice
  settle its receivable to the cent. A payment worth less than a cent in the company currency
  posts nothing (the event has no receipt).
- Amount: more than two decimals 400 `TOO_MANY_DECIMALS`, zero or of the wrong sign 400
  `INVALID_AMOUNT`, beyond what is open 400 `AMOUNT_EXCEEDS_OPEN_AMOUNT` (all at `amount`).
- `description` and `paymentMethodType` are kept for sales invoices only (the contract: "sales
  invoices only"), ignored for others. `paymentMethodType` gives the event's type (CASH → CASH,
  EXTERNAL_BANK_TRANSFER → BANKTRANSFERELSEWHERE, CREDIT_NOTE → COMPENSATIONINVOICE …); without
  one the type is ELSEWHERE (paid elsewhere). The event's `status` is MARKED_PAID.
- `addPenalExpense=true` is accepted and recorded in the audit event's details only: booking a
  penal expense on the partner's next invoice needs the collection automation Kirjuri lacks.
- After a removal the status is PARTLY_PAID while payments remain, MARKED_PAID (all remaining were
  marked paid) or PAID when they still cover the sum, else the status before any payment: APPROVED
  for payables; for a sales invoice SENT when it was sent after its last approval, else NOT_SENT.
- Rights: marking paid and removing need `payments.markAsPaid` (ALL_RIGHTS) besides seeing the
  invoice; reading events needs only seeing the invoice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.companies import repository as companies_repository
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError, forbidden, not_found
from kirjuri.core.money import decimal_places, from_minor, plain, round_money, to_minor
from kirjuri.core.paging import PageMeta, PageRequest
from kirjuri.db.counters import next_value
from kirjuri.db.paging import fetch_page
from kirjuri.invoicing import entries, lifecycle, service, transitions
from kirjuri.invoicing.lifecycle import Rights
from kirjuri.invoicing.lifecycle_schemas import (
    InvoiceTransactionAction,
    MarkInvoiceAsPaid,
    PaymentEventType,
    PaymentMethodType,
)
from kirjuri.invoicing.lifecycle_schemas import PaymentEvent as WirePaymentEvent
from kirjuri.invoicing.models import Invoice, InvoiceEvent, PaymentEvent
from kirjuri.ledger import accounts, chart, fiscal, rules
from kirjuri.ledger import repository as ledger_repository
from kirjuri.ledger import service as ledger_service
from kirjuri.mfa import service as mfa_service
from kirjuri.mfa.models import MfaTransaction
from kirjuri.webhooks import catalogue, outbox

MARK_AS_PAID_RIGHT = "payments.markAsPaid"
# The MFA transaction kind of a payment event's removal.
REMOVE_PAYMENT_EVENT = "INVOICE_PAYMENT_EVENT_REMOVE"
REMOVED_MESSAGE = "Payment event removed"
RECEIPT_NAME_LENGTH = 80

_EVENT_TYPE: dict[str, str] = {
    PaymentMethodType.ADJUSTMENT: PaymentEventType.ADJUSTMENT,
    PaymentMethodType.BANK_STATEMENT: PaymentEventType.BANKSTATEMENT,
    PaymentMethodType.CASH: PaymentEventType.CASH,
    PaymentMethodType.CHARGE_CARD: PaymentEventType.CHARGECARD,
    PaymentMethodType.CORRECTION: PaymentEventType.CORRECTION,
    PaymentMethodType.CREDIT_LOSS: PaymentEventType.CREDITLOSS,
    PaymentMethodType.CREDIT_NOTE: PaymentEventType.COMPENSATIONINVOICE,
    PaymentMethodType.EXTERNAL_BANK_TRANSFER: PaymentEventType.BANKTRANSFERELSEWHERE,
    PaymentMethodType.SET_OFF: PaymentEventType.SETOFF,
}
PAID_ELSEWHERE = PaymentEventType.ELSEWHERE.value


def _require_right(rights: Rights) -> None:
    if not rights.can(MARK_AS_PAID_RIGHT, write=True):
        raise forbidden("INSUFFICIENT_RIGHTS")


def _invoice_sign(invoice_type: str) -> int:
    """Ledger amount of the bank (and the receivable) row → the invoice's sign: a sales payment
    debits the bank, a payable's credits it."""
    return 1 if entries.side_of(invoice_type, payments=True).value == "SALES" else -1


# --- reading ------------------------------------------------------------------------------------


def events_of(session: Session, *, company_id: int, invoice_id: int) -> list[PaymentEvent]:
    return list(
        session.scalars(
            select(PaymentEvent)
            .where(PaymentEvent.company_id == company_id, PaymentEvent.invoice_id == invoice_id)
            .order_by(PaymentEvent.id)
        )
    )


def events_page(
    session: Session, *, company_id: int, invoice_id: int, page: PageRequest
) -> tuple[list[PaymentEvent], PageMeta]:
    """The invoice's payment events, one page (`size`/`page` and `previousId`, by id)."""
    stmt = select(PaymentEvent).where(PaymentEvent.company_id == company_id, PaymentEvent.invoice_id == invoice_id)
    return fetch_page(session, stmt, id_column=PaymentEvent.id, request=page)


def get_event(session: Session, *, company_id: int, invoice_id: int, event_id: int, lock: bool = False) -> PaymentEvent:
    """One payment event of the invoice; 404 at `paymentEventId` otherwise."""
    stmt = select(PaymentEvent).where(
        PaymentEvent.company_id == company_id, PaymentEvent.invoice_id == invoice_id, PaymentEvent.id == event_id
    )
    event = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if event is None:
        raise not_found("paymentEventId")
    return event


def to_wire(event: PaymentEvent) -> WirePaymentEvent:
    return WirePaymentEvent(
        id=event.id,
        invoice_id=event.invoice_id,
        type=PaymentEventType(event.type) if event.type in PaymentEventType.__members__ else None,
        payment_date=event.payment_date,
        status=event.status,
        amount=plain(from_minor(event.amount_minor)),
        currency=event.currency,
        description=event.description,
        paid_amount=plain(from_minor(event.paid_amount_minor)) if event.paid_amount_minor is not None else None,
        paid_currency=event.paid_currency,
    )


# --- posting ------------------------------------------------------------------------------------


def _counter(session: Session, *, invoice: Invoice) -> tuple[str, int | None]:
    """The account a payment settles and the invoice's gross in the company currency (invoice
    sign), read off the invoice's receipt (its one REVERSING_ENTRY); without one, the role
    account (the VAT settlement account for a periodic tax return) and None."""
    if invoice.ledger_receipt_id is not None:
        rows, _splits = ledger_repository.receipt_postings(
            session, company_id=invoice.company_id, receipt_id=invoice.ledger_receipt_id
        )
        counters = [r for r in rows if r.kind == rules.REVERSING_ENTRY]
        if len(counters) == 1:
            return counters[0].account, counters[0].amount_minor * _invoice_sign(invoice.type)
    if invoice.type == transitions.PERIODIC_TAX_RETURN:
        # Paying the VAT return settles the VAT the ledger's settlement moved to its account.
        role = chart.Role.VAT_SETTLEMENT
    else:
        role = chart.Role.RECEIVABLES if _invoice_sign(invoice.type) == 1 else chart.Role.PAYABLES
    return accounts.code_for_role(session, company_id=invoice.company_id, role=role), None


def _booked(session: Session, *, invoice: Invoice, events: list[PaymentEvent]) -> int:
    """What the events' receipts booked on the bank, in the company currency and the invoice sign."""
    ids = [e.ledger_receipt_id for e in events if e.ledger_receipt_id is not None]
    rows, _splits = ledger_repository.postings_of(session, company_id=invoice.company_id, receipt_ids=ids)
    return sum(
        r.amount_minor * _invoice_sign(invoice.type)
        for receipt_rows in rows.values()
        for r in receipt_rows
        if r.kind == rules.REVERSING_ENTRY
    )


def _scaled(total: int, part: int, whole: int) -> int:
    """round(total × part / whole) in cents, half away from zero."""
    with localcontext() as context:
        context.prec = 60
        return int(round_money(Decimal(total) * Decimal(part) / Decimal(whole), 0))


def _accounting_minor(
    session: Session, *, invoice: Invoice, amount_minor: int, gross_booked: int | None, events: list[PaymentEvent]
) -> int:
    """The payment in the company currency (invoice sign); see the module docstring."""
    company = companies_repository.company(session, invoice.company_id)
    if company is None or invoice.currency == company.currency:
        return amount_minor
    if gross_booked is None:
        with localcontext() as context:
            context.prec = 60
            gross_booked = to_minor(round_money(from_minor(invoice.gross_minor) / invoice.currency_rate))
    paid_after = invoice.paid_minor + amount_minor
    target = (
        gross_booked if paid_after == invoice.gross_minor else _scaled(gross_booked, paid_after, invoice.gross_minor)
    )
    return target - _booked(session, invoice=invoice, events=events)


def _receipt_name(text: str) -> str:
    return text[:RECEIPT_NAME_LENGTH]


def _check_amount(invoice: Invoice, amount: Decimal) -> int:
    if decimal_places(amount) > 2:
        raise KirjuriError("TOO_MANY_DECIMALS", 400, "amount")
    cents = to_minor(round_money(amount))
    open_minor = invoice.gross_minor - invoice.paid_minor
    if cents == 0 or (open_minor >= 0) != (cents > 0):
        raise KirjuriError("INVALID_AMOUNT", 400, "amount")
    if abs(cents) > abs(open_minor):
        raise KirjuriError("AMOUNT_EXCEEDS_OPEN_AMOUNT", 400, "amount")
    return cents


def mark_paid(
    session: Session,
    *,
    invoice: Invoice,
    user_id: int,
    rights: Rights,
    body: MarkInvoiceAsPaid,
    add_penal_expense: bool = False,
) -> PaymentEvent:
    """`PUT /invoices/{id}/paymentevents/markpaid`: register a payment made outside Kirjuri, post
    it, and move the invoice to PARTLY_PAID or MARKED_PAID. Checks in order: the transition table
    (403), the right (403), the currency and the amount (400), the payment date's period (400)."""
    lifecycle.check(invoice, transitions.MARK_PAID, fully_paid=False)
    _require_right(rights)
    if body.currency.value != invoice.currency:
        raise KirjuriError("INVALID_CURRENCY", 400, "currency")
    cents = _check_amount(invoice, body.amount)
    sales = invoice.type == transitions.SALES_INVOICE
    method = body.payment_method_type if sales else None
    details = f"{plain(from_minor(cents))} {invoice.currency}, {body.payment_date.isoformat()}"
    if add_penal_expense:
        details += ", addPenalExpense requested"
    return _post(
        session,
        invoice=invoice,
        action=transitions.MARK_PAID,
        cents=cents,
        payment_date=body.payment_date,
        bank_account=None,
        event_type=_EVENT_TYPE[method] if method is not None else PAID_ELSEWHERE,
        event_status=transitions.MARKED_PAID,
        description=body.description if sales else None,
        payment_method_type=method.value if method is not None else None,
        user_id=user_id,
        details=details,
    )


def register_payment(
    session: Session,
    *,
    invoice: Invoice,
    amount: Decimal,
    payment_date: date,
    bank_account: str,
    event_type: PaymentEventType,
    user_id: int | None,
    description: str | None = None,
) -> PaymentEvent:
    """A payment the bank reported (a reference payment in, a statement's debit of an outgoing
    payment): the `payment` action, posted bank (`bank_account`, the company bank account's ledger
    account) against receivables or payables, the invoice moving to PARTLY_PAID or PAID. The
    amount is in the invoice's currency and sign and at most what is open (400 at `amount`); the
    caller decides what to do with an over-payment before calling."""
    lifecycle.check(invoice, transitions.PAYMENT, fully_paid=False)
    cents = _check_amount(invoice, amount)
    details = f"{plain(from_minor(cents))} {invoice.currency}, {payment_date.isoformat()}, {event_type.value}"
    return _post(
        session,
        invoice=invoice,
        action=transitions.PAYMENT,
        cents=cents,
        payment_date=payment_date,
        bank_account=bank_account,
        event_type=event_type.value,
        event_status=transitions.PAID,
        description=description,
        payment_method_type=None,
        user_id=user_id,
        details=details,
    )


def _post(
    session: Session,
    *,
    invoice: Invoice,
    action: str,
    cents: int,
    payment_date: date,
    bank_account: str | None,
    event_type: str,
    event_status: str,
    description: str | None,
    payment_method_type: str | None,
    user_id: int | None,
    details: str,
) -> PaymentEvent:
    """Post a checked payment of `cents` (invoice currency and sign): its receipt (bank against the
    account the invoice's receipt booked), its event, the invoice's paid sum and status."""
    fiscal.writable_period(session, company_id=invoice.company_id, day=payment_date, field="paymentDate")
    existing = events_of(session, company_id=invoice.company_id, invoice_id=invoice.id)
    counter_account, gross_booked = _counter(session, invoice=invoice)
    booked = _accounting_minor(session, invoice=invoice, amount_minor=cents, gross_booked=gross_booked, events=existing)
    receipt_id = None
    if booked:
        bank = bank_account or accounts.code_for_role(session, company_id=invoice.company_id, role=chart.Role.BANK)
        draft = entries.payment_receipt(
            invoice_type=invoice.type,
            name=_receipt_name(f"Payment of invoice {invoice.invoice_number}"),
            payment_date=payment_date,
            amount=from_minor(booked),
            bank_account=bank,
            counter_account=counter_account,
            partner_id=invoice.partner_id,
        )
        receipt = ledger_service.create_receipt(
            session,
            company_id=invoice.company_id,
            draft=draft,
            user_id=user_id,
            status=rules.APPROVED,
            allowed_types=(rules.JOURNAL,),
        )
        receipt_id = receipt.id
    event = PaymentEvent(
        company_id=invoice.company_id,
        id=next_value(session, company_id=invoice.company_id, name="payment_event"),
        invoice_id=invoice.id,
        type=event_type,
        status=event_status,
        payment_date=payment_date,
        amount_minor=cents,
        currency=invoice.currency,
        paid_amount_minor=cents,
        paid_currency=invoice.currency,
        description=description,
        payment_method_type=payment_method_type,
        ledger_receipt_id=receipt_id,
        user_id=user_id,
        created_at=clock.now(),
    )
    session.add(event)
    invoice.paid_minor += cents
    invoice.payment_date = max(payment_date, invoice.payment_date or payment_date)
    lifecycle.apply(
        session,
        invoice=invoice,
        action=action,
        user_id=user_id,
        fully_paid=invoice.paid_minor == invoice.gross_minor,
        details=details,
        period_day=payment_date,
        period_field="paymentDate",
    )
    session.flush()
    return event


# --- removal, behind MFA ------------------------------------------------------------------------


def _check_removable(session: Session, *, invoice: Invoice, event: PaymentEvent) -> None:
    if event.status != transitions.MARKED_PAID:
        raise KirjuriError("PAYMENT_EVENT_NOT_REMOVABLE", 403)
    fiscal.writable_period(session, company_id=invoice.company_id, day=event.payment_date, field="paymentDate")


def request_removal(
    session: Session, *, invoice: Invoice, event_id: int, user_id: int, rights: Rights
) -> MfaTransaction:
    """`DELETE /invoices/{id}/paymentevents/{eventId}`: check now (404 event, 403 right or not a
    marked-paid event, 400 closed period), remove when the user confirms the transaction."""
    event = get_event(session, company_id=invoice.company_id, invoice_id=invoice.id, event_id=event_id)
    _require_right(rights)
    _check_removable(session, invoice=invoice, event=event)
    return mfa_service.start(
        session,
        company_id=invoice.company_id,
        user_id=user_id,
        kind=REMOVE_PAYMENT_EVENT,
        payload={"invoiceId": invoice.id, "paymentEventId": event.id},
    )


def _status_before_payments(session: Session, *, invoice: Invoice) -> str:
    if invoice.type != transitions.SALES_INVOICE:
        return transitions.APPROVED
    last = session.scalars(
        select(InvoiceEvent.action)
        .where(
            InvoiceEvent.company_id == invoice.company_id,
            InvoiceEvent.invoice_id == invoice.id,
            InvoiceEvent.action.in_([InvoiceTransactionAction.APPROVAL.value, InvoiceTransactionAction.SEND.value]),
        )
        .order_by(InvoiceEvent.at.desc(), InvoiceEvent.id.desc())  # the latest (ids are not in time order)
        .limit(1)
    ).first()
    return transitions.SENT if last == InvoiceTransactionAction.SEND.value else transitions.NOT_SENT


def _reverse(session: Session, *, invoice: Invoice, event: PaymentEvent, user_id: int) -> None:
    """Post the opposite of the event's receipt, dated the payment date."""
    if event.ledger_receipt_id is None:
        return
    receipt = ledger_repository.get_receipt(session, company_id=invoice.company_id, receipt_id=event.ledger_receipt_id)
    rows, _splits = ledger_repository.receipt_postings(session, company_id=invoice.company_id, receipt_id=receipt.id)
    bank = next(r for r in rows if r.kind == rules.REVERSING_ENTRY)
    settled = next(r for r in rows if r.kind == rules.ENTRY)
    draft = entries.payment_receipt(
        invoice_type=invoice.type,
        name=receipt.name,
        payment_date=receipt.receipt_date,
        amount=from_minor(bank.amount_minor * _invoice_sign(invoice.type)),
        bank_account=bank.account,
        counter_account=settled.account,
        partner_id=receipt.partner_id,
        receipt_type=receipt.type,
    )
    opposite = entries.reversal(
        draft, name=_receipt_name(f"Reversal: {receipt.name}"), reversal_date=event.payment_date
    )
    ledger_service.create_receipt(
        session,
        company_id=invoice.company_id,
        draft=opposite,
        user_id=user_id,
        status=rules.APPROVED,
        allowed_types=(receipt.type,),
    )


def remove(session: Session, *, company_id: int, invoice_id: int, event_id: int, user_id: int) -> Invoice:
    """The confirmed removal: reverse the event's posting, drop the event, recompute the invoice's
    paid sum, payment date and status, and record DELETED_PAID_ELSEWHERE_PAYMENT_TRANSACTION."""
    invoice = service.get_invoice(session, company_id=company_id, invoice_id=invoice_id, lock=True)
    event = get_event(session, company_id=company_id, invoice_id=invoice.id, event_id=event_id, lock=True)
    _check_removable(session, invoice=invoice, event=event)
    _reverse(session, invoice=invoice, event=event, user_id=user_id)
    details = f"{plain(from_minor(event.amount_minor))} {event.currency}, {event.payment_date.isoformat()}"
    session.delete(event)
    session.flush()
    remaining = events_of(session, company_id=company_id, invoice_id=invoice.id)
    invoice.paid_minor = sum(e.amount_minor for e in remaining)
    invoice.payment_date = max((e.payment_date for e in remaining), default=None)
    if invoice.paid_minor == 0:
        status = _status_before_payments(session, invoice=invoice)
    elif invoice.paid_minor == invoice.gross_minor:
        marked = all(e.status == transitions.MARKED_PAID for e in remaining)
        status = transitions.MARKED_PAID if marked else transitions.PAID
    else:
        status = transitions.PARTLY_PAID
    lifecycle.move(session, invoice=invoice, status=status)
    lifecycle.record(
        session,
        invoice=invoice,
        action=InvoiceTransactionAction.DELETED_PAID_ELSEWHERE_PAYMENT_TRANSACTION.value,
        user_id=user_id,
        details=details,
    )
    session.flush()
    return invoice


@mfa_service.register(REMOVE_PAYMENT_EVENT)
def apply_removal(session: Session, transaction: MfaTransaction) -> dict[str, Any]:
    """MFA handler: the user confirmed the removal they asked for."""
    payload = transaction.payload
    remove(
        session,
        company_id=transaction.company_id,
        invoice_id=int(payload["invoiceId"]),
        event_id=int(payload["paymentEventId"]),
        user_id=transaction.user_id,
    )
    result = {"info": {"message": REMOVED_MESSAGE}}
    outbox.emit(
        session,
        company_id=transaction.company_id,
        event_type=catalogue.INVOICE_PAYMENTEVENTS_DELETED,
        payload={
            "transactionIdentifier": transaction.id,
            "invoiceId": int(payload["invoiceId"]),
            "paymentEventId": int(payload["paymentEventId"]),
            "response": result,
        },
    )
    return result
