"""HTTP endpoints of the books' set-up: the chart of accounts (§D.6), fiscal years and tracking
periods (§D.11), dimensions (§D.9), and Kirjuri's extras under `/api/kirjuri/...`.

Invariants: everything is read from and written to the principal's company only (another
company's ids are 404); reading needs any accounting right or `management.basicAccountingInfo`
at viewing level; writing needs ALL_RIGHTS on `management.chartOfAccountsAndDefaultReports`
(accounts), `accounting.closingOfAccountTools` (periods and years) or
`management.basicAccountingInfo` (dimensions); the contract's period PUT moves a period only
OPEN → PENDING (409 otherwise). GET handlers never write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Path, Query
from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from kirjuri.api.schemas import InfoMessage, error_responses
from kirjuri.api.session import DbSession
from kirjuri.auth.dependencies import Principal, api_router, requires, requires_any
from kirjuri.core.errors import KirjuriError
from kirjuri.core.ids import path_id
from kirjuri.db.base import JSONDoc
from kirjuri.ledger import accounts, chart, closing, dimensions, fiscal, rules, statements
from kirjuri.ledger import setup_schemas as wire
from kirjuri.ledger.models import Dimension as DimensionRow
from kirjuri.ledger.models import DimensionItem, LedgerAccount, LedgerReceipt
from kirjuri.ledger.models import FiscalYear as FiscalYearRow
from kirjuri.ledger.models import TrackingPeriod as TrackingPeriodRow

router = api_router()

# Whoever works with the books may read how they are set up.
READ_RIGHTS = (
    "accounting.journalReceipts",
    "accounting.journalReceiptSearch",
    "accounting.closingOfAccountTools",
    "accounting.accountingReports",
    "accounting.archive",
    "management.basicAccountingInfo",
    "management.chartOfAccountsAndDefaultReports",
)
CHART_EDITOR = "management.chartOfAccountsAndDefaultReports"
CLOSING_TOOLS = "accounting.closingOfAccountTools"
DIMENSION_EDITOR = "management.basicAccountingInfo"


Reader = Annotated[Principal, Depends(requires_any(*READ_RIGHTS))]
ChartEditor = Annotated[Principal, Depends(requires(CHART_EDITOR, write=True))]
Closer = Annotated[Principal, Depends(requires(CLOSING_TOOLS, write=True))]
DimensionEditor = Annotated[Principal, Depends(requires(DIMENSION_EDITOR, write=True))]

FiscalYearId = Annotated[int, Path(alias="fiscalYearId")]
TrackingPeriodId = Annotated[int, Path(alias="trackingPeriodId")]
DimensionId = Annotated[int, Path(alias="dimensionId")]
FiscalYearKirjuriId = Annotated[int, Path(alias="id")]


_ONE_DAY = timedelta(days=1)


# --- chart of accounts ------------------------------------------------------------------------------

# The company's chart languages (Company.accountingCoaLanguages) → (wire code, stored name).
_LANGUAGES: dict[str, tuple[str, Callable[[LedgerAccount], str | None]]] = {
    "FINNISH": ("fi", lambda a: a.name),
    "SWEDISH": ("sv", lambda a: a.name_sv),
    "ENGLISH": ("en", lambda a: a.name_en),
}


def coa_languages(principal: Reader, session: DbSession) -> list[str]:
    """The company's chart languages, read straight from `companies` (the ledger imports no other area)."""
    companies = table("companies", column("id"), column("coa_languages", JSONDoc))
    value = session.execute(
        select(companies.c.coa_languages).where(companies.c.id == principal.company_id)
    ).scalar_one_or_none()
    return [str(language) for language in value or []]


CoaLanguages = Annotated[list[str], Depends(coa_languages)]


def _translations(account: LedgerAccount, languages: Sequence[str]) -> list[wire.LedgerAccountTranslation]:
    found: list[wire.LedgerAccountTranslation] = []
    for language in languages:
        known = _LANGUAGES.get(language)
        text = known[1](account) if known else None
        if known and text:  # only languages of the company, only when a name exists
            found.append(wire.LedgerAccountTranslation(language_code=known[0], translation=text))
    return found


@router.get(
    "/coa",
    tags=["Chart of accounts"],
    operation_id="getChartOfAccount",
    responses=error_responses(403),
)
def get_chart_of_accounts(principal: Reader, session: DbSession, languages: CoaLanguages) -> wire.LedgerAccounts:
    """The company's chart: every account with its Finnish name, `active`, and translations in the
    company's chart languages (`accountingCoaLanguages`)."""
    chart_rows = accounts.chart_of(session, company_id=principal.company_id)
    return wire.LedgerAccounts(
        ledger_accounts=[
            wire.LedgerAccount(
                ledger_account_code=a.code,
                name=a.name,
                active=a.active,
                translations=_translations(a, languages),
            )
            for a in chart_rows
        ]
    )


