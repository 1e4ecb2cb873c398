"""The ledger receipt every invoice owns (`invoicing.accounting`): its postings after create and
after PUT, the accounts chosen (partner default, product with accountingByRow, chart role), VAT
rounding between the invoice and the ledger, gross prices, self-assessed VAT, credit notes, foreign
currency and the company-currency `invoiceSumInfo`; the books stay balanced throughout."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.invoicing import schemas, service, sums
from kirjuri.invoicing.document import Totals
from kirjuri.ledger import fiscal
from kirjuri.ledger.models import LedgerReceipt, LedgerTransaction
from kirjuri.partners import service as partners_service
from tests.factories import Tenant
from tests.invoicing.helpers import (
    THIS_YEAR,
    add_invoice,
    body_of,
    day,
    errors,
    expense_body,
    invoice_row,
    post_invoice,
    purchase_invoice_body,
    sales_invoice_body,
    sales_order_body,
    variant,
)
from tests.ledger.helpers import (
    PAYABLES,
    PURCHASES,
    RECEIVABLES,
    SALES,
    VAT_PAYABLE,
    VAT_RECEIVABLE,
    assert_books_balance,
)
from tests.partners.partner_helpers import add_partner

# Accounts of the default chart that take VAT and have no role.
SERVICE_SALES = "3010"  # Palvelujen myynti
OTHER_SALES = "3100"
OTHER_COSTS = "4010"

Posting = tuple[str, str, int, Decimal, int | None]


def postings(session: Session, company_id: int, receipt_id: int) -> list[Posting]:
    """(kind, account, cents, VAT %, VAT status) of a receipt, in line order."""
    rows = session.scalars(
        select(LedgerTransaction)
        .where(LedgerTransaction.company_id == company_id, LedgerTransaction.receipt_id == receipt_id)
        .order_by(LedgerTransaction.line_no)
    )
    return [(r.kind, r.account, r.amount_minor, r.vat_percent, r.vat_status) for r in rows]


def receipt_of(session: Session, company_id: int, invoice: dict[str, Any]) -> LedgerReceipt:
    receipt = session.get(LedgerReceipt, (company_id, invoice["ledgerReceiptId"]))
    assert receipt is not None
    return receipt


def sum_info(invoice: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (s["currency"], s["inAccountingCurrency"], s["excludingVatTotal"], s["vatSumTotal"], s["invoiceSumTotal"])
        for s in invoice["invoiceSumInfo"]
    ]


# --- the receipt of each type ---------------------------------------------------------------------


def test_a_sales_invoice_books_receivable_sales_and_output_vat(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    invoice = post_invoice(client, tenant)
    with session_factory() as session:
        receipt = receipt_of(session, tenant.company_id, invoice)
        assert (receipt.type, receipt.status, receipt.invoice_id, receipt.invoice_number, receipt.name) == (
            "SALES_INVOICE", "UNFINISHED", invoice["id"], 1, "Esimerkki Oy",
        )  # fmt: skip
        assert (receipt.receipt_date, receipt.vat_type, receipt.vat_status) == (date(THIS_YEAR, 5, 4), "SALES", 1)
        assert postings(session, tenant.company_id, receipt.id) == [
            ("REVERSING_ENTRY", RECEIVABLES, 149031, Decimal(0), None),
            ("ENTRY", SALES, -118750, Decimal("25.5"), 1),
            ("VAT", VAT_PAYABLE, -30281, Decimal("25.5"), 1),
        ]
        assert_books_balance(session, tenant.company_id)


@pytest.mark.parametrize(
    ("invoice_type", "expected"),
    [
        ("PURCHASE_INVOICE", [(PAYABLES, -12550), (PURCHASES, 10000), (VAT_RECEIVABLE, 2550)]),
        # 48.40 gross at 10 %: 44.00 + 4.40.
        ("TRAVEL_INVOICE", [(PAYABLES, -4840), (PURCHASES, 4400), (VAT_RECEIVABLE, 440)]),
        ("BILL_OF_CHARGES", [(PAYABLES, -4840), (PURCHASES, 4400), (VAT_RECEIVABLE, 440)]),
    ],
)
def test_payables_are_booked_against_purchases_and_input_vat(
    client: TestClient,
    tenant: Tenant,
    session_factory: sessionmaker[Session],
    invoice_type: str,
    expected: list[tuple[str, int]],
) -> None:
    invoice = post_invoice(client, tenant, body_of(invoice_type))
    with session_factory() as session:
        receipt = receipt_of(session, tenant.company_id, invoice)
        assert (receipt.type, receipt.vat_type) == (invoice_type, "PURCHASE")
        assert [(a, c) for _k, a, c, _p, _s in postings(session, tenant.company_id, receipt.id)] == expected
        assert_books_balance(session, tenant.company_id)


@pytest.mark.parametrize("invoice_type", ["SALES_ORDER", "PURCHASE_ORDER"])
def test_orders_and_offers_own_no_receipt(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session],
                                          invoice_type: str) -> None:  # fmt: skip
    created = [
        post_invoice(client, tenant, body_of(invoice_type)),
        post_invoice(client, tenant, sales_order_body(isOffer=True)),
    ]
    assert all("ledgerReceiptId" not in c for c in created)
    with session_factory() as session:
        assert session.scalar(
            select(func.count()).select_from(LedgerReceipt).where(LedgerReceipt.company_id == tenant.company_id)
        ) == 0  # fmt: skip


def test_put_replaces_the_receipts_accounting(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    created = post_invoice(client, tenant, purchase_invoice_body())
    body = purchase_invoice_body(
        version=created["version"],
        date=day(5, 20),
        invoiceRows=[invoice_row(unitPrice=80, quantity=1), invoice_row(unitPrice=20, quantity=1, vatPercent=13.5)],
    )
    answer = client.put(f"/api/invoices/{created['id']}", json=body, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    updated = answer.json()
    assert updated["ledgerReceiptId"] == created["ledgerReceiptId"]
    assert sum_info(updated) == [("EUR", True, 100, 23.1, 123.1)]
    with session_factory() as session:
        receipt = receipt_of(session, tenant.company_id, updated)
        assert (receipt.receipt_date, receipt.receipt_number, receipt.invoice_number) == (date(THIS_YEAR, 5, 20), 1, 1)
        assert postings(session, tenant.company_id, receipt.id) == [
            ("REVERSING_ENTRY", PAYABLES, -12310, Decimal(0), None),
            ("ENTRY", PURCHASES, 8000, Decimal("25.5"), 1),
            ("ENTRY", PURCHASES, 2000, Decimal("13.5"), 1),
            ("VAT", VAT_RECEIVABLE, 2040, Decimal("25.5"), 1),
            ("VAT", VAT_RECEIVABLE, 270, Decimal("13.5"), 1),
        ]
        assert_books_balance(session, tenant.company_id)


def test_put_cannot_move_the_receipt_to_another_fiscal_year(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        fiscal.open_next_year(session, company_id=tenant.company_id)
        session.commit()
    created = post_invoice(client, tenant)
    next_year = date(THIS_YEAR + 1, 2, 1).isoformat()
    body = variant(sales_invoice_body(version=created["version"], date=next_year), {"paymentInfo.dueDate": next_year})
    answer = client.put(f"/api/invoices/{created['id']}", json=body, headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (400, [(400, "date", "RECEIPT_DATE_IN_ANOTHER_FISCAL_YEAR")])
    # Answered together with the other findings.
    answer = client.put(f"/api/invoices/{created['id']}", json={**body, "vatStatus": 99}, headers=tenant.headers)
    assert errors(answer) == [
        (400, "date", "RECEIPT_DATE_IN_ANOTHER_FISCAL_YEAR"),
        (400, "vatStatus", "INVALID_VAT_STATUS"),
    ]
    # A new invoice may of course be dated in the new year.
    assert post_invoice(client, tenant, body_of("SALES_INVOICE", date=next_year, paymentInfo=body["paymentInfo"]))


# --- accounts ---------------------------------------------------------------------------------------


def product(client: TestClient, tenant: Tenant, account: str, product_type: str = "SALES") -> int:
    answer = client.post(
        "/api/products",
        json={"type": product_type, "name": f"Tuote {account}", "unit": "PIECE", "price": 1, "discount": 0,
              "vat": 25.5, "active": True, "currency": "EUR", "defaultAccount": account},
        headers=tenant.headers,
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    product_id: int = answer.json()["id"]
    return product_id


def partner_with_accounts(session: Session, company_id: int, partner_type: str, document: dict[str, Any]) -> int:
    partner_id = add_partner(session, company_id, partner_type)
    partners_service.set_default_accounts(
        session, company_id=company_id, partner_id=partner_id, document=document, readable={partner_type},
        writable={partner_type},
    )  # fmt: skip
    session.commit()
    return partner_id


def entry_accounts(session: Session, company_id: int, invoice: dict[str, Any]) -> list[tuple[str, int]]:
    return [(a, c) for k, a, c, _p, _s in postings(session, company_id, invoice["ledgerReceiptId"]) if k == "ENTRY"]


def test_accounts_come_from_the_partner_then_the_products_then_the_chart(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    first, second = product(client, tenant, SERVICE_SALES), product(client, tenant, OTHER_SALES)
    rows = [
        invoice_row(productId=first, quantity=1, unitPrice=100),
        invoice_row(productId=second, quantity=1, unitPrice=10),
        invoice_row(quantity=1, unitPrice=1),
    ]
    by_row = {"accountingByRow": True, "unitPricesIncludeVat": False}
    with session_factory() as session:
        partner_id = partner_with_accounts(
            session, tenant.company_id, "CUSTOMER", {"salesInvoiceAccounts": {"creditAccount": {"code": OTHER_SALES}}}
        )
    by_products = post_invoice(client, tenant, sales_invoice_body(invoiceRows=rows, extraInfo=by_row))
    not_by_row = post_invoice(client, tenant, sales_invoice_body(invoiceRows=rows))
    by_partner = post_invoice(
        client, tenant, sales_invoice_body(invoiceRows=rows, extraInfo=by_row, partnerId=partner_id)
    )
    with session_factory() as session:
        assert entry_accounts(session, tenant.company_id, by_products) == [
            (SERVICE_SALES, -10000), (OTHER_SALES, -1000), (SALES, -100),
        ]  # fmt: skip
        assert entry_accounts(session, tenant.company_id, not_by_row) == [(SALES, -11100)]
        assert entry_accounts(session, tenant.company_id, by_partner) == [(OTHER_SALES, -11100)]
        assert_books_balance(session, tenant.company_id)


@pytest.mark.parametrize(
    ("invoice_type", "partner_type", "account_set"),
    [
        ("PURCHASE_INVOICE", "SUPPLIER", "purchaseInvoiceAccounts"),
        ("SALES_INVOICE", "CUSTOMER", "salesInvoiceAccounts"),
    ],
)
def test_the_partner_account_of_the_invoice_type(
    *,
    client: TestClient,
    tenant: Tenant,
    session_factory: sessionmaker[Session],
    invoice_type: str,
    partner_type: str,
    account_set: str,
) -> None:
    side = "creditAccount" if invoice_type == "SALES_INVOICE" else "debitAccount"
    account = SERVICE_SALES if invoice_type == "SALES_INVOICE" else OTHER_COSTS
    with session_factory() as session:
        # The other sets and sides are not used for this type.
        partner_id = partner_with_accounts(
            session, tenant.company_id, partner_type,
            {account_set: {side: {"code": account}, "creditAccount" if side == "debitAccount" else "debitAccount":
                           {"code": "1910"}},
             "journalAccounts": {"debitAccount": {"code": "1700"}}},
        )  # fmt: skip
    invoice = post_invoice(client, tenant, body_of(invoice_type, partnerId=partner_id))
    with session_factory() as session:
        assert [a for a, _c in entry_accounts(session, tenant.company_id, invoice)] == [account]
        receipt = receipt_of(session, tenant.company_id, invoice)
        assert receipt.partner_id == partner_id


# --- VAT rounding -----------------------------------------------------------------------------------


def two_account_rows(client: TestClient, tenant: Tenant, product_type: str) -> list[dict[str, Any]]:
    """Two rows of 0.02 at 25.5 % on two accounts: per rate the VAT is round(0.04 × 0.255) = 0.01,
    per account round(0.02 × 0.255) = 0.01 each — the ledger's 0.02."""
    accounts = (SERVICE_SALES, OTHER_SALES) if product_type == "SALES" else (PURCHASES, OTHER_COSTS)
    return [
        invoice_row(productId=product(client, tenant, account, product_type), quantity=1, unitPrice=0.02)
        for account in accounts
    ]


