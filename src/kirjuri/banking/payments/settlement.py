"""Settling Kirjuri's own outgoing payments from the bank statement's debits.

INTERFACE PLACEHOLDER: the payments work (issue 6) replaces the body of `settle`; the signature
is the contract between the statement importer and payments.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kirjuri.banking.records import BankEntry


def settle(session: Session, *, company_id: int, entry: BankEntry, bank_ledger_account: str) -> int | None:
    """The id of the outgoing payment whose end-to-end id `entry` carries, now PAID with its
    invoice, or None when the debit is not one of Kirjuri's payments."""
    return None
