"""Builders of ledger test data, shared by the ledger tests (owned by the receipts tests).

Everything goes through the services (`fiscal.create_year`, `dimensions.create_item`, …), never
rows inserted behind their back. Accounts are found by role or by property in the default chart,
so the tests do not depend on the exact codes of the chart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kirjuri.companies.models import Company
from kirjuri.core import clock
from kirjuri.ledger import chart, dimensions, fiscal, rules, service
from kirjuri.ledger.models import FiscalYear, LedgerBalance, LedgerReceipt, LedgerTransaction

# --- accounts of the default chart -------------------------------------------------------------

BANK = chart.by_role(chart.Role.BANK).code
SALES = chart.by_role(chart.Role.SALES).code
PURCHASES = chart.by_role(chart.Role.PURCHASES).code
VAT_PAYABLE = chart.by_role(chart.Role.VAT_PAYABLE).code
VAT_RECEIVABLE = chart.by_role(chart.Role.VAT_RECEIVABLE).code
PAYABLES = chart.by_role(chart.Role.PAYABLES).code
RECEIVABLES = chart.by_role(chart.Role.RECEIVABLES).code


def _first(predicate: Any) -> str:
    return next(a.code for a in chart.DEFAULT_CHART if predicate(a))


# An income-statement account that takes no VAT (wages) and one that takes VAT without a role.
NO_VAT_EXPENSE = _first(lambda a: a.account_type is chart.AccountType.EXPENSE and not a.vat_allowed)
VAT_EXPENSE = _first(lambda a: a.account_type is chart.AccountType.EXPENSE and a.vat_allowed and a.role is None)

THIS_YEAR = clock.now().year


def day(month: int, dom: int = 15, year: int | None = None) -> date:
    return date(year or THIS_YEAR, month, dom)


# --- wire bodies -------------------------------------------------------------------------------


def row(
    account: str,
    value: str | Decimal | int,
    *,
    vat_percent: str | Decimal | int = 0,
    kind: str = "ENTRY",
    **extra: Any,
) -> dict[str, Any]:
    """One wire Transaction; `extra` is added as given (camelCase keys)."""
    return {
        "transactionType": kind,
        "account": account,
        "accountingValue": Decimal(str(value)),
        "vatPercent": Decimal(str(vat_percent)),
        **extra,
    }


def journal(
    when: date | str,
    *rows: dict[str, Any],
    name: str = "Testitosite",
    vat_type: str = "PURCHASE",
    vat_status: int = 1,
    receipt_type: str = "JOURNAL",
    **extra: Any,
) -> dict[str, Any]:
    """A wire LedgerReceipt body; without rows, a balanced 100 € bank → expense journal."""
    body_rows = list(rows) or [row(NO_VAT_EXPENSE, "100.00"), row(BANK, "-100.00")]
    return {
        "type": receipt_type,
        "name": name,
        "receiptDate": str(when),
        "vatType": vat_type,
        "vatStatus": vat_status,
        "transactions": body_rows,
        **extra,
    }


def jsonable(body: Any) -> Any:
    """Decimals → JSON numbers for `httpx`, which cannot encode Decimal. A float's repr is the
    shortest text that reads back as it, so the server still parses the exact decimal given."""
    if isinstance(body, dict):
        return {k: jsonable(v) for k, v in body.items()}
    if isinstance(body, list):
        return [jsonable(v) for v in body]
    if isinstance(body, Decimal):
        return float(body)
    return body


# --- service drafts ----------------------------------------------------------------------------


def entry(
    account: str,
    value: str | Decimal | int,
    *,
    vat_percent: str | Decimal | int = 0,
    kind: str = rules.ENTRY,
    dims: Iterable[tuple[int, int, str | Decimal]] = (),
    **extra: Any,
) -> rules.EntryDraft:
    return rules.EntryDraft(
        account=account,
        accounting_value=Decimal(str(value)),
        kind=kind,
        vat_percent=Decimal(str(vat_percent)),
        dimensions=tuple(rules.DimensionValue(d, i, Decimal(str(v))) for d, i, v in dims),
        **extra,
    )


def draft(
    when: date,
    *entries: rules.EntryDraft,
    vat_type: str = "PURCHASE",
    vat_status: int | None = 1,
    receipt_type: str = rules.JOURNAL,
    name: str = "Testitosite",
) -> rules.ReceiptDraft:
    """A receipt draft; without entries, a balanced 100 € bank → expense journal."""
    rows = entries or (entry(NO_VAT_EXPENSE, "100.00"), entry(BANK, "-100.00"))
    return rules.ReceiptDraft(
        type=receipt_type, name=name, receipt_date=when, vat_type=vat_type, vat_status=vat_status, transactions=rows
    )


# --- books -------------------------------------------------------------------------------------


def new_books(session: Session, *, first_year: int | None = None, name: str = "Kirjat Oy") -> int:
    """A fresh company (no users) with the default chart and the calendar year `first_year` as its
    first fiscal year; returns its id. The caller commits."""
    company = Company(name=name, country="FINLAND", coa_languages=["FINNISH"])
    session.add(company)
    session.flush()
    year = first_year or THIS_YEAR
    service.setup_company(session, company_id=company.id, today=date(year, 6, 1))
    return company.id


def set_year(session: Session, *, company_id: int, year: int) -> FiscalYear:
    """Make sure the calendar year `year` exists: opens calendar years after the latest one up to
    it (fiscal years are contiguous: only later years can be added)."""
    found = fiscal.year_of(session, company_id=company_id, day=date(year, 6, 1))
    if found is not None:
        return found
    latest = fiscal.latest_year(session, company_id=company_id)
    assert latest is not None and latest.end_date.year < year, "fiscal years can only be added after the latest"
    created = latest
    for y in range(latest.end_date.year + 1, year + 1):
        created = fiscal.create_year(session, company_id=company_id, start=date(y, 1, 1), end=date(y, 12, 31))
    return created


def lock_period(session: Session, *, company_id: int, when: date) -> None:
    """Move the tracking period holding `when` to PENDING (locked)."""
    period = fiscal.writable_period(session, company_id=company_id, day=when)
    fiscal.set_period_status(
        session, company_id=company_id, year_id=period.fiscal_year_id, period_id=period.id, status=fiscal.PENDING
    )


def dimension_with_items(
    session: Session, *, company_id: int, name: str = "Kustannuspaikka", items: int = 2
) -> tuple[int, list[int]]:
    """A dimension with `items` active items: (dimension id, item ids)."""
    dimension = dimensions.create_dimension(session, company_id=company_id, name=name)
    created = [
        dimensions.create_item(
            session, company_id=company_id, dimension_id=dimension.id, code_name=f"K{i}", description=None, active=True
        ).id
        for i in range(items)
    ]
    return dimension.id, created


# --- checks ------------------------------------------------------------------------------------


Totals = dict[tuple[int, str, str], tuple[int, int]]


def balance_totals(session: Session, *, company_id: int) -> Totals:
    """(debit, credit) cents per (period, account, receipt status) of the balance table's total rows."""
    out: Totals = {}
    for period_id, account, status, debit, credit in session.execute(
        select(
            LedgerBalance.period_id,
            LedgerBalance.account,
            LedgerBalance.receipt_status,
            func.sum(LedgerBalance.debit_minor),
            func.sum(LedgerBalance.credit_minor),
        )
        .where(LedgerBalance.company_id == company_id, LedgerBalance.dimension_id == 0)
        .group_by(LedgerBalance.period_id, LedgerBalance.account, LedgerBalance.receipt_status)
    ):
        if debit or credit:
            out[(period_id, account, status)] = (int(debit), int(credit))
    return out


