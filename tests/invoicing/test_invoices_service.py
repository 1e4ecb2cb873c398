"""The invoice service with a real database: numbering (series, gap-free, a failed or rolled back
create returns its number, parallel writers on PostgreSQL), payment references (generated FI and
RF, validated, stored compact), the stored form (columns, document, rows), reads and the audit
trail."""

from __future__ import annotations

import os
import threading
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies.models import CompanySetting
from kirjuri.core.errors import KirjuriError
from kirjuri.db.counters import is_gap_free
from kirjuri.invoicing import numbers, schemas, service
from kirjuri.invoicing.models import Invoice, InvoiceChecker, InvoiceEvent, InvoiceRow
from kirjuri.ledger.models import LedgerReceipt
from kirjuri.partners import service as partners_service
from tests.factories import Tenant
from tests.invoicing.helpers import (
    add_invoice,
    body_of,
    day,
    errors,
    expense_body,
    invoice_row,
    post_invoice,
    purchase_invoice_body,
    purchase_order_body,
    sales_invoice_body,
    sales_order_body,
    travel_invoice_body,
    variant,
)
from tests.ledger.helpers import NO_VAT_EXPENSE
from tests.partners.partner_helpers import add_partner


def wire(body: dict[str, Any]) -> schemas.Invoice:
    return schemas.Invoice.model_validate(body)


# --- numbering ------------------------------------------------------------------------------------


def test_each_series_counts_on_its_own(db: Session, tenant: Tenant) -> None:
    made = [
        add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=body)
        for body in (
            sales_invoice_body(),
            sales_order_body(),
            sales_order_body(isOffer=True),
            sales_invoice_body(),
            purchase_invoice_body(),
            purchase_order_body(),
            travel_invoice_body(),
            expense_body(),
            sales_order_body(isOffer=True),
            purchase_invoice_body(),
        )
    ]
    db.commit()
    assert [(i.series, i.invoice_number) for i in made] == [
        ("SALES", 1),
        ("SALES_ORDER", 1),
        ("OFFER", 1),
        ("SALES", 2),
        ("PURCHASE", 1),
        ("PURCHASE_ORDER", 1),
        ("TRAVEL", 1),
        ("EXPENSE", 1),
        ("OFFER", 2),
        ("PURCHASE", 2),
    ]
    # Ids come from the company's one `invoice` counter, shared by every type.
    assert [i.id for i in made] == list(range(1, 11))


def test_series_of_every_type() -> None:
    assert {t: numbers.series_of(t) for t in numbers.SERIES} == {
        "SALES_INVOICE": "SALES",
        "SALES_ORDER": "SALES_ORDER",
        "PURCHASE_INVOICE": "PURCHASE",
        "PURCHASE_ORDER": "PURCHASE_ORDER",
        "TRAVEL_INVOICE": "TRAVEL",
        "BILL_OF_CHARGES": "EXPENSE",
        "PERIODIC_TAX_RETURN": "TAX_RETURN",
    }
    assert numbers.series_of("SALES_ORDER", is_offer=True) == "OFFER"
    assert numbers.series_of("SALES_INVOICE", is_offer=True) == "SALES"
    with pytest.raises(ValueError, match="unknown invoice type"):
        numbers.series_of("SALARY")


def test_a_rolled_back_create_returns_its_number(db: Session, tenant: Tenant) -> None:
    first = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id)
    assert first.invoice_number == 1
    db.rollback()
    again = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id)
    db.commit()
    after = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id)
    db.commit()
    assert (again.invoice_number, after.invoice_number) == (1, 2)
    assert db.scalars(select(Invoice.invoice_number).where(Invoice.company_id == tenant.company_id)).all() == [1, 2]


