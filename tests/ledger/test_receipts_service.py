"""The receipt verbs of `ledger.service` against the real database: every validation code, the VAT
rows of each treatment, dimension splits, status transitions, the closed-period gate, receipt
numbering, and the balances kept equal to the postings after each verb."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.api.versioning import check_version
from kirjuri.core.errors import KirjuriError
from kirjuri.ledger import accounts, closing, dimensions, repository, rules, service
from kirjuri.ledger.models import LedgerReceipt, LedgerTransaction
from tests.ledger.helpers import (
    BANK,
    NO_VAT_EXPENSE,
    PURCHASES,
    SALES,
    THIS_YEAR,
    VAT_EXPENSE,
    VAT_PAYABLE,
    VAT_RECEIVABLE,
    assert_balances_match,
    balance_totals,
    day,
    dimension_with_items,
    draft,
    entry,
    lock_period,
    new_books,
    set_year,
)


@pytest.fixture()
def books(db: Session) -> Iterator[int]:
    """A fresh company with the chart and this calendar year (rolled back after the test)."""
    yield new_books(db)


def _create(db: Session, company_id: int, receipt: rules.ReceiptDraft, **kw: object) -> LedgerReceipt:
    return service.create_receipt(db, company_id=company_id, draft=receipt, **kw)  # type: ignore[arg-type]


def _assert_error(exc: pytest.ExceptionInfo[KirjuriError], code: str, field: str | None, status: int = 400) -> None:
    assert (exc.value.code, exc.value.field, exc.value.status) == (code, field, status)


def _rows(db: Session, company_id: int, receipt_id: int) -> list[LedgerTransaction]:
    rows, _splits = repository.postings_of(db, company_id=company_id, receipt_ids=[receipt_id])
    return rows[receipt_id]


def _receipt_count(db: Session, company_id: int) -> int:
    return len(db.scalars(select(LedgerReceipt.id).where(LedgerReceipt.company_id == company_id)).all())


# --- accounts and VAT ----------------------------------------------------------------------------


def test_balanced_journal_is_stored_unfinished_with_its_rows(db: Session, books: int) -> None:
    receipt = _create(db, books, draft(day(3)))
    assert (receipt.status, receipt.type, receipt.receipt_number) == ("UNFINISHED", "JOURNAL", 1)
    rows = _rows(db, books, receipt.id)
    assert [(r.kind, r.account, r.amount_minor, r.line_no) for r in rows] == [
        ("ENTRY", NO_VAT_EXPENSE, 10000, 0),
        ("ENTRY", BANK, -10000, 1),
    ]
    assert receipt.invoice_id is not None
    assert_balances_match(db, company_id=books)


def test_accounting_value_is_rounded_half_away_from_zero(db: Session, books: int) -> None:
    receipt = _create(db, books, draft(day(3), entry(NO_VAT_EXPENSE, "10.005"), entry(BANK, "-10.005")))
    assert [r.amount_minor for r in _rows(db, books, receipt.id)] == [1001, -1001]


def test_unknown_account_is_refused_at_its_row(db: Session, books: int) -> None:
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, draft(day(3), entry(NO_VAT_EXPENSE, "5"), entry("99999", "-5")))
    _assert_error(exc, "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION", "transactions[1].account")
    assert _receipt_count(db, books) == 0


def test_inactive_account_is_refused(db: Session, books: int) -> None:
    accounts.update_account(db, company_id=books, code=NO_VAT_EXPENSE, active=False)
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, draft(day(3)))
    _assert_error(exc, "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION", "transactions[0].account")


def test_vat_percent_on_an_account_without_vat_is_refused(db: Session, books: int) -> None:
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, draft(day(3), entry(NO_VAT_EXPENSE, "100", vat_percent="25.5"), entry(BANK, "-125.50")))
    _assert_error(exc, "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION", "transactions[0].account")


@pytest.mark.parametrize(
    ("side", "status"),
    [
        ("PURCHASE", 2),  # zero-rated domestic turnover: sales only
        ("PURCHASE", 7),  # export: sales only
        ("SALES", 5),  # import: purchase only
        ("SALES", 9),  # non-deductible: purchase only
        ("SALES", 42),  # no such status
    ],
)
def test_row_status_not_allowed_on_its_side(db: Session, books: int, side: str, status: int) -> None:
    account = SALES if side == "SALES" else PURCHASES
    receipt = draft(
        day(3),
        entry(account, "100", vat_status=status),
        entry(BANK, "-100"),
        vat_type=side,
    )
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, receipt)
    _assert_error(exc, "ERROR_VATSTATUS_VATPERC", "transactions[0].vatStatus")


@pytest.mark.parametrize(("side", "status"), [("PURCHASE", 2), ("SALES", 9), ("SALES", 0)])
def test_receipt_status_not_allowed_for_its_vat_type(db: Session, books: int, side: str, status: int) -> None:
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, draft(day(3), vat_type=side, vat_status=status))
    _assert_error(exc, "VAT_STATUS_NOT_ALLOWED_FOR_VAT_TYPE", "vatStatus")


def test_vat_percent_without_any_status_is_refused(db: Session, books: int) -> None:
    receipt = draft(day(3), entry(PURCHASES, "100", vat_percent="25.5"), entry(BANK, "-125.50"), vat_status=None)
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, receipt)
    _assert_error(exc, "ERROR_VATSTATUS_VATPERC", "transactions[0].vatStatus")


def test_zero_rated_status_refuses_a_percentage(db: Session, books: int) -> None:
    receipt = draft(
        day(3), entry(SALES, "-100", vat_percent="25.5", vat_status=2), entry(BANK, "125.50"), vat_type="SALES"
    )
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, receipt)
    _assert_error(exc, "ERROR_VATSTATUS_VATPERC", "transactions[0].vatStatus")


@pytest.mark.parametrize(
    ("year", "percent", "ok"),
    [
        (2026, "25.5", True),
        (2026, "24", False),  # the general rate until 2024-08-31
        (2026, "13.5", True),
        (2026, "14", False),  # reduced rate until the end of 2025
        (2026, "10", True),
        (2026, "12", False),  # never a Finnish rate
        (2025, "14", True),
        (2025, "13.5", False),
        (2025, "25.5", True),
        (2025, "24", False),
    ],
)
def test_vat_percent_must_be_in_force_on_the_receipt_date(db: Session, year: int, percent: str, ok: bool) -> None:
    company_id = new_books(db, first_year=year)
    tax = (Decimal(100) * Decimal(percent) / 100).quantize(Decimal("0.01"))
    receipt = draft(date(year, 5, 10), entry(PURCHASES, "100", vat_percent=percent), entry(BANK, -(100 + tax)))
    if ok:
        created = _create(db, company_id, receipt)
        vat = [r for r in _rows(db, company_id, created.id) if r.kind == rules.VAT_ROW]
        assert [(r.account, r.amount_minor) for r in vat] == [(VAT_RECEIVABLE, int(tax * 100))]
    else:
        with pytest.raises(KirjuriError) as exc:
            _create(db, company_id, receipt)
        _assert_error(exc, "ERROR_VATSTATUS_VATPERC", "transactions[0].vatStatus")


# --- reversing and reconciliation rows ------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "code", "field"),
    [
        (
            (entry(BANK, "10", kind="REVERSING_ENTRY"), entry(BANK, "-5", kind="REVERSING_ENTRY"),
             entry(NO_VAT_EXPENSE, "-5")),
            "TOO_MANY_REVERSING_ENTRY_ROWS",
            "transactions",
        ),
        (
            (entry(BANK, "10"), entry(NO_VAT_EXPENSE, "-5", kind="RECONCILIATION_ENTRY"),
             entry(NO_VAT_EXPENSE, "-5", kind="RECONCILIATION_ENTRY")),
            "TOO_MANY_RECONCILIATION_ENTRY_ROWS",
            "transactions",
        ),
        (
            (entry(PURCHASES, "100", kind="REVERSING_ENTRY", vat_percent="25.5"), entry(BANK, "-100")),
            "NO_VAT_ALLOWED_ON_TRANSACTION_TYPE",
            "transactions[0].vatPercent",
        ),
        (
            (entry(BANK, "100"), entry(PURCHASES, "-100", kind="RECONCILIATION_ENTRY", vat_status=1)),
            "NO_VAT_ALLOWED_ON_TRANSACTION_TYPE",
            "transactions[1].vatPercent",
        ),
        ((), "TRANSACTIONS_REQUIRED", "transactions"),
    ],
    ids=["two-reversing", "two-reconciliation", "vat-on-reversing", "status-on-reconciliation", "no-rows"],
)  # fmt: skip
def test_reversing_and_reconciliation_rules(
    db: Session, books: int, rows: tuple[rules.EntryDraft, ...], code: str, field: str
) -> None:
    receipt = rules.ReceiptDraft(
        type="JOURNAL", name="x", receipt_date=day(3), vat_type="PURCHASE", vat_status=1, transactions=rows
    )
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, receipt)
    _assert_error(exc, code, field)


def test_one_reversing_and_one_reconciliation_row_are_accepted(db: Session, books: int) -> None:
    receipt = draft(
        day(3),
        entry(BANK, "-100", kind="REVERSING_ENTRY"),
        entry(NO_VAT_EXPENSE, "99.99"),
        entry(NO_VAT_EXPENSE, "0.01", kind="RECONCILIATION_ENTRY"),
    )
    created = _create(db, books, receipt)
    assert [r.kind for r in _rows(db, books, created.id)] == ["REVERSING_ENTRY", "ENTRY", "RECONCILIATION_ENTRY"]


def test_unbalanced_receipt_is_refused(db: Session, books: int) -> None:
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, draft(day(3), entry(NO_VAT_EXPENSE, "100"), entry(BANK, "-99.99")))
    _assert_error(exc, "RECEIPT_NOT_BALANCED", "transactions")
    assert _receipt_count(db, books) == 0


def test_vat_makes_an_otherwise_balanced_receipt_unbalanced(db: Session, books: int) -> None:
    # The client's rows sum to zero, but the server's VAT row (25.50) does not.
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, draft(day(3), entry(PURCHASES, "100", vat_percent="25.5"), entry(BANK, "-100")))
    _assert_error(exc, "RECEIPT_NOT_BALANCED", "transactions")


def test_create_reconciliation_adds_exactly_the_missing_cents(db: Session, books: int) -> None:
    receipt = draft(day(3), entry(NO_VAT_EXPENSE, "100"), entry(BANK, "-99.97"))
    created = _create(db, books, receipt, create_reconciliation=True)
    rows = _rows(db, books, created.id)
    assert [(r.kind, r.account, r.amount_minor) for r in rows] == [
        ("ENTRY", NO_VAT_EXPENSE, 10000),
        ("ENTRY", BANK, -9997),
        # On the first row's account (no reversing row), visible, carrying no VAT.
        ("RECONCILIATION_ENTRY", NO_VAT_EXPENSE, -3),
    ]
    assert rows[-1].vat_status is None and rows[-1].vat_percent == 0
    assert sum(r.amount_minor for r in rows) == 0
    assert_balances_match(db, company_id=books)


def test_create_reconciliation_goes_to_the_reversing_rows_account(db: Session, books: int) -> None:
    receipt = draft(day(3), entry(PURCHASES, "80.00", vat_percent="25.5"), entry(BANK, "-100", kind="REVERSING_ENTRY"))
    created = _create(db, books, receipt, create_reconciliation=True)
    rows = _rows(db, books, created.id)
    # 80.00 + 20.40 VAT − 100 = 0.40 missing: the balancing row takes −0.40 on the bank account.
    assert [(r.kind, r.account, r.amount_minor) for r in rows if r.kind == "RECONCILIATION_ENTRY"] == [
        ("RECONCILIATION_ENTRY", BANK, -40)
    ]
    assert sum(r.amount_minor for r in rows) == 0


def test_create_reconciliation_fills_the_clients_own_reconciliation_row(db: Session, books: int) -> None:
    receipt = draft(
        day(3), entry(NO_VAT_EXPENSE, "10"), entry(BANK, "-9"), entry(BANK, "0", kind="RECONCILIATION_ENTRY")
    )
    created = _create(db, books, receipt, create_reconciliation=True)
    assert [(r.kind, r.amount_minor) for r in _rows(db, books, created.id)] == [
        ("ENTRY", 1000),
        ("ENTRY", -900),
        ("RECONCILIATION_ENTRY", -100),
    ]


def test_create_reconciliation_adds_nothing_to_a_balanced_receipt(db: Session, books: int) -> None:
    created = _create(db, books, draft(day(3)), create_reconciliation=True)
    assert [r.kind for r in _rows(db, books, created.id)] == ["ENTRY", "ENTRY"]


# --- the VAT rows of each treatment (ledger.vatrows) ----------------------------------------------


def _vat_rows(db: Session, company_id: int, receipt_id: int) -> list[tuple[str | None, str, int]]:
    rows = _rows(db, company_id, receipt_id)
    parents = {r.id: r for r in rows}
    vat = [r for r in rows if r.kind == rules.VAT_ROW]
    for r in vat:
        assert r.parent_id in parents and parents[r.parent_id].kind == rules.ENTRY
        assert r.vat_status == parents[r.parent_id].vat_status
    return [(r.vat_role, r.account, r.amount_minor) for r in vat]


def test_domestic_sale_posts_output_tax(db: Session, books: int) -> None:
    receipt = draft(
        day(4), entry(SALES, "-100", vat_percent="25.5"), entry(BANK, "125.50"), vat_type="SALES", vat_status=1
    )
    created = _create(db, books, receipt)
    assert _vat_rows(db, books, created.id) == [("OUTPUT", VAT_PAYABLE, -2550)]
    assert_balances_match(db, company_id=books)


def test_domestic_purchase_with_half_deduction_splits_input_tax_and_cost(db: Session, books: int) -> None:
    receipt = draft(
        day(4),
        entry(PURCHASES, "100", vat_percent="25.5", vat_deduction_percent=Decimal(50)),
        entry(BANK, "-125.50"),
    )
    created = _create(db, books, receipt)
    assert _vat_rows(db, books, created.id) == [("INPUT", VAT_RECEIVABLE, 1275), ("COST", PURCHASES, 1275)]


def test_domestic_purchase_rounds_the_tax_half_up(db: Session, books: int) -> None:
    # 10.10 × 13.5 % = 1.3635 → 1.36; 10.10 × 25.5 % = 2.5755 → 2.58
    receipt = draft(
        day(4),
        entry(PURCHASES, "10.10", vat_percent="13.5"),
        entry(PURCHASES, "10.10", vat_percent="25.5"),
        entry(BANK, "-24.14"),
    )
    created = _create(db, books, receipt)
    assert _vat_rows(db, books, created.id) == [("INPUT", VAT_RECEIVABLE, 136), ("INPUT", VAT_RECEIVABLE, 258)]


def test_intra_eu_goods_purchase_is_self_assessed(db: Session, books: int) -> None:
    receipt = draft(day(4), entry(PURCHASES, "100", vat_percent="25.5", vat_status=3), entry(BANK, "-100"))
    created = _create(db, books, receipt)
    assert _vat_rows(db, books, created.id) == [("OUTPUT", VAT_PAYABLE, -2550), ("INPUT", VAT_RECEIVABLE, 2550)]
    assert_balances_match(db, company_id=books)


def test_non_deductible_purchase_puts_the_tax_on_the_cost_account(db: Session, books: int) -> None:
    receipt = draft(day(4), entry(VAT_EXPENSE, "100", vat_percent="25.5", vat_status=9), entry(BANK, "-125.50"))
    created = _create(db, books, receipt)
    assert _vat_rows(db, books, created.id) == [("COST", VAT_EXPENSE, 2550)]


def test_zero_percent_with_a_taxing_status_adds_no_vat_row(db: Session, books: int) -> None:
    created = _create(db, books, draft(day(4), entry(PURCHASES, "100", vat_percent=0), entry(BANK, "-100")))
    assert _vat_rows(db, books, created.id) == []


# --- dimensions --------------------------------------------------------------------------------------


def test_dimension_split_is_stored_per_item(db: Session, books: int) -> None:
    dim, (a, b) = dimension_with_items(db, company_id=books)
    receipt = draft(day(5), entry(NO_VAT_EXPENSE, "100", dims=[(dim, a, "60"), (dim, b, "40")]), entry(BANK, "-100"))
    created = _create(db, books, receipt)
    _rows_by, splits = repository.postings_of(db, company_id=books, receipt_ids=[created.id])
    first = _rows(db, books, created.id)[0]
    assert [(s.dimension_id, s.item_id, s.amount_minor) for s in splits[first.id]] == [(dim, a, 6000), (dim, b, 4000)]
    assert_balances_match(db, company_id=books)


def test_cost_vat_row_carries_the_parents_split(db: Session, books: int) -> None:
    dim, (a, b) = dimension_with_items(db, company_id=books)
    receipt = draft(
        day(5),
        entry(VAT_EXPENSE, "100", vat_percent="25.5", vat_status=9, dims=[(dim, a, "50"), (dim, b, "50")]),
        entry(BANK, "-125.50"),
    )
    created = _create(db, books, receipt)
    _rows_by, splits = repository.postings_of(db, company_id=books, receipt_ids=[created.id])
    cost = next(r for r in _rows(db, books, created.id) if r.vat_role == "COST")
    assert sorted(s.amount_minor for s in splits[cost.id]) == [1275, 1275]


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ([(0, 0, "60"), (0, 1, "30")], "DIMENSION_VALUES_DO_NOT_SUM_TO_ACCOUNTING_VALUE",
         "transactions[0].dimensionItemValues"),
        ([(0, 0, "50"), (0, 0, "50")], "DUPLICATE_DIMENSION_ITEM", "transactions[0].dimensionItemValues[1]"),
        ([(0, 0, "99.995"), (0, 1, "0.005")], "DIMENSION_VALUE_TOO_MANY_DECIMALS",
         "transactions[0].dimensionItemValues[0].value"),
        ([(0, 0, "50"), (0, 99, "50")], rules.DIMENSION_CODE, "transactions[0].dimensionItemValues[1]"),
        ([(99, 0, "100")], rules.DIMENSION_CODE, "transactions[0].dimensionItemValues[0]"),
        ([(0, 2, "100")], rules.DIMENSION_CODE, "transactions[0].dimensionItemValues[0]"),  # inactive
    ],
    ids=["sum", "duplicate", "decimals", "unknown-item", "unknown-dimension", "inactive-item"],
)  # fmt: skip
def test_dimension_rules(db: Session, books: int, values: list[tuple[int, int, str]], code: str, field: str) -> None:
    dim, items = dimension_with_items(db, company_id=books, items=3)
    dimensions.update_item(
        db, company_id=books, dimension_id=dim, item_id=items[2], code_name="K2", description=None, active=False
    )
    ids = {0: dim, 99: dim + 1000}
    split = [(ids[d], items[i] if i < len(items) else items[0] + 1000, v) for d, i, v in values]
    receipt = draft(day(5), entry(NO_VAT_EXPENSE, "100", dims=split), entry(BANK, "-100"))
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, receipt)
    _assert_error(exc, code, field)


def test_replace_dimensions_replaces_one_rows_split_and_keeps_balances(db: Session, books: int) -> None:
    dim, (a, b) = dimension_with_items(db, company_id=books)
    created = _create(db, books, draft(day(5), entry(NO_VAT_EXPENSE, "100", dims=[(dim, a, "100")]),
                                       entry(BANK, "-100")))  # fmt: skip
    target = _rows(db, books, created.id)[0]
    before = created.version
    updated = service.replace_dimensions(
        db, company_id=books, receipt_id=created.id, transaction_id=target.id,
        values=[rules.DimensionValue(dim, a, Decimal(30)), rules.DimensionValue(dim, b, Decimal(70))],
    )  # fmt: skip
    _rows_by, splits = repository.postings_of(db, company_id=books, receipt_ids=[created.id])
    assert [(s.item_id, s.amount_minor) for s in splits[target.id]] == [(a, 3000), (b, 7000)]
    assert updated.version > before
    assert_balances_match(db, company_id=books)
    service.replace_dimensions(db, company_id=books, receipt_id=created.id, transaction_id=target.id, values=[])
    _rows_by, splits = repository.postings_of(db, company_id=books, receipt_ids=[created.id])
    assert splits.get(target.id, []) == []


def test_replace_dimensions_checks_the_split(db: Session, books: int) -> None:
    dim, (a, _b) = dimension_with_items(db, company_id=books)
    created = _create(db, books, draft(day(5)))
    target = _rows(db, books, created.id)[0]
    with pytest.raises(KirjuriError) as exc:
        service.replace_dimensions(
            db, company_id=books, receipt_id=created.id, transaction_id=target.id,
            values=[rules.DimensionValue(dim, a, Decimal(99))],
        )  # fmt: skip
    _assert_error(exc, "DIMENSION_VALUES_DO_NOT_SUM_TO_ACCOUNTING_VALUE", "dimensionItemValues")


def test_replace_dimensions_of_an_unknown_or_vat_row_is_404(db: Session, books: int) -> None:
    created = _create(db, books, draft(day(5), entry(PURCHASES, "100", vat_percent="25.5"), entry(BANK, "-125.50")))
    vat_row = next(r for r in _rows(db, books, created.id) if r.kind == rules.VAT_ROW)
    for transaction_id in (vat_row.id, vat_row.id + 1000):
        with pytest.raises(KirjuriError) as exc:
            service.replace_dimensions(
                db, company_id=books, receipt_id=created.id, transaction_id=transaction_id, values=[]
            )
        _assert_error(exc, "NOT_FOUND", "transactionId", 404)


# --- status transitions ----------------------------------------------------------------------------

# How to bring a new (UNFINISHED) journal to each status.
_PATH_TO = {"UNFINISHED": [], "APPROVED": ["approve"], "INVALIDATED": ["invalidate"]}


@pytest.mark.parametrize("start", ["UNFINISHED", "APPROVED", "INVALIDATED"])
@pytest.mark.parametrize("action", ["approve", "invalidate", "unfinished"])
def test_status_transitions(db: Session, books: int, start: str, action: str) -> None:
    created = _create(db, books, draft(day(6)))
    for step in _PATH_TO[start]:
        service.transition(db, company_id=books, receipt_id=created.id, action=step)
    allowed, target = rules.TRANSITIONS[action]
    if start in allowed:
        receipt = service.transition(db, company_id=books, receipt_id=created.id, action=action)
        assert receipt.status == target
    else:
        with pytest.raises(KirjuriError) as exc:
            service.transition(db, company_id=books, receipt_id=created.id, action=action)
        _assert_error(exc, "INVALID_STATUS_TRANSITION", "status", 403)
        assert repository.get_receipt(db, company_id=books, receipt_id=created.id).status == start
    assert_balances_match(db, company_id=books)


def test_the_expected_transitions_are_the_allowed_ones() -> None:
    # The table the test above walks: a change here must be deliberate.
    assert {a: (sorted(f), t) for a, (f, t) in rules.TRANSITIONS.items()} == {
        "approve": (["UNFINISHED"], "APPROVED"),
        "invalidate": (["APPROVED", "UNFINISHED"], "INVALIDATED"),
        "unfinished": (["APPROVED", "INVALIDATED"], "UNFINISHED"),
    }


def test_invalidated_receipt_leaves_the_balances_and_returns_on_unfinished(db: Session, books: int) -> None:
    created = _create(db, books, draft(day(6)))
    service.transition(db, company_id=books, receipt_id=created.id, action="invalidate")
    assert balance_totals(db, company_id=books) == {}
    service.transition(db, company_id=books, receipt_id=created.id, action="unfinished")
    assert balance_totals(db, company_id=books) != {}
    assert_balances_match(db, company_id=books)


def test_invalidated_receipt_cannot_be_replaced(db: Session, books: int) -> None:
    created = _create(db, books, draft(day(6)))
    service.transition(db, company_id=books, receipt_id=created.id, action="invalidate")
    with pytest.raises(KirjuriError) as exc:
        service.replace_receipt(
            db, company_id=books, receipt_id=created.id, draft=draft(day(6)), check_version=lambda _v: None
        )
    _assert_error(exc, "INVALID_STATUS_TRANSITION", "status", 403)


def test_only_journals_change_status(db: Session, books: int) -> None:
    created = _create(db, books, draft(day(6), receipt_type="SALARY"), allowed_types=("SALARY",))
    with pytest.raises(KirjuriError) as exc:
        service.transition(db, company_id=books, receipt_id=created.id, action="approve")
    _assert_error(exc, "ONLY_JOURNALS", "type", 403)


def test_post_creates_only_journals(db: Session, books: int) -> None:
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, draft(day(6), receipt_type="SALES_INVOICE"))
    _assert_error(exc, "INVALID_RECEIPT_TYPE", "type")


# --- replace -----------------------------------------------------------------------------------------


def test_replace_keeps_number_and_id_and_rebuilds_rows(db: Session, books: int) -> None:
    first = _create(db, books, draft(day(7)))
    second = _create(db, books, draft(day(7)))
    replaced = service.replace_receipt(
        db,
        company_id=books,
        receipt_id=first.id,
        draft=draft(day(8), entry(PURCHASES, "200", vat_percent="25.5"), entry(BANK, "-251"), name="Uusi"),
        check_version=functools.partial(check_version, given=first.version, required=True),
    )
    assert (replaced.id, replaced.receipt_number, replaced.name, replaced.receipt_date) == (
        first.id, 1, "Uusi", day(8)
    )  # fmt: skip
    assert second.receipt_number == 2
    assert [(r.kind, r.amount_minor) for r in _rows(db, books, first.id)] == [
        ("ENTRY", 20000),
        ("ENTRY", -25100),
        ("VAT", 5100),
    ]
    assert_balances_match(db, company_id=books)


def test_replace_with_a_stale_version_is_refused_and_changes_nothing(db: Session, books: int) -> None:
    created = _create(db, books, draft(day(7)))
    old_version = created.version
    service.transition(db, company_id=books, receipt_id=created.id, action="approve")  # moves the version
    with pytest.raises(KirjuriError) as exc:
        service.replace_receipt(
            db, company_id=books, receipt_id=created.id, draft=draft(day(9)),
            check_version=functools.partial(check_version, given=old_version, required=True),
        )  # fmt: skip
    _assert_error(exc, "VERSION_CONFLICT", "version")
    assert repository.get_receipt(db, company_id=books, receipt_id=created.id).receipt_date == day(7)


def test_replace_must_keep_the_type(db: Session, books: int) -> None:
    created = _create(db, books, draft(day(7)))
    with pytest.raises(KirjuriError) as exc:
        service.replace_receipt(
            db, company_id=books, receipt_id=created.id, draft=draft(day(7), receipt_type="SALES_INVOICE"),
            check_version=lambda _v: None,
        )  # fmt: skip
    _assert_error(exc, "INVALID_RECEIPT_TYPE", "type")


def test_system_receipts_are_read_only(db: Session, books: int) -> None:
    created = _create(db, books, draft(day(7), receipt_type="SALARY"), allowed_types=("SALARY",))
    with pytest.raises(KirjuriError) as exc:
        service.replace_receipt(
            db, company_id=books, receipt_id=created.id, draft=draft(day(7), receipt_type="SALARY"),
            check_version=lambda _v: None,
        )  # fmt: skip
    _assert_error(exc, "RECEIPT_TYPE_NOT_EDITABLE", None, 403)


def test_date_moved_to_another_fiscal_year_is_refused(db: Session, books: int) -> None:
    set_year(db, company_id=books, year=THIS_YEAR + 1)
    created = _create(db, books, draft(day(12, 30)))
    with pytest.raises(KirjuriError) as exc:
        service.replace_receipt(
            db, company_id=books, receipt_id=created.id, draft=draft(date(THIS_YEAR + 1, 1, 2)),
            check_version=lambda _v: None,
        )  # fmt: skip
    _assert_error(exc, "RECEIPT_DATE_IN_ANOTHER_FISCAL_YEAR", "receiptDate")


# --- the closed-period gate ----------------------------------------------------------------------------


def test_create_in_a_locked_period_is_refused(db: Session, books: int) -> None:
    lock_period(db, company_id=books, when=day(2))
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, draft(day(2)))
    _assert_error(exc, "CLOSED_FISCAL_PERIOD", "receiptDate")
    _create(db, books, draft(day(3)))  # the next month is open


def test_create_outside_every_fiscal_year_is_refused(db: Session, books: int) -> None:
    with pytest.raises(KirjuriError) as exc:
        _create(db, books, draft(date(THIS_YEAR + 5, 1, 1)))
    _assert_error(exc, "CLOSED_FISCAL_PERIOD", "receiptDate")


def test_replace_when_the_old_date_is_locked(db: Session, books: int) -> None:
    created = _create(db, books, draft(day(2)))
    lock_period(db, company_id=books, when=day(2))
    with pytest.raises(KirjuriError) as exc:
        service.replace_receipt(
            db, company_id=books, receipt_id=created.id, draft=draft(day(3)), check_version=lambda _v: None
        )
    _assert_error(exc, "CLOSED_FISCAL_PERIOD", "receiptDate")


def test_replace_when_the_new_date_is_locked(db: Session, books: int) -> None:
    created = _create(db, books, draft(day(3)))
    lock_period(db, company_id=books, when=day(2))
    with pytest.raises(KirjuriError) as exc:
        service.replace_receipt(
            db, company_id=books, receipt_id=created.id, draft=draft(day(2)), check_version=lambda _v: None
        )
    _assert_error(exc, "CLOSED_FISCAL_PERIOD", "receiptDate")
    assert repository.get_receipt(db, company_id=books, receipt_id=created.id).receipt_date == day(3)


@pytest.mark.parametrize(("start", "action"), [("UNFINISHED", "approve"), ("UNFINISHED", "invalidate"),
                                               ("APPROVED", "unfinished"), ("APPROVED", "invalidate")])  # fmt: skip
def test_status_change_in_a_locked_period_is_refused(db: Session, books: int, start: str, action: str) -> None:
    created = _create(db, books, draft(day(2)))
    for step in _PATH_TO[start]:
        service.transition(db, company_id=books, receipt_id=created.id, action=step)
    lock_period(db, company_id=books, when=day(2))
    with pytest.raises(KirjuriError) as exc:
        service.transition(db, company_id=books, receipt_id=created.id, action=action)
    _assert_error(exc, "CLOSED_FISCAL_PERIOD", "receiptDate")
    assert repository.get_receipt(db, company_id=books, receipt_id=created.id).status == start


def test_dimensions_in_a_locked_period_are_refused(db: Session, books: int) -> None:
    created = _create(db, books, draft(day(2)))
    target = _rows(db, books, created.id)[0]
    lock_period(db, company_id=books, when=day(2))
    with pytest.raises(KirjuriError) as exc:
        service.replace_dimensions(db, company_id=books, receipt_id=created.id, transaction_id=target.id, values=[])
    _assert_error(exc, "CLOSED_FISCAL_PERIOD", "receiptDate")


def test_closed_year_refuses_every_verb(db: Session) -> None:
    company_id = new_books(db, first_year=THIS_YEAR - 1)
    old = _create(db, company_id, draft(date(THIS_YEAR - 1, 6, 1)))
    service.transition(db, company_id=company_id, receipt_id=old.id, action="approve")
    closing.close_year(db, company_id=company_id, year_id=old.fiscal_year_id)
    with pytest.raises(KirjuriError) as exc:
        _create(db, company_id, draft(date(THIS_YEAR - 1, 6, 2)))
    _assert_error(exc, "CLOSED_FISCAL_PERIOD", "receiptDate")
    for action in ("unfinished", "invalidate"):
        with pytest.raises(KirjuriError) as exc:
            service.transition(db, company_id=company_id, receipt_id=old.id, action=action)
        _assert_error(exc, "CLOSED_FISCAL_PERIOD", "receiptDate")
    with pytest.raises(KirjuriError) as exc:
        service.replace_receipt(
            db, company_id=company_id, receipt_id=old.id, draft=draft(date(THIS_YEAR - 1, 6, 1)),
            check_version=lambda _v: None,
        )  # fmt: skip
    _assert_error(exc, "CLOSED_FISCAL_PERIOD", "receiptDate")
    # The opening receipt of the next year is a system receipt: numbered 1 there, read-only.
    opening = db.scalars(
        select(LedgerReceipt).where(LedgerReceipt.company_id == company_id, LedgerReceipt.type == rules.OPENING_RECEIPT)
    ).one()
    assert (opening.receipt_number, opening.status, opening.vat_status) == (1, "APPROVED", None)
    assert_balances_match(db, company_id=company_id)


# --- numbering -----------------------------------------------------------------------------------------


def test_receipt_numbers_are_gap_free_per_fiscal_year(db: Session, books: int) -> None:
    set_year(db, company_id=books, year=THIS_YEAR + 1)
    this = [_create(db, books, draft(day(m))).receipt_number for m in (1, 5, 3)]
    failed = 0
    try:
        _create(db, books, draft(day(4), entry(NO_VAT_EXPENSE, "1"), entry(BANK, "-2")))
    except KirjuriError:
        failed += 1
    this.append(_create(db, books, draft(day(2))).receipt_number)
    following = [_create(db, books, draft(date(THIS_YEAR + 1, m, 1))).receipt_number for m in (2, 1)]
    assert failed == 1
    assert this == [1, 2, 3, 4]
    assert following == [1, 2]


def test_balances_follow_every_verb(db: Session, books: int) -> None:
    dim, (a, b) = dimension_with_items(db, company_id=books)
    created = _create(
        db, books,
        draft(day(9), entry(PURCHASES, "100", vat_percent="25.5", dims=[(dim, a, "100")]), entry(BANK, "-125.50")),
    )  # fmt: skip
    assert_balances_match(db, company_id=books)
    service.transition(db, company_id=books, receipt_id=created.id, action="approve")
    assert_balances_match(db, company_id=books)
    service.transition(db, company_id=books, receipt_id=created.id, action="unfinished")
    replaced = service.replace_receipt(
        db, company_id=books, receipt_id=created.id,
        draft=draft(day(10), entry(SALES, "-10", vat_percent="13.5"), entry(BANK, "11.35"), vat_type="SALES"),
        check_version=lambda _v: None,
    )  # fmt: skip
    assert_balances_match(db, company_id=books)
    target = _rows(db, books, replaced.id)[0]
    service.replace_dimensions(
        db, company_id=books, receipt_id=replaced.id, transaction_id=target.id,
        values=[rules.DimensionValue(dim, b, Decimal("-10"))],
    )  # fmt: skip
    assert_balances_match(db, company_id=books)
    service.transition(db, company_id=books, receipt_id=replaced.id, action="invalidate")
    assert_balances_match(db, company_id=books)
