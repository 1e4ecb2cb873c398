"""Rights of a user in a company, as the contract's `UserPermissions` document, and the rules
that read it.

Invariant: a right is one of ALL_RIGHTS, VIEWING_RIGHTS, NO_ACCESS, NOT_ENABLED; reading needs
VIEWING_RIGHTS or ALL_RIGHTS, writing needs ALL_RIGHTS; a right missing from the document is
NO_ACCESS. Limitation flags (`personal…Only`, `prevent…`) are booleans that narrow a right.

Also the pure checks of company basic info (business registration numbers, python-stdnum) and
of a user's own contact data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from stdnum.dk import cvr
from stdnum.exceptions import ValidationError
from stdnum.fi import ytunnus
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr

from kirjuri.core.errors import ErrorItem, KirjuriError

ALL_RIGHTS = "ALL_RIGHTS"
VIEWING_RIGHTS = "VIEWING_RIGHTS"
NO_ACCESS = "NO_ACCESS"
NOT_ENABLED = "NOT_ENABLED"
LEVELS = (ALL_RIGHTS, VIEWING_RIGHTS, NO_ACCESS, NOT_ENABLED)

# Every right of the contract, by group; a True value marks a boolean limitation flag.
RIGHTS: dict[str, dict[str, bool]] = {
    "management": dict.fromkeys(
        [
            "basicCompanyInfo",
            "basicAccountingInfo",
            "chartOfAccountsAndDefaultReports",
            "usersAndUserRights",
            "companyUserManagement",
            "setUpACompany",
            "importData",
            "notifications",
            "incomesRegisterCertificate",
            "groupLetter",
            "auditLog",
        ],
        False,
    ),
    "user": {"editPersonalInfo": False, "limitedDimensions": True, "blockSoloLoginToProcountor": True},
    "sales": {
        "salesOrGroupInvoices": False,
        "salesInvoiceSearch": False,
        "personalSalesInvoicesOnly": True,
        "customerRegister": False,
        "productRegister": False,
    },
    "purchases": {
        "purchaseInvoices": False,
        "purchaseInvoiceSearch": False,
        "personalPurchaseInvoicesOnly": True,
        "supplierRegister": False,
        "productRegister": False,
        "fixedAssetsRegister": False,
    },
    "travelAndExpenses": {
        "travelAndExpenseInvoices": False,
        "travelAndExpenseInvoiceSearch": False,
        "personalTravelAndExpenseInvoiceOnly": True,
    },
    "invoiceCirculation": {"verification": False, "approval": False, "personalApprovalsOrVerificationsOnly": True},
    "salaries": {
        "payroll": False,
        "personalSalariesOnly": True,
        "personRegister": False,
        "workingTimeTracking": False,
        "personalWorkHourTrackingOnly": True,
    },
    "payments": dict.fromkeys(
        [
            "payment",
            "salaryPayments",
            "markAsPaid",
            "markSalaryAsPaid",
            "directBankTransfer",
            "bankStatementAndReferencePayment",
            "paymentAllocation",
        ],
        False,
    ),
    "accounting": {
        "journalReceipts": False,
        "journalReceiptSearch": False,
        "personalJournalReceiptsOnly": True,
        "closingOfAccountTools": False,
        "preventCreatingEditingInvoices": True,
        "preventEditingAccountingPage": True,
        "accountingReports": False,
        "archive": False,
    },
}


def rights_document(level: str) -> dict[str, dict[str, Any]]:
    """Every right at `level`, every limitation flag off."""
    if level not in LEVELS:
        raise ValueError(level)
    return {
        group: {name: (False if is_flag else level) for name, is_flag in names.items()}
        for group, names in RIGHTS.items()
    }


ADMIN_ROLE = "ADMINISTRATOR"
FULL_RIGHTS = rights_document(ALL_RIGHTS)
READ_ONLY = rights_document(VIEWING_RIGHTS)


def level_of(rights: dict[str, Any], right: str) -> str:
    """`level_of(doc, "sales.customerRegister")` → the stored level, NO_ACCESS when absent."""
    group, _, name = right.partition(".")
    if group not in RIGHTS or RIGHTS[group].get(name, True):
        raise KeyError(f"unknown right {right!r}")
    value = rights.get(group, {}).get(name, NO_ACCESS)
    return value if value in LEVELS else NO_ACCESS


def allows(rights: dict[str, Any], right: str, *, write: bool) -> bool:
    level = level_of(rights, right)
    return level == ALL_RIGHTS or (not write and level == VIEWING_RIGHTS)


def normalise(rights: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Fill a partial rights document: missing rights become NO_ACCESS, missing flags False."""
    result: dict[str, dict[str, Any]] = {}
    for group, names in RIGHTS.items():
        given = rights.get(group) or {}
        result[group] = {}
        for name, is_flag in names.items():
            value = given.get(name)
            if is_flag:
                result[group][name] = bool(value)
            else:
                result[group][name] = value if value in LEVELS else NO_ACCESS
    return result


