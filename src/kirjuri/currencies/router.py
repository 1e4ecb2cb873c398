"""HTTP endpoints of currencies and exchange rates (§D.8).

Invariants: any authenticated principal may read (no right is needed); the company currency is the
principal's company's; nothing here writes (rates come from `kirjuri migrate` / `kirjuri rates
import`).

Signals beyond the contract, on `/currencies/exchangerate`: the body's `day` is the day whose rate
is given and differs from `queryDay` when an earlier banking day answered (weekend, holiday, a day
past the newest stored rates); the same day is in the header `X-Kirjuri-Rate-Day`, and the header
`X-Kirjuri-Rate-Type` names the rate type whose rates answered — `PROCOUNTOR_ACCOUNTING_EXCHANGE_RATE`
when a type without rates of its own fell back to the ECB reference rate (`currencies.rules`).
`/currencies/latest` sends `X-Kirjuri-Rate-Type` too.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query

from kirjuri.api.schemas import CompanyCurrencyCode, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.wire import WireResponse, to_plain
from kirjuri.auth.dependencies import CurrentPrincipal, api_router
from kirjuri.currencies import rules, service
from kirjuri.currencies import schemas as wire

router = api_router()

RATE_DAY_HEADER = "X-Kirjuri-Rate-Day"
RATE_TYPE_HEADER = "X-Kirjuri-Rate-Type"
_DAY_DOC = {
    "description": "The day whose rate is given (earlier than `queryDay` after a fallback).",
    "schema": {"type": "string", "format": "date"},
}
_TYPE_DOC = {
    "description": "The rate type whose rates answered (type 1 when the asked type has none).",
    "schema": {"type": "string"},
}


@router.get("/currencies", tags=["Currencies"], operation_id="getCurrencies")
def get_currencies(principal: CurrentPrincipal) -> wire.Currencies:
    """Every currency code the API accepts (ISO 4217 with the historical ones), in the contract's order."""
    return wire.Currencies(currencies=list(service.currencies()))


@router.get("/currencies/company", tags=["Currencies"], operation_id="getCurrenciesForCompany")
def get_company_currency(principal: CurrentPrincipal, session: DbSession) -> wire.CompanyCurrency:
    """The company's accounting currency."""
    code = service.company_currency(session, company_id=principal.company_id)
    known = code in CompanyCurrencyCode.__members__
    return wire.CompanyCurrency(company_currency=CompanyCurrencyCode(code) if known else None)


@router.get(
    "/currencies/exchangerate",
    tags=["Currencies"],
    operation_id="getCurrencyExchangeRate",
    response_model=wire.CurrencyExchangeRate,
    responses={
        200: {"headers": {RATE_DAY_HEADER: _DAY_DOC, RATE_TYPE_HEADER: _TYPE_DOC}},
        **error_responses(400, 404),
    },
)
def get_exchange_rate(
    *,
    principal: CurrentPrincipal,
    session: DbSession,
    base_currency: Annotated[str, Query(alias="baseCurrency")],
    currency: Annotated[str, Query()],
    day: Annotated[date, Query()],
    rate_type: Annotated[wire.RateType, Query(alias="rateType")],
) -> WireResponse:
    """Units of `currency` per one `baseCurrency` on `day`. A day without a rate for both
    currencies is answered with the latest earlier banking day's rate (at most 10 days back;
    `day` in the body and `X-Kirjuri-Rate-Day` say which); otherwise 404
    `EXCHANGE_RATE_NOT_FOUND`. A code outside the currency list is 400 `INVALID_CURRENCY`."""
    quote = service.exchange_rate(
        session,
        base=base_currency,
        currency=currency,
        day=day,
        rate_type=rules.RATE_TYPE_IDS[rate_type.value],
    )
    body = wire.CurrencyExchangeRate(query_day=quote.query_day, currency=quote.currency, day=quote.day, rate=quote.rate)
    headers = {RATE_DAY_HEADER: quote.day.isoformat(), RATE_TYPE_HEADER: rules.RATE_TYPES[quote.rate_type]}
    return WireResponse(to_plain(body), headers=headers)


@router.get(
    "/currencies/latest",
    tags=["Currencies"],
    operation_id="getCompanyLatestRates",
    response_model=wire.CurrencyGroupRates,
    responses={200: {"headers": {RATE_TYPE_HEADER: _TYPE_DOC}}, **error_responses(400)},
)
def get_latest_rates(
    principal: CurrentPrincipal,
    session: DbSession,
    rate_type: Annotated[int, Query(alias="rateType", ge=1, le=6)] = rules.ACCOUNTING,
) -> WireResponse:
    """The newest day's rates of every quoted currency against the company currency (units of the
    currency per one unit of the company currency), by code. `rateType` 1–6 (1: the ECB reference
    rate; a type without rates of its own is served from type 1)."""
    latest = service.latest_rates(session, company_id=principal.company_id, rate_type=rate_type)
    body = wire.CurrencyGroupRates(
        base_currency=latest.base,
        currency_date=latest.day,
        rates=[wire.CurrencyRate(currency_code=code, currency_rate=rate) for code, rate in latest.rates],
    )
    return WireResponse(to_plain(body), headers={RATE_TYPE_HEADER: rules.RATE_TYPES[latest.rate_type]})
