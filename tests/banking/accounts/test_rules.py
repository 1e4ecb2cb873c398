"""The pure rules of bank accounts (§D.2), table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from kirjuri.banking.accounts import rules
from kirjuri.core.errors import KirjuriError

MAIN = "FI2112345600000785"


def doc(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "iban": MAIN,
        "currency": "EUR",
        "ledgerAccount": "1910",
        "status": "ACTIVE",
        "defaultForInvoice": True,
        "defaultForPayment": True,
        "showAccountOnInvoice": True,
        "allowPayments": True,
        "allowForeignPayments": True,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def findings(
    document: dict[str, Any], *, country: str = "FINLAND", current: dict[str, Any] | None = None
) -> list[tuple[int, str | None, str]]:
    try:
        rules.check_account(document, country=country, current=current)
    except KirjuriError as error:
        return [(e.status, e.field, e.message) for e in error.items]
    return []


@pytest.mark.parametrize(
    ("given", "stored_iban", "bban", "bic"),
    [
        (MAIN, MAIN, "12345600000785", "NDEAFIHH"),
        ("fi21 1234 5600 0007 85", MAIN, "12345600000785", "NDEAFIHH"),
        ("FI4250001510000023", "FI4250001510000023", "50001510000023", "OKOYFIHH"),
        ("SE4550000000058398257466", "SE4550000000058398257466", "50000000058398257466", "ESSESESS"),
    ],
)
def test_iban_is_stored_electronic_with_derived_bban_and_bic(given: str, stored_iban: str, bban: str, bic: str) -> None:
    stored = rules.check_account(doc(iban=given, accountNumber="ignored"), country="FINLAND")
    assert (stored["iban"], stored["accountNumber"], stored["bic"]) == (stored_iban, bban, bic)
    assert stored["bankName"]


@pytest.mark.parametrize(
    "iban", ["FI2112345600000786", "XX2112345600000785", "FI21", "", "   ", "FI21 1234 5600 0007 8!"]
)
def test_invalid_iban(iban: str) -> None:
    assert findings(doc(iban=iban)) == [(400, "iban", "INVALID_IBAN")]


def test_non_string_iban_is_invalid() -> None:
    assert findings({**doc(), "iban": 12}) == [(400, "iban", "INVALID_IBAN")]


@pytest.mark.parametrize(
    ("bic", "expected"),
    [("okoyfihh", "OKOYFIHH"), ("NDEAFIHHXXX", "NDEAFIHHXXX"), (" NDEA FIHH ", "NDEAFIHH")],
)
def test_given_bic_is_kept_compact(bic: str, expected: str) -> None:
    assert rules.check_account(doc(bic=bic), country="FINLAND")["bic"] == expected


@pytest.mark.parametrize("bic", ["NDEAFIH", "NDEAXXHH", "12345678", "NDEAFIHHXX"])
def test_invalid_bic(bic: str) -> None:
    assert findings(doc(bic=bic)) == [(400, "bic", "INVALID_BIC")]


def test_blank_bic_is_derived() -> None:
    assert rules.check_account(doc(bic=""), country="FINLAND")["bic"] == "NDEAFIHH"


def test_given_bank_name_is_kept() -> None:
    assert rules.check_account(doc(bankName="Oma pankki"), country="FINLAND")["bankName"] == "Oma pankki"


def test_inactive_clears_every_flag() -> None:
    flags = dict.fromkeys(rules.FLAGS, True)
    stored = rules.check_account({**doc(status="INACTIVE"), **flags}, country="NORWAY")
    assert all(stored[flag] is False for flag in rules.FLAGS)


def test_active_keeps_flags_and_absent_optional_flags_stay_absent() -> None:
    stored = rules.check_account(doc(), country="FINLAND")
    assert stored["defaultForInvoice"] is True and stored["allowPayments"] is True
    assert not set(rules.OPTIONAL_FLAGS) & set(stored)


@pytest.mark.parametrize(
    ("country", "flag", "allowed"),
    [
        ("FINLAND", "allowSalaryPayments", True),
        ("SWEDEN", "allowSalaryPayments", True),
        ("DENMARK", "allowSalaryPayments", True),
        ("NORWAY", "allowSalaryPayments", False),
        ("FINLAND", "allowExpressPayments", True),
        ("SWEDEN", "allowExpressPayments", True),
        ("NORWAY", "allowExpressPayments", False),
        ("DENMARK", "allowExpressPayments", False),
        ("NORWAY", "withholdingTax", True),
        ("FINLAND", "withholdingTax", False),
        ("SWEDEN", "withholdingTax", False),
        ("DENMARK", "withholdingTax", False),
    ],
)
def test_country_specific_flags(country: str, flag: str, allowed: bool) -> None:
    extra = {"bankingCode": "5560000000"} if country == "SWEDEN" else {}
    expected = [] if allowed else [(400, flag, rules.COUNTRY_CODE)]
    assert findings({**doc(**extra), flag: True}, country=country) == expected
    # False is always fine.
    assert findings({**doc(**extra), flag: False}, country=country) == []


@pytest.mark.parametrize(
    ("allow_payments", "banking_code", "ok"),
    [(True, None, False), (True, "  ", False), (True, "5560000000", True), (False, None, True)],
)
def test_swedish_account_allowing_payments_needs_banking_code(
    allow_payments: bool, banking_code: str | None, ok: bool
) -> None:
    document = doc(allowPayments=allow_payments, bankingCode=banking_code)
    assert findings(document, country="SWEDEN") == ([] if ok else [(400, "bankingCode", "REQUIRED")])
    assert findings(document, country="FINLAND") == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"iban": "FI4250001510000023"}, [(400, "iban", "IBAN_CANNOT_BE_CHANGED")]),
        ({"iban": "fi21 1234 5600 0007 85"}, []),
        ({"currency": "SEK"}, [(400, "currency", "CURRENCY_CANNOT_BE_CHANGED")]),
        (
            {"iban": "FI4250001510000023", "currency": "SEK"},
            [(400, "iban", "IBAN_CANNOT_BE_CHANGED"), (400, "currency", "CURRENCY_CANNOT_BE_CHANGED")],
        ),
    ],
)
def test_iban_and_currency_are_immutable(changes: dict[str, Any], expected: list[Any]) -> None:
    current = rules.check_account(doc(), country="FINLAND")
    assert findings(doc(**changes), current=current) == expected


@pytest.mark.parametrize(("order_no", "ok"), [(1, True), (7, True), (0, False), (-3, False)])
def test_order_no(order_no: int, ok: bool) -> None:
    assert findings(doc(orderNo=order_no)) == ([] if ok else [(400, "orderNo", "INVALID_ORDER_NO")])


def test_every_finding_at_once() -> None:
    found = findings({**doc(iban="FI00", bic="X", orderNo=0), "withholdingTax": True})
    assert found == [
        (400, "iban", "INVALID_IBAN"),
        (400, "bic", "INVALID_BIC"),
        (400, "orderNo", "INVALID_ORDER_NO"),
        (400, "withholdingTax", rules.COUNTRY_CODE),
    ]


ACTIVE_1910 = {"status": "ACTIVE", "ledgerAccount": "1910"}


@pytest.mark.parametrize(
    ("new", "is_default", "has_bank_data", "fields"),
    [
        ({"status": "INACTIVE", "ledgerAccount": "1910"}, True, False, ["status"]),
        ({"status": "INACTIVE", "ledgerAccount": "1910"}, False, True, ["status"]),
        ({"status": "INACTIVE", "ledgerAccount": "1910"}, False, False, []),
        ({"status": "ACTIVE", "ledgerAccount": "1940"}, True, False, ["ledgerAccount"]),
        ({"status": "ACTIVE", "ledgerAccount": "1940"}, False, True, ["ledgerAccount"]),
        ({"status": "ACTIVE", "ledgerAccount": "1940"}, False, False, []),
        ({"status": "INACTIVE", "ledgerAccount": "1940"}, True, True, ["status", "ledgerAccount"]),
        ({"status": "ACTIVE", "ledgerAccount": "1910"}, True, True, []),
    ],
)
def test_in_use(new: dict[str, Any], is_default: bool, has_bank_data: bool, fields: list[str]) -> None:
    found = rules.in_use_errors(current=ACTIVE_1910, new=new, is_default=is_default, has_bank_data=has_bank_data)
    assert [(e.status, e.field, e.message) for e in found] == [(409, f, "BANK_ACCOUNT_IN_USE") for f in fields]
