"""The PyPI `procountor` 2.4.0 client drives a sales invoice through its whole life against a live
Kirjuri: `post_invoice` (UNFINISHED) → `approve_invoice` (NOT_SENT) → `send_invoice` (SENT) →
`markpaid_invoice` (MARKED_PAID). After every step the books balance: each receipt sums to zero and
the trial balance is zero."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tests.factories import Tenant
from tests.invoicing.helpers import sales_invoice_body
from tests.ledger.helpers import assert_books_balance
from tests.live import live_server, procountor_client, procountor_host

__all__ = ["live_server", "procountor_host"]  # the module's server fixtures


def _status(client: Any, invoice_id: int) -> str:
    answer = client.get_invoice(invoice_id)
    assert answer["status"] == 200, answer
    return str(answer["content"]["status"])


def test_a_sales_invoice_lives_through_the_clients_methods(
    procountor_host: str, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    client = procountor_client(tenant)

    def books_balance() -> None:
        with session_factory() as session:
            assert_books_balance(session, tenant.company_id)

    created = client.post_invoice(**sales_invoice_body(invoiceChannel="NO_SENDING"))
    assert created["status"] == 200, created
    invoice = created["content"]
    invoice_id = invoice["id"]
    assert invoice["status"] == "UNFINISHED"
    assert invoice["ledgerReceiptId"]
    total = invoice["invoiceSumInfo"][0]["invoiceSumTotal"]
    books_balance()

    approved = client.approve_invoice(invoice_id)
    assert approved["status"] == 200, approved
    assert _status(client, invoice_id) == "NOT_SENT"
    books_balance()

    sent = client.send_invoice(invoice_id)
    assert sent["status"] == 200, sent
    assert _status(client, invoice_id) == "SENT"
    books_balance()

    paid = client.markpaid_invoice(
        invoice_id, paymentDate=invoice["date"], amount=total, currency="EUR", description="Tilisiirto"
    )
    assert paid["status"] == 200, paid
    assert _status(client, invoice_id) == "MARKED_PAID"
    events = client.get_invoice_paymentevents(invoice_id)
    assert events["status"] == 200, events
    assert [e["amount"] for e in events["content"]["results"]] == [total]
    books_balance()
