"""Invoice sums: the row amounts, the VAT breakdown per rate and the totals of an invoice
(`invoiceSumInfo`) — the invoice rounding rule of Kirjuri.

Owns the arithmetic from the rows a client sent to the amounts stored, printed, sent in Finvoice
and posted to the ledger. The invoicing service calls `compute` on every invoice write; nothing
else adds up an invoice.

The rule:

1. **Row amount.** quantity × unit price × (1 − row discount %) × (1 − header discount %), computed
   exactly and rounded ONCE to cents with `core.money.round_money` (half away from zero, so a
   credit row is the mirror image of its debit row). With net prices (`prices_include_vat=False`)
   that is the row's net; with gross prices it is the row's gross.
2. **VAT per rate, not per row** (the EN 16931 / Finvoice VAT breakdown): the rows are grouped by
   VAT percent (and VAT status, see below); per group
   - net prices: net = Σ row nets, VAT = round(net × rate / 100), gross = net + VAT;
   - gross prices: gross = Σ row grosses, VAT = round(gross × rate / (100 + rate)),
     net = gross − VAT.
3. **Rows show the same formula applied to the row alone** (row VAT and gross, or row VAT and
   net). They are informative: rows of one rate may add up to a cent or so more or less than
   their VAT line, because rounding per rate is the authority.
4. **Totals are the sums of the VAT lines**, so the breakdown always adds up to the totals exactly,
   and net + VAT = gross holds on every row, every line and the totals.

VAT lines are sorted by percent, highest first (then by VAT status). A row's `vat_status`
(default 1, domestic) only keys the grouping — a 0 % exempt line and a 0 % reverse-charge line
are separate lines of the breakdown, as Finvoice and EN 16931 require (one line per category
and rate); it does not change the arithmetic. Which statuses and percentages a company may use
is the service's check (`core.vat`), not this module's.

Validation (all findings at once, `KirjuriError` 400 with the wire path): at least one row
(`INVOICE_ROWS_REQUIRED` at `invoiceRows`); discounts and VAT percent 0–100 (`OUT_OF_RANGE`; no
VAT rate anywhere comes near 100 %, and the bound keeps every amount of a valid invoice finite and
small), at most 4 decimals in a percentage, 6 in a quantity or unit price (`TOO_MANY_DECIMALS` — never
rounded away); a row amount beyond ±999 999 999.99 is `OUT_OF_RANGE` at the row's `unitPrice`.

Exactness: every product and quotient is computed in a decimal context precise enough for its
operands (`_product`, `_quotient`), so the one rounding is `round_money` of the exact value (or of
a value close enough to it that the rounding cannot differ) — never a double rounding through the
28-digit default context.

`in_accounting_currency` gives the second `invoiceSumInfo` entry when the invoice currency is not
the company's: `currencyRate` is units of invoice currency per one unit of the company currency, so
each VAT line's net and VAT are converted as round(amount / rate), the line's gross is their sum,
and the totals are the sums of the converted lines (the ledger posts exactly these lines, so the
receipt balances to the cent).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal, localcontext

from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.core.money import plain, round_money
from kirjuri.invoicing.document import Totals, VatLine

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
PERCENT_PLACES = 4
QUANTITY_PLACES = 6
PRICE_PLACES = 6
# A row amount rounds to at most ±999 999 999.99; an exact amount of this magnitude rounds beyond.
ROW_AMOUNT_LIMIT = Decimal("999999999.995")
# `paymentInfo.currencyRate`: min 0 (exclusive here: the amounts are divided by it), max 1 000 000.
MAX_CURRENCY_RATE = Decimal(1_000_000)
DOMESTIC_VAT_STATUS = 1


@dataclass(frozen=True, slots=True)
class RowInput:
    """One invoice row as the client sent it: the unit price is net, or gross when the invoice's
    prices include VAT (`extraInfo.unitPricesIncludeVat`)."""

    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    vat_percent: Decimal
    vat_status: int = DOMESTIC_VAT_STATUS


@dataclass(frozen=True, slots=True)
class RowTotals:
    """A row's amounts as shown on the row (informative; the VAT lines are the authority)."""

    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True, slots=True)
class Sums:
    rows: tuple[RowTotals, ...]  # in input order
    vat_lines: tuple[VatLine, ...]  # percent descending
    totals: Totals  # = the sums of the VAT lines


