"""What the bank files say, parsed and not yet stored: the records every importer produces and
every consumer (statements, reference payments, matching, payment settlement) reads.

Invariants: amounts are exact `Decimal` in the record's currency, signed from the company's
view (a credit, money in, is positive; a debit negative); IBANs are electronic (no spaces,
upper case); `archive_id` is the bank's archive id (camt `AcctSvcrRef`, KTL archive id), unique
per bank, and is what makes a second import of the same file change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class BankEntry:
    """One booked entry of an account statement (camt.053 `Ntry`, or one of its `TxDtls` when the
    entry is a batch: then the batch holds its transactions in `children`)."""

    archive_id: str
    booking_date: date
    value_date: date
    amount: Decimal
    currency: str
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    # A structured creditor reference, Finnish (7-3-1) or RF, as the bank gave it.
    reference: str | None = None
    message: str | None = None
    # The payer's end-to-end id (for Kirjuri's own payments: the payment's id).
    end_to_end_id: str | None = None
    # The Finnish bank transaction explanation code (e.g. 705 reference payment, 710 credit transfer).
    explanation_code: int | None = None
    children: tuple[BankEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class StatementRecord:
    """One account statement (camt.053 `Stmt`)."""

    bank_statement_id: str
    account_iban: str
    currency: str
    start_date: date
    end_date: date
    opening_balance: Decimal
    closing_balance: Decimal
    entries: tuple[BankEntry, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ReferencePaymentRecord:
    """One incoming payment identified by a reference (camt.054 `TxDtls` or a KTL record 3/5)."""

    archive_id: str
    account_iban: str
    reference: str
    amount: Decimal
    currency: str
    payment_date: date
    value_date: date
    payer_name: str | None = None
