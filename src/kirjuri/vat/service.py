"""The VAT area's verbs: the contract's VAT information (§D.26) and the periodic VAT return with
its VSRALVKV file, computed from the ledger's balances.

Invariants: percentages and statuses come only from `core.vat` (the rates valid on the company's
today for a country); the return is the box mapping of `vat.rules` applied to the sums of
`vat.repository` — nothing here re-derives a rate or a box; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kirjuri.companies import service as companies_service
from kirjuri.core import clock
from kirjuri.core import vat as vat_rules
from kirjuri.core.errors import KirjuriError
from kirjuri.vat import repository, rules

FINLAND = ZoneInfo("Europe/Helsinki")
COUNTRY = "FI"


def finnish_now() -> datetime:
    return clock.now().astimezone(FINLAND)


@dataclass(frozen=True, slots=True)
class Percentage:
    percent: Decimal
    sales: bool
    purchase: bool


def default_percentages() -> list[Percentage]:
    """Every Finnish percentage that was ever in force (each valid on its own dates) and 0 %:
    all usable on both sides — which status allows which is `statuses()`'s business."""
    return [Percentage(p, True, True) for p in vat_rules.all_fi_percentages()]


def statuses() -> list[vat_rules.VatStatus]:
    return [vat_rules.STATUSES[code] for code in sorted(vat_rules.STATUSES)]


def country_percentages(country_code: str, *, today: date | None = None) -> list[Decimal]:
    """The percentages of an ISO alpha-2 country in force today; 400 INVALID_COUNTRY_CODE else."""
    code = country_code.strip().upper()
    found = vat_rules.country_percentages(code, today or finnish_now().date()) if len(code) == 2 else None
    if found is None:
        raise KirjuriError("INVALID_COUNTRY_CODE", 400, "countryCode")
    return found


@dataclass(frozen=True, slots=True)
class VatSettings:
    unit_prices_include_vat_sales: bool
    unit_prices_include_vat_purchase: bool


def settings() -> VatSettings:
    """Whether unit prices include VAT by default. No company setting stores this yet: prices are
    entered without VAT on both sides."""
    return VatSettings(False, False)


@dataclass(frozen=True, slots=True)
class VatReport:
    start: date
    end: date
    result: rules.VatReturn
    breakdown: list[rules.Breakdown]


def vat_report(
    session: Session, *, company_id: int, start: date, end: date, statuses: frozenset[str] | None = None
) -> VatReport:
    """The VAT return boxes of start..end and the sums behind them (every counted receipt status
    unless `statuses` narrows them)."""
    sums = repository.vat_sums(session, company_id=company_id, start=start, end=end, statuses=statuses)
    return VatReport(start, end, rules.vat_return(sums), rules.breakdown(sums))


@dataclass(frozen=True, slots=True)
class VatFile:
    filename: str
    text: str


def vsralvkv_file(
    session: Session,
    *,
    company_id: int,
    year: int,
    period: int,
    period_type: str,
    statuses: frozenset[str] | None = None,
) -> VatFile:
    """The VSRALVKV file of one tax period; the company must have a business id (409 otherwise)."""
    start, end = rules.period_dates(period_type, period, year)
    company = companies_service.current_company(session, company_id=company_id)
    if not company.business_id:
        raise KirjuriError("COMPANY_BUSINESS_ID_MISSING", 409)
    report = vat_report(session, company_id=company_id, start=start, end=end, statuses=statuses)
    text = rules.vsralvkv(
        business_id=company.business_id,
        period_type=period_type,
        period=period,
        year=year,
        boxes=report.result.boxes,
        created=finnish_now(),
    )
    suffix = "" if period_type == rules.YEAR else f"_{period_type}{period:02d}"
    return VatFile(f"VSRALVKV_{year}{suffix}.txt", text)
