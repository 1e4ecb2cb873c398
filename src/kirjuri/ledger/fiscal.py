"""Fiscal years and tracking periods: creating them, locking periods, and the one gate every
write of the ledger passes — `writable_period`.

Invariant: closed is closed. A date is writable only when its fiscal year is OPEN and its
tracking period is OPEN; every path that creates, changes, moves, approves or invalidates a
receipt asks `writable_period` for every date it touches, under a shared row lock on PostgreSQL so
a period cannot be locked between the check and the commit. A PENDING period may be reopened; a
CLOSED one (its year is closed) never.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.db import driver, memo
from kirjuri.db.counters import next_value
from kirjuri.ledger import rules
from kirjuri.ledger.models import FiscalYear, TrackingPeriod
from kirjuri.webhooks import catalogue, outbox

OPEN = "OPEN"
PENDING = "PENDING"
CLOSED = "CLOSED"
CLOSED_FISCAL_PERIOD = "CLOSED_FISCAL_PERIOD"

memo.watch(FiscalYear, TrackingPeriod)  # `writable_period` is remembered per transaction


def years(session: Session, *, company_id: int) -> list[tuple[FiscalYear, list[TrackingPeriod]]]:
    """Every fiscal year, newest first, each with its periods in date order."""
    found = session.scalars(
        select(FiscalYear).where(FiscalYear.company_id == company_id).order_by(FiscalYear.start_date.desc())
    ).all()
    periods = session.scalars(
        select(TrackingPeriod).where(TrackingPeriod.company_id == company_id).order_by(TrackingPeriod.start_date)
    ).all()
    by_year: dict[int, list[TrackingPeriod]] = {year.id: [] for year in found}
    for period in periods:
        by_year[period.fiscal_year_id].append(period)
    return [(year, by_year[year.id]) for year in found]


def year_of(session: Session, *, company_id: int, day: date) -> FiscalYear | None:
    return session.scalars(
        select(FiscalYear).where(
            FiscalYear.company_id == company_id, FiscalYear.start_date <= day, FiscalYear.end_date >= day
        )
    ).first()


def get_year(session: Session, *, company_id: int, year_id: int, lock: bool = False) -> FiscalYear:
    stmt = select(FiscalYear).where(FiscalYear.company_id == company_id, FiscalYear.id == year_id)
    year = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if year is None:
        raise not_found("fiscalYearId")
    return year


def latest_year(session: Session, *, company_id: int) -> FiscalYear | None:
    return session.scalars(
        select(FiscalYear).where(FiscalYear.company_id == company_id).order_by(FiscalYear.end_date.desc()).limit(1)
    ).first()


def previous_year(session: Session, *, company_id: int, year: FiscalYear) -> FiscalYear | None:
    return session.scalars(
        select(FiscalYear).where(FiscalYear.company_id == company_id, FiscalYear.end_date < year.start_date)
        .order_by(FiscalYear.end_date.desc()).limit(1)
    ).first()  # fmt: skip


def create_year(session: Session, *, company_id: int, start: date, end: date) -> FiscalYear:
    """A new fiscal year after the latest one (or the first), cut into monthly OPEN periods."""
    latest = latest_year(session, company_id=company_id)
    code = rules.check_year_dates(start, end, latest.end_date if latest else None)
    if code:
        raise KirjuriError(code, 400, "startDate")
    now = clock.now()
    year = FiscalYear(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name="fiscal_year"),
        start_date=start,
        end_date=end,
        status=OPEN,
        modified=now,
    )
    session.add(year)
    spans = rules.monthly_periods(start, end)
    first_id = next_value(session, company_id=company_id, name="tracking_period", count=len(spans))
    session.add_all(
        TrackingPeriod(
            company_id=company_id,
            id=first_id + i,
            fiscal_year_id=year.id,
            start_date=span_start,
            end_date=span_end,
            status=OPEN,
            modified=now,
        )
        for i, (span_start, span_end) in enumerate(spans)
    )
    session.flush()
    return year


def open_next_year(session: Session, *, company_id: int, months: int = 12) -> FiscalYear:
    """The year after the latest one, `months` long (1–18)."""
    latest = latest_year(session, company_id=company_id)
    if latest is None:
        raise KirjuriError("NO_FISCAL_YEAR", 409)
    if not 1 <= months <= rules.MAX_YEAR_MONTHS:
        raise KirjuriError("FISCAL_YEAR_TOO_LONG", 400, "months")
    start = latest.end_date + timedelta(days=1)
    return create_year(
        session, company_id=company_id, start=start, end=rules.add_months(start, months) - timedelta(days=1)
    )


@dataclass(frozen=True, slots=True)
class OpenPeriod:
    """A period a write may post into (`writable_period`)."""

    id: int
    fiscal_year_id: int


def writable_period(session: Session, *, company_id: int, day: date, field: str = "receiptDate") -> OpenPeriod:
    """The OPEN period of an OPEN year holding `day`, share-locked; else 400 CLOSED_FISCAL_PERIOD.
    Read once per transaction (`db.memo`): the share lock holds it until the commit. On every
    write path: read straight through the driver (`db.driver.first`)."""
    period = memo.remember(
        session, ("writable_period", company_id, day), lambda: _open_period(session, company_id, day)
    )
    if period is None:
        raise KirjuriError(CLOSED_FISCAL_PERIOD, 400, field)
    return period


# Built once (every write reads it): the period of a day with its year's status, share-locked.
_PERIOD_OF_DAY = (
    select(
        TrackingPeriod.id,
        TrackingPeriod.fiscal_year_id,
        TrackingPeriod.status.label("period_status"),
        FiscalYear.status.label("year_status"),
    )
    .join(
        FiscalYear,
        (FiscalYear.company_id == TrackingPeriod.company_id) & (FiscalYear.id == TrackingPeriod.fiscal_year_id),
    )
    .where(
        TrackingPeriod.company_id == bindparam("company_id"),
        TrackingPeriod.start_date <= bindparam("day"),
        TrackingPeriod.end_date >= bindparam("day"),
    )
    .with_for_update(read=True, of=TrackingPeriod)
)


def _open_period(session: Session, company_id: int, day: date) -> OpenPeriod | None:
    row = driver.first(session, _PERIOD_OF_DAY, {"company_id": company_id, "day": day})
    if row is None or row.period_status != OPEN or row.year_status != OPEN:
        return None
    return OpenPeriod(id=row.id, fiscal_year_id=row.fiscal_year_id)


def get_period(
    session: Session, *, company_id: int, year_id: int, period_id: int, lock: bool = False
) -> TrackingPeriod:
    stmt = select(TrackingPeriod).where(
        TrackingPeriod.company_id == company_id,
        TrackingPeriod.fiscal_year_id == year_id,
        TrackingPeriod.id == period_id,
    )
    period = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if period is None:
        raise not_found("trackingPeriodId")
    return period


# Period status changes: (from, to) pairs allowed, and who may ask for them.
PERIOD_TRANSITIONS = {(OPEN, PENDING), (PENDING, OPEN)}


def set_period_status(
    session: Session, *, company_id: int, year_id: int, period_id: int, status: str
) -> TrackingPeriod:
    """OPEN → PENDING (lock) and PENDING → OPEN (reopen, while the year is open); else 409."""
    year = get_year(session, company_id=company_id, year_id=year_id)
    period = get_period(session, company_id=company_id, year_id=year_id, period_id=period_id, lock=True)
    if (period.status, status) not in PERIOD_TRANSITIONS or year.status != OPEN:
        raise KirjuriError("INVALID_TRACKING_PERIOD_STATUS_CHANGE", 409, "status")
    previous = period.status
    period.status = status
    period.modified = clock.now()
    session.flush()
    announce_period_status(session, period=period, previous=previous)
    return period


def announce_period_status(session: Session, *, period: TrackingPeriod, previous: str) -> None:
    """The TRACKING_PERIOD_STATUS_UPDATED webhook event of a period whose status just changed."""
    if period.status == previous:
        return
    outbox.emit(
        session,
        company_id=period.company_id,
        event_type=catalogue.TRACKING_PERIOD_STATUS_UPDATED,
        payload={
            "fiscalYearId": period.fiscal_year_id,
            "trackingPeriodId": period.id,
            "startDate": period.start_date.isoformat(),
            "endDate": period.end_date.isoformat(),
            "previousStatus": previous,
            "status": period.status,
        },
    )


def periods_between(session: Session, *, company_id: int, start: date, end: date) -> list[TrackingPeriod]:
    return list(
        session.scalars(
            select(TrackingPeriod)
            .where(
                TrackingPeriod.company_id == company_id,
                TrackingPeriod.end_date >= start,
                TrackingPeriod.start_date <= end,
            )
            .order_by(TrackingPeriod.start_date)
        )
    )
