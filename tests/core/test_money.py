"""core.money: the one rounding rule (half away from zero) and integer minor units."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest

from kirjuri.core.money import decimal_places, from_minor, round_money, to_minor


@pytest.mark.parametrize(
    ("amount", "places", "expected"),
    [
        ("0.005", 2, "0.01"),
        ("-0.005", 2, "-0.01"),
        ("0.004", 2, "0.00"),
        ("-0.004", 2, "0.00"),
        ("2.675", 2, "2.68"),  # float would give 2.67
        ("-2.675", 2, "-2.68"),
        ("1.0049", 2, "1.00"),
        ("1.0050", 2, "1.01"),
        ("0.125", 2, "0.13"),  # banker's rounding would give 0.12
        ("0.135", 2, "0.14"),
        ("12345678901234567.885", 2, "12345678901234567.89"),
        ("1.23456", 4, "1.2346"),
        ("-1.23455", 4, "-1.2346"),
        ("2.5", 0, "3"),
        ("-2.5", 0, "-3"),
        ("10", 2, "10.00"),
    ],
)
def test_round_money_is_half_away_from_zero(amount: str, places: int, expected: str) -> None:
    result = round_money(Decimal(amount), places)
    assert result == Decimal(expected)
    assert str(result) == expected  # the scale is exact too


@pytest.mark.parametrize("value", [0.1, 1, "1.00", None])
def test_round_money_refuses_non_decimals(value: object) -> None:
    with pytest.raises(TypeError):
        round_money(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        ("0", 0),
        ("0.01", 1),
        ("-0.01", -1),
        ("1.5", 150),
        ("1.50", 150),
        ("100", 10000),
        ("1E+2", 10000),
        ("12345678901234567.89", 1234567890123456789),
        ("-12345678901234567.89", -1234567890123456789),
    ],
)
def test_to_and_from_minor_round_trip(amount: str, cents: int) -> None:
    assert to_minor(Decimal(amount)) == cents
    assert isinstance(to_minor(Decimal(amount)), int)
    back = from_minor(cents)
    assert back == Decimal(amount)
    assert back.as_tuple().exponent == -2


@pytest.mark.parametrize("amount", ["0.001", "1.005", "-0.015", "1.999", "0.0000001"])
def test_to_minor_refuses_more_than_two_decimals(amount: str) -> None:
    with pytest.raises(ValueError, match="more than two decimals"):
        to_minor(Decimal(amount))


@pytest.mark.parametrize("value", [0.1, 1.0, 3])
def test_to_minor_refuses_floats_and_ints(value: object) -> None:
    with pytest.raises(TypeError):
        to_minor(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_to_minor_refuses_non_finite(value: str) -> None:
    with pytest.raises((ValueError, InvalidOperation)):
        to_minor(Decimal(value))


@pytest.mark.parametrize(("cents", "text"), [(0, "0.00"), (1, "0.01"), (-105, "-1.05"), (99999, "999.99")])
def test_from_minor_has_exactly_two_decimals(cents: int, text: str) -> None:
    assert str(from_minor(cents)) == text


@pytest.mark.parametrize(
    ("value", "places"),
    [("1.50", 1), ("100", 0), ("1E+2", 0), ("0.001", 3), ("-2.345", 3), ("19.2022", 4), ("0", 0), ("NaN", 0)],
)
def test_decimal_places_ignores_trailing_zeros(value: str, places: int) -> None:
    assert decimal_places(Decimal(value)) == places
