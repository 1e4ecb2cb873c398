"""Wire models of the reports: the contract's §D.21 requests and responses (accounting report,
ledger-accounts report, general-ledger report) and the shapes of Kirjuri's report extras under
`/api/kirjuri/reports/...` (trial balance, balance sheet, income statement, general ledger).

Invariants: contract names, enums and required flags as in Procountor 26.04 (camelCase through
`WireModel`); every amount leaves as an exact two-decimal number made from cents. The hot extras
(trial balance and statements, benchmarked at < 25 ms) are written as plain dicts by `*_body`
functions here, keyed exactly like their models (a test holds them to it), so that no per-field
validation runs on what the server itself computed; an unknown enum
value in a request is a 400 at its field path (`options.reportLanguage`), never a 422. The
contract's `receiptStatus` enum spells one value `PARTLY_PAID,` (a stray comma in the spec): both
spellings are accepted and mean `PARTLY_PAID`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from kirjuri.api.schemas import Decimal2, Int32, WireModel
from kirjuri.core.money import from_minor

ReportReceiptStatus = Literal[
    "APPROVED",
    "SENT",
    "NOT_SENT",
    "PAYMENT_SENT_TO_BANK",
    "PAID",
    "PARTLY_PAID",
    "PARTLY_PAID,",
    "MARKED_PAID",
    "PAYMENT_QUEUED",
    "PAYMENT_DENIED",
    "UNFINISHED",
    "VERIFIED",
    "RECEIVED",
]
ReportReceiptType = Literal[
    "SALES_INVOICE",
    "PURCHASE_INVOICE",
    "TRAVEL_INVOICE",
    "BILL_OF_CHARGES",
    "JOURNAL",
    "SALARY",
    "VAT_FORM",
    "EMPLOYER_CONTRIBUTION",
    "PERIODIC_TAX_RETURN",
    "VAT_SUMMARY",
    "SALES_ORDER",
    "PURCHASE_ORDER",
    "REFERENCE_PAYMENT",
    "BANK_STATEMENT_AS_RECEIPT",
    "RECEIPT_FOR_OPENING_ACCOUNTS",
]
# The spec encodes this enum as the single string "INCOME_STATEMENT, CASH_FLOW, BALANCE_SHEET".
ReportType = Literal["INCOME_STATEMENT", "CASH_FLOW", "BALANCE_SHEET"]
ReportLanguage = Literal["FINNISH", "SWEDISH", "ENGLISH"]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Text255 = Annotated[str, Field(max_length=255)]

# Every status a ledger receipt (or an invoice's receipt) can be in: the values a status filter takes.
RECEIPT_STATUSES = frozenset(
    {
        "APPROVED",
        "DELETED",
        "EMPTY",
        "INVALIDATED",
        "INVOICED",
        "MARKED_PAID",
        "NOT_SENT",
        "OVERRIDDEN",
        "PAID",
        "PARTLY_PAID",
        "PAYMENT_DENIED",
        "PAYMENT_QUEUED",
        "PAYMENT_SENT_TO_BANK",
        "PAYMENT_TRANSACTION_REMOVED",
        "RECEIVED",
        "SENT",
        "STARTED",
        "UNFINISHED",
        "UNSAVED",
        "VERIFIED",
    }
)


def money(cents: int) -> Decimal:
    return from_minor(cents)


def _present(**fields: Any) -> dict[str, Any]:
    """A wire object: None left out, as `to_plain` leaves it out of models."""
    return {key: value for key, value in fields.items() if value is not None}


def statuses_of(values: list[ReportReceiptStatus] | None) -> frozenset[str] | None:
    """The request's `receiptStatus` as a filter (None when empty: every counted status)."""
    if not values:
        return None
    return frozenset(v.rstrip(",") for v in values)


# --- §D.21: POST /reports/accounting -----------------------------------------------------------------


class ReportOptions(WireModel):
    """The options every report request of §D.21 shares (each request names its own schema)."""

    receipt_type: list[ReportReceiptType] | None = None
    receipt_currency: CurrencyCode | None = None
    receipt_name: Text255 | None = None
    entry_period_start: date | None = None
    entry_period_end: date | None = None
    transaction_value: Text255 | None = None
    transaction_currency: CurrencyCode | None = None
    report_language: ReportLanguage | None = None


