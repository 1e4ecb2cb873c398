"""Users endpoints over HTTP: the token's user, rights, profiles, PUT /users (MFA), member listing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import rules
from kirjuri.companies.models import User
from kirjuri.config import Settings
from kirjuri.mfa import rules as mfa_rules
from kirjuri.mfa.models import MfaTransaction
from tests.companies.helpers import add_colleague
from tests.factories import Tenant, make_tenant

BODY: dict[str, Any] = {
    "firstName": "Maija",
    "lastName": "Muutettu",
    "email": "maija@example.invalid",
    "mobilePhone": "+358401112222",
    "street": "Uusikatu 2",
    "zip": "00200",
    "city": "Espoo",
}


def test_get_users_is_the_token_user(client: TestClient, tenant: Tenant, db: Session) -> None:
    user = db.get(User, tenant.user_id)
    assert user is not None
    user.social_security_number = "131052-308T"
    db.commit()
    answer = client.get("/api/users", headers=tenant.headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body["id"] == tenant.user_id and body["username"] == tenant.username
    assert body["companyId"] == tenant.company_id and body["countryCode"] == "FINLAND"
    assert (body["firstName"], body["lastName"], body["mobilePhone"]) == ("Testi", "Käyttäjä", "+358401234567")
    assert body["loginMethod"] == "PROCOUNTOR_KEY"
    assert body["socialSecurityNumber"] == "131052-308T"
    assert "password" not in answer.text and "passwordHash" not in body


def test_users_needs_a_token(client: TestClient) -> None:
    assert client.get("/api/users").status_code == 401


def test_users_rights_is_the_stored_document(client: TestClient, settings: Settings, session_factory: Any) -> None:
    restricted = make_tenant(
        session_factory, settings, user_rights={"sales": {"customerRegister": rules.VIEWING_RIGHTS}}
    )
    body = client.get("/api/users/rights", headers=restricted.headers).json()
    assert body["role"] == rules.ADMIN_ROLE
    assert body["rights"]["sales"]["customerRegister"] == "VIEWING_RIGHTS"
    assert body["rights"]["sales"]["personalSalesInvoicesOnly"] is False
    assert body["rights"]["management"]["setUpACompany"] == "NO_ACCESS"
    assert set(body["rights"]) == {
        "management",
        "user",
        "sales",
        "purchases",
        "travelAndExpenses",
        "invoiceCirculation",
        "salaries",
        "payments",
        "accounting",
    }


def test_profiles_of_a_colleague(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    colleague = add_colleague(session_factory, settings, tenant, first_name="Liisa", last_name="Lähimmäinen")
    answer = client.get(f"/api/users/profiles/{colleague.user_id}", headers=tenant.headers)
    assert answer.status_code == 200
    assert answer.json() == {"firstname": "Liisa", "surname": "Lähimmäinen"}


@pytest.mark.parametrize("user_id", ["0", "999999999", "99999999999", "-3"])
def test_profiles_of_unknown_ids_are_404(client: TestClient, tenant: Tenant, user_id: str) -> None:
    assert client.get(f"/api/users/profiles/{user_id}", headers=tenant.headers).status_code == 404


def test_profiles_with_a_non_numeric_id_is_400(client: TestClient, tenant: Tenant) -> None:
    assert client.get("/api/users/profiles/abc", headers=tenant.headers).status_code == 400


def test_put_users_answers_202_and_changes_nothing_yet(client: TestClient, tenant: Tenant, db: Session) -> None:
    answer = client.put("/api/users", json=BODY, headers=tenant.headers)
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["confirmationApp"] == "KIRJURI_PORTAL"
    tx = db.get(MfaTransaction, (tenant.company_id, body["transactionIdentifier"]))
    assert tx is not None and tx.status == mfa_rules.PENDING and tx.user_id == tenant.user_id
    assert tx.payload["first_name"] == "Maija" and tx.payload["secondary_phone"] is None
    user = db.get(User, tenant.user_id)
    assert user is not None and user.first_name == "Testi"


def test_put_users_ignores_read_only_fields(client: TestClient, tenant: Tenant, db: Session) -> None:
    body = {**BODY, "id": 1, "username": "hijack", "socialSecurityNumber": "010101-123N", "loginMethod": "PASSWORDLIST"}
    answer = client.put("/api/users", json=body, headers=tenant.headers)
    assert answer.status_code == 202
    tx = db.get(MfaTransaction, (tenant.company_id, answer.json()["transactionIdentifier"]))
    assert tx is not None
    assert set(tx.payload) == {
        "first_name",
        "last_name",
        "email",
        "mobile_phone",
        "secondary_phone",
        "street",
        "zip",
        "city",
    }


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"firstName": None}, "firstName", "REQUIRED"),
        ({"lastName": ""}, "lastName", "TOO_SHORT"),
        ({"firstName": "x" * 81}, "firstName", "TOO_LONG"),
        ({"email": None}, "email", "REQUIRED"),
        ({"email": "not-an-email"}, "email", "INVALID_EMAIL"),
        ({"mobilePhone": None}, "mobilePhone", "REQUIRED"),
        ({"mobilePhone": "  "}, "mobilePhone", "REQUIRED"),
        ({"mobilePhone": "+358" + "1" * 60}, "mobilePhone", "INVALID_PHONE_NUMBER"),
        ({"zip": "123456789"}, "zip", "TOO_LONG"),
        ({"city": "Ŕ" + "city"}, "city", "INVALID_CHARACTERS"),
        ({"lastName": "Пушкин"}, "lastName", "INVALID_CHARACTERS"),
        ({"secondaryPhone": "x" * 21}, "secondaryPhone", "TOO_LONG"),
    ],
)
def test_put_users_validation(
    client: TestClient, tenant: Tenant, db: Session, *, change: dict[str, Any], field: str, code: str
) -> None:
    body = {**BODY, **change}
    body = {k: v for k, v in body.items() if v is not None}
    answer = client.put("/api/users", json=body, headers=tenant.headers)
    assert answer.status_code == 400, answer.text
    assert {"status": 400, "field": field, "message": code} in answer.json()["errors"]
    assert db.query(MfaTransaction).filter_by(company_id=tenant.company_id).count() == 0


@pytest.mark.parametrize(("level", "status"), [("ALL_RIGHTS", 202), ("VIEWING_RIGHTS", 403), ("NO_ACCESS", 403)])
def test_put_users_needs_edit_personal_info(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings, level: str, status: int
) -> None:
    tenant = make_tenant(session_factory, settings, user_rights={"user": {"editPersonalInfo": level}})
    answer = client.put("/api/users", json=BODY, headers=tenant.headers)
    assert answer.status_code == status
    assert client.get("/api/users", headers=tenant.headers).status_code == 200


# --- /api/kirjuri/users ---------------------------------------------------------------------------


@pytest.fixture()
def crowd(tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings) -> list[int]:
    """The tenant's user plus four colleagues: their ids, ascending."""
    ids = [tenant.user_id]
    for n in range(4):
        ids.append(add_colleague(session_factory, settings, tenant, first_name=f"K{n}").user_id)
    return sorted(ids)


