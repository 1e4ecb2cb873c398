"""Pure rules of bank statements: de-duplication keys, totals, which entries the importer acts on.

Invariants: an entry's key is the bank's archive id; a transaction of a batch entry is keyed by its
entry's archive id and its own archive id (or its position when the bank gave none), so a key
never collides across entries; the totals count booked entries only (not batch transactions,
which repeat their entry); an amount with more than two decimals is refused, never rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kirjuri.banking.records import BankEntry
from kirjuri.core.errors import KirjuriError
from kirjuri.core.ids import INT32_MAX
from kirjuri.core.money import to_minor

# The DB column widths the stored text must fit (longer bank text is cut, never refused).
NAME_LENGTH = 140
ACCOUNT_LENGTH = 70
MESSAGE_LENGTH = 1000
REFERENCE_LENGTH = 35


def entry_key(entry: BankEntry) -> str:
    return entry.archive_id


def child_key(parent: BankEntry, child: BankEntry, position: int) -> str:
    return f"{parent.archive_id}/{child.archive_id or position}"


def minor(amount: Decimal, field: str = "file") -> int:
    """Exact cents of a bank amount; more than two decimals is a 400 at `field`."""
    try:
        return to_minor(amount)
    except ValueError as exc:
        raise KirjuriError("INVALID_AMOUNT", 400, field) from exc


def cut(text: str | None, length: int) -> str | None:
    return None if text is None else text[:length]


@dataclass(frozen=True, slots=True)
class Totals:
    deposit_count: int
    deposit_minor: int
    withdrawal_count: int
    withdrawal_minor: int


def totals(entries: tuple[BankEntry, ...]) -> Totals:
    """Deposits and withdrawals of the booked entries; the withdrawal sum is positive."""
    credits = [minor(e.amount) for e in entries if e.amount > 0]
    debits = [-minor(e.amount) for e in entries if e.amount < 0]
    return Totals(len(credits), sum(credits), len(debits), sum(debits))


def settles(entry: BankEntry) -> bool:
    """A debit with an end-to-end id may be one of Kirjuri's own outgoing payments. Credits are
    never matched here: camt.053 books in aggregate what camt.054 / KTL detail as reference
    payments, and those are matched on their own import — matching both would count twice."""
    return entry.amount < 0 and bool(entry.end_to_end_id)


def end_to_end_number(value: str | None) -> int | None:
    """The wire's `endToEndId` is an int32: Kirjuri's own payment ids are (the id of the payment a
    bank entry settles); anything else is None."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= INT32_MAX else None
