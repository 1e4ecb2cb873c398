"""Reading ECB-layout rate files, table-driven: the history and the daily layout, zipped or not,
`N/A` and empty cells, ignored columns — and every refusal naming its line and column."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from kirjuri.core.codes import CURRENCY_CODES
from kirjuri.currencies import ecb

D = Decimal
KNOWN = frozenset(CURRENCY_CODES)

HISTORY = (
    "Date,USD,JPY,CYP,DKK,\n"
    "2017-12-08,1.1742,133.26,N/A,7.4417,\n"
    "2017-12-07,1.1786,132.88,N/A,7.4415,\n"
    "2007-12-31,1.4721,164.93,0.585274,7.4583,\n"
)
DAILY = "Date, USD, JPY, DKK, \n30 October 2026, 1.1172, 175.68, 7.4735, \n"


def zipped(*files: tuple[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files:
            archive.writestr(name, text)
    return buffer.getvalue()


HISTORY_RATES = {
    date(2017, 12, 8): {"USD": D("1.1742"), "JPY": D("133.26"), "DKK": D("7.4417")},
    date(2017, 12, 7): {"USD": D("1.1786"), "JPY": D("132.88"), "DKK": D("7.4415")},
    date(2007, 12, 31): {"USD": D("1.4721"), "JPY": D("164.93"), "CYP": D("0.585274"), "DKK": D("7.4583")},
}
DAILY_RATES = {date(2026, 10, 30): {"USD": D("1.1172"), "JPY": D("175.68"), "DKK": D("7.4735")}}


@pytest.mark.parametrize(
    ("data", "expected", "ignored"),
    [
        (HISTORY.encode(), HISTORY_RATES, ()),
        (zipped(("eurofxref-hist.csv", HISTORY)), HISTORY_RATES, ()),
        (DAILY.encode(), DAILY_RATES, ()),
        (zipped(("eurofxref.csv", DAILY)), DAILY_RATES, ()),
        # Windows line ends, a byte-order mark, a lower-case header, no trailing comma.
        (b"\xef\xbb\xbfdate,usd\r\n2017-12-07,1.1786\r\n", {date(2017, 12, 7): {"USD": D("1.1786")}}, ()),
        # Blank lines are skipped; a day whose every cell is N/A or empty has no rates.
        (b"Date,USD,DKK\n\n2017-12-07,N/A,\n2017-12-08,1.1742,N/A\n", {date(2017, 12, 8): {"USD": D("1.1742")}}, ()),
        # Codes outside the currency list (the ECB history's ROL and TRL) are not read.
        (
            b"Date,ROL,USD,TRL\n2004-12-31,39390,1.3621,1836200\n",
            {date(2004, 12, 31): {"USD": D("1.3621")}},
            ("ROL", "TRL"),
        ),
        # A bank's quoted CSV in the same layout.
        (b'"Date","USD"\n"2017-12-07","1.18"\n', {date(2017, 12, 7): {"USD": D("1.18")}}, ()),
    ],
)
def test_read(data: bytes, expected: dict[date, dict[str, Decimal]], ignored: tuple[str, ...]) -> None:
    read = ecb.read(data, known=KNOWN)
    assert read.rates == expected
    assert read.ignored == ignored
    assert read.count == sum(len(day) for day in expected.values())


@pytest.mark.parametrize(
    ("data", "problems"),
    [
        (b"", ["file: the file is empty"]),
        (b"Date,USD,\n", ["file: the file has a header but no days"]),
        (b"Day,USD\n2017-12-07,1\n", ["line 1, column 1: the header must start with 'Date', found 'Day'"]),
        (
            b"Date,US,EUR,USD,USD,\n",
            [
                "line 1, column 2: 'US' is not a currency code",
                "line 1, column 3: EUR is the base of the rates (1 EUR = rate units), not a column",
                "line 1, column 5: USD appears twice in the header",
            ],
        ),
        (
            b"Date,ROL,rol\n",
            ["line 1, column 3: ROL appears twice in the header"],
        ),
        (b"Date\n2017-12-07\n", ["line 1: the header names no currency"]),
        (
            b"Date,USD,DKK\n2017-12-07,1.1786,7.4415\n2017-13-01,1,1\n07.12.2017,1,1\n2017-12-07,1,1\n",
            [
                "line 3, column 1: '2017-13-01' is not a date (2026-10-30 or 30 October 2026)",
                "line 4, column 1: '07.12.2017' is not a date (2026-10-30 or 30 October 2026)",
                "line 5, column 1: 2017-12-07 already given on line 2",
            ],
        ),
        (
            b"Date,USD,DKK,JPY,SEK,NOK\n2017-12-07,abc,-1,0,1.12345678901,12345678901\n",
            [
                "line 2, column 2 (USD): 'abc' is not a number",
                "line 2, column 3 (DKK): '-1' is not a positive rate",
                "line 2, column 4 (JPY): '0' is not a positive rate",
                "line 2, column 5 (SEK): '1.12345678901' has more than 10 decimals",
                "line 2, column 6 (NOK): '12345678901' is too large (at most 10 digits before the point)",
            ],
        ),
        (
            b"Date,USD\n2017-12-07,NaN\n2017-12-08,Infinity\n",
            [
                "line 2, column 2 (USD): 'NaN' is not a positive rate",
                "line 3, column 2 (USD): 'Infinity' is not a positive rate",
            ],
        ),
        (
            b"Date,USD,DKK,\n2017-12-07,1.1786,7.4415,9\n2017-12-08,1.1742\n",
            ["line 2, column 4: 3 values for 2 currencies", "line 3, column 3: 1 values for 2 currencies"],
        ),
        (b"Date,USD\n2017-12-07,1.1786\n\xff\xfe\n", ["line 3: not UTF-8 text"]),
        (b"PK\x03\x04 not really a zip", ["file: not a readable zip file (File is not a zip file)"]),
        (zipped(("readme.txt", "hello")), ["file: the zip holds no CSV file; expected one"]),
        (zipped(("a.csv", HISTORY), ("b.csv", HISTORY)), ["file: the zip holds 2 CSV files; expected one"]),
    ],
)
def test_refused(data: bytes, problems: list[str]) -> None:
    with pytest.raises(ecb.RateFileError) as refused:
        ecb.read(data, known=KNOWN)
    assert [str(p) for p in refused.value.problems] == problems
    assert not refused.value.truncated


def test_problems_stop_at_the_limit() -> None:
    rows = "".join(f"2017-01-{day:02},x\n" for day in range(1, 31))
    with pytest.raises(ecb.RateFileError) as refused:
        ecb.read(f"Date,USD\n{rows}".encode(), known=KNOWN)
    assert len(refused.value.problems) == ecb.MAX_PROBLEMS
    assert refused.value.truncated
    assert str(refused.value).endswith("line 21, column 2 (USD): 'x' is not a number; …and more")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-30", date(2026, 10, 30)),
        ("30 October 2026", date(2026, 10, 30)),
        ("1 january 1999", date(1999, 1, 1)),
        ("2026-02-30", None),
        ("30 Oktober 2026", None),
        ("", None),
        ("2026/10/30", None),
    ],
)
def test_parse_day(text: str, expected: date | None) -> None:
    assert ecb.parse_day(text) == expected


def test_newest_day_reads_the_first_row_only() -> None:
    data = b"Date,ROL,USD\n2026-10-30,N/A,1.1172\nnot a row at all,,\n"
    assert ecb.newest_day(data, known=KNOWN) == (date(2026, 10, 30), "USD")
    assert ecb.newest_day(b"Date,USD\n2026-10-30,N/A\n", known=KNOWN) is None
    assert ecb.newest_day(b"", known=KNOWN) is None
