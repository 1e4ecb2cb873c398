"""The company-scoped searches of ledger receipts: `GET /ledgerreceipts` (filters, both paging
styles, every ordering) and `GET /journals`.

Invariants:
- every query filters on the principal's `company_id` first: another company's receipts are
  never counted, never returned, and never serve as a `previousId` anchor;
- an order is total: the sort keys always end with the receipt id, so no two rows tie, pages
  never overlap and keyset paging by `previousId` neither skips nor repeats a row;
- `totalCount` counts every match of the filters, independent of the page and the keyset position
  (as `db.paging`);
- a filter value outside its enum is refused with 400 INVALID_ENUM_VALUE at the parameter's name.

Ordering. `orderById`, `orderByDate` (receipt date), `orderByCreated` and `orderByVersion` each
take ASC or DESC. Without any of them the order is id DESC. When several are given they all
apply, in this fixed precedence — date first, then created, then version, then id — so the
first given of date/created/version wins and the others break its ties; the id always breaks
the last tie, in the direction of `orderById` when given, else in the direction of the first key.

Keyset paging. With `previousId` the page continues strictly after that receipt in the chosen
order (for the id order alone: ids below it for DESC, above it for ASC, whether or not it
exists); when the order has other keys the receipt must exist in the company (404 `previousId`
otherwise), because its keys are the position. `page` then counts pages from that position.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.core.paging import Order, PageMeta, PageRequest
from kirjuri.ledger import rules
from kirjuri.ledger.models import LedgerReceipt


def parse_list(values: Iterable[str] | None, allowed: Sequence[str], field: str) -> tuple[str, ...]:
    """Repeated and/or comma-separated enum values (`types=A,B&types=C`), each one checked."""
    found: list[str] = []
    for raw in values or ():
        for part in raw.split(","):
            value = part.strip()
            if not value:
                continue
            if value not in allowed:
                raise KirjuriError("INVALID_ENUM_VALUE", 400, field)
            if value not in found:
                found.append(value)
    return tuple(found)


def utc(value: datetime | None, field: str) -> datetime | None:
    """A query date-time without a zone is UTC (the zone `version` is written in); one whose UTC
    instant falls outside the calendar (`0001-01-01T00:00+14:00`) is refused at its field."""
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:
        raise KirjuriError("INVALID_DATETIME", 400, field) from exc


@dataclass(frozen=True, slots=True)
class ReceiptFilter:
    """Inclusive ranges; an empty tuple of types or statuses means any."""

    start_date: date | None = None
    end_date: date | None = None
    created_start: datetime | None = None
    created_end: datetime | None = None
    version_start: datetime | None = None
    version_end: datetime | None = None
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    # Set for users limited to their own journal receipts (`personalJournalReceiptsOnly`).
    created_by: int | None = None


@dataclass(frozen=True, slots=True)
class ReceiptOrder:
    """The order parameters as given (None: not given)."""

    by_id: Order | None = None
    by_date: Order | None = None
    by_created: Order | None = None
    by_version: Order | None = None

    def keys(self) -> list[tuple[InstrumentedAttribute[Any], Order]]:
        """The sort keys in precedence order, always ending with the id (see the module docstring)."""
        keys: list[tuple[InstrumentedAttribute[Any], Order]] = [
            (column, direction)
            for column, direction in (
                (LedgerReceipt.receipt_date, self.by_date),
                (LedgerReceipt.created_at, self.by_created),
                (LedgerReceipt.version, self.by_version),
            )
            if direction is not None
        ]
        id_direction = self.by_id or (keys[0][1] if keys else Order.DESC)
        keys.append((LedgerReceipt.id, id_direction))
        return keys


def _where(stmt: Select[Any], company_id: int, f: ReceiptFilter) -> Select[Any]:
    stmt = stmt.where(LedgerReceipt.company_id == company_id)
    bounds: list[tuple[InstrumentedAttribute[Any], Any, Any]] = [
        (LedgerReceipt.receipt_date, f.start_date, f.end_date),
        (LedgerReceipt.created_at, utc(f.created_start, "createdStartDate"), utc(f.created_end, "createdEndDate")),
        (LedgerReceipt.version, utc(f.version_start, "versionStartDate"), utc(f.version_end, "versionEndDate")),
    ]
    for column, low, high in bounds:
        if low is not None:
            stmt = stmt.where(column >= low)
        if high is not None:
            stmt = stmt.where(column <= high)
    if f.types:
        stmt = stmt.where(LedgerReceipt.type.in_(f.types))
    if f.statuses:
        stmt = stmt.where(LedgerReceipt.status.in_(f.statuses))
    if f.created_by is not None:
        stmt = stmt.where(LedgerReceipt.created_by == f.created_by)
    return stmt


def _after(anchor: LedgerReceipt, keys: Sequence[tuple[InstrumentedAttribute[Any], Order]]) -> ColumnElement[bool]:
    """Rows strictly after `anchor` in the order `keys`: the lexicographic comparison spelled out
    (k1 after) OR (k1 equal AND k2 after) OR …, which works for mixed directions on both engines."""
    clauses: list[ColumnElement[bool]] = []
    equal: list[ColumnElement[bool]] = []
    for column, direction in keys:
        value = getattr(anchor, column.key)
        beyond = column < value if direction is Order.DESC else column > value
        clauses.append(and_(*equal, beyond))
        equal.append(column == value)
    return or_(false(), *clauses)


def search_receipts(
    session: Session, *, company_id: int, filters: ReceiptFilter, order: ReceiptOrder, page: PageRequest
) -> tuple[list[LedgerReceipt], PageMeta]:
    """One page of the company's receipts matching `filters`, in `order`."""
    stmt = _where(select(LedgerReceipt), company_id, filters)
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    keys = order.keys()
    if page.previous_id:
        if len(keys) == 1:
            stmt = stmt.where(
                LedgerReceipt.id < page.previous_id if keys[0][1] is Order.DESC else LedgerReceipt.id > page.previous_id
            )
        else:
            anchor = session.scalars(
                select(LedgerReceipt).where(
                    LedgerReceipt.company_id == company_id, LedgerReceipt.id == page.previous_id
                )
            ).first()
            if anchor is None:
                raise not_found("previousId")
            stmt = stmt.where(_after(anchor, keys))
    stmt = stmt.order_by(*(column.desc() if d is Order.DESC else column.asc() for column, d in keys))
    rows = list(session.scalars(stmt.limit(page.size).offset(page.offset)))
    meta = PageMeta(page_number=page.page, page_size=page.size, result_count=len(rows), total_count=total)
    return rows, meta


def search_journals(session: Session, *, company_id: int, filters: ReceiptFilter) -> list[LedgerReceipt]:
    """Every JOURNAL receipt matching `filters` (the contract declares no paging), by id ascending."""
    only_journals = replace(filters, types=(rules.JOURNAL,))
    stmt = _where(select(LedgerReceipt), company_id, only_journals).order_by(LedgerReceipt.id)
    return list(session.scalars(stmt))
