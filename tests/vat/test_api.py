"""The VAT endpoints over HTTP: §D.26 (`/vats/default`, `/vats/country`, `/vats/settings`) and the
VAT return extras (`/kirjuri/reports/vat`, `/kirjuri/reports/vat/vsralvkv`).

The tenant's March of the current year Y (all on the 15th, APPROVED):

    sale       3000 −1000.00 at 25.5 %  (output tax 255.00)   bank +1255.00   SALES, status 1
    sale       3100  −100.00 at 13.5 %  (output tax  13.50)   bank  +113.50   SALES, status 1
    purchase   4000  +400.00 at 25.5 %  (input tax  102.00)   bank  −502.00   PURCHASE, status 1
    EU goods   4110  +200.00 at 25.5 %  (self-assessed 51.00)  bank  −200.00   PURCHASE, status 3
    export     3380  −300.00                                   bank  +300.00   SALES, status 7

and, outside March, a sale on 2 April (3000 −10.00 at 25.5 %).
Boxes of March: 301 255.00, 302 13.50, 305 51.00, 307 153.00 (102 + 51), 308 166.50, 309 300.00,
313 200.00 (the bank row of the EU purchase inherits status 3 but is on no VAT account: no 313).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import rules as rights
from kirjuri.companies.models import Company
from kirjuri.config import Settings
from kirjuri.core import vat
from kirjuri.ledger import rules, service
from tests.factories import Tenant, make_tenant
from tests.ledger.helpers import BANK, day, draft, entry

Y = day(1).year
MARCH = {"startDate": f"{Y}-03-01", "endDate": f"{Y}-03-31"}
MARCH_BOXES = {
    "301": Decimal("255.00"),
    "302": Decimal("13.50"),
    "305": Decimal("51.00"),
    "307": Decimal("153.00"),
    "308": Decimal("166.50"),
    "309": Decimal("300.00"),
    "313": Decimal("200.00"),
}


@pytest.fixture()
def books(tenant: Tenant, session_factory: sessionmaker[Session]) -> Tenant:
    on = day(3, 15)
    receipts = [
        draft(on, entry("3000", "-1000.00", vat_percent="25.5"), entry(BANK, "1255.00"), vat_type="SALES"),
        draft(on, entry("3100", "-100.00", vat_percent="13.5"), entry(BANK, "113.50"), vat_type="SALES"),
        draft(on, entry("4000", "400.00", vat_percent="25.5"), entry(BANK, "-502.00")),
        draft(on, entry("4110", "200.00", vat_percent="25.5"), entry(BANK, "-200.00"), vat_status=3),
        draft(on, entry("3380", "-300.00"), entry(BANK, "300.00"), vat_type="SALES", vat_status=7),
        draft(day(4, 2), entry("3000", "-10.00", vat_percent="25.5"), entry(BANK, "12.55"), vat_type="SALES"),
    ]
    with session_factory() as session:
        for receipt in receipts:
            service.create_receipt(session, company_id=tenant.company_id, draft=receipt, status=rules.APPROVED)
        session.commit()
    return tenant


def get(client: TestClient, tenant: Tenant, path: str, **params: Any) -> Any:
    return client.get(f"/api{path}", params=params, headers=tenant.headers)


def errors(response: Any) -> list[tuple[int, str | None, str]]:
    return [(e["status"], e.get("field"), e["message"]) for e in response.json()["errors"]]


# --- §D.26 ---------------------------------------------------------------------------------------------------


def test_vat_defaults(client: TestClient, tenant: Tenant) -> None:
    response = get(client, tenant, "/vats/default")
    assert response.status_code == 200
    body = json.loads(response.text, parse_float=Decimal)
    [finland] = body["vatInformation"]
    assert finland["country"] == "FI"
    percents = [p["vatPercent"] for p in finland["percentages"]]
    assert percents == sorted(percents, reverse=True)
    assert {Decimal("25.5"), Decimal("24"), Decimal("14"), Decimal("13.5"), Decimal("10"), 0} <= set(percents)
    assert all(p["sales"] and p["purchase"] for p in finland["percentages"])
    statuses = {s["vatStatus"]: (s["sales"], s["purchase"]) for s in body["vatStatuses"]}
    assert statuses == {
        code: (status.sales is not None, status.purchase is not None) for code, status in vat.STATUSES.items()
    }
    assert statuses[vat.IMPORT] == (False, True) and statuses[vat.EXPORT] == (True, False)
    assert body["vatStatuses"][0]["description"] == vat.STATUSES[1].name_fi


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("SE", ["25", "12", "6", "0"]),
        ("se", ["25", "12", "6", "0"]),
        ("DE", ["19", "7", "0"]),
    ],
)
def test_vat_country(client: TestClient, tenant: Tenant, code: str, expected: list[str]) -> None:
    response = get(client, tenant, "/vats/country", countryCode=code)
    assert response.status_code == 200
    assert json.loads(response.text, parse_float=Decimal)["vatPercentages"] == [Decimal(p) for p in expected]


def test_vat_country_finland_follows_today(client: TestClient, tenant: Tenant) -> None:
    today = vat.country_percentages("FI", day(6))
    body = json.loads(get(client, tenant, "/vats/country", countryCode="FI").text, parse_float=Decimal)
    assert [Decimal(p) for p in body["vatPercentages"]] == today


@pytest.mark.parametrize(
    ("params", "code"),
    [({"countryCode": "XX"}, "INVALID_COUNTRY_CODE"), ({"countryCode": "FIN"}, "INVALID_COUNTRY_CODE"),
     ({"countryCode": ""}, "INVALID_COUNTRY_CODE"), ({}, "REQUIRED")],
)  # fmt: skip
def test_vat_country_errors(client: TestClient, tenant: Tenant, params: dict[str, str], code: str) -> None:
    response = get(client, tenant, "/vats/country", **params)
    assert response.status_code == 400
    assert errors(response) == [(400, "countryCode", code)]


def test_vat_settings(client: TestClient, tenant: Tenant) -> None:
    body = get(client, tenant, "/vats/settings").json()
    assert body == {"unitPricesIncludeVatSales": False, "unitPricesIncludeVatPurchase": False}


def test_vat_endpoints_need_a_token(client: TestClient) -> None:
    for path in ("/vats/default", "/vats/country?countryCode=FI", "/vats/settings", "/kirjuri/reports/vat"):
        assert client.get(f"/api{path}").status_code == 401


# --- the VAT return -----------------------------------------------------------------------------------------


def boxes_of(response: Any) -> dict[str, Decimal]:
    body = json.loads(response.text, parse_float=Decimal)
    return {box["code"]: box["value"] for box in body["boxes"] if box["value"]}


def test_vat_return_of_a_month(client: TestClient, books: Tenant) -> None:
    response = get(client, books, "/kirjuri/reports/vat", **MARCH)
    assert response.status_code == 200
    assert boxes_of(response) == MARCH_BOXES
    body = json.loads(response.text, parse_float=Decimal)
    assert body["payable"] == Decimal("166.50") and body["unclassifiedTax"] == 0
    assert [b["code"] for b in body["boxes"]][:3] == ["301", "302", "303"]
    assert next(b["name"] for b in body["boxes"] if b["code"] == "308").startswith("Maksettava vero")
    sums = {(s["vatStatus"], s["side"], s["vatPercent"]): s for s in body["sums"]}
    sale = sums[(1, "SALES", Decimal("25.50"))]
    assert (sale["base"], sale["output"]) == (Decimal("-1000.00"), Decimal("-255.00"))
    eu = sums[(3, "PURCHASE", Decimal("25.50"))]
    assert (eu["base"], eu["output"], eu["input"]) == (Decimal("200.00"), Decimal("-51.00"), Decimal("51.00"))


def test_vat_return_of_days_inside_a_month_reads_the_postings(client: TestClient, books: Tenant) -> None:
    inside = get(client, books, "/kirjuri/reports/vat", startDate=f"{Y}-03-10", endDate=f"{Y}-04-01")
    assert boxes_of(inside) == MARCH_BOXES
    # Up to 2 April: the April sale (10.00 at 25.5 % → 2.55) is added through the edge of April.
    more = boxes_of(get(client, books, "/kirjuri/reports/vat", startDate=f"{Y}-03-10", endDate=f"{Y}-04-02"))
    assert more["301"] == Decimal("257.55") and more["308"] == Decimal("169.05")
    assert boxes_of(get(client, books, "/kirjuri/reports/vat", startDate=f"{Y}-03-16", endDate=f"{Y}-03-31")) == {}


def test_vat_return_status_filter(client: TestClient, books: Tenant) -> None:
    assert boxes_of(get(client, books, "/kirjuri/reports/vat", **MARCH, status="UNFINISHED")) == {}
    assert boxes_of(get(client, books, "/kirjuri/reports/vat", **MARCH, status="APPROVED")) == MARCH_BOXES


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"endDate": "2026-03-31"}, "startDate", "REQUIRED"),
        ({"startDate": "2026-04-01", "endDate": "2026-03-31"}, "startDate", "START_DATE_AFTER_END_DATE"),
        ({"startDate": "2026-03-01", "endDate": "2026-03-32"}, "endDate", "INVALID_DATE"),
        ({**MARCH, "status": "SOMETHING"}, "status", "INVALID_ENUM_VALUE"),
        ({"startDate": "1000-03-01", "endDate": "2026-03-31"}, "startDate", "DATE_OUT_OF_RANGE"),
    ],
)
def test_vat_return_errors(client: TestClient, books: Tenant, params: dict[str, str], field: str, code: str) -> None:
    response = get(client, books, "/kirjuri/reports/vat", **params)
    assert response.status_code == 400
    assert errors(response)[0] == (400, field, code)


def file_lines(response: Any) -> list[str]:
    return response.content.decode("iso-8859-1").split("\r\n")


def test_vsralvkv_file_of_a_month(client: TestClient, books: Tenant) -> None:
    response = get(client, books, "/kirjuri/reports/vat/vsralvkv", year=Y, period=3, periodType="K")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert f'filename="VSRALVKV_{Y}_K03.txt"' in response.headers["content-disposition"]
    lines = file_lines(response)
    assert lines[0] == "000:VSRALVKV"
    assert lines[1].startswith("198:") and len(lines[1]) == 4 + 14
    assert lines[2:8] == ["014:1234567-1_KJ", "048:Kirjuri", "010:1234567-1", "050:K", "052:3", f"053:{Y}"]
    values = dict(line.split(":", 1) for line in lines[8:] if line)
    assert values["301"] == "255,00" and values["302"] == "13,50" and values["307"] == "153,00"
    assert values["308"] == "166,50" and values["309"] == "300,00" and values["313"] == "200,00"
    assert values["304"] == "0,00" and values["999"] == "1"


def test_vsralvkv_file_of_a_quarter_and_a_year(client: TestClient, books: Tenant) -> None:
    quarter = dict(
        line.split(":", 1)
        for line in file_lines(get(client, books, "/kirjuri/reports/vat/vsralvkv", year=Y, period=1, periodType="Q"))
        if line
    )
    assert (quarter["050"], quarter["052"], quarter["308"]) == ("Q", "1", "166,50")
    year = get(client, books, "/kirjuri/reports/vat/vsralvkv", year=Y, periodType="V")
    values = dict(line.split(":", 1) for line in file_lines(year) if line)
    assert "052" not in values and values["301"] == "257,55"
    assert f'filename="VSRALVKV_{Y}.txt"' in year.headers["content-disposition"]


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"year": "2026", "period": "5", "periodType": "Q"}, "period", "INVALID_TAX_PERIOD"),
        ({"year": "2026", "period": "2", "periodType": "V"}, "period", "INVALID_TAX_PERIOD"),
        ({"year": "2026", "period": "13", "periodType": "K"}, "period", "OUT_OF_RANGE"),
        ({"year": "2026", "period": "1", "periodType": "M"}, "periodType", "INVALID_ENUM_VALUE"),
        ({"year": "1800", "period": "1", "periodType": "K"}, "year", "OUT_OF_RANGE"),
        ({"period": "1", "periodType": "K"}, "year", "REQUIRED"),
    ],
)
def test_vsralvkv_errors(client: TestClient, books: Tenant, params: dict[str, str], field: str, code: str) -> None:
    response = get(client, books, "/kirjuri/reports/vat/vsralvkv", **params)
    assert response.status_code == 400
    assert errors(response)[0] == (400, field, code)


def test_vsralvkv_needs_a_business_id(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        company = session.get(Company, tenant.company_id)
        assert company is not None
        company.business_id = None
        session.commit()
    response = get(client, tenant, "/kirjuri/reports/vat/vsralvkv", year=Y, period=1, periodType="K")
    assert (response.status_code, errors(response)[0][2]) == (409, "COMPANY_BUSINESS_ID_MISSING")


def test_vat_return_needs_the_reports_right(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    no_reports = rights.rights_document(rights.ALL_RIGHTS)
    no_reports["accounting"]["accountingReports"] = rights.NO_ACCESS
    denied = make_tenant(session_factory, settings, user_rights=no_reports)
    assert get(client, denied, "/kirjuri/reports/vat", **MARCH).status_code == 403
    assert get(client, denied, "/kirjuri/reports/vat/vsralvkv", year=Y, periodType="V").status_code == 403
    # The VAT information itself needs no particular right.
    nothing = make_tenant(session_factory, settings, user_rights=rights.rights_document(rights.NO_ACCESS))
    assert get(client, nothing, "/vats/default").status_code == 200
    viewer = make_tenant(session_factory, settings, user_rights=rights.READ_ONLY)
    assert get(client, viewer, "/kirjuri/reports/vat", **MARCH).status_code == 200


def test_another_company_sees_only_its_own_vat(client: TestClient, books: Tenant, other_tenant: Tenant) -> None:
    assert boxes_of(get(client, other_tenant, "/kirjuri/reports/vat", **MARCH)) == {}