def test_refused_creates_take_no_number_over_http(client: TestClient, tenant: Tenant, db: Session) -> None:
    """A create refused by the rules (before numbering) and one refused by the ledger after the
    number was taken: both leave no gap."""
    assert post_invoice(client, tenant)["invoiceNumber"] == 1
    refused = client.post("/api/invoices", json=sales_invoice_body(vatStatus=99), headers=tenant.headers)
    assert refused.status_code == 400
    partner_id = add_partner(db, tenant.company_id, "CUSTOMER")
    db.commit()
    # The partner's sales account takes no VAT: the ledger refuses the receipt (after numbering).
    partners_service.set_default_accounts(
        db,
        company_id=tenant.company_id,
        partner_id=partner_id,
        document={"salesInvoiceAccounts": {"creditAccount": {"code": NO_VAT_EXPENSE}}},
        readable={"CUSTOMER"},
        writable={"CUSTOMER"},
    )
    db.commit()
    late = client.post("/api/invoices", json=sales_invoice_body(partnerId=partner_id), headers=tenant.headers)
    assert (late.status_code, errors(late)) == (
        400,
        [(400, "transactions[1].account", "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION")],
    )
    assert post_invoice(client, tenant)["invoiceNumber"] == 2
    assert post_invoice(client, tenant, sales_invoice_body(invoiceRows=[invoice_row(vatPercent=0, vatStatus=2)],
                                                           partnerId=partner_id))["invoiceNumber"] == 3  # fmt: skip


@pytest.mark.skipif(
    os.environ.get("KIRJURI_TEST_DATABASE", "sqlite") != "postgresql",
    reason="SQLite serialises every writer on one lock: parallel numbering can only race on PostgreSQL",
)
def test_parallel_creates_number_without_gaps(session_factory: sessionmaker[Session], tenant: Tenant) -> None:
    threads, per_thread = 6, 6
    start = threading.Barrier(threads)
    kept: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def work(worker: int) -> None:
        try:
            start.wait()
            for j in range(per_thread):
                with session_factory() as session, session.begin():
                    invoice = add_invoice(session, company_id=tenant.company_id, user_id=tenant.user_id)
                    if (worker + j) % 3 == 0:
                        session.rollback()  # abandoned after numbering: the number goes back
                        continue
                    with lock:
                        kept.append(invoice.invoice_number)
        except BaseException as exc:
            failures.append(exc)

    workers = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert not failures, failures
    with session_factory() as session:
        stored = session.scalars(
            select(Invoice.invoice_number)
            .where(Invoice.company_id == tenant.company_id)
            .order_by(Invoice.invoice_number)
        ).all()
    assert sorted(kept) == list(stored) == list(range(1, len(kept) + 1))


def test_the_numbers_are_taken_after_every_row_is_written(db: Session, tenant: Tenant) -> None:
    """The gap-free counters (row locks held to the commit) come after every INSERT of the invoice,
    its rows and its receipt's postings: in the lock only the numbers are set and the balances
    added. The numbers replace the placeholders (`unnumbered`) before anything is committed."""
    statements: list[tuple[str, list[Any]]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        first = (parameters[0] if many else parameters) or ()  # the driver's: a dict or a tuple
        values = list(first.values()) if isinstance(first, dict) else list(first)
        statements.append((" ".join(statement.split()), values))

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    first_lock = next(
        i for i, (sql, params) in enumerate(statements)
        if sql.startswith("INSERT INTO company_counters") and any(isinstance(v, str) and is_gap_free(v) for v in params)
    )  # fmt: skip
    written = {sql.split()[2] for sql, _params in statements[:first_lock] if sql.startswith("INSERT INTO")}
    assert {"invoices", "invoice_rows", "ledger_receipts", "ledger_transactions"} <= written
    after = [sql.split(None, 3)[:3] for sql, _params in statements[first_lock:]]
    # (the counters are upserts: INSERT … ON CONFLICT DO UPDATE)
    assert all(words[0] == "UPDATE" or words[2] in ("ledger_balances", "company_counters") for words in after)
    assert ["UPDATE", "invoices", "SET"] in after and ["UPDATE", "ledger_receipts", "SET"] in after
    db.commit()
    receipt = db.get(LedgerReceipt, (tenant.company_id, invoice.ledger_receipt_id))
    assert receipt is not None
    assert invoice.invoice_number >= 1 and receipt.receipt_number >= 1
    assert receipt.invoice_number == invoice.invoice_number


# --- references -----------------------------------------------------------------------------------


def test_a_generated_reference_is_finnish_by_default(db: Session, tenant: Tenant) -> None:
    made = [add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id) for _ in range(3)]
    db.commit()
    # Base "1" + the number in two digits, then the 7-3-1 check digit.
    assert [(i.reference, i.reference_type) for i in made] == [("1012", "FI"), ("1025", "FI"), ("1038", "FI")]
    assert made[0].document["paymentInfo"]["bankReferenceCode"] == "1012"
    assert made[0].document["paymentInfo"]["bankReferenceCodeType"] == "FI"


