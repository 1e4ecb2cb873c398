"""The KTL reference payments file (`banking.importers.ktl`): every field of the sample, the
correction and multi-batch cases, and each broken line refused with its line and positions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kirjuri.banking.importers import parse_file
from kirjuri.banking.records import ReferencePaymentRecord
from tests.banking.importers.samples import FILES, KTL, refusal, text

ACCOUNT = "FI2112345600000785"  # the file's BBAN 12345600000785 with its IBAN check digits
BOOKED = date(2026, 3, 3)


def payment(archive_id: str, reference: str, amount: str, paid: date, payer: str) -> ReferencePaymentRecord:
    return ReferencePaymentRecord(
        archive_id=archive_id,
        account_iban=ACCOUNT,
        reference=reference,
        amount=Decimal(amount),
        currency="EUR",
        payment_date=paid,
        value_date=BOOKED,
        payer_name=payer,
    )


# The same payments as the camt.054 sample; the RF payment carries its national form (KTL
# references are 20 digits), names are the bank's 12-character abbreviations.
EXPECTED = (
    payment("260303593497A001", "10016", "124.00", date(2026, 3, 2), "MEIKÄLÄINEN"),
    payment("260303593497A002", "10029", "1250.50", date(2026, 3, 2), "OY ASIAKAS A"),
    payment("260303593497A003", "20240015", "89.90", date(2026, 3, 1), "KAUPPA VIRTA"),
    payment("260303593497A011", "20240028", "75.25", BOOKED, "LASKUNMAKSAJ"),
)


def lines() -> list[str]:
    return text(KTL).split("\r\n")[:-1]


def encode(rows: list[str], end: str = "\r\n") -> bytes:
    return (end.join(rows) + end).encode("latin-1")


def put(row: str, first: int, value: str) -> str:
    """`row` with positions first.. (1-based) overwritten by `value`."""
    return row[: first - 1] + value + row[first - 1 + len(value) :]


def test_every_field_of_the_sample() -> None:
    parsed = parse_file((FILES / KTL).read_bytes())
    assert parsed.format == "KTL"
    assert parsed.statements == ()
    for index, expected in enumerate(EXPECTED):
        assert parsed.reference_payments[index] == expected, index
    assert parsed.reference_payments == EXPECTED


def test_every_sample_line_is_90_characters() -> None:
    assert {len(row) for row in lines()} == {90}


def test_line_feeds_alone_and_no_final_newline() -> None:
    assert parse_file("\n".join(lines()).encode("latin-1")).reference_payments == EXPECTED


def test_a_correction_cancels_with_a_negative_amount() -> None:
    rows = lines()
    correction = put(put(rows[1], 28, "260304593497X001"), 88, "1")
    total = put(rows[5], 19, "000001" + "00000012400")
    parsed = parse_file(encode([*rows[:5], correction, total]))
    assert parsed.reference_payments[-1].amount == Decimal("-124.00")
    assert parsed.reference_payments[-1].reference == "10016"


def test_a_record_5_is_read_as_a_payment() -> None:
    rows = lines()
    assert parse_file(encode([rows[0], put(rows[1], 1, "5"), *rows[2:]])).reference_payments == EXPECTED


def test_blank_correction_totals_are_not_checked() -> None:
    rows = lines()
    assert parse_file(encode([*rows[:5], put(rows[5], 19, " " * 17)])).reference_payments == EXPECTED


def test_two_batches() -> None:
    rows = lines()
    second = [rows[0], put(rows[1], 28, "260303593497B001"), put(put(rows[5], 2, "000001"), 8, "00000012400")]
    parsed = parse_file(encode(rows + second))
    assert [p.archive_id for p in parsed.reference_payments] == [
        *(p.archive_id for p in EXPECTED),
        "260303593497B001",
    ]


def test_an_empty_batch() -> None:
    rows = lines()
    assert parse_file(encode([rows[0], "9" + "0" * 34 + " " * 55])).reference_payments == ()


# (line index, first position, new text, the expected message)
BROKEN = [
    (1, 78, "00000124X0", "INVALID_AMOUNT: line 2, positions 78-87"),
    (1, 78, "          ", "INVALID_AMOUNT: line 2, positions 78-87"),
    (1, 16, "261303", "INVALID_DATE: line 2, positions 16-21"),
    (1, 22, "260230", "INVALID_DATE: line 2, positions 22-27"),
    (1, 22, "26 3 2", "INVALID_DATE: line 2, positions 22-27"),
    (1, 2, "12345600000786", "INVALID_ACCOUNT: line 2, positions 2-15"),
    (1, 2, "1234560000078X", "INVALID_ACCOUNT: line 2, positions 2-15"),
    (1, 28, " " * 16, "MISSING_ELEMENT: line 2, positions 28-43"),
    (2, 28, "260303593497A001", "DUPLICATE_ARCHIVE_ID: line 3, positions 28-43"),
    (1, 44, "0" * 20, "MISSING_REFERENCE: line 2, positions 44-63"),
    (1, 44, "0000000000000001-016", "INVALID_REFERENCE: line 2, positions 44-63"),
    (1, 76, "2", "UNSUPPORTED_CURRENCY: line 2, position 76"),
    (1, 88, "X", "INVALID_CORRECTION_FLAG: line 2, position 88"),
    (0, 23, "2", "UNSUPPORTED_CURRENCY: line 1, position 23"),
    (0, 2, "2613031800", "INVALID_DATE: line 1, positions 2-11"),
    (0, 2, "2603032460", "INVALID_DATE: line 1, positions 2-11"),
    (5, 2, "000005", "SUM_MISMATCH: line 6, positions 2-7"),
    (5, 8, "00000153966", "SUM_MISMATCH: line 6, positions 8-18"),
    (5, 19, "000001", "SUM_MISMATCH: line 6, positions 19-24"),
    (5, 25, "00000000001", "SUM_MISMATCH: line 6, positions 25-35"),
    (5, 2, "00000A", "INVALID_COUNT: line 6, positions 2-7"),
    (5, 8, "0000015396-", "INVALID_AMOUNT: line 6, positions 8-18"),
    (2, 1, "7", "UNKNOWN_RECORD_TYPE: line 3"),
    (2, 1, "9", "SUM_MISMATCH: line 3, positions 2-7"),  # a payment read as a sum record
]


@pytest.mark.parametrize(("index", "first", "new", "message"), BROKEN)
def test_a_broken_line_is_refused_at_its_line(index: int, first: int, new: str, message: str) -> None:
    rows = lines()
    rows[index] = put(rows[index], first, new)
    assert len(rows[index]) == 90
    assert message in refusal(encode(rows))


def test_a_short_line_is_refused_and_its_batch_sums_not_checked() -> None:
    rows = lines()
    rows[2] = rows[2][:-1]
    assert refusal(encode(rows)) == ["INVALID_LINE_LENGTH: line 3"]


def test_a_long_line_is_refused() -> None:
    rows = lines()
    rows[3] += " "
    assert refusal(encode(rows)) == ["INVALID_LINE_LENGTH: line 4"]


def test_a_truncated_file_misses_its_sum_record() -> None:
    data = (FILES / KTL).read_bytes()
    cut = data[: data.rindex(b"\r\n9")]
    assert refusal(cut) == ["MISSING_SUM_RECORD: line 6"]


def test_a_file_cut_mid_line() -> None:
    data = (FILES / KTL).read_bytes()
    assert refusal(data[:200]) == ["INVALID_LINE_LENGTH: line 3", "MISSING_SUM_RECORD: line 4"]


def test_a_new_batch_before_the_sum_record() -> None:
    rows = lines()
    assert refusal(encode([*rows[:5], rows[0], rows[5]])) == [
        "MISSING_SUM_RECORD: line 6",
        "SUM_MISMATCH: line 7, positions 2-7",  # the new batch is empty
    ]


def test_a_payment_after_the_sum_record() -> None:
    rows = lines()
    assert refusal(encode([*rows, rows[1]])) == ["UNEXPECTED_RECORD: line 7"]


def test_a_sum_record_without_its_batch() -> None:
    rows = lines()
    assert refusal(encode([*rows, rows[5]])) == ["UNEXPECTED_RECORD: line 7"]


def test_every_problem_of_the_file_is_listed() -> None:
    rows = lines()
    rows[1] = put(rows[1], 78, "0000012X00")
    rows[3] = put(rows[3], 16, "260399")
    assert refusal(encode(rows)) == [
        "INVALID_AMOUNT: line 2, positions 78-87",
        "INVALID_DATE: line 4, positions 16-21",
    ]


def test_the_answer_lists_at_most_fifty_problems() -> None:
    rows = lines()
    broken = [put(put(rows[1], 78, "XXXXXXXXXX"), 28, f"ARCHIVE{n:09d}") for n in range(80)]
    messages = refusal(encode([rows[0], *broken, rows[5]]))
    assert len(messages) == 50
    assert messages[49] == "INVALID_AMOUNT: line 51, positions 78-87"
