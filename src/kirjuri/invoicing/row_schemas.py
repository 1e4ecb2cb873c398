"""Wire models of an invoice's rows (Procountor §D.13 `InvoiceRow`) and a travel invoice's trips
(`TravelInformationItem`), kept apart from `invoicing.schemas` so the row rules and the sums can
read them without the whole invoice.

Invariants: the contract's fields, maxLengths and required flags (26.04); quantity, price,
discount and VAT percent are exact `Decimal`, never `float`. A row's `id` is the server's and is
ignored on input. Values the contract leaves open here — the sign of a quantity (a credit row is
negative), the range of a row discount, whether a VAT percent is one the company may use, decimal
scales — are checked by `invoicing.rules`, which knows the invoice type and the company.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from kirjuri.api.schemas import Decimal2, Int32, Unit, WireModel

Text40 = Annotated[str, Field(max_length=40)]
Text255 = Annotated[str, Field(max_length=255)]
Text512 = Annotated[str, Field(max_length=512)]


class InvoiceRow(WireModel):
    id: Annotated[
        Int32 | None,
        Field(description="Assigned by the server; ignored on input.", json_schema_extra={"readOnly": True}),
    ] = None
    # A link to the product register; the row's own fields stay as the client gave them.
    product_id: Int32 | None = None
    # The row text (product name): required and not empty.
    product: Annotated[str, Field(min_length=1)]
    product_code: str | None = None
    quantity: Decimal2
    unit: Unit
    # Net, or gross when the invoice's `extraInfo.unitPricesIncludeVat` is true.
    unit_price: Decimal2
    discount_percent: Decimal2
    vat_percent: Decimal2
    vat_status: Int32 | None = None
    comment: Text512 | None = None
    # Accrual or delivery period of the row.
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    # Sales offers, orders and invoices only (rules).
    header_text: Text512 | None = None
    explanation_text: Text512 | None = None


class TravelInformationItem(WireModel):
    """One trip of a travel invoice; every field free text (dates included)."""

    departure: Text40 | None = None
    arrival: Text40 | None = None
    places: Text255 | None = None
    purpose: Text255 | None = None
