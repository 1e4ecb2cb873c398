"""Wire models of bank statements (§D.3) and of Kirjuri's import summary.

Invariant: contract names and shapes exactly (camelCase through `WireModel`); amounts leave as
exact decimals made from the stored minor units; an event's `events` holds its batch transactions.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from kirjuri.api.schemas import Decimal2, Int32, Int64, SearchResult, WireModel
from kirjuri.attachments.schemas import Attachment
from kirjuri.banking.allocation import AllocationMetadataWithFullLedgerAccountDataRow


class BankStatementEvent(WireModel):
    id: Int32 | None = None
    pay_date: date | None = None
    value_date: date | None = None
    sum: Decimal2 | None = None
    account_number: str | None = None
    name: str | None = None
    explanation_code: Int32 | None = None
    archive_code: str | None = None
    message: str | None = None
    reference: str | None = None
    allocated: bool | None = None
    invoice_id: Int32 | None = None
    product_id: Int64 | None = None
    end_to_end_id: Int32 | None = None
    attachments: list[Attachment] = Field(default_factory=list)
    allocation_metadata_rows: list[AllocationMetadataWithFullLedgerAccountDataRow] = Field(default_factory=list)
    events: list[BankStatementEvent] = Field(default_factory=list)


class BankStatement(WireModel):
    id: Int64 | None = None
    account_number: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    currency: str | None = None
    number_of_deposits: Int32 | None = None
    deposit_sum: Decimal2 | None = None
    number_of_withdrawals: Int32 | None = None
    withdrawal_sum: Decimal2 | None = None
    start_balance: Decimal2 | None = None
    end_balance: Decimal2 | None = None
    statement_number: Int32 | None = None
    events: list[BankStatementEvent] = Field(default_factory=list)


class BankStatementsSearchResult(SearchResult[BankStatement]):
    pass


class BankFileImportSummary(WireModel):
    """Kirjuri's answer to `POST /api/kirjuri/bankstatements/import`."""

    format: str
    statements_new: int
    statements_skipped: int
    events_new: int
    events_skipped: int
    reference_payments_new: int
    reference_payments_skipped: int
    matched: int
    unmatched: int
    settled: int
