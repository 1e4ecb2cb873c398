"""What every bank-file parser shares: problems with their location, and the checks of the values
all formats carry (amounts, currencies, IBANs, archive ids).

Invariants: a parser reports a bad value as a `Problem` (an upper-snake code and where it is — an
element path such as `Stmt[1]/Ntry[3]/Amt` or a line such as `line 4, positions 78-87`) and never
lets another exception out; `Problems` turns the findings of a whole file into one 400
`KirjuriError` at field `file` (at most `MAX_PROBLEMS` items), so a file is taken whole or not at
all. Amounts leave here as exact `Decimal`s with two decimal places; IBANs in electronic form.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from kirjuri.banking.accounts.rules import electronic
from kirjuri.core.errors import ErrorItem, KirjuriError

FIELD = "file"
# Enough to fix a file by; a broken file of 100,000 entries must not answer with 100,000 items.
MAX_PROBLEMS = 50

CENT = Decimal("0.01")
# ISO 20022 ActiveOrHistoricCurrencyAndAmount: up to 18 digits, a point and up to 5 decimals;
# Kirjuri takes only what is a whole number of cents (`1.50`, `1.500`, not `1.505`).
_AMOUNT = re.compile(r"[0-9]{1,18}(\.[0-9]{1,5})?")
_CURRENCY = re.compile(r"[A-Z]{3}")


class Problem(Exception):
    """One bad or missing value of a bank file, at a place in it."""

    def __init__(self, code: str, where: str) -> None:
        super().__init__(f"{code}: {where}")
        self.code = code
        self.where = where

    @property
    def message(self) -> str:
        return f"{self.code}: {self.where}"


class Problems:
    """The problems found in one file so far; `check` refuses the file when there are any."""

    def __init__(self) -> None:
        self.items: list[ErrorItem] = []

    def add(self, problem: Problem) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(ErrorItem(400, problem.message, FIELD))

    def __bool__(self) -> bool:
        return bool(self.items)

    def check(self) -> None:
        if self.items:
            raise KirjuriError.many(self.items)


def refuse(code: str) -> KirjuriError:
    """The whole file refused for one reason that has no place in it (empty, unknown format)."""
    return KirjuriError(code, 400, FIELD)


def amount(text: str | None, where: str) -> Decimal:
    """A non-negative amount given as decimal text, exact, in whole cents (`INVALID_AMOUNT`)."""
    value = (text or "").strip()
    if _AMOUNT.fullmatch(value) is None:
        raise Problem("INVALID_AMOUNT", where)
    try:
        exact = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise Problem("INVALID_AMOUNT", where) from None
    if exact != exact.quantize(CENT):
        raise Problem("INVALID_AMOUNT", where)
    return exact.quantize(CENT)


def currency(text: str | None, where: str) -> str:
    """An ISO 4217 alphabetic code as given (three upper-case letters; `INVALID_CURRENCY`)."""
    value = (text or "").strip()
    if _CURRENCY.fullmatch(value) is None:
        raise Problem("INVALID_CURRENCY", where)
    return value


def iban(text: str | None, where: str) -> str:
    """An IBAN in electronic form (no spaces, upper case) whose check digits and national format
    schwifty accepts (`INVALID_IBAN`)."""
    value = electronic(text or "")
    if not value:
        raise Problem("MISSING_ELEMENT", where)
    try:
        return str(IBAN(value).compact)
    except (SchwiftyException, ValueError):
        raise Problem("INVALID_IBAN", where) from None


def archive_id(text: str | None, where: str, seen: set[str]) -> str:
    """A bank archive id: required, at most 35 characters (ISO Max35Text), and not repeated
    within the file — a repeat would make a second import ambiguous (`DUPLICATE_ARCHIVE_ID`)."""
    value = (text or "").strip()
    if not value:
        raise Problem("MISSING_ELEMENT", where)
    if len(value) > 35:
        raise Problem("INVALID_ARCHIVE_ID", where)
    if value in seen:
        raise Problem("DUPLICATE_ARCHIVE_ID", where)
    seen.add(value)
    return value
