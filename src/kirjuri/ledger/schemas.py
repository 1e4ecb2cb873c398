"""Wire schemas of ledger receipts (Procountor §D.15) and journals (§D.14), and the two mappings
between the wire and the ledger: `draft_from_wire` (a client's LedgerReceipt → `rules.ReceiptDraft`)
and `receipt_to_wire` (a stored receipt and its postings → LedgerReceipt).

Invariants:
- names, enums, maxLengths and required flags are the contract's (26.04); money is `Decimal`
  from the JSON number to the draft and back, never `float`;
- only the client's rows (kind ENTRY, REVERSING_ENTRY, RECONCILIATION_ENTRY) are shown as
  `transactions`, in `line_no` order: the VAT rows the server derives (`ledger.vatrows`) never
  appear on the wire, so a receipt read back is the receipt the client wrote;
- every amount leaves as an exact 2-decimal number made from the stored cents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, WithJsonSchema

from kirjuri.api.parties import CounterParty
from kirjuri.api.schemas import Country, Decimal2, Int32, SearchResult, WireModel
from kirjuri.attachments.schemas import Attachment
from kirjuri.core.errors import KirjuriError
from kirjuri.core.money import from_minor
from kirjuri.ledger import models, rules
from kirjuri.ledger.models import LedgerTransaction, TransactionDimension

PERCENT = Decimal("0.01")

# An amount of one posting or one dimension value. Tighter than `Decimal2`: 2000 rows of
# less than 10^13 € each still sum to less than 2^63 cents, so no balance column can overflow.
AMOUNT_LIMIT = Decimal(10) ** 13
Amount = Annotated[
    Decimal,
    Field(allow_inf_nan=False, gt=-AMOUNT_LIMIT, lt=AMOUNT_LIMIT),
    WithJsonSchema({"type": "number"}),
]


class ReceiptType(StrEnum):
    JOURNAL = "JOURNAL"
    PURCHASE_INVOICE = "PURCHASE_INVOICE"
    SALES_INVOICE = "SALES_INVOICE"
    PERIODIC_TAX_RETURN = "PERIODIC_TAX_RETURN"
    TRAVEL_INVOICE = "TRAVEL_INVOICE"
    BILL_OF_CHARGES = "BILL_OF_CHARGES"
    VAT_FORM = "VAT_FORM"
    SALARY = "SALARY"
    EMPLOYER_CONTRIBUTION = "EMPLOYER_CONTRIBUTION"
    PURCHASE_ORDER = "PURCHASE_ORDER"
    SALES_ORDER = "SALES_ORDER"
    BANK_STATEMENT_AS_RECEIPT = "BANK_STATEMENT_AS_RECEIPT"
    RECEIPT_FOR_OPENING_ACCOUNTS = "RECEIPT_FOR_OPENING_ACCOUNTS"
    REFERENCE_PAYMENT = "REFERENCE_PAYMENT"
    TRACKING_PERIOD_OPENING_RECEIPT = "TRACKING_PERIOD_OPENING_RECEIPT"
    VAT_SUMMARY = "VAT_SUMMARY"


# The `types` search filter takes every type but VAT_SUMMARY (§D.15).
SEARCH_TYPES: tuple[str, ...] = tuple(t.value for t in ReceiptType if t is not ReceiptType.VAT_SUMMARY)


class ReceiptStatus(StrEnum):
    APPROVED = "APPROVED"
    DELETED = "DELETED"
    EMPTY = "EMPTY"
    INVALIDATED = "INVALIDATED"
    INVOICED = "INVOICED"
    MARKED_PAID = "MARKED_PAID"
    NOT_SENT = "NOT_SENT"
    OVERRIDDEN = "OVERRIDDEN"
    PAID = "PAID"
    PARTLY_PAID = "PARTLY_PAID"
    PAYMENT_DENIED = "PAYMENT_DENIED"
    PAYMENT_QUEUED = "PAYMENT_QUEUED"
    PAYMENT_SENT_TO_BANK = "PAYMENT_SENT_TO_BANK"
    PAYMENT_TRANSACTION_REMOVED = "PAYMENT_TRANSACTION_REMOVED"
    RECEIVED = "RECEIVED"
    SENT = "SENT"
    STARTED = "STARTED"
    UNFINISHED = "UNFINISHED"
    UNSAVED = "UNSAVED"
    VERIFIED = "VERIFIED"


class JournalStatus(StrEnum):
    UNFINISHED = "UNFINISHED"
    APPROVED = "APPROVED"
    INVALIDATED = "INVALIDATED"


class VatType(StrEnum):
    PURCHASE = "PURCHASE"
    SALES = "SALES"


class TransactionType(StrEnum):
    ENTRY = "ENTRY"
    RECONCILIATION_ENTRY = "RECONCILIATION_ENTRY"
    REVERSING_ENTRY = "REVERSING_ENTRY"


class ReceiptValidity(StrEnum):
    EMPTY = "EMPTY"
    IMMEDIATELY = "IMMEDIATELY"
    OVER_3_YEARS = "OVER_3_YEARS"
    SERVICE_PERIOD = "SERVICE_PERIOD"


class Depreciation(StrEnum):
    EMPTY = "EMPTY"
    REDUCING_BALANCE_25_PERCENT = "REDUCING_BALANCE_25_PERCENT"
    REDUCING_BALANCE_4_PERCENT = "REDUCING_BALANCE_4_PERCENT"
    REDUCING_BALANCE_7_PERCENT = "REDUCING_BALANCE_7_PERCENT"
    STRAIGHT_LINE_DEPRECIATION_3_YEARS = "STRAIGHT_LINE_DEPRECIATION_3_YEARS"
    STRAIGHT_LINE_DEPRECIATION_5_YEARS = "STRAIGHT_LINE_DEPRECIATION_5_YEARS"


class SerialSeries(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    G = "G"
    H = "H"


# --- models ------------------------------------------------------------------------------------


class DimensionItemValue(WireModel):
    dimension_id: Int32
    item_id: Int32
    # Absolute amount (not %); more than two decimals is refused by the dimension rules.
    value: Amount


class DimensionItemValueList(WireModel):
    dimension_item_values: list[DimensionItemValue]


class SerialNumber(WireModel):
    series: SerialSeries | None = None
    number: Int32 | None = None


class Transaction(WireModel):
    id: Int32 | None = None
    transaction_type: TransactionType
    account: Annotated[str, Field(min_length=1)]
    # Net amount, debit + / credit −; the server rounds it to cents.
    accounting_value: Amount
    vat_percent: Decimal2
    vat_type: VatType | None = None
    vat_status: Int32 | None = None
    description: Annotated[str | None, Field(max_length=255)] = None
    balance_code: Annotated[str | None, Field(max_length=255)] = None
    allocations: list[Decimal2] | None = None
    partner_id: Int32 | None = None
    dimension_item_values: list[DimensionItemValue] | None = None
    vat_deduction_percent: Decimal2 | None = None
    start_date: date | None = None
    end_date: date | None = None


class LedgerReceipt(WireModel):
    id: Int32 | None = None
    type: ReceiptType
    status: ReceiptStatus | None = None
    name: Annotated[str, Field(max_length=80)]
    receipt_date: date
    vat_type: VatType
    # Required by the contract; null is refused on write (`draft_from_wire`) but a system
    # receipt (opening balances) has none, so it may be null when read.
    vat_status: Int32 | None
    vat_processing: Country | None = None
    invoice_id: Int32 | None = None
    receipt_number: Int32 | None = None
    invoice_notes: Annotated[str | None, Field(max_length=10000)] = None
    invoice_number: Int32 | None = None
    accountants_notes: Annotated[str | None, Field(max_length=255)] = None
    transaction_description: Annotated[str | None, Field(max_length=255)] = None
    receipt_validity: ReceiptValidity | None = None
    period_start_date: date | None = None
    period_end_date: date | None = None
    partner_id: Int32 | None = None
    # The contract sets no length; 40 is the stored width (a business ID, a personal ID or an
    # IBAN fits), refused here rather than failing in the database.
    partner_code: Annotated[str | None, Field(max_length=40)] = None
    serial_number: SerialNumber | None = None
    version: datetime | None = None
    depreciation: Depreciation | None = None
    vat_date: date | None = None
    transactions: Annotated[list[Transaction], Field(min_length=1)]
    attachments: list[Attachment] | None = None


class LedgerReceiptBasicInfo(WireModel):
    id: Int32 | None = None
    type: ReceiptType | None = None
    status: ReceiptStatus | None = None
    name: str | None = None
    receipt_date: date | None = None
    receipt_number: Int32 | None = None
    invoice_number: Int32 | None = None
    serial_number: SerialNumber | None = None
    created: datetime | None = None
    version: datetime | None = None


class LedgerReceiptSearchResult(SearchResult[LedgerReceiptBasicInfo]):
    pass


class Journal(WireModel):
    """A JOURNAL receipt seen as an invoice-like row: `id` is its hidden invoice's id."""

    id: Int32 | None = None
    ledger_receipt_id: Int32 | None = None
    partner_id: Int32 | None = None
    type: Literal["JOURNAL"] = "JOURNAL"
    status: JournalStatus | None = None
    invoice_number: Int32 | None = None
    # `dt.date`: a field named `date` would shadow the type in its own annotation.
    date: dt.date | None = None
    created: datetime | None = None
    version: datetime | None = None
    counter_party: CounterParty | None = None


