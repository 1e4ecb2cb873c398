"""Company-scoped reads of invoices: one, a batch, their rows, and the search of `GET /invoices`.

Invariants: every query is limited to one company and, where the caller names them, to the
types the caller may read — an invoice of another company or of an unreadable type does not
exist (None / 404) and never serves as a paging anchor. Orders are total (they end on the id),
so keyset paging neither skips nor repeats an invoice. Reads never write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.core.ids import INT32_MAX
from kirjuri.core.paging import Order, PageMeta, PageRequest
from kirjuri.invoicing.models import Invoice, InvoiceChecker, InvoiceRow, InvoiceVatLine
from kirjuri.partners import repository as partners
from kirjuri.partners.models import BusinessPartner
from kirjuri.products import repository as products


def _valid_id(value: int) -> bool:
    return 0 < value <= INT32_MAX


@dataclass(frozen=True, slots=True)
class Personal:
    """A caller limited to their own invoices of some types (the `personal…Only` rights flags,
    `invoicing.access.personal`): of `types` they see only what they created (`creator_id`) and,
    of `person_types`, also those whose person (`partner_id`) is theirs (`person_id`)."""

    user_id: int
    types: frozenset[str]
    person_types: frozenset[str] = frozenset()
    person_id: int | None = None

    def sees(self, invoice: Invoice) -> bool:
        if invoice.type not in self.types or invoice.creator_id == self.user_id:
            return True
        return self.person_id is not None and invoice.type in self.person_types and invoice.partner_id == self.person_id

    def clause(self) -> ColumnElement[bool]:
        """`sees` as SQL."""
        own: list[ColumnElement[bool]] = [Invoice.type.not_in(sorted(self.types)), Invoice.creator_id == self.user_id]
        if self.person_id is not None and self.person_types:
            own.append(and_(Invoice.type.in_(sorted(self.person_types)), Invoice.partner_id == self.person_id))
        return or_(*own)

    def hidden(self, company_id: int) -> Select[int]:
        """The ids of the company's invoices this caller does not see (`sees` false)."""
        seen = select(Invoice.id).where(Invoice.company_id == company_id, self.clause())
        return select(Invoice.id).where(
            Invoice.company_id == company_id, Invoice.type.in_(sorted(self.types)), Invoice.id.not_in(seen)
        )


def find(
    session: Session,
    *,
    company_id: int,
    invoice_id: int,
    types: Collection[str] | None = None,
    lock: bool = False,
    personal: Personal | None = None,
) -> Invoice | None:
    """The invoice with this id, if it exists (and has one of `types`, and `personal` sees it);
    row-locked with `lock`."""
    if not _valid_id(invoice_id):
        return None
    stmt = select(Invoice).where(Invoice.company_id == company_id, Invoice.id == invoice_id)
    invoice = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if invoice is None or (types is not None and invoice.type not in types):
        return None
    if personal is not None and not personal.sees(invoice):
        return None
    return invoice


def get(
    session: Session,
    *,
    company_id: int,
    invoice_id: int,
    types: Collection[str] | None = None,
    lock: bool = False,
    field: str = "invoiceId",
    personal: Personal | None = None,
) -> Invoice:
    """Like `find`, but a missing invoice is 404 at `field`."""
    invoice = find(session, company_id=company_id, invoice_id=invoice_id, types=types, lock=lock, personal=personal)
    if invoice is None:
        raise not_found(field)
    return invoice


def invoices_by_ids(
    session: Session,
    *,
    company_id: int,
    ids: Collection[int],
    types: Collection[str] | None = None,
    personal: Personal | None = None,
) -> list[Invoice]:
    """The invoices among `ids` (of `types`, that `personal` sees), by id ascending; unknown ids
    are skipped."""
    wanted = sorted({i for i in ids if _valid_id(i)})
    if not wanted:
        return []
    stmt = select(Invoice).where(Invoice.company_id == company_id, Invoice.id.in_(wanted))
    if types is not None:
        stmt = stmt.where(Invoice.type.in_(list(types)))
    if personal is not None:
        stmt = stmt.where(personal.clause())
    return list(session.scalars(stmt.order_by(Invoice.id)))