def allows_any(rights: dict[str, Any], names: tuple[str, ...], *, write: bool = False) -> bool:
    """True when any of the rights `names` is held at the needed level."""
    return any(allows(rights, name, write=write) for name in names)


# --- business identifiers ---------------------------------------------------------------------

# Registration numbers Kirjuri can check (python-stdnum); other types are stored as given.
_BRN_VALIDATORS: dict[str, tuple[Callable[[str], str], Callable[[str], str]]] = {
    "FI": (ytunnus.validate, ytunnus.format),
    "SE": (orgnr.validate, orgnr.format),
    "NO": (no_orgnr.validate, no_orgnr.format),
    "DK": (cvr.validate, cvr.compact),
}


def business_id_type(brn_type: str | None, country: str) -> str | None:
    """The registration-number type: the given one, else FI for a company in Finland."""
    if brn_type:
        return brn_type
    return "FI" if country == "FINLAND" else None


def normalise_business_id(brn_type: str | None, code: str | None) -> str | None:
    """The stored form of a business registration number; `ERROR_BRN_CODE` when invalid or missing.

    A Finnish company (type FI) must have a valid Y-tunnus (check digit, `1234567-8`); SE, NO and
    DK numbers are checked too; other types only need a code when a type is given.
    """
    code = (code or "").strip() or None
    if brn_type is None:
        if code is not None:
            raise KirjuriError("REQUIRED", 400, "businessIdentifier.brnType")
        return None
    if code is None:
        raise KirjuriError("ERROR_BRN_CODE", 400, "businessIdentifier.code")
    validator = _BRN_VALIDATORS.get(brn_type)
    if validator is None:
        return code
    validate, fmt = validator
    try:
        return fmt(validate(code))
    except ValidationError as exc:
        raise KirjuriError("ERROR_BRN_CODE", 400, "businessIdentifier.code") from exc


# --- the user's own data -----------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE = re.compile(r"^\+?[0-9(][0-9 ()-]{3,38}$")


def check_user_contact(*, email: str, mobile_phone: str, secondary_phone: str | None) -> None:
    """E-mail and phone numbers of a user update: plausible, and fitting their columns."""
    problems: list[ErrorItem] = []
    if not _EMAIL.match(email):
        problems.append(ErrorItem(400, "INVALID_EMAIL", "email"))
    if not mobile_phone.strip():
        problems.append(ErrorItem(400, "REQUIRED", "mobilePhone"))
    elif not _PHONE.match(mobile_phone.strip()):
        problems.append(ErrorItem(400, "INVALID_PHONE_NUMBER", "mobilePhone"))
    if secondary_phone and not _PHONE.match(secondary_phone.strip()):
        problems.append(ErrorItem(400, "INVALID_PHONE_NUMBER", "secondaryPhone"))
    if problems:
        raise KirjuriError.many(problems)
