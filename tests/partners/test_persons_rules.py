"""`persons.check_person`, the part of a person's validation that needs no database: Swedish
environments, birth dates, identifiers, bank accounts and BICs, duplicate groups — and the stored
form (document and searchable columns) of a valid person. Table-driven."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kirjuri.core.errors import ErrorItem
from kirjuri.partners import persons
from kirjuri.partners.person_schemas import Person
from tests.partners.test_persons_api import DROP, HETU, PERSON, variant

TODAY = date(2026, 11, 23)


def _check(country: str, changes: dict[str, Any]) -> tuple[persons.Checked, list[ErrorItem]]:
    return persons.check_person(Person.model_validate(variant(changes)), country=country, today=TODAY)


def _problems(country: str, changes: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e.field, e.message) for e in _check(country, changes)[1]]


NO_SWEDISH_EXTRAS = {
    "deliveryAddress.specifier": DROP,
    "deliveryAddress.postOfficeBox": DROP,
    "invoicingInfo.dateOfBirth": DROP,
}

CASES: list[tuple[str, str, dict[str, Any], list[tuple[str, str]]]] = [
    ("valid in Finland", "FINLAND", {}, []),
    (
        "Swedish environment: specifier, post office box and birth date",
        "SWEDEN",
        {"homeCountryAddress.specifier": "c/o"},
        [
            ("deliveryAddress.specifier", "NOT_ALLOWED_IN_SWEDEN"),
            ("deliveryAddress.postOfficeBox", "NOT_ALLOWED_IN_SWEDEN"),
            ("homeCountryAddress.specifier", "NOT_ALLOWED_IN_SWEDEN"),
            ("invoicingInfo.dateOfBirth", "NOT_ALLOWED_IN_SWEDEN"),
        ],
    ),
    ("Swedish environment without them", "SWEDEN", NO_SWEDISH_EXTRAS, []),
    (
        "Swedish environment: empty texts are absent",
        "SWEDEN",
        {**NO_SWEDISH_EXTRAS, "deliveryAddress.specifier": "", "homeCountryAddress.postOfficeBox": ""},
        [],
    ),
    ("Norway keeps all three", "NORWAY", {}, []),
    ("born today", "FINLAND", {"invoicingInfo.dateOfBirth": "2026-11-23"}, []),
    (
        "born tomorrow",
        "FINLAND",
        {"invoicingInfo.dateOfBirth": "2026-11-24"},
        [("invoicingInfo.dateOfBirth", "DATE_OF_BIRTH_IN_FUTURE")],
    ),
    (
        "born tomorrow in Sweden: one problem, not two",
        "SWEDEN",
        {**NO_SWEDISH_EXTRAS, "invoicingInfo.dateOfBirth": "2026-11-24"},
        [("invoicingInfo.dateOfBirth", "NOT_ALLOWED_IN_SWEDEN")],
    ),
    (
        "bad HETU",
        "FINLAND",
        {"invoicingInfo.identifier": "131052-308U"},
        [("invoicingInfo.identifier", "INVALID_IDENTIFIER")],
    ),
    (
        "business-only identifier type",
        "FINLAND",
        {"invoicingInfo.identifierType": "ASSN", "invoicingInfo.identifier": "abc"},
        [("invoicingInfo.identifierType", "INVALID_IDENTIFIER_TYPE")],
    ),
    (
        "identifier without type",
        "FINLAND",
        {"invoicingInfo.identifierType": DROP},
        [("invoicingInfo.identifierType", "IDENTIFIER_TYPE_REQUIRED")],
    ),
    ("type without identifier", "FINLAND", {"invoicingInfo.identifier": DROP}, []),
    (
        "Finnish bank transfer needs an IBAN",
        "FINLAND",
        {"paymentInfo.accountNumber": "12345-678"},
        [("paymentInfo.accountNumber", "INVALID_IBAN")],
    ),
    ("Norwegian bank transfer to a domestic account", "NORWAY", {"paymentInfo.accountNumber": "12345678903"}, []),
    (
        "foreign payment to a foreign account",
        "FINLAND",
        {"paymentInfo.paymentMethod": "FOREIGN_PAYMENT", "paymentInfo.accountNumber": "12345-678"},
        [],
    ),
    (
        "an IBAN-like account is an IBAN",
        "FINLAND",
        {"paymentInfo.paymentMethod": "FOREIGN_PAYMENT", "paymentInfo.accountNumber": "DE89370400440532013001"},
        [("paymentInfo.accountNumber", "INVALID_IBAN")],
    ),
    (
        "a foreign account of odd characters",
        "FINLAND",
        {"paymentInfo.paymentMethod": "FOREIGN_PAYMENT", "paymentInfo.accountNumber": "12#45"},
        [("paymentInfo.accountNumber", "INVALID_BANK_ACCOUNT")],
    ),
    ("blank account", "FINLAND", {"paymentInfo.accountNumber": "  "}, []),
    ("bad BIC", "FINLAND", {"paymentInfo.bic": "NDEAFIH"}, [("paymentInfo.bic", "INVALID_BIC")]),
    (
        "groups named twice",
        "FINLAND",
        {"registryInfo.personGroupsIds": [1, 2, 1, 2, 3]},
        [
            ("registryInfo.personGroupsIds[2]", "DUPLICATE_PERSON_GROUP"),
            ("registryInfo.personGroupsIds[3]", "DUPLICATE_PERSON_GROUP"),
        ],
    ),
    (
        "several problems at once",
        "FINLAND",
        {"invoicingInfo.identifier": "x", "paymentInfo.bic": "x", "paymentInfo.accountNumber": "x"},
        [
            ("invoicingInfo.identifier", "INVALID_IDENTIFIER"),
            ("paymentInfo.accountNumber", "INVALID_IBAN"),
            ("paymentInfo.bic", "INVALID_BIC"),
        ],
    ),
]


@pytest.mark.parametrize(("country", "changes", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_check_person(country: str, changes: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert _problems(country, changes) == expected


def test_problems_never_carry_the_identifier() -> None:
    _, problems = _check("FINLAND", {"invoicingInfo.identifier": "131052-308U"})
    assert problems
    assert all("131052" not in f"{p.field} {p.message}" for p in problems)


def test_stored_form() -> None:
    checked, problems = _check(
        "FINLAND",
        {
            "firstName": "  Maija ",
            "lastName": " Meikäläinen",
            "invoicingInfo.identifier": "131052-308t",
            "invoicingInfo.identifierType": "hetu",
            "registryInfo.personGroupsIds": [5, 3],
            "paymentInfo.penalInterestRate": "7.50",
        },
    )
    assert problems == []
    assert (checked.name, checked.person_number, checked.identifier, checked.identifier_type) == (
        "Meikäläinen Maija",
        "P-1",
        HETU,
        "HETU",
    )
    assert (checked.active, checked.group_ids) == (True, [5, 3])
    document = checked.document
    assert "id" not in document and "version" not in document
    assert document["invoicingInfo"]["identifier"] == HETU
    assert document["invoicingInfo"]["identifierType"] == "HETU"
    assert document["paymentInfo"] == {
        "paymentMethod": "BANK_TRANSFER",
        "accountNumber": "FI3715903000000776",
        "bic": "NDEAFIHH",
        "paymentTermDays": "14",
        "penalInterestRate": "7.5",  # decimals as exact strings
        "paymentTermPercentage": "2.5",
        "discountPercentage": "0",
    }
    assert document["registryInfo"]["personGroupsIds"] == [5, 3]
    assert document["deliveryAddress"] == PERSON["deliveryAddress"]


@pytest.mark.parametrize(
    ("first", "last", "name"),
    [("Maija", "Meikäläinen", "Meikäläinen Maija"), (None, "Virtanen", "Virtanen"), ("  ", " Virtanen ", "Virtanen")],
)
def test_search_name_is_last_then_first(first: str | None, last: str, name: str) -> None:
    checked, _ = _check("FINLAND", {"firstName": DROP if first is None else first, "lastName": last})
    assert checked.name == name


def test_an_empty_person_number_is_none() -> None:
    checked, _ = _check("FINLAND", {"invoicingInfo.personNumber": ""})
    assert checked.person_number is None
