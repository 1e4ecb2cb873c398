"""The identifier checks of `partners.identifiers`, table by table: business ids, personal identity
codes, VAT numbers of several countries, IBAN, BIC, OVT codes, e-invoice addresses and operators.
Valid values come back in their one stored form; invalid ones are refused with a code at the given
field, and no refusal — message, field or traceback — ever repeats the value."""

from __future__ import annotations

import traceback
from collections.abc import Callable

import pytest

from kirjuri.core.errors import KirjuriError
from kirjuri.partners import identifiers

FIELD, TYPE_FIELD = "invoicingInfo.identifier", "invoicingInfo.identifierType"


def _refusal(check: Callable[[], object]) -> KirjuriError:
    with pytest.raises(KirjuriError) as caught:
        check()
    return caught.value


def _assert_silent(error: KirjuriError, value: str) -> None:
    """Nothing a client or a log could see carries the value (nor its compact form)."""
    shown = "".join(traceback.format_exception(error)) + str(error) + repr(error.args) + str(error.field)
    for form in {value, value.strip(), value.replace(" ", ""), value.strip().upper()}:
        if len(form) >= 3:
            assert form not in shown


# --- identifiers by type -------------------------------------------------------------------------------

VALID_IDENTIFIERS = [
    # Finnish business id (Y-tunnus): stored as NNNNNNN-C, whatever form it came in.
    ("FI", "2077474-0", "2077474-0"),
    ("FI", "20774740", "2077474-0"),
    ("FI", " 2077474-0 ", "2077474-0"),
    ("FI", "FI20774740", "2077474-0"),
    ("fi", "2077474-0", "2077474-0"),
    # Finnish personal identity code (HETU), upper-case.
    ("HETU", "131052-308T", "131052-308T"),
    ("HETU", "131052-308t", "131052-308T"),
    ("HETU", "010100A123D", "010100A123D"),
    # Finnish association register number.
    ("YHD", "123.456", "123.456"),
    ("YHD", "123456", "123.456"),
    ("YHD", "1.123", "1.123"),
    # Norwegian organisation number.
    ("NO", "988077917", "988077917"),
    ("NO", "988 077 917", "988077917"),
    # VAT numbers: with or without their country prefix, stored with it.
    ("DE", "DE136695976", "DE136695976"),
    ("DE", "136695976", "DE136695976"),
    ("SE", "SE556188840401", "SE556188840401"),
    ("SE", "556188840401", "SE556188840401"),
    ("NL", "NL004495445B01", "NL004495445B01"),
    ("EL", "EL094259216", "EL094259216"),
    ("AT", "ATU13585627", "ATU13585627"),
    ("FR", "FR40303265045", "FR40303265045"),
    ("EE", "EE100931558", "EE100931558"),
    ("DK", "DK13585628", "DK13585628"),
    ("GB", "GB980780684", "GB980780684"),
    ("GB", "980780684", "GB980780684"),
    ("XI", "XI980780684", "XI980780684"),
    # Types without a public check rule: any text up to 25 characters.
    ("ASSN", "abc", "abc"),
]


@pytest.mark.parametrize(("kind", "value", "stored"), VALID_IDENTIFIERS)
def test_valid_identifiers_come_back_in_stored_form(kind: str, value: str, stored: str) -> None:
    assert identifiers.check_identifier(kind, value, field=FIELD, type_field=TYPE_FIELD) == (kind.upper(), stored)


INVALID_IDENTIFIERS = [
    ("FI", "2077474-1"),  # check digit
    ("FI", "207747-0"),  # too short
    ("HETU", "131052-308U"),  # check character
    ("HETU", "131352-308T"),  # no 13th month
    ("HETU", "131052Q308T"),  # unknown century sign
    ("YHD", "x"),
    ("NO", "988077918"),
    ("DE", "DE136695975"),
    ("DE", "FR40303265045"),  # another country's number
    ("SE", "SE556188840400"),
    ("GB", "GB980780685"),
    ("EL", "GR094259216"),  # Greece is EL in VAT numbers
    ("PN", "x" * 26),
]


