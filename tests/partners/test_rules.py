"""The pure rules of the business-partner registers, table-driven: rights by type, the bank-account
rule, every check of a partner document and its stored form, PATCH merging, default accounts and
the identifier search forms."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.partners import rules
from tests.partners.partner_helpers import BIC, HETU, IBAN, IBAN_SPACED, OVT, Y_TUNNUS

# --- rights -------------------------------------------------------------------------------------------

SALES, PURCHASES, PERSONS = "sales.customerRegister", "purchases.supplierRegister", "salaries.personRegister"


@pytest.mark.parametrize(
    ("held", "types"),
    [
        (set(), frozenset()),
        ({SALES}, frozenset({"CUSTOMER"})),
        ({PURCHASES}, frozenset({"SUPPLIER"})),
        ({PERSONS}, frozenset({"PERSON"})),
        ({SALES, PURCHASES, PERSONS}, frozenset({"CUSTOMER", "SUPPLIER", "PERSON"})),
        ({"sales.productRegister", "purchases.purchaseInvoices"}, frozenset()),
    ],
)
def test_types_follow_their_register_right(held: set[str], types: frozenset[str]) -> None:
    assert rules.readable_types(lambda right: right in held) == types
    assert rules.writable_types(lambda right: right in held) == types


@pytest.mark.parametrize(
    ("requested", "readable", "listed"),
    [
        (None, frozenset({"CUSTOMER", "SUPPLIER", "PERSON"}), ("CUSTOMER", "SUPPLIER", "PERSON")),
        (None, frozenset({"PERSON", "CUSTOMER"}), ("CUSTOMER", "PERSON")),
        ("SUPPLIER", frozenset({"SUPPLIER"}), ("SUPPLIER",)),
        ("SUPPLIER", frozenset({"CUSTOMER"}), None),
        (None, frozenset(), None),
    ],
)
def test_listed_types(requested: str | None, readable: frozenset[str], listed: tuple[str, ...] | None) -> None:
    if listed is None:
        with pytest.raises(KirjuriError) as refused:
            rules.listed_types(requested, readable)
        assert (refused.value.status, refused.value.code) == (403, "INSUFFICIENT_RIGHTS")
    else:
        assert rules.listed_types(requested, readable) == listed


def test_require_writable() -> None:
    rules.require_writable("CUSTOMER", {"CUSTOMER"})
    with pytest.raises(KirjuriError) as refused:
        rules.require_writable("SUPPLIER", {"CUSTOMER"})
    assert refused.value.status == 403


@pytest.mark.parametrize(
    ("method", "currency", "required"),
    [
        ("BANK_TRANSFER", None, True),
        ("BANK_TRANSFER", "EUR", True),
        ("BANK_TRANSFER", "SEK", False),
        ("FOREIGN_PAYMENT", None, False),
        ("FOREIGN_PAYMENT", "EUR", False),
        ("DIRECT_DEBIT", "EUR", False),
        ("CLEARING", None, False),
        ("DOMESTIC_PAYMENT_BANKGIRO", "SEK", False),
        (None, None, False),
    ],
)
def test_iban_required_for_euro_bank_transfers(method: str | None, currency: str | None, required: bool) -> None:
    assert rules.iban_required(method, currency) is required


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("a@b.fi", True),
        ("etu.suku@yritys.example.com", True),
        ("a@b", False),
        ("a b@c.fi", False),
        ("a@b.fi,c@d.fi", False),
        ("Name <a@b.fi>", False),
        ("@b.fi", False),
        ("a@.fi", False),
        ("a@b.", False),
    ],
)
def test_is_email(value: str, valid: bool) -> None:
    assert rules.is_email(value) is valid


# --- the partner document -----------------------------------------------------------------------------

BASE: dict[str, Any] = {
    "name": "Asiakas Oy",
    "type": "CUSTOMER",
    "address": {"name": "Asiakas Oy"},
    "paymentInfo": {"paymentMethod": "BANK_TRANSFER"},
}


def changed(path: str, value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """BASE with the dotted `path` set to `value` (None removes it)."""
    document = copy.deepcopy(base or BASE)
    *parents, last = path.split(".")
    target = document
    for key in parents:
        target = target.setdefault(key, {})
    if value is None:
        target.pop(last, None)
    else:
        target[last] = value
    return document


def findings(document: dict[str, Any]) -> list[tuple[str | None, str]]:
    with pytest.raises(KirjuriError) as refused:
        rules.check_partner(document)
    return [(item.field, item.message) for item in refused.value.items]


INVALID: list[tuple[str, Any, list[tuple[str, str]]]] = [
    ("name", None, [("name", "REQUIRED")]),
    ("name", "   ", [("name", "REQUIRED")]),
    ("type", None, [("type", "REQUIRED")]),
    ("type", "PERSON", [("type", "USE_PERSONS_ENDPOINT")]),
    ("type", "OTHER", [("type", "INVALID_ENUM_VALUE")]),
    ("address", None, [("address", "REQUIRED")]),
    ("address", {}, [("address", "REQUIRED")]),
    ("paymentInfo", None, [("paymentInfo", "REQUIRED")]),
    ("paymentInfo.paymentMethod", None, [("paymentInfo.paymentMethod", "REQUIRED")]),
    ("paymentInfo.paymentMethod", "DKLMPKRE", [("paymentInfo.paymentMethod", "READ_ONLY_VALUE")]),
    ("invoicingInfo.invoiceChannel", "EDIFACT", [("invoicingInfo.invoiceChannel", "READ_ONLY_VALUE")]),
    ("invoicingInfo.invoiceChannel", "PAPER_INVOICE", [("invoicingInfo.invoiceChannel", "READ_ONLY_VALUE")]),
    ("invoicingInfo.invoiceChannel", "EMAIL", [("invoicingInfo.email", "REQUIRED")]),
    (
        "invoicingInfo.invoiceChannel",
        "ELECTRONIC_INVOICE",
        [("invoicingInfo.einvoiceAddress", "REQUIRED"), ("invoicingInfo.einvoiceOperator", "REQUIRED")],
    ),
    ("invoicingInfo.identifier", Y_TUNNUS, [("invoicingInfo.identifierType", "IDENTIFIER_TYPE_REQUIRED")]),
    ("invoicingInfo.identifierType", "XX", [("invoicingInfo.identifierType", "INVALID_IDENTIFIER_TYPE")]),
    ("invoicingInfo.ovt", "003712345678", [("invoicingInfo.ovt", "INVALID_OVT")]),
    ("invoicingInfo.einvoiceAddress", "nonsense", [("invoicingInfo.einvoiceAddress", "INVALID_EINVOICE_ADDRESS")]),
    ("invoicingInfo.einvoiceOperator", "NOT A BIC", [("invoicingInfo.einvoiceOperator", "INVALID_EINVOICE_OPERATOR")]),
    ("invoicingInfo.email", "not-an-address", [("invoicingInfo.email", "INVALID_EMAIL")]),
    ("invoicingInfo.bccAddresses", ["ok@example.fi", "bad"], [("invoicingInfo.bccAddresses[1]", "INVALID_EMAIL")]),
    ("paymentInfo.bankAccount", "12345-678", [("paymentInfo.bankAccount", "INVALID_IBAN")]),
    ("paymentInfo.bankAccount", "FI2112345600000786", [("paymentInfo.bankAccount", "INVALID_IBAN")]),
    ("paymentInfo.bic", "NDEAFIH", [("paymentInfo.bic", "INVALID_BIC")]),
    ("paymentInfo.paymentTermDays", "", [("paymentInfo.paymentTermDays", "INVALID_PAYMENT_TERM_DAYS")]),
    ("paymentInfo.paymentTermDays", "1000", [("paymentInfo.paymentTermDays", "INVALID_PAYMENT_TERM_DAYS")]),
    ("paymentInfo.paymentTermDays", "-1", [("paymentInfo.paymentTermDays", "INVALID_PAYMENT_TERM_DAYS")]),
    ("paymentInfo.paymentTermDays", "14 ", [("paymentInfo.paymentTermDays", "INVALID_PAYMENT_TERM_DAYS")]),
    ("paymentInfo.paymentTermPercentage", "100.01", [("paymentInfo.paymentTermPercentage", "OUT_OF_RANGE")]),
    ("paymentInfo.paymentTermPercentage", "-0.01", [("paymentInfo.paymentTermPercentage", "OUT_OF_RANGE")]),
    ("paymentInfo.discountPercentage", "101", [("paymentInfo.discountPercentage", "OUT_OF_RANGE")]),
    ("paymentInfo.penalInterestRate", "1000.5", [("paymentInfo.penalInterestRate", "OUT_OF_RANGE")]),
    ("paymentInfo.penalInterestRate", "-1", [("paymentInfo.penalInterestRate", "OUT_OF_RANGE")]),
    (
        "paymentInfo.cashDiscount",
        {"optionList": [{"numberOfDays": 1000, "discountPercentage": "100"}]},
        [
            ("paymentInfo.cashDiscount.optionList[0].numberOfDays", "OUT_OF_RANGE"),
            ("paymentInfo.cashDiscount.optionList[0].discountPercentage", "OUT_OF_RANGE"),
        ],
    ),
    (
        "paymentInfo.cashDiscount",
        {"optionList": [{"numberOfDays": -1}]},
        [("paymentInfo.cashDiscount.optionList[0].numberOfDays", "OUT_OF_RANGE")],
    ),
    (
        "paymentInfo.cashDiscount",
        {"optionList": [{"numberOfDays": d} for d in (7, 14, 21, 30)]},
        [("paymentInfo.cashDiscount.optionList", "TOO_MANY_ITEMS")],
    ),
    ("contactPersons", [{"name": "A"}, {"email": "x@"}], [("contactPersons[1].email", "INVALID_EMAIL")]),
    (
        "additionalInfo",
        {"parentCompanyIdType": "FI", "parentCompanyId": "1234567-8"},
        [("additionalInfo.parentCompanyId", "INVALID_IDENTIFIER")],
    ),
]


@pytest.mark.parametrize(("path", "value", "expected"), INVALID)
def test_invalid_partner_documents(path: str, value: Any, expected: list[tuple[str, str]]) -> None:
    assert findings(changed(path, value)) == expected


@pytest.mark.parametrize(
    ("identifier_type", "identifier", "field"),
    [
        ("FI", "1234567-8", "invoicingInfo.identifier"),
        ("HETU", "131052-308U", "invoicingInfo.identifier"),
        ("SE", "SE123", "invoicingInfo.identifier"),
        ("NO", "123456789", "invoicingInfo.identifier"),
    ],
)
def test_invalid_identifiers_are_refused_without_their_value(identifier_type: str, identifier: str, field: str) -> None:
    document = changed("invoicingInfo", {"identifierType": identifier_type, "identifier": identifier})
    with pytest.raises(KirjuriError) as refused:
        rules.check_partner(document)
    assert refused.value.items == [ErrorItem(400, "INVALID_IDENTIFIER", field)]
    assert identifier not in str(refused.value) and identifier not in repr(refused.value.items)


def test_every_finding_is_reported_at_once() -> None:
    document = changed("invoicingInfo", {"invoiceChannel": "EMAIL", "ovt": "x"})
    document["name"] = ""
    document["paymentInfo"] = {"paymentMethod": "BANK_TRANSFER", "bic": "x", "paymentTermDays": "x"}
    assert findings(document) == [
        ("name", "REQUIRED"),
        ("invoicingInfo.ovt", "INVALID_OVT"),
        ("invoicingInfo.email", "REQUIRED"),
        ("paymentInfo.bic", "INVALID_BIC"),
        ("paymentInfo.paymentTermDays", "INVALID_PAYMENT_TERM_DAYS"),
    ]


@pytest.mark.parametrize(
    ("document", "valid"),
    [
        (changed("address.country", "GERMANY"), True),
        (changed("address.country", "FINLAND"), False),
        (changed("address.country", "ALAND_ISLANDS"), False),
        (changed("address", None, changed("type", "SUPPLIER")), False),
        (changed("billingAddress", {"country": "SWEDEN"}, changed("address", None, changed("type", "SUPPLIER"))), True),
    ],
)
def test_einvoice_operator_is_required_for_finnish_partners(document: dict[str, Any], valid: bool) -> None:
    document["invoicingInfo"] = {"invoiceChannel": "ELECTRONIC_INVOICE", "einvoiceAddress": OVT}
    if valid:
        assert rules.check_partner(document)["invoicingInfo"]["einvoiceAddress"] == OVT
    else:
        assert findings(document) == [("invoicingInfo.einvoiceOperator", "REQUIRED")]


@pytest.mark.parametrize(
    ("payment", "stored"),
    [
        ({"bankAccount": IBAN_SPACED}, IBAN),
        ({"bankAccount": "12345-678", "currency": "SEK"}, "12345-678"),
        ({"bankAccount": "12345-678", "paymentMethod": "FOREIGN_PAYMENT"}, "12345-678"),
        ({"bankAccount": "DE89 3704 0044 0532 0130 00", "paymentMethod": "FOREIGN_PAYMENT"}, "DE89370400440532013000"),
    ],
)
def test_bank_accounts(payment: dict[str, Any], stored: str) -> None:
    document = changed("paymentInfo", {"paymentMethod": "BANK_TRANSFER", **payment})
    assert rules.check_partner(document)["paymentInfo"]["bankAccount"] == stored


def test_an_iban_like_account_is_checked_as_an_iban_whatever_the_method() -> None:
    document = changed("paymentInfo", {"paymentMethod": "FOREIGN_PAYMENT", "bankAccount": "DE89370400440532013001"})
    assert findings(document) == [("paymentInfo.bankAccount", "INVALID_IBAN")]


def test_stored_form() -> None:
    document = copy.deepcopy(BASE)
    document["invoicingInfo"] = {
        "identifierType": "fi",
        "identifier": "20774740",
        "ovt": "0037 2077 4740",
        "einvoiceAddress": "0037 2077 4740 12",
        "einvoiceOperator": "ndeafihh",
        "email": " laskut@asiakas.fi ",
        "bccAddresses": [" a@b.fi"],
    }
    document["paymentInfo"] = {
        "paymentMethod": "BANK_TRANSFER",
        "bankAccount": IBAN_SPACED,
        "bic": " ndeafihh ",
        "paymentTermPercentage": "7.50",
        "penalInterestRate": "1E+1",
        "discountPercentage": "0",
        "cashDiscount": {"optionList": [{"numberOfDays": 14, "discountPercentage": "1.0"}, {"numberOfDays": 7}]},
    }
    document["contactPersons"] = [{"name": "A", "id": 99}, {"name": "B"}]
    document["additionalInfo"] = {"parentCompanyIdType": "", "parentCompanyId": "anything"}
    stored = rules.check_partner(document)
    assert stored["invoicingInfo"] == {
        "identifierType": "FI",
        "identifier": Y_TUNNUS,
        "ovt": OVT,
        "einvoiceAddress": "00372077474012",
        "einvoiceOperator": BIC,
        "email": "laskut@asiakas.fi",
        "bccAddresses": ["a@b.fi"],
    }
    assert stored["paymentInfo"] == {
        "paymentMethod": "BANK_TRANSFER",
        "bankAccount": IBAN,
        "bic": BIC,
        "paymentTermPercentage": "7.5",
        "penalInterestRate": "10",
        "discountPercentage": "0",
        "cashDiscount": {"optionList": [{"numberOfDays": 7}, {"numberOfDays": 14, "discountPercentage": "1"}]},
    }
    assert stored["contactPersons"] == [{"name": "A", "id": 1}, {"name": "B", "id": 2}]
    assert stored["additionalInfo"] == {"parentCompanyId": "anything", "invoiceLedger": "INVOICE_LEDGER"}
    assert stored["registryInfo"] == {"active": True}
    assert document["paymentInfo"]["bankAccount"] == IBAN_SPACED  # the input is not changed


@pytest.mark.parametrize(
    ("registry", "active"), [(None, True), ({}, True), ({"active": True}, True), ({"active": False}, False)]
)
def test_active_defaults_to_true(registry: dict[str, Any] | None, active: bool) -> None:
    document = copy.deepcopy(BASE)
    if registry is not None:
        document["registryInfo"] = registry
    assert rules.check_partner(document)["registryInfo"]["active"] is active


def test_a_hetu_customer_is_stored_compact() -> None:
    stored = rules.check_partner(changed("invoicingInfo", {"identifierType": "HETU", "identifier": "131052-308t"}))
    assert stored["invoicingInfo"] == {"identifierType": "HETU", "identifier": HETU}


def test_a_supplier_needs_no_address() -> None:
    assert rules.check_partner(changed("address", None, changed("type", "SUPPLIER")))["type"] == "SUPPLIER"


# --- PATCH ---------------------------------------------------------------------------------------------

STORED: dict[str, Any] = {
    "name": "Vanha",
    "type": "CUSTOMER",
    "address": {"name": "Vanha", "street": "Katu 1", "city": "Helsinki"},
    "billingAddress": {"street": "Laskutus 1"},
    "invoicingInfo": {"customerNumber": "A1", "email": "a@b.fi"},
    "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "paymentTermDays": "14"},
    "registryInfo": {"active": True, "phone": "123"},
}


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({}, STORED),
        ({"name": "Uusi"}, {**STORED, "name": "Uusi"}),
        ({"type": "SUPPLIER"}, {**STORED, "type": "SUPPLIER"}),
        (
            {"address": {"street": "Uusi 2"}},
            {**STORED, "address": {"name": "Vanha", "street": "Uusi 2", "city": "Helsinki"}},
        ),
        ({"address": {"city": None}}, {**STORED, "address": {"name": "Vanha", "street": "Katu 1"}}),
        ({"address": None}, {k: v for k, v in STORED.items() if k != "address"}),
        (
            {"invoicingInfo": {"language": "FINNISH"}},
            {**STORED, "invoicingInfo": {"customerNumber": "A1", "email": "a@b.fi", "language": "FINNISH"}},
        ),
        (
            {"paymentInfo": {"paymentTermDays": "30", "bic": BIC}},
            {**STORED, "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "paymentTermDays": "30", "bic": BIC}},
        ),
        ({"billingAddress": {"street": "X"}, "registryInfo": {"active": False}}, STORED),
    ],
)
def test_merge_patch(patch: dict[str, Any], expected: dict[str, Any]) -> None:
    before = copy.deepcopy(STORED)
    assert rules.merge_patch(STORED, patch) == expected
    assert before == STORED


# --- default accounts ------------------------------------------------------------------------------------

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("document", "partner_type", "expected"),
    [
        ({"vatStatus": 1, "vatPercent": "25.5"}, "CUSTOMER", []),
        ({"vatStatus": 1, "vatPercent": "24"}, "CUSTOMER", [("vatPercent", "INVALID_VAT_PERCENTAGE")]),
        ({"vatStatus": 2, "vatPercent": "25.5"}, "CUSTOMER", [("vatPercent", "ERROR_VATSTATUS_VATPERC")]),
        ({"vatStatus": 2, "vatPercent": "0"}, "CUSTOMER", []),
        ({"vatStatus": 9}, "CUSTOMER", [("vatStatus", "INVALID_VAT_STATUS")]),
        ({"vatStatus": 9}, "SUPPLIER", []),
        ({"vatStatus": 7}, "SUPPLIER", [("vatStatus", "INVALID_VAT_STATUS")]),
        ({"vatStatus": 42}, "SUPPLIER", [("vatStatus", "INVALID_VAT_STATUS")]),
        ({"vatDeduction": "100.5"}, "SUPPLIER", [("vatDeduction", "OUT_OF_RANGE")]),
        ({"vatDeduction": "-1"}, "SUPPLIER", [("vatDeduction", "OUT_OF_RANGE")]),
        ({"vatPercent": "13.5"}, "SUPPLIER", []),
    ],
)
def test_default_accounts_vat(document: dict[str, Any], partner_type: str, expected: list[tuple[str, str]]) -> None:
    if expected:
        with pytest.raises(KirjuriError) as refused:
            rules.check_default_accounts(document, partner_type=partner_type, today=TODAY)
        assert [(i.field, i.message) for i in refused.value.items] == expected
    else:
        rules.check_default_accounts(document, partner_type=partner_type, today=TODAY)


def test_default_accounts_stored_form() -> None:
    document = {
        "vatPercent": "25.50",
        "vatStatus": 1,
        "vatDeduction": "100.0",
        "vatProcessing": "X",
        "combineInvoiceRows": False,
        "salesInvoiceAccounts": {"debitAccount": {"code": "1700", "name": "ignored"}, "creditAccount": {}},
        "journalAccounts": {"reconciliationAccount": {"code": "1910"}},
    }
    assert rules.account_codes(document) == {
        "salesInvoiceAccounts.debitAccount.code": "1700",
        "journalAccounts.reconciliationAccount.code": "1910",
    }
    assert rules.check_default_accounts(document, partner_type="CUSTOMER", today=TODAY) == {
        "vatStatus": 1,
        "vatPercent": "25.5",
        "vatDeduction": "100",
        "vatProcessing": "X",
        "combineInvoiceRows": False,
        "salesInvoiceAccounts": {"debitAccount": {"code": "1700"}},
        "journalAccounts": {"reconciliationAccount": {"code": "1910"}},
    }


# --- identifier search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("identifier_type", "text", "contains"),
    [
        (None, Y_TUNNUS, {Y_TUNNUS}),
        (None, "20774740", {"20774740", Y_TUNNUS}),
        ("FI", "FI20774740", {Y_TUNNUS}),
        ("fi", " 20774740 ", {Y_TUNNUS}),
        (None, "131052-308t", {HETU}),
        ("HETU", "131052-308t", {HETU}),
        ("SE", "556036079301", {"SE556036079301"}),
        ("FI", "garbage", {"garbage", "GARBAGE"}),
    ],
)
def test_identifier_candidates(identifier_type: str | None, text: str, contains: set[str]) -> None:
    assert contains <= set(rules.identifier_candidates(identifier_type, text))


def test_identifier_candidates_of_blank_is_nothing() -> None:
    assert rules.identifier_candidates(None, "  ") == ()
