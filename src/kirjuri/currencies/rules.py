"""Exchange-rate rules: rate types, which type's rates serve a request, which day's rate answers a
query, and the one rounding rule of cross rates. Pure: no database, no HTTP.

Rates are stored as the ECB publishes them: units of a currency per one euro (`ecb[USD] = 1.1172`),
with `ecb[EUR] = 1` implied and never stored.

Rate types (the contract's enum; `/currencies/latest` takes the number):
    1 PROCOUNTOR_ACCOUNTING_EXCHANGE_RATE — the ECB reference rate (bundled history, `kirjuri rates
      import` for newer files);
    2 ACCOUNT_CURRENCY_AVERAGE_RATE, 3 ACCOUNT_CURRENCY_BUYING_RATE, 4 ACCOUNT_CURRENCY_SELLING_RATE,
    5 CASH_BUYING_RATE, 6 CASH_CURRENCY_SALE_EXCHANGE_RATE — a bank's own rates; the ECB publishes
      none of them.

Rule — types without rates of their own: a type 2–6 that has no rates at all is served from type 1
(the ECB reference rate). As soon as one file of that type is imported (`kirjuri rates import FILE
--rate-type N`), that type is served from its own rates only — a bank's selling rate is never mixed
with ECB middle rates; a day or currency the bank's files lack is then "not found".

Rule — the day: the rate of the query day when both currencies are quoted that day; otherwise the
latest earlier banking day, at most `FALLBACK_DAYS` days back, on which both are quoted (weekends,
holidays, a day newer than the last stored rates). The answer names the day whose rate it gives.

Rule — cross rates and rounding: the contract's rate is units of `currency` per one unit of
`baseCurrency`, so `rate = ecb[currency] / ecb[base]`; the same currency is exactly 1. The
quotient is exact to 40 significant digits and then rounded half-up (the rounding of
`core.money`) to `RATE_PLACES` = 10 decimal places — twice the ECB's precision for any rate of
0.001 or more — but never to fewer than `MIN_SIGNIFICANT` = 6 significant digits, so a tiny cross
rate (old Turkish lira to Cypriot pound) never rounds to 0. Rates are shown without exponent form
(`core.money.plain`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

from kirjuri.core.money import plain

ACCOUNTING = 1
RATE_TYPES: dict[int, str] = {
    1: "PROCOUNTOR_ACCOUNTING_EXCHANGE_RATE",
    2: "ACCOUNT_CURRENCY_AVERAGE_RATE",
    3: "ACCOUNT_CURRENCY_BUYING_RATE",
    4: "ACCOUNT_CURRENCY_SELLING_RATE",
    5: "CASH_BUYING_RATE",
    6: "CASH_CURRENCY_SALE_EXCHANGE_RATE",
}
RATE_TYPE_IDS: dict[str, int] = {name: number for number, name in RATE_TYPES.items()}
EURO = "EUR"
ECB_SOURCE = "ECB"
FALLBACK_DAYS = 10
RATE_PLACES = 10
MIN_SIGNIFICANT = 6
_ONE = Decimal(1)

# Quotes per day: currency → units per one euro.
Quotes = Mapping[date, Mapping[str, Decimal]]


def serving_type(requested: int, *, has_own_rates: bool) -> int:
    """The rate type whose stored rates answer a request for `requested`."""
    return requested if requested == ACCOUNTING or has_own_rates else ACCOUNTING


def earliest_day(query_day: date) -> date:
    """The oldest day whose rate may still answer a query for `query_day`."""
    if query_day - date.min < timedelta(days=FALLBACK_DAYS):  # year 1: no day before it exists
        return date.min
    return query_day - timedelta(days=FALLBACK_DAYS)


def per_euro(quotes: Mapping[str, Decimal], currency: str) -> Decimal | None:
    """Units of `currency` per one euro on a day, None when not quoted (the euro is always 1)."""
    return _ONE if currency == EURO else quotes.get(currency)


def rate_day(quotes: Quotes, *, base: str, currency: str, query_day: date) -> date | None:
    """The latest day from `query_day` back to `earliest_day(query_day)` on which both currencies
    are quoted; None when there is none."""
    oldest = earliest_day(query_day)
    for day in sorted(quotes, reverse=True):
        if oldest <= day <= query_day:
            on_day = quotes[day]
            if per_euro(on_day, base) is not None and per_euro(on_day, currency) is not None:
                return day
    return None


def cross_rate(base_per_euro: Decimal, currency_per_euro: Decimal) -> Decimal:
    """Units of the currency per one unit of the base, both given per one euro; rounded by the
    module's one rule and in plain (non-exponent) form."""
    if base_per_euro <= 0 or currency_per_euro <= 0:
        raise ValueError("rates are positive")
    if base_per_euro == currency_per_euro:
        return _ONE
    with localcontext() as context:
        context.prec = 40
        quotient = currency_per_euro / base_per_euro
        places = max(RATE_PLACES, MIN_SIGNIFICANT - 1 - quotient.adjusted())
        rounded = quotient.quantize(_ONE.scaleb(-places), rounding=ROUND_HALF_UP)
    return plain(rounded)


def rate_between(quotes: Mapping[str, Decimal], *, base: str, currency: str) -> Decimal | None:
    """The cross rate of one day's quotes; None when either currency is not quoted."""
    if base == currency:
        return _ONE
    base_rate, currency_rate = per_euro(quotes, base), per_euro(quotes, currency)
    if base_rate is None or currency_rate is None:
        return None
    return cross_rate(base_rate, currency_rate)


def rates_of_day(quotes: Mapping[str, Decimal], *, base: str) -> list[tuple[str, Decimal]]:
    """Every currency quoted on a day (and the euro) against `base`, base excluded, by code.
    Empty when the base itself is not quoted."""
    base_rate = per_euro(quotes, base)
    if base_rate is None:
        return []
    found: list[tuple[str, Decimal]] = []
    for code in sorted({*quotes, EURO} - {base}):
        code_rate = per_euro(quotes, code)
        assert code_rate is not None  # every code comes from the day's quotes or is the euro
        found.append((code, cross_rate(base_rate, code_rate)))
    return found
