"""The periodic VAT return (kausiveroilmoitus) as pure rules: which VAT sums feed which box, the
308 formula, the tax periods, and the VSRALVKV `code:value` file.

THE box mapping is `BOX_RULES`, one table: a VAT sum of the ledger — its kind (`B` the base rows,
`O` output tax, `I` deductible input tax, `C` tax to cost; see `ledger.balances`), its numeric VAT
status (`core.vat`), its side (`S` sales, `P` purchase) and, for domestic output tax, the rate class
of its percentage on its date — lands in at most one box, with a sign that turns the ledger sum
(debit +) into the amount the return shows:

    301–303  output tax of domestic sales (status 1, sales) by rate class: general / reduced / 10 %
    304      self-assessed tax on imports of goods from outside the EU (status 5, purchase)
    305/306  self-assessed tax on goods / services bought from other EU countries (3 / 4, purchase)
    318      self-assessed tax on construction services and scrap metal bought (6, purchase)
    307      deductible input tax of the period, every status pooled
    308      = 301 + 302 + 303 + 304 + 305 + 306 + 318 − 307 (payable +, refundable −)
    309      zero-rate turnover: zero-rated domestic sales (2) and exports outside the EU (7)
    310      imports of goods from outside the EU, base (5, purchase)
    311/312  sales of goods / services to other EU countries, base (3 / 4, sales)
    313/314  purchases of goods / services from other EU countries, base (3 / 4, purchase)
    319/320  sales / purchases of construction services and scrap metal, base (6)

Exempt sales (8), domestic bases, non-deductible purchases (9, tax to cost) and the `C` part of any
tax feed no box. Base sums count only on accounts that may carry VAT (`vat_allowed`): the bank or
receivables row of a receipt inherits the receipt's VAT status but is no supply.

Box numbers. DOMAIN.md §2.1.4 lists Odoo's numbering, which puts 0-rate turnover in 304 and the
import tax in 340 and leaves the import base open. Verohallinto's data-file description (VSRALVKV,
in force since 2018) and several independent implementations (Microsoft Dynamics' Finnish VAT
declaration, Pupesoft, Kitupiikki, SoftOne) number them 304 = tax on imports, 309 = 0-rate
turnover, 310 = imports (base), with 308 including 304 — that numbering is used here. 315–317
(small-business relief) are not used for periods from 2025 and not written.

The file: one `code:value` per line (CRLF), `000:VSRALVKV`, `198:` creation time ddMMyyyyHHmmss
(Finnish time), `014:` software id (the reporter's business id + `_KJ`: Kirjuri has no business id
of its own), `048:` software name, `010:` the reporter's business id, `050:` period type (K month,
Q quarter, V year), `052:` period number (K and Q only), `053:` year, every box with comma
decimals (`1234,56`, `-12,00`, `0,00`), and the closing `999:1`.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from kirjuri.core import vat
from kirjuri.core.errors import KirjuriError
from kirjuri.core.vat import RateClass

SALES = "S"
PURCHASE = "P"
BASE = "B"
OUTPUT = "O"
INPUT = "I"
COST = "C"


@dataclass(frozen=True, slots=True)
class BoxRule:
    kind: str  # B, O or I
    status: int | None  # None: every status
    side: str  # S or P
    rate_class: RateClass | None  # only domestic output tax is split by rate class
    box: str
    sign: int  # shown = sign × ledger sum (debit +): credits (sales, output tax) show positive


BOX_RULES: tuple[BoxRule, ...] = (
    BoxRule(OUTPUT, vat.DOMESTIC, SALES, RateClass.GENERAL, "301", -1),
    BoxRule(OUTPUT, vat.DOMESTIC, SALES, RateClass.REDUCED, "302", -1),
    BoxRule(OUTPUT, vat.DOMESTIC, SALES, RateClass.LOW, "303", -1),
    BoxRule(OUTPUT, vat.IMPORT, PURCHASE, None, "304", -1),
    BoxRule(OUTPUT, vat.EU_GOODS, PURCHASE, None, "305", -1),
    BoxRule(OUTPUT, vat.EU_SERVICES, PURCHASE, None, "306", -1),
    BoxRule(OUTPUT, vat.CONSTRUCTION, PURCHASE, None, "318", -1),
    BoxRule(INPUT, None, PURCHASE, None, "307", 1),
    BoxRule(BASE, vat.ZERO_RATED, SALES, None, "309", -1),
    BoxRule(BASE, vat.EXPORT, SALES, None, "309", -1),
    BoxRule(BASE, vat.IMPORT, PURCHASE, None, "310", 1),
    BoxRule(BASE, vat.EU_GOODS, SALES, None, "311", -1),
    BoxRule(BASE, vat.EU_SERVICES, SALES, None, "312", -1),
    BoxRule(BASE, vat.EU_GOODS, PURCHASE, None, "313", 1),
    BoxRule(BASE, vat.EU_SERVICES, PURCHASE, None, "314", 1),
    BoxRule(BASE, vat.CONSTRUCTION, SALES, None, "319", -1),
    BoxRule(BASE, vat.CONSTRUCTION, PURCHASE, None, "320", 1),
)

PAYABLE_BOX = "308"
# 308 = the tax boxes − 307.
PAYABLE_FORMULA: tuple[tuple[int, str], ...] = (
    *((1, box) for box in ("301", "302", "303", "304", "305", "306", "318")),
    (-1, "307"),
)

# Every box of the return, in the order the form (and the file) lists them, with its Finnish name.
BOXES: dict[str, str] = {
    "301": "Vero kotimaan myynnistä, yleinen verokanta",
    "302": "Vero kotimaan myynnistä, alennettu verokanta (13,5 %; 14 % ennen 1.1.2026)",
    "303": "Vero kotimaan myynnistä, 10 %",
    "304": "Vero tavaroiden maahantuonnista EU:n ulkopuolelta",
    "305": "Vero tavaraostoista muista EU-maista",
    "306": "Vero palveluostoista muista EU-maista",
    "318": "Vero rakentamispalvelun ja metalliromun ostoista",
    "307": "Verokauden vähennettävä vero",
    "308": "Maksettava vero / Palautukseen oikeuttava vero (-)",
    "309": "0-verokannan alainen liikevaihto",
    "310": "Tavaroiden maahantuonnit EU:n ulkopuolelta",
    "311": "Tavaroiden myynnit muihin EU-maihin",
    "312": "Palveluiden myynnit muihin EU-maihin",
    "313": "Tavaraostot muista EU-maista",
    "314": "Palveluostot muista EU-maista",
    "319": "Rakentamispalvelun ja metalliromun myynnit",
    "320": "Rakentamispalvelun ja metalliromun ostot",
}


def rate_class(percent: Decimal, on: date) -> RateClass | None:
    """The class of `percent` on `on`; a percentage that was no rate then is looked up among every
    rate that ever was (the classes never shared a percentage), else None."""
    found = vat.class_of(percent, on)
    if found is not None:
        return found
    for period in vat.FI_RATE_PERIODS:
        for candidate, rate in period.rates.items():
            if rate == percent:
                return candidate
    return None


def box_of(*, kind: str, status: int, side: str, percent: Decimal, on: date) -> BoxRule | None:
    """The rule of `BOX_RULES` a VAT sum falls under, or None (no box)."""
    for rule in BOX_RULES:
        if rule.kind != kind or rule.side != side or (rule.status is not None and rule.status != status):
            continue
        if rule.rate_class is not None and rate_class(percent, on) is not rule.rate_class:
            continue
        return rule
    return None


@dataclass(frozen=True, slots=True)
class VatSum:
    """A sum of postings with one VAT key (ledger cents, debit +)."""

    on: date  # a day of the sum's tracking period: the rate class is read on it
    account: str
    vat_allowed: bool  # may the account carry VAT (base sums count only there)
    status: int
    side: str  # S, P or empty
    percent: Decimal
    kind: str  # B, O, I, C
    net: int


@dataclass(frozen=True, slots=True)
class VatReturn:
    boxes: dict[str, int]  # cents per box code of `BOXES`, 308 included
    # Output tax of domestic sales whose percentage is no Finnish rate: in no box (should not happen).
    unclassified: int


def vat_return(sums: Iterable[VatSum]) -> VatReturn:
    boxes: dict[str, int] = dict.fromkeys(BOXES, 0)
    unclassified = 0
    for found in sums:
        if found.kind == BASE and not found.vat_allowed:
            continue
        rule = box_of(kind=found.kind, status=found.status, side=found.side, percent=found.percent, on=found.on)
        if rule is not None:
            boxes[rule.box] += rule.sign * found.net
        elif found.kind == OUTPUT and found.status == vat.DOMESTIC and found.side == SALES:
            unclassified -= found.net
    boxes[PAYABLE_BOX] = sum(sign * boxes[box] for sign, box in PAYABLE_FORMULA)
    return VatReturn(boxes, unclassified)


@dataclass(frozen=True, slots=True)
class Breakdown:
    """The sums of one (status, side, percent): base (on VAT accounts only), output, input, cost."""

    status: int
    side: str
    percent: Decimal
    base: int
    output: int
    input: int
    cost: int


def breakdown(sums: Iterable[VatSum]) -> list[Breakdown]:
    cells: dict[tuple[int, str, Decimal], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for found in sums:
        if found.kind == BASE and not found.vat_allowed:
            continue
        cells[(found.status, found.side, found.percent)][found.kind] += found.net
    return [
        Breakdown(status, side, percent, c[BASE], c[OUTPUT], c[INPUT], c[COST])
        for (status, side, percent), c in sorted(cells.items())
        if any(c.values())
    ]


# --- tax periods ----------------------------------------------------------------------------------------

MONTH, QUARTER, YEAR = "K", "Q", "V"
PERIODS_PER_YEAR = {MONTH: 12, QUARTER: 4, YEAR: 1}


def period_dates(period_type: str, period: int, year: int) -> tuple[date, date]:
    """First and last day of tax period `period` (1-based) of `year`; 400 at `period` when it is
    not one of the type's periods."""
    count = PERIODS_PER_YEAR.get(period_type)
    if count is None:
        raise KirjuriError("INVALID_ENUM_VALUE", 400, "periodType")
    if not 1 <= period <= count:
        raise KirjuriError("INVALID_TAX_PERIOD", 400, "period")
    months = 12 // count
    first_month = (period - 1) * months + 1
    last_month = first_month + months - 1
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def period_of(period_type: str, start: date, end: date) -> tuple[int, int]:
    """(year, period) of the tax period that runs exactly from `start` to `end`; 400
    `INVALID_TAX_PERIOD` at `startDate` or `endDate` when the dates are not one period's bounds."""
    count = PERIODS_PER_YEAR.get(period_type)
    if count is None:
        raise KirjuriError("INVALID_ENUM_VALUE", 400, "periodType")
    months = 12 // count
    if start.day != 1 or (start.month - 1) % months:
        raise KirjuriError("INVALID_TAX_PERIOD", 400, "startDate")
    period = (start.month - 1) // months + 1
    if (start, end) != period_dates(period_type, period, start.year):
        raise KirjuriError("INVALID_TAX_PERIOD", 400, "endDate")
    return start.year, period


# --- the VSRALVKV file ------------------------------------------------------------------------------------

SOFTWARE_NAME = "Kirjuri"
SOFTWARE_SUFFIX = "_KJ"
FILE_BOXES = tuple(BOXES)


def amount_text(cents: int) -> str:
    """Cents as the file writes them: comma decimals, a minus sign, no thousands separator."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole},{part:02d}"


def vsralvkv(
    *,
    business_id: str,
    period_type: str,
    period: int,
    year: int,
    boxes: Mapping[str, int],
    created: datetime,
    software_name: str = SOFTWARE_NAME,
) -> str:
    """The VSRALVKV file of one tax period (see the module docstring); `created` in Finnish time."""
    lines = [
        "000:VSRALVKV",
        f"198:{created:%d%m%Y%H%M%S}",
        f"014:{business_id}{SOFTWARE_SUFFIX}",
        f"048:{software_name}",
        f"010:{business_id}",
        f"050:{period_type}",
    ]
    if period_type in (MONTH, QUARTER):
        lines.append(f"052:{period}")
    lines.append(f"053:{year}")
    lines += [f"{box}:{amount_text(boxes.get(box, 0))}" for box in FILE_BOXES]
    lines.append("999:1")
    return "\r\n".join(lines) + "\r\n"
