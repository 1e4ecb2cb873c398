"""Pure ledger rules: receipt shape, dimension splits, allocation, transitions, fiscal calendar."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from kirjuri.core.errors import ErrorItem
from kirjuri.ledger import rules
from kirjuri.ledger.rules import DimensionValue, EntryDraft, ReceiptDraft

D = Decimal


def draft(*entries: EntryDraft, **fields: object) -> ReceiptDraft:
    base: dict[str, object] = {"type": "JOURNAL", "name": "x", "receipt_date": date(2026, 5, 31),
                               "vat_type": "PURCHASE", "vat_status": 1, "transactions": entries}  # fmt: skip
    base.update(fields)
    return ReceiptDraft(**base)  # type: ignore[arg-type]


def codes(errors: list[ErrorItem]) -> list[tuple[str, str | None]]:
    return [(e.message, e.field) for e in errors]


@pytest.mark.parametrize(
    ("receipt", "expected"),
    [
        (draft(), [("TRANSACTIONS_REQUIRED", "transactions")]),
        (draft(EntryDraft("1910", D(1)), period_start_date=date(2026, 2, 1), period_end_date=date(2026, 1, 1)),
         [("PERIOD_START_DATE_NOT_BEFORE_END_DATE", "periodStartDate")]),
        (draft(EntryDraft("1910", D(1), kind="REVERSING_ENTRY"), EntryDraft("1910", D(1), kind="REVERSING_ENTRY")),
         [("TOO_MANY_REVERSING_ENTRY_ROWS", "transactions")]),
        (draft(EntryDraft("1910", D(1), kind="RECONCILIATION_ENTRY", vat_percent=D("25.5"))),
         [("NO_VAT_ALLOWED_ON_TRANSACTION_TYPE", "transactions[0].vatPercent")]),
        (draft(EntryDraft("1910", D(1), kind="REVERSING_ENTRY", vat_status=1)),
         [("NO_VAT_ALLOWED_ON_TRANSACTION_TYPE", "transactions[0].vatPercent")]),
        (draft(EntryDraft("1910", D(1), vat_deduction_percent=D(101))),
         [("INVALID_VAT_DEDUCTION_PERCENT", "transactions[0].vatDeductionPercent")]),
        (draft(EntryDraft("1910", D(1), vat_deduction_percent=D("50.125"))),
         [("INVALID_VAT_DEDUCTION_PERCENT", "transactions[0].vatDeductionPercent")]),
        (draft(EntryDraft("1910", D(1), start_date=date(2026, 2, 1), end_date=date(2026, 1, 1))),
         [("START_DATE_AFTER_END_DATE", "transactions[0].startDate")]),
        (draft(EntryDraft("1910", D(1)), EntryDraft("1910", D(-1))), []),
    ],
)  # fmt: skip
def test_check_receipt_shape(receipt: ReceiptDraft, expected: list[tuple[str, str]]) -> None:
    assert codes(rules.check_receipt_shape(receipt)) == expected


def test_rounded_rounds_half_away_from_zero() -> None:
    out = rules.rounded(draft(EntryDraft("1910", D("1.005")), EntryDraft("1910", D("-1.005"))))
    assert [t.accounting_value for t in out.transactions] == [D("1.01"), D("-1.01")]


ACTIVE = {1: {11, 12}, 2: {21}}


@pytest.mark.parametrize(
    ("amount", "values", "expected_errors", "expected_split"),
    [
        (4000, [DimensionValue(1, 11, D("40.00"))], [], [(1, 11, 4000)]),
        (4000, [DimensionValue(1, 11, D("15")), DimensionValue(1, 12, D("25")), DimensionValue(2, 21, D("40"))], [],
         [(1, 11, 1500), (1, 12, 2500), (2, 21, 4000)]),
        (4000, [DimensionValue(1, 11, D("39.99"))],
         [("DIMENSION_VALUES_DO_NOT_SUM_TO_ACCOUNTING_VALUE", "t.dimensionItemValues")], [(1, 11, 3999)]),
        (4000, [DimensionValue(1, 11, D("20")), DimensionValue(1, 11, D("20"))],
         [("DUPLICATE_DIMENSION_ITEM", "t.dimensionItemValues[1]")], [(1, 11, 2000)]),
        (4000, [DimensionValue(1, 21, D("40"))], [(rules.DIMENSION_CODE, "t.dimensionItemValues[0]")], []),
        (4000, [DimensionValue(9, 11, D("40"))], [(rules.DIMENSION_CODE, "t.dimensionItemValues[0]")], []),
        (4000, [DimensionValue(1, 11, D("40.001"))],
         [("DIMENSION_VALUE_TOO_MANY_DECIMALS", "t.dimensionItemValues[0].value")], []),
        (-4000, [DimensionValue(1, 11, D("-50")), DimensionValue(1, 12, D("10"))], [],
         [(1, 11, -5000), (1, 12, 1000)]),
    ],
)  # fmt: skip
def test_check_dimensions(
    amount: int, values: list[DimensionValue], expected_errors: list[tuple[str, str]], expected_split: list[object]
) -> None:
    errors, split = rules.check_dimensions("t", amount, values, ACTIVE)
    assert codes(errors) == expected_errors
    assert split == expected_split


def test_too_many_dimension_values() -> None:
    values = [DimensionValue(1, 11, D(0))] * (rules.MAX_DIMENSION_VALUES + 1)
    errors, _ = rules.check_dimensions("t", 0, values, ACTIVE)
    assert codes(errors) == [("TOO_MANY_DIMENSION_ITEM_VALUES", "t.dimensionItemValues")]


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [(100, [1, 1, 1], [34, 33, 33]), (-100, [1, 1, 1], [-33, -33, -34]), (5, [3, 1], [4, 1]), (0, [1, 2], [0, 0]),
     (7, [0, 0], [0, 0]), (10, [15, -5], [15, -5]), (1, [1, 1], [1, 0])],
)  # fmt: skip
def test_allocate(total: int, weights: list[int], expected: list[int]) -> None:
    shares = rules.allocate(total, weights)
    assert shares == expected
    assert sum(shares) == (total if sum(weights) else 0)


def test_scale_split_keeps_each_dimension_exact() -> None:
    split = [(1, 11, 3000), (1, 12, 7000), (2, 21, 10000)]
    assert rules.scale_split(split, 2550) == [(1, 11, 765), (1, 12, 1785), (2, 21, 2550)]
    assert rules.scale_split(split, 1) == [(1, 12, 1), (2, 21, 1)]


@pytest.mark.parametrize(
    ("action", "current", "expected"),
    [("approve", "UNFINISHED", "APPROVED"), ("approve", "APPROVED", None), ("approve", "INVALIDATED", None),
     ("invalidate", "UNFINISHED", "INVALIDATED"), ("invalidate", "APPROVED", "INVALIDATED"),
     ("invalidate", "INVALIDATED", None), ("unfinished", "APPROVED", "UNFINISHED"),
     ("unfinished", "INVALIDATED", "UNFINISHED"), ("unfinished", "UNFINISHED", None)],
)  # fmt: skip
def test_transitions(action: str, current: str, expected: str | None) -> None:
    assert rules.next_status(action, current) == expected


@pytest.mark.parametrize(
    ("start", "end", "previous_end", "expected"),
    [(date(2026, 1, 1), date(2026, 12, 31), date(2025, 12, 31), None),
     (date(2026, 1, 1), date(2027, 6, 30), None, None),
     (date(2026, 1, 1), date(2027, 7, 1), None, "FISCAL_YEAR_TOO_LONG"),
     (date(2026, 1, 2), date(2026, 12, 31), date(2025, 12, 31), "FISCAL_YEAR_NOT_CONTIGUOUS"),
     (date(2026, 1, 1), date(2025, 12, 31), None, "FISCAL_YEAR_END_BEFORE_START")],
)  # fmt: skip
def test_check_year_dates(start: date, end: date, previous_end: date | None, expected: str | None) -> None:
    assert rules.check_year_dates(start, end, previous_end) == expected


def test_monthly_periods_cover_the_range_exactly() -> None:
    periods = rules.monthly_periods(date(2025, 7, 15), date(2026, 2, 10))
    assert periods[0] == (date(2025, 7, 15), date(2025, 7, 31))
    assert periods[-1] == (date(2026, 2, 1), date(2026, 2, 10))
    assert len(periods) == 8
    for (_, end), (start, _) in itertools.pairwise(periods):
        assert (start - end).days == 1


def test_reconciliation_goes_to_the_reversing_row() -> None:
    receipt = draft(EntryDraft("4000", D(1)), EntryDraft("1910", D(-1), kind="REVERSING_ENTRY"))
    assert rules.reconciliation_account(receipt) == "1910"
    assert rules.reconciliation_account(draft(EntryDraft("4000", D(1)))) == "4000"