def test_the_company_setting_makes_generated_references_rf(db: Session, tenant: Tenant) -> None:
    # No endpoint writes this optional setting yet: arranged as the row it will be.
    db.add(CompanySetting(company_id=tenant.company_id, name="invoicing", value={"referenceType": "RF"}))
    db.commit()
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id)
    db.commit()
    assert (invoice.reference, invoice.reference_type) == ("RF341012", "RF")
    # The client's type wins over the setting.
    body = variant(sales_invoice_body(), {"paymentInfo.bankReferenceCodeType": "FI"})
    assert add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=body).reference == "1025"


def test_a_generated_reference_of_the_type_asked(db: Session, tenant: Tenant) -> None:
    body = variant(sales_invoice_body(), {"paymentInfo.bankReferenceCodeType": "RF"})
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=body)
    assert (invoice.reference, invoice.reference_type) == ("RF341012", "RF")


@pytest.mark.parametrize(
    ("code", "kind", "stored"),
    [
        ("2348236", None, ("2348236", "FI")),
        ("23 48236", None, ("2348236", "FI")),
        ("0002348236", "FI", ("2348236", "FI")),
        ("RF33 2348 236", None, ("RF332348236", "RF")),
        ("rf332348236", "RF", ("RF332348236", "RF")),
        (None, None, (None, None)),
        (None, "RF", (None, None)),
    ],
)
def test_a_given_reference_is_validated_and_stored_compact(
    db: Session, tenant: Tenant, code: str | None, kind: str | None, stored: tuple[str | None, str | None]
) -> None:
    body = sales_invoice_body()
    body["paymentInfo"].pop("bankReferenceCode")
    if code is not None:
        body["paymentInfo"]["bankReferenceCode"] = code
    if kind is not None:
        body["paymentInfo"]["bankReferenceCodeType"] = kind
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=body)
    assert (invoice.reference, invoice.reference_type) == stored
    payment = service.to_wire(db, invoice=invoice).payment_info
    assert (payment.bank_reference_code, payment.bank_reference_code_type) == stored


@pytest.mark.parametrize(
    ("code", "kind", "expected"),
    [
        ("2348237", None, ("INVALID_REFERENCE", "paymentInfo.bankReferenceCode")),
        ("12", None, ("INVALID_REFERENCE", "paymentInfo.bankReferenceCode")),
        ("RF34 2348 236", None, ("INVALID_REFERENCE", "paymentInfo.bankReferenceCode")),
        ("RF332348236", "FI", ("REFERENCE_TYPE_MISMATCH", "paymentInfo.bankReferenceCode")),
        ("2348236", "RF", ("REFERENCE_TYPE_MISMATCH", "paymentInfo.bankReferenceCode")),
        ("2348236", "KID", ("UNSUPPORTED_REFERENCE_TYPE", "paymentInfo.bankReferenceCodeType")),
        ("", "OCR", ("UNSUPPORTED_REFERENCE_TYPE", "paymentInfo.bankReferenceCodeType")),
    ],
)
def test_a_bad_reference_is_refused(
    db: Session, tenant: Tenant, code: str, kind: str | None, expected: tuple[str, str]
) -> None:
    body = variant(sales_invoice_body(), {"paymentInfo.bankReferenceCode": code})
    if kind is not None:
        body["paymentInfo"]["bankReferenceCodeType"] = kind
    with pytest.raises(KirjuriError) as refused:
        add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=body)
    assert [(e.message, e.field) for e in refused.value.items] == [expected]


