"""The write rules of §D.13.4 that need no database: what an invoice of each type must carry,
what its channel needs, which payment methods, dates, languages and VAT statuses it may use.

Invariants:
- every check takes plain values (no wire models) and returns ALL its findings as `ErrorItem`s at
  the contract's wire paths, so a request is refused whole before anything is written
  (`refuse` raises them together); an error never repeats the refused value;
- a periodic tax return is never written (`READ_ONLY_VALUE` at `type`); EDIFACT and
  PAPER_INVOICE channels and the DKLMPKRE method are shown but never written (`READ_ONLY_VALUE`);
- a sales type uses the sales side of the VAT statuses, every other type the purchase side
  (`kirjuri.core.vat`).

Decisions where the contract is silent, and why:
- Channel requirements apply to the types Kirjuri sends with that channel: EMAIL to the types
  that carry `counterParty.email` (sales invoice, sales order, purchase order); MAIL to the sales
  types; ELECTRONIC_INVOICE to SALES_INVOICE (the address schema names SALES_INVOICE; an order is
  not sent as a Finvoice message). For the other types the channel only records how the document
  came in.
- MAIL needs street, zip and city in the billing address or in the counterparty address. When
  neither is complete, the missing fields are reported on the address the letter would go to:
  the billing address when one was sent non-empty, else the counterparty address.
- `billing_address` is the value as sent: None when omitted (it then defaults to the counterparty
  address, so only the counterparty address is reported), `{}` when the client said "none".
- A buyer is Finnish (its e-invoice operator is required) when its country is FINLAND or
  ALAND_ISLANDS, or not given (the company's own country: Kirjuri's companies are Finnish).
- DIRECT_DEBIT is not in the invoice's payment-method enum (a partner may carry it): refused with
  `INVALID_ENUM_VALUE`, the code the wire layer gives any value outside an enum.
- BANK_TRANSFER's account is an IBAN (`BankAccount.accountNumber`: "IBAN incl. country code");
  other methods' accounts (bankgiro, plusgiro, clearing …) are not IBANs and are not checked here.
  Whether the account is the company's own or the factoring contract's is the service's check.
- A due date before the invoice date answers the contract's published class-level error
  `DUE_DATE_BEFORE_BILL_DATE` without a field (§C.9 example); one beyond 999 days is
  `OUT_OF_RANGE` at `paymentInfo.dueDate`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from kirjuri.core import vat
from kirjuri.core.codes import LANGUAGES
from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.invoicing.transitions import (
    BILL_OF_CHARGES,
    INVOICE_TYPES,
    PERIODIC_TAX_RETURN,
    PURCHASE_ORDER,
    SALES_INVOICE,
    SALES_ORDER,
    TRAVEL_INVOICE,
    WRITABLE_TYPES,
)
from kirjuri.partners.identifiers import check_einvoice_address, check_einvoice_operator, check_iban
from kirjuri.partners.rules import FINNISH_COUNTRIES, is_email

SALES_TYPES = frozenset({SALES_INVOICE, SALES_ORDER})
# Travel and expense claims are the employee's: their VAT comes from the rows, not a header status.
NO_VAT_STATUS_TYPES = frozenset({TRAVEL_INVOICE, BILL_OF_CHARGES})

EMAIL = "EMAIL"
MAIL = "MAIL"
ELECTRONIC_INVOICE = "ELECTRONIC_INVOICE"
EDIFACT = "EDIFACT"
PAPER_INVOICE = "PAPER_INVOICE"
NO_SENDING = "NO_SENDING"
CHANNELS = frozenset({EMAIL, MAIL, ELECTRONIC_INVOICE, EDIFACT, PAPER_INVOICE, NO_SENDING})
READ_ONLY_CHANNELS = frozenset({EDIFACT, PAPER_INVOICE})
# The types each sending channel's requirements apply to (see the module docstring).
EMAIL_TYPES = frozenset({SALES_INVOICE, SALES_ORDER, PURCHASE_ORDER})
MAIL_TYPES = SALES_TYPES
EINVOICE_TYPES = frozenset({SALES_INVOICE})

BANK_TRANSFER = "BANK_TRANSFER"
CASH = "CASH"
DIRECT_DEBIT = "DIRECT_DEBIT"
DKLMPKRE = "DKLMPKRE"

MAX_PAYMENT_TERM = timedelta(days=999)
ZERO = Decimal(0)

# Required on POST for every writable type (§D.13.4), as wire paths.
BASE_REQUIRED = frozenset(
    {
        "type",
        "date",
        "counterParty",
        "counterParty.counterPartyAddress",
        "counterParty.counterPartyAddress.name",
        "paymentInfo",
        "paymentInfo.paymentMethod",
        "paymentInfo.currency",
        "paymentInfo.dueDate",
        "paymentInfo.currencyRate",
        "extraInfo",
        "extraInfo.accountingByRow",
        "extraInfo.unitPricesIncludeVat",
        "discountPercent",
        "invoiceRows",
        "invoiceChannel",
    }
)
# Required in every invoice row (`invoiceRows[n].<field>`); there must be at least one row.
ROW_REQUIRED = frozenset({"product", "quantity", "unit", "unitPrice", "discountPercent", "vatPercent"})
_ADDRESS_LINES = ("street", "zip", "city")
COUNTERPARTY_ADDRESS = "counterParty.counterPartyAddress"
BILLING_ADDRESS = "billingAddress"

Address = Mapping[str, str | None]


def refuse(errors: list[ErrorItem]) -> None:
    """Raise every finding at once (the first one's status wins); nothing when there is none."""
    if errors:
        raise KirjuriError.many(errors)


def _known_type(invoice_type: str) -> str:
    if invoice_type not in INVOICE_TYPES:
        raise ValueError(f"unknown invoice type {invoice_type!r}")
    return invoice_type


def _required(field: str) -> ErrorItem:
    return ErrorItem(400, "REQUIRED", field)


# --- type and required fields ---------------------------------------------------------------------


def check_type(invoice_type: str) -> list[ErrorItem]:
    """A periodic tax return is GET-only; the other types of the enum may be written."""
    if invoice_type == PERIODIC_TAX_RETURN:
        return [ErrorItem(400, "READ_ONLY_VALUE", "type")]
    if invoice_type not in WRITABLE_TYPES:
        raise ValueError(f"unknown invoice type {invoice_type!r}")
    return []


def required_fields(invoice_type: str, channel: str) -> frozenset[str]:
    """The wire paths a POST of this type and channel must carry: the common ones, `vatStatus`
    (not travel/expense), `language` (sales types) and what the channel needs unconditionally
    (EMAIL: the e-mail; ELECTRONIC_INVOICE on a sales invoice: the e-invoice address and street,
    zip and city in both addresses). MAIL's either-or address and the Finnish buyer's operator
    depend on more than the type and channel: `check_channel` judges them."""
    if invoice_type not in WRITABLE_TYPES:
        raise ValueError(f"{invoice_type!r} is not a writable invoice type")
    if channel not in CHANNELS:
        raise ValueError(f"unknown invoice channel {channel!r}")
    fields = set(BASE_REQUIRED)
    if invoice_type not in NO_VAT_STATUS_TYPES:
        fields.add("vatStatus")
    if invoice_type in SALES_TYPES:
        fields.add("language")
    if channel == EMAIL and invoice_type in EMAIL_TYPES:
        fields.add("counterParty.email")
    if channel == ELECTRONIC_INVOICE and invoice_type in EINVOICE_TYPES:
        fields.add("counterParty.einvoiceAddress.address")
        fields.update(f"{owner}.{line}" for owner in (COUNTERPARTY_ADDRESS, BILLING_ADDRESS) for line in _ADDRESS_LINES)
    return frozenset(fields)


# --- channel --------------------------------------------------------------------------------------


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _missing_lines(address: Address | None, path: str) -> list[ErrorItem]:
    given = address or {}
    return [_required(f"{path}.{line}") for line in _ADDRESS_LINES if _blank(given.get(line))]


def is_finnish_buyer(country: str | None) -> bool:
    return country is None or country in FINNISH_COUNTRIES


def _mail_errors(billing: Address | None, counterparty: Address | None) -> list[ErrorItem]:
    billing_missing = _missing_lines(billing, BILLING_ADDRESS)
    counterparty_missing = _missing_lines(counterparty, COUNTERPARTY_ADDRESS)
    if not billing_missing or not counterparty_missing:
        return []
    # Neither address is complete: point at the one the letter would go to.
    return billing_missing if billing else counterparty_missing


def _einvoice_errors(
    *,
    billing: Address | None,
    counterparty: Address | None,
    einvoice_address: str | None,
    einvoice_operator: str | None,
    country: str | None,
) -> list[ErrorItem]:
    errors: list[ErrorItem] = []
    if _blank(einvoice_address):
        errors.append(_required("counterParty.einvoiceAddress.address"))
    if _blank(einvoice_operator) and is_finnish_buyer(country):
        errors.append(_required("counterParty.einvoiceAddress.operator"))
    errors.extend(_missing_lines(counterparty, COUNTERPARTY_ADDRESS))
    # An omitted billing address is the counterparty address: already reported above.
    if billing is not None:
        errors.extend(_missing_lines(billing, BILLING_ADDRESS))
    return errors


def _format_errors(value: str | None, check: Callable[..., str], field: str) -> list[ErrorItem]:
    """The finding of `check(value, field=field)` when a value is given (never carrying it)."""
    if value is None or _blank(value):
        return []
    try:
        check(value, field=field)
    except KirjuriError as error:
        return error.items
    return []


def check_channel(
    *,
    invoice_type: str,
    channel: str,
    email: str | None,
    billing_address: Address | None,
    counterparty_address: Address | None,
    einvoice_address: str | None,
    einvoice_operator: str | None,
    country: str | None,
) -> list[ErrorItem]:
    """What `invoiceChannel` needs of the invoice (§D.13.4); also the formats of the e-mail and
    e-invoice values whenever they are given. Addresses are mappings with the wire keys `street`,
    `zip`, `city`; `country` is the buyer's (contract enum name, e.g. FINLAND)."""
    _known_type(invoice_type)
    if channel not in CHANNELS:
        raise ValueError(f"unknown invoice channel {channel!r}")
    errors: list[ErrorItem] = []
    if channel in READ_ONLY_CHANNELS:
        errors.append(ErrorItem(400, "READ_ONLY_VALUE", "invoiceChannel"))
    if channel == EMAIL and invoice_type in EMAIL_TYPES and _blank(email):
        errors.append(_required("counterParty.email"))
    if email is not None and not _blank(email) and not is_email(email.strip()):
        errors.append(ErrorItem(400, "INVALID_EMAIL", "counterParty.email"))
    if channel == MAIL and invoice_type in MAIL_TYPES:
        errors.extend(_mail_errors(billing_address, counterparty_address))
    if channel == ELECTRONIC_INVOICE and invoice_type in EINVOICE_TYPES:
        errors.extend(
            _einvoice_errors(
                billing=billing_address,
                counterparty=counterparty_address,
                einvoice_address=einvoice_address,
                einvoice_operator=einvoice_operator,
                country=country,
            )
        )
    errors.extend(_format_errors(einvoice_address, check_einvoice_address, "counterParty.einvoiceAddress.address"))
    errors.extend(_format_errors(einvoice_operator, check_einvoice_operator, "counterParty.einvoiceAddress.operator"))
    return errors


# --- payment --------------------------------------------------------------------------------------

ACCOUNT_NUMBER = "paymentInfo.bankAccount.accountNumber"


def check_payment_method(
    *, method: str, bank_account: str | None, factoring_contract_id: int | None
) -> list[ErrorItem]:
    """The payment method and what it needs: DIRECT_DEBIT refused, DKLMPKRE read-only, a bank
    transfer paid to an IBAN (`bank_account` is `paymentInfo.bankAccount.accountNumber`), cash
    never factored."""
    field = "paymentInfo.paymentMethod"
    if method == DIRECT_DEBIT:
        return [ErrorItem(400, "INVALID_ENUM_VALUE", field)]
    if method == DKLMPKRE:
        return [ErrorItem(400, "READ_ONLY_VALUE", field)]
    errors: list[ErrorItem] = []
    if method == BANK_TRANSFER:
        if _blank(bank_account):
            errors.append(_required(ACCOUNT_NUMBER))
        errors.extend(_format_errors(bank_account, check_iban, ACCOUNT_NUMBER))
    if method == CASH and factoring_contract_id is not None:
        errors.append(ErrorItem(400, "FACTORING_NOT_ALLOWED_WITH_CASH", "factoringContractId"))
    return errors


# --- dates, language ------------------------------------------------------------------------------


def check_dates(*, invoice_date: date, due_date: date) -> list[ErrorItem]:
    """`dueDate` is on or after the invoice date and at most 999 days after it."""
    if due_date < invoice_date:
        return [ErrorItem(400, "DUE_DATE_BEFORE_BILL_DATE", None)]
    if due_date - invoice_date > MAX_PAYMENT_TERM:
        return [ErrorItem(400, "OUT_OF_RANGE", "paymentInfo.dueDate")]
    return []


def check_language(invoice_type: str, language: str | None) -> list[ErrorItem]:
    """Sales types need a language of the contract's list; the others ignore it."""
    if _known_type(invoice_type) not in SALES_TYPES:
        return []
    if language is None:
        return [_required("language")]
    if language not in LANGUAGES:
        return [ErrorItem(400, "INVALID_ENUM_VALUE", "language")]
    return []


# --- VAT ------------------------------------------------------------------------------------------


def side_of(invoice_type: str) -> vat.Side:
    """Sales types sell (output tax); purchase, travel, expense and tax returns buy."""
    return vat.Side.SALES if _known_type(invoice_type) in SALES_TYPES else vat.Side.PURCHASE


def check_vat_status(*, invoice_type: str, vat_status: int | None) -> list[ErrorItem]:
    """The invoice's `vatStatus`: required except for travel and expense claims, and one that
    exists on the type's side."""
    if vat_status is None:
        return [] if _known_type(invoice_type) in NO_VAT_STATUS_TYPES else [_required("vatStatus")]
    known = vat.STATUSES.get(vat_status)
    if known is None or known.treatment(side_of(invoice_type)) is None:
        return [ErrorItem(400, "INVALID_VAT_STATUS", "vatStatus")]
    return []


def check_row_vat(
    *, invoice_type: str, index: int, vat_status: int | None, vat_percent: Decimal, on: date
) -> list[ErrorItem]:
    """One row's VAT percentage against its status on the supply date `on`. `vat_status` is the
    row's own status, else the invoice's, else None (a travel or expense claim without one: then
    the percentage need only be a Finnish rate in force, or 0)."""
    _known_type(invoice_type)
    if vat_status is None:
        if vat_percent != ZERO and vat.class_of(vat_percent, on) is None:
            return [ErrorItem(400, "INVALID_VAT_PERCENTAGE", f"invoiceRows[{index}].vatPercent")]
        return []
    code = vat.check(status=vat_status, side=side_of(invoice_type), percent=vat_percent, on=on)
    # The contract's published path for this code is the row's vatStatus (§C.10).
    return [ErrorItem(400, code, f"invoiceRows[{index}].vatStatus")] if code else []
