"""The pure rules of payments out, table-driven."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from kirjuri.banking.payments import rules
from kirjuri.core.errors import KirjuriError


@pytest.mark.parametrize(
    ("address", "code", "field"),
    [
        ({"name": "A", "country": "FINLAND"}, "ADDRESS_TOWN_REQUIRED", "p.city"),
        ({"name": "A", "city": "  ", "country": "FINLAND"}, "ADDRESS_TOWN_REQUIRED", "p.city"),
        ({"name": "A", "city": "Espoo"}, "ADDRESS_COUNTRY_REQUIRED", "p.country"),
        ({"name": "A", "city": "Espoo", "country": "KOSOVO_TEMPORARY"}, "UNSUPPORTED_COUNTRY", "p.country"),
    ],
)
def test_a_payee_needs_a_town_and_a_country(address: dict[str, str], code: str, field: str) -> None:
    with pytest.raises(KirjuriError) as caught:
        rules.creditor_address(address, prefix="p")
    assert (caught.value.code, caught.value.status, caught.value.field) == (code, 400, field)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ({"city": "Espoo", "country": "FINLAND"}, {"town": "Espoo", "country": "FI"}),
        ({"city": "Mariehamn", "country": "ALAND_ISLANDS"}, {"town": "Mariehamn", "country": "AX"}),
        (
            {"street": "Katu 1", "zip": "00100", "city": "Helsinki", "country": "FINLAND"},
            {"street_name": "Katu 1", "postcode": "00100", "town": "Helsinki", "country": "FI"},
        ),
        (
            {"city": "Berlin", "country": "GERMANY", "subdivision": "BE"},
            {"town": "Berlin", "country": "DE", "country_subdivision": "BE"},
        ),
        ({"city": "Paris", "country": "FRANCE"}, {"town": "Paris", "country": "FR"}),
    ],
)
def test_the_structured_address(address: dict[str, str], expected: dict[str, str]) -> None:
    assert rules.creditor_address(address, prefix="") == expected


@pytest.mark.parametrize(
    ("amount", "open_amount", "code"),
    [
        (Decimal("0"), None, "INVALID_AMOUNT"),
        (Decimal("-1"), None, "INVALID_AMOUNT"),
        (Decimal("1.001"), None, "TOO_MANY_DECIMALS"),
        (Decimal("125.51"), Decimal("125.50"), "AMOUNT_EXCEEDS_OPEN_AMOUNT"),
        (Decimal("125.50"), Decimal("125.50"), None),
        (Decimal("0.01"), None, None),
    ],
)
def test_amounts(amount: Decimal, open_amount: Decimal | None, code: str | None) -> None:
    if code is None:
        rules.check_amount(amount, open_amount=open_amount, field="amount")
        return
    with pytest.raises(KirjuriError) as caught:
        rules.check_amount(amount, open_amount=open_amount, field="amount")
    assert (caught.value.code, caught.value.field) == (code, "amount")


@pytest.mark.parametrize(
    ("status", "kind", "delete", "code"),
    [
        (rules.QUEUED, rules.INVOICE, False, None),
        (rules.QUEUED, rules.INVOICE, True, None),
        (rules.QUEUED, rules.DIRECT, False, None),
        (rules.QUEUED, rules.DIRECT, True, "NOT_AN_INVOICE_PAYMENT"),
        (rules.SENT_TO_BANK, rules.INVOICE, False, "PAYMENT_ALREADY_SENT_TO_BANK"),
        (rules.SENT_TO_BANK, rules.INVOICE, True, "PAYMENT_ALREADY_SENT_TO_BANK"),
        (rules.PAID, rules.INVOICE, False, "PAYMENT_ALREADY_PAID"),
        (rules.CANCELLED, rules.DIRECT, False, "PAYMENT_ALREADY_REMOVED"),
    ],
)
def test_what_can_be_cancelled_or_deleted(status: str, kind: str, delete: bool, code: str | None) -> None:
    error = rules.removable_error(status=status, kind=kind, delete=delete)
    assert (error.code if error else None) == code
    assert error is None or error.status == 403


@pytest.mark.parametrize(
    ("reference", "kind", "message", "code", "field"),
    [
        ("1232", "FI", None, None, None),
        ("1232", "OCR", None, "UNSUPPORTED_REFERENCE_TYPE", "p.bankReferenceCodeType"),
        ("1232", None, "hello", "REFERENCE_AND_MESSAGE", "p.message"),
        (None, None, "hello", None, None),
    ],
)
def test_reference_or_message(
    reference: str | None, kind: str | None, message: str | None, code: str | None, field: str | None
) -> None:
    if code is None:
        rules.check_reference_or_message(reference=reference, reference_type=kind, message=message, prefix="p")
        return
    with pytest.raises(KirjuriError) as caught:
        rules.check_reference_or_message(reference=reference, reference_type=kind, message=message, prefix="p")
    assert (caught.value.code, caught.value.field) == (code, field)


def test_method_currency_and_date() -> None:
    rules.check_method("FINNISH_BANK_TRANSFER", field="m")
    for method in ("FINNISH_FOREIGN_PAYMENT", "SWEDISH_DOMESTIC_PAYMENT", "FINNISH_EXPRESS_PAYMENT"):
        with pytest.raises(KirjuriError, match="UNSUPPORTED_PAYMENT_METHOD"):
            rules.check_method(method, field="m")
    with pytest.raises(KirjuriError, match="UNSUPPORTED_CURRENCY"):
        rules.check_currency("SEK", field="c")
    today = date(2026, 11, 24)
    rules.check_payment_date(today, today=today, field="d")
    with pytest.raises(KirjuriError, match="PAYMENT_DATE_IN_THE_PAST"):
        rules.check_payment_date(date(2026, 11, 23), today=today, field="d")


@dataclass(frozen=True)
class _P:
    company_id: int
    payer_account_id: int
    payment_date: date
    id: int


def test_files_group_by_company_account_and_execution_date() -> None:
    today = date(2026, 11, 24)
    rows = [
        _P(1, 1, date(2026, 11, 30), 4),
        _P(1, 1, date(2026, 11, 30), 2),
        _P(1, 2, date(2026, 11, 30), 3),
        _P(1, 1, date(2026, 11, 20), 1),  # overdue: executed today
        _P(1, 1, today, 5),
        _P(2, 1, date(2026, 11, 30), 1),
    ]
    groups = rules.group_for_files(rows, today=today)
    assert {key: [p.id for p in group] for key, group in groups.items()} == {
        (1, 1, today): [1, 5],
        (1, 1, date(2026, 11, 30)): [2, 4],
        (1, 2, date(2026, 11, 30)): [3],
        (2, 1, date(2026, 11, 30)): [1],
    }
