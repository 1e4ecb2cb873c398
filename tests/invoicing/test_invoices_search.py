"""`GET /invoices` (§D.13): every filter of the contract, every ordering, both paging styles, the
search row (InvoiceBasicInfo) and the refusals of bad parameters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.invoicing.models import Invoice
from kirjuri.products import service as products_service
from kirjuri.products.rules import ProductDraft
from tests.factories import Tenant, make_tenant
from tests.invoicing.helpers import (
    add_invoice,
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
from tests.partners.partner_helpers import add_partner


@dataclass
class Books:
    tenant: Tenant
    customer: int
    supplier: int
    product_x: int
    product_y: int
    created: dict[int, str]  # id → created (ISO, as the API shows it)


def _product(session: Session, company_id: int, name: str) -> int:
    draft = ProductDraft(type="SALES", name=name, price=Decimal(1), discount=Decimal(0), currency="EUR")
    return products_service.create_product(session, company_id=company_id, draft=draft).id


@pytest.fixture(scope="module")
def books(session_factory: sessionmaker[Session], settings: Settings) -> Iterator[Books]:
    """Eight invoices of one company (ids 1–8), each written through the service:

    | id | type             | date  | due   | status     | notes                                           |
    |----|------------------|-------|-------|------------|-------------------------------------------------|
    | 1  | SALES_INVOICE    | 05-04 | 05-18 | UNFINISHED | customer, product X, "Projekti Alfa", EMAIL     |
    | 2  | SALES_INVOICE    | 03-10 | 03-24 | SENT       | "Beta Oy", ORIG-7, factoring 11, MAIL           |
    | 3  | PURCHASE_INVOICE | 04-01 | 04-30 | APPROVED   | supplier, product Y, S-2001, NO_SENDING          |
    | 4  | SALES_ORDER      | 05-04 | 05-18 | UNFINISHED | offer, product X and Y                          |
    | 5  | SALES_ORDER      | 02-01 | 02-15 | UNFINISHED | customer                                        |
    | 6  | TRAVEL_INVOICE   | 05-04 | 05-18 | RECEIVED   | "Maija Meikäläinen"                             |
    | 7  | BILL_OF_CHARGES  | 01-15 | 01-31 | UNFINISHED | additional info "alfa-ryhmä"                    |
    | 8  | PURCHASE_ORDER   | 06-01 | 06-15 | UNFINISHED | EMAIL                                           |
    """
    tenant = make_tenant(session_factory, settings, name="Haku Oy")
    with session_factory() as session:
        customer = add_partner(session, tenant.company_id, "CUSTOMER")
        supplier = add_partner(session, tenant.company_id, "SUPPLIER")
        x = _product(session, tenant.company_id, "X")
        y = _product(session, tenant.company_id, "Y")

        def dated(body: dict[str, Any], when: str, due: str, **changes: Any) -> dict[str, Any]:
            return variant(body, {"date": when, "paymentInfo.dueDate": due, **changes})

        bodies = [
            dated(sales_invoice_body(partnerId=customer, additionalInformation="Projekti Alfa",
                                     invoiceRows=[invoice_row(productId=x)]), day(5, 4), day(5, 18)),
            dated(sales_invoice_body(originalInvoiceNumber="ORIG-7", factoringContractId=11, invoiceChannel="MAIL"),
                  day(3, 10), day(3, 24), **{"counterParty.counterPartyAddress.name": "Beta Oy"}),
            dated(purchase_invoice_body(partnerId=supplier, invoiceRows=[invoice_row(productId=y, vatPercent=0,
                                                                                    vatStatus=8)]),
                  day(4, 1), day(4, 30)),
            dated(sales_order_body(isOffer=True, invoiceRows=[invoice_row(productId=x), invoice_row(productId=y)]),
                  day(5, 4), day(5, 18)),
            dated(sales_order_body(partnerId=customer), day(2, 1), day(2, 15)),
            dated(travel_invoice_body(), day(5, 4), day(5, 18)),
            dated(expense_body(additionalInformation="alfa-ryhmä"), day(1, 15), day(1, 31)),
            dated(purchase_order_body(invoiceChannel="EMAIL", counterParty={"email": "tilaus@example.fi",
                  "counterPartyAddress": {"name": "Toimittaja Oy"}}), day(6, 1), day(6, 15)),
        ]  # fmt: skip
        made = [add_invoice(session, company_id=tenant.company_id, user_id=tenant.user_id, body=b) for b in bodies]
        # Statuses the lifecycle (another module) would reach; `version` moves as it would.
        for invoice_id, status in ((2, "SENT"), (3, "APPROVED"), (6, "RECEIVED")):
            session.execute(
                update(Invoice)
                .where(Invoice.company_id == tenant.company_id, Invoice.id == invoice_id)
                .values(status=status, version=clock.now())
            )
        session.commit()
        assert [i.id for i in made] == list(range(1, 9))
        created = {
            i.id: i.created_at for i in session.scalars(select(Invoice).where(Invoice.company_id == tenant.company_id))
        }
    yield Books(tenant, customer, supplier, x, y, {k: v.isoformat() for k, v in created.items()})


def ids(client: TestClient, books: Books, query: str = "") -> list[int]:
    answer = client.get(f"/api/invoices{query}", headers=books.tenant.headers)
    assert answer.status_code == 200, answer.text
    return [r["id"] for r in answer.json()["results"]]


# --- filters ---------------------------------------------------------------------------------------

FILTERS = [
    ("", [8, 7, 6, 5, 3, 2, 1]),  # offers only with isOffer=true
    ("?isOffer=true", [4]),
    ("?isOffer=false", [8, 7, 6, 5, 3, 2, 1]),
    ("?status=UNFINISHED", [8, 7, 5, 1]),
    ("?status=SENT,APPROVED", [3, 2]),
    ("?status=SENT&status=RECEIVED", [6, 2]),
    ("?status=PAID", []),
    ("?types=SALES_INVOICE", [2, 1]),
    ("?types=SALES_ORDER,PURCHASE_ORDER", [8, 5]),
    ("?types=TRAVEL_INVOICE&types=BILL_OF_CHARGES", [7, 6]),
    ("?types=PERIODIC_TAX_RETURN", []),
    (f"?startDate={day(5, 4)}", [8, 6, 1]),
    (f"?endDate={day(3, 10)}", [7, 5, 2]),
    (f"?startDate={day(3, 10)}&endDate={day(5, 3)}", [3, 2]),
    (f"?dueStartDate={day(4, 30)}", [8, 6, 3, 1]),
    (f"?dueEndDate={day(2, 15)}", [7, 5]),
    (f"?dueStartDate={day(3, 1)}&dueEndDate={day(4, 30)}", [3, 2]),
    ("?invoiceNumber=1", [8, 7, 6, 5, 3, 1]),  # the first of each series (4: an offer)
    ("?invoiceNumber=2&types=SALES_INVOICE", [2]),
    ("?invoiceNumber=99", []),
    ("?originalInvoiceNumber=ORIG-7", [2]),
    ("?originalInvoiceNumber=S-2001", [8, 3]),
    ("?originalInvoiceNumber=orig-7", []),
    ("?factoringContractId=11", [2]),
    ("?factoringContractId=12", []),
    ("?invoiceChannel=MAIL", [2]),
    ("?invoiceChannel=EMAIL,NO_SENDING", [8, 7, 6, 5, 3, 1]),
    ("?searchTerm=beta", [2]),
    ("?searchTerm=ALFA", [7, 1]),
    ("?searchTerm=meikäläinen", [7, 6]),
    ("?searchTerm=MEIKÄLÄINEN", [7, 6]),
    ("?searchTerm=2", [2]),  # invoice number 2: SALES_INVOICE 2 only
    ("?searchTerm=%25", []),
    ("?searchTerm=", [8, 7, 6, 5, 3, 2, 1]),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS, ids=[q or "none" for q, _e in FILTERS])
def test_each_filter(client: TestClient, books: Books, query: str, expected: list[int]) -> None:
    assert ids(client, books, query) == expected


def test_partner_and_product_filters(client: TestClient, books: Books) -> None:
    assert ids(client, books, f"?businessPartnerId={books.customer}") == [5, 1]
    assert ids(client, books, f"?businessPartnerId={books.supplier}") == [3]
    assert ids(client, books, "?businessPartnerId=99999") == []
    assert ids(client, books, f"?productId={books.product_x}") == [1]
    assert ids(client, books, f"?productId={books.product_x}&isOffer=true") == [4]
    assert ids(client, books, f"?productId={books.product_x},{books.product_y}") == [3, 1]
    assert ids(client, books, f"?productId={books.product_y}&productId=77777") == [3]
    assert ids(client, books, "?productId=77777") == []


def test_created_and_version_ranges(client: TestClient, books: Books) -> None:
    third = books.created[3]
    assert ids(client, books, f"?createdStartDate={third.replace('+00:00', 'Z')}") == [8, 7, 6, 5, 3]
    assert ids(client, books, f"?createdEndDate={third.replace('+00:00', 'Z')}") == [3, 2, 1]
    # A zone-less date-time is UTC.
    assert ids(client, books, f"?createdEndDate={third.replace('+00:00', '')}") == [3, 2, 1]
    listed = client.get("/api/invoices", headers=books.tenant.headers).json()["results"]
    versions = {r["id"]: r["version"] for r in listed}
    # 2, 3 and 6 changed status after every invoice was made: theirs are the latest versions.
    latest_first = sorted(versions, key=lambda i: versions[i], reverse=True)
    assert latest_first[:3] == [6, 3, 2]
    assert ids(client, books, f"?versionStartDate={versions[2]}") == [6, 3, 2]
    assert ids(client, books, f"?versionEndDate={versions[8]}") == [8, 7, 5, 1]
    assert ids(client, books, f"?versionStartDate={versions[1]}&versionEndDate={versions[5]}") == [5, 1]


def test_a_filter_combination_and_the_meta(client: TestClient, books: Books) -> None:
    answer = client.get(
        f"/api/invoices?types=SALES_INVOICE,SALES_ORDER&startDate={day(2, 1)}&status=UNFINISHED&size=1",
        headers=books.tenant.headers,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [r["id"] for r in body["results"]] == [5]
    assert body["meta"] == {"pageNumber": 0, "pageSize": 1, "resultCount": 1, "totalCount": 2}


# --- the search row ---------------------------------------------------------------------------------


def test_the_search_row_is_the_basic_info(client: TestClient, books: Books) -> None:
    [row] = client.get("/api/invoices?types=SALES_INVOICE&status=SENT", headers=books.tenant.headers).json()["results"]
    one = client.get("/api/invoices/2", headers=books.tenant.headers).json()
    assert row == {
        "id": 2,
        "type": "SALES_INVOICE",
        "status": "SENT",
        "invoiceNumber": 2,
        "originalInvoiceNumber": "ORIG-7",
        "invoiceChannel": "MAIL",
        "date": day(3, 10),
        "dueDate": day(3, 24),
        "created": books.created[2].replace("+00:00", "Z"),
        "version": one["version"],
        "invoiceSumInfo": one["invoiceSumInfo"],
        "creatorId": books.tenant.user_id,
        "counterParty": one["counterParty"],
    }
    [offer] = client.get("/api/invoices?isOffer=true", headers=books.tenant.headers).json()["results"]
    assert (offer["isOffer"], offer["type"]) == (True, "SALES_ORDER")
    [order] = client.get(f"/api/invoices?endDate={day(2, 1)}&types=SALES_ORDER", headers=books.tenant.headers).json()[
        "results"
    ]
    assert (order["id"], order["isOffer"], order["partnerId"]) == (5, False, books.customer)


# --- orderings and paging ---------------------------------------------------------------------------

ORDERS = [
    ("?orderById=ASC", [1, 2, 3, 5, 6, 7, 8]),
    ("?orderById=DESC", [8, 7, 6, 5, 3, 2, 1]),
    # Date, then the id in the date's direction.
    ("?orderByDate=ASC", [7, 5, 2, 3, 1, 6, 8]),
    ("?orderByDate=DESC", [8, 6, 1, 3, 2, 5, 7]),
    ("?orderByDate=DESC&orderById=ASC", [8, 1, 6, 3, 2, 5, 7]),
    ("?orderByCreated=ASC", [1, 2, 3, 5, 6, 7, 8]),
    ("?orderByCreated=DESC", [8, 7, 6, 5, 3, 2, 1]),
    ("?orderByVersion=DESC", [6, 3, 2, 8, 7, 5, 1]),
    ("?orderByVersion=ASC", [1, 5, 7, 8, 2, 3, 6]),
    # Date first, then version.
    ("?orderByVersion=DESC&orderByDate=ASC", [7, 5, 2, 3, 6, 1, 8]),
]


@pytest.mark.parametrize(("query", "expected"), ORDERS, ids=[q for q, _e in ORDERS])
def test_each_ordering(client: TestClient, books: Books, query: str, expected: list[int]) -> None:
    assert ids(client, books, query) == expected


@pytest.mark.parametrize(("query", "expected"), ORDERS, ids=[q for q, _e in ORDERS])
def test_previous_id_continues_in_every_ordering(
    client: TestClient, books: Books, query: str, expected: list[int]
) -> None:
    walked: list[int] = []
    previous = 0
    while True:
        page = ids(client, books, f"{query}&size=3&previousId={previous}")
        if not page:
            break
        walked += page
        previous = page[-1]
    assert walked == expected


def test_page_numbers(client: TestClient, books: Books) -> None:
    pages = [client.get(f"/api/invoices?size=3&page={n}", headers=books.tenant.headers).json() for n in range(4)]
    assert [[r["id"] for r in p["results"]] for p in pages] == [[8, 7, 6], [5, 3, 2], [1], []]
    assert [p["meta"] for p in pages[2:]] == [
        {"pageNumber": 2, "pageSize": 3, "resultCount": 1, "totalCount": 7},
        {"pageNumber": 3, "pageSize": 3, "resultCount": 0, "totalCount": 7},
    ]
    # Both styles together: the page counts from after previousId.
    assert ids(client, books, "?size=2&previousId=7&page=1") == [3, 2]


def test_previous_id_of_an_unknown_or_unlisted_invoice_in_a_value_order_is_404(
    client: TestClient, books: Books
) -> None:
    answer = client.get("/api/invoices?orderByDate=ASC&previousId=999", headers=books.tenant.headers)
    assert (answer.status_code, errors(answer)) == (404, [(404, "previousId", "NOT_FOUND")])
    # 3 is a purchase invoice: not of the types listed, so no position among them.
    answer = client.get("/api/invoices?orderByDate=ASC&previousId=3&types=SALES_INVOICE", headers=books.tenant.headers)
    assert (answer.status_code, errors(answer)) == (404, [(404, "previousId", "NOT_FOUND")])
    # By id alone, any id is a position.
    assert ids(client, books, "?previousId=999") == [8, 7, 6, 5, 3, 2, 1]
    assert ids(client, books, "?previousId=4&orderById=ASC") == [5, 6, 7, 8]


BAD = [
    ("?status=READY", [(400, "status", "INVALID_ENUM_VALUE")]),
    ("?types=SALARY", [(400, "types", "INVALID_ENUM_VALUE")]),
    ("?invoiceChannel=FAX", [(400, "invoiceChannel", "INVALID_ENUM_VALUE")]),
    ("?productId=abc", [(400, "productId", "INVALID_VALUE")]),
    ("?productId=" + ",".join(str(n) for n in range(1, 202)), [(400, "productId", "TOO_MANY_IDS")]),
    ("?size=0", [(400, "size", "INVALID_PAGE_SIZE")]),
    ("?size=201", [(400, "size", "INVALID_PAGE_SIZE")]),
    ("?page=-1", [(400, "page", "INVALID_PAGE_NUMBER")]),
    ("?orderById=UP", [(400, "orderById", "INVALID_ENUM_VALUE")]),
    ("?startDate=2026-13-01", [(400, "startDate", "INVALID_DATE")]),
]


@pytest.mark.parametrize(("query", "expected"), BAD, ids=[q[:40] for q, _e in BAD])
def test_bad_parameters_are_refused_at_their_field(
    client: TestClient, books: Books, query: str, expected: list[tuple[int, str, str]]
) -> None:
    answer = client.get(f"/api/invoices{query}", headers=books.tenant.headers)
    assert (answer.status_code, errors(answer)) == (400, expected)


def test_version_ranges_follow_writes(client: TestClient, tenant: Tenant) -> None:
    """A PUT moves an invoice into `versionStartDate=` a moment taken before it."""
    first = post_invoice(client, tenant)
    post_invoice(client, tenant)
    before = clock.now().isoformat().replace("+00:00", "Z")
    assert ids_of(client, tenant, f"?versionStartDate={before}") == []
    body = sales_invoice_body(version=first["version"])
    assert client.put(f"/api/invoices/{first['id']}", json=body, headers=tenant.headers).status_code == 200
    assert ids_of(client, tenant, f"?versionStartDate={before}") == [first["id"]]
    assert ids_of(client, tenant, f"?versionEndDate={before}") == [first["id"] + 1]


def ids_of(client: TestClient, tenant: Tenant, query: str) -> list[int]:
    answer = client.get(f"/api/invoices{query}", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    return [r["id"] for r in answer.json()["results"]]