def test_kirjuri_users_lists_members_newest_id_first(client: TestClient, tenant: Tenant, crowd: list[int]) -> None:
    body = client.get("/api/kirjuri/users", headers=tenant.headers).json()
    assert [r["id"] for r in body["results"]] == crowd[::-1]
    assert body["meta"] == {"pageNumber": 0, "pageSize": 50, "resultCount": 5, "totalCount": 5}
    me = next(r for r in body["results"] if r["id"] == tenant.user_id)
    assert me == {
        "id": tenant.user_id,
        "username": tenant.username,
        "firstName": "Testi",
        "lastName": "Käyttäjä",
        "email": "testi@example.invalid",
        "role": "ADMINISTRATOR",
    }


def test_kirjuri_users_paging(client: TestClient, tenant: Tenant, crowd: list[int]) -> None:
    get = lambda **q: client.get("/api/kirjuri/users", params=q, headers=tenant.headers)  # noqa: E731
    page1 = get(size=2, page=1, orderById="ASC").json()
    assert [r["id"] for r in page1["results"]] == crowd[2:4]
    assert page1["meta"] == {"pageNumber": 1, "pageSize": 2, "resultCount": 2, "totalCount": 5}
    asc = get(size=2, previousId=crowd[1], orderById="ASC").json()
    assert [r["id"] for r in asc["results"]] == crowd[2:4]
    assert asc["meta"]["totalCount"] == 5
    desc = get(size=10, previousId=crowd[3]).json()
    assert [r["id"] for r in desc["results"]] == [crowd[2], crowd[1], crowd[0]]
    last = get(size=2, page=2, orderById="DESC").json()
    assert [r["id"] for r in last["results"]] == [crowd[0]]
    assert get(size=200).status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"size": 0}, "size"),
        ({"size": 201}, "size"),
        ({"page": -1}, "page"),
        ({"previousId": -1}, "previousId"),
        ({"orderById": "UP"}, "orderById"),
        ({"size": "many"}, "size"),
    ],
)
def test_kirjuri_users_paging_refusals(client: TestClient, tenant: Tenant, query: dict[str, Any], field: str) -> None:
    answer = client.get("/api/kirjuri/users", params=query, headers=tenant.headers)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == field


