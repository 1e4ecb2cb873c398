"""Dimensions (cost centres, projects) and their items.

Invariant: dimensions are created by the company set-up (and the extras), never through the
contract API, which may only rename them; item code names are unique within a dimension; an
inactive item (`status "P"`) stays on old postings but takes no new ones.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.db.counters import next_value
from kirjuri.ledger.models import Dimension, DimensionItem


def dimensions(
    session: Session, *, company_id: int, name: str | None = None, code_name: str | None = None
) -> list[tuple[Dimension, list[DimensionItem]]]:
    """Dimensions with their items; `name` and `codeName` are case-insensitive partial filters."""
    stmt = select(Dimension).where(Dimension.company_id == company_id).order_by(Dimension.id)
    if name:
        stmt = stmt.where(Dimension.name.ilike(f"%{_escape(name)}%", escape="\\"))
    found = list(session.scalars(stmt))
    items_stmt = select(DimensionItem).where(
        DimensionItem.company_id == company_id, DimensionItem.dimension_id.in_([d.id for d in found])
    )
    if code_name:
        items_stmt = items_stmt.where(DimensionItem.code_name.ilike(f"%{_escape(code_name)}%", escape="\\"))
    by_dimension: dict[int, list[DimensionItem]] = {d.id: [] for d in found}
    for item in session.scalars(items_stmt.order_by(DimensionItem.id)):
        by_dimension[item.dimension_id].append(item)
    return [(d, by_dimension[d.id]) for d in found]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get(session: Session, *, company_id: int, dimension_id: int) -> tuple[Dimension, list[DimensionItem]]:
    dimension = session.get(Dimension, (company_id, dimension_id))
    if dimension is None:
        raise not_found("dimensionId")
    items = session.scalars(
        select(DimensionItem)
        .where(DimensionItem.company_id == company_id, DimensionItem.dimension_id == dimension_id)
        .order_by(DimensionItem.id)
    )
    return dimension, list(items)


def create_dimension(session: Session, *, company_id: int, name: str) -> Dimension:
    dimension = Dimension(
        company_id=company_id, id=next_value(session, company_id=company_id, name="dimension"), name=name
    )
    session.add(dimension)
    session.flush()
    return dimension


def rename(session: Session, *, company_id: int, dimension_id: int, name: str) -> Dimension:
    dimension, _items = get(session, company_id=company_id, dimension_id=dimension_id)
    dimension.name = name
    dimension.version = clock.now()
    session.flush()
    return dimension


def _check_code_free(session: Session, *, company_id: int, dimension_id: int, code_name: str, item_id: int) -> None:
    clash = session.scalars(
        select(DimensionItem.id).where(
            DimensionItem.company_id == company_id,
            DimensionItem.dimension_id == dimension_id,
            DimensionItem.code_name == code_name,
            DimensionItem.id != item_id,
        )
    ).first()
    if clash is not None:
        raise KirjuriError("DIMENSION_ITEM_CODE_NAME_EXISTS", 400, "codeName")


def create_item(
    session: Session, *, company_id: int, dimension_id: int, code_name: str, description: str | None, active: bool
) -> DimensionItem:
    get(session, company_id=company_id, dimension_id=dimension_id)
    _check_code_free(session, company_id=company_id, dimension_id=dimension_id, code_name=code_name, item_id=0)
    item = DimensionItem(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name="dimension_item"),
        dimension_id=dimension_id,
        code_name=code_name,
        description=description,
        active=active,
    )
    session.add(item)
    session.flush()
    return item


def update_item(
    session: Session,
    *,
    company_id: int,
    dimension_id: int,
    item_id: int,
    code_name: str,
    description: str | None,
    active: bool,
) -> DimensionItem:
    get(session, company_id=company_id, dimension_id=dimension_id)
    item = session.get(DimensionItem, (company_id, item_id))
    if item is None or item.dimension_id != dimension_id:
        raise not_found("id")
    _check_code_free(session, company_id=company_id, dimension_id=dimension_id, code_name=code_name, item_id=item_id)
    item.code_name, item.description, item.active = code_name, description, active
    item.version = clock.now()
    session.flush()
    return item


def active_items(session: Session, *, company_id: int, dimension_ids: Iterable[int]) -> dict[int, set[int]]:
    """{dimension id: ids of its active items} for the dimensions asked about."""
    wanted = set(dimension_ids)
    found: dict[int, set[int]] = {}
    if not wanted:
        return found
    rows = session.execute(
        select(DimensionItem.dimension_id, DimensionItem.id).where(
            DimensionItem.company_id == company_id,
            DimensionItem.dimension_id.in_(wanted),
            DimensionItem.active.is_(True),
        )
    )
    for dimension_id, item_id in rows:
        found.setdefault(dimension_id, set()).add(item_id)
    return found
