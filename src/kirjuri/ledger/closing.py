"""Closing a fiscal year: lock it for good and carry its balances into the next year.

Invariants:
- years close in order (the previous one first) and only without UNFINISHED receipts;
- closing posts one APPROVED `RECEIPT_FOR_OPENING_ACCOUNTS` on the first day of the next year
  (opened here when it does not exist yet): every balance-sheet account's closing balance, and the
  year's result (the sum of the income-statement accounts) added to the RETAINED_EARNINGS account —
  so the opening receipt balances exactly and the next year's balance sheet stands on its own;
- then the year and all its periods are CLOSED: nothing dated in them changes again, by any path.

Until a year is closed, reports carry its balances forward themselves (`ledger.reports`): the
balance sheet of a later year adds the balance-sheet balances and the result of every earlier year
that has not been closed — the same numbers the opening receipt will hold.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError
from kirjuri.core.money import from_minor
from kirjuri.ledger import accounts, chart, fiscal, reports, rules, service
from kirjuri.ledger.models import FiscalYear, LedgerAccount, LedgerReceipt, TrackingPeriod


def year_end_balances(session: Session, *, company_id: int, year: FiscalYear) -> dict[str, int]:
    """Net cents (debit − credit) per account over the year: the report sums of `ledger.reports`."""
    totals = reports.account_totals(session, company_id=company_id, start=year.start_date, end=year.end_date)
    return {account: debit - credit for account, (debit, credit) in totals.items() if debit != credit}


def opening_rows(
    balances: dict[str, int], account_types: dict[str, str], retained_earnings: str
) -> list[tuple[str, int]]:
    """(account, cents) of the next year's opening receipt: balance-sheet balances, result to equity."""
    carried: dict[str, int] = defaultdict(int)
    for code, cents in balances.items():
        target = code if account_types.get(code) in chart.BALANCE_SHEET_TYPES else retained_earnings
        carried[target] += cents
    return sorted((code, cents) for code, cents in carried.items() if cents)


def close_year(session: Session, *, company_id: int, year_id: int, user_id: int | None = None) -> FiscalYear:
    year = fiscal.get_year(session, company_id=company_id, year_id=year_id, lock=True)
    if year.status == fiscal.CLOSED:
        raise KirjuriError("FISCAL_YEAR_ALREADY_CLOSED", 409)
    previous = fiscal.previous_year(session, company_id=company_id, year=year)
    if previous is not None and previous.status != fiscal.CLOSED:
        raise KirjuriError("PREVIOUS_FISCAL_YEAR_NOT_CLOSED", 409)
    unfinished = session.scalars(
        select(LedgerReceipt.id)
        .where(
            LedgerReceipt.company_id == company_id,
            LedgerReceipt.fiscal_year_id == year.id,
            LedgerReceipt.status == rules.UNFINISHED,
        )
        .limit(1)
    ).first()
    if unfinished is not None:
        raise KirjuriError("FISCAL_YEAR_HAS_UNFINISHED_RECEIPTS", 409)
    next_year = fiscal.year_of(session, company_id=company_id, day=year.end_date + timedelta(days=1))
    if next_year is None:
        next_year = fiscal.open_next_year(session, company_id=company_id)

    balances = year_end_balances(session, company_id=company_id, year=year)
    types: dict[str, str] = {
        code: account_type
        for code, account_type in session.execute(
            select(LedgerAccount.code, LedgerAccount.account_type).where(LedgerAccount.company_id == company_id)
        )
    }
    retained = accounts.code_for_role(session, company_id=company_id, role=chart.Role.RETAINED_EARNINGS)
    rows = opening_rows(balances, types, retained)
    if rows:
        draft = rules.ReceiptDraft(
            type=rules.OPENING_RECEIPT,
            name=f"Tilinavaus {next_year.start_date:%d.%m.%Y}",
            receipt_date=next_year.start_date,
            vat_type="PURCHASE",
            vat_status=None,
            transactions=tuple(
                rules.EntryDraft(account=code, accounting_value=from_minor(cents)) for code, cents in rows
            ),
        )
        service.create_receipt(
            session,
            company_id=company_id,
            draft=draft,
            user_id=user_id,
            status=rules.APPROVED,
            allowed_types=(rules.OPENING_RECEIPT,),
            with_vat=False,
        )
    now = clock.now()
    year.status = fiscal.CLOSED
    year.modified = now
    for period in session.scalars(
        select(TrackingPeriod).where(TrackingPeriod.company_id == company_id, TrackingPeriod.fiscal_year_id == year.id)
    ):
        was = period.status
        period.status = fiscal.CLOSED
        period.modified = now
        fiscal.announce_period_status(session, period=period, previous=was)
    session.flush()
    return year
