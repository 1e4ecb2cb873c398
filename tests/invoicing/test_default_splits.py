"""Default dimension splits on an invoice's ledger receipt (`invoicing.accounting.row_splits`): per
dimension the row product's split, else the partner's (person's); every entry's dimension values
add up to its amount (also when one line is booked as several entries, or converted from another
currency) and the books balance."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.invoicing import accounting, entries
from kirjuri.ledger import default_splits
from kirjuri.ledger.models import LedgerTransaction, TransactionDimension
from tests.factories import Tenant
from tests.invoicing.helpers import invoice_row, post_invoice, purchase_invoice_body, sales_invoice_body
from tests.invoicing.test_invoice_accounting import SERVICE_SALES, product
from tests.ledger.helpers import SALES, assert_books_balance, dimension_with_items
from tests.partners.partner_helpers import add_partner

D = Decimal
BY_ROW = {"accountingByRow": True, "unitPricesIncludeVat": False}

Entry = tuple[str, int, dict[tuple[int, int], int]]


def set_split(
    session: Session, company_id: int, owner: tuple[str, int], dimension_id: int, items: dict[int, int]
) -> None:
    default_splits.replace_split(
        session,
        company_id=company_id,
        owner_kind=owner[0],
        owner_id=owner[1],
        dimension_id=dimension_id,
        items=[default_splits.WantedItem(item_id=i, code_name=None, percent=D(p)) for i, p in items.items()],
    )


def entries_with_dimensions(session: Session, company_id: int, receipt_id: int) -> list[Entry]:
    """(account, cents, {(dimension, item): cents}) of the receipt's ENTRY rows, in line order."""
    rows = list(
        session.scalars(
            select(LedgerTransaction)
            .where(LedgerTransaction.company_id == company_id, LedgerTransaction.receipt_id == receipt_id)
            .order_by(LedgerTransaction.line_no)
        )
    )
    dims: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
    for d in session.scalars(
        select(TransactionDimension).where(
            TransactionDimension.company_id == company_id, TransactionDimension.receipt_id == receipt_id
        )
    ):
        dims[d.transaction_id][(d.dimension_id, d.item_id)] = d.amount_minor
    return [(r.account, r.amount_minor, dims.get(r.id, {})) for r in rows if r.kind == "ENTRY"]


def assert_dimensions_add_up(found: list[Entry]) -> None:
    for _account, cents, values in found:
        per_dimension: dict[int, int] = defaultdict(int)
        for (dimension, _item), amount in values.items():
            per_dimension[dimension] += amount
        assert all(total == cents for total in per_dimension.values()), (cents, values)


@pytest.fixture()
def setup(tenant: Tenant, session_factory: sessionmaker[Session]) -> dict[str, Any]:
    with session_factory() as session:
        d1, (a, b) = dimension_with_items(session, company_id=tenant.company_id, name="Kustannuspaikka")
        d2, (c, d) = dimension_with_items(session, company_id=tenant.company_id, name="Projekti")
        customer = add_partner(session, tenant.company_id, "CUSTOMER")
        supplier = add_partner(session, tenant.company_id, "SUPPLIER")
        set_split(session, tenant.company_id, (default_splits.PARTNER, customer), d1, {b: 100})
        set_split(session, tenant.company_id, (default_splits.PARTNER, customer), d2, {c: 50, d: 50})
        set_split(session, tenant.company_id, (default_splits.PARTNER, supplier), d2, {c: 25, d: 75})
        session.commit()
    return {"d1": d1, "d2": d2, "a": a, "b": b, "c": c, "d": d, "customer": customer, "supplier": supplier}


def test_the_products_split_first_then_the_partners(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], setup: dict[str, Any]
) -> None:
    s = setup
    sold = product(client, tenant, SERVICE_SALES)
    with session_factory() as session:
        set_split(session, tenant.company_id, (default_splits.PRODUCT, sold), s["d1"], {s["a"]: 100})
        session.commit()
    rows = [
        invoice_row(productId=sold, quantity=1, unitPrice=100, vatPercent=25.5),
        invoice_row(quantity=1, unitPrice=50, vatPercent=25.5),
    ]
    invoice = post_invoice(
        client, tenant, sales_invoice_body(invoiceRows=rows, extraInfo=BY_ROW, partnerId=s["customer"])
    )
    with session_factory() as session:
        found = entries_with_dimensions(session, tenant.company_id, invoice["ledgerReceiptId"])
        assert found == [
            # The product's D1 split wins over the partner's; D2 is the partner's.
            (SERVICE_SALES, -10000, {(s["d1"], s["a"]): -10000, (s["d2"], s["c"]): -5000, (s["d2"], s["d"]): -5000}),
            (SALES, -5000, {(s["d1"], s["b"]): -5000, (s["d2"], s["c"]): -2500, (s["d2"], s["d"]): -2500}),
        ]
        assert_books_balance(session, tenant.company_id)


