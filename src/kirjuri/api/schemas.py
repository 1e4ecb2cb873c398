"""Base model of every wire schema and the schemas shared by all endpoints.

Invariant: wire names are camelCase exactly as in the contract; unknown fields are ignored
(Procountor clients send more than a server reads); every string a client sends must fit in
Windows-1252, refused with `INVALID_CHARACTERS` at its own field path otherwise.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from kirjuri.core.codes import ACCOUNTING_CURRENCIES, CURRENCY_CODES, INVOICE_CHANNELS, LANGUAGES, UNITS
from kirjuri.core.countries import COUNTRIES
from kirjuri.core.paging import PageMeta
from kirjuri.core.text import first_non_cp1252

# The contract's Country enum (§D.30.1), one schema for every area that names a country.
Country = StrEnum("Country", {c: c for c in COUNTRIES})  # type: ignore[misc]
# Units (§D.30.3), ISO 4217 currency codes with the historical ones (§D.30.2), languages (§D.30.4).
Unit = StrEnum("Unit", {u: u for u in UNITS})  # type: ignore[misc]
Currency = StrEnum("Currency", {c: c for c in CURRENCY_CODES})  # type: ignore[misc]
Language = StrEnum("Language", {language: language for language in LANGUAGES})  # type: ignore[misc]
# How an invoice is sent: a company's default and a partner's channel.
InvoiceChannel = StrEnum("InvoiceChannel", {c: c for c in INVOICE_CHANNELS})  # type: ignore[misc]
# The currencies a company may keep its books in (`Company.companyCurrency`, `CompanyCurrency`).
CompanyCurrencyCode = StrEnum("CompanyCurrencyCode", {c: c for c in ACCOUNTING_CURRENCIES})  # type: ignore[misc]


def _check_text(value: Any) -> Any:
    if isinstance(value, str):
        position = first_non_cp1252(value)
        if position is not None:
            raise PydanticCustomError(
                "INVALID_CHARACTERS",
                "character {char!r} at position {position} cannot be encoded in Windows-1252",
                {"char": value[position], "position": position},
            )
    elif isinstance(value, list):
        for item in value:
            _check_text(item)
    return value


class WireModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        from_attributes=True,
        ser_json_inf_nan="null",
    )

    @field_validator("*", mode="after")
    @classmethod
    def _windows_1252_only(cls, value: Any) -> Any:
        return _check_text(value)


# Numbers that are money or rates: exact decimals, documented as JSON numbers. Magnitudes of
# 10^17 and more (`1e400`, a 5000-digit integer) are refused with OUT_OF_RANGE at the field,
# before they reach arithmetic or a database column.
DECIMAL_LIMIT = Decimal(10) ** 17
Decimal2 = Annotated[
    Decimal,
    Field(allow_inf_nan=False, gt=-DECIMAL_LIMIT, lt=DECIMAL_LIMIT),
    WithJsonSchema({"type": "number"}),
]
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1), WithJsonSchema({"type": "integer", "format": "int32"})]
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1), WithJsonSchema({"type": "integer", "format": "int64"})]


class ErrorMessage(WireModel):
    status: Int32 | None = None
    field: str | None = None
    message: str | None = None


class ErrorMessages(WireModel):
    errors: list[ErrorMessage] = []


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` of an endpoint that may answer these statuses with the error body."""
    return {status: {"model": ErrorMessages} for status in statuses}


class InfoMessage(WireModel):
    message: str | None = None


class SearchResultMetaData(WireModel):
    page_number: Int32 | None = None
    page_size: Int32 | None = None
    result_count: Int32 | None = None
    total_count: Int64 | None = None

    @classmethod
    def of(cls, meta: PageMeta) -> SearchResultMetaData:
        """The wire form of a page's metadata."""
        return cls(
            page_number=meta.page_number,
            page_size=meta.page_size,
            result_count=meta.result_count,
            total_count=meta.total_count,
        )


T = TypeVar("T")


class SearchResult(WireModel, Generic[T]):
    """The paging envelope; concrete subclasses carry the contract's schema names."""

    results: list[T] = []
    meta: SearchResultMetaData = SearchResultMetaData()
