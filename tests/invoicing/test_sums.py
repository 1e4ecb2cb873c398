"""The invoice rounding rule of `invoicing.sums`: worked examples computed by hand (net and gross
prices, row and header discounts, the rates 25.5/14/13.5/10/0, half cents, credit rows, VAT
statuses), the refusals, the conversion to the accounting currency, and properties: the VAT
breakdown adds up to the totals, net + VAT = gross everywhere, row order and sign symmetry, gross
prices derived from a net invoice, and exact agreement with a rational-number reference."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kirjuri.core.errors import KirjuriError
from kirjuri.invoicing.document import Totals
from kirjuri.invoicing.sums import RowInput, Sums, compute, in_accounting_currency

D = Decimal
Row = tuple[str, str, str, str]  # quantity, unit price, discount %, VAT %
Amounts = tuple[str, str, str]  # net, VAT, gross
Line = tuple[str, str, str, str]  # percent, net, VAT, gross
# id, rows, header discount %, prices include VAT, rows, VAT lines, totals
Worked = tuple[str, list[Row], str, bool, list[Amounts], list[Line], Amounts]


def _rows(rows: Sequence[Row]) -> list[RowInput]:
    return [RowInput(D(q), D(p), D(d), D(v)) for q, p, d, v in rows]


def _compute(rows: Sequence[Row], *, header: str = "0", gross: bool = False) -> Sums:
    return compute(_rows(rows), header_discount_percent=D(header), prices_include_vat=gross)


def _amounts(net: Decimal, vat: Decimal, gross: Decimal) -> Amounts:
    # str() so that 5 and 5.00 differ: every amount carries exactly two decimals.
    return (str(net), str(vat), str(gross))


def _shown(sums: Sums) -> tuple[list[Amounts], list[Line], Amounts]:
    return (
        [_amounts(r.net, r.vat, r.gross) for r in sums.rows],
        [(str(v.percent), *_amounts(v.net, v.vat, v.gross)) for v in sums.vat_lines],
        _amounts(sums.totals.net, sums.totals.vat, sums.totals.gross),
    )


# --- worked examples ------------------------------------------------------------------------------

WORKED: list[Worked] = [
    (
        # The contract's example: 12.5 h × 95.00 = 1187.50; 1187.50 × 25.5 % = 302.8125 → 302.81.
        "contract-example",
        [("12.5", "95.00", "0", "25.5")],
        "0",
        False,
        [("1187.50", "302.81", "1490.31")],
        [("25.5", "1187.50", "302.81", "1490.31")],
        ("1187.50", "302.81", "1490.31"),
    ),
    (
        # VAT per rate, not per row: each row 0.10 × 25.5 % = 0.0255 → 0.03 (rows show 0.03 each,
        # 0.09 together), but the line's VAT is 0.30 × 25.5 % = 0.0765 → 0.08, and that is the total.
        "vat-per-rate-not-per-row",
        [("1", "0.10", "0", "25.5")] * 3,
        "0",
        False,
        [("0.10", "0.03", "0.13")] * 3,
        [("25.5", "0.30", "0.08", "0.38")],
        ("0.30", "0.08", "0.38"),
    ),
    (
        # Row and header discount, one rounding: 2 × 49.90 = 99.80 × 0.90 = 89.82 × 0.95 = 85.329
        # → 85.33; VAT 85.33 × 25.5 % = 21.75915 → 21.76.
        "row-and-header-discount",
        [("2", "49.90", "10", "25.5")],
        "5",
        False,
        [("85.33", "21.76", "107.09")],
        [("25.5", "85.33", "21.76", "107.09")],
        ("85.33", "21.76", "107.09"),
    ),
    (
        # Four rates, net prices. 25.5 %: 200.00 + 0.99 = 200.99 × 0.255 = 51.25245 → 51.25;
        # 13.5 %: 3 × 7.90 = 23.70 × 0.135 = 3.1995 → 3.20; 10 %: 19.99 × 0.10 = 1.999 → 2.00;
        # 0 %: 5 × 4.00 = 20.00. Totals 264.68 + 56.45 = 321.13. Rows: 200.00 → 51.00,
        # 0.99 × 0.255 = 0.25245 → 0.25.
        "four-rates-net",
        [
            ("2", "100.00", "0", "25.5"),
            ("3", "7.90", "0", "13.5"),
            ("1", "19.99", "0", "10"),
            ("5", "4.00", "0", "0"),
            ("1", "0.99", "0", "25.5"),
        ],
        "0",
        False,
        [
            ("200.00", "51.00", "251.00"),
            ("23.70", "3.20", "26.90"),
            ("19.99", "2.00", "21.99"),
            ("20.00", "0.00", "20.00"),
            ("0.99", "0.25", "1.24"),
        ],
        [
            ("25.5", "200.99", "51.25", "252.24"),
            ("13.5", "23.70", "3.20", "26.90"),
            ("10", "19.99", "2.00", "21.99"),
            ("0", "20.00", "0.00", "20.00"),
        ],
        ("264.68", "56.45", "321.13"),
    ),
    (
        # Gross prices. 25.5 %: 125.50 + 9.99 = 135.49 × 25.5 / 125.5 = 27.5298… → 27.53, net 107.96;
        # 13.5 %: 2 × 11.35 = 22.70 × 13.5 / 113.5 = 2.70 exactly, net 20.00; 10 %: 10.00 × 10 / 110
        # = 0.909… → 0.91, net 9.09. Rows: 125.50 → 25.50 exactly; 9.99 × 25.5 / 125.5 = 2.0298…
        # → 2.03, net 7.96 (7.96 + 100.00 = 107.96 happens to match the line).
        "three-rates-gross",
        [
            ("1", "125.50", "0", "25.5"),
            ("2", "11.35", "0", "13.5"),
            ("1", "10.00", "0", "10"),
            ("1", "9.99", "0", "25.5"),
        ],
        "0",
        True,
        [
            ("100.00", "25.50", "125.50"),
            ("20.00", "2.70", "22.70"),
            ("9.09", "0.91", "10.00"),
            ("7.96", "2.03", "9.99"),
        ],
        [
            ("25.5", "107.96", "27.53", "135.49"),
            ("13.5", "20.00", "2.70", "22.70"),
            ("10", "9.09", "0.91", "10.00"),
        ],
        ("137.05", "31.14", "168.19"),
    ),
    (
        # Gross price with both discounts: 4 × 24.90 = 99.60 × 0.875 = 87.15 × 0.98 = 85.407 → 85.41;
        # VAT 85.41 × 14 / 114 = 10.4889… → 10.49; net 74.92.
        "gross-with-discounts",
        [("4", "24.90", "12.5", "14")],
        "2",
        True,
        [("74.92", "10.49", "85.41")],
        [("14", "74.92", "10.49", "85.41")],
        ("74.92", "10.49", "85.41"),
    ),
    (
        # Gross 12.55 at 25.5 %: VAT 12.55 × 25.5 / 125.5 = 2.55 exactly.
        "gross-exact",
        [("1", "12.55", "0", "25.5")],
        "0",
        True,
        [("10.00", "2.55", "12.55")],
        [("25.5", "10.00", "2.55", "12.55")],
        ("10.00", "2.55", "12.55"),
    ),
    (
        # Half a cent in the row amount: 3 × 0.335 = 1.005 → 1.01; VAT 0.101 → 0.10.
        "half-cent-row-amount",
        [("3", "0.335", "0", "10")],
        "0",
        False,
        [("1.01", "0.10", "1.11")],
        [("10", "1.01", "0.10", "1.11")],
        ("1.01", "0.10", "1.11"),
    ),
    (
        # The credit mirror: −3 × 0.335 = −1.005 → −1.01 (half away from zero); VAT −0.101 → −0.10.
        "half-cent-row-amount-credit",
        [("-3", "0.335", "0", "10")],
        "0",
        False,
        [("-1.01", "-0.10", "-1.11")],
        [("10", "-1.01", "-0.10", "-1.11")],
        ("-1.01", "-0.10", "-1.11"),
    ),
    (
        # Half a cent of VAT: 0.05 × 10 % = 0.005 → 0.01; a negative price gives −0.005 → −0.01.
        "half-cent-vat",
        [("1", "0.05", "0", "10"), ("1", "0.02", "0", "25")],
        "0",
        False,
        [("0.05", "0.01", "0.06"), ("0.02", "0.01", "0.03")],
        [("25", "0.02", "0.01", "0.03"), ("10", "0.05", "0.01", "0.06")],
        ("0.07", "0.02", "0.09"),
    ),
    (
        "half-cent-vat-credit",
        [("1", "-0.05", "0", "10"), ("-1", "0.02", "0", "25")],
        "0",
        False,
        [("-0.05", "-0.01", "-0.06"), ("-0.02", "-0.01", "-0.03")],
        [("25", "-0.02", "-0.01", "-0.03"), ("10", "-0.05", "-0.01", "-0.06")],
        ("-0.07", "-0.02", "-0.09"),
    ),
    (
        # A credit row on a debit invoice: 100.00 − 0.10 = 99.90 × 25.5 % = 25.4745 → 25.47.
        # Rows: 25.50 and −0.10 × 25.5 % = −0.0255 → −0.03.
        "credit-row-on-invoice",
        [("1", "100.00", "0", "25.5"), ("-1", "0.10", "0", "25.5")],
        "0",
        False,
        [("100.00", "25.50", "125.50"), ("-0.10", "-0.03", "-0.13")],
        [("25.5", "99.90", "25.47", "125.37")],
        ("99.90", "25.47", "125.37"),
    ),
    (
        # Gross half cent: 0.05 × 25.5 / 125.5 = 0.01016 → 0.01, net 0.04.
        "gross-tiny",
        [("1", "0.05", "0", "25.5")],
        "0",
        True,
        [("0.04", "0.01", "0.05")],
        [("25.5", "0.04", "0.01", "0.05")],
        ("0.04", "0.01", "0.05"),
    ),
    (
        # A full header discount leaves zeros (never "-0.00").
        "header-discount-100",
        [("2", "10.00", "0", "25.5"), ("-1", "3.00", "0", "14")],
        "100",
        False,
        [("0.00", "0.00", "0.00"), ("0.00", "0.00", "0.00")],
        [("25.5", "0.00", "0.00", "0.00"), ("14", "0.00", "0.00", "0.00")],
        ("0.00", "0.00", "0.00"),
    ),
    (
        # 25.5 and 25.50 are one rate, shown without trailing zeros; 1E+3 is a thousand.
        "same-rate-two-spellings",
        [("1E+3", "0.01", "0", "25.5"), ("1", "10.00", "0", "25.50")],
        "0",
        False,
        [("10.00", "2.55", "12.55"), ("10.00", "2.55", "12.55")],
        [("25.5", "20.00", "5.10", "25.10")],
        ("20.00", "5.10", "25.10"),
    ),
    (
        # Six decimals in quantity and price, four in discounts: 1.234567 × 8.765432 = 10.821521…
        # × 0.876544 (12.3456 %) = 9.485… → ×0.99 (1 %) = 9.390… → 9.39; VAT 9.39 × 0.135 = 1.26765
        # → 1.27.
        "many-decimals",
        [("1.234567", "8.765432", "12.3456", "13.5")],
        "1",
        False,
        [("9.39", "1.27", "10.66")],
        [("13.5", "9.39", "1.27", "10.66")],
        ("9.39", "1.27", "10.66"),
    ),
]


@pytest.mark.parametrize("case", WORKED, ids=[case[0] for case in WORKED])
def test_worked_examples(case: Worked) -> None:
    _, rows, header, gross, expected_rows, expected_lines, expected_totals = case
    assert _shown(_compute(rows, header=header, gross=gross)) == (expected_rows, expected_lines, expected_totals)


def test_vat_status_keys_the_breakdown() -> None:
    """Two kinds of 0 % (zero-rated 2, exempt 8) are two lines; the status rides along."""
    rows = [
        RowInput(D(1), D("10.00"), D(0), D(0), vat_status=8),
        RowInput(D(1), D("20.00"), D(0), D(0), vat_status=2),
        RowInput(D(1), D("5.00"), D(0), D(0), vat_status=8),
        RowInput(D(1), D("8.00"), D(0), D("25.5")),
    ]
    sums = compute(rows, header_discount_percent=D(0), prices_include_vat=False)
    assert [(str(v.percent), v.vat_status, str(v.net), str(v.vat)) for v in sums.vat_lines] == [
        ("25.5", 1, "8.00", "2.04"),
        ("0", 2, "20.00", "0.00"),
        ("0", 8, "15.00", "0.00"),
    ]
    assert sums.totals == Totals(D("43.00"), D("2.04"), D("45.04"))


def test_exact_past_28_digits() -> None:
    """0.011117 × 8994901951.745075 × 0.999999 × 0.999999 is exactly 99996125.005 − 1225·10⁻²⁴,
    which rounds to …00; the 28-digit default context would see …005 and round to …01."""
    sums = compute(
        [RowInput(D("0.011117"), D("8994901951.745075"), D("0.0001"), D(0))],
        header_discount_percent=D("0.0001"),
        prices_include_vat=False,
    )
    assert str(sums.totals.net) == "99996125.00"


ACCEPTED_EDGES: list[tuple[str, Row, str]] = [
    ("largest-amount", ("1", "999999999.99", "0", "0"), "999999999.99"),
    ("largest-amount-credit", ("-1", "999999999.99", "0", "0"), "-999999999.99"),
    ("rounds-down-to-largest", ("1", "999999999.994999", "0", "0"), "999999999.99"),
    ("six-decimals-with-trailing-zero", ("1", "1.0000010", "0", "0"), "1.00"),
    ("zero-quantity-huge-price", ("0", "1E+30", "0", "0"), "0.00"),
    ("full-row-discount", ("3", "5.00", "100", "0"), "0.00"),
    ("four-decimal-percentages", ("1", "100.00", "12.3456", "0"), "87.65"),  # 87.6544
]


@pytest.mark.parametrize(("row", "net"), [c[1:] for c in ACCEPTED_EDGES], ids=[c[0] for c in ACCEPTED_EDGES])
def test_accepted_edges(row: Row, net: str) -> None:
    assert str(_compute([row]).totals.net) == net


# --- refusals ------------------------------------------------------------------------------------

OK: Row = ("1", "10.00", "0", "25.5")
REFUSED: list[tuple[str, list[Row], str, list[tuple[str, str]]]] = [
    ("no-rows", [], "0", [("INVOICE_ROWS_REQUIRED", "invoiceRows")]),
    ("header-discount-negative", [OK], "-0.01", [("OUT_OF_RANGE", "discountPercent")]),
    ("header-discount-over-100", [OK], "100.0001", [("OUT_OF_RANGE", "discountPercent")]),
    ("header-discount-5-decimals", [OK], "12.34567", [("TOO_MANY_DECIMALS", "discountPercent")]),
    ("row-discount-over-100", [("1", "1", "101", "0")], "0", [("OUT_OF_RANGE", "invoiceRows[0].discountPercent")]),
    ("row-discount-negative", [("1", "1", "-5", "0")], "0", [("OUT_OF_RANGE", "invoiceRows[0].discountPercent")]),
    (
        "row-discount-5-decimals",
        [("1", "1", "5.12345", "0")],
        "0",
        [("TOO_MANY_DECIMALS", "invoiceRows[0].discountPercent")],
    ),
    ("vat-negative", [("1", "1", "0", "-1")], "0", [("OUT_OF_RANGE", "invoiceRows[0].vatPercent")]),
    ("vat-over-100", [("1", "1", "0", "100.5")], "0", [("OUT_OF_RANGE", "invoiceRows[0].vatPercent")]),
    ("vat-5-decimals", [("1", "1", "0", "25.55555")], "0", [("TOO_MANY_DECIMALS", "invoiceRows[0].vatPercent")]),
    ("price-7-decimals", [("1", "1.0000001", "0", "0")], "0", [("TOO_MANY_DECIMALS", "invoiceRows[0].unitPrice")]),
    ("quantity-7-decimals", [("0.0000001", "1", "0", "0")], "0", [("TOO_MANY_DECIMALS", "invoiceRows[0].quantity")]),
    (
        # 29 decimals: core.money.decimal_places (28-digit normalize) would count none.
        "quantity-29-decimals",
        [("1.00000000000000000000000000001", "1", "0", "0")],
        "0",
        [("TOO_MANY_DECIMALS", "invoiceRows[0].quantity")],
    ),
    ("quantity-nan", [("NaN", "1", "0", "0")], "0", [("OUT_OF_RANGE", "invoiceRows[0].quantity")]),
    ("price-infinite", [("1", "-Infinity", "0", "0")], "0", [("OUT_OF_RANGE", "invoiceRows[0].unitPrice")]),
    ("amount-too-large", [("1", "1000000000.00", "0", "0")], "0", [("OUT_OF_RANGE", "invoiceRows[0].unitPrice")]),
    (
        "amount-rounds-too-large",
        [("-1", "999999999.995", "0", "0")],
        "0",
        [("OUT_OF_RANGE", "invoiceRows[0].unitPrice")],
    ),
    ("amount-from-quantity", [OK, ("1E+30", "1", "0", "0")], "0", [("OUT_OF_RANGE", "invoiceRows[1].unitPrice")]),
    (
        "amount-huge-exponents",
        [("1E+999999", "1E+999999", "0", "0")],
        "0",
        [("OUT_OF_RANGE", "invoiceRows[0].unitPrice")],
    ),
    (
        "every-finding-at-once",
        [("0.1234567", "1", "0", "0"), OK, ("1", "1", "-1", "-1")],
        "101",
        [
            ("OUT_OF_RANGE", "discountPercent"),
            ("TOO_MANY_DECIMALS", "invoiceRows[0].quantity"),
            ("OUT_OF_RANGE", "invoiceRows[2].discountPercent"),
            ("OUT_OF_RANGE", "invoiceRows[2].vatPercent"),
        ],
    ),
]


@pytest.mark.parametrize(("rows", "header", "expected"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refusals(rows: list[Row], header: str, expected: list[tuple[str, str]]) -> None:
    with pytest.raises(KirjuriError) as caught:
        _compute(rows, header=header)
    assert caught.value.status == 400
    assert [(item.message, item.field) for item in caught.value.items] == expected


# --- accounting currency ---------------------------------------------------------------------------

FOUR_RATES = WORKED[3][1]
CONVERSIONS: list[tuple[str, list[Row], str, Amounts]] = [
    ("rate-one-is-identity", FOUR_RATES, "1", ("264.68", "56.45", "321.13")),
    (
        # Per line, net and VAT ÷ 1.0893: 200.99 → 184.513… → 184.51, 51.25 → 47.048… → 47.05;
        # 23.70 → 21.757… → 21.76, 3.20 → 2.937… → 2.94; 19.99 → 18.351… → 18.35, 2.00 → 1.836…
        # → 1.84; 20.00 → 18.360… → 18.36. Net 242.98, VAT 51.83.
        "four-rates",
        FOUR_RATES,
        "1.0893",
        ("242.98", "51.83", "294.81"),
    ),
    # 1187.50 / 0.5 = 2375.00, 302.81 / 0.5 = 605.62.
    ("stronger-invoice-currency", [("12.5", "95.00", "0", "25.5")], "0.5", ("2375.00", "605.62", "2980.62")),
    # 10.05 / 2 = 5.025 → 5.03; the credit −5.025 → −5.03.
    ("half-cent", [("1", "10.05", "0", "0")], "2", ("5.03", "0.00", "5.03")),
    ("half-cent-credit", [("-1", "10.05", "0", "0")], "2", ("-5.03", "0.00", "-5.03")),
    # 1000.00 / 3 = 333.333… → 333.33; VAT 255.00 / 3 = 85.00.
    ("repeating", [("1", "1000.00", "0", "25.5")], "3", ("333.33", "85.00", "418.33")),
    # A rate far below any real one still converts, digit for digit: 1.00 / 1E-30 = 10^30.
    ("tiny-rate", [("1", "1.00", "0", "0")], "1E-30", ("1" + "0" * 30 + ".00", "0.00", "1" + "0" * 30 + ".00")),
]


@pytest.mark.parametrize(("rows", "rate", "expected"), [c[1:] for c in CONVERSIONS], ids=[c[0] for c in CONVERSIONS])
def test_in_accounting_currency(rows: list[Row], rate: str, expected: Amounts) -> None:
    totals = in_accounting_currency(_compute(rows), rate=D(rate))
    assert _amounts(totals.net, totals.vat, totals.gross) == expected


@pytest.mark.parametrize("rate", ["0", "-1", "1000000.01", "NaN", "Infinity"])
def test_in_accounting_currency_refuses_rate(rate: str) -> None:
    with pytest.raises(KirjuriError) as caught:
        in_accounting_currency(_compute([OK]), rate=D(rate))
    assert (caught.value.code, caught.value.status, caught.value.field) == (
        "OUT_OF_RANGE",
        400,
        "paymentInfo.currencyRate",
    )


# --- properties ------------------------------------------------------------------------------------

RATES = [D("25.5"), D(24), D(14), D("13.5"), D(10), D(0)]
quantities = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False)
prices = st.decimals(min_value=-10000, max_value=10000, places=2, allow_nan=False, allow_infinity=False)
discounts = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)
rows_strategy = st.lists(
    st.builds(RowInput, quantities, prices, discounts, st.sampled_from(RATES), st.sampled_from([1, 2])),
    min_size=1,
    max_size=12,
)


def _all_amounts(sums: Sums) -> list[tuple[Decimal, Decimal, Decimal]]:
    return [
        *((r.net, r.vat, r.gross) for r in sums.rows),
        *((v.net, v.vat, v.gross) for v in sums.vat_lines),
        (sums.totals.net, sums.totals.vat, sums.totals.gross),
    ]


@settings(deadline=None)
@given(rows=rows_strategy, header=discounts, gross=st.booleans())
def test_breakdown_adds_up(rows: list[RowInput], header: Decimal, gross: bool) -> None:
    sums = compute(rows, header_discount_percent=header, prices_include_vat=gross)
    lines = sums.vat_lines
    assert sums.totals == Totals(
        sum((v.net for v in lines), D(0)), sum((v.vat for v in lines), D(0)), sum((v.gross for v in lines), D(0))
    )
    for net, vat, gross_amount in _all_amounts(sums):
        assert net + vat == gross_amount
        assert {net.as_tuple().exponent, vat.as_tuple().exponent, gross_amount.as_tuple().exponent} == {-2}
    assert [(-v.percent, v.vat_status) for v in lines] == sorted((-v.percent, v.vat_status) for v in lines)
    # Every line's rows: the line's sums are the sums of its rows' amounts as given (net or gross).
    side = "gross" if gross else "net"
    for line in lines:
        members = [
            t
            for r, t in zip(rows, sums.rows, strict=True)
            if (r.vat_percent, r.vat_status) == (line.percent, line.vat_status)
        ]
        assert getattr(line, side) == sum((getattr(t, side) for t in members), D(0))


@settings(deadline=None)
@given(rows=rows_strategy, header=discounts, gross=st.booleans(), data=st.data())
def test_row_order_does_not_change_totals(
    rows: list[RowInput], header: Decimal, gross: bool, data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(rows))))
    sums = compute(rows, header_discount_percent=header, prices_include_vat=gross)
    shuffled = compute([rows[i] for i in order], header_discount_percent=header, prices_include_vat=gross)
    assert shuffled.vat_lines == sums.vat_lines
    assert shuffled.totals == sums.totals
    assert shuffled.rows == tuple(sums.rows[i] for i in order)


@settings(deadline=None)
@given(rows=rows_strategy, header=discounts, gross=st.booleans())
def test_credit_mirrors_debit(rows: list[RowInput], header: Decimal, gross: bool) -> None:
    debit = compute(rows, header_discount_percent=header, prices_include_vat=gross)
    negated = [RowInput(-r.quantity, r.unit_price, r.discount_percent, r.vat_percent, r.vat_status) for r in rows]
    credit = compute(negated, header_discount_percent=header, prices_include_vat=gross)
    for mine, theirs in zip(_all_amounts(debit), _all_amounts(credit), strict=True):
        assert tuple(-a for a in mine) == theirs


@settings(deadline=None)
@given(rows=rows_strategy, header=discounts)
def test_gross_prices_derived_from_net_differ_by_a_cent_per_row(rows: list[RowInput], header: Decimal) -> None:
    """Gross unit price = net unit price × (1 + rate) exactly (≤ 5 decimals for these rates). Each
    row's gross and net then differ by at most a cent; the totals by at most a cent per row plus
    what rounding the net invoice's VAT per rate instead of per row moves (half a cent per row and
    half a cent per line, see the rule)."""
    as_gross = [
        RowInput(r.quantity, r.unit_price * (1 + r.vat_percent / 100), r.discount_percent, r.vat_percent, r.vat_status)
        for r in rows
    ]
    net = compute(rows, header_discount_percent=header, prices_include_vat=False)
    gross = compute(as_gross, header_discount_percent=header, prices_include_vat=True)
    cent = D("0.01")
    for n, g in zip(net.rows, gross.rows, strict=True):
        assert abs(n.gross - g.gross) <= cent
        assert abs(n.net - g.net) <= cent
    assert abs(sum((r.gross for r in net.rows), D(0)) - gross.totals.gross) <= cent * len(rows)
    bound = cent * len(rows) + cent / 2 * (len(rows) + len(net.vat_lines))
    assert abs(net.totals.gross - gross.totals.gross) <= bound


# The reference: the same rule in rational numbers, rounding half away from zero by hand.
def _round(x: Fraction) -> Fraction:
    cents = math.floor(abs(x) * 100 + Fraction(1, 2))
    return Fraction(cents if x >= 0 else -cents, 100)


def _reference(rows: list[RowInput], header: Decimal, gross: bool) -> tuple[list[Fraction], dict[Fraction, Fraction]]:
    amounts = [
        _round(
            Fraction(r.quantity)
            * Fraction(r.unit_price)
            * (1 - Fraction(r.discount_percent) / 100)
            * (1 - Fraction(header) / 100)
        )
        for r in rows
    ]
    sums: dict[Fraction, Fraction] = {}
    for r, a in zip(rows, amounts, strict=True):
        sums[Fraction(r.vat_percent)] = sums.get(Fraction(r.vat_percent), Fraction(0)) + a
    vat = {rate: _round(s * rate / (100 + rate) if gross else s * rate / 100) for rate, s in sums.items()}
    return amounts, vat


wide = st.decimals(min_value=-(10**7), max_value=10**7, places=6, allow_nan=False, allow_infinity=False)
any_percent = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)


@settings(deadline=None)
@given(
    rows=st.lists(st.builds(RowInput, wide, wide, any_percent, any_percent), min_size=1, max_size=6),
    header=any_percent,
    gross=st.booleans(),
)
def test_exact_as_rational_numbers(rows: list[RowInput], header: Decimal, gross: bool) -> None:
    """Any digits within the limits: the amounts equal the rule computed in exact fractions, and a
    row whose rounded amount passes ±999 999 999.99 is refused."""
    amounts, vat = _reference(rows, header, gross)
    too_large = [i for i, a in enumerate(amounts) if abs(a) > Fraction("999999999.99")]
    if too_large:
        with pytest.raises(KirjuriError) as caught:
            compute(rows, header_discount_percent=header, prices_include_vat=gross)
        assert [item.field for item in caught.value.items] == [f"invoiceRows[{i}].unitPrice" for i in too_large]
        return
    sums = compute(rows, header_discount_percent=header, prices_include_vat=gross)
    side = "gross" if gross else "net"
    assert [Fraction(getattr(t, side)) for t in sums.rows] == amounts
    assert {Fraction(v.percent): Fraction(v.vat) for v in sums.vat_lines} == vat


@settings(deadline=None)
@given(
    rows=rows_strategy,
    rate=st.decimals(min_value=D("0.000001"), max_value=1000000, places=6, allow_nan=False, allow_infinity=False),
)
def test_accounting_currency_adds_up_and_mirrors(rows: list[RowInput], rate: Decimal) -> None:
    sums = compute(rows, header_discount_percent=D(0), prices_include_vat=False)
    totals = in_accounting_currency(sums, rate=rate)
    assert totals.net + totals.vat == totals.gross
    assert totals.net == sum((_round(Fraction(v.net) / Fraction(rate)) for v in sums.vat_lines), Fraction(0))
    assert totals.vat == sum((_round(Fraction(v.vat) / Fraction(rate)) for v in sums.vat_lines), Fraction(0))
    negated = [RowInput(-r.quantity, r.unit_price, r.discount_percent, r.vat_percent, r.vat_status) for r in rows]
    credit = in_accounting_currency(compute(negated, header_discount_percent=D(0), prices_include_vat=False), rate=rate)
    assert credit == Totals(-totals.net, -totals.vat, -totals.gross)
    assert in_accounting_currency(sums, rate=D(1)) == sums.totals
