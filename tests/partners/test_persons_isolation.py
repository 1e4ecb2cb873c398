"""Tenancy of the person register: every id-taking endpoint of the persons router, called with
ids that exist only in another company, answers 404 and changes nothing there; searches and
personal details never show the other company's persons, groups or links."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.ledger.models import DefaultSplit
from kirjuri.partners.models import BusinessPartner, PartnerGroupMember
from tests.factories import Tenant
from tests.partners.test_persons_api import PERSON, create, link, make_dimension, make_group, variant

# Ours to walk; `…/persons/{id}/defaults/products` belongs to the default-products router.
PREFIXES = ("/api/persons/", "/api/kirjuri/persons/")
NOT_OURS = "/defaults/products"


def _theirs(client: TestClient, other: Tenant, db: Session, session_factory: sessionmaker[Session]) -> dict[str, Any]:
    """Three persons (the last one in groups, with a split and a linked user) and two dimensions."""
    make_group(session_factory, other.company_id, "Their staff")
    group = make_group(session_factory, other.company_id, "Their board")
    make_dimension(db, other.company_id, "Theirs 1", "T0")
    dimension_id, _ = make_dimension(db, other.company_id, "Theirs 2", "T1", "T2")
    created = [create(client, other) for _ in range(2)]
    person = create(client, other, variant({"registryInfo.personGroupsIds": [group]}))
    answer = client.put(
        f"/api/persons/{person['id']}/defaults/dimensions/{dimension_id}",
        json={"items": [{"codeName": "T1", "percent": 100}]},
        headers=other.headers,
    )
    assert answer.status_code == 200, answer.text
    assert link(client, other, person["id"], other.user_id).status_code == 200
    return {"person": person, "others": created, "dimension": dimension_id, "group": group}


def _urls(person_id: int, dimension_id: int, version: str, user_id: int) -> dict[tuple[str, str], tuple[str, Any]]:
    split = {"items": [{"codeName": "T2", "percent": 100}]}
    return {
        ("GET", "/api/persons/{id}"): (f"/api/persons/{person_id}", None),
        ("PUT", "/api/persons/{id}"): (f"/api/persons/{person_id}", variant({"version": version, "lastName": "Mine"})),
        ("GET", "/api/persons/{id}/defaults/dimensions"): (f"/api/persons/{person_id}/defaults/dimensions", None),
        ("GET", "/api/persons/{id}/defaults/dimensions/{dimensionId}"): (
            f"/api/persons/{person_id}/defaults/dimensions/{dimension_id}",
            None,
        ),
        ("PUT", "/api/persons/{id}/defaults/dimensions/{dimensionId}"): (
            f"/api/persons/{person_id}/defaults/dimensions/{dimension_id}",
            split,
        ),
        ("GET", "/api/kirjuri/persons/{id}/user"): (f"/api/kirjuri/persons/{person_id}/user", None),
        ("PUT", "/api/kirjuri/persons/{id}/user"): (f"/api/kirjuri/persons/{person_id}/user", {"userId": user_id}),
    }


def _snapshot(client: TestClient, other: Tenant, db: Session, person_id: int) -> tuple[object, ...]:
    """The other company's persons as its own user sees them, and its rows."""
    db.expire_all()
    company_id = other.company_id
    return (
        client.get(f"/api/persons/{person_id}", headers=other.headers).json(),
        client.get(f"/api/persons/{person_id}/defaults/dimensions", headers=other.headers).json(),
        client.get(f"/api/kirjuri/persons/{person_id}/user", headers=other.headers).json(),
        client.get("/api/businesspartners/personaldetails", headers=other.headers).json(),
        db.scalar(select(func.count()).select_from(BusinessPartner).where(BusinessPartner.company_id == company_id)),
        db.scalar(select(func.max(BusinessPartner.version)).where(BusinessPartner.company_id == company_id)),
        db.scalar(
            select(func.count()).select_from(PartnerGroupMember).where(PartnerGroupMember.company_id == company_id)
        ),
        db.scalar(select(func.count()).select_from(DefaultSplit).where(DefaultSplit.company_id == company_id)),
    )


def test_other_companys_ids_are_404(
    *,
    app: FastAPI,
    client: TestClient,
    tenant: Tenant,
    other_tenant: Tenant,
    db: Session,
    session_factory: sessionmaker[Session],
) -> None:
    mine = create(client, tenant)  # id 1 exists in both companies; the walk uses an id only they have
    theirs = _theirs(client, other_tenant, db, session_factory)
    person, dimension_id = theirs["person"], theirs["dimension"]
    assert person["id"] > mine["id"]
    urls = _urls(person["id"], dimension_id, person["version"], tenant.user_id)
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if "{" in path and path.startswith(PREFIXES) and NOT_OURS not in path
    }
    assert routes == set(urls), "a new id-taking route must join this walk"

    before = _snapshot(client, other_tenant, db, person["id"])
    for (method, _path), (url, body) in urls.items():
        answer = client.request(method, url, headers=tenant.headers, json=body)
        assert answer.status_code == 404, (method, url, answer.text)
        assert answer.json() == {"errors": [{"status": 404, "field": "id", "message": "NOT_FOUND"}]}
    assert _snapshot(client, other_tenant, db, person["id"]) == before

    # Our own person with their dimension: the dimension is not found.
    split = {"items": [{"codeName": "T1", "percent": 100}]}
    url = f"/api/persons/{mine['id']}/defaults/dimensions/{dimension_id}"
    for method, body in (("GET", None), ("PUT", split)):
        answer = client.request(method, url, headers=tenant.headers, json=body)
        assert answer.json() == {"errors": [{"status": 404, "field": "dimensionId", "message": "NOT_FOUND"}]}
    assert _snapshot(client, other_tenant, db, person["id"]) == before


def test_searches_and_details_show_only_the_own_company(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session, session_factory: sessionmaker[Session]
) -> None:
    theirs = _theirs(client, other_tenant, db, session_factory)
    answer = client.get("/api/persons?includeInactive=true", headers=tenant.headers)
    assert answer.json() == {
        "results": [],
        "meta": {"pageNumber": 0, "pageSize": 50, "resultCount": 0, "totalCount": 0},
    }
    for query in (f"personGroupId={theirs['group']}", "mainPersonGroup=Their%20board", "personNumber=P-1"):
        assert client.get(f"/api/persons?{query}", headers=tenant.headers).json()["results"] == [], query
    # Their user's link does not make a person of ours; ours is found only by us.
    assert client.get("/api/businesspartners/personaldetails", headers=tenant.headers).status_code == 404
    mine = create(client, tenant, PERSON)
    assert link(client, tenant, mine["id"], tenant.user_id).status_code == 200
    assert client.get("/api/businesspartners/personaldetails", headers=tenant.headers).json()["partnerId"] == mine["id"]
    theirs_details = client.get("/api/businesspartners/personaldetails", headers=other_tenant.headers).json()
    assert theirs_details["partnerId"] == theirs["person"]["id"]
    # A group of theirs cannot be given to a person of ours.
    answer = client.post(
        "/api/persons", json=variant({"registryInfo.personGroupsIds": [theirs["group"]]}), headers=tenant.headers
    )
    assert answer.json()["errors"] == [
        {"status": 400, "field": "registryInfo.personGroupsIds[0]", "message": "PERSON_GROUP_NOT_FOUND"}
    ]
