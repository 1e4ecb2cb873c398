"""The bulk posting path (`ledger.bulk`) against the real database, on SQLite and PostgreSQL.

What is checked: the balances equal the postings afterwards; receipt numbers stay gap-free per
fiscal year and continue the service's numbering; one bad receipt anywhere refuses the whole batch
and writes nothing (not even a counter step); closed and locked periods are refused; the reports
agree with the same receipts posted one by one through `service.create_receipt`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kirjuri.core.errors import KirjuriError
from kirjuri.core.money import from_minor
from kirjuri.ledger import accounts, closing, fiscal, reports, rules, service, statement_reports
from kirjuri.ledger.bulk import BulkReceipt, bulk_post
from kirjuri.ledger.models import FiscalYear, LedgerBalance, LedgerReceipt, LedgerTransaction, TrackingPeriod
from tests.factories import Tenant

ACCOUNTS = ("1910", "1700", "2871", "3000", "4000", "6300", "7500", "2930")


def first_year(db: Session, company_id: int) -> FiscalYear:
    return fiscal.years(db, company_id=company_id)[-1][0]


def journal(day: date, *rows: tuple[str, int], name: str = "Siirto", status: str = rules.APPROVED) -> BulkReceipt:
    return BulkReceipt(name=name, receipt_date=day, status=status, rows=tuple(rows))


def random_receipts(seed: int, start: date, days: int, count: int) -> list[BulkReceipt]:
    """Balanced receipts of 2–5 rows, over `days` days from `start`, in mixed statuses."""
    rnd = random.Random(seed)
    out = []
    for n in range(count):
        amounts = [rnd.randint(-50_000, 50_000) for _ in range(rnd.randint(1, 4))]
        amounts.append(-sum(amounts))
        rows = tuple((rnd.choice(ACCOUNTS), cents) for cents in amounts)
        status = rnd.choice((rules.APPROVED, rules.APPROVED, rules.UNFINISHED, rules.INVALIDATED))
        out.append(journal(start + timedelta(days=rnd.randrange(days)), *rows, name=f"Tosite {n}", status=status))
    return out


def service_journal(db: Session, company_id: int, receipt: BulkReceipt, *, vat: bool = False) -> LedgerReceipt:
    """The same receipt through the service (created UNFINISHED, then moved to its status)."""
    draft = rules.ReceiptDraft(
        type=receipt.type,
        name=receipt.name,
        receipt_date=receipt.receipt_date,
        vat_type="PURCHASE",
        vat_status=None,
        transactions=tuple(
            rules.EntryDraft(account=account, accounting_value=from_minor(cents)) for account, cents in receipt.rows
        ),
    )
    if vat:
        # A domestic purchase with 25.5 % VAT: the service adds the VAT rows itself.
        gross = 12_550
        draft = rules.ReceiptDraft(
            type=rules.JOURNAL,
            name="Osto ALV",
            receipt_date=receipt.receipt_date,
            vat_type="PURCHASE",
            vat_status=1,
            transactions=(
                rules.EntryDraft(account="4000", accounting_value=Decimal("100.00"), vat_percent=Decimal("25.5")),
                rules.EntryDraft(account="2871", accounting_value=-from_minor(gross)),
            ),
        )
    created = service.create_receipt(db, company_id=company_id, draft=draft)
    if receipt.status != created.status:
        service.set_status(db, company_id=company_id, receipt=created, status=receipt.status)
    return created


def balances_by_key(db: Session, company_id: int) -> dict[tuple[int, str, str], tuple[int, int]]:
    """(debit, credit) per (period, account, status) as `ledger_balances` holds them (totals rows)."""
    rows = db.execute(
        select(
            LedgerBalance.period_id,
            LedgerBalance.account,
            LedgerBalance.receipt_status,
            func.sum(LedgerBalance.debit_minor),
            func.sum(LedgerBalance.credit_minor),
        )
        .where(LedgerBalance.company_id == company_id, LedgerBalance.dimension_id == 0)
        .group_by(LedgerBalance.period_id, LedgerBalance.account, LedgerBalance.receipt_status)
    )
    return {(p, a, s): (int(d), int(c)) for p, a, s, d, c in rows if d or c}


def naive_balances(db: Session, company_id: int) -> dict[tuple[int, str, str], tuple[int, int]]:
    """The same, recomputed from every posting of every counted receipt."""
    sums: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    rows = db.execute(
        select(LedgerTransaction.period_id, LedgerTransaction.account, LedgerReceipt.status,
               LedgerTransaction.amount_minor)
        .join(LedgerReceipt, (LedgerReceipt.company_id == LedgerTransaction.company_id)
              & (LedgerReceipt.id == LedgerTransaction.receipt_id))
        .where(LedgerTransaction.company_id == company_id)
    )  # fmt: skip
    for period_id, account, status, cents in rows:
        if rules.counts(status):
            sums[(period_id, account, status)][0 if cents >= 0 else 1] += abs(cents)
    return {key: (d, c) for key, (d, c) in sums.items() if d or c}


def receipt_count(db: Session, company_id: int) -> int:
    return db.scalar(select(func.count()).select_from(LedgerReceipt).where(LedgerReceipt.company_id == company_id)) or 0


# --- writing --------------------------------------------------------------------------------------


def test_balances_equal_the_postings(db: Session, tenant: Tenant) -> None:
    year = first_year(db, tenant.company_id)
    batch = random_receipts(1, year.start_date, 365, 300)
    # Service receipts before and after, one with VAT rows, share the balances with the bulk ones.
    service_journal(db, tenant.company_id, journal(year.start_date, ("1910", 500), ("3000", -500)))
    result = bulk_post(db, company_id=tenant.company_id, receipts=batch)
    service_journal(db, tenant.company_id, journal(year.end_date, ("1910", 1), ("3000", -1)), vat=True)

    assert result.receipts == 300
    assert result.postings == sum(len(r.rows) for r in batch)
    stored = db.execute(
        select(LedgerTransaction.receipt_id, LedgerTransaction.line_no, LedgerTransaction.account,
               LedgerTransaction.amount_minor, LedgerTransaction.kind)
        .where(LedgerTransaction.company_id == tenant.company_id,
               LedgerTransaction.receipt_id.in_(list(result.receipt_ids)))
        .order_by(LedgerTransaction.receipt_id, LedgerTransaction.line_no)
    ).all()  # fmt: skip
    expected = [
        (receipt_id, line_no, account, cents, rules.ENTRY)
        for receipt_id, receipt in zip(result.receipt_ids, batch, strict=True)
        for line_no, (account, cents) in enumerate(receipt.rows)
    ]
    assert [tuple(row) for row in stored] == expected
    assert balances_by_key(db, tenant.company_id) == naive_balances(db, tenant.company_id)
    # The trial balance of the counted receipts sums to zero.
    assert sum(d - c for d, c in balances_by_key(db, tenant.company_id).values()) == 0


def test_receipts_look_like_the_services(db: Session, tenant: Tenant) -> None:
    year = first_year(db, tenant.company_id)
    day = year.start_date + timedelta(days=40)
    result = bulk_post(
        db,
        company_id=tenant.company_id,
        receipts=[journal(day, ("1910", 1234), ("3000", -1234), name="Kassa", status=rules.UNFINISHED)],
        user_id=tenant.user_id,
    )
    receipt = db.get(LedgerReceipt, (tenant.company_id, result.receipt_ids[0]))
    assert receipt is not None
    period = fiscal.writable_period(db, company_id=tenant.company_id, day=day)
    assert (receipt.type, receipt.status, receipt.name, receipt.receipt_date) == ("JOURNAL", "UNFINISHED", "Kassa", day)
    assert (receipt.fiscal_year_id, receipt.period_id) == (year.id, period.id)
    assert receipt.invoice_number == receipt.receipt_number
    assert receipt.invoice_id is not None and receipt.created_by == tenant.user_id
    assert receipt.version.tzinfo is not None
    # The service's verbs work on a bulk receipt: approve it, the balances follow.
    service.transition(db, company_id=tenant.company_id, receipt_id=receipt.id, action="approve")
    assert balances_by_key(db, tenant.company_id) == {
        (period.id, "1910", "APPROVED"): (1234, 0),
        (period.id, "3000", "APPROVED"): (0, 1234),
    }


def test_numbers_are_gap_free_and_continue_the_services(db: Session, tenant: Tenant) -> None:
    year = first_year(db, tenant.company_id)
    second = fiscal.open_next_year(db, company_id=tenant.company_id)
    one = service_journal(db, tenant.company_id, journal(year.start_date, ("1910", 10), ("3000", -10)))
    # Interleaved years: numbers per year in input order.
    days = [year.end_date, second.start_date, year.start_date, second.end_date, year.end_date]
    result = bulk_post(
        db,
        company_id=tenant.company_id,
        receipts=[journal(day, ("1910", 10 + i), ("3000", -10 - i)) for i, day in enumerate(days)],
    )
    after = service_journal(db, tenant.company_id, journal(year.end_date, ("1910", 10), ("3000", -10)))
    after_second = service_journal(db, tenant.company_id, journal(second.end_date, ("1910", 10), ("3000", -10)))

    assert result.numbers == {year.id: range(2, 5), second.id: range(1, 3)}
    numbers = {
        receipt_id: number
        for receipt_id, number in db.execute(
            select(LedgerReceipt.id, LedgerReceipt.receipt_number).where(
                LedgerReceipt.company_id == tenant.company_id, LedgerReceipt.id.in_(list(result.receipt_ids))
            )
        )
    }
    assert [numbers[i] for i in result.receipt_ids] == [2, 1, 3, 2, 4]
    assert (one.receipt_number, after.receipt_number, after_second.receipt_number) == (1, 5, 3)
    ids = [one.id, *result.receipt_ids, after.id, after_second.id]
    assert ids == list(range(one.id, one.id + len(ids)))
    invoice_ids = db.scalars(
        select(LedgerReceipt.invoice_id).where(LedgerReceipt.company_id == tenant.company_id)
    ).all()
    assert len(set(invoice_ids)) == len(ids)
    transaction_ids = db.scalars(
        select(LedgerTransaction.id).where(LedgerTransaction.company_id == tenant.company_id)
    ).all()
    assert sorted(transaction_ids) == list(range(min(transaction_ids), min(transaction_ids) + len(transaction_ids)))


def test_an_empty_batch_writes_nothing(db: Session, tenant: Tenant) -> None:
    result = bulk_post(db, company_id=tenant.company_id, receipts=iter(()))
    assert (result.receipts, result.postings, list(result.receipt_ids)) == (0, 0, [])
    assert receipt_count(db, tenant.company_id) == 0


# --- refusals -------------------------------------------------------------------------------------


def _bad(day: date) -> dict[str, tuple[BulkReceipt, str, str]]:
    """name → (receipt, code, field path under receipts[1])."""
    ok = (("1910", 100), ("3000", -100))
    return {
        "unbalanced": (journal(day, ("1910", 100), ("3000", -99)), "RECEIPT_NOT_BALANCED", "transactions"),
        "no rows": (journal(day), "TRANSACTIONS_REQUIRED", "transactions"),
        "unknown account": (
            journal(day, ("1910", 100), ("0001", -100)),
            "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION",
            "transactions[1].account",
        ),
        "bool amount": (journal(day, ("1910", True), ("3000", -1)), "OUT_OF_RANGE", "transactions[0].accountingValue"),
        "huge amount": (
            journal(day, ("1910", 10**15), ("3000", -(10**15))),
            "OUT_OF_RANGE",
            "transactions[0].accountingValue",
        ),
        "type": (
            BulkReceipt(type="SALES_INVOICE", name="x", receipt_date=day, rows=ok),
            "INVALID_RECEIPT_TYPE",
            "type",
        ),
        "status": (journal(day, *ok, status="PAID"), "INVALID_ENUM_VALUE", "status"),
        "empty name": (journal(day, *ok, name=""), "TOO_SHORT", "name"),
        "long name": (journal(day, *ok, name="x" * 81), "TOO_LONG", "name"),
        "outside every year": (journal(date(1990, 1, 1), *ok), "CLOSED_FISCAL_PERIOD", "receiptDate"),
    }


@pytest.mark.parametrize("case", sorted(_bad(date(2000, 1, 1))))
def test_one_bad_receipt_refuses_the_batch(db: Session, tenant: Tenant, case: str) -> None:
    year = first_year(db, tenant.company_id)
    bad, code, path = _bad(year.start_date)[case]
    good = journal(year.start_date, ("1910", 100), ("3000", -100))
    with pytest.raises(KirjuriError) as refused:
        bulk_post(db, company_id=tenant.company_id, receipts=[good, bad, good])
    assert (refused.value.code, refused.value.status, refused.value.field) == (code, 400, f"receipts[1].{path}")
    db.flush()
    assert receipt_count(db, tenant.company_id) == 0
    assert db.scalar(select(func.count()).select_from(LedgerBalance).where(
        LedgerBalance.company_id == tenant.company_id)) == 0  # fmt: skip
    # No counter moved: the next receipt through the service is number 1.
    assert service_journal(db, tenant.company_id, good).receipt_number == 1


def test_an_inactive_account_is_refused(db: Session, tenant: Tenant) -> None:
    year = first_year(db, tenant.company_id)
    accounts.update_account(db, company_id=tenant.company_id, code="6300", active=False)
    with pytest.raises(KirjuriError) as refused:
        bulk_post(
            db,
            company_id=tenant.company_id,
            receipts=[journal(year.start_date, ("1910", 5), ("6300", -5))],
        )
    assert (refused.value.code, refused.value.field) == (
        "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION",
        "receipts[0].transactions[1].account",
    )


def test_every_bad_receipt_is_named(db: Session, tenant: Tenant) -> None:
    year = first_year(db, tenant.company_id)
    batch = [journal(year.start_date, ("1910", 1), ("3000", -1 - (i % 2))) for i in range(6)]
    with pytest.raises(KirjuriError) as refused:
        bulk_post(db, company_id=tenant.company_id, receipts=batch)
    assert [item.field for item in refused.value.items] == [f"receipts[{i}].transactions" for i in (1, 3, 5)]


def test_a_locked_period_and_a_closed_year_are_refused(db: Session, tenant: Tenant) -> None:
    year, periods = fiscal.years(db, company_id=tenant.company_id)[-1]
    locked: TrackingPeriod = periods[2]
    fiscal.set_period_status(
        db, company_id=tenant.company_id, year_id=year.id, period_id=locked.id, status=fiscal.PENDING
    )
    ok = (("1910", 100), ("3000", -100))
    batch = [journal(periods[1].end_date, *ok), journal(locked.start_date, *ok), journal(periods[3].start_date, *ok)]
    with pytest.raises(KirjuriError) as refused:
        bulk_post(db, company_id=tenant.company_id, receipts=batch)
    assert (refused.value.code, refused.value.field) == (fiscal.CLOSED_FISCAL_PERIOD, "receipts[1].receiptDate")

    # Reopened, the same batch goes in; then the year is closed and nothing dated in it may follow.
    fiscal.set_period_status(db, company_id=tenant.company_id, year_id=year.id, period_id=locked.id, status=fiscal.OPEN)
    assert bulk_post(db, company_id=tenant.company_id, receipts=batch).receipts == 3
    closing.close_year(db, company_id=tenant.company_id, year_id=year.id)
    with pytest.raises(KirjuriError) as closed:
        bulk_post(db, company_id=tenant.company_id, receipts=[journal(year.end_date, *ok)])
    assert (closed.value.code, closed.value.field) == (fiscal.CLOSED_FISCAL_PERIOD, "receipts[0].receiptDate")


# --- the reports agree ------------------------------------------------------------------------------


def test_reports_agree_with_the_service_path(db: Session, tenant: Tenant, other_tenant: Tenant) -> None:
    """The same receipts, bulk-loaded into one company and posted one by one through the service
    into another: every report answers the same numbers (whole periods from the balances, cut
    periods from the postings, status and receipt-type filters)."""
    bulk_year = first_year(db, tenant.company_id)
    service_year = first_year(db, other_tenant.company_id)
    assert (bulk_year.start_date, bulk_year.end_date) == (service_year.start_date, service_year.end_date)
    batch = random_receipts(7, bulk_year.start_date, 365, 80)
    bulk_post(db, company_id=tenant.company_id, receipts=batch)
    for receipt in batch:
        service_journal(db, other_tenant.company_id, receipt)

    start, end = bulk_year.start_date, bulk_year.end_date
    cut_start, cut_end = start + timedelta(days=40), end - timedelta(days=50)
    approved = reports.ReportFilter(statuses=frozenset({rules.APPROVED}))
    journals = reports.ReportFilter(receipt_types=frozenset({rules.JOURNAL}))
    calls: dict[str, Callable[[int], object]] = {
        "trial balance": lambda c: reports.trial_balance(db, company_id=c, start=start, end=end),
        "trial balance, cut": lambda c: reports.trial_balance(db, company_id=c, start=cut_start, end=cut_end),
        "account totals, approved": lambda c: reports.account_totals(
            db, company_id=c, start=cut_start, end=end, filter=approved
        ),
        "account totals, journals": lambda c: reports.account_totals(
            db, company_id=c, start=start, end=cut_end, filter=journals
        ),
        "balance sheets": lambda c: statement_reports.balance_sheets(db, company_id=c, dates=[cut_end, end]),
        "income statements": lambda c: statement_reports.income_statements(
            db, company_id=c, spans=[(start, end), (cut_start, cut_end)], form="PMA"
        ),
    }
    for name, call in calls.items():
        bulk_answer, service_answer = call(tenant.company_id), call(other_tenant.company_id)
        assert bulk_answer == service_answer, name
    # Not trivially equal: the books are not empty.
    assert reports.trial_balance(db, company_id=tenant.company_id, start=start, end=end)