def rows_of(session: Session, *, company_id: int, invoice_ids: Sequence[int]) -> dict[int, list[InvoiceRow]]:
    """{invoice id: its rows in the order given}, in one query."""
    found: dict[int, list[InvoiceRow]] = defaultdict(list)
    if not invoice_ids:
        return found
    for row in session.scalars(
        select(InvoiceRow)
        .where(InvoiceRow.company_id == company_id, InvoiceRow.invoice_id.in_(list(invoice_ids)))
        .order_by(InvoiceRow.invoice_id, InvoiceRow.line_no)
    ):
        found[row.invoice_id].append(row)
    return found


def vat_lines_of(session: Session, *, company_id: int, invoice_id: int) -> list[InvoiceVatLine]:
    """The invoice's stored VAT breakdown, in its order (empty for an invoice stored without one)."""
    return list(
        session.scalars(
            select(InvoiceVatLine)
            .where(InvoiceVatLine.company_id == company_id, InvoiceVatLine.invoice_id == invoice_id)
            .order_by(InvoiceVatLine.line_no)
        )
    )


def checkers_of(session: Session, *, company_id: int, invoice_ids: Sequence[int]) -> dict[int, list[InvoiceChecker]]:
    """{invoice id: its verifiers and acceptors in circulation order}, in one query."""
    found: dict[int, list[InvoiceChecker]] = defaultdict(list)
    if not invoice_ids:
        return found
    for checker in session.scalars(
        select(InvoiceChecker)
        .where(InvoiceChecker.company_id == company_id, InvoiceChecker.invoice_id.in_(list(invoice_ids)))
        .order_by(InvoiceChecker.invoice_id, InvoiceChecker.role, InvoiceChecker.order_no, InvoiceChecker.user_id)
    ):
        found[checker.invoice_id].append(checker)
    return found


# --- the registers an invoice names -------------------------------------------------------------------


def find_partner(session: Session, *, company_id: int, partner_id: int, kind: str) -> BusinessPartner | None:
    """The partner of register `kind` (CUSTOMER, SUPPLIER or PERSON), if it exists."""
    return partners.find(session, company_id=company_id, partner_id=partner_id, types={kind})


def product_accounts(session: Session, *, company_id: int, ids: Collection[int]) -> dict[int, str | None]:
    """{product id: its default account (None when it has none)} of the products among `ids`."""
    return {p.id: p.default_account for p in products.products_by_ids(session, company_id=company_id, ids=ids)}


# --- search ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InvoiceFilter:
    """`GET /invoices` filters: inclusive ranges; `types` is never empty (the caller resolved the
    readable ones); an empty tuple of statuses, channels or products means any."""

    types: tuple[str, ...]
    statuses: tuple[str, ...] = ()
    start_date: date | None = None
    end_date: date | None = None
    created_start: datetime | None = None
    created_end: datetime | None = None
    version_start: datetime | None = None
    version_end: datetime | None = None
    due_start: date | None = None
    due_end: date | None = None
    partner_id: int | None = None
    factoring_contract_id: int | None = None
    original_invoice_number: str | None = None
    invoice_number: int | None = None
    product_ids: tuple[int, ...] = ()
    search_term: str | None = None
    is_offer: bool = False
    channels: tuple[str, ...] = ()
    personal: Personal | None = None


@dataclass(frozen=True, slots=True)
class InvoiceOrder:
    """The order parameters as given (None: not given). They all apply, by precedence date →
    created → version → id; the id always ends the order (in `orderById`'s direction, else the
    first key's, else DESC)."""

    by_id: Order | None = None
    by_date: Order | None = None
    by_created: Order | None = None
    by_version: Order | None = None

    def keys(self) -> list[tuple[InstrumentedAttribute[Any], Order]]:
        keys: list[tuple[InstrumentedAttribute[Any], Order]] = [
            (column, direction)
            for column, direction in (
                (Invoice.invoice_date, self.by_date),
                (Invoice.created_at, self.by_created),
                (Invoice.version, self.by_version),
            )
            if direction is not None
        ]
        keys.append((Invoice.id, self.by_id or (keys[0][1] if keys else Order.DESC)))
        return keys


def utc(value: datetime | None, field: str) -> datetime | None:
    """A query date-time without a zone is UTC (the zone `version` is written in)."""
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:
        raise KirjuriError("INVALID_DATETIME", 400, field) from exc


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    # lower() on both sides: SQLite's LIKE folds ASCII only; its lower() is Python's (`db.engine`).
    return func.lower(column).like(f"%{_escape(text.lower())}%", escape="\\")


