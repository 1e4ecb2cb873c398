"""Tenancy: every endpoint of companies/users/MFA, called with another company's ids, answers 404;
the collections never show another company's rows."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kirjuri.companies.models import VerifierList, VerifierListMember
from tests.factories import Tenant

# The OpenAPI tags of this area's endpoints (and its Kirjuri extras under /api/kirjuri/users).
TAGS = {"Users", "Company", "Multi-Factor Authentication", "Session Information", "Health Status"}

BODY = {"firstName": "Toinen", "lastName": "Käyttäjä", "email": "t@example.invalid", "mobilePhone": "+358401112222"}


def _with_ids(tenant: Tenant, other: Tenant, tx_id: str) -> dict[tuple[str, str], str]:
    """Each id-taking route → a URL naming only the other company's ids."""
    return {
        ("GET", "/api/users/profiles/{userId}"): f"/api/users/profiles/{other.user_id}",
        ("PUT", "/api/users/{transactionIdentifier}/confirm"): f"/api/users/{tx_id}/confirm",
        ("GET", "/api/mfatransactionresult/{transactionIdentifier}"): f"/api/mfatransactionresult/{tx_id}",
        (
            "GET",
            "/api/company/invoicecirculation/verifierlists/{id}",
        ): "/api/company/invoicecirculation/verifierlists/1",
        ("GET", "/api/kirjuri/users/{ids}"): f"/api/kirjuri/users/{other.user_id}",
    }


def test_other_companys_ids_are_404(
    app: FastAPI, client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session
) -> None:
    db.add(VerifierList(company_id=other_tenant.company_id, id=1, name="Toisen lista"))
    db.flush()
    db.add(
        VerifierListMember(
            company_id=other_tenant.company_id, list_id=1, role="VERIFIER", order_no=1, user_id=other_tenant.user_id
        )
    )
    db.commit()
    answer = client.put("/api/users", json=BODY, headers=other_tenant.headers)
    assert answer.status_code == 202
    tx_id = answer.json()["transactionIdentifier"]

    urls = _with_ids(tenant, other_tenant, tx_id)
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
        if "{" in path and (TAGS & set(operation.get("tags", [])) or path.startswith("/api/kirjuri/users"))
    }
    assert routes == set(urls), "a new id-taking route must join this walk"

    for (method, _path), url in urls.items():
        mine = client.request(method, url, headers=tenant.headers)
        assert mine.status_code == 404, (url, mine.status_code, mine.text)
        theirs = client.request(method, url, headers=other_tenant.headers)
        assert theirs.status_code in (200, 202), (url, theirs.status_code)

    several = client.get(f"/api/kirjuri/users/{other_tenant.user_id},{tenant.user_id}", headers=tenant.headers)
    assert [u["id"] for u in several.json()] == [tenant.user_id]


def test_collections_show_only_the_own_company(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    users = client.get("/api/kirjuri/users", params={"size": 200}, headers=tenant.headers).json()
    assert [u["id"] for u in users["results"]] == [tenant.user_id]
    assert users["meta"]["totalCount"] == 1
    assert client.get("/api/company", headers=tenant.headers).json()["id"] == tenant.company_id
    assert client.get("/api/users", headers=tenant.headers).json()["companyId"] == tenant.company_id
    assert client.get("/api/company/invoicecirculation/verifierlists", headers=tenant.headers).json() == []


def test_put_company_changes_only_the_own_company(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    body = {
        "id": other_tenant.company_id,
        "name": "Kaappaus Oy",
        "businessIdentifier": {"brnType": "FI", "code": "1234567-1"},
    }
    assert client.put("/api/company", json=body, headers=tenant.headers).status_code == 200
    assert client.get("/api/company", headers=other_tenant.headers).json()["name"] == "Toinen Oy"
    assert client.get("/api/company", headers=tenant.headers).json()["name"] == "Kaappaus Oy"
