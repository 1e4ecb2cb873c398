"""Wire models of the company's bank accounts (§D.2: CompanyBankAccount, CompanyBankAccountBasicInfo,
CompanyBankAccountSearchResult, BankAccountAlias) and the conversions to and from the stored row.

Invariant: names and fields exactly as in Procountor 26.04; the stored `document` is the wire
object without `id`, `version` and `created`, nulls left out — so what a client reads back is what
the service stored (the row's columns are kept equal to it by the service).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from kirjuri.api.schemas import Currency, Int32, SearchResult, WireModel
from kirjuri.banking.accounts.models import BankAccount as AccountRow

Text255 = Annotated[str, Field(max_length=255)]


class AccountStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class AliasType(StrEnum):
    BANKGIRO = "BANKGIRO"
    KREDITOR = "KREDITOR"
    PLUSGIRO = "PLUSGIRO"


class BankAccountAlias(WireModel):
    type: AliasType
    account_number: Annotated[str, Field(min_length=1, max_length=35)]


class CompanyBankAccountBasicInfo(WireModel):
    id: Int32 | None = None
    account_number: str | None = None
    iban: str
    bic: Text255 | None = None
    bank_name: Text255 | None = None
    currency: Currency
    default_for_invoice: bool
    default_for_payment: bool
    status: AccountStatus
    order_no: Int32 | None = None
    associated_accounts: list[BankAccountAlias] | None = None
    version: datetime | None = None


class CompanyBankAccount(CompanyBankAccountBasicInfo):
    iban: Annotated[str, Field(max_length=42)]
    bank_address: Text255 | None = None
    ledger_account: Annotated[str, Field(min_length=1, max_length=20)]
    banking_code: Annotated[str, Field(max_length=20)] | None = None
    service_numbers: list[Annotated[str, Field(max_length=35)]] | None = None
    show_account_on_invoice: bool
    allow_payments: bool
    allow_foreign_payments: bool
    allow_salary_payments: bool | None = None
    allow_express_payments: bool | None = None
    withholding_tax: bool | None = None
    created: datetime | None = None


class CompanyBankAccountSearchResult(SearchResult[CompanyBankAccountBasicInfo]):
    pass


_SERVER_KEPT = {"id", "version", "created"}


def document_of(body: CompanyBankAccount) -> dict[str, Any]:
    """The request as the stored document: camelCase, JSON values, nulls and server fields out."""
    return body.model_dump(mode="json", by_alias=True, exclude_none=True, exclude=_SERVER_KEPT)


def _wire(row: AccountRow) -> dict[str, Any]:
    return {**row.document, "id": row.id, "orderNo": row.order_no, "version": row.version}


def account_out(row: AccountRow) -> CompanyBankAccount:
    return CompanyBankAccount.model_validate({**_wire(row), "created": row.created_at})


def basic_out(row: AccountRow) -> CompanyBankAccountBasicInfo:
    return CompanyBankAccountBasicInfo.model_validate(_wire(row))