def posting_totals(session: Session, *, company_id: int) -> Totals:
    """The same sums recomputed from the postings of counted receipts."""
    out: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for period_id, account, status, amount in session.execute(
        select(
            LedgerTransaction.period_id, LedgerTransaction.account, LedgerReceipt.status, LedgerTransaction.amount_minor
        )
        .join(
            LedgerReceipt,
            (LedgerReceipt.company_id == LedgerTransaction.company_id)
            & (LedgerReceipt.id == LedgerTransaction.receipt_id),
        )
        .where(LedgerTransaction.company_id == company_id)
    ):
        if rules.counts(status):
            out[(period_id, account, status)][0 if amount >= 0 else 1] += abs(amount)
    return {key: (d, c) for key, (d, c) in out.items() if d or c}


def assert_balances_match(session: Session, *, company_id: int) -> None:
    assert balance_totals(session, company_id=company_id) == posting_totals(session, company_id=company_id)


def assert_books_balance(session: Session, company_id: int) -> None:
    """Every receipt sums to zero, the balances equal the postings, and the trial balance is zero."""
    per_receipt = session.execute(
        select(LedgerTransaction.receipt_id, func.sum(LedgerTransaction.amount_minor))
        .where(LedgerTransaction.company_id == company_id)
        .group_by(LedgerTransaction.receipt_id)
    ).all()
    assert per_receipt and all(total == 0 for _id, total in per_receipt), per_receipt
    assert balance_totals(session, company_id=company_id) == posting_totals(session, company_id=company_id)
    debit, credit = session.execute(
        select(func.sum(LedgerBalance.debit_minor), func.sum(LedgerBalance.credit_minor)).where(
            LedgerBalance.company_id == company_id, LedgerBalance.dimension_id == 0
        )
    ).one()
    assert debit == credit
