"""Keeping `ledger_balances` equal to the sum of the counted postings.

Invariant: every change of a receipt's postings or status goes through `apply` twice — the old
contribution with sign −1, the new one with +1 — in the same transaction as the change. A receipt
whose status is not counted (invalidated) contributes nothing. Upserts are sorted by key so two
writers touching the same balances lock them in the same order (no deadlock on PostgreSQL).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kirjuri.db import direct
from kirjuri.ledger import rules, vatrows
from kirjuri.ledger.models import LedgerBalance, LedgerTransaction, TransactionDimension

# (period_id, account, receipt_status, vat_status, vat_side, vat_percent, vat_kind, dimension_id, item_id)
Key = tuple[int, str, str, int, str, Decimal, str, int, int]
KEY_COLUMNS = (
    "period_id",
    "account",
    "receipt_status",
    "vat_status",
    "vat_side",
    "vat_percent",
    "vat_kind",
    "dimension_id",
    "item_id",
)


def vat_key(row: LedgerTransaction) -> tuple[int, str, Decimal, str]:
    side = {"SALES": "S", "PURCHASE": "P"}.get(row.vat_type or "", "")
    return (
        row.vat_status or 0,
        side,
        Decimal(row.vat_percent or 0).quantize(Decimal("0.01")),
        vatrows.vat_kind(row.vat_role),
    )


def contributions(
    status: str, rows: Iterable[LedgerTransaction], splits: Iterable[TransactionDimension]
) -> dict[Key, tuple[int, int]]:
    """(debit, credit) cents per balance key of one receipt's postings in `status`."""
    out: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    if not rules.counts(status):
        return {}
    heads: dict[int, tuple[int, str, str, int, str, Decimal, str]] = {}
    for row in rows:
        head = heads[row.id] = (row.period_id, row.account, status, *vat_key(row))
        out[(*head, 0, 0)][0 if row.amount_minor >= 0 else 1] += abs(row.amount_minor)
    for split in splits:
        key: Key = (*heads[split.transaction_id], split.dimension_id, split.item_id)
        out[key][0 if split.amount_minor >= 0 else 1] += abs(split.amount_minor)
    return {key: (debit, credit) for key, (debit, credit) in out.items()}


def apply(
    session: Session,
    *,
    company_id: int,
    status: str,
    rows: Sequence[LedgerTransaction],
    splits: Sequence[TransactionDimension],
    sign: int,
) -> None:
    """Add (`sign=1`) or take away (`sign=-1`) the postings' contribution to the balances."""
    amounts = contributions(status, rows, splits)
    upsert(session, company_id=company_id, amounts=amounts, sign=sign)
    if sign < 0 and amounts:
        # Rows that fell to zero are dropped, so status changes do not leave the table growing.
        session.execute(
            delete(LedgerBalance).where(
                LedgerBalance.company_id == company_id,
                LedgerBalance.period_id.in_({key[0] for key in amounts}),
                LedgerBalance.account.in_({key[1] for key in amounts}),
                LedgerBalance.receipt_status == status,
                LedgerBalance.debit_minor == 0,
                LedgerBalance.credit_minor == 0,
            )
        )


def _upsert_statement(dialect: str) -> Any:
    """One upsert per dialect, built once (so `db.direct.run` compiles it once; on PostgreSQL it
    writes all the keys in one statement, which takes their row locks in the order given)."""
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = LedgerBalance.__table__
    stmt = insert(table)
    return stmt.on_conflict_do_update(
        index_elements=["company_id", *KEY_COLUMNS],
        set_={
            "debit_minor": table.c.debit_minor + stmt.excluded.debit_minor,
            "credit_minor": table.c.credit_minor + stmt.excluded.credit_minor,
        },
    )


_STATEMENTS = {dialect: _upsert_statement(dialect) for dialect in ("postgresql", "sqlite")}


def upsert(session: Session, *, company_id: int, amounts: dict[Key, tuple[int, int]], sign: int = 1) -> None:
    """Add `sign` × (debit, credit) to each balance key (sorted: writers lock rows in one order)."""
    if not amounts:
        return
    values = [
        {"company_id": company_id, **dict(zip(KEY_COLUMNS, key, strict=True)), "debit_minor": sign * d,
         "credit_minor": sign * c}
        for key, (d, c) in sorted(amounts.items())
    ]  # fmt: skip
    direct.run(session, _STATEMENTS[session.get_bind().dialect.name], values)
