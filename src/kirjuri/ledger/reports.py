"""Reports of the ledger computed from the balances: account totals, the income statement and the
balance sheet (raw totals and the KPA/PMA layouts of `ledger.statements`), an indirect cash-flow
statement, the trial balance and the general ledger.

Where the numbers come from. Every sum is taken from `ledger_balances` — the sums per tracking
period that `ledger.balances` keeps in the same transaction as each posting — with one GROUP BY
over the periods a date range covers whole. Postings are read only at the edges: when a requested
start or end date cuts a tracking period in the middle, the part of that period inside the range is
summed from `ledger_transactions` (joined to `ledger_receipts` for the status, and to the split
rows under a dimension filter) for just those days, through the (company_id, entry_date) index.
So a report costs the same with a thousand postings or a million. Two things always read
postings, because the balances do not keep them: the general ledger (its lines are the postings;
its opening comes from the balances) and the contract's `receiptType` filter
(`ReportFilter.receipt_types`), for which every sum is a scan of the postings of those types.

What counts. A posting counts when its receipt's status is not in `rules.NOT_COUNTED`; a
`ReportFilter.statuses` narrows that further. Debit is the sum of the positive amounts, credit the
magnitude of the negative ones — per posting, or per split row under a dimension filter, when only
the part of each posting split onto the item (or onto any item of the dimension when `item_id` is
None) is seen. Under a dimension filter totals need not balance: an item carries only what was
split onto it.

The carry rule (`ledger/closing.py`). Until a year is closed its balances are carried into later
years by the reports themselves. The balance sheet at D is: the balance-sheet postings from the
start of D's fiscal year to D; plus, for every earlier year not yet closed, its balance-sheet
balances and its result (the sum of its income-statement postings) on the RETAINED_EARNINGS
account; plus the result of D's year up to D on the RESULT account — so the totals sum to zero.
A closed year needs nothing: its closing posted the opening receipt of the next year. A date in no
fiscal year has no balance sheet (and no opening balances). The trial balance opens with the same
rule on the morning of its start date (without moving the current year's result: the
income-statement accounts open with their sums since the start of that fiscal year), so without a
dimension filter its opening and closing columns each sum to zero. A range that crosses into a later fiscal year simply
contains that year's postings, the opening receipt included.

Signs: every total here is a ledger sum in cents, debit +, credit −. Statement lines show values
the way `ledger.statements` documents (revenue and both sides of the balance sheet positive).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Integer, and_, case, cast, func, literal_column, null, or_, select, union_all
from sqlalchemy.orm import Session

from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.ledger import chart, fiscal, rules
from kirjuri.ledger.models import (
    FiscalYear,
    LedgerAccount,
    LedgerBalance,
    LedgerReceipt,
    LedgerTransaction,
    TrackingPeriod,
    TransactionDimension,
)

ONE_DAY = timedelta(days=1)
LANGUAGES = ("FINNISH", "SWEDISH", "ENGLISH")


@dataclass(frozen=True, slots=True)
class ReportFilter:
    statuses: frozenset[str] | None = None  # receipt statuses to include; None = every counted status
    dimension_id: int | None = None  # with item_id: only the part of postings split onto that item
    item_id: int | None = None  # None with a dimension: the part split onto any item of it
    # The contract's `options.receiptType`: the balances do not keep receipt types, so these
    # sums are scans of the postings (documented in the module docstring).
    receipt_types: frozenset[str] | None = None


NO_FILTER = ReportFilter()


# --- the company's calendar and chart, read once per report -------------------------------------------


@dataclass(frozen=True, slots=True)
class Year:
    id: int
    start: date
    end: date
    closed: bool


@dataclass(frozen=True, slots=True)
class Period:
    id: int
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Account:
    code: str
    account_type: str
    name: str
    name_sv: str | None
    name_en: str | None
    line: str
    vat_allowed: bool
    role: str | None

    def name_in(self, language: str) -> str:
        other = {"SWEDISH": self.name_sv, "ENGLISH": self.name_en}.get(language)
        return other or self.name

    @property
    def balance_sheet(self) -> bool:
        return self.account_type in chart.BALANCE_SHEET_TYPES


@dataclass(slots=True)
class Books:
    """The fiscal years and tracking periods of one company (one query), and its accounts — read
    together with the first balance sums a report needs (`Sums`), or on their own (`load_accounts`)."""

    years: list[Year]  # by start date
    periods: list[Period]  # by start date
    accounts: dict[str, Account] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)  # role → account code
    accounts_loaded: bool = False
    _period_starts: list[date] = field(default_factory=list)

    def year_of(self, day: date) -> Year | None:
        return next((y for y in self.years if y.start <= day <= y.end), None)

    def role(self, role: chart.Role) -> str:
        code = self.roles.get(role.value)
        if code is None:
            raise KirjuriError("ACCOUNT_FOR_ROLE_MISSING", 409, role.value)
        return code

    def is_balance_sheet(self, code: str) -> bool:
        account = self.accounts.get(code)
        if account is not None:
            return account.balance_sheet
        return chart.account_type_for_code(code).value in chart.BALANCE_SHEET_TYPES

    def is_profit_and_loss(self, code: str) -> bool:
        account = self.accounts.get(code)
        return account is not None and account.account_type in chart.PROFIT_AND_LOSS_TYPES

    def add_account(self, account: Account) -> None:
        self.accounts[account.code] = account
        if account.role:
            self.roles[account.role] = account.code

    def periods_overlapping(self, start: date, end: date) -> list[Period]:
        if not self._period_starts:
            self._period_starts = [p.start for p in self.periods]
        # Periods are contiguous and sorted: start from the last one beginning on or before `start`.
        first = max(bisect.bisect_right(self._period_starts, start) - 1, 0)
        out: list[Period] = []
        for period in self.periods[first:]:
            if period.start > end:
                break
            if period.end >= start:
                out.append(period)
        return out


ACCOUNT_COLUMNS = (
    LedgerAccount.code,
    LedgerAccount.account_type,
    LedgerAccount.name,
    LedgerAccount.name_sv,
    LedgerAccount.name_en,
    LedgerAccount.line,
    LedgerAccount.vat_allowed,
    LedgerAccount.role,
)


def calendar_of(session: Session, *, company_id: int) -> Books:
    """The fiscal years and tracking periods, in one query (accounts not loaded yet)."""
    p, y = TrackingPeriod, FiscalYear
    years: dict[int, Year] = {}
    periods: list[Period] = []
    for row in session.execute(
        select(p.id, p.start_date, p.end_date, y.id, y.start_date, y.end_date, y.status)
        .join(y, and_(y.company_id == p.company_id, y.id == p.fiscal_year_id))
        .where(p.company_id == company_id)
        .order_by(p.start_date)
    ):
        period_id, start, end, year_id, year_start, year_end, status = row
        periods.append(Period(period_id, start, end))
        if year_id not in years:
            years[year_id] = Year(year_id, year_start, year_end, status == fiscal.CLOSED)
    return Books(sorted(years.values(), key=lambda year: year.start), periods)


def load_accounts(session: Session, books: Books, *, company_id: int) -> None:
    if books.accounts_loaded:
        return
    for row in session.execute(select(*ACCOUNT_COLUMNS).where(LedgerAccount.company_id == company_id)):
        books.add_account(Account(*row))
    books.accounts_loaded = True


def books_of(session: Session, *, company_id: int) -> Books:
    """The calendar and the accounts (two queries)."""
    books = calendar_of(session, company_id=company_id)
    load_accounts(session, books, company_id=company_id)
    return books


# --- splitting date ranges into whole periods (balances) and edges (postings) ---------------------------


@dataclass(frozen=True, slots=True)
class Cover:
    """How date ranges are read: `whole[period_id] = range index` for the periods a range covers
    whole, `edges = [(range index, first day, last day)]` for the parts of cut periods."""

    whole: dict[int, int]
    edges: list[tuple[int, date, date]]


def cover(books: Books, ranges: Sequence[tuple[date, date]]) -> Cover:
    """The cover of disjoint date `ranges` by the tracking periods (days outside every period hold
    no postings and are left out)."""
    whole: dict[int, int] = {}
    edges: list[tuple[int, date, date]] = []
    for index, (start, end) in enumerate(ranges):
        if start > end:
            continue
        for period in books.periods_overlapping(start, end):
            if start <= period.start and period.end <= end:
                whole[period.id] = index
            else:
                edges.append((index, max(start, period.start), min(end, period.end)))
    return cover_sorted(whole, edges)


def cover_sorted(whole: dict[int, int], edges: list[tuple[int, date, date]]) -> Cover:
    return Cover(whole, sorted(edges, key=lambda e: (e[1], e[0])))


# The statuses that never count, as SQL: constants of the code, inlined so the statement stays short.
_NOT_COUNTED_SQL = ", ".join(f"'{status}'" for status in sorted(rules.NOT_COUNTED))


def _counted(status_column: Any, statuses: frozenset[str] | None) -> list[Any]:
    conditions = [status_column.op("NOT IN", is_comparison=True)(literal_column(f"({_NOT_COUNTED_SQL})"))]
    if statuses is not None:
        conditions.append(status_column.in_(sorted(statuses)))
    return conditions


Totals = dict[str, tuple[int, int]]


def _add(into: dict[str, list[int]], account: str, debit: Any, credit: Any) -> None:
    cell = into[account]
    cell[0] += int(debit or 0)
    cell[1] += int(credit or 0)


def _range_totals(
    session: Session, books: Books, *, company_id: int, ranges: Sequence[tuple[date, date]], filt: ReportFilter
) -> list[dict[str, list[int]]]:
    """[(debit, credit) per account] for each of the disjoint `ranges`, in at most two queries
    (the first also loads the accounts when they are not loaded yet)."""
    out: list[dict[str, list[int]]] = [defaultdict(lambda: [0, 0]) for _ in ranges]
    if filt.receipt_types is not None:
        # No balance keeps receipt types: the whole of every range is read from the postings.
        plan = cover_sorted({}, [(i, a, b) for i, (a, b) in enumerate(ranges) if a <= b])
    else:
        plan = cover(books, ranges)
    if plan.whole:
        _from_balances(session, books, company_id=company_id, whole=plan.whole, filt=filt, out=out)
    else:
        load_accounts(session, books, company_id=company_id)
    if plan.edges:
        _from_postings(session, company_id=company_id, edges=plan.edges, filt=filt, out=out)
    return out


def _from_balances(
    session: Session,
    books: Books,
    *,
    company_id: int,
    whole: dict[int, int],
    filt: ReportFilter,
    out: list[dict[str, list[int]]],
) -> None:
    """One GROUP BY over the balances of the `whole` periods (bucket = range index); the same
    query brings the chart when it is not loaded yet."""
    b = LedgerBalance
    # Period ids and range indexes are integers this module computed: written into the SQL as
    # literals, the statement stays short enough for the driver to cache and prepare it.
    if len(set(whole.values())) == 1:
        bucket: Any = literal_column(str(next(iter(whole.values()))))
    else:
        whens = " ".join(f"WHEN {int(pid)} THEN {int(index)}" for pid, index in sorted(whole.items()))
        bucket = literal_column(f"CASE ledger_balances.period_id {whens} END")
    ids = ", ".join(str(int(pid)) for pid in sorted(whole))
    conditions = [
        b.company_id == company_id,
        b.period_id.op("IN", is_comparison=True)(literal_column(f"({ids})")),
        *_counted(b.receipt_status, filt.statuses),
    ]
    if filt.dimension_id is None:
        conditions += [b.dimension_id == 0, b.item_id == 0]
    else:
        conditions.append(b.dimension_id == filt.dimension_id)
        if filt.item_id is not None:
            conditions.append(b.item_id == filt.item_id)
    # The bucket is computed in a subquery so that GROUP BY names a column, not a CASE with
    # parameters of its own (PostgreSQL does not see two parameterised CASEs as the same).
    inner = select(bucket.label("bucket"), b.account, b.debit_minor, b.credit_minor).where(*conditions).subquery()
    sums = (
        select(
            inner.c.bucket,
            inner.c.account,
            func.sum(inner.c.debit_minor).label("debit"),
            func.sum(inner.c.credit_minor).label("credit"),
        )
        .group_by(inner.c.bucket, inner.c.account)
        .subquery()
    )
    if books.accounts_loaded:
        for index, account, debit, credit in session.execute(select(sums)):
            _add(out[int(index)], account, debit, credit)
        return
    # The chart comes in the same round trip: its rows, then the sums (a UNION ALL, so that
    # each part is read once whatever the planner thinks of their sizes).
    nothing = [cast(null(), column.type) for column in ACCOUNT_COLUMNS[1:]]
    chart_rows: Any = select(
        literal_column("0").label("part"),
        *ACCOUNT_COLUMNS,
        cast(null(), Integer).label("bucket"),
        cast(null(), BigInteger).label("debit"),
        cast(null(), BigInteger).label("credit"),
    ).where(LedgerAccount.company_id == company_id)
    sum_rows = select(literal_column("1"), sums.c.account, *nothing, sums.c.bucket, sums.c.debit, sums.c.credit)
    rows: Any = session.execute(union_all(chart_rows, sum_rows))
    for row in rows:
        if row[0] == 0:
            books.add_account(Account(*row[1:9]))
        else:
            _add(out[int(row[9])], row[1], row[10], row[11])
    books.accounts_loaded = True


def postings_query(*, company_id: int, days: Sequence[tuple[date, date]], filt: ReportFilter) -> tuple[Any, Any, Any]:
    """(FROM clause, WHERE conditions, amount column) of the counted postings dated in `days` —
    the amount being the part on the filter's dimension item when there is one."""
    t, r = LedgerTransaction, LedgerReceipt
    source: Any = t.__table__.join(r.__table__, and_(r.company_id == t.company_id, r.id == t.receipt_id))
    amount: Any = t.amount_minor
    conditions: list[Any] = [
        t.company_id == company_id,
        or_(*(t.entry_date.between(a, b) for a, b in days)),
        *_counted(r.status, filt.statuses),
    ]
    if filt.receipt_types is not None:
        conditions.append(r.type.in_(sorted(filt.receipt_types)))
    if filt.dimension_id is not None:
        d = TransactionDimension
        on = [d.company_id == t.company_id, d.transaction_id == t.id, d.dimension_id == filt.dimension_id]
        if filt.item_id is not None:
            on.append(d.item_id == filt.item_id)
        source = source.join(d.__table__, and_(*on))
        amount = d.amount_minor
    return source, conditions, amount


