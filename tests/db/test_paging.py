"""db.paging.fetch_page: stable id order, offset pages, keyset after previousId, totalCount."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.companies import service as companies_service
from kirjuri.companies.models import VerifierList
from kirjuri.core.paging import Order, PageRequest
from kirjuri.db.paging import fetch_page
from tests.factories import unique


@pytest.fixture()
def lists(db: Session) -> int:
    """A company with verifier lists 1..12, and another company with lists of the same ids."""
    company = companies_service.create_company(db, name=unique("Sivu Oy"))
    other = companies_service.create_company(db, name=unique("Muu Oy"))
    db.flush()
    for list_id in range(1, 13):
        db.add(VerifierList(company_id=company.id, id=list_id, name=f"list {list_id}"))
        db.add(VerifierList(company_id=other.id, id=list_id, name=f"other {list_id}"))
    db.flush()
    return company.id


def _page(db: Session, company_id: int, request: PageRequest) -> tuple[list[int], tuple[int, int, int, int]]:
    stmt = select(VerifierList).where(VerifierList.company_id == company_id)
    rows, meta = fetch_page(db, stmt, id_column=VerifierList.id, request=request)  # type: ignore[arg-type]
    return [r.id for r in rows], (meta.page_number, meta.page_size, meta.result_count, meta.total_count)


@pytest.mark.parametrize(
    ("request_", "ids", "meta"),
    [
        (PageRequest(), list(range(12, 0, -1)), (0, 50, 12, 12)),
        (PageRequest(order=Order.ASC), list(range(1, 13)), (0, 50, 12, 12)),
        (PageRequest(size=5), [12, 11, 10, 9, 8], (0, 5, 5, 12)),
        (PageRequest(size=5, page=1), [7, 6, 5, 4, 3], (1, 5, 5, 12)),
        (PageRequest(size=5, page=2), [2, 1], (2, 5, 2, 12)),
        (PageRequest(size=5, page=3), [], (3, 5, 0, 12)),
        (PageRequest(size=5, order=Order.ASC, page=2), [11, 12], (2, 5, 2, 12)),
        (PageRequest(size=4, previous_id=9), [8, 7, 6, 5], (0, 4, 4, 12)),
        (PageRequest(size=4, previous_id=9, order=Order.ASC), [10, 11, 12], (0, 4, 3, 12)),
        (PageRequest(size=2, previous_id=9, page=1), [6, 5], (1, 2, 2, 12)),
        (PageRequest(size=4, previous_id=1), [], (0, 4, 0, 12)),
        (PageRequest(size=4, previous_id=100), [12, 11, 10, 9], (0, 4, 4, 12)),
    ],
)
def test_pages(db: Session, lists: int, request_: PageRequest, ids: list[int], meta: tuple[int, int, int, int]) -> None:
    assert _page(db, lists, request_) == (ids, meta)


def test_keyset_walk_visits_every_row_once(db: Session, lists: int) -> None:
    seen: list[int] = []
    previous: int | None = None
    while True:
        ids, (_, size, count, total) = _page(db, lists, PageRequest(size=5, previous_id=previous))
        seen.extend(ids)
        assert total == 12
        if count < size:
            break
        previous = ids[-1]
    assert seen == list(range(12, 0, -1))


def test_filter_is_counted_not_the_whole_table(db: Session, lists: int) -> None:
    stmt = select(VerifierList).where(VerifierList.company_id == lists, VerifierList.id > 10)
    rows, meta = fetch_page(db, stmt, id_column=VerifierList.id, request=PageRequest())  # type: ignore[arg-type]
    assert [r.id for r in rows] == [12, 11]
    assert meta.total_count == 2
