"""Rights of the product registers over HTTP: SALES needs `sales.productRegister` (or a sales
invoicing right to read), PURCHASE `purchases.productRegister` (or a purchase invoicing right to
read), TRAVEL is read with any product-register or travel-invoice right and written with
`purchases.productRegister`; a product or group of an unreadable type is 404 and lists leave it
out; a readable one without the write right is 403 and unchanged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import rules as rights
from kirjuri.config import Settings
from kirjuri.ledger import default_splits
from kirjuri.products import repository, service
from kirjuri.products.rules import ProductDraft
from tests.factories import make_tenant
from tests.products.helpers import ALL, VIEW, Api, dimension_with_items, errors, product_body

DRAFT = ProductDraft(type="SALES", name="Tuote", price=Decimal(1), discount=Decimal(0), currency="EUR")
TYPES = ("SALES", "PURCHASE", "TRAVEL")


class Limited:
    """A user with only `rights` and, in the user's company, a product and a group of each type."""

    def __init__(
        self, client: TestClient, session_factory: sessionmaker[Session], settings: Settings, given: dict[str, Any]
    ) -> None:
        tenant = make_tenant(session_factory, settings, user_rights=given)
        self.api = Api(client, tenant)
        self.company_id = tenant.company_id
        self.session_factory = session_factory
        with session_factory() as session:
            self.groups = {
                t: service.create_group(session, company_id=self.company_id, name=t.title(), group_type=t).id
                for t in TYPES
            }
            self.products = {
                t: service.create_product(
                    session, company_id=self.company_id, draft=replace(DRAFT, type=t, name=t.title())
                ).id
                for t in TYPES
            }
            self.dimension, self.items = dimension_with_items(session, company_id=self.company_id)
            session.commit()

    def listed(self, product_type: str | None = None) -> list[int]:
        params = {"type": product_type} if product_type else {}
        answer = self.api.get("/products", orderById="ASC", **params)
        assert answer.status_code == 200, answer.text
        return [p["id"] for p in answer.json()["results"]]

    def listed_groups(self, group_type: str | None = None) -> list[int]:
        params = {"type": group_type} if group_type else {}
        answer = self.api.get("/products/groups", **params)
        assert answer.status_code == 200, answer.text
        return [g["id"] for g in answer.json()["productGroups"]]

    def unchanged(self) -> None:
        with self.session_factory() as session:
            for t, product_id in self.products.items():
                product = repository.get(session, company_id=self.company_id, product_id=product_id)
                assert (product.name, product.price) == (t.title(), Decimal(1))
            for t, group_id in self.groups.items():
                assert repository.get_group(session, company_id=self.company_id, group_id=group_id).name == t.title()
            splits = default_splits.splits_of(
                session, company_id=self.company_id, owner_kind=default_splits.PRODUCT, owner_id=self.products["SALES"]
            )
            assert splits == []


Make = Callable[[dict[str, Any]], Limited]


@pytest.fixture()
def limited(client: TestClient, session_factory: sessionmaker[Session], settings: Settings) -> Make:
    def make(given: dict[str, Any]) -> Limited:
        return Limited(client, session_factory, settings, given)

    return make


def test_only_sales_register_cannot_see_purchase_products(limited: Make) -> None:
    user = limited({"sales": {"productRegister": ALL}})
    p, g = user.products, user.groups
    assert user.listed() == [p["SALES"]]
    assert user.listed("PURCHASE") == []
    assert user.listed("TRAVEL") == [p["TRAVEL"]]
    assert user.listed_groups() == [g["SALES"]]
    assert user.listed_groups("PURCHASE") == []
    for url in (f"/products/{p['PURCHASE']}", f"/products/groups/{g['PURCHASE']}",
                f"/products/{p['PURCHASE']}/defaults/dimensions",
                f"/products/{p['PURCHASE']}/defaults/dimensions/{user.dimension}"):  # fmt: skip
        answer = user.api.get(url)
        assert answer.status_code == 404, url
    batch = user.api.get(f"/products/{p['SALES']},{p['PURCHASE']},{p['TRAVEL']}")
    assert [x["id"] for x in batch.json()] == [p["SALES"], p["TRAVEL"]]
    # Writes to a purchase product or group: 404 (it does not exist for this user); nothing changes.
    split = {"items": [{"codeName": "K1", "percent": 100}]}
    for answer in (
        user.api.put(f"/products/{p['PURCHASE']}", product_body(type="PURCHASE")),
        user.api.delete(f"/products/{p['PURCHASE']}"),
        user.api.put(f"/products/groups/{g['PURCHASE']}", {"name": "x"}),
        user.api.delete(f"/products/groups/{g['PURCHASE']}"),
        user.api.put(f"/products/{p['PURCHASE']}/defaults/dimensions/{user.dimension}", split),
    ):
        assert answer.status_code == 404
    # Travel is readable but written only with the purchase register: 403.
    for answer in (
        user.api.post("/products", product_body(type="TRAVEL", vatStatus=1)),
        user.api.post("/products", product_body(type="PURCHASE")),
        user.api.post("/products/groups", {"name": "x", "type": "PURCHASE"}),
        user.api.post("/products/groups", {"name": "x", "type": "TRAVEL"}),
        user.api.put(f"/products/{p['TRAVEL']}", product_body(type="TRAVEL", vatStatus=1)),
        user.api.put(f"/products/groups/{g['TRAVEL']}", {"name": "x"}),
        user.api.put(f"/products/{p['TRAVEL']}/defaults/dimensions/{user.dimension}", split),
    ):
        assert answer.status_code == 403
        assert errors(answer) == [(403, None, "INSUFFICIENT_RIGHTS")]
    user.unchanged()
    assert user.api.post("/products", product_body()).status_code == 200


