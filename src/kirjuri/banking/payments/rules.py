"""Pure rules of outgoing payments: statuses, what may be paid how, the creditor's address and
reference, the execution date and how payments are grouped into pain.001 files.

Invariants (decisions where the contract is silent or Kirjuri is narrower):
- Kirjuri writes SEPA credit transfers only (pain.001.001.09, service level SEPA, charges SLEV):
  `paymentMethod` must be FINNISH_BANK_TRANSFER and the currency EUR (400
  `UNSUPPORTED_PAYMENT_METHOD` / `UNSUPPORTED_CURRENCY`); a reference is Finnish (FI) or RF, the
  other types of the contract belong to other countries (400 `UNSUPPORTED_REFERENCE_TYPE`);
- a reference and a message exclude each other (a structured creditor reference is never sent
  with unstructured remittance text): 400 `REFERENCE_AND_MESSAGE` at `message`;
- since 15 November 2026 (EPC rulebooks 2025) banks refuse unstructured creditor addresses:
  every payee needs at least a town (`city`) and a country, structured — 400
  `ADDRESS_TOWN_REQUIRED` / `ADDRESS_COUNTRY_REQUIRED` at the field, refused when the payment is
  asked for, not when the file is written;
- `paymentDate` may not lie in the past (today is allowed: the bank executes it today);
- a payment is cancelled or deleted only while PAYMENT_QUEUED: once in a file at the bank it is
  out of Kirjuri's hands (403 `PAYMENT_ALREADY_SENT_TO_BANK`, `PAYMENT_ALREADY_PAID`, or
  `PAYMENT_ALREADY_REMOVED`); only invoice payments are deleted (`DELETE` is "remove an invoice
  payment"), direct transfers are cancelled (403 `NOT_AN_INVOICE_PAYMENT`);
- the execution date written to the file is the requested date, or today when it has passed
  while the payment waited; files are one per (company, debtor account, execution date) and
  category purpose: salary payments (kind SALARY, a direct salary payment list's) go in a file of
  their own with category purpose SALA, so the bank keeps them confidential;
- a salary payment is cancelled only with its whole list (`PUT
  /payments/directsalarypayments/{id}/cancel`), never alone: 403 `SALARY_PAYMENT_OF_A_LIST`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import pycountry

from kirjuri.core.countries import ISO_ALPHA2
from kirjuri.core.errors import KirjuriError, forbidden
from kirjuri.core.money import decimal_places, from_minor

if TYPE_CHECKING:
    from kirjuri.banking.payments.models import Payment

INVOICE = "INVOICE"
DIRECT = "DIRECT"
SALARY = "SALARY"
# The ISO 20022 category purpose of a salary payment file (pain.001 `PmtTpInf/CtgyPurp/Cd`).
SALARY_PURPOSE = "SALA"

QUEUED = "PAYMENT_QUEUED"
SENT_TO_BANK = "PAYMENT_SENT_TO_BANK"
PAID = "PAID"
CANCELLED = "PAYMENT_TRANSACTION_REMOVED"
DELETED = "DELETED"
STATUSES = (QUEUED, SENT_TO_BANK, PAID, CANCELLED, DELETED)

SEPA_METHOD = "FINNISH_BANK_TRANSFER"
SEPA_CURRENCY = "EUR"
REFERENCE_TYPES = ("FI", "RF")

# MFA transaction kinds.
CREATE_INVOICE_PAYMENTS = "PAYMENTS_CREATE"
CREATE_DIRECT_TRANSFERS = "DIRECT_BANK_TRANSFERS_CREATE"
CANCEL_PAYMENT = "PAYMENT_CANCEL"
DELETE_PAYMENT = "PAYMENT_DELETE"
CANCELLED_MESSAGE = "Payment cancelled"
DELETED_MESSAGE = "Payment deleted"


def at(prefix: str, field: str) -> str:
    """`payments[2]` + `amount` → `payments[2].amount`."""
    return f"{prefix}.{field}" if prefix else field


def check_method(method: str, *, field: str) -> None:
    if method != SEPA_METHOD:
        raise KirjuriError("UNSUPPORTED_PAYMENT_METHOD", 400, field)


def check_currency(currency: str, *, field: str) -> None:
    if currency != SEPA_CURRENCY:
        raise KirjuriError("UNSUPPORTED_CURRENCY", 400, field)


def check_payment_date(payment_date: date, *, today: date, field: str) -> None:
    if payment_date < today:
        raise KirjuriError("PAYMENT_DATE_IN_THE_PAST", 400, field)


def check_amount(amount: Decimal, *, open_amount: Decimal | None, field: str) -> None:
    """Positive, cents at most, and (for an invoice) at most what is still open."""
    if not amount.is_finite() or decimal_places(amount) > 2:
        raise KirjuriError("TOO_MANY_DECIMALS", 400, field)
    if amount <= 0:
        raise KirjuriError("INVALID_AMOUNT", 400, field)
    if open_amount is not None and amount > open_amount:
        raise KirjuriError("AMOUNT_EXCEEDS_OPEN_AMOUNT", 400, field)


def country_code(country: str) -> str | None:
    """The ISO 3166 alpha-2 code of a wire country name (`FINLAND` → `FI`), None when unknown."""
    if country in ISO_ALPHA2:
        return ISO_ALPHA2[country]
    try:
        found: Any = pycountry.countries.lookup(country.replace("_", " "))
    except LookupError:
        return None
    return str(found.alpha_2)


def creditor_address(address: dict[str, Any], *, prefix: str) -> dict[str, str]:
    """The structured postal address of a payee (sepaxml's keys), from the wire
    `recipientNameAndAddress`; 400 when the town or the country is missing (module docstring)."""
    city = (address.get("city") or "").strip()
    if not city:
        raise KirjuriError("ADDRESS_TOWN_REQUIRED", 400, at(prefix, "city"))
    country = address.get("country")
    if not country:
        raise KirjuriError("ADDRESS_COUNTRY_REQUIRED", 400, at(prefix, "country"))
    code = country_code(str(country))
    if code is None:
        raise KirjuriError("UNSUPPORTED_COUNTRY", 400, at(prefix, "country"))
    result = {"town": city[:35], "country": code}
    street = (address.get("street") or "").strip()
    if street:
        result["street_name"] = street[:70]
    zip_code = (address.get("zip") or "").strip()
    if zip_code:
        result["postcode"] = zip_code[:16]
    subdivision = (address.get("subdivision") or "").strip()
    if subdivision:
        result["country_subdivision"] = subdivision[:35]
    return result


def check_reference_or_message(
    *, reference: str | None, reference_type: str | None, message: str | None, prefix: str
) -> None:
    if reference_type is not None and reference_type not in REFERENCE_TYPES:
        raise KirjuriError("UNSUPPORTED_REFERENCE_TYPE", 400, at(prefix, "bankReferenceCodeType"))
    if reference and message:
        raise KirjuriError("REFERENCE_AND_MESSAGE", 400, at(prefix, "message"))


def removable_error(*, status: str, kind: str, delete: bool, whole_list: bool = False) -> KirjuriError | None:
    """Why a payment cannot be cancelled (or deleted) now, None when it can; a salary payment only
    with its list (`whole_list`)."""
    if delete and kind != INVOICE:
        return forbidden("NOT_AN_INVOICE_PAYMENT")
    if kind == SALARY and not whole_list:
        return forbidden("SALARY_PAYMENT_OF_A_LIST")
    if status == QUEUED:
        return None
    if status == SENT_TO_BANK:
        return forbidden("PAYMENT_ALREADY_SENT_TO_BANK")
    if status == PAID:
        return forbidden("PAYMENT_ALREADY_PAID")
    return forbidden("PAYMENT_ALREADY_REMOVED")


def execution_date(requested: date, today: date) -> date:
    return max(requested, today)


class _Groupable(Protocol):
    @property
    def company_id(self) -> int: ...
    @property
    def payer_account_id(self) -> int: ...
    @property
    def payment_date(self) -> date: ...
    @property
    def id(self) -> int: ...


G = TypeVar("G", bound=_Groupable)


def group_for_files(payments: Iterable[G], *, today: date) -> dict[tuple[int, int, date], list[G]]:
    """One group per (company, debtor account, execution date), payments in id order."""
    groups: dict[tuple[int, int, date], list[G]] = defaultdict(list)
    for p in sorted(payments, key=lambda p: (p.company_id, p.id)):
        groups[(p.company_id, p.payer_account_id, execution_date(p.payment_date, today))].append(p)
    return dict(sorted(groups.items()))


def category_purpose(kind: str) -> str | None:
    """The category purpose of the file a payment of `kind` goes in (None: an ordinary transfer)."""
    return SALARY_PURPOSE if kind == SALARY else None


class _Kinded(Protocol):
    @property
    def kind(self) -> str: ...


K = TypeVar("K", bound=_Kinded)


def split_by_purpose(payments: Iterable[K]) -> list[tuple[str | None, list[K]]]:
    """A file group split by category purpose (ordinary transfers first), order kept."""
    parts: dict[str | None, list[K]] = defaultdict(list)
    for p in payments:
        parts[category_purpose(p.kind)].append(p)
    return sorted(parts.items(), key=lambda part: part[0] or "")


def event_payload(payment: Payment) -> dict[str, Any]:
    """The body of Kirjuri's own payment events (`payment.created`, `.sent_to_bank`, `.completed`).
    A salary payment's amount is personal data: its events carry the list's id instead."""
    if payment.kind == SALARY:
        return {
            "paymentId": payment.id,
            "listId": payment.list_id,
            "customId": payment.custom_id,
            "status": payment.status,
            "paymentDate": payment.payment_date.isoformat(),
        }
    return {
        "paymentId": payment.id,
        "invoiceId": payment.invoice_id,
        "customId": payment.custom_id,
        "status": payment.status,
        "amount": f"{from_minor(payment.amount_minor):.2f}",
        "currency": payment.currency,
        "paymentDate": payment.payment_date.isoformat(),
    }
