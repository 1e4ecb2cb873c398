"""The stated VAT breakdown stored with the invoice (`invoice_vat_lines`): written at create and
PUT with the totals (which they add up to), read by the documents (PDF/image, Finvoice), so the
printed breakdown equals the printed totals to the cent — also when a sales invoice took the
ledger's VAT (one rate on several accounts with accountingByRow)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.invoicing import documents, finvoice, schemas, service, sums
from kirjuri.invoicing.document import VatLine
from kirjuri.invoicing.models import Invoice, InvoiceVatLine
from tests.factories import Tenant
from tests.invoicing.helpers import invoice_row, post_invoice, sales_invoice_body, sales_order_body
from tests.invoicing.test_invoice_accounting import OTHER_SALES, SERVICE_SALES, product, sum_info
from tests.ledger.helpers import assert_books_balance

D = Decimal
OPERATOR = "003721291126"
BY_ROW = {"accountingByRow": True, "unitPricesIncludeVat": False}


def stored(session: Session, company_id: int, invoice_id: int) -> list[tuple[Decimal, int, int, int, int]]:
    return [
        (line.vat_percent, line.vat_status, line.net_minor, line.vat_minor, line.gross_minor)
        for line in session.scalars(
            select(InvoiceVatLine)
            .where(InvoiceVatLine.company_id == company_id, InvoiceVatLine.invoice_id == invoice_id)
            .order_by(InvoiceVatLine.line_no)
        )
    ]


def document_of(session: Session, company_id: int, invoice_id: int) -> Any:
    invoice = session.get(Invoice, (company_id, invoice_id))
    assert invoice is not None
    return documents.invoice_document(session, invoice=invoice)


def cent_rows(client: TestClient, tenant: Tenant) -> list[dict[str, Any]]:
    """10.02 + 10.02 at 25.5 % on two accounts: per rate round(20.04 × 0.255) = 5.11, per account
    round(10.02 × 0.255) = 2.56 each — the ledger books 5.12."""
    return [
        invoice_row(productId=product(client, tenant, account), quantity=1, unitPrice=10.02, vatPercent=25.5)
        for account in (SERVICE_SALES, OTHER_SALES)
    ]


def test_the_cent_case_prints_the_ledgers_vat_in_totals_and_breakdown(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    rows = cent_rows(client, tenant)
    invoice = post_invoice(client, tenant, sales_invoice_body(invoiceRows=rows, extraInfo=BY_ROW))
    assert sum_info(invoice) == [("EUR", True, 20.04, 5.12, 25.16)]
    with session_factory() as session:
        assert stored(session, tenant.company_id, invoice["id"]) == [(D("25.5"), 1, 2004, 512, 2516)]
        document = document_of(session, tenant.company_id, invoice["id"])
        assert document.vat_lines == (VatLine(D("25.5"), D("20.04"), D("5.12"), D("25.16"), 1),)
        assert sums.totals_of(document.vat_lines) == document.totals
        # The e-invoice routes are not this test's subject: give both parties one.
        routed = dataclasses.replace(
            document,
            seller=dataclasses.replace(document.seller, einvoice_address="003720774740", einvoice_operator=OPERATOR),
            buyer=dataclasses.replace(document.buyer, einvoice_address="003701120389", einvoice_operator=OPERATOR),
        )
        message = finvoice.finvoice_message(
            routed,
            message_id="m-1",
            timestamp=datetime(2026, 1, 1, tzinfo=UTC),
            sender_intermediator=OPERATOR,
        )
        tree = etree.fromstring(message)
        assert tree.findtext("InvoiceDetails/InvoiceTotalVatAmount") == "5,12"
        assert tree.findtext("InvoiceDetails/VatSpecificationDetails/VatRateAmount") == "5,12"
        assert tree.findtext("InvoiceDetails/VatSpecificationDetails/VatBaseAmount") == "20,04"
        assert_books_balance(session, tenant.company_id)


def test_an_invoice_stored_without_lines_recomputes_them_from_its_rows(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    rows = cent_rows(client, tenant)
    invoice = post_invoice(client, tenant, sales_invoice_body(invoiceRows=rows, extraInfo=BY_ROW))
    with session_factory() as session:
        session.execute(delete(InvoiceVatLine).where(InvoiceVatLine.company_id == tenant.company_id))
        session.commit()
        # The old behaviour: the rows' per-rate VAT, a cent beside the stored total.
        assert document_of(session, tenant.company_id, invoice["id"]).vat_lines == (
            VatLine(D("25.5"), D("20.04"), D("5.11"), D("25.15"), 1),
        )


def test_put_replaces_the_lines(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    invoice = post_invoice(client, tenant, sales_invoice_body(invoiceRows=cent_rows(client, tenant), extraInfo=BY_ROW))
    body = sales_invoice_body(
        invoiceRows=[
            invoice_row(quantity=2, unitPrice=10, vatPercent=25.5),
            invoice_row(quantity=1, unitPrice=10, vatPercent=13.5),
            invoice_row(quantity=1, unitPrice=5, vatPercent=0, vatStatus=3),
        ]
    )
    answer = client.put(
        f"/api/invoices/{invoice['id']}", json={**body, "version": invoice["version"]}, headers=tenant.headers
    )
    assert answer.status_code == 200, answer.text
    with session_factory() as session:
        lines = stored(session, tenant.company_id, invoice["id"])
        assert [(p, n, v, g) for p, _s, n, v, g in lines] == [
            (D("25.5"), 2000, 510, 2510),
            (D("13.5"), 1000, 135, 1135),
            (D("0"), 500, 0, 500),
        ]
        document = document_of(session, tenant.company_id, invoice["id"])
        assert sums.totals_of(document.vat_lines) == document.totals
        assert_books_balance(session, tenant.company_id)


def test_an_order_stores_the_computed_lines(db: Session, tenant: Tenant) -> None:
    body = sales_order_body(
        invoiceRows=[
            invoice_row(quantity=3, unitPrice=3.33, vatPercent=25.5),
            invoice_row(quantity=1, unitPrice=1, vatPercent=10),
        ]
    )
    order = service.create_invoice(
        db, company_id=tenant.company_id, user_id=tenant.user_id, body=schemas.Invoice.model_validate(body)
    )
    assert [(p, n, v, g) for p, _s, n, v, g in stored(db, tenant.company_id, order.id)] == [
        (D("25.5"), 999, 255, 1254),
        (D("10"), 100, 10, 110),
    ]
    assert (order.net_minor, order.vat_minor, order.gross_minor) == (1099, 265, 1364)


def test_create_then_replace_in_one_session(db: Session, tenant: Tenant) -> None:
    first = schemas.Invoice.model_validate(sales_invoice_body())
    invoice = service.create_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=first)
    before = stored(db, tenant.company_id, invoice.id)
    second = schemas.Invoice.model_validate(
        sales_invoice_body(invoiceRows=[invoice_row(quantity=1, unitPrice=7, vatPercent=13.5)])
    )
    service.replace_invoice(
        db,
        company_id=tenant.company_id,
        user_id=tenant.user_id,
        invoice_id=invoice.id,
        body=second,
        check_version=lambda _v: None,
    )
    db.flush()
    after = stored(db, tenant.company_id, invoice.id)
    assert after != before
    assert [(p, n, v) for p, _s, n, v, _g in after] == [(D("13.5"), 700, 95)]
