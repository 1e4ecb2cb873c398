"""Company-scoped reads of the product registers.

Invariants: every query is limited to one company; a product or group of another company, or of
a type the caller did not ask for, does not exist (None / 404) and never serves as a paging anchor.
Orders are total (they end on the id), so keyset paging neither skips nor repeats a product.

Partners' default products are read by partner id only: the partners area (above this one)
resolves the partner, its type and the caller's rights before it asks.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.core.ids import INT32_MAX
from kirjuri.core.paging import Order, PageMeta, PageRequest
from kirjuri.products.models import DefaultProduct, Product, ProductGroup


def find(
    session: Session,
    *,
    company_id: int,
    product_id: int,
    types: Collection[str] | None = None,
    for_update: bool = False,
) -> Product | None:
    """The product with this id, if it exists and has one of `types` (row-locked with `for_update`,
    so that a version check and the write that follows it are one step)."""
    if not 0 < product_id < 2**63:
        return None
    product = session.get(Product, (company_id, product_id), with_for_update=for_update)
    if product is None or (types is not None and product.type not in types):
        return None
    return product


def get(
    session: Session,
    *,
    company_id: int,
    product_id: int,
    types: Collection[str] | None = None,
    field: str = "productId",
    for_update: bool = False,
) -> Product:
    """Like `find`, but a missing product is 404 at `field`."""
    product = find(session, company_id=company_id, product_id=product_id, types=types, for_update=for_update)
    if product is None:
        raise not_found(field)
    return product


def products_by_ids(
    session: Session, *, company_id: int, ids: Collection[int], types: Collection[str] | None = None
) -> list[Product]:
    """The products among `ids` (of `types`), by id ascending; unknown ids are skipped."""
    wanted = {i for i in ids if 0 < i < 2**63}
    if not wanted:
        return []
    stmt = select(Product).where(Product.company_id == company_id, Product.id.in_(wanted))
    if types is not None:
        stmt = stmt.where(Product.type.in_(list(types)))
    return list(session.scalars(stmt.order_by(Product.id)))


# --- search ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductFilter:
    """`GET /products` filters; `types` is never empty (the caller resolved the default)."""

    types: tuple[str, ...]
    name: str | None = None
    groups: tuple[int, ...] = ()
    code: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    active: bool | None = None
    version_start: datetime | None = None
    version_end: datetime | None = None


@dataclass(frozen=True, slots=True)
class ProductOrder:
    by_id: Order | None = None
    by_version: Order | None = None

    def keys(self) -> list[tuple[InstrumentedAttribute[Any], Order]]:
        """Version first when asked for; the id always ends the order (in `orderById`'s direction
        when given, else in the first key's, else DESC)."""
        keys: list[tuple[InstrumentedAttribute[Any], Order]] = []
        if self.by_version is not None:
            keys.append((Product.version, self.by_version))
        keys.append((Product.id, self.by_id or (self.by_version or Order.DESC)))
        return keys


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def utc(value: datetime | None, field: str) -> datetime | None:
    """A query date-time without a zone is UTC (the zone `version` is written in)."""
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:
        raise KirjuriError("INVALID_DATETIME", 400, field) from exc


def _where(company_id: int, f: ProductFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [Product.company_id == company_id, Product.type.in_(f.types)]
    if f.name:
        clauses.append(Product.name.ilike(f"%{_escape(f.name)}%", escape="\\"))
    if f.groups:
        clauses.append(Product.group_id.in_([g for g in f.groups if 0 < g <= INT32_MAX] or [0]))
    if f.code is not None:
        clauses.append(Product.code == f.code)
    # A (travel) product is valid over [start, end], open-ended where a date is missing; it is
    # listed when that validity overlaps the asked period.
    if f.start_date is not None:
        clauses.append(or_(Product.end_date.is_(None), Product.end_date >= f.start_date))
    if f.end_date is not None:
        clauses.append(or_(Product.start_date.is_(None), Product.start_date <= f.end_date))
    if f.active is not None:
        clauses.append(Product.active == f.active)
    version_start = utc(f.version_start, "versionStartDate")
    version_end = utc(f.version_end, "versionEndDate")
    if version_start is not None:
        clauses.append(Product.version >= version_start)
    if version_end is not None:
        clauses.append(Product.version <= version_end)
    return clauses


def _after(anchor: Product, keys: Sequence[tuple[InstrumentedAttribute[Any], Order]]) -> ColumnElement[bool]:
    """Rows strictly after `anchor` in the order `keys`, spelled out for mixed directions."""
    clauses: list[ColumnElement[bool]] = []
    equal: list[ColumnElement[bool]] = []
    for key, direction in keys:
        value = getattr(anchor, key.key)
        beyond = key < value if direction is Order.DESC else key > value
        clauses.append(and_(*equal, beyond))
        equal.append(key == value)
    return or_(false(), *clauses)


def search_products(
    session: Session, *, company_id: int, filters: ProductFilter, order: ProductOrder, page: PageRequest
) -> tuple[list[Product], PageMeta]:
    """One page of the company's products matching `filters`, in `order`. With an order on the
    version, `previousId` must name a product the caller can see (404 otherwise): its version is
    the position."""
    stmt = select(Product).where(*_where(company_id, filters))
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    keys = order.keys()
    if page.previous_id:
        if len(keys) == 1:
            stmt = stmt.where(
                Product.id < page.previous_id if keys[0][1] is Order.DESC else Product.id > page.previous_id
            )
        else:
            anchor = find(session, company_id=company_id, product_id=page.previous_id, types=filters.types)
            if anchor is None:
                raise not_found("previousId")
            stmt = stmt.where(_after(anchor, keys))
    stmt = stmt.order_by(*(key.desc() if d is Order.DESC else key.asc() for key, d in keys))
    rows = list(session.scalars(stmt.limit(page.size).offset(page.offset)))
    return rows, PageMeta(page_number=page.page, page_size=page.size, result_count=len(rows), total_count=total)


def partner_ids_using(session: Session, *, company_id: int, product_id: int) -> list[int]:
    """Partners (customers, suppliers, persons) that have the product among their default products."""
    return list(
        session.scalars(
            select(DefaultProduct.partner_id)
            .where(DefaultProduct.company_id == company_id, DefaultProduct.product_id == product_id)
            .distinct()
            .order_by(DefaultProduct.partner_id)
        )
    )


# --- groups ---------------------------------------------------------------------------------------


def groups(session: Session, *, company_id: int, types: Collection[str]) -> list[ProductGroup]:
    """The company's groups of `types`, by id."""
    if not types:
        return []
    return list(
        session.scalars(
            select(ProductGroup)
            .where(ProductGroup.company_id == company_id, ProductGroup.type.in_(list(types)))
            .order_by(ProductGroup.id)
        )
    )


def find_group(
    session: Session,
    *,
    company_id: int,
    group_id: int,
    types: Collection[str] | None = None,
    for_update: bool = False,
) -> ProductGroup | None:
    if not 0 < group_id <= INT32_MAX:
        return None
    group = session.get(ProductGroup, (company_id, group_id), with_for_update=for_update)
    if group is None or (types is not None and group.type not in types):
        return None
    return group


def get_group(
    session: Session,
    *,
    company_id: int,
    group_id: int,
    types: Collection[str] | None = None,
    field: str = "groupId",
    for_update: bool = False,
) -> ProductGroup:
    group = find_group(session, company_id=company_id, group_id=group_id, types=types, for_update=for_update)
    if group is None:
        raise not_found(field)
    return group


def product_ids_in_group(session: Session, *, company_id: int, group_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Product.id)
            .where(Product.company_id == company_id, Product.group_id == group_id)
            .order_by(Product.id)
        )
    )


# --- partners' default products ---------------------------------------------------------------------


def default_products_of(session: Session, *, company_id: int, partner_id: int) -> list[tuple[DefaultProduct, Product]]:
    """The partner's default products with their products, by id (one query)."""
    rows = session.execute(
        select(DefaultProduct, Product)
        .join(Product, (Product.company_id == DefaultProduct.company_id) & (Product.id == DefaultProduct.product_id))
        .where(DefaultProduct.company_id == company_id, DefaultProduct.partner_id == partner_id)
        .order_by(DefaultProduct.id)
    ).all()
    return [(default, product) for default, product in rows]
