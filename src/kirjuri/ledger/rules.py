"""Pure rules of the ledger: the shape of a receipt draft, its validation, balancing, dimension
splits, status transitions and the calendar of fiscal years.

Invariants guarded here (no database, no HTTP — the service feeds these functions facts):
- a receipt's postings (client rows + VAT rows) sum to exactly zero cents, or it is refused with
  `RECEIPT_NOT_BALANCED`; a balancing row exists only when the client asks for it;
- per transaction and dimension, the item values sum to the transaction's value, pairs are unique,
  every id is a known active item;
- a receipt moves only along the transitions of `TRANSITIONS`;
- a fiscal year is 1–18 months, starts the day after the previous one ends, and is cut into
  calendar-month tracking periods.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from kirjuri.core.errors import ErrorItem
from kirjuri.core.money import decimal_places, round_money, to_minor

ENTRY = "ENTRY"
REVERSING_ENTRY = "REVERSING_ENTRY"
RECONCILIATION_ENTRY = "RECONCILIATION_ENTRY"
VAT_ROW = "VAT"
CLIENT_KINDS = (ENTRY, REVERSING_ENTRY, RECONCILIATION_ENTRY)

JOURNAL = "JOURNAL"
# Receipt types a client may PUT (their accounting); POST creates only journals.
EDITABLE_TYPES = ("JOURNAL", "SALES_INVOICE", "PURCHASE_INVOICE", "TRAVEL_INVOICE", "BILL_OF_CHARGES")
OPENING_RECEIPT = "RECEIPT_FOR_OPENING_ACCOUNTS"

UNFINISHED = "UNFINISHED"
APPROVED = "APPROVED"
INVALIDATED = "INVALIDATED"
# Receipts in these statuses add nothing to the balances.
NOT_COUNTED = frozenset({INVALIDATED, "DELETED", "OVERRIDDEN", "UNSAVED"})

MAX_DIMENSION_VALUES = 50
MAX_TRANSACTIONS = 2000
BALANCE_FIELD = "transactions"
DIMENSION_CODE = "DIMENSION_OR_DIMENSION_ITEM_IDENTIFIERS_DOES_NOT_MATCH_THOSE_STORED_IN_DATABASE"


@dataclass(frozen=True, slots=True)
class DimensionValue:
    dimension_id: int
    item_id: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class EntryDraft:
    """One transaction as a client (or another area) asks for it."""

    account: str
    accounting_value: Decimal
    kind: str = ENTRY
    vat_percent: Decimal = Decimal(0)
    vat_type: str | None = None
    vat_status: int | None = None
    vat_deduction_percent: Decimal | None = None
    description: str | None = None
    balance_code: str | None = None
    partner_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    dimensions: tuple[DimensionValue, ...] = ()


@dataclass(frozen=True, slots=True)
class ReceiptDraft:
    type: str
    name: str
    receipt_date: date
    vat_type: str
    vat_status: int | None
    transactions: tuple[EntryDraft, ...]
    vat_processing: str | None = None
    vat_date: date | None = None
    invoice_notes: str | None = None
    accountants_notes: str | None = None
    transaction_description: str | None = None
    receipt_validity: str | None = None
    period_start_date: date | None = None
    period_end_date: date | None = None
    partner_id: int | None = None
    partner_code: str | None = None
    depreciation: str | None = None
    extra: Mapping[str, object] = field(default_factory=dict)


def entry_path(index: int, name: str | None = None) -> str:
    return f"transactions[{index}]" + (f".{name}" if name else "")


def check_receipt_shape(draft: ReceiptDraft) -> list[ErrorItem]:
    """What can be refused without looking anything up."""
    errors: list[ErrorItem] = []
    if not draft.transactions:
        errors.append(ErrorItem(400, "TRANSACTIONS_REQUIRED", BALANCE_FIELD))
    if len(draft.transactions) > MAX_TRANSACTIONS:
        errors.append(ErrorItem(400, "TOO_MANY_TRANSACTIONS", BALANCE_FIELD))
    if draft.period_start_date and draft.period_end_date and draft.period_start_date >= draft.period_end_date:
        errors.append(ErrorItem(400, "PERIOD_START_DATE_NOT_BEFORE_END_DATE", "periodStartDate"))
    for kind in (REVERSING_ENTRY, RECONCILIATION_ENTRY):
        if sum(1 for t in draft.transactions if t.kind == kind) > 1:
            errors.append(ErrorItem(400, f"TOO_MANY_{kind}_ROWS", BALANCE_FIELD))
    for i, entry in enumerate(draft.transactions):
        if entry.kind not in CLIENT_KINDS:
            errors.append(ErrorItem(400, "INVALID_TRANSACTION_TYPE", entry_path(i, "transactionType")))
        elif entry.kind != ENTRY and (entry.vat_percent or entry.vat_status is not None):
            errors.append(ErrorItem(400, "NO_VAT_ALLOWED_ON_TRANSACTION_TYPE", entry_path(i, "vatPercent")))
        deduction = entry.vat_deduction_percent
        if deduction is not None and (not 0 <= deduction <= 100 or decimal_places(deduction) > 2):
            errors.append(ErrorItem(400, "INVALID_VAT_DEDUCTION_PERCENT", entry_path(i, "vatDeductionPercent")))
        if entry.start_date and entry.end_date and entry.start_date > entry.end_date:
            errors.append(ErrorItem(400, "START_DATE_AFTER_END_DATE", entry_path(i, "startDate")))
    return errors


def rounded(draft: ReceiptDraft) -> ReceiptDraft:
    """The server rounds `accountingValue` to cents (half away from zero) before anything else."""
    rows = tuple(replace(t, accounting_value=round_money(t.accounting_value)) for t in draft.transactions)
    return replace(draft, transactions=rows)


def check_dimensions(
    path: str, amount_minor: int, values: Sequence[DimensionValue], active_items: Mapping[int, set[int]]
) -> tuple[list[ErrorItem], list[tuple[int, int, int]]]:
    """Validate one transaction's split; returns (errors, [(dimension_id, item_id, cents)])."""
    field_path = f"{path}.dimensionItemValues"
    errors: list[ErrorItem] = []
    if len(values) > MAX_DIMENSION_VALUES:
        return [ErrorItem(400, "TOO_MANY_DIMENSION_ITEM_VALUES", field_path)], []
    seen: set[tuple[int, int]] = set()
    sums: dict[int, int] = defaultdict(int)
    split: list[tuple[int, int, int]] = []
    for j, value in enumerate(values):
        here = f"{field_path}[{j}]"
        if (value.dimension_id, value.item_id) in seen:
            errors.append(ErrorItem(400, "DUPLICATE_DIMENSION_ITEM", here))
            continue
        seen.add((value.dimension_id, value.item_id))
        if value.item_id not in active_items.get(value.dimension_id, set()):
            errors.append(ErrorItem(400, DIMENSION_CODE, here))
            continue
        if decimal_places(value.value) > 2:
            errors.append(ErrorItem(400, "DIMENSION_VALUE_TOO_MANY_DECIMALS", f"{here}.value"))
            continue
        cents = to_minor(value.value)
        sums[value.dimension_id] += cents
        split.append((value.dimension_id, value.item_id, cents))
    if not errors and any(total != amount_minor for total in sums.values()):
        errors.append(ErrorItem(400, "DIMENSION_VALUES_DO_NOT_SUM_TO_ACCOUNTING_VALUE", field_path))
    return errors, split


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` cents in proportion to `weights` exactly: largest remainder, signs allowed,
    the shares always sum to `total` (all zero when the weights sum to zero)."""
    base = sum(weights)
    if base == 0:
        return [0] * len(weights)
    exact = [Fraction(total * w, base) for w in weights]
    shares = [math.floor(e) for e in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def scale_split(split: Sequence[tuple[int, int, int]], amount_minor: int) -> list[tuple[int, int, int]]:
    """A transaction's dimension split [(dimension, item, cents)] carried over to a derived row of
    `amount_minor` cents, in proportion, per dimension (each dimension still sums exactly)."""
    by_dimension: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for row in split:
        by_dimension[row[0]].append(row)
    out: list[tuple[int, int, int]] = []
    for rows in by_dimension.values():
        shares = allocate(amount_minor, [cents for _d, _i, cents in rows])
        out.extend((d, item, share) for (d, item, _c), share in zip(rows, shares, strict=True) if share)
    return out


def reconciliation_account(draft: ReceiptDraft) -> str:
    """Where the balancing row goes: the reversing (balance-sheet) row's account, else the first row's."""
    for entry in draft.transactions:
        if entry.kind == REVERSING_ENTRY:
            return entry.account
    return draft.transactions[0].account


# --- statuses --------------------------------------------------------------------------------------

# (action, from statuses) → to; everything else is refused with 403 INVALID_STATUS_TRANSITION.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({UNFINISHED}), APPROVED),
    "invalidate": (frozenset({UNFINISHED, APPROVED}), INVALIDATED),
    "unfinished": (frozenset({APPROVED, INVALIDATED}), UNFINISHED),
}


def next_status(action: str, current: str) -> str | None:
    allowed, to = TRANSITIONS[action]
    return to if current in allowed else None


def counts(status: str) -> bool:
    return status not in NOT_COUNTED


# --- fiscal calendar -------------------------------------------------------------------------------

MAX_YEAR_MONTHS = 18


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def check_year_dates(start: date, end: date, previous_end: date | None) -> str | None:
    """The code when a fiscal year [start, end] is not acceptable, else None."""
    if end < start:
        return "FISCAL_YEAR_END_BEFORE_START"
    if previous_end is not None and start != previous_end + timedelta(days=1):
        return "FISCAL_YEAR_NOT_CONTIGUOUS"
    if end > add_months(start, MAX_YEAR_MONTHS) - timedelta(days=1):
        return "FISCAL_YEAR_TOO_LONG"
    return None


def monthly_periods(start: date, end: date) -> list[tuple[date, date]]:
    """Calendar-month tracking periods covering [start, end] (the first and last may be partial)."""
    periods: list[tuple[date, date]] = []
    current = start
    while current <= end:
        last = min(month_end(current), end)
        periods.append((current, last))
        current = last + timedelta(days=1)
    return periods
