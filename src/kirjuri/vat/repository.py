"""Company-scoped reads of the ledger's VAT sums for the VAT return.

Invariant: the sums come from `ledger_balances` for the tracking periods the date range covers
whole, and from the postings (`ledger_transactions` joined to their receipts) only for the days of
periods the range cuts — the same split as `ledger.reports`; totals rows only (no dimension),
counted receipt statuses only, every query filtered on `company_id` first.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kirjuri.ledger import reports, rules, vatrows
from kirjuri.ledger.models import LedgerBalance, LedgerTransaction
from kirjuri.vat.rules import VatSum

SIDES = {"SALES": "S", "PURCHASE": "P"}
CENT = Decimal("0.01")


def vat_sums(
    session: Session, *, company_id: int, start: date, end: date, statuses: frozenset[str] | None = None
) -> list[VatSum]:
    """The VAT sums of the postings dated start..end: one per tracking period (or cut part of one),
    account and VAT key, for every posting that carries a VAT status."""
    books = reports.books_of(session, company_id=company_id)
    plan = reports.cover(books, [(start, end)])
    vat_allowed = {code: account.vat_allowed for code, account in books.accounts.items()}
    period_start = {period.id: period.start for period in books.periods}
    out: list[VatSum] = []
    if plan.whole:
        b = LedgerBalance
        conditions: list[Any] = [
            b.company_id == company_id,
            b.period_id.in_(sorted(plan.whole)),
            b.dimension_id == 0,
            b.item_id == 0,
            b.vat_status != 0,
            b.receipt_status.not_in(sorted(rules.NOT_COUNTED)),
        ]
        if statuses is not None:
            conditions.append(b.receipt_status.in_(sorted(statuses)))
        keys = (b.period_id, b.account, b.vat_status, b.vat_side, b.vat_percent, b.vat_kind)
        stmt = select(*keys, func.sum(b.debit_minor - b.credit_minor)).where(*conditions).group_by(*keys)
        for period_id, account, status, side, percent, kind, net in session.execute(stmt):
            out.append(
                VatSum(period_start[period_id], account, vat_allowed.get(account, False), status, side,
                       Decimal(percent).quantize(CENT), kind, int(net or 0))
            )  # fmt: skip
    if plan.edges:
        t = LedgerTransaction
        filt = reports.ReportFilter(statuses=statuses)
        source, conditions, amount = reports.postings_query(
            company_id=company_id, days=[(a, b) for _i, a, b in plan.edges], filt=filt
        )
        edge = case(*((t.entry_date.between(a, b), i) for i, (_k, a, b) in enumerate(plan.edges)))
        inner = (
            select(
                edge.label("edge"),
                t.account.label("account"),
                t.vat_status.label("status"),
                t.vat_type.label("side"),
                t.vat_percent.label("percent"),
                t.vat_role.label("role"),
                amount.label("amount"),
            )
            .select_from(source)
            .where(*conditions, t.vat_status.is_not(None))
            .subquery()
        )
        edge_keys = (inner.c.edge, inner.c.account, inner.c.status, inner.c.side, inner.c.percent, inner.c.role)
        for index, account, status, side, percent, role, net in session.execute(
            select(*edge_keys, func.sum(inner.c.amount)).group_by(*edge_keys)
        ):
            out.append(
                VatSum(plan.edges[int(index)][1], account, vat_allowed.get(account, False), status,
                       SIDES.get(side or "", ""), Decimal(percent or 0).quantize(CENT),
                       vatrows.vat_kind(role), int(net or 0))
            )  # fmt: skip
    return out
