"""The bulk posting path: many ledger receipts written in one go — loading history migrated from
another system, and the report benchmark.

What a bulk receipt is. A `BulkReceipt` is a name, a date, a status and its postings as
`(account, cents)` pairs, debit + and credit −. It carries **no VAT**: every row is written as a
plain ENTRY with VAT percent 0 and no VAT status, and the server adds no VAT rows
(`ledger.vatrows` is not applied). History that had VAT must bring its VAT postings as ordinary
rows on the VAT accounts; they then count in the balances like any other posting, but not in the
VAT return's per-status boxes (which need a VAT status per row — post those receipts through
`service.create_receipt`).

Invariants — the same as the service's, checked before anything is written:
- every receipt's rows sum to exactly zero cents (`RECEIPT_NOT_BALANCED`), it has 1 to
  `rules.MAX_TRANSACTIONS` rows, every account exists in the company's chart and is active;
- every receipt date lies in an OPEN period of an OPEN fiscal year (`CLOSED_FISCAL_PERIOD`); the
  periods are read once, share-locked on PostgreSQL like `fiscal.writable_period` does, so none can
  be locked or closed before the caller commits;
- one bad receipt refuses the whole batch: `KirjuriError` with the receipt's index in every field
  path (`receipts[12].transactions`), raised before the first row is written;
- ids come from the same per-company counters as the service's, taken in blocks
  (`db.counters.next_value(count=n)`) in the service's order (receipt numbers, receipt ids,
  invoice ids, transaction ids); receipt numbers are gap-free per fiscal year and continue the
  service's numbering, given in input order within each year;
- `ledger_balances` receives the aggregated contribution of the whole batch once, at the end,
  through `ledger.balances.upsert` — equal to the sum of the counted postings, as always.

Writing: PostgreSQL gets `COPY … FROM STDIN` on the session's own connection (psycopg 3), SQLite an
executemany `INSERT`; either way in the caller's transaction — this module flushes, never commits.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.db.counters import next_value, take_gap_free
from kirjuri.ledger import balances, fiscal, rules, vatrows
from kirjuri.ledger.models import FiscalYear, LedgerAccount, LedgerReceipt, LedgerTransaction, TrackingPeriod
from kirjuri.ledger.service import receipt_counter

# Receipt types and statuses a bulk load may write. Invoice receipts belong to invoices; they are
# not loaded this way.
BULK_TYPES = (rules.JOURNAL, rules.OPENING_RECEIPT)
BULK_STATUSES = (rules.UNFINISHED, rules.APPROVED, rules.INVALIDATED)
# Without VAT the receipt's VAT type is only a label; the year-end's opening receipt uses the same.
VAT_TYPE = "PURCHASE"
MAX_NAME = 80
# |cents| per row: far above any real posting, far below what the BIGINT balances could overflow on.
MAX_CENTS = 10**15 - 1
# Stop collecting after this many errors: a batch with thousands of bad receipts needs one answer.
MAX_ERRORS = 100
SQLITE_CHUNK = 5_000

RECEIPT_COLUMNS = (
    "company_id",
    "id",
    "type",
    "status",
    "name",
    "receipt_date",
    "fiscal_year_id",
    "period_id",
    "receipt_number",
    "vat_type",
    "invoice_id",
    "invoice_number",
    "created_by",
    "created_at",
    "version",
)
POSTING_COLUMNS = (
    "company_id",
    "id",
    "receipt_id",
    "line_no",
    "kind",
    "account",
    "amount_minor",
    "entry_date",
    "period_id",
    "vat_percent",
)
ZERO_PERCENT = Decimal("0.00")


@dataclass(frozen=True, slots=True, kw_only=True)
class BulkReceipt:
    """One receipt to load: `rows` are `(account code, cents)`, debit +, credit −, no VAT."""

    type: str = rules.JOURNAL
    name: str
    receipt_date: date
    status: str = rules.APPROVED
    rows: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class BulkResult:
    receipts: int
    postings: int
    # The receipts got the ids `receipt_ids` in input order.
    receipt_ids: range
    # Per fiscal year id, the receipt numbers given (gap-free, in input order within the year).
    numbers: dict[int, range]


@dataclass(frozen=True, slots=True)
class _Period:
    id: int
    fiscal_year_id: int
    start: date
    end: date
    writable: bool


class _Calendar:
    """The company's tracking periods, read once; `find(day)` answers from memory."""

    def __init__(self, periods: Sequence[_Period]) -> None:
        self._periods = sorted(periods, key=lambda p: p.start)
        self._starts = [p.start for p in self._periods]
        self._cache: dict[date, _Period | None] = {}

    def find(self, day: date) -> _Period | None:
        try:
            return self._cache[day]
        except KeyError:
            pass
        found: _Period | None = None
        at = bisect.bisect_right(self._starts, day) - 1
        if at >= 0 and self._periods[at].end >= day:
            found = self._periods[at]
        self._cache[day] = found
        return found