def test_without_a_partner_only_the_products_split(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], setup: dict[str, Any]
) -> None:
    s = setup
    sold = product(client, tenant, SERVICE_SALES)
    with session_factory() as session:
        set_split(session, tenant.company_id, (default_splits.PRODUCT, sold), s["d1"], {s["a"]: 60, s["b"]: 40})
        session.commit()
    rows = [
        invoice_row(productId=sold, quantity=1, unitPrice=10.01, vatPercent=25.5),
        invoice_row(quantity=1, unitPrice=1, vatPercent=25.5),
    ]
    # Without accountingByRow the product's account is not used, but its split is.
    invoice = post_invoice(client, tenant, sales_invoice_body(invoiceRows=rows))
    with session_factory() as session:
        found = entries_with_dimensions(session, tenant.company_id, invoice["ledgerReceiptId"])
        assert [(a, c) for a, c, _v in found] == [(SALES, -1001), (SALES, -100)]
        assert found[0][2] == {(s["d1"], s["a"]): -601, (s["d1"], s["b"]): -400}
        assert found[1][2] == {}
        assert_dimensions_add_up(found)
        assert_books_balance(session, tenant.company_id)


def test_a_purchase_takes_the_suppliers_split(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], setup: dict[str, Any]
) -> None:
    s = setup
    invoice = post_invoice(client, tenant, purchase_invoice_body(partnerId=s["supplier"]))
    with session_factory() as session:
        found = entries_with_dimensions(session, tenant.company_id, invoice["ledgerReceiptId"])
        assert len(found) == 1
        cents = found[0][1]
        assert found[0][2] == {(s["d2"], s["c"]): cents // 4, (s["d2"], s["d"]): cents - cents // 4}
        assert_books_balance(session, tenant.company_id)


def test_gross_prices_booked_as_several_entries_keep_each_entrys_split_whole(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], setup: dict[str, Any]
) -> None:
    s = setup
    gross_prices = {"accountingByRow": False, "unitPricesIncludeVat": True}
    # 1.01 gross at 25.5 %: no single net gives back the VAT 0.21 — two entries, 0.78 + 0.02.
    rows = [invoice_row(quantity=1, unitPrice=1.01, vatPercent=25.5)]
    body = sales_invoice_body(invoiceRows=rows, extraInfo=gross_prices, partnerId=s["customer"])
    invoice = post_invoice(client, tenant, body)
    with session_factory() as session:
        found = entries_with_dimensions(session, tenant.company_id, invoice["ledgerReceiptId"])
        assert found == [
            (SALES, -78, {(s["d1"], s["b"]): -78, (s["d2"], s["c"]): -39, (s["d2"], s["d"]): -39}),
            (SALES, -2, {(s["d1"], s["b"]): -2, (s["d2"], s["c"]): -1, (s["d2"], s["d"]): -1}),
        ]
        assert_books_balance(session, tenant.company_id)


def test_a_foreign_currency_invoice_splits_the_converted_amounts(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], setup: dict[str, Any]
) -> None:
    s = setup
    body = sales_invoice_body(partnerId=s["customer"])
    body["paymentInfo"] = {**body["paymentInfo"], "currency": "SEK", "currencyRate": 11.3}
    invoice = post_invoice(client, tenant, body)
    with session_factory() as session:
        found = entries_with_dimensions(session, tenant.company_id, invoice["ledgerReceiptId"])
        assert found and all(values for _a, _c, values in found)
        assert_dimensions_add_up(found)
        assert_books_balance(session, tenant.company_id)


@pytest.mark.parametrize(
    ("product_id", "expected"),
    [
        (None, ((1, 10, D(100)), (2, 20, D(50)), (2, 21, D(50)))),
        (7, ((1, 11, D(100)), (2, 20, D(50)), (2, 21, D(50)))),
        (8, ((1, 10, D(100)), (2, 20, D(50)), (2, 21, D(50)))),  # a product without a split
        (9, ((1, 10, D(100)), (2, 22, D(100)), (3, 30, D(100)))),
    ],
)
def test_row_splits_per_dimension(product_id: int | None, expected: tuple[tuple[int, int, Decimal], ...]) -> None:
    shares = {
        (default_splits.PARTNER, 1): [(1, 10, D(100)), (2, 20, D(50)), (2, 21, D(50))],
        (default_splits.PRODUCT, 7): [(1, 11, D(100))],
        (default_splits.PRODUCT, 9): [(2, 22, D(100)), (3, 30, D(100))],
    }
    row = accounting.RowIn(amount=D(10), vat_percent=D("25.5"), vat_status=None, product_id=product_id)
    (split,) = accounting.row_splits([row], partner_id=1, shares=shares)
    assert split == tuple(entries.SplitShare(d, i, p) for d, i, p in expected)
    (none,) = accounting.row_splits([row], partner_id=None, shares={})
    assert none == ()