def _where(company_id: int, f: InvoiceFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [
        Invoice.company_id == company_id,
        Invoice.type.in_(f.types),
        Invoice.is_offer.is_(True) if f.is_offer else Invoice.is_offer.is_(False),
    ]
    if f.personal is not None:
        clauses.append(f.personal.clause())
    bounds: list[tuple[InstrumentedAttribute[Any], Any, Any]] = [
        (Invoice.invoice_date, f.start_date, f.end_date),
        (Invoice.due_date, f.due_start, f.due_end),
        (Invoice.created_at, utc(f.created_start, "createdStartDate"), utc(f.created_end, "createdEndDate")),
        (Invoice.version, utc(f.version_start, "versionStartDate"), utc(f.version_end, "versionEndDate")),
    ]
    for column, low, high in bounds:
        if low is not None:
            clauses.append(column >= low)
        if high is not None:
            clauses.append(column <= high)
    if f.statuses:
        clauses.append(Invoice.status.in_(f.statuses))
    if f.channels:
        clauses.append(Invoice.invoice_channel.in_(f.channels))
    # Ids and numbers no row can have match nothing (and never reach an INTEGER compare).
    for column, wanted in (
        (Invoice.partner_id, f.partner_id),
        (Invoice.factoring_contract_id, f.factoring_contract_id),
        (Invoice.invoice_number, f.invoice_number),
    ):
        if wanted is not None:
            clauses.append(column == wanted if _valid_id(wanted) else false())
    if f.original_invoice_number is not None:
        clauses.append(Invoice.original_invoice_number == f.original_invoice_number)
    if f.product_ids:
        clauses.append(
            exists().where(
                InvoiceRow.company_id == Invoice.company_id,
                InvoiceRow.invoice_id == Invoice.id,
                InvoiceRow.product_id.in_([p for p in f.product_ids if 0 < p < 2**63] or [0]),
            )
        )
    if f.search_term:
        term = f.search_term.strip()
        matches = [_contains(Invoice.counterparty_name, term), _contains(Invoice.additional_information, term)]
        if term.isascii() and term.isdigit() and len(term) <= 10 and _valid_id(int(term)):
            matches.append(Invoice.invoice_number == int(term))
        clauses.append(or_(*matches))
    return clauses


def _after(anchor: Invoice, keys: Sequence[tuple[InstrumentedAttribute[Any], Order]]) -> ColumnElement[bool]:
    """Rows strictly after `anchor` in the order `keys`: (k1 after) OR (k1 equal AND k2 after) …,
    spelled out so that mixed directions work on both engines."""
    clauses: list[ColumnElement[bool]] = []
    equal: list[ColumnElement[bool]] = []
    for column, direction in keys:
        value = getattr(anchor, column.key)
        beyond = column < value if direction is Order.DESC else column > value
        clauses.append(and_(*equal, beyond))
        equal.append(column == value)
    return or_(false(), *clauses)


def search(
    session: Session, *, company_id: int, filters: InvoiceFilter, order: InvoiceOrder, page: PageRequest
) -> tuple[list[Invoice], PageMeta]:
    """One page of the company's invoices matching `filters`, in `order`. `previousId` continues
    after that invoice in the order; with an order on more than the id it must name an invoice the
    caller can read (404 at `previousId` otherwise): its position is its values."""
    clauses = _where(company_id, filters)
    total = session.execute(select(func.count()).select_from(Invoice).where(*clauses)).scalar_one()
    stmt = select(Invoice).where(*clauses)
    keys = order.keys()
    if page.previous_id:
        if len(keys) == 1:
            descending = keys[0][1] is Order.DESC
            stmt = stmt.where(Invoice.id < page.previous_id if descending else Invoice.id > page.previous_id)
        else:
            anchor = find(
                session,
                company_id=company_id,
                invoice_id=page.previous_id,
                types=filters.types,
                personal=filters.personal,
            )
            if anchor is None:
                raise not_found("previousId")
            stmt = stmt.where(_after(anchor, keys))
    stmt = stmt.order_by(*(column.desc() if d is Order.DESC else column.asc() for column, d in keys))
    rows = list(session.scalars(stmt.limit(page.size).offset(page.offset)))
    return rows, PageMeta(page_number=page.page, page_size=page.size, result_count=len(rows), total_count=total)
