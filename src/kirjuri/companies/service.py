"""Business verbs of companies and users: create a company, add a member, read the session,
update the company's basic info, list members, and change a user's own data through MFA.

Invariants: a new company gets every settings document with its defaults, so every settings
endpoint answers from stored data; a user's rights document is always complete (normalised);
a user's own data changes only when an MFA transaction of kind USER_UPDATE is confirmed; every
write bumps `version`; services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kirjuri.auth.rules import hash_secret
from kirjuri.companies import repository, rules
from kirjuri.companies import settings as company_settings
from kirjuri.companies.models import Company, CompanySetting, CompanyUser, User
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.core.paging import PageMeta, PageRequest
from kirjuri.db.paging import fetch_page
from kirjuri.ledger import service as ledger_service
from kirjuri.mfa import service as mfa_service
from kirjuri.mfa.models import MfaTransaction
from kirjuri.webhooks import catalogue, outbox

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
    ledger_service.setup_company(session, company_id=company.id)
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


def current_user(session: Session, *, company_id: int, user_id: int) -> tuple[Company, User, CompanyUser]:
    """The token's user with their company and membership (`GET /users`)."""
    found = repository.company_and_user(session, company_id=company_id, user_id=user_id)
    membership = repository.membership(session, company_id=company_id, user_id=user_id)
    if found is None or membership is None:
        raise not_found()
    return found[0], found[1], membership


def current_company(session: Session, *, company_id: int) -> Company:
    company = repository.company(session, company_id)
    if company is None:
        raise not_found()
    return company


# --- company basic info ------------------------------------------------------------------------


def update_company(
    session: Session,
    *,
    company_id: int,
    name: str,
    address: dict[str, Any],
    billing_address: dict[str, Any],
    brn_type: str | None,
    business_id: str | None,
    mva: bool,
    in_trade_register: bool,
    accounting_office_name: str | None,
    check_version: Callable[[datetime], None] | None = None,
) -> Company:
    """Replace the basic info (PUT semantics: what is left out is cleared); id, product version,
    operation type, country and currency are not changed here. `check_version` sees the stored
    version under the row lock and refuses a stale write (If-Match)."""
    company = repository.company_for_update(session, company_id)
    if company is None:
        raise not_found()
    if check_version is not None:
        check_version(company.version)
    kind = rules.business_id_type(brn_type, company.country)
    company.business_id = rules.normalise_business_id(kind, business_id)
    company.business_id_type = kind if company.business_id is not None else None
    company.name = name
    company.address = address
    company.billing_address = billing_address
    company.mva = mva
    company.in_trade_register = in_trade_register
    company.accounting_office_name = accounting_office_name
    company.version = clock.now()
    session.flush()
    return company


def set_vat_period(session: Session, *, company_id: int, reporting_period: str) -> str:
    """Store the company's VAT reporting period (`settings.VAT`); 400 `INVALID_ENUM_VALUE` at
    `reportingPeriod` for anything but MONTH, QUARTER or YEAR."""
    if reporting_period not in company_settings.VAT_PERIODS:
        raise KirjuriError("INVALID_ENUM_VALUE", 400, "reportingPeriod")
    stored = repository.setting(session, company_id=company_id, name=company_settings.VAT)
    if stored is None:
        stored = CompanySetting(company_id=company_id, name=company_settings.VAT, value={})
        session.add(stored)
    stored.value = {**stored.value, "reportingPeriod": reporting_period}
    session.flush()
    return reporting_period


# --- members ------------------------------------------------------------------------------------


def members_page(session: Session, *, company_id: int, page: PageRequest) -> tuple[list[tuple[User, str]], PageMeta]:
    users, meta = fetch_page(session, repository.members_query(company_id), id_column=User.id, request=page)
    found = repository.members_by_ids(session, company_id=company_id, user_ids=[u.id for u in users])
    return [found[u.id] for u in users], meta


def members_batch(session: Session, *, company_id: int, user_ids: list[int]) -> list[tuple[User, str]]:
    """The members among `user_ids`, sorted by id; 404 when none is."""
    found = repository.members_by_ids(session, company_id=company_id, user_ids=user_ids)
    if not found:
        raise not_found("ids")
    return [found[i] for i in sorted(found)]


def profile(session: Session, *, company_id: int, user_id: int) -> User:
    user = repository.member(session, company_id=company_id, user_id=user_id)
    if user is None:
        raise not_found("userId")
    return user


# --- the user's own data, behind two-step verification --------------------------------------

USER_UPDATE = "USER_UPDATE"
# The columns PUT /users may change; id, username, login method and identity code are not among them.
USER_FIELDS = ("first_name", "last_name", "email", "mobile_phone", "secondary_phone", "street", "zip", "city")
USER_UPDATED_MESSAGE = "User information updated"


def request_user_update(session: Session, *, company_id: int, user_id: int, changes: dict[str, Any]) -> MfaTransaction:
    """Validate the new data now (400 at once), apply it only when the user confirms."""
    rules.check_user_contact(
        email=changes["email"], mobile_phone=changes["mobile_phone"], secondary_phone=changes.get("secondary_phone")
    )
    payload = {name: changes.get(name) for name in USER_FIELDS}
    payload["mobile_phone"] = str(payload["mobile_phone"]).strip()
    return mfa_service.start(session, company_id=company_id, user_id=user_id, kind=USER_UPDATE, payload=payload)


@mfa_service.register(USER_UPDATE)
def apply_user_update(session: Session, transaction: MfaTransaction) -> dict[str, Any]:
    user = repository.user_for_update(session, transaction.user_id)
    if user is None:
        raise not_found("transactionIdentifier")
    for name in USER_FIELDS:
        setattr(user, name, transaction.payload.get(name))
    user.version = clock.now()
    session.flush()
    result = {"info": {"message": USER_UPDATED_MESSAGE}}
    outbox.emit(
        session,
        company_id=transaction.company_id,
        event_type=catalogue.USER_UPDATED,
        payload={"transactionIdentifier": transaction.id, "response": result},
    )
    return result
