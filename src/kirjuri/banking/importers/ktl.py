"""The legacy Finnish incoming reference payments file (KTL, "viiteaineisto"; Finance Finland's
service description v2.1, DOMAIN.md §2.3.5) into `ReferencePaymentRecord`s.

Layout (fixed width, 90 characters a line, ISO-8859-1; positions 1-based): each batch is a
record `0` (2–11 creation date and time YYMMDDHHMM, 12–13 bank group, 14–22 the payee's service
id, 23 currency `1` = euro), payment records `3` (a record `5` is read the same way), and a sum
record `9` (2–7 number of payments, 8–18 their sum in cents, 19–24 number of corrections, 25–35
their sum in cents; blank correction fields are not checked). A payment record: 2–15 the payee's
account (the 14-digit machine-format BBAN), 16–21 booking date, 22–27 payment date (YYMMDD,
20YY), 28–43 archive id, 44–63 reference (right-aligned, zero-padded), 64–75 payer name
(truncated), 76 currency (`1` = euro), 77 name source, 78–87 amount in cents, 88 correction flag
(0 normal, 1 a correction cancelling an earlier payment), 89 channel, 90 feedback code.

Invariants: every line is 90 characters and every field is checked where it is (`INVALID_DATE:
line 3, positions 16-21`); the account becomes its IBAN (`FI` + ISO 7064 check digits + the BBAN,
DOMAIN.md §2.2.4) and the BBAN's last digit is its Luhn check digit; a correction is a record
with a negative amount; the sum record agrees with the batch (`SUM_MISMATCH`); the reference
loses only its zero padding; archive ids are unique in the file; KTL has no value date, so the
value date is the booking date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from stdnum import luhn
from stdnum.iso7064 import mod_97_10

from kirjuri.banking.importers import common
from kirjuri.banking.importers.common import Problem, Problems
from kirjuri.banking.records import ReferencePaymentRecord

RECORD_LENGTH = 90
EURO = "1"
CURRENCY = "EUR"
HEADER, PAYMENT, CORRECTION_RECORD, SUM = "0", "3", "5", "9"
_START = re.compile(rb"0[0-9]{10}")
_DIGITS = re.compile(r"[0-9]+")
_REFERENCE = re.compile(r"[0-9A-Z]+")


def looks_like(data: bytes) -> bool:
    """Whether the content starts as a KTL file does: a batch record with its creation time."""
    return _START.match(data) is not None


@dataclass(slots=True)
class _Batch:
    line: int
    clean: bool = True
    count: int = 0
    total: int = 0
    corrections: int = 0
    corrections_total: int = 0
    records: list[ReferencePaymentRecord] = field(default_factory=list)


def parse(data: bytes) -> tuple[ReferencePaymentRecord, ...]:
    """Every payment of every batch, or a 400 listing the problems found (with line numbers)."""
    lines = data.decode("latin-1").split("\n")
    lines = [line.removesuffix("\r") for line in lines]
    while lines and lines[-1].strip() in ("", "\x1a"):
        lines.pop()
    problems = Problems()
    records: list[ReferencePaymentRecord] = []
    seen: set[str] = set()
    batch: _Batch | None = None
    for number, line in enumerate(lines, start=1):
        try:
            if len(line) != RECORD_LENGTH:
                if batch is not None:
                    batch.clean = False
                raise Problem("INVALID_LINE_LENGTH", f"line {number}")
            kind = line[0]
            if kind == HEADER:
                previous, batch = batch, _Batch(number)
                if previous is not None:
                    problems.add(Problem("MISSING_SUM_RECORD", f"line {number}"))
                _header(line, number)
            elif kind in (PAYMENT, CORRECTION_RECORD):
                if batch is None:
                    raise Problem("UNEXPECTED_RECORD", f"line {number}")
                try:
                    _payment(line, number, batch, seen)
                except Problem:
                    batch.clean = False
                    raise
            elif kind == SUM:
                if batch is None:
                    raise Problem("UNEXPECTED_RECORD", f"line {number}")
                done, batch = batch, None
                _sum(line, number, done)
                records.extend(done.records)
            else:
                raise Problem("UNKNOWN_RECORD_TYPE", f"line {number}")
        except Problem as problem:
            problems.add(problem)
    if batch is not None:
        problems.add(Problem("MISSING_SUM_RECORD", f"line {len(lines) + 1}"))
    problems.check()
    return tuple(records)


def _where(number: int, first: int, last: int) -> str:
    return f"line {number}, positions {first}-{last}" if first != last else f"line {number}, position {first}"


def _field(line: str, number: int, first: int, last: int) -> tuple[str, str]:
    """The raw text of positions first..last (1-based, inclusive) and where it is."""
    return line[first - 1 : last], _where(number, first, last)


def _digits(line: str, number: int, first: int, last: int, code: str) -> int:
    text, where = _field(line, number, first, last)
    if _DIGITS.fullmatch(text) is None:
        raise Problem(code, where)
    return int(text)


def _date(line: str, number: int, first: int) -> date:
    text, where = _field(line, number, first, first + 5)
    if _DIGITS.fullmatch(text) is None:
        raise Problem("INVALID_DATE", where)
    try:
        return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise Problem("INVALID_DATE", where) from None


def _header(line: str, number: int) -> None:
    created, where = _field(line, number, 2, 11)
    try:
        if _DIGITS.fullmatch(created) is None:
            raise ValueError(created)
        datetime.strptime(created, "%y%m%d%H%M")
    except ValueError:
        raise Problem("INVALID_DATE", where) from None
    currency, where = _field(line, number, 23, 23)
    if currency != EURO:
        raise Problem("UNSUPPORTED_CURRENCY", where)


def _account(line: str, number: int) -> str:
    bban, where = _field(line, number, 2, 15)
    # The last digit of a Finnish BBAN is its Luhn check digit (the IBAN's own check digits are
    # computed here, so they cannot catch a mistyped account).
    if _DIGITS.fullmatch(bban) is None or not luhn.is_valid(bban):
        raise Problem("INVALID_ACCOUNT", where)
    try:
        return common.iban("FI" + mod_97_10.calc_check_digits(bban + "FI") + bban, where)
    except Problem:
        raise Problem("INVALID_ACCOUNT", where) from None


def _payment(line: str, number: int, batch: _Batch, seen: set[str]) -> None:
    account_iban = _account(line, number)
    booking = _date(line, number, 16)
    paid = _date(line, number, 22)
    archive_text, where = _field(line, number, 28, 43)
    archive = common.archive_id(archive_text, where, seen)
    reference_text, where = _field(line, number, 44, 63)
    reference = reference_text.strip().lstrip("0")
    if not reference:
        raise Problem("MISSING_REFERENCE", where)
    if _REFERENCE.fullmatch(reference) is None:
        raise Problem("INVALID_REFERENCE", where)
    name = line[63:75].strip() or None
    currency, where = _field(line, number, 76, 76)
    if currency != EURO:
        raise Problem("UNSUPPORTED_CURRENCY", where)
    cents = _digits(line, number, 78, 87, "INVALID_AMOUNT")
    flag, where = _field(line, number, 88, 88)
    if flag not in ("0", "1"):
        raise Problem("INVALID_CORRECTION_FLAG", where)
    correction = flag == "1"
    if correction:
        batch.corrections += 1
        batch.corrections_total += cents
    else:
        batch.count += 1
        batch.total += cents
    amount = Decimal(cents) * common.CENT
    batch.records.append(
        ReferencePaymentRecord(
            archive_id=archive,
            account_iban=account_iban,
            reference=reference,
            amount=-amount if correction else amount,
            currency=CURRENCY,
            payment_date=paid,
            value_date=booking,
            payer_name=name,
        )
    )


def _sum(line: str, number: int, batch: _Batch) -> None:
    count = _digits(line, number, 2, 7, "INVALID_COUNT")
    total = _digits(line, number, 8, 18, "INVALID_AMOUNT")
    corrections_text, _ = _field(line, number, 19, 24)
    corrections_total_text, _ = _field(line, number, 25, 35)
    corrections = corrections_total = None
    if corrections_text.strip() or corrections_total_text.strip():
        corrections = _digits(line, number, 19, 24, "INVALID_COUNT")
        corrections_total = _digits(line, number, 25, 35, "INVALID_AMOUNT")
    if not batch.clean:
        return
    if count != batch.count:
        raise Problem("SUM_MISMATCH", _where(number, 2, 7))
    if total != batch.total:
        raise Problem("SUM_MISMATCH", _where(number, 8, 18))
    if corrections is not None and corrections != batch.corrections:
        raise Problem("SUM_MISMATCH", _where(number, 19, 24))
    if corrections_total is not None and corrections_total != batch.corrections_total:
        raise Problem("SUM_MISMATCH", _where(number, 25, 35))