def test_kirjuri_users_batch(client: TestClient, tenant: Tenant, crowd: list[int]) -> None:
    one = client.get(f"/api/kirjuri/users/{crowd[1]}", headers=tenant.headers)
    assert one.status_code == 200 and one.json()["id"] == crowd[1]
    several = client.get(f"/api/kirjuri/users/{crowd[3]},x,{crowd[0]},999999999,{crowd[3]}", headers=tenant.headers)
    assert several.status_code == 200
    assert [u["id"] for u in several.json()] == [crowd[0], crowd[3]]
    single_in_list = client.get(f"/api/kirjuri/users/{crowd[2]},abc", headers=tenant.headers)
    assert isinstance(single_in_list.json(), list) and len(single_in_list.json()) == 1
    assert client.get("/api/kirjuri/users/999999999", headers=tenant.headers).status_code == 404
    assert client.get("/api/kirjuri/users/abc,def", headers=tenant.headers).status_code == 404
    too_many = ",".join(str(i) for i in range(1, 202))
    assert client.get(f"/api/kirjuri/users/{too_many}", headers=tenant.headers).status_code == 400


def test_kirjuri_users_needs_users_and_user_rights(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    none = make_tenant(session_factory, settings, user_rights={"management": {"basicCompanyInfo": "ALL_RIGHTS"}})
    viewer = make_tenant(
        session_factory, settings, user_rights={"management": {"usersAndUserRights": "VIEWING_RIGHTS"}}
    )
    for path in ("/api/kirjuri/users", f"/api/kirjuri/users/{none.user_id}"):
        answer = client.get(path, headers=none.headers)
        assert answer.status_code == 403
        assert answer.json()["errors"][0]["message"] == "INSUFFICIENT_RIGHTS"
    assert client.get("/api/kirjuri/users", headers=viewer.headers).status_code == 200
    assert client.get(f"/api/kirjuri/users/{viewer.user_id}", headers=viewer.headers).status_code == 200


def test_users_endpoints_answer_under_version_prefixes(client: TestClient, tenant: Tenant) -> None:
    for prefix in ("/latest/api", "/v2604/api"):
        assert client.get(f"{prefix}/users", headers=tenant.headers).json()["id"] == tenant.user_id
