"""Bank files in: camt.053 statements, camt.054 reference-payment notifications and the legacy
KTL reference file, each parsed by its own module into `banking.records`.

INTERFACE PLACEHOLDER: the parsers (issue 6) replace the body of `parse_file`; its signature and
`ParsedFile` are the contract between the parsers and the import service.
"""

from __future__ import annotations

from dataclasses import dataclass

from kirjuri.banking.records import ReferencePaymentRecord, StatementRecord
from kirjuri.core.errors import KirjuriError


@dataclass(frozen=True, slots=True)
class ParsedFile:
    # CAMT053, CAMT054 or KTL
    format: str
    statements: tuple[StatementRecord, ...] = ()
    reference_payments: tuple[ReferencePaymentRecord, ...] = ()


def parse_file(data: bytes, *, filename: str | None = None) -> ParsedFile:
    """Recognise the file by its content (the name is only a hint) and parse all of it, or raise a
    400 `KirjuriError` naming what is wrong and where (field `file`, message with line/element)."""
    raise KirjuriError("UNSUPPORTED_BANK_FILE", 400, "file")