def _calendar(session: Session, *, company_id: int) -> _Calendar:
    rows = session.execute(
        select(TrackingPeriod, FiscalYear.status)
        .join(
            FiscalYear,
            (FiscalYear.company_id == TrackingPeriod.company_id) & (FiscalYear.id == TrackingPeriod.fiscal_year_id),
        )
        .where(TrackingPeriod.company_id == company_id)
        # Shared row locks, as `fiscal.writable_period` takes: a period cannot be locked or its
        # year closed between this check and the caller's commit.
        .with_for_update(read=True, of=TrackingPeriod)
    ).all()
    return _Calendar(
        [
            _Period(
                id=period.id,
                fiscal_year_id=period.fiscal_year_id,
                start=period.start_date,
                end=period.end_date,
                writable=period.status == fiscal.OPEN and year_status == fiscal.OPEN,
            )
            for period, year_status in rows
        ]
    )


def _active_accounts(session: Session, *, company_id: int) -> frozenset[str]:
    return frozenset(
        session.scalars(
            select(LedgerAccount.code).where(LedgerAccount.company_id == company_id, LedgerAccount.active.is_(True))
        )
    )


def _check(
    index: int, receipt: BulkReceipt, calendar: _Calendar, active: frozenset[str]
) -> tuple[list[ErrorItem], _Period | None]:
    """The errors of one receipt (field paths under `receipts[index]`) and its period."""
    here = f"receipts[{index}]"
    errors: list[ErrorItem] = []
    if receipt.type not in BULK_TYPES:
        errors.append(ErrorItem(400, "INVALID_RECEIPT_TYPE", f"{here}.type"))
    if receipt.status not in BULK_STATUSES:
        errors.append(ErrorItem(400, "INVALID_ENUM_VALUE", f"{here}.status"))
    if not isinstance(receipt.name, str) or not receipt.name:
        errors.append(ErrorItem(400, "TOO_SHORT", f"{here}.name"))
    elif len(receipt.name) > MAX_NAME:
        errors.append(ErrorItem(400, "TOO_LONG", f"{here}.name"))
    period: _Period | None = None
    if not isinstance(receipt.receipt_date, date) or isinstance(receipt.receipt_date, datetime):
        errors.append(ErrorItem(400, "INVALID_DATE", f"{here}.receiptDate"))
    else:
        period = calendar.find(receipt.receipt_date)
        if period is None or not period.writable:
            errors.append(ErrorItem(400, fiscal.CLOSED_FISCAL_PERIOD, f"{here}.receiptDate"))
    rows = receipt.rows
    if not rows:
        errors.append(ErrorItem(400, "TRANSACTIONS_REQUIRED", f"{here}.{rules.BALANCE_FIELD}"))
        return errors, period
    if len(rows) > rules.MAX_TRANSACTIONS:
        errors.append(ErrorItem(400, "TOO_MANY_TRANSACTIONS", f"{here}.{rules.BALANCE_FIELD}"))
        return errors, period
    amounts_ok = True
    for j, (account, cents) in enumerate(rows):
        if account not in active:
            # The service's code for an unknown or inactive account.
            errors.append(
                ErrorItem(
                    400, "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION", f"{here}.{rules.entry_path(j, 'account')}"
                )
            )
        # bool is an int in Python, and never an amount.
        if type(cents) is not int or not -MAX_CENTS <= cents <= MAX_CENTS:
            errors.append(ErrorItem(400, "OUT_OF_RANGE", f"{here}.{rules.entry_path(j, 'accountingValue')}"))
            amounts_ok = False
    # The service's rule: the rows sum to exactly zero cents (no VAT rows are added here).
    if amounts_ok and sum(cents for _account, cents in rows) != 0:
        errors.append(ErrorItem(400, "RECEIPT_NOT_BALANCED", f"{here}.{rules.BALANCE_FIELD}"))
    return errors, period


def _validate(batch: Sequence[BulkReceipt], calendar: _Calendar, active: frozenset[str]) -> list[_Period]:
    """The period of every receipt; raises with every error found (up to MAX_ERRORS) if any."""
    periods: list[_Period] = []
    errors: list[ErrorItem] = []
    for index, receipt in enumerate(batch):
        found, period = _check(index, receipt, calendar, active)
        if found:
            errors.extend(found)
            if len(errors) >= MAX_ERRORS:
                break
        elif period is not None:
            periods.append(period)
    if errors:
        raise KirjuriError.many(errors[:MAX_ERRORS])
    return periods


