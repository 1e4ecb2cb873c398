"""The VAT tables: rates by supply date, statuses by side, and the percent/status check."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kirjuri.core import vat
from kirjuri.core.vat import RateClass, Side

D = Decimal


@pytest.mark.parametrize(
    ("on", "general", "reduced", "low"),
    [
        (date(2024, 8, 31), "24", "14", "10"),
        (date(2024, 9, 1), "25.5", "14", "10"),
        (date(2025, 6, 1), "25.5", "14", "10"),
        (date(2025, 12, 31), "25.5", "14", "10"),
        (date(2026, 1, 1), "25.5", "13.5", "10"),
        (date(2026, 11, 23), "25.5", "13.5", "10"),
    ],
)
def test_rates_follow_the_supply_date(on: date, general: str, reduced: str, low: str) -> None:
    assert vat.rates_on(on) == {RateClass.GENERAL: D(general), RateClass.REDUCED: D(reduced), RateClass.LOW: D(low)}


@pytest.mark.parametrize(
    ("status", "side", "percent", "on", "expected"),
    [
        (vat.DOMESTIC, Side.SALES, "25.5", date(2026, 3, 1), None),
        (vat.DOMESTIC, Side.SALES, "24", date(2026, 3, 1), "ERROR_VATSTATUS_VATPERC"),  # not a rate in 2026
        (vat.DOMESTIC, Side.SALES, "24", date(2024, 8, 31), None),
        (vat.DOMESTIC, Side.PURCHASE, "13.5", date(2026, 1, 1), None),
        (vat.DOMESTIC, Side.PURCHASE, "13.5", date(2025, 12, 31), "ERROR_VATSTATUS_VATPERC"),
        (vat.DOMESTIC, Side.PURCHASE, "14", date(2025, 12, 31), None),
        (vat.DOMESTIC, Side.SALES, "0", date(2026, 3, 1), None),  # a row without VAT
        (vat.DOMESTIC, Side.SALES, "7", date(2026, 3, 1), "ERROR_VATSTATUS_VATPERC"),
        (vat.ZERO_RATED, Side.SALES, "0", date(2026, 3, 1), None),
        (vat.ZERO_RATED, Side.SALES, "25.5", date(2026, 3, 1), "ERROR_VATSTATUS_VATPERC"),
        (vat.ZERO_RATED, Side.PURCHASE, "0", date(2026, 3, 1), "ERROR_VATSTATUS_VATPERC"),  # sales only
        (vat.EU_GOODS, Side.SALES, "25.5", date(2026, 3, 1), "ERROR_VATSTATUS_VATPERC"),
        (vat.EU_GOODS, Side.PURCHASE, "25.5", date(2026, 3, 1), None),
        (vat.IMPORT, Side.SALES, "0", date(2026, 3, 1), "ERROR_VATSTATUS_VATPERC"),
        (vat.IMPORT, Side.PURCHASE, "25.5", date(2026, 3, 1), None),
        (vat.CONSTRUCTION, Side.PURCHASE, "25.5", date(2026, 3, 1), None),
        (vat.EXPORT, Side.PURCHASE, "0", date(2026, 3, 1), "ERROR_VATSTATUS_VATPERC"),
        (vat.EXEMPT, Side.PURCHASE, "10", date(2026, 3, 1), "ERROR_VATSTATUS_VATPERC"),
        (vat.NON_DEDUCTIBLE, Side.PURCHASE, "25.5", date(2026, 3, 1), None),
        (vat.NON_DEDUCTIBLE, Side.SALES, "25.5", date(2026, 3, 1), "ERROR_VATSTATUS_VATPERC"),
        (99, Side.SALES, "0", date(2026, 3, 1), "ERROR_VATSTATUS_VATPERC"),
    ],
)
def test_check(status: int, side: Side, percent: str, on: date, expected: str | None) -> None:
    assert vat.check(status=status, side=side, percent=D(percent), on=on) == expected


def test_every_status_exists_on_some_side() -> None:
    for status in vat.STATUSES.values():
        assert status.sales is not None or status.purchase is not None


def test_all_fi_percentages_are_every_rate_ever_and_zero() -> None:
    assert vat.all_fi_percentages() == [D("25.5"), D("24"), D("14"), D("13.5"), D("10"), D("0")]


@pytest.mark.parametrize(
    ("iso2", "expected"),
    [("FI", ["25.5", "13.5", "10", "0"]), ("SE", ["25", "12", "6", "0"]), ("XX", None), ("fi", None)],
)
def test_country_percentages(iso2: str, expected: list[str] | None) -> None:
    found = vat.country_percentages(iso2, date(2026, 11, 23))
    assert found == (None if expected is None else [D(p) for p in expected])


def test_class_of() -> None:
    assert vat.class_of(D("13.5"), date(2026, 2, 1)) is RateClass.REDUCED
    assert vat.class_of(D("14"), date(2026, 2, 1)) is None
