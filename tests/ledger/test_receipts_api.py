"""Ledger receipts (§D.15) and journals (§D.14) over HTTP: every endpoint, the contract shapes,
error bodies and field paths, both paging styles, every ordering and filter, batch GET, tenancy,
rights and Idempotency-Key replay."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import rules as rights
from kirjuri.config import Settings
from kirjuri.ledger import dimensions, service
from tests.api.checks import assert_error
from tests.factories import Tenant, make_tenant, unique
from tests.ledger.helpers import (
    BANK,
    NO_VAT_EXPENSE,
    PURCHASES,
    SALES,
    THIS_YEAR,
    assert_balances_match,
    day,
    dimension_with_items,
    draft,
    journal,
    jsonable,
    lock_period,
    row,
)

RECEIPTS = "/api/ledgerreceipts"
DIMENSION_CODE = "DIMENSION_OR_DIMENSION_ITEM_IDENTIFIERS_DOES_NOT_MATCH_THOSE_STORED_IN_DATABASE"
JOURNALS = "/api/journals"


def _post(client: TestClient, tenant: Tenant, body: dict[str, Any], query: str = "") -> Any:
    return client.post(RECEIPTS + query, json=jsonable(body), headers=tenant.headers)


def _created(client: TestClient, tenant: Tenant, body: dict[str, Any] | None = None, query: str = "") -> dict[str, Any]:
    response = _post(client, tenant, body or journal(day(3)), query)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _put(client: TestClient, tenant: Tenant, receipt_id: int, body: dict[str, Any], **kw: Any) -> Any:
    headers = {**tenant.headers, **kw.pop("headers", {})}
    return client.put(f"{RECEIPTS}/{receipt_id}", json=jsonable(body), headers=headers, **kw)


def _search(client: TestClient, tenant: Tenant, query: str = "") -> dict[str, Any]:
    response = client.get(f"{RECEIPTS}?{query}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _ids(client: TestClient, tenant: Tenant, query: str = "") -> list[int]:
    return [r["id"] for r in _search(client, tenant, query)["results"]]


# --- POST and the receipt's shape ------------------------------------------------------------------


def test_post_answers_the_receipt_in_the_contract_shape(client: TestClient, tenant: Tenant) -> None:
    body = journal(
        day(3),
        row(PURCHASES, "100", vat_percent="25.5", description="Tarvikkeet", startDate="2026-03-01",
            endDate="2026-03-31"),
        row(BANK, "-125.5", kind="REVERSING_ENTRY"),
        name="Ostot maaliskuu", accountantsNotes="Tarkistettu", transactionDescription="Ostot",
        receiptValidity="IMMEDIATELY", periodStartDate="2026-03-01", periodEndDate="2026-03-31",
        depreciation="EMPTY", invoiceNotes="Huom.", vatDate=str(day(3)), partnerCode="1234567-8",
    )  # fmt: skip
    response = _post(client, tenant, body)
    assert response.status_code == 200, response.text
    assert response.headers["etag"].startswith('W/"')
    got = response.json()
    assert set(got) == {
        "id", "type", "status", "name", "receiptDate", "vatType", "vatStatus", "invoiceId", "receiptNumber",
        "invoiceNotes", "invoiceNumber", "accountantsNotes", "transactionDescription", "receiptValidity",
        "periodStartDate", "periodEndDate", "partnerCode", "version", "depreciation", "vatDate", "transactions",
    }  # fmt: skip
    assert (got["type"], got["status"], got["receiptNumber"], got["name"]) == (
        "JOURNAL", "UNFINISHED", 1, "Ostot maaliskuu"
    )  # fmt: skip
    assert (got["vatType"], got["vatStatus"], got["receiptDate"]) == ("PURCHASE", 1, str(day(3)))
    assert got["invoiceId"] > 0 and got["invoiceNumber"] == 1
    first, second = got["transactions"]  # the server's VAT row is not shown
    assert isinstance(first["id"], int) and first["id"] != second["id"]
    assert (first["transactionType"], first["account"], first["description"]) == ("ENTRY", PURCHASES, "Tarvikkeet")
    assert Decimal(str(first["accountingValue"])) == Decimal("100.00")
    assert Decimal(str(first["vatPercent"])) == Decimal("25.5")
    assert (first["vatStatus"], first["vatType"], first["dimensionItemValues"]) == (1, "PURCHASE", [])
    assert (first["startDate"], first["endDate"]) == ("2026-03-01", "2026-03-31")
    assert (second["transactionType"], second["accountingValue"]) == ("REVERSING_ENTRY", -125.5)
    assert "vatStatus" not in second
    # Amounts leave with two decimals, exactly.
    assert '"accountingValue":100.00' in response.text and '"accountingValue":-125.50' in response.text


def test_get_answers_what_post_answered(client: TestClient, tenant: Tenant) -> None:
    created = _created(client, tenant)
    response = client.get(f"{RECEIPTS}/{created['id']}", headers=tenant.headers)
    assert response.status_code == 200
    assert response.json() == created
    assert response.headers["etag"]


def test_create_reconciliation_row_is_visible(client: TestClient, tenant: Tenant) -> None:
    body = journal(day(3), row(NO_VAT_EXPENSE, "10.00"), row(BANK, "-9.99"))
    assert_error(_post(client, tenant, body), 400, "RECEIPT_NOT_BALANCED", "transactions")
    assert_error(_post(client, tenant, body, "?createReconciliation=false"), 400, "RECEIPT_NOT_BALANCED")
    got = _created(client, tenant, body, "?createReconciliation=true")
    assert [(t["transactionType"], t["account"], t["accountingValue"]) for t in got["transactions"]] == [
        ("ENTRY", NO_VAT_EXPENSE, 10.0),
        ("ENTRY", BANK, -9.99),
        ("RECONCILIATION_ENTRY", NO_VAT_EXPENSE, -0.01),
    ]


def _valid() -> dict[str, Any]:
    return journal(day(3))


def _with(change: dict[str, Any]) -> dict[str, Any]:
    body = _valid()
    for key, value in change.items():
        if key.startswith("transactions[0]."):
            body["transactions"][0][key.removeprefix("transactions[0].")] = value
        elif value is _DROP:
            body.pop(key)
        else:
            body[key] = value
    return body


_DROP = object()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"name": _DROP}, "REQUIRED", "name"),
        ({"name": "x" * 81}, "TOO_LONG", "name"),
        ({"type": "JOURNALS"}, "INVALID_ENUM_VALUE", "type"),
        ({"type": "SALES_INVOICE"}, "INVALID_RECEIPT_TYPE", "type"),
        ({"receiptDate": "2026-02-30"}, "INVALID_DATE", "receiptDate"),
        ({"vatType": "BOTH"}, "INVALID_ENUM_VALUE", "vatType"),
        ({"vatStatus": _DROP}, "REQUIRED", "vatStatus"),
        ({"vatStatus": None}, "REQUIRED", "vatStatus"),
        ({"vatProcessing": "NARNIA"}, "INVALID_ENUM_VALUE", "vatProcessing"),
        ({"accountantsNotes": "x" * 256}, "TOO_LONG", "accountantsNotes"),
        ({"receiptValidity": "SOMETIMES"}, "INVALID_ENUM_VALUE", "receiptValidity"),
        ({"depreciation": "FAST"}, "INVALID_ENUM_VALUE", "depreciation"),
        ({"periodStartDate": "2026-03-31", "periodEndDate": "2026-03-01"}, "PERIOD_START_DATE_NOT_BEFORE_END_DATE",
         "periodStartDate"),
        ({"transactions": []}, "TOO_FEW_ITEMS", "transactions"),
        ({"transactions": _DROP}, "REQUIRED", "transactions"),
        ({"transactions[0].transactionType": "DEBIT"}, "INVALID_ENUM_VALUE", "transactions[0].transactionType"),
        ({"transactions[0].account": ""}, "TOO_SHORT", "transactions[0].account"),
        ({"transactions[0].account": "0000"}, "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION",
         "transactions[0].account"),
        ({"transactions[0].accountingValue": "abc"}, "INVALID_DECIMAL", "transactions[0].accountingValue"),
        ({"transactions[0].accountingValue": 1e13}, "OUT_OF_RANGE", "transactions[0].accountingValue"),
        ({"transactions[0].description": "x" * 256}, "TOO_LONG", "transactions[0].description"),
        ({"transactions[0].vatPercent": 25.5}, "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION",
         "transactions[0].account"),
        ({"transactions[0].vatStatus": 2}, "ERROR_VATSTATUS_VATPERC", "transactions[0].vatStatus"),
        ({"transactions[0].dimensionItemValues": [{"dimensionId": 1, "itemId": 1}]}, "REQUIRED",
         "transactions[0].dimensionItemValues[0].value"),
        ({"name": "Лист"}, "INVALID_CHARACTERS", "name"),
    ],
)  # fmt: skip
def test_post_error_bodies(client: TestClient, tenant: Tenant, change: dict[str, Any], code: str, field: str) -> None:
    assert_error(_post(client, tenant, _with(change)), 400, code, field)
    assert _search(client, tenant)["meta"]["totalCount"] == 0


def test_post_refuses_a_bad_flag_and_malformed_json(client: TestClient, tenant: Tenant) -> None:
    assert_error(_post(client, tenant, _valid(), "?createReconciliation=maybe"), 400, "INVALID_BOOLEAN",
                 "createReconciliation")  # fmt: skip
    raw = client.post(RECEIPTS, content=b"{", headers={**tenant.headers, "Content-Type": "application/json"})
    assert_error(raw, 400, "MALFORMED_JSON")


def test_post_in_a_locked_period(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        lock_period(session, company_id=tenant.company_id, when=day(2))
        session.commit()
    assert_error(_post(client, tenant, journal(day(2))), 400, "CLOSED_FISCAL_PERIOD", "receiptDate")
    assert_error(_post(client, tenant, journal(date(THIS_YEAR + 3, 1, 1))), 400, "CLOSED_FISCAL_PERIOD")


def test_idempotency_key_replays_the_post(client: TestClient, tenant: Tenant) -> None:
    headers = {**tenant.headers, "Idempotency-Key": unique("key")}
    first = client.post(RECEIPTS, json=jsonable(_valid()), headers=headers)
    again = client.post(RECEIPTS, json=jsonable(_valid()), headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
    assert _search(client, tenant)["meta"]["totalCount"] == 1


# --- batch GET -------------------------------------------------------------------------------------


def test_batch_get(client: TestClient, tenant: Tenant) -> None:
    a, b = _created(client, tenant)["id"], _created(client, tenant)["id"]
    both = client.get(f"{RECEIPTS}/{b},{a},x,{a},999999", headers=tenant.headers)
    assert both.status_code == 200
    assert [r["id"] for r in both.json()] == [a, b]
    assert all(len(r["transactions"]) == 2 for r in both.json())
    one_of_several = client.get(f"{RECEIPTS}/{a},999999", headers=tenant.headers)
    assert [r["id"] for r in one_of_several.json()] == [a]
    assert_error(client.get(f"{RECEIPTS}/999999", headers=tenant.headers), 404, "NOT_FOUND", "receiptId")
    assert_error(client.get(f"{RECEIPTS}/999998,999999", headers=tenant.headers), 404)
    assert_error(client.get(f"{RECEIPTS}/abc", headers=tenant.headers), 404)
    too_many = ",".join(str(i) for i in range(1, 202))
    assert_error(client.get(f"{RECEIPTS}/{too_many}", headers=tenant.headers), 400, "TOO_MANY_IDS", "receiptId")


# --- PUT ---------------------------------------------------------------------------------------------


def test_put_replaces_the_accounting(client: TestClient, tenant: Tenant) -> None:
    created = _created(client, tenant)
    body = journal(day(4), row(PURCHASES, "50", vat_percent="13.5"), row(BANK, "-56.75"), name="Korjattu",
                   version=created["version"])  # fmt: skip
    response = _put(client, tenant, created["id"], body)
    assert response.status_code == 200, response.text
    got = response.json()
    assert (got["id"], got["receiptNumber"], got["name"], got["receiptDate"]) == (
        created["id"], 1, "Korjattu", str(day(4))
    )  # fmt: skip
    assert got["version"] != created["version"]
    assert [t["accountingValue"] for t in got["transactions"]] == [50.0, -56.75]
    assert client.get(f"{RECEIPTS}/{created['id']}", headers=tenant.headers).json() == got


def test_put_with_create_reconciliation(client: TestClient, tenant: Tenant) -> None:
    created = _created(client, tenant)
    body = journal(day(3), row(NO_VAT_EXPENSE, "10"), row(BANK, "-9.50"), version=created["version"])
    got = _put(client, tenant, created["id"], body, params={"createReconciliation": "true"}).json()
    assert got["transactions"][-1]["transactionType"] == "RECONCILIATION_ENTRY"
    assert got["transactions"][-1]["accountingValue"] == -0.5


def test_put_version_rules(client: TestClient, tenant: Tenant) -> None:
    created = _created(client, tenant)
    assert_error(_put(client, tenant, created["id"], _valid()), 400, "REQUIRED", "version")
    fresh = _put(client, tenant, created["id"], {**_valid(), "version": created["version"]})
    assert fresh.status_code == 200
    stale = _put(client, tenant, created["id"], {**_valid(), "name": "Toinen", "version": created["version"]})
    assert_error(stale, 400, "VERSION_CONFLICT", "version")
    assert client.get(f"{RECEIPTS}/{created['id']}", headers=tenant.headers).json()["name"] == "Testitosite"


def test_put_honours_if_match(client: TestClient, tenant: Tenant) -> None:
    created = client.post(RECEIPTS, json=jsonable(_valid()), headers=tenant.headers)
    etag, version = created.headers["etag"], created.json()["version"]
    receipt_id = created.json()["id"]
    ok = _put(client, tenant, receipt_id, {**_valid(), "version": version}, headers={"If-Match": etag})
    assert ok.status_code == 200
    stale = _put(client, tenant, receipt_id, {**_valid(), "version": ok.json()["version"]},
                 headers={"If-Match": etag})  # fmt: skip
    assert_error(stale, 412, "PRECONDITION_FAILED", "If-Match")


def test_put_errors(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    created = _created(client, tenant)
    body = {**_valid(), "version": created["version"]}
    assert_error(_put(client, tenant, 999999, body), 404, "NOT_FOUND", "receiptId")
    assert_error(_put(client, tenant, 2**40, body), 404)
    assert_error(client.get(f"{RECEIPTS}/{2**70}", headers=tenant.headers), 404)
    assert_error(client.put(f"{RECEIPTS}/{2**70}/approve", headers=tenant.headers), 404)
    wrong = client.put(f"{RECEIPTS}/abc", json=jsonable(body), headers=tenant.headers)
    assert_error(wrong, 400, "INVALID_INTEGER", "receiptId")
    bad_row = {**body, "transactions": [row(NO_VAT_EXPENSE, "1"), row("9", "-1")]}
    assert_error(_put(client, tenant, created["id"], bad_row), 400, "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION",
                 "transactions[1].account")  # fmt: skip
    assert_error(_put(client, tenant, created["id"], {**body, "type": "SALES_INVOICE"}), 400, "INVALID_RECEIPT_TYPE")
    with session_factory() as session:
        lock_period(session, company_id=tenant.company_id, when=day(2))
        session.commit()
    assert_error(_put(client, tenant, created["id"], {**body, "receiptDate": str(day(2))}), 400,
                 "CLOSED_FISCAL_PERIOD", "receiptDate")  # fmt: skip


def test_put_of_a_system_receipt_is_403(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        salary = service.create_receipt(
            session, company_id=tenant.company_id, draft=draft(day(3), receipt_type="SALARY"),
            allowed_types=("SALARY",),
        )  # fmt: skip
        session.commit()
        salary_id, version = salary.id, salary.version
    body = {**_valid(), "type": "SALARY", "version": version.isoformat()}
    assert_error(_put(client, tenant, salary_id, body), 403, "RECEIPT_TYPE_NOT_EDITABLE")
    assert_error(client.put(f"{RECEIPTS}/{salary_id}/approve", headers=tenant.headers), 403, "ONLY_JOURNALS")
    shown = client.get(f"{RECEIPTS}/{salary_id}", headers=tenant.headers).json()
    assert shown["type"] == "SALARY"


# --- status transitions --------------------------------------------------------------------------------


def test_status_endpoints(client: TestClient, tenant: Tenant) -> None:
    receipt_id = _created(client, tenant)["id"]

    def status() -> str:
        return str(client.get(f"{RECEIPTS}/{receipt_id}", headers=tenant.headers).json()["status"])

    def call(action: str) -> Any:
        return client.put(f"{RECEIPTS}/{receipt_id}/{action}", headers=tenant.headers)

    assert_error(call("unfinished"), 403, "INVALID_STATUS_TRANSITION", "status")
    approved = call("approve")
    assert approved.status_code == 200 and set(approved.json()) == {"message"}
    assert status() == "APPROVED"
    assert_error(call("approve"), 403, "INVALID_STATUS_TRANSITION")
    assert call("invalidate").status_code == 200 and status() == "INVALIDATED"
    assert_error(call("invalidate"), 403, "INVALID_STATUS_TRANSITION")
    assert_error(call("approve"), 403, "INVALID_STATUS_TRANSITION")
    assert call("unfinished").status_code == 200 and status() == "UNFINISHED"
    assert call("invalidate").status_code == 200 and status() == "INVALIDATED"
    for action in ("approve", "invalidate", "unfinished"):
        assert_error(client.put(f"{RECEIPTS}/999999/{action}", headers=tenant.headers), 404, "NOT_FOUND")


def test_status_change_in_a_locked_period(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    receipt_id = _created(client, tenant, journal(day(2)))["id"]
    with session_factory() as session:
        lock_period(session, company_id=tenant.company_id, when=day(2))
        session.commit()
    response = client.put(f"{RECEIPTS}/{receipt_id}/approve", headers=tenant.headers)
    assert_error(response, 400, "CLOSED_FISCAL_PERIOD", "receiptDate")


# --- dimensions -------------------------------------------------------------------------------------


def test_put_transaction_dimensions(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        dim, (a, b) = dimension_with_items(session, company_id=tenant.company_id)
        session.commit()
    created = _created(client, tenant)
    target = created["transactions"][0]["id"]
    url = f"{RECEIPTS}/{created['id']}/transactions/{target}/dimensions"
    values = [{"dimensionId": dim, "itemId": a, "value": 60}, {"dimensionId": dim, "itemId": b, "value": 40.00}]
    response = client.put(url, json={"dimensionItemValues": values}, headers=tenant.headers)
    assert response.status_code == 200, response.text
    got = response.json()
    assert got["id"] == created["id"] and got["version"] != created["version"]
    assert got["transactions"][0]["dimensionItemValues"] == [
        {"dimensionId": dim, "itemId": a, "value": 60.0},
        {"dimensionId": dim, "itemId": b, "value": 40.0},
    ]
    assert got["transactions"][1]["dimensionItemValues"] == []
    assert_error(client.put(url, json={"dimensionItemValues": values[:1]}, headers=tenant.headers), 400,
                 "DIMENSION_VALUES_DO_NOT_SUM_TO_ACCOUNTING_VALUE", "dimensionItemValues")  # fmt: skip
    unknown = [{"dimensionId": dim, "itemId": b + 1000, "value": 100}]
    assert_error(client.put(url, json={"dimensionItemValues": unknown}, headers=tenant.headers), 400,
                 DIMENSION_CODE, "dimensionItemValues[0]")  # fmt: skip
    assert_error(client.put(url, json={}, headers=tenant.headers), 400, "REQUIRED", "dimensionItemValues")
    cleared = client.put(url, json={"dimensionItemValues": []}, headers=tenant.headers)
    assert cleared.json()["transactions"][0]["dimensionItemValues"] == []
    other_row = f"{RECEIPTS}/{created['id']}/transactions/999999/dimensions"
    assert_error(client.put(other_row, json={"dimensionItemValues": []}, headers=tenant.headers), 404)


def test_post_with_dimensions_and_an_inactive_item(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        dim, (a, b) = dimension_with_items(session, company_id=tenant.company_id)
        dimensions.update_item(session, company_id=tenant.company_id, dimension_id=dim, item_id=b, code_name="K1",
                               description=None, active=False)  # fmt: skip
        session.commit()
    split = [{"dimensionId": dim, "itemId": a, "value": 100}]
    got = _created(client, tenant, journal(day(3), row(NO_VAT_EXPENSE, "100", dimensionItemValues=split),
                                           row(BANK, "-100")))  # fmt: skip
    assert got["transactions"][0]["dimensionItemValues"] == [{"dimensionId": dim, "itemId": a, "value": 100.0}]
    inactive = [{"dimensionId": dim, "itemId": b, "value": 100}]
    body = journal(day(3), row(NO_VAT_EXPENSE, "100", dimensionItemValues=inactive), row(BANK, "-100"))
    assert_error(_post(client, tenant, body), 400, DIMENSION_CODE, "transactions[0].dimensionItemValues[0]")


# --- search: filters, paging, ordering ------------------------------------------------------------


def test_search_shape_and_size_page_paging(client: TestClient, tenant: Tenant) -> None:
    ids = [_created(client, tenant)["id"] for _ in range(5)]
    found = _search(client, tenant)
    assert found["meta"] == {"pageNumber": 0, "pageSize": 50, "resultCount": 5, "totalCount": 5}
    first = found["results"][0]
    assert set(first) == {"id", "type", "status", "name", "receiptDate", "receiptNumber", "invoiceNumber",
                          "created", "version"}  # fmt: skip
    assert [r["id"] for r in found["results"]] == sorted(ids, reverse=True)
    page1 = _search(client, tenant, "size=2&page=1")
    assert [r["id"] for r in page1["results"]] == sorted(ids, reverse=True)[2:4]
    assert page1["meta"] == {"pageNumber": 1, "pageSize": 2, "resultCount": 2, "totalCount": 5}
    assert _search(client, tenant, "size=2&page=3")["results"] == []


def test_search_keyset_paging_by_previous_id(client: TestClient, tenant: Tenant) -> None:
    ids = sorted(_created(client, tenant)["id"] for _ in range(5))
    assert _ids(client, tenant, f"size=2&previousId={ids[3]}") == [ids[2], ids[1]]
    assert _ids(client, tenant, f"size=2&previousId={ids[1]}&orderById=ASC") == [ids[2], ids[3]]
    after = _search(client, tenant, f"size=2&previousId={ids[1]}")
    assert after["meta"]["totalCount"] == 5  # counts every match, not only those after the anchor
    assert _ids(client, tenant, "previousId=0") == ids[::-1]  # 0: from the start (old clients)


# Receipt dates in creation order: the id order, the date order and the version order all differ.
_MONTHS = [3, 1, 2, 1, 3]


def _ordered_books(client: TestClient, tenant: Tenant) -> list[dict[str, Any]]:
    made = [_created(client, tenant, journal(day(m)))["id"] for m in _MONTHS]
    # Touch the first and the third again: their versions become the newest, in that order.
    for receipt_id in (made[2], made[0]):
        assert client.put(f"{RECEIPTS}/{receipt_id}/approve", headers=tenant.headers).status_code == 200
    return _search(client, tenant, "orderById=ASC")["results"]


def _key(name: str) -> Any:
    return lambda r: r[name]


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("", [("id", True)]),
        ("orderById=DESC", [("id", True)]),
        ("orderById=ASC", [("id", False)]),
        ("orderByDate=ASC", [("receiptDate", False), ("id", False)]),
        ("orderByDate=DESC", [("receiptDate", True), ("id", True)]),
        ("orderByDate=ASC&orderById=DESC", [("receiptDate", False), ("id", True)]),
        ("orderByCreated=ASC", [("created", False), ("id", False)]),
        ("orderByCreated=DESC", [("created", True), ("id", True)]),
        ("orderByVersion=ASC", [("version", False), ("id", False)]),
        ("orderByVersion=DESC", [("version", True), ("id", True)]),
        # Several: date first, then version, then the id.
        ("orderByVersion=DESC&orderByDate=ASC", [("receiptDate", False), ("version", True), ("id", False)]),
    ],
)
def test_search_orderings_with_both_paging_styles(
    client: TestClient, tenant: Tenant, query: str, keys: list[tuple[str, bool]]
) -> None:
    rows = _ordered_books(client, tenant)
    expected = list(rows)
    for name, descending in reversed(keys):  # stable sorts, least significant key first
        expected.sort(key=_key(name), reverse=descending)
    want = [r["id"] for r in expected]
    assert _ids(client, tenant, query) == want
    paged = [i for page in range(3) for i in _ids(client, tenant, f"{query}&size=2&page={page}")]
    assert paged == want
    keyset: list[int] = []
    batch = _ids(client, tenant, f"{query}&size=2")
    for _page in range(len(want)):  # bounded: a keyset that repeats rows must fail, not loop
        if not batch:
            break
        keyset += batch
        batch = _ids(client, tenant, f"{query}&size=2&previousId={batch[-1]}")
    assert keyset == want


def test_search_filters(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    jan = _created(client, tenant, journal(day(1, 10)))
    feb = _created(client, tenant, journal(day(2, 10)))
    mar = _created(client, tenant, journal(day(3, 10)))
    with session_factory() as session:
        salary = service.create_receipt(session, company_id=tenant.company_id, draft=draft(day(2, 20),
                                        receipt_type="SALARY"), allowed_types=("SALARY",))  # fmt: skip
        session.commit()
        salary_id = salary.id
    assert client.put(f"{RECEIPTS}/{feb['id']}/approve", headers=tenant.headers).status_code == 200
    feb_version = client.get(f"{RECEIPTS}/{feb['id']}", headers=tenant.headers).json()["version"]

    def ids(query: str) -> set[int]:
        return set(_ids(client, tenant, query))

    assert ids(f"startDate={day(2, 10)}") == {feb["id"], mar["id"], salary_id}
    assert ids(f"endDate={day(2, 10)}") == {jan["id"], feb["id"]}
    assert ids(f"startDate={day(2, 1)}&endDate={day(2, 28)}") == {feb["id"], salary_id}
    assert ids(f"createdStartDate={feb['version']}") == {feb["id"], mar["id"], salary_id}
    assert ids(f"createdEndDate={feb['version']}") == {jan["id"], feb["id"]}
    assert ids(f"versionStartDate={feb_version}") == {feb["id"]}
    assert ids(f"versionEndDate={mar['version']}") == {jan["id"], mar["id"]}
    assert ids("types=SALARY") == {salary_id}
    assert ids("types=JOURNAL,SALARY") == ids("types=JOURNAL&types=SALARY") == {jan["id"], feb["id"], mar["id"],
                                                                                salary_id}  # fmt: skip
    assert ids("types=SALES_INVOICE") == set()
    assert ids("status=APPROVED") == {feb["id"]}
    assert ids("status=UNFINISHED,APPROVED&types=JOURNAL") == {jan["id"], feb["id"], mar["id"]}
    assert _search(client, tenant, "status=APPROVED")["meta"]["totalCount"] == 1
    # A date-time without a zone is UTC; a date alone is its midnight.
    assert ids(f"createdStartDate={THIS_YEAR + 1}-01-01T00:00:00") == set()
    assert len(ids(f"createdStartDate={THIS_YEAR - 1}-01-01")) == 4


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("orderById=UP", "INVALID_ENUM_VALUE", "orderById"),
        ("orderByDate=asc", "INVALID_ENUM_VALUE", "orderByDate"),
        ("orderByCreated=X", "INVALID_ENUM_VALUE", "orderByCreated"),
        ("orderByVersion=1", "INVALID_ENUM_VALUE", "orderByVersion"),
        ("startDate=2026-13-01", "INVALID_DATE", "startDate"),
        ("endDate=tomorrow", "INVALID_DATE", "endDate"),
        ("createdStartDate=x", "INVALID_DATETIME", "createdStartDate"),
        ("createdEndDate=x", "INVALID_DATETIME", "createdEndDate"),
        ("versionStartDate=x", "INVALID_DATETIME", "versionStartDate"),
        ("versionEndDate=2026-01-01T25:00:00", "INVALID_DATETIME", "versionEndDate"),
        ("types=JOURNAL,VAT_SUMMARY", "INVALID_ENUM_VALUE", "types"),
        ("types=FOO", "INVALID_ENUM_VALUE", "types"),
        ("status=DONE", "INVALID_ENUM_VALUE", "status"),
        ("size=0", "INVALID_PAGE_SIZE", "size"),
        ("size=201", "INVALID_PAGE_SIZE", "size"),
        ("page=-1", "INVALID_PAGE_NUMBER", "page"),
        ("previousId=x", "INVALID_INTEGER", "previousId"),
        ("previousId=99999999999999999999", "OUT_OF_RANGE", "previousId"),
        ("page=99999999999999999999", "OUT_OF_RANGE", "page"),
        ("page=2147483648", "OUT_OF_RANGE", "page"),
        ("createdStartDate=0001-01-01T00:00:00%2B14:00", "INVALID_DATETIME", "createdStartDate"),
        ("versionEndDate=9999-12-31T23:59:59-14:00", "INVALID_DATETIME", "versionEndDate"),
    ],
)
def test_search_refuses_bad_parameters(client: TestClient, tenant: Tenant, query: str, code: str, field: str) -> None:
    assert_error(client.get(f"{RECEIPTS}?{query}", headers=tenant.headers), 400, code, field)


def test_keyset_anchor_must_exist_when_ordering_by_other_keys(client: TestClient, tenant: Tenant) -> None:
    _created(client, tenant)
    response = client.get(f"{RECEIPTS}?orderByDate=ASC&previousId=999999", headers=tenant.headers)
    assert_error(response, 404, "NOT_FOUND", "previousId")


# --- journals -----------------------------------------------------------------------------------------


def test_journals(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    first = _created(client, tenant, journal(day(1, 5)))
    second = _created(client, tenant, journal(day(2, 5)))
    with session_factory() as session:
        service.create_receipt(session, company_id=tenant.company_id, draft=draft(day(2, 6), receipt_type="SALARY"),
                               allowed_types=("SALARY",))  # fmt: skip
        session.commit()
    assert client.put(f"{RECEIPTS}/{second['id']}/approve", headers=tenant.headers).status_code == 200
    response = client.get(JOURNALS, headers=tenant.headers)
    assert response.status_code == 200
    got = response.json()
    assert [j["ledgerReceiptId"] for j in got] == [first["id"], second["id"]]  # JOURNALs only, by id
    assert got[0] == {
        "id": first["invoiceId"],
        "ledgerReceiptId": first["id"],
        "type": "JOURNAL",
        "status": "UNFINISHED",
        "invoiceNumber": first["invoiceNumber"],
        "date": str(day(1, 5)),
        "created": first["version"],
        "version": first["version"],
    }

    def ids(query: str) -> list[int]:
        answer = client.get(f"{JOURNALS}?{query}", headers=tenant.headers)
        assert answer.status_code == 200, answer.text
        return [j["ledgerReceiptId"] for j in answer.json()]

    assert ids("statuses=APPROVED") == [second["id"]]
    assert ids("statuses=UNFINISHED,INVALIDATED") == [first["id"]]
    assert ids(f"startDate={day(2, 1)}") == [second["id"]]
    assert ids(f"endDate={day(1, 31)}") == [first["id"]]
    assert ids(f"createdStartDate={second['version']}") == [second["id"]]
    assert ids(f"createdEndDate={first['version']}") == [first["id"]]
    assert ids(f"versionStartDate={second['version']}") == [second["id"]]  # approved: a newer version
    assert ids(f"versionEndDate={first['version']}") == [first["id"]]
    assert_error(client.get(f"{JOURNALS}?statuses=PAID", headers=tenant.headers), 400, "INVALID_ENUM_VALUE",
                 "statuses")  # fmt: skip
    assert_error(client.get(f"{JOURNALS}?startDate=x", headers=tenant.headers), 400, "INVALID_DATE", "startDate")
    out_of_calendar = client.get(f"{JOURNALS}?versionStartDate=0001-01-01T00:00:00%2B14:00", headers=tenant.headers)
    assert_error(out_of_calendar, 400, "INVALID_DATETIME", "versionStartDate")


# --- tenancy and rights ----------------------------------------------------------------------------


def test_another_companys_receipt_is_404_everywhere(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    mine = _created(client, tenant)
    rid, tid = mine["id"], mine["transactions"][0]["id"]
    theirs = other_tenant.headers
    assert_error(client.get(f"{RECEIPTS}/{rid}", headers=theirs), 404, "NOT_FOUND", "receiptId")
    assert_error(client.get(f"{RECEIPTS}/{rid},{rid + 1}", headers=theirs), 404)
    body = jsonable({**_valid(), "version": mine["version"]})
    assert_error(client.put(f"{RECEIPTS}/{rid}", json=body, headers=theirs), 404)
    for action in ("approve", "invalidate", "unfinished"):
        assert_error(client.put(f"{RECEIPTS}/{rid}/{action}", headers=theirs), 404)
    url = f"{RECEIPTS}/{rid}/transactions/{tid}/dimensions"
    assert_error(client.put(url, json={"dimensionItemValues": []}, headers=theirs), 404)
    assert _search(client, other_tenant)["results"] == []
    assert client.get(JOURNALS, headers=theirs).json() == []
    keyset = client.get(f"{RECEIPTS}?orderByDate=ASC&previousId={rid}", headers=theirs)
    assert_error(keyset, 404, "NOT_FOUND", "previousId")
    # Nothing of the owner's receipt changed.
    assert client.get(f"{RECEIPTS}/{rid}", headers=tenant.headers).json() == mine


def test_read_only_user_reads_but_cannot_write(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    reader = make_tenant(session_factory, settings, user_rights=rights.READ_ONLY)
    own = _created_in(session_factory, reader)
    assert client.get(f"{RECEIPTS}/{own}", headers=reader.headers).status_code == 200
    assert client.get(RECEIPTS, headers=reader.headers).status_code == 200
    assert client.get(JOURNALS, headers=reader.headers).status_code == 200
    assert_error(client.post(RECEIPTS, json=jsonable(_valid()), headers=reader.headers), 403, "INSUFFICIENT_RIGHTS")
    body = jsonable({**_valid(), "version": "2026-01-01T00:00:00"})
    assert_error(client.put(f"{RECEIPTS}/{own}", json=body, headers=reader.headers), 403, "INSUFFICIENT_RIGHTS")
    for action in ("approve", "invalidate", "unfinished"):
        assert_error(client.put(f"{RECEIPTS}/{own}/{action}", headers=reader.headers), 403, "INSUFFICIENT_RIGHTS")
    url = f"{RECEIPTS}/{own}/transactions/1/dimensions"
    assert_error(client.put(url, json={"dimensionItemValues": []}, headers=reader.headers), 403)
    assert client.get(f"{RECEIPTS}/{own}", headers=reader.headers).json()["status"] == "UNFINISHED"


def test_search_right_alone_is_enough_to_read(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    only_search = rights.rights_document(rights.NO_ACCESS)
    only_search["accounting"]["journalReceiptSearch"] = rights.VIEWING_RIGHTS
    searcher = make_tenant(session_factory, settings, user_rights=only_search)
    own = _created_in(session_factory, searcher)
    assert client.get(f"{RECEIPTS}/{own}", headers=searcher.headers).status_code == 200
    assert client.get(JOURNALS, headers=searcher.headers).status_code == 200
    assert_error(client.post(RECEIPTS, json=jsonable(_valid()), headers=searcher.headers), 403)


def test_no_accounting_rights_cannot_read(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    nobody = make_tenant(session_factory, settings, user_rights=rights.rights_document(rights.NO_ACCESS))
    own = _created_in(session_factory, nobody)
    for url in (RECEIPTS, f"{RECEIPTS}/{own}", JOURNALS):
        assert_error(client.get(url, headers=nobody.headers), 403, "INSUFFICIENT_RIGHTS")


def _created_in(session_factory: sessionmaker[Session], tenant: Tenant) -> int:
    """A journal of `tenant`'s company made through the service (the tenant may not POST)."""
    with session_factory() as session:
        receipt = service.create_receipt(session, company_id=tenant.company_id, draft=draft(day(3)))
        session.commit()
        return receipt.id


def test_balances_match_after_http_writes(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    created = _created(client, tenant, journal(day(5), row(SALES, "-100", vat_percent="25.5"), row(BANK, "125.5"),
                                               vat_type="SALES"))  # fmt: skip
    client.put(f"{RECEIPTS}/{created['id']}/approve", headers=tenant.headers)
    with session_factory() as session:
        assert_balances_match(session, company_id=tenant.company_id)
