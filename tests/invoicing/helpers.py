"""Bodies and builders shared by the invoice tests (owned by the invoice core tests, issue 5).

Every builder goes through the API or the invoicing service, never rows inserted behind its back.
Dates lie in the current calendar year, which every new company has open (`ledger.service.
setup_company`). The bodies are plain JSON (numbers as int/float literals that print exactly), so
they can be posted with `TestClient` as they are.

- `sales_invoice_body(**changes)` … `purchase_order_body(**changes)`: a valid body of each writable
  type; `changes` set top-level keys (camelCase), `None` removes one;
- `variant(body, {"paymentInfo.dueDate": "…", "invoiceRows.0.unitPrice": 5, "x.y": DROP})`: dotted
  paths into a copy;
- `post_invoice(client, tenant, body)` → the created wire invoice (asserts 200);
- `add_invoice(session, company_id=…, user_id=…, body=…)` → the `models.Invoice` through the
  service (flushed; the caller commits);
- `errors(answer)` → `[(status, field, message)]` of an error body.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.invoicing import models, schemas, service
from tests.factories import Tenant

THIS_YEAR = clock.now().year
IBAN = "FI2112345600000785"
OTHER_IBAN = "FI4250001510000023"
DROP = object()


def day(month: int, dom: int = 15, year: int | None = None) -> str:
    """An ISO date of this year (the year every new company has open)."""
    return date(year or THIS_YEAR, month, dom).isoformat()


def _row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "product": "Consulting, April",
        "quantity": 12.5,
        "unit": "HOUR",
        "unitPrice": 95.0,
        "discountPercent": 0,
        "vatPercent": 25.5,
    }
    return _with(row, changes)


def invoice_row(**changes: Any) -> dict[str, Any]:
    """One wire InvoiceRow (12.5 h × 95.00 at 25.5 %); `changes` as in `sales_invoice_body`."""
    return _row(**changes)


def _with(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None or value is DROP:
            result.pop(key, None)
        else:
            result[key] = copy.deepcopy(value)
    return result


# The §D.13.6 example, dated in this year.
SALES_INVOICE: dict[str, Any] = {
    "type": "SALES_INVOICE",
    "date": day(5, 4),
    "counterParty": {
        "customerNumber": "C-1007",
        "email": "ap@example.fi",
        "counterPartyAddress": {
            "name": "Esimerkki Oy",
            "street": "Kauppakatu 3",
            "zip": "00100",
            "city": "Helsinki",
            "country": "FINLAND",
        },
    },
    "paymentInfo": {
        "paymentMethod": "BANK_TRANSFER",
        "currency": "EUR",
        "bankAccount": {"accountNumber": IBAN},
        "dueDate": day(5, 18),
        "currencyRate": 1,
        "bankReferenceCode": "",
    },
    "extraInfo": {"accountingByRow": False, "unitPricesIncludeVat": False},
    "discountPercent": 0,
    "vatStatus": 1,
    "invoiceChannel": "EMAIL",
    "language": "FINNISH",
    "invoiceRows": [_row()],
}

PURCHASE_INVOICE: dict[str, Any] = {
    "type": "PURCHASE_INVOICE",
    "date": day(5, 4),
    "counterParty": {"counterPartyAddress": {"name": "Toimittaja Oy", "country": "FINLAND"}},
    "paymentInfo": {
        "paymentMethod": "BANK_TRANSFER",
        "currency": "EUR",
        "bankAccount": {"accountNumber": IBAN},
        "dueDate": day(5, 25),
        "currencyRate": 1,
        "bankReferenceCode": "1232",
    },
    "extraInfo": {"accountingByRow": False, "unitPricesIncludeVat": False},
    "discountPercent": 0,
    "vatStatus": 1,
    "invoiceChannel": "NO_SENDING",
    "originalInvoiceNumber": "S-2001",
    "invoiceRows": [_row(product="Toimistotarvikkeet", quantity=2, unit="PIECE", unitPrice=50.0)],
}

TRAVEL_INVOICE: dict[str, Any] = {
    "type": "TRAVEL_INVOICE",
    "date": day(5, 4),
    "counterParty": {"counterPartyAddress": {"name": "Maija Meikäläinen"}},
    "paymentInfo": {
        "paymentMethod": "BANK_TRANSFER",
        "currency": "EUR",
        "bankAccount": {"accountNumber": IBAN},
        "dueDate": day(5, 18),
        "currencyRate": 1,
    },
    "extraInfo": {"accountingByRow": False, "unitPricesIncludeVat": True},
    "discountPercent": 0,
    "invoiceChannel": "NO_SENDING",
    "travelInformationItems": [
        {"departure": "4.5. 8:00", "arrival": "4.5. 18:00", "places": "Tampere", "purpose": "Asiakaskäynti"}
    ],
    "invoiceRows": [_row(product="Ammattikirja", quantity=1, unit="PIECE", unitPrice=48.4, vatPercent=10)],
}


def sales_invoice_body(**changes: Any) -> dict[str, Any]:
    """The §D.13.6 minimal sales invoice (this year), with top-level `changes` (None removes)."""
    return _with(SALES_INVOICE, changes)


def sales_order_body(**changes: Any) -> dict[str, Any]:
    """A sales order (`isOffer=True` in `changes` makes it an offer)."""
    return _with(SALES_INVOICE, {"type": "SALES_ORDER", **changes})


def purchase_invoice_body(**changes: Any) -> dict[str, Any]:
    """A supplier's invoice: 2 × 50.00 at 25.5 %, reference 1232, no partner."""
    return _with(PURCHASE_INVOICE, changes)


