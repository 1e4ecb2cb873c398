"""The VAT row rule, one line per treatment (a little ledger per case: cents)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kirjuri.core import vat
from kirjuri.core.vat import Side
from kirjuri.ledger.vatrows import VatAccounts, VatRow, tax_of, vat_kind, vat_rows

ACCOUNTS = VatAccounts(payable="2930", receivable="1765")
D = Decimal


@pytest.mark.parametrize(
    ("net", "percent", "tax"),
    [(10000, "25.5", 2550), (-10000, "25.5", -2550), (1, "25.5", 0), (2, "25.5", 1), (-2, "25.5", -1),
     (333, "13.5", 45), (10001, "10", 1000), (5, "10", 1), (-5, "10", -1)],
)  # fmt: skip
def test_tax_rounds_half_away_from_zero(net: int, percent: str, tax: int) -> None:
    assert tax_of(net, D(percent)) == tax


@pytest.mark.parametrize(
    ("side", "status", "percent", "deduction", "net", "expected"),
    [
        # A domestic sale (credit): output tax, credit.
        (Side.SALES, vat.DOMESTIC, "25.5", None, -10000, [VatRow("OUTPUT", "2930", -2550)]),
        # A domestic purchase: all deductible.
        (Side.PURCHASE, vat.DOMESTIC, "25.5", None, 10000, [VatRow("INPUT", "1765", 2550)]),
        # Half deductible: the rest is a cost on the row's own account.
        (Side.PURCHASE, vat.DOMESTIC, "25.5", "50", 10000,
         [VatRow("INPUT", "1765", 1275), VatRow("COST", "4000", 1275)]),
        # Reverse charge: output and input cancel.
        (Side.PURCHASE, vat.EU_GOODS, "25.5", None, 10000,
         [VatRow("OUTPUT", "2930", -2550), VatRow("INPUT", "1765", 2550)]),
        (Side.PURCHASE, vat.CONSTRUCTION, "25.5", "0", 10000,
         [VatRow("OUTPUT", "2930", -2550), VatRow("COST", "4000", 2550)]),
        (Side.PURCHASE, vat.NON_DEDUCTIBLE, "25.5", None, 10000, [VatRow("COST", "4000", 2550)]),
        # Zero treatments and zero percent add nothing.
        (Side.SALES, vat.EU_GOODS, "0", None, -10000, []),
        (Side.SALES, vat.DOMESTIC, "0", None, -10000, []),
        (Side.SALES, vat.IMPORT, "25.5", None, -10000, []),  # not a sales status at all
        # A credit note flips every sign.
        (Side.PURCHASE, vat.DOMESTIC, "13.5", None, -10000, [VatRow("INPUT", "1765", -1350)]),
    ],
)  # fmt: skip
def test_vat_rows(  # noqa: PLR0917 - one parameter per table column
    side: Side, status: int, percent: str, deduction: str | None, net: int, expected: list[VatRow]
) -> None:
    rows = vat_rows(
        account="4000",
        net_minor=net,
        side=side,
        status=status,
        percent=D(percent),
        deduction_percent=None if deduction is None else D(deduction),
        accounts=ACCOUNTS,
    )
    assert rows == expected


@pytest.mark.parametrize("status", list(vat.STATUSES))
@pytest.mark.parametrize("side", list(Side))
def test_only_charged_tax_changes_the_balance(status: int, side: Side) -> None:
    rows = vat_rows(account="4000", net_minor=12345, side=side, status=status, percent=D("25.5"),
                    deduction_percent=D("30"), accounts=ACCOUNTS)  # fmt: skip
    treatment = vat.STATUSES[status].treatment(side)
    charged = treatment in (vat.Treatment.CHARGED, vat.Treatment.NON_DEDUCTIBLE)
    assert sum(r.amount_minor for r in rows) == (tax_of(12345, D("25.5")) if charged else 0)


def test_vat_kind() -> None:
    assert [vat_kind(r) for r in (None, "OUTPUT", "INPUT", "COST")] == ["B", "O", "I", "C"]
