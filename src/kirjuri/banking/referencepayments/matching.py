"""Matching an incoming reference payment to the open sales invoice its reference names, and the
later manual allocation of a suspense amount to an invoice.

The importer stores each bank payment once (by its archive id) and calls `match` once per new
payment; `match` never raises for a payment it cannot apply — whatever is not applied is posted
to the suspense account and reported back — so one bad payment never blocks a file.

Invariants:
- the books stay balanced: every cent of a payment is posted exactly once, to the invoice
  (bank against receivables, through `invoicing.payments.register_payment`, event type
  REFERENCEPAYMENT) or to the chart's SUSPENSE role account (one balanced APPROVED receipt of
  type REFERENCE_PAYMENT, bank against suspense) — `applied + unmatched == payment.amount`;
- only the company's own SALES_INVOICE in a status where the `payment` action is allowed
  (NOT_SENT, SENT, PARTLY_PAID), in the payment's currency, with exactly that reference is
  matched; purchase invoices with the same reference, invalidated, paid or other-currency
  invoices never are;
- an invoice is never paid beyond its sum: an over-payment pays the open amount (PAID) and the
  excess goes to suspense (outcome OVERPAID).

Decisions:
- The reference is normalised (`invoicing.references.classify`: whitespace out, upper case,
  leading zeros of a Finnish reference dropped, RF check digits and the 7-3-1 check digit
  validated); an invalid one is UNMATCHED (reason `INVALID_REFERENCE`). A Finnish reference
  also finds the invoice that carries its RF form (`RF…` + that reference) and vice versa — the
  payer may type either from the invoice.
- No invoice, or several candidates (ambiguous): UNMATCHED (`INVOICE_NOT_FOUND`, `AMBIGUOUS`).
- A payment dated in a closed fiscal year or locked period: nothing can be posted on that date,
  and Kirjuri does not move postings to another day. The payment is UNMATCHED with reason
  `CLOSED_FISCAL_PERIOD` and NO posting at all (`suspense_receipt_id` None): the importer keeps
  the stored payment as unallocated, the rest of the file imports, and the accountant decides
  (reopen the period, or book it by hand). Raising instead would abort the whole import.
- A zero or negative amount (a return) is not applied to an invoice: UNMATCHED
  (`NOT_AN_INCOMING_PAYMENT`), a negative one posted to suspense like any unmatched money.
- Currency: suspense postings are in the company currency. An over-payment of a foreign-currency
  invoice is converted with the invoice's rate; an unmatched payment in a foreign currency has
  no rate to post with here, so it is not posted (reason `FOREIGN_CURRENCY`, no receipt). An
  amount with more than two decimals is not posted either (`INVALID_AMOUNT`).
- Configuration errors (the bank ledger account missing or inactive in the chart, no SUSPENSE
  account) raise `KirjuriError` and abort the import: they would fail every payment alike.
- `allocate_from_suspense` moves an amount from suspense to an invoice (`register_payment` with
  the suspense account as the "bank"): debit suspense, credit receivables. The caller (the
  reference-payment endpoints) keeps track of how much of a suspense posting is still
  unallocated; here the amount is checked against the receipt's suspense amount only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.banking.records import ReferencePaymentRecord
from kirjuri.companies import repository as companies_repository
from kirjuri.core.errors import KirjuriError
from kirjuri.core.money import from_minor, round_money, to_minor
from kirjuri.invoicing import entries, payments, references, service, transitions
from kirjuri.invoicing.document import ReferenceType
from kirjuri.invoicing.lifecycle_schemas import PaymentEventType
from kirjuri.invoicing.models import Invoice
from kirjuri.ledger import accounts, chart, fiscal
from kirjuri.ledger import repository as ledger_repository
from kirjuri.ledger import rules as ledger_rules
from kirjuri.ledger import service as ledger_service

MATCHED = "MATCHED"
PARTLY_PAID = "PARTLY_PAID"
OVERPAID = "OVERPAID"
UNMATCHED = "UNMATCHED"

# Statuses in which a sales invoice takes a `payment` (see `invoicing.transitions`).
OPEN_STATUSES = (transitions.NOT_SENT, transitions.SENT, transitions.PARTLY_PAID)
RECEIPT_TYPE = "REFERENCE_PAYMENT"
RECEIPT_NAME_LENGTH = 80


@dataclass(frozen=True, slots=True)
class MatchResult:
    # MATCHED, PARTLY_PAID, OVERPAID, UNMATCHED
    outcome: str
    invoice_id: int | None
    # What went to the invoice and what to the suspense account (payment currency).
    applied: Decimal
    unmatched: Decimal
    # The suspense posting of the unmatched part, when there is one.
    suspense_receipt_id: int | None
    payment_event_id: int | None
    # Why (some of) the payment was not applied: INVALID_REFERENCE, INVOICE_NOT_FOUND, AMBIGUOUS,
    # CLOSED_FISCAL_PERIOD, INVALID_AMOUNT, NOT_AN_INCOMING_PAYMENT, FOREIGN_CURRENCY, OVERPAYMENT;
    # None when all was applied.
    reason: str | None = None


def _candidates(compact: str, kind: ReferenceType) -> list[str]:
    """The stored forms an invoice with this reference may carry: the reference itself and its
    RF twin (RF + the Finnish reference), or the Finnish reference inside an RF one."""
    forms = [compact]
    if kind is ReferenceType.FI:
        forms.append(references.rf_reference(compact))
    else:
        try:
            inner, inner_kind = references.classify(compact[4:])
        except ValueError:
            inner, inner_kind = "", kind
        if inner_kind is ReferenceType.FI and references.rf_reference(inner) == compact:
            forms.append(inner)
    return forms


def _open_invoices(session: Session, *, company_id: int, forms: list[str], currency: str) -> list[Invoice]:
    return list(
        session.scalars(
            select(Invoice)
            .where(
                Invoice.company_id == company_id,
                Invoice.reference.in_(forms),
                Invoice.type == transitions.SALES_INVOICE,
                Invoice.status.in_(OPEN_STATUSES),
                Invoice.currency == currency,
            )
            .order_by(Invoice.id)
            .limit(2)
            .with_for_update()
        )
    )


def _company_currency(session: Session, company_id: int) -> str:
    company = companies_repository.company(session, company_id)
    return company.currency if company is not None else "EUR"


def _post_suspense(
    session: Session,
    *,
    company_id: int,
    amount_minor: int,
    payment_date: date,
    bank_ledger_account: str,
    name: str,
    user_id: int | None,
) -> int | None:
    """Bank against the SUSPENSE role account, company currency; the receipt id (None for zero)."""
    if amount_minor == 0:
        return None
    suspense = accounts.code_for_role(session, company_id=company_id, role=chart.Role.SUSPENSE)
    draft = entries.payment_receipt(
        invoice_type=transitions.SALES_INVOICE,
        name=name[:RECEIPT_NAME_LENGTH],
        payment_date=payment_date,
        amount=from_minor(amount_minor),
        bank_account=bank_ledger_account,
        counter_account=suspense,
        partner_id=None,
        receipt_type=RECEIPT_TYPE,
    )
    receipt = ledger_service.create_receipt(
        session,
        company_id=company_id,
        draft=draft,
        user_id=user_id,
        status=ledger_rules.APPROVED,
        allowed_types=(RECEIPT_TYPE,),
    )
    return receipt.id


def _unmatched(
    session: Session,
    *,
    company_id: int,
    payment: ReferencePaymentRecord,
    bank_ledger_account: str,
    user_id: int | None,
    reason: str,
) -> MatchResult:
    """The whole payment to suspense (when it can be posted)."""
    receipt_id = None
    if payment.currency != _company_currency(session, company_id):
        reason = "FOREIGN_CURRENCY" if reason == "INVOICE_NOT_FOUND" else reason
    else:
        receipt_id = _post_suspense(
            session,
            company_id=company_id,
            amount_minor=to_minor(round_money(payment.amount)),
            payment_date=payment.payment_date,
            bank_ledger_account=bank_ledger_account,
            name=f"Unmatched reference payment {payment.reference} ({payment.archive_id})",
            user_id=user_id,
        )
    return MatchResult(UNMATCHED, None, Decimal(0), payment.amount, receipt_id, None, reason)


def _writable_day(session: Session, *, company_id: int, day: date) -> bool:
    try:
        fiscal.writable_period(session, company_id=company_id, day=day, field="paymentDate")
    except KirjuriError:
        return False
    return True


def _in_company_currency(invoice: Invoice, amount_minor: int, company_currency: str) -> int:
    if invoice.currency == company_currency:
        return amount_minor
    with localcontext() as context:
        context.prec = 60
        return to_minor(round_money(from_minor(amount_minor) / invoice.currency_rate))


def match(
    session: Session, *, company_id: int, payment: ReferencePaymentRecord, bank_ledger_account: str, user_id: int | None
) -> MatchResult:
    """Apply `payment` (stored once, by its archive id) to the invoice its reference names; what
    cannot be applied goes to suspense. See the module docstring for every outcome."""
    if not _writable_day(session, company_id=company_id, day=payment.payment_date):
        return MatchResult(UNMATCHED, None, Decimal(0), payment.amount, None, None, "CLOSED_FISCAL_PERIOD")
    if payment.amount != round_money(payment.amount):
        # Bank files carry cents; a finer amount cannot be booked to the cent.
        return MatchResult(UNMATCHED, None, Decimal(0), payment.amount, None, None, "INVALID_AMOUNT")

    def unmatched(reason: str) -> MatchResult:
        return _unmatched(
            session,
            company_id=company_id,
            payment=payment,
            bank_ledger_account=bank_ledger_account,
            user_id=user_id,
            reason=reason,
        )

    if payment.amount <= 0:
        return unmatched("NOT_AN_INCOMING_PAYMENT")
    try:
        compact, kind = references.classify(payment.reference)
    except ValueError:
        return unmatched("INVALID_REFERENCE")
    forms = _candidates(compact, kind)
    found = _open_invoices(session, company_id=company_id, forms=forms, currency=payment.currency)
    if len(found) != 1:
        return unmatched("AMBIGUOUS" if found else "INVOICE_NOT_FOUND")
    invoice = found[0]
    cents = to_minor(payment.amount)
    open_minor = invoice.gross_minor - invoice.paid_minor
    if open_minor <= 0:
        return unmatched("INVOICE_NOT_FOUND")
    applied = min(cents, open_minor)
    event = payments.register_payment(
        session,
        invoice=invoice,
        amount=from_minor(applied),
        payment_date=payment.payment_date,
        bank_account=bank_ledger_account,
        event_type=PaymentEventType.REFERENCEPAYMENT,
        user_id=user_id,
    )
    excess = cents - applied
    if excess == 0:
        outcome = MATCHED if invoice.paid_minor == invoice.gross_minor else PARTLY_PAID
        return MatchResult(outcome, invoice.id, from_minor(applied), Decimal(0), None, event.id)
    receipt_id = _post_suspense(
        session,
        company_id=company_id,
        amount_minor=_in_company_currency(invoice, excess, _company_currency(session, company_id)),
        payment_date=payment.payment_date,
        bank_ledger_account=bank_ledger_account,
        name=f"Over-payment of invoice {invoice.invoice_number} ({payment.archive_id})",
        user_id=user_id,
    )
    return MatchResult(
        OVERPAID, invoice.id, from_minor(applied), from_minor(excess), receipt_id, event.id, "OVERPAYMENT"
    )


def allocate_from_suspense(
    session: Session,
    *,
    company_id: int,
    invoice_id: int,
    amount: Decimal,
    payment_date: date,
    suspense_receipt_id: int,
    user_id: int | None,
) -> int:
    """Allocate `amount` (invoice currency) of a suspense posting to a sales invoice: the payment
    event's id. Refusals: 404 `receiptId` / `invoiceId`; 400 `NOT_A_SUSPENSE_POSTING` at
    `suspenseReceiptId` when the receipt credits no suspense; 400 `AMOUNT_EXCEEDS_SUSPENSE_AMOUNT`
    at `amount`; 400 `INVALID_INVOICE_TYPE` at `invoiceId` for other than a sales invoice; then
    `register_payment`'s refusals (status 403, amount 400, closed period 400 at `paymentDate`)."""
    suspense = accounts.code_for_role(session, company_id=company_id, role=chart.Role.SUSPENSE)
    receipt = ledger_repository.get_receipt(session, company_id=company_id, receipt_id=suspense_receipt_id)
    rows, _splits = ledger_repository.receipt_postings(session, company_id=company_id, receipt_id=receipt.id)
    credited = -sum(r.amount_minor for r in rows if r.account == suspense)
    if credited <= 0:
        raise KirjuriError("NOT_A_SUSPENSE_POSTING", 400, "suspenseReceiptId")
    invoice = service.get_invoice(session, company_id=company_id, invoice_id=invoice_id, lock=True)
    if invoice.type != transitions.SALES_INVOICE:
        raise KirjuriError("INVALID_INVOICE_TYPE", 400, "invoiceId")
    if (
        amount > 0
        and _in_company_currency(invoice, to_minor(round_money(amount)), _company_currency(session, company_id))
        > credited
    ):
        raise KirjuriError("AMOUNT_EXCEEDS_SUSPENSE_AMOUNT", 400, "amount")
    event = payments.register_payment(
        session,
        invoice=invoice,
        amount=amount,
        payment_date=payment_date,
        bank_account=suspense,
        event_type=PaymentEventType.REFERENCEPAYMENT,
        user_id=user_id,
    )
    return event.id
