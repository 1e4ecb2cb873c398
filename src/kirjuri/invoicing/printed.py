"""The printed forms of numbers, amounts, dates and IBANs — one place for the PDF (`render`) and
the e-mail (`mail`), which must print them alike (the forms are listed in `render`'s docstring).

Invariant: a number is printed with every decimal it carries, never rounded here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kirjuri.core.money import decimal_places
from kirjuri.invoicing.texts import ENGLISH, printed_language

_NORDIC_SEPARATORS = str.maketrans({",": " ", ".": ","})


def format_number(value: Decimal, *, language: str, min_places: int = 0) -> str:
    """`value` with every decimal it carries (never fewer than `min_places`): fi/sv `1 234,5`,
    en `1,234.5`. Never rounds — the places shown are at least the places the value has."""
    places = max(min_places, decimal_places(value))
    english = f"{value:,.{places}f}"
    if printed_language(language) == ENGLISH:
        return english
    return english.translate(_NORDIC_SEPARATORS)


def format_amount(value: Decimal, *, language: str) -> str:
    """Money: at least two decimals (`1 234,50`, `1,234.50`), more only when the value has them."""
    return format_number(value, language=language, min_places=2)


def format_date(value: date, *, language: str) -> str:
    if printed_language(language) == ENGLISH:
        return value.isoformat()
    return f"{value.day}.{value.month}.{value.year}"


def format_iban(iban: str) -> str:
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
