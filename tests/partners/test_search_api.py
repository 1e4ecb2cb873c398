"""`GET /businesspartners` (§D.4, §C.6, §C.12): basic-info rows, the header filters `name` and
`identifier`, every query filter, the `active` default, version dates, and both paging styles."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import Tenant
from tests.partners.partner_helpers import (
    CUSTOMER,
    HETU,
    SUPPLIER,
    Y_TUNNUS,
    add_person,
    body,
    create,
    create_group,
    errors,
)


def ids(client: TestClient, tenant: Tenant, query: str = "", **headers: str) -> list[int]:
    answer = client.get(f"/api/businesspartners{query}", headers={**tenant.headers, **headers})
    assert answer.status_code == 200, answer.text
    return [row["id"] for row in answer.json()["results"]]


def test_basic_info_rows(client: TestClient, tenant: Tenant, db: Session) -> None:
    customer = create(
        client,
        tenant,
        body(
            CUSTOMER,
            billingAddress={"name": "Laskutus", "city": "Espoo"},
            invoicingInfo={"customerNumber": "A-1", "identifierType": "FI", "identifier": Y_TUNNUS, "email": "a@b.fi"},
        ),
    )
    person_id = add_person(db, tenant.company_id)
    answer = client.get("/api/businesspartners", headers=tenant.headers)
    assert answer.status_code == 200
    found = answer.json()
    assert found["meta"] == {"pageNumber": 0, "pageSize": 50, "resultCount": 2, "totalCount": 2}
    rows = found["results"]
    assert [r["id"] for r in rows] == [person_id, customer["id"]]
    assert rows[1] == {
        "id": customer["id"],
        "name": "Asiakas Oy",
        "billingAddress": {"name": "Laskutus", "city": "Espoo"},
        "invoicingInfo": {"customerNumber": "A-1", "identifier": Y_TUNNUS, "identifierType": "FI"},
        "registryInfo": {"active": True},
        "type": "CUSTOMER",
        "version": customer["version"],
    }
    assert rows[0]["type"] == "PERSON"
    assert rows[0]["name"] == "Meikäläinen Maija"
    assert rows[0]["invoicingInfo"] == {"customerNumber": "P-7", "identifier": HETU, "identifierType": "HETU"}


def test_name_header_is_a_case_insensitive_part(client: TestClient, tenant: Tenant) -> None:
    first = create(client, tenant, body(CUSTOMER, name="Kahvila Papu Oy"))["id"]
    second = create(client, tenant, body(SUPPLIER, name="Paperitehdas Ab"))["id"]
    create(client, tenant, body(SUPPLIER, name="Muu"))
    assert ids(client, tenant, name="PAP") == [second, first]
    assert ids(client, tenant, name="papu") == [first]
    assert ids(client, tenant, name="100%") == []
    assert ids(client, tenant, name="_") == []
    assert ids(client, tenant, "?name=Muu") != ids(client, tenant, name="Muu")  # a query `name` is no filter


def test_name_header_sent_as_utf8(client: TestClient, tenant: Tenant) -> None:
    partner_id = create(client, tenant, body(CUSTOMER, name="Äijälän Sähkö Oy"))["id"]
    answer = client.get(
        "/api/businesspartners",
        headers=[("Authorization", tenant.headers["Authorization"]), ("name", "Sähkö".encode())],
    )
    assert [r["id"] for r in answer.json()["results"]] == [partner_id]


def test_identifier_header_matches_the_stored_form(client: TestClient, tenant: Tenant, db: Session) -> None:
    company = create(client, tenant, body(CUSTOMER, invoicingInfo={"identifierType": "FI", "identifier": Y_TUNNUS}))[
        "id"
    ]
    vat = create(client, tenant, body(SUPPLIER, invoicingInfo={"identifierType": "SE", "identifier": "556036079301"}))[
        "id"
    ]
    person_id = add_person(db, tenant.company_id)
    private = create(
        client, tenant, body(CUSTOMER, invoicingInfo={"identifierType": "HETU", "identifier": "010101-123N"})
    )["id"]
    assert ids(client, tenant, identifier=Y_TUNNUS) == [company]
    assert ids(client, tenant, identifier="20774740") == [company]
    assert ids(client, tenant, "?identifierType=FI", identifier="FI20774740") == [company]
    assert ids(client, tenant, "?identifierType=SE", identifier="556036079301") == [vat]
    assert ids(client, tenant, identifier="SE556036079301") == [vat]
    assert ids(client, tenant, identifier=HETU.lower()) == [person_id]
    assert ids(client, tenant, "?identifierType=HETU") == [private, person_id]
    assert ids(client, tenant, "?identifierType=HETU", identifier="010101-123N") == [private]
    assert ids(client, tenant, "?identifierType=FI", identifier="010101-123N") == []
    assert ids(client, tenant, identifier="2077474-1") == []
    assert ids(client, tenant, identifier="") == ids(client, tenant)  # empty: no filter


def test_customer_number_and_type(client: TestClient, tenant: Tenant, db: Session) -> None:
    first = create(client, tenant, body(CUSTOMER, invoicingInfo={"customerNumber": "100"}))["id"]
    create(client, tenant, body(CUSTOMER, invoicingInfo={"customerNumber": "1000"}))
    supplier = create(client, tenant, SUPPLIER)["id"]
    person_id = add_person(db, tenant.company_id)
    assert ids(client, tenant, "?customerNumber=100") == [first]
    assert len(ids(client, tenant, "?customerNumber=&mainGroup=&partnerGroup=&identifierType=")) == 4
    assert ids(client, tenant, "?type=SUPPLIER") == [supplier]
    assert ids(client, tenant, "?type=PERSON") == [person_id]
    answer = client.get("/api/businesspartners?type=OTHER", headers=tenant.headers)
    assert errors(answer) == [(400, "type", "INVALID_ENUM_VALUE")]


def test_groups(client: TestClient, tenant: Tenant) -> None:
    big = create_group(client, tenant, "Suuret")
    small = create_group(client, tenant, "Pienet")
    in_big = create(client, tenant, body(CUSTOMER, registryInfo={"partnerGroups": [{"id": big}]}))["id"]
    in_both = create(client, tenant, body(CUSTOMER, registryInfo={"partnerGroups": [{"id": big}, {"id": small}]}))["id"]
    main = create(client, tenant, body(CUSTOMER, additionalInfo={"group": "suuret"}))["id"]
    create(client, tenant)
    assert ids(client, tenant, f"?partnerGroup={big}") == [in_both, in_big]
    assert ids(client, tenant, f"?partnerGroup={small}") == [in_both]
    assert ids(client, tenant, "?partnerGroup=PIENET") == [in_both]
    assert ids(client, tenant, "?partnerGroup=99") == []
    assert ids(client, tenant, "?partnerGroup=99999999999") == []
    assert ids(client, tenant, "?mainGroup=Suuret") == [main, in_both, in_big]
    assert ids(client, tenant, "?mainGroup=Pienet") == [in_both]
    assert ids(client, tenant, "?mainGroup=Keskikokoiset") == []


def test_active_defaults_to_true(client: TestClient, tenant: Tenant) -> None:
    active = create(client, tenant)["id"]
    inactive = create(client, tenant, body(CUSTOMER, registryInfo={"active": False}))["id"]
    assert ids(client, tenant) == [active]
    assert ids(client, tenant, "?active=true") == [active]
    assert ids(client, tenant, "?active=false") == [inactive]
    answer = client.get("/api/businesspartners?active=maybe", headers=tenant.headers)
    assert errors(answer) == [(400, "active", "INVALID_BOOLEAN")]


def test_version_dates(client: TestClient, tenant: Tenant) -> None:
    first = create(client, tenant)
    second = create(client, tenant, SUPPLIER)
    start = first["version"]
    assert ids(client, tenant, f"?versionStartDate={start}") == [second["id"], first["id"]]
    assert ids(client, tenant, f"?versionStartDate={second['version']}") == [second["id"]]
    assert ids(client, tenant, f"?versionEndDate={start}") == [first["id"]]
    naive = start.removesuffix("Z")
    assert ids(client, tenant, "?versionEndDate=" + naive) == [first["id"]]
    answer = client.get("/api/businesspartners?versionStartDate=eilen", headers=tenant.headers)
    assert errors(answer) == [(400, "versionStartDate", "INVALID_DATETIME")]


def _create_many(client: TestClient, tenant: Tenant, count: int) -> list[int]:
    return [create(client, tenant, body(CUSTOMER, name=f"P{n}"))["id"] for n in range(count)]


def test_paging_by_page_and_size(client: TestClient, tenant: Tenant) -> None:
    made = _create_many(client, tenant, 5)
    newest_first = list(reversed(made))
    page = client.get("/api/businesspartners?size=2&page=1", headers=tenant.headers).json()
    assert [r["id"] for r in page["results"]] == newest_first[2:4]
    assert page["meta"] == {"pageNumber": 1, "pageSize": 2, "resultCount": 2, "totalCount": 5}
    assert ids(client, tenant, "?size=2&page=2") == newest_first[4:]
    assert ids(client, tenant, "?size=2&page=3") == []
    assert ids(client, tenant, "?orderById=ASC&size=3") == made[:3]


def test_paging_by_previous_id(client: TestClient, tenant: Tenant) -> None:
    made = _create_many(client, tenant, 5)
    assert ids(client, tenant, f"?previousId={made[3]}&size=2") == [made[2], made[1]]
    assert ids(client, tenant, f"?previousId={made[1]}&orderById=ASC") == made[2:]
    assert ids(client, tenant, "?previousId=0&size=1") == [made[4]]
    answer = client.get(f"/api/businesspartners?previousId={made[3]}&size=2", headers=tenant.headers).json()
    assert answer["meta"]["totalCount"] == 5


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("size=0", "size", "INVALID_PAGE_SIZE"),
        ("size=201", "size", "INVALID_PAGE_SIZE"),
        ("page=-1", "page", "INVALID_PAGE_NUMBER"),
        ("previousId=-5", "previousId", "INVALID_PREVIOUS_ID"),
        ("orderById=UP", "orderById", "INVALID_ENUM_VALUE"),
        ("size=x", "size", "INVALID_INTEGER"),
    ],
)
def test_paging_parameters_are_checked(client: TestClient, tenant: Tenant, query: str, field: str, code: str) -> None:
    answer = client.get(f"/api/businesspartners?{query}", headers=tenant.headers)
    assert errors(answer) == [(400, field, code)]


def test_two_hundred_per_page(client: TestClient, tenant: Tenant) -> None:
    made = _create_many(client, tenant, 3)
    answer: dict[str, Any] = client.get("/api/businesspartners?size=200", headers=tenant.headers).json()
    assert answer["meta"]["pageSize"] == 200
    assert [r["id"] for r in answer["results"]] == list(reversed(made))


def test_version_is_updated_by_writes(client: TestClient, tenant: Tenant) -> None:
    created = create(client, tenant)
    after = client.patch(
        f"/api/businesspartners/{created['id']}",
        json={"name": "X", "version": created["version"]},
        headers=tenant.headers,
    ).json()
    assert ids(client, tenant, f"?versionStartDate={after['version']}") == [created["id"]]
    later = after["version"].replace("Z", "+00:00")
    beyond = (datetime.fromisoformat(later) + timedelta(microseconds=1)).isoformat().replace("+00:00", "Z")
    assert ids(client, tenant, f"?versionStartDate={beyond}") == []
