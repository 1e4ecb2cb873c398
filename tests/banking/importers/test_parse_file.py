"""`banking.importers.parse_file`: recognising the format from the content, refusing what is no
bank file, hostile XML refused unread, the size bound checked before parsing, and no input at
all raising anything but a 400 `KirjuriError`."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kirjuri.banking import importers
from kirjuri.banking.importers import parse_file
from kirjuri.banking.xml import MAX_BANK_FILE_BYTES
from kirjuri.core.errors import KirjuriError
from tests.banking.importers.samples import CAMT053_V02, CAMT054_V02, FILES, KTL, refusal, text


@pytest.mark.parametrize(("name", "expected"), [(CAMT053_V02, "CAMT053"), (CAMT054_V02, "CAMT054"), (KTL, "KTL")])
def test_the_format_comes_from_the_content(name: str, expected: str) -> None:
    # A misleading name changes nothing.
    assert parse_file((FILES / name).read_bytes(), filename="statement.xml").format == expected


def test_a_byte_order_mark_and_leading_blank_lines() -> None:
    data = b"\xef\xbb\xbf" + (FILES / CAMT053_V02).read_bytes()
    assert parse_file(data).format == "CAMT053"
    assert parse_file(b"\r\n\r\n" + (FILES / KTL).read_bytes()).format == "KTL"


NOT_BANK_FILES = [
    (b"", "EMPTY_FILE"),
    (b"   \r\n\t ", "EMPTY_FILE"),
    (b"\xef\xbb\xbf", "EMPTY_FILE"),
    (b"hello, world", "UNSUPPORTED_BANK_FILE"),
    (b"\x00\x01\x02\xff", "UNSUPPORTED_BANK_FILE"),
    (b"%PDF-1.7\n", "UNSUPPORTED_BANK_FILE"),
    (b"<html><body>no</body></html>", "UNSUPPORTED_BANK_FILE"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"/>', "UNSUPPORTED_BANK_FILE"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"/>', "UNSUPPORTED_BANK_FILE"),
    (b'<Other xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>', "UNSUPPORTED_BANK_FILE"),
    (b"<Document/>", "UNSUPPORTED_BANK_FILE"),
    (
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><X/></Document>',
        "MISSING_ELEMENT: BkToCstmrStmt",
    ),
    (
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt/></Document>',
        "MISSING_ELEMENT: Stmt",
    ),
    (
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"/>',
        "MISSING_ELEMENT: BkToCstmrDbtCdtNtfctn",
    ),
    (b"<Document", "INVALID_XML: line 1, column 0"),
    (b"0260303180001", "INVALID_LINE_LENGTH: line 1"),
]


@pytest.mark.parametrize(("data", "message"), NOT_BANK_FILES)
def test_what_is_no_bank_file(data: bytes, message: str) -> None:
    assert refusal(data) == [message]


def test_a_truncated_xml_file() -> None:
    data = (FILES / CAMT053_V02).read_bytes()
    assert refusal(data[: len(data) // 2])[0].startswith("INVALID_XML: line ")


def test_bytes_that_are_not_the_declared_encoding() -> None:
    # Latin-1 bytes in a file that declares (by default) UTF-8.
    data = text(CAMT053_V02).encode("latin-1")
    assert refusal(data)[0].startswith("INVALID_XML: line ")


def test_an_unknown_declared_encoding() -> None:
    data = b'<?xml version="1.0" encoding="x-no-such"?>' + (FILES / CAMT053_V02).read_bytes()[38:]
    assert refusal(data)[0].startswith("INVALID_XML")


# --- hostile XML -------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt><Stmt><Id>&lol9;</Id></Stmt></BkToCstmrStmt></Document>
"""


def _external_entity(url: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY secret SYSTEM "{url}">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt><Stmt><Id>&secret;</Id></Stmt></BkToCstmrStmt></Document>
""".encode()


def _external_dtd(url: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE Document SYSTEM "{url}">
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt/></Document>
""".encode()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the parser reached for a URL")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.mark.usefixtures("no_network")
def test_billion_laughs_is_refused() -> None:
    assert refusal(BILLION_LAUGHS) == ["XML_FORBIDDEN_CONSTRUCT"]


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("build", [_external_entity, _external_dtd])
def test_external_entities_and_dtds_are_refused_unread(build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    for url in ("file:///etc/passwd", secret.as_uri(), "http://127.0.0.1:9/evil.dtd"):
        messages = refusal(build(url))
        assert messages == ["XML_FORBIDDEN_CONSTRUCT"]
        assert not any("MARKER" in m or "root:" in m for m in messages)


def test_an_oversize_file_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed an oversize file")

    monkeypatch.setattr(importers.xml, "parse", must_not_parse)
    monkeypatch.setattr(importers.ktl, "parse", must_not_parse)
    head = (FILES / CAMT053_V02).read_bytes()
    assert refusal(head + b" " * (MAX_BANK_FILE_BYTES - len(head) + 1)) == ["FILE_TOO_LARGE"]
    ktl = (FILES / KTL).read_bytes()
    assert refusal(ktl * (MAX_BANK_FILE_BYTES // len(ktl) + 1)) == ["FILE_TOO_LARGE"]


def test_a_file_of_exactly_the_bound_is_parsed() -> None:
    data = (FILES / CAMT053_V02).read_bytes()
    padded = data + b"\n" * (MAX_BANK_FILE_BYTES - len(data))
    assert parse_file(padded).format == "CAMT053"


# --- any bytes ---------------------------------------------------------------------------------

SAMPLES = [(FILES / name).read_bytes() for name in (CAMT053_V02, "camt053_v08.xml", CAMT054_V02, KTL)]


def _only_kirjuri_errors(data: bytes) -> None:
    try:
        parse_file(data)
    except KirjuriError as error:
        assert error.status == 400
        assert all(item.field == "file" for item in error.items)


@settings(deadline=None, max_examples=300)
@given(st.binary(max_size=2000))
def test_random_bytes_raise_nothing_but_a_400(data: bytes) -> None:
    _only_kirjuri_errors(data)


@settings(deadline=None, max_examples=200)
@given(
    st.sampled_from(
        [
            b"0",
            b"02603031800",
            b"<",
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">',
        ]
    ),
    st.binary(max_size=500),
)
def test_random_bytes_after_a_plausible_start(start: bytes, rest: bytes) -> None:
    _only_kirjuri_errors(start + rest)


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SAMPLES),
    st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=8)), min_size=1, max_size=4),
)
def test_damaged_samples_raise_nothing_but_a_400(sample: bytes, edits: list[tuple[float, bytes]]) -> None:
    data = sample
    for where, replacement in edits:
        at = int(where * (len(data) - 1))
        data = data[:at] + replacement + data[at + len(replacement) :]
    _only_kirjuri_errors(data)


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([s.decode("latin-1") for s in SAMPLES]),
    st.floats(0, 1),
    st.text(alphabet="0123456789 -.:TZ+<>/A", max_size=6),
)
def test_damaged_values_raise_nothing_but_a_400(sample: str, where: float, replacement: str) -> None:
    # Text-level edits keep XML well-formed more often, so the field checks themselves are hit.
    at = int(where * (len(sample) - 1))
    data = sample[:at] + replacement + sample[at + len(replacement) :]
    _only_kirjuri_errors(data.encode("latin-1"))
