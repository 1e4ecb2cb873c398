"""Partners' default products over HTTP (`kirjuri.partners.default_products_router`): the
contract's GETs (`/businesspartners/{id}/…`, `/persons/{id}/…`) and Kirjuri's whole-list PUTs,
their validation, rights and partner types. Products are made over HTTP, partners through the
partners' services (`tests.products.helpers`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import rules as rights
from kirjuri.config import Settings
from kirjuri.products.models import DefaultProduct
from tests.factories import Tenant, make_tenant
from tests.products.helpers import ALL, VIEW, Api, add_partner, errors

PARTNERS = "/businesspartners/{}/defaults/products"
PERSONS = "/persons/{}/defaults/products"
PUT_PARTNERS = "/kirjuri/businesspartners/{}/defaults/products"
PUT_PERSONS = "/kirjuri/persons/{}/defaults/products"


@pytest.fixture()
def api(client: TestClient, tenant: Tenant) -> Api:
    return Api(client, tenant)


AddPartner = Callable[[str], int]


@pytest.fixture()
def partner(session_factory: sessionmaker[Session], tenant: Tenant) -> AddPartner:
    def make(partner_type: str) -> int:
        with session_factory() as session:
            partner_id = add_partner(session, company_id=tenant.company_id, partner_type=partner_type)
            session.commit()
            return partner_id

    return make


def stored(db: Session, company_id: int) -> int:
    return db.execute(
        select(func.count()).select_from(DefaultProduct).where(DefaultProduct.company_id == company_id)
    ).scalar_one()


def test_a_customer_list_is_replaced_and_read_back(api: Api, partner: AddPartner) -> None:
    customer = partner("CUSTOMER")
    coffee = api.product(productLocalizations=[{"language": "ENGLISH", "productName": "Coffee"}])
    tea = api.product(name="Tee", code="T")
    assert api.get(PARTNERS.format(customer)).json() == []
    body = [
        {
            "productInfo": {"id": coffee["id"]},
            "defaultSettings": {
                "useSpecialDiscount": True,
                "specialDiscountPercentage": 12.5,
                "useSpecialPrice": True,
                "specialPrice": 9.90,
                "useSpecialVat": False,
                "specialVatPercentage": 14,
                "amount": 2,
                "comment": "Kanta-asiakas",
            },
            "validityPeriods": [{"startDate": "2026-01-01", "endDate": "2026-06-30", "notes": "Kevät"}, {}],
        },
        {"productInfo": tea, "id": 999},
    ]
    answer = api.put(PUT_PARTNERS.format(customer), body)
    assert answer.status_code == 200, answer.text
    first, second = answer.json()
    assert first == {
        "id": 1,
        "productInfo": coffee,
        "defaultSettings": {
            "useSpecialDiscount": True,
            "specialDiscountPercentage": 12.5,
            "useSpecialPrice": True,
            "specialPrice": 9.9,
            "useSpecialVat": False,
            "specialVatPercentage": 14,
            "amount": 2,
            "comment": "Kanta-asiakas",
        },
        "validityPeriods": [{"startDate": "2026-01-01", "endDate": "2026-06-30", "notes": "Kevät"}, {}],
    }
    assert second == {"id": 2, "productInfo": {**tea, "productLocalizations": []}, "defaultSettings": {},
                      "validityPeriods": []}  # fmt: skip
    assert api.get(PARTNERS.format(customer)).json() == [first, second]
    # Sent back as read, reordered and with one left out: ids are kept, the rest goes.
    again = api.put(PUT_PARTNERS.format(customer), [second])
    assert again.json() == [second]
    assert api.put(PUT_PARTNERS.format(customer), []).json() == []
    assert api.get(PARTNERS.format(customer)).json() == []


def test_supplier_and_person_paths(api: Api, partner: AddPartner) -> None:
    supplier, person, customer = partner("SUPPLIER"), partner("PERSON"), partner("CUSTOMER")
    purchase = api.product(type="PURCHASE")["id"]
    travel = api.product(type="TRAVEL", vatStatus=9)["id"]
    sales = api.product()["id"]
    ok = api.put(PUT_PARTNERS.format(supplier), [{"productInfo": {"id": purchase}}])
    assert [d["productInfo"]["id"] for d in ok.json()] == [purchase]
    refused = api.put(PUT_PARTNERS.format(supplier), [{"productInfo": {"id": sales}}])
    assert errors(refused) == [(400, "[0].productInfo.id", "PRODUCT_TYPE_NOT_ALLOWED")]
    refused = api.put(PUT_PARTNERS.format(customer), [{"productInfo": {"id": travel}}])
    assert errors(refused) == [(400, "[0].productInfo.id", "PRODUCT_TYPE_NOT_ALLOWED")]
    every = [{"productInfo": {"id": i}} for i in (travel, sales, purchase)]
    assert [d["productInfo"]["id"] for d in api.put(PUT_PERSONS.format(person), every).json()] == [
        travel,
        sales,
        purchase,
    ]
    assert len(api.get(PERSONS.format(person)).json()) == 3
    # A person is not a business partner on these paths, and the other way round.
    for answer in (
        api.get(PARTNERS.format(person)),
        api.put(PUT_PARTNERS.format(person), []),
        api.get(PERSONS.format(supplier)),
        api.put(PUT_PERSONS.format(customer), []),
        api.get(PARTNERS.format(99999)),
        api.get(PERSONS.format(0)),
        api.put(PUT_PARTNERS.format(99999999999), []),
    ):
        assert answer.status_code == 404
        assert errors(answer) == [(404, "id", "NOT_FOUND")]
    assert len(api.get(PERSONS.format(person)).json()) == 3


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([{"productInfo": {"id": "{p}"}}, {"productInfo": {"id": "{p}"}}],
         [(400, "[1].productInfo.id", "DUPLICATE_PRODUCT")]),
        ([{"defaultSettings": {}}], [(400, "[0].productInfo.id", "REQUIRED")]),
        ([{"productInfo": {"id": 999}}], [(400, "[0].productInfo.id", "PRODUCT_NOT_FOUND")]),
        ([{"productInfo": {"id": "{p}"}, "defaultSettings": {"specialDiscountPercentage": 101}}],
         [(400, "[0].defaultSettings.specialDiscountPercentage", "OUT_OF_RANGE")]),
        ([{"productInfo": {"id": "{p}"}, "defaultSettings": {"useSpecialDiscount": True}}],
         [(400, "[0].defaultSettings.specialDiscountPercentage", "REQUIRED")]),
        ([{"productInfo": {"id": "{p}"}, "defaultSettings": {"specialVatPercentage": 21}}],
         [(400, "[0].defaultSettings.specialVatPercentage", "INVALID_VAT_PERCENTAGE")]),
        ([{"productInfo": {"id": "{p}"}, "defaultSettings": {"specialPrice": "x"}}],
         [(400, "[0].defaultSettings.specialPrice", "INVALID_DECIMAL")]),
        ([{"productInfo": {"id": "{p}"}, "defaultSettings": {"comment": "x" * 1001}}],
         [(400, "[0].defaultSettings.comment", "TOO_LONG")]),
        ([{"productInfo": {"id": "{p}"}, "validityPeriods": [{"startDate": "2026-02-01", "endDate": "2026-01-01"}]}],
         [(400, "[0].validityPeriods[0].startDate", "START_DATE_AFTER_END_DATE")]),
        ([{"productInfo": {"id": "{p}"}, "validityPeriods": [{"startDate": "yesterday"}]}],
         [(400, "[0].validityPeriods[0].startDate", "INVALID_DATE")]),
        ({"productInfo": {"id": "{p}"}}, [(400, None, "INVALID_ARRAY")]),
    ],
)  # fmt: skip
def test_validation_refuses_the_whole_list(
    *, api: Api, partner: AddPartner, db: Session, tenant: Tenant, body: Any, expected: list[Any]
) -> None:
    customer = partner("CUSTOMER")
    product = api.product()["id"]
    kept = api.put(PUT_PARTNERS.format(customer), [{"productInfo": {"id": product}}]).json()

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return product if value == "{p}" else value

    answer = api.put(PUT_PARTNERS.format(customer), fill(body))
    assert answer.status_code == 400
    assert errors(answer) == expected
    assert api.get(PARTNERS.format(customer)).json() == kept
    assert stored(db, tenant.company_id) == 1


@pytest.mark.parametrize(
    ("given", "readable", "writable"),
    [
        ({"sales": {"customerRegister": ALL}}, {"CUSTOMER"}, {"CUSTOMER"}),
        ({"sales": {"customerRegister": VIEW}}, {"CUSTOMER"}, set()),
        ({"purchases": {"supplierRegister": ALL}}, {"SUPPLIER"}, {"SUPPLIER"}),
        ({"purchases": {"supplierRegister": ALL}, "sales": {"customerRegister": VIEW}},
         {"SUPPLIER", "CUSTOMER"}, {"SUPPLIER"}),
        ({"salaries": {"personRegister": VIEW}}, {"PERSON"}, set()),
        ({"salaries": {"personRegister": ALL}}, {"PERSON"}, {"PERSON"}),
        ({"sales": {"productRegister": ALL}}, set(), set()),
    ],
)  # fmt: skip
def test_rights_by_partner_type(
    *,
    client: TestClient,
    session_factory: sessionmaker[Session],
    settings: Settings,
    given: dict[str, Any],
    readable: set[str],
    writable: set[str],
) -> None:
    user = make_tenant(session_factory, settings, user_rights=given)
    api = Api(client, user)
    with session_factory() as session:
        ids = {
            t: add_partner(session, company_id=user.company_id, partner_type=t)
            for t in ("CUSTOMER", "SUPPLIER", "PERSON")
        }
        session.commit()
    partner_read = {"CUSTOMER", "SUPPLIER"} & readable
    person_read = {"PERSON"} & readable
    for t, partner_id in ids.items():
        is_person = t == "PERSON"
        read = api.get((PERSONS if is_person else PARTNERS).format(partner_id))
        write = api.put((PUT_PERSONS if is_person else PUT_PARTNERS).format(partner_id), [])
        path_readable = person_read if is_person else partner_read
        path_writable = {"PERSON"} & writable if is_person else {"CUSTOMER", "SUPPLIER"} & writable
        if not path_readable:
            assert read.status_code == 403, (t, read.text)
        else:
            assert read.status_code == (200 if t in readable else 404), (t, read.text)
        if not path_writable:
            assert write.status_code == 403, (t, write.text)
        elif t not in readable:
            assert write.status_code == 404, (t, write.text)
        else:
            assert write.status_code == (200 if t in writable else 403), (t, write.text)


def test_read_only_rights_read_every_list(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    user = make_tenant(session_factory, settings, user_rights=rights.READ_ONLY)
    api = Api(client, user)
    with session_factory() as session:
        customer = add_partner(session, company_id=user.company_id)
        person = add_partner(session, company_id=user.company_id, partner_type="PERSON")
        session.commit()
    assert api.get(PARTNERS.format(customer)).json() == []
    assert api.get(PERSONS.format(person)).json() == []
    assert api.put(PUT_PARTNERS.format(customer), []).status_code == 403
