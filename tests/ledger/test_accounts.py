"""The chart-of-accounts service against the real database: the seeded default chart, adding,
renaming, (de)activating and deleting accounts.

What is checked: every new company gets the whole default chart with its types, lines, VAT defaults
and roles; an added account's code must be 3–8 digits and unused, and its type and statement line
follow the code's range; system (role) accounts cannot be deactivated or deleted; an inactive
account takes no new postings; an account with postings cannot be deleted; all of it per company.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from kirjuri.core.errors import KirjuriError
from kirjuri.ledger import accounts, chart, service
from tests.ledger.helpers import BANK, NO_VAT_EXPENSE, draft, entry, new_books

YEAR = 2025


def test_every_company_gets_the_default_chart(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    found = {a.code: a for a in accounts.chart_of(db, company_id=company_id)}
    assert list(found) == [a.code for a in chart.DEFAULT_CHART]
    for default in chart.DEFAULT_CHART:
        stored = found[default.code]
        assert (stored.name, stored.name_sv, stored.name_en) == (default.name_fi, default.name_sv, default.name_en)
        assert stored.account_type == default.account_type.value and stored.line == default.line
        assert (stored.vat_allowed, stored.default_vat_status, stored.default_vat_class) == (
            default.vat_allowed,
            default.default_vat_status,
            default.default_vat_class,
        )
        assert stored.role == (default.role.value if default.role else None) and stored.active
    for role in chart.Role:
        assert accounts.code_for_role(db, company_id=company_id, role=role) == chart.by_role(role).code


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("12", "INVALID_ACCOUNT_CODE"),  # too short
        ("123456789", "INVALID_ACCOUNT_CODE"),  # too long
        ("31a0", "INVALID_ACCOUNT_CODE"),
        ("-310", "INVALID_ACCOUNT_CODE"),
        ("31 0", "INVALID_ACCOUNT_CODE"),
        (BANK, "ACCOUNT_CODE_EXISTS"),
        ("123", None),
        ("30019999", None),
    ],
)
def test_add_account_code_rules(db: Session, code: str, problem: str | None) -> None:
    company_id = new_books(db, first_year=YEAR)
    if problem is None:
        added = accounts.add_account(db, company_id=company_id, code=code, name="Uusi tili")
        assert accounts.get(db, company_id=company_id, code=code) is added
        return
    with pytest.raises(KirjuriError) as caught:
        accounts.add_account(db, company_id=company_id, code=code, name="Uusi tili")
    assert (caught.value.code, caught.value.field) == (problem, "code")
    assert caught.value.status == (409 if problem == "ACCOUNT_CODE_EXISTS" else 400)


@pytest.mark.parametrize(
    ("code", "account_type", "vat_allowed"),
    [
        ("1915", chart.AccountType.ASSET, False),  # cash and bank
        ("2065", chart.AccountType.EQUITY, False),
        ("2875", chart.AccountType.LIABILITY, False),
        ("3005", chart.AccountType.REVENUE, True),
        ("4005", chart.AccountType.EXPENSE, True),
        ("9205", chart.AccountType.REVENUE, False),  # like 9200 interest income
        ("5005", chart.AccountType.EXPENSE, False),  # like 5000 wages
    ],
)
def test_an_added_account_takes_type_and_line_from_its_range(
    db: Session, code: str, account_type: chart.AccountType, vat_allowed: bool
) -> None:
    company_id = new_books(db, first_year=YEAR)
    added = accounts.add_account(
        db, company_id=company_id, code=code, name="Uusi tili", name_sv="Nytt konto", name_en="New account"
    )
    assert added.account_type == account_type.value == chart.account_type_for_code(code).value
    assert added.line == chart.line_for_code(code)
    assert added.vat_allowed is vat_allowed  # by default as on the default account just below it
    assert (added.name, added.name_sv, added.name_en, added.role, added.active) == (
        "Uusi tili",
        "Nytt konto",
        "New account",
        None,
        True,
    )


def test_added_account_vat_defaults_as_given(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    added = accounts.add_account(
        db,
        company_id=company_id,
        code="3015",
        name="Vientimyynti",
        vat_allowed=False,
        default_vat_status=7,
        default_vat_class=None,
    )
    assert (added.vat_allowed, added.default_vat_status, added.default_vat_class) == (False, 7, None)


def test_rename_changes_only_the_names_given(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    before = accounts.get(db, company_id=company_id, code=BANK)
    old_sv, old_version = before.name_sv, before.version
    renamed = accounts.update_account(db, company_id=company_id, code=BANK, name="Nordea", name_en="Nordea account")
    assert (renamed.name, renamed.name_sv, renamed.name_en) == ("Nordea", old_sv, "Nordea account")
    assert renamed.version > old_version and renamed.active


def test_an_inactive_account_takes_no_new_postings(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    accounts.update_account(db, company_id=company_id, code=NO_VAT_EXPENSE, active=False)
    with pytest.raises(KirjuriError) as caught:
        service.create_receipt(db, company_id=company_id, draft=draft(date(YEAR, 5, 5)))
    assert caught.value.field == "transactions[0].account" and caught.value.status == 400
    accounts.update_account(db, company_id=company_id, code=NO_VAT_EXPENSE, active=True)
    service.create_receipt(db, company_id=company_id, draft=draft(date(YEAR, 5, 5)))


@pytest.mark.parametrize("role", list(chart.Role))
def test_system_accounts_are_never_deactivated_or_deleted(db: Session, role: chart.Role) -> None:
    company_id = new_books(db, first_year=YEAR)
    code = chart.by_role(role).code
    with pytest.raises(KirjuriError) as caught:
        accounts.update_account(db, company_id=company_id, code=code, active=False)
    assert (caught.value.code, caught.value.status) == ("SYSTEM_ACCOUNT_CANNOT_BE_DEACTIVATED", 409)
    with pytest.raises(KirjuriError) as caught:
        accounts.delete_account(db, company_id=company_id, code=code)
    assert (caught.value.code, caught.value.status) == ("SYSTEM_ACCOUNT_CANNOT_BE_DELETED", 409)
    assert accounts.get(db, company_id=company_id, code=code).active


def test_an_account_with_postings_cannot_be_deleted(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    accounts.add_account(db, company_id=company_id, code="7011", name="Koulutus, ulkoiset")
    accounts.add_account(db, company_id=company_id, code="7012", name="Koulutus, sisäiset")
    receipt = draft(date(YEAR, 4, 1), entry("7011", "40.00"), entry(BANK, "-40.00"))
    service.create_receipt(db, company_id=company_id, draft=receipt)
    with pytest.raises(KirjuriError) as caught:
        accounts.delete_account(db, company_id=company_id, code="7011")
    assert (caught.value.code, caught.value.status, caught.value.field) == ("ACCOUNT_HAS_POSTINGS", 409, "code")
    accounts.delete_account(db, company_id=company_id, code="7012")
    codes = {a.code for a in accounts.chart_of(db, company_id=company_id)}
    assert "7011" in codes and "7012" not in codes


def test_unknown_accounts_are_not_found(db: Session) -> None:
    company_id = new_books(db, first_year=YEAR)
    for call in (
        lambda: accounts.get(db, company_id=company_id, code="7777"),
        lambda: accounts.update_account(db, company_id=company_id, code="7777", name="x"),
        lambda: accounts.delete_account(db, company_id=company_id, code="7777"),
    ):
        with pytest.raises(KirjuriError) as caught:
            call()
        assert (caught.value.code, caught.value.status) == ("NOT_FOUND", 404)


def test_charts_are_per_company(db: Session) -> None:
    mine = new_books(db, first_year=YEAR)
    theirs = new_books(db, first_year=YEAR)
    accounts.add_account(db, company_id=mine, code="8999", name="Oma tili")
    accounts.update_account(db, company_id=mine, code=BANK, name="Oma pankki")
    with pytest.raises(KirjuriError):
        accounts.get(db, company_id=theirs, code="8999")
    assert accounts.get(db, company_id=theirs, code=BANK).name == chart.by_role(chart.Role.BANK).name_fi
    accounts.add_account(db, company_id=theirs, code="8999", name="Heidän tilinsä")  # the code is free there