def _from_postings(
    session: Session,
    *,
    company_id: int,
    edges: Sequence[tuple[int, date, date]],
    filt: ReportFilter,
    out: list[dict[str, list[int]]],
) -> None:
    t = LedgerTransaction
    source, conditions, amount = postings_query(company_id=company_id, days=[(a, b) for _i, a, b in edges], filt=filt)
    bucket = case(*((t.entry_date.between(a, b), index) for index, a, b in edges))
    inner = (
        select(bucket.label("bucket"), t.account.label("account"), amount.label("amount"))
        .select_from(source)
        .where(*conditions)
        .subquery()
    )
    debit = func.sum(case((inner.c.amount > 0, inner.c.amount), else_=0))
    credit = func.sum(case((inner.c.amount < 0, -inner.c.amount), else_=0))
    stmt = select(inner.c.bucket, inner.c.account, debit, credit).group_by(inner.c.bucket, inner.c.account)
    for index, account, d, c in session.execute(stmt):
        _add(out[int(index)], account, d, c)


class Sums:
    """Totals over any of a set of date ranges, read once: the ranges are cut into disjoint
    segments at their ends, each segment is summed (`_range_totals`), and a range's totals are the
    sum of its segments."""

    def __init__(
        self,
        session: Session,
        books: Books,
        *,
        company_id: int,
        ranges: Iterable[tuple[date, date]],
        filt: ReportFilter = NO_FILTER,
    ) -> None:
        wanted = [(a, b) for a, b in ranges if a <= b]
        cuts = sorted({a for a, _b in wanted} | {_next(b) for _a, b in wanted})
        self.segments = [
            (cuts[i], cuts[i + 1] - ONE_DAY)
            for i in range(len(cuts) - 1)
            if any(a <= cuts[i] and cuts[i + 1] - ONE_DAY <= b for a, b in wanted)
        ]
        self._totals = _range_totals(session, books, company_id=company_id, ranges=self.segments, filt=filt)

    def totals(self, start: date, end: date) -> dict[str, list[int]]:
        """(debit, credit) per account of the postings dated start..end (a range given, or a union of them)."""
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for (a, b), totals in zip(self.segments, self._totals, strict=True):
            if start <= a and b <= end:
                for account, (debit, credit) in totals.items():
                    _add(out, account, debit, credit)
        return out

    def net(self, start: date, end: date) -> dict[str, int]:
        return {account: d - c for account, (d, c) in self.totals(start, end).items()}


