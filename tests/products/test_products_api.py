"""`/products` and `/products/{productId}` over HTTP (§D.19): contract shapes, every error code,
paging and ordering, filters, batch GET, version and `If-Match` conflicts, and the deprecated
`products` alias of the list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.core import clock
from kirjuri.products import repository
from tests.factories import Tenant
from tests.ledger.helpers import NO_VAT_EXPENSE, PURCHASES, SALES
from tests.products.helpers import Api, add_partner, errors, product_body


@pytest.fixture()
def api(client: TestClient, tenant: Tenant) -> Api:
    return Api(client, tenant)


def ids(answer: Any) -> list[int]:
    assert answer.status_code == 200, answer.text
    return [p["id"] for p in answer.json()["results"]]


# --- create and read ----------------------------------------------------------------------------------


def test_post_creates_and_answers_the_product_with_an_etag(api: Api) -> None:
    group = api.group()
    answer = api.post(
        "/products",
        product_body(
            price=0.12345678,
            discount=12.5,
            defaultAccount=SALES,
            productGroupId=group["id"],
            productLocalizations=[{"language": "ENGLISH", "productName": "Coffee pack"}],
            id=999,
        ),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    version = body.pop("version")
    assert body == {
        "id": 1,
        "type": "SALES",
        "name": "Kahvipaketti",
        "code": "KAHVI-1",
        "unit": "PIECE",
        "discount": 12.5,
        "price": 0.12345678,
        "vat": 25.5,
        "active": True,
        "defaultAccount": SALES,
        "vatStatus": 1,
        "currency": "EUR",
        "productLocalizations": [{"language": "ENGLISH", "productName": "Coffee pack"}],
        "productGroupId": group["id"],
    }
    one = api.get("/products/1")
    assert one.status_code == 200
    assert one.headers["etag"] == answer.headers["etag"]
    assert one.json()["version"] == version
    assert "productLocalizations" not in one.json()
    with_names = api.get("/products/1", includeLocalizations="true").json()
    assert with_names["productLocalizations"] == [{"language": "ENGLISH", "productName": "Coffee pack"}]


def test_decimals_are_written_plain(api: Api, client: TestClient, tenant: Tenant) -> None:
    answer = client.post(
        "/api/products",
        content=b'{"type":"SALES","name":"x","price":1E+2,"discount":10.0000,"vat":24.00,"active":true,"currency":"EUR"}',
        headers={**tenant.headers, "content-type": "application/json"},
    )
    assert answer.status_code == 200, answer.text
    assert b'"price":100,' in answer.content
    assert b'"discount":10,' in answer.content
    assert b'"vat":24,' in answer.content


def test_travel_product_with_validity_and_bookkeeping_account(api: Api) -> None:
    travel = api.product(
        type="TRAVEL", vatStatus=9, startDate="2026-01-01", endDate="2026-12-31", bookkeepingAccount=NO_VAT_EXPENSE
    )
    assert (travel["startDate"], travel["endDate"], travel["bookkeepingAccount"]) == (
        "2026-01-01",
        "2026-12-31",
        NO_VAT_EXPENSE,
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": None}, [(400, "name", "REQUIRED")]),
        ({"name": ""}, [(400, "name", "TOO_SHORT")]),
        ({"name": "   "}, [(400, "name", "REQUIRED")]),
        ({"name": "x" * 101}, [(400, "name", "TOO_LONG")]),
        ({"name": "Kahvi \u20ac"}, []),
        ({"name": "Kahvi \u2603"}, [(400, "name", "INVALID_CHARACTERS")]),
        ({"type": None}, [(400, "type", "REQUIRED")]),
        ({"type": "OTHER"}, [(400, "type", "INVALID_ENUM_VALUE")]),
        ({"code": "x" * 41}, [(400, "code", "TOO_LONG")]),
        ({"unit": "BUCKET"}, [(400, "unit", "INVALID_ENUM_VALUE")]),
        ({"currency": "XXY"}, [(400, "currency", "INVALID_ENUM_VALUE")]),
        ({"currency": None}, [(400, "currency", "REQUIRED")]),
        ({"active": None}, [(400, "active", "REQUIRED")]),
        ({"discount": None}, [(400, "discount", "REQUIRED")]),
        ({"discount": 100.5}, [(400, "discount", "OUT_OF_RANGE")]),
        ({"discount": -1}, [(400, "discount", "OUT_OF_RANGE")]),
        ({"discount": 1.23456}, [(400, "discount", "TOO_MANY_DECIMALS")]),
        ({"price": None}, [(400, "price", "REQUIRED")]),
        ({"price": "abc"}, [(400, "price", "INVALID_DECIMAL")]),
        ({"price": 1.123456789}, [(400, "price", "TOO_MANY_DECIMALS")]),
        ({"price": 1e16}, [(400, "price", "OUT_OF_RANGE")]),
        ({"vat": 13}, [(400, "vat", "INVALID_VAT_PERCENTAGE")]),
        ({"vat": 24}, []),
        ({"vat": 0, "vatStatus": 7}, []),
        ({"vatStatus": 9}, [(400, "vatStatus", "INVALID_VAT_STATUS")]),
        ({"vatStatus": 42}, [(400, "vatStatus", "INVALID_VAT_STATUS")]),
        ({"type": "PURCHASE", "vatStatus": 7}, [(400, "vatStatus", "INVALID_VAT_STATUS")]),
        ({"defaultAccount": "99999"}, [(400, "defaultAccount", "ACCOUNT_NOT_FOUND")]),
        ({"defaultAccount": "1" * 13}, [(400, "defaultAccount", "TOO_LONG")]),
        ({"defaultAccount": ""}, []),
        ({"productGroupId": 12345}, [(400, "productGroupId", "PRODUCT_GROUP_NOT_FOUND")]),
        ({"productGroupId": 2**31}, [(400, "productGroupId", "OUT_OF_RANGE")]),
        ({"productLocalizations": [{"language": "KLINGON", "productName": "x"}]},
         [(400, "productLocalizations[0].language", "INVALID_ENUM_VALUE")]),
        ({"productLocalizations": [{"language": "ENGLISH", "productName": "x" * 101}]},
         [(400, "productLocalizations[0].productName", "TOO_LONG")]),
        ({"productLocalizations": [{"language": "ENGLISH", "productName": "a"},
                                   {"language": "ENGLISH", "productName": "b"}]},
         [(400, "productLocalizations[1].language", "DUPLICATE_LANGUAGE")]),
        ({"productLocalizations": [{"productName": "a"}]}, [(400, "productLocalizations[0].language", "REQUIRED")]),
        ({"startDate": "2026-01-01"}, [(400, "startDate", "ONLY_FOR_TRAVEL_PRODUCTS")]),
        ({"endDate": "2026-01-01"}, [(400, "endDate", "ONLY_FOR_TRAVEL_PRODUCTS")]),
        ({"bookkeepingAccount": PURCHASES}, [(400, "bookkeepingAccount", "ONLY_FOR_TRAVEL_PRODUCTS")]),
        ({"type": "TRAVEL", "vatStatus": 1, "startDate": "2026-02-01", "endDate": "2026-01-01"},
         [(400, "startDate", "START_DATE_AFTER_END_DATE")]),
        ({"type": "TRAVEL", "vatStatus": 1, "startDate": "2026-02-30"}, [(400, "startDate", "INVALID_DATE")]),
        ({"type": "TRAVEL", "vatStatus": 1, "bookkeepingAccount": "99999"},
         [(400, "bookkeepingAccount", "ACCOUNT_NOT_FOUND")]),
    ],
)  # fmt: skip
def test_post_validation(api: Api, db: Session, tenant: Tenant, body: dict[str, Any], expected: list[Any]) -> None:
    answer = api.post("/products", product_body(**body))
    if not expected:
        assert answer.status_code == 200, answer.text
        return
    assert answer.status_code == 400
    assert errors(answer) == expected
    assert repository.find(db, company_id=tenant.company_id, product_id=1) is None


def test_every_finding_is_answered_at_once_and_nothing_is_written(api: Api, db: Session, tenant: Tenant) -> None:
    answer = api.post(
        "/products",
        product_body(price=0.000000001, vat=1, vatStatus=9, defaultAccount="99999", startDate="2026-01-01"),
    )
    assert errors(answer) == [
        (400, "price", "TOO_MANY_DECIMALS"),
        (400, "vat", "INVALID_VAT_PERCENTAGE"),
        (400, "vatStatus", "INVALID_VAT_STATUS"),
        (400, "startDate", "ONLY_FOR_TRAVEL_PRODUCTS"),
        (400, "defaultAccount", "ACCOUNT_NOT_FOUND"),
    ]
    assert repository.find(db, company_id=tenant.company_id, product_id=1) is None


def test_group_of_another_type_is_refused(api: Api) -> None:
    purchases = api.group("Raaka-aineet", "PURCHASE")
    answer = api.post("/products", product_body(productGroupId=purchases["id"]))
    assert errors(answer) == [(400, "productGroupId", "PRODUCT_GROUP_TYPE_MISMATCH")]


# --- batch GET ----------------------------------------------------------------------------------------


def test_batch_get_answers_an_array_by_id_skipping_unknown_ids(api: Api) -> None:
    made = [api.product(name=f"P{i}")["id"] for i in range(3)]
    answer = api.get(f"/products/{made[2]},{made[0]},999,x,{made[0]}")
    assert answer.status_code == 200
    assert [p["id"] for p in answer.json()] == [made[0], made[2]]
    assert "etag" not in answer.headers
    assert api.get(f"/products/{made[1]},").json()[0]["id"] == made[1]
    with_names = api.get(f"/products/{made[0]},{made[1]}", includeLocalizations="true").json()
    assert [p["productLocalizations"] for p in with_names] == [[], []]


@pytest.mark.parametrize(
    ("path", "status", "expected"),
    [
        ("999", 404, [(404, "productId", "NOT_FOUND")]),
        ("999,998", 404, [(404, "productId", "NOT_FOUND")]),
        ("abc", 404, [(404, "productId", "NOT_FOUND")]),
        ("0", 404, [(404, "productId", "NOT_FOUND")]),
        ("99999999999999999999999", 404, [(404, "productId", "NOT_FOUND")]),
        (",".join(["1"] * 201), 400, [(400, "productId", "TOO_MANY_IDS")]),
    ],
)
def test_batch_get_errors(api: Api, path: str, status: int, expected: list[Any]) -> None:
    api.product()
    answer = api.get(f"/products/{path}")
    assert answer.status_code == status
    assert errors(answer) == expected


def test_two_hundred_ids_are_allowed(api: Api) -> None:
    made = api.product()["id"]
    answer = api.get("/products/" + ",".join([str(made)] * 200))
    assert answer.status_code == 200
    assert [p["id"] for p in answer.json()] == [made]


# --- list: paging, order, filters -----------------------------------------------------------------------


def test_list_defaults_to_sales_and_purchase_newest_first_with_the_deprecated_alias(api: Api) -> None:
    sales = api.product()["id"]
    purchase = api.product(type="PURCHASE")["id"]
    travel = api.product(type="TRAVEL", vatStatus=9)["id"]
    answer = api.get("/products")
    assert answer.status_code == 200
    body = answer.json()
    assert [p["id"] for p in body["results"]] == [purchase, sales]
    assert body["products"] == body["results"]
    assert body["meta"] == {"pageNumber": 0, "pageSize": 50, "resultCount": 2, "totalCount": 2}
    assert "productLocalizations" not in body["results"][0]
    assert ids(api.get("/products", type="TRAVEL")) == [travel]
    assert ids(api.get("/products", type="SALES")) == [sales]
    assert api.get("/products", includeLocalizations="true").json()["results"][0]["productLocalizations"] == []


def test_paging_by_size_page_and_previous_id(api: Api) -> None:
    made = [api.product(name=f"P{i}")["id"] for i in range(5)]
    newest_first = made[::-1]
    first = api.get("/products", size=2).json()
    assert [p["id"] for p in first["results"]] == newest_first[:2]
    assert first["meta"] == {"pageNumber": 0, "pageSize": 2, "resultCount": 2, "totalCount": 5}
    assert ids(api.get("/products", size=2, page=2)) == newest_first[4:]
    assert ids(api.get("/products", size=2, previousId=newest_first[1])) == newest_first[2:4]
    assert ids(api.get("/products", size=2, previousId=newest_first[1], page=1)) == newest_first[4:]
    assert ids(api.get("/products", orderById="ASC", previousId=made[2])) == made[3:]
    assert ids(api.get("/products", previousId=0)) == newest_first
    assert ids(api.get("/products", size=200)) == newest_first


def test_order_by_version_with_keyset_paging(api: Api) -> None:
    made = [api.product(name=f"P{i}")["id"] for i in range(4)]
    api.put(f"/products/{made[0]}", product_body(name="P0 muutettu"))  # now the newest version
    by_version = [made[1], made[2], made[3], made[0]]
    assert ids(api.get("/products", orderByVersion="ASC")) == by_version
    assert ids(api.get("/products", orderByVersion="DESC")) == by_version[::-1]
    assert ids(api.get("/products", orderByVersion="ASC", previousId=made[2])) == [made[3], made[0]]
    assert ids(api.get("/products", orderByVersion="ASC", previousId=made[2], size=1)) == [made[3]]
    missing = api.get("/products", orderByVersion="ASC", previousId=999)
    assert missing.status_code == 404
    assert errors(missing) == [(404, "previousId", "NOT_FOUND")]


def test_filters(api: Api) -> None:
    juomat = api.group("Juomat")["id"]
    leivat = api.group("Leivät")["id"]
    coffee = api.product(name="Musta KAHVI", code="K1", productGroupId=juomat)["id"]
    tea = api.product(name="Tee", code="T1", productGroupId=juomat, active=False)["id"]
    bread = api.product(name="Ruisleipä 100%", code="L1", productGroupId=leivat)["id"]
    beans = api.product(type="PURCHASE", name="kahvipavut", code="K1")["id"]
    assert ids(api.get("/products", name="kahvi")) == [beans, coffee]
    assert ids(api.get("/products", name="100%")) == [bread]
    assert ids(api.get("/products", name="_")) == []
    assert ids(api.get("/products", code="K1")) == [beans, coffee]
    assert ids(api.get("/products", code="k1")) == []
    assert ids(api.get("/products", group=[juomat])) == [tea, coffee]
    assert ids(api.get("/products", group=[juomat, leivat])) == [bread, tea, coffee]
    assert ids(api.get("/products", group=f"{juomat},{leivat}")) == [bread, tea, coffee]
    assert ids(api.get("/products", group=f"[{juomat}, {leivat}]")) == [bread, tea, coffee]
    assert ids(api.get("/products", group=[99999])) == []
    assert ids(api.get("/products", active="false")) == [tea]
    assert ids(api.get("/products", active="true", type="SALES")) == [bread, coffee]
    assert ids(api.get("/products", type="PURCHASE", name="KAHVI")) == [beans]


def test_travel_validity_overlap(api: Api) -> None:
    def travel(start: str | None, end: str | None) -> int:
        return int(api.product(type="TRAVEL", vatStatus=9, startDate=start, endDate=end)["id"])

    y2025 = travel("2025-01-01", "2025-12-31")
    y2026 = travel("2026-01-01", "2026-12-31")
    open_start = travel(None, "2025-06-30")
    open_end = travel("2026-07-01", None)
    always = travel(None, None)

    def found(**dates: str) -> list[int]:
        return ids(api.get("/products", type="TRAVEL", orderById="ASC", **dates))

    assert found() == [y2025, y2026, open_start, open_end, always]
    assert found(startDate="2026-01-01") == [y2026, open_end, always]
    assert found(endDate="2025-06-30") == [y2025, open_start, always]
    assert found(startDate="2025-12-31", endDate="2026-01-01") == [y2025, y2026, always]
    assert found(startDate="2026-08-01", endDate="2026-08-31") == [y2026, open_end, always]
    assert found(startDate="2027-01-01") == [open_end, always]


def test_version_range(api: Api) -> None:
    before = clock.now()
    first = api.product()
    middle = clock.now()
    second = api.product()
    assert ids(api.get("/products", versionStartDate=before.isoformat())) == [second["id"], first["id"]]
    assert ids(api.get("/products", versionStartDate=middle.isoformat())) == [second["id"]]
    assert ids(api.get("/products", versionEndDate=middle.isoformat())) == [first["id"]]
    naive_utc = (middle + timedelta(hours=1)).replace(tzinfo=None).isoformat()
    assert ids(api.get("/products", versionEndDate=naive_utc)) == [second["id"], first["id"]]
    assert ids(api.get("/products", versionStartDate=first["version"], versionEndDate=first["version"])) == [
        first["id"]
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"size": 201}, [(400, "size", "INVALID_PAGE_SIZE")]),
        ({"size": 0}, [(400, "size", "INVALID_PAGE_SIZE")]),
        ({"page": -1}, [(400, "page", "INVALID_PAGE_NUMBER")]),
        ({"previousId": -1}, [(400, "previousId", "INVALID_PREVIOUS_ID")]),
        ({"previousId": 2**31}, [(400, "previousId", "OUT_OF_RANGE")]),
        ({"type": "ALL"}, [(400, "type", "INVALID_ENUM_VALUE")]),
        ({"orderById": "UP"}, [(400, "orderById", "INVALID_ENUM_VALUE")]),
        ({"orderByVersion": "UP"}, [(400, "orderByVersion", "INVALID_ENUM_VALUE")]),
        ({"group": "x"}, [(400, "group", "INVALID_INTEGER")]),
        ({"group": "1,-2"}, [(400, "group", "INVALID_INTEGER")]),
        ({"code": "x" * 41}, [(400, "code", "TOO_LONG")]),
        ({"startDate": "2026-13-01"}, [(400, "startDate", "INVALID_DATE")]),
        ({"startDate": "2026-02-01", "endDate": "2026-01-31"}, [(400, "startDate", "START_DATE_AFTER_END_DATE")]),
        ({"active": "maybe"}, [(400, "active", "INVALID_BOOLEAN")]),
        ({"includeLocalizations": "maybe"}, [(400, "includeLocalizations", "INVALID_BOOLEAN")]),
        ({"versionStartDate": "yesterday"}, [(400, "versionStartDate", "INVALID_DATETIME")]),
    ],
)
def test_list_parameter_errors(api: Api, params: dict[str, Any], expected: list[Any]) -> None:
    answer = api.get("/products", **params)
    assert answer.status_code == 400
    assert errors(answer) == expected


# --- replace --------------------------------------------------------------------------------------------


def test_put_replaces_the_whole_product(api: Api) -> None:
    made = api.product(
        code="OLD", defaultAccount=SALES, productLocalizations=[{"language": "ENGLISH", "productName": "x"}]
    )
    answer = api.put(f"/products/{made['id']}", product_body(name="Uusi", code=None, price=3, vat=None, vatStatus=None))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["version"] > made["version"]
    assert answer.headers["etag"] == api.get(f"/products/{made['id']}").headers["etag"]
    body.pop("version")
    assert body == {
        "id": made["id"],
        "type": "SALES",
        "name": "Uusi",
        "unit": "PIECE",
        "discount": 0,
        "price": 3,
        "active": True,
        "currency": "EUR",
        "productLocalizations": [],
    }


def test_put_version_and_if_match(api: Api) -> None:
    made = api.product()
    url = f"/products/{made['id']}"
    stale = api.put(url, product_body(version="2020-01-01T00:00:00Z"))
    assert stale.status_code == 400
    assert errors(stale) == [(400, "version", "VERSION_CONFLICT")]
    current = api.put(url, product_body(name="Versiolla", version=made["version"]))
    assert current.status_code == 200, current.text
    again = api.put(url, product_body(name="Vanhalla", version=made["version"]))
    assert errors(again) == [(400, "version", "VERSION_CONFLICT")]
    old_tag = api.put(url, product_body(), headers={"If-Match": 'W/"1"'})
    assert old_tag.status_code == 412
    assert errors(old_tag) == [(412, "If-Match", "PRECONDITION_FAILED")]
    latest = api.get(url)
    ok = api.put(url, product_body(name="Etagilla"), headers={"If-Match": latest.headers["etag"]})
    assert ok.status_code == 200
    assert api.get(url).json()["name"] == "Etagilla"


def test_put_errors(api: Api) -> None:
    made = api.product()
    url = f"/products/{made['id']}"
    changed_type = api.put(url, product_body(type="PURCHASE"))
    assert errors(changed_type) == [(400, "type", "PRODUCT_TYPE_CANNOT_BE_CHANGED")]
    invalid = api.put(url, product_body(vat=7))
    assert errors(invalid) == [(400, "vat", "INVALID_VAT_PERCENTAGE")]
    for missing in ("/products/999", "/products/0", "/products/99999999999999999999"):
        answer = api.put(missing, product_body())
        assert answer.status_code == 404
        assert errors(answer) == [(404, "productId", "NOT_FOUND")]
    assert api.get(url).json()["version"] == made["version"]


# --- delete ---------------------------------------------------------------------------------------------


def test_delete(api: Api, session_factory: sessionmaker[Session], tenant: Tenant) -> None:
    made = api.product()["id"]
    travel = api.product(type="TRAVEL", vatStatus=9)["id"]
    used = api.product(name="Käytössä")["id"]
    with session_factory() as session:
        partners = [add_partner(session, company_id=tenant.company_id) for _ in range(2)]
        session.commit()
    for partner in partners:
        put = api.put(f"/kirjuri/businesspartners/{partner}/defaults/products", [{"productInfo": {"id": used}}])
        assert put.status_code == 200, put.text
    assert api.delete(f"/products/{made}").status_code == 204
    assert api.get(f"/products/{made}").status_code == 404
    gone = api.delete(f"/products/{made}")
    assert gone.status_code == 404
    assert errors(gone) == [(404, "productId", "NOT_FOUND")]
    refused = api.delete(f"/products/{travel}")
    assert refused.status_code == 400
    assert errors(refused) == [(400, "productId", "TRAVEL_PRODUCT_CANNOT_BE_DELETED")]
    in_use = api.delete(f"/products/{used}")
    assert in_use.status_code == 409
    assert errors(in_use) == [(409, None, f"PRODUCT_IN_USE: partners {partners[0]}, {partners[1]}")]
    stale = api.delete(f"/products/{used}", headers={"If-Match": 'W/"1"'})
    assert stale.status_code == 412
    assert api.get(f"/products/{travel},{used}").status_code == 200
