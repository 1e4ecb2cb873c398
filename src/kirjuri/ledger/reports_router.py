"""HTTP endpoints of the reports: the contract's §D.21 (`POST /reports/accounting`,
`/reports/ledgeraccounts`, `/reports/generalledger/{id}`) and Kirjuri's read-only extras
`GET /kirjuri/reports/trialbalance`, `/balancesheet`, `/incomestatement` and `/generalledger`
(the VAT summary and the VSRALVKV file live in `kirjuri.vat.router`: the ledger imports no other
area).

Invariants: every number comes from `ledger.reports` for the principal's company only; viewing
needs `accounting.accountingReports`; bad dates, enums and filters are 400 at their field; GET
handlers never write. Dates:
- `startDate` defaults to the start of the fiscal year holding `endDate`;
- the contract's reports have one period per calendar month of startDate..endDate (the first and
  the last cut to the range); `options.entryPeriodStart`/`entryPeriodEnd`, when given, replace
  them rounded out to whole months. An income statement or cash flow covers its period; a balance
  sheet is taken on its period's last day; a ledger-accounts period lists each account's trial
  balance closing (balance-sheet accounts their balance, income-statement accounts their sum since
  the start of the fiscal year);
- `options.receiptType` makes the report read postings instead of balances (the balances keep no
  receipt types); `receiptCurrency`, `receiptName`, `transactionValue`, `transactionCurrency` and
  `customerCompanyId` are accepted and not applied: the books are kept in euros.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Query
from sqlalchemy.orm import Session

from kirjuri.api.schemas import error_responses
from kirjuri.api.session import DbSession
from kirjuri.auth.dependencies import Principal, api_router, requires
from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.ledger import dimensions, reports, statement_reports, statements
from kirjuri.ledger import report_schemas as wire

router = api_router()

REPORTS_RIGHT = "accounting.accountingReports"
Viewer = Annotated[Principal, Depends(requires(REPORTS_RIGHT))]

# Dates a report accepts: wide enough for any books, narrow enough that a day before or after is a date.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
MAX_MONTHS = 120


def _check_day(day: date | None, field: str) -> None:
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise KirjuriError("DATE_OUT_OF_RANGE", 400, field)


def _dates(
    session: Session, *, company_id: int, start: date | None, end: date, start_field: str = "startDate"
) -> tuple[date, date]:
    """(start, end) of a report: start defaults to the start of the fiscal year holding `end`."""
    _check_day(end, "endDate")
    _check_day(start, start_field)
    first = start or reports.default_start(session, company_id=company_id, end=end)
    if first > end:
        raise KirjuriError("START_DATE_AFTER_END_DATE", 400, start_field)
    return first, end


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _contract_spans(
    session: Session, *, company_id: int, start: date | None, end: date, options: Any
) -> tuple[date, date, list[tuple[date, date]]]:
    """The report's range and its monthly periods (module docstring)."""
    period_start = getattr(options, "entry_period_start", None)
    period_end = getattr(options, "entry_period_end", None)
    _check_day(period_start, "options.entryPeriodStart")
    _check_day(period_end, "options.entryPeriodEnd")
    if period_end is not None:
        end = _month_end(period_end)
    if period_start is not None:
        start = _month_start(period_start)
    first, last = _dates(session, company_id=company_id, start=start, end=end)
    spans = reports.month_spans(first, last)
    if len(spans) > MAX_MONTHS:
        raise KirjuriError("REPORT_PERIOD_TOO_LONG", 400, "startDate")
    return first, last, spans


def _contract_filter(statuses: list[wire.ReportReceiptStatus] | None, options: Any) -> reports.ReportFilter:
    types = getattr(options, "receipt_type", None)
    return reports.ReportFilter(statuses=wire.statuses_of(statuses), receipt_types=frozenset(types) if types else None)


def _language(options: Any) -> str:
    return getattr(options, "report_language", None) or "FINNISH"


