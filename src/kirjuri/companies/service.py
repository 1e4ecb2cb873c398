"""Business verbs of companies and users: create a company, add a member, read the session.

Invariants: a new company gets every settings document with its defaults, so every settings
endpoint answers from stored data; a user's rights document is always complete (normalised);
services flush, never commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kirjuri.auth.rules import hash_secret
from kirjuri.companies import repository, rules
from kirjuri.companies.models import Company, CompanySetting, CompanyUser, User
from kirjuri.core.errors import KirjuriError

# Settings documents every company has; values are the contract's wire shapes.
DEFAULT_SETTINGS: dict[str, dict[str, Any]] = {
    "usage": {
        "defaultInvoiceChannel": "EMAIL",
        "cashDiscount": {"cashDiscountForSales": False, "cashDiscountForPurchase": False},
        "accountingByRow": {
            "salesInvoicePosting": False,
            "purchaseInvoicePosting": False,
            "travelAndExpenseInvoicePosting": False,
            "salaryPosting": False,
        },
    },
    "invoice_templates": {"templates": [{"id": 1, "name": "Oletuspohja"}]},
    "delivery_terms": {"deliveryTerms": ["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP"]},
    "einvoice": {},
    "collection_penal": {
        "useAutomaticHandling": False,
        "penalInterestDateMargin": 7,
        "minimumPenalInterestSum": 5,
        "defaultSalesInvoiceInterest": 11.5,
        "defaultSalesInvoicePaymentTerms": 14,
    },
    "circulation": {
        "useForPurchaseInvoices": True,
        "useForTravelAndExpenseInvoices": True,
        "reminderInterval": "ONCE_A_DAY",
        "forceNotifications": False,
        "useDeterminedOrder": False,
        "allowPaymentOnlyWhenApproved": True,
        "allowInvoiceSpecificDiscussion": True,
        "allowExtendedTaggingInDiscussion": False,
        "allocatePurchaseOrdersAndInvoicesInChecking": False,
        "maxVerifiers": 10,
        "maxAcceptors": 5,
        "verifiers": [],
        "acceptors": [],
        "allowPersonalSubstitution": False,
        "substitutions": [],
    },
}


def create_company(
    session: Session,
    *,
    name: str,
    business_id: str | None = None,
    country: str = "FINLAND",
    is_sandbox: bool = False,
    **fields: Any,
) -> Company:
    company = Company(
        name=name,
        country=country,
        business_id=business_id,
        business_id_type="FI" if business_id and country == "FINLAND" else None,
        is_sandbox=is_sandbox,
        operation_type="TRIAL" if is_sandbox else "PRODUCTION",
        coa_languages=["FINNISH", "SWEDISH", "ENGLISH"],
        **fields,
    )
    session.add(company)
    session.flush()
    for setting_name, value in DEFAULT_SETTINGS.items():
        session.add(CompanySetting(company_id=company.id, name=setting_name, value=value))
    session.flush()
    return company


def create_user(
    session: Session,
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str | None = None,
    mobile_phone: str = "",
    is_developer: bool = False,
) -> User:
    if repository.user_by_username(session, username) is not None:
        raise KirjuriError("USERNAME_TAKEN", 409, "username")
    user = User(
        username=username,
        password_hash=hash_secret(password) if password else None,
        first_name=first_name,
        last_name=last_name,
        email=email,
        mobile_phone=mobile_phone,
        is_developer=is_developer,
    )
    session.add(user)
    session.flush()
    return user


def add_member(
    session: Session,
    *,
    company_id: int,
    user_id: int,
    rights: dict[str, Any] | None = None,
    role: str = "USER",
) -> CompanyUser:
    if repository.membership(session, company_id=company_id, user_id=user_id) is not None:
        raise KirjuriError("ALREADY_MEMBER", 409, "userId")
    membership = CompanyUser(
        company_id=company_id,
        user_id=user_id,
        role=role,
        rights=rules.normalise(rights if rights is not None else rules.READ_ONLY),
    )
    session.add(membership)
    session.flush()
    return membership


def remove_member(session: Session, *, company_id: int, user_id: int) -> None:
    """Take the user out of the company: their tokens and API keys there stop working at once."""
    membership = repository.membership(session, company_id=company_id, user_id=user_id)
    if membership is None:
        raise KirjuriError("NOT_FOUND", 404, "userId")
    session.delete(membership)
    session.flush()


def session_info(session: Session, *, company_id: int, user_id: int) -> tuple[Company, User]:
    found = repository.company_and_user(session, company_id=company_id, user_id=user_id)
    if found is None:
        raise KirjuriError("NOT_FOUND", 404)
    return found