@pytest.mark.parametrize(("kind", "value"), INVALID_IDENTIFIERS)
def test_invalid_identifiers_are_refused_without_the_value(kind: str, value: str) -> None:
    error = _refusal(lambda: identifiers.check_identifier(kind, value, field=FIELD, type_field=TYPE_FIELD))
    assert (error.code, error.status, error.field) == ("INVALID_IDENTIFIER", 400, FIELD)
    _assert_silent(error, value)


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        ("ZZ", "123", "INVALID_IDENTIFIER_TYPE"),
        (None, "131052-308T", "IDENTIFIER_TYPE_REQUIRED"),
        ("", "131052-308T", "IDENTIFIER_TYPE_REQUIRED"),
        ("  ", "2077474-0", "IDENTIFIER_TYPE_REQUIRED"),
    ],
)
def test_identifier_type_problems_are_reported_at_the_type_field(kind: str | None, value: str, code: str) -> None:
    error = _refusal(lambda: identifiers.check_identifier(kind, value, field=FIELD, type_field=TYPE_FIELD))
    assert (error.code, error.status, error.field) == (code, 400, TYPE_FIELD)
    _assert_silent(error, value)


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("HETU", None, ("HETU", None)),  # a type alone is kept
        ("HETU", "   ", ("HETU", None)),
        (None, None, (None, None)),
        ("", "", (None, None)),
    ],
)
def test_missing_identifier(kind: str | None, value: str | None, expected: tuple[str | None, str | None]) -> None:
    assert identifiers.check_identifier(kind, value, field=FIELD, type_field=TYPE_FIELD) == expected


@pytest.mark.parametrize("kind", ["ASSN", "PN", "SSN"])
def test_person_identifier_types_exclude_the_business_only_ones(kind: str) -> None:
    error = _refusal(
        lambda: identifiers.check_identifier(
            kind, "abc", field=FIELD, type_field=TYPE_FIELD, allowed=identifiers.PERSON_IDENTIFIER_TYPES
        )
    )
    assert (error.code, error.field) == ("INVALID_IDENTIFIER_TYPE", TYPE_FIELD)


def test_person_identifier_types_are_the_contracts_32() -> None:
    assert len(identifiers.PERSON_IDENTIFIER_TYPES) == 32
    assert {"FI", "HETU", "YHD", "NO", "GB", "XI", "EL", "SE", "DE"} <= identifiers.PERSON_IDENTIFIER_TYPES
    assert identifiers.check_identifier(
        "hetu", "131052-308T", field=FIELD, type_field=TYPE_FIELD, allowed=identifiers.PERSON_IDENTIFIER_TYPES
    ) == ("HETU", "131052-308T")


# --- bank accounts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("FI37 1590 3000 0007 76", "FI3715903000000776"),
        ("FI3715903000000776", "FI3715903000000776"),
        ("fi37 1590 3000 0007 76", "FI3715903000000776"),
        ("FI21 1234 5600 0007 85", "FI2112345600000785"),
        ("DE89370400440532013000", "DE89370400440532013000"),
        ("GB82WEST12345698765432", "GB82WEST12345698765432"),
        ("SE4550000000058398257466", "SE4550000000058398257466"),
    ],
)
def test_valid_ibans(value: str, stored: str) -> None:
    assert identifiers.check_iban(value, field="iban") == stored
    assert identifiers.check_bank_account(value, field="iban", iban_required=True) == stored


@pytest.mark.parametrize("value", ["FI37 1590 3000 0007 77", "FI3715903000000", "12345", "DE89370400440532013001", ""])
def test_invalid_ibans(value: str) -> None:
    error = _refusal(lambda: identifiers.check_iban(value, field="paymentInfo.accountNumber"))
    assert (error.code, error.status, error.field) == ("INVALID_IBAN", 400, "paymentInfo.accountNumber")
    _assert_silent(error, value)


