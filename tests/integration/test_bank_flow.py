"""Issue 6 end to end, over HTTP with real bank files: a sent sales invoice is paid by a camt.054
reference payment (and another by the same payment as a KTL file), the invoice becomes PAID, the
books balance, a signed webhook reaches a receiver on 127.0.0.1 and verifies with the
standardwebhooks library, and importing the same file again changes nothing; an approved purchase invoice is
paid through a confirmed payment, its pain.001 file and the following camt.053 statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sepaxml
import xmlschema
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from kirjuri.banking import xml
from kirjuri.banking.payments.outbound import write_due_files
from kirjuri.banking.samples import Incoming, Statement, camt053, camt054, debit, ktl
from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.invoicing.models import PaymentEvent
from kirjuri.webhooks import catalogue, delivery
from kirjuri.webhooks.service import Receiving
from tests.banking.importers.test_parse_file import BILLION_LAUGHS
from tests.banking.payments.helpers import add_account, approved_purchase, item, pay
from tests.banking.statements.helpers import counts
from tests.factories import Tenant
from tests.invoicing.helpers import post_invoice, sales_invoice_body
from tests.invoicing.test_lifecycle_api import verifier_list
from tests.ledger.helpers import assert_books_balance
from tests.webhooks.helpers import receiver, webhook_body

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
@pytest.mark.parametrize("case", [("viite.xml", camt054), ("viite.txt", ktl)], ids=["camt054", "ktl"])
def test_a_reference_payment_file_pays_the_sent_invoice_once_and_a_signed_webhook_says_so(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, case: Any
) -> None:
    name, writer = case
    invoice = sent_invoice(client, tenant)
    with receiver() as got:
        hook = client.post(
            "/api/webhooks",
            json=webhook_body(got.url, [catalogue.INVOICE_PAID, catalogue.REFERENCEPAYMENT_RECEIVED]),
            headers=tenant.headers,
        )
        assert hook.status_code == 200, hook.text
        data = writer(IBAN, [incoming(invoice, "E2E0000000000001")])
        first = upload(client, tenant, data, name)
        assert first["referencePaymentsNew"] == 1 and first["matched"] == 1, first
        paid = client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers).json()
        assert paid["status"] == "PAID"
        with session_factory() as session:
            assert_books_balance(session, tenant.company_id)
        events = payment_events(session_factory, tenant.company_id)
        assert events == 1
        with delivery.http_client() as http:
            receiving = Receiving(sandbox=True, server_secret=settings.secret_key.get_secret_value())
            delivery.run_round(session_factory, http=http, receiving=receiving, company_ids=[tenant.company_id])

    uuid = hook.json()["uuid"]
    secret = client.get(f"/api/kirjuri/webhooks/{uuid}/secret", headers=tenant.headers).json()["secret"]
    documents = [Webhook(secret).verify(message.body, message.headers) for message in got.received]
    by_type = {document["eventType"]: document["payload"] for document in documents}
    assert by_type[catalogue.INVOICE_PAID]["invoiceId"] == invoice["id"]
    assert by_type[catalogue.INVOICE_PAID]["status"] == "PAID"
    assert catalogue.REFERENCEPAYMENT_RECEIVED in by_type

    again = upload(client, tenant, data, name)
    assert again["referencePaymentsNew"] == 0 and again["referencePaymentsSkipped"] == 1, again
    assert client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers).json() == paid
    assert payment_events(session_factory, tenant.company_id) == events
    listed = client.get("/api/referencepayments", headers=tenant.headers).json()["results"]
    assert [(p["invoiceId"], p["allocated"]) for p in listed] == [(invoice["id"], True)]


def test_an_approved_purchase_invoice_is_paid_through_a_confirmed_payment_and_the_statement(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    """202 and the user's confirmation; the pain.001.001.09 file valid against sepaxml's XSD; the
    statement's debit with the payment's EndToEndId moves the invoice to PAID; books balance."""
    verifier_list(session_factory, tenant.company_id, verifiers=[], acceptors=[tenant.user_id])
    add_account(session_factory, tenant.company_id, iban=IBAN)
    invoice = approved_purchase(client, tenant)
    [payment_id] = pay(client, session_factory, tenant, [item(invoice)])
    assert client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers).json()["status"] == "PAYMENT_QUEUED"

    with session_factory() as session:
        written = write_due_files(session, now=clock.now(), directory=tmp_path)
        # Other companies of this worker (sandboxes carry a demo payment) may have queued payments too.
        [path] = [p for p in written if p.name.startswith(f"KIRJURI-{tenant.company_id}-")]
        session.commit()
    schema = xmlschema.XMLSchema(str(Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"))
    schema.validate(str(path))
    namespaces = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
    transfer = xml.parse(path.read_bytes()).find(".//p:CdtTrfTxInf", namespaces)
    assert transfer is not None
    assert transfer.findtext("p:PmtId/p:EndToEndId", namespaces=namespaces) == str(payment_id)
    assert transfer.findtext("p:Amt/p:InstdAmt", namespaces=namespaces) == "125.50"
    sent = client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers).json()
    assert sent["status"] == "PAYMENT_SENT_TO_BANK"

    day = date.fromisoformat(item(invoice)["paymentDate"])
    entry = debit("E2E-DEBIT-1", Decimal("125.50"), day, "Toimittaja Oy", end_to_end_id=str(payment_id))
    statement = camt053(IBAN, [Statement("E2E-STMT-1", Decimal("1000.00"), (entry,))])
    summary = upload(client, tenant, statement, "statement.xml")
    assert (summary["statementsNew"], summary["settled"]) == (1, 1), summary
    paid = client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers).json()
    assert paid["status"] == "PAID"
    [shown] = client.get("/api/bankstatements", headers=tenant.headers).json()["results"][0]["events"]
    assert (shown["invoiceId"], shown["allocated"], shown["endToEndId"]) == (invoice["id"], True, payment_id)
    with session_factory() as session:
        assert_books_balance(session, tenant.company_id)
    again = upload(client, tenant, statement, "statement.xml")
    assert (again["statementsNew"], again["statementsSkipped"], again["settled"]) == (0, 1, 0), again
    assert client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers).json() == paid


@pytest.mark.usefixtures("bank_account")
@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">&x;</Document>',
            id="external-entity",
        ),
    ],
)
def test_hostile_xml_over_http_is_refused_and_nothing_imported(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], hostile: bytes
) -> None:
    files = {"file": ("evil.xml", hostile, "application/xml")}
    answer = client.post("/api/kirjuri/bankstatements/import", files=files, headers=tenant.headers)
    assert answer.status_code == 400
    assert answer.json()["errors"] == [{"status": 400, "field": "file", "message": "XML_FORBIDDEN_CONSTRUCT"}]
    assert "root:" not in answer.text
    with session_factory() as session:
        assert counts(session, tenant.company_id) == (0, 0, 0)
