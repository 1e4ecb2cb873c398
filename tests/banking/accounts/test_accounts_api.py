"""Bank accounts over HTTP (§D.2): create, read, list (orderNo and id order, paging, previousId),
replace with `version`, every error status and code, the one-default rule, rights and tenancy."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.banking.accounts import repository
from kirjuri.banking.accounts.demo import seed_bank_accounts
from kirjuri.banking.importers import ParsedFile
from kirjuri.banking.statements import importing
from kirjuri.companies import rules as rights
from kirjuri.companies.models import Company
from kirjuri.config import Settings
from kirjuri.ledger import accounts as ledger_accounts
from tests.banking.statements.helpers import statement, use_file
from tests.factories import Tenant, make_tenant

MAIN = "FI2112345600000785"
SECOND = "FI4250001510000023"
THIRD = "FI9612345600000793"
URL = "/api/bankaccounts"


def body(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "iban": MAIN,
        "currency": "EUR",
        "ledgerAccount": "1910",
        "status": "ACTIVE",
        "defaultForInvoice": False,
        "defaultForPayment": False,
        "showAccountOnInvoice": True,
        "allowPayments": True,
        "allowForeignPayments": False,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def errors(answer: Any) -> list[tuple[int, str | None, str]]:
    return [(e["status"], e.get("field"), e["message"]) for e in answer.json()["errors"]]


def create(client: TestClient, tenant: Tenant, **changes: Any) -> dict[str, Any]:
    answer = client.post(URL, json=body(**changes), headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    created: dict[str, Any] = answer.json()
    return created


def fetch(client: TestClient, tenant: Tenant, account_id: int) -> dict[str, Any]:
    answer = client.get(f"{URL}/{account_id}", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def put(client: TestClient, tenant: Tenant, account: dict[str, Any], **changes: Any) -> Any:
    sent = {**account, **changes}
    sent = {k: v for k, v in sent.items() if v is not None}
    return client.put(f"{URL}/{account['id']}", json=sent, headers=tenant.headers)


# --- create and read ----------------------------------------------------------------------------


def test_create_derives_bban_bic_and_bank_and_reads_back(client: TestClient, tenant: Tenant) -> None:
    created = create(client, tenant, iban="FI21 1234 5600 0007 85", accountNumber="x", id=999, defaultForInvoice=True)
    assert created["iban"] == MAIN
    assert created["accountNumber"] == "12345600000785"
    assert created["bic"] == "NDEAFIHH"
    assert created["bankName"]
    assert created["orderNo"] == 1 and created["id"] != 999
    assert created["version"] and created["created"]
    assert created["defaultForInvoice"] is True and created["ledgerAccount"] == "1910"
    again = client.get(f"{URL}/{created['id']}", headers=tenant.headers)
    assert again.json() == created
    assert again.headers["ETag"]


def test_create_keeps_given_bic_and_order_no(client: TestClient, tenant: Tenant) -> None:
    created = create(client, tenant, bic="okoyfihh", orderNo=5, bankName="Oma", serviceNumbers=["123"])
    assert (created["bic"], created["orderNo"], created["bankName"], created["serviceNumbers"]) == (
        "OKOYFIHH", 5, "Oma", ["123"]
    )  # fmt: skip
    assert create(client, tenant, iban=SECOND)["orderNo"] == 6


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"iban": "FI2112345600000786"}, [(400, "iban", "INVALID_IBAN")]),
        ({"iban": None}, [(400, "iban", "REQUIRED")]),
        ({"bic": "NDEAXXHH"}, [(400, "bic", "INVALID_BIC")]),
        ({"currency": "XXX1"}, None),
        ({"currency": None}, [(400, "currency", "REQUIRED")]),
        ({"ledgerAccount": None}, [(400, "ledgerAccount", "REQUIRED")]),
        ({"ledgerAccount": "9999"}, [(400, "ledgerAccount", "ACCOUNT_NOT_FOUND")]),
        ({"status": "CLOSED"}, None),
        ({"allowPayments": None}, [(400, "allowPayments", "REQUIRED")]),
        ({"withholdingTax": True}, [(400, "withholdingTax", "NOT_AVAILABLE_IN_COMPANY_COUNTRY")]),
        ({"orderNo": 0}, [(400, "orderNo", "INVALID_ORDER_NO")]),
        (
            {"iban": "FI00", "ledgerAccount": "9999"},
            [(400, "iban", "INVALID_IBAN"), (400, "ledgerAccount", "ACCOUNT_NOT_FOUND")],
        ),
    ],
)
def test_create_refusals(
    client: TestClient, tenant: Tenant, changes: dict[str, Any], expected: list[Any] | None
) -> None:
    answer = client.post(URL, json=body(**changes), headers=tenant.headers)
    assert answer.status_code == 400, answer.text
    found = errors(answer)
    if expected is None:
        assert found[0][0] == 400 and found[0][1] == next(iter(changes))
    else:
        assert found == expected
    assert client.get(URL, headers=tenant.headers).json()["meta"]["totalCount"] == 0


def test_inactive_ledger_account_is_refused(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        ledger_accounts.update_account(session, company_id=tenant.company_id, code="1940", active=False)
        session.commit()
    answer = client.post(URL, json=body(ledgerAccount="1940"), headers=tenant.headers)
    assert errors(answer) == [(400, "ledgerAccount", "ACCOUNT_INACTIVE")]


def test_same_iban_twice_is_409(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    create(client, tenant)
    answer = client.post(URL, json=body(iban="fi2112345600000785"), headers=tenant.headers)
    assert answer.status_code == 409
    assert errors(answer) == [(409, "iban", "IBAN_ALREADY_IN_USE")]
    # Another company may have the same account number in its books.
    create(client, other_tenant)


def test_norwegian_company_flags(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        company = session.get(Company, tenant.company_id)
        assert company is not None
        company.country = "NORWAY"
        session.commit()
    answer = client.post(
        URL, json=body(iban="NO9386011117947", allowSalaryPayments=True, allowExpressPayments=True),
        headers=tenant.headers,
    )  # fmt: skip
    assert errors(answer) == [
        (400, "allowSalaryPayments", "NOT_AVAILABLE_IN_COMPANY_COUNTRY"),
        (400, "allowExpressPayments", "NOT_AVAILABLE_IN_COMPANY_COUNTRY"),
    ]
    created = create(client, tenant, iban="NO9386011117947", withholdingTax=True, currency="NOK")
    assert created["withholdingTax"] is True and created["bic"] == "DABANO22"


def test_created_inactive_has_no_flags(client: TestClient, tenant: Tenant) -> None:
    created = create(client, tenant, status="INACTIVE", defaultForInvoice=True, allowSalaryPayments=True)
    flags = ("defaultForInvoice", "defaultForPayment", "showAccountOnInvoice", "allowPayments",
             "allowForeignPayments", "allowSalaryPayments")  # fmt: skip
    assert all(created[flag] is False for flag in flags)


# --- defaults -----------------------------------------------------------------------------------


def test_one_default_for_invoices_and_one_for_payments(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    first = create(client, tenant, defaultForInvoice=True, defaultForPayment=True)
    second = create(client, tenant, iban=SECOND, defaultForInvoice=True)
    first_now = fetch(client, tenant, first["id"])
    assert (first_now["defaultForInvoice"], first_now["defaultForPayment"]) == (False, True)
    assert first_now["version"] != first["version"]
    answer = put(client, tenant, fetch(client, tenant, second["id"]), defaultForPayment=True)
    assert answer.status_code == 200, answer.text
    first_now = fetch(client, tenant, first["id"])
    assert (first_now["defaultForInvoice"], first_now["defaultForPayment"]) == (False, False)
    with session_factory() as session:
        invoice_default = repository.default_for(session, company_id=tenant.company_id, invoices=True)
        payment_default = repository.default_for(session, company_id=tenant.company_id, invoices=False)
        assert invoice_default is not None and payment_default is not None
        assert invoice_default.id == payment_default.id == second["id"]


# --- replace ------------------------------------------------------------------------------------


def test_replace_with_version(client: TestClient, tenant: Tenant) -> None:
    account = create(client, tenant, bankAddress="Aleksanterinkatu 1", orderNo=3)
    answer = put(client, tenant, account, bankAddress=None, ledgerAccount="1940", allowPayments=False, orderNo=None)
    assert answer.status_code == 200, answer.text
    replaced = answer.json()
    assert "bankAddress" not in replaced  # PUT overwrites: left out is cleared
    assert (replaced["ledgerAccount"], replaced["allowPayments"], replaced["orderNo"]) == ("1940", False, 3)
    assert replaced["version"] != account["version"]
    assert replaced["created"] == account["created"]
    assert fetch(client, tenant, account["id"]) == replaced


def test_replace_version_rules(client: TestClient, tenant: Tenant) -> None:
    account = create(client, tenant)
    missing = put(client, tenant, account, version=None)
    assert (missing.status_code, errors(missing)) == (400, [(400, "version", "REQUIRED")])
    assert put(client, tenant, account, allowPayments=False).status_code == 200
    stale = put(client, tenant, account, allowPayments=True)
    assert (stale.status_code, errors(stale)) == (400, [(400, "version", "VERSION_CONFLICT")])
    current = fetch(client, tenant, account["id"])
    wrong_tag = client.put(f"{URL}/{account['id']}", json=current, headers={**tenant.headers, "If-Match": 'W/"1"'})
    assert wrong_tag.status_code == 412


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"iban": SECOND}, [(400, "iban", "IBAN_CANNOT_BE_CHANGED")]),
        ({"currency": "SEK"}, [(400, "currency", "CURRENCY_CANNOT_BE_CHANGED")]),
        ({"ledgerAccount": "0000"}, [(400, "ledgerAccount", "ACCOUNT_NOT_FOUND")]),
        ({"bic": "X"}, [(400, "bic", "INVALID_BIC")]),
    ],
)
def test_replace_refusals(client: TestClient, tenant: Tenant, changes: dict[str, Any], expected: list[Any]) -> None:
    account = create(client, tenant)
    answer = put(client, tenant, account, **changes)
    assert (answer.status_code, errors(answer)) == (400, expected)
    assert fetch(client, tenant, account["id"]) == account


def test_iban_in_other_spacing_is_the_same(client: TestClient, tenant: Tenant) -> None:
    account = create(client, tenant)
    assert put(client, tenant, account, iban="FI21 1234 5600 0007 85").status_code == 200


def test_deactivating_clears_flags(client: TestClient, tenant: Tenant) -> None:
    account = create(client, tenant, allowForeignPayments=True)
    answer = put(client, tenant, account, status="INACTIVE")
    assert answer.status_code == 200, answer.text
    assert answer.json()["allowPayments"] is False and answer.json()["showAccountOnInvoice"] is False


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"status": "INACTIVE"}, ["status"]),
        ({"ledgerAccount": "1940"}, ["ledgerAccount"]),
        ({"status": "INACTIVE", "ledgerAccount": "1940"}, ["status", "ledgerAccount"]),
    ],
)
@pytest.mark.parametrize("flag", ["defaultForInvoice", "defaultForPayment"])
def test_default_account_in_use_is_409(
    client: TestClient, tenant: Tenant, changes: dict[str, Any], fields: list[str], flag: str
) -> None:
    account = create(client, tenant, **{flag: True})
    answer = put(client, tenant, account, **changes)
    assert answer.status_code == 409
    assert errors(answer) == [(409, f, "BANK_ACCOUNT_IN_USE") for f in fields]
    # Once another account is the default, it can go.
    create(client, tenant, iban=SECOND, **{flag: True})
    assert put(client, tenant, fetch(client, tenant, account["id"]), **changes).status_code == 200


@pytest.mark.parametrize("path", ["/api/bankaccounts/999", "/api/bankaccounts/0", "/api/bankaccounts/99999999999"])
def test_unknown_id_is_404(client: TestClient, tenant: Tenant, path: str) -> None:
    assert client.get(path, headers=tenant.headers).status_code == 404
    answer = client.put(path, json={**body(), "version": "2026-01-01T00:00:00"}, headers=tenant.headers)
    assert answer.status_code == 404
    assert errors(answer) == [(404, "id", "NOT_FOUND")]


def test_another_companys_account_is_404(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    account = create(client, tenant)
    assert client.get(f"{URL}/{account['id']}", headers=other_tenant.headers).status_code == 404
    assert put(client, other_tenant, account, allowPayments=False).status_code == 404
    assert client.get(URL, headers=other_tenant.headers).json()["results"] == []
    assert fetch(client, tenant, account["id"]) == account


# --- list ---------------------------------------------------------------------------------------


def _ids(answer: Any) -> list[int]:
    assert answer.status_code == 200, answer.text
    return [row["id"] for row in answer.json()["results"]]


def test_list_orders_and_pages(client: TestClient, tenant: Tenant) -> None:
    a = create(client, tenant, orderNo=3)
    b = create(client, tenant, iban=SECOND, orderNo=1)
    c = create(client, tenant, iban=THIRD, orderNo=2)
    get = lambda query="": client.get(f"{URL}{query}", headers=tenant.headers)  # noqa: E731
    assert _ids(get()) == [b["id"], c["id"], a["id"]]
    assert _ids(get("?orderByOrderNo=DESC")) == [a["id"], c["id"], b["id"]]
    assert _ids(get("?orderById=DESC")) == [c["id"], b["id"], a["id"]]
    assert _ids(get("?orderById=ASC")) == [a["id"], b["id"], c["id"]]
    assert _ids(get(f"?previousId={b['id']}")) == [c["id"], a["id"]]
    assert _ids(get(f"?previousId={a['id']}&orderByOrderNo=DESC")) == [c["id"], b["id"]]
    assert _ids(get(f"?previousId={a['id']}&orderById=ASC")) == [b["id"], c["id"]]
    page = get("?size=2&page=1")
    assert _ids(page) == [a["id"]]
    assert page.json()["meta"] == {"pageNumber": 1, "pageSize": 2, "resultCount": 1, "totalCount": 3}
    row = get().json()["results"][0]
    assert set(row) >= {"id", "iban", "currency", "defaultForInvoice", "defaultForPayment", "status", "orderNo",
                        "version", "accountNumber", "bic"}  # fmt: skip
    assert "ledgerAccount" not in row and "allowPayments" not in row


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("?previousId=999", 404, "previousId"),
        ("?size=0", 400, "size"),
        ("?size=201", 400, "size"),
        ("?page=-1", 400, "page"),
        ("?orderByOrderNo=UP", 400, "orderByOrderNo"),
        ("?orderById=UP", 400, "orderById"),
    ],
)
def test_list_refusals(client: TestClient, tenant: Tenant, query: str, status: int, field: str) -> None:
    create(client, tenant)
    answer = client.get(f"{URL}{query}", headers=tenant.headers)
    assert answer.status_code == status
    assert errors(answer)[0][:2] == (status, field)


def test_previous_id_of_another_company_is_404(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    foreign = create(client, other_tenant)
    create(client, tenant, iban=SECOND)
    assert client.get(f"{URL}?previousId={foreign['id'] + 100}", headers=tenant.headers).status_code == 404


# --- rights -------------------------------------------------------------------------------------


def _tenant_with(session_factory: sessionmaker[Session], settings: Settings, grants: dict[str, str]) -> Tenant:
    document = rights.rights_document(rights.NO_ACCESS)
    for right, level in grants.items():
        group, _, name = right.partition(".")
        document[group][name] = level
    return make_tenant(session_factory, settings, user_rights=document)


@pytest.mark.parametrize(
    ("grants", "can_read", "can_write"),
    [
        ({}, False, False),
        ({"payments.bankStatementAndReferencePayment": rights.VIEWING_RIGHTS}, True, False),
        ({"payments.payment": rights.ALL_RIGHTS}, True, False),
        ({"management.basicCompanyInfo": rights.VIEWING_RIGHTS}, True, False),
        ({"management.basicCompanyInfo": rights.ALL_RIGHTS}, True, True),
    ],
)
def test_rights(
    *,
    client: TestClient,
    session_factory: sessionmaker[Session],
    settings: Settings,
    grants: dict[str, str],
    can_read: bool,
    can_write: bool,
) -> None:
    caller = _tenant_with(session_factory, settings, grants)
    with session_factory() as session:
        seed_bank_accounts(session, caller.company_id, caller.user_id)
        session.commit()
    listed = client.get(URL, headers=caller.headers)
    assert listed.status_code == (200 if can_read else 403)
    one = client.get(f"{URL}/1", headers=caller.headers)
    assert one.status_code == (200 if can_read else 403)
    if not can_read:
        assert errors(one) == [(403, None, "INSUFFICIENT_RIGHTS")]
    created = client.post(URL, json=body(iban=THIRD), headers=caller.headers)
    assert created.status_code == (200 if can_write else 403)
    if can_read:
        account = one.json()
        updated = client.put(f"{URL}/1", json={**account, "bankAddress": "x"}, headers=caller.headers)
        assert updated.status_code == (200 if can_write else 403)


def test_no_token_is_401(client: TestClient) -> None:
    assert client.get(URL).status_code == 401
    assert client.post(URL, json=body()).status_code == 401


# --- demo ---------------------------------------------------------------------------------------


def test_demo_accounts(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        seed_bank_accounts(session, tenant.company_id, tenant.user_id)
        session.commit()
    rows = client.get(URL, headers=tenant.headers).json()["results"]
    assert [(r["iban"], r["currency"], r["orderNo"], r["defaultForInvoice"], r["defaultForPayment"]) for r in rows] == [
        (MAIN, "EUR", 1, True, True),
        (SECOND, "EUR", 2, False, False),
    ]
    assert fetch(client, tenant, rows[0]["id"])["ledgerAccount"] == "1910"


def test_account_with_imported_statements_is_in_use(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a default account, but a statement was imported for it: it stays in its ledger account
    and active."""
    account = create(client, tenant, iban=SECOND)
    assert put(client, tenant, account, status="INACTIVE").status_code == 200
    account = put(client, tenant, fetch(client, tenant, account["id"]), status="ACTIVE").json()
    use_file(monkeypatch, ParsedFile("CAMT053", statements=(statement(iban=SECOND),)))
    with session_factory() as session:
        importing.import_file(session, company_id=tenant.company_id, data=b"x", filename=None, user_id=None)
        session.commit()
    answer = put(client, tenant, account, status="INACTIVE")
    assert answer.status_code == 409
    assert errors(answer) == [(409, "status", "BANK_ACCOUNT_IN_USE")]
