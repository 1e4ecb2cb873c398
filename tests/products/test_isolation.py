"""Tenancy: every id-taking endpoint of the product registers and of partners' default products,
called with ids that exist only in another company, answers 404 and changes nothing; lists never
show the other company's products, groups or default products."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.ledger import default_splits
from kirjuri.products import defaults, service
from kirjuri.products.models import DefaultProduct, Product, ProductGroup
from kirjuri.products.rules import DefaultProductDraft, ProductDraft
from tests.factories import Tenant
from tests.products.helpers import Api, add_partner, dimension_with_items, product_body

DRAFT = ProductDraft(type="SALES", name="Heidän", price=Decimal(5), discount=Decimal(0), currency="EUR")


def _theirs(db: Session, other: Tenant) -> dict[str, int]:
    """The other company's data; ids above 1, so they differ from the one product and group we own."""
    company_id = other.company_id
    for _ in range(2):
        service.create_product(db, company_id=company_id, draft=DRAFT)
        service.create_group(db, company_id=company_id, name="Heidän", group_type="SALES")
        add_partner(db, company_id=company_id)
    product = service.create_product(db, company_id=company_id, draft=DRAFT)
    group = service.create_group(db, company_id=company_id, name="Heidän", group_type="SALES")
    travel = service.create_product(db, company_id=company_id, draft=replace(DRAFT, type="TRAVEL"))
    customer = add_partner(db, company_id=company_id)
    person = add_partner(db, company_id=company_id, partner_type="PERSON")
    dimension, items = dimension_with_items(db, company_id=company_id)
    dimension, items = dimension_with_items(db, company_id=company_id)
    for partner_id, partner_type in ((customer, "CUSTOMER"), (person, "PERSON")):
        defaults.replace_default_products(
            db,
            company_id=company_id,
            partner_id=partner_id,
            partner_type=partner_type,
            drafts=[DefaultProductDraft(product_id=product.id)],
        )
    service.replace_product_split(
        db,
        company_id=company_id,
        product_id=product.id,
        dimension_id=dimension,
        items=[default_splits.WantedItem(items[0], None, Decimal(100))],
    )
    db.commit()
    return {
        "product": product.id,
        "travel": travel.id,
        "group": group.id,
        "customer": customer,
        "person": person,
        "dimension": dimension,
    }


def _urls(ids: dict[str, int]) -> dict[tuple[str, str], tuple[str, Any]]:
    p, g, c, s, d = ids["product"], ids["group"], ids["customer"], ids["person"], ids["dimension"]
    split = {"items": [{"codeName": "K1", "percent": 100}]}
    replacement = [{"productInfo": {"id": p}}]
    return {
        ("GET", "/api/products/{productId}"): (f"/api/products/{p}", None),
        ("PUT", "/api/products/{productId}"): (f"/api/products/{p}", product_body()),
        ("DELETE", "/api/products/{productId}"): (f"/api/products/{p}", None),
        ("GET", "/api/products/groups/{groupId}"): (f"/api/products/groups/{g}", None),
        ("PUT", "/api/products/groups/{groupId}"): (f"/api/products/groups/{g}", {"name": "Minun"}),
        ("DELETE", "/api/products/groups/{groupId}"): (f"/api/products/groups/{g}", None),
        ("GET", "/api/products/{productId}/defaults/dimensions"): (f"/api/products/{p}/defaults/dimensions", None),
        ("GET", "/api/products/{productId}/defaults/dimensions/{dimensionId}"): (
            f"/api/products/{p}/defaults/dimensions/{d}",
            None,
        ),
        ("PUT", "/api/products/{productId}/defaults/dimensions/{dimensionId}"): (
            f"/api/products/{p}/defaults/dimensions/{d}",
            split,
        ),
        ("GET", "/api/businesspartners/{id}/defaults/products"): (f"/api/businesspartners/{c}/defaults/products", None),
        ("GET", "/api/persons/{id}/defaults/products"): (f"/api/persons/{s}/defaults/products", None),
        ("PUT", "/api/kirjuri/businesspartners/{id}/defaults/products"): (
            f"/api/kirjuri/businesspartners/{c}/defaults/products",
            [],
        ),
        ("PUT", "/api/kirjuri/persons/{id}/defaults/products"): (f"/api/kirjuri/persons/{s}/defaults/products", []),
    } | {
        # Also with a body naming only their product, and their travel product on delete.
        ("PUT", "/api/kirjuri/businesspartners/{id}/defaults/products#body"): (
            f"/api/kirjuri/businesspartners/{c}/defaults/products",
            replacement,
        ),
        ("DELETE", "/api/products/{productId}#travel"): (f"/api/products/{ids['travel']}", None),
    }


