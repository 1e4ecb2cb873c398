"""Run a company-scoped SELECT as one page of a Procountor collection.

Invariant: the page is taken in a stable id order (ties impossible: ids are unique per
company); `previousId` continues strictly after that id; `totalCount` counts every match of
the filter, independent of the keyset position.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kirjuri.core.paging import Order, PageMeta, PageRequest

T = TypeVar("T")


def fetch_page(
    session: Session,
    stmt: Select[Any],
    *,
    id_column: InstrumentedAttribute[int],
    request: PageRequest,
) -> tuple[list[Any], PageMeta]:
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    descending = request.order is Order.DESC
    if request.previous_id:
        stmt = stmt.where(id_column < request.previous_id if descending else id_column > request.previous_id)
    stmt = stmt.order_by(id_column.desc() if descending else id_column.asc())
    rows = list(session.execute(stmt.limit(request.size).offset(request.offset)).scalars())
    meta = PageMeta(
        page_number=request.page,
        page_size=request.size,
        result_count=len(rows),
        total_count=total,
    )
    return rows, meta