def test_viewing_rights_read_but_never_write(limited: Make) -> None:
    user = limited(rights.READ_ONLY)
    p, g = user.products, user.groups
    assert user.listed() == [p["SALES"], p["PURCHASE"]]
    assert user.api.get(f"/products/{p['SALES']}").status_code == 200
    split = {"items": [{"codeName": "K1", "percent": 100}]}
    for answer in (
        user.api.post("/products", product_body()),
        user.api.put(f"/products/{p['SALES']}", product_body(name="x")),
        user.api.delete(f"/products/{p['SALES']}"),
        user.api.post("/products/groups", {"name": "x", "type": "SALES"}),
        user.api.put(f"/products/groups/{g['SALES']}", {"name": "x"}),
        user.api.delete(f"/products/groups/{g['SALES']}"),
        user.api.put(f"/products/{p['SALES']}/defaults/dimensions/{user.dimension}", split),
    ):
        assert answer.status_code == 403
        assert errors(answer) == [(403, None, "INSUFFICIENT_RIGHTS")]
    user.unchanged()


def test_no_product_right_is_403(limited: Make) -> None:
    user = limited({"sales": {"customerRegister": ALL}, "accounting": {"journalReceipts": ALL}})
    sales = user.products["SALES"]
    urls = ("/products", "/products/groups", f"/products/{sales}", f"/products/groups/{user.groups['SALES']}",
            f"/products/{sales}/defaults/dimensions")  # fmt: skip
    for url in urls:
        answer = user.api.get(url)
        assert answer.status_code == 403, url
        assert errors(answer) == [(403, None, "INSUFFICIENT_RIGHTS")]


@pytest.mark.parametrize(
    ("given", "readable"),
    [
        ({"sales": {"salesOrGroupInvoices": VIEW}}, ("SALES",)),
        ({"sales": {"salesInvoiceSearch": ALL}}, ("SALES",)),
        ({"purchases": {"purchaseInvoices": ALL}}, ("PURCHASE",)),
        ({"purchases": {"productRegister": VIEW}}, ("PURCHASE", "TRAVEL")),
        ({"travelAndExpenses": {"travelAndExpenseInvoices": ALL}}, ("TRAVEL",)),
    ],
)
def test_invoicing_rights_read_their_side(limited: Make, given: dict[str, Any], readable: tuple[str, ...]) -> None:
    user = limited(given)
    everything = [user.products[t] for t in TYPES]
    seen = [*user.listed("SALES"), *user.listed("PURCHASE"), *user.listed("TRAVEL")]
    assert seen == [user.products[t] for t in readable]
    batch = user.api.get("/products/" + ",".join(map(str, everything)))
    assert [x["id"] for x in batch.json()] == [user.products[t] for t in readable]
    for t in TYPES:
        expected = 200 if t in readable else 404
        assert user.api.get(f"/products/{user.products[t]}").status_code == expected
        assert user.api.get(f"/products/groups/{user.groups[t]}").status_code == expected
    assert user.api.post("/products", product_body(type=readable[0], vatStatus=1)).status_code == 403


def test_purchase_register_writes_travel(limited: Make) -> None:
    user = limited({"purchases": {"productRegister": ALL}})
    travel = user.api.post("/products", product_body(type="TRAVEL", vatStatus=9))
    assert travel.status_code == 200
    group = user.api.post("/products/groups", {"name": "Matkat 2", "type": "TRAVEL"})
    assert group.status_code == 200
    assert user.api.post("/products", product_body()).status_code == 403
    assert user.api.get(f"/products/{user.products['SALES']}").status_code == 404
