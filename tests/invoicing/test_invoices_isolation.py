"""Tenancy of the invoice core: another company's invoice, partner and product ids are 404 (or
not found in a body) on every endpoint of this module, and nothing of theirs changes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.products import service as products_service
from kirjuri.products.rules import ProductDraft
from tests.factories import Tenant
from tests.invoicing.helpers import (
    body_of,
    errors,
    invoice_row,
    post_invoice,
    purchase_invoice_body,
    sales_invoice_body,
)
from tests.partners.partner_helpers import add_partner

NOT_FOUND = [(404, "invoiceId", "NOT_FOUND")]


def snapshot(client: TestClient, tenant: Tenant) -> list[dict[str, Any]]:
    answer = client.get("/api/invoices?orderById=ASC", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    ids = ",".join(str(r["id"]) for r in answer.json()["results"])
    full = client.get(f"/api/invoices/{ids},", headers=tenant.headers)
    assert full.status_code == 200, full.text
    result: list[dict[str, Any]] = full.json()
    return result


def test_another_companys_invoices_do_not_exist(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    theirs = [post_invoice(client, other_tenant), post_invoice(client, other_tenant, purchase_invoice_body())]
    before = snapshot(client, other_tenant)
    mine = post_invoice(client, tenant)  # so that ids of both companies exist on both sides
    for invoice in theirs[1:]:
        answer = client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers)
        assert (answer.status_code, errors(answer)) == (404, NOT_FOUND)
        answer = client.put(
            f"/api/invoices/{invoice['id']}",
            json=body_of(invoice["type"], version=invoice["version"]),
            headers=tenant.headers,
        )
        assert (answer.status_code, errors(answer)) == (404, NOT_FOUND)
    # A batch shows only this company's own invoice of the ids.
    both = client.get(f"/api/invoices/{theirs[0]['id']},{theirs[1]['id']}", headers=tenant.headers)
    assert both.json() == [client.get(f"/api/invoices/{mine['id']}", headers=tenant.headers).json()]
    assert [r["id"] for r in client.get("/api/invoices", headers=tenant.headers).json()["results"]] == [mine["id"]]
    # Their ids as keyset anchors of a value order are unknown here.
    answer = client.get(f"/api/invoices?orderByDate=ASC&previousId={theirs[1]['id']}", headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (404, [(404, "previousId", "NOT_FOUND")])
    assert snapshot(client, other_tenant) == before


def test_a_put_of_my_id_leaves_their_invoice_of_the_same_id_alone(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = post_invoice(client, other_tenant)
    mine = post_invoice(client, tenant)
    assert mine["id"] == theirs["id"]  # ids are per company
    body = sales_invoice_body(version=mine["version"], additionalInformation="oma muutos")
    assert client.put(f"/api/invoices/{mine['id']}", json=body, headers=tenant.headers).status_code == 200
    assert client.get(f"/api/invoices/{theirs['id']}", headers=other_tenant.headers).json() == theirs


def test_another_companys_partners_and_products_are_not_found_in_a_body(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        for _ in range(2):
            partner_id = add_partner(session, other_tenant.company_id, "CUSTOMER")
            product_id = products_service.create_product(
                session,
                company_id=other_tenant.company_id,
                draft=ProductDraft(type="SALES", name="Heidän", price=Decimal(1), discount=Decimal(0), currency="EUR"),
            ).id
        session.commit()
    body = sales_invoice_body(partnerId=partner_id, invoiceRows=[invoice_row(productId=product_id)])
    answer = client.post("/api/invoices", json=body, headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (
        400,
        [(400, "partnerId", "PARTNER_NOT_FOUND"), (400, "invoiceRows[0].productId", "PRODUCT_NOT_FOUND")],
    )
    # Filters by their ids find nothing here.
    post_invoice(client, tenant)
    for query in (f"?businessPartnerId={partner_id}", f"?productId={product_id}"):
        answer = client.get(f"/api/invoices{query}", headers=tenant.headers)
        assert answer.status_code == 200 and answer.json()["results"] == []


def test_their_receipts_stay_theirs(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    theirs = post_invoice(client, other_tenant)
    post_invoice(client, other_tenant)
    answer = client.get(f"/api/ledgerreceipts/{theirs['ledgerReceiptId'] + 1}", headers=tenant.headers)
    assert answer.status_code == 404
    mine = post_invoice(client, tenant)
    receipt = client.get(f"/api/ledgerreceipts/{mine['ledgerReceiptId']}", headers=tenant.headers).json()
    assert (receipt["invoiceId"], receipt["type"]) == (mine["id"], "SALES_INVOICE")
