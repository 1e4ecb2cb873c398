"""Company-scoped reads of attachment metadata: one attachment, an owner's files, the search.

Invariants: every query is limited to one company (another company's attachment does not exist);
other areas list the files of their own objects through `for_owners` (read-only `attachments`
inside a partner, receipt or invoice). The search's order is total — its keys always end with the
id — so pages never overlap and keyset paging by `previousId` neither skips nor repeats a row.

Ordering of the search: `orderById`, `orderByCreatedDate`, `orderByName`, `orderBySize` each take
ASC or DESC; without any the order is id DESC. Several apply in this fixed precedence: created,
name, size, then id — the id breaks the last tie, in the direction of `orderById` when given,
else in that of the first key. With `previousId` and an order by more than the id, that
attachment must exist in the company (404 `previousId`), because its keys are the position.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from kirjuri.attachments.models import Attachment
from kirjuri.core.errors import not_found
from kirjuri.core.ids import INT32_MAX
from kirjuri.core.paging import Order, PageMeta, PageRequest


def for_owners(session: Session, *, company_id: int, owners: Iterable[tuple[str, int]]) -> list[Attachment]:
    """The attachments of the given (referenceType, referenceId) owners, by id."""
    wanted = list(dict.fromkeys(owners))
    if not wanted:
        return []
    return list(
        session.scalars(
            select(Attachment)
            .where(
                Attachment.company_id == company_id,
                tuple_(Attachment.reference_type, Attachment.reference_id).in_(wanted),
            )
            .order_by(Attachment.id)
        )
    )


def find(session: Session, *, company_id: int, attachment_id: int, lock: bool = False) -> Attachment | None:
    if not 0 < attachment_id <= INT32_MAX:
        return None
    stmt = select(Attachment).where(Attachment.company_id == company_id, Attachment.id == attachment_id)
    return session.scalars(stmt.with_for_update() if lock else stmt).first()


def get(session: Session, *, company_id: int, attachment_id: int, lock: bool = False) -> Attachment:
    """Like `find`, but a missing attachment is 404 at `attachmentId`."""
    found = find(session, company_id=company_id, attachment_id=attachment_id, lock=lock)
    if found is None:
        raise not_found("attachmentId")
    return found


# --- search ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filter:
    """Inclusive bounds; only rows of `document_types` are listed (the service sets them from the
    caller's rights)."""

    document_types: Collection[str] = ()
    created_from: datetime | None = None
    created_before: datetime | None = None  # exclusive: the start of the day after the end date
    min_size: int | None = None
    max_size: int | None = None
    name: str | None = None
    reference_id: int | None = None
    username: str | None = None


@dataclass(frozen=True, slots=True)
class SearchOrder:
    by_id: Order | None = None
    by_created: Order | None = None
    by_name: Order | None = None
    by_size: Order | None = None

    def keys(self) -> list[tuple[InstrumentedAttribute[Any], Order]]:
        keys: list[tuple[InstrumentedAttribute[Any], Order]] = [
            (column, direction)
            for column, direction in (
                (Attachment.created_at, self.by_created),
                (Attachment.name, self.by_name),
                (Attachment.size, self.by_size),
            )
            if direction is not None
        ]
        keys.append((Attachment.id, self.by_id or (keys[0][1] if keys else Order.DESC)))
        return keys


def _where(stmt: Select[Any], company_id: int, f: Filter) -> Select[Any]:
    stmt = stmt.where(Attachment.company_id == company_id, Attachment.document_type.in_(list(f.document_types)))
    if f.created_from is not None:
        stmt = stmt.where(Attachment.created_at >= f.created_from)
    if f.created_before is not None:
        stmt = stmt.where(Attachment.created_at < f.created_before)
    if f.min_size is not None:
        stmt = stmt.where(Attachment.size >= f.min_size)
    if f.max_size is not None:
        stmt = stmt.where(Attachment.size <= f.max_size)
    if f.name:
        stmt = stmt.where(func.lower(Attachment.name).contains(f.name.lower(), autoescape=True))
    if f.reference_id is not None:
        stmt = stmt.where(Attachment.reference_id == f.reference_id)
    if f.username is not None:
        stmt = stmt.where(Attachment.created_by == f.username)
    return stmt


def _after(anchor: Attachment, keys: Sequence[tuple[InstrumentedAttribute[Any], Order]]) -> ColumnElement[bool]:
    """Rows strictly after `anchor` in the order `keys` (lexicographic, mixed directions)."""
    clauses: list[ColumnElement[bool]] = []
    equal: list[ColumnElement[bool]] = []
    for column, direction in keys:
        value = getattr(anchor, column.key)
        clauses.append(and_(*equal, column < value if direction is Order.DESC else column > value))
        equal.append(column == value)
    return or_(false(), *clauses)


def search(
    session: Session,
    *,
    company_id: int,
    filters: Filter,
    order: SearchOrder,
    page: PageRequest,
    exclude: ColumnElement[bool] | None = None,
) -> tuple[list[Attachment], PageMeta]:
    """A page of the company's attachments that `filters` select and `exclude` does not."""
    stmt = _where(select(Attachment), company_id, filters)
    if exclude is not None:
        stmt = stmt.where(~exclude)
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    keys = order.keys()
    if page.previous_id:
        if len(keys) == 1:
            previous = page.previous_id
            stmt = stmt.where(Attachment.id < previous if keys[0][1] is Order.DESC else Attachment.id > previous)
        else:
            anchor = find(session, company_id=company_id, attachment_id=page.previous_id)
            if anchor is None:
                raise not_found("previousId")
            stmt = stmt.where(_after(anchor, keys))
    stmt = stmt.order_by(*(column.desc() if d is Order.DESC else column.asc() for column, d in keys))
    rows = list(session.scalars(stmt.limit(page.size).offset(page.offset)))
    return rows, PageMeta(page_number=page.page, page_size=page.size, result_count=len(rows), total_count=total)
