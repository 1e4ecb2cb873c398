"""Every referenceType over HTTP: an existing owner is accepted (with its document type), a
missing one and another company's are 400 REFERENCE_NOT_FOUND, an owner of the wrong kind is
missing too, and the types Kirjuri has no resource for are 400 REFERENCE_TYPE_NOT_SUPPORTED.
Also: a ledger receipt shows the files attached to it and to its (hidden) invoice."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.attachments.models import Attachment
from tests.attachments.helpers import errors, make_partner, make_product, make_receipt, meta, post, upload
from tests.factories import Tenant

# referenceType → (builder of an owner in a company: its referenceId, the document type stored).
Builder = Callable[[Session, int], int]
OWNERS: dict[str, tuple[Builder, str]] = {
    "LEDGERRECEIPT": (lambda s, c: make_receipt(s, c).id, "JOURNAL"),
    "INVOICE": (lambda s, c: make_receipt(s, c).invoice_id or 0, "JOURNAL"),
    "CUSTOMER_BUSINESS_PARTNER_REGISTER": (make_partner, "CUSTOMER_BUSINESS_PARTNER_REGISTER"),
    "SUPPLIER_BUSINESS_PARTNER_REGISTER": (lambda s, c: make_partner(s, c, "SUPPLIER"),
                                           "SUPPLIER_BUSINESS_PARTNER_REGISTER"),
    "PERSON_BUSINESS_PARTNER_REGISTER": (lambda s, c: make_partner(s, c, "PERSON"), "PERSON_BUSINESS_PARTNER_REGISTER"),
    "SALES_PRODUCT_REGISTER": (lambda s, c: make_product(s, c, "SALES"), "SALES_PRODUCT_REGISTER"),
    "PURCHASE_PRODUCT_REGISTER": (lambda s, c: make_product(s, c, "PURCHASE"), "PURCHASE_PRODUCT_REGISTER"),
    "ENVIRONMENT": (lambda _s, c: c, "ENVIRONMENT"),
}  # fmt: skip
# An owner of the wrong kind under each type (a supplier is no customer, a purchase product no sales one).
WRONG_KIND: dict[str, Builder] = {
    "CUSTOMER_BUSINESS_PARTNER_REGISTER": lambda s, c: make_partner(s, c, "SUPPLIER"),
    "SUPPLIER_BUSINESS_PARTNER_REGISTER": lambda s, c: make_partner(s, c, "PERSON"),
    "PERSON_BUSINESS_PARTNER_REGISTER": lambda s, c: make_partner(s, c, "CUSTOMER"),
    "SALES_PRODUCT_REGISTER": lambda s, c: make_product(s, c, "PURCHASE"),
    "PURCHASE_PRODUCT_REGISTER": lambda s, c: make_product(s, c, "SALES"),
}
UNSUPPORTED = ("EMPLOYEE_INFO", "FINANCIAL_STATEMENT", "NETS_COLLECTION", "COST_RECEIPT", "INVOICEDRAFT_ITEM")
NOT_FOUND = [(400, "meta.referenceId", "REFERENCE_NOT_FOUND")]


def _build(session_factory: sessionmaker[Session], builder: Builder, company_id: int) -> int:
    with session_factory() as session:
        reference_id = builder(session, company_id)
        session.commit()
        return reference_id


@pytest.mark.parametrize("reference_type", list(OWNERS))
def test_every_owner_type(
    *,
    client: TestClient,
    tenant: Tenant,
    other_tenant: Tenant,
    session_factory: sessionmaker[Session],
    db: Session,
    reference_type: str,
) -> None:
    builder, document_type = OWNERS[reference_type]
    mine = _build(session_factory, builder, tenant.company_id)
    created = upload(client, tenant, meta(reference_type, mine))
    assert (created["referenceType"], created["referenceId"]) == (reference_type, mine)
    row = db.get(Attachment, (tenant.company_id, created["id"]))
    assert row is not None and row.document_type == document_type

    # An id that exists only in the other company (ids are per company).
    theirs = _build(session_factory, builder, other_tenant.company_id)
    while theirs <= mine and reference_type != "ENVIRONMENT":
        theirs = _build(session_factory, builder, other_tenant.company_id)
    answer = post(client, tenant, meta(reference_type, theirs))
    assert (answer.status_code, errors(answer)) == (400, NOT_FOUND)
    answer = post(client, tenant, meta(reference_type, 2_000_000_000))
    assert (answer.status_code, errors(answer)) == (400, NOT_FOUND)
    if reference_type in WRONG_KIND:
        wrong = _build(session_factory, WRONG_KIND[reference_type], tenant.company_id)
        answer = post(client, tenant, meta(reference_type, wrong))
        assert (answer.status_code, errors(answer)) == (400, NOT_FOUND)


@pytest.mark.parametrize("reference_type", UNSUPPORTED)
def test_types_without_a_resource_are_refused(client: TestClient, tenant: Tenant, reference_type: str) -> None:
    answer = post(client, tenant, meta(reference_type, 1))
    assert (answer.status_code, errors(answer)) == (400, [(400, "meta.referenceType", "REFERENCE_TYPE_NOT_SUPPORTED")])


def test_invoice_owner_of_an_invoice_receipt_has_its_type(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], db: Session
) -> None:
    invoice_id = _build(
        session_factory, lambda s, c: make_receipt(s, c, "SALES_INVOICE").invoice_id or 0, tenant.company_id
    )
    created = upload(client, tenant, meta("INVOICE", invoice_id))
    row = db.get(Attachment, (tenant.company_id, created["id"]))
    assert row is not None and row.document_type == "SALES_INVOICE"


def test_a_receipt_shows_its_attachments(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        receipt = make_receipt(session, tenant.company_id)
        other = make_receipt(session, tenant.company_id)
        session.commit()
        receipt_id, invoice_id, other_id = receipt.id, receipt.invoice_id or 0, other.id
    url = f"/api/ledgerreceipts/{receipt_id}"
    assert "attachments" not in client.get(url, headers=tenant.headers).json()

    on_invoice = upload(client, tenant, meta("INVOICE", invoice_id, "lasku.pdf"))
    on_receipt = upload(client, tenant, meta("LEDGERRECEIPT", receipt_id, "kuitti.txt", sendWithInvoice=True))
    upload(client, tenant, meta("LEDGERRECEIPT", other_id, "muu.txt"))
    got = client.get(url, headers=tenant.headers).json()
    assert got["attachments"] == [on_invoice, on_receipt]

    several = client.get(f"/api/ledgerreceipts/{receipt_id},{other_id}", headers=tenant.headers).json()
    assert [[a["name"] for a in r.get("attachments", [])] for r in several] == [
        ["lasku.pdf", "kuitti.txt"],
        ["muu.txt"],
    ]

    client.delete(f"/api/attachments/{on_invoice['id']}", headers=tenant.headers)
    assert client.get(url, headers=tenant.headers).json()["attachments"] == [on_receipt]