# --- wire → draft ------------------------------------------------------------------------------


def _value(enum_value: StrEnum | None) -> str | None:
    return enum_value.value if enum_value is not None else None


def dimension_values(values: Sequence[DimensionItemValue] | None) -> tuple[rules.DimensionValue, ...]:
    return tuple(rules.DimensionValue(v.dimension_id, v.item_id, v.value) for v in values or ())


def draft_from_wire(body: LedgerReceipt) -> rules.ReceiptDraft:
    """The service's input from a client's LedgerReceipt; read-only fields are ignored."""
    if body.vat_status is None:
        raise KirjuriError("REQUIRED", 400, "vatStatus")
    return rules.ReceiptDraft(
        type=body.type.value,
        name=body.name,
        receipt_date=body.receipt_date,
        vat_type=body.vat_type.value,
        vat_status=body.vat_status,
        transactions=tuple(
            rules.EntryDraft(
                account=t.account,
                accounting_value=t.accounting_value,
                kind=t.transaction_type.value,
                vat_percent=t.vat_percent,
                vat_type=_value(t.vat_type),
                vat_status=t.vat_status,
                vat_deduction_percent=t.vat_deduction_percent,
                description=t.description,
                balance_code=t.balance_code,
                partner_id=t.partner_id,
                start_date=t.start_date,
                end_date=t.end_date,
                dimensions=dimension_values(t.dimension_item_values),
            )
            for t in body.transactions
        ),
        vat_processing=body.vat_processing,
        vat_date=body.vat_date,
        invoice_notes=body.invoice_notes,
        accountants_notes=body.accountants_notes,
        transaction_description=body.transaction_description,
        receipt_validity=_value(body.receipt_validity),
        period_start_date=body.period_start_date,
        period_end_date=body.period_end_date,
        partner_id=body.partner_id,
        partner_code=body.partner_code,
        depreciation=_value(body.depreciation),
    )


