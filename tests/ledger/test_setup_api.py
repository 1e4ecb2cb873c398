"""The set-up endpoints over HTTP: chart of accounts (§D.6), fiscal years (§D.11), dimensions (§D.9)
and Kirjuri's extras — contract shapes, 404s, 409s, rights (403) and tenancy (another company's ids
are 404).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies.models import Company
from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.ledger import chart, dimensions, fiscal, service
from kirjuri.ledger.models import LedgerReceipt
from tests.factories import Tenant, make_tenant
from tests.ledger.helpers import BANK, NO_VAT_EXPENSE, draft, entry

THIS_YEAR = clock.now().year
ALL, VIEW = "ALL_RIGHTS", "VIEWING_RIGHTS"
Call = tuple[str, str, dict[str, Any] | None]


def errors(answer: Any) -> list[tuple[int, str | None, str]]:
    return [(e["status"], e.get("field"), e["message"]) for e in answer.json()["errors"]]


def years(client: TestClient, tenant: Tenant) -> list[dict[str, Any]]:
    answer = client.get("/api/fiscalyears", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["fiscalYears"]
    return found


def set_languages(session_factory: sessionmaker[Session], company_id: int, languages: list[str]) -> None:
    with session_factory() as session:
        company = session.get(Company, company_id)
        assert company is not None
        company.coa_languages = languages
        session.commit()


def post_receipt(session_factory: sessionmaker[Session], company_id: int, *, account: str, approve: bool) -> int:
    with session_factory() as session:
        receipt = service.create_receipt(
            session,
            company_id=company_id,
            draft=draft(date(THIS_YEAR, 1, 15), entry(account, "25.00"), entry(BANK, "-25.00")),
        )
        if approve:
            service.transition(session, company_id=company_id, receipt_id=receipt.id, action="approve")
        session.commit()
        return receipt.id


# --- chart of accounts ------------------------------------------------------------------------------


def test_get_coa_is_the_chart_in_the_contract_shape(client: TestClient, tenant: Tenant) -> None:
    answer = client.get("/api/coa", headers=tenant.headers)
    assert answer.status_code == 200
    accounts = answer.json()["ledgerAccounts"]
    assert [a["ledgerAccountCode"] for a in accounts] == [a.code for a in chart.DEFAULT_CHART]
    bank = next(a for a in accounts if a["ledgerAccountCode"] == BANK)
    default = chart.by_role(chart.Role.BANK)
    assert bank == {
        "ledgerAccountCode": BANK,
        "name": default.name_fi,
        "active": True,
        "translations": [
            {"languageCode": "fi", "translation": default.name_fi},
            {"languageCode": "sv", "translation": default.name_sv},
            {"languageCode": "en", "translation": default.name_en},
        ],
    }


@pytest.mark.parametrize(
    ("languages", "codes"),
    [
        (["FINNISH", "SWEDISH", "ENGLISH"], ["fi", "sv", "en"]),
        (["SWEDISH"], ["sv"]),
        (["ENGLISH", "FINNISH"], ["en", "fi"]),
        (["FINNISH"], ["fi"]),
        ([], []),
        (["GERMAN"], []),  # no German names exist: nothing to translate
    ],
)
def test_coa_translations_follow_the_company_languages(
    client: TestClient,
    tenant: Tenant,
    session_factory: sessionmaker[Session],
    languages: list[str],
    codes: list[str],
) -> None:
    set_languages(session_factory, tenant.company_id, languages)
    accounts = client.get("/api/coa", headers=tenant.headers).json()["ledgerAccounts"]
    assert {tuple(t["languageCode"] for t in a["translations"]) for a in accounts} == {tuple(codes)}


def test_coa_shows_added_renamed_and_inactive_accounts(client: TestClient, tenant: Tenant) -> None:
    added = client.post(
        "/api/kirjuri/accounts",
        json={"code": "8455", "name": "Hallinnon ohjelmistot", "nameEn": "Admin software"},
        headers=tenant.headers,
    )
    assert added.status_code == 200, added.text
    assert client.patch("/api/kirjuri/accounts/8455", json={"active": False}, headers=tenant.headers).status_code == 200
    accounts = {
        a["ledgerAccountCode"]: a for a in client.get("/api/coa", headers=tenant.headers).json()["ledgerAccounts"]
    }
    assert accounts["8455"] == {
        "ledgerAccountCode": "8455",
        "name": "Hallinnon ohjelmistot",
        "active": False,
        "translations": [
            {"languageCode": "fi", "translation": "Hallinnon ohjelmistot"},
            {"languageCode": "en", "translation": "Admin software"},  # no Swedish name: no translation
        ],
    }


def test_kirjuri_accounts_lists_the_full_chart(client: TestClient, tenant: Tenant) -> None:
    answer = client.get("/api/kirjuri/accounts", headers=tenant.headers)
    assert answer.status_code == 200
    found = {a["code"]: a for a in answer.json()["accounts"]}
    assert list(found) == [a.code for a in chart.DEFAULT_CHART]
    sales = found[chart.by_role(chart.Role.SALES).code]
    default = chart.by_role(chart.Role.SALES)
    assert sales["accountType"] == "REVENUE" and sales["role"] == "SALES" and sales["active"] is True
    assert sales["statementLine"] == default.line and sales["statementLineName"] == "Liikevaihto"
    assert (sales["vatAllowed"], sales["defaultVatStatus"], sales["defaultVatClass"]) == (True, 1, "GENERAL")
    assert (sales["name"], sales["nameSv"], sales["nameEn"]) == (default.name_fi, default.name_sv, default.name_en)
    wages = next(a for a in found.values() if a["code"] == NO_VAT_EXPENSE)
    assert wages["vatAllowed"] is False and "defaultVatStatus" not in wages and "role" not in wages


def test_add_rename_and_delete_an_account(client: TestClient, tenant: Tenant) -> None:
    body = {"code": "3015", "name": "Vientimyynti Norjaan", "vatAllowed": True, "defaultVatStatus": 7}
    added = client.post("/api/kirjuri/accounts", json=body, headers=tenant.headers)
    assert added.status_code == 200, added.text
    assert added.json()["accountType"] == "REVENUE" and added.json()["statementLine"] == chart.line_for_code("3015")
    assert added.json()["defaultVatStatus"] == 7

    again = client.post("/api/kirjuri/accounts", json=body, headers=tenant.headers)
    assert errors(again) == [(409, "code", "ACCOUNT_CODE_EXISTS")]

    renamed = client.patch(
        "/api/kirjuri/accounts/3015",
        json={"nameSv": "Export till Norge", "name": "Vienti Norjaan"},
        headers=tenant.headers,
    )
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["nameSv"]) == ("Vienti Norjaan", "Export till Norge")

    deleted = client.delete("/api/kirjuri/accounts/3015", headers=tenant.headers)
    assert deleted.status_code == 204 and deleted.content == b""
    assert client.delete("/api/kirjuri/accounts/3015", headers=tenant.headers).status_code == 404
    codes = [a["code"] for a in client.get("/api/kirjuri/accounts", headers=tenant.headers).json()["accounts"]]
    assert "3015" not in codes


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"code": "12", "name": "Liian lyhyt"}, (400, "code", "INVALID_ACCOUNT_CODE")),
        ({"code": "31x5", "name": "Kirjain"}, (400, "code", "INVALID_ACCOUNT_CODE")),
        ({"code": "3016"}, (400, "name", "REQUIRED")),
        ({"code": "3016", "name": ""}, (400, "name", "TOO_SHORT")),
        ({"code": "3016", "name": "Tili", "defaultVatStatus": 42}, (400, "defaultVatStatus", "INVALID_VAT_STATUS")),
        ({"code": "3016", "name": "Tili", "defaultVatClass": "HUGE"}, (400, "defaultVatClass", "INVALID_ENUM_VALUE")),
        ({"code": "3016", "name": "Tili ☃"}, (400, "name", "INVALID_CHARACTERS")),
    ],
)
def test_add_account_refuses_bad_input(
    client: TestClient, tenant: Tenant, body: dict[str, Any], expected: tuple[int, str, str]
) -> None:
    answer = client.post("/api/kirjuri/accounts", json=body, headers=tenant.headers)
    assert errors(answer) == [expected]


def test_system_accounts_and_used_accounts_are_kept(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    bank = client.patch(f"/api/kirjuri/accounts/{BANK}", json={"active": False}, headers=tenant.headers)
    assert errors(bank) == [(409, "active", "SYSTEM_ACCOUNT_CANNOT_BE_DEACTIVATED")]
    assert errors(client.delete(f"/api/kirjuri/accounts/{BANK}", headers=tenant.headers)) == [
        (409, "code", "SYSTEM_ACCOUNT_CANNOT_BE_DELETED")
    ]
    post_receipt(session_factory, tenant.company_id, account=NO_VAT_EXPENSE, approve=False)
    used = client.delete(f"/api/kirjuri/accounts/{NO_VAT_EXPENSE}", headers=tenant.headers)
    assert errors(used) == [(409, "code", "ACCOUNT_HAS_POSTINGS")]
    deactivated = client.patch(
        f"/api/kirjuri/accounts/{NO_VAT_EXPENSE}", json={"active": False}, headers=tenant.headers
    )
    assert deactivated.status_code == 200 and deactivated.json()["active"] is False


def test_unknown_account_is_404(client: TestClient, tenant: Tenant) -> None:
    assert errors(client.patch("/api/kirjuri/accounts/7777", json={"name": "x"}, headers=tenant.headers)) == [
        (404, "code", "NOT_FOUND")
    ]


# --- fiscal years -----------------------------------------------------------------------------------


def test_get_fiscal_years_newest_first_with_periods(client: TestClient, tenant: Tenant) -> None:
    opened = client.post("/api/kirjuri/fiscalyears", json={"months": 6}, headers=tenant.headers)
    assert opened.status_code == 200, opened.text
    found = years(client, tenant)
    assert [(y["startDate"], y["endDate"], y["isOpen"]) for y in found] == [
        (f"{THIS_YEAR + 1}-01-01", f"{THIS_YEAR + 1}-06-30", True),
        (f"{THIS_YEAR}-01-01", f"{THIS_YEAR}-12-31", True),
    ]
    assert found[0] == opened.json()
    this_year = found[1]
    assert set(this_year) == {"id", "startDate", "endDate", "modified", "isOpen", "trackingPeriods"}
    periods = this_year["trackingPeriods"]
    assert [p["startDate"] for p in periods] == [f"{THIS_YEAR}-{m:02d}-01" for m in range(1, 13)]
    assert periods[1]["endDate"] == f"{THIS_YEAR}-02-{28 if THIS_YEAR % 4 else 29}"
    assert {p["status"] for p in periods} == {"OPEN"}
    assert set(periods[0]) == {"id", "startDate", "endDate", "status", "modified"}


def test_lock_a_period_open_to_pending_only(client: TestClient, tenant: Tenant) -> None:
    year = years(client, tenant)[0]
    period = year["trackingPeriods"][3]
    url = f"/api/fiscalyears/{year['id']}/trackingPeriods/{period['id']}"
    answer = client.put(url, json={**period, "status": "PENDING"}, headers=tenant.headers)
    assert answer.status_code == 200 and answer.json() == {"message": "Tracking period status updated"}
    assert years(client, tenant)[0]["trackingPeriods"][3]["status"] == "PENDING"
    for status in ("PENDING", "OPEN", "CLOSED"):  # PENDING again, and the contract allows no other move
        assert errors(client.put(url, json={"status": status}, headers=tenant.headers)) == [
            (409, "status", "INVALID_TRACKING_PERIOD_STATUS_CHANGE")
        ]
    other = year["trackingPeriods"][4]
    other_url = f"/api/fiscalyears/{year['id']}/trackingPeriods/{other['id']}"
    for status in ("OPEN", "CLOSED"):  # an OPEN period either
        assert client.put(other_url, json={"status": status}, headers=tenant.headers).status_code == 409
    assert years(client, tenant)[0]["trackingPeriods"][4]["status"] == "OPEN"


@pytest.mark.parametrize(
    ("body", "expected"),
    [({}, (400, "status", "REQUIRED")), ({"status": "LOCKED"}, (400, "status", "INVALID_ENUM_VALUE"))],
)
def test_lock_a_period_needs_a_valid_status(
    client: TestClient, tenant: Tenant, body: dict[str, Any], expected: tuple[int, str, str]
) -> None:
    year = years(client, tenant)[0]
    url = f"/api/fiscalyears/{year['id']}/trackingPeriods/{year['trackingPeriods'][0]['id']}"
    assert errors(client.put(url, json=body, headers=tenant.headers)) == [expected]


def test_reopen_a_locked_period(client: TestClient, tenant: Tenant) -> None:
    year = years(client, tenant)[0]
    period = year["trackingPeriods"][0]
    reopen = f"/api/kirjuri/fiscalyears/{year['id']}/trackingPeriods/{period['id']}/reopen"
    assert errors(client.put(reopen, headers=tenant.headers)) == [
        (409, "status", "INVALID_TRACKING_PERIOD_STATUS_CHANGE")
    ]
    lock = f"/api/fiscalyears/{year['id']}/trackingPeriods/{period['id']}"
    assert client.put(lock, json={"status": "PENDING"}, headers=tenant.headers).status_code == 200
    answer = client.put(reopen, headers=tenant.headers)
    assert answer.status_code == 200
    assert answer.json()["status"] == "OPEN" and answer.json()["id"] == period["id"]


@pytest.mark.parametrize(("body", "periods"), [({}, 12), ({"months": 18}, 18), ({"months": 1}, 1)])
def test_open_the_next_year(client: TestClient, tenant: Tenant, body: dict[str, Any], periods: int) -> None:
    answer = client.post("/api/kirjuri/fiscalyears", json=body, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["startDate"] == f"{THIS_YEAR + 1}-01-01"
    assert len(answer.json()["trackingPeriods"]) == periods


@pytest.mark.parametrize("months", [0, 19])
def test_open_the_next_year_refuses_bad_lengths(client: TestClient, tenant: Tenant, months: int) -> None:
    answer = client.post("/api/kirjuri/fiscalyears", json={"months": months}, headers=tenant.headers)
    assert errors(answer) == [(400, "months", "FISCAL_YEAR_TOO_LONG")]
    assert len(years(client, tenant)) == 1


def test_close_a_year(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    year_id = years(client, tenant)[0]["id"]
    receipt_id = post_receipt(session_factory, tenant.company_id, account=NO_VAT_EXPENSE, approve=False)
    blocked = client.post(f"/api/kirjuri/fiscalyears/{year_id}/close", headers=tenant.headers)
    assert errors(blocked) == [(409, None, "FISCAL_YEAR_HAS_UNFINISHED_RECEIPTS")]
    with session_factory() as session:
        service.transition(session, company_id=tenant.company_id, receipt_id=receipt_id, action="approve")
        session.commit()

    answer = client.post(f"/api/kirjuri/fiscalyears/{year_id}/close", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["fiscalYear"]["id"] == year_id and body["fiscalYear"]["isOpen"] is False
    assert {p["status"] for p in body["fiscalYear"]["trackingPeriods"]} == {"CLOSED"}
    with session_factory() as session:
        opening = session.get(LedgerReceipt, (tenant.company_id, body["openingReceiptId"]))
        assert opening is not None and opening.type == "RECEIPT_FOR_OPENING_ACCOUNTS"
        assert opening.receipt_date == date(THIS_YEAR + 1, 1, 1)
    assert [y["isOpen"] for y in years(client, tenant)] == [True, False]  # the next year was opened

    again = client.post(f"/api/kirjuri/fiscalyears/{year_id}/close", headers=tenant.headers)
    assert errors(again) == [(409, None, "FISCAL_YEAR_ALREADY_CLOSED")]
    period = body["fiscalYear"]["trackingPeriods"][0]
    locked = client.put(
        f"/api/fiscalyears/{year_id}/trackingPeriods/{period['id']}", json={"status": "PENDING"}, headers=tenant.headers
    )
    assert locked.status_code == 409


def test_close_an_empty_year_posts_no_opening_receipt(client: TestClient, tenant: Tenant) -> None:
    year_id = years(client, tenant)[0]["id"]
    answer = client.post(f"/api/kirjuri/fiscalyears/{year_id}/close", headers=tenant.headers)
    assert answer.status_code == 200
    assert "openingReceiptId" not in answer.json()


# --- dimensions -------------------------------------------------------------------------------------


def new_dimension(client: TestClient, tenant: Tenant, name: str = "Kustannuspaikka") -> int:
    answer = client.post("/api/kirjuri/dimensions", json={"name": name}, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"] == name and answer.json()["items"] == []
    dimension_id: int = answer.json()["id"]
    return dimension_id


def test_dimensions_and_items(client: TestClient, tenant: Tenant) -> None:
    assert client.get("/api/dimensions", headers=tenant.headers).json() == []
    dimension_id = new_dimension(client, tenant)
    items_url = f"/api/dimensions/{dimension_id}/items"
    active = client.post(items_url, json={"codeName": "Myynti", "description": "Myyntiosasto"}, headers=tenant.headers)
    assert active.status_code == 200, active.text
    assert active.json() == {"id": active.json()["id"], "codeName": "Myynti", "description": "Myyntiosasto"}
    inactive = client.post(items_url, json={"codeName": "Vanha", "status": "P"}, headers=tenant.headers)
    assert inactive.json() == {"id": inactive.json()["id"], "codeName": "Vanha", "status": "P"}

    one = client.get(f"/api/dimensions/{dimension_id}", headers=tenant.headers)
    assert one.json() == {"id": dimension_id, "name": "Kustannuspaikka", "items": [active.json(), inactive.json()]}
    assert client.get("/api/dimensions", headers=tenant.headers).json() == [one.json()]

    # Both directions of the status: activate the inactive one, deactivate the active one.
    woken = client.put(items_url, json={"id": inactive.json()["id"], "codeName": "Uusi"}, headers=tenant.headers)
    assert woken.json() == {"id": inactive.json()["id"], "codeName": "Uusi"}
    slept = client.put(items_url, json={**active.json(), "status": "P"}, headers=tenant.headers)
    assert slept.json()["status"] == "P" and slept.json()["description"] == "Myyntiosasto"

    renamed = client.put(f"/api/dimensions/{dimension_id}", json={"name": "Tulosyksikkö"}, headers=tenant.headers)
    assert renamed.status_code == 200 and renamed.json() == {"name": "Tulosyksikkö"}
    assert client.get(f"/api/dimensions/{dimension_id}", headers=tenant.headers).json()["name"] == "Tulosyksikkö"


def test_dimension_filters(client: TestClient, tenant: Tenant) -> None:
    centres = new_dimension(client, tenant, "Kustannuspaikka")
    projects = new_dimension(client, tenant, "Projekti")
    for dimension_id, code in ((centres, "Myynti"), (centres, "Hallinto"), (projects, "P100")):
        client.post(f"/api/dimensions/{dimension_id}/items", json={"codeName": code}, headers=tenant.headers)

    def names(query: str) -> dict[str, list[str]]:
        found = client.get(f"/api/dimensions?{query}", headers=tenant.headers).json()
        return {d["name"]: [i["codeName"] for i in d["items"]] for d in found}

    assert names("name=PROJ") == {"Projekti": ["P100"]}
    assert names("codeName=hall") == {"Kustannuspaikka": ["Hallinto"], "Projekti": []}
    assert names("name=paikka&codeName=myy") == {"Kustannuspaikka": ["Myynti"]}


@pytest.mark.parametrize(
    ("call", "body", "expected"),
    [
        ("PUT items", {"codeName": "X"}, (400, "id", "REQUIRED")),
        ("POST items", {"description": "no code"}, (400, "codeName", "REQUIRED")),
        ("POST items", {"codeName": ""}, (400, "codeName", "TOO_SHORT")),
        ("POST items", {"codeName": "X", "status": "A"}, (400, "status", "INVALID_ENUM_VALUE")),
        ("POST items", {"codeName": "x" * 256}, (400, "codeName", "TOO_LONG")),
        ("PUT", {"name": ""}, (400, "name", "TOO_SHORT")),
        ("PUT", {}, (400, "name", "REQUIRED")),
    ],
)
def test_dimension_writes_refuse_bad_input(
    client: TestClient, tenant: Tenant, call: str, body: dict[str, Any], expected: tuple[int, str, str]
) -> None:
    dimension_id = new_dimension(client, tenant)
    method, _, path = call.partition(" ")
    url = f"/api/dimensions/{dimension_id}" + (f"/{path}" if path else "")
    assert errors(client.request(method, url, json=body, headers=tenant.headers)) == [expected]


def test_duplicate_item_code_is_refused(client: TestClient, tenant: Tenant) -> None:
    dimension_id = new_dimension(client, tenant)
    url = f"/api/dimensions/{dimension_id}/items"
    assert client.post(url, json={"codeName": "A"}, headers=tenant.headers).status_code == 200
    assert errors(client.post(url, json={"codeName": "A"}, headers=tenant.headers)) == [
        (400, "codeName", "DIMENSION_ITEM_CODE_NAME_EXISTS")
    ]


@pytest.mark.parametrize("dimension_id", ["999999", "0", "-1", "99999999999"])
def test_unknown_dimension_is_404(client: TestClient, tenant: Tenant, dimension_id: str) -> None:
    for method, url, body in (
        ("GET", f"/api/dimensions/{dimension_id}", None),
        ("PUT", f"/api/dimensions/{dimension_id}", {"name": "x"}),
        ("POST", f"/api/dimensions/{dimension_id}/items", {"codeName": "x"}),
        ("PUT", f"/api/dimensions/{dimension_id}/items", {"id": 1, "codeName": "x"}),
    ):
        answer = client.request(method, url, json=body, headers=tenant.headers)
        assert answer.status_code == 404, (method, url, answer.text)


def test_path_ids_must_be_numbers(client: TestClient, tenant: Tenant) -> None:
    assert errors(client.get("/api/dimensions/abc", headers=tenant.headers)) == [
        (400, "dimensionId", "INVALID_INTEGER")
    ]


# --- tenancy ----------------------------------------------------------------------------------------


def test_another_companys_ids_are_404(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    # Ids are per company: ids that exist only in `tenant` (a second year, a dimension, an account).
    year = client.post("/api/kirjuri/fiscalyears", json={}, headers=tenant.headers).json()
    period_id = year["trackingPeriods"][0]["id"]
    dimension_id = new_dimension(client, tenant)
    item = client.post(f"/api/dimensions/{dimension_id}/items", json={"codeName": "A"}, headers=tenant.headers).json()
    assert client.post(
        "/api/kirjuri/accounts", json={"code": "8456", "name": "Meidän"}, headers=tenant.headers
    ).is_success
    assert len(years(client, other_tenant)) == 1
    calls: list[Call] = [
        ("GET", f"/api/dimensions/{dimension_id}", None),
        ("PUT", f"/api/dimensions/{dimension_id}", {"name": "Kaapattu"}),
        ("POST", f"/api/dimensions/{dimension_id}/items", {"codeName": "B"}),
        ("PUT", f"/api/dimensions/{dimension_id}/items", {"id": item["id"], "codeName": "C"}),
        ("PATCH", "/api/kirjuri/accounts/8456", {"name": "Kaapattu"}),
        ("DELETE", "/api/kirjuri/accounts/8456", None),
        ("PUT", f"/api/fiscalyears/{year['id']}/trackingPeriods/{period_id}", {"status": "PENDING"}),
        ("PUT", f"/api/kirjuri/fiscalyears/{year['id']}/trackingPeriods/{period_id}/reopen", None),
        ("POST", f"/api/kirjuri/fiscalyears/{year['id']}/close", None),
    ]
    for method, url, body in calls:
        answer = client.request(method, url, json=body, headers=other_tenant.headers)
        assert answer.status_code == 404, (method, url, answer.text)
    # Nothing of ours changed, and the other company sees none of it.
    assert client.get(f"/api/dimensions/{dimension_id}", headers=tenant.headers).json()["name"] == "Kustannuspaikka"
    assert client.get("/api/dimensions", headers=other_tenant.headers).json() == []
    assert [y["isOpen"] for y in years(client, tenant)] == [True, True]
    assert {p["status"] for p in years(client, tenant)[0]["trackingPeriods"]} == {"OPEN"}
    coa = client.get("/api/coa", headers=other_tenant.headers).json()["ledgerAccounts"]
    assert "8456" not in [a["ledgerAccountCode"] for a in coa]


# --- rights -----------------------------------------------------------------------------------------

READ_ENDPOINTS = ("/api/coa", "/api/fiscalyears", "/api/dimensions", "/api/kirjuri/accounts")


@pytest.mark.parametrize(
    ("rights", "can_read"),
    [
        ({"accounting": {"journalReceipts": VIEW}}, True),
        ({"accounting": {"accountingReports": VIEW}}, True),
        ({"accounting": {"closingOfAccountTools": ALL}}, True),
        ({"management": {"basicAccountingInfo": VIEW}}, True),
        ({"management": {"chartOfAccountsAndDefaultReports": VIEW}}, True),
        ({"sales": {"salesOrGroupInvoices": ALL}, "management": {"basicCompanyInfo": ALL}}, False),
        ({}, False),
    ],
)
def test_reading_needs_an_accounting_right(
    client: TestClient,
    session_factory: sessionmaker[Session],
    settings: Settings,
    rights: dict[str, Any],
    can_read: bool,
) -> None:
    user = make_tenant(session_factory, settings, user_rights=rights)
    for url in READ_ENDPOINTS:
        answer = client.get(url, headers=user.headers)
        if can_read:
            assert answer.status_code == 200, (url, answer.text)
        else:
            assert errors(answer) == [(403, None, "INSUFFICIENT_RIGHTS")], url


def write_calls(session_factory: sessionmaker[Session], who: Tenant) -> dict[str, list[Call]]:
    """Every write, by the right it needs (ALL_RIGHTS), with ids of `who`'s company."""
    with session_factory() as session:
        year, periods = fiscal.years(session, company_id=who.company_id)[0]
        dimension_id = dimensions.create_dimension(session, company_id=who.company_id, name="D").id
        session.commit()
        period = f"/api/fiscalyears/{year.id}/trackingPeriods/{periods[0].id}"
        close = f"/api/kirjuri/fiscalyears/{year.id}/close"
    return {
        "management.chartOfAccountsAndDefaultReports": [
            ("POST", "/api/kirjuri/accounts", {"code": "8457", "name": "Uusi"}),
            ("PATCH", f"/api/kirjuri/accounts/{BANK}", {"name": "Pankki"}),
            ("DELETE", "/api/kirjuri/accounts/8457", None),
        ],
        "accounting.closingOfAccountTools": [
            ("PUT", period, {"status": "PENDING"}),
            ("PUT", f"/api/kirjuri{period.removeprefix('/api')}/reopen", None),
            ("POST", "/api/kirjuri/fiscalyears", {}),
            ("POST", close, None),
        ],
        "management.basicAccountingInfo": [
            ("POST", "/api/kirjuri/dimensions", {"name": "Uusi"}),
            ("PUT", f"/api/dimensions/{dimension_id}", {"name": "Uusi nimi"}),
            ("POST", f"/api/dimensions/{dimension_id}/items", {"codeName": "X"}),
            ("PUT", f"/api/dimensions/{dimension_id}/items", {"id": 1, "codeName": "Y"}),
        ],
    }


@pytest.mark.parametrize(
    "right", ["management.chartOfAccountsAndDefaultReports", "accounting.closingOfAccountTools",
              "management.basicAccountingInfo"],
)  # fmt: skip
def test_writes_need_all_rights_on_their_own_right(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings, right: str
) -> None:
    group, name = right.split(".")
    for level, may_write in ((VIEW, False), (ALL, True)):
        who = make_tenant(session_factory, settings, user_rights={group: {name: level}})
        for needed, calls in write_calls(session_factory, who).items():
            for method, url, body in calls:
                answer = client.request(method, url, json=body, headers=who.headers)
                if needed == right and may_write:
                    assert answer.is_success, (method, url, answer.text)
                else:
                    assert errors(answer) == [(403, None, "INSUFFICIENT_RIGHTS")], (level, method, url)