class ReportPeriodRequest(WireModel):
    """The dates and statuses every report request of §D.21 shares."""

    start_date: date | None = None
    end_date: date
    receipt_status: list[ReportReceiptStatus] | None = None


class AccountingReportRequestOptions(ReportOptions):
    customer_company_id: Text255 | None = None


class AccountingReportRequest(ReportPeriodRequest):
    type: ReportType
    options: AccountingReportRequestOptions | None = None


class AccountingReportRow(WireModel):
    row_id: Int32 | None = None
    type: Literal["BALANCE", "ROW_FUNCTION"] | None = None
    name: str | None = None
    value: Decimal2 | None = None
    formula: str | None = None


class AccountingReportPeriod(WireModel):
    start_date: date | None = None
    end_date: date | None = None
    rows: list[AccountingReportRow] = Field(default_factory=list)


class AccountingReportData(WireModel):
    periods: list[AccountingReportPeriod] = Field(default_factory=list)


class AccountingReportResponse(WireModel):
    report_parameters: AccountingReportRequest | None = None
    report_data: AccountingReportData | None = None


# --- §D.21: POST /reports/ledgeraccounts ------------------------------------------------------------


class LedgerAccountsReportRequestOptions(ReportOptions):
    customer_company_id: Text255 | None = None


class LedgerAccountsReportRequest(ReportPeriodRequest):
    options: LedgerAccountsReportRequestOptions | None = None


class LedgerAccountsReportRow(WireModel):
    name: str | None = None
    value: Decimal2 | None = None


class LedgerAccountsReportPeriod(WireModel):
    start_date: date | None = None
    end_date: date | None = None
    rows: list[LedgerAccountsReportRow] = Field(default_factory=list)


class LedgerAccountsReportData(WireModel):
    periods: list[LedgerAccountsReportPeriod] = Field(default_factory=list)


class LedgerAccountsReportResponse(WireModel):
    report_parameters: LedgerAccountsReportRequest | None = None
    report_data: LedgerAccountsReportData | None = None


# --- §D.21: POST /reports/generalledger/{id} ----------------------------------------------------------


class GeneralLedgerReportRequestOptions(ReportOptions):
    # "1-5,8": receipt numbers and ranges of them.
    receipt_numbers: Text255 | None = None
    # A part of the posting's description (case-insensitive).
    transaction_description: Text255 | None = None


class GeneralLedgerReportRequest(ReportPeriodRequest):
    options: GeneralLedgerReportRequestOptions | None = None


class AccountingReportTransaction(WireModel):
    id: Int32 | None = None
    name: str | None = None
    receipt_number: Int32 | None = None
    receipt_date: date | None = None
    invoice_date: date | None = None
    type: str | None = None
    accounting_value: Decimal2 | None = None
    status: str | None = None
    vat_percent: Decimal2 | None = None
    vat_amount: Decimal2 | None = None
    vat_deduction_percent: Decimal2 | None = None
    vat_deduction: Decimal2 | None = None
    vat_status: Int32 | None = None
    transaction_description: str | None = None
    start_date: date | None = None
    end_date: date | None = None


class GeneralLedgerReportData(WireModel):
    id: str | None = None
    name: str | None = None
    total_accounting_value: Decimal2 | None = None
    ledger_receipt_transactions: list[AccountingReportTransaction] = Field(default_factory=list)


class GeneralLedgerReportResponse(WireModel):
    report_parameters: GeneralLedgerReportRequest | None = None
    ledger_account: GeneralLedgerReportData | None = None


# --- Kirjuri extras --------------------------------------------------------------------------------------


class KirjuriTrialBalanceRow(WireModel):
    account: str
    name: str
    opening: Decimal2
    debit: Decimal2
    credit: Decimal2
    closing: Decimal2


class KirjuriTrialBalanceTotals(WireModel):
    opening: Decimal2
    debit: Decimal2
    credit: Decimal2
    closing: Decimal2


