"""The writers of reference payments: storing a parsed payment and matching it (for
`statements.importing`), metadata rows (§D.20), and Kirjuri's manual allocation of what went to
the suspense account.

Invariants: a payment is stored once per company and account, by its archive id; `matching.match`
runs exactly once per stored payment, in the import's transaction, and its answer is stored as
given; `applied + unmatched == amount` (a manual allocation moves the whole unmatched part to the
invoice, through `matching.allocate_from_suspense`, which posts it); metadata rows allow sales VAT
only.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kirjuri.attachments import owners
from kirjuri.banking import allocation
from kirjuri.banking.accounts.models import BankAccount
from kirjuri.banking.records import ReferencePaymentRecord
from kirjuri.banking.referencepayments import matching, repository
from kirjuri.banking.referencepayments.models import ReferencePayment
from kirjuri.banking.statements import rules
from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.core.money import from_minor
from kirjuri.db.counters import next_value
from kirjuri.invoicing import repository as invoices
from kirjuri.invoicing import transitions

COUNTER = "reference_payments"


def store_and_match(
    session: Session,
    *,
    company_id: int,
    account: BankAccount,
    record: ReferencePaymentRecord,
    user_id: int | None,
) -> ReferencePayment:
    """Store a new payment, then let the matcher apply it (or post it to suspense)."""
    amount = rules.minor(record.amount)
    row = ReferencePayment(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name=COUNTER),
        account_id=account.id,
        account_iban=account.iban,
        archive_id=record.archive_id,
        reference=record.reference[: rules.REFERENCE_LENGTH],
        amount_minor=amount,
        currency=record.currency,
        payment_date=record.payment_date,
        value_date=record.value_date,
        payer_name=rules.cut(record.payer_name, rules.NAME_LENGTH),
        outcome="UNMATCHED",
        applied_minor=0,
        unmatched_minor=amount,
        imported_by=user_id,
    )
    session.add(row)
    session.flush()
    result = matching.match(
        session, company_id=company_id, payment=record, bank_ledger_account=account.ledger_account, user_id=user_id
    )
    row.outcome = result.outcome
    row.invoice_id = result.invoice_id
    row.applied_minor = rules.minor(result.applied)
    row.unmatched_minor = rules.minor(result.unmatched)
    row.suspense_receipt_id = result.suspense_receipt_id
    row.payment_event_id = result.payment_event_id
    session.flush()
    return row


def set_metadata(
    session: Session, *, company_id: int, payment_id: int, body: allocation.AllocationMetadata
) -> ReferencePayment:
    """Replace the payment's metadata rows (sales VAT only, on its value date)."""
    row = _get(session, company_id=company_id, payment_id=payment_id)
    rows = allocation.validated(
        session, company_id=company_id, body=body, sides=allocation.REFERENCE_PAYMENT_SIDES, on=row.value_date
    )
    row.metadata_rows = rows or None
    session.flush()
    return row


def remove_metadata(session: Session, *, company_id: int, payment_id: int) -> None:
    row = _get(session, company_id=company_id, payment_id=payment_id)
    row.metadata_rows = None
    session.flush()


def _get(session: Session, *, company_id: int, payment_id: int) -> ReferencePayment:
    row = repository.get(session, company_id=company_id, payment_id=payment_id, lock=True)
    if row is None:
        raise not_found("referencePaymentId")
    return row


def allocate_to_invoice(
    session: Session, *, company_id: int, payment_id: int, invoice_id: int, user_id: int
) -> ReferencePayment:
    """Move what of the payment waits on the suspense account to the invoice (all of it)."""
    row = _get(session, company_id=company_id, payment_id=payment_id)
    if row.unmatched_minor == 0:
        raise KirjuriError("ALREADY_ALLOCATED", 400, "referencePaymentId")
    if row.suspense_receipt_id is None:
        raise KirjuriError("NOT_IN_SUSPENSE", 400, "referencePaymentId")
    invoice = invoices.get(
        session, company_id=company_id, invoice_id=invoice_id, types=(transitions.SALES_INVOICE,), field="invoiceId"
    )
    if invoice.currency != row.currency:
        raise KirjuriError("CURRENCY_MISMATCH", 400, "invoiceId")
    event_id = matching.allocate_from_suspense(
        session,
        company_id=company_id,
        invoice_id=invoice_id,
        amount=from_minor(row.unmatched_minor),
        payment_date=row.payment_date,
        suspense_receipt_id=row.suspense_receipt_id,
        user_id=user_id,
    )
    row.invoice_id = invoice_id
    row.payment_event_id = event_id
    row.applied_minor += row.unmatched_minor
    row.unmatched_minor = 0
    row.outcome = "MATCHED"
    session.flush()
    return row


def allocated(row: ReferencePayment) -> bool:
    return row.unmatched_minor == 0 or bool(row.metadata_rows)


def _attachment_owner(session: Session, company_id: int, reference_id: int) -> str | None:
    """`referenceType=REFERENCE_PAYMENT`: files attached to a reference payment."""
    found = session.get(ReferencePayment, (company_id, reference_id))
    return "REFERENCE_PAYMENT_EVENT" if found is not None else None


owners.register("REFERENCE_PAYMENT", _attachment_owner)
