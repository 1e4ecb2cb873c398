"""The sample bank files under `tests/banking/files` and ways to break them for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from kirjuri.banking.importers import ParsedFile, parse_file
from kirjuri.core.errors import KirjuriError

FILES = Path(__file__).resolve().parent.parent / "files"
CAMT053_V02 = "camt053_v02.xml"
CAMT053_V08 = "camt053_v08.xml"
CAMT054_V02 = "camt054_v02.xml"
KTL = "ktl_viite.txt"


def text(name: str) -> str:
    return (FILES / name).read_bytes().decode("utf-8" if name.endswith(".xml") else "latin-1")


def mutate(source: str, anchor: str, old: str, new: str) -> str:
    """`source` with the first `old` after `anchor` replaced by `new` (the test fails loudly when
    the anchor or the old text is not there, so a variant can never silently test nothing)."""
    start = source.index(anchor)
    at = source.index(old, start)
    return source[:at] + new + source[at + len(old) :]


def parse_xml(source: str) -> ParsedFile:
    return parse_file(source.encode("utf-8"))


def refusal(data: bytes) -> list[str]:
    """The messages of the 400 the file is refused with (every item at field `file`)."""
    with pytest.raises(KirjuriError) as caught:
        parse_file(data)
    assert caught.value.status == 400
    assert all(item.field == "file" and item.status == 400 for item in caught.value.items)
    return [item.message for item in caught.value.items]