class KirjuriTrialBalance(WireModel):
    """Opening = balance on the morning of startDate (the carry rule of the reports); closing =
    opening + debit − credit. Amounts are ledger sums: debit +, credit −."""

    start_date: date
    end_date: date
    statuses: list[str] | None = None
    dimension_id: Int32 | None = None
    item_id: Int32 | None = None
    rows: list[KirjuriTrialBalanceRow] = Field(default_factory=list)
    totals: KirjuriTrialBalanceTotals


class KirjuriStatementLine(WireModel):
    row_id: Int32
    key: str
    type: Literal["BALANCE", "ROW_FUNCTION"]
    level: Int32
    name: str
    formula: str | None = None
    value: Decimal2
    comparison_value: Decimal2 | None = None


class KirjuriStatement(WireModel):
    """A statement in the KPA or PMA form; values shown as Finnish statements print them."""

    layout: str
    name: str
    language: ReportLanguage
    start_date: date | None = None
    end_date: date
    comparison_start_date: date | None = None
    comparison_end_date: date | None = None
    dimension_id: Int32 | None = None
    item_id: Int32 | None = None
    lines: list[KirjuriStatementLine] = Field(default_factory=list)


class KirjuriGeneralLedgerLine(WireModel):
    transaction_id: Int32
    receipt_id: Int32
    receipt_number: Int32
    receipt_date: date
    receipt_type: str
    receipt_name: str
    status: str
    amount: Decimal2
    vat_percent: Decimal2
    vat_status: Int32 | None = None
    description: str | None = None


class KirjuriGeneralLedger(WireModel):
    """The postings of one account; closing = opening + the sum of the lines' amounts."""

    account: str
    name: str
    start_date: date
    end_date: date
    opening: Decimal2
    debit: Decimal2
    credit: Decimal2
    closing: Decimal2
    lines: list[KirjuriGeneralLedgerLine] = Field(default_factory=list)


# --- plain bodies of the hot extras (keys = the aliases of the models above) --------------------------


def trial_balance_body(
    *,
    start_date: date,
    end_date: date,
    statuses: list[str] | None,
    dimension_id: int | None,
    item_id: int | None,
    rows: list[tuple[str, str, int, int, int, int]],
) -> dict[str, Any]:
    """KirjuriTrialBalance of rows (account, name, opening, debit, credit, closing) in cents."""
    totals = [sum(row[2] for row in rows), sum(row[3] for row in rows)]
    totals += [sum(row[4] for row in rows), sum(row[5] for row in rows)]
    return _present(
        startDate=start_date,
        endDate=end_date,
        statuses=statuses,
        dimensionId=dimension_id,
        itemId=item_id,
        rows=[
            {
                "account": account,
                "name": name,
                "opening": money(opening),
                "debit": money(debit),
                "credit": money(credit),
                "closing": money(closing),
            }
            for account, name, opening, debit, credit, closing in rows
        ],
        totals=dict(zip(("opening", "debit", "credit", "closing"), map(money, totals), strict=True)),
    )


def statement_line_body(
    *, row_id: int, key: str, kind: str, level: int, name: str, formula: str | None, value: int, comparison: int | None
) -> dict[str, Any]:
    """KirjuriStatementLine (values in cents)."""
    return _present(
        rowId=row_id,
        key=key,
        type=kind,
        level=level,
        name=name,
        formula=formula,
        value=money(value),
        comparisonValue=money(comparison) if comparison is not None else None,
    )


def statement_body(
    *,
    layout: str,
    name: str,
    language: str,
    lines: list[dict[str, Any]],
    start_date: date | None = None,
    end_date: date,
    comparison_start_date: date | None = None,
    comparison_end_date: date | None = None,
    dimension_id: int | None = None,
    item_id: int | None = None,
) -> dict[str, Any]:
    """KirjuriStatement."""
    return _present(
        layout=layout,
        name=name,
        language=language,
        startDate=start_date,
        endDate=end_date,
        comparisonStartDate=comparison_start_date,
        comparisonEndDate=comparison_end_date,
        dimensionId=dimension_id,
        itemId=item_id,
        lines=lines,
    )
