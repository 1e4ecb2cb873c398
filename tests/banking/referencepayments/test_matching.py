"""Reference-payment matching against the database: full, partial and over-payments, unknown,
invalid and RF references, wrong currency, invalidated and purchase invoices, closed periods,
ambiguity, and the manual allocation of a suspense amount — each asserting the invoice's status
and paid sum, the payment event, the suspense posting and that the books balance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kirjuri.banking.records import ReferencePaymentRecord
from kirjuri.banking.referencepayments import matching
from kirjuri.core.errors import KirjuriError
from kirjuri.core.money import from_minor
from kirjuri.invoicing import lifecycle, references
from kirjuri.invoicing.models import Invoice, PaymentEvent
from kirjuri.ledger import chart
from kirjuri.ledger.models import LedgerReceipt, LedgerTransaction
from tests.factories import Tenant
from tests.invoicing.helpers import add_invoice, purchase_invoice_body, sales_invoice_body
from tests.ledger.helpers import assert_books_balance, day, lock_period

BANK = "1910"
SUSPENSE = chart.by_role(chart.Role.SUSPENSE).code
RECEIVABLES = chart.by_role(chart.Role.RECEIVABLES).code
REF = references.finnish_reference("234823")  # 2348236
RF_REF = references.rf_reference(REF)  # RF332348236
PAY_DAY = day(5, 20)


class _AllRights:
    def can(self, right: str, *, write: bool = False) -> bool:
        return True


def sales(db: Session, tenant: Tenant, *, reference: str = REF, approve: bool = True, **changes: Any) -> Invoice:
    body = sales_invoice_body(**changes)
    body["paymentInfo"]["bankReferenceCode"] = reference
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=body)
    if approve:
        lifecycle.approve(db, invoice=invoice, user_id=tenant.user_id, rights=_AllRights())
    db.flush()
    return invoice


def payment(
    amount: Decimal | str, *, reference: str = REF, currency: str = "EUR", when: date = PAY_DAY
) -> ReferencePaymentRecord:
    return ReferencePaymentRecord(
        archive_id="ARCH-1",
        account_iban="FI2112345600000785",
        reference=reference,
        amount=Decimal(amount),
        currency=currency,
        payment_date=when,
        value_date=when,
        payer_name="Esimerkki Oy",
    )


def run(db: Session, tenant: Tenant, record: ReferencePaymentRecord) -> matching.MatchResult:
    return matching.match(
        db, company_id=tenant.company_id, payment=record, bank_ledger_account=BANK, user_id=tenant.user_id
    )


def balance(db: Session, tenant: Tenant, account: str) -> Decimal:
    total = db.scalar(
        select(func.coalesce(func.sum(LedgerTransaction.amount_minor), 0)).where(
            LedgerTransaction.company_id == tenant.company_id, LedgerTransaction.account == account
        )
    )
    return from_minor(int(total or 0))


def events(db: Session, tenant: Tenant, invoice: Invoice) -> list[PaymentEvent]:
    return list(
        db.scalars(
            select(PaymentEvent).where(
                PaymentEvent.company_id == tenant.company_id, PaymentEvent.invoice_id == invoice.id
            )
        )
    )


def gross(invoice: Invoice) -> Decimal:
    return from_minor(invoice.gross_minor)


@dataclass(frozen=True)
class Case:
    name: str
    # The payment: a function of the invoice's gross.
    amount: Any
    outcome: str
    status: str
    paid: Any  # function of gross
    unmatched: Any  # function of gross
    reference: str = REF
    invoice_reference: str = REF


CASES = [
    Case("full", lambda g: g, "MATCHED", "PAID", lambda g: g, lambda g: Decimal(0)),
    Case("partial", lambda g: Decimal("100.00"), "PARTLY_PAID", "PARTLY_PAID", lambda g: Decimal("100.00"),
         lambda g: Decimal(0)),
    Case("over", lambda g: g + Decimal("10.05"), "OVERPAID", "PAID", lambda g: g, lambda g: Decimal("10.05")),
    Case("spaces and leading zeros", lambda g: g, "MATCHED", "PAID", lambda g: g, lambda g: Decimal(0),
         reference="0000 0234 8236"),
    Case("RF reference", lambda g: g, "MATCHED", "PAID", lambda g: g, lambda g: Decimal(0),
         reference="rf33 2348 236", invoice_reference=RF_REF),
    Case("Finnish reference of an RF invoice", lambda g: g, "MATCHED", "PAID", lambda g: g, lambda g: Decimal(0),
         reference=REF, invoice_reference=RF_REF),
    Case("RF reference of a Finnish invoice", lambda g: Decimal("1.00"), "PARTLY_PAID", "PARTLY_PAID",
         lambda g: Decimal("1.00"), lambda g: Decimal(0), reference=RF_REF),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_matched(db: Session, tenant: Tenant, case: Case) -> None:
    invoice = sales(db, tenant, reference=case.invoice_reference)
    g = gross(invoice)
    result = run(db, tenant, payment(case.amount(g), reference=case.reference))
    db.flush()
    assert result.outcome == case.outcome
    assert result.invoice_id == invoice.id
    assert (result.applied, result.unmatched) == (case.paid(g), case.unmatched(g))
    assert invoice.status == case.status
    assert from_minor(invoice.paid_minor) == case.paid(g)
    [event] = events(db, tenant, invoice)
    assert event.id == result.payment_event_id
    assert (event.type, from_minor(event.amount_minor), event.payment_date) == (
        "REFERENCEPAYMENT",
        case.paid(g),
        PAY_DAY,
    )
    assert balance(db, tenant, BANK) == case.amount(g)
    assert balance(db, tenant, RECEIVABLES) == g - case.paid(g)
    assert balance(db, tenant, SUSPENSE) == -case.unmatched(g)
    if case.unmatched(g):
        assert result.suspense_receipt_id is not None
        receipt = db.get(LedgerReceipt, (tenant.company_id, result.suspense_receipt_id))
        assert receipt is not None and (receipt.status, receipt.type) == ("APPROVED", "REFERENCE_PAYMENT")
    else:
        assert result.suspense_receipt_id is None and result.reason is None
    assert_books_balance(db, tenant.company_id)


def _unmatched_case_unknown(db: Session, tenant: Tenant) -> tuple[Invoice | None, ReferencePaymentRecord]:
    return sales(db, tenant), payment("50.00", reference=references.finnish_reference("999999"))


def _unmatched_case_check_digit(db: Session, tenant: Tenant) -> tuple[Invoice | None, ReferencePaymentRecord]:
    return sales(db, tenant), payment("50.00", reference="2348237")


def _unmatched_case_bad_rf(db: Session, tenant: Tenant) -> tuple[Invoice | None, ReferencePaymentRecord]:
    return sales(db, tenant, reference=RF_REF), payment("50.00", reference="RF342348236")


def _unmatched_case_invalidated(db: Session, tenant: Tenant) -> tuple[Invoice | None, ReferencePaymentRecord]:
    invoice = sales(db, tenant)
    lifecycle.invalidate(db, invoice=invoice, user_id=tenant.user_id, rights=_AllRights())
    return invoice, payment("50.00")


def _unmatched_case_unfinished(db: Session, tenant: Tenant) -> tuple[Invoice | None, ReferencePaymentRecord]:
    return sales(db, tenant, approve=False), payment("50.00")


def _unmatched_case_paid(db: Session, tenant: Tenant) -> tuple[Invoice | None, ReferencePaymentRecord]:
    invoice = sales(db, tenant)
    assert run(db, tenant, payment(gross(invoice))).outcome == "MATCHED"
    return invoice, payment("50.00")


def _unmatched_case_purchase(db: Session, tenant: Tenant) -> tuple[Invoice | None, ReferencePaymentRecord]:
    body = purchase_invoice_body()
    body["paymentInfo"]["bankReferenceCode"] = REF
    add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=body)
    return None, payment("50.00")


def _unmatched_case_ambiguous(db: Session, tenant: Tenant) -> tuple[Invoice | None, ReferencePaymentRecord]:
    first = sales(db, tenant)
    sales(db, tenant)
    return first, payment("50.00")


UNMATCHED_CASES = {
    "unknown reference": (_unmatched_case_unknown, "INVOICE_NOT_FOUND"),
    "invalid check digit": (_unmatched_case_check_digit, "INVALID_REFERENCE"),
    "invalid RF check digits": (_unmatched_case_bad_rf, "INVALID_REFERENCE"),
    "invalidated invoice": (_unmatched_case_invalidated, "INVOICE_NOT_FOUND"),
    "unapproved invoice": (_unmatched_case_unfinished, "INVOICE_NOT_FOUND"),
    "already paid invoice": (_unmatched_case_paid, "INVOICE_NOT_FOUND"),
    "purchase invoice with the same reference": (_unmatched_case_purchase, "INVOICE_NOT_FOUND"),
    "two open invoices with the reference": (_unmatched_case_ambiguous, "AMBIGUOUS"),
}


@pytest.mark.parametrize("name", list(UNMATCHED_CASES))
def test_unmatched_goes_to_suspense(db: Session, tenant: Tenant, name: str) -> None:
    arrange, reason = UNMATCHED_CASES[name]
    invoice, record = arrange(db, tenant)
    status_before = invoice.status if invoice is not None else None
    paid_before = invoice.paid_minor if invoice is not None else None
    events_before = len(events(db, tenant, invoice)) if invoice is not None else 0
    bank_before, suspense_before = balance(db, tenant, BANK), balance(db, tenant, SUSPENSE)
    result = run(db, tenant, record)
    db.flush()
    assert (result.outcome, result.invoice_id, result.applied, result.unmatched, result.reason) == (
        "UNMATCHED", None, Decimal(0), Decimal("50.00"), reason
    )  # fmt: skip
    assert result.payment_event_id is None and result.suspense_receipt_id is not None
    assert balance(db, tenant, BANK) - bank_before == Decimal("50.00")
    assert balance(db, tenant, SUSPENSE) - suspense_before == Decimal("-50.00")
    if invoice is not None:
        assert (invoice.status, invoice.paid_minor) == (status_before, paid_before)
        assert len(events(db, tenant, invoice)) == events_before
    assert_books_balance(db, tenant.company_id)


def test_wrong_currency_is_not_matched_nor_posted(db: Session, tenant: Tenant) -> None:
    invoice = sales(db, tenant)
    result = run(db, tenant, payment(gross(invoice), currency="SEK"))
    assert (result.outcome, result.reason, result.suspense_receipt_id) == ("UNMATCHED", "FOREIGN_CURRENCY", None)
    assert (invoice.status, invoice.paid_minor) == ("NOT_SENT", 0)
    assert events(db, tenant, invoice) == []
    assert balance(db, tenant, SUSPENSE) == 0


def test_closed_period_posts_nothing(db: Session, tenant: Tenant) -> None:
    invoice = sales(db, tenant)
    lock_period(db, company_id=tenant.company_id, when=day(6, 10))
    receipts_before = db.scalar(select(func.count()).select_from(LedgerReceipt).where(
        LedgerReceipt.company_id == tenant.company_id))  # fmt: skip
    result = run(db, tenant, payment(gross(invoice), when=day(6, 10)))
    assert (result.outcome, result.reason, result.suspense_receipt_id, result.payment_event_id) == (
        "UNMATCHED", "CLOSED_FISCAL_PERIOD", None, None
    )  # fmt: skip
    assert result.unmatched == gross(invoice)
    assert (invoice.status, invoice.paid_minor) == ("NOT_SENT", 0)
    assert db.scalar(select(func.count()).select_from(LedgerReceipt).where(
        LedgerReceipt.company_id == tenant.company_id)) == receipts_before  # fmt: skip
    assert_books_balance(db, tenant.company_id)


@pytest.mark.parametrize(("amount", "reason", "posted"), [
    ("-20.00", "NOT_AN_INCOMING_PAYMENT", Decimal("-20.00")),
    ("0", "NOT_AN_INCOMING_PAYMENT", Decimal(0)),
    ("10.001", "INVALID_AMOUNT", Decimal(0)),
])  # fmt: skip
def test_odd_amounts_are_not_applied(db: Session, tenant: Tenant, amount: str, reason: str, posted: Decimal) -> None:
    invoice = sales(db, tenant)
    result = run(db, tenant, payment(amount))
    assert (result.outcome, result.reason, result.applied) == ("UNMATCHED", reason, Decimal(0))
    assert (invoice.status, invoice.paid_minor) == ("NOT_SENT", 0)
    assert balance(db, tenant, BANK) == posted
    assert balance(db, tenant, SUSPENSE) == -posted


def test_second_payment_completes_a_partly_paid_invoice(db: Session, tenant: Tenant) -> None:
    invoice = sales(db, tenant)
    g = gross(invoice)
    assert run(db, tenant, payment("100.00")).outcome == "PARTLY_PAID"
    result = run(db, tenant, payment(g - Decimal("100.00")))
    assert (result.outcome, invoice.status, from_minor(invoice.paid_minor)) == ("MATCHED", "PAID", g)
    assert len(events(db, tenant, invoice)) == 2
    assert_books_balance(db, tenant.company_id)


# --- allocation from suspense -------------------------------------------------------------------


def test_allocate_from_suspense_moves_money_to_the_invoice(db: Session, tenant: Tenant) -> None:
    invoice = sales(db, tenant)
    g = gross(invoice)
    unmatched = run(db, tenant, payment(g, reference=references.finnish_reference("555555")))
    assert unmatched.suspense_receipt_id is not None
    assert balance(db, tenant, SUSPENSE) == -g
    event_id = matching.allocate_from_suspense(
        db,
        company_id=tenant.company_id,
        invoice_id=invoice.id,
        amount=g,
        payment_date=PAY_DAY,
        suspense_receipt_id=unmatched.suspense_receipt_id,
        user_id=tenant.user_id,
    )
    db.flush()
    [event] = events(db, tenant, invoice)
    assert event.id == event_id and event.type == "REFERENCEPAYMENT"
    assert (invoice.status, from_minor(invoice.paid_minor)) == ("PAID", g)
    assert balance(db, tenant, SUSPENSE) == 0
    assert balance(db, tenant, RECEIVABLES) == 0
    assert balance(db, tenant, BANK) == g
    assert_books_balance(db, tenant.company_id)


def test_allocate_from_suspense_refusals(db: Session, tenant: Tenant) -> None:
    invoice = sales(db, tenant)
    unmatched = run(db, tenant, payment("50.00", reference=references.finnish_reference("555555")))
    assert unmatched.suspense_receipt_id is not None
    matched = run(db, tenant, payment("10.00"))
    event = db.get(PaymentEvent, (tenant.company_id, matched.payment_event_id))
    assert event is not None and event.ledger_receipt_id is not None

    def allocate(**changes: Any) -> None:
        args: dict[str, Any] = {
            "company_id": tenant.company_id,
            "invoice_id": invoice.id,
            "amount": Decimal("20.00"),
            "payment_date": PAY_DAY,
            "suspense_receipt_id": unmatched.suspense_receipt_id,
            "user_id": tenant.user_id,
            **changes,
        }
        matching.allocate_from_suspense(db, **args)

    cases: list[tuple[dict[str, Any], tuple[int, str | None, str]]] = [
        ({"amount": Decimal("50.01")}, (400, "amount", "AMOUNT_EXCEEDS_SUSPENSE_AMOUNT")),
        ({"suspense_receipt_id": 99999}, (404, "receiptId", "NOT_FOUND")),
        ({"suspense_receipt_id": event.ledger_receipt_id}, (400, "suspenseReceiptId", "NOT_A_SUSPENSE_POSTING")),
        ({"invoice_id": 99999}, (404, "invoiceId", "NOT_FOUND")),
        ({"amount": Decimal("-5.00")}, (400, "amount", "INVALID_AMOUNT")),
    ]
    for changes, expected in cases:
        with pytest.raises(KirjuriError) as refused:
            allocate(**changes)
        assert (refused.value.status, refused.value.field, refused.value.code) == expected, changes
    purchase_body = purchase_invoice_body()
    purchase = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=purchase_body)
    with pytest.raises(KirjuriError) as refused:
        allocate(invoice_id=purchase.id)
    assert (refused.value.status, refused.value.code) == (400, "INVALID_INVOICE_TYPE")
    assert from_minor(invoice.paid_minor) == Decimal("10.00")
    assert_books_balance(db, tenant.company_id)