_KPA_LINES: dict[str, statements.Line] = {
    line.key: line for key in ("KPA_INCOME_STATEMENT", "KPA_BALANCE_SHEET") for line in statements.LAYOUTS[key].lines
}


def _kirjuri_account(account: LedgerAccount) -> wire.KirjuriLedgerAccount:
    line = _KPA_LINES.get(account.line)
    return wire.KirjuriLedgerAccount(
        code=account.code,
        name=account.name,
        name_sv=account.name_sv,
        name_en=account.name_en,
        account_type=chart.AccountType(account.account_type),
        statement_line=account.line,
        statement_line_name=line.name_fi if line else None,
        vat_allowed=account.vat_allowed,
        default_vat_status=account.default_vat_status,
        default_vat_class=account.default_vat_class,  # type: ignore[arg-type]  # validated on the way in
        role=account.role,
        active=account.active,
        version=account.version,
    )


@router.get(
    "/kirjuri/accounts",
    tags=["Kirjuri: chart of accounts"],
    operation_id="kirjuriListAccounts",
    responses=error_responses(403),
)
def list_accounts(principal: Reader, session: DbSession) -> wire.KirjuriLedgerAccountList:
    """The full chart: type, KPA statement line, VAT defaults and system role of every account."""
    chart_rows = accounts.chart_of(session, company_id=principal.company_id)
    return wire.KirjuriLedgerAccountList(accounts=[_kirjuri_account(a) for a in chart_rows])


@router.post(
    "/kirjuri/accounts",
    tags=["Kirjuri: chart of accounts"],
    operation_id="kirjuriAddAccount",
    responses=error_responses(400, 403, 409),
)
def add_account(
    body: wire.KirjuriLedgerAccountCreate, principal: ChartEditor, session: DbSession
) -> wire.KirjuriLedgerAccount:
    """Add an account: 3–8 digits, a code not in use (409); its type and statement line follow the
    code's range. Needs `management.chartOfAccountsAndDefaultReports` with ALL_RIGHTS."""
    account = accounts.add_account(
        session,
        company_id=principal.company_id,
        code=body.code,
        name=body.name,
        name_sv=body.name_sv,
        name_en=body.name_en,
        vat_allowed=body.vat_allowed,
        default_vat_status=body.default_vat_status,
        default_vat_class=body.default_vat_class.value if body.default_vat_class else None,
    )
    return _kirjuri_account(account)


@router.patch(
    "/kirjuri/accounts/{code}",
    tags=["Kirjuri: chart of accounts"],
    operation_id="kirjuriUpdateAccount",
    responses=error_responses(400, 403, 404, 409),
)
def update_account(
    code: str, body: wire.KirjuriLedgerAccountUpdate, principal: ChartEditor, session: DbSession
) -> wire.KirjuriLedgerAccount:
    """Rename an account (fi/sv/en) or (de)activate it; a system account (one with a role) cannot
    be deactivated (409). An inactive account takes no new postings."""
    account = accounts.update_account(
        session,
        company_id=principal.company_id,
        code=code,
        name=body.name,
        name_sv=body.name_sv,
        name_en=body.name_en,
        active=body.active,
    )
    return _kirjuri_account(account)


@router.delete(
    "/kirjuri/accounts/{code}",
    tags=["Kirjuri: chart of accounts"],
    operation_id="kirjuriDeleteAccount",
    status_code=204,
    responses=error_responses(400, 403, 404, 409),
)
def delete_account(code: str, principal: ChartEditor, session: DbSession) -> None:
    """Delete an account that never carried a posting; otherwise 409 `ACCOUNT_HAS_POSTINGS`
    (deactivate it instead). System accounts cannot be deleted."""
    accounts.delete_account(session, company_id=principal.company_id, code=code)


# --- fiscal years -----------------------------------------------------------------------------------


def _period(period: TrackingPeriodRow) -> wire.TrackingPeriod:
    return wire.TrackingPeriod(
        id=period.id,
        start_date=period.start_date,
        end_date=period.end_date,
        status=wire.TrackingPeriodStatus(period.status),
        modified=period.modified,
    )


def _year(year: FiscalYearRow, periods: Sequence[TrackingPeriodRow]) -> wire.FiscalYear:
    return wire.FiscalYear(
        id=year.id,
        start_date=year.start_date,
        end_date=year.end_date,
        modified=year.modified,
        tracking_periods=[_period(p) for p in periods],
        is_open=year.status == fiscal.OPEN,
    )


