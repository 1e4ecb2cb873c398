"""Collections (§C.6) and batch GET (§C.5) over a real table: the tenant's company members."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import rules as rights
from kirjuri.companies import service as companies_service
from tests.api.checks import assert_error
from tests.factories import Tenant, unique

MEMBERS = "/api/kirjuri-test/members"


def _add_members(session_factory: sessionmaker[Session], company_id: int, count: int) -> list[int]:
    ids = []
    with session_factory() as session:
        for _ in range(count):
            user = companies_service.create_user(
                session,
                username=unique("member"),
                first_name="Jäsen",
                last_name="Testi",
                email="member@example.invalid",
                password=None,
            )
            companies_service.add_member(
                session, company_id=company_id, user_id=user.id, rights=rights.READ_ONLY, role="USER"
            )
            ids.append(user.id)
        session.commit()
    return ids


@pytest.fixture()
def members(tenant: Tenant, session_factory: sessionmaker[Session]) -> list[int]:
    """Ids of the tenant's company members, ascending (the tenant's user and 6 more)."""
    return sorted([tenant.user_id, *_add_members(session_factory, tenant.company_id, 6)])


def _get(wire: TestClient, tenant: Tenant, query: str = "") -> tuple[list[int], dict[str, int]]:
    response = wire.get(f"{MEMBERS}{query}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"results", "meta"}
    return [r["id"] for r in body["results"]], body["meta"]


def test_envelope_defaults(wire: TestClient, tenant: Tenant, members: list[int]) -> None:
    ids, meta = _get(wire, tenant)
    assert ids == members[::-1]  # orderById defaults to DESC
    assert meta == {"pageNumber": 0, "pageSize": 50, "resultCount": 7, "totalCount": 7}


@pytest.mark.parametrize(
    ("query", "positions", "meta"),
    [
        ("?size=3", [6, 5, 4], (0, 3, 3)),
        ("?size=3&page=1", [3, 2, 1], (1, 3, 3)),
        ("?size=3&page=2", [0], (2, 3, 1)),
        ("?size=3&page=3", [], (3, 3, 0)),
        ("?size=3&orderById=ASC", [0, 1, 2], (0, 3, 3)),
        ("?size=3&orderById=ASC&page=2", [6], (2, 3, 1)),
        ("?size=200", [6, 5, 4, 3, 2, 1, 0], (0, 200, 7)),
        ("?size=1", [6], (0, 1, 1)),
    ],
)
def test_pages(
    wire: TestClient,
    tenant: Tenant,
    members: list[int],
    *,
    query: str,
    positions: list[int],
    meta: tuple[int, int, int],
) -> None:
    ids, got = _get(wire, tenant, query)
    assert ids == [members[p] for p in positions]
    assert (got["pageNumber"], got["pageSize"], got["resultCount"], got["totalCount"]) == (*meta, 7)


def test_keyset_paging_with_previous_id(wire: TestClient, tenant: Tenant, members: list[int]) -> None:
    ids, meta = _get(wire, tenant, f"?size=2&previousId={members[4]}")
    assert ids == [members[3], members[2]]
    assert meta["totalCount"] == 7
    ids, _ = _get(wire, tenant, f"?size=2&previousId={members[4]}&orderById=ASC")
    assert ids == [members[5], members[6]]
    ids, _ = _get(wire, tenant, "?size=2&previousId=0")  # 0 = from the start, as old clients send
    assert ids == [members[6], members[5]]


def test_keyset_walk_until_a_short_page(wire: TestClient, tenant: Tenant, members: list[int]) -> None:
    seen: list[int] = []
    query = "?size=3&orderById=ASC"
    while True:
        ids, meta = _get(wire, tenant, query)
        seen += ids
        if meta["resultCount"] < meta["pageSize"]:
            break
        query = f"?size=3&orderById=ASC&previousId={ids[-1]}"
    assert seen == members


def test_other_companies_are_not_listed(
    wire: TestClient, tenant: Tenant, other_tenant: Tenant, members: list[int]
) -> None:
    ids, meta = _get(wire, other_tenant)
    assert ids == [other_tenant.user_id]
    assert meta["totalCount"] == 1


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?size=0", "size", "INVALID_PAGE_SIZE"),
        ("?size=201", "size", "INVALID_PAGE_SIZE"),
        ("?size=-1", "size", "INVALID_PAGE_SIZE"),
        ("?size=abc", "size", "INVALID_INTEGER"),
        ("?size=1.5", "size", "INVALID_INTEGER"),
        ("?size=99999999999999999999", "size", None),
        ("?page=-1", "page", "INVALID_PAGE_NUMBER"),
        ("?page=x", "page", "INVALID_INTEGER"),
        ("?page=2147483648", "page", "INVALID_PAGE_NUMBER"),
        ("?page=99999999999999999999", "page", "INVALID_PAGE_NUMBER"),
        ("?previousId=2147483648", "previousId", "INVALID_PREVIOUS_ID"),
        ("?previousId=-5", "previousId", "INVALID_PREVIOUS_ID"),
        ("?previousId=abc", "previousId", "INVALID_INTEGER"),
        ("?orderById=UP", "orderById", "INVALID_ENUM_VALUE"),
        ("?orderById=asc", "orderById", "INVALID_ENUM_VALUE"),
        ("?orderById=", "orderById", "INVALID_ENUM_VALUE"),
    ],
)
def test_invalid_paging_parameters_are_400_at_their_field(
    wire: TestClient, tenant: Tenant, query: str, field: str, message: str | None
) -> None:
    assert_error(wire.get(f"{MEMBERS}{query}", headers=tenant.headers), 400, message, field)


def _batch(wire: TestClient, tenant: Tenant, ids: str) -> object:
    response = wire.get(f"{MEMBERS}/{ids}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_batch_one_id_is_an_object(wire: TestClient, tenant: Tenant, members: list[int]) -> None:
    body = _batch(wire, tenant, str(members[2]))
    assert isinstance(body, dict)
    assert body["id"] == members[2]


def test_batch_several_ids_are_a_sorted_unique_array(wire: TestClient, tenant: Tenant, members: list[int]) -> None:
    raw = f"{members[5]},{members[1]},x,{members[5]},-3,0,{members[3]}"
    body = _batch(wire, tenant, raw)
    assert isinstance(body, list)
    assert [m["id"] for m in body] == [members[1], members[3], members[5]]


def test_batch_several_ids_one_found_is_still_an_array(wire: TestClient, tenant: Tenant, members: list[int]) -> None:
    body = _batch(wire, tenant, f"{members[0]},abc,999999999")
    assert isinstance(body, list)
    assert [m["id"] for m in body] == [members[0]]


def test_batch_of_200_ids(wire: TestClient, tenant: Tenant, members: list[int]) -> None:
    ids = [str(i) for i in range(1_000_000, 1_000_000 + 200 - len(members))] + [str(m) for m in members]
    assert len(ids) == 200
    body = _batch(wire, tenant, ",".join(ids))
    assert [m["id"] for m in body] == members  # type: ignore[union-attr]


def test_batch_of_201_ids_is_400(wire: TestClient, tenant: Tenant, members: list[int]) -> None:
    ids = ",".join([str(members[0])] * 201)
    assert_error(wire.get(f"{MEMBERS}/{ids}", headers=tenant.headers), 400, "TOO_MANY_IDS", "id")


@pytest.mark.parametrize("ids", ["x", "999999999", "0", "x,y", "999999998,999999999", "²", "9" * 30])
def test_batch_none_found_is_404(wire: TestClient, tenant: Tenant, members: list[int], ids: str) -> None:
    assert_error(wire.get(f"{MEMBERS}/{ids}", headers=tenant.headers), 404, "NOT_FOUND")


def test_batch_does_not_see_other_companies(
    wire: TestClient, tenant: Tenant, other_tenant: Tenant, members: list[int]
) -> None:
    assert_error(wire.get(f"{MEMBERS}/{members[1]}", headers=other_tenant.headers), 404)
    body = _batch(wire, other_tenant, f"{members[1]},{other_tenant.user_id}")
    assert [m["id"] for m in body] == [other_tenant.user_id]  # type: ignore[union-attr]