# --- stored → wire -----------------------------------------------------------------------------


def _percent(value: Decimal | None) -> Decimal | None:
    # Both engines give the same digits: 25.50, 0.00.
    return None if value is None else Decimal(value).quantize(PERCENT)


def transaction_to_wire(row: LedgerTransaction, split: Sequence[TransactionDimension]) -> Transaction:
    return Transaction(
        id=row.id,
        transaction_type=TransactionType(row.kind),
        account=row.account,
        accounting_value=from_minor(row.amount_minor),
        vat_percent=_percent(row.vat_percent) or Decimal("0.00"),
        vat_type=VatType(row.vat_type) if row.vat_type else None,
        vat_status=row.vat_status,
        description=row.description,
        balance_code=row.balance_code,
        partner_id=row.partner_id,
        dimension_item_values=[
            DimensionItemValue(dimension_id=s.dimension_id, item_id=s.item_id, value=from_minor(s.amount_minor))
            for s in split
        ],
        vat_deduction_percent=_percent(row.vat_deduction_percent),
        start_date=row.start_date,
        end_date=row.end_date,
    )


def receipt_to_wire(
    receipt: models.LedgerReceipt,
    rows: Sequence[LedgerTransaction],
    splits: Mapping[int, Sequence[TransactionDimension]],
) -> LedgerReceipt:
    """A stored receipt as the contract shows it. `rows` are its postings (any order; VAT rows are
    left out here), `splits` the dimension splits by transaction id."""
    visible = sorted((r for r in rows if r.kind != rules.VAT_ROW), key=lambda r: r.line_no)
    return LedgerReceipt(
        id=receipt.id,
        type=ReceiptType(receipt.type),
        status=ReceiptStatus(receipt.status),
        name=receipt.name,
        receipt_date=receipt.receipt_date,
        vat_type=VatType(receipt.vat_type),
        vat_status=receipt.vat_status,
        vat_processing=receipt.vat_processing,
        invoice_id=receipt.invoice_id,
        receipt_number=receipt.receipt_number,
        invoice_notes=receipt.invoice_notes,
        invoice_number=receipt.invoice_number,
        accountants_notes=receipt.accountants_notes,
        transaction_description=receipt.transaction_description,
        receipt_validity=ReceiptValidity(receipt.receipt_validity) if receipt.receipt_validity else None,
        period_start_date=receipt.period_start_date,
        period_end_date=receipt.period_end_date,
        partner_id=receipt.partner_id,
        partner_code=receipt.partner_code,
        version=receipt.version,
        depreciation=Depreciation(receipt.depreciation) if receipt.depreciation else None,
        vat_date=receipt.vat_date,
        transactions=[transaction_to_wire(r, splits.get(r.id, ())) for r in visible],
    )


def basic_info(receipt: models.LedgerReceipt) -> LedgerReceiptBasicInfo:
    return LedgerReceiptBasicInfo(
        id=receipt.id,
        type=ReceiptType(receipt.type),
        status=ReceiptStatus(receipt.status),
        name=receipt.name,
        receipt_date=receipt.receipt_date,
        receipt_number=receipt.receipt_number,
        invoice_number=receipt.invoice_number,
        created=receipt.created_at,
        version=receipt.version,
    )


def journal(receipt: models.LedgerReceipt) -> Journal:
    return Journal(
        id=receipt.invoice_id,
        ledger_receipt_id=receipt.id,
        partner_id=receipt.partner_id,
        status=JournalStatus(receipt.status),
        invoice_number=receipt.invoice_number,
        date=receipt.receipt_date,
        created=receipt.created_at,
        version=receipt.version,
    )
