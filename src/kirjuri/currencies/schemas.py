"""Wire models of the currency endpoints (§D.8): Currencies, CompanyCurrency,
CurrencyExchangeRate, CurrencyGroupRates, CurrencyRate, and the
contract's rate-type enum.

Invariant: names and shapes exactly as in the contract; rates are exact decimals.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from kirjuri.api.schemas import CompanyCurrencyCode, Currency, Decimal2, WireModel


class RateType(StrEnum):
    """`rateType` of `/currencies/exchangerate` (`/currencies/latest` takes the numbers 1–6)."""

    PROCOUNTOR_ACCOUNTING_EXCHANGE_RATE = "PROCOUNTOR_ACCOUNTING_EXCHANGE_RATE"
    ACCOUNT_CURRENCY_AVERAGE_RATE = "ACCOUNT_CURRENCY_AVERAGE_RATE"
    ACCOUNT_CURRENCY_BUYING_RATE = "ACCOUNT_CURRENCY_BUYING_RATE"
    ACCOUNT_CURRENCY_SELLING_RATE = "ACCOUNT_CURRENCY_SELLING_RATE"
    CASH_BUYING_RATE = "CASH_BUYING_RATE"
    CASH_CURRENCY_SALE_EXCHANGE_RATE = "CASH_CURRENCY_SALE_EXCHANGE_RATE"


class Currencies(WireModel):
    currencies: list[str] | None = None


class CompanyCurrency(WireModel):
    company_currency: CompanyCurrencyCode | None = None


class CurrencyExchangeRate(WireModel):
    query_day: date | None = None
    currency: Currency | None = None
    day: date | None = None
    rate: Decimal2 | None = None


class CurrencyRate(WireModel):
    currency_rate: Decimal2 | None = None
    currency_code: str | None = None


class CurrencyGroupRates(WireModel):
    base_currency: str | None = None
    currency_date: date | None = None
    rates: list[CurrencyRate] | None = None
