"""The write rules of `invoicing.rules` (§D.13.4), one table per rule: required fields for every
writable type × channel, channel requirements per channel and type, payment methods, dates,
languages and VAT statuses. Every row asserts the exact list of (field, code) findings, in order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.core.vat import Side
from kirjuri.invoicing import rules

SI, SO, PI, PO, TI, BC, PTR = (
    "SALES_INVOICE",
    "SALES_ORDER",
    "PURCHASE_INVOICE",
    "PURCHASE_ORDER",
    "TRAVEL_INVOICE",
    "BILL_OF_CHARGES",
    "PERIODIC_TAX_RETURN",
)
WRITABLE = (SI, SO, PI, PO, TI, BC)


def _found(errors: list[ErrorItem]) -> list[tuple[str | None, str]]:
    assert all(error.status == 400 for error in errors)
    return [(error.field, error.message) for error in errors]


# --- type and required fields ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("invoice_type", "expected"),
    [(SI, []), (SO, []), (PI, []), (PO, []), (TI, []), (BC, []), (PTR, [("type", "READ_ONLY_VALUE")])],
)
def test_check_type(invoice_type: str, expected: list[tuple[str, str]]) -> None:
    assert _found(rules.check_type(invoice_type)) == expected


BASE = {
    "type", "date", "counterParty", "counterParty.counterPartyAddress", "counterParty.counterPartyAddress.name",
    "paymentInfo", "paymentInfo.paymentMethod", "paymentInfo.currency", "paymentInfo.dueDate",
    "paymentInfo.currencyRate", "extraInfo", "extraInfo.accountingByRow", "extraInfo.unitPricesIncludeVat",
    "discountPercent", "invoiceRows", "invoiceChannel",
}  # fmt: skip
V, L, E = {"vatStatus"}, {"language"}, {"counterParty.email"}
EI = {
    "counterParty.einvoiceAddress.address",
    "counterParty.counterPartyAddress.street", "counterParty.counterPartyAddress.zip",
    "counterParty.counterPartyAddress.city",
    "billingAddress.street", "billingAddress.zip", "billingAddress.city",
}  # fmt: skip
NONE: set[str] = set()

REQUIRED = [
    (SI, "EMAIL", V | L | E),
    (SI, "MAIL", V | L),
    (SI, "ELECTRONIC_INVOICE", V | L | EI),
    (SI, "EDIFACT", V | L),
    (SI, "PAPER_INVOICE", V | L),
    (SI, "NO_SENDING", V | L),
    (SO, "EMAIL", V | L | E),
    (SO, "MAIL", V | L),
    (SO, "ELECTRONIC_INVOICE", V | L),
    (SO, "EDIFACT", V | L),
    (SO, "PAPER_INVOICE", V | L),
    (SO, "NO_SENDING", V | L),
    (PI, "EMAIL", V),
    (PI, "MAIL", V),
    (PI, "ELECTRONIC_INVOICE", V),
    (PI, "EDIFACT", V),
    (PI, "PAPER_INVOICE", V),
    (PI, "NO_SENDING", V),
    (PO, "EMAIL", V | E),
    (PO, "MAIL", V),
    (PO, "ELECTRONIC_INVOICE", V),
    (PO, "EDIFACT", V),
    (PO, "PAPER_INVOICE", V),
    (PO, "NO_SENDING", V),
    (TI, "EMAIL", NONE),
    (TI, "MAIL", NONE),
    (TI, "ELECTRONIC_INVOICE", NONE),
    (TI, "EDIFACT", NONE),
    (TI, "PAPER_INVOICE", NONE),
    (TI, "NO_SENDING", NONE),
    (BC, "EMAIL", NONE),
    (BC, "MAIL", NONE),
    (BC, "ELECTRONIC_INVOICE", NONE),
    (BC, "EDIFACT", NONE),
    (BC, "PAPER_INVOICE", NONE),
    (BC, "NO_SENDING", NONE),
]


@pytest.mark.parametrize(("invoice_type", "channel", "extra"), REQUIRED)
def test_required_fields(invoice_type: str, channel: str, extra: set[str]) -> None:
    assert rules.required_fields(invoice_type, channel) == frozenset(BASE | extra)


def test_required_row_fields() -> None:
    assert {"product", "quantity", "unit", "unitPrice", "discountPercent", "vatPercent"} == rules.ROW_REQUIRED


@pytest.mark.parametrize(("invoice_type", "channel"), [(PTR, "EMAIL"), ("SALARY", "EMAIL"), (SI, "FAX")])
def test_required_fields_of_no_writable_type_or_channel_is_a_value_error(invoice_type: str, channel: str) -> None:
    with pytest.raises(ValueError):
        rules.required_fields(invoice_type, channel)


# --- channel --------------------------------------------------------------------------------------

FULL = {"name": "Esimerkki Oy", "street": "Kauppakatu 3", "zip": "00100", "city": "Helsinki"}
NAME = {"name": "Esimerkki Oy"}
NO_CITY = {"name": "Esimerkki Oy", "street": "Kauppakatu 3", "zip": "00100", "city": " "}
STREET_ONLY = {"street": "Postilokero 12"}
OVT, OPERATOR = "003720774740", "NDEAFIHH"

CP = "counterParty.counterPartyAddress"
BA = "billingAddress"
REQ = "REQUIRED"
CP_LINES = [(f"{CP}.street", REQ), (f"{CP}.zip", REQ), (f"{CP}.city", REQ)]
BA_LINES = [(f"{BA}.street", REQ), (f"{BA}.zip", REQ), (f"{BA}.city", REQ)]
EADDR, EOP = "counterParty.einvoiceAddress.address", "counterParty.einvoiceAddress.operator"

NOTHING: dict[str, Any] = {
    "email": None,
    "billing_address": None,
    "counterparty_address": NAME,
    "einvoice_address": None,
    "einvoice_operator": None,
    "country": "FINLAND",
}
EINVOICE_OK: dict[str, Any] = {
    **NOTHING, "counterparty_address": FULL, "einvoice_address": OVT, "einvoice_operator": OPERATOR,
}  # fmt: skip
EI_ = "ELECTRONIC_INVOICE"


def _ei(**changes: Any) -> dict[str, Any]:
    """A complete e-invoiced sales invoice's channel values, with `changes`."""
    return {**EINVOICE_OK, **changes}