def _rows(lines: Sequence[statement_reports.ReportLine]) -> list[wire.AccountingReportRow]:
    return [
        wire.AccountingReportRow(
            row_id=line.row_id,
            type="BALANCE" if line.kind == "BALANCE" else "ROW_FUNCTION",
            name=line.name,
            value=wire.money(line.value),
            formula=line.formula,
        )
        for line in lines
    ]


@router.post(
    "/reports/accounting",
    tags=["Reports"],
    operation_id="getAccountingReport",
    response_model=wire.AccountingReportResponse,
    responses=error_responses(400, 403),
)
def accounting_report(body: wire.AccountingReportRequest, principal: Viewer, session: DbSession) -> Any:
    """Income statement or balance sheet (the KPA forms, `rowId`/`type`/`formula` per line) or an
    indirect cash-flow statement, one period per calendar month of the range (see the API notes:
    a balance sheet per month end)."""
    company_id = principal.company_id
    start, end, spans = _contract_spans(
        session, company_id=company_id, start=body.start_date, end=body.end_date, options=body.options
    )
    filt = _contract_filter(body.receipt_status, body.options)
    language = _language(body.options)
    if body.type == "INCOME_STATEMENT":
        periods = statement_reports.income_statements(
            session, company_id=company_id, spans=spans, language=language, filter=filt
        )
    elif body.type == "BALANCE_SHEET":
        periods = statement_reports.balance_sheets(
            session, company_id=company_id, dates=[e for _s, e in spans], language=language, filter=filt
        )
    else:
        periods = statement_reports.cash_flows(
            session, company_id=company_id, spans=spans, language=language, filter=filt
        )
    parameters = body.model_copy(update={"start_date": start, "end_date": end})
    return wire.AccountingReportResponse(
        report_parameters=parameters,
        report_data=wire.AccountingReportData(
            periods=[
                wire.AccountingReportPeriod(start_date=s, end_date=e, rows=_rows(lines))
                for (s, e), lines in zip(spans, periods, strict=True)
            ]
        ),
    )


@router.post(
    "/reports/ledgeraccounts",
    tags=["Reports"],
    operation_id="getLedgerAccountsReport",
    response_model=wire.LedgerAccountsReportResponse,
    responses=error_responses(400, 403),
)
def ledger_accounts_report(body: wire.LedgerAccountsReportRequest, principal: Viewer, session: DbSession) -> Any:
    """Per calendar month of the range, each account with a non-zero trial-balance row as
    `{name: "3000 Myynti", value}`: its trial-balance closing (balance-sheet accounts their
    balance, income-statement accounts their sum since the start of the fiscal year; debit +)."""
    company_id = principal.company_id
    start, end, spans = _contract_spans(
        session, company_id=company_id, start=body.start_date, end=body.end_date, options=body.options
    )
    per_span = statement_reports.ledger_account_balances(
        session,
        company_id=company_id,
        spans=spans,
        language=_language(body.options),
        filter=_contract_filter(body.receipt_status, body.options),
    )
    return wire.LedgerAccountsReportResponse(
        report_parameters=body.model_copy(update={"start_date": start, "end_date": end}),
        report_data=wire.LedgerAccountsReportData(
            periods=[
                wire.LedgerAccountsReportPeriod(
                    start_date=s,
                    end_date=e,
                    rows=[
                        wire.LedgerAccountsReportRow(name=f"{row.account} {row.name}", value=wire.money(row.closing))
                        for row in rows
                    ],
                )
                for (s, e), rows in zip(spans, per_span, strict=True)
            ]
        ),
    )


_NUMBERS = re.compile(r"^\s*(\d{1,9})\s*(?:-\s*(\d{1,9})\s*)?$")


def receipt_number_ranges(text: str, field: str = "options.receiptNumbers") -> list[tuple[int, int]]:
    """`"1-5,8"` → [(1, 5), (8, 8)]; anything else is 400 INVALID_RECEIPT_NUMBERS."""
    ranges: list[tuple[int, int]] = []
    for part in text.split(","):
        found = _NUMBERS.match(part)
        if found is None:
            raise KirjuriError("INVALID_RECEIPT_NUMBERS", 400, field)
        first = int(found.group(1))
        last = int(found.group(2)) if found.group(2) else first
        if last < first:
            raise KirjuriError("INVALID_RECEIPT_NUMBERS", 400, field)
        ranges.append((first, last))
    return ranges


