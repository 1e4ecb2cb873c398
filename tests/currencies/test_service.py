"""The exchange-rate service against the database: the bundled ECB history (loaded once per test
run by conftest, as `kirjuri migrate` does), loading it again, importing newer and broken files,
rate queries with their fallbacks. Writes here are never committed (the `db` session rolls back),
so the shared test database keeps exactly the bundled rates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kirjuri.core.errors import KirjuriError
from kirjuri.currencies import ecb, service
from kirjuri.currencies.models import ExchangeRate
from tests.currencies.bundle import BUNDLE_FILE, NEWEST

D = Decimal


def count(session: Session, rate_type: int = 1, day: date | None = None) -> int:
    stmt = select(func.count()).select_from(ExchangeRate).where(ExchangeRate.rate_type == rate_type)
    if day is not None:
        stmt = stmt.where(ExchangeRate.day == day)
    return int(session.execute(stmt).scalar_one())


def error(exc: pytest.ExceptionInfo[KirjuriError]) -> list[tuple[int, str | None, str]]:
    return [(i.status, i.field, i.message) for i in exc.value.items]


def test_the_bundle_is_loaded_whole_as_ecb_reference_rates(db: Session) -> None:
    assert count(db) == BUNDLE_FILE.count > 200_000
    days = db.execute(select(func.count(func.distinct(ExchangeRate.day))).where(ExchangeRate.rate_type == 1))
    assert days.scalar_one() == len(BUNDLE_FILE.rates)
    row = db.get(ExchangeRate, (1, "DKK", date(2017, 12, 7)))
    assert row is not None and (row.rate, row.source) == (D("7.4415"), "ECB")
    assert db.get(ExchangeRate, (1, "CYP", date(2017, 12, 7))) is None  # N/A in the file
    assert db.execute(select(ExchangeRate).where(ExchangeRate.currency.in_(["ROL", "TRL"]))).first() is None


def test_loading_again_changes_nothing(db: Session) -> None:
    before = count(db)
    assert service.load_bundled_rates(db) == service.LoadResult(0, 0)
    assert count(db) == before


def test_a_newer_bundle_adds_only_the_days_not_stored(db: Session) -> None:
    newer, newest = NEWEST + timedelta(days=3), NEWEST + timedelta(days=4)
    bundle = (
        f"Date,USD,DKK,\n{newest},1.2,7.46,\n{newer},1.1,N/A,\n{NEWEST},9.9999,9.9999,\n2017-12-07,1,1,\n"
    ).encode()
    before = count(db)
    assert service.load_bundled_rates(db, data=bundle) == service.LoadResult(2, 3)
    assert count(db) == before + 3
    # Days already stored keep their rates.
    assert db.get(ExchangeRate, (1, "DKK", date(2017, 12, 7))).rate == D("7.4415")  # type: ignore[union-attr]
    assert service.load_bundled_rates(db, data=bundle) == service.LoadResult(0, 0)
    assert count(db) == before + 3


def test_import_of_a_newer_file(db: Session) -> None:
    monday = NEWEST + timedelta(days=7 - NEWEST.weekday())
    data = f"Date, USD, JPY, DKK, \n{monday:%d %B %Y}, 1.2000, 180.5, N/A, \n".encode()
    result = service.import_rates(db, data=data, source="ECB")
    assert result == service.ImportResult(1, 1, 2, 0, 0, monday, monday)
    quote = service.exchange_rate(db, base="EUR", currency="USD", day=monday, rate_type=1)
    assert (quote.day, quote.rate) == (monday, D("1.2"))
    dkk = service.exchange_rate(db, base="EUR", currency="DKK", day=monday, rate_type=1)
    assert dkk.day == NEWEST  # not in the new file: the latest earlier day
    # The same file again: nothing new.
    assert service.import_rates(db, data=data, source="ECB") == service.ImportResult(1, 1, 0, 0, 2, monday, monday)


def test_import_replaces_changed_rates_and_keeps_the_rest(db: Session) -> None:
    data = b"Date,USD,DKK,ROL\n2017-12-07,1.1787,7.4415,1\n"
    result = service.import_rates(db, data=data, rate_type=1, source="correction")
    assert result == service.ImportResult(1, 1, 0, 1, 1, date(2017, 12, 7), date(2017, 12, 7), ("ROL",))
    usd = db.get(ExchangeRate, (1, "USD", date(2017, 12, 7)))
    assert usd is not None and (usd.rate, usd.source) == (D("1.1787"), "correction")
    dkk = db.get(ExchangeRate, (1, "DKK", date(2017, 12, 7)))
    assert dkk is not None and dkk.source == "ECB"


def test_a_broken_file_imports_nothing(db: Session) -> None:
    before = count(db, 4)
    data = b"Date,USD,DKK\n2017-12-07,1.1,7.4\n2017-12-08,1.2,seven\n2017-12-11,1.3,7.5\n"
    with pytest.raises(ecb.RateFileError) as refused:
        service.import_rates(db, data=data, rate_type=4, source="bank")
    assert str(refused.value) == "line 3, column 3 (DKK): 'seven' is not a number"
    assert count(db, 4) == before == 0
    with pytest.raises(ecb.RateFileError, match="no rates of the accepted currencies"):
        service.import_rates(db, data=b"Date,ROL\n2004-12-31,39390\n", rate_type=4, source="bank")
    with pytest.raises(KirjuriError) as bad_type:
        service.import_rates(db, data=data, rate_type=7, source="bank")
    assert error(bad_type) == [(400, "rate-type", "INVALID_RATE_TYPE")]


def test_a_type_with_own_rates_uses_only_them(db: Session) -> None:
    thu = date(2017, 12, 7)
    # No rates of its own: the ECB reference rate.
    ecb_quote = service.exchange_rate(db, base="EUR", currency="USD", day=thu, rate_type=6)
    assert (ecb_quote.rate, ecb_quote.rate_type) == (D("1.1786"), 1)
    service.import_rates(db, data=b"Date,USD\n2017-12-07,1.1500\n", rate_type=6, source="bank.csv")
    own = service.exchange_rate(db, base="EUR", currency="USD", day=thu, rate_type=6)
    assert (own.rate, own.rate_type) == (D("1.15"), 6)
    with pytest.raises(KirjuriError) as missing:
        service.exchange_rate(db, base="EUR", currency="DKK", day=thu, rate_type=6)
    assert error(missing) == [(404, None, "EXCHANGE_RATE_NOT_FOUND")]
    # Other types are not affected.
    assert service.exchange_rate(db, base="EUR", currency="DKK", day=thu, rate_type=5).rate == D("7.4415")


@pytest.mark.parametrize(
    ("base", "currency", "day", "expected_day", "rate"),
    [
        ("DKK", "EUR", date(2017, 12, 7), date(2017, 12, 7), "0.1343815091"),
        ("EUR", "USD", date(2017, 12, 9), date(2017, 12, 8), "1.1742"),  # Saturday
        ("USD", "JPY", date(2017, 12, 25), date(2017, 12, 22), "113.363705391"),  # Christmas
        ("EUR", "CYP", date(2008, 1, 10), date(2007, 12, 31), "0.585274"),  # the pound's last day, 10 days back
        ("XAU", "XAU", date(2017, 12, 9), date(2017, 12, 9), "1"),
    ],
)
def test_exchange_rate(db: Session, *, base: str, currency: str, day: date, expected_day: date, rate: str) -> None:
    quote = service.exchange_rate(db, base=base, currency=currency, day=day, rate_type=1)
    assert quote == service.Quote(day, base, currency, expected_day, D(rate), 1)


@pytest.mark.parametrize(
    ("base", "currency", "day", "expected"),
    [
        ("EUR", "CYP", date(2008, 1, 11), [(404, None, "EXCHANGE_RATE_NOT_FOUND")]),  # 11 days back
        ("EUR", "XAU", date(2017, 12, 7), [(404, None, "EXCHANGE_RATE_NOT_FOUND")]),  # never quoted
        ("FIM", "EUR", date(2003, 1, 2), [(404, None, "EXCHANGE_RATE_NOT_FOUND")]),
        ("ISK", "EUR", date(2017, 12, 7), [(404, None, "EXCHANGE_RATE_NOT_FOUND")]),  # not quoted 2008–2018
        ("EUR", "USD", date(1998, 12, 31), [(404, None, "EXCHANGE_RATE_NOT_FOUND")]),  # before the euro
        ("EUR", "USD", date(2100, 1, 1), [(404, None, "EXCHANGE_RATE_NOT_FOUND")]),
        ("ROL", "EUR", date(2004, 1, 5), [(400, "baseCurrency", "INVALID_CURRENCY")]),
        (
            "eur",
            "usd",
            date(2017, 12, 7),
            [(400, "baseCurrency", "INVALID_CURRENCY"), (400, "currency", "INVALID_CURRENCY")],
        ),
    ],
)
def test_exchange_rate_refused(
    db: Session, base: str, currency: str, day: date, expected: list[tuple[int, str | None, str]]
) -> None:
    with pytest.raises(KirjuriError) as refused:
        service.exchange_rate(db, base=base, currency=currency, day=day, rate_type=1)
    assert error(refused) == expected
