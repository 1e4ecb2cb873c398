"""Exact money: the one rounding rule and the conversion to and from integer minor units.

Invariant: money is `Decimal` from the wire to the database and back. Amounts that are summed
are stored as integer minor units (cents); every rounding goes through `round_money`, which
rounds half away from zero (ROUND_HALF_UP on the magnitude) — the rule of Finnish invoicing and
of Procountor's `invoiceSumInfo`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MINOR_UNITS = 100


def round_money(amount: Decimal, places: int = 2) -> Decimal:
    """Round to `places` decimals, half away from zero: 0.005 → 0.01, -0.005 → -0.01."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, got {type(amount).__name__}")
    rounded = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    # -0.004 rounds to zero, not to a "-0.00" that would be shown on an invoice.
    return abs(rounded) if rounded.is_zero() else rounded


def to_minor(amount: Decimal) -> int:
    """Decimal amount → integer cents. Refuses amounts with more than two decimals."""
    if amount != round_money(amount):
        raise ValueError(f"{amount} has more than two decimals")
    return int(amount * MINOR_UNITS)


def from_minor(cents: int) -> Decimal:
    """Integer cents → Decimal amount with exactly two decimals."""
    return (Decimal(cents) / MINOR_UNITS).quantize(CENT)


def decimal_places(value: Decimal) -> int:
    """How many decimals a value carries once trailing zeros are ignored (1.50 → 1)."""
    try:
        exponent = value.normalize().as_tuple().exponent
    except InvalidOperation:
        return 0
    return max(0, -exponent) if isinstance(exponent, int) else 0


def plain(value: Decimal) -> Decimal:
    """The same number without trailing zeros and never in exponent form: 50.0000 → 50,
    12.5000 → 12.5, 1E+2 → 100 (a stored NUMERIC(7,4) shown the way a client sent it)."""
    places = decimal_places(value)
    return value.quantize(Decimal(1).scaleb(-places))