AccountCode = Annotated[str, Path(alias="id", pattern=r"^\d{1,12}$")]


@router.post(
    "/reports/generalledger/{id}",
    tags=["Reports"],
    operation_id="getGeneralLedgerReport",
    response_model=wire.GeneralLedgerReportResponse,
    responses=error_responses(400, 403, 404),
)
def general_ledger_report(
    code: AccountCode, body: wire.GeneralLedgerReportRequest, principal: Viewer, session: DbSession
) -> Any:
    """The postings of ledger account `id` (its code) dated startDate..endDate, the VAT postings
    the server added included; `totalAccountingValue` is the sum of the listed postings.
    `options.receiptNumbers` ("1-5,8") and `options.transactionDescription` (a part of the
    posting's description, any case) narrow the list."""
    company_id = principal.company_id
    options = body.options
    start, end, _spans = _contract_spans(
        session, company_id=company_id, start=body.start_date, end=body.end_date, options=options
    )
    account = reports.account_of(session, company_id=company_id, code=code, field="id")
    numbers = receipt_number_ranges(options.receipt_numbers) if options and options.receipt_numbers else None
    _opening, lines = reports.general_ledger(
        session,
        company_id=company_id,
        account=code,
        start=start,
        end=end,
        filter=_contract_filter(body.receipt_status, options),
        receipt_numbers=numbers,
        description=options.transaction_description if options else None,
    )
    return wire.GeneralLedgerReportResponse(
        report_parameters=body.model_copy(update={"start_date": start, "end_date": end}),
        ledger_account=wire.GeneralLedgerReportData(
            id=account.code,
            name=account.name_in(_language(options)),
            total_accounting_value=wire.money(sum(line.amount for line in lines)),
            ledger_receipt_transactions=[
                wire.AccountingReportTransaction(
                    id=line.transaction_id,
                    name=line.receipt_name,
                    receipt_number=line.receipt_number,
                    receipt_date=line.receipt_date,
                    type=line.receipt_type,
                    accounting_value=wire.money(line.amount),
                    status=line.status,
                    vat_percent=line.vat_percent,
                    vat_deduction_percent=line.vat_deduction_percent,
                    vat_status=line.vat_status,
                    transaction_description=line.description,
                    start_date=line.start_date,
                    end_date=line.end_date,
                )
                for line in lines
            ],
        ),
    )


# --- Kirjuri extras (GET, read-only) ---------------------------------------------------------------------

StartDate = Annotated[date | None, Query(alias="startDate")]
EndDate = Annotated[date, Query(alias="endDate")]
StatusList = Annotated[
    str | None, Query(alias="status", description="Comma-separated receipt statuses, e.g. APPROVED,UNFINISHED")
]
DimensionId = Annotated[int | None, Query(alias="dimensionId", ge=1, le=2**31 - 1)]
ItemId = Annotated[int | None, Query(alias="itemId", ge=1, le=2**31 - 1)]
Form = Annotated[Literal["KPA", "PMA"], Query(alias="format")]
Language = Annotated[wire.ReportLanguage, Query(alias="language")]

EXTRAS: list[str | Enum] = ["Kirjuri: reports"]


def _filter(
    session: Session, *, company_id: int, status: str | None, dimension_id: int | None, item_id: int | None
) -> reports.ReportFilter:
    statuses: frozenset[str] | None = None
    if status is not None:
        names = [s.strip() for s in status.split(",") if s.strip()]
        if not names or any(name not in wire.RECEIPT_STATUSES for name in names):
            raise KirjuriError("INVALID_ENUM_VALUE", 400, "status")
        statuses = frozenset(names)
    if item_id is not None and dimension_id is None:
        raise KirjuriError("DIMENSION_ID_REQUIRED", 400, "dimensionId")
    if dimension_id is not None:
        _dimension, items = dimensions.get(session, company_id=company_id, dimension_id=dimension_id)
        if item_id is not None and item_id not in {item.id for item in items}:
            raise not_found("itemId")
    return reports.ReportFilter(statuses=statuses, dimension_id=dimension_id, item_id=item_id)


