"""Rights of a user in a company, as the contract's `UserPermissions` document, and the rules
that read it.

Invariant: a right is one of ALL_RIGHTS, VIEWING_RIGHTS, NO_ACCESS, NOT_ENABLED; reading needs
VIEWING_RIGHTS or ALL_RIGHTS, writing needs ALL_RIGHTS; a right missing from the document is
NO_ACCESS. Limitation flags (`personal…Only`, `prevent…`) are booleans that narrow a right.
"""

from __future__ import annotations

from typing import Any

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
