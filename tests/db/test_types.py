"""db.base: `UTCDateTime` stores and returns aware UTC on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies.models import Company
from kirjuri.db.base import NAMING_CONVENTION, UTCDateTime
from tests.factories import unique

HELSINKI_SUMMER = timezone(timedelta(hours=3))


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 4, 1, 12, 30, 15, 123456, tzinfo=UTC),
        datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=HELSINKI_SUMMER),
        datetime(1999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_round_trip_is_the_same_instant_in_utc(session_factory: sessionmaker[Session], value: datetime) -> None:
    with session_factory() as session:
        company = Company(name=unique("Aika Oy"), created_at=value, version=value)
        session.add(company)
        session.commit()
        company_id = company.id
    with session_factory() as session:
        loaded = session.get(Company, company_id)
        assert loaded is not None
        assert loaded.created_at == value
        assert loaded.created_at.tzinfo is not None
        assert loaded.created_at.utcoffset() == timedelta(0)
        assert loaded.created_at.microsecond == value.microsecond


def test_naive_datetimes_are_refused(db: Session) -> None:
    db.add(Company(name=unique("Naiivi Oy"), created_at=datetime(2026, 1, 1, 12, 0)))
    with pytest.raises(StatementError, match="naive datetime"):
        db.flush()


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
def test_bind_and_result_per_dialect(dialect: object) -> None:
    column = UTCDateTime()
    aware = datetime(2026, 4, 1, 15, 0, tzinfo=HELSINKI_SUMMER)
    bound = column.process_bind_param(aware, dialect)  # type: ignore[arg-type]
    assert bound is not None
    if dialect.name == "sqlite":  # type: ignore[attr-defined]
        assert bound == datetime(2026, 4, 1, 12, 0)
        assert bound.tzinfo is None
    else:
        assert bound == aware
        assert bound.utcoffset() == timedelta(0)
    loaded = column.process_result_value(bound, dialect)  # type: ignore[arg-type]
    assert loaded == aware
    assert loaded is not None and loaded.tzinfo is UTC
    assert column.process_bind_param(None, dialect) is None  # type: ignore[arg-type]
    assert column.process_result_value(None, dialect) is None  # type: ignore[arg-type]


def test_result_in_another_zone_is_converted_to_utc() -> None:
    loaded = UTCDateTime().process_result_value(
        datetime(2026, 4, 1, 15, 0, tzinfo=HELSINKI_SUMMER), postgresql.dialect()
    )
    assert loaded == datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
    assert loaded is not None and loaded.tzinfo is UTC


def test_naming_convention_covers_every_constraint_kind() -> None:
    assert set(NAMING_CONVENTION) == {"ix", "uq", "ck", "fk", "pk"}
