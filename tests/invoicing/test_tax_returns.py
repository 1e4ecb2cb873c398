"""The PERIODIC_TAX_RETURN invoice made from the month's VAT return
(`POST /kirjuri/invoices/periodictaxreturns`, `invoicing.tax_returns`), and how the invoice
endpoints show and pay it.

The tenant's March of the current year Y (on the 15th, APPROVED receipts):

    sale       3000 −1000.00 at 25.5 %  (output tax 255.00)   bank +1255.00
    purchase   4000  +400.00 at 25.5 %  (input tax  102.00)   bank  −502.00

→ box 308 = 255.00 − 102.00 = 153.00, due 12 May Y. April holds only a purchase (4000 +800.00 at
25.5 %: input tax 204.00), a refund month.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import rules as rights
from kirjuri.config import Settings
from kirjuri.invoicing import events, tax_returns
from kirjuri.invoicing.models import Invoice, PaymentEvent
from kirjuri.ledger import rules, service
from kirjuri.ledger.models import LedgerTransaction
from tests.factories import Tenant, make_tenant
from tests.ledger.helpers import BANK, day, draft, entry

Y = day(1).year
PATH = "/api/kirjuri/invoices/periodictaxreturns"
MARCH = {"year": Y, "month": 3}


def _book(session_factory: sessionmaker[Session], company_id: int, *receipts: rules.ReceiptDraft) -> None:
    with session_factory() as session:
        for receipt in receipts:
            service.create_receipt(session, company_id=company_id, draft=receipt, status=rules.APPROVED)
        session.commit()


def _sale(month: int, net: str, gross: str) -> rules.ReceiptDraft:
    return draft(day(month, 15), entry("3000", f"-{net}", vat_percent="25.5"), entry(BANK, gross), vat_type="SALES")


def _purchase(month: int, net: str, gross: str) -> rules.ReceiptDraft:
    return draft(day(month, 15), entry("4000", net, vat_percent="25.5"), entry(BANK, f"-{gross}"))


@pytest.fixture()
def books(tenant: Tenant, session_factory: sessionmaker[Session]) -> Tenant:
    _book(
        session_factory,
        tenant.company_id,
        _sale(3, "1000.00", "1255.00"),
        _purchase(3, "400.00", "502.00"),
        _purchase(4, "800.00", "1004.00"),
    )
    return tenant


def parsed(response: Any) -> Any:
    return json.loads(response.text, parse_float=Decimal)


def errors(response: Any) -> list[tuple[int, str | None, str]]:
    return [(e["status"], e.get("field"), e["message"]) for e in response.json()["errors"]]


def generate(client: TestClient, tenant: Tenant, body: dict[str, Any] = MARCH) -> Any:
    return client.post(PATH, json=body, headers=tenant.headers)


def vat_payable(client: TestClient, tenant: Tenant, month: int, last: int) -> Decimal:
    params = {"startDate": day(month, 1).isoformat(), "endDate": day(month, last).isoformat()}
    answer = client.get("/api/kirjuri/reports/vat", params=params, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    payable: Decimal = parsed(answer)["payable"]
    return payable


def actions(session_factory: sessionmaker[Session], tenant: Tenant, invoice_id: int) -> list[str]:
    """The audit actions of the invoice (CREATED and UPDATED are Kirjuri's own: the wire trail's
    enum has no such value, so they are read from the table)."""
    with session_factory() as session:
        found = events.trail(session, company_id=tenant.company_id, invoice_ids=[invoice_id])
    return [event.action for event in found[invoice_id]]


def test_the_months_return_becomes_a_payable_invoice(
    client: TestClient, books: Tenant, session_factory: sessionmaker[Session]
) -> None:
    answer = generate(client, books)
    assert answer.status_code == 200, answer.text
    invoice = parsed(answer)
    assert vat_payable(client, books, 3, 31) == Decimal("153.00")
    assert invoice["sum"] == Decimal("153.00")
    assert invoice["type"] == "PERIODIC_TAX_RETURN"
    assert invoice["status"] == "APPROVED"
    assert invoice["invoiceNumber"] == 1
    assert invoice["date"] == f"{Y}-05-12"
    assert invoice["paymentInfo"]["dueDate"] == f"{Y}-05-12"
    assert invoice["paymentInfo"]["paymentMethod"] == "BANK_TRANSFER"
    assert invoice["paymentInfo"]["currency"] == "EUR"
    assert "bankReferenceCode" not in invoice["paymentInfo"]
    assert invoice["counterParty"]["counterPartyAddress"] == {
        "name": "Verohallinto",
        "street": "PL 325",
        "zip": "00052",
        "city": "VERO",
        "country": "FINLAND",
    }
    assert invoice["invoiceRows"] == []
    assert invoice["originalInvoiceNumber"] == f"ALV-{Y}-03"
    assert invoice["invoiceChannel"] == "NO_SENDING"
    assert invoice.get("ledgerReceiptId") is None
    assert invoice["invoiceSumInfo"] == [
        {
            "currency": "EUR",
            "inAccountingCurrency": True,
            "excludingVatTotal": Decimal("153.00"),
            "vatSumTotal": 0,
            "invoiceSumTotal": Decimal("153.00"),
        }
    ]
    assert answer.headers["etag"]
    shown = client.get(f"/api/invoices/{invoice['id']}", headers=books.headers)
    assert shown.status_code == 200
    assert parsed(shown) == invoice
    assert actions(session_factory, books, invoice["id"]) == ["CREATED"]


def _month(year: int, month: int) -> tax_returns.TaxPeriod:
    return tax_returns.tax_period("K", tax_returns.PeriodRequest(year=year, month=month))


def test_due_date_crosses_the_year() -> None:
    assert str(tax_returns.due_date(_month(2026, 10))) == "2026-12-12"
    assert str(tax_returns.due_date(_month(2026, 11))) == "2027-01-12"
    assert str(tax_returns.due_date(_month(2026, 12))) == "2027-02-12"
    assert str(tax_returns.due_date(_month(2026, 1))) == "2026-03-12"


def test_regenerating_replaces_the_unpaid_invoice(
    client: TestClient, books: Tenant, session_factory: sessionmaker[Session]
) -> None:
    first = parsed(generate(client, books))
    _book(session_factory, books.company_id, _sale(3, "100.00", "125.50"))
    answer = generate(client, books)
    assert answer.status_code == 200, answer.text
    second = parsed(answer)
    assert vat_payable(client, books, 3, 31) == Decimal("178.50")
    assert (second["id"], second["invoiceNumber"]) == (first["id"], first["invoiceNumber"])
    assert second["sum"] == Decimal("178.50")
    assert second["invoiceSumInfo"][0]["invoiceSumTotal"] == Decimal("178.50")
    assert second["version"] != first["version"]
    listed = client.get("/api/invoices", params={"types": "PERIODIC_TAX_RETURN"}, headers=books.headers)
    assert [i["id"] for i in listed.json()["results"]] == [first["id"]]
    assert actions(session_factory, books, first["id"]) == ["CREATED", "UPDATED"]


def test_refund_month_makes_no_invoice(
    client: TestClient, books: Tenant, session_factory: sessionmaker[Session]
) -> None:
    assert vat_payable(client, books, 4, 30) == Decimal("-204.00")
    answer = generate(client, books, {"year": Y, "month": 4})
    assert answer.status_code == 400
    assert errors(answer) == [(400, "month", "NOTHING_PAYABLE")]
    empty = generate(client, books, {"year": Y, "month": 7})
    assert errors(empty) == [(400, "month", "NOTHING_PAYABLE")]
    with session_factory() as session:
        count = session.scalar(select(func.count()).select_from(Invoice).where(Invoice.company_id == books.company_id))
    assert count == 0


@pytest.mark.parametrize("body", [{"year": Y, "month": 13}, {"year": Y, "month": 0}, {"year": Y}])
def test_bad_period_is_400(client: TestClient, books: Tenant, body: dict[str, Any]) -> None:
    answer = generate(client, books, body)
    assert answer.status_code == 400
    assert [field for _status, field, _message in errors(answer)] == ["month"]


def test_listed_by_type(client: TestClient, books: Tenant) -> None:
    made = parsed(generate(client, books))
    listed = client.get("/api/invoices", params={"types": "PERIODIC_TAX_RETURN"}, headers=books.headers)
    assert listed.status_code == 200, listed.text
    [row] = parsed(listed)["results"]
    assert (row["id"], row["type"], row["status"], row["invoiceNumber"]) == (
        made["id"],
        "PERIODIC_TAX_RETURN",
        "APPROVED",
        1,
    )
    assert row["dueDate"] == f"{Y}-05-12"
    assert row["counterParty"]["counterPartyAddress"]["name"] == "Verohallinto"
    sales = client.get("/api/invoices", params={"types": "SALES_INVOICE"}, headers=books.headers)
    assert sales.json()["results"] == []


def test_not_editable(client: TestClient, books: Tenant) -> None:
    made = generate(client, books).json()
    answer = client.put(f"/api/invoices/{made['id']}", json=made, headers=books.headers)
    assert answer.status_code == 403
    assert errors(answer) == [(403, None, "INVOICE_NOT_EDITABLE")]
    after = client.get(f"/api/invoices/{made['id']}", headers=books.headers).json()
    assert after == made


def test_mark_paid_then_no_replacement(
    client: TestClient, books: Tenant, session_factory: sessionmaker[Session]
) -> None:
    made = generate(client, books).json()
    body = {"paymentDate": f"{Y}-05-12", "amount": "153.00", "currency": "EUR"}
    answer = client.put(f"/api/invoices/{made['id']}/paymentevents/markpaid", json=body, headers=books.headers)
    assert answer.status_code == 200, answer.text
    with session_factory() as session:  # the payment settles the VAT settlement account from the bank
        event = session.scalars(select(PaymentEvent).where(PaymentEvent.company_id == books.company_id)).one()
        postings = session.execute(
            select(LedgerTransaction.account, LedgerTransaction.amount_minor).where(
                LedgerTransaction.company_id == books.company_id,
                LedgerTransaction.receipt_id == event.ledger_receipt_id,
            )
        ).all()
    assert sorted(postings) == [(BANK, -15300), ("2939", 15300)]
    paid = client.get(f"/api/invoices/{made['id']}", headers=books.headers).json()
    assert (paid["status"], paid["paymentDate"]) == ("MARKED_PAID", f"{Y}-05-12")
    again = generate(client, books)
    assert again.status_code == 409
    assert errors(again) == [(409, "month", "TAX_RETURN_ALREADY_PAID")]
    assert client.get(f"/api/invoices/{made['id']}", headers=books.headers).json() == paid


def test_another_company_cannot_see_it(
    client: TestClient, books: Tenant, other_tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    made = generate(client, books).json()
    shown = client.get(f"/api/invoices/{made['id']}", headers=other_tenant.headers)
    assert shown.status_code == 404
    listed = client.get("/api/invoices", params={"types": "PERIODIC_TAX_RETURN"}, headers=other_tenant.headers)
    assert listed.json()["results"] == []
    body = {"paymentDate": f"{Y}-05-12", "amount": "153.00", "currency": "EUR"}
    pay = client.put(f"/api/invoices/{made['id']}/paymentevents/markpaid", json=body, headers=other_tenant.headers)
    assert pay.status_code == 404
    # The other company's own March has nothing payable: its generation makes nothing.
    assert errors(generate(client, other_tenant)) == [(400, "month", "NOTHING_PAYABLE")]
    assert client.get(f"/api/invoices/{made['id']}", headers=books.headers).json() == made


def test_rights(client: TestClient, session_factory: sessionmaker[Session], settings: Settings) -> None:
    viewer = make_tenant(session_factory, settings, name="Lukija Oy", user_rights=rights.READ_ONLY)
    answer = generate(client, viewer)
    assert answer.status_code == 403
    assert errors(answer) == [(403, None, "INSUFFICIENT_RIGHTS")]
    for right in ("closingOfAccountTools", "journalReceipts"):
        granted = json.loads(json.dumps(rights.READ_ONLY))
        granted["accounting"][right] = rights.ALL_RIGHTS
        maker = make_tenant(session_factory, settings, name=f"{right} Oy", user_rights=granted)
        # Past the rights check: the empty books have nothing payable.
        assert errors(generate(client, maker)) == [(400, "month", "NOTHING_PAYABLE")]
