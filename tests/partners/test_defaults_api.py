"""A partner's defaults over HTTP (§D.4): default accounts and VAT (read, and Kirjuri's extra that
sets them), and default dimension splits (list, one, replace) with their validation codes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kirjuri.ledger import accounts, chart, dimensions
from tests.factories import Tenant
from tests.partners.partner_helpers import CUSTOMER, SUPPLIER, add_person, create, errors

RECEIVABLES = chart.by_role(chart.Role.RECEIVABLES).code
SALES = chart.by_role(chart.Role.SALES).code
PAYABLES = chart.by_role(chart.Role.PAYABLES).code
PURCHASES = chart.by_role(chart.Role.PURCHASES).code


def _name(code: str) -> str:
    return next(a.name_fi for a in chart.DEFAULT_CHART if a.code == code)


def accounts_url(partner_id: int | str, extra: bool = False) -> str:
    prefix = "/api/kirjuri" if extra else "/api"
    return f"{prefix}/businesspartners/{partner_id}/defaults/accounts"


# --- default accounts -----------------------------------------------------------------------------


def test_default_accounts_are_empty_until_set(client: TestClient, tenant: Tenant) -> None:
    partner = create(client, tenant)
    answer = client.get(accounts_url(partner["id"]), headers=tenant.headers)
    assert (answer.status_code, answer.json()) == (200, {})


def test_set_and_read_default_accounts(client: TestClient, tenant: Tenant) -> None:
    partner = create(client, tenant)
    sent = {
        "vatPercent": 25.50,
        "vatStatus": 1,
        "vatDeduction": 100,
        "vatProcessing": "NORMAL",
        "combineInvoiceRows": True,
        "salesInvoiceAccounts": {
            "debitAccount": {"code": RECEIVABLES, "name": "ignored"},
            "creditAccount": {"code": SALES},
        },
        "journalAccounts": {"reconciliationAccount": {"code": RECEIVABLES}},
    }
    answer = client.put(accounts_url(partner["id"], extra=True), json=sent, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    expected = {
        "vatPercent": 25.5,
        "vatDeduction": 100,
        "vatStatus": 1,
        "vatProcessing": "NORMAL",
        "combineInvoiceRows": True,
        "salesInvoiceAccounts": {
            "debitAccount": {"code": RECEIVABLES, "name": _name(RECEIVABLES)},
            "creditAccount": {"code": SALES, "name": _name(SALES)},
        },
        "journalAccounts": {"reconciliationAccount": {"code": RECEIVABLES, "name": _name(RECEIVABLES)}},
    }
    assert answer.json() == expected
    assert client.get(accounts_url(partner["id"]), headers=tenant.headers).json() == expected
    after = client.get(f"/api/businesspartners/{partner['id']}", headers=tenant.headers).json()
    assert after["version"] > partner["version"]
    replaced = client.put(accounts_url(partner["id"], extra=True), json={"vatStatus": 2}, headers=tenant.headers)
    assert replaced.json() == {"vatStatus": 2}


def test_account_names_follow_the_chart(client: TestClient, tenant: Tenant, db: Session) -> None:
    partner = create(client, tenant)
    client.put(
        accounts_url(partner["id"], extra=True),
        json={"salesInvoiceAccounts": {"creditAccount": {"code": SALES}}},
        headers=tenant.headers,
    )
    accounts.update_account(db, company_id=tenant.company_id, code=SALES, name="Uusi nimi")
    db.commit()
    shown = client.get(accounts_url(partner["id"]), headers=tenant.headers).json()
    assert shown == {"salesInvoiceAccounts": {"creditAccount": {"code": SALES, "name": "Uusi nimi"}}}


@pytest.mark.parametrize(
    ("partner", "sent", "expected"),
    [
        (CUSTOMER, {"vatStatus": 9}, [(400, "vatStatus", "INVALID_VAT_STATUS")]),
        (SUPPLIER, {"vatStatus": 7}, [(400, "vatStatus", "INVALID_VAT_STATUS")]),
        (CUSTOMER, {"vatPercent": 23}, [(400, "vatPercent", "INVALID_VAT_PERCENTAGE")]),
        (CUSTOMER, {"vatStatus": 7, "vatPercent": 25.5}, [(400, "vatPercent", "ERROR_VATSTATUS_VATPERC")]),
        (SUPPLIER, {"vatDeduction": 101}, [(400, "vatDeduction", "OUT_OF_RANGE")]),
        (SUPPLIER, {"vatProcessing": "x" * 41}, [(400, "vatProcessing", "TOO_LONG")]),
        (SUPPLIER, {"vatStatus": "x"}, [(400, "vatStatus", "INVALID_INTEGER")]),
        (
            SUPPLIER,
            {"purchaseInvoiceAccounts": {"debitAccount": {"code": "99999"}, "creditAccount": {"code": PAYABLES}}},
            [(400, "purchaseInvoiceAccounts.debitAccount.code", "ACCOUNT_NOT_FOUND")],
        ),
        (
            SUPPLIER,
            {"vatStatus": 42, "travelInvoiceAccounts": {"creditAccount": {"code": "x"}}},
            [
                (400, "vatStatus", "INVALID_VAT_STATUS"),
                (400, "travelInvoiceAccounts.creditAccount.code", "ACCOUNT_NOT_FOUND"),
            ],
        ),
    ],
)
def test_default_accounts_validation(
    client: TestClient, tenant: Tenant, partner: dict[str, Any], sent: dict[str, Any], expected: list[Any]
) -> None:
    partner_id = create(client, tenant, partner)["id"]
    answer = client.put(accounts_url(partner_id, extra=True), json=sent, headers=tenant.headers)
    assert errors(answer) == expected
    assert client.get(accounts_url(partner_id), headers=tenant.headers).json() == {}


def test_an_inactive_account_is_refused(client: TestClient, tenant: Tenant, db: Session) -> None:
    accounts.add_account(db, company_id=tenant.company_id, code="3999", name="Poistuva")
    accounts.update_account(db, company_id=tenant.company_id, code="3999", active=False)
    db.commit()
    partner_id = create(client, tenant)["id"]
    answer = client.put(
        accounts_url(partner_id, extra=True),
        json={"salesInvoiceAccounts": {"creditAccount": {"code": "3999"}}},
        headers=tenant.headers,
    )
    assert errors(answer) == [(400, "salesInvoiceAccounts.creditAccount.code", "ACCOUNT_INACTIVE")]


def test_another_companys_account_is_not_in_the_chart(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session
) -> None:
    accounts.add_account(db, company_id=other_tenant.company_id, code="3998", name="Heidän")
    db.commit()
    partner_id = create(client, tenant)["id"]
    answer = client.put(
        accounts_url(partner_id, extra=True),
        json={"salesInvoiceAccounts": {"creditAccount": {"code": "3998"}}},
        headers=tenant.headers,
    )
    assert errors(answer) == [(400, "salesInvoiceAccounts.creditAccount.code", "ACCOUNT_NOT_FOUND")]


def test_default_accounts_are_not_for_persons(client: TestClient, tenant: Tenant, db: Session) -> None:
    person_id = add_person(db, tenant.company_id)
    for method, url in (("GET", accounts_url(person_id)), ("PUT", accounts_url(person_id, extra=True))):
        answer = client.request(method, url, json={"vatStatus": 1} if method == "PUT" else None, headers=tenant.headers)
        assert errors(answer) == [(400, "id", "NOT_FOR_PERSONS")], method


@pytest.mark.parametrize("path", ["999", "0", "2147483648"])
def test_default_accounts_of_unknown_partners_are_404(client: TestClient, tenant: Tenant, path: str) -> None:
    assert errors(client.get(accounts_url(path), headers=tenant.headers)) == [(404, "id", "NOT_FOUND")]
    put = client.put(accounts_url(path, extra=True), json={}, headers=tenant.headers)
    assert errors(put) == [(404, "id", "NOT_FOUND")]


# --- default dimensions ------------------------------------------------------------------------------


def make_dimension(db: Session, company_id: int, name: str, *codes: str) -> tuple[int, list[int]]:
    dimension = dimensions.create_dimension(db, company_id=company_id, name=name)
    items = [
        dimensions.create_item(
            db,
            company_id=company_id,
            dimension_id=dimension.id,
            code_name=code,
            description=f"{code} kuvaus",
            active=True,
        ).id
        for code in codes
    ]
    db.commit()
    return dimension.id, items


def dims_url(partner_id: int | str, dimension_id: int | str | None = None) -> str:
    base = f"/api/businesspartners/{partner_id}/defaults/dimensions"
    return base if dimension_id is None else f"{base}/{dimension_id}"


def test_default_dimensions(client: TestClient, tenant: Tenant, db: Session) -> None:
    partner = create(client, tenant)
    dim, (a, b) = make_dimension(db, tenant.company_id, "Kustannuspaikka", "KP1", "KP2")
    other_dim, (c,) = make_dimension(db, tenant.company_id, "Projekti", "P1")
    assert client.get(dims_url(partner["id"]), headers=tenant.headers).json() == []
    empty = client.get(dims_url(partner["id"], dim), headers=tenant.headers)
    assert empty.json() == {"id": dim, "name": "Kustannuspaikka", "items": []}
    sent = {"items": [{"id": b, "codeName": "ignored", "percent": 60}, {"codeName": "KP1", "percent": 40.0}]}
    answer = client.put(dims_url(partner["id"], dim), json=sent, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    expected = {
        "id": dim,
        "name": "Kustannuspaikka",
        "items": [
            {"id": a, "codeName": "KP1", "percent": 40, "status": True, "description": "KP1 kuvaus"},
            {"id": b, "codeName": "KP2", "percent": 60, "status": True, "description": "KP2 kuvaus"},
        ],
    }
    assert answer.json() == expected
    assert client.get(dims_url(partner["id"], dim), headers=tenant.headers).json() == expected
    client.put(
        dims_url(partner["id"], other_dim),
        json={"items": [{"id": c, "codeName": "P1", "percent": 100}]},
        headers=tenant.headers,
    )
    assert client.get(dims_url(partner["id"]), headers=tenant.headers).json() == [
        {
            "id": dim,
            "name": "Kustannuspaikka",
            "items": [{"id": a, "codeName": "KP1", "percent": 40}, {"id": b, "codeName": "KP2", "percent": 60}],
        },
        {"id": other_dim, "name": "Projekti", "items": [{"id": c, "codeName": "P1", "percent": 100}]},
    ]
    after = client.get(f"/api/businesspartners/{partner['id']}", headers=tenant.headers).json()
    assert after["version"] > partner["version"]
    cleared = client.put(dims_url(partner["id"], dim), json={"items": []}, headers=tenant.headers)
    assert cleared.json() == {"id": dim, "name": "Kustannuspaikka", "items": []}
    assert [d["id"] for d in client.get(dims_url(partner["id"]), headers=tenant.headers).json()] == [other_dim]


def test_persons_have_default_dimensions_too(client: TestClient, tenant: Tenant, db: Session) -> None:
    person_id = add_person(db, tenant.company_id)
    dim, (a,) = make_dimension(db, tenant.company_id, "KP", "K")
    answer = client.put(
        dims_url(person_id, dim), json={"items": [{"id": a, "codeName": "K", "percent": 100}]}, headers=tenant.headers
    )
    assert answer.status_code == 200
    assert client.get(dims_url(person_id), headers=tenant.headers).json()[0]["items"][0]["percent"] == 100


def test_default_dimension_validation(client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session) -> None:
    partner_id = create(client, tenant)["id"]
    dim, (a, b) = make_dimension(db, tenant.company_id, "KP", "A", "B")
    make_dimension(db, other_tenant.company_id, "Heidän 1", "X")
    theirs, their_items = make_dimension(db, other_tenant.company_id, "Heidän 2", "Y1", "Y2", "Y")
    their_item = their_items[-1]
    inactive = dimensions.create_item(
        db, company_id=tenant.company_id, dimension_id=dim, code_name="OFF", description=None, active=False
    ).id
    db.commit()
    url = dims_url(partner_id, dim)
    cases: list[tuple[dict[str, Any], int, list[tuple[int, str | None, str]]]] = [
        ({"items": [{"id": a, "codeName": "A", "percent": 50}]}, 400, [(400, "items", "DIMENSION_PERCENTS_NOT_100")]),
        (
            {"items": [{"id": a, "codeName": "A", "percent": 60}, {"id": b, "codeName": "B", "percent": 60}]},
            400,
            [(400, "items", "DIMENSION_PERCENTS_NOT_100")],
        ),
        (
            {"items": [{"codeName": "NOPE", "percent": 100}]},
            400,
            [(400, "items[0].codeName", "DIMENSION_ITEM_NOT_FOUND")],
        ),
        (
            {"items": [{"id": 999, "codeName": "A", "percent": 100}]},
            400,
            [(400, "items[0].id", "DIMENSION_ITEM_NOT_FOUND")],
        ),
        (
            {"items": [{"id": their_item, "codeName": "Y", "percent": 100}]},
            400,
            [(400, "items[0].id", "DIMENSION_ITEM_NOT_FOUND")],
        ),
        (
            {"items": [{"id": inactive, "codeName": "OFF", "percent": 100}]},
            400,
            [(400, "items[0].codeName", "DIMENSION_ITEM_INACTIVE")],
        ),
        (
            {"items": [{"id": a, "codeName": "A", "percent": 50}, {"codeName": "A", "percent": 50}]},
            400,
            [(400, "items[1].codeName", "DUPLICATE_DIMENSION_ITEM")],
        ),
        (
            {"items": [{"id": a, "codeName": "A", "percent": 0}]},
            400,
            [(400, "items[0].percent", "INVALID_DIMENSION_PERCENT")],
        ),
        ({"items": [{"id": a, "codeName": "A"}]}, 400, [(400, "items[0].percent", "REQUIRED")]),
        ({"items": [{"id": a, "percent": 100}]}, 400, [(400, "items[0].codeName", "REQUIRED")]),
    ]
    for sent, status, expected in cases:
        answer = client.put(url, json=sent, headers=tenant.headers)
        assert (answer.status_code, errors(answer)) == (status, expected), sent
    assert client.get(dims_url(partner_id), headers=tenant.headers).json() == []
    assert theirs > dim and their_item > inactive  # ids are per company: these exist only in theirs
    for method in ("GET", "PUT"):
        answer = client.request(
            method,
            dims_url(partner_id, theirs),
            json={"items": []} if method == "PUT" else None,
            headers=tenant.headers,
        )
        assert errors(answer) == [(404, "dimensionId", "NOT_FOUND")], method


@pytest.mark.parametrize("path", ["999", "0", "2147483648"])
def test_default_dimensions_of_unknown_partners_are_404(
    client: TestClient, tenant: Tenant, db: Session, path: str
) -> None:
    dim, _ = make_dimension(db, tenant.company_id, "KP")
    for method, url in (("GET", dims_url(path)), ("GET", dims_url(path, dim)), ("PUT", dims_url(path, dim))):
        answer = client.request(method, url, json={"items": []} if method == "PUT" else None, headers=tenant.headers)
        assert errors(answer) == [(404, "id", "NOT_FOUND")], (method, url)
