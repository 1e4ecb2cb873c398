"""HTTP endpoints of the VAT area: the contract's §D.26 (`GET /vats/default`, `/vats/country`,
`/vats/settings`) and Kirjuri's VAT return extras `GET /kirjuri/reports/vat` (the boxes of the
periodic tax return for a date range) and `GET /kirjuri/reports/vat/vsralvkv` (the VSRALVKV file
of one tax period, text/plain). They sit here rather than with the other reports because the
ledger imports no other area.

Invariants: the VAT information needs only a valid token (every user who writes invoices or
receipts needs it); the VAT return needs `accounting.accountingReports`; everything is read from
the principal's company only; GET handlers never write; bad input is 400 at its field.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from starlette.responses import Response

from kirjuri.api.schemas import error_responses
from kirjuri.api.session import DbSession
from kirjuri.auth.dependencies import CurrentPrincipal, Principal, api_router, requires
from kirjuri.core.errors import KirjuriError
from kirjuri.core.money import from_minor
from kirjuri.ledger.report_schemas import RECEIPT_STATUSES
from kirjuri.vat import rules, schemas, service

router = api_router()

Viewer = Annotated[Principal, Depends(requires("accounting.accountingReports"))]
VATS: list[str | Enum] = ["VATs"]
EXTRAS: list[str | Enum] = ["Kirjuri: reports"]
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


@router.get(
    "/vats/default",
    tags=VATS,
    operation_id="getVatStatusesForCompany",
    response_model=schemas.VatInformation,
    responses=error_responses(403),
)
def vat_defaults(_principal: CurrentPrincipal) -> Any:
    """The Finnish VAT percentages (every rate that was in force, each valid on its own dates, and
    0 %) and the numeric VAT statuses with the side(s) each may be used on."""
    return schemas.VatInformation(
        vat_information=[
            schemas.VatCountryInfo(
                country=service.COUNTRY,
                percentages=[
                    schemas.VatInfo(vat_percent=p.percent, sales=p.sales, purchase=p.purchase)
                    for p in service.default_percentages()
                ],
            )
        ],
        vat_statuses=[
            schemas.VatStatusInfo(
                vat_status=s.code, description=s.name_fi, sales=s.sales is not None, purchase=s.purchase is not None
            )
            for s in service.statuses()
        ],
    )


@router.get(
    "/vats/country",
    tags=VATS,
    operation_id="getVatStatusesForCountry",
    response_model=schemas.VatPercentages,
    responses=error_responses(400),
)
def vat_country(
    _principal: CurrentPrincipal, country_code: Annotated[str, Query(alias="countryCode", max_length=10)]
) -> Any:
    """The VAT percentages in force today in a country (ISO 3166 alpha-2, EU and Nordic countries);
    anything else is 400 INVALID_COUNTRY_CODE."""
    return schemas.VatPercentages(vat_percentages=service.country_percentages(country_code))


@router.get("/vats/settings", tags=VATS, operation_id="getVatSettings", response_model=schemas.VatSettings)
def vat_settings(_principal: CurrentPrincipal) -> Any:
    """Whether unit prices include VAT by default (sales / purchase)."""
    found = service.settings()
    return schemas.VatSettings(
        unit_prices_include_vat_sales=found.unit_prices_include_vat_sales,
        unit_prices_include_vat_purchase=found.unit_prices_include_vat_purchase,
    )


# --- the VAT return (Kirjuri extras) ---------------------------------------------------------------------

StatusList = Annotated[str | None, Query(alias="status", description="Comma-separated receipt statuses, e.g. APPROVED")]


def _statuses(status: str | None) -> frozenset[str] | None:
    if status is None:
        return None
    names = [s.strip() for s in status.split(",") if s.strip()]
    if not names or any(name not in RECEIPT_STATUSES for name in names):
        raise KirjuriError("INVALID_ENUM_VALUE", 400, "status")
    return frozenset(names)


def _check_day(day: date, field: str) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise KirjuriError("DATE_OUT_OF_RANGE", 400, field)


SIDE_NAMES: dict[str, Literal["SALES", "PURCHASE", ""]] = {"S": "SALES", "P": "PURCHASE"}


@router.get(
    "/kirjuri/reports/vat",
    tags=EXTRAS,
    operation_id="kirjuriVatReturn",
    response_model=schemas.KirjuriVatReturn,
    responses=error_responses(400, 403),
)
def vat_return(
    principal: Viewer,
    session: DbSession,
    *,
    start_date: Annotated[date, Query(alias="startDate")],
    end_date: Annotated[date, Query(alias="endDate")],
    status: StatusList = None,
) -> Any:
    """The boxes of the periodic tax return (kausiveroilmoitus) for postings dated
    startDate..endDate, and the sums per VAT status, side and percentage behind them. Box 308 is
    the tax payable (+) or refundable (−). Every counted receipt status unless `status` narrows it."""
    _check_day(start_date, "startDate")
    _check_day(end_date, "endDate")
    if start_date > end_date:
        raise KirjuriError("START_DATE_AFTER_END_DATE", 400, "startDate")
    statuses = _statuses(status)
    report = service.vat_report(
        session, company_id=principal.company_id, start=start_date, end=end_date, statuses=statuses
    )
    boxes = report.result.boxes
    return schemas.KirjuriVatReturn(
        start_date=start_date,
        end_date=end_date,
        statuses=sorted(statuses) if statuses is not None else None,
        boxes=[
            schemas.KirjuriVatBox(code=code, name=name, value=from_minor(boxes[code]))
            for code, name in rules.BOXES.items()
        ],
        payable=from_minor(boxes[rules.PAYABLE_BOX]),
        unclassified_tax=from_minor(report.result.unclassified),
        sums=[
            schemas.KirjuriVatSums(
                vat_status=row.status,
                side=SIDE_NAMES.get(row.side, ""),
                vat_percent=row.percent,
                base=from_minor(row.base),
                output=from_minor(row.output),
                input=from_minor(row.input),
                cost=from_minor(row.cost),
            )
            for row in report.breakdown
        ],
    )


@router.get(
    "/kirjuri/reports/vat/vsralvkv",
    tags=EXTRAS,
    operation_id="kirjuriVatReturnFile",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "The VSRALVKV file"},
        **error_responses(400, 403, 409),
    },
)
def vat_return_file(
    principal: Viewer,
    session: DbSession,
    *,
    year: Annotated[int, Query(ge=1900, le=2999)],
    period_type: Annotated[Literal["K", "Q", "V"], Query(alias="periodType")],
    period: Annotated[int, Query(ge=1, le=12)] = 1,
    status: StatusList = None,
) -> Response:
    """The VSRALVKV file (Ilmoitin.fi / OmaVero upload) of tax period `period` of `year`:
    periodType K = month (1–12), Q = quarter (1–4), V = calendar year (period 1). The company
    needs a business id (409 otherwise)."""
    found = service.vsralvkv_file(
        session,
        company_id=principal.company_id,
        year=year,
        period=period,
        period_type=period_type,
        statuses=_statuses(status),
    )
    return Response(
        content=found.text.encode("iso-8859-1", "replace"),
        media_type="text/plain; charset=iso-8859-1",
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
    )
