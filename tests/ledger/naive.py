"""A naive reference ledger for the property tests: every number the reports give, recomputed in
plain Python from the raw `ledger_transactions`, `ledger_receipts` and split rows.

It owns nothing of the product and guards one thing: it must stay *obviously* right. So it reads
every posting of the company, uses no balance table, no SQL aggregation and no shared code of
`kirjuri.ledger` beyond constants (status names, account types), and spells each rule out:

- a posting counts when its receipt's status is not in `rules.NOT_COUNTED` (and, when a filter
  names statuses or receipt types, is one of them);
- under a dimension filter a posting's amount is the part its split puts on that item;
- debit is the sum of the positive amounts, credit the sum of the magnitudes of the negative ones
  (per posting, or per split row under a dimension filter);
- the balance sheet at D follows the carry rule of `ledger/closing.py`: the balance-sheet
  postings from the start of D's fiscal year to D, plus for every earlier year not yet closed its
  balance-sheet balances and its result (into the RETAINED_EARNINGS account), plus the result of
  D's year up to D in the RESULT account.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.ledger import rules
from kirjuri.ledger.models import (
    FiscalYear,
    LedgerAccount,
    LedgerReceipt,
    LedgerTransaction,
    TrackingPeriod,
    TransactionDimension,
)

BALANCE_SHEET_TYPES = frozenset({"ASSET", "LIABILITY", "EQUITY"})
PROFIT_AND_LOSS_TYPES = frozenset({"REVENUE", "EXPENSE"})


class FilterLike(Protocol):
    """What the naive ledger reads of `reports.ReportFilter` (duck-typed: no import of reports)."""

    @property
    def statuses(self) -> frozenset[str] | None: ...

    @property
    def dimension_id(self) -> int | None: ...

    @property
    def item_id(self) -> int | None: ...

    @property
    def receipt_types(self) -> frozenset[str] | None: ...


@dataclass(frozen=True)
class NoFilter:
    statuses: frozenset[str] | None = None
    dimension_id: int | None = None
    item_id: int | None = None
    receipt_types: frozenset[str] | None = None


@dataclass(frozen=True)
class Posting:
    id: int
    receipt_id: int
    line_no: int
    kind: str
    account: str
    amount: int
    day: date
    period_id: int
    vat_status: int | None
    vat_type: str | None
    vat_percent: Decimal
    vat_role: str | None
    splits: dict[tuple[int, int], int] = field(default_factory=dict)


@dataclass(frozen=True)
class Receipt:
    id: int
    type: str
    status: str
    day: date
    fiscal_year_id: int
    period_id: int
    number: int


@dataclass(frozen=True)
class Year:
    id: int
    start: date
    end: date
    status: str


@dataclass(frozen=True)
class Period:
    id: int
    year_id: int
    start: date
    end: date
    status: str


@dataclass
class Books:
    """Everything of one company, as plain values."""

    receipts: dict[int, Receipt]
    postings: list[Posting]
    years: list[Year]  # by start date
    periods: list[Period]  # by start date
    account_types: dict[str, str]
    account_names: dict[str, str]
    roles: dict[str, str]  # role → account code

    def year_of(self, day: date) -> Year | None:
        return next((y for y in self.years if y.start <= day <= y.end), None)

    def period_of(self, day: date) -> Period | None:
        return next((p for p in self.periods if p.start <= day <= p.end), None)

    def writable(self, day: date) -> bool:
        """The rule of `fiscal.writable_period`, restated: an OPEN period of an OPEN year."""
        year, period = self.year_of(day), self.period_of(day)
        return year is not None and period is not None and year.status == "OPEN" and period.status == "OPEN"


def load(session: Session, *, company_id: int, postings: bool = True) -> Books:
    """Read the company's raw rows (no balance table); without `postings` only the receipts and the
    calendar (what deciding whether an operation is allowed needs), no postings and no chart."""
    receipts = {
        r.id: Receipt(r.id, r.type, r.status, r.receipt_date, r.fiscal_year_id, r.period_id, r.receipt_number)
        for r in session.execute(select(LedgerReceipt.__table__).where(LedgerReceipt.company_id == company_id))
    }
    splits: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
    found: list[Posting] = []
    if postings:
        for s in session.execute(
            select(TransactionDimension.__table__).where(TransactionDimension.company_id == company_id)
        ):
            splits[s.transaction_id][(s.dimension_id, s.item_id)] = int(s.amount_minor)
        found = [
            Posting(
                id=t.id,
                receipt_id=t.receipt_id,
                line_no=t.line_no,
                kind=t.kind,
                account=t.account,
                amount=int(t.amount_minor),
                day=t.entry_date,
                period_id=t.period_id,
                vat_status=t.vat_status,
                vat_type=t.vat_type,
                vat_percent=Decimal(t.vat_percent or 0),
                vat_role=t.vat_role,
                splits=splits.get(t.id, {}),
            )
            for t in session.execute(
                select(LedgerTransaction.__table__)
                .where(LedgerTransaction.company_id == company_id)
                .order_by(LedgerTransaction.receipt_id, LedgerTransaction.line_no)
            )
        ]
    years = sorted(
        (
            Year(y.id, y.start_date, y.end_date, y.status)
            for y in session.execute(select(FiscalYear.__table__).where(FiscalYear.company_id == company_id))
        ),
        key=lambda y: y.start,
    )
    periods = sorted(
        (
            Period(p.id, p.fiscal_year_id, p.start_date, p.end_date, p.status)
            for p in session.execute(select(TrackingPeriod.__table__).where(TrackingPeriod.company_id == company_id))
        ),
        key=lambda p: p.start,
    )
    account_types: dict[str, str] = {}
    account_names: dict[str, str] = {}
    roles: dict[str, str] = {}
    chart = select(LedgerAccount.__table__).where(LedgerAccount.company_id == company_id)
    for a in session.execute(chart) if postings else ():
        account_types[a.code] = a.account_type
        account_names[a.code] = a.name
        if a.role:
            roles[a.role] = a.code
    return Books(receipts, found, years, periods, account_types, account_names, roles)


# --- what counts ------------------------------------------------------------------------------------


def counted(books: Books, posting: Posting, filt: FilterLike) -> bool:
    receipt = books.receipts[posting.receipt_id]
    if receipt.status in rules.NOT_COUNTED:
        return False
    if filt.receipt_types is not None and receipt.type not in filt.receipt_types:
        return False
    return filt.statuses is None or receipt.status in filt.statuses


def amount_under(posting: Posting, filt: FilterLike) -> int:
    """The posting's amount as a filter sees it: whole, or the part split onto the item."""
    if filt.dimension_id is None:
        return posting.amount
    if filt.item_id is None:
        # The whole dimension: every item of it together.
        return sum(c for (d, _i), c in posting.splits.items() if d == filt.dimension_id)
    return posting.splits.get((filt.dimension_id, filt.item_id), 0)


