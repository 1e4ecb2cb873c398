"""api.routers: a `KirjuriRouter` refuses at once a path none of its routes can match — and only
such a path: every route still answers, under `/api` and at the root, and a router with a route
that starts with a parameter is always asked in full."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kirjuri.api.routers import KirjuriRouter


def _app() -> tuple[FastAPI, KirjuriRouter, KirjuriRouter, KirjuriRouter]:
    invoices, products, anything = KirjuriRouter(), KirjuriRouter(), KirjuriRouter()

    @invoices.get("/invoices")
    def list_invoices() -> dict[str, str]:
        return {"router": "invoices"}

    @invoices.get("/invoices/{invoice_id}")
    def get_invoice(invoice_id: int) -> dict[str, object]:
        return {"router": "invoices", "id": invoice_id}

    @products.get("/products/{product_id}")
    def get_product(product_id: int) -> dict[str, object]:
        return {"router": "products", "id": product_id}

    @anything.get("/{name}/about")
    def about(name: str) -> dict[str, str]:
        return {"router": "anything", "name": name}

    app = FastAPI()
    app.include_router(invoices, prefix="/api")
    app.include_router(products, prefix="/api")
    app.include_router(anything)
    return app, invoices, products, anything


@contextmanager
def _tried(router: KirjuriRouter) -> Iterator[list[str]]:
    """The paths of the router's routes tried while the block runs."""
    tried: list[str] = []
    routes = [route for route in router.routes if isinstance(route, APIRoute)]
    for route in routes:

        def spy(scope: Any, route: APIRoute = route, original: Any = route.matches) -> Any:
            tried.append(route.path)
            return original(scope)

        route.matches = spy  # type: ignore[method-assign, assignment]
    try:
        yield tried
    finally:
        for route in routes:
            del route.matches


def test_every_route_still_answers() -> None:
    app, *_ = _app()
    with TestClient(app) as client:
        assert client.get("/api/invoices").json() == {"router": "invoices"}
        assert client.get("/api/invoices/7").json() == {"router": "invoices", "id": 7}
        assert client.get("/api/products/8").json() == {"router": "products", "id": 8}
        assert client.get("/api/about").json() == {"router": "anything", "name": "api"}
        assert client.get("/x/about").json() == {"router": "anything", "name": "x"}
        assert client.get("/api/nothing").status_code == 404


def test_a_router_is_not_asked_for_a_path_none_of_its_routes_begins_with() -> None:
    app, invoices, products, _anything = _app()
    with TestClient(app) as client, _tried(invoices) as invoice_routes, _tried(products) as product_routes:
        assert client.get("/api/products/8").status_code == 200
        assert invoice_routes == []
        assert product_routes
        assert client.get("/api/invoices/7").status_code == 200
        assert invoice_routes


def test_a_router_with_a_route_that_begins_with_a_parameter_is_always_asked() -> None:
    app, _invoices, _products, anything = _app()
    with TestClient(app) as client, _tried(anything) as tried:
        assert client.get("/api/nothing").status_code == 404
        assert set(tried) == {"/{name}/about"}


def test_a_route_added_later_is_known() -> None:
    app, invoices, *_ = _app()

    @invoices.get("/credit-notes/{note_id}")
    def get_note(note_id: int) -> dict[str, object]:
        return {"router": "invoices", "note": note_id}

    with TestClient(app) as client:
        assert client.get("/api/credit-notes/3").json() == {"router": "invoices", "note": 3}