def _next(day: date) -> date:
    return day + ONE_DAY if day < date.max else day


def previous(day: date) -> date:
    return day - ONE_DAY if day > date.min else day


def _nonzero(values: Mapping[str, int]) -> dict[str, int]:
    return {k: v for k, v in values.items() if v}


# --- the carry rule -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Carry:
    """What the carry rule reads for a day: its fiscal year and the earlier years not yet closed."""

    year: Year
    earlier: tuple[Year, ...]

    def ranges(self, until: date) -> list[tuple[date, date]]:
        return [(y.start, y.end) for y in self.earlier] + [(self.year.start, until)]


def carry_of(books: Books, day: date) -> Carry | None:
    year = books.year_of(day)
    if year is None:
        return None
    return Carry(year, tuple(y for y in books.years if y.end < year.start and not y.closed))


def _carried(books: Books, sums: Sums, carry: Carry) -> dict[str, int]:
    """The earlier open years, carried: balance-sheet balances, and the results on RETAINED_EARNINGS."""
    out: dict[str, int] = defaultdict(int)
    for year in carry.earlier:
        for code, cents in sums.net(year.start, year.end).items():
            if books.is_balance_sheet(code):
                out[code] += cents
            elif cents:
                out[books.role(chart.Role.RETAINED_EARNINGS)] += cents
    return out


