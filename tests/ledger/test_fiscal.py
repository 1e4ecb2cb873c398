"""Fiscal years, tracking periods and the year-end close against the real database.

What is checked: a new year must start the day after the latest one ends, end after it starts and
last at most 18 months, and is cut into calendar-month periods; periods move only OPEN ↔ PENDING
while the year is open; `close_year` closes years in order, refuses UNFINISHED receipts, carries
the balance-sheet balances and the result (to RETAINED_EARNINGS) into one approved opening receipt
of exactly the right cents, and leaves the year and its periods CLOSED — after which every write
dated in it is refused with CLOSED_FISCAL_PERIOD.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.api.versioning import check_version
from kirjuri.core.errors import KirjuriError
from kirjuri.ledger import accounts, chart, closing, fiscal, repository, rules, service
from kirjuri.ledger.models import FiscalYear, LedgerReceipt, TrackingPeriod
from tests.ledger.helpers import (
    BANK,
    PURCHASES,
    SALES,
    VAT_PAYABLE,
    VAT_RECEIVABLE,
    dimension_with_items,
    draft,
    entry,
    new_books,
)

YEAR = 2025  # a fixed year: the rates (25.5 %) and the calendar are known
RETAINED = chart.by_role(chart.Role.RETAINED_EARNINGS).code
SHARE_CAPITAL = next(a.code for a in chart.DEFAULT_CHART if a.line == "BS.L.A.I")


def periods_of(db: Session, company_id: int, year: FiscalYear) -> list[TrackingPeriod]:
    return list(
        db.scalars(
            select(TrackingPeriod)
            .where(TrackingPeriod.company_id == company_id, TrackingPeriod.fiscal_year_id == year.id)
            .order_by(TrackingPeriod.start_date)
        )
    )


def only_year(db: Session, company_id: int) -> FiscalYear:
    [(year, _periods)] = fiscal.years(db, company_id=company_id)
    return year


def post(db: Session, company_id: int, receipt: rules.ReceiptDraft, *, approve: bool = True) -> LedgerReceipt:
    created = service.create_receipt(db, company_id=company_id, draft=receipt)
    if approve:
        service.transition(db, company_id=company_id, receipt_id=created.id, action="approve")
    return created


@contextlib.contextmanager
def refused(code: str) -> Iterator[None]:
    with pytest.raises(KirjuriError) as caught:
        yield
    assert caught.value.code == code


# --- creating years -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (date(YEAR + 1, 1, 1), date(YEAR + 1, 12, 31), None),  # the next calendar year
        (date(YEAR + 1, 1, 1), date(YEAR + 2, 6, 30), None),  # 18 months: the longest allowed
        (date(YEAR + 1, 1, 1), date(YEAR + 1, 1, 1), None),  # one day
        (date(YEAR + 1, 1, 1), date(YEAR + 2, 7, 1), "FISCAL_YEAR_TOO_LONG"),  # 18 months and a day
        (date(YEAR + 1, 1, 2), date(YEAR + 1, 12, 31), "FISCAL_YEAR_NOT_CONTIGUOUS"),  # a gap of a day
        (date(YEAR, 12, 31), date(YEAR + 1, 12, 30), "FISCAL_YEAR_NOT_CONTIGUOUS"),  # overlaps the latest
        (date(YEAR - 1, 1, 1), date(YEAR - 1, 12, 31), "FISCAL_YEAR_NOT_CONTIGUOUS"),  # before the first
        (date(YEAR + 1, 1, 1), date(YEAR, 12, 31), "FISCAL_YEAR_END_BEFORE_START"),
    ],
)
def test_create_year_rules(db: Session, start: date, end: date, code: str | None) -> None:
    company_id = new_books(db, first_year=YEAR)
    if code is None:
        year = fiscal.create_year(db, company_id=company_id, start=start, end=end)
        assert (year.start_date, year.end_date, year.status) == (start, end, fiscal.OPEN)
        assert fiscal.years(db, company_id=company_id)[0][0].id == year.id  # newest first
    else:
        with pytest.raises(KirjuriError) as caught:
            fiscal.create_year(db, company_id=company_id, start=start, end=end)
        assert (caught.value.code, caught.value.status, caught.value.field) == (code, 400, "startDate")
        assert len(fiscal.years(db, company_id=company_id)) == 1


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (date(YEAR + 1, 12, 31), [(date(YEAR + 1, m, 1), rules.month_end(date(YEAR + 1, m, 1))) for m in range(1, 13)]),
        (
            date(YEAR + 1, 3, 15),
            [
                (date(YEAR + 1, 1, 1), date(YEAR + 1, 1, 31)),
                (date(YEAR + 1, 2, 1), date(YEAR + 1, 2, 28)),
                (date(YEAR + 1, 3, 1), date(YEAR + 1, 3, 15)),  # the last period is partial
            ],
        ),
    ],
)
def test_a_year_is_cut_into_monthly_open_periods(db: Session, end: date, expected: list[tuple[date, date]]) -> None:
    company_id = new_books(db, first_year=YEAR)
    year = fiscal.create_year(db, company_id=company_id, start=date(YEAR + 1, 1, 1), end=end)
    periods = periods_of(db, company_id, year)
    assert [(p.start_date, p.end_date) for p in periods] == expected
    assert {p.status for p in periods} == {fiscal.OPEN}
    assert len({p.id for p in periods}) == len(periods)


def test_a_new_company_has_this_calendar_year_in_twelve_periods(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    year = only_year(db, company_id)
    assert (year.start_date, year.end_date) == (date(YEAR, 1, 1), date(YEAR, 12, 31))
    assert len(periods_of(db, company_id, year)) == 12


@pytest.mark.parametrize(("months", "code"), [(12, None), (1, None), (18, None), (0, "FISCAL_YEAR_TOO_LONG"),
                                              (19, "FISCAL_YEAR_TOO_LONG"), (-3, "FISCAL_YEAR_TOO_LONG")])  # fmt: skip
def test_open_next_year(db: Session, months: int, code: str | None) -> None:
    company_id = new_books(db, first_year=YEAR)
    if code:
        with refused(code):
            fiscal.open_next_year(db, company_id=company_id, months=months)
        return
    year = fiscal.open_next_year(db, company_id=company_id, months=months)
    assert year.start_date == date(YEAR + 1, 1, 1)
    assert year.end_date == rules.add_months(date(YEAR + 1, 1, 1), months) - timedelta(days=1)
    assert len(periods_of(db, company_id, year)) == months


# --- period locks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "wanted", "allowed"),
    [
        (fiscal.OPEN, fiscal.PENDING, True),
        (fiscal.PENDING, fiscal.OPEN, True),
        (fiscal.OPEN, fiscal.OPEN, False),
        (fiscal.PENDING, fiscal.PENDING, False),
        (fiscal.OPEN, fiscal.CLOSED, False),
        (fiscal.PENDING, fiscal.CLOSED, False),
    ],
)
def test_period_transitions(db: Session, current: str, wanted: str, allowed: bool) -> None:
    company_id = new_books(db, first_year=YEAR)
    year = only_year(db, company_id)
    period = periods_of(db, company_id, year)[2]
    if current == fiscal.PENDING:
        fiscal.set_period_status(db, company_id=company_id, year_id=year.id, period_id=period.id, status=current)
    before = period.modified
    if allowed:
        changed = fiscal.set_period_status(
            db, company_id=company_id, year_id=year.id, period_id=period.id, status=wanted
        )
        assert changed.status == wanted and changed.modified > before
    else:
        with pytest.raises(KirjuriError) as caught:
            fiscal.set_period_status(db, company_id=company_id, year_id=year.id, period_id=period.id, status=wanted)
        assert (caught.value.code, caught.value.status) == ("INVALID_TRACKING_PERIOD_STATUS_CHANGE", 409)
        assert period.status == current


def test_period_of_another_year_or_company_is_not_found(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    other_id = new_books(db, first_year=YEAR)
    year = only_year(db, company_id)
    next_year = fiscal.open_next_year(db, company_id=company_id)
    period = periods_of(db, company_id, year)[0]
    with pytest.raises(KirjuriError) as caught:  # the period is not in that year
        fiscal.set_period_status(db, company_id=company_id, year_id=next_year.id, period_id=period.id, status="PENDING")
    assert (caught.value.code, caught.value.status) == ("NOT_FOUND", 404)
    with pytest.raises(KirjuriError) as caught:  # the ids exist, in another company
        fiscal.set_period_status(db, company_id=other_id, year_id=year.id + 1000, period_id=period.id, status="PENDING")
    assert caught.value.status == 404


def test_a_locked_period_refuses_postings_until_reopened(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    year = only_year(db, company_id)
    march = periods_of(db, company_id, year)[2]
    fiscal.set_period_status(db, company_id=company_id, year_id=year.id, period_id=march.id, status=fiscal.PENDING)
    with pytest.raises(KirjuriError) as caught:
        service.create_receipt(db, company_id=company_id, draft=draft(date(YEAR, 3, 31)))
    assert (caught.value.code, caught.value.status, caught.value.field) == ("CLOSED_FISCAL_PERIOD", 400, "receiptDate")
    service.create_receipt(db, company_id=company_id, draft=draft(date(YEAR, 4, 1)))  # the next month is open
    fiscal.set_period_status(db, company_id=company_id, year_id=year.id, period_id=march.id, status=fiscal.OPEN)
    assert service.create_receipt(db, company_id=company_id, draft=draft(date(YEAR, 3, 31))).period_id == march.id


def test_a_date_outside_every_year_is_not_writable(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    with refused("CLOSED_FISCAL_PERIOD"):
        service.create_receipt(db, company_id=company_id, draft=draft(date(YEAR + 1, 1, 1)))


# --- closing a year -----------------------------------------------------------------------------


def vat_sale(day: date, net: str) -> rules.ReceiptDraft:
    """A domestic sale at 25.5 %: the bank gets net + tax."""
    gross = Decimal(net) * Decimal("1.255")
    return draft(day, entry(SALES, f"-{net}", vat_percent="25.5"), entry(BANK, str(gross)), vat_type="SALES")


def vat_purchase(day: date, net: str) -> rules.ReceiptDraft:
    gross = Decimal(net) * Decimal("1.255")
    return draft(day, entry(PURCHASES, net, vat_percent="25.5"), entry(BANK, f"-{gross}"))


def test_close_year_posts_the_exact_opening_receipt(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    year = only_year(db, company_id)
    post(db, company_id, draft(date(YEAR, 1, 2), entry(BANK, "10000.00"), entry(SHARE_CAPITAL, "-10000.00")))
    post(db, company_id, vat_sale(date(YEAR, 2, 10), "1000.00"))  # bank +1255.00, VAT −255.00
    post(db, company_id, vat_purchase(date(YEAR, 5, 20), "200.00"))  # bank −251.00, VAT +51.00
    invalid = post(db, company_id, vat_sale(date(YEAR, 6, 1), "5000.00"), approve=False)
    service.transition(db, company_id=company_id, receipt_id=invalid.id, action="invalidate")  # adds nothing

    closed = closing.close_year(db, company_id=company_id, year_id=year.id)

    assert closed.status == fiscal.CLOSED
    assert {p.status for p in periods_of(db, company_id, year)} == {fiscal.CLOSED}
    next_year = fiscal.year_of(db, company_id=company_id, day=date(YEAR + 1, 1, 1))
    assert next_year is not None and next_year.status == fiscal.OPEN  # opened by the close
    [opening] = db.scalars(
        select(LedgerReceipt).where(LedgerReceipt.company_id == company_id, LedgerReceipt.type == rules.OPENING_RECEIPT)
    ).all()
    assert (opening.status, opening.receipt_date, opening.fiscal_year_id) == (
        rules.APPROVED,
        date(YEAR + 1, 1, 1),
        next_year.id,
    )
    assert opening.receipt_number == 1  # the first receipt of the new year
    rows, _splits = repository.postings_of(db, company_id=company_id, receipt_ids=[opening.id])
    assert sorted((r.account, r.amount_minor) for r in rows[opening.id]) == sorted(
        [
            (BANK, 1_000_000 + 125_500 - 25_100),
            (SHARE_CAPITAL, -1_000_000),
            (VAT_PAYABLE, -25_500),
            (VAT_RECEIVABLE, 5_100),
            (RETAINED, -(100_000 - 20_000)),  # the profit of the year, credit
        ]
    )
    assert all(r.kind == rules.ENTRY and not r.vat_percent for r in rows[opening.id])


def test_close_year_without_balances_posts_no_receipt(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    year = only_year(db, company_id)
    fiscal.open_next_year(db, company_id=company_id)
    closing.close_year(db, company_id=company_id, year_id=year.id)
    assert db.scalars(select(LedgerReceipt.id).where(LedgerReceipt.company_id == company_id)).all() == []
    assert len(fiscal.years(db, company_id=company_id)) == 2  # the existing next year was used


def test_a_result_only_year_carries_the_loss_to_retained_earnings(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    year = only_year(db, company_id)
    post(db, company_id, vat_purchase(date(YEAR, 3, 1), "80.00"))
    closing.close_year(db, company_id=company_id, year_id=year.id)
    opening = db.scalars(select(LedgerReceipt).where(LedgerReceipt.company_id == company_id,
                                                     LedgerReceipt.type == rules.OPENING_RECEIPT)).one()  # fmt: skip
    rows, _splits = repository.postings_of(db, company_id=company_id, receipt_ids=[opening.id])
    assert sorted((r.account, r.amount_minor) for r in rows[opening.id]) == sorted(
        [(BANK, -10_040), (VAT_RECEIVABLE, 2_040), (RETAINED, 8_000)]
    )


def test_years_close_in_order(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    first = only_year(db, company_id)
    second = fiscal.open_next_year(db, company_id=company_id)
    with pytest.raises(KirjuriError) as caught:
        closing.close_year(db, company_id=company_id, year_id=second.id)
    assert (caught.value.code, caught.value.status) == ("PREVIOUS_FISCAL_YEAR_NOT_CLOSED", 409)
    closing.close_year(db, company_id=company_id, year_id=first.id)
    closing.close_year(db, company_id=company_id, year_id=second.id)
    with pytest.raises(KirjuriError) as caught:
        closing.close_year(db, company_id=company_id, year_id=first.id)
    assert (caught.value.code, caught.value.status) == ("FISCAL_YEAR_ALREADY_CLOSED", 409)


def test_unfinished_receipts_block_the_close(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    year = only_year(db, company_id)
    pending = post(db, company_id, draft(date(YEAR, 8, 1)), approve=False)
    with pytest.raises(KirjuriError) as caught:
        closing.close_year(db, company_id=company_id, year_id=year.id)
    assert (caught.value.code, caught.value.status) == ("FISCAL_YEAR_HAS_UNFINISHED_RECEIPTS", 409)
    assert year.status == fiscal.OPEN
    service.transition(db, company_id=company_id, receipt_id=pending.id, action="approve")
    assert closing.close_year(db, company_id=company_id, year_id=year.id).status == fiscal.CLOSED


def test_close_year_of_another_company_is_not_found(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    other_id = new_books(db, first_year=YEAR)
    year = only_year(db, company_id)
    with pytest.raises(KirjuriError) as caught:
        closing.close_year(db, company_id=other_id, year_id=year.id + 10_000)
    assert caught.value.status == 404
    assert year.status == fiscal.OPEN


def test_nothing_dated_in_a_closed_year_changes_by_any_path(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    year = only_year(db, company_id)
    dimension_id, (item_id, _other) = dimension_with_items(db, company_id=company_id)
    approved = post(db, company_id, draft(date(YEAR, 6, 1)))
    closing.close_year(db, company_id=company_id, year_id=year.id)
    receipt = repository.get_receipt(db, company_id=company_id, receipt_id=approved.id)
    expense_row = repository.postings_of(db, company_id=company_id, receipt_ids=[receipt.id])[0][receipt.id][0]

    writes: dict[str, Callable[[], object]] = {
        "create": lambda: service.create_receipt(db, company_id=company_id, draft=draft(date(YEAR, 12, 31))),
        "replace": lambda: service.replace_receipt(
            db,
            company_id=company_id,
            receipt_id=receipt.id,
            draft=draft(date(YEAR, 6, 2)),
            check_version=functools.partial(check_version, given=receipt.version, required=True),
        ),
        "move into the open year": lambda: service.replace_receipt(
            db,
            company_id=company_id,
            receipt_id=receipt.id,
            draft=draft(date(YEAR + 1, 1, 5)),
            check_version=functools.partial(check_version, given=receipt.version, required=True),
        ),
        "invalidate": lambda: service.transition(db, company_id=company_id, receipt_id=receipt.id, action="invalidate"),
        "unfinished": lambda: service.transition(db, company_id=company_id, receipt_id=receipt.id, action="unfinished"),
        "dimensions": lambda: service.replace_dimensions(
            db,
            company_id=company_id,
            receipt_id=receipt.id,
            transaction_id=expense_row.id,
            values=[rules.DimensionValue(dimension_id, item_id, Decimal("100.00"))],
        ),
    }
    for name, write in writes.items():
        with pytest.raises(KirjuriError) as caught:
            write()
        assert (caught.value.code, caught.value.status) == ("CLOSED_FISCAL_PERIOD", 400), name
    assert receipt.status == rules.APPROVED and receipt.receipt_date == date(YEAR, 6, 1)

    period = periods_of(db, company_id, year)[0]
    for status in (fiscal.OPEN, fiscal.PENDING):  # a closed period is never reopened nor locked
        with pytest.raises(KirjuriError) as caught:
            fiscal.set_period_status(db, company_id=company_id, year_id=year.id, period_id=period.id, status=status)
        assert caught.value.status == 409
    with refused("CLOSED_FISCAL_PERIOD"):
        fiscal.writable_period(db, company_id=company_id, day=date(YEAR, 1, 1))
    assert accounts.has_postings(db, company_id=company_id, code=BANK)
