"""The virtual barcode (`invoicing.barcode`): the published examples digit for digit, the payments
that cannot be encoded (no barcode rather than a wrong one), and the round trip through
`parse_virtual_barcode`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.iso7064 import mod_97_10

from kirjuri.invoicing import references
from kirjuri.invoicing.barcode import parse_virtual_barcode, virtual_barcode
from kirjuri.invoicing.document import ReferenceType

IBAN = "FI37 1590 3000 0007 76"

# (IBAN, amount, reference, due date, barcode)
PUBLISHED = [
    # DOMAIN.md §2.2.3, the two samples of the brief.
    (IBAN, "12.25", "11112", date(2016, 12, 21), "437159030000007760000122500000000000000000011112161221"),
    (IBAN, "1.10", "RF98 11112", date(2017, 1, 1), "537159030000007760000011098000000000000000011112170101"),
    # Finance Finland, Pankkiviivakoodi-opas v5.3: the test invoices, version 4 …
    ("FI79 4405 2020 0360 82", "4883.15", "86851 62596 19897", date(2010, 6, 12),
     "479440520200360820048831500000000868516259619897100612"),
    ("FI58 1017 1000 0001 22", "482.99", "55958 22432 94671", date(2012, 1, 31),
     "458101710000001220004829900000000559582243294671120131"),
    ("FI02 5000 4640 0013 02", "693.80", "69 87567 20834 35364", date(2011, 7, 24),
     "402500046400013020006938000000069875672083435364110724"),
    ("FI15 6601 0001 5306 41", "7444.54", "7 75847 47906 47489", date(2019, 12, 19),
     "415660100015306410074445400000007758474790647489191219"),
    ("FI16 8000 1400 0502 67", "935.85", "78 77767 96566 28687", None,  # no due date
     "416800014000502670009358500000078777679656628687000000"),
    ("FI73 3131 3001 0000 58", "0.00", "8 68624", date(2013, 8, 9),  # no amount
     "473313130010000580000000000000000000000000868624130809"),
    ("FI83 3301 0001 1007 75", "150000.20", "92125 37425 25398 97737", date(2016, 5, 25),  # 20 digits
     "483330100011007751500002000092125374252539897737160525"),
    ("FI39 3636 3002 0924 92", "1.03", "5907 38390", date(2023, 3, 11),
     "439363630020924920000010300000000000000590738390230311"),
    ("FI92 3939 0001 0033 91", "0.02", "13 57914", date(2099, 12, 24),
     "492393900010033910000000200000000000000001357914991224"),
    # … and version 5.
    ("FI79 4405 2020 0360 82", "4883.15", "RF09 8685 1625 9619 897", date(2010, 6, 12),
     "579440520200360820048831509000000868516259619897100612"),
    ("FI02 5000 4640 0013 02", "693.80", "RF02 6987 5672 0834", date(2011, 7, 24),
     "502500046400013020006938002000000000698756720834110724"),
    ("FI15 6601 0001 5306 41", "7444.54", "RF84 7758 4747 9064 7489", date(2019, 12, 19),
     "515660100015306410074445484000007758474790647489191219"),
    ("FI16 8000 1400 0502 67", "935.85", "RF60 7877 7679 6566 2868 7", None,
     "516800014000502670009358560000078777679656628687000000"),
    ("FI73 3131 3001 0000 58", "0.00", "RF10 8686 24", date(2013, 8, 9),
     "573313130010000580000000010000000000000000868624130809"),
    ("FI83 3301 0001 1007 75", "150000.20", "RF71 9212 5374 2525 3989 7737", date(2016, 5, 25),
     "583330100011007751500002071092125374252539897737160525"),
    ("FI39 3636 3002 0924 92", "1.03", "RF66 5907 3839 0", date(2023, 3, 11),
     "539363630020924920000010366000000000000590738390230311"),
    ("FI92 3939 0001 0033 91", "0.02", "RF95 1357 914", date(2099, 12, 24),
     "592393900010033910000000295000000000000001357914991224"),
    # The largest amount, an RF body of 21 digits (the nocfo/virtuaaliviivakoodi test values).
    ("FI4950009420028730", "999999.99", "RF92 1234 2345", date(2020, 12, 12),
     "549500094200287309999999992000000000000012342345201212"),
    ("FI49 5000 9420 0287 30", "0", "RF07999999999993", date(2020, 12, 12),
     "549500094200287300000000007000000000999999999993201212"),
]  # fmt: skip


@pytest.mark.parametrize(("iban", "amount", "reference", "due", "expected"), PUBLISHED)
def test_published_examples(iban: str, amount: str, reference: str, due: date | None, expected: str) -> None:
    code = virtual_barcode(iban=iban, amount=Decimal(amount), reference=reference, due_date=due)
    assert code == expected
    assert len(expected) == 54


@pytest.mark.parametrize(("iban", "amount", "reference", "due", "expected"), PUBLISHED)
def test_published_examples_read_back(iban: str, amount: str, reference: str, due: date | None, expected: str) -> None:
    parsed = parse_virtual_barcode(expected)
    compact, kind = references.classify(reference)
    assert parsed == {
        "iban": iban.replace(" ", ""),
        "amount": Decimal(amount),
        "reference": compact,
        "reference_type": kind,
        "due_date": due,
    }


def test_a_21_digit_rf_body_fills_its_field() -> None:
    body = "1" * 21
    reference = "RF" + mod_97_10.calc_check_digits(body + "RF") + body
    code = virtual_barcode(iban=IBAN, amount=Decimal("1.00"), reference=reference, due_date=None)
    assert code == "5" + "3715903000000776" + "00000100" + reference[2:4] + body + "000000"


NOT_ENCODABLE = [
    # A Swedish account: the field holds only the 16 digits after `FI`.
    {"iban": "SE45 5000 0000 0583 9825 7466"},
    {"iban": "DE89 3704 0044 0532 0130 00"},
    # More than 6 digits of euros.
    {"amount": Decimal("1000000.00")},
    {"amount": Decimal("1234567.89")},
    # A credit note: the buyer pays nothing.
    {"amount": Decimal("-0.01")},
    {"amount": Decimal("-12.25")},
    # Versions 4 and 5 carry a reference.
    {"reference": None},
    {"reference": ""},
    {"reference": "  "},
    # An RF body with letters cannot be written in digits.
    {"reference": "RF18 5390 0754 70Y"},
    # The amount field is euros.
    {"currency": "SEK"},
]


@pytest.mark.parametrize("change", NOT_ENCODABLE)
def test_payments_that_cannot_be_encoded(change: dict[str, object]) -> None:
    arguments: dict[str, object] = {
        "iban": IBAN,
        "amount": Decimal("12.25"),
        "reference": "11112",
        "due_date": date(2016, 12, 21),
        **change,
    }
    assert virtual_barcode(**arguments) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "change",
    [
        {"iban": "FI37 1590 3000 0007 77"},  # IBAN check digits wrong
        {"iban": "not an iban"},
        {"reference": "11113"},  # reference check digit wrong
        {"reference": "RF97 11112"},
        {"amount": Decimal("12.255")},  # amounts are rounded before they are printed
    ],
)
def test_bad_inputs_are_programming_errors(change: dict[str, object]) -> None:
    arguments: dict[str, object] = {
        "iban": IBAN,
        "amount": Decimal("12.25"),
        "reference": "11112",
        "due_date": date(2016, 12, 21),
        **change,
    }
    with pytest.raises(ValueError):
        virtual_barcode(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "code",
    [
        "",
        "43715903000000776000012250000000000000000001111216122",  # 53 digits
        "4371590300000077600001225000000000000000000111121612210",  # 55 digits
        "337159030000007760000122500000000000000000011112161221",  # version 3
        "437159030000007760000122500100000000000000011112161221",  # reserved digits not zero
        "437159030000007770000122500000000000000000011112161221",  # IBAN check digits broken
        "437159030000007760000122500000000000000000011113161221",  # reference check digit wrong
        "437159030000007760000122500000000000000000011112161321",  # month 13
        "537159030000007760000011097000000000000000011112170101",  # RF check digits wrong
        "43715903000000776000012250000000000000000001111216122a",
    ],
)
def test_parse_refuses(code: str) -> None:
    with pytest.raises(ValueError):
        parse_virtual_barcode(code)


_finnish = st.from_regex(r"[1-9][0-9]{2,18}", fullmatch=True).map(references.finnish_reference)


@st.composite
def _payments(draw: st.DrawFn) -> tuple[str, Decimal, str, date | None]:
    account = draw(st.from_regex(r"[0-9]{14}", fullmatch=True))
    iban = "FI" + mod_97_10.calc_check_digits(account + "FI") + account
    amount = Decimal(draw(st.integers(min_value=0, max_value=99_999_999))).scaleb(-2)
    reference = draw(_finnish)
    if draw(st.booleans()):
        reference = references.rf_reference(reference)
    due = draw(st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
    return iban, amount, reference, due


@settings(max_examples=200, deadline=None)
@given(_payments())
def test_round_trip(payment: tuple[str, Decimal, str, date | None]) -> None:
    iban, amount, reference, due = payment
    code = virtual_barcode(iban=iban, amount=amount, reference=reference, due_date=due)
    assert code is not None
    assert len(code) == 54
    assert code.isdigit()
    assert code[0] == ("5" if reference.startswith("RF") else "4")
    assert parse_virtual_barcode(code) == {
        "iban": iban,
        "amount": amount,
        "reference": reference,
        "reference_type": ReferenceType.RF if reference.startswith("RF") else ReferenceType.FI,
        "due_date": due,
    }
