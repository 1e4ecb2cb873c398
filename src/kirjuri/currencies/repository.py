"""Queries of the exchange-rate table (a reference table: no company), and the one company fact
this area reads — the company's accounting currency.

Invariant: read only. Every query of `exchange_rates` names its rate type, so it runs on the
primary key (rate_type, currency, day) — also the newest day of a type, see `latest_day`; only
`stored_days` reads a whole type (the bundled load, once). The company currency is read from `companies` by the
principal's company id only (a plain table query, so that this area — below every business
area — imports none of them).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, column, func, select, table, text
from sqlalchemy.orm import Session

from kirjuri.currencies.models import ExchangeRate

_companies = table("companies", column("id"), column("currency"))


def company_currency(session: Session, *, company_id: int) -> str | None:
    value = session.execute(select(_companies.c.currency).where(_companies.c.id == company_id)).scalar_one_or_none()
    return str(value) if value is not None else None


def has_rates(session: Session, *, rate_type: int) -> bool:
    """Whether the type has any rate of its own."""
    found = session.execute(select(ExchangeRate.day).where(ExchangeRate.rate_type == rate_type).limit(1)).first()
    return found is not None


def has_rate(session: Session, *, rate_type: int, currency: str, day: date) -> bool:
    return session.get(ExchangeRate, (rate_type, currency, day)) is not None


def quotes(
    session: Session, *, rate_type: int, currencies: Collection[str], since: date, until: date
) -> dict[date, dict[str, Decimal]]:
    """Rates of `currencies` from `since` to `until` (both included) by day and currency. The
    currencies are named (not "all") so that the query seeks the primary key per currency."""
    stmt = select(ExchangeRate.day, ExchangeRate.currency, ExchangeRate.rate).where(
        ExchangeRate.rate_type == rate_type,
        ExchangeRate.currency.in_(sorted(currencies)),
        ExchangeRate.day >= since,
        ExchangeRate.day <= until,
    )
    found: dict[date, dict[str, Decimal]] = {}
    for day, currency, rate in session.execute(stmt):
        found.setdefault(day, {})[currency] = rate
    return found


# The newest day over all currencies of a type without reading all its rows: the primary key
# (rate_type, currency, day) is walked currency by currency (a "skip scan" — one index seek per
# quoted currency, some 40), then each currency's newest day is one more seek. A plain
# `max(day) WHERE rate_type = …` reads every row of the type (200,000+ for the ECB history).
_LATEST_DAY = text(
    """
    WITH RECURSIVE quoted(currency) AS (
        SELECT min(currency) FROM exchange_rates WHERE rate_type = :rate_type
        UNION ALL
        SELECT (SELECT min(e.currency) FROM exchange_rates e
                WHERE e.rate_type = :rate_type AND e.currency > q.currency)
        FROM quoted q WHERE q.currency IS NOT NULL
    )
    SELECT max((SELECT max(e.day) FROM exchange_rates e
                WHERE e.rate_type = :rate_type AND e.currency = q.currency)) AS latest
    FROM quoted q
    """
).columns(latest=Date)


def latest_day(session: Session, *, rate_type: int, currency: str | None = None) -> date | None:
    """The newest day with a rate of the type (of `currency` when given)."""
    if currency is None:
        found: date | None = session.execute(_LATEST_DAY, {"rate_type": rate_type}).scalar_one_or_none()
        return found
    stmt = select(func.max(ExchangeRate.day)).where(
        ExchangeRate.rate_type == rate_type, ExchangeRate.currency == currency
    )
    value: date | None = session.execute(stmt).scalar_one_or_none()
    return value


def stored_days(session: Session, *, rate_type: int) -> set[date]:
    """Every day with at least one rate of the type."""
    return set(session.scalars(select(ExchangeRate.day).where(ExchangeRate.rate_type == rate_type).distinct()))


def stored_rates(session: Session, *, rate_type: int, since: date, until: date) -> dict[tuple[str, date], Decimal]:
    """The stored rates of the type between two days, by (currency, day)."""
    rows = session.execute(
        select(ExchangeRate.currency, ExchangeRate.day, ExchangeRate.rate).where(
            ExchangeRate.rate_type == rate_type, ExchangeRate.day >= since, ExchangeRate.day <= until
        )
    )
    return {(currency, day): rate for currency, day, rate in rows}