def purchase_order_body(**changes: Any) -> dict[str, Any]:
    return _with(PURCHASE_INVOICE, {"type": "PURCHASE_ORDER", **changes})


def travel_invoice_body(**changes: Any) -> dict[str, Any]:
    """A travel expense claim: one 48.40 book bought on the trip (gross, 10 %), no vatStatus."""
    return _with(TRAVEL_INVOICE, changes)


def expense_body(**changes: Any) -> dict[str, Any]:
    """An expense claim (BILL_OF_CHARGES), shaped as the travel claim without trips."""
    return _with(TRAVEL_INVOICE, {"type": "BILL_OF_CHARGES", "travelInformationItems": None, **changes})


BODIES = {
    "SALES_INVOICE": sales_invoice_body,
    "SALES_ORDER": sales_order_body,
    "PURCHASE_INVOICE": purchase_invoice_body,
    "PURCHASE_ORDER": purchase_order_body,
    "TRAVEL_INVOICE": travel_invoice_body,
    "BILL_OF_CHARGES": expense_body,
}


def body_of(invoice_type: str, **changes: Any) -> dict[str, Any]:
    """A valid body of `invoice_type` (one of the writable types)."""
    return BODIES[invoice_type](**changes)


def variant(body: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A copy of `body` with dotted paths set (`DROP` removes; a number part indexes a list)."""
    result = copy.deepcopy(body)
    for path, value in changes.items():
        *parents, last = path.split(".")
        target: Any = result
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target.setdefault(key, {})
        if isinstance(target, list):
            target[int(last)] = copy.deepcopy(value)
        elif value is DROP:
            target.pop(last, None)
        else:
            target[last] = copy.deepcopy(value)
    return result


def errors(answer: Any) -> list[tuple[int, str | None, str]]:
    return [(e["status"], e.get("field"), e["message"]) for e in answer.json()["errors"]]


def post_invoice(client: TestClient, tenant: Tenant, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """`POST /invoices` of `body` (default: the sales invoice); the created invoice."""
    answer = client.post("/api/invoices", json=body or sales_invoice_body(), headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    created: dict[str, Any] = answer.json()
    return created


def add_invoice(
    session: Session, *, company_id: int, user_id: int, body: dict[str, Any] | None = None
) -> models.Invoice:
    """An invoice through `service.create_invoice` (flushed; the caller commits)."""
    wire = schemas.Invoice.model_validate(body or sales_invoice_body())
    return service.create_invoice(session, company_id=company_id, user_id=user_id, body=wire)