@router.get(
    "/kirjuri/reports/trialbalance",
    tags=EXTRAS,
    operation_id="kirjuriTrialBalance",
    response_model=wire.KirjuriTrialBalance,
    responses=error_responses(400, 403, 404),
)
def trial_balance(
    principal: Viewer,
    session: DbSession,
    *,
    end_date: EndDate,
    start_date: StartDate = None,
    status: StatusList = None,
    dimension_id: DimensionId = None,
    item_id: ItemId = None,
) -> Any:
    """Opening, debit, credit and closing per account (ledger sums: debit +). Opening is the
    balance on the morning of startDate: balance-sheet accounts carry every earlier year not yet
    closed (its result on the retained-earnings account), income-statement accounts open with their
    sum since the start of the fiscal year. Without a dimension filter both columns sum to zero."""
    company_id = principal.company_id
    start, end = _dates(session, company_id=company_id, start=start_date, end=end_date)
    filt = _filter(session, company_id=company_id, status=status, dimension_id=dimension_id, item_id=item_id)
    rows = reports.trial_balance(session, company_id=company_id, start=start, end=end, filter=filt)
    return wire.trial_balance_body(
        start_date=start,
        end_date=end,
        statuses=sorted(filt.statuses) if filt.statuses is not None else None,
        dimension_id=dimension_id,
        item_id=item_id,
        rows=[(r.account, r.name, r.opening, r.debit, r.credit, r.closing) for r in rows],
    )


def _statement(
    layout: statements.Layout,
    language: wire.ReportLanguage,
    lines: list[statement_reports.ReportLine],
    comparison: list[statement_reports.ReportLine] | None,
    **dates: Any,
) -> dict[str, Any]:
    compared = {line.key: line.value for line in comparison} if comparison is not None else None
    return wire.statement_body(
        layout=layout.key,
        name={"ENGLISH": layout.name_en}.get(language, layout.name_fi),
        language=language,
        lines=[
            wire.statement_line_body(
                row_id=line.row_id,
                key=line.key,
                kind=line.kind,
                level=line.level,
                name=line.name,
                formula=line.formula,
                value=line.value,
                comparison=compared[line.key] if compared is not None else None,
            )
            for line in lines
        ],
        **dates,
    )


@router.get(
    "/kirjuri/reports/balancesheet",
    tags=EXTRAS,
    operation_id="kirjuriBalanceSheet",
    response_model=wire.KirjuriStatement,
    responses=error_responses(400, 403, 404),
)
def balance_sheet(
    principal: Viewer,
    session: DbSession,
    *,
    end_date: EndDate,
    comparison_end_date: Annotated[date | None, Query(alias="comparisonEndDate")] = None,
    form: Form = "KPA",
    language: Language = "FINNISH",
    status: StatusList = None,
    dimension_id: DimensionId = None,
    item_id: ItemId = None,
) -> Any:
    """The balance sheet at endDate (and at comparisonEndDate) in the KPA or PMA form; the year's
    result so far is shown on line VII, earlier open years are carried (see the trial balance)."""
    company_id = principal.company_id
    _check_day(end_date, "endDate")
    _check_day(comparison_end_date, "comparisonEndDate")
    filt = _filter(session, company_id=company_id, status=status, dimension_id=dimension_id, item_id=item_id)
    dates = [end_date] if comparison_end_date is None else [end_date, comparison_end_date]
    found = statement_reports.balance_sheets(
        session, company_id=company_id, dates=dates, form=form, language=language, filter=filt
    )
    layout = statement_reports.layout_for(statements.Statement.BALANCE_SHEET, form)
    return _statement(
        layout,
        language,
        found[0],
        found[1] if comparison_end_date is not None else None,
        end_date=end_date,
        comparison_end_date=comparison_end_date,
        dimension_id=dimension_id,
        item_id=item_id,
    )


