"""The pure rules of the VAT return: the box table, the 308 formula, tax periods and the VSRALVKV
file (table-driven)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from kirjuri.core.errors import KirjuriError
from kirjuri.vat import rules
from kirjuri.vat.rules import VatSum

D2025 = date(2025, 6, 1)
D2026 = date(2026, 2, 1)


@pytest.mark.parametrize(
    ("kind", "status", "side", "percent", "on", "box"),
    [
        # Output tax of domestic sales by the rate class of the percentage on its date.
        ("O", 1, "S", "25.5", D2025, "301"),
        ("O", 1, "S", "24", date(2024, 8, 31), "301"),
        ("O", 1, "S", "14", D2025, "302"),
        ("O", 1, "S", "13.5", D2026, "302"),
        ("O", 1, "S", "10", D2026, "303"),
        ("O", 1, "S", "24", D2026, "301"),  # no rate in 2026 any more: its class in history
        ("O", 1, "S", "7", D2026, None),  # never a Finnish rate
        # Self-assessed output tax on purchases.
        ("O", 5, "P", "25.5", D2026, "304"),
        ("O", 3, "P", "25.5", D2026, "305"),
        ("O", 4, "P", "13.5", D2026, "306"),
        ("O", 6, "P", "25.5", D2026, "318"),
        # Deductible input tax, every status pooled.
        ("I", 1, "P", "25.5", D2026, "307"),
        ("I", 3, "P", "25.5", D2026, "307"),
        ("I", 5, "P", "25.5", D2026, "307"),
        ("I", 6, "P", "25.5", D2026, "307"),
        # Bases.
        ("B", 2, "S", "0", D2026, "309"),
        ("B", 7, "S", "0", D2026, "309"),
        ("B", 5, "P", "25.5", D2026, "310"),
        ("B", 3, "S", "0", D2026, "311"),
        ("B", 4, "S", "0", D2026, "312"),
        ("B", 3, "P", "25.5", D2026, "313"),
        ("B", 4, "P", "25.5", D2026, "314"),
        ("B", 6, "S", "0", D2026, "319"),
        ("B", 6, "P", "25.5", D2026, "320"),
        # No box: domestic bases, exempt sales, non-deductible purchases, tax to cost.
        ("B", 1, "S", "25.5", D2026, None),
        ("B", 1, "P", "25.5", D2026, None),
        ("B", 8, "S", "0", D2026, None),
        ("B", 9, "P", "25.5", D2026, None),
        ("C", 9, "P", "25.5", D2026, None),
        ("C", 1, "P", "25.5", D2026, None),
        ("O", 1, "P", "25.5", D2026, None),
    ],
)
def test_box_of(*, kind: str, status: int, side: str, percent: str, on: date, box: str | None) -> None:
    rule = rules.box_of(kind=kind, status=status, side=side, percent=Decimal(percent), on=on)
    assert (rule.box if rule else None) == box


def test_every_box_of_the_table_is_a_box_of_the_form() -> None:
    assert {rule.box for rule in rules.BOX_RULES} | {rules.PAYABLE_BOX} == set(rules.BOXES)
    # Credits show positive: sales and output tax have sign −1, purchases and input tax +1.
    for rule in rules.BOX_RULES:
        assert rule.sign == (-1 if rule.kind == "O" or rule.side == "S" else 1), rule


def vs(kind: str, status: int, side: str, percent: str, net: int, *, allowed: bool = True, on: date = D2026) -> VatSum:
    return VatSum(on, "0000", allowed, status, side, Decimal(percent), kind, net)


def test_vat_return_boxes_and_308() -> None:
    sums = [
        # Domestic sale 1000.00 at 25.5 %: base (no box) and output tax 255.00.
        vs("B", 1, "S", "25.5", -100000),
        vs("O", 1, "S", "25.5", -25500),
        # Domestic purchase 400.00 at 25.5 %: input tax 102.00.
        vs("B", 1, "P", "25.5", 40000),
        vs("I", 1, "P", "25.5", 10200),
        # Goods from another EU country 200.00, self-assessed: 313, 305 and 307.
        vs("B", 3, "P", "25.5", 20000),
        vs("O", 3, "P", "25.5", -5100),
        vs("I", 3, "P", "25.5", 5100),
        # …and its bank row, which inherited status 3 but is no supply.
        vs("B", 3, "P", "0", -20000, allowed=False),
        # Export 300.00 and a credit note of an export −50.00.
        vs("B", 7, "S", "0", -30000),
        vs("B", 7, "S", "0", 5000),
        # Non-deductible entertainment: tax to cost, no box.
        vs("C", 9, "P", "25.5", 2550),
    ]
    result = rules.vat_return(sums)
    nonzero = {box: cents for box, cents in result.boxes.items() if cents}
    assert nonzero == {"301": 25500, "305": 5100, "307": 15300, "308": 15300, "309": 25000, "313": 20000}
    assert result.unclassified == 0
    assert list(result.boxes) == list(rules.BOXES)


def test_refund_is_negative_and_unclassified_tax_is_kept_apart() -> None:
    result = rules.vat_return([vs("I", 1, "P", "25.5", 12345), vs("O", 1, "S", "7", -700)])
    assert result.boxes["308"] == -12345
    assert result.unclassified == 700


def test_breakdown() -> None:
    rows = rules.breakdown(
        [vs("B", 1, "S", "25.5", -100), vs("O", 1, "S", "25.5", -26), vs("B", 1, "S", "25.5", 5, allowed=False)]
    )
    assert rows == [rules.Breakdown(1, "S", Decimal("25.5"), -100, -26, 0, 0)]


@pytest.mark.parametrize(
    ("period_type", "period", "year", "start", "end"),
    [
        ("K", 1, 2026, date(2026, 1, 1), date(2026, 1, 31)),
        ("K", 2, 2024, date(2024, 2, 1), date(2024, 2, 29)),
        ("K", 12, 2026, date(2026, 12, 1), date(2026, 12, 31)),
        ("Q", 1, 2026, date(2026, 1, 1), date(2026, 3, 31)),
        ("Q", 4, 2026, date(2026, 10, 1), date(2026, 12, 31)),
        ("V", 1, 2026, date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_period_dates(period_type: str, period: int, year: int, start: date, end: date) -> None:
    assert rules.period_dates(period_type, period, year) == (start, end)


@pytest.mark.parametrize(
    ("period_type", "period", "code", "field"),
    [
        ("K", 0, "INVALID_TAX_PERIOD", "period"),
        ("K", 13, "INVALID_TAX_PERIOD", "period"),
        ("Q", 5, "INVALID_TAX_PERIOD", "period"),
        ("V", 2, "INVALID_TAX_PERIOD", "period"),
        ("X", 1, "INVALID_ENUM_VALUE", "periodType"),
    ],
)
def test_period_dates_refused(period_type: str, period: int, code: str, field: str) -> None:
    with pytest.raises(KirjuriError) as raised:
        rules.period_dates(period_type, period, 2026)
    assert (raised.value.code, raised.value.status, raised.value.field) == (code, 400, field)


@pytest.mark.parametrize(
    ("cents", "text"),
    [(0, "0,00"), (5, "0,05"), (-5, "-0,05"), (100, "1,00"), (-100, "-1,00"), (123456789, "1234567,89")],
)
def test_amount_text(cents: int, text: str) -> None:
    assert rules.amount_text(cents) == text


def test_vsralvkv_file_of_a_month() -> None:
    boxes = dict.fromkeys(rules.BOXES, 0) | {"301": 25500, "307": 15300, "308": 10200, "309": -5000}
    text = rules.vsralvkv(
        business_id="1234567-1",
        period_type="K",
        period=3,
        year=2026,
        boxes=boxes,
        created=datetime(2026, 4, 2, 9, 5, 7),
    )
    assert text.split("\r\n") == [
        "000:VSRALVKV",
        "198:02042026090507",
        "014:1234567-1_KJ",
        "048:Kirjuri",
        "010:1234567-1",
        "050:K",
        "052:3",
        "053:2026",
        "301:255,00",
        "302:0,00",
        "303:0,00",
        "304:0,00",
        "305:0,00",
        "306:0,00",
        "318:0,00",
        "307:153,00",
        "308:102,00",
        "309:-50,00",
        "310:0,00",
        "311:0,00",
        "312:0,00",
        "313:0,00",
        "314:0,00",
        "319:0,00",
        "320:0,00",
        "999:1",
        "",
    ]


def test_vsralvkv_file_of_a_year_has_no_period_number() -> None:
    text = rules.vsralvkv(
        business_id="1234567-1", period_type="V", period=1, year=2025, boxes={}, created=datetime(2026, 1, 1)
    )
    lines = text.split("\r\n")
    assert "050:V" in lines and "053:2025" in lines
    assert not any(line.startswith("052:") for line in lines)
    assert "308:0,00" in lines