def _year_with_periods(session: Session, *, company_id: int, year: FiscalYearRow) -> wire.FiscalYear:
    periods = fiscal.periods_between(session, company_id=company_id, start=year.start_date, end=year.end_date)
    return _year(year, [p for p in periods if p.fiscal_year_id == year.id])


@router.get("/fiscalyears", tags=["Fiscal years"], operation_id="getFiscalYears", responses=error_responses(403))
def get_fiscal_years(principal: Reader, session: DbSession) -> wire.FiscalYears:
    """Fiscal years newest first, each with its tracking periods in date order."""
    found = fiscal.years(session, company_id=principal.company_id)
    return wire.FiscalYears(fiscal_years=[_year(year, periods) for year, periods in found])


@router.put(
    "/fiscalyears/{fiscalYearId}/trackingPeriods/{trackingPeriodId}",
    tags=["Fiscal years"],
    operation_id="updateFiscalYear",
    responses=error_responses(403, 404, 409),
)
def lock_tracking_period(
    year_id: FiscalYearId,
    period_id: TrackingPeriodId,
    body: wire.TrackingPeriod,
    principal: Closer,
    session: DbSession,
) -> InfoMessage:
    """The only change the contract allows: an OPEN period to PENDING (locked). Anything else —
    another target status, a period not OPEN, a closed year — is 409."""
    company_id, year_id, period_id = principal.company_id, path_id(year_id), path_id(period_id)
    if body.status is not wire.TrackingPeriodStatus.PENDING:
        fiscal.get_period(session, company_id=company_id, year_id=year_id, period_id=period_id)  # 404 first
        raise KirjuriError("INVALID_TRACKING_PERIOD_STATUS_CHANGE", 409, "status")
    fiscal.set_period_status(
        session, company_id=company_id, year_id=year_id, period_id=period_id, status=fiscal.PENDING
    )
    return InfoMessage(message="Tracking period status updated")


@router.put(
    "/kirjuri/fiscalyears/{id}/trackingPeriods/{trackingPeriodId}/reopen",
    tags=["Kirjuri: fiscal years"],
    operation_id="kirjuriReopenTrackingPeriod",
    responses=error_responses(403, 404, 409),
)
def reopen_tracking_period(
    year_id: FiscalYearKirjuriId, period_id: TrackingPeriodId, principal: Closer, session: DbSession
) -> wire.TrackingPeriod:
    """A PENDING (locked) period back to OPEN while its year is open; anything else is 409."""
    period = fiscal.set_period_status(
        session,
        company_id=principal.company_id,
        year_id=path_id(year_id),
        period_id=path_id(period_id),
        status=fiscal.OPEN,
    )
    return _period(period)


@router.post(
    "/kirjuri/fiscalyears",
    tags=["Kirjuri: fiscal years"],
    operation_id="kirjuriOpenFiscalYear",
    responses=error_responses(400, 403, 409),
)
def open_fiscal_year(body: wire.KirjuriFiscalYearCreate, principal: Closer, session: DbSession) -> wire.FiscalYear:
    """Open the fiscal year after the latest one, `months` long (1–18, default 12), in monthly
    OPEN tracking periods."""
    year = fiscal.open_next_year(
        session, company_id=principal.company_id, months=12 if body.months is None else body.months
    )
    return _year_with_periods(session, company_id=principal.company_id, year=year)


def _opening_receipt_id(session: Session, *, company_id: int, year: FiscalYearRow) -> int | None:
    """The opening receipt the closing just posted on the next year's first day, if it posted one."""
    following = fiscal.year_of(session, company_id=company_id, day=year.end_date + _ONE_DAY)
    if following is None:
        return None
    return session.scalars(
        select(LedgerReceipt.id)
        .where(
            LedgerReceipt.company_id == company_id,
            LedgerReceipt.fiscal_year_id == following.id,
            LedgerReceipt.type == rules.OPENING_RECEIPT,
        )
        .order_by(LedgerReceipt.id.desc())
        .limit(1)
    ).first()


@router.post(
    "/kirjuri/fiscalyears/{id}/close",
    tags=["Kirjuri: fiscal years"],
    operation_id="kirjuriCloseFiscalYear",
    responses=error_responses(403, 404, 409),
)
def close_fiscal_year(
    year_id: FiscalYearKirjuriId, principal: Closer, session: DbSession
) -> wire.KirjuriFiscalYearClosed:
    """Close a year for good: years close in order and only without UNFINISHED receipts (409);
    the balance-sheet balances and the year's result are carried into one approved opening
    receipt on the next year's first day (the next year is opened when missing); then the year
    and its periods are CLOSED."""
    company_id = principal.company_id
    year = closing.close_year(session, company_id=company_id, year_id=path_id(year_id), user_id=principal.user_id)
    return wire.KirjuriFiscalYearClosed(
        fiscal_year=_year_with_periods(session, company_id=company_id, year=year),
        opening_receipt_id=_opening_receipt_id(session, company_id=company_id, year=year),
    )


