"""Finnish VAT as data: the rates over time, the numeric VAT statuses and what each one means.

Invariant: a VAT percentage is valid only on the dates its rate was in force (the rate follows
the time of supply, DOMAIN.md §2.1.1), and a VAT status only on the side(s) — sales or purchase —
it exists for. Every other module asks these tables; no rate or status is hard-coded elsewhere.

The statuses are Kirjuri's numbering of the treatments of DOMAIN.md §2.1.3 (on the wire a status is
the number, as Procountor's `vat_1` → `1`):

| no | treatment                                   | sales     | purchase                |
|----|---------------------------------------------|-----------|-------------------------|
| 1  | domestic, taxed at the rate                 | output tax| deductible input tax    |
| 2  | zero-rated domestic turnover                | 0 %       | —                       |
| 3  | intra-EU goods                              | 0 %       | self-assessed at the FI rate |
| 4  | intra-EU services                           | 0 %       | self-assessed           |
| 5  | import of goods from outside the EU         | —         | self-assessed           |
| 6  | construction / scrap reverse charge         | 0 %       | self-assessed           |
| 7  | export outside the EU                       | 0 %       | —                       |
| 8  | exempt (health, finance, insurance …)       | 0 %       | 0 %                     |
| 9  | non-deductible purchase (VAT to cost)       | —         | at the rate, no deduction |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Side(StrEnum):
    SALES = "SALES"
    PURCHASE = "PURCHASE"


class Treatment(StrEnum):
    """How a status taxes a transaction of its side."""

    CHARGED = "CHARGED"  # tax at the rate: output tax on sales, input tax on purchases
    SELF_ASSESSED = "SELF_ASSESSED"  # buyer accounts for both output and input tax (reverse charge)
    NON_DEDUCTIBLE = "NON_DEDUCTIBLE"  # tax at the rate, none of it deductible: it is a cost
    ZERO = "ZERO"  # no tax; the percentage must be 0


@dataclass(frozen=True, slots=True)
class VatStatus:
    code: int
    name_fi: str
    name_en: str
    sales: Treatment | None  # None: not allowed on the sales side
    purchase: Treatment | None

    def treatment(self, side: Side) -> Treatment | None:
        return self.sales if side is Side.SALES else self.purchase


DOMESTIC = 1
ZERO_RATED = 2
EU_GOODS = 3
EU_SERVICES = 4
IMPORT = 5
CONSTRUCTION = 6
EXPORT = 7
EXEMPT = 8
NON_DEDUCTIBLE = 9

T = Treatment
STATUSES: dict[int, VatStatus] = {
    s.code: s
    for s in (
        VatStatus(
            DOMESTIC, "Kotimaan verollinen myynti tai osto", "Domestic taxable sales or purchases", T.CHARGED, T.CHARGED
        ),
        VatStatus(ZERO_RATED, "Kotimaan 0-verokannan alainen myynti", "Domestic zero-rated sales", T.ZERO, None),
        VatStatus(EU_GOODS, "Yhteisömyynti tai -hankinta, tavarat", "Intra-EU goods", T.ZERO, T.SELF_ASSESSED),
        VatStatus(EU_SERVICES, "Yhteisömyynti tai -hankinta, palvelut", "Intra-EU services", T.ZERO, T.SELF_ASSESSED),
        VatStatus(
            IMPORT,
            "Tavaroiden maahantuonti EU:n ulkopuolelta",
            "Import of goods from outside the EU",
            None,
            T.SELF_ASSESSED,
        ),
        VatStatus(
            CONSTRUCTION,
            "Rakentamispalvelut ja metalliromu, käännetty verovelvollisuus",
            "Construction services and scrap metal, reverse charge",
            T.ZERO,
            T.SELF_ASSESSED,
        ),
        VatStatus(EXPORT, "Vienti EU:n ulkopuolelle", "Export outside the EU", T.ZERO, None),
        VatStatus(EXEMPT, "Veroton (arvonlisäverolain ulkopuolinen)", "Exempt from VAT", T.ZERO, T.ZERO),
        VatStatus(NON_DEDUCTIBLE, "Vähennyskelvoton osto", "Non-deductible purchase", None, T.NON_DEDUCTIBLE),
    )
}


class RateClass(StrEnum):
    GENERAL = "GENERAL"
    REDUCED = "REDUCED"
    LOW = "LOW"


@dataclass(frozen=True, slots=True)
class RatePeriod:
    """The Finnish rates in force from `start` (inclusive) until the next period starts."""

    start: date
    rates: dict[RateClass, Decimal]
    note: str


# DOMAIN.md §2.1.1. The 2025 row keeps the rates of 2024 but moved goods between the classes.
def _period(start: date, general: str, reduced: str, low: str, note: str) -> RatePeriod:
    rates = (Decimal(general), Decimal(reduced), Decimal(low))
    return RatePeriod(start, dict(zip(RateClass, rates, strict=True)), note)


FI_RATE_PERIODS: tuple[RatePeriod, ...] = (
    _period(date(2013, 1, 1), "24", "14", "10", "24 / 14 / 10"),
    _period(date(2024, 9, 1), "25.5", "14", "10", "general rate 25.5 % (HE 35/2024)"),
    _period(date(2025, 1, 1), "25.5", "14", "10", "most of 10 % moved to 14 % (HE 141/2024)"),
    _period(date(2026, 1, 1), "25.5", "13.5", "10", "14 % → 13.5 % (HE 93/2025)"),
)

ZERO = Decimal(0)


def rate_period(on: date) -> RatePeriod:
    current = FI_RATE_PERIODS[0]
    for period in FI_RATE_PERIODS:
        if period.start <= on:
            current = period
    return current


def rates_on(on: date) -> dict[RateClass, Decimal]:
    """The Finnish rates by class in force on `on` (the supply date)."""
    return dict(rate_period(on).rates)


def rate_of(rate_class: str | None, on: date) -> Decimal:
    return ZERO if rate_class is None else rates_on(on)[RateClass(rate_class)]


def class_of(percent: Decimal, on: date) -> RateClass | None:
    """Which class `percent` is on `on`; None when it is not a rate in force then."""
    for rate_class, rate in rates_on(on).items():
        if rate == percent:
            return rate_class
    return None


def all_fi_percentages() -> list[Decimal]:
    """Every Finnish percentage that was ever in force (each valid on its own dates), and 0, descending."""
    found = {ZERO, *(rate for period in FI_RATE_PERIODS for rate in period.rates.values())}
    return sorted(found, reverse=True)


def check(*, status: int, side: Side, percent: Decimal, on: date) -> str | None:
    """The validation code when `percent` and `status` do not go together on `side` on `on`, else None.

    `ERROR_VATSTATUS_VATPERC` covers all of: unknown status, a status not allowed on the side,
    a non-zero percentage on a zero-tax status, and a percentage that was not a rate on that date.
    A taxing status with 0 % is allowed: it is a row without VAT (a bank or balance-sheet row).
    """
    vat_status = STATUSES.get(status)
    treatment = vat_status.treatment(side) if vat_status else None
    if treatment is None:
        return "ERROR_VATSTATUS_VATPERC"
    if percent == ZERO:
        return None
    if treatment is Treatment.ZERO or class_of(percent, on) is None:
        return "ERROR_VATSTATUS_VATPERC"
    return None


# Standard and reduced rates of the other EU states and the Nordic neighbours (GET /vats/country),
# in force on 2026-01-01; Finland's come from the periods above.
COUNTRY_PERCENTAGES: dict[str, tuple[str, ...]] = {
    "AT": ("20", "13", "10"), "BE": ("21", "12", "6"), "BG": ("20", "9"), "CY": ("19", "9", "5"),
    "CZ": ("21", "12"), "DE": ("19", "7"), "DK": ("25",), "EE": ("24", "13", "9"), "ES": ("21", "10", "4"),
    "FR": ("20", "10", "5.5", "2.1"), "GR": ("24", "13", "6"), "HR": ("25", "13", "5"), "HU": ("27", "18", "5"),
    "IE": ("23", "13.5", "9", "4.8"), "IT": ("22", "10", "5", "4"), "LT": ("21", "9", "5"),
    "LU": ("17", "14", "8", "3"), "LV": ("21", "12", "5"), "MT": ("18", "7", "5"), "NL": ("21", "9"),
    "PL": ("23", "8", "5"), "PT": ("23", "13", "6"), "RO": ("21", "11"), "SE": ("25", "12", "6"),
    "SI": ("22", "9.5", "5"), "SK": ("23", "19", "5"), "NO": ("25", "15", "12"), "IS": ("24", "11"),
}  # fmt: skip


def country_percentages(iso2: str, on: date) -> list[Decimal] | None:
    """The percentages of a country (ISO alpha-2) in force on `on`, 0 included; None when unknown."""
    if iso2 == "FI":
        return sorted({*rates_on(on).values(), ZERO}, reverse=True)
    found = COUNTRY_PERCENTAGES.get(iso2)
    return None if found is None else [*(Decimal(p) for p in found), ZERO]
