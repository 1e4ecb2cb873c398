"""Pure rules of the product registers, table-driven: rights by type, product checks, default
product checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from kirjuri.core.errors import ErrorItem
from kirjuri.products import rules
from kirjuri.products.rules import DefaultProductDraft, Localization, Period, ProductDraft

D = Decimal
BASE = ProductDraft(type="SALES", name="Kahvi", price=D("12.5"), discount=D(0), currency="EUR")
TRAVEL = replace(BASE, type="TRAVEL")


def codes(errors: list[ErrorItem]) -> list[tuple[str, str | None]]:
    return [(e.message, e.field) for e in errors]


# --- rights -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "readable", "writable"),
    [
        (set(), set(), set()),
        ({"sales.productRegister"}, {"SALES", "TRAVEL"}, {"SALES"}),
        ({"purchases.productRegister"}, {"PURCHASE", "TRAVEL"}, {"PURCHASE", "TRAVEL"}),
        ({"sales.salesOrGroupInvoices"}, {"SALES"}, set()),
        ({"sales.salesInvoiceSearch"}, {"SALES"}, set()),
        ({"purchases.purchaseInvoices"}, {"PURCHASE"}, set()),
        ({"purchases.purchaseInvoiceSearch"}, {"PURCHASE"}, set()),
        ({"travelAndExpenses.travelAndExpenseInvoices"}, {"TRAVEL"}, set()),
        ({"sales.customerRegister"}, set(), set()),
        ({"sales.productRegister", "purchases.productRegister"}, {"SALES", "PURCHASE", "TRAVEL"},
         {"SALES", "PURCHASE", "TRAVEL"}),
    ],
)  # fmt: skip
def test_rights_by_type(held: set[str], readable: set[str], writable: set[str]) -> None:
    assert rules.readable_types(lambda right: right in held) == readable
    assert rules.writable_types(lambda right: right in held) == writable


def test_every_right_of_the_table_is_a_known_right() -> None:
    from kirjuri.companies.rules import level_of

    for right in (*rules.ANY_READ_RIGHT, *rules.ANY_WRITE_RIGHT):
        assert level_of({}, right) == "NO_ACCESS"


@pytest.mark.parametrize(
    ("requested", "readable", "expected"),
    [
        (None, {"SALES", "PURCHASE", "TRAVEL"}, ("SALES", "PURCHASE")),
        (None, {"SALES", "TRAVEL"}, ("SALES",)),
        ("TRAVEL", {"SALES", "PURCHASE", "TRAVEL"}, ("TRAVEL",)),
        ("PURCHASE", {"SALES"}, ()),
        (None, {"TRAVEL"}, ()),
    ],
)
def test_listed_types(requested: str | None, readable: set[str], expected: tuple[str, ...]) -> None:
    assert rules.listed_types(requested, frozenset(readable)) == expected


# --- products ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        (BASE, []),
        (replace(BASE, name="   "), [("REQUIRED", "name")]),
        (replace(BASE, price=D("-3.12345678")), []),
        (replace(BASE, price=D("1.123456789")), [("TOO_MANY_DECIMALS", "price")]),
        (replace(BASE, price=D("1.100000000000")), []),
        (replace(BASE, price=D("9999999999999999.99")), []),
        (replace(BASE, price=D("10000000000000000")), [("OUT_OF_RANGE", "price")]),
        (replace(BASE, price=D("-10000000000000000")), [("OUT_OF_RANGE", "price")]),
        (replace(BASE, discount=D("100")), []),
        (replace(BASE, discount=D("12.3456")), []),
        (replace(BASE, discount=D("12.34567")), [("TOO_MANY_DECIMALS", "discount")]),
        (replace(BASE, discount=D("100.01")), [("OUT_OF_RANGE", "discount")]),
        (replace(BASE, discount=D("-1")), [("OUT_OF_RANGE", "discount")]),
        *[(replace(BASE, vat=D(p)), []) for p in ("0", "10", "13.5", "14", "24", "25.5", "25.50")],
        *[(replace(BASE, vat=D(p)), [("INVALID_VAT_PERCENTAGE", "vat")]) for p in ("13", "25", "100", "-24", "22")],
        *[(replace(BASE, vat_status=s), []) for s in (1, 2, 3, 4, 6, 7, 8)],
        *[(replace(BASE, vat_status=s), [("INVALID_VAT_STATUS", "vatStatus")]) for s in (5, 9, 0, 10, -1)],
        *[(replace(BASE, type="PURCHASE", vat_status=s), []) for s in (1, 3, 4, 5, 6, 8, 9)],
        *[(replace(BASE, type="PURCHASE", vat_status=s), [("INVALID_VAT_STATUS", "vatStatus")]) for s in (2, 7)],
        (replace(TRAVEL, vat_status=9), []),
        (replace(TRAVEL, vat_status=7), [("INVALID_VAT_STATUS", "vatStatus")]),
        (replace(BASE, localizations=(Localization("ENGLISH", "Coffee"), Localization("SWEDISH", "Kaffe"))), []),
        (replace(BASE, localizations=(Localization("ENGLISH", "Coffee"), Localization("ENGLISH", "Java"))),
         [("DUPLICATE_LANGUAGE", "productLocalizations[1].language")]),
        (replace(BASE, localizations=(Localization(None, "Coffee"), Localization("ENGLISH", " "))),
         [("REQUIRED", "productLocalizations[0].language"), ("REQUIRED", "productLocalizations[1].productName")]),
        (replace(BASE, start_date=date(2026, 1, 1), end_date=date(2026, 2, 1), bookkeeping_account="7000"),
         [("ONLY_FOR_TRAVEL_PRODUCTS", "startDate"), ("ONLY_FOR_TRAVEL_PRODUCTS", "endDate"),
          ("ONLY_FOR_TRAVEL_PRODUCTS", "bookkeepingAccount")]),
        (replace(TRAVEL, start_date=date(2026, 1, 1), end_date=date(2026, 1, 1), bookkeeping_account="7000"), []),
        (replace(TRAVEL, start_date=date(2026, 1, 2), end_date=date(2026, 1, 1)),
         [("START_DATE_AFTER_END_DATE", "startDate")]),
        (replace(TRAVEL, start_date=date(2026, 1, 2)), []),
        (replace(BASE, name=" ", price=D("0.000000001"), discount=D(101), vat=D(1), vat_status=99),
         [("REQUIRED", "name"), ("TOO_MANY_DECIMALS", "price"), ("OUT_OF_RANGE", "discount"),
          ("INVALID_VAT_PERCENTAGE", "vat"), ("INVALID_VAT_STATUS", "vatStatus")]),
    ],
)  # fmt: skip
def test_check_product(draft: ProductDraft, expected: list[tuple[str, str]]) -> None:
    assert codes(rules.check_product(draft)) == expected


def test_accounts_of_a_draft_by_wire_field() -> None:
    assert BASE.accounts == {}
    assert replace(TRAVEL, default_account="3000", bookkeeping_account="7000").accounts == {
        "defaultAccount": "3000",
        "bookkeepingAccount": "7000",
    }


# --- default products -------------------------------------------------------------------------------

ONE = DefaultProductDraft(product_id=1)


@pytest.mark.parametrize(
    ("drafts", "expected"),
    [
        ([], []),
        ([ONE, DefaultProductDraft(product_id=2, use_special_price=True, special_price=D("9.95"))], []),
        ([ONE, DefaultProductDraft(product_id=1)], [("DUPLICATE_PRODUCT", "[1].productInfo.id")]),
        ([DefaultProductDraft(product_id=None)], [("REQUIRED", "[0].productInfo.id")]),
        ([replace(ONE, use_special_discount=True)], [("REQUIRED", "[0].defaultSettings.specialDiscountPercentage")]),
        ([replace(ONE, use_special_price=True)], [("REQUIRED", "[0].defaultSettings.specialPrice")]),
        ([replace(ONE, use_special_vat=True)], [("REQUIRED", "[0].defaultSettings.specialVatPercentage")]),
        ([replace(ONE, use_special_discount=False, special_discount_percentage=D("100.5"))],
         [("OUT_OF_RANGE", "[0].defaultSettings.specialDiscountPercentage")]),
        ([replace(ONE, special_discount_percentage=D("-0.1"))],
         [("OUT_OF_RANGE", "[0].defaultSettings.specialDiscountPercentage")]),
        ([replace(ONE, special_discount_percentage=D("50"))], []),
        ([replace(ONE, special_vat_percentage=D("25.5"))], []),
        ([replace(ONE, special_vat_percentage=D("21"))],
         [("INVALID_VAT_PERCENTAGE", "[0].defaultSettings.specialVatPercentage")]),
        ([replace(ONE, special_price=D("0.123456789"))], [("TOO_MANY_DECIMALS", "[0].defaultSettings.specialPrice")]),
        ([replace(ONE, amount=D("1E+16"))], [("OUT_OF_RANGE", "[0].defaultSettings.amount")]),
        ([replace(ONE, periods=(Period(date(2026, 1, 1), date(2026, 1, 1)), Period(None, date(2020, 1, 1))))], []),
        ([ONE, replace(ONE, product_id=2, periods=(Period(), Period(date(2026, 2, 1), date(2026, 1, 1))))],
         [("START_DATE_AFTER_END_DATE", "[1].validityPeriods[1].startDate")]),
        ([replace(ONE, periods=(Period(),) * 101)], [("TOO_MANY_ITEMS", "[0].validityPeriods")]),
        ([DefaultProductDraft(product_id=i) for i in range(1, 502)], [("TOO_MANY_ITEMS", None)]),
    ],
)  # fmt: skip
def test_check_default_products(drafts: list[DefaultProductDraft], expected: list[tuple[str, str | None]]) -> None:
    assert codes(rules.check_default_products(drafts)) == expected


@pytest.mark.parametrize(
    ("partner_type", "allowed"),
    [("CUSTOMER", {"SALES"}), ("SUPPLIER", {"PURCHASE"}), ("PERSON", {"SALES", "PURCHASE", "TRAVEL"})],
)
def test_default_product_types_by_partner(partner_type: str, allowed: set[str]) -> None:
    assert rules.DEFAULT_PRODUCT_TYPES[partner_type] == allowed
