"""The report endpoints over HTTP: the contract's §D.21 and the `/kirjuri/reports/...` extras —
shapes, numbers, error bodies with their field paths, rights and tenancy.

The tenant's books (the calendar year of today, Y):

    R1 Y-01-10 APPROVED    bank 1910 +1000.00 / share capital 2000 −1000.00
    R2 Y-02-15 APPROVED    sales 3000 −200.00 at 25.5 % (VAT 2930 −51.00) / bank +251.00
    R3 Y-03-20 UNFINISHED  wages 5000 +50.00 / bank −50.00, wages split 30/20 on two items
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import rules as rights
from kirjuri.config import Settings
from kirjuri.ledger import report_schemas as wire
from kirjuri.ledger import rules, service
from tests.factories import Tenant, make_tenant
from tests.ledger.helpers import BANK, SALES, VAT_PAYABLE, day, dimension_with_items, draft, entry

Y = day(1).year
CAPITAL = "2000"
WAGES = "5000"


@dataclass
class Books:
    tenant: Tenant
    dimension: int
    items: list[int]
    receipts: list[int]


@pytest.fixture()
def books(tenant: Tenant, session_factory: sessionmaker[Session]) -> Books:
    with session_factory() as session:
        company_id = tenant.company_id
        dimension, items = dimension_with_items(session, company_id=company_id)

        def post(d: rules.ReceiptDraft, status: str = rules.APPROVED) -> int:
            return service.create_receipt(session, company_id=company_id, draft=d, status=status).id

        receipts = [
            post(draft(day(1, 10), entry(BANK, "1000.00"), entry(CAPITAL, "-1000.00"), vat_status=None)),
            post(
                draft(
                    day(2, 15),
                    entry(SALES, "-200.00", vat_percent="25.5"),
                    entry(BANK, "251.00"),
                    vat_type="SALES",
                    vat_status=1,
                    name="Myynti",
                )
            ),
            post(
                draft(
                    day(3, 20),
                    entry(WAGES, "50.00", dims=[(dimension, items[0], "30.00"), (dimension, items[1], "20.00")]),
                    entry(BANK, "-50.00", description="Palkka"),
                    vat_status=None,
                ),
                status=rules.UNFINISHED,
            ),
        ]
        session.commit()
    return Books(tenant, dimension, items, receipts)


def get(client: TestClient, tenant: Tenant, path: str, **params: Any) -> Any:
    return client.get(f"/api{path}", params=params, headers=tenant.headers)


def post(client: TestClient, tenant: Tenant, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api{path}", json=body, headers=tenant.headers)


def exact(response: Any) -> Any:
    """The JSON body with numbers as exact decimals."""
    return json.loads(response.text, parse_float=Decimal)


def errors(response: Any) -> list[tuple[int, str | None, str]]:
    return [(e["status"], e.get("field"), e["message"]) for e in response.json()["errors"]]


# --- trial balance -----------------------------------------------------------------------------------------


def test_trial_balance(client: TestClient, books: Books) -> None:
    response = get(client, books.tenant, "/kirjuri/reports/trialbalance", startDate=f"{Y}-02-01", endDate=f"{Y}-03-31")
    assert response.status_code == 200
    body = exact(response)
    rows = {r["account"]: (r["opening"], r["debit"], r["credit"], r["closing"]) for r in body["rows"]}
    assert rows == {
        BANK: (Decimal("1000.00"), Decimal("251.00"), Decimal("50.00"), Decimal("1201.00")),
        CAPITAL: (Decimal("-1000.00"), 0, 0, Decimal("-1000.00")),
        SALES: (0, 0, Decimal("200.00"), Decimal("-200.00")),
        VAT_PAYABLE: (0, 0, Decimal("51.00"), Decimal("-51.00")),
        WAGES: (0, Decimal("50.00"), 0, Decimal("50.00")),
    }
    assert body["totals"] == {"opening": 0, "debit": Decimal("301.00"), "credit": Decimal("301.00"), "closing": 0}
    assert body["startDate"] == f"{Y}-02-01" and body["endDate"] == f"{Y}-03-31"
    assert '"closing":1201.00' in response.text  # two decimals on the wire
    assert next(r["name"] for r in body["rows"] if r["account"] == BANK) == "Pankkitili"


def test_trial_balance_defaults_to_the_fiscal_year_and_filters(client: TestClient, books: Books) -> None:
    body = get(client, books.tenant, "/kirjuri/reports/trialbalance", endDate=f"{Y}-12-31").json()
    assert body["startDate"] == f"{Y}-01-01"
    approved = get(client, books.tenant, "/kirjuri/reports/trialbalance", endDate=f"{Y}-12-31", status="APPROVED")
    assert approved.json()["statuses"] == ["APPROVED"]
    assert WAGES not in {r["account"] for r in approved.json()["rows"]}
    split = get(
        client,
        books.tenant,
        "/kirjuri/reports/trialbalance",
        endDate=f"{Y}-12-31",
        dimensionId=books.dimension,
        itemId=books.items[1],
    ).json()
    assert [(r["account"], r["debit"]) for r in split["rows"]] == [(WAGES, 20.0)]


@pytest.mark.parametrize(
    ("params", "status", "field", "code"),
    [
        ({}, 400, "endDate", "REQUIRED"),
        ({"endDate": "2026-02-30"}, 400, "endDate", "INVALID_DATE"),
        ({"endDate": "2026-03-01", "startDate": "2026-03-02"}, 400, "startDate", "START_DATE_AFTER_END_DATE"),
        ({"endDate": "0001-01-01"}, 400, "endDate", "DATE_OUT_OF_RANGE"),
        ({"endDate": "2026-03-01", "status": "APPROVED,NOPE"}, 400, "status", "INVALID_ENUM_VALUE"),
        ({"endDate": "2026-03-01", "itemId": "1"}, 400, "dimensionId", "DIMENSION_ID_REQUIRED"),
        ({"endDate": "2026-03-01", "dimensionId": "999999"}, 404, "dimensionId", "NOT_FOUND"),
        ({"endDate": "2026-03-01", "dimensionId": "x"}, 400, "dimensionId", "INVALID_INTEGER"),
    ],
)
def test_trial_balance_errors(
    client: TestClient, books: Books, *, params: dict[str, str], status: int, field: str, code: str
) -> None:
    response = get(client, books.tenant, "/kirjuri/reports/trialbalance", **params)
    assert response.status_code == status
    assert errors(response)[0] == (status, field, code)


def test_an_item_of_another_dimension_is_not_found(
    client: TestClient, books: Books, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        _other, (stranger,) = dimension_with_items(
            session, company_id=books.tenant.company_id, name="Projekti", items=1
        )
        session.commit()
    response = get(
        client, books.tenant, "/kirjuri/reports/trialbalance", endDate=f"{Y}-12-31", dimensionId=books.dimension,
        itemId=stranger,
    )  # fmt: skip
    assert (response.status_code, errors(response)[0][1]) == (404, "itemId")


# --- statements ---------------------------------------------------------------------------------------------


def lines_of(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["key"]: line for line in body["lines"]}


def test_balance_sheet_with_comparison(client: TestClient, books: Books) -> None:
    response = get(
        client, books.tenant, "/kirjuri/reports/balancesheet", endDate=f"{Y}-03-31", comparisonEndDate=f"{Y}-01-31"
    )
    assert response.status_code == 200
    body = exact(response)
    assert body["layout"] == "KPA_BALANCE_SHEET" and body["language"] == "FINNISH"
    lines = lines_of(body)
    assert lines["BS.A.B.IV"]["value"] == Decimal("1201.00")
    assert lines["BS.A.B.IV"]["comparisonValue"] == Decimal("1000.00")
    assert lines["BS.A"]["value"] == lines["BS.L"]["value"] == Decimal("1201.00")
    assert lines["BS.L.A.VII"]["value"] == Decimal("150.00")  # 200 − 50: the year so far
    assert lines["BS.A"]["type"] == "ROW_FUNCTION" and lines["BS.A.B.IV"]["type"] == "BALANCE"
    assert lines["BS.A.B.IV"]["name"] == "Rahat ja pankkisaamiset"


def test_balance_sheet_pma_in_english(client: TestClient, books: Books) -> None:
    body = get(
        client, books.tenant, "/kirjuri/reports/balancesheet", endDate=f"{Y}-03-31", format="PMA", language="ENGLISH"
    ).json()
    assert body["layout"] == "PMA_BALANCE_SHEET"
    lines = lines_of(body)
    assert lines["PMA.BS.A"]["value"] == lines["PMA.BS.L"]["value"] == 1201.0
    assert "comparisonValue" not in lines["PMA.BS.A"]
    assert lines["PMA.BS.A"]["name"].startswith("Total")


def test_income_statement_with_comparison_and_dimension(client: TestClient, books: Books) -> None:
    body = get(
        client,
        books.tenant,
        "/kirjuri/reports/incomestatement",
        startDate=f"{Y}-01-01",
        endDate=f"{Y}-03-31",
        comparisonStartDate=f"{Y}-01-01",
        comparisonEndDate=f"{Y}-02-28",
    ).json()
    lines = lines_of(body)
    assert (lines["IS.1"]["value"], lines["IS.1"]["comparisonValue"]) == (200.0, 200.0)
    assert (lines["IS.15"]["value"], lines["IS.15"]["comparisonValue"]) == (150.0, 200.0)
    assert lines["IS.9"]["formula"].startswith("100+200")
    assert body["comparisonStartDate"] == f"{Y}-01-01"
    on_item = get(
        client, books.tenant, "/kirjuri/reports/incomestatement", endDate=f"{Y}-12-31",
        dimensionId=books.dimension, itemId=books.items[0],
    ).json()  # fmt: skip
    assert lines_of(on_item)["IS.6.a"]["value"] == -30.0
    assert on_item["startDate"] == f"{Y}-01-01"


@pytest.mark.parametrize(
    ("path", "params", "field", "code"),
    [
        ("/kirjuri/reports/balancesheet", {"endDate": "2026-01-01", "format": "IFRS"}, "format", "INVALID_ENUM_VALUE"),
        (
            "/kirjuri/reports/balancesheet",
            {"endDate": "2026-01-01", "language": "FI"},
            "language",
            "INVALID_ENUM_VALUE",
        ),
        (
            "/kirjuri/reports/balancesheet",
            {"endDate": "2026-01-01", "comparisonEndDate": "x"},
            "comparisonEndDate",
            "INVALID_DATE",
        ),
        (
            "/kirjuri/reports/incomestatement",
            {"endDate": "2026-01-01", "comparisonStartDate": "2025-01-01"},
            "comparisonEndDate",
            "REQUIRED",
        ),
        (
            "/kirjuri/reports/incomestatement",
            {"endDate": "2026-01-01", "comparisonEndDate": "2025-01-01", "comparisonStartDate": "2025-02-01"},
            "comparisonStartDate",
            "START_DATE_AFTER_END_DATE",
        ),
        ("/kirjuri/reports/generalledger", {"endDate": "2026-01-01"}, "account", "REQUIRED"),
        (
            "/kirjuri/reports/generalledger",
            {"endDate": "2026-01-01", "account": "19x0"},
            "account",
            "STRING_PATTERN_MISMATCH",
        ),
    ],
)
def test_statement_errors(
    client: TestClient, books: Books, *, path: str, params: dict[str, str], field: str, code: str
) -> None:
    response = get(client, books.tenant, path, **params)
    assert response.status_code == 400
    assert errors(response)[0] == (400, field, code)


# --- general ledger -----------------------------------------------------------------------------------------


def test_general_ledger_extra(client: TestClient, books: Books) -> None:
    response = get(
        client,
        books.tenant,
        "/kirjuri/reports/generalledger",
        account=BANK,
        startDate=f"{Y}-02-01",
        endDate=f"{Y}-12-31",
    )
    body = exact(response)
    assert (body["opening"], body["debit"], body["credit"], body["closing"]) == (
        Decimal("1000.00"), Decimal("251.00"), Decimal("50.00"), Decimal("1201.00"),
    )  # fmt: skip
    assert [(line["receiptDate"], line["amount"], line["status"]) for line in body["lines"]] == [
        (f"{Y}-02-15", Decimal("251.00"), "APPROVED"),
        (f"{Y}-03-20", Decimal("-50.00"), "UNFINISHED"),
    ]
    assert body["lines"][1]["description"] == "Palkka" and body["lines"][1]["receiptId"] == books.receipts[2]
    missing = get(client, books.tenant, "/kirjuri/reports/generalledger", account="1234567", endDate=f"{Y}-12-31")
    assert (missing.status_code, errors(missing)[0][1]) == (404, "account")


# --- the contract's reports ---------------------------------------------------------------------------------


def test_accounting_report_income_statement_per_month(client: TestClient, books: Books) -> None:
    response = post(
        client,
        books.tenant,
        "/reports/accounting",
        {"startDate": f"{Y}-01-15", "endDate": f"{Y}-03-31", "type": "INCOME_STATEMENT"},
    )
    assert response.status_code == 200
    body = exact(response)
    assert body["reportParameters"]["type"] == "INCOME_STATEMENT"
    periods = body["reportData"]["periods"]
    assert [(p["startDate"], p["endDate"]) for p in periods] == [
        (f"{Y}-01-15", f"{Y}-01-31"),
        (f"{Y}-02-01", f"{Y}-02-28"),
        (f"{Y}-03-01", f"{Y}-03-31"),
    ]
    turnover = [next(r for r in p["rows"] if r["rowId"] == 100) for p in periods]
    assert [r["value"] for r in turnover] == [0, Decimal("200.00"), 0]
    assert turnover[1]["name"] == "Liikevaihto" and turnover[1]["type"] == "BALANCE"
    assert "formula" not in turnover[1]
    profit = next(r for r in periods[2]["rows"] if r["rowId"] == 900)
    assert profit["type"] == "ROW_FUNCTION" and profit["value"] == Decimal("-50.00") and profit["formula"]


def test_accounting_report_balance_sheet_and_options(client: TestClient, books: Books) -> None:
    body = post(
        client,
        books.tenant,
        "/reports/accounting",
        {
            "endDate": f"{Y}-12-31",
            "type": "BALANCE_SHEET",
            "receiptStatus": ["APPROVED", "PARTLY_PAID,"],
            "options": {"entryPeriodStart": f"{Y}-02-10", "entryPeriodEnd": f"{Y}-03-05", "reportLanguage": "SWEDISH"},
        },
    ).json()
    # The entry period rounded to whole months: February and March, balance sheets at their ends.
    periods = body["reportData"]["periods"]
    assert [(p["startDate"], p["endDate"]) for p in periods] == [
        (f"{Y}-02-01", f"{Y}-02-28"),
        (f"{Y}-03-01", f"{Y}-03-31"),
    ]
    cash = [next(r for r in p["rows"] if r["rowId"] == 12400) for p in periods]
    # Approved only: the unfinished wages of March are left out.
    assert [r["value"] for r in cash] == [1251.0, 1251.0]
    assert cash[0]["name"] == "Kassa och bank"
    assert body["reportParameters"]["startDate"] == f"{Y}-02-01"


def test_accounting_report_cash_flow(client: TestClient, books: Books) -> None:
    body = exact(
        post(
            client,
            books.tenant,
            "/reports/accounting",
            {"startDate": f"{Y}-01-01", "endDate": f"{Y}-03-31", "type": "CASH_FLOW"},
        )
    )
    for period, change in zip(body["reportData"]["periods"], ("1000.00", "251.00", "-50.00"), strict=True):
        rows = {r["rowId"]: r["value"] for r in period["rows"]}
        assert rows[900] == Decimal(change) == rows[1100] - rows[1000]


def test_accounting_report_receipt_type_filter(client: TestClient, books: Books) -> None:
    body = post(
        client,
        books.tenant,
        "/reports/accounting",
        {"startDate": f"{Y}-02-01", "endDate": f"{Y}-02-28", "type": "INCOME_STATEMENT",
         "options": {"receiptType": ["SALES_INVOICE"]}},
    ).json()  # fmt: skip
    assert all(r["value"] == 0 for r in body["reportData"]["periods"][0]["rows"])


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"type": "INCOME_STATEMENT"}, "endDate", "REQUIRED"),
        ({"endDate": "2026-01-01"}, "type", "REQUIRED"),
        ({"endDate": "2026-01-01", "type": "PROFIT"}, "type", "INVALID_ENUM_VALUE"),
        (
            {"endDate": "2026-01-01", "type": "CASH_FLOW", "receiptStatus": ["NOPE"]},
            "receiptStatus[0]",
            "INVALID_ENUM_VALUE",
        ),
        (
            {"endDate": "2026-01-01", "type": "CASH_FLOW", "options": {"reportLanguage": "KLINGON"}},
            "options.reportLanguage",
            "INVALID_ENUM_VALUE",
        ),
        (
            {"endDate": "2026-01-01", "type": "CASH_FLOW", "options": {"receiptType": ["X"]}},
            "options.receiptType[0]",
            "INVALID_ENUM_VALUE",
        ),
        (
            {"endDate": "2026-01-01", "startDate": "2026-02-01", "type": "CASH_FLOW"},
            "startDate",
            "START_DATE_AFTER_END_DATE",
        ),
        (
            {"endDate": "2026-01-01", "startDate": "2000-01-01", "type": "CASH_FLOW"},
            "startDate",
            "REPORT_PERIOD_TOO_LONG",
        ),
        ({"endDate": "2026-13-01", "type": "CASH_FLOW"}, "endDate", "INVALID_DATE"),
    ],
)
def test_accounting_report_errors(
    client: TestClient, books: Books, *, body: dict[str, Any], field: str, code: str
) -> None:
    response = post(client, books.tenant, "/reports/accounting", body)
    assert response.status_code == 400
    assert errors(response)[0] == (400, field, code)


def test_ledger_accounts_report(client: TestClient, books: Books) -> None:
    body = exact(
        post(client, books.tenant, "/reports/ledgeraccounts", {"startDate": f"{Y}-01-01", "endDate": f"{Y}-02-28"})
    )
    periods = body["reportData"]["periods"]
    assert [{r["name"]: r["value"] for r in p["rows"]} for p in periods] == [
        {"1910 Pankkitili": Decimal("1000.00"), "2000 Osakepääoma": Decimal("-1000.00")},
        {
            "1910 Pankkitili": Decimal("1251.00"),
            "2000 Osakepääoma": Decimal("-1000.00"),
            "2930 Arvonlisäverovelka": Decimal("-51.00"),
            "3000 Myynti": Decimal("-200.00"),
        },
    ]
    english = post(
        client, books.tenant, "/reports/ledgeraccounts",
        {"endDate": f"{Y}-01-31", "options": {"reportLanguage": "ENGLISH"}},
    ).json()  # fmt: skip
    assert {r["name"] for r in english["reportData"]["periods"][0]["rows"]} == {
        "1910 Bank account",
        "2000 Share capital",
    }


def test_general_ledger_report(client: TestClient, books: Books) -> None:
    response = post(client, books.tenant, f"/reports/generalledger/{BANK}", {"endDate": f"{Y}-12-31"})
    assert response.status_code == 200
    data = exact(response)["ledgerAccount"]
    assert (data["id"], data["name"], data["totalAccountingValue"]) == (BANK, "Pankkitili", Decimal("1201.00"))
    first = data["ledgerReceiptTransactions"][0]
    assert first["receiptNumber"] == 1 and first["receiptDate"] == f"{Y}-01-10" and first["type"] == "JOURNAL"
    assert first["accountingValue"] == Decimal("1000.00") and first["status"] == "APPROVED"
    numbers = post(
        client, books.tenant, f"/reports/generalledger/{BANK}",
        {"endDate": f"{Y}-12-31", "options": {"receiptNumbers": "2-3"}},
    ).json()  # fmt: skip
    assert [t["receiptNumber"] for t in numbers["ledgerAccount"]["ledgerReceiptTransactions"]] == [2, 3]
    described = post(
        client, books.tenant, f"/reports/generalledger/{BANK}",
        {"endDate": f"{Y}-12-31", "options": {"transactionDescription": "palk"}},
    ).json()  # fmt: skip
    assert [t["accountingValue"] for t in described["ledgerAccount"]["ledgerReceiptTransactions"]] == [-50.0]
    vat = post(client, books.tenant, f"/reports/generalledger/{VAT_PAYABLE}", {"endDate": f"{Y}-12-31"}).json()
    assert [t["vatPercent"] for t in vat["ledgerAccount"]["ledgerReceiptTransactions"]] == [25.5]


@pytest.mark.parametrize(
    ("account", "body", "status", "field", "code"),
    [
        (
            BANK,
            {"endDate": "2026-12-31", "options": {"receiptNumbers": "3-1"}},
            400,
            "options.receiptNumbers",
            "INVALID_RECEIPT_NUMBERS",
        ),
        (
            BANK,
            {"endDate": "2026-12-31", "options": {"receiptNumbers": "1,a"}},
            400,
            "options.receiptNumbers",
            "INVALID_RECEIPT_NUMBERS",
        ),
        ("9999999", {"endDate": "2026-12-31"}, 404, "id", "NOT_FOUND"),
        ("19a0", {"endDate": "2026-12-31"}, 400, "id", "STRING_PATTERN_MISMATCH"),
    ],
)
def test_general_ledger_report_errors(
    client: TestClient, books: Books, *, account: str, body: dict[str, Any], status: int, field: str, code: str
) -> None:
    response = post(client, books.tenant, f"/reports/generalledger/{account}", body)
    assert response.status_code == status
    assert errors(response)[0] == (status, field, code)


# --- rights and tenancy -------------------------------------------------------------------------------------

GETS = [
    ("/kirjuri/reports/trialbalance", {"endDate": "2026-12-31"}),
    ("/kirjuri/reports/balancesheet", {"endDate": "2026-12-31"}),
    ("/kirjuri/reports/incomestatement", {"endDate": "2026-12-31"}),
    ("/kirjuri/reports/generalledger", {"endDate": "2026-12-31", "account": BANK}),
]
POSTS = [
    ("/reports/accounting", {"endDate": "2026-12-31", "type": "BALANCE_SHEET"}),
    ("/reports/ledgeraccounts", {"endDate": "2026-12-31"}),
    (f"/reports/generalledger/{BANK}", {"endDate": "2026-12-31"}),
]


def test_reports_need_the_reports_right(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    no_reports = rights.rights_document(rights.ALL_RIGHTS)
    no_reports["accounting"]["accountingReports"] = rights.NO_ACCESS
    denied = make_tenant(session_factory, settings, user_rights=no_reports)
    viewer = make_tenant(session_factory, settings, user_rights=rights.READ_ONLY)
    for path, params in GETS:
        assert get(client, denied, path, **params).status_code == 403, path
        assert get(client, viewer, path, **params).status_code == 200, path
        assert client.get(f"/api{path}", params=params).status_code == 401
    for path, body in POSTS:
        response = post(client, denied, path, body)
        assert (response.status_code, errors(response)[0][2]) == (403, "INSUFFICIENT_RIGHTS"), path
        assert post(client, viewer, path, body).status_code == 200, path


def test_another_company_sees_only_its_own_books(client: TestClient, books: Books, other_tenant: Tenant) -> None:
    mine = get(client, books.tenant, "/kirjuri/reports/trialbalance", endDate=f"{Y}-12-31").json()
    theirs = get(client, other_tenant, "/kirjuri/reports/trialbalance", endDate=f"{Y}-12-31").json()
    assert mine["rows"] and theirs["rows"] == []
    ledger = post(client, other_tenant, f"/reports/generalledger/{BANK}", {"endDate": f"{Y}-12-31"}).json()
    assert ledger["ledgerAccount"]["ledgerReceiptTransactions"] == []
    # The dimension belongs to the first company: the other one cannot filter by it.
    response = get(
        client, other_tenant, "/kirjuri/reports/trialbalance", endDate=f"{Y}-12-31", dimensionId=books.dimension
    )
    assert response.status_code == 404


# --- the plain bodies of the hot extras stay their documented models ---------------------------------------


def aliases(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


def test_plain_bodies_match_their_models(client: TestClient, books: Books) -> None:
    trial = get(
        client, books.tenant, "/kirjuri/reports/trialbalance", endDate=f"{Y}-12-31", status="APPROVED",
        dimensionId=books.dimension, itemId=books.items[0],
    ).json()  # fmt: skip
    wire.KirjuriTrialBalance.model_validate(trial)
    assert set(trial) == aliases(wire.KirjuriTrialBalance)
    assert set(trial["totals"]) == aliases(wire.KirjuriTrialBalanceTotals)
    full = get(client, books.tenant, "/kirjuri/reports/trialbalance", endDate=f"{Y}-12-31").json()
    assert set(full["rows"][0]) == aliases(wire.KirjuriTrialBalanceRow)
    statement = get(
        client, books.tenant, "/kirjuri/reports/incomestatement", endDate=f"{Y}-12-31", comparisonEndDate=f"{Y}-06-30",
        dimensionId=books.dimension, itemId=books.items[0],
    ).json()  # fmt: skip
    wire.KirjuriStatement.model_validate(statement)
    assert set(statement) == aliases(wire.KirjuriStatement)
    assert set().union(*(set(line) for line in statement["lines"])) == aliases(wire.KirjuriStatementLine)