def compute(
    rows: Sequence[RowInput],
    *,
    header_discount_percent: Decimal,
    prices_include_vat: bool,
) -> Sums:
    """The sums of an invoice; raises `KirjuriError` (400, every finding) on invalid input."""
    _validate(rows, header_discount_percent)
    amounts = [_row_amount(row, header_discount_percent) for row in rows]
    out_of_range = [
        ErrorItem(400, "OUT_OF_RANGE", f"invoiceRows[{i}].unitPrice")
        for i, amount in enumerate(amounts)
        if amount.copy_abs() >= ROW_AMOUNT_LIMIT  # copy_abs: exact, no context to overflow
    ]
    if out_of_range:
        raise KirjuriError.many(out_of_range)
    rounded = [round_money(amount) for amount in amounts]
    split = _split_gross if prices_include_vat else _split_net
    row_totals = tuple(split(amount, row.vat_percent) for amount, row in zip(rounded, rows, strict=True))
    vat_lines = _vat_lines(rows, rounded, prices_include_vat=prices_include_vat)
    return Sums(rows=row_totals, vat_lines=vat_lines, totals=_sum_lines(vat_lines))


def in_accounting_currency(sums: Sums, *, rate: Decimal) -> Totals:
    """The totals in the company's currency: each VAT line's net and VAT divided by `rate` (units
    of invoice currency per one unit of the company currency) and rounded, gross = net + VAT,
    totals = the sums of the converted lines. A rate outside (0, 1 000 000] is refused with
    `OUT_OF_RANGE` at `paymentInfo.currencyRate`."""
    if not rate.is_finite() or not Decimal(0) < rate <= MAX_CURRENCY_RATE:
        raise KirjuriError("OUT_OF_RANGE", 400, "paymentInfo.currencyRate")
    converted = []
    # A tiny rate makes large amounts: round and add them where 28 digits cannot overflow.
    with localcontext(_context(_size(rate) + 60)):
        for line in sums.vat_lines:
            net = round_money(_quotient(line.net, rate))
            vat = round_money(_quotient(line.vat, rate))
            converted.append(VatLine(line.percent, net, vat, net + vat, vat_status=line.vat_status))
        return _sum_lines(converted)


def restated(lines: Sequence[VatLine], booked: Sequence[VatLine]) -> tuple[VatLine, ...]:
    """The VAT lines an invoice states when its ledger receipt books them (`invoicing.accounting`
    plan): each of `lines` with the net and VAT of the booked line of its percent and VAT status,
    when there is one (a sales invoice whose rate is split over several accounts takes the
    ledger's VAT). Lines the ledger does not book (a rate whose rows cancel out) stay as computed;
    the order stays the breakdown's."""
    by_key = {(line.percent, line.vat_status): line for line in booked}
    out: list[VatLine] = []
    for line in lines:
        found = by_key.pop((line.percent, line.vat_status), None)
        out.append(line if found is None else VatLine(line.percent, found.net, found.vat, found.gross, line.vat_status))
    out.extend(by_key.values())  # none when the keys agree; kept so that the lines add up to the totals
    out.sort(key=lambda line: (-line.percent, line.vat_status))
    return tuple(out)


def totals_of(lines: Iterable[VatLine]) -> Totals:
    """The totals of a VAT breakdown (rule 4: the sums of its lines)."""
    return _sum_lines(lines)


# --- validation -----------------------------------------------------------------------------------


def _validate(rows: Sequence[RowInput], header_discount_percent: Decimal) -> None:
    if not rows:
        raise KirjuriError("INVOICE_ROWS_REQUIRED", 400, "invoiceRows")
    errors = _check_percent(header_discount_percent, "discountPercent")
    for i, row in enumerate(rows):
        here = f"invoiceRows[{i}]"
        errors += _check_number(row.quantity, f"{here}.quantity", places=QUANTITY_PLACES)
        errors += _check_number(row.unit_price, f"{here}.unitPrice", places=PRICE_PLACES)
        errors += _check_percent(row.discount_percent, f"{here}.discountPercent")
        errors += _check_percent(row.vat_percent, f"{here}.vatPercent")
    if errors:
        raise KirjuriError.many(errors)


def _check_number(value: Decimal, path: str, *, places: int) -> list[ErrorItem]:
    if not value.is_finite():
        return [ErrorItem(400, "OUT_OF_RANGE", path)]
    if _decimal_places(value) > places:
        return [ErrorItem(400, "TOO_MANY_DECIMALS", path)]
    return []