# --- dimensions -------------------------------------------------------------------------------------


def _item(item: DimensionItem) -> wire.DimensionItem:
    return wire.DimensionItem(
        id=item.id,
        code_name=item.code_name,
        status=None if item.active else wire.INACTIVE,
        description=item.description,
    )


def _dimension(dimension: DimensionRow, items: Sequence[DimensionItem]) -> wire.Dimension:
    return wire.Dimension(id=dimension.id, name=dimension.name, items=[_item(i) for i in items])


@router.get("/dimensions", tags=["Dimensions"], operation_id="getDimensions", responses=error_responses(403))
def get_dimensions(
    principal: Reader,
    session: DbSession,
    name: Annotated[str | None, Query()] = None,
    code_name: Annotated[str | None, Query(alias="codeName")] = None,
) -> list[wire.Dimension]:
    """Every dimension with its items; `name` (dimension) and `codeName` (item) are case-insensitive
    partial filters."""
    found = dimensions.dimensions(session, company_id=principal.company_id, name=name, code_name=code_name)
    return [_dimension(d, items) for d, items in found]


@router.get(
    "/dimensions/{dimensionId}", tags=["Dimensions"], operation_id="getDimension", responses=error_responses(403, 404)
)
def get_dimension(dimension_id: DimensionId, principal: Reader, session: DbSession) -> wire.Dimension:
    dimension, items = dimensions.get(session, company_id=principal.company_id, dimension_id=path_id(dimension_id))
    return _dimension(dimension, items)


@router.put(
    "/dimensions/{dimensionId}",
    tags=["Dimensions"],
    operation_id="updateDimension",
    responses=error_responses(400, 403, 404),
)
def rename_dimension(
    dimension_id: DimensionId, body: wire.DimensionName, principal: DimensionEditor, session: DbSession
) -> wire.DimensionName:
    """Rename a dimension (dimensions themselves are created in the set-up, not through the contract)."""
    dimension = dimensions.rename(
        session, company_id=principal.company_id, dimension_id=path_id(dimension_id), name=body.name
    )
    return wire.DimensionName(name=dimension.name)


@router.post(
    "/dimensions/{dimensionId}/items",
    tags=["Dimensions"],
    operation_id="addDimensionItem",
    responses=error_responses(400, 403, 404),
)
def add_dimension_item(
    dimension_id: DimensionId, body: wire.DimensionItem, principal: DimensionEditor, session: DbSession
) -> wire.DimensionItem:
    """A new item (`codeName` unique within the dimension; `status: "P"` creates it inactive)."""
    item = dimensions.create_item(
        session,
        company_id=principal.company_id,
        dimension_id=path_id(dimension_id),
        code_name=body.code_name,
        description=body.description,
        active=body.status is None,
    )
    return _item(item)


@router.put(
    "/dimensions/{dimensionId}/items",
    tags=["Dimensions"],
    operation_id="updateDimensionItem",
    responses=error_responses(400, 403, 404),
)
def update_dimension_item(
    dimension_id: DimensionId, body: wire.DimensionItem, principal: DimensionEditor, session: DbSession
) -> wire.DimensionItem:
    """Replace an item named by `id` in the body (required): code name, description and status
    (absent = active, `"P"` = inactive; an inactive item takes no new postings)."""
    if body.id is None:
        raise KirjuriError("REQUIRED", 400, "id")
    item = dimensions.update_item(
        session,
        company_id=principal.company_id,
        dimension_id=path_id(dimension_id),
        item_id=path_id(body.id),
        code_name=body.code_name,
        description=body.description,
        active=body.status is None,
    )
    return _item(item)


@router.post(
    "/kirjuri/dimensions",
    tags=["Kirjuri: dimensions"],
    operation_id="kirjuriCreateDimension",
    responses=error_responses(400, 403),
)
def create_dimension(
    body: wire.KirjuriDimensionCreate, principal: DimensionEditor, session: DbSession
) -> wire.Dimension:
    """A new dimension without items (the contract can only rename dimensions)."""
    dimension = dimensions.create_dimension(session, company_id=principal.company_id, name=body.name)
    return _dimension(dimension, [])