def debit_credit_under(posting: Posting, filt: FilterLike) -> tuple[int, int]:
    """(debit, credit) of one posting: per posting, or per split row under a dimension filter."""
    if filt.dimension_id is None:
        parts: Iterable[int] = [posting.amount]
    elif filt.item_id is None:
        parts = [c for (d, _i), c in posting.splits.items() if d == filt.dimension_id]
    else:
        parts = [posting.splits.get((filt.dimension_id, filt.item_id), 0)]
    debit = sum(c for c in parts if c > 0)
    credit = sum(-c for c in parts if c < 0)
    return debit, credit


def postings_between(books: Books, start: date, end: date, filt: FilterLike) -> list[Posting]:
    return [p for p in books.postings if start <= p.day <= end and counted(books, p, filt)]


def nonzero(values: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in values.items() if v}


# --- the reports, recomputed ---------------------------------------------------------------------------


def account_totals(books: Books, start: date, end: date, filt: FilterLike = NoFilter()) -> dict[str, tuple[int, int]]:
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in postings_between(books, start, end, filt):
        debit, credit = debit_credit_under(p, filt)
        out[p.account][0] += debit
        out[p.account][1] += credit
    return {a: (d, c) for a, (d, c) in out.items() if d or c}


def income_statement_totals(books: Books, start: date, end: date, filt: FilterLike = NoFilter()) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for p in postings_between(books, start, end, filt):
        if books.account_types.get(p.account) in PROFIT_AND_LOSS_TYPES:
            out[p.account] += amount_under(p, filt)
    return nonzero(out)


