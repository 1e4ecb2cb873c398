"""Property test of the ledger: random operations on a fresh company, then every report checked
against the naive recomputation of `tests/ledger/naive.py`.

Each example creates its own company (with two dimensions of three items) and runs a generated
list of operations through the ledger services, each inside a SAVEPOINT and committed like a
request: post balanced receipts (random accounts, amounts, VAT statuses and percentages valid for
the date and side, dimension splits, sometimes a deliberate fault), PUT replacements, approve /
invalidate / unfinished, re-split a transaction's dimensions, lock and reopen periods, open the next
year and close years.

Invariants checked:
- every operation's outcome (done or refused) is the one the rules predict from the state before
  it (`Predict`), and a refused one (a 4xx KirjuriError) changed no row of the company;
- every receipt's postings sum to zero; `ledger_balances` equals the postings summed per key;
- receipt numbers per fiscal year are exactly 1..n;
- nothing dated in a closed year changes after the close, and the opening receipt the close posts
  carries exactly the balance-sheet balances and the result;
- every report of `kirjuri.ledger.reports` equals the naive recomputation, for random date ranges
  (cutting months in the middle too), status filters and dimension items.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import service as companies_service
from kirjuri.core import vat as vat_rules
from kirjuri.core.errors import KirjuriError
from kirjuri.core.money import from_minor
from kirjuri.db import counters
from kirjuri.db.counters import CompanyCounter
from kirjuri.ledger import closing, dimensions, fiscal, reports, rules, service, statement_reports
from kirjuri.ledger.models import (
    FiscalYear,
    LedgerAccount,
    LedgerBalance,
    LedgerReceipt,
    LedgerTransaction,
    TrackingPeriod,
    TransactionDimension,
)
from tests.ledger import naive

# --- the generated operations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    dimension: int  # index into the company's dimensions
    weights: tuple[int, ...]  # one per item used (1..3 items), all positive


@dataclass(frozen=True)
class Row:
    account: int  # index into the accounts (the VAT-allowed ones when the row carries VAT)
    cents: int
    vat: int  # picks the VAT status and percentage (0: no VAT status at all)
    deduction: int  # picks the deduction percentage of a purchase
    split: Split | None


@dataclass(frozen=True)
class Draft:
    year: int  # 0 = the earliest fiscal year not closed, 1 the year after it, -1 the one before …
    day: int  # day of that year
    side: str
    rows: tuple[Row, ...]
    reversing: Row | None  # a REVERSING_ENTRY row on a balance-sheet account
    fault: str | None  # None, "split", "vat" or "account": a draft the rules must refuse


@dataclass(frozen=True)
class Post:
    draft: Draft


@dataclass(frozen=True)
class Put:
    target: int
    draft: Draft


@dataclass(frozen=True)
class Act:
    target: int
    action: str


@dataclass(frozen=True)
class Resplit:
    target: int
    row: int
    split: Split | None


@dataclass(frozen=True)
class SetPeriod:
    target: int
    status: str


@dataclass(frozen=True)
class OpenNext:
    pass


@dataclass(frozen=True)
class Close:
    target: int  # 0 = the earliest fiscal year not closed, 1 the year after it, -1 the one before …
    finish: bool  # approve the year's UNFINISHED journals first (each its own operation)


Op = Post | Put | Act | Resplit | SetPeriod | OpenNext | Close

splits = st.builds(
    Split, dimension=st.integers(0, 1), weights=st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple)
)
rows = st.builds(
    Row,
    account=st.integers(0, 10_000),
    cents=st.integers(-2_000_000, 2_000_000).filter(bool),
    vat=st.integers(0, 200),
    deduction=st.integers(0, 5),
    split=st.none() | splits,
)
drafts = st.builds(
    Draft,
    year=st.sampled_from([0, 0, 0, 0, 0, 0, 1, -1]),
    day=st.integers(0, 364),
    side=st.sampled_from(["SALES", "PURCHASE"]),
    rows=st.lists(rows, min_size=1, max_size=4).map(tuple),
    reversing=st.none() | rows,
    fault=st.sampled_from([None] * 12 + ["split", "vat", "account"]),
)
# A target ≥ 0 picks among the receipts (periods) of the years not closed, a negative one among all.
targets = st.integers(-300, 1_000)
# (weight, strategy): a kind of operation is drawn first, by weight, then the operation itself.
WEIGHTED: tuple[tuple[int, st.SearchStrategy[Any]], ...] = (
    (12, st.builds(Post, drafts)),
    (2, st.builds(Put, targets, drafts)),
    (4, st.builds(Act, targets, st.sampled_from(["approve", "approve", "invalidate", "unfinished"]))),
    (1, st.builds(Resplit, targets, st.integers(0, 10), st.none() | splits)),
    (2, st.builds(SetPeriod, st.integers(-10, 40), st.sampled_from(["PENDING", "OPEN", "OPEN"]))),
    (1, st.just(OpenNext())),
    (1, st.builds(Close, st.sampled_from([0, 0, 0, 1, -1]), st.booleans())),
)
operations: st.SearchStrategy[Op] = st.sampled_from(
    [strategy for weight, strategy in WEIGHTED for _ in range(weight)]
).flatmap(lambda strategy: strategy)

DEDUCTIONS: tuple[Decimal | None, ...] = (None, None, Decimal(100), Decimal(50), Decimal(0), Decimal("33.33"))
INVALID_PERCENT = Decimal(17)  # never a Finnish rate
UNKNOWN_ACCOUNT = "0999"


# --- the company of one example ---------------------------------------------------------------------


@dataclass
class World:
    session: Session
    company_id: int
    accounts: list[str]
    vat_accounts: list[str]
    bs_accounts: list[str]
    items: list[list[int]]  # per dimension: its item ids
    dimension_ids: list[int]
    closed: dict[int, tuple[Any, ...]]  # year id → what was dated in it at the close
    log: list[str]


def new_world(session_factory: sessionmaker[Session]) -> World:
    session = session_factory()
    company = companies_service.create_company(session, name="Ominaisuus Oy", business_id="1234567-1")
    dimension_ids: list[int] = []
    items: list[list[int]] = []
    for name in ("Kustannuspaikka", "Projekti"):
        dimension = dimensions.create_dimension(session, company_id=company.id, name=name)
        dimension_ids.append(dimension.id)
        items.append(
            [
                dimensions.create_item(
                    session, company_id=company.id, dimension_id=dimension.id, code_name=f"{name[:3]}{i}",
                    description=None, active=True,
                ).id
                for i in range(3)
            ]
        )  # fmt: skip
    session.commit()
    chart = session.execute(
        select(LedgerAccount.code, LedgerAccount.vat_allowed, LedgerAccount.account_type)
        .where(LedgerAccount.company_id == company.id)
        .order_by(LedgerAccount.code)
    ).all()
    return World(
        session=session,
        company_id=company.id,
        accounts=[code for code, _v, _t in chart],
        vat_accounts=[code for code, vat_allowed, _t in chart if vat_allowed],
        bs_accounts=[code for code, _v, kind in chart if kind in naive.BALANCE_SHEET_TYPES],
        items=items,
        dimension_ids=dimension_ids,
        closed={},
        log=[],
    )


def split_values(world: World, split: Split | None, cents: int) -> tuple[rules.DimensionValue, ...]:
    """A valid split of `cents` over the first items of a dimension, in proportion to the weights."""
    if split is None:
        return ()
    dimension = split.dimension % len(world.dimension_ids)
    shares = rules.allocate(cents, list(split.weights))
    return tuple(
        rules.DimensionValue(world.dimension_ids[dimension], item, from_minor(share))
        for item, share in zip(world.items[dimension], shares, strict=False)
    )


def earliest_open(books: naive.Books) -> int:
    """Index of the earliest fiscal year not closed (the years are calendar years here)."""
    return next((i for i, y in enumerate(books.years) if y.status != "CLOSED"), len(books.years) - 1)


def day_of(books: naive.Books, draft: Draft) -> date:
    start = date(books.years[earliest_open(books)].start.year + draft.year, 1, 1)
    return min(start + timedelta(days=draft.day), date(start.year, 12, 31))


def realise(world: World, books: naive.Books, draft: Draft) -> tuple[rules.ReceiptDraft, bool]:
    """The service's input for a generated draft, and whether the rules must accept it."""
    day = day_of(books, draft)
    side = vat_rules.Side(draft.side)
    allowed = sorted(code for code, s in vat_rules.STATUSES.items() if s.treatment(side) is not None)
    rates = [*sorted(vat_rules.rates_on(day).values()), Decimal(0)]
    entries: list[rules.EntryDraft] = []
    for row in draft.rows:
        status: int | None = None
        percent = Decimal(0)
        if row.vat:
            status = allowed[row.vat % len(allowed)]
            if vat_rules.STATUSES[status].treatment(side) is not vat_rules.Treatment.ZERO:
                percent = rates[(row.vat // 11) % len(rates)]
        pool = world.vat_accounts if percent else world.accounts
        entries.append(
            rules.EntryDraft(
                account=pool[row.account % len(pool)],
                accounting_value=from_minor(row.cents),
                vat_percent=percent,
                vat_status=status,
                vat_deduction_percent=DEDUCTIONS[row.deduction] if side is vat_rules.Side.PURCHASE else None,
                dimensions=split_values(world, row.split, row.cents),
            )
        )
    if draft.reversing is not None:
        r = draft.reversing
        entries.append(
            rules.EntryDraft(
                account=world.bs_accounts[r.account % len(world.bs_accounts)],
                accounting_value=from_minor(r.cents),
                kind=rules.REVERSING_ENTRY,
                dimensions=split_values(world, r.split, r.cents),
            )
        )
    first = entries[0]
    if draft.fault == "split":
        dimension = world.dimension_ids[0]
        wrong = first.accounting_value + Decimal("0.01")
        entries[0] = rules.EntryDraft(
            account=first.account,
            accounting_value=first.accounting_value,
            dimensions=(rules.DimensionValue(dimension, world.items[0][0], wrong),),
        )
    elif draft.fault == "vat":
        entries[0] = rules.EntryDraft(
            account=world.vat_accounts[0], accounting_value=first.accounting_value, vat_percent=INVALID_PERCENT,
            vat_status=vat_rules.DOMESTIC,
        )  # fmt: skip
    elif draft.fault == "account":
        entries[0] = rules.EntryDraft(account=UNKNOWN_ACCOUNT, accounting_value=first.accounting_value)
    receipt = rules.ReceiptDraft(
        type=rules.JOURNAL,
        name="Ominaisuustesti",
        receipt_date=day,
        vat_type=draft.side,
        vat_status=None,
        transactions=tuple(entries),
    )
    return receipt, draft.fault is None


# --- snapshots and the one way an operation runs ---------------------------------------------------------

LEDGER_TABLES = (
    LedgerReceipt,
    LedgerTransaction,
    TransactionDimension,
    LedgerBalance,
    FiscalYear,
    TrackingPeriod,
    CompanyCounter,
)


def snapshot(session: Session, company_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every ledger row of the company, as sorted plain tuples."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for model in LEDGER_TABLES:
        table: Any = model.__table__
        rows = session.execute(select(table).where(table.c.company_id == company_id)).all()
        if model is CompanyCounter:  # plain ids are unique, not gap-free: a refusal may leave a gap
            rows = [r for r in rows if counters.is_gap_free(r.name)]
        out[table.name] = sorted((naive.as_plain(r) for r in rows), key=repr)
    return out


def attempt(world: World, label: str, expected: bool | None, action: Callable[[], object]) -> KirjuriError | None:
    """Run one operation like a request: in a SAVEPOINT, committed when done. A refusal must be a
    4xx KirjuriError that changed nothing; the outcome must be the predicted one (None: either)."""
    session = world.session
    # An operation predicted to be done fails the test if refused: only the others need the "before".
    before = snapshot(session, world.company_id) if expected is not True else None
    nested = session.begin_nested()
    try:
        action()
        session.flush()
    except KirjuriError as exc:
        nested.rollback()
        world.log.append(f"{label} → {exc.code}")
        assert 400 <= exc.status < 500, (label, exc.code, exc.status)
        assert expected is not True, f"{label} refused with {exc.code} {exc.field}; log: {world.log}"
        assert snapshot(session, world.company_id) == before, f"refused {label} ({exc.code}) changed rows"
        session.commit()
        return exc
    nested.commit()
    session.commit()
    world.log.append(f"{label} → ok")
    assert expected is not False, f"{label} done but the rules refuse it; log: {world.log}"
    return None


# --- the operations, each with its predicted outcome ---------------------------------------------------

# The transitions of the contract (§D.15), restated here rather than imported from rules.
ALLOWED_FROM = {
    "approve": {"UNFINISHED"},
    "invalidate": {"UNFINISHED", "APPROVED"},
    "unfinished": {"APPROVED", "INVALIDATED"},
}


def open_year_ids(books: naive.Books) -> set[int]:
    return {y.id for y in books.years if y.status != "CLOSED"}


def pick_receipt(books: naive.Books, target: int) -> naive.Receipt | None:
    """By `target`: ≥ 0 among the receipts of the years not closed (if any), < 0 among all."""
    found = sorted(books.receipts.values(), key=lambda r: r.id)
    if target >= 0:
        found = [r for r in found if r.fiscal_year_id in open_year_ids(books)] or found
    return found[target % len(found)] if found else None


def pick_period(books: naive.Books, target: int) -> naive.Period:
    found = books.periods
    if target >= 0:
        found = [p for p in found if p.year_id in open_year_ids(books)] or found
    return found[target % len(found)]


def run(world: World, op: Op) -> None:
    session, company_id = world.session, world.company_id
    books = naive.load(session, company_id=company_id, postings=isinstance(op, Resplit | Close))
    if isinstance(op, Post):
        draft, valid = realise(world, books, op.draft)
        attempt(
            world, f"post {draft.receipt_date}", valid and books.writable(draft.receipt_date),
            lambda: service.create_receipt(session, company_id=company_id, draft=draft, create_reconciliation=True),
        )  # fmt: skip
    elif isinstance(op, Put):
        put(world, books, op)
    elif isinstance(op, Act):
        receipt = pick_receipt(books, op.target)
        if receipt is not None:
            act(world, books, receipt, op.action)
    elif isinstance(op, Resplit):
        resplit(world, books, op)
    elif isinstance(op, SetPeriod):
        period = pick_period(books, op.target)
        year = next(y for y in books.years if y.id == period.year_id)
        expected = year.status == "OPEN" and (period.status, op.status) in {("OPEN", "PENDING"), ("PENDING", "OPEN")}
        attempt(
            world, f"period {period.start} {period.status}→{op.status}", expected,
            lambda: fiscal.set_period_status(session, company_id=company_id, year_id=period.year_id,
                                             period_id=period.id, status=op.status),
        )  # fmt: skip
    elif isinstance(op, OpenNext):
        attempt(world, "open next year", True, lambda: fiscal.open_next_year(session, company_id=company_id))
    else:
        close(world, books, op)
    if world.closed and world.log[-1].endswith("ok"):  # a refusal changed nothing (see `attempt`)
        check_closed_years(world, naive.load(session, company_id=company_id))


def put(world: World, books: naive.Books, op: Put) -> None:
    receipt = pick_receipt(books, op.target)
    if receipt is None:
        return
    draft, valid = realise(world, books, op.draft)
    year = books.year_of(draft.receipt_date)
    expected = (
        valid
        and receipt.type == rules.JOURNAL
        and receipt.status != rules.INVALIDATED
        and books.writable(receipt.day)
        and books.writable(draft.receipt_date)
        and year is not None
        and year.id == receipt.fiscal_year_id
    )
    attempt(
        world, f"put {receipt.id} {receipt.day}→{draft.receipt_date}", expected,
        lambda: service.replace_receipt(world.session, company_id=world.company_id, receipt_id=receipt.id,
                                        draft=draft, check_version=lambda _v: None, create_reconciliation=True),
    )  # fmt: skip


def act(world: World, books: naive.Books, receipt: naive.Receipt, action: str) -> None:
    expected = receipt.type == rules.JOURNAL and receipt.status in ALLOWED_FROM[action] and books.writable(receipt.day)
    attempt(
        world, f"{action} {receipt.id} ({receipt.status}, {receipt.day})", expected,
        lambda: service.transition(world.session, company_id=world.company_id, receipt_id=receipt.id, action=action),
    )  # fmt: skip


def resplit(world: World, books: naive.Books, op: Resplit) -> None:
    receipt = pick_receipt(books, op.target)
    if receipt is None:
        return
    own = [p for p in books.postings if p.receipt_id == receipt.id and p.kind != rules.VAT_ROW]
    if not own:
        return
    posting = own[op.row % len(own)]
    values = split_values(world, op.split, posting.amount)
    expected = receipt.type == rules.JOURNAL and receipt.status != rules.INVALIDATED and books.writable(receipt.day)
    attempt(
        world, f"resplit {receipt.id}/{posting.id}", expected,
        lambda: service.replace_dimensions(world.session, company_id=world.company_id, receipt_id=receipt.id,
                                           transaction_id=posting.id, values=values),
    )  # fmt: skip


def carried(books: naive.Books, year: naive.Year) -> dict[str, int]:
    """What closing `year` must carry into the next one: balance-sheet balances, result to equity."""
    out: dict[str, int] = defaultdict(int)
    for p in naive.postings_between(books, year.start, year.end, naive.NoFilter()):
        bs = books.account_types[p.account] in naive.BALANCE_SHEET_TYPES
        out[p.account if bs else books.roles["RETAINED_EARNINGS"]] += p.amount
    return naive.nonzero(out)


def close(world: World, books: naive.Books, op: Close) -> None:
    year = books.years[(earliest_open(books) + op.target) % len(books.years)]
    if op.finish:
        for receipt in sorted(books.receipts.values(), key=lambda r: r.id):
            if receipt.fiscal_year_id == year.id and receipt.status == rules.UNFINISHED:
                act(world, books, receipt, "approve")
        books = naive.load(world.session, company_id=world.company_id)
    earlier = [y for y in books.years if y.end < year.start]
    carry = carried(books, year)
    next_start = year.end + timedelta(days=1)
    expected = (
        year.status == "OPEN"
        and all(y.status == "CLOSED" for y in earlier)
        and not any(r.fiscal_year_id == year.id and r.status == rules.UNFINISHED for r in books.receipts.values())
        and (not carry or books.year_of(next_start) is None or books.writable(next_start))
    )
    refused = attempt(
        world, f"close {year.start}", expected,
        lambda: closing.close_year(world.session, company_id=world.company_id, year_id=year.id),
    )  # fmt: skip
    if refused is not None:
        return
    after = naive.load(world.session, company_id=world.company_id)
    world.closed[year.id] = dated_in(after, year)
    assert next(y for y in after.years if y.id == year.id).status == "CLOSED"
    assert all(p.status == "CLOSED" for p in after.periods if p.year_id == year.id)
    following = after.year_of(next_start)
    assert following is not None and following.status == "OPEN"
    openings = [r for r in after.receipts.values() if r.type == rules.OPENING_RECEIPT and r.day == next_start]
    if not carry:
        assert openings == []
        return
    assert len(openings) == 1 and openings[0].status == rules.APPROVED
    posted: dict[str, int] = defaultdict(int)
    for p in after.postings:
        if p.receipt_id == openings[0].id:
            posted[p.account] += p.amount
    assert naive.nonzero(posted) == carry


def dated_in(books: naive.Books, year: naive.Year) -> tuple[Any, ...]:
    """Everything of the books dated in `year`: its receipts (status, number …) and postings."""
    receipts = sorted(
        (r.id, r.type, r.status, r.day, r.number) for r in books.receipts.values() if year.start <= r.day <= year.end
    )
    postings = sorted(
        (p.id, p.receipt_id, p.account, p.amount, p.day, sorted(p.splits.items()))
        for p in books.postings
        if year.start <= p.day <= year.end
    )
    return tuple(receipts), tuple(postings)


def check_closed_years(world: World, books: naive.Books) -> None:
    """No path changes what is dated in a closed year: the same receipts and postings as at the close."""
    for year_id, at_close in world.closed.items():
        year = next(y for y in books.years if y.id == year_id)
        assert year.status == "CLOSED"
        assert dated_in(books, year) == at_close, f"a closed year changed; log: {world.log}"


# --- the end-of-example checks ------------------------------------------------------------------------------


def check_books(world: World, books: naive.Books) -> None:
    by_receipt: dict[int, int] = defaultdict(int)
    for p in books.postings:
        by_receipt[p.receipt_id] += p.amount
    assert set(by_receipt) == set(books.receipts), "a receipt without postings, or postings without a receipt"
    assert {r: s for r, s in by_receipt.items() if s} == {}, "a receipt does not balance"

    numbers: dict[int, list[int]] = defaultdict(list)
    for r in books.receipts.values():
        numbers[r.fiscal_year_id].append(r.number)
    for year_id, found in numbers.items():
        assert sorted(found) == list(range(1, len(found) + 1)), f"receipt numbers of year {year_id}: {sorted(found)}"

    stored: dict[naive.BalanceKey, tuple[int, int]] = {}
    table: Any = LedgerBalance.__table__
    for b in world.session.execute(select(table).where(table.c.company_id == world.company_id)):
        key = (b.period_id, b.account, b.receipt_status, b.vat_status, b.vat_side,
               Decimal(b.vat_percent).quantize(Decimal("0.01")), b.vat_kind, b.dimension_id, b.item_id)  # fmt: skip
        assert key not in stored
        if b.debit_minor or b.credit_minor:
            stored[key] = (int(b.debit_minor), int(b.credit_minor))
    assert stored == naive.balance_rows(books)


def report_filters(world: World) -> list[reports.ReportFilter]:
    out = [
        reports.ReportFilter(),
        reports.ReportFilter(statuses=frozenset({rules.APPROVED})),
        reports.ReportFilter(statuses=frozenset({rules.UNFINISHED, rules.INVALIDATED})),
        reports.ReportFilter(receipt_types=frozenset({rules.OPENING_RECEIPT})),
    ]
    for dimension_id, items in zip(world.dimension_ids, world.items, strict=True):
        out.append(reports.ReportFilter(dimension_id=dimension_id, item_id=items[0]))
        out.append(reports.ReportFilter(statuses=frozenset({rules.APPROVED}), dimension_id=dimension_id,
                                        item_id=items[1]))  # fmt: skip
    out.append(reports.ReportFilter(dimension_id=world.dimension_ids[1]))  # any item of the dimension
    return out


def check_reports(
    world: World, books: naive.Books, data: st.DataObject, ranges: list[tuple[date, date]], accounts: list[str]
) -> None:
    """Every report over every range: unfiltered, and under a few filters drawn per range (all of
    them every time would cost more than the time budget of the test)."""
    session, company_id = world.session, world.company_id
    every = report_filters(world)
    for start, end in ranges:
        drawn = data.draw(st.sampled_from(every[1:]), label="filter")
        for filt in (every[0], drawn):
            where = f"{start}..{end} {filt}; log: {world.log}"
            totals = reports.account_totals(session, company_id=company_id, start=start, end=end, filter=filt)
            want_totals = naive.account_totals(books, start, end, filt)
            assert {a: v for a, v in totals.items() if any(v)} == want_totals, where
            income = reports.income_statement_totals(session, company_id=company_id, start=start, end=end, filter=filt)
            want_income = naive.income_statement_totals(books, start, end, filt)
            assert naive.nonzero(income) == want_income, where
            for at in (start, end):
                got_bs = reports.balance_sheet_totals(session, company_id=company_id, at=at, filter=filt)
                want_bs = naive.balance_sheet_totals(books, at, filt)
                assert naive.nonzero(got_bs) == want_bs, f"balance sheet at {at}: {where}"
                if filt.dimension_id is None:
                    assert sum(want_bs.values()) == 0
            trial = reports.trial_balance(session, company_id=company_id, start=start, end=end, filter=filt)
            got_trial = {
                r.account: naive.TrialRow(r.account, r.opening, r.debit, r.credit, r.closing)
                for r in trial
                if any((r.opening, r.debit, r.credit, r.closing))
            }
            want_trial = naive.trial_balance(books, start, end, filt)
            assert got_trial == want_trial, f"trial balance {where}"
            if filt.dimension_id is None:
                assert sum(r.opening for r in want_trial.values()) == 0
                assert sum(r.closing for r in want_trial.values()) == 0
            for account in accounts:
                opening, lines = reports.general_ledger(
                    session, company_id=company_id, account=account, start=start, end=end, filter=filt
                )
                want_opening, want_lines = naive.general_ledger(books, account, start, end, filt)
                assert opening == want_opening, f"general ledger {account} opening {where}"
                got_lines = [
                    (line.receipt_date, line.receipt_number, line.transaction_id, line.amount) for line in lines
                ]
                assert got_lines == want_lines, f"general ledger {account} {where}"
        check_statements(world, books, start, end)


def check_statements(world: World, books: naive.Books, start: date, end: date) -> None:
    """The KPA and PMA layouts agree with the naive totals on their bottom lines: the result of the
    income statement, total assets, total equity and liabilities (equal to each other)."""
    session, company_id = world.session, world.company_id
    result = sum(naive.income_statement_totals(books, start, end).values())
    at_end = naive.balance_sheet_totals(books, end)
    assets = sum(v for a, v in at_end.items() if books.account_types[a] == "ASSET")
    for form, prefix in (("KPA", ""), ("PMA", "PMA.")):
        [income] = statement_reports.income_statements(session, company_id=company_id, spans=[(start, end)], form=form)
        shown = {line.key: line.value for line in income}
        assert shown[prefix + "IS.15"] == -result, f"{form} income statement {start}..{end}"
        [sheet] = statement_reports.balance_sheets(session, company_id=company_id, dates=[end], form=form)
        shown = {line.key: line.value for line in sheet}
        assert shown[prefix + "BS.A"] == assets, f"{form} balance sheet at {end}"
        assert shown[prefix + "BS.L"] == assets, f"{form} balance sheet at {end}"


# --- the test --------------------------------------------------------------------------------------------------


@settings(
    max_examples=20,
    deadline=None,
    # CI replays a fixed set of examples (a landing must not hinge on a lucky draw); every other
    # run explores new ones.
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(ops=st.lists(operations, min_size=12, max_size=24), data=st.data())
def test_random_operations_keep_the_books_and_the_reports_right(
    session_factory: sessionmaker[Session], ops: list[Op], data: st.DataObject
) -> None:
    world = new_world(session_factory)
    try:
        for op in ops:
            run(world, op)
        books = naive.load(world.session, company_id=world.company_id)
        check_closed_years(world, books)
        check_books(world, books)
        first, last = books.years[0].start, books.years[-1].end
        days = st.dates(min_value=first, max_value=last)
        ranges: list[tuple[date, date]] = []
        for _ in range(2):
            one, other = data.draw(st.tuples(days, days), label="range")
            ranges.append((min(one, other), max(one, other)))
        year = books.years[data.draw(st.integers(0, len(books.years) - 1), label="year")]
        ranges.append((year.start, year.end))
        used = sorted({p.account for p in books.postings}) or [books.roles["RESULT"]]
        account = data.draw(st.sampled_from(used), label="general ledger account")
        check_reports(world, books, data, ranges, [account])
    finally:
        world.session.rollback()
        world.session.close()


def test_a_refused_operation_is_detected_as_refused(session_factory: sessionmaker[Session]) -> None:
    """The harness itself: a draft the rules refuse is reported as refused, and a prediction of
    success for it fails the test (so the predictions above can fail)."""
    world = new_world(session_factory)
    try:
        books = naive.load(world.session, company_id=world.company_id)
        draft, valid = realise(world, books, Draft(0, 10, "SALES", (Row(0, 100, 0, 0, None),), None, "account"))
        assert not valid

        def post() -> object:
            return service.create_receipt(
                world.session, company_id=world.company_id, draft=draft, create_reconciliation=True
            )

        refused = attempt(world, "post", False, post)
        assert refused is not None and refused.code == "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION"
        with pytest.raises(AssertionError, match="refused with"):
            attempt(world, "post", True, post)
    finally:
        world.session.rollback()
        world.session.close()
