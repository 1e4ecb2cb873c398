"""Wire models of the VAT area: the contract's §D.26 (VatInformation, VatPercentages, VatSettings)
and Kirjuri's VAT return summary (`/api/kirjuri/reports/vat`).

Invariants: contract names and fields exactly as Procountor 26.04 (camelCase through `WireModel`);
percentages and amounts are exact decimals, amounts with two places made from cents.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from kirjuri.api.schemas import Decimal2, Int32, WireModel


class VatInfo(WireModel):
    vat_percent: Decimal2 | None = None
    sales: bool | None = None
    purchase: bool | None = None


class VatCountryInfo(WireModel):
    country: str | None = None
    percentages: list[VatInfo] = Field(default_factory=list)


class VatStatusInfo(WireModel):
    vat_status: Int32 | None = None
    description: str | None = None
    sales: bool | None = None
    purchase: bool | None = None


class VatInformation(WireModel):
    vat_information: list[VatCountryInfo] = Field(default_factory=list)
    vat_statuses: list[VatStatusInfo] = Field(default_factory=list)


class VatPercentages(WireModel):
    vat_percentages: list[Decimal2] = Field(default_factory=list)


class VatSettings(WireModel):
    unit_prices_include_vat_sales: bool | None = None
    unit_prices_include_vat_purchase: bool | None = None


# --- Kirjuri extras ---------------------------------------------------------------------------------


class KirjuriVatBox(WireModel):
    code: str
    name: str
    value: Decimal2


class KirjuriVatSums(WireModel):
    """The sums of one VAT status, side and percentage (ledger sums: debit +). `base` counts only
    accounts that may carry VAT; `output`/`input`/`cost` are the VAT rows the server added."""

    vat_status: Int32
    side: Literal["SALES", "PURCHASE", ""]
    vat_percent: Decimal2
    base: Decimal2
    output: Decimal2
    input: Decimal2
    cost: Decimal2


class KirjuriVatReturn(WireModel):
    """The periodic tax return's boxes (301–320, 308 = payable +, refundable −) for a date range."""

    start_date: date
    end_date: date
    statuses: list[str] | None = None
    boxes: list[KirjuriVatBox] = Field(default_factory=list)
    payable: Decimal2
    unclassified_tax: Decimal2
    sums: list[KirjuriVatSums] = Field(default_factory=list)
