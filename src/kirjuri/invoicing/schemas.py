"""Wire models of the invoice document (Procountor §D.13): `Invoice` and every part it is made of —
counterparty, addresses, payment info, rows, sums, circulation — and the search row and result.
The lifecycle bodies (notes, checking events, mark-paid, payment events, comments, audit trail)
are in `invoicing.lifecycle_schemas`, the row in `invoicing.row_schemas`.

Invariants:
- one model per contract schema, named as the contract names it, with the contract's fields,
  enums (in its order), maxLengths and required flags (26.04, `contract/procountor-26.04.json`);
  a schema another area already owns (`BankAccount`, `CashDiscount`, `InvoiceCounterpartyAddress`,
  `DeliveryTerms`, `TransactionIdentifier`, `Attachment`) is that area's class, re-exported here,
  so the OpenAPI document has one schema per name;
- money, quantities and rates are exact `Decimal`, never `float`;
- the models state only what holds for every invoice: types, lengths, enums, ranges and the
  fields the contract requires on every write. Rules that depend on the invoice type, the channel,
  the payment method, the company or the database (rows ≥ 1, `vatStatus` except travel/expense,
  `language` for sales, e-mail for EMAIL, DIRECT_DEBIT/EDIFACT/PAPER_INVOICE refused, due date
  within 999 days, reference-number check digits, decimal scales) are `invoicing.rules`';
- server-assigned fields (`id`, `status`, `invoiceNumber`, `ledgerReceiptId`, `paymentDate`,
  `invoiceSumInfo`, `creatorId`, `attachments`, `invoiceOperatorInfo`, `sum`, row `id`s,
  `paymentInfo.newDueDate`) are optional, documented `readOnly`, and ignored by the service when a
  client sends them — a client may echo a GET back in a PUT. `version` is not read-only: PUT needs it.

Two absences a reader must keep apart, because the contract gives them different meanings:
- `paymentInfo.bankReferenceCode`: missing or null → no reference; `""` → the server generates
  one; a value → validated. The model keeps `None` and `""` distinct.
- `billingAddress` / `deliveryAddress`: missing or null → the counterparty address; `{}` → no
  address. `{}` parses to an address with every field `None` (and an empty `model_fields_set`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, WithJsonSchema

from kirjuri.api.parties import (
    BankAccount,
    CounterParty,
    EInvoiceAddress,
    InvoiceCounterpartyAddress,
)
from kirjuri.api.schemas import (
    Country,
    Currency,
    Decimal2,
    Int32,
    InvoiceChannel,
    Language,
    SearchResult,
    WireModel,
)
from kirjuri.attachments.schemas import Attachment
from kirjuri.companies.schemas import DeliveryTerms, TransactionIdentifier
from kirjuri.invoicing import transitions
from kirjuri.invoicing.row_schemas import InvoiceRow, TravelInformationItem
from kirjuri.partners.schemas import CashDiscount, CashDiscountOption, CashDiscountsTermType

__all__ = [
    "Attachment",
    "BankAccount",
    "BankReferenceCodeType",
    "CashDiscount",
    "CashDiscountOption",
    "CashDiscountsTermType",
    "CounterParty",
    "DeliveryMethod",
    "DeliveryTerms",
    "DeliveryTermsInfo",
    "EInvoiceAddress",
    "ExtraInfo",
    "Invoice",
    "InvoiceApprovalInformation",
    "InvoiceBasicInfo",
    "InvoiceBillingAddress",
    "InvoiceCheckerInformation",
    "InvoiceCounterpartyAddress",
    "InvoiceDeliveryAddress",
    "InvoiceOperatorInfo",
    "InvoicePaymentMethod",
    "InvoiceRow",
    "InvoiceSearchResult",
    "InvoiceStatus",
    "InvoiceSumInfo",
    "InvoiceType",
    "PaymentInfo",
    "TransactionIdentifier",
    "TravelInformationItem",
]


# --- enums, in the contract's order ------------------------------------------------------------


# The contract's enums, built from the lifecycle table's own lists (one spelling of every type and
# status): a periodic tax return is read, never written; statuses are server-managed (§D.13.2).
InvoiceType = StrEnum("InvoiceType", {t: t for t in transitions.INVOICE_TYPES})  # type: ignore[misc]
InvoiceStatus = StrEnum("InvoiceStatus", {s: s for s in transitions.STATUSES})  # type: ignore[misc]


class DeliveryMethod(StrEnum):
    MAILING = "MAILING"
    ONLINE = "ONLINE"
    COURIER = "COURIER"
    VRCARGO = "VRCARGO"
    BUS = "BUS"
    FREIGHT = "FREIGHT"
    RETRIEVABLE = "RETRIEVABLE"
    OTHER = "OTHER"  # not for sales invoices and orders (rules)


class InvoicePaymentMethod(StrEnum):
    """`PaymentInfo.paymentMethod`. Not named `PaymentMethod`: that is the partner register's
    enum, which has DIRECT_DEBIT too — an invoice's list has not, so DIRECT_DEBIT is refused
    here with INVALID_ENUM_VALUE. DKLMPKRE is read-only (refused on write by the rules)."""

    BANK_TRANSFER = "BANK_TRANSFER"
    DIRECT_PAYMENT = "DIRECT_PAYMENT"
    CLEARING = "CLEARING"
    CREDIT_CARD_CHARGE = "CREDIT_CARD_CHARGE"
    FOREIGN_PAYMENT = "FOREIGN_PAYMENT"
    OTHER = "OTHER"
    CASH = "CASH"
    DOMESTIC_PAYMENT_PLUSGIRO = "DOMESTIC_PAYMENT_PLUSGIRO"
    DOMESTIC_PAYMENT_BANKGIRO = "DOMESTIC_PAYMENT_BANKGIRO"
    DOMESTIC_PAYMENT_CREDITOR = "DOMESTIC_PAYMENT_CREDITOR"
    DKLMPKRE = "DKLMPKRE"
    NETS = "NETS"


class BankReferenceCodeType(StrEnum):
    """Reference-number schemes: RF (ISO 11649), FI (Finnish 7-3-1), and the Nordic ones."""

    RF = "RF"
    FI = "FI"
    OCR = "OCR"
    KID = "KID"
    GIK01 = "GIK01"
    GIK04 = "GIK04"
    GIK15 = "GIK15"
    FIK71 = "FIK71"
    FIK73 = "FIK73"
    FIK75 = "FIK75"


# --- field types -------------------------------------------------------------------------------

Text20 = Annotated[str, Field(max_length=20)]
Text35 = Annotated[str, Field(max_length=35)]
Text40 = Annotated[str, Field(max_length=40)]
Text50 = Annotated[str, Field(max_length=50)]
Text70 = Annotated[str, Field(max_length=70)]
Text80 = Annotated[str, Field(max_length=80)]
Text255 = Annotated[str, Field(max_length=255)]
Text10000 = Annotated[str, Field(max_length=10000)]

# 0..100 %, as the invoice-level discount. `WithJsonSchema` replaces `Decimal2`'s, so it repeats
# the bounds for the OpenAPI document.
Percent = Annotated[
    Decimal,
    Field(allow_inf_nan=False, ge=0, le=100),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100}),
]
# Units of foreign currency per one unit of the accounting currency. The contract's minimum is
# 0, but a rate of 0 converts nothing and divides by zero on the way back: refused here.
CurrencyRate = Annotated[
    Decimal,
    Field(allow_inf_nan=False, gt=0, le=1_000_000),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 1_000_000}),
]


def read_only(description: str = "Assigned by the server; ignored on input.") -> Any:
    """Marks a server-assigned field in the OpenAPI document (OpenAPI 3.1 `readOnly`)."""
    return Field(description=description, json_schema_extra={"readOnly": True})


# --- parties and addresses ---------------------------------------------------------------------


class _InvoiceAddress(WireModel):
    """The shape shared by the billing and delivery address: every field optional."""

    name: Text80 | None = None
    specifier: Text80 | None = None
    street: Text80 | None = None
    zip: Text20 | None = None
    city: Text40 | None = None
    country: Country | None = None
    subdivision: Text35 | None = None


class InvoiceBillingAddress(_InvoiceAddress):
    """Sales: where the invoice goes. Missing → the counterparty address; `{}` → none."""


class InvoiceDeliveryAddress(_InvoiceAddress):
    """Where goods go. Missing → the counterparty address; `{}` → none."""


# --- payment, extra and delivery terms ---------------------------------------------------------


class PaymentInfo(WireModel):
    payment_method: InvoicePaymentMethod
    currency: Currency
    # The account the invoice is paid to; a BANK_TRANSFER needs one, CASH none (rules).
    bank_account: BankAccount | None = None
    due_date: dt.date
    new_due_date: Annotated[dt.date | None, read_only("A changed due date; set by the server.")] = None
    currency_rate: CurrencyRate
    payment_term_percentage: Decimal2 | None = None
    cash_discount: CashDiscount | None = None
    # None (missing or null) → no reference; "" → generated; a value → validated. Kept apart.
    bank_reference_code: str | None = None
    bank_reference_code_type: BankReferenceCodeType | None = None
    clearing_code: Text50 | None = None


class ExtraInfo(WireModel):
    accounting_by_row: bool
    # True: `InvoiceRow.unitPrice` is gross (VAT included).
    unit_prices_include_vat: bool


class DeliveryTermsInfo(WireModel):
    name: str | None = None
    municipality: str | None = None


# --- circulation and server-made parts ---------------------------------------------------------


class InvoiceOperatorInfo(WireModel):
    """Read-only: the e-invoice operator a purchase invoice came through."""

    operator: str | None = None
    receiving_address: str | None = None


class InvoiceCheckerInformation(WireModel):
    user_id: Int32
    # Absent until the user has verified or approved.
    event_performed: dt.date | None = None


class InvoiceApprovalInformation(WireModel):
    acceptors: list[InvoiceCheckerInformation] | None = None
    verifiers: list[InvoiceCheckerInformation] | None = None


class InvoiceSumInfo(WireModel):
    """Totals computed by the server (`invoicing.sums`); two entries when the invoice currency is
    not the accounting currency. `currency` is a plain string in the contract."""

    currency: str | None = None
    in_accounting_currency: bool | None = None
    excluding_vat_total: Decimal2 | None = None
    vat_sum_total: Decimal2 | None = None
    invoice_sum_total: Decimal2 | None = None


# --- the invoice -------------------------------------------------------------------------------


class Invoice(WireModel):
    """One invoice of any type, as POST and PUT take it and GET returns it."""

    id: Annotated[Int32 | None, read_only()] = None
    # Must exist in the matching register; cannot change on PUT (service).
    partner_id: Int32 | None = None
    type: InvoiceType
    status: Annotated[InvoiceStatus | None, read_only("Server-managed; POST yields UNFINISHED.")] = None
    date: dt.date
    payment_date: Annotated[dt.date | None, read_only("Date of the latest payment.")] = None
    counter_party: CounterParty
    billing_address: InvoiceBillingAddress | None = None
    delivery_address: InvoiceDeliveryAddress | None = None
    payment_info: PaymentInfo
    delivery_terms_info: DeliveryTermsInfo | None = None
    extra_info: ExtraInfo
    discount_percent: Percent
    order_reference: Text70 | None = None
    # Required; at least one row on every write (rules: a PERIODIC_TAX_RETURN is read with none).
    invoice_rows: list[InvoiceRow]
    invoice_number: Annotated[Int32 | None, read_only("Running number assigned by the server.")] = None
    # Required except for travel and expense invoices (rules).
    vat_status: Int32 | None = None
    original_invoice_number: Text40 | None = None
    delivery_start_date: dt.date | None = None
    delivery_end_date: dt.date | None = None
    delivery_method: DeliveryMethod | None = None
    delivery_instructions: Text255 | None = None
    # EDIFACT and PAPER_INVOICE are read-only values (rules).
    invoice_channel: InvoiceChannel
    invoice_operator_info: Annotated[InvoiceOperatorInfo | None, read_only()] = None
    penalty_percent: Decimal2 | None = None
    # Required for sales invoices and orders, ignored otherwise (rules).
    language: Language | None = None
    invoice_template_id: Int32 | None = None
    additional_information: Text10000 | None = None
    vat_country: Country | None = None
    ledger_receipt_id: Annotated[Int32 | None, read_only("The invoice's ledger receipt.")] = None
    notes: Text10000 | None = None
    factoring_contract_id: Int32 | None = None
    factoring_text: str | None = None
    sum: Annotated[Decimal2 | None, read_only("Total of a PERIODIC_TAX_RETURN.")] = None
    travel_information_items: list[TravelInformationItem] | None = None
    invoice_approval_information: InvoiceApprovalInformation | None = None
    attachments: Annotated[list[Attachment] | None, read_only("Managed through /attachments.")] = None
    order_number: str | None = None
    agreement_number: str | None = None
    accounting_code: str | None = None
    delivery_site: str | None = None
    tender_reference: str | None = None
    buyer_reference_identifier: Text70 | None = None
    seller_reference_identifier: Text70 | None = None
    # Optimistic lock: required on PUT (service), so not read-only.
    version: dt.datetime | None = None
    invoice_sum_info: Annotated[list[InvoiceSumInfo] | None, read_only("Totals computed by the server.")] = None
    creator_id: Annotated[Int32 | None, read_only("The user who owns the invoice.")] = None
    # SALES_ORDER only: an offer (quotation).
    is_offer: bool | None = None


class InvoiceBasicInfo(WireModel):
    """A search row: enough for incremental sync without reading every invoice."""

    id: Int32 | None = None
    partner_id: Int32 | None = None
    type: InvoiceType | None = None
    status: InvoiceStatus | None = None
    invoice_number: Int32 | None = None
    original_invoice_number: str | None = None
    invoice_channel: InvoiceChannel | None = None
    date: dt.date | None = None
    due_date: dt.date | None = None
    new_due_date: dt.date | None = None
    created: dt.datetime | None = None
    version: dt.datetime | None = None
    invoice_sum_info: list[InvoiceSumInfo] | None = None
    creator_id: Int32 | None = None
    counter_party: CounterParty
    is_offer: bool | None = None


class InvoiceSearchResult(SearchResult[InvoiceBasicInfo]):
    pass
