"""Settling Kirjuri's own outgoing payments from the bank statement's debits.

Invariants: a debit settles a payment only when its end-to-end id is the id of one of the
company's PAYMENT_SENT_TO_BANK payments and its amount is exactly the payment's, negated (a
debit), in the payment's currency; the payment becomes PAID with the statement's booking date
and, for an invoice payment, the invoice is paid through `invoicing.payments.register_payment`
(bank ledger account against payables, BANKSTATEMENT event, dated the booking date) — so
settling twice is impossible: a second look finds the payment PAID and answers None. Anything
else (no id, a foreign or unknown id, another amount, a credit) is None and changes nothing.

Decision: a direct bank transfer has no invoice and nothing to post against; it becomes PAID
and the statement's own booking of the debit is the importer's (the id tells it the debit is
Kirjuri's).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kirjuri.banking.payments import repository, rules
from kirjuri.banking.records import BankEntry
from kirjuri.banking.statements import rules as statement_rules
from kirjuri.core import clock
from kirjuri.core.money import from_minor, to_minor
from kirjuri.invoicing import payments as invoice_payments
from kirjuri.invoicing import repository as invoicing_repository
from kirjuri.invoicing.lifecycle_schemas import PaymentEventType
from kirjuri.webhooks import catalogue, outbox


def settle(session: Session, *, company_id: int, entry: BankEntry, bank_ledger_account: str) -> int | None:
    """The id of the outgoing payment whose end-to-end id `entry` carries, now PAID with its
    invoice, or None when the debit is not one of Kirjuri's payments."""
    payment_id = statement_rules.end_to_end_number(entry.end_to_end_id)
    if payment_id is None or entry.amount >= 0:
        return None
    payment = repository.get(session, company_id=company_id, payment_id=payment_id, lock=True)
    if payment is None or payment.status != rules.SENT_TO_BANK:
        return None
    if entry.currency != payment.currency or to_minor(-entry.amount) != payment.amount_minor:
        return None
    if payment.invoice_id is not None:
        invoice = invoicing_repository.get(session, company_id=company_id, invoice_id=payment.invoice_id, lock=True)
        invoice_payments.register_payment(
            session,
            invoice=invoice,
            amount=from_minor(payment.amount_minor),
            payment_date=entry.booking_date,
            bank_account=bank_ledger_account,
            event_type=PaymentEventType.BANKSTATEMENT,
            user_id=None,
            description=f"Payment {payment.id}",
        )
    payment.status = rules.PAID
    payment.paid_date = entry.booking_date
    payment.version = clock.now()
    session.flush()
    outbox.emit(
        session,
        company_id=company_id,
        event_type=catalogue.PAYMENT_COMPLETED,
        payload={**rules.event_payload(payment), "paidDate": entry.booking_date.isoformat()},
    )
    return payment.id
