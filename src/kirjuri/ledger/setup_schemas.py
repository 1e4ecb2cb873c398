"""Wire models of the books' set-up: the chart of accounts (§D.6), fiscal years and tracking
periods (§D.11), dimensions (§D.9), and Kirjuri's extras under `/api/kirjuri/...` (accounts,
opening and closing years, reopening periods, creating dimensions).

Invariants: contract names and fields exactly as in Procountor 26.04 (camelCase through
`WireModel`); a dimension item's `status` is absent for an active item and `"P"` for an inactive
one, in both directions; an unknown VAT status or rate class on an account is refused at its field
with a code, never passed on to the service.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from kirjuri.api.schemas import Decimal2, Int32, WireModel
from kirjuri.core import vat
from kirjuri.core.money import plain
from kirjuri.ledger import default_splits
from kirjuri.ledger.chart import AccountType

# --- chart of accounts (§D.6) ------------------------------------------------------------------------


class LedgerAccountTranslation(WireModel):
    language_code: str | None = None
    translation: str | None = None


class LedgerAccount(WireModel):
    ledger_account_code: str | None = None
    name: str | None = None
    active: bool | None = None
    translations: list[LedgerAccountTranslation] | None = None


class LedgerAccounts(WireModel):
    ledger_accounts: list[LedgerAccount] = Field(default_factory=list)


# --- fiscal years (§D.11) ---------------------------------------------------------------------------


class TrackingPeriodStatus(StrEnum):
    CLOSED = "CLOSED"
    OPEN = "OPEN"
    PENDING = "PENDING"


class TrackingPeriod(WireModel):
    id: Int32 | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: TrackingPeriodStatus
    modified: datetime | None = None


class FiscalYear(WireModel):
    id: Int32 | None = None
    start_date: date | None = None
    end_date: date | None = None
    modified: datetime | None = None
    tracking_periods: list[TrackingPeriod] | None = None
    is_open: bool | None = None


class FiscalYears(WireModel):
    fiscal_years: list[FiscalYear] = Field(default_factory=list)


# --- dimensions (§D.9) ------------------------------------------------------------------------------

INACTIVE = "P"
Text255 = Annotated[str, Field(max_length=255)]


class DimensionItem(WireModel):
    id: Int32 | None = None
    code_name: Annotated[str, Field(min_length=1, max_length=255)]
    # Absent (None) = active, "P" = inactive; nothing else exists in the contract.
    status: Literal["P"] | None = None
    description: Text255 | None = None


class DimensionName(WireModel):
    name: Annotated[str, Field(min_length=1, max_length=255)]


class Dimension(WireModel):
    id: Int32 | None = None
    name: str
    items: list[DimensionItem] | None = None


# --- Kirjuri extras ---------------------------------------------------------------------------------


class KirjuriLedgerAccount(WireModel):
    """One account of the full chart, as `GET /api/kirjuri/accounts` shows it."""

    code: str
    name: str
    name_sv: str | None = None
    name_en: str | None = None
    account_type: AccountType
    # The KPA statement leaf line the account is reported on, and that line's Finnish name.
    statement_line: str
    statement_line_name: str | None = None
    vat_allowed: bool
    default_vat_status: Int32 | None = None
    default_vat_class: vat.RateClass | None = None
    role: str | None = None
    active: bool
    version: datetime | None = None


class KirjuriLedgerAccountList(WireModel):
    accounts: list[KirjuriLedgerAccount] = Field(default_factory=list)


def _known_vat_status(value: int | None) -> int | None:
    if value is not None and value not in vat.STATUSES:
        raise PydanticCustomError("INVALID_VAT_STATUS", "unknown VAT status {value}", {"value": value})
    return value


class KirjuriLedgerAccountCreate(WireModel):
    """`POST /api/kirjuri/accounts`: type and statement line follow the code's range."""

    code: Annotated[str, Field(min_length=1, max_length=12)]
    name: Annotated[str, Field(min_length=1, max_length=255)]
    name_sv: Text255 | None = None
    name_en: Text255 | None = None
    vat_allowed: bool | None = None
    default_vat_status: Int32 | None = None
    default_vat_class: vat.RateClass | None = None

    @field_validator("default_vat_status")
    @classmethod
    def _status(cls, value: int | None) -> int | None:
        return _known_vat_status(value)


class KirjuriLedgerAccountUpdate(WireModel):
    """`PATCH /api/kirjuri/accounts/{code}`: only the fields sent change."""

    name: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    name_sv: Text255 | None = None
    name_en: Text255 | None = None
    active: bool | None = None


class KirjuriFiscalYearCreate(WireModel):
    """`POST /api/kirjuri/fiscalyears`: the year after the latest one, `months` long (default 12)."""

    months: Int32 | None = None


class KirjuriFiscalYearClosed(WireModel):
    """The closed year and the id of the opening receipt posted on the next year's first day
    (absent when the closed year had no balances to carry)."""

    fiscal_year: FiscalYear
    opening_receipt_id: Int32 | None = None


class KirjuriDimensionCreate(WireModel):
    name: Annotated[str, Field(min_length=1, max_length=255)]


# --- default dimension splits of partners, persons and products ----------------------------------------


class DefaultDimensionItemBasicData(WireModel):
    id: Int32 | None = None
    code_name: str
    percent: Decimal2


class DefaultDimensionItem(DefaultDimensionItemBasicData):
    # Read-only: true while the item is active.
    status: bool | None = None
    description: str | None = None


class DefaultDimensionBasicData(WireModel):
    id: Int32 | None = None
    name: str | None = None
    items: list[DefaultDimensionItemBasicData] = Field(default_factory=list)


class DefaultDimension(WireModel):
    """A dimension's default split: `items` with percentages that add up to 100 (empty = no split)."""

    id: Int32 | None = None
    name: str | None = None
    items: list[DefaultDimensionItem] = Field(default_factory=list)

    @classmethod
    def of(cls, split: default_splits.Split) -> DefaultDimension:
        return cls(
            id=split.dimension.id,
            name=split.dimension.name,
            items=[
                DefaultDimensionItem(
                    id=s.item.id,
                    code_name=s.item.code_name,
                    percent=plain(s.percent),
                    status=s.item.active,
                    description=s.item.description,
                )
                for s in split.items
            ],
        )

    def wanted(self) -> list[default_splits.WantedItem]:
        return [default_splits.WantedItem(i.id, i.code_name, i.percent) for i in self.items]


def basic_splits(splits: list[default_splits.Split]) -> list[DefaultDimensionBasicData]:
    return [
        DefaultDimensionBasicData(
            id=s.dimension.id,
            name=s.dimension.name,
            items=[
                DefaultDimensionItemBasicData(id=i.item.id, code_name=i.item.code_name, percent=plain(i.percent))
                for i in s.items
            ],
        )
        for s in splits
    ]