def _snapshot(db: Session, company_id: int, product_id: int) -> tuple[object, ...]:
    db.expire_all()
    return (
        [
            (p.id, p.name, p.price, p.version)
            for p in db.scalars(select(Product).where(Product.company_id == company_id))
        ],
        [
            (g.id, g.name, g.version)
            for g in db.scalars(select(ProductGroup).where(ProductGroup.company_id == company_id))
        ],
        [
            (d.id, d.partner_id, d.product_id)
            for d in db.scalars(select(DefaultProduct).where(DefaultProduct.company_id == company_id))
        ],
        [
            (s.dimension.id, [(i.item.id, i.percent) for i in s.items])
            for s in default_splits.splits_of(
                db, company_id=company_id, owner_kind=default_splits.PRODUCT, owner_id=product_id
            )
        ],
    )


def test_other_companys_ids_are_404(
    app: FastAPI, client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session
) -> None:
    mine = Api(client, tenant)
    own_product, own_group = mine.product()["id"], mine.group()["id"]
    ids = _theirs(db, other_tenant)
    assert own_product not in (ids["product"], ids["travel"]) and own_group != ids["group"]
    urls = _urls(ids)
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
        if "{" in path and ("Products" in operation.get("tags", []) or path.endswith("/defaults/products"))
    }
    assert routes == {key for key in urls if "#" not in key[1]}, "a new id-taking route must join this walk"

    before = _snapshot(db, other_tenant.company_id, ids["product"])
    assert before[2] and before[3], "the other company has default products and splits"
    for (method, _path), (url, body) in urls.items():
        answer = client.request(method, url, headers=tenant.headers, json=body)
        assert answer.status_code == 404, (method, url, answer.text)
        assert answer.json()["errors"][0]["status"] == 404
    assert _snapshot(db, other_tenant.company_id, ids["product"]) == before

    batch = client.get(f"/api/products/{ids['product']},{ids['travel']}", headers=tenant.headers)
    assert batch.status_code == 404


def test_their_product_and_group_cannot_be_referenced(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session
) -> None:
    mine = Api(client, tenant)
    mine.product()
    mine.group()
    ids = _theirs(db, other_tenant)
    before = _snapshot(db, other_tenant.company_id, ids["product"])
    answer = mine.post("/products", product_body(productGroupId=ids["group"]))
    assert answer.json()["errors"] == [{"status": 400, "field": "productGroupId", "message": "PRODUCT_GROUP_NOT_FOUND"}]
    customer = add_partner(db, company_id=tenant.company_id)
    db.commit()
    answer = mine.put(
        f"/kirjuri/businesspartners/{customer}/defaults/products", [{"productInfo": {"id": ids["product"]}}]
    )
    assert answer.json()["errors"] == [{"status": 400, "field": "[0].productInfo.id", "message": "PRODUCT_NOT_FOUND"}]
    assert _snapshot(db, other_tenant.company_id, ids["product"]) == before


def test_lists_show_only_the_own_company(client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session) -> None:
    _theirs(db, other_tenant)
    mine = Api(client, tenant)
    assert mine.get("/products").json()["results"] == []
    assert mine.get("/products", type="TRAVEL").json()["results"] == []
    assert mine.get("/products/groups").json() == {"productGroups": []}
    own = mine.product()
    assert [p["id"] for p in mine.get("/products").json()["results"]] == [own["id"]]
