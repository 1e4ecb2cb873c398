"""Kirjuri's extra `POST /kirjuri/invoices/periodictaxreturns`: make (or remake, while unpaid) the
PERIODIC_TAX_RETURN invoice of one tax period of the company (month, quarter or year, as its VAT
settings say: `GET/PUT /kirjuri/company/vatsettings`) from the ledger's VAT return
(`invoicing.tax_returns`).

Invariants: writes only to the principal's company; needs `accounting.closingOfAccountTools` or
`accounting.journalReceipts` at ALL_RIGHTS (403 `INSUFFICIENT_RIGHTS` otherwise); one service call;
the answer is the invoice as `GET /invoices/{id}` shows it. Reading, listing and paying the invoice
go through the invoice endpoints (`invoicing.router`, `invoicing.lifecycle_router`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends
from pydantic import Field
from starlette.responses import Response

from kirjuri.api.schemas import WireModel, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.versioning import with_etag
from kirjuri.auth.dependencies import Principal, api_router, requires_any
from kirjuri.invoicing import schemas, service, tax_returns

router = api_router()

TAG = "Invoices"
RIGHTS: tuple[str, ...] = ("accounting.closingOfAccountTools", "accounting.journalReceipts")


class TaxReturnPeriod(WireModel):
    """The tax period whose VAT return is to be paid, in the company's VAT reporting period: by
    `year` and `period` (month 1–12, quarter 1–4, or 1 for a year; a yearly company may leave it
    out), by `year` and `month` (monthly companies), or by its first and last day."""

    year: Annotated[int | None, Field(ge=1900, le=2999)] = None
    period: Annotated[int | None, Field(ge=1, le=12)] = None
    month: Annotated[int | None, Field(ge=1, le=12)] = None
    start_date: date | None = None
    end_date: date | None = None


Maker = Annotated[Principal, Depends(requires_any(*RIGHTS, write=True))]


@router.post(
    "/kirjuri/invoices/periodictaxreturns",
    tags=[TAG],
    operation_id="kirjuriGeneratePeriodicTaxReturn",
    response_model=schemas.Invoice,
    responses=error_responses(400, 403, 409),
)
def generate_periodic_tax_return(body: TaxReturnPeriod, principal: Maker, session: DbSession) -> Response:
    """The PERIODIC_TAX_RETURN invoice of a tax period (APPROVED, payable to Verohallinto by the
    12th of the second month after a month or quarter, by the end of February after a year) for box
    308 of the period's VAT return; an unpaid one made earlier for the period is replaced. A period
    that is not one of the company's → 400 INVALID_TAX_PERIOD; nothing payable (zero or a refund)
    → 400 NOTHING_PAYABLE; already paid (or being paid) → 409 TAX_RETURN_ALREADY_PAID."""
    request = tax_returns.PeriodRequest(
        year=body.year, period=body.period, month=body.month, start=body.start_date, end=body.end_date
    )
    invoice = tax_returns.generate_tax_return(
        session, company_id=principal.company_id, user_id=principal.user_id, request=request
    )
    return with_etag(service.to_wire(session, invoice=invoice), invoice.version)
