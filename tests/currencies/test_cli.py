"""`kirjuri rates import FILE` and the bundled load of `kirjuri migrate`, through Typer's CliRunner
on the test database. What a test commits beyond the bundled rates it removes again."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from kirjuri import config
from kirjuri.cli import app
from kirjuri.config import Settings
from kirjuri.currencies import service
from kirjuri.currencies.models import ExchangeRate
from tests.currencies.bundle import BUNDLE, NEWEST

D = Decimal


@pytest.fixture()
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("KIRJURI_DATABASE_URL", settings.database_url)
    config.get_settings.cache_clear()
    yield CliRunner()
    config.get_settings.cache_clear()


@pytest.fixture()
def cash_buying(session_factory: sessionmaker[Session]) -> Iterator[None]:
    """Rate type 5 belongs to these tests: empty before, emptied after."""
    yield
    with session_factory() as session:
        session.execute(delete(ExchangeRate).where(ExchangeRate.rate_type == 5))
        session.commit()


def rows(session_factory: sessionmaker[Session], rate_type: int, day: date | None = None) -> int:
    with session_factory() as session:
        stmt = select(func.count()).select_from(ExchangeRate).where(ExchangeRate.rate_type == rate_type)
        if day is not None:
            stmt = stmt.where(ExchangeRate.day == day)
        return int(session.execute(stmt).scalar_one())


def test_the_ecb_daily_file_of_a_stored_day_changes_nothing(
    runner: CliRunner, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    quotes = BUNDLE[NEWEST]
    codes = sorted(quotes)
    daily = tmp_path / "eurofxref.csv"
    daily.write_text(
        "Date, "
        + ", ".join(codes)
        + ", \n"
        + f"{NEWEST:%d %B %Y}, "
        + ", ".join(f"{quotes[c]:.6f}" for c in codes)  # trailing zeros, as the ECB writes 0.83380
        + ", \n"
    )
    before = rows(session_factory, 1)
    result = runner.invoke(app, ["rates", "import", str(daily)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"PROCOUNTOR_ACCOUNTING_EXCHANGE_RATE: 1 days {NEWEST}..{NEWEST}, "
        f"0 rates added, 0 changed, {len(codes)} unchanged\n"
    )
    assert rows(session_factory, 1) == before


@pytest.mark.usefixtures("cash_buying")
def test_import_of_a_banks_rates_as_another_rate_type(
    runner: CliRunner, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    bank = tmp_path / "pankki-kurssit.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("kurssit.csv", "Date,USD,SEK,TRL,\n2017-12-08,1.1600,10.05,1,\n2017-12-07,1.1650,N/A,1,\n")
    bank.write_bytes(buffer.getvalue())
    result = runner.invoke(app, ["rates", "import", str(bank), "--rate-type", "5"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "CASH_BUYING_RATE: 2 days 2017-12-07..2017-12-08, 3 rates added, 0 changed, 0 unchanged\n"
    assert "columns not imported (not in the currency list): TRL" in result.output
    with session_factory() as session:
        usd = session.get(ExchangeRate, (5, "USD", date(2017, 12, 8)))
        assert usd is not None and (usd.rate, usd.source) == (D("1.16"), "pankki-kurssit.zip")
        quote = service.exchange_rate(session, base="EUR", currency="SEK", day=date(2017, 12, 10), rate_type=5)
        assert (quote.day, quote.rate, quote.rate_type) == (date(2017, 12, 8), D("10.05"), 5)


@pytest.mark.usefixtures("cash_buying")
def test_a_broken_file_imports_nothing_and_says_where(
    runner: CliRunner, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_text("Date,USD,SEK\n2017-12-08,1.16,10.05\n2017-12-07,1,16,N/A\n2017-12-06,1.17,kymmenen\n")
    result = runner.invoke(app, ["rates", "import", str(broken), "--rate-type", "5"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{broken}: nothing imported" in result.output
    assert "line 3, column 4: 3 values for 2 currencies" in result.output
    assert "line 4, column 3 (SEK): 'kymmenen' is not a number" in result.output
    assert rows(session_factory, 5) == 0


def test_refused_arguments(runner: CliRunner, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["rates", "import", str(tmp_path / "no-such.csv")])
    assert missing.exit_code == 1 and "cannot read" in missing.output
    bad_type = runner.invoke(app, ["rates", "import", str(tmp_path / "no-such.csv"), "--rate-type", "7"])
    assert bad_type.exit_code == 2


def test_migrate_loads_the_bundled_days_not_stored(runner: CliRunner, session_factory: sessionmaker[Session]) -> None:
    expected = len(BUNDLE[NEWEST])
    with session_factory() as session:
        session.execute(delete(ExchangeRate).where(ExchangeRate.rate_type == 1, ExchangeRate.day == NEWEST))
        session.commit()
    try:
        assert rows(session_factory, 1, NEWEST) == 0
        result = runner.invoke(app, ["migrate"])
        assert result.exit_code == 0, result.output
        assert f"loaded {expected} ECB reference rates of 1 days" in result.output
        assert rows(session_factory, 1, NEWEST) == expected
        again = runner.invoke(app, ["migrate"])
        assert again.exit_code == 0 and "loaded" not in again.output
    finally:
        with session_factory() as session:
            service.load_bundled_rates(session)
            session.commit()