@router.get(
    "/kirjuri/reports/incomestatement",
    tags=EXTRAS,
    operation_id="kirjuriIncomeStatement",
    response_model=wire.KirjuriStatement,
    responses=error_responses(400, 403, 404),
)
def income_statement(
    principal: Viewer,
    session: DbSession,
    *,
    end_date: EndDate,
    start_date: StartDate = None,
    comparison_start_date: Annotated[date | None, Query(alias="comparisonStartDate")] = None,
    comparison_end_date: Annotated[date | None, Query(alias="comparisonEndDate")] = None,
    form: Form = "KPA",
    language: Language = "FINNISH",
    status: StatusList = None,
    dimension_id: DimensionId = None,
    item_id: ItemId = None,
) -> Any:
    """The income statement of startDate..endDate (and of the comparison period) in the KPA or PMA
    form. comparisonStartDate defaults to the start of the fiscal year of comparisonEndDate; a
    comparisonStartDate without comparisonEndDate is refused."""
    company_id = principal.company_id
    start, end = _dates(session, company_id=company_id, start=start_date, end=end_date)
    spans = [(start, end)]
    if comparison_end_date is not None:
        spans.append(
            _dates(
                session,
                company_id=company_id,
                start=comparison_start_date,
                end=comparison_end_date,
                start_field="comparisonStartDate",
            )
        )
    elif comparison_start_date is not None:
        raise KirjuriError("REQUIRED", 400, "comparisonEndDate")
    filt = _filter(session, company_id=company_id, status=status, dimension_id=dimension_id, item_id=item_id)
    found = statement_reports.income_statements(
        session, company_id=company_id, spans=spans, form=form, language=language, filter=filt
    )
    layout = statement_reports.layout_for(statements.Statement.INCOME_STATEMENT, form)
    return _statement(
        layout,
        language,
        found[0],
        found[1] if len(spans) > 1 else None,
        start_date=start,
        end_date=end,
        comparison_start_date=spans[1][0] if len(spans) > 1 else None,
        comparison_end_date=comparison_end_date,
        dimension_id=dimension_id,
        item_id=item_id,
    )


@router.get(
    "/kirjuri/reports/generalledger",
    tags=EXTRAS,
    operation_id="kirjuriGeneralLedger",
    response_model=wire.KirjuriGeneralLedger,
    responses=error_responses(400, 403, 404),
)
def general_ledger(
    principal: Viewer,
    session: DbSession,
    *,
    account: Annotated[str, Query(alias="account", pattern=r"^\d{1,12}$")],
    end_date: EndDate,
    start_date: StartDate = None,
    status: StatusList = None,
    dimension_id: DimensionId = None,
    item_id: ItemId = None,
) -> Any:
    """The postings of one account dated startDate..endDate by date, receipt number and id, with
    the opening balance (as the trial balance's) and the closing."""
    company_id = principal.company_id
    start, end = _dates(session, company_id=company_id, start=start_date, end=end_date)
    found = reports.account_of(session, company_id=company_id, code=account)
    filt = _filter(session, company_id=company_id, status=status, dimension_id=dimension_id, item_id=item_id)
    opening, lines = reports.general_ledger(
        session, company_id=company_id, account=account, start=start, end=end, filter=filt
    )
    debit = sum(line.amount for line in lines if line.amount > 0)
    credit = -sum(line.amount for line in lines if line.amount < 0)
    money = wire.money
    return wire.KirjuriGeneralLedger(
        account=found.code,
        name=found.name,
        start_date=start,
        end_date=end,
        opening=money(opening),
        debit=money(debit),
        credit=money(credit),
        closing=money(opening + debit - credit),
        lines=[
            wire.KirjuriGeneralLedgerLine(
                transaction_id=line.transaction_id,
                receipt_id=line.receipt_id,
                receipt_number=line.receipt_number,
                receipt_date=line.receipt_date,
                receipt_type=line.receipt_type,
                receipt_name=line.receipt_name,
                status=line.status,
                amount=money(line.amount),
                vat_percent=line.vat_percent,
                vat_status=line.vat_status,
                description=line.description,
            )
            for line in lines
        ],
    )
