"""An invoice as a printable, sendable document: the plain data the PDF renderer and the Finvoice
writer read, built by the invoicing service from an invoice, its partner and the company.

Invariants: immutable values only — no database rows, no wire models; amounts are `Decimal` in the
invoice currency, already computed by `invoicing.sums` (the renderer and the writers never
recompute or round); a credit note carries negative amounts; country values are the contract's
enum names (`FINLAND`), languages `FINNISH`, `SWEDISH` or `ENGLISH`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    INVOICE = "INVOICE"
    CREDIT_NOTE = "CREDIT_NOTE"


class ReferenceType(StrEnum):
    FI = "FI"  # Finnish national reference (viitenumero), 7-3-1 check digit
    RF = "RF"  # ISO 11649 creditor reference


@dataclass(frozen=True, slots=True)
class Address:
    name: str
    street: str | None = None
    zip: str | None = None
    city: str | None = None
    country: str | None = None
    specifier: str | None = None


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    address: Address
    business_id: str | None = None  # Y-tunnus, NNNNNNN-C
    vat_number: str | None = None  # e.g. FI20774740
    einvoice_address: str | None = None  # OVT, IBAN or Peppol id
    einvoice_operator: str | None = None  # OVT or BIC of the intermediator
    email: str | None = None
    phone: str | None = None
    contact_person: str | None = None
    customer_number: str | None = None
    web_address: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One invoice row with its computed totals (`invoicing.sums`)."""

    product: str
    quantity: Decimal
    unit: str  # the contract's Unit enum name, e.g. HOUR
    unit_price: Decimal  # as given: net, or gross when the invoice's prices include VAT
    discount_percent: Decimal
    vat_percent: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal
    product_code: str | None = None
    comment: str | None = None
    start_date: date | None = None
    end_date: date | None = None


@dataclass(frozen=True, slots=True)
class VatLine:
    """The VAT breakdown of one rate: the sum of its rows' net amounts, the tax, the sum."""

    percent: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal
    # VAT status code (core.vat STATUSES) when not plain domestic: reverse charge, EU, zero rate.
    vat_status: int = 1


@dataclass(frozen=True, slots=True)
class Totals:
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True, slots=True)
class Payment:
    due_date: date
    currency: str = "EUR"
    iban: str | None = None
    bic: str | None = None
    reference: str | None = None  # compact: digits (FI) or RFnn… (RF)
    reference_type: ReferenceType | None = None
    payment_term_days: int | None = None
    penal_interest_percent: Decimal | None = None
    # The 54-digit virtual barcode (EUR bank transfers with an IBAN and amount ≤ 999 999.99).
    virtual_barcode: str | None = None


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    kind: Kind
    number: int
    invoice_date: date
    language: str
    seller: Party
    buyer: Party
    rows: tuple[Row, ...]
    vat_lines: tuple[VatLine, ...]
    totals: Totals
    payment: Payment
    delivery: Address | None = None
    delivery_date: date | None = None
    order_reference: str | None = None
    our_reference: str | None = None
    your_reference: str | None = None
    additional_information: str | None = None
    original_invoice_number: int | None = None  # credit notes: the invoice they credit
    notes: tuple[str, ...] = field(default_factory=tuple)
