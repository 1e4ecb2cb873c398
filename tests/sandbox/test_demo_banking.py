"""The sandbox's banking demo read back through the API: a quarter of statements of the main
account with consistent balances, reference payments that paid two demo invoices (one in full,
one in part) and one on the suspense account, the queued payment of a purchase invoice, and books
that balance."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.banking.accounts.demo import MAIN_IBAN
from kirjuri.banking.demo import UNKNOWN_REFERENCE, months_back
from kirjuri.core import clock
from tests.ledger.helpers import assert_books_balance
from tests.sandbox.helpers import sandbox_headers


@pytest.fixture(scope="module")
def headers(app: FastAPI, session_factory: sessionmaker[Session]) -> dict[str, str]:
    return sandbox_headers(app, session_factory, name="Pankki Oy")


def get(client: TestClient, headers: dict[str, str], path: str, **params: Any) -> Any:
    answer = client.get(path, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_quarter_of_statements_each_opening_where_the_last_closed(
    client: TestClient, headers: dict[str, str]
) -> None:
    today = clock.now().date()
    found = get(client, headers, "/api/bankstatements", orderByStartDate="ASC", size=50)["results"]
    assert [s["accountNumber"] for s in found] == [MAIN_IBAN] * 3
    assert found[0]["startDate"] == months_back(today, 3).isoformat()
    assert found[-1]["endDate"] == (today - timedelta(days=1)).isoformat()
    for before, after in itertools.pairwise(found):
        assert after["startBalance"] == before["endBalance"]
        assert date.fromisoformat(after["startDate"]) == date.fromisoformat(before["endDate"]) + timedelta(days=1)
    for statement in found:
        moved = Decimal(str(statement["depositSum"])) - Decimal(str(statement["withdrawalSum"]))
        assert Decimal(str(statement["startBalance"])) + moved == Decimal(str(statement["endBalance"]))
        assert statement["numberOfDeposits"] >= 3 and statement["numberOfWithdrawals"] >= 3
        kinds = {e.get("name") for e in statement["events"]}
        assert {"Kiinteistö Oy Mannerheimintie 12", "Nordea Pankki Suomi Oyj"} <= kinds
        assert any(len(e["events"]) == 3 for e in statement["events"])  # the card settlement batch
    assert Decimal(str(found[0]["startBalance"])) == Decimal("24350.00")


def test_reference_payments_pay_two_invoices_and_one_waits_on_suspense(
    client: TestClient, headers: dict[str, str], session_factory: sessionmaker[Session]
) -> None:
    payments = get(client, headers, "/api/referencepayments", size=50)["results"]
    assert len(payments) == 3
    matched = sorted((p for p in payments if p.get("invoiceId")), key=lambda p: p["invoiceId"])
    assert len(matched) == 2 and all(p["allocated"] for p in matched)
    invoices = [get(client, headers, f"/api/invoices/{p['invoiceId']}") for p in matched]
    assert [i["status"] for i in invoices] == ["PAID", "PARTLY_PAID"]
    for payment, invoice in zip(matched, invoices, strict=True):
        assert payment["bankReference"] == invoice["paymentInfo"]["bankReferenceCode"]
    total = Decimal(str(invoices[0]["invoiceSumInfo"][0]["invoiceSumTotal"]))
    assert Decimal(str(matched[0]["sum"])) == total
    assert Decimal(str(matched[1]["sum"])) < Decimal(str(invoices[1]["invoiceSumInfo"][0]["invoiceSumTotal"]))

    unmatched = get(client, headers, "/api/kirjuri/referencepayments/unmatched")["results"]
    assert [(p["bankReference"], p["outcome"], p["unmatchedSum"]) for p in unmatched] == [
        (UNKNOWN_REFERENCE, "UNMATCHED", 318.0)
    ]
    assert unmatched[0]["suspenseReceiptId"]
    company_id = get(client, headers, "/api/sessioninfo")["companyId"]
    with session_factory() as session:
        assert_books_balance(session, company_id)


def test_a_purchase_invoice_is_queued_for_payment(
    app: FastAPI, client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    # A sandbox of its own: another test of this worker writing the due payment files would send
    # a module-wide sandbox's queued payment to the bank.
    headers = sandbox_headers(app, session_factory, name="Maksu Oy")
    payments = get(client, headers, "/api/payments", size=50)["results"]
    assert len(payments) == 1
    [payment] = payments
    assert payment["status"] == "PAYMENT_QUEUED"
    invoice = get(client, headers, f"/api/invoices/{payment['invoiceId']}")
    assert (invoice["type"], invoice["status"]) == ("PURCHASE_INVOICE", "PAYMENT_QUEUED")
    assert Decimal(str(payment["amount"])) == Decimal(str(invoice["invoiceSumInfo"][0]["invoiceSumTotal"]))
    assert payment["receiverName"] == invoice["counterParty"]["counterPartyAddress"]["name"]
    assert date.fromisoformat(payment["paymentDate"]) > clock.now().date()