def test_a_sales_invoice_takes_the_ledgers_vat_when_they_differ(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    rows = two_account_rows(client, tenant, "SALES")
    by_row = {"accountingByRow": True, "unitPricesIncludeVat": False}
    invoice = post_invoice(client, tenant, sales_invoice_body(invoiceRows=rows, extraInfo=by_row))
    assert sum_info(invoice) == [("EUR", True, 0.04, 0.02, 0.06)]
    with session_factory() as session:
        assert postings(session, tenant.company_id, invoice["ledgerReceiptId"])[0][2] == 6
        assert_books_balance(session, tenant.company_id)
    # On one account the two computations agree.
    single = post_invoice(client, tenant, sales_invoice_body(invoiceRows=rows))
    assert sum_info(single) == [("EUR", True, 0.04, 0.01, 0.05)]


def test_a_purchase_with_a_vat_rounding_difference_is_refused(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    rows = two_account_rows(client, tenant, "PURCHASE")
    by_row = {"accountingByRow": True, "unitPricesIncludeVat": False}
    answer = client.post(
        "/api/invoices", json=purchase_invoice_body(invoiceRows=rows, extraInfo=by_row), headers=tenant.headers
    )
    assert (answer.status_code, errors(answer)) == (400, [(400, "invoiceRows", "VAT_ROUNDING_DIFFERENCE")])
    with session_factory() as session:
        assert session.scalar(
            select(func.count()).select_from(LedgerReceipt).where(LedgerReceipt.company_id == tenant.company_id)
        ) == 0  # fmt: skip
    assert post_invoice(client, tenant, purchase_invoice_body(invoiceRows=rows))["invoiceNumber"] == 1


@pytest.mark.parametrize("invoice_type", ["TRAVEL_INVOICE", "SALES_INVOICE"])
def test_a_gross_the_ledger_cannot_reach_with_one_net_is_booked_exactly(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], invoice_type: str
) -> None:
    """1.01 gross at 25.5 %: the invoice states VAT 0.21 and net 0.80, but the ledger taxes 0.80
    as 0.20 and 0.81 as 0.21 (gross 1.02). Two entries (0.78 + 0.02: VAT 0.20 + 0.01) book it."""
    gross_prices = {"accountingByRow": False, "unitPricesIncludeVat": True}
    body = body_of(invoice_type, extraInfo=gross_prices, invoiceRows=[invoice_row(quantity=1, unitPrice=1.01)])
    invoice = post_invoice(client, tenant, body)
    assert sum_info(invoice) == [("EUR", True, 0.8, 0.21, 1.01)]
    sales = invoice_type == "SALES_INVOICE"
    sign = -1 if sales else 1
    with session_factory() as session:
        assert postings(session, tenant.company_id, invoice["ledgerReceiptId"]) == [
            ("REVERSING_ENTRY", RECEIVABLES if sales else PAYABLES, -sign * 101, Decimal(0), None),
            ("ENTRY", SALES if sales else PURCHASES, sign * 78, Decimal("25.5"), 1),
            ("ENTRY", SALES if sales else PURCHASES, sign * 2, Decimal("25.5"), 1),
            ("VAT", VAT_PAYABLE if sales else VAT_RECEIVABLE, sign * 20, Decimal("25.5"), 1),
            ("VAT", VAT_PAYABLE if sales else VAT_RECEIVABLE, sign * 1, Decimal("25.5"), 1),
        ]
        assert_books_balance(session, tenant.company_id)


def test_gross_prices_with_a_reachable_gross_book_one_entry(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    invoice = post_invoice(client, tenant, expense_body(invoiceRows=[invoice_row(quantity=2, unitPrice=62.75)]))
    # 125.50 gross at 25.5 %: 100.00 + 25.50.
    assert sum_info(invoice) == [("EUR", True, 100, 25.5, 125.5)]
    with session_factory() as session:
        assert entry_accounts(session, tenant.company_id, invoice) == [(PURCHASES, 10000)]


def test_self_assessed_vat_is_not_on_the_invoice_and_cancels_in_the_ledger(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    # Intra-EU services bought (status 4): the buyer books 25.5 % output and input tax.
    invoice = post_invoice(client, tenant, purchase_invoice_body(vatStatus=4))
    assert sum_info(invoice) == [("EUR", True, 100, 0, 100)]
    assert invoice["invoiceRows"][0]["vatPercent"] == 25.5
    with session_factory() as session:
        assert [(k, a, c) for k, a, c, _p, _s in postings(session, tenant.company_id, invoice["ledgerReceiptId"])] == [
            ("REVERSING_ENTRY", PAYABLES, -10000),
            ("ENTRY", PURCHASES, 10000),
            ("VAT", VAT_PAYABLE, -2550),
            ("VAT", VAT_RECEIVABLE, 2550),
        ]
        assert_books_balance(session, tenant.company_id)


def test_a_credit_note_books_the_mirror_image(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    invoice = post_invoice(client, tenant, sales_invoice_body(invoiceRows=[invoice_row(quantity=-12.5)]))
    assert sum_info(invoice) == [("EUR", True, -1187.5, -302.81, -1490.31)]
    with session_factory() as session:
        assert [c for _k, _a, c, _p, _s in postings(session, tenant.company_id, invoice["ledgerReceiptId"])] == [
            -149031, 118750, 30281,
        ]  # fmt: skip
        assert_books_balance(session, tenant.company_id)


def test_an_invoice_of_zero_books_a_zero_receipt(client: TestClient, tenant: Tenant,
                                                 session_factory: sessionmaker[Session]) -> None:  # fmt: skip
    invoice = post_invoice(client, tenant, sales_invoice_body(invoiceRows=[invoice_row(unitPrice=0)]))
    assert sum_info(invoice) == [("EUR", True, 0, 0, 0)]
    with session_factory() as session:
        assert postings(session, tenant.company_id, invoice["ledgerReceiptId"]) == [
            ("REVERSING_ENTRY", RECEIVABLES, 0, Decimal(0), None)
        ]


# --- foreign currency -------------------------------------------------------------------------------


def test_a_foreign_currency_invoice_is_booked_in_the_company_currency(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    """1.10 USD per euro: 1187.50 USD net → 1079.55 EUR and 302.81 USD VAT → 275.28 EUR (as
    `sums.in_accounting_currency` converts them). The ledger taxes 1079.55 as 275.29, so the net is
    booked as two entries whose VAT adds up to 275.28."""
    body = variant(sales_invoice_body(), {"paymentInfo.currency": "USD", "paymentInfo.currencyRate": 1.1})
    invoice = post_invoice(client, tenant, body)
    assert sum_info(invoice) == [
        ("USD", False, 1187.5, 302.81, 1490.31),
        ("EUR", True, 1079.55, 275.28, 1354.83),
    ]
    computed = sums.compute(
        [sums.RowInput(Decimal("12.5"), Decimal(95), Decimal(0), Decimal("25.5"))],
        header_discount_percent=Decimal(0),
        prices_include_vat=False,
    )
    assert sums.in_accounting_currency(computed, rate=Decimal("1.1")) == Totals(
        Decimal("1079.55"), Decimal("275.28"), Decimal("1354.83")
    )
    with session_factory() as session:
        booked = postings(session, tenant.company_id, invoice["ledgerReceiptId"])
        kinds = [(k, a) for k, a, _c, _p, _s in booked]
        # 1079.54 (VAT 275.28) and 0.01 (VAT 0.00, so no VAT row).
        assert kinds == [("REVERSING_ENTRY", RECEIVABLES), ("ENTRY", SALES), ("ENTRY", SALES), ("VAT", VAT_PAYABLE)]
        assert booked[0][2] == 135483
        assert sum(c for k, _a, c, _p, _s in booked if k == "ENTRY") == -107955
        assert sum(c for k, _a, c, _p, _s in booked if k == "VAT") == -27528
        assert_books_balance(session, tenant.company_id)
    assert client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers).json() == invoice
    listed = client.get("/api/invoices", headers=tenant.headers).json()["results"]
    assert listed[0]["invoiceSumInfo"] == invoice["invoiceSumInfo"]


def test_a_purchase_in_a_strong_currency_books_the_converted_vat(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    # 0.85 GBP per euro: 100.00 GBP net → 117.65 EUR, 25.50 GBP VAT → 30.00 EUR (the ledger's VAT
    # of 117.65 would be 30.00 too); the gross payable in GBP stays 125.50.
    body = variant(purchase_invoice_body(), {"paymentInfo.currency": "GBP", "paymentInfo.currencyRate": 0.85})
    invoice = post_invoice(client, tenant, body)
    assert sum_info(invoice) == [
        ("GBP", False, 100, 25.5, 125.5),
        ("EUR", True, 117.65, 30, 147.65),
    ]
    with session_factory() as session:
        assert_books_balance(session, tenant.company_id)


def test_a_foreign_currency_order_converts_its_vat_lines(db: Session, tenant: Tenant) -> None:
    body = variant(sales_order_body(), {"paymentInfo.currency": "SEK", "paymentInfo.currencyRate": 11.5})
    order = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=body)
    shown = service.to_wire(db, invoice=order).invoice_sum_info
    assert shown == [
        schemas.InvoiceSumInfo(currency="SEK", in_accounting_currency=False, excluding_vat_total=Decimal("1187.50"),
                               vat_sum_total=Decimal("302.81"), invoice_sum_total=Decimal("1490.31")),
        # 1187.50 / 11.5 = 103.26; 302.81 / 11.5 = 26.33 (`sums.in_accounting_currency`).
        schemas.InvoiceSumInfo(currency="EUR", in_accounting_currency=True, excluding_vat_total=Decimal("103.26"),
                               vat_sum_total=Decimal("26.33"), invoice_sum_total=Decimal("129.59")),
    ]  # fmt: skip


def test_books_stay_balanced_over_many_invoices(client: TestClient, tenant: Tenant,
                                                session_factory: sessionmaker[Session]) -> None:  # fmt: skip
    for n, invoice_type in enumerate(("SALES_INVOICE", "PURCHASE_INVOICE", "TRAVEL_INVOICE", "BILL_OF_CHARGES") * 2):
        rows = [invoice_row(quantity=n + 1, unitPrice=round(1.37 * (n + 3), 2), vatPercent=rate)
                for rate in (25.5, 13.5, 10, 0)]  # fmt: skip
        created = post_invoice(client, tenant, body_of(invoice_type, invoiceRows=rows))
        body = body_of(invoice_type, version=created["version"], invoiceRows=rows[::-1])
        assert client.put(f"/api/invoices/{created['id']}", json=body, headers=tenant.headers).status_code == 200
    with session_factory() as session:
        assert_books_balance(session, tenant.company_id)
        count = session.scalar(
            select(func.count()).select_from(LedgerReceipt).where(LedgerReceipt.company_id == tenant.company_id)
        )
        assert count == 8