CHANNEL_CASES = [
    # EMAIL: the e-mail, for the types Kirjuri e-mails.
    ("email given", SI, "EMAIL", {"email": "ap@example.fi"}, []),
    ("email missing", SI, "EMAIL", {}, [("counterParty.email", REQ)]),
    ("email blank", SI, "EMAIL", {"email": "  "}, [("counterParty.email", REQ)]),
    ("email missing, order", SO, "EMAIL", {}, [("counterParty.email", REQ)]),
    ("email missing, purchase order", PO, "EMAIL", {}, [("counterParty.email", REQ)]),
    ("email missing, purchase invoice", PI, "EMAIL", {}, []),
    ("email missing, travel", TI, "EMAIL", {}, []),
    ("email missing, expense", BC, "EMAIL", {}, []),
    ("email invalid", SI, "EMAIL", {"email": "ap.example.fi"}, [("counterParty.email", "INVALID_EMAIL")]),
    ("email invalid, any channel", SI, "NO_SENDING", {"email": "a@b"}, [("counterParty.email", "INVALID_EMAIL")]),
    # MAIL: street, zip and city in one of the two addresses (sales types).
    ("mail, counterparty complete", SI, "MAIL", {"counterparty_address": FULL}, []),
    ("mail, billing complete", SI, "MAIL", {"billing_address": FULL}, []),
    ("mail, billing none", SI, "MAIL", {"counterparty_address": FULL, "billing_address": {}}, []),
    ("mail, nothing", SI, "MAIL", {}, CP_LINES),
    ("mail, billing none, no address", SI, "MAIL", {"billing_address": {}}, CP_LINES),
    ("mail, billing partial", SI, "MAIL", {"billing_address": STREET_ONLY}, [(f"{BA}.zip", REQ), (f"{BA}.city", REQ)]),
    ("mail, city blank", SI, "MAIL", {"counterparty_address": NO_CITY}, [(f"{CP}.city", REQ)]),
    ("mail, no counterparty address", SI, "MAIL", {"counterparty_address": None}, CP_LINES),
    ("mail, order", SO, "MAIL", {}, CP_LINES),
    ("mail, purchase invoice", PI, "MAIL", {}, []),
    ("mail, purchase order", PO, "MAIL", {}, []),
    ("mail, travel", TI, "MAIL", {}, []),
    # ELECTRONIC_INVOICE: address, operator for a Finnish buyer, both addresses complete (sales invoice).
    ("e-invoice complete", SI, EI_, _ei(), []),
    ("e-invoice, billing complete", SI, EI_, _ei(billing_address=FULL), []),
    ("e-invoice, nothing", SI, EI_, {}, [(EADDR, REQ), (EOP, REQ), *CP_LINES]),
    ("e-invoice, Swedish buyer", SI, EI_, _ei(einvoice_operator=None, country="SWEDEN"), []),
    ("e-invoice, no country", SI, EI_, _ei(einvoice_operator=None, country=None), [(EOP, REQ)]),
    ("e-invoice, Åland", SI, EI_, _ei(einvoice_operator="", country="ALAND_ISLANDS"), [(EOP, REQ)]),
    ("e-invoice, billing none", SI, EI_, _ei(billing_address={}), BA_LINES),
    ("e-invoice, billing partial", SI, EI_, _ei(billing_address=STREET_ONLY), BA_LINES[1:]),
    ("e-invoice, counterparty name only", SI, EI_, _ei(counterparty_address=NAME, billing_address=FULL), CP_LINES),
    ("e-invoice, invalid address", SI, EI_, _ei(einvoice_address="12345"), [(EADDR, "INVALID_EINVOICE_ADDRESS")]),
    ("e-invoice, invalid operator", SI, EI_, _ei(einvoice_operator="XX"), [(EOP, "INVALID_EINVOICE_OPERATOR")]),
    ("e-invoice, IBAN address", SI, EI_, _ei(einvoice_address="FI2112345600000785"), []),
    ("e-invoice, bad IBAN address", SI, EI_, _ei(einvoice_address="FI2112345600000786"), [(EADDR, "INVALID_IBAN")]),
    ("e-invoice, order", SO, EI_, {}, []),
    ("e-invoice, purchase invoice", PI, EI_, {}, []),
    ("e-invoice, no sending", PI, "NO_SENDING", {"einvoice_address": "1"}, [(EADDR, "INVALID_EINVOICE_ADDRESS")]),
    # Read-only channels, whatever the type; NO_SENDING needs nothing.
    ("edifact", SI, "EDIFACT", {}, [("invoiceChannel", "READ_ONLY_VALUE")]),
    ("paper, purchase", PI, "PAPER_INVOICE", {}, [("invoiceChannel", "READ_ONLY_VALUE")]),
    ("paper, travel", TI, "PAPER_INVOICE", {}, [("invoiceChannel", "READ_ONLY_VALUE")]),
    ("no sending", SI, "NO_SENDING", {}, []),
    ("no sending, order", SO, "NO_SENDING", {}, []),
    # Everything at once, in the module's order.
    (
        "all findings",
        SI,
        "ELECTRONIC_INVOICE",
        {"email": "nope", "billing_address": {}, "counterparty_address": None, "einvoice_operator": "XX"},
        [("counterParty.email", "INVALID_EMAIL"), (EADDR, REQ), *CP_LINES, *BA_LINES, (EOP, "INVALID_EINVOICE_OPERATOR")],  # noqa: E501
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("invoice_type", "channel", "given", "expected"),
    [case[1:] for case in CHANNEL_CASES],
    ids=[case[0] for case in CHANNEL_CASES],
)
def test_check_channel(invoice_type: str, channel: str, given: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    found = rules.check_channel(invoice_type=invoice_type, channel=channel, **{**NOTHING, **given})
    assert _found(found) == expected


def test_an_unknown_channel_or_type_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        rules.check_channel(invoice_type=SI, channel="FAX", **NOTHING)
    with pytest.raises(ValueError):
        rules.check_channel(invoice_type="INVOICE", channel="EMAIL", **NOTHING)


def test_no_finding_repeats_the_value() -> None:
    found = rules.check_channel(
        invoice_type=SI, channel="EMAIL", **{**NOTHING, "email": "secret.person@", "einvoice_address": "FI99SECRET"}
    )
    assert [error.message for error in found] == ["INVALID_EMAIL", "INVALID_IBAN"]
    assert "secret" not in repr(found).lower()


# --- payment method -------------------------------------------------------------------------------

IBAN = "FI2112345600000785"
ACCOUNT, METHOD = "paymentInfo.bankAccount.accountNumber", "paymentInfo.paymentMethod"

PAYMENT_CASES = [
    ("BANK_TRANSFER", IBAN, None, []),
    ("BANK_TRANSFER", "FI21 1234 5600 0007 85", None, []),
    ("BANK_TRANSFER", IBAN, 7, []),
    ("BANK_TRANSFER", None, None, [(ACCOUNT, REQ)]),
    ("BANK_TRANSFER", "", None, [(ACCOUNT, REQ)]),
    ("BANK_TRANSFER", "FI2112345600000786", None, [(ACCOUNT, "INVALID_IBAN")]),
    ("BANK_TRANSFER", "12345600000785", None, [(ACCOUNT, "INVALID_IBAN")]),
    ("CASH", None, None, []),
    ("CASH", None, 7, [("factoringContractId", "FACTORING_NOT_ALLOWED_WITH_CASH")]),
    ("CLEARING", None, None, []),
    ("DOMESTIC_PAYMENT_BANKGIRO", "5050-1055", None, []),
    ("FOREIGN_PAYMENT", None, None, []),
    ("DIRECT_DEBIT", IBAN, None, [(METHOD, "INVALID_ENUM_VALUE")]),
    ("DKLMPKRE", IBAN, None, [(METHOD, "READ_ONLY_VALUE")]),
    ("DKLMPKRE", None, None, [(METHOD, "READ_ONLY_VALUE")]),
]


@pytest.mark.parametrize(("method", "account", "factoring", "expected"), PAYMENT_CASES)
def test_check_payment_method(
    method: str, account: str | None, factoring: int | None, expected: list[tuple[str, str]]
) -> None:
    found = rules.check_payment_method(method=method, bank_account=account, factoring_contract_id=factoring)
    assert _found(found) == expected


# --- dates ----------------------------------------------------------------------------------------

DATE_CASES = [
    (date(2026, 5, 4), date(2026, 5, 4), []),
    (date(2026, 5, 4), date(2026, 5, 18), []),
    (date(2026, 5, 4), date(2026, 5, 3), [(None, "DUE_DATE_BEFORE_BILL_DATE")]),
    (date(2026, 5, 4), date(2029, 1, 27), []),  # + 999 days
    (date(2026, 5, 4), date(2029, 1, 28), [("paymentInfo.dueDate", "OUT_OF_RANGE")]),  # + 1000 days
    (date(2024, 2, 29), date(2026, 11, 24), []),  # + 999 days across a leap day
    (date(2024, 2, 29), date(2026, 11, 25), [("paymentInfo.dueDate", "OUT_OF_RANGE")]),
]


@pytest.mark.parametrize(("invoice_date", "due_date", "expected"), DATE_CASES)
def test_check_dates(invoice_date: date, due_date: date, expected: list[tuple[str | None, str]]) -> None:
    assert _found(rules.check_dates(invoice_date=invoice_date, due_date=due_date)) == expected


# --- language -------------------------------------------------------------------------------------

LANGUAGE_CASES = [
    (SI, "FINNISH", []),
    (SI, "SWEDISH", []),
    (SI, None, [("language", REQ)]),
    (SI, "GERMAN", [("language", "INVALID_ENUM_VALUE")]),
    (SO, "ENGLISH", []),
    (SO, None, [("language", REQ)]),
    (PI, None, []),
    (PO, None, []),
    (TI, None, []),
    (BC, "GERMAN", []),  # ignored for non-sales types
]


@pytest.mark.parametrize(("invoice_type", "language", "expected"), LANGUAGE_CASES)
def test_check_language(invoice_type: str, language: str | None, expected: list[tuple[str, str]]) -> None:
    assert _found(rules.check_language(invoice_type, language)) == expected


# --- VAT ------------------------------------------------------------------------------------------

SIDE_CASES = [
    (SI, Side.SALES),
    (SO, Side.SALES),
    (PI, Side.PURCHASE),
    (PO, Side.PURCHASE),
    (TI, Side.PURCHASE),
    (BC, Side.PURCHASE),
    (PTR, Side.PURCHASE),
]


@pytest.mark.parametrize(("invoice_type", "side"), SIDE_CASES)
def test_side_of(invoice_type: str, side: Side) -> None:
    assert rules.side_of(invoice_type) is side


VAT_STATUS_CASES = [
    (SI, None, [("vatStatus", REQ)]),
    (SO, None, [("vatStatus", REQ)]),
    (PI, None, [("vatStatus", REQ)]),
    (PO, None, [("vatStatus", REQ)]),
    (TI, None, []),
    (BC, None, []),
    (SI, 1, []),
    (SI, 7, []),  # export: sales only
    (SI, 5, [("vatStatus", "INVALID_VAT_STATUS")]),  # import: purchase only
    (SI, 9, [("vatStatus", "INVALID_VAT_STATUS")]),  # non-deductible: purchase only
    (SO, 2, []),
    (PI, 5, []),
    (PI, 9, []),
    (PI, 2, [("vatStatus", "INVALID_VAT_STATUS")]),  # zero-rated sales
    (PO, 7, [("vatStatus", "INVALID_VAT_STATUS")]),  # export
    (TI, 1, []),
    (BC, 7, [("vatStatus", "INVALID_VAT_STATUS")]),
    (SI, 99, [("vatStatus", "INVALID_VAT_STATUS")]),
]


@pytest.mark.parametrize(("invoice_type", "status", "expected"), VAT_STATUS_CASES)
def test_check_vat_status(invoice_type: str, status: int | None, expected: list[tuple[str, str]]) -> None:
    assert _found(rules.check_vat_status(invoice_type=invoice_type, vat_status=status)) == expected


MAY_2026, AUG_2024 = date(2026, 5, 4), date(2024, 8, 31)
MISMATCH = "ERROR_VATSTATUS_VATPERC"
ROW_VAT_CASES = [
    (SI, 0, 1, "25.5", MAY_2026, []),
    (SI, 0, 1, "24", MAY_2026, [("invoiceRows[0].vatStatus", MISMATCH)]),  # the rate before 2024-09-01
    (SI, 0, 1, "24", AUG_2024, []),
    (SI, 2, 1, "14", MAY_2026, [("invoiceRows[2].vatStatus", MISMATCH)]),  # 13.5 since 2026
    (SI, 2, 1, "13.5", MAY_2026, []),
    (SI, 1, 1, "0", MAY_2026, []),  # a taxing status with 0 % is a row without VAT
    (SI, 1, 7, "0", MAY_2026, []),
    (SI, 1, 7, "25.5", MAY_2026, [("invoiceRows[1].vatStatus", MISMATCH)]),  # export is 0 %
    (SI, 0, 9, "25.5", MAY_2026, [("invoiceRows[0].vatStatus", MISMATCH)]),  # purchase-only status
    (PI, 0, 9, "25.5", MAY_2026, []),
    (PI, 0, 5, "25.5", MAY_2026, []),
    (PI, 0, 2, "0", MAY_2026, [("invoiceRows[0].vatStatus", MISMATCH)]),  # sales-only status
    (TI, 3, None, "25.5", MAY_2026, []),
    (TI, 3, None, "0", MAY_2026, []),
    (TI, 3, None, "23", MAY_2026, [("invoiceRows[3].vatPercent", "INVALID_VAT_PERCENTAGE")]),
    (BC, 0, None, "10", MAY_2026, []),
]


@pytest.mark.parametrize("case", ROW_VAT_CASES)
def test_check_row_vat(case: tuple[str, int, int | None, str, date, list[tuple[str, str]]]) -> None:
    invoice_type, index, status, percent, on, expected = case
    found = rules.check_row_vat(
        invoice_type=invoice_type, index=index, vat_status=status, vat_percent=Decimal(percent), on=on
    )
    assert _found(found) == expected


# --- refusing -------------------------------------------------------------------------------------


def test_refuse_raises_every_finding_together() -> None:
    findings = [*rules.check_dates(invoice_date=MAY_2026, due_date=date(2026, 5, 1)), *rules.check_language(SI, None)]
    with pytest.raises(KirjuriError) as caught:
        rules.refuse(findings)
    assert [(item.status, item.field, item.message) for item in caught.value.items] == [
        (400, None, "DUE_DATE_BEFORE_BILL_DATE"),
        (400, "language", REQ),
    ]


def test_refuse_nothing_passes() -> None:
    rules.refuse([])
