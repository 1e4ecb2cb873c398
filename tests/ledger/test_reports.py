"""`ledger.reports` against the real database: small ledgers posted through the receipt service,
every expected number worked out by hand in the comments.

The books: calendar years 2025 and 2026 (2025 open until a test closes it).

    R1 2025-01-10 APPROVED  bank 1910 +1000.00 / share capital 2000 −1000.00
    R2 2025-02-15 APPROVED  sales 3000 −200.00 at 25.5 % (VAT row 2930 −51.00) / bank +251.00
    R3 2025-03-20 APPROVED  wages 5000 +50.00 / bank −50.00
    R4 2026-04-10 APPROVED  bank +10.00 / sales 3000 −10.00 (no VAT)

2025: result = 200 − 50 = 150.00 profit (ledger −15000 cents); bank 1201.00, VAT payable −51.00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.ledger import closing, fiscal, reports, rules, service, statement_reports
from kirjuri.ledger.models import FiscalYear
from kirjuri.ledger.reports import ReportFilter
from tests.ledger.helpers import BANK, SALES, VAT_PAYABLE, dimension_with_items, draft, entry, new_books, set_year

CAPITAL = "2000"
WAGES = "5000"
MACHINES = "1160"
DEPRECIATION = "6830"
RETAINED = "2250"
LOAN = "2630"
RESULT = "2370"
APPROVED = frozenset({rules.APPROVED})


@dataclass
class Books:
    company_id: int
    year_2025: int


def post(db: Session, company_id: int, when: date, *entries: rules.EntryDraft, status: str = rules.APPROVED,
         vat_type: str = "PURCHASE", vat_status: int | None = None, name: str = "Tosite") -> int:  # fmt: skip
    receipt = service.create_receipt(
        db,
        company_id=company_id,
        draft=draft(when, *entries, vat_type=vat_type, vat_status=vat_status, name=name),
        status=status,
    )
    return receipt.id


@pytest.fixture()
def books(db: Session) -> Books:
    company_id = new_books(db, first_year=2025)
    set_year(db, company_id=company_id, year=2026)
    post(db, company_id, date(2025, 1, 10), entry(BANK, "1000.00"), entry(CAPITAL, "-1000.00"))
    post(
        db,
        company_id,
        date(2025, 2, 15),
        entry(SALES, "-200.00", vat_percent="25.5"),
        entry(BANK, "251.00"),
        vat_type="SALES",
        vat_status=1,
    )
    post(db, company_id, date(2025, 3, 20), entry(WAGES, "50.00"), entry(BANK, "-50.00"))
    post(db, company_id, date(2026, 4, 10), entry(BANK, "10.00"), entry(SALES, "-10.00"))
    year = db.scalars(
        select(FiscalYear).where(FiscalYear.company_id == company_id, FiscalYear.start_date == date(2025, 1, 1))
    ).one()
    return Books(company_id, year.id)


# --- totals of a range ----------------------------------------------------------------------------------


def test_account_totals_of_whole_periods(db: Session, books: Books) -> None:
    got = reports.account_totals(db, company_id=books.company_id, start=date(2025, 1, 1), end=date(2025, 3, 31))
    assert got == {
        BANK: (100000 + 25100, 5000),
        CAPITAL: (0, 100000),
        SALES: (0, 20000),
        VAT_PAYABLE: (0, 5100),
        WAGES: (5000, 0),
    }


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Both ends cut February/March in the middle: only R2 (15.2.) is inside.
        (date(2025, 2, 10), date(2025, 3, 19), {BANK: (25100, 0), SALES: (0, 20000), VAT_PAYABLE: (0, 5100)}),
        # Just after R2 up to R3's day: R3 only.
        (date(2025, 2, 16), date(2025, 3, 20), {WAGES: (5000, 0), BANK: (0, 5000)}),
        # One day, no postings.
        (date(2025, 2, 16), date(2025, 2, 16), {}),
        # A whole month and a cut one: January whole (R1), February up to the 15th (R2).
        (
            date(2025, 1, 1),
            date(2025, 2, 15),
            {BANK: (125100, 0), CAPITAL: (0, 100000), SALES: (0, 20000), VAT_PAYABLE: (0, 5100)},
        ),
        # Across the year boundary: R3 and R4.
        (
            date(2025, 3, 20),
            date(2026, 4, 10),
            {WAGES: (5000, 0), BANK: (1000, 5000), SALES: (0, 1000)},
        ),
    ],
)
def test_account_totals_at_edges_of_periods(
    db: Session, books: Books, start: date, end: date, expected: dict[str, tuple[int, int]]
) -> None:
    assert reports.account_totals(db, company_id=books.company_id, start=start, end=end) == expected


def test_income_statement_totals(db: Session, books: Books) -> None:
    year = reports.income_statement_totals(
        db, company_id=books.company_id, start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    assert year == {SALES: -20000, WAGES: 5000}
    cut = reports.income_statement_totals(
        db, company_id=books.company_id, start=date(2025, 2, 16), end=date(2026, 6, 1)
    )
    assert cut == {WAGES: 5000, SALES: -1000}


# --- the balance sheet and the carry rule ---------------------------------------------------------------


def test_balance_sheet_of_the_year_so_far_puts_the_result_on_the_result_account(db: Session, books: Books) -> None:
    got = reports.balance_sheet_totals(db, company_id=books.company_id, at=date(2025, 2, 28))
    # R1 and R2: result so far is the sale, −200.00.
    assert got == {BANK: 125100, CAPITAL: -100000, VAT_PAYABLE: -5100, RESULT: -20000}
    assert sum(got.values()) == 0
    assert reports.balance_sheet_totals(db, company_id=books.company_id, at=date(2024, 12, 31)) == {}


# Before closing 2025 the report carries it; after closing the opening receipt carries it: same numbers.
AT_2026_04_30 = {BANK: 121100, CAPITAL: -100000, VAT_PAYABLE: -5100, RETAINED: -15000, RESULT: -1000}
AT_2025_12_31 = {BANK: 120100, CAPITAL: -100000, VAT_PAYABLE: -5100, RESULT: -15000}


def test_balance_sheet_carries_an_open_earlier_year(db: Session, books: Books) -> None:
    assert reports.balance_sheet_totals(db, company_id=books.company_id, at=date(2026, 4, 30)) == AT_2026_04_30
    assert reports.balance_sheet_totals(db, company_id=books.company_id, at=date(2025, 12, 31)) == AT_2025_12_31


def test_balance_sheet_is_the_same_after_closing_the_year(db: Session, books: Books) -> None:
    closing.close_year(db, company_id=books.company_id, year_id=books.year_2025)
    assert reports.balance_sheet_totals(db, company_id=books.company_id, at=date(2026, 4, 30)) == AT_2026_04_30
    assert reports.balance_sheet_totals(db, company_id=books.company_id, at=date(2025, 12, 31)) == AT_2025_12_31
    # The opening receipt is a posting of 1.1.2026: the balance sheet of that day is the carry.
    assert reports.balance_sheet_totals(db, company_id=books.company_id, at=date(2026, 1, 1)) == {
        BANK: 120100,
        CAPITAL: -100000,
        VAT_PAYABLE: -5100,
        RETAINED: -15000,
    }


def test_carry_of_two_open_years(db: Session, books: Books) -> None:
    set_year(db, company_id=books.company_id, year=2027)
    post(db, books.company_id, date(2027, 2, 1), entry(WAGES, "7.00"), entry(BANK, "-7.00"))
    got = reports.balance_sheet_totals(db, company_id=books.company_id, at=date(2027, 2, 1))
    # 2025 and 2026 are both open: both results (−150.00 and −10.00) on retained earnings.
    assert got == {BANK: 120400, CAPITAL: -100000, VAT_PAYABLE: -5100, RETAINED: -16000, RESULT: 700}


# --- the trial balance ---------------------------------------------------------------------------------


def rows_of(trial: list[reports.TrialBalanceRow]) -> dict[str, tuple[int, int, int, int]]:
    return {r.account: (r.opening, r.debit, r.credit, r.closing) for r in trial}


def test_trial_balance_opens_with_the_carry_and_sums_to_zero(db: Session, books: Books) -> None:
    trial = reports.trial_balance(db, company_id=books.company_id, start=date(2026, 1, 1), end=date(2026, 4, 30))
    assert rows_of(trial) == {
        BANK: (120100, 1000, 0, 121100),
        CAPITAL: (-100000, 0, 0, -100000),
        RETAINED: (-15000, 0, 0, -15000),
        SALES: (0, 0, 1000, -1000),
        VAT_PAYABLE: (-5100, 0, 0, -5100),
    }
    assert [r.account for r in trial] == sorted(r.account for r in trial)
    assert sum(r.opening for r in trial) == 0
    assert sum(r.closing for r in trial) == 0
    assert next(r.name for r in trial if r.account == BANK) == "Pankkitili"


def test_trial_balance_within_a_year_keeps_the_results_on_their_accounts(db: Session, books: Books) -> None:
    # From the morning of 16.2.2025: R1 and R2 behind, the sale stays on 3000 (same fiscal year).
    trial = reports.trial_balance(db, company_id=books.company_id, start=date(2025, 2, 16), end=date(2025, 3, 25))
    assert rows_of(trial) == {
        BANK: (125100, 0, 5000, 120100),
        CAPITAL: (-100000, 0, 0, -100000),
        SALES: (-20000, 0, 0, -20000),
        VAT_PAYABLE: (-5100, 0, 0, -5100),
        WAGES: (0, 5000, 0, 5000),
    }
    assert sum(r.opening for r in trial) == sum(r.closing for r in trial) == 0


def test_trial_balance_after_closing_shows_the_opening_receipt_as_postings(db: Session, books: Books) -> None:
    before = rows_of(
        reports.trial_balance(db, company_id=books.company_id, start=date(2026, 1, 1), end=date(2026, 4, 30))
    )
    closing.close_year(db, company_id=books.company_id, year_id=books.year_2025)
    after = reports.trial_balance(db, company_id=books.company_id, start=date(2026, 1, 1), end=date(2026, 4, 30))
    # Nothing to carry on the morning of 1.1.2026 any more; the opening receipt is a posting of that day.
    assert all(r.opening == 0 for r in after)
    assert {a: r[3] for a, r in before.items()} == {r.account: r.closing for r in after}
    assert rows_of(after)[BANK] == (0, 121100, 0, 121100)
    assert sum(r.closing for r in after) == 0


# --- filters ---------------------------------------------------------------------------------------------


def test_status_filter_and_invalidated_receipts(db: Session, books: Books) -> None:
    company_id = books.company_id
    post(db, company_id, date(2026, 5, 5), entry(WAGES, "30.00"), entry(BANK, "-30.00"), status=rules.UNFINISHED)
    gone = post(db, company_id, date(2026, 5, 6), entry(WAGES, "99.00"), entry(BANK, "-99.00"))
    service.transition(db, company_id=company_id, receipt_id=gone, action="invalidate")
    span = {"start": date(2026, 5, 1), "end": date(2026, 5, 31)}
    assert reports.income_statement_totals(db, company_id=company_id, **span) == {WAGES: 3000}
    only_approved = ReportFilter(statuses=APPROVED)
    assert reports.income_statement_totals(db, company_id=company_id, **span, filter=only_approved) == {}
    unfinished = ReportFilter(statuses=frozenset({rules.UNFINISHED}))
    assert reports.income_statement_totals(db, company_id=company_id, **span, filter=unfinished) == {WAGES: 3000}
    # An invalidated receipt counts under no filter, also when named.
    invalidated = ReportFilter(statuses=frozenset({rules.INVALIDATED}))
    assert reports.account_totals(db, company_id=company_id, **span, filter=invalidated) == {}
    # The same through the edge path (a range cutting May).
    cut = {"start": date(2026, 5, 5), "end": date(2026, 5, 6)}
    assert reports.account_totals(db, company_id=company_id, **cut) == {WAGES: (3000, 0), BANK: (0, 3000)}
    assert reports.account_totals(db, company_id=company_id, **cut, filter=only_approved) == {}


def test_dimension_filter(db: Session, books: Books) -> None:
    company_id = books.company_id
    dimension, (item_a, item_b) = dimension_with_items(db, company_id=company_id)
    post(
        db,
        company_id,
        date(2026, 6, 10),
        entry(WAGES, "100.00", dims=[(dimension, item_a, "60.00"), (dimension, item_b, "40.00")]),
        entry(BANK, "-100.00"),
    )
    june = {"start": date(2026, 6, 1), "end": date(2026, 6, 30)}
    on_a = ReportFilter(dimension_id=dimension, item_id=item_a)
    on_b = ReportFilter(dimension_id=dimension, item_id=item_b)
    whole = ReportFilter(dimension_id=dimension)
    assert reports.income_statement_totals(db, company_id=company_id, **june, filter=on_a) == {WAGES: 6000}
    assert reports.income_statement_totals(db, company_id=company_id, **june, filter=on_b) == {WAGES: 4000}
    assert reports.income_statement_totals(db, company_id=company_id, **june, filter=whole) == {WAGES: 10000}
    # Cutting June in the middle reads the split rows of the postings.
    cut = {"start": date(2026, 6, 5), "end": date(2026, 6, 20)}
    assert reports.account_totals(db, company_id=company_id, **cut, filter=on_a) == {WAGES: (6000, 0)}
    assert reports.account_totals(db, company_id=company_id, **cut, filter=whole) == {WAGES: (10000, 0)}
    # Only what was split onto the item: the bank row carries no split, so this does not balance.
    at_june = reports.balance_sheet_totals(db, company_id=company_id, at=date(2026, 6, 30), filter=on_a)
    assert at_june == {RESULT: 6000}
    opening, lines = reports.general_ledger(db, company_id=company_id, account=WAGES, filter=on_b, **cut)
    assert (opening, [line.amount for line in lines]) == (0, [4000])


# --- the general ledger ----------------------------------------------------------------------------------


def test_general_ledger(db: Session, books: Books) -> None:
    company_id = books.company_id
    late = post(db, company_id, date(2026, 4, 20), entry(BANK, "-3.00", description="Kahvi"), entry(WAGES, "3.00"),
                status=rules.UNFINISHED)  # fmt: skip
    opening, lines = reports.general_ledger(
        db, company_id=company_id, account=BANK, start=date(2026, 4, 1), end=date(2026, 4, 30)
    )
    assert opening == 120100
    assert [(line.receipt_date, line.amount, line.status) for line in lines] == [
        (date(2026, 4, 10), 1000, rules.APPROVED),
        (date(2026, 4, 20), -300, rules.UNFINISHED),
    ]
    assert lines[1].receipt_id == late and lines[1].description == "Kahvi" and lines[1].receipt_number == 2
    approved = reports.general_ledger(
        db, company_id=company_id, account=BANK, start=date(2026, 4, 1), end=date(2026, 4, 30),
        filter=ReportFilter(statuses=APPROVED),
    )  # fmt: skip
    assert [line.amount for line in approved[1]] == [1000]
    by_text = reports.general_ledger(
        db, company_id=company_id, account=BANK, start=date(2026, 4, 1), end=date(2026, 4, 30), description="KAHV"
    )
    assert [line.amount for line in by_text[1]] == [-300]
    by_number = reports.general_ledger(
        db, company_id=company_id, account=BANK, start=date(2026, 4, 1), end=date(2026, 4, 30),
        receipt_numbers=[(1, 1)],
    )  # fmt: skip
    assert [line.amount for line in by_number[1]] == [1000]


def test_general_ledger_lists_the_vat_postings(db: Session, books: Books) -> None:
    opening, lines = reports.general_ledger(
        db, company_id=books.company_id, account=VAT_PAYABLE, start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    assert opening == 0
    assert [(line.amount, line.kind, line.vat_percent) for line in lines] == [(-5100, rules.VAT_ROW, Decimal("25.5"))]


# --- statements and the cash flow --------------------------------------------------------------------------


def line_values(lines: list[statement_reports.ReportLine]) -> dict[str, int]:
    return {line.key: line.value for line in lines}


def test_income_statement_and_balance_sheet_layouts(db: Session, books: Books) -> None:
    company_id = books.company_id
    [income] = statement_reports.income_statements(
        db, company_id=company_id, spans=[(date(2025, 1, 1), date(2025, 12, 31))]
    )
    values = line_values(income)
    assert values["IS.1"] == 20000 and values["IS.6.a"] == -5000 and values["IS.9"] == 15000
    assert values["IS.15"] == 15000
    assert next(line.name for line in income if line.key == "IS.1") == "Liikevaihto"
    [english] = statement_reports.income_statements(
        db, company_id=company_id, spans=[(date(2025, 1, 1), date(2025, 12, 31))], language="ENGLISH"
    )
    assert next(line.name for line in english if line.key == "IS.1") == "Turnover"
    sheets = statement_reports.balance_sheets(db, company_id=company_id, dates=[date(2025, 12, 31), date(2026, 4, 30)])
    for sheet, bank, total in ((sheets[0], 120100, 120100), (sheets[1], 121100, 121100)):
        values = line_values(sheet)
        assert values["BS.A.B.IV"] == bank
        assert values["BS.A"] == values["BS.L"] == total
    assert line_values(sheets[0])["BS.L.A.VII"] == 15000
    assert line_values(sheets[1])["BS.L.A.VI"] == 15000 and line_values(sheets[1])["BS.L.A.VII"] == 1000
    [pma] = statement_reports.balance_sheets(db, company_id=company_id, dates=[date(2026, 4, 30)], form="PMA")
    assert line_values(pma)["PMA.BS.A"] == line_values(pma)["PMA.BS.L"] == 121100


def test_cash_flow_of_a_year(db: Session, books: Books) -> None:
    [flow] = statement_reports.cash_flows(
        db, company_id=books.company_id, spans=[(date(2025, 1, 1), date(2025, 12, 31))]
    )
    values = line_values(flow)
    # Operating: profit 150.00 + VAT owed 51.00 (working capital); financing: share capital 1000.00.
    assert values == {
        "CF.OPERATING_PROFIT": 15000,
        "CF.DEPRECIATION": 0,
        "CF.FINANCIAL_ITEMS": 0,
        "CF.PROVISIONS": 0,
        "CF.WORKING_CAPITAL": 5100,
        "CF.OPERATING": 20100,
        "CF.INVESTING": 0,
        "CF.FINANCING": 100000,
        "CF.CHANGE_IN_CASH": 120100,
        "CF.CASH_AT_START": 0,
        "CF.CASH_AT_END": 120100,
    }


def cash_change(db: Session, company_id: int, start: date, end: date) -> int:
    """Δ of the 1900–1999 accounts, straight from the balance sheets on the eve and the last day."""
    before = reports.balance_sheet_totals(db, company_id=company_id, at=start - timedelta(days=1))
    after = reports.balance_sheet_totals(db, company_id=company_id, at=end)
    return sum(v for a, v in after.items() if a.startswith("19")) - sum(
        v for a, v in before.items() if a.startswith("19")
    )


@pytest.mark.parametrize("close_2025", [False, True])
def test_cash_flow_change_in_cash_is_the_change_of_the_cash_accounts(
    db: Session, books: Books, close_2025: bool
) -> None:
    company_id = books.company_id
    # 2026: a machine bought for 500.00 and depreciated 100.00, a loan of 300.00, interest 4.00.
    post(db, company_id, date(2026, 2, 3), entry(MACHINES, "500.00"), entry(BANK, "-500.00"))
    post(db, company_id, date(2026, 2, 28), entry(DEPRECIATION, "100.00"), entry(MACHINES, "-100.00"))
    post(db, company_id, date(2026, 3, 14), entry(BANK, "300.00"), entry(LOAN, "-300.00"))
    post(db, company_id, date(2026, 3, 31), entry("9600", "4.00"), entry(BANK, "-4.00"))
    post(db, company_id, date(2026, 3, 31), entry("1940", "50.00"), entry(BANK, "-50.00"))
    if close_2025:
        closing.close_year(db, company_id=company_id, year_id=books.year_2025)
    spans = [
        (date(2025, 12, 1), date(2026, 3, 31)),  # across the year end (and the opening receipt, once closed)
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 2, 10), date(2026, 3, 20)),  # cut months
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2025, 3, 20), date(2025, 3, 20)),
    ]
    flows = statement_reports.cash_flows(db, company_id=company_id, spans=spans)
    for (start, end), flow in zip(spans, flows, strict=True):
        values = line_values(flow)
        change = cash_change(db, company_id, start, end)
        assert values["CF.CHANGE_IN_CASH"] == change, (start, end)
        assert values["CF.CASH_AT_END"] - values["CF.CASH_AT_START"] == change
    february = line_values(flows[1])
    # Bought 500.00, depreciated 100.00: investing −500.00; depreciation added back in operating.
    assert february["CF.INVESTING"] == -50000 and february["CF.DEPRECIATION"] == 10000
    assert february["CF.OPERATING_PROFIT"] == -10000 and february["CF.CHANGE_IN_CASH"] == -50000
    # Within 2026 (no opening receipt inside) the change also equals the net postings on 19xx.
    totals = reports.account_totals(db, company_id=company_id, start=date(2026, 2, 10), end=date(2026, 3, 20))
    assert line_values(flows[2])["CF.CHANGE_IN_CASH"] == sum(
        d - c for a, (d, c) in totals.items() if a.startswith("19")
    )
    year = line_values(flows[3])
    assert year["CF.FINANCING"] == 30000
    assert year["CF.FINANCIAL_ITEMS"] == -400


def test_ledger_account_balances_per_month(db: Session, books: Books) -> None:
    months = reports.month_spans(date(2025, 1, 15), date(2025, 3, 31))
    assert months == [
        (date(2025, 1, 15), date(2025, 1, 31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 3, 31)),
    ]
    per_month = statement_reports.ledger_account_balances(db, company_id=books.company_id, spans=months)
    closing_of = [{r.account: r.closing for r in rows} for rows in per_month]
    assert closing_of[0] == {BANK: 100000, CAPITAL: -100000}
    assert closing_of[1] == {BANK: 125100, CAPITAL: -100000, SALES: -20000, VAT_PAYABLE: -5100}
    assert closing_of[2][WAGES] == 5000 and closing_of[2][BANK] == 120100


def test_receipt_type_filter_reads_postings(db: Session, books: Books) -> None:
    journals = ReportFilter(receipt_types=frozenset({rules.JOURNAL}))
    openings = ReportFilter(receipt_types=frozenset({rules.OPENING_RECEIPT}))
    span = {"start": date(2026, 1, 1), "end": date(2026, 12, 31)}
    assert reports.account_totals(db, company_id=books.company_id, **span, filter=openings) == {}
    closing.close_year(db, company_id=books.company_id, year_id=books.year_2025)
    assert reports.account_totals(db, company_id=books.company_id, **span, filter=journals) == {
        BANK: (1000, 0),
        SALES: (0, 1000),
    }
    opened = reports.account_totals(db, company_id=books.company_id, **span, filter=openings)
    assert opened[BANK] == (120100, 0) and opened[RETAINED] == (0, 15000)


def test_default_start_is_the_start_of_the_fiscal_year(db: Session, books: Books) -> None:
    assert reports.default_start(db, company_id=books.company_id, end=date(2026, 5, 17)) == date(2026, 1, 1)
    assert reports.default_start(db, company_id=books.company_id, end=date(2030, 5, 17)) == date(2030, 5, 17)


def test_closed_period_does_not_change_the_numbers(db: Session, books: Books) -> None:
    period = fiscal.writable_period(db, company_id=books.company_id, day=date(2025, 2, 15))
    fiscal.set_period_status(
        db, company_id=books.company_id, year_id=period.fiscal_year_id, period_id=period.id, status=fiscal.PENDING
    )
    assert reports.balance_sheet_totals(db, company_id=books.company_id, at=date(2025, 12, 31)) == AT_2025_12_31


def test_the_widest_dates_are_reports_too(db: Session, books: Books) -> None:
    trial = reports.trial_balance(db, company_id=books.company_id, start=date.min, end=date.max)
    assert rows_of(trial)[BANK] == (0, 125100 + 1000, 5000, 121100)
    assert sum(r.closing for r in trial) == 0
    [flow] = statement_reports.cash_flows(db, company_id=books.company_id, spans=[(date.min, date(2026, 12, 31))])
    assert line_values(flow)["CF.CHANGE_IN_CASH"] == 121100
    assert reports.balance_sheet_totals(db, company_id=books.company_id, at=date.max) == {}
