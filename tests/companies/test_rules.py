"""Pure rules of companies: rights documents, business identifiers, a user's contact data."""

from __future__ import annotations

from typing import Any

import pytest

from kirjuri.companies import rules
from kirjuri.core.errors import KirjuriError

A, V, N, X = rules.ALL_RIGHTS, rules.VIEWING_RIGHTS, rules.NO_ACCESS, rules.NOT_ENABLED


@pytest.mark.parametrize(
    ("stored", "write", "expected"),
    [
        (A, False, True),
        (A, True, True),
        (V, False, True),
        (V, True, False),
        (N, False, False),
        (N, True, False),
        (X, False, False),
        (X, True, False),
        (None, False, False),  # missing right is NO_ACCESS
        ("SUPERUSER", False, False),  # unknown level is NO_ACCESS
    ],
)
def test_allows_by_level(stored: str | None, write: bool, expected: bool) -> None:
    doc: dict[str, Any] = {"management": {}} if stored is None else {"management": {"basicCompanyInfo": stored}}
    assert rules.allows(doc, "management.basicCompanyInfo", write=write) is expected


@pytest.mark.parametrize("right", ["management.nope", "nogroup.basicCompanyInfo", "sales.personalSalesInvoicesOnly"])
def test_unknown_right_or_flag_is_not_a_right(right: str) -> None:
    with pytest.raises(KeyError):
        rules.level_of({}, right)


@pytest.mark.parametrize(
    ("doc", "names", "expected"),
    [
        ({"sales": {"salesOrGroupInvoices": V}}, ("management.basicCompanyInfo", "sales.salesOrGroupInvoices"), True),
        ({"sales": {"salesOrGroupInvoices": N}}, ("management.basicCompanyInfo", "sales.salesOrGroupInvoices"), False),
        ({}, ("management.basicCompanyInfo",), False),
        ({"management": {"basicCompanyInfo": A}}, ("management.basicCompanyInfo",), True),
    ],
)
def test_allows_any(doc: dict[str, Any], names: tuple[str, ...], expected: bool) -> None:
    assert rules.allows_any(doc, names) is expected


@pytest.mark.parametrize(
    ("given", "group", "name", "expected"),
    [
        ({}, "management", "basicCompanyInfo", N),
        ({"management": {"basicCompanyInfo": V}}, "management", "basicCompanyInfo", V),
        ({"management": {"basicCompanyInfo": "bogus"}}, "management", "basicCompanyInfo", N),
        ({}, "sales", "personalSalesInvoicesOnly", False),
        ({"sales": {"personalSalesInvoicesOnly": 1}}, "sales", "personalSalesInvoicesOnly", True),
        ({"accounting": {"preventEditingAccountingPage": True}}, "accounting", "preventEditingAccountingPage", True),
        ({"user": None}, "user", "editPersonalInfo", N),
    ],
)
def test_normalise_fills_and_cleans(given: dict[str, Any], group: str, name: str, expected: object) -> None:
    doc = rules.normalise(given)
    assert doc[group][name] == expected
    assert set(doc) == set(rules.RIGHTS)
    assert all(set(doc[g]) == set(rules.RIGHTS[g]) for g in rules.RIGHTS)


def test_normalise_drops_unknown_entries() -> None:
    doc = rules.normalise({"management": {"superpower": A}, "galaxy": {"x": A}})
    assert "galaxy" not in doc
    assert "superpower" not in doc["management"]


@pytest.mark.parametrize("level", rules.LEVELS)
def test_rights_document_sets_every_right_and_no_flag(level: str) -> None:
    doc = rules.rights_document(level)
    for group, names in rules.RIGHTS.items():
        for name, is_flag in names.items():
            assert doc[group][name] == (False if is_flag else level)


@pytest.mark.parametrize(
    ("brn_type", "country", "expected"),
    [(None, "FINLAND", "FI"), (None, "SWEDEN", None), ("SE", "FINLAND", "SE"), ("ASSN", "FINLAND", "ASSN")],
)
def test_business_id_type(brn_type: str | None, country: str, expected: str | None) -> None:
    assert rules.business_id_type(brn_type, country) == expected


@pytest.mark.parametrize(
    ("brn_type", "code", "expected"),
    [
        ("FI", "1234567-1", "1234567-1"),
        ("FI", " 12345671 ", "1234567-1"),
        ("FI", "0737546-2", "0737546-2"),
        ("SE", "5560360793", "556036-0793"),
        ("DK", "13585628", "13585628"),
        ("ASSN", "ry 123.456", "ry 123.456"),  # unchecked type: stored as given
        (None, None, None),
        (None, "  ", None),
    ],
)
def test_normalise_business_id_accepts(brn_type: str | None, code: str | None, expected: str | None) -> None:
    assert rules.normalise_business_id(brn_type, code) == expected


@pytest.mark.parametrize(
    ("brn_type", "code", "error", "field"),
    [
        ("FI", "1234567-2", "ERROR_BRN_CODE", "businessIdentifier.code"),  # wrong check digit
        ("FI", "123456-1", "ERROR_BRN_CODE", "businessIdentifier.code"),
        ("FI", "abcdefg-h", "ERROR_BRN_CODE", "businessIdentifier.code"),
        ("FI", None, "ERROR_BRN_CODE", "businessIdentifier.code"),
        ("FI", "", "ERROR_BRN_CODE", "businessIdentifier.code"),
        ("SE", "5560360794", "ERROR_BRN_CODE", "businessIdentifier.code"),
        ("ASSN", None, "ERROR_BRN_CODE", "businessIdentifier.code"),
        (None, "1234567-1", "REQUIRED", "businessIdentifier.brnType"),
    ],
)
def test_normalise_business_id_refuses(brn_type: str | None, code: str | None, error: str, field: str) -> None:
    with pytest.raises(KirjuriError) as caught:
        rules.normalise_business_id(brn_type, code)
    assert (caught.value.code, caught.value.status, caught.value.field) == (error, 400, field)


@pytest.mark.parametrize(
    ("email", "mobile", "secondary", "errors"),
    [
        ("a@b.fi", "+358401234567", None, []),
        ("a@b.fi", "040 123 4567", "(09) 123-456", []),
        ("not-an-email", "+358401234567", None, [("INVALID_EMAIL", "email")]),
        ("a@b", "+358401234567", None, [("INVALID_EMAIL", "email")]),
        ("a@b.fi", "   ", None, [("REQUIRED", "mobilePhone")]),
        ("a@b.fi", "call me", None, [("INVALID_PHONE_NUMBER", "mobilePhone")]),
        ("a@b.fi", "+3584" + "0" * 40, None, [("INVALID_PHONE_NUMBER", "mobilePhone")]),
        (
            "x",
            "",
            "abc",
            [("INVALID_EMAIL", "email"), ("REQUIRED", "mobilePhone"), ("INVALID_PHONE_NUMBER", "secondaryPhone")],
        ),
    ],
)
def test_check_user_contact(email: str, mobile: str, secondary: str | None, errors: list[tuple[str, str]]) -> None:
    if not errors:
        rules.check_user_contact(email=email, mobile_phone=mobile, secondary_phone=secondary)
        return
    with pytest.raises(KirjuriError) as caught:
        rules.check_user_contact(email=email, mobile_phone=mobile, secondary_phone=secondary)
    assert [(i.message, i.field) for i in caught.value.items] == errors
