"""The currency endpoints over HTTP (§D.8): the currency list, the company currency, exchange rates
(cross rates, fallback days and their signals, every parameter error) and the latest rates — for
any authenticated principal, each company seeing its own currency."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies.models import Company
from kirjuri.config import Settings
from kirjuri.core.codes import CURRENCY_CODES
from kirjuri.currencies import rules, service
from kirjuri.currencies.models import ExchangeRate
from tests.currencies.bundle import BUNDLE, NEWEST
from tests.factories import Tenant, make_tenant

D = Decimal
ACCOUNTING = "PROCOUNTOR_ACCOUNTING_EXCHANGE_RATE"


def body(answer: Any) -> Any:
    """The JSON body with exact decimals."""
    return json.loads(answer.text, parse_float=D)


def errors(answer: Any) -> list[tuple[int, str | None, str]]:
    return [(e["status"], e.get("field"), e["message"]) for e in answer.json()["errors"]]


def rate_query(base: str = "DKK", currency: str = "EUR", day: str = "2017-12-07", rate_type: str = ACCOUNTING) -> str:
    return f"/api/currencies/exchangerate?baseCurrency={base}&currency={currency}&day={day}&rateType={rate_type}"


def set_currency(session_factory: sessionmaker[Session], company_id: int, currency: str) -> None:
    with session_factory() as session:
        company = session.get(Company, company_id)
        assert company is not None
        company.currency = currency
        session.commit()


@pytest.fixture()
def cash_sale_rates(session_factory: sessionmaker[Session]) -> Iterator[None]:
    """Rate type 6 with rates of its own (a bank's file), removed again after the test."""
    with session_factory() as session:
        service.import_rates(session, data=b"Date,USD,SEK\n2017-12-08,1.1500,10.2\n", rate_type=6, source="bank.csv")
        session.commit()
    yield
    with session_factory() as session:
        session.execute(delete(ExchangeRate).where(ExchangeRate.rate_type == 6))
        session.commit()


def test_currencies(client: TestClient, tenant: Tenant) -> None:
    answer = client.get("/api/currencies", headers=tenant.headers)
    assert answer.status_code == 200
    assert answer.json() == {"currencies": list(CURRENCY_CODES)}
    assert len(answer.json()["currencies"]) == 211


def test_company_currency_is_each_companys_own(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    set_currency(session_factory, other_tenant.company_id, "SEK")
    assert client.get("/api/currencies/company", headers=tenant.headers).json() == {"companyCurrency": "EUR"}
    assert client.get("/api/currencies/company", headers=other_tenant.headers).json() == {"companyCurrency": "SEK"}


def test_any_principal_may_read(client: TestClient, session_factory: sessionmaker[Session], settings: Settings) -> None:
    nobody = make_tenant(session_factory, settings, user_rights={})
    for url in ("/api/currencies", "/api/currencies/company", rate_query(), "/api/currencies/latest"):
        assert client.get(url, headers=nobody.headers).status_code == 200, url
        anonymous = client.get(url)
        assert (anonymous.status_code, errors(anonymous)) == (401, [(401, None, "Unauthorized")]), url


def test_dkk_to_eur_as_the_procountor_client_asks(client: TestClient, tenant: Tenant) -> None:
    answer = client.get(rate_query("DKK", "EUR", "2017-12-07"), headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    assert body(answer) == {"queryDay": "2017-12-07", "currency": "EUR", "day": "2017-12-07", "rate": D("0.1343815091")}
    assert answer.headers["X-Kirjuri-Rate-Day"] == "2017-12-07"
    assert answer.headers["X-Kirjuri-Rate-Type"] == ACCOUNTING


def test_eur_base_is_the_ecb_rate(client: TestClient, tenant: Tenant) -> None:
    answer = client.get(rate_query("EUR", "USD", "2017-12-07"), headers=tenant.headers)
    assert body(answer) == {"queryDay": "2017-12-07", "currency": "USD", "day": "2017-12-07", "rate": D("1.1786")}


def test_a_weekend_day_answers_with_the_friday_and_says_so(client: TestClient, tenant: Tenant) -> None:
    answer = client.get(rate_query("SEK", "USD", "2017-12-10"), headers=tenant.headers)
    assert answer.status_code == 200
    # 1.1742 / 9.977, the rates of Friday 8 December.
    assert body(answer) == {"queryDay": "2017-12-10", "currency": "USD", "day": "2017-12-08", "rate": D("0.1176906886")}
    assert answer.headers["X-Kirjuri-Rate-Day"] == "2017-12-08"


def test_same_currency_is_one(client: TestClient, tenant: Tenant) -> None:
    answer = client.get(rate_query("XAU", "XAU", "2017-12-09"), headers=tenant.headers)
    assert body(answer) == {"queryDay": "2017-12-09", "currency": "XAU", "day": "2017-12-09", "rate": 1}


@pytest.mark.parametrize(
    ("url", "status", "expected"),
    [
        (rate_query("QQQ", "EUR"), 400, [(400, "baseCurrency", "INVALID_CURRENCY")]),
        (rate_query("EUR", "euro"), 400, [(400, "currency", "INVALID_CURRENCY")]),
        (
            rate_query("ABC", "DEF"),
            400,
            [(400, "baseCurrency", "INVALID_CURRENCY"), (400, "currency", "INVALID_CURRENCY")],
        ),
        (rate_query(day="2017-02-30"), 400, [(400, "day", "INVALID_DATE")]),
        (rate_query(day="7.12.2017"), 400, [(400, "day", "INVALID_DATE")]),
        (rate_query(rate_type="1"), 400, [(400, "rateType", "INVALID_ENUM_VALUE")]),
        (rate_query(rate_type="BUYING"), 400, [(400, "rateType", "INVALID_ENUM_VALUE")]),
        (
            "/api/currencies/exchangerate",
            400,
            [(400, f, "REQUIRED") for f in ("baseCurrency", "currency", "day", "rateType")],
        ),
        (
            "/api/currencies/exchangerate?baseCurrency=EUR&currency=USD&day=2017-12-07",
            400,
            [(400, "rateType", "REQUIRED")],
        ),
        (rate_query("XAU", "EUR"), 404, [(404, None, "EXCHANGE_RATE_NOT_FOUND")]),  # never quoted
        (rate_query("EUR", "FIM", "2003-01-02"), 404, [(404, None, "EXCHANGE_RATE_NOT_FOUND")]),  # gone with the euro
        (rate_query("EUR", "CYP", "2008-01-11"), 404, [(404, None, "EXCHANGE_RATE_NOT_FOUND")]),  # 11 days back
        (rate_query("EUR", "USD", "2100-01-01"), 404, [(404, None, "EXCHANGE_RATE_NOT_FOUND")]),
        (rate_query("EUR", "USD", "0001-01-05"), 404, [(404, None, "EXCHANGE_RATE_NOT_FOUND")]),
        (rate_query("EUR", "USD", "9999-12-31"), 404, [(404, None, "EXCHANGE_RATE_NOT_FOUND")]),
    ],
)
def test_exchange_rate_refused(
    client: TestClient, tenant: Tenant, url: str, status: int, expected: list[tuple[int, str | None, str]]
) -> None:
    answer = client.get(url, headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (status, expected)


def test_fallback_reaches_ten_days_back(client: TestClient, tenant: Tenant) -> None:
    answer = client.get(rate_query("EUR", "CYP", "2008-01-10"), headers=tenant.headers)
    assert body(answer) == {"queryDay": "2008-01-10", "currency": "CYP", "day": "2007-12-31", "rate": D("0.585274")}


def test_a_type_without_own_rates_is_served_from_the_ecb_rate(client: TestClient, tenant: Tenant) -> None:
    answer = client.get(rate_query(rate_type="ACCOUNT_CURRENCY_SELLING_RATE"), headers=tenant.headers)
    assert body(answer)["rate"] == D("0.1343815091")
    assert answer.headers["X-Kirjuri-Rate-Type"] == ACCOUNTING


@pytest.mark.usefixtures("cash_sale_rates")
def test_a_type_with_own_rates_is_served_from_them(client: TestClient, tenant: Tenant) -> None:
    own = client.get(rate_query("EUR", "USD", "2017-12-09", "CASH_CURRENCY_SALE_EXCHANGE_RATE"), headers=tenant.headers)
    assert body(own) == {"queryDay": "2017-12-09", "currency": "USD", "day": "2017-12-08", "rate": D("1.15")}
    assert own.headers["X-Kirjuri-Rate-Type"] == "CASH_CURRENCY_SALE_EXCHANGE_RATE"
    missing = client.get(
        rate_query("EUR", "DKK", "2017-12-08", "CASH_CURRENCY_SALE_EXCHANGE_RATE"), headers=tenant.headers
    )
    assert (missing.status_code, errors(missing)) == (404, [(404, None, "EXCHANGE_RATE_NOT_FOUND")])
    latest = client.get("/api/currencies/latest?rateType=6", headers=tenant.headers)
    assert body(latest) == {
        "baseCurrency": "EUR",
        "currencyDate": "2017-12-08",
        "rates": [
            {"currencyCode": "SEK", "currencyRate": D("10.2")},
            {"currencyCode": "USD", "currencyRate": D("1.15")},
        ],
    }
    assert latest.headers["X-Kirjuri-Rate-Type"] == "CASH_CURRENCY_SALE_EXCHANGE_RATE"


def expected_latest(base: str) -> list[dict[str, Any]]:
    """Every currency of the bundle's newest day and the euro against `base`, by code."""
    quotes = {**BUNDLE[NEWEST], "EUR": D(1)}
    return [
        {"currencyCode": code, "currencyRate": rules.cross_rate(quotes[base], quotes[code])}
        for code in sorted(quotes)
        if code != base
    ]


@pytest.mark.parametrize("query", ["", "?rateType=1", "?rateType=3"])
def test_latest_rates_of_a_euro_company(client: TestClient, tenant: Tenant, query: str) -> None:
    answer = client.get(f"/api/currencies/latest{query}", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    found = body(answer)
    assert found == {"baseCurrency": "EUR", "currencyDate": NEWEST.isoformat(), "rates": expected_latest("EUR")}
    codes = [r["currencyCode"] for r in found["rates"]]
    assert codes == sorted(codes) and "EUR" not in codes and "USD" in codes
    usd = next(r for r in found["rates"] if r["currencyCode"] == "USD")
    assert usd["currencyRate"] == BUNDLE[NEWEST]["USD"]
    assert answer.headers["X-Kirjuri-Rate-Type"] == ACCOUNTING


def test_latest_rates_of_a_crown_company(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    swedish = make_tenant(session_factory, settings, name="Svenska AB")
    set_currency(session_factory, swedish.company_id, "SEK")
    found = body(client.get("/api/currencies/latest", headers=swedish.headers))
    assert found["baseCurrency"] == "SEK" and found["currencyDate"] == NEWEST.isoformat()
    assert found["rates"] == expected_latest("SEK")
    euro = next(r for r in found["rates"] if r["currencyCode"] == "EUR")
    assert euro["currencyRate"] == rules.cross_rate(BUNDLE[NEWEST]["SEK"], D(1))
    assert "SEK" not in [r["currencyCode"] for r in found["rates"]]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0", "OUT_OF_RANGE"),
        ("7", "OUT_OF_RANGE"),
        ("-1", "OUT_OF_RANGE"),
        ("1.5", "INVALID_INTEGER"),
        ("ECB", "INVALID_INTEGER"),
    ],
)
def test_latest_refuses_an_invalid_rate_type(client: TestClient, tenant: Tenant, value: str, code: str) -> None:
    answer = client.get(f"/api/currencies/latest?rateType={value}", headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (400, [(400, "rateType", code)])


def test_every_version_prefix_serves_the_rates(client: TestClient, tenant: Tenant) -> None:
    url = f"/latest/api/currencies/exchangerate?baseCurrency=EUR&currency=USD&day={NEWEST}&rateType={ACCOUNTING}"
    answer = client.get(url, headers=tenant.headers)
    assert body(answer) == {
        "queryDay": NEWEST.isoformat(),
        "currency": "USD",
        "day": NEWEST.isoformat(),
        "rate": BUNDLE[NEWEST]["USD"],
    }