def test_a_purchase_keeps_the_billers_reference_and_gets_none_generated(db: Session, tenant: Tenant) -> None:
    given = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=purchase_invoice_body())
    empty = add_invoice(
        db,
        company_id=tenant.company_id,
        user_id=tenant.user_id,
        body=variant(purchase_invoice_body(), {"paymentInfo.bankReferenceCode": ""}),
    )
    assert (given.reference, given.reference_type) == ("1232", "FI")
    assert (empty.reference, empty.reference_type) == (None, None)
    assert "bankReferenceCode" not in empty.document["paymentInfo"]


def test_put_keeps_a_generated_reference(db: Session, tenant: Tenant) -> None:
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id)
    db.commit()
    replaced = service.replace_invoice(
        db,
        company_id=tenant.company_id,
        user_id=tenant.user_id,
        invoice_id=invoice.id,
        body=wire(sales_invoice_body()),
        check_version=lambda _v: None,
    )
    assert replaced.reference == "1012"
    without = sales_invoice_body()
    del without["paymentInfo"]["bankReferenceCode"]
    replaced = service.replace_invoice(
        db, company_id=tenant.company_id, user_id=tenant.user_id, invoice_id=invoice.id, body=wire(without),
        check_version=lambda _v: None,
    )  # fmt: skip
    assert (replaced.reference, replaced.reference_type) == (None, None)


# --- the stored form ------------------------------------------------------------------------------


def test_columns_document_and_rows_hold_the_invoice(db: Session, tenant: Tenant) -> None:
    partner_id = add_partner(db, tenant.company_id, "CUSTOMER")
    body = sales_invoice_body(
        partnerId=partner_id,
        originalInvoiceNumber="EXT-9",
        additionalInformation="Rivi 1\nRivi 2",
        factoringContractId=5,
        penaltyPercent=8,
        notes="sisäinen",
        invoiceRows=[
            invoice_row(quantity=2, unitPrice=10.5, discountPercent=10, comment="a"),
            invoice_row(quantity=-1, unitPrice=3, vatPercent=13.5, vatStatus=1),
        ],
    )
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=body)
    db.commit()
    assert (
        invoice.type, invoice.status, invoice.is_offer, invoice.series, invoice.partner_id,
        invoice.counterparty_name, invoice.invoice_date.isoformat(), invoice.due_date.isoformat(),
        invoice.invoice_channel, invoice.payment_method, invoice.currency, invoice.currency_rate,
        invoice.original_invoice_number, invoice.factoring_contract_id, invoice.additional_information,
        invoice.creator_id,
    ) == (
        "SALES_INVOICE", "UNFINISHED", False, "SALES", partner_id, "Esimerkki Oy", day(5, 4), day(5, 18), "EMAIL",
        "BANK_TRANSFER", "EUR", Decimal(1), "EXT-9", 5, "Rivi 1\nRivi 2", tenant.user_id,
    )  # fmt: skip
    # 2 × 10.50 − 10 % = 18.90 at 25.5 % → 4.82; −3.00 at 13.5 % → −0.41 (half away from zero).
    assert (invoice.net_minor, invoice.vat_minor, invoice.gross_minor, invoice.paid_minor) == (1590, 441, 2031, 0)
    document = invoice.document
    for server_kept in ("id", "status", "invoiceNumber", "ledgerReceiptId", "version", "invoiceRows",
                        "invoiceSumInfo", "creatorId", "isOffer"):  # fmt: skip
        assert server_kept not in document
    assert document["penaltyPercent"] == "8"
    assert document["paymentInfo"]["currencyRate"] == "1"
    assert document["notes"] == "sisäinen"
    rows = db.scalars(
        select(InvoiceRow).where(InvoiceRow.company_id == tenant.company_id).order_by(InvoiceRow.line_no)
    ).all()
    assert [
        (r.line_no, r.quantity, r.unit_price, r.discount_percent, r.vat_percent, r.vat_status, r.net_minor,
         r.vat_minor, r.gross_minor, r.document)
        for r in rows
    ] == [
        (0, Decimal(2), Decimal("10.5"), Decimal(10), Decimal("25.5"), None, 1890, 482, 2372, {"comment": "a"}),
        (1, Decimal(-1), Decimal(3), Decimal(0), Decimal("13.5"), 1, -300, -41, -341, {}),
    ]  # fmt: skip


