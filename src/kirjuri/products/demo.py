"""Demo product registers of a sandbox company: sales and purchase products in groups, and the
travel products (daily allowances and mileage at the Tax Administration's 2026 rates) that travel
invoices use.

Invariant: products go through the same wire model and service as `POST /products`; prices are
exact decimals written as strings.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.products import rules, service
from kirjuri.products import schemas as wire

# group name, type, [(name, code, unit, price, vat, account, English name)]
CATALOGUE: list[tuple[str, str, list[tuple[str, str, str, str, str, str, str]]]] = [
    ("Palvelut", rules.SALES, [
        ("Konsultointi", "KONS", "HOUR", "120.00", "25.5", "3010", "Consulting"),
        ("Asennustyö", "ASENN", "HOUR", "85.00", "25.5", "3010", "Installation work"),
        ("Koulutuspäivä", "KOUL", "DAY", "950.00", "25.5", "3010", "Training day"),
        ("Ylläpitosopimus", "YLLP", "MONTH", "290.00", "25.5", "3010", "Maintenance contract"),
    ]),
    ("Tuotteet", rules.SALES, [
        ("Ohjelmistolisenssi", "LIS-1", "PIECE", "49.90", "25.5", "3000", "Software licence"),
        ("Kirjanpidon käsikirja", "KIRJA", "PIECE", "39.00", "13.5", "3100", "Bookkeeping handbook"),
        ("Kahvipaketti 500 g", "KAHVI", "PIECE", "8.90", "13.5", "3100", "Coffee 500 g"),
    ]),
    ("Hankinnat", rules.PURCHASE, [
        ("Toimistotarvikkeet", "OST-TT", "SET", "45.00", "25.5", "8430", "Office supplies"),
        ("Pilvipalvelu, kuukausimaksu", "OST-PP", "MONTH", "199.00", "25.5", "7400", "Cloud service, monthly"),
        ("Sähkö", "OST-SA", "KILOWATT_HOUR", "0.1450", "25.5", "7210", "Electricity"),
    ]),
]  # fmt: skip

# Travel products of 2026 (tax-free allowances and mileage, no VAT): name, code, unit, price, account.
TRAVEL: list[tuple[str, str, str, str, str]] = [
    ("Kotimaan kokopäiväraha", "TR-KPR", "DAY", "54.00", "7830"),
    ("Kotimaan osapäiväraha", "TR-OPR", "DAY", "25.00", "7830"),
    ("Kilometrikorvaus, oma auto", "TR-KM", "KILOMETER", "0.55", "7840"),
]


def _product(body: dict[str, Any]) -> rules.ProductDraft:
    return wire.Product.model_validate({"discount": "0", "active": True, "currency": "EUR", **body}).draft()


def seed_products(session: Session, company_id: int, user_id: int) -> None:
    """Three groups with ten products, and three travel products valid for the current year."""
    for group_name, product_type, products in CATALOGUE:
        group = service.create_group(session, company_id=company_id, name=group_name, group_type=product_type)
        for name, code, unit, price, vat, account, english in products:
            draft = _product(
                {
                    "type": product_type, "name": name, "code": code, "unit": unit, "price": price, "vat": vat,
                    "vatStatus": 1, "defaultAccount": account, "productGroupId": group.id,
                    "productLocalizations": [{"language": "ENGLISH", "productName": english}],
                }
            )  # fmt: skip
            service.create_product(session, company_id=company_id, draft=draft)
    year = clock.now().year
    travel = service.create_group(session, company_id=company_id, name="Matkakulut", group_type=rules.TRAVEL)
    for name, code, unit, price, account in TRAVEL:
        draft = _product(
            {
                "type": rules.TRAVEL, "name": name, "code": code, "unit": unit, "price": price, "vat": "0",
                "productGroupId": travel.id, "startDate": f"{year}-01-01", "endDate": f"{year}-12-31",
                "bookkeepingAccount": account,
            }
        )  # fmt: skip
        service.create_product(session, company_id=company_id, draft=draft)
