"""Tenancy of the business-partner registers: every id-taking endpoint of the partners router,
called with ids that exist only in another company, answers 404 and changes nothing there; lists
and batch reads never show the other company's partners or groups."""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.ledger import dimensions
from kirjuri.ledger.models import DefaultSplit
from kirjuri.partners.models import BusinessPartner, PartnerGroup, PartnerGroupMember
from kirjuri.partners.router import router as partners_router
from tests.factories import Tenant
from tests.partners.partner_helpers import CUSTOMER, SUPPLIER, body, create, create_group, errors


def _theirs(client: TestClient, other: Tenant, db: Session) -> dict[str, int]:
    """Three partners, three groups and two dimensions of the other company (their last ids are
    beyond what the own company has)."""
    group = [create_group(client, other, f"Heidän {n}") for n in range(3)][-1]
    partner = [
        create(client, other, body(CUSTOMER, registryInfo={"partnerGroups": [{"id": group}]}))["id"] for _ in range(3)
    ][-1]
    dimension_ids = []
    for name in ("A", "B"):
        dimension = dimensions.create_dimension(db, company_id=other.company_id, name=name)
        dimensions.create_item(
            db, company_id=other.company_id, dimension_id=dimension.id, code_name="X", description=None, active=True
        )
        dimension_ids.append(dimension.id)
    db.commit()
    client.put(
        f"/api/businesspartners/{partner}/defaults/dimensions/{dimension_ids[-1]}",
        json={"items": [{"codeName": "X", "percent": 100}]},
        headers=other.headers,
    )
    client.put(
        f"/api/kirjuri/businesspartners/{partner}/defaults/accounts", json={"vatStatus": 1}, headers=other.headers
    )
    return {"partner": partner, "group": group, "dimension": dimension_ids[-1]}


def _mine(client: TestClient, tenant: Tenant, db: Session) -> dict[str, int]:
    dimension = dimensions.create_dimension(db, company_id=tenant.company_id, name="Oma")
    db.commit()
    return {
        "partner": create(client, tenant, SUPPLIER)["id"],
        "group": create_group(client, tenant, "Oma"),
        "dimension": dimension.id,
    }


def _urls(theirs: dict[str, int], mine: dict[str, int]) -> dict[tuple[str, str], list[tuple[str, Any]]]:
    p, g, d = theirs["partner"], theirs["group"], theirs["dimension"]
    split = {"items": []}
    return {
        ("GET", "/businesspartners/{id}"): [(f"/api/businesspartners/{p}", None)],
        ("PUT", "/businesspartners/{id}"): [(f"/api/businesspartners/{p}", CUSTOMER)],
        ("PATCH", "/businesspartners/{id}"): [
            (f"/api/businesspartners/{p}", {"name": "Mine", "version": "2026-01-01T00:00:00Z"})
        ],
        ("GET", "/businesspartners/groups/{id}"): [(f"/api/businesspartners/groups/{g}", None)],
        ("PUT", "/businesspartners/groups/{id}"): [
            (f"/api/businesspartners/groups/{g}", {"name": "Mine", "type": "CUSTOMER"})
        ],
        ("GET", "/businesspartners/{id}/defaults/accounts"): [(f"/api/businesspartners/{p}/defaults/accounts", None)],
        ("PUT", "/kirjuri/businesspartners/{id}/defaults/accounts"): [
            (f"/api/kirjuri/businesspartners/{p}/defaults/accounts", {"vatStatus": 2})
        ],
        ("GET", "/businesspartners/{id}/defaults/dimensions"): [
            (f"/api/businesspartners/{p}/defaults/dimensions", None)
        ],
        ("GET", "/businesspartners/{id}/defaults/dimensions/{dimensionId}"): [
            (f"/api/businesspartners/{p}/defaults/dimensions/{d}", None),
            (f"/api/businesspartners/{p}/defaults/dimensions/{mine['dimension']}", None),
            (f"/api/businesspartners/{mine['partner']}/defaults/dimensions/{d}", None),
        ],
        ("PUT", "/businesspartners/{id}/defaults/dimensions/{dimensionId}"): [
            (f"/api/businesspartners/{p}/defaults/dimensions/{d}", split),
            (f"/api/businesspartners/{p}/defaults/dimensions/{mine['dimension']}", split),
            (f"/api/businesspartners/{mine['partner']}/defaults/dimensions/{d}", split),
        ],
    }


def _snapshot(db: Session, company_id: int) -> tuple[object, ...]:
    db.expire_all()
    partners = db.scalars(
        select(BusinessPartner).where(BusinessPartner.company_id == company_id).order_by(BusinessPartner.id)
    )
    groups = db.scalars(select(PartnerGroup).where(PartnerGroup.company_id == company_id).order_by(PartnerGroup.id))
    members = db.execute(
        select(PartnerGroupMember.partner_id, PartnerGroupMember.group_id).where(
            PartnerGroupMember.company_id == company_id
        )
    ).all()
    splits = db.execute(
        select(DefaultSplit.owner_id, DefaultSplit.dimension_id, DefaultSplit.item_id, DefaultSplit.percent).where(
            DefaultSplit.company_id == company_id
        )
    ).all()
    return (
        [(p.id, p.type, p.name, p.version, p.document, p.default_accounts) for p in partners],
        [(g.id, g.name, g.type, g.active, g.version) for g in groups],
        sorted(members),
        sorted(splits),
    )


def test_other_companys_ids_are_404(client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session) -> None:
    theirs = _theirs(client, other_tenant, db)
    mine = _mine(client, tenant, db)
    assert theirs["partner"] > mine["partner"] and theirs["group"] > mine["group"]
    assert theirs["dimension"] > mine["dimension"]
    urls = _urls(theirs, mine)
    routes = {
        (method, route.path)
        for route in partners_router.routes
        if isinstance(route, APIRoute) and "{" in route.path
        for method in route.methods
    }
    assert set(urls) == routes, "a new id-taking route must join this walk"

    before = _snapshot(db, other_tenant.company_id)
    mine_before = _snapshot(db, tenant.company_id)
    for (method, _path), calls in urls.items():
        for url, sent in calls:
            answer = client.request(method, url, headers=tenant.headers, json=sent)
            assert answer.status_code == 404, (method, url, answer.status_code, answer.text)
            assert errors(answer)[0][0] == 404
    assert _snapshot(db, other_tenant.company_id) == before
    assert _snapshot(db, tenant.company_id) == mine_before

    batch = client.get(f"/api/businesspartners/{theirs['partner']},{theirs['partner'] - 1}", headers=tenant.headers)
    assert batch.status_code == 404


def test_lists_and_references_stay_in_the_company(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session
) -> None:
    theirs = _theirs(client, other_tenant, db)
    assert client.get("/api/businesspartners", headers=tenant.headers).json()["results"] == []
    assert client.get("/api/businesspartners/groups", headers=tenant.headers).json()["results"] == []
    assert (
        client.get(f"/api/businesspartners?partnerGroup={theirs['group']}", headers=tenant.headers).json()["results"]
        == []
    )
    # Another company's group cannot be joined.
    [create_group(client, tenant, f"Oma {n}") for n in range(2)]
    answer = client.post(
        "/api/businesspartners",
        json=body(CUSTOMER, registryInfo={"partnerGroups": [{"id": theirs["group"]}]}),
        headers=tenant.headers,
    )
    assert errors(answer) == [(400, "registryInfo.partnerGroups[0].id", "PARTNER_GROUP_NOT_FOUND")]
