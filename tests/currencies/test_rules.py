"""Pure exchange-rate rules, table-driven: cross rates and their rounding, the day that answers a
query (fallback to earlier banking days), the rates of a day against a base, and which rate type
serves a request."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kirjuri.currencies import rules

D = Decimal


@pytest.mark.parametrize(
    ("base_per_euro", "currency_per_euro", "expected"),
    [
        ("7.4415", "1", "0.1343815091"),  # DKK → EUR on 2017-12-07: 1 / 7.4415
        ("1", "1.1786", "1.1786"),  # EUR → USD: the ECB rate itself
        ("1.1786", "132.88", "112.7439334804"),  # USD → JPY, crossed through the euro
        ("3", "1", "0.3333333333"),  # 10 decimals, rounded down
        ("3", "2", "0.6666666667"),  # 10 decimals, rounded up
        ("2", "1.0000000001", "0.5000000001"),  # exactly half: half-up, not half-even
        ("372274", "0.58231", "0.0000015642"),  # TRL → CYP (1999): 6 significant digits kept
        ("0.5", "20000", "40000"),  # no trailing zeros, no exponent
        ("9.9558", "9.9558", "1"),  # the same rate is exactly 1
    ],
)
def test_cross_rate(base_per_euro: str, currency_per_euro: str, expected: str) -> None:
    rate = rules.cross_rate(D(base_per_euro), D(currency_per_euro))
    assert str(rate) == expected


@pytest.mark.parametrize(("base", "currency"), [("0", "1"), ("1", "0"), ("-1", "1")])
def test_cross_rate_refuses_non_positive_rates(base: str, currency: str) -> None:
    with pytest.raises(ValueError):
        rules.cross_rate(D(base), D(currency))


THU, FRI, MON = date(2017, 12, 7), date(2017, 12, 8), date(2017, 12, 11)
QUOTES: dict[date, dict[str, Decimal]] = {
    THU: {"USD": D("1.1786"), "DKK": D("7.4415"), "ISK": D("120")},
    FRI: {"USD": D("1.1742"), "DKK": D("7.4417")},
    MON: {"USD": D("1.1772")},
}


@pytest.mark.parametrize(
    ("base", "currency", "query_day", "expected"),
    [
        ("DKK", "EUR", THU, THU),  # the day itself
        ("EUR", "USD", date(2017, 12, 9), FRI),  # Saturday → Friday
        ("EUR", "USD", date(2017, 12, 10), FRI),  # Sunday → Friday
        ("EUR", "USD", MON, MON),
        ("DKK", "USD", MON, FRI),  # DKK is missing on Monday: the latest day with both
        ("ISK", "USD", MON, THU),
        ("EUR", "DKK", date(2017, 12, 18), FRI),  # 10 days back is still allowed …
        ("EUR", "DKK", date(2017, 12, 19), None),  # … 11 days back is not
        ("EUR", "USD", date(2017, 12, 6), None),  # nothing on or before the day
        ("EUR", "XAU", THU, None),  # never quoted
        ("EUR", "EUR", date(2017, 12, 9), FRI),  # the euro is quoted whenever anything is
    ],
)
def test_rate_day(base: str, currency: str, query_day: date, expected: date | None) -> None:
    assert rules.rate_day(QUOTES, base=base, currency=currency, query_day=query_day) == expected


@pytest.mark.parametrize(
    ("query_day", "expected"),
    [
        (date(2017, 12, 18), date(2017, 12, 8)),
        (date(2018, 1, 5), date(2017, 12, 26)),
        (date(1, 1, 5), date.min),  # no day before the first one
        (date.max, date(9999, 12, 21)),
    ],
)
def test_earliest_day(query_day: date, expected: date) -> None:
    assert rules.earliest_day(query_day) == expected


@pytest.mark.parametrize(
    ("base", "currency", "expected"),
    [
        ("EUR", "USD", D("1.1786")),
        ("DKK", "EUR", D("0.1343815091")),
        ("USD", "USD", D(1)),
        ("XAU", "XAU", D(1)),  # the same currency needs no quote
        ("EUR", "GBP", None),
        ("GBP", "EUR", None),
    ],
)
def test_rate_between(base: str, currency: str, expected: Decimal | None) -> None:
    assert rules.rate_between(QUOTES[THU], base=base, currency=currency) == expected


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("EUR", [("DKK", D("7.4415")), ("ISK", D("120")), ("USD", D("1.1786"))]),
        (
            "DKK",
            [("EUR", D("0.1343815091")), ("ISK", D("16.1257810925")), ("USD", D("0.1583820466"))],
        ),
        ("GBP", []),  # the base is not quoted that day
    ],
)
def test_rates_of_day(base: str, expected: list[tuple[str, Decimal]]) -> None:
    assert rules.rates_of_day(QUOTES[THU], base=base) == expected


@pytest.mark.parametrize(
    ("requested", "has_own", "expected"),
    [
        (1, False, 1),
        (1, True, 1),
        (2, False, 1),  # no rates of its own: the ECB reference rate
        (4, True, 4),  # a bank's file was imported: its own rates only
        (6, False, 1),
    ],
)
def test_serving_type(requested: int, has_own: bool, expected: int) -> None:
    assert rules.serving_type(requested, has_own_rates=has_own) == expected


def test_rate_type_names_are_the_contracts() -> None:
    assert rules.RATE_TYPES == {
        1: "PROCOUNTOR_ACCOUNTING_EXCHANGE_RATE",
        2: "ACCOUNT_CURRENCY_AVERAGE_RATE",
        3: "ACCOUNT_CURRENCY_BUYING_RATE",
        4: "ACCOUNT_CURRENCY_SELLING_RATE",
        5: "CASH_BUYING_RATE",
        6: "CASH_CURRENCY_SALE_EXCHANGE_RATE",
    }
    assert rules.RATE_TYPE_IDS["CASH_BUYING_RATE"] == 5