def balance_sheet_of(books: Books, sums: Sums, at: date) -> dict[str, int]:
    carry = carry_of(books, at)
    if carry is None:
        return {}
    out = _carried(books, sums, carry)
    for code, cents in sums.net(carry.year.start, at).items():
        if books.is_balance_sheet(code):
            out[code] += cents
        elif cents:
            out[books.role(chart.Role.RESULT)] += cents
    return _nonzero(out)


def _opening_of(books: Books, sums: Sums, start: date) -> dict[str, int]:
    carry = carry_of(books, start)
    if carry is None:
        return {}
    out = _carried(books, sums, carry)
    if start > carry.year.start:
        for code, cents in sums.net(carry.year.start, start - ONE_DAY).items():
            out[code] += cents
    return _nonzero(out)


def balance_ranges(books: Books, at: date) -> list[tuple[date, date]]:
    carry = carry_of(books, at)
    return carry.ranges(at) if carry else []


def opening_ranges(books: Books, start: date) -> list[tuple[date, date]]:
    carry = carry_of(books, start)
    return carry.ranges(previous(start)) if carry else []


# --- the five totals ------------------------------------------------------------------------------------


def account_totals(
    session: Session, *, company_id: int, start: date, end: date, filter: ReportFilter = NO_FILTER
) -> dict[str, tuple[int, int]]:
    """{account: (debit cents, credit cents)} of the postings dated start..end."""
    books = calendar_of(session, company_id=company_id)
    sums = Sums(session, books, company_id=company_id, ranges=[(start, end)], filt=filter)
    return {a: (d, c) for a, (d, c) in sums.totals(start, end).items() if d or c}