def balance_sheet_totals(books: Books, at: date, filt: FilterLike = NoFilter()) -> dict[str, int]:
    """The carry rule of `ledger/closing.py`, spelt out."""
    year = books.year_of(at)
    if year is None:
        return {}
    retained, result = books.roles["RETAINED_EARNINGS"], books.roles["RESULT"]
    out: dict[str, int] = defaultdict(int)

    def add(p: Posting, pnl_to: str) -> None:
        cents = amount_under(p, filt)
        if books.account_types.get(p.account) in BALANCE_SHEET_TYPES:
            out[p.account] += cents
        else:
            out[pnl_to] += cents

    for earlier in books.years:
        if earlier.end < year.start and earlier.status != "CLOSED":
            for p in postings_between(books, earlier.start, earlier.end, filt):
                add(p, retained)
    for p in postings_between(books, year.start, at, filt):
        add(p, result)
    return nonzero(out)


@dataclass(frozen=True)
class TrialRow:
    account: str
    opening: int
    debit: int
    credit: int
    closing: int


def opening_balances(books: Books, start: date, filt: FilterLike = NoFilter()) -> dict[str, int]:
    """Balances on the morning of `start`: balance-sheet accounts by the carry rule at `start − 1`
    (the result of `start`'s own year so far stays on its P&L accounts, the earlier years' results
    in RETAINED_EARNINGS); P&L accounts from the start of `start`'s fiscal year to `start − 1`."""
    year = books.year_of(start)
    if year is None:
        return {}
    out: dict[str, int] = defaultdict(int)
    retained = books.roles["RETAINED_EARNINGS"]
    for earlier in books.years:
        if earlier.end < year.start and earlier.status != "CLOSED":
            for p in postings_between(books, earlier.start, earlier.end, filt):
                bs = books.account_types.get(p.account) in BALANCE_SHEET_TYPES
                out[p.account if bs else retained] += amount_under(p, filt)
    for p in postings_between(books, year.start, start - timedelta(days=1), filt):
        out[p.account] += amount_under(p, filt)
    return nonzero(out)


def trial_balance(books: Books, start: date, end: date, filt: FilterLike = NoFilter()) -> dict[str, TrialRow]:
    opening = opening_balances(books, start, filt)
    totals = account_totals(books, start, end, filt)
    out: dict[str, TrialRow] = {}
    for account in sorted({*opening, *totals}):
        o = opening.get(account, 0)
        d, c = totals.get(account, (0, 0))
        row = TrialRow(account, o, d, c, o + d - c)
        if any((row.opening, row.debit, row.credit, row.closing)):
            out[account] = row
    return out


def general_ledger(
    books: Books, account: str, start: date, end: date, filt: FilterLike = NoFilter()
) -> tuple[int, list[tuple[date, int, int, int]]]:
    """(opening as in the trial balance, [(date, receipt number, posting id, cents)]) of one
    account: every non-zero posting on it (VAT rows included), by date, receipt number and id."""
    opening = opening_balances(books, start, filt).get(account, 0)
    lines = sorted(
        (p.day, books.receipts[p.receipt_id].number, p.id, amount_under(p, filt))
        for p in postings_between(books, start, end, filt)
        if p.account == account and amount_under(p, filt)
    )
    return opening, lines


# --- the invariants the balances table must satisfy ---------------------------------------------------

BalanceKey = tuple[int, str, str, int, str, Decimal, str, int, int]


def balance_rows(books: Books) -> dict[BalanceKey, tuple[int, int]]:
    """What `ledger_balances` must hold, recomputed from the postings: per period, account, receipt
    status, VAT key (status, side, percent, kind) and dimension item (0/0 = the totals row)."""
    side_of = {"SALES": "S", "PURCHASE": "P"}
    kind_of = {"OUTPUT": "O", "INPUT": "I", "COST": "C"}
    out: dict[BalanceKey, list[int]] = defaultdict(lambda: [0, 0])
    for p in books.postings:
        status = books.receipts[p.receipt_id].status
        if status in rules.NOT_COUNTED:
            continue
        head = (
            p.period_id,
            p.account,
            status,
            p.vat_status or 0,
            side_of.get(p.vat_type or "", ""),
            p.vat_percent.quantize(Decimal("0.01")),
            kind_of.get(p.vat_role or "", "B"),
        )
        for (dimension_id, item_id), cents in [((0, 0), p.amount), *p.splits.items()]:
            cell = out[(*head, dimension_id, item_id)]
            if cents >= 0:
                cell[0] += cents
            else:
                cell[1] -= cents
    return {k: (d, c) for k, (d, c) in out.items() if d or c}


def as_plain(row: Any) -> tuple[Any, ...]:
    """A database row as a comparable tuple (Decimals normalised to two places)."""
    return tuple(v.quantize(Decimal("0.01")) if isinstance(v, Decimal) else v for v in row)
