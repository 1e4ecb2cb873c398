"""Wire models of reference payments (§D.20) and Kirjuri's unmatched-payment view.

Invariant: contract names and shapes exactly (camelCase through `WireModel`); amounts leave as exact
decimals made from the stored minor units.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from kirjuri.api.schemas import Decimal2, Int32, Int64, SearchResult, WireModel
from kirjuri.attachments.schemas import Attachment
from kirjuri.banking.allocation import AllocationMetadataWithFullLedgerAccountDataRow


class ReferencePayment(WireModel):
    id: Int64 | None = None
    account_number: str | None = None
    value_date: date | None = None
    payment_date: date | None = None
    sum: Decimal2 | None = None
    name: str | None = None
    bank_reference: str | None = None
    archive_id: str | None = None
    allocated: bool | None = None
    invoice_id: Int32 | None = None
    attachments: list[Attachment] = Field(default_factory=list)
    allocation_metadata_rows: list[AllocationMetadataWithFullLedgerAccountDataRow] = Field(default_factory=list)


class ReferencePaymentsSearchResult(SearchResult[ReferencePayment]):
    pass


class UnmatchedReferencePayment(ReferencePayment):
    """Kirjuri's extra: a payment (or its rest) waiting on the suspense account."""

    currency: str | None = None
    outcome: str | None = None
    unmatched_sum: Decimal2 | None = None
    suspense_receipt_id: Int32 | None = None


class UnmatchedReferencePaymentsSearchResult(SearchResult[UnmatchedReferencePayment]):
    pass