def income_statement_totals(
    session: Session, *, company_id: int, start: date, end: date, filter: ReportFilter = NO_FILTER
) -> dict[str, int]:
    """Net cents (debit − credit) per REVENUE/EXPENSE account of the postings dated start..end."""
    books = calendar_of(session, company_id=company_id)
    sums = Sums(session, books, company_id=company_id, ranges=[(start, end)], filt=filter)
    return _nonzero({a: v for a, v in sums.net(start, end).items() if books.is_profit_and_loss(a)})


def balance_sheet_totals(
    session: Session, *, company_id: int, at: date, filter: ReportFilter = NO_FILTER
) -> dict[str, int]:
    """Net cents per balance-sheet account at `at` by the carry rule (module docstring), the year's
    result so far on the RESULT account: without a dimension filter the totals sum to zero."""
    books = calendar_of(session, company_id=company_id)
    sums = Sums(session, books, company_id=company_id, ranges=balance_ranges(books, at), filt=filter)
    return balance_sheet_of(books, sums, at)


@dataclass(frozen=True, slots=True)
class TrialBalanceRow:
    account: str
    name: str
    opening: int  # cents
    debit: int
    credit: int
    closing: int


def trial_rows(books: Books, sums: Sums, start: date, end: date, language: str = "FINNISH") -> list[TrialBalanceRow]:
    opening = _opening_of(books, sums, start)
    totals = sums.totals(start, end) if start <= end else {}
    rows: list[TrialBalanceRow] = []
    for code in sorted({*opening, *totals}):
        o = opening.get(code, 0)
        d, c = totals.get(code, (0, 0))
        account = books.accounts.get(code)
        name = account.name_in(language) if account else code
        row = TrialBalanceRow(code, name, o, d, c, o + d - c)
        if row.opening or row.debit or row.credit or row.closing:
            rows.append(row)
    return rows