def _check_percent(value: Decimal, path: str) -> list[ErrorItem]:
    """0–100 with at most 4 decimals; a range fault is reported before the decimals."""
    if not value.is_finite() or not 0 <= value <= HUNDRED:
        return [ErrorItem(400, "OUT_OF_RANGE", path)]
    if _decimal_places(value) > PERCENT_PLACES:
        return [ErrorItem(400, "TOO_MANY_DECIMALS", path)]
    return []


def _decimal_places(value: Decimal) -> int:
    """Decimals once trailing zeros are ignored (1.50 → 1), counted on the digits themselves:
    `core.money.decimal_places` normalizes in the 28-digit context, which rounds away the tail of
    a longer value (1.000…0001 with 29 decimals would count as 0)."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite: checked by the callers
    text = "".join(map(str, digits))
    significant = text.rstrip("0")
    if not significant:
        return 0
    return max(0, -(exponent + len(text) - len(significant)))


# --- arithmetic -----------------------------------------------------------------------------------


def _context(precision: int) -> Context:
    return Context(prec=max(precision, 28), rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX, Emin=MIN_EMIN)


def _product(*factors: Decimal) -> Decimal:
    """The exact product: a context holding every digit of every factor cannot round."""
    context = _context(sum(len(f.as_tuple().digits) for f in factors) + 1)
    result = Decimal(1)
    for factor in factors:
        result = context.multiply(result, factor)
    return result


def _quotient(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator to enough digits that rounding it to cents gives the same cents as
    rounding the exact quotient: a quotient of decimals with these digits and exponents that is
    not exactly on a half cent lies further from it than this precision's last digit."""
    return _context(_size(numerator) + _size(denominator) + 10).divide(numerator, denominator)


def _size(value: Decimal) -> int:
    """Digits plus the distance of the exponent from the point: bounds how fine a value is."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    return len(digits) + abs(exponent)


def _percent_of(value: Decimal) -> Decimal:
    """value / 100, exactly."""
    return _context(len(value.as_tuple().digits) + 1).scaleb(value, Decimal(-2))


def _factor(percent: Decimal) -> Decimal:
    """1 − percent / 100, exactly (a validated percentage is 0–100 with at most 4 decimals)."""
    return Decimal(1) - _percent_of(percent)


def _row_amount(row: RowInput, header_discount_percent: Decimal) -> Decimal:
    """The exact, unrounded row amount."""
    return _product(row.quantity, row.unit_price, _factor(row.discount_percent), _factor(header_discount_percent))


def _vat_of_net(net: Decimal, percent: Decimal) -> Decimal:
    return round_money(_percent_of(_product(net, percent)))


def _vat_of_gross(gross: Decimal, percent: Decimal) -> Decimal:
    return round_money(_quotient(_product(gross, percent), HUNDRED + percent))


def _split_net(net: Decimal, percent: Decimal) -> RowTotals:
    vat = _vat_of_net(net, percent)
    return RowTotals(net=net, vat=vat, gross=net + vat)


def _split_gross(gross: Decimal, percent: Decimal) -> RowTotals:
    vat = _vat_of_gross(gross, percent)
    return RowTotals(net=gross - vat, vat=vat, gross=gross)


def _vat_lines(
    rows: Sequence[RowInput], amounts: Sequence[Decimal], *, prices_include_vat: bool
) -> tuple[VatLine, ...]:
    """One line per (VAT percent, VAT status), its VAT computed once on the sum of its rows."""
    groups: dict[tuple[Decimal, int], Decimal] = {}
    for row, amount in zip(rows, amounts, strict=True):
        # Decimal hashes by value: 25.5 and 25.50 are one rate.
        key = (row.vat_percent, row.vat_status)
        groups[key] = groups.get(key, ZERO) + amount
    lines = []
    for (percent, status), amount in groups.items():
        split = _split_gross(amount, percent) if prices_include_vat else _split_net(amount, percent)
        lines.append(
            VatLine(percent=plain(percent), net=split.net, vat=split.vat, gross=split.gross, vat_status=status)
        )
    lines.sort(key=lambda line: (-line.percent, line.vat_status))
    return tuple(lines)


def _sum_lines(lines: Iterable[VatLine]) -> Totals:
    net = vat = gross = ZERO
    for line in lines:
        net, vat, gross = net + line.net, vat + line.vat, gross + line.gross
    return Totals(net=net, vat=vat, gross=gross)
