"""Issue 6 end to end, over HTTP with real bank files: a sent sales invoice is paid by a camt.054
reference payment (and another by the same payment as a KTL file), the invoice becomes PAID, the
books balance, and importing the same file again changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.invoicing.models import PaymentEvent
from tests.factories import Tenant
from tests.integration.bankfiles import Incoming, camt054, ktl
from tests.invoicing.helpers import post_invoice, sales_invoice_body
from tests.ledger.helpers import assert_books_balance

IBAN = "FI2112345600000785"


@pytest.fixture()
def bank_account(client: TestClient, tenant: Tenant) -> dict[str, Any]:
    body = {
        "iban": IBAN,
        "currency": "EUR",
        "ledgerAccount": "1910",
        "status": "ACTIVE",
        "defaultForInvoice": True,
        "defaultForPayment": True,
        "showAccountOnInvoice": True,
        "allowPayments": True,
        "allowForeignPayments": False,
    }
    answer = client.post("/api/bankaccounts", json=body, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def sent_invoice(client: TestClient, tenant: Tenant) -> dict[str, Any]:
    body = sales_invoice_body()
    body["paymentInfo"]["bankReferenceCode"] = ""  # the server generates a Finnish reference
    invoice = post_invoice(client, tenant, body)
    for verb in ("approve", "send"):
        answer = client.put(f"/api/invoices/{invoice['id']}/{verb}", json={}, headers=tenant.headers)
        assert answer.status_code == 200, (verb, answer.text)
    shown = client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers).json()
    assert shown["status"] == "SENT"
    return shown  # type: ignore[no-any-return]


def incoming(invoice: dict[str, Any], archive_id: str) -> Incoming:
    return Incoming(
        archive_id=archive_id,
        reference=invoice["paymentInfo"]["bankReferenceCode"],
        amount=Decimal(str(invoice["invoiceSumInfo"][0]["invoiceSumTotal"])),
        day=date.fromisoformat(invoice["date"]),
    )


def upload(client: TestClient, tenant: Tenant, data: bytes, name: str) -> dict[str, Any]:
    files = {"file": (name, data, "application/octet-stream")}
    answer = client.post("/api/kirjuri/bankstatements/import", files=files, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def payment_events(session_factory: sessionmaker[Session], company_id: int) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).where(PaymentEvent.company_id == company_id)) or 0


@pytest.mark.usefixtures("bank_account")
@pytest.mark.parametrize(("name", "writer"), [("viite.xml", camt054), ("viite.txt", ktl)])
def test_a_reference_payment_file_pays_the_sent_invoice_once(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], name: str, writer: Any
) -> None:
    invoice = sent_invoice(client, tenant)
    data = writer(IBAN, [incoming(invoice, "E2E0000000000001")])
    first = upload(client, tenant, data, name)
    assert first["referencePaymentsNew"] == 1 and first["matched"] == 1, first
    paid = client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers).json()
    assert paid["status"] == "PAID"
    with session_factory() as session:
        assert_books_balance(session, tenant.company_id)
    events = payment_events(session_factory, tenant.company_id)
    assert events == 1

    again = upload(client, tenant, data, name)
    assert again["referencePaymentsNew"] == 0 and again["referencePaymentsSkipped"] == 1, again
    assert client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers).json() == paid
    assert payment_events(session_factory, tenant.company_id) == events
    listed = client.get("/api/referencepayments", headers=tenant.headers).json()["results"]
    assert [(p["invoiceId"], p["allocated"]) for p in listed] == [(invoice["id"], True)]
