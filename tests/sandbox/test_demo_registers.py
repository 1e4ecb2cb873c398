"""The sandbox's demo registers and invoices, read back through the API as an integrator sees them:
customers, suppliers and persons with valid identifiers, the user's own person entry, products in
groups, travel products, attachments that download byte for byte, and invoices in every status."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from requests_toolbelt.multipart import decoder
from schwifty import IBAN
from sqlalchemy.orm import Session, sessionmaker
from stdnum.fi import ytunnus

from tests.ledger.helpers import assert_books_balance
from tests.sandbox.helpers import sandbox_headers


@pytest.fixture(scope="module")
def headers(app: FastAPI, session_factory: sessionmaker[Session]) -> dict[str, str]:
    return sandbox_headers(app, session_factory, name="Rekisteri Oy")


def test_customers_and_suppliers_carry_valid_identifiers(client: TestClient, headers: dict[str, str]) -> None:
    found = {}
    for kind in ("CUSTOMER", "SUPPLIER"):
        page = client.get("/api/businesspartners", params={"type": kind, "size": 200}, headers=headers).json()
        found[kind] = [row["id"] for row in page["results"]]
    assert (len(found["CUSTOMER"]), len(found["SUPPLIER"])) == (6, 4)
    partners = client.get(f"/api/businesspartners/{','.join(map(str, found['CUSTOMER'] + found['SUPPLIER']))}",
                          headers=headers).json()  # fmt: skip
    finnish = [p for p in partners if p["invoicingInfo"]["identifierType"] == "FI"]
    assert len(finnish) == 9
    assert all(ytunnus.is_valid(p["invoicingInfo"]["identifier"]) for p in finnish)
    channels = {p["invoicingInfo"].get("invoiceChannel") for p in partners if p["type"] == "CUSTOMER"}
    assert {"ELECTRONIC_INVOICE", "EMAIL", "MAIL"} <= channels
    suppliers = [p for p in partners if p["type"] == "SUPPLIER"]
    assert all(IBAN(p["paymentInfo"]["bankAccount"]).bic == p["paymentInfo"]["bic"] for p in suppliers)


def test_persons_and_the_users_own_entry(client: TestClient, headers: dict[str, str]) -> None:
    persons = client.get("/api/persons", headers=headers).json()
    assert sorted(p["lastName"] for p in persons["results"]) == ["Korhonen", "Nieminen", "Sandbox"]
    own = client.get("/api/businesspartners/personaldetails", headers=headers)
    assert own.status_code == 200, own.text
    assert (own.json()["firstName"], own.json()["lastName"]) == ("Sanna", "Sandbox")


def test_products_in_groups_and_travel_products(client: TestClient, headers: dict[str, str]) -> None:
    products = client.get("/api/products", params={"size": 200}, headers=headers).json()["results"]
    assert len(products) == 10
    assert all(p["productGroupId"] for p in products)
    assert {p["vat"] for p in products} == {25.5, 13.5}
    travel = client.get("/api/products", params={"type": "TRAVEL"}, headers=headers).json()["results"]
    assert sorted(p["code"] for p in travel) == ["TR-KM", "TR-KPR", "TR-OPR"]
    groups = client.get("/api/products/groups", headers=headers).json()["productGroups"]
    assert sorted(g["name"] for g in groups) == ["Hankinnat", "Palvelut", "Tuotteet"]


def test_attachments_download_byte_for_byte(client: TestClient, headers: dict[str, str]) -> None:
    documents = client.get("/api/attachments", headers=headers).json()["results"]
    assert sorted(d["name"] for d in documents) == ["Hinnasto.txt", "Kuitti.pdf", "Puitesopimus 2026.pdf"]
    for document in documents:
        answer = client.get(f"/api/attachments/{document['attachmentId']}", headers=headers)
        assert answer.status_code == 200, answer.text
        meta, content = decoder.MultipartDecoder(answer.content, answer.headers["content-type"]).parts
        assert json.loads(meta.content)["name"] == document["name"]
        assert len(content.content) == document["size"]
        if document["name"].endswith(".pdf"):
            assert content.content.startswith(b"%PDF-1.4") and content.content.rstrip().endswith(b"%%EOF")


def test_demo_invoices_in_every_status(
    app: FastAPI, client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    # A sandbox of its own: another test of this worker writing the due payment files would move
    # a module-wide sandbox's PAYMENT_QUEUED invoice on to PAYMENT_SENT_TO_BANK.
    headers = sandbox_headers(app, session_factory, name="Tila Oy")
    statuses = {
        kind: sorted(
            i["status"]
            for i in client.get("/api/invoices", params={"types": kind, "size": 200}, headers=headers).json()["results"]
        )
        for kind in ("SALES_INVOICE", "PURCHASE_INVOICE", "TRAVEL_INVOICE", "BILL_OF_CHARGES")
    }
    assert statuses == {
        # PAID, the second PARTLY_PAID and PAYMENT_QUEUED: the banking demo's reference payments and payment.
        "SALES_INVOICE": [
            "INVALIDATED",
            "MARKED_PAID",
            "NOT_SENT",
            "PAID",
            "PARTLY_PAID",
            "PARTLY_PAID",
            "SENT",
            "UNFINISHED",
        ],
        "PURCHASE_INVOICE": ["APPROVED", "PAYMENT_QUEUED", "RECEIVED", "VERIFIED"],
        "TRAVEL_INVOICE": ["RECEIVED"],
        "BILL_OF_CHARGES": ["UNFINISHED"],
    }
    company_id = client.get("/api/sessioninfo", headers=headers).json()["companyId"]
    with session_factory() as session:
        assert_books_balance(session, company_id)  # every receipt sums to zero, so does the trial balance
