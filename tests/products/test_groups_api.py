"""`/products/groups` and the products' default dimension splits over HTTP (§D.19)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.ledger import default_splits
from tests.factories import Tenant
from tests.products.helpers import Api, dimension_with_items, errors, product_body


@pytest.fixture()
def api(client: TestClient, tenant: Tenant) -> Api:
    return Api(client, tenant)


# --- groups -------------------------------------------------------------------------------------------


def test_groups_list_create_get_rename(api: Api) -> None:
    sales = api.group("Juomat", "SALES")
    purchase = api.group("Raaka-aineet", "PURCHASE")
    travel = api.group("Päivärahat", "TRAVEL")
    assert sales == {"id": 1, "name": "Juomat", "type": "SALES"}
    listed = api.get("/products/groups")
    assert listed.status_code == 200
    assert listed.json() == {"productGroups": [sales, purchase]}
    assert api.get("/products/groups", type="TRAVEL").json() == {"productGroups": [travel]}
    assert api.get("/products/groups", type="PURCHASE").json() == {"productGroups": [purchase]}
    one = api.get(f"/products/groups/{sales['id']}")
    assert one.status_code == 200
    assert one.json() == sales
    assert one.headers["etag"]
    renamed = api.put(f"/products/groups/{sales['id']}", {"name": "Kahvit"})
    assert renamed.status_code == 200
    assert renamed.json() == {"id": sales["id"], "name": "Kahvit", "type": "SALES"}
    same_type = api.put(f"/products/groups/{sales['id']}", {"name": "Kahvit 2", "type": "SALES", "id": 77})
    assert same_type.json() == {"id": sales["id"], "name": "Kahvit 2", "type": "SALES"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": "Ei tyyppiä"}, [(400, "type", "REQUIRED")]),
        ({"type": "SALES"}, [(400, "name", "REQUIRED")]),
        ({"name": "", "type": "SALES"}, [(400, "name", "TOO_SHORT")]),
        ({"name": " ", "type": "SALES"}, [(400, "name", "REQUIRED")]),
        ({"name": "x" * 81, "type": "SALES"}, [(400, "name", "TOO_LONG")]),
        ({"name": "x", "type": "OTHER"}, [(400, "type", "INVALID_ENUM_VALUE")]),
    ],
)
def test_group_validation(api: Api, body: dict[str, Any], expected: list[Any]) -> None:
    answer = api.post("/products/groups", body)
    assert answer.status_code == 400
    assert errors(answer) == expected
    assert api.get("/products/groups").json() == {"productGroups": []}


def test_group_errors_and_delete(api: Api) -> None:
    group = api.group("Juomat")
    travel = api.group("Matkat", "TRAVEL")
    members = [api.product(productGroupId=group["id"])["id"] for _ in range(2)]
    url = f"/products/groups/{group['id']}"
    type_change = api.put(url, {"name": "x", "type": "PURCHASE"})
    assert type_change.status_code == 400
    assert errors(type_change) == [(400, "type", "PRODUCT_GROUP_TYPE_CANNOT_BE_CHANGED")]
    stale = api.put(url, {"name": "x"}, headers={"If-Match": 'W/"1"'})
    assert stale.status_code == 412
    in_use = api.delete(url)
    assert in_use.status_code == 409
    assert errors(in_use) == [(409, None, f"PRODUCT_GROUP_IN_USE: products {members[0]}, {members[1]}")]
    refused = api.delete(f"/products/groups/{travel['id']}")
    assert refused.status_code == 400
    assert errors(refused) == [(400, "groupId", "TRAVEL_PRODUCT_GROUP_CANNOT_BE_DELETED")]
    for member in members:
        assert api.put(f"/products/{member}", product_body()).status_code == 200
    assert api.delete(url).status_code == 204
    for answer in (api.get(url), api.put(url, {"name": "x"}), api.delete(url)):
        assert answer.status_code == 404
        assert errors(answer) == [(404, "groupId", "NOT_FOUND")]
    for missing in ("0", "99999999999", "-1"):
        assert api.get(f"/products/groups/{missing}").status_code == 404
    assert api.get("/products/groups/abc").status_code == 400
    assert api.get("/products/groups").json() == {"productGroups": []}
    assert api.get("/products/groups", type="TRAVEL").json() == {"productGroups": [travel]}


# --- default dimension splits ---------------------------------------------------------------------------


def test_default_dimension_splits(
    api: Api, session_factory: sessionmaker[Session], tenant: Tenant, db: Session
) -> None:
    product = api.product()["id"]
    with session_factory() as session:
        dimension, items = dimension_with_items(session, company_id=tenant.company_id)
        session.commit()
    base = f"/products/{product}/defaults/dimensions"
    assert api.get(base).json() == []
    empty = api.get(f"{base}/{dimension}")
    assert empty.status_code == 200
    assert empty.json() == {"id": dimension, "name": "Kustannuspaikka", "items": []}
    split = {"items": [{"id": items[0], "codeName": "K1", "percent": 60}, {"codeName": "K2", "percent": 40}]}
    answer = api.put(f"{base}/{dimension}", split)
    assert answer.status_code == 200, answer.text
    expected = {
        "id": dimension,
        "name": "Kustannuspaikka",
        "items": [
            {"id": items[0], "codeName": "K1", "percent": 60, "status": True},
            {"id": items[1], "codeName": "K2", "percent": 40, "status": True},
        ],
    }
    assert answer.json() == expected
    assert api.get(f"{base}/{dimension}").json() == expected
    assert api.get(base).json() == [
        {
            "id": dimension,
            "name": "Kustannuspaikka",
            "items": [
                {"id": items[0], "codeName": "K1", "percent": 60},
                {"id": items[1], "codeName": "K2", "percent": 40},
            ],
        }
    ]
    bad = api.put(f"{base}/{dimension}", {"items": [{"codeName": "K1", "percent": 50}]})
    assert bad.status_code == 400
    assert errors(bad) == [(400, "items", "DIMENSION_PERCENTS_NOT_100")]
    for url in (f"{base}/999", f"{base}/0", f"{base}/99999999999"):
        for answer in (api.get(url), api.put(url, split)):
            assert answer.status_code == 404
            assert errors(answer) == [(404, "dimensionId", "NOT_FOUND")]
    missing = "/products/999/defaults/dimensions"
    for answer in (api.get(missing), api.get(f"{missing}/{dimension}"), api.put(f"{missing}/{dimension}", split)):
        assert answer.status_code == 404
        assert errors(answer) == [(404, "productId", "NOT_FOUND")]
    assert api.delete(f"/products/{product}").status_code == 204
    assert (
        default_splits.splits_of(db, company_id=tenant.company_id, owner_kind=default_splits.PRODUCT, owner_id=product)
        == []
    )


def test_an_empty_split_removes_it(api: Api, session_factory: sessionmaker[Session], tenant: Tenant) -> None:
    product = api.product()["id"]
    with session_factory() as session:
        dimension, items = dimension_with_items(session, company_id=tenant.company_id)
        session.commit()
    url = f"/products/{product}/defaults/dimensions/{dimension}"
    assert api.put(url, {"items": [{"id": items[1], "codeName": "K2", "percent": 100}]}).status_code == 200
    assert api.put(url, {"items": []}).json() == {"id": dimension, "name": "Kustannuspaikka", "items": []}
    assert api.get(f"/products/{product}/defaults/dimensions").json() == []
