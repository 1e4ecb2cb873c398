"""The PyPI `procountor` 2.4.0 client reads `content['products']` from `GET /products` (the
pre-20.x shape): Kirjuri's `ProductSearchResult` carries that deprecated alias next to `results`.
Run against a real server (uvicorn on a loopback port), as the client needs one."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from procountor.client import Client

from tests.factories import Tenant
from tests.products.helpers import Api


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def live_server(app: FastAPI) -> Iterator[str]:
    port = _free_port()
    # lifespan off: the app (and its engine) is shared with the other tests of the run.
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_the_pypi_client_reads_the_products_list(
    live_server: str, monkeypatch: pytest.MonkeyPatch, client: TestClient, tenant: Tenant
) -> None:
    monkeypatch.setitem(Client._endpoints["hosts"], "test", live_server)
    api = Api(client, tenant)
    group = api.group()
    coffee = api.product(productGroupId=group["id"])
    tea = api.product(name="Tee")
    beans = api.product(type="PURCHASE", name="Pavut")
    procountor = Client(
        api_key=tenant.api_key,
        client_id=tenant.client_id,
        client_secret=tenant.client_secret,
        redirect_uri=tenant.redirect_uri,
        test_mode=True,
        api_version="26.04",
    )
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
