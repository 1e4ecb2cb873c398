"""Reading exchange-rate files in the ECB's layout: the history `eurofxref-hist.csv` (a header
`Date,USD,JPY,…,` and one row per banking day, newest first, `N/A` where a currency was not
quoted, a trailing comma) and the daily `eurofxref.csv` (`Date, USD, …` with spaces and a date
written `30 October 2026`), either plain or inside the zip the ECB serves them in. A bank's own
rates in the same layout (units of currency per one euro) read the same way.

Invariant: a file is read whole or refused. `read` returns every rate of the file, or raises
`RateFileError` listing what is wrong and where (line and column, both 1-based) — never part of a
file. Cells `N/A` and empty cells are "not quoted that day" and skipped; columns of currency codes
outside the accepted list are not read (and named in the result). Pure: no database.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from kirjuri.core.money import decimal_places

# What `exchange_rates.rate` (NUMERIC(20, 10)) holds: 10 digits before the point, 10 after.
MAX_INTEGER_DIGITS = 10
MAX_DECIMALS = 10
# A file with thousands of bad cells needs one answer, not thousands.
MAX_PROBLEMS = 20
NOT_QUOTED = frozenset({"", "N/A"})
BASE = "EUR"
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}

# Rates per banking day: currency code → units of that currency per one euro.
Rates = dict[date, dict[str, Decimal]]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a file; `line` 0 is the file as a whole."""

    line: int
    column: int | None
    reason: str
    column_name: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        if self.column is not None:
            where += f", column {self.column}"
            if self.column_name:
                where += f" ({self.column_name})"
        return f"{where}: {self.reason}"


class RateFileError(ValueError):
    """A refused file: every problem found (at most `MAX_PROBLEMS`), in file order."""

    def __init__(self, problems: list[Problem], *, truncated: bool = False) -> None:
        self.problems = tuple(problems)
        self.truncated = truncated
        text = "; ".join(str(p) for p in self.problems)
        super().__init__(text + ("; …and more" if truncated else ""))


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.truncated = False

    def add(self, line: int, column: int | None, reason: str, column_name: str | None = None) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.truncated = True
            return
        self.problems.append(Problem(line, column, reason, column_name))

    @property
    def full(self) -> bool:
        return self.truncated

    def raise_if_any(self) -> None:
        if self.problems:
            raise RateFileError(self.problems, truncated=self.truncated)


@dataclass(frozen=True, slots=True)
class RateFile:
    """What a file holds: `rates` by day; `ignored`, the columns of well-formed currency codes
    outside the accepted list, which were not read (the ECB history still carries ROL and TRL,
    replaced by RON and TRY in 2005 and absent from the contract's currency list)."""

    rates: Rates
    ignored: tuple[str, ...]

    @property
    def count(self) -> int:
        return sum(len(quoted) for quoted in self.rates.values())


def read(data: bytes, *, known: Collection[str]) -> RateFile:
    """Every rate of the file, by day and currency; only columns of codes in `known` are read.
    Raises `RateFileError` when anything in the file is wrong."""
    problems = _Collector()
    text = _text(data)
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    header: list[str | None] | None = None
    header_codes: list[str] = []
    rates: Rates = {}
    seen: dict[date, int] = {}
    try:
        for raw in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in raw]
            if not any(cells):
                continue
            if header is None:
                header = _header(cells, line, known, problems)
                header_codes = [c.strip().upper() for c in cells[1 : len(header) + 1]]
                problems.raise_if_any()  # rows cannot be read against a broken header
                continue
            _row(cells, line, header=header, rates=rates, seen=seen, problems=problems)
            if problems.full:
                break
    except csv.Error as exc:
        problems.add(reader.line_num, None, f"not a CSV file ({exc})")
    if header is None and not problems.problems:
        problems.add(0, None, "the file is empty")
    elif not problems.problems and not seen:
        problems.add(0, None, "the file has a header but no days")
    problems.raise_if_any()
    assert header is not None
    ignored = tuple(code for code, read_as in zip(header_codes, header, strict=True) if read_as is None)
    return RateFile(rates, ignored)