def test_get_invoice_is_company_scoped(db: Session, tenant: Tenant, other_tenant: Tenant) -> None:
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id)
    db.commit()
    assert service.get_invoice(db, company_id=tenant.company_id, invoice_id=invoice.id, lock=True) is invoice
    missing_ids = [(other_tenant.company_id, invoice.id), (tenant.company_id, 999), (tenant.company_id, 0),
                   (tenant.company_id, 2**40)]  # fmt: skip
    for company_id, invoice_id in missing_ids:
        with pytest.raises(KirjuriError) as missing:
            service.get_invoice(db, company_id=company_id, invoice_id=invoice_id)
        assert (missing.value.code, missing.value.status, missing.value.field) == ("NOT_FOUND", 404, "invoiceId")


def test_to_wire_shows_the_circulation_checkers(db: Session, tenant: Tenant) -> None:
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=purchase_invoice_body())
    # Checkers are chosen by circulation (another module): arranged as its rows.
    db.add_all(
        [
            InvoiceChecker(company_id=tenant.company_id, invoice_id=invoice.id, role="VERIFIER", user_id=7, order_no=1),
            InvoiceChecker(company_id=tenant.company_id, invoice_id=invoice.id, role="ACCEPTOR", user_id=tenant.user_id,
                           order_no=1, event_performed="APPROVED", performed_at=invoice.created_at),
        ]
    )  # fmt: skip
    db.flush()
    shown = service.to_wire(db, invoice=invoice).invoice_approval_information
    assert shown is not None
    assert shown.model_dump(by_alias=True, exclude_none=True, mode="json") == {
        "acceptors": [{"userId": tenant.user_id, "eventPerformed": invoice.created_at.date().isoformat()}],
        "verifiers": [{"userId": 7}],
    }


def test_approval_information_sent_by_a_client_is_not_stored(db: Session, tenant: Tenant) -> None:
    body = purchase_invoice_body(invoiceApprovalInformation={"verifiers": [{"userId": 3}]})
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=body)
    assert "invoiceApprovalInformation" not in invoice.document
    assert service.to_wire(db, invoice=invoice).invoice_approval_information is None


def test_create_and_replace_append_to_the_trail(db: Session, tenant: Tenant) -> None:
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=body_of("PURCHASE_ORDER"))
    service.replace_invoice(
        db, company_id=tenant.company_id, user_id=tenant.user_id, invoice_id=invoice.id,
        body=wire(purchase_order_body(notes="x")), check_version=lambda _v: None,
    )  # fmt: skip
    db.commit()
    trail = db.scalars(
        select(InvoiceEvent).where(InvoiceEvent.company_id == tenant.company_id).order_by(InvoiceEvent.id)
    ).all()
    assert [(e.invoice_id, e.action, e.actor, e.user_id) for e in trail] == [
        (invoice.id, "CREATED", "Testi Käyttäjä", tenant.user_id),
        (invoice.id, "UPDATED", "Testi Käyttäjä", tenant.user_id),
    ]


def test_replace_checks_the_version_before_anything_else(db: Session, tenant: Tenant) -> None:
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id)
    db.commit()
    seen: list[Any] = []

    def refuse(current: Any) -> None:
        seen.append(current)
        raise KirjuriError("VERSION_CONFLICT", 400, "version")

    with pytest.raises(KirjuriError, match="VERSION_CONFLICT"):
        service.replace_invoice(
            db, company_id=tenant.company_id, user_id=tenant.user_id, invoice_id=invoice.id,
            body=wire(sales_invoice_body(vatStatus=99)), check_version=refuse,
        )  # fmt: skip
    assert seen == [invoice.version]
