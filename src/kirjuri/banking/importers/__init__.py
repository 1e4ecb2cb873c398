"""Bank files in: camt.053 statements, camt.054 reference-payment notifications and the legacy
KTL reference file, each parsed by its own module into `banking.records`.

Invariants: the format is recognised from the content, never from the file name (an XML root's
namespace, or the KTL batch record); a file larger than `MAX_BANK_FILE_BYTES` is refused before
anything is parsed; XML is read only through `kirjuri.banking.xml.parse` (defusedxml); a file is
parsed whole or refused with one 400 `KirjuriError` at field `file` whose message(s) say what is
wrong and where (`INVALID_AMOUNT: Stmt[1]/Ntry[3]/Amt`, `SUM_MISMATCH: line 5, positions 8-18`)
— whatever the bytes, nothing else escapes.
"""

from __future__ import annotations

from dataclasses import dataclass

from kirjuri.banking import xml
from kirjuri.banking.importers import camt, camt053, camt054, common, ktl
from kirjuri.banking.records import ReferencePaymentRecord, StatementRecord

CAMT053, CAMT054, KTL = "CAMT053", "CAMT054", "KTL"
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class ParsedFile:
    # CAMT053, CAMT054 or KTL
    format: str
    statements: tuple[StatementRecord, ...] = ()
    reference_payments: tuple[ReferencePaymentRecord, ...] = ()


def parse_file(data: bytes, *, filename: str | None = None) -> ParsedFile:
    """Recognise the file by its content (the name is only a hint) and parse all of it, or raise a
    400 `KirjuriError` naming what is wrong and where (field `file`, message with line/element)."""
    if len(data) > xml.MAX_BANK_FILE_BYTES:
        raise xml.too_large(common.FIELD)
    content = data.removeprefix(_BOM).lstrip()
    if not content:
        raise common.refuse("EMPTY_FILE")
    if ktl.looks_like(content):
        return ParsedFile(KTL, reference_payments=ktl.parse(content))
    if content.startswith(b"<"):
        return _parse_xml(data)
    raise common.refuse("UNSUPPORTED_BANK_FILE")


def _parse_xml(data: bytes) -> ParsedFile:
    root = xml.parse(data, field=common.FIELD)
    namespace = xml.namespace(root)
    if root.tag != f"{{{namespace}}}Document":
        raise common.refuse("UNSUPPORTED_BANK_FILE")
    if camt.version(namespace, camt.CAMT053_PREFIX) is not None:
        return ParsedFile(CAMT053, statements=camt053.parse(root, namespace))
    if camt.version(namespace, camt.CAMT054_PREFIX) is not None:
        return ParsedFile(CAMT054, reference_payments=camt054.parse(root, namespace))
    raise common.refuse("UNSUPPORTED_BANK_FILE")
