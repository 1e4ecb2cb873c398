"""Matching an incoming reference payment to the open sales invoice its reference names.

INTERFACE PLACEHOLDER: the real matching (issue 6) replaces the body of `match`; the signature
and `MatchResult` are the contract between the importers and the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from kirjuri.banking.records import ReferencePaymentRecord


@dataclass(frozen=True, slots=True)
class MatchResult:
    # MATCHED, PARTLY_PAID, OVERPAID, UNMATCHED
    outcome: str
    invoice_id: int | None
    # What went to the invoice and what to the suspense account (payment currency).
    applied: Decimal
    unmatched: Decimal
    # The suspense posting of the unmatched part, when there is one.
    suspense_receipt_id: int | None
    payment_event_id: int | None


def match(
    session: Session, *, company_id: int, payment: ReferencePaymentRecord, bank_ledger_account: str, user_id: int | None
) -> MatchResult:
    """Apply `payment` (stored once, by its archive id) to the invoice its reference names."""
    return MatchResult("UNMATCHED", None, Decimal(0), payment.amount, None, None)