def bulk_post(
    session: Session, *, company_id: int, receipts: Iterable[BulkReceipt], user_id: int | None = None
) -> BulkResult:
    """Validate every receipt, then write them all with their postings and balances (flush only)."""
    batch = list(receipts)
    if not batch:
        return BulkResult(receipts=0, postings=0, receipt_ids=range(0), numbers={})
    calendar = _calendar(session, company_id=company_id)
    periods = _validate(batch, calendar, _active_accounts(session, company_id=company_id))

    # The years' receipt numbers in the one lock order of `db.counters` (a bulk load and a request
    # never wait on each other's counter rows in opposite orders); plain ids take no lock.
    per_year: dict[int, int] = defaultdict(int)
    for period in periods:
        per_year[period.fiscal_year_id] += 1
    taken = take_gap_free(
        session, company_id=company_id, counts={receipt_counter(year): n for year, n in per_year.items()}
    )
    next_number = {year: taken[receipt_counter(year)] for year in per_year}
    numbers = {year: range(first, first + per_year[year]) for year, first in next_number.items()}
    count = len(batch)
    postings = sum(len(r.rows) for r in batch)
    first_receipt = next_value(session, company_id=company_id, name="ledger_receipt", count=count)
    first_invoice = next_value(session, company_id=company_id, name="invoice", count=count)
    first_posting = next_value(session, company_id=company_id, name="ledger_transaction", count=postings)

    now = clock.now()
    receipt_rows: list[tuple[Any, ...]] = []
    for i, (receipt, period) in enumerate(zip(batch, periods, strict=True)):
        number = next_number[period.fiscal_year_id]
        next_number[period.fiscal_year_id] = number + 1
        receipt_rows.append(
            (company_id, first_receipt + i, receipt.type, receipt.status, receipt.name, receipt.receipt_date,
             period.fiscal_year_id, period.id, number, VAT_TYPE, first_invoice + i, number, user_id, now, now)
        )  # fmt: skip

    def posting_rows() -> Iterator[tuple[Any, ...]]:
        posting_id = first_posting
        for i, (receipt, period) in enumerate(zip(batch, periods, strict=True)):
            receipt_id = first_receipt + i
            day = receipt.receipt_date
            for line_no, (account, cents) in enumerate(receipt.rows):
                yield (company_id, posting_id, receipt_id, line_no, rules.ENTRY, account, cents, day, period.id,
                       ZERO_PERCENT)  # fmt: skip
                posting_id += 1

    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        _copy(session, LedgerReceipt.__tablename__, RECEIPT_COLUMNS, receipt_rows)
        _copy(session, LedgerTransaction.__tablename__, POSTING_COLUMNS, posting_rows())
    else:
        _insert_many(session, LedgerReceipt.__table__, RECEIPT_COLUMNS, receipt_rows)
        _insert_many(session, LedgerTransaction.__table__, POSTING_COLUMNS, posting_rows())

    balances.upsert(session, company_id=company_id, amounts=_contributions(batch, periods))
    session.flush()
    return BulkResult(
        receipts=count,
        postings=postings,
        receipt_ids=range(first_receipt, first_receipt + count),
        numbers=numbers,
    )


def _contributions(batch: Sequence[BulkReceipt], periods: Sequence[_Period]) -> dict[balances.Key, tuple[int, int]]:
    """(debit, credit) cents per balance key of the whole batch — the totals rows only (no
    dimensions), VAT key "none" (status 0, no side, 0 %, base row), counted statuses only."""
    sums: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for receipt, period in zip(batch, periods, strict=True):
        if not rules.counts(receipt.status):
            continue
        for account, cents in receipt.rows:
            sums[(period.id, account, receipt.status)][0 if cents >= 0 else 1] += abs(cents)
    no_vat = (0, "", ZERO_PERCENT, vatrows.vat_kind(None))
    return {
        (period_id, account, status, *no_vat, 0, 0): (d, c) for (period_id, account, status), (d, c) in sums.items()
    }


def _copy(session: Session, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """`COPY table (columns) FROM STDIN` on the session's connection, inside its transaction."""
    from psycopg import sql  # PostgreSQL only: SQLite installs need not import the driver.

    raw: Any = session.connection().connection.driver_connection
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _insert_many(session: Session, table: Any, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Executemany `INSERT` in chunks (SQLite); the column types (UTC datetimes) bind as usual."""
    statement = insert(table)
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(dict(zip(columns, row, strict=True)))
        if len(chunk) >= SQLITE_CHUNK:
            session.execute(statement, chunk)
            chunk = []
    if chunk:
        session.execute(statement, chunk)
