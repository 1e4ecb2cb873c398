"""THE VAT row rule: which postings the server adds to a ledger receipt for VAT, and where.

A transaction's `accountingValue` is its net amount (debit +, credit −). For each ENTRY row with a
non-zero `vatPercent` the server computes the tax once,

    tax = round_half_up(net × vatPercent / 100)            (to the cent, `core.money`)

and adds VAT rows — postings of kind VAT linked to the row by `parent_id`, never shown as
transactions on the wire — by the row's VAT status (`core.vat`) on the row's side:

- CHARGED on SALES (domestic sale): tax → the VAT_PAYABLE account (role `OUTPUT`).
- CHARGED on PURCHASE (domestic purchase): the deductible part
  `round_half_up(tax × vatDeductionPercent / 100)` (100 % when not given) → VAT_RECEIVABLE
  (`INPUT`); the rest (tax − deductible) → the row's own account (`COST`).
- SELF_ASSESSED on PURCHASE (intra-EU goods/services, import, construction reverse charge):
  −tax → VAT_PAYABLE (`OUTPUT`), the deductible part → VAT_RECEIVABLE (`INPUT`), the rest →
  the row's own account (`COST`). Output and input cancel out: the receipt's balance is unchanged.
- NON_DEDUCTIBLE on PURCHASE: tax → the row's own account (`COST`).
- ZERO: no rows (and `check` refuses a non-zero percentage before we get here).

REVERSING_ENTRY and RECONCILIATION_ENTRY rows never carry VAT. The receipt balances when the
client's rows plus these VAT rows sum to exactly zero. A COST row carries the parent's
dimension split, scaled to its own amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kirjuri.core.vat import STATUSES, Side, Treatment

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class VatAccounts:
    payable: str  # output VAT (role VAT_PAYABLE)
    receivable: str  # deductible input VAT (role VAT_RECEIVABLE)


@dataclass(frozen=True, slots=True)
class VatRow:
    role: str  # OUTPUT, INPUT or COST
    account: str
    amount_minor: int


def _percent_of(amount_minor: int, percent: Decimal) -> int:
    """`amount × percent / 100` rounded half away from zero to whole cents."""
    exact = Decimal(amount_minor) * percent / HUNDRED
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tax_of(net_minor: int, percent: Decimal) -> int:
    return _percent_of(net_minor, percent)


def vat_rows(
    *,
    account: str,
    net_minor: int,
    side: Side,
    status: int,
    percent: Decimal,
    deduction_percent: Decimal | None,
    accounts: VatAccounts,
) -> list[VatRow]:
    """The VAT rows of one ENTRY row, by the rule in the module docstring (zero rows omitted)."""
    vat_status = STATUSES.get(status)
    treatment = vat_status.treatment(side) if vat_status else None
    if treatment is None or treatment is Treatment.ZERO or not percent:
        return []
    tax = tax_of(net_minor, percent)
    if treatment is Treatment.CHARGED and side is Side.SALES:
        rows = [VatRow("OUTPUT", accounts.payable, tax)]
    else:
        share = HUNDRED if deduction_percent is None else deduction_percent
        deductible = 0 if treatment is Treatment.NON_DEDUCTIBLE else _percent_of(tax, share)
        rows = [VatRow("INPUT", accounts.receivable, deductible), VatRow("COST", account, tax - deductible)]
        if treatment is Treatment.SELF_ASSESSED:
            rows.insert(0, VatRow("OUTPUT", accounts.payable, -tax))
    return [row for row in rows if row.amount_minor]


def vat_kind(role: str | None) -> str:
    """The balance-table VAT kind of a posting: `B` base row, `O`/`I`/`C` tax rows."""
    return {"OUTPUT": "O", "INPUT": "I", "COST": "C"}.get(role or "", "B")
