"""Partner groups over HTTP (§D.4): create, read, update, search (filters, paging by id ascending),
the type rule for members, validation codes, and the service's membership checks."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kirjuri.core.errors import ErrorItem
from kirjuri.partners import groups
from tests.factories import Tenant
from tests.partners.partner_helpers import CUSTOMER, body, create, create_group, errors


def test_create_and_get(client: TestClient, tenant: Tenant) -> None:
    answer = client.post(
        "/api/businesspartners/groups", json={"name": "Kanta", "type": "CUSTOMER"}, headers=tenant.headers
    )
    assert answer.status_code == 200
    assert answer.json() == {"id": 1, "name": "Kanta", "type": "CUSTOMER", "active": True}
    inactive = client.post(
        "/api/businesspartners/groups",
        json={"id": 99, "name": "Vanhat", "type": "SUPPLIER", "active": False},
        headers=tenant.headers,
    )
    assert inactive.json() == {"id": 2, "name": "Vanhat", "type": "SUPPLIER", "active": False}
    assert client.get("/api/businesspartners/groups/2", headers=tenant.headers).json() == inactive.json()


@pytest.mark.parametrize(
    ("sent", "field", "code"),
    [
        ({"type": "CUSTOMER"}, "name", "REQUIRED"),
        ({"name": "", "type": "CUSTOMER"}, "name", "TOO_SHORT"),
        ({"name": "  ", "type": "CUSTOMER"}, "name", "REQUIRED"),
        ({"name": "x" * 81, "type": "CUSTOMER"}, "name", "TOO_LONG"),
        ({"name": "Ж", "type": "CUSTOMER"}, "name", "INVALID_CHARACTERS"),
        ({"name": "G"}, "type", "REQUIRED"),
        ({"name": "G", "type": "PRODUCT"}, "type", "INVALID_ENUM_VALUE"),
        ({"name": "G", "type": "CUSTOMER", "active": "x"}, "active", "INVALID_BOOLEAN"),
    ],
)
def test_validation(client: TestClient, tenant: Tenant, sent: dict[str, Any], field: str, code: str) -> None:
    existing = create_group(client, tenant, "Olemassa")
    for method, url in (("POST", "/api/businesspartners/groups"), ("PUT", f"/api/businesspartners/groups/{existing}")):
        answer = client.request(method, url, json=sent, headers=tenant.headers)
        assert errors(answer) == [(400, field, code)], method


def test_update(client: TestClient, tenant: Tenant) -> None:
    group_id = create_group(client, tenant, "Vanha nimi")
    url = f"/api/businesspartners/groups/{group_id}"
    renamed = client.put(url, json={"name": "Uusi nimi", "type": "CUSTOMER", "active": False}, headers=tenant.headers)
    assert renamed.json() == {"id": group_id, "name": "Uusi nimi", "type": "CUSTOMER", "active": False}
    kept = client.put(url, json={"name": "Uusi nimi", "type": "SUPPLIER"}, headers=tenant.headers)
    assert kept.json() == {"id": group_id, "name": "Uusi nimi", "type": "SUPPLIER", "active": False}
    assert client.get(url, headers=tenant.headers).json() == kept.json()


def test_a_group_with_members_keeps_its_type(client: TestClient, tenant: Tenant) -> None:
    group_id = create_group(client, tenant, "Jäsenelliset")
    partner = create(client, tenant, body(CUSTOMER, registryInfo={"partnerGroups": [{"id": group_id}]}))
    url = f"/api/businesspartners/groups/{group_id}"
    answer = client.put(url, json={"name": "Jäsenelliset", "type": "SUPPLIER"}, headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (409, [(409, "type", "PARTNER_GROUP_IN_USE")])
    assert client.put(url, json={"name": "Uusi", "type": "CUSTOMER"}, headers=tenant.headers).status_code == 200
    shown = client.get(f"/api/businesspartners/{partner['id']}", headers=tenant.headers).json()
    assert shown["registryInfo"]["partnerGroups"] == [
        {"id": group_id, "name": "Uusi", "type": "CUSTOMER", "active": True}
    ]
    client.put(f"/api/businesspartners/{partner['id']}", json=CUSTOMER, headers=tenant.headers)  # leaves the group
    assert client.put(url, json={"name": "Uusi", "type": "SUPPLIER"}, headers=tenant.headers).status_code == 200


def test_unknown_groups_are_404(client: TestClient, tenant: Tenant) -> None:
    for path in ("999", "0", "2147483648"):
        got = client.get(f"/api/businesspartners/groups/{path}", headers=tenant.headers)
        put = client.put(
            f"/api/businesspartners/groups/{path}", json={"name": "x", "type": "CUSTOMER"}, headers=tenant.headers
        )
        assert errors(got) == errors(put) == [(404, "id", "NOT_FOUND")]


def _ids(client: TestClient, tenant: Tenant, query: str = "") -> list[int]:
    answer = client.get(f"/api/businesspartners/groups{query}", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    return [g["id"] for g in answer.json()["results"]]


def test_search(client: TestClient, tenant: Tenant) -> None:
    a = create_group(client, tenant, "Isot asiakkaat")
    b = create_group(client, tenant, "Pienet asiakkaat")
    c = create_group(client, tenant, "Isot toimittajat", "SUPPLIER")
    d = create_group(client, tenant, "Työntekijät", "PERSON")
    client.put(
        f"/api/businesspartners/groups/{b}",
        json={"name": "Pienet asiakkaat", "type": "CUSTOMER", "active": False},
        headers=tenant.headers,
    )
    answer = client.get("/api/businesspartners/groups", headers=tenant.headers).json()
    assert [g["id"] for g in answer["results"]] == [a, b, c, d]
    assert answer["meta"] == {"pageNumber": 0, "pageSize": 50, "resultCount": 4, "totalCount": 4}
    assert _ids(client, tenant, "?name=ISOT") == [a, c]
    assert _ids(client, tenant, "?type=SUPPLIER") == [c]
    assert _ids(client, tenant, "?active=false") == [b]
    assert _ids(client, tenant, "?active=true&type=CUSTOMER") == [a]
    assert _ids(client, tenant, "?size=2&page=1") == [c, d]
    assert _ids(client, tenant, "?size=2&page=2") == []
    assert errors(client.get("/api/businesspartners/groups?size=0", headers=tenant.headers)) == [
        (400, "size", "INVALID_PAGE_SIZE")
    ]
    assert errors(client.get("/api/businesspartners/groups?type=X", headers=tenant.headers)) == [
        (400, "type", "INVALID_ENUM_VALUE")
    ]


def test_membership_checks(client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session) -> None:
    mine = create_group(client, tenant, "Oma")
    supplier = create_group(client, tenant, "Toimittajat", "SUPPLIER")
    theirs = [create_group(client, other_tenant, f"Heidän {n}") for n in range(3)][-1]
    assert theirs == 3  # ids are per company: 3 exists only in the other company
    chosen, found = groups.check_memberships(
        db,
        company_id=tenant.company_id,
        partner_type="CUSTOMER",
        group_ids=[mine, None, supplier, theirs, mine],
        path=lambda i: f"groups[{i}]",
    )
    assert chosen == [mine]
    assert found == [
        ErrorItem(400, "REQUIRED", "groups[1]"),
        ErrorItem(400, "PARTNER_GROUP_TYPE_MISMATCH", "groups[2]"),
        ErrorItem(400, "PARTNER_GROUP_NOT_FOUND", "groups[3]"),
    ]
