"""Builders of product-register test data, shared by the tests of `tests/products/`.

Partners (customers, suppliers, persons) are made through the partners area's services
(`tests.partners.partner_helpers.add_partner`), never as bare rows.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from kirjuri.ledger import dimensions
from tests.factories import Tenant
from tests.partners import partner_helpers

ALL, VIEW, NONE = "ALL_RIGHTS", "VIEWING_RIGHTS", "NO_ACCESS"


def add_partner(session: Session, *, company_id: int, partner_type: str = "CUSTOMER") -> int:
    """A customer, supplier or person of the company, through the partners' services (the caller
    commits)."""
    return partner_helpers.add_partner(session, company_id, partner_type)


def dimension_with_items(
    session: Session, *, company_id: int, codes: tuple[str, ...] = ("K1", "K2")
) -> tuple[int, list[int]]:
    dimension = dimensions.create_dimension(session, company_id=company_id, name="Kustannuspaikka")
    items = [
        dimensions.create_item(
            session, company_id=company_id, dimension_id=dimension.id, code_name=code, description=None, active=True
        ).id
        for code in codes
    ]
    return dimension.id, items


def product_body(**fields: Any) -> dict[str, Any]:
    """A valid wire Product (SALES, 12.5 EUR, 25.5 % VAT); `fields` override (None removes a key)."""
    body: dict[str, Any] = {
        "type": "SALES",
        "name": "Kahvipaketti",
        "code": "KAHVI-1",
        "unit": "PIECE",
        "price": 12.5,
        "discount": 0,
        "vat": 25.5,
        "vatStatus": 1,
        "active": True,
        "currency": "EUR",
    }
    body.update(fields)
    return {key: value for key, value in body.items() if value is not None}


def errors(answer: Response) -> list[tuple[int, str | None, str]]:
    return [(e["status"], e.get("field"), e["message"]) for e in answer.json()["errors"]]


class Api:
    """The product endpoints of one tenant."""

    def __init__(self, client: TestClient, tenant: Tenant) -> None:
        self.client = client
        self.tenant = tenant

    def get(self, url: str, **params: Any) -> Response:
        return self.client.get(f"/api{url}", params=params, headers=self.tenant.headers)

    def post(self, url: str, body: Any) -> Response:
        return self.client.post(f"/api{url}", json=body, headers=self.tenant.headers)

    def put(self, url: str, body: Any, headers: dict[str, str] | None = None) -> Response:
        return self.client.put(f"/api{url}", json=body, headers={**self.tenant.headers, **(headers or {})})

    def delete(self, url: str, headers: dict[str, str] | None = None) -> Response:
        return self.client.delete(f"/api{url}", headers={**self.tenant.headers, **(headers or {})})

    def product(self, **fields: Any) -> dict[str, Any]:
        answer = self.post("/products", product_body(**fields))
        assert answer.status_code == 200, answer.text
        created: dict[str, Any] = answer.json()
        return created

    def group(self, name: str = "Juomat", group_type: str = "SALES") -> dict[str, Any]:
        answer = self.post("/products/groups", {"name": name, "type": group_type})
        assert answer.status_code == 200, answer.text
        created: dict[str, Any] = answer.json()
        return created