@pytest.mark.parametrize(
    ("value", "iban_required", "expected"),
    [
        ("12345-678", False, "12345-678"),  # a foreign account number where foreign accounts are allowed
        (" 1234 5678 ", False, "1234 5678"),
        ("12345-678", True, "INVALID_IBAN"),
        ("FI37 1590 3000 0007 77", False, "INVALID_IBAN"),  # IBAN-like is checked as an IBAN
        ("ab!", False, "INVALID_BANK_ACCOUNT"),
        ("x" * 41, False, "INVALID_BANK_ACCOUNT"),
        ("-123", False, "INVALID_BANK_ACCOUNT"),
    ],
)
def test_bank_accounts(value: str, iban_required: bool, expected: str) -> None:
    field = "paymentInfo.accountNumber"
    if expected.startswith("INVALID_"):
        error = _refusal(lambda: identifiers.check_bank_account(value, field=field, iban_required=iban_required))
        assert (error.code, error.field) == (expected, field)
        _assert_silent(error, value)
    else:
        assert identifiers.check_bank_account(value, field=field, iban_required=iban_required) == expected


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("NDEAFIHH", "NDEAFIHH"),
        ("ndeafihh", "NDEAFIHH"),
        (" OKOYFIHH ", "OKOYFIHH"),
        ("NDEAFIHHXXX", "NDEAFIHHXXX"),
        ("DEUTDEFF500", "DEUTDEFF500"),
    ],
)
def test_valid_bics(value: str, stored: str) -> None:
    assert identifiers.check_bic(value, field="paymentInfo.bic") == stored


@pytest.mark.parametrize("value", ["NDEAFIH", "NDEA1IHH", "ZZZZZZZZ", "NDEAFIHHXX", "", "NDEAFIHH1234"])
def test_invalid_bics(value: str) -> None:
    error = _refusal(lambda: identifiers.check_bic(value, field="paymentInfo.bic"))
    assert (error.code, error.status, error.field) == ("INVALID_BIC", 400, "paymentInfo.bic")
    _assert_silent(error, value)


# --- e-invoicing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("003720774740", "003720774740"),
        ("0037 2077 4740", "003720774740"),
        ("0037-2077474-0", "003720774740"),
        ("00372077474000100", "00372077474000100"),  # with an organisational suffix
        ("003720774741", "INVALID_OVT"),  # Y-tunnus check digit
        ("0037207747400010011", "INVALID_OVT"),  # suffix too long
        ("0037207747", "INVALID_OVT"),
        ("123", "INVALID_OVT"),
    ],
)
def test_ovt_codes(value: str, expected: str) -> None:
    if expected == "INVALID_OVT":
        error = _refusal(lambda: identifiers.check_ovt(value, field="invoicingInfo.ovt"))
        assert (error.code, error.field) == (expected, "invoicingInfo.ovt")
        _assert_silent(error, value)
    else:
        assert identifiers.check_ovt(value, field="invoicingInfo.ovt") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("003720774740", "003720774740"),  # OVT
        ("0216:003720774740", "0216:003720774740"),  # Peppol participant id
        ("FI37 1590 3000 0007 76", "FI3715903000000776"),  # consumer e-invoice to an IBAN
        ("003720774741", "INVALID_OVT"),
        ("FI37 1590 3000 0007 77", "INVALID_IBAN"),
        ("abc", "INVALID_EINVOICE_ADDRESS"),
        ("0216:", "INVALID_EINVOICE_ADDRESS"),
        ("", "INVALID_EINVOICE_ADDRESS"),
    ],
)
def test_einvoice_addresses(value: str, expected: str) -> None:
    field = "invoicingInfo.einvoiceAddress"
    if expected.startswith("INVALID_"):
        error = _refusal(lambda: identifiers.check_einvoice_address(value, field=field))
        assert (error.code, error.field) == (expected, field)
        _assert_silent(error, value)
    else:
        assert identifiers.check_einvoice_address(value, field=field) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("003721291126", "003721291126"),  # an operator's OVT code
        ("NDEAFIHH", "NDEAFIHH"),  # a bank's BIC
        ("ndeafihh", "NDEAFIHH"),
        ("E204503", "E204503"),  # listed operator id
        ("peppol", "PEPPOL"),
        ("003721291127", "INVALID_OVT"),
        ("XYZ", "INVALID_EINVOICE_OPERATOR"),
        ("", "INVALID_EINVOICE_OPERATOR"),
    ],
)
def test_einvoice_operators(value: str, expected: str) -> None:
    field = "invoicingInfo.einvoiceOperator"
    if expected.startswith("INVALID_"):
        error = _refusal(lambda: identifiers.check_einvoice_operator(value, field=field))
        assert (error.code, error.field) == (expected, field)
        _assert_silent(error, value)
    else:
        assert identifiers.check_einvoice_operator(value, field=field) == expected
