"""Periodic tax returns in the company's VAT reporting period (`companies.settings.vat_period`,
`GET/PUT /kirjuri/company/vatsettings`, `invoicing.tax_returns.tax_period`): monthly by default,
quarterly and yearly when set; the period named by number, by month (monthly companies) or by its
dates, validated against the company's period; due dates and the period key of each.

The tenant's books of the current year Y (APPROVED receipts, 25.5 %):
    January  sale 100.00 (output 25.50)
    March    sale 1000.00 (output 255.00), purchase 400.00 (input 102.00)
    April    purchase 800.00 (input 204.00)
→ Q1 payable 25.50 + 255.00 − 102.00 = 178.50; the year 178.50 − 204.00 < 0 until a sale of
  1000.00 in November (output 255.00): the year's payable 229.50.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.core.errors import KirjuriError
from kirjuri.invoicing import tax_returns
from kirjuri.ledger import rules, service
from kirjuri.vat import rules as vat_rules
from tests.factories import Tenant
from tests.ledger.helpers import BANK, day, draft, entry

Y = day(1).year
PATH = "/api/kirjuri/invoices/periodictaxreturns"
SETTINGS = "/api/kirjuri/company/vatsettings"


def _sale(month: int, net: str, gross: str) -> rules.ReceiptDraft:
    return draft(day(month, 15), entry("3000", f"-{net}", vat_percent="25.5"), entry(BANK, gross), vat_type="SALES")


def _purchase(month: int, net: str, gross: str) -> rules.ReceiptDraft:
    return draft(day(month, 15), entry("4000", net, vat_percent="25.5"), entry(BANK, f"-{gross}"))


@pytest.fixture()
def books(tenant: Tenant, session_factory: sessionmaker[Session]) -> Tenant:
    with session_factory() as session:
        for receipt in (
            _sale(1, "100.00", "125.50"),
            _sale(3, "1000.00", "1255.00"),
            _purchase(3, "400.00", "502.00"),
            _purchase(4, "800.00", "1004.00"),
        ):
            service.create_receipt(session, company_id=tenant.company_id, draft=receipt, status=rules.APPROVED)
        session.commit()
    return tenant


def parsed(response: Any) -> Any:
    return json.loads(response.text, parse_float=Decimal)


def errors(response: Any) -> list[tuple[int, str | None, str]]:
    return [(e["status"], e.get("field"), e["message"]) for e in response.json()["errors"]]


def set_period(client: TestClient, tenant: Tenant, period: str) -> None:
    answer = client.put(SETTINGS, json={"reportingPeriod": period}, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"reportingPeriod": period}


def test_monthly_by_default_and_the_setting_round_trips(client: TestClient, tenant: Tenant) -> None:
    assert client.get(SETTINGS, headers=tenant.headers).json() == {"reportingPeriod": "MONTH"}
    set_period(client, tenant, "QUARTER")
    assert client.get(SETTINGS, headers=tenant.headers).json() == {"reportingPeriod": "QUARTER"}
    set_period(client, tenant, "YEAR")
    assert client.get(SETTINGS, headers=tenant.headers).json() == {"reportingPeriod": "YEAR"}
    bad = client.put(SETTINGS, json={"reportingPeriod": "WEEK"}, headers=tenant.headers)
    assert bad.status_code == 400
    assert [field for _s, field, _m in errors(bad)] == ["reportingPeriod"]
    assert client.get(SETTINGS, headers=tenant.headers).json() == {"reportingPeriod": "YEAR"}


def test_a_quarterly_company_pays_the_quarter(client: TestClient, books: Tenant) -> None:
    set_period(client, books, "QUARTER")
    answer = client.post(PATH, json={"year": Y, "period": 1}, headers=books.headers)
    assert answer.status_code == 200, answer.text
    invoice = parsed(answer)
    assert invoice["sum"] == Decimal("178.50")
    assert invoice["originalInvoiceNumber"] == f"ALV-{Y}-Q1"
    assert invoice["date"] == invoice["paymentInfo"]["dueDate"] == f"{Y}-05-12"
    # The same quarter by its dates is the same invoice, regenerated.
    again = client.post(PATH, json={"startDate": f"{Y}-01-01", "endDate": f"{Y}-03-31"}, headers=books.headers)
    assert again.status_code == 200, again.text
    assert parsed(again)["id"] == invoice["id"]


def test_a_yearly_company_pays_the_year(
    client: TestClient, books: Tenant, session_factory: sessionmaker[Session]
) -> None:
    set_period(client, books, "YEAR")
    refund = client.post(PATH, json={"year": Y}, headers=books.headers)
    assert errors(refund) == [(400, "year", "NOTHING_PAYABLE")]
    with session_factory() as session:
        service.create_receipt(
            session, company_id=books.company_id, draft=_sale(11, "1000.00", "1255.00"), status=rules.APPROVED
        )
        session.commit()
    answer = client.post(PATH, json={"year": Y}, headers=books.headers)
    assert answer.status_code == 200, answer.text
    invoice = parsed(answer)
    assert invoice["sum"] == Decimal("229.50")
    assert invoice["originalInvoiceNumber"] == f"ALV-{Y}"
    last_of_february = 29 if (Y + 1) % 4 == 0 and ((Y + 1) % 100 or (Y + 1) % 400 == 0) else 28
    assert invoice["paymentInfo"]["dueDate"] == f"{Y + 1}-02-{last_of_february}"
    assert parsed(client.post(PATH, json={"year": Y, "period": 1}, headers=books.headers))["id"] == invoice["id"]


@pytest.mark.parametrize(
    ("setting", "body", "expected"),
    [
        ("QUARTER", {"year": Y, "month": 3}, [(400, "month", "INVALID_TAX_PERIOD")]),
        ("QUARTER", {"year": Y, "period": 5}, [(400, "period", "INVALID_TAX_PERIOD")]),
        ("QUARTER", {"year": Y}, [(400, "month", "REQUIRED")]),
        ("QUARTER", {"startDate": f"{Y}-03-01", "endDate": f"{Y}-05-31"}, [(400, "startDate", "INVALID_TAX_PERIOD")]),
        ("QUARTER", {"startDate": f"{Y}-01-01", "endDate": f"{Y}-01-31"}, [(400, "endDate", "INVALID_TAX_PERIOD")]),
        ("QUARTER", {"startDate": f"{Y}-01-01"}, [(400, "endDate", "REQUIRED")]),
        ("MONTH", {"startDate": f"{Y}-01-01", "endDate": f"{Y}-03-31"}, [(400, "endDate", "INVALID_TAX_PERIOD")]),
        ("MONTH", {"startDate": f"{Y}-03-02", "endDate": f"{Y}-03-31"}, [(400, "startDate", "INVALID_TAX_PERIOD")]),
        ("YEAR", {"year": Y, "period": 2}, [(400, "period", "INVALID_TAX_PERIOD")]),
        ("YEAR", {"year": Y, "month": 12}, [(400, "month", "INVALID_TAX_PERIOD")]),
        (
            "YEAR",
            {"year": Y + 1, "startDate": f"{Y}-01-01", "endDate": f"{Y}-12-31"},
            [(400, "year", "INVALID_TAX_PERIOD")],
        ),
    ],
)
def test_periods_that_are_not_the_companys_are_refused(
    client: TestClient, books: Tenant, setting: str, body: dict[str, Any], expected: list[Any]
) -> None:
    set_period(client, books, setting)
    answer = client.post(PATH, json=body, headers=books.headers)
    assert errors(answer) == expected


def test_a_monthly_company_by_dates(client: TestClient, books: Tenant) -> None:
    answer = client.post(PATH, json={"startDate": f"{Y}-03-01", "endDate": f"{Y}-03-31"}, headers=books.headers)
    assert answer.status_code == 200, answer.text
    assert parsed(answer)["originalInvoiceNumber"] == f"ALV-{Y}-03"


@pytest.mark.parametrize(
    ("period_type", "request_", "key", "due"),
    [
        ("K", tax_returns.PeriodRequest(year=2026, month=12), "ALV-2026-12", date(2027, 2, 12)),
        ("Q", tax_returns.PeriodRequest(year=2026, period=4), "ALV-2026-Q4", date(2027, 2, 12)),
        ("Q", tax_returns.PeriodRequest(year=2026, period=2), "ALV-2026-Q2", date(2026, 8, 12)),
        ("V", tax_returns.PeriodRequest(year=2027), "ALV-2027", date(2028, 2, 29)),
        ("V", tax_returns.PeriodRequest(start=date(2026, 1, 1), end=date(2026, 12, 31)), "ALV-2026", date(2027, 2, 28)),
    ],
)
def test_keys_and_due_dates(period_type: str, request_: tax_returns.PeriodRequest, key: str, due: date) -> None:
    period = tax_returns.tax_period(period_type, request_)
    assert (tax_returns.period_key(period), tax_returns.due_date(period)) == (key, due)


def test_period_of_dates() -> None:
    assert vat_rules.period_of("Q", date(2026, 4, 1), date(2026, 6, 30)) == (2026, 2)
    assert vat_rules.period_of("K", date(2024, 2, 1), date(2024, 2, 29)) == (2024, 2)
    with pytest.raises(KirjuriError):
        vat_rules.period_of("Q", date(2026, 2, 1), date(2026, 4, 30))
