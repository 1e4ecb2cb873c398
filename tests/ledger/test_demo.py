"""The sandbox's demo books (`ledger.demo`), created once for the module through `create_sandbox`.

What is checked: the sandbox company has the default chart, the previous year CLOSED and this year
OPEN with monthly periods, the two dimensions with their items, a year of receipts (approved, one
invalidated, a few unfinished at the end) with gap-free numbers; every receipt balances, the trial
balance sums to zero, the balance table equals the postings; the VAT accounts are settled every
month; the seeder never touches books that are not brand new.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.core import clock
from kirjuri.core import vat as vat_rules
from kirjuri.invoicing.models import PaymentEvent
from kirjuri.ledger import accounts, chart, demo, dimensions, fiscal, rules
from kirjuri.ledger.models import LedgerReceipt, LedgerTransaction, TrackingPeriod, TransactionDimension
from kirjuri.sandbox.service import create_sandbox
from tests.ledger.helpers import assert_balances_match, new_books

TODAY = clock.now().date()


@dataclass(frozen=True)
class Sandbox:
    company_id: int
    user_id: int


@pytest.fixture(scope="module")
def sandbox(session_factory: sessionmaker[Session]) -> Sandbox:
    with session_factory() as session:
        credentials = create_sandbox(session, name="Demo Oy")
        session.commit()
        user_id = session.scalars(
            select(LedgerReceipt.created_by).where(LedgerReceipt.company_id == credentials.company_id).limit(1)
        ).one()
        assert user_id is not None
        return Sandbox(credentials.company_id, user_id)


def receipts(db: Session, company_id: int) -> list[LedgerReceipt]:
    return list(
        db.scalars(select(LedgerReceipt).where(LedgerReceipt.company_id == company_id).order_by(LedgerReceipt.id))
    )


def test_the_demo_accounts_exist_in_the_default_chart() -> None:
    codes = {a.code: a for a in chart.DEFAULT_CHART}
    assert set(demo.ACCOUNTS) <= set(codes), set(demo.ACCOUNTS) - set(codes)


def test_the_sandbox_has_the_chart_two_years_and_monthly_periods(sandbox: Sandbox, db: Session) -> None:
    company_id = sandbox.company_id
    assert [a.code for a in accounts.chart_of(db, company_id=company_id)] == [a.code for a in chart.DEFAULT_CHART]
    found = fiscal.years(db, company_id=company_id)
    assert [(y.start_date, y.end_date, y.status) for y, _p in found] == [
        (date(TODAY.year, 1, 1), date(TODAY.year, 12, 31), fiscal.OPEN),
        (date(TODAY.year - 1, 1, 1), date(TODAY.year - 1, 12, 31), fiscal.CLOSED),
    ]
    (_current, current_periods), (_previous, previous_periods) = found
    assert [p.start_date.month for p in current_periods] == list(range(1, 13))
    assert [p.start_date.month for p in previous_periods] == list(range(1, 13))
    assert {p.status for p in previous_periods} == {fiscal.CLOSED}
    assert {p.status for p in current_periods} == {fiscal.OPEN}


def test_the_sandbox_has_two_dimensions_with_items(sandbox: Sandbox, db: Session) -> None:
    found = dimensions.dimensions(db, company_id=sandbox.company_id)
    assert {d.name: {(i.code_name, i.active) for i in items} for d, items in found} == {
        "Kustannuspaikka": {("Myynti", True), ("Hallinto", True), ("Tuotanto", True)},
        "Projekti": {("P100", True), ("P200", True), ("P300", True), ("P050", False)},
    }
    splits = db.scalar(
        select(func.count())
        .select_from(TransactionDimension)
        .where(TransactionDimension.company_id == sandbox.company_id)
    )
    assert splits and splits > 100


def test_a_year_of_receipts_with_gap_free_numbers(sandbox: Sandbox, db: Session) -> None:
    found = receipts(db, sandbox.company_id)
    by_year: dict[int, list[LedgerReceipt]] = defaultdict(list)
    for receipt in found:
        by_year[receipt.receipt_date.year].append(receipt)
    previous, current = by_year[TODAY.year - 1], by_year[TODAY.year]
    assert 70 <= len(previous) <= 120
    assert len(found) <= 300  # the sandbox must stay quick to create
    assert {r.receipt_date.month for r in previous} == set(range(1, 13))
    assert [r.status for r in previous].count(rules.INVALIDATED) == 1
    assert {r.status for r in previous} == {rules.APPROVED, rules.INVALIDATED}
    for year_receipts in (previous, current):
        numbers = sorted(r.receipt_number for r in year_receipts)
        assert numbers == list(range(1, len(numbers) + 1))
    opening = [r for r in current if r.type == rules.OPENING_RECEIPT]
    assert len(opening) == 1 and opening[0].receipt_number == 1 and opening[0].receipt_date == date(TODAY.year, 1, 1)
    # The ledger demo's own journals: not the payments the invoicing demo posts as journals.
    payments = set(
        db.scalars(select(PaymentEvent.ledger_receipt_id).where(PaymentEvent.company_id == sandbox.company_id))
    )
    journals = [r for r in current if r.type == rules.JOURNAL and r.id not in payments]
    unfinished = [r for r in journals if r.status == rules.UNFINISHED]
    assert len(unfinished) <= demo.UNFINISHED_AT_END
    assert all(r.receipt_date <= TODAY for r in current)
    if TODAY.timetuple().tm_yday > 31:  # from February on the current year has its own months of receipts
        assert len(unfinished) == demo.UNFINISHED_AT_END
        assert len(journals) > 5
        latest = sorted(journals, key=lambda r: (r.receipt_date, r.id))[-demo.UNFINISHED_AT_END :]
        assert {r.status for r in latest} == {rules.UNFINISHED}


def test_every_receipt_balances_and_the_trial_balance_is_zero(sandbox: Sandbox, db: Session) -> None:
    company_id = sandbox.company_id
    sums = {
        receipt_id: total
        for receipt_id, total in db.execute(
            select(LedgerTransaction.receipt_id, func.sum(LedgerTransaction.amount_minor))
            .where(LedgerTransaction.company_id == company_id)
            .group_by(LedgerTransaction.receipt_id)
        )
    }
    assert len(sums) == len(receipts(db, company_id))
    assert set(sums.values()) == {0}
    counted = db.scalar(
        select(func.sum(LedgerTransaction.amount_minor))
        .join(
            LedgerReceipt,
            (LedgerReceipt.company_id == LedgerTransaction.company_id)
            & (LedgerReceipt.id == LedgerTransaction.receipt_id),
        )
        .where(LedgerTransaction.company_id == company_id, LedgerReceipt.status.not_in(rules.NOT_COUNTED))
    )
    assert counted == 0
    assert_balances_match(db, company_id=company_id)


def test_vat_is_charged_at_the_rates_of_the_date_and_settled_monthly(sandbox: Sandbox, db: Session) -> None:
    company_id = sandbox.company_id
    rows = db.execute(
        select(LedgerTransaction.entry_date, LedgerTransaction.vat_percent, LedgerTransaction.vat_status).where(
            LedgerTransaction.company_id == company_id, LedgerTransaction.vat_role == "OUTPUT"
        )
    ).all()
    statuses = {status for _d, _p, status in rows}
    assert {vat_rules.DOMESTIC, vat_rules.EU_SERVICES} <= statuses  # domestic sales and a reverse charge
    for day, percent, _status in rows:
        assert percent in vat_rules.rates_on(day).values()
    reduced = vat_rules.RateClass.REDUCED
    assert any(percent == vat_rules.rates_on(day)[reduced] for day, percent, _status in rows)  # cash sales
    # After each month's VAT settlement the output and input VAT accounts are empty for that month.
    per_period: dict[int, int] = defaultdict(int)
    for period_id, amount in db.execute(
        select(LedgerTransaction.period_id, LedgerTransaction.amount_minor)
        .join(
            LedgerReceipt,
            (LedgerReceipt.company_id == LedgerTransaction.company_id)
            & (LedgerReceipt.id == LedgerTransaction.receipt_id),
        )
        .where(
            LedgerTransaction.company_id == company_id,
            LedgerTransaction.account.in_((demo.VAT_PAYABLE, demo.VAT_RECEIVABLE)),
            LedgerReceipt.status.not_in(rules.NOT_COUNTED),
            LedgerReceipt.type == rules.JOURNAL,
        )
    ):
        per_period[period_id] += amount
    closed_months = db.scalars(
        select(TrackingPeriod.id).where(TrackingPeriod.company_id == company_id, TrackingPeriod.end_date < TODAY)
    ).all()
    assert closed_months
    assert {per_period.get(period_id, 0) for period_id in closed_months} == {0}


def test_the_demo_company_makes_a_profit_and_has_money_in_the_bank(sandbox: Sandbox, db: Session) -> None:
    balances: dict[str, int] = defaultdict(int)
    for account, amount in db.execute(
        select(LedgerTransaction.account, LedgerTransaction.amount_minor)
        .join(
            LedgerReceipt,
            (LedgerReceipt.company_id == LedgerTransaction.company_id)
            & (LedgerReceipt.id == LedgerTransaction.receipt_id),
        )
        .where(LedgerTransaction.company_id == sandbox.company_id, LedgerReceipt.type == rules.OPENING_RECEIPT)
    ):
        balances[account] += amount
    retained = chart.by_role(chart.Role.RETAINED_EARNINGS).code
    assert balances[retained] < 0  # last year's result, a profit, carried to equity as a credit
    assert balances[demo.BANK] > 0


def test_the_seeder_leaves_books_that_are_not_new_alone(db: Session) -> None:
    company_id = new_books(db, first_year=TODAY.year - 1)  # its first year is not this year
    demo.seed_ledger(db, company_id, 0)
    assert receipts(db, company_id) == []
    assert dimensions.dimensions(db, company_id=company_id) == []
    assert len(fiscal.years(db, company_id=company_id)) == 1

    this_year = new_books(db, first_year=TODAY.year)
    fiscal.open_next_year(db, company_id=this_year)  # two years already: not brand new
    demo.seed_ledger(db, this_year, 0)
    assert receipts(db, this_year) == [] and len(fiscal.years(db, company_id=this_year)) == 2


def test_the_seeder_runs_once(sandbox: Sandbox, db: Session) -> None:
    before = len(receipts(db, sandbox.company_id))
    demo.seed_ledger(db, sandbox.company_id, sandbox.user_id)
    assert len(receipts(db, sandbox.company_id)) == before
    assert len(dimensions.dimensions(db, company_id=sandbox.company_id)) == 2
