"""Pure rules of the business-partner registers (§D.4): who may read and write which partner type,
and every check of a customer or supplier document that needs no database.

Invariants:
- a partner type is readable with its register right (`TYPE_RIGHTS`) at viewing level and
  writable with ALL_RIGHTS; a partner or group of a type the caller cannot read does not exist
  for them (404; lists leave it out);
- `/businesspartners` writes customers and suppliers only; persons are written through
  `/persons` (`USE_PERSONS_ENDPOINT`);
- a customer has an address: a non-empty `address` object (its fields stay optional — an
  invoice takes the billing or this address and its own checks decide what a channel needs);
  every partner has `paymentInfo.paymentMethod`; EMAIL invoicing needs `invoicingInfo.email`,
  ELECTRONIC_INVOICE an e-invoice address and, for a Finnish partner, its operator; EDIFACT,
  PAPER_INVOICE and DKLMPKRE are shown but refused on write (`READ_ONLY_VALUE`);
- a stored document passed `check_partner`: identifiers, bank details and e-invoice addresses
  are in their one stored form, decimals are plain strings (never floats, never `1E+1`), cash
  discount options are sorted by days, and contact persons are numbered from 1;
- an error never carries the refused value (an identifier may be a personal identity code).

The bank-account rule: a euro BANK_TRANSFER (currency EUR or not given) is a SEPA credit
transfer, which Finnish banks send only to an IBAN — so the account must be a valid IBAN. Every
other method and currency (FOREIGN_PAYMENT, CLEARING, the Swedish bankgiro/plusgiro and creditor
payments, NETS, DIRECT_DEBIT, a BANK_TRANSFER in another currency …) also takes a national
account number (letters, digits, spaces and hyphens, at most 40); a value that looks like an
IBAN is still checked as one whatever the method.

Every check returns all its findings (`ErrorItem`s at wire paths), so that a request is refused
whole, before anything is written.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from kirjuri.core import vat
from kirjuri.core.errors import ErrorItem, KirjuriError, forbidden
from kirjuri.core.money import plain
from kirjuri.partners import identifiers

CUSTOMER = "CUSTOMER"
SUPPLIER = "SUPPLIER"
PERSON = "PERSON"
TYPES = (CUSTOMER, SUPPLIER, PERSON)
# The types `/businesspartners` creates and changes; a partner may move between these two.
PARTNER_TYPES = (CUSTOMER, SUPPLIER)

# The register right of each type: viewing level reads, ALL_RIGHTS writes.
TYPE_RIGHTS: dict[str, str] = {
    CUSTOMER: "sales.customerRegister",
    SUPPLIER: "purchases.supplierRegister",
    PERSON: "salaries.personRegister",
}
ANY_RIGHT: tuple[str, ...] = tuple(TYPE_RIGHTS.values())

# The attachment owner (referenceType) of a partner of each type.
ATTACHMENT_OWNERS: dict[str, str] = {
    CUSTOMER: "CUSTOMER_BUSINESS_PARTNER_REGISTER",
    SUPPLIER: "SUPPLIER_BUSINESS_PARTNER_REGISTER",
    PERSON: "PERSON_BUSINESS_PARTNER_REGISTER",
}


def readable_types(can_read: Callable[[str], bool]) -> frozenset[str]:
    """The types whose register the principal may read; `can_read(right)` answers for viewing level."""
    return frozenset(t for t, right in TYPE_RIGHTS.items() if can_read(right))


def writable_types(can_write: Callable[[str], bool]) -> frozenset[str]:
    """The types whose register the principal may change; `can_write(right)` answers for ALL_RIGHTS."""
    return frozenset(t for t, right in TYPE_RIGHTS.items() if can_write(right))


def listed_types(requested: str | None, readable: frozenset[str]) -> tuple[str, ...]:
    """The types a search shows: the one asked for, else every readable one. Asking for a type
    the caller cannot read, or having no readable type at all, is 403."""
    if requested is not None:
        if requested not in readable:
            raise forbidden("INSUFFICIENT_RIGHTS")
        return (requested,)
    if not readable:
        raise forbidden("INSUFFICIENT_RIGHTS")
    return tuple(t for t in TYPES if t in readable)


def require_writable(partner_type: str, writable: Iterable[str]) -> None:
    if partner_type not in set(writable):
        raise forbidden("INSUFFICIENT_RIGHTS")


# --- values ---------------------------------------------------------------------------------------

# The invoice channels Procountor shows but does not accept on a write, and the deprecated method.
READ_ONLY_CHANNELS = frozenset({"EDIFACT", "PAPER_INVOICE"})
READ_ONLY_PAYMENT_METHODS = frozenset({"DKLMPKRE"})
IBAN_METHODS = frozenset({"BANK_TRANSFER"})
# Partners in these countries (or with no country: the company's own, Finland) are Finnish:
# their e-invoices go through a Finnish operator, which must be named.
FINNISH_COUNTRIES = frozenset({"FINLAND", "ALAND_ISLANDS"})

HUNDRED = Decimal(100)
ZERO = Decimal(0)
PENAL_INTEREST_MAX = Decimal(1000)
MAX_CASH_DISCOUNT_OPTIONS = 3
MAX_CASH_DISCOUNT_DAYS = 999
_TERM_DAYS = re.compile(r"[0-9]{1,3}")
# One address, no display name: what a mail server accepts in RCPT TO, in practice.
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]+")


def iban_required(payment_method: str | None, currency: str | None) -> bool:
    """A euro bank transfer (see the module docstring) needs an IBAN."""
    return payment_method in IBAN_METHODS and currency in (None, "EUR")


def is_email(value: str) -> bool:
    return _EMAIL.fullmatch(value) is not None


def is_finnish(document: dict[str, Any]) -> bool:
    country = (document.get("address") or {}).get("country") or (document.get("billingAddress") or {}).get("country")
    return country is None or country in FINNISH_COUNTRIES


def as_decimal(value: Any) -> Decimal | None:
    """A stored or parsed decimal (string, int or Decimal) as Decimal; None when it is not one."""
    if value is None or isinstance(value, bool | float):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _plain_text(value: Decimal) -> str:
    return str(plain(value))


def identifier_candidates(identifier_type: str | None, text: str) -> tuple[str, ...]:
    """The stored forms a searched identifier may stand for: as given, upper-cased, and compacted
    by the check of its type (of every type when none is given). Invalid readings are skipped:
    a search never refuses (nor repeats) an identifier, it only finds nothing."""
    raw = text.strip()
    if not raw:
        return ()
    found = {raw, raw.upper()}
    kind = (identifier_type or "").strip().upper()
    for candidate in [kind] if kind else sorted(identifiers.IDENTIFIER_TYPES):
        try:
            _, value = identifiers.check_identifier(candidate, raw, field="identifier", type_field="identifierType")
        except KirjuriError:
            continue
        if value:
            found.add(value)
    return tuple(sorted(found))


# --- the partner document -------------------------------------------------------------------------


@dataclass
class _Check:
    """One pass over a document: the findings, and the normalised copy being built."""

    doc: dict[str, Any]
    errors: list[ErrorItem]

    def fail(self, code: str, path: str) -> None:
        self.errors.append(ErrorItem(400, code, path))

    def normalise(self, owner: dict[str, Any], key: str, check: Callable[[str], str]) -> None:
        """Replace `owner[key]`, when given, by its stored form; or record the check's error
        (which never carries the value)."""
        if not owner.get(key):
            return
        try:
            owner[key] = check(owner[key])
        except KirjuriError as error:
            self.errors.extend(error.items)

    def identifier(self, owner: dict[str, Any], keys: tuple[str, str], paths: tuple[str, str]) -> None:
        """An identifier and its type (`keys`) in stored form, both checked together."""
        type_key, value_key = keys
        type_path, value_path = paths
        try:
            kind, value = identifiers.check_identifier(
                owner.get(type_key), owner.get(value_key), field=value_path, type_field=type_path
            )
        except KirjuriError as error:
            self.errors.extend(error.items)
            return
        for key, stored in ((type_key, kind), (value_key, value)):
            if stored is None:
                owner.pop(key, None)
            else:
                owner[key] = stored


def check_partner(document: dict[str, Any]) -> dict[str, Any]:
    """The customer or supplier document in its stored form; `KirjuriError` with every finding
    when anything is wrong. `document` is the camelCase wire object without id and version."""
    check = _Check(copy.deepcopy(document), [])
    doc = check.doc
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        check.fail("REQUIRED", "name")
    partner_type = doc.get("type")
    if partner_type is None:
        check.fail("REQUIRED", "type")
    elif partner_type == PERSON:
        check.fail("USE_PERSONS_ENDPOINT", "type")
    elif partner_type not in PARTNER_TYPES:
        check.fail("INVALID_ENUM_VALUE", "type")
    if partner_type == CUSTOMER and not doc.get("address"):
        check.fail("REQUIRED", "address")
    _check_invoicing(check)
    _check_payment(check)
    _check_contacts(check)
    _check_additional(check)
    registry = doc.setdefault("registryInfo", {})
    registry["active"] = registry.get("active") is not False
    if check.errors:
        raise KirjuriError.many(check.errors)
    return doc


def _check_invoicing(check: _Check) -> None:
    info = check.doc.get("invoicingInfo")
    if info is None:
        return
    p = "invoicingInfo"

    check.identifier(info, ("identifierType", "identifier"), (f"{p}.identifierType", f"{p}.identifier"))
    check.normalise(info, "ovt", partial(identifiers.check_ovt, field=f"{p}.ovt"))
    check.normalise(info, "einvoiceAddress", partial(identifiers.check_einvoice_address, field=f"{p}.einvoiceAddress"))
    check.normalise(
        info, "einvoiceOperator", partial(identifiers.check_einvoice_operator, field=f"{p}.einvoiceOperator")
    )
    channel = info.get("invoiceChannel")
    if channel in READ_ONLY_CHANNELS:
        check.fail("READ_ONLY_VALUE", f"{p}.invoiceChannel")
    if channel == "EMAIL" and not info.get("email"):
        check.fail("REQUIRED", f"{p}.email")
    if channel == "ELECTRONIC_INVOICE":
        if not info.get("einvoiceAddress"):
            check.fail("REQUIRED", f"{p}.einvoiceAddress")
        if not info.get("einvoiceOperator") and is_finnish(check.doc):
            check.fail("REQUIRED", f"{p}.einvoiceOperator")
    email = info.get("email")
    if email is not None and not is_email(email.strip()):
        check.fail("INVALID_EMAIL", f"{p}.email")
    elif email is not None:
        info["email"] = email.strip()
    for index, address in enumerate(info.get("bccAddresses") or []):
        if not is_email(address.strip()):
            check.fail("INVALID_EMAIL", f"{p}.bccAddresses[{index}]")
    if info.get("bccAddresses"):
        info["bccAddresses"] = [a.strip() for a in info["bccAddresses"]]


def _check_payment(check: _Check) -> None:
    info = check.doc.get("paymentInfo")
    p = "paymentInfo"
    if info is None:
        check.fail("REQUIRED", p)
        return
    method = info.get("paymentMethod")
    if method is None:
        check.fail("REQUIRED", f"{p}.paymentMethod")
    elif method in READ_ONLY_PAYMENT_METHODS:
        check.fail("READ_ONLY_VALUE", f"{p}.paymentMethod")
    required = iban_required(method, info.get("currency"))
    check.normalise(
        info, "bankAccount", partial(identifiers.check_bank_account, field=f"{p}.bankAccount", iban_required=required)
    )
    check.normalise(info, "bic", partial(identifiers.check_bic, field=f"{p}.bic"))
    days = info.get("paymentTermDays")
    if days is not None and not _TERM_DAYS.fullmatch(days):
        check.fail("INVALID_PAYMENT_TERM_DAYS", f"{p}.paymentTermDays")
    for key, high in (
        ("paymentTermPercentage", HUNDRED),
        ("discountPercentage", HUNDRED),
        ("penalInterestRate", PENAL_INTEREST_MAX),
    ):
        _check_number(check, info, key, f"{p}.{key}", high=high)
    cash = info.get("cashDiscount")
    if cash is not None:
        _check_cash_discount(check, cash, f"{p}.cashDiscount")


def _check_number(
    check: _Check, owner: dict[str, Any], key: str, path: str, *, high: Decimal, below: bool = False
) -> None:
    """0 ≤ value ≤ high (< high when `below`), stored as a plain decimal string."""
    if owner.get(key) is None:
        return
    number = as_decimal(owner[key])
    if number is None:
        check.fail("INVALID_DECIMAL", path)
        return
    if number < ZERO or number > high or (below and number == high):
        check.fail("OUT_OF_RANGE", path)
        return
    owner[key] = _plain_text(number)


def _check_cash_discount(check: _Check, cash: dict[str, Any], path: str) -> None:
    options = cash.get("optionList")
    if not options:
        return
    if len(options) > MAX_CASH_DISCOUNT_OPTIONS:
        check.fail("TOO_MANY_ITEMS", f"{path}.optionList")
        return
    for index, option in enumerate(options):
        here = f"{path}.optionList[{index}]"
        days = option.get("numberOfDays")
        if days is not None and not 0 <= days <= MAX_CASH_DISCOUNT_DAYS:
            check.fail("OUT_OF_RANGE", f"{here}.numberOfDays")
        _check_number(check, option, "discountPercentage", f"{here}.discountPercentage", high=HUNDRED, below=True)
    # Procountor stores the options ascending by days; an option without days comes first.
    cash["optionList"] = sorted(options, key=lambda o: o.get("numberOfDays") or 0)


def _check_contacts(check: _Check) -> None:
    contacts = check.doc.get("contactPersons")
    if not contacts:
        check.doc.pop("contactPersons", None)
        return
    for index, contact in enumerate(contacts):
        # Contact persons have no identity of their own: their number is their position.
        contact["id"] = index + 1
        email = contact.get("email")
        if email is not None and not is_email(email.strip()):
            check.fail("INVALID_EMAIL", f"contactPersons[{index}].email")


def _check_additional(check: _Check) -> None:
    info = check.doc.setdefault("additionalInfo", {})
    info.setdefault("invoiceLedger", "INVOICE_LEDGER")
    if not info.get("parentCompanyIdType"):
        # "" is the contract's "no type": the parent company id is kept as given.
        info.pop("parentCompanyIdType", None)
        return
    p = "additionalInfo"
    check.identifier(
        info, ("parentCompanyIdType", "parentCompanyId"), (f"{p}.parentCompanyIdType", f"{p}.parentCompanyId")
    )


# Which fields a PATCH may change: top-level scalars, and objects merged field by field.
PATCH_SCALARS = ("name", "type")
PATCH_OBJECTS = ("address", "invoicingInfo", "paymentInfo")


def merge_patch(stored: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """The stored document with a PATCH applied: `name` and `type` replaced when sent; `address`,
    `invoicingInfo` and `paymentInfo` merged field by field (a field sent as null is cleared, an
    object sent as null removed); every other field of the patch is ignored."""
    merged = copy.deepcopy(stored)
    for key in PATCH_SCALARS:
        if key in patch:
            merged[key] = patch[key]
    for key in PATCH_OBJECTS:
        if key not in patch:
            continue
        if patch[key] is None:
            merged.pop(key, None)
            continue
        target = dict(merged.get(key) or {})
        for field, value in patch[key].items():
            if value is None:
                target.pop(field, None)
            else:
                target[field] = value
        merged[key] = target
    return merged


# --- default accounts ------------------------------------------------------------------------------

ACCOUNT_SETS = (
    "salesInvoiceAccounts",
    "purchaseInvoiceAccounts",
    "travelInvoiceAccounts",
    "expenseClaimAccounts",
    "journalAccounts",
)
ACCOUNT_ROLES = ("debitAccount", "creditAccount", "reconciliationAccount")


def side_of(partner_type: str) -> vat.Side:
    """A customer is sold to (sales VAT statuses); a supplier sells to the company (purchase)."""
    return vat.Side.SALES if partner_type == CUSTOMER else vat.Side.PURCHASE


def account_codes(document: dict[str, Any]) -> dict[str, str]:
    """{wire path of the code: account code} of every account a default-accounts document names."""
    found: dict[str, str] = {}
    for set_name in ACCOUNT_SETS:
        accounts = document.get(set_name) or {}
        for role in ACCOUNT_ROLES:
            code = (accounts.get(role) or {}).get("code")
            if code:
                found[f"{set_name}.{role}.code"] = code
    return found


def check_default_accounts(document: dict[str, Any], *, partner_type: str, today: date) -> dict[str, Any]:
    """The default accounts and VAT of a customer or supplier in stored form (codes only, names
    are the chart's); `KirjuriError` with every finding. The accounts' existence is the service's."""
    errors: list[ErrorItem] = []
    stored: dict[str, Any] = {}
    status = document.get("vatStatus")
    percent = as_decimal(document.get("vatPercent"))
    side = side_of(partner_type)
    if status is not None:
        known = vat.STATUSES.get(status)
        if known is None or known.treatment(side) is None:
            errors.append(ErrorItem(400, "INVALID_VAT_STATUS", "vatStatus"))
        stored["vatStatus"] = status
    if percent is not None:
        if percent != ZERO and vat.class_of(percent, today) is None:
            errors.append(ErrorItem(400, "INVALID_VAT_PERCENTAGE", "vatPercent"))
        elif status is not None and not errors and vat.check(status=status, side=side, percent=percent, on=today):
            errors.append(ErrorItem(400, "ERROR_VATSTATUS_VATPERC", "vatPercent"))
        stored["vatPercent"] = _plain_text(percent)
    deduction = as_decimal(document.get("vatDeduction"))
    if deduction is not None:
        if not ZERO <= deduction <= HUNDRED:
            errors.append(ErrorItem(400, "OUT_OF_RANGE", "vatDeduction"))
        stored["vatDeduction"] = _plain_text(deduction)
    for key in ("vatProcessing", "combineInvoiceRows"):
        if document.get(key) is not None:
            stored[key] = document[key]
    for path, code in account_codes(document).items():
        set_name, role, _ = path.split(".")
        stored.setdefault(set_name, {})[role] = {"code": code}
    if errors:
        raise KirjuriError.many(errors)
    return stored
