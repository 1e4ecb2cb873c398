"""The PyPI `procountor` 2.4.0 client reads `content['products']` from `GET /products` (the
pre-20.x shape): Kirjuri's `ProductSearchResult` carries that deprecated alias next to `results`.
Run against a real server (uvicorn on a loopback port), as the client needs one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import Tenant
from tests.live import live_server, procountor_client, procountor_host
from tests.products.helpers import Api

__all__ = ["live_server", "procountor_host"]  # the module's server fixtures


def test_the_pypi_client_reads_the_products_list(procountor_host: str, client: TestClient, tenant: Tenant) -> None:
    api = Api(client, tenant)
    group = api.group()
    coffee = api.product(productGroupId=group["id"])
    tea = api.product(name="Tee")
    beans = api.product(type="PURCHASE", name="Pavut")
    procountor = procountor_client(tenant)
    answer = procountor.get_products()
    assert answer["status"] == 200, answer
    assert [p["id"] for p in answer["content"]["products"]] == [beans["id"], tea["id"], coffee["id"]]
    assert answer["content"]["products"] == answer["content"]["results"]
    # The client's keyword arguments become the query string as they are (a list is str()-ed).
    grouped = procountor.get_products(group=[group["id"]], type="SALES")
    assert grouped["status"] == 200, grouped
    assert [p["name"] for p in grouped["content"]["products"]] == ["Kahvipaketti"]
    one = procountor.get_product(coffee["id"])
    assert one["status"] == 200
    assert one["content"]["id"] == coffee["id"]
    groups = procountor.get_product_groups()
    assert groups["content"] == {"productGroups": [group]}
