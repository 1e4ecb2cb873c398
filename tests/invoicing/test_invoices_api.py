"""Invoices over HTTP (§D.13): the §D.13.6 example posted and read back, every write rule of
§D.13.4 with its code and field, the batch GET, PUT with its version and status rules, the rights
of each invoice type, and the PyPI `procountor` client against a live server."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.invoicing.models import Invoice, InvoiceEvent, InvoiceRow
from kirjuri.ledger.models import LedgerReceipt
from tests.attachments.helpers import PDF, meta, upload
from tests.attachments.helpers import post as post_attachment
from tests.factories import Tenant, make_tenant
from tests.invoicing.helpers import (
    DROP,
    IBAN,
    OTHER_IBAN,
    THIS_YEAR,
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
from tests.live import live_server, procountor_client, procountor_host
from tests.partners.partner_helpers import add_partner, member_headers, rights

__all__ = ["live_server", "procountor_host"]  # the module's server fixtures

WRITABLE = ("SALES_INVOICE", "SALES_ORDER", "PURCHASE_INVOICE", "PURCHASE_ORDER", "TRAVEL_INVOICE", "BILL_OF_CHARGES")


@pytest.fixture(scope="module")
def shared(session_factory: sessionmaker[Session], settings: Settings) -> Tenant:
    """One company for the validation tables (a refused request writes nothing)."""
    return make_tenant(session_factory, settings, name="Validointi Oy")


def count_invoices(session_factory: sessionmaker[Session], company_id: int) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(Invoice).where(Invoice.company_id == company_id)) or 0


def set_status(session_factory: sessionmaker[Session], company_id: int, invoice_id: int, status: str) -> None:
    """Arrange a status the lifecycle endpoints (another module) would reach."""
    with session_factory() as session:
        session.execute(
            update(Invoice).where(Invoice.company_id == company_id, Invoice.id == invoice_id).values(status=status)
        )
        session.commit()


# --- the §D.13.6 example ------------------------------------------------------------------------


def test_the_example_posts_and_reads_back(client: TestClient, tenant: Tenant) -> None:
    answer = client.post("/api/invoices", json=sales_invoice_body(), headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    created = answer.json()
    version = created.pop("version")
    address = {
        "name": "Esimerkki Oy",
        "street": "Kauppakatu 3",
        "zip": "00100",
        "city": "Helsinki",
        "country": "FINLAND",
    }
    assert created == {
        "id": 1,
        "type": "SALES_INVOICE",
        "status": "UNFINISHED",
        "date": day(5, 4),
        "counterParty": {"customerNumber": "C-1007", "email": "ap@example.fi", "counterPartyAddress": address},
        "billingAddress": address,
        "deliveryAddress": address,
        "paymentInfo": {
            "paymentMethod": "BANK_TRANSFER",
            "currency": "EUR",
            "bankAccount": {"accountNumber": IBAN},
            "dueDate": day(5, 18),
            "currencyRate": 1,
            "bankReferenceCode": "1012",
            "bankReferenceCodeType": "FI",
        },
        "extraInfo": {"accountingByRow": False, "unitPricesIncludeVat": False},
        "discountPercent": 0,
        "invoiceRows": [
            {
                "id": 1,
                "product": "Consulting, April",
                "quantity": 12.5,
                "unit": "HOUR",
                "unitPrice": 95,
                "discountPercent": 0,
                "vatPercent": 25.5,
            }
        ],
        "invoiceNumber": 1,
        "vatStatus": 1,
        "invoiceChannel": "EMAIL",
        "language": "FINNISH",
        "ledgerReceiptId": 1,
        "invoiceSumInfo": [
            {
                "currency": "EUR",
                "inAccountingCurrency": True,
                "excludingVatTotal": 1187.5,
                "vatSumTotal": 302.81,
                "invoiceSumTotal": 1490.31,
            }
        ],
        "creatorId": tenant.user_id,
    }
    assert answer.headers["ETag"].startswith('W/"')
    read = client.get("/api/invoices/1", headers=tenant.headers)
    assert read.status_code == 200, read.text
    assert read.json() == {**created, "version": version}
    assert read.headers["ETag"] == answer.headers["ETag"]


@pytest.mark.parametrize("invoice_type", WRITABLE)
def test_every_writable_type_is_created_unfinished_and_read_back(
    client: TestClient, tenant: Tenant, invoice_type: str
) -> None:
    created = post_invoice(client, tenant, body_of(invoice_type))
    assert (created["type"], created["status"], created["invoiceNumber"]) == (invoice_type, "UNFINISHED", 1)
    booked = invoice_type in ("SALES_INVOICE", "PURCHASE_INVOICE", "TRAVEL_INVOICE", "BILL_OF_CHARGES")
    assert ("ledgerReceiptId" in created) is booked
    assert client.get(f"/api/invoices/{created['id']}", headers=tenant.headers).json() == created


def test_server_fields_sent_by_the_client_are_ignored(client: TestClient, tenant: Tenant) -> None:
    body = sales_invoice_body(
        id=777,
        status="PAID",
        invoiceNumber=555,
        ledgerReceiptId=99,
        paymentDate=day(6, 1),
        creatorId=12345,
        sum=10,
        invoiceSumInfo=[{"currency": "EUR", "invoiceSumTotal": 1}],
        version="2020-01-01T00:00:00Z",
    )
    body["invoiceRows"][0]["id"] = 4242
    created = post_invoice(client, tenant, body)
    assert (created["id"], created["status"], created["invoiceNumber"]) == (1, "UNFINISHED", 1)
    assert (created["ledgerReceiptId"], created["creatorId"], created["invoiceRows"][0]["id"]) == (1, tenant.user_id, 1)
    assert "paymentDate" not in created and "sum" not in created
    assert created["invoiceSumInfo"][0]["invoiceSumTotal"] == 1490.31
    assert created["version"] != "2020-01-01T00:00:00Z"


def test_addresses_default_to_the_counterparty_and_empty_means_none(client: TestClient, tenant: Tenant) -> None:
    empty = post_invoice(client, tenant, sales_invoice_body(billingAddress={}, deliveryAddress={}))
    assert (empty["billingAddress"], empty["deliveryAddress"]) == ({}, {})
    given = {"name": "Laskutus", "street": "Postikatu 1", "zip": "00200", "city": "Espoo"}
    own = post_invoice(client, tenant, sales_invoice_body(billingAddress=given))
    assert own["billingAddress"] == given
    assert own["deliveryAddress"] == sales_invoice_body()["counterParty"]["counterPartyAddress"]
    # A travel claim has neither; a purchase invoice gets the delivery address only.
    travel = post_invoice(client, tenant, travel_invoice_body())
    assert "billingAddress" not in travel and "deliveryAddress" not in travel
    purchase = post_invoice(client, tenant, purchase_invoice_body())
    assert "billingAddress" not in purchase
    assert purchase["deliveryAddress"] == {"name": "Toimittaja Oy", "country": "FINLAND"}


def test_language_is_kept_for_sales_types_only_and_is_offer_for_sales_orders(
    client: TestClient, tenant: Tenant
) -> None:
    purchase = post_invoice(client, tenant, purchase_invoice_body(language="ENGLISH", isOffer=True))
    assert "language" not in purchase and "isOffer" not in purchase
    offer = post_invoice(client, tenant, sales_order_body(isOffer=True))
    order = post_invoice(client, tenant, sales_order_body())
    assert (offer["isOffer"], offer["language"], order["isOffer"]) == (True, "FINNISH", False)


def test_rows_come_back_in_the_order_given_with_their_texts(client: TestClient, tenant: Tenant) -> None:
    rows = [invoice_row(product=f"Rivi {n}", quantity=n, unitPrice=10, comment=f"kommentti {n}") for n in (3, 1, 2)]
    rows[0].update(startDate=day(4, 1), endDate=day(4, 30), headerText="Otsikko", explanationText="Selitys")
    created = post_invoice(client, tenant, sales_invoice_body(invoiceRows=rows))
    assert [r["product"] for r in created["invoiceRows"]] == ["Rivi 3", "Rivi 1", "Rivi 2"]
    first = created["invoiceRows"][0]
    assert (first["startDate"], first["endDate"], first["headerText"], first["explanationText"]) == (
        day(4, 1),
        day(4, 30),
        "Otsikko",
        "Selitys",
    )
    assert [r["comment"] for r in created["invoiceRows"]] == ["kommentti 3", "kommentti 1", "kommentti 2"]


def test_the_create_is_audited(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    created = post_invoice(client, tenant)
    with session_factory() as session:
        trail = session.scalars(
            select(InvoiceEvent).where(
                InvoiceEvent.company_id == tenant.company_id, InvoiceEvent.invoice_id == created["id"]
            )
        ).all()
        assert [(e.action, e.actor, e.user_id) for e in trail] == [("CREATED", "Testi Käyttäjä", tenant.user_id)]


# --- write rules (§D.13.4) ------------------------------------------------------------------------

LONG_AGO = date(THIS_YEAR - 3, 3, 1).isoformat()

RULES: list[tuple[str, dict[str, Any], list[tuple[int, str | None, str]]]] = [
    ("type missing", {"type": DROP}, [(400, "type", "REQUIRED")]),
    ("periodic tax return", {"type": "PERIODIC_TAX_RETURN"}, [(400, "type", "READ_ONLY_VALUE")]),
    ("date missing", {"date": DROP}, [(400, "date", "REQUIRED")]),
    ("counterparty name", {"counterParty.counterPartyAddress.name": DROP},
     [(400, "counterParty.counterPartyAddress.name", "REQUIRED")]),
    ("payment method missing", {"paymentInfo.paymentMethod": DROP}, [(400, "paymentInfo.paymentMethod", "REQUIRED")]),
    ("currency missing", {"paymentInfo.currency": DROP}, [(400, "paymentInfo.currency", "REQUIRED")]),
    ("due date missing", {"paymentInfo.dueDate": DROP}, [(400, "paymentInfo.dueDate", "REQUIRED")]),
    ("rate missing", {"paymentInfo.currencyRate": DROP}, [(400, "paymentInfo.currencyRate", "REQUIRED")]),
    ("rate zero", {"paymentInfo.currencyRate": 0}, [(400, "paymentInfo.currencyRate", "OUT_OF_RANGE")]),
    ("rate decimals", {"paymentInfo.currencyRate": 1.00000000001},
     [(400, "paymentInfo.currencyRate", "TOO_MANY_DECIMALS")]),
    ("extra info", {"extraInfo.accountingByRow": DROP}, [(400, "extraInfo.accountingByRow", "REQUIRED")]),
    ("discount missing", {"discountPercent": DROP}, [(400, "discountPercent", "REQUIRED")]),
    ("discount over 100", {"discountPercent": 101}, [(400, "discountPercent", "OUT_OF_RANGE")]),
    ("rows missing", {"invoiceRows": DROP}, [(400, "invoiceRows", "REQUIRED")]),
    ("no rows", {"invoiceRows": []}, [(400, "invoiceRows", "INVOICE_ROWS_REQUIRED")]),
    ("row product", {"invoiceRows.0.product": DROP}, [(400, "invoiceRows[0].product", "REQUIRED")]),
    ("row unit", {"invoiceRows.0.unit": DROP}, [(400, "invoiceRows[0].unit", "REQUIRED")]),
    ("row vat percent", {"invoiceRows.0.vatPercent": DROP}, [(400, "invoiceRows[0].vatPercent", "REQUIRED")]),
    ("row discount", {"invoiceRows.0.discountPercent": 150}, [(400, "invoiceRows[0].discountPercent", "OUT_OF_RANGE")]),
    ("quantity decimals", {"invoiceRows.0.quantity": 1.0000001},
     [(400, "invoiceRows[0].quantity", "TOO_MANY_DECIMALS")]),
    ("row amount", {"invoiceRows.0.unitPrice": 99999999999},
     [(400, "invoiceRows[0].unitPrice", "OUT_OF_RANGE")]),
    ("not a rate", {"invoiceRows.0.vatPercent": 24}, [(400, "invoiceRows[0].vatStatus", "ERROR_VATSTATUS_VATPERC")]),
    ("row status", {"invoiceRows.0.vatStatus": 5}, [(400, "invoiceRows[0].vatStatus", "ERROR_VATSTATUS_VATPERC")]),
    ("channel missing", {"invoiceChannel": DROP}, [(400, "invoiceChannel", "REQUIRED")]),
    ("vat status missing", {"vatStatus": DROP}, [(400, "vatStatus", "REQUIRED")]),
    ("vat status unknown", {"vatStatus": 99}, [(400, "vatStatus", "INVALID_VAT_STATUS")]),
    ("language missing", {"language": DROP}, [(400, "language", "REQUIRED")]),
    ("EDIFACT", {"invoiceChannel": "EDIFACT"}, [(400, "invoiceChannel", "READ_ONLY_VALUE")]),
    ("PAPER_INVOICE", {"invoiceChannel": "PAPER_INVOICE"}, [(400, "invoiceChannel", "READ_ONLY_VALUE")]),
    ("EMAIL without e-mail", {"counterParty.email": DROP}, [(400, "counterParty.email", "REQUIRED")]),
    ("bad e-mail", {"counterParty.email": "not an address"}, [(400, "counterParty.email", "INVALID_EMAIL")]),
    ("bcc", {"counterParty.bccAddresses": ["ok@example.fi", "ap@example.fi", "nope"]},
     [(400, "counterParty.bccAddresses[1]", "INVALID_EMAIL"), (400, "counterParty.bccAddresses[2]", "INVALID_EMAIL")]),
    ("MAIL without street", {"invoiceChannel": "MAIL", "counterParty.counterPartyAddress.street": DROP},
     [(400, "counterParty.counterPartyAddress.street", "REQUIRED")]),
    ("MAIL to an empty billing address", {"invoiceChannel": "MAIL", "billingAddress": {"name": "X"},
                                          "counterParty.counterPartyAddress.city": DROP},
     [(400, "billingAddress.street", "REQUIRED"), (400, "billingAddress.zip", "REQUIRED"),
      (400, "billingAddress.city", "REQUIRED")]),
    ("e-invoice", {"invoiceChannel": "ELECTRONIC_INVOICE"},
     [(400, "counterParty.einvoiceAddress.address", "REQUIRED"),
      (400, "counterParty.einvoiceAddress.operator", "REQUIRED")]),
    ("DIRECT_DEBIT", {"paymentInfo.paymentMethod": "DIRECT_DEBIT"},
     [(400, "paymentInfo.paymentMethod", "INVALID_ENUM_VALUE")]),
    ("DKLMPKRE", {"paymentInfo.paymentMethod": "DKLMPKRE"}, [(400, "paymentInfo.paymentMethod", "READ_ONLY_VALUE")]),
    ("no account", {"paymentInfo.bankAccount": DROP},
     [(400, "paymentInfo.bankAccount.accountNumber", "REQUIRED")]),
    ("bad IBAN", {"paymentInfo.bankAccount.accountNumber": "FI2112345600000786"},
     [(400, "paymentInfo.bankAccount.accountNumber", "INVALID_IBAN")]),
    ("cash and factoring", {"paymentInfo.paymentMethod": "CASH", "factoringContractId": 3},
     [(400, "factoringContractId", "FACTORING_NOT_ALLOWED_WITH_CASH")]),
    ("due before date", {"paymentInfo.dueDate": day(5, 3)}, [(400, None, "DUE_DATE_BEFORE_BILL_DATE")]),
    ("due too late", {"paymentInfo.dueDate": (date(THIS_YEAR, 5, 4) + timedelta(days=1000)).isoformat()},
     [(400, "paymentInfo.dueDate", "OUT_OF_RANGE")]),
    ("closed period", {"date": LONG_AGO, "paymentInfo.dueDate": LONG_AGO, "invoiceRows.0.vatPercent": 24},
     [(400, "date", "CLOSED_FISCAL_PERIOD")]),
    ("delivery OTHER", {"deliveryMethod": "OTHER"}, [(400, "deliveryMethod", "INVALID_ENUM_VALUE")]),
    ("partner unknown", {"partnerId": 9999}, [(400, "partnerId", "PARTNER_NOT_FOUND")]),
    ("product unknown", {"invoiceRows.0.productId": 9999}, [(400, "invoiceRows[0].productId", "PRODUCT_NOT_FOUND")]),
    ("reference check digit", {"paymentInfo.bankReferenceCode": "1013"},
     [(400, "paymentInfo.bankReferenceCode", "INVALID_REFERENCE")]),
    ("reference type", {"paymentInfo.bankReferenceCode": "1012", "paymentInfo.bankReferenceCodeType": "RF"},
     [(400, "paymentInfo.bankReferenceCode", "REFERENCE_TYPE_MISMATCH")]),
    ("unsupported type", {"paymentInfo.bankReferenceCodeType": "OCR"},
     [(400, "paymentInfo.bankReferenceCodeType", "UNSUPPORTED_REFERENCE_TYPE")]),
    ("every finding at once", {"vatStatus": 99, "language": DROP, "paymentInfo.dueDate": day(5, 1),
                               "invoiceRows.0.discountPercent": 150, "partnerId": 9999},
     [(400, "vatStatus", "INVALID_VAT_STATUS"), (400, "language", "REQUIRED"),
      (400, None, "DUE_DATE_BEFORE_BILL_DATE"), (400, "invoiceRows[0].discountPercent", "OUT_OF_RANGE"),
      (400, "partnerId", "PARTNER_NOT_FOUND")]),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "expected"), [(c, e) for _n, c, e in RULES], ids=[n for n, _c, _e in RULES])
def test_write_rules_answer_their_code_at_their_field(
    client: TestClient,
    shared: Tenant,
    session_factory: sessionmaker[Session],
    changes: dict[str, Any],
    expected: list[tuple[int, str | None, str]],
) -> None:
    before = count_invoices(session_factory, shared.company_id)
    answer = client.post("/api/invoices", json=variant(sales_invoice_body(), changes), headers=shared.headers)
    assert answer.status_code == 400, answer.text
    assert errors(answer) == expected
    assert count_invoices(session_factory, shared.company_id) == before


TYPE_RULES: list[tuple[str, str, dict[str, Any], list[tuple[int, str | None, str]]]] = [
    # vatStatus and language: not required for travel and expense claims, language ignored for purchases.
    ("travel without status", "TRAVEL_INVOICE", {"vatStatus": DROP, "language": DROP}, []),
    ("expense without status", "BILL_OF_CHARGES", {"vatStatus": DROP}, []),
    ("purchase without language", "PURCHASE_INVOICE", {"language": DROP}, []),
    ("purchase needs a status", "PURCHASE_INVOICE", {"vatStatus": DROP}, [(400, "vatStatus", "REQUIRED")]),
    ("order needs a language", "SALES_ORDER", {"language": DROP}, [(400, "language", "REQUIRED")]),
    # Sales-only statuses are not purchase statuses.
    ("export is a sales status", "PURCHASE_INVOICE", {"vatStatus": 7}, [(400, "vatStatus", "INVALID_VAT_STATUS")]),
    ("import is a purchase status", "SALES_INVOICE", {"vatStatus": 5}, [(400, "vatStatus", "INVALID_VAT_STATUS")]),
    # The e-mail is needed by the types sent by e-mail only.
    ("purchase order by e-mail", "PURCHASE_ORDER", {"invoiceChannel": "EMAIL"},
     [(400, "counterParty.email", "REQUIRED")]),
    ("purchase invoice by e-mail", "PURCHASE_INVOICE", {"invoiceChannel": "EMAIL"}, []),
    ("delivery OTHER on a purchase", "PURCHASE_INVOICE", {"deliveryMethod": "OTHER"}, []),
    # A purchase's "" reference is none (the reference is the biller's).
    ("purchase empty reference", "PURCHASE_INVOICE", {"paymentInfo.bankReferenceCode": ""}, []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("invoice_type", "changes", "expected"),
    [(t, c, e) for _n, t, c, e in TYPE_RULES],
    ids=[n for n, _t, _c, _e in TYPE_RULES],
)
def test_rules_that_depend_on_the_type(
    client: TestClient,
    shared: Tenant,
    invoice_type: str,
    changes: dict[str, Any],
    expected: list[tuple[int, str | None, str]],
) -> None:
    answer = client.post("/api/invoices", json=variant(body_of(invoice_type), changes), headers=shared.headers)
    if not expected:
        assert answer.status_code == 200, answer.text
        return
    assert answer.status_code == 400, answer.text
    assert errors(answer) == expected


def test_partners_must_be_of_the_types_register(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        customer = add_partner(session, tenant.company_id, "CUSTOMER")
        supplier = add_partner(session, tenant.company_id, "SUPPLIER")
        person = add_partner(session, tenant.company_id, "PERSON")
        session.commit()
    for invoice_type, good in (
        ("SALES_INVOICE", customer),
        ("SALES_ORDER", customer),
        ("PURCHASE_INVOICE", supplier),
        ("PURCHASE_ORDER", supplier),
        ("TRAVEL_INVOICE", person),
        ("BILL_OF_CHARGES", person),
    ):
        assert post_invoice(client, tenant, body_of(invoice_type, partnerId=good))["partnerId"] == good
        for wrong in {customer, supplier, person} - {good}:
            answer = client.post("/api/invoices", json=body_of(invoice_type, partnerId=wrong), headers=tenant.headers)
            assert (answer.status_code, errors(answer)) == (400, [(400, "partnerId", "PARTNER_NOT_FOUND")])


def test_products_must_exist_in_the_company(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    product = {"type": "SALES", "name": "Konsultointi", "unit": "HOUR", "price": 100, "discount": 0, "vat": 25.5,
               "currency": "EUR", "active": True}  # fmt: skip
    mine = client.post("/api/products", json=product, headers=tenant.headers)
    for _ in range(2):
        theirs = client.post("/api/products", json=product, headers=other_tenant.headers)
    assert mine.status_code == theirs.status_code == 200, (mine.text, theirs.text)
    # The other company's second product has an id this company has not used.
    assert theirs.json()["id"] != mine.json()["id"]
    rows = [invoice_row(productId=mine.json()["id"]), invoice_row(productId=theirs.json()["id"])]
    answer = client.post("/api/invoices", json=sales_invoice_body(invoiceRows=rows), headers=tenant.headers)
    assert errors(answer) == [(400, "invoiceRows[1].productId", "PRODUCT_NOT_FOUND")]
    created = post_invoice(client, tenant, sales_invoice_body(invoiceRows=rows[:1]))
    assert created["invoiceRows"][0]["productId"] == mine.json()["id"]


# --- batch GET ------------------------------------------------------------------------------------


def test_batch_get_answers_an_array_by_id_skipping_unknown_ids(client: TestClient, tenant: Tenant) -> None:
    first = post_invoice(client, tenant)
    second = post_invoice(client, tenant, purchase_invoice_body())
    answer = client.get(f"/api/invoices/{second['id']},99999,{first['id']},abc", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == [first, second]
    assert client.get("/api/invoices/99998,99999", headers=tenant.headers).status_code == 404
    single = client.get(f"/api/invoices/{first['id']},", headers=tenant.headers)
    assert single.status_code == 200 and single.json() == [first]
    too_many = ",".join(str(n) for n in range(1, 202))
    answer = client.get(f"/api/invoices/{too_many}", headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (400, [(400, "invoiceId", "TOO_MANY_IDS")])
    answer = client.get("/api/invoices/0", headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (404, [(404, "invoiceId", "NOT_FOUND")])


# --- PUT ------------------------------------------------------------------------------------------


def test_put_replaces_the_content_and_keeps_number_and_receipt(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    created = post_invoice(client, tenant)
    body = sales_invoice_body(
        version=created["version"],
        date=day(5, 6),
        invoiceRows=[invoice_row(product="Uusi", quantity=2, unitPrice=10), invoice_row(product="Toinen", vatPercent=0,
                                                                                        vatStatus=2, unitPrice=1)],
        additionalInformation="Kiitos",
    )  # fmt: skip
    answer = client.put(f"/api/invoices/{created['id']}", json=body, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    updated = answer.json()
    assert updated["version"] > created["version"]
    assert (updated["id"], updated["invoiceNumber"], updated["ledgerReceiptId"]) == (created["id"], 1, 1)
    assert (updated["date"], updated["additionalInformation"], updated["status"]) == (day(5, 6), "Kiitos", "UNFINISHED")
    assert [(r["product"], r["id"]) for r in updated["invoiceRows"]] == [("Uusi", 2), ("Toinen", 3)]
    assert updated["paymentInfo"]["bankReferenceCode"] == "1012"
    assert updated["invoiceSumInfo"][0] == {
        "currency": "EUR",
        "inAccountingCurrency": True,
        "excludingVatTotal": 32.5,
        "vatSumTotal": 5.1,
        "invoiceSumTotal": 37.6,
    }
    assert client.get(f"/api/invoices/{created['id']}", headers=tenant.headers).json() == updated
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(InvoiceRow).where(
            InvoiceRow.company_id == tenant.company_id)) == 2  # fmt: skip
        receipt = session.get(LedgerReceipt, (tenant.company_id, 1))
        assert receipt is not None and receipt.receipt_date == date(THIS_YEAR, 5, 6)
        actions = session.scalars(
            select(InvoiceEvent.action).where(InvoiceEvent.company_id == tenant.company_id).order_by(InvoiceEvent.id)
        ).all()
        assert actions == ["CREATED", "UPDATED"]


def test_put_needs_the_current_version(client: TestClient, tenant: Tenant) -> None:
    created = post_invoice(client, tenant)
    url = f"/api/invoices/{created['id']}"
    answer = client.put(url, json=sales_invoice_body(), headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (400, [(400, "version", "VERSION_REQUIRED")])
    answer = client.put(url, json=sales_invoice_body(version="2020-01-01T00:00:00Z"), headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (400, [(400, "version", "VERSION_CONFLICT")])
    stale = {**tenant.headers, "If-Match": 'W/"1"'}
    answer = client.put(url, json=sales_invoice_body(version=created["version"]), headers=stale)
    assert (answer.status_code, errors(answer)) == (412, [(412, "If-Match", "PRECONDITION_FAILED")])
    fresh = {**tenant.headers, "If-Match": client.get(url, headers=tenant.headers).headers["ETag"]}
    answer = client.put(url, json=sales_invoice_body(version=created["version"]), headers=fresh)
    assert answer.status_code == 200, answer.text
    replaced = answer.json()
    assert replaced["version"] != created["version"]
    # The version just replaced is stale now; nothing changes.
    answer = client.put(url, json=sales_invoice_body(version=created["version"], notes="x"), headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (400, [(400, "version", "VERSION_CONFLICT")])
    assert answer_json(client, tenant, url) == replaced


def answer_json(client: TestClient, tenant: Tenant, url: str) -> dict[str, Any]:
    result: dict[str, Any] = client.get(url, headers=tenant.headers).json()
    return result


@pytest.mark.parametrize(
    ("invoice_type", "status", "allowed"),
    [
        ("SALES_INVOICE", "UNFINISHED", True),
        ("SALES_INVOICE", "NOT_SENT", False),
        ("SALES_INVOICE", "SENT", False),
        ("SALES_ORDER", "INVOICED", False),
        ("PURCHASE_INVOICE", "RECEIVED", True),
        ("PURCHASE_INVOICE", "APPROVED", False),
        ("PURCHASE_ORDER", "RECEIVED", True),
        ("TRAVEL_INVOICE", "RECEIVED", True),
        ("BILL_OF_CHARGES", "VERIFIED", False),
        ("BILL_OF_CHARGES", "INVALIDATED", False),
    ],
)
def test_put_only_in_editable_statuses(
    *,
    client: TestClient,
    tenant: Tenant,
    session_factory: sessionmaker[Session],
    invoice_type: str,
    status: str,
    allowed: bool,
) -> None:
    created = post_invoice(client, tenant, body_of(invoice_type))
    set_status(session_factory, tenant.company_id, created["id"], status)
    version = client.get(f"/api/invoices/{created['id']}", headers=tenant.headers).json()["version"]
    body = body_of(invoice_type, version=version, additionalInformation="muutettu")
    answer = client.put(f"/api/invoices/{created['id']}", json=body, headers=tenant.headers)
    if allowed:
        assert answer.status_code == 200, answer.text
        assert (answer.json()["status"], answer.json()["additionalInformation"]) == (status, "muutettu")
    else:
        assert (answer.status_code, errors(answer)) == (403, [(403, None, "INVOICE_NOT_EDITABLE")])
        assert "additionalInformation" not in answer_json(client, tenant, f"/api/invoices/{created['id']}")


def test_put_keeps_type_partner_and_offer_flag(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        first, second = add_partner(session, tenant.company_id), add_partner(session, tenant.company_id)
        session.commit()
    created = post_invoice(client, tenant, sales_order_body(partnerId=first, isOffer=True))
    url = f"/api/invoices/{created['id']}"
    version = created["version"]
    cases = [
        ({"type": "SALES_INVOICE"}, [(400, "type", "INVOICE_TYPE_CANNOT_BE_CHANGED")]),
        ({"partnerId": second}, [(400, "partnerId", "PARTNER_CANNOT_BE_CHANGED")]),
        ({"isOffer": False}, [(400, "isOffer", "IS_OFFER_CANNOT_BE_CHANGED")]),
    ]
    for changes, expected in cases:
        body = sales_order_body(version=version, **{"partnerId": first, "isOffer": True, **changes})
        answer = client.put(url, json=body, headers=tenant.headers)
        assert (answer.status_code, errors(answer)) == (400, expected)
    # Left out, they keep their values.
    answer = client.put(url, json=sales_order_body(version=version), headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["partnerId"], answer.json()["isOffer"], answer.json()["type"]) == (first, True, "SALES_ORDER")


def test_put_runs_the_write_rules_and_writes_nothing_when_refused(client: TestClient, tenant: Tenant) -> None:
    created = post_invoice(client, tenant)
    url = f"/api/invoices/{created['id']}"
    body = variant(sales_invoice_body(version=created["version"]), {"vatStatus": 99, "invoiceRows": []})
    answer = client.put(url, json=body, headers=tenant.headers)
    assert errors(answer) == [(400, "vatStatus", "INVALID_VAT_STATUS"), (400, "invoiceRows", "INVOICE_ROWS_REQUIRED")]
    body = sales_invoice_body(version=created["version"], date=LONG_AGO, invoiceRows=[invoice_row(vatPercent=24)])
    body["paymentInfo"]["dueDate"] = LONG_AGO
    answer = client.put(url, json=body, headers=tenant.headers)
    assert errors(answer) == [(400, "date", "CLOSED_FISCAL_PERIOD")]
    assert answer_json(client, tenant, url) == created


def test_put_of_an_unknown_invoice_is_404(client: TestClient, tenant: Tenant) -> None:
    answer = client.put("/api/invoices/4711", json=sales_invoice_body(version=clock.now().isoformat()),
                        headers=tenant.headers)  # fmt: skip
    assert (answer.status_code, errors(answer)) == (404, [(404, "invoiceId", "NOT_FOUND")])


# --- rights ---------------------------------------------------------------------------------------


def test_rights_per_invoice_type(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    sales = post_invoice(client, tenant)
    purchase = post_invoice(client, tenant, purchase_invoice_body())
    travel = post_invoice(client, tenant, travel_invoice_body())
    searcher = member_headers(
        session_factory, settings, tenant.company_id, rights(sales_salesInvoiceSearch="VIEWING_RIGHTS")
    )
    # Reads: the sales invoice only; other types do not exist for this user.
    assert client.get(f"/api/invoices/{sales['id']}", headers=searcher).json() == sales
    for other in (purchase, travel):
        answer = client.get(f"/api/invoices/{other['id']}", headers=searcher)
        assert (answer.status_code, errors(answer)) == (404, [(404, "invoiceId", "NOT_FOUND")])
    ids = f"{sales['id']},{purchase['id']},{travel['id']}"
    assert client.get(f"/api/invoices/{ids}", headers=searcher).json() == [sales]
    listed = client.get("/api/invoices", headers=searcher).json()
    assert [r["id"] for r in listed["results"]] == [sales["id"]]
    answer = client.get("/api/invoices?types=PURCHASE_INVOICE", headers=searcher)
    assert (answer.status_code, errors(answer)) == (403, [(403, None, "INSUFFICIENT_RIGHTS")])
    # Writes: none at all with a search right.
    answer = client.post("/api/invoices", json=sales_invoice_body(), headers=searcher)
    assert (answer.status_code, errors(answer)) == (403, [(403, None, "INSUFFICIENT_RIGHTS")])
    answer = client.put(f"/api/invoices/{sales['id']}", json=sales_invoice_body(version=sales["version"]),
                        headers=searcher)  # fmt: skip
    assert answer.status_code == 403

    purchaser = member_headers(
        session_factory, settings, tenant.company_id,
        rights(purchases_purchaseInvoices="ALL_RIGHTS", sales_salesInvoiceSearch="VIEWING_RIGHTS"),
    )  # fmt: skip
    assert client.post("/api/invoices", json=purchase_order_body(), headers=purchaser).status_code == 200
    answer = client.post("/api/invoices", json=sales_invoice_body(), headers=purchaser)
    assert (answer.status_code, errors(answer)) == (403, [(403, None, "INSUFFICIENT_RIGHTS")])
    answer = client.post("/api/invoices", json=expense_body(), headers=purchaser)
    assert answer.status_code == 403
    # A readable type it cannot write is 403; an unreadable one 404.
    answer = client.put(f"/api/invoices/{sales['id']}", json=sales_invoice_body(version=sales["version"]),
                        headers=purchaser)  # fmt: skip
    assert (answer.status_code, errors(answer)) == (403, [(403, None, "INSUFFICIENT_RIGHTS")])
    answer = client.put(f"/api/invoices/{travel['id']}", json=travel_invoice_body(version=travel["version"]),
                        headers=purchaser)  # fmt: skip
    assert (answer.status_code, errors(answer)) == (404, [(404, "invoiceId", "NOT_FOUND")])

    nobody = member_headers(session_factory, settings, tenant.company_id, rights())
    for answer in (
        client.get("/api/invoices", headers=nobody),
        client.get(f"/api/invoices/{sales['id']}", headers=nobody),
        client.post("/api/invoices", json=sales_invoice_body(), headers=nobody),
    ):
        assert (answer.status_code, errors(answer)) == (403, [(403, None, "INSUFFICIENT_RIGHTS")])


def test_viewing_rights_do_not_write(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session],
                                     settings: Settings) -> None:  # fmt: skip
    viewer = member_headers(
        session_factory, settings, tenant.company_id, rights(sales_salesOrGroupInvoices="VIEWING_RIGHTS")
    )
    sales = post_invoice(client, tenant)
    assert client.get(f"/api/invoices/{sales['id']}", headers=viewer).status_code == 200
    answer = client.post("/api/invoices", json=sales_invoice_body(), headers=viewer)
    assert (answer.status_code, errors(answer)) == (403, [(403, None, "INSUFFICIENT_RIGHTS")])


# --- the PyPI client ------------------------------------------------------------------------------


def test_the_procountor_client_posts_reads_and_lists_invoices(procountor_host: str, tenant: Tenant) -> None:
    client = procountor_client(tenant)
    posted = client.post_invoice(**sales_invoice_body())
    assert posted["status"] == 200, posted
    invoice_id = posted["content"]["id"]
    assert (posted["content"]["invoiceNumber"], posted["content"]["paymentInfo"]["bankReferenceCode"]) == (1, "1012")
    again = client.post_invoice(
        **purchase_invoice_body(
            paymentInfo={**purchase_invoice_body()["paymentInfo"], "bankAccount": {"accountNumber": OTHER_IBAN}}
        )
    )
    assert again["status"] == 200, again  # fmt: skip
    read = client.get_invoice(invoice_id)
    assert read["status"] == 200, read
    assert read["content"] == posted["content"]
    listed = client.get_invoices()
    assert listed["status"] == 200, listed
    assert [r["id"] for r in listed["content"]["results"]] == [again["content"]["id"], invoice_id]
    first_page = client.get_invoices(orderById="ASC", previousId=0, status="UNFINISHED", startDate=day(5, 1))
    assert [r["id"] for r in first_page["content"]["results"]] == [invoice_id, again["content"]["id"]]
    assert first_page["content"]["results"][0]["invoiceSumInfo"][0]["invoiceSumTotal"] == 1490.31


# --- attachments ----------------------------------------------------------------------------------


def test_files_attached_to_an_invoice_are_listed_on_it(client: TestClient, tenant: Tenant) -> None:
    invoice = post_invoice(client, tenant)
    order = post_invoice(client, tenant, sales_order_body(isOffer=True))
    on_invoice = upload(client, tenant, meta("INVOICE", invoice["id"], name="liite.pdf"), PDF)
    on_order = upload(client, tenant, meta("INVOICE", order["id"], name="tarjous.pdf"), PDF)
    shown = client.get(f"/api/invoices/{invoice['id']},{order['id']}", headers=tenant.headers).json()
    assert [[a["id"] for a in i["attachments"]] for i in shown] == [[on_invoice["id"]], [on_order["id"]]]
    assert shown[0]["attachments"][0]["name"] == "liite.pdf"
    answer = post_attachment(client, tenant, meta("INVOICE", 999))
    assert errors(answer) == [(400, "meta.referenceId", "REFERENCE_NOT_FOUND")]


@pytest.mark.parametrize("reference", ["", "1232", None])
def test_the_created_invoice_is_answered_as_it_is_read_back(
    client: TestClient, tenant: Tenant, reference: str | None
) -> None:
    """`POST /invoices` answers what a `GET` of it then gives — its number and a reference made
    from that number included (the answer is built before the numbers are taken, then given them)."""
    body = sales_invoice_body()
    if reference is None:
        body["paymentInfo"].pop("bankReferenceCode", None)
    else:
        body["paymentInfo"]["bankReferenceCode"] = reference
    created = post_invoice(client, tenant, body)
    read = client.get(f"/api/invoices/{created['id']}", headers=tenant.headers)
    assert read.status_code == 200
    assert created == read.json()
    assert created["invoiceNumber"] >= 1
    if reference == "":
        assert created["paymentInfo"]["bankReferenceCode"] not in ("", None)
