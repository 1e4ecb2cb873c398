"""Rights by partner type (§D.4, `rules.TYPE_RIGHTS`), table-driven over HTTP: each register right
reads its type at viewing level and writes it with ALL_RIGHTS; a partner or group of an unreadable
type is 404; a search without `type` lists the readable types only; no register right at all is
403 everywhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.config import Settings
from kirjuri.ledger import dimensions
from tests.factories import Tenant
from tests.partners.partner_helpers import (
    CUSTOMER,
    SUPPLIER,
    add_person,
    body,
    create,
    create_group,
    member_headers,
    rights,
)

ALL, VIEW = "ALL_RIGHTS", "VIEWING_RIGHTS"


@dataclass
class World:
    customer: int
    supplier: int
    person: int
    customer_group: int
    supplier_group: int
    person_group: int
    dimension: int
    item: int


@pytest.fixture()
def world(client: TestClient, tenant: Tenant, db: Session) -> World:
    dimension = dimensions.create_dimension(db, company_id=tenant.company_id, name="KP")
    item = dimensions.create_item(
        db, company_id=tenant.company_id, dimension_id=dimension.id, code_name="K1", description=None, active=True
    )
    db.commit()
    return World(
        customer=create(client, tenant)["id"],
        supplier=create(client, tenant, SUPPLIER)["id"],
        person=add_person(db, tenant.company_id),
        customer_group=create_group(client, tenant, "Asiakkaat"),
        supplier_group=create_group(client, tenant, "Toimittajat", "SUPPLIER"),
        person_group=create_group(client, tenant, "Henkilöt", "PERSON"),
        dimension=dimension.id,
        item=item.id,
    )


Call = Callable[[World, Callable[[int], str]], tuple[str, str, Any]]


def _split(w: World) -> dict[str, Any]:
    return {"items": [{"id": w.item, "codeName": "K1", "percent": 100}]}


CALLS: dict[str, Call] = {
    "search": lambda w, v: ("GET", "/api/businesspartners", None),
    "search suppliers": lambda w, v: ("GET", "/api/businesspartners?type=SUPPLIER", None),
    "get customer": lambda w, v: ("GET", f"/api/businesspartners/{w.customer}", None),
    "get supplier": lambda w, v: ("GET", f"/api/businesspartners/{w.supplier}", None),
    "get person": lambda w, v: ("GET", f"/api/businesspartners/{w.person}", None),
    "post customer": lambda w, v: ("POST", "/api/businesspartners", CUSTOMER),
    "post supplier": lambda w, v: ("POST", "/api/businesspartners", SUPPLIER),
    "put customer": lambda w, v: ("PUT", f"/api/businesspartners/{w.customer}", CUSTOMER),
    "customer to supplier": lambda w, v: (
        "PUT",
        f"/api/businesspartners/{w.customer}",
        body(CUSTOMER, type="SUPPLIER"),
    ),
    "patch customer": lambda w, v: (
        "PATCH",
        f"/api/businesspartners/{w.customer}",
        {"name": "P", "version": v(w.customer)},
    ),
    "groups": lambda w, v: ("GET", "/api/businesspartners/groups", None),
    "customer groups": lambda w, v: ("GET", "/api/businesspartners/groups?type=CUSTOMER", None),
    "get customer group": lambda w, v: ("GET", f"/api/businesspartners/groups/{w.customer_group}", None),
    "get supplier group": lambda w, v: ("GET", f"/api/businesspartners/groups/{w.supplier_group}", None),
    "post customer group": lambda w, v: ("POST", "/api/businesspartners/groups", {"name": "U", "type": "CUSTOMER"}),
    "put supplier group": lambda w, v: (
        "PUT",
        f"/api/businesspartners/groups/{w.supplier_group}",
        {"name": "T", "type": "SUPPLIER"},
    ),
    "customer group to supplier": lambda w, v: (
        "PUT",
        f"/api/businesspartners/groups/{w.customer_group}",
        {"name": "T", "type": "SUPPLIER"},
    ),
    "get accounts": lambda w, v: ("GET", f"/api/businesspartners/{w.customer}/defaults/accounts", None),
    "set accounts": lambda w, v: ("PUT", f"/api/kirjuri/businesspartners/{w.customer}/defaults/accounts", {}),
    "get dimensions": lambda w, v: ("GET", f"/api/businesspartners/{w.customer}/defaults/dimensions", None),
    "get dimension": lambda w, v: (
        "GET",
        f"/api/businesspartners/{w.customer}/defaults/dimensions/{w.dimension}",
        None,
    ),
    "set dimension": lambda w, v: (
        "PUT",
        f"/api/businesspartners/{w.customer}/defaults/dimensions/{w.dimension}",
        _split(w),
    ),
    "set person dimension": lambda w, v: (
        "PUT",
        f"/api/businesspartners/{w.person}/defaults/dimensions/{w.dimension}",
        _split(w),
    ),
}

# Expected status of every call, per rights profile (calls not listed: the profile's default).
PROFILES: dict[str, tuple[dict[str, str], int, dict[str, int]]] = {
    "no register right": ({"accounting_journalReceipts": ALL}, 403, {}),
    "customers, viewing": (
        {"sales_customerRegister": VIEW},
        403,
        {
            "search": 200,
            "get customer": 200,
            "get supplier": 404,
            "get person": 404,
            "groups": 200,
            "customer groups": 200,
            "get customer group": 200,
            "get supplier group": 404,
            "put supplier group": 404,
            "get accounts": 200,
            "get dimensions": 200,
            "get dimension": 200,
            "set person dimension": 404,
        },
    ),
    "customers, all rights": (
        {"sales_customerRegister": ALL},
        200,
        {
            "search suppliers": 403,
            "get supplier": 404,
            "get person": 404,
            "post supplier": 403,
            "customer to supplier": 403,
            "get supplier group": 404,
            "put supplier group": 404,
            "customer group to supplier": 403,
            "set person dimension": 404,
        },
    ),
    "suppliers, all rights": (
        {"purchases_supplierRegister": ALL},
        404,
        {
            "search": 200,
            "search suppliers": 200,
            "get supplier": 200,
            "post customer": 403,
            "post supplier": 200,
            "groups": 200,
            "customer groups": 403,
            "get supplier group": 200,
            "put supplier group": 200,
            "post customer group": 403,
        },
    ),
    "persons, viewing": (
        {"salaries_personRegister": VIEW},
        404,
        {
            "search": 200,
            "search suppliers": 403,
            "get person": 200,
            "post customer": 403,
            "post supplier": 403,
            "groups": 200,
            "customer groups": 403,
            "post customer group": 403,
            "set person dimension": 403,
        },
    ),
    "customers and suppliers, all rights": (
        {"sales_customerRegister": ALL, "purchases_supplierRegister": ALL},
        200,
        {"get person": 404, "set person dimension": 404},
    ),
}


@pytest.mark.parametrize("profile", list(PROFILES))
def test_rights_by_type(
    *,
    client: TestClient,
    tenant: Tenant,
    world: World,
    session_factory: sessionmaker[Session],
    settings: Settings,
    profile: str,
) -> None:
    levels, default, overrides = PROFILES[profile]
    headers = member_headers(session_factory, settings, tenant.company_id, rights(**levels))

    def version(partner_id: int) -> str:
        got: str = client.get(f"/api/businesspartners/{partner_id}", headers=tenant.headers).json()["version"]
        return got

    for name, call in CALLS.items():
        method, url, sent = call(world, version)
        answer = client.request(method, url, json=sent, headers=headers)
        expected = overrides.get(name, default)
        assert answer.status_code == expected, (profile, name, answer.status_code, answer.text)
        if expected == 403:
            assert answer.json() == {"errors": [{"status": 403, "message": "INSUFFICIENT_RIGHTS"}]}


@pytest.mark.parametrize(
    ("levels", "types"),
    [
        ({"sales_customerRegister": VIEW}, ["CUSTOMER"]),
        ({"purchases_supplierRegister": VIEW}, ["SUPPLIER"]),
        ({"salaries_personRegister": VIEW}, ["PERSON"]),
        ({"sales_customerRegister": VIEW, "salaries_personRegister": ALL}, ["PERSON", "CUSTOMER"]),
    ],
)
def test_searches_list_the_readable_types_only(
    *,
    client: TestClient,
    tenant: Tenant,
    world: World,
    session_factory: sessionmaker[Session],
    settings: Settings,
    levels: dict[str, str],
    types: list[str],
) -> None:
    headers = member_headers(session_factory, settings, tenant.company_id, rights(**levels))
    partners = client.get("/api/businesspartners", headers=headers).json()["results"]
    assert [p["type"] for p in partners] == types
    found = client.get("/api/businesspartners/groups", headers=headers).json()["results"]
    assert sorted(g["type"] for g in found) == sorted(types)
    batch = client.get(f"/api/businesspartners/{world.customer},{world.supplier},{world.person}", headers=headers)
    assert sorted(p["type"] for p in batch.json()) == sorted(types)