def trial_balance(
    session: Session, *, company_id: int, start: date, end: date, filter: ReportFilter = NO_FILTER
) -> list[TrialBalanceRow]:
    """Per account: opening (the carry rule on the morning of `start`), debit and credit of
    start..end, closing = opening + debit − credit; accounts with any non-zero value, by code."""
    books = calendar_of(session, company_id=company_id)
    ranges = [*opening_ranges(books, start), (start, end)]
    sums = Sums(session, books, company_id=company_id, ranges=ranges, filt=filter)
    return trial_rows(books, sums, start, end)


@dataclass(frozen=True, slots=True)
class LedgerLine:
    transaction_id: int
    receipt_id: int
    receipt_number: int
    receipt_date: date
    receipt_type: str
    receipt_name: str
    status: str
    amount: int  # cents, debit +
    vat_percent: Decimal
    vat_status: int | None
    description: str | None
    vat_deduction_percent: Decimal | None = None
    start_date: date | None = None
    end_date: date | None = None
    kind: str = rules.ENTRY


def general_ledger(
    session: Session,
    *,
    company_id: int,
    account: str,
    start: date,
    end: date,
    filter: ReportFilter = NO_FILTER,
    receipt_numbers: Sequence[tuple[int, int]] | None = None,
    description: str | None = None,
) -> tuple[int, list[LedgerLine]]:
    """(opening cents as in `trial_balance`, the account's postings dated start..end by date,
    receipt number and id). Every posting is a line — the VAT rows the server added included, as
    they move the account — except those of zero cents (under a dimension filter: with nothing on
    the item). `receipt_numbers` ([(first, last)]) and `description` (a case-insensitive part of
    the posting's description) narrow the lines, not the opening."""
    books = calendar_of(session, company_id=company_id)
    sums = Sums(session, books, company_id=company_id, ranges=opening_ranges(books, start), filt=filter)
    opening = _opening_of(books, sums, start).get(account, 0)
    if start > end:
        return opening, []
    return opening, _ledger_lines(
        session,
        company_id=company_id,
        account=account,
        start=start,
        end=end,
        filt=filter,
        receipt_numbers=receipt_numbers,
        description=description,
    )


