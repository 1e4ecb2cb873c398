"""Company-scoped queries of ledger receipts and their postings.

Invariant: every query here filters on `company_id` first; a receipt of another company is
simply not found.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.core.errors import not_found
from kirjuri.ledger.models import LedgerReceipt, LedgerTransaction, TransactionDimension


def get_receipt(session: Session, *, company_id: int, receipt_id: int, lock: bool = False) -> LedgerReceipt:
    stmt = select(LedgerReceipt).where(LedgerReceipt.company_id == company_id, LedgerReceipt.id == receipt_id)
    receipt = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if receipt is None:
        raise not_found("receiptId")
    return receipt


def receipts_by_ids(session: Session, *, company_id: int, ids: Sequence[int]) -> list[LedgerReceipt]:
    return list(
        session.scalars(
            select(LedgerReceipt)
            .where(LedgerReceipt.company_id == company_id, LedgerReceipt.id.in_(ids))
            .order_by(LedgerReceipt.id)
        )
    )


def postings_of(
    session: Session, *, company_id: int, receipt_ids: Sequence[int]
) -> tuple[dict[int, list[LedgerTransaction]], dict[int, list[TransactionDimension]]]:
    """({receipt id: postings in line order}, {transaction id: dimension split}) in two queries."""
    rows: dict[int, list[LedgerTransaction]] = defaultdict(list)
    splits: dict[int, list[TransactionDimension]] = defaultdict(list)
    if not receipt_ids:
        return rows, splits
    for row in session.scalars(
        select(LedgerTransaction)
        .where(LedgerTransaction.company_id == company_id, LedgerTransaction.receipt_id.in_(receipt_ids))
        .order_by(LedgerTransaction.receipt_id, LedgerTransaction.line_no)
    ):
        rows[row.receipt_id].append(row)
    for split in session.scalars(
        select(TransactionDimension)
        .where(TransactionDimension.company_id == company_id, TransactionDimension.receipt_id.in_(receipt_ids))
        .order_by(TransactionDimension.transaction_id, TransactionDimension.line_no)
    ):
        splits[split.transaction_id].append(split)
    return rows, splits


def receipt_postings(
    session: Session, *, company_id: int, receipt_id: int
) -> tuple[list[LedgerTransaction], dict[int, list[TransactionDimension]]]:
    """One receipt's postings in line order and their splits by transaction id."""
    rows, splits = postings_of(session, company_id=company_id, receipt_ids=[receipt_id])
    return rows.get(receipt_id, []), splits


def splits_of(
    rows: Sequence[LedgerTransaction], splits: dict[int, list[TransactionDimension]]
) -> list[TransactionDimension]:
    """The split rows of `rows`, flat."""
    return [split for row in rows for split in splits.get(row.id, [])]