def newest_day(data: bytes, *, known: Collection[str]) -> tuple[date, str] | None:
    """The first data row's day and one currency of `known` quoted on it, without reading the rest —
    how the bundled history (newest day first) tells cheaply whether it is loaded already."""
    text = _text(data)
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    header = next(reader, None)
    if header is None:
        return None
    for raw in reader:
        cells = [cell.strip() for cell in raw]
        if not any(cells):
            continue
        day = parse_day(cells[0])
        for code, cell in zip(header[1:], cells[1:], strict=False):
            if cell not in NOT_QUOTED and code.strip().upper() in known:
                return (day, code.strip().upper()) if day else None
        return None
    return None


def _text(data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        data = _unzip(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RateFileError([Problem(line, None, "not UTF-8 text")]) from exc


def _unzip(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if len(names) != 1:
                found = "no CSV file" if not names else f"{len(names)} CSV files"
                raise RateFileError([Problem(0, None, f"the zip holds {found}; expected one")])
            return archive.read(names[0])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise RateFileError([Problem(0, None, f"not a readable zip file ({exc})")]) from exc


def _header(cells: list[str], line: int, known: Collection[str], problems: _Collector) -> list[str | None]:
    """The column codes; None for a column of a code outside `known`, which is not read."""
    while cells and not cells[-1]:  # the ECB ends every line with a comma
        cells = cells[:-1]
    if not cells or cells[0].lower() != "date":
        problems.add(line, 1, f"the header must start with 'Date', found {cells[0][:20] if cells else ''!r}")
    codes: list[str | None] = []
    seen: set[str] = set()
    for column, cell in enumerate(cells[1:], start=2):
        code = cell.upper()
        if not (len(code) == 3 and code.isascii() and code.isalpha()):
            problems.add(line, column, f"{cell[:20]!r} is not a currency code")
        elif code == BASE:
            problems.add(line, column, "EUR is the base of the rates (1 EUR = rate units), not a column")
        elif code in seen:
            problems.add(line, column, f"{code} appears twice in the header")
        seen.add(code)
        codes.append(code if code in known else None)
    if not codes and not problems.problems:
        problems.add(line, None, "the header names no currency")
    return codes


def _row(
    cells: list[str],
    line: int,
    *,
    header: list[str | None],
    rates: Rates,
    seen: dict[date, int],
    problems: _Collector,
) -> None:
    width = len(header) + 1
    extra = [c for c in cells[width:] if c]
    if extra:
        problems.add(line, width + 1, f"{len(cells) - 1} values for {len(header)} currencies")
        return
    if len(cells) < width:
        problems.add(line, len(cells) + 1, f"{len(cells) - 1} values for {len(header)} currencies")
        return
    day = parse_day(cells[0])
    if day is None:
        problems.add(line, 1, f"{cells[0][:30]!r} is not a date (2026-10-30 or 30 October 2026)")
        return
    if day in seen:
        problems.add(line, 1, f"{day.isoformat()} already given on line {seen[day]}")
        return
    seen[day] = line
    quoted: dict[str, Decimal] = {}
    for column, (code, cell) in enumerate(zip(header, cells[1:width], strict=True), start=2):
        if code is None or cell in NOT_QUOTED:
            continue
        reason = None
        try:
            rate = Decimal(cell)
        except InvalidOperation:
            reason = f"{cell[:30]!r} is not a number"
        else:
            reason = _rate_problem(rate, cell)
        if reason:
            problems.add(line, column, reason, code)
            continue
        quoted[code] = rate
    if quoted:
        rates[day] = quoted


def _rate_problem(rate: Decimal, cell: str) -> str | None:
    if not rate.is_finite() or rate <= 0:
        return f"{cell[:30]!r} is not a positive rate"
    if rate.adjusted() + 1 > MAX_INTEGER_DIGITS:
        return f"{cell[:30]!r} is too large (at most {MAX_INTEGER_DIGITS} digits before the point)"
    if decimal_places(rate) > MAX_DECIMALS:
        return f"{cell[:30]!r} has more than {MAX_DECIMALS} decimals"
    return None


def parse_day(text: str) -> date | None:
    """`2026-10-30` (history file) or `30 October 2026` (daily file); None when neither."""
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return date(int(text[:4]), int(text[5:7]), int(text[8:10]))
        parts = text.split()
        if len(parts) == 3 and parts[1].lower() in _MONTHS:
            return date(int(parts[2]), _MONTHS[parts[1].lower()], int(parts[0]))
    except ValueError:
        return None
    return None