def _ledger_lines(
    session: Session,
    *,
    company_id: int,
    account: str,
    start: date,
    end: date,
    filt: ReportFilter,
    receipt_numbers: Sequence[tuple[int, int]] | None,
    description: str | None,
) -> list[LedgerLine]:
    t, r = LedgerTransaction, LedgerReceipt
    source: Any = t.__table__.join(r.__table__, and_(r.company_id == t.company_id, r.id == t.receipt_id))
    amount: Any = t.amount_minor
    conditions: list[Any] = [
        t.company_id == company_id,
        t.account == account,
        t.entry_date.between(start, end),
        *_counted(r.status, filt.statuses),
    ]
    if filt.receipt_types is not None:
        conditions.append(r.type.in_(sorted(filt.receipt_types)))
    if filt.dimension_id is not None:
        d = TransactionDimension
        split_conditions = [d.company_id == company_id, d.dimension_id == filt.dimension_id]
        if filt.item_id is not None:
            split_conditions.append(d.item_id == filt.item_id)
        part = (
            select(d.transaction_id, func.sum(d.amount_minor).label("amount"))
            .where(*split_conditions)
            .group_by(d.transaction_id)
            .subquery()
        )
        source = source.join(part, part.c.transaction_id == t.id)
        amount = part.c.amount
    conditions.append(amount != 0)
    if receipt_numbers:
        conditions.append(or_(*(r.receipt_number.between(a, b) for a, b in receipt_numbers)))
    if description:
        conditions.append(func.lower(t.description).contains(description.lower(), autoescape=True))
    stmt = (
        select(
            t.id,
            t.receipt_id,
            r.receipt_number,
            r.receipt_date,
            r.type,
            r.name,
            r.status,
            amount.label("amount"),
            t.vat_percent,
            t.vat_status,
            t.description,
            t.vat_deduction_percent,
            t.start_date,
            t.end_date,
            t.kind,
        )
        .select_from(source)
        .where(*conditions)
        .order_by(t.entry_date, r.receipt_number, t.id)
    )
    return [
        LedgerLine(
            transaction_id=row.id,
            receipt_id=row.receipt_id,
            receipt_number=row.receipt_number,
            receipt_date=row.receipt_date,
            receipt_type=row.type,
            receipt_name=row.name,
            status=row.status,
            amount=int(row.amount),
            vat_percent=Decimal(row.vat_percent or 0),
            vat_status=row.vat_status,
            description=row.description,
            vat_deduction_percent=row.vat_deduction_percent,
            start_date=row.start_date,
            end_date=row.end_date,
            kind=row.kind,
        )
        for row in session.execute(stmt)
    ]


def account_of(session: Session, *, company_id: int, code: str, field: str = "account") -> Account:
    """One account of the chart (404 at `field` when the company has no such account)."""
    row = session.execute(
        select(*ACCOUNT_COLUMNS).where(LedgerAccount.company_id == company_id, LedgerAccount.code == code)
    ).first()
    if row is None:
        raise not_found(field)
    return Account(*row)


# --- dates of reports -------------------------------------------------------------------------------------


def month_spans(start: date, end: date) -> list[tuple[date, date]]:
    """One span per calendar month of start..end; the first and the last are cut to the range."""
    return rules.monthly_periods(start, end)


def default_start(session: Session, *, company_id: int, end: date) -> date:
    """The start of the fiscal year holding `end` (`end` itself when no year holds it)."""
    start = session.scalars(
        select(FiscalYear.start_date).where(
            FiscalYear.company_id == company_id, FiscalYear.start_date <= end, FiscalYear.end_date >= end
        )
    ).first()
    return start or end
