"""The one door through which bank XML (camt.053, camt.054, pain.002 …) is read.

Invariants: a file larger than `MAX_BANK_FILE_BYTES` is refused before parsing; parsing goes
only through defusedxml with DTDs forbidden, so entity expansion (billion laughs), external
entities and external DTDs are refused, never resolved; any refusal is a 400 `KirjuriError`
whose field is `file` and whose message says what is wrong, and nothing is parsed further.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from kirjuri.core.errors import KirjuriError

# A month of camt.053 for a busy account is a few megabytes; this leaves room without letting
# one upload hold hundreds of megabytes in memory.
MAX_BANK_FILE_BYTES = 20_000_000


def too_large(field: str = "file") -> KirjuriError:
    return KirjuriError("FILE_TOO_LARGE", 400, field)


def parse(data: bytes, *, field: str = "file") -> Element:
    """The root element of a bank XML file, or a 400 saying why it is refused."""
    if len(data) > MAX_BANK_FILE_BYTES:
        raise too_large(field)
    try:
        root: Element = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        return root
    except DefusedXmlException as exc:
        raise KirjuriError("XML_FORBIDDEN_CONSTRUCT", 400, field) from exc
    except ParseError as exc:
        line, column = exc.position
        raise KirjuriError(f"INVALID_XML: line {line}, column {column}", 400, field) from exc
    except LookupError as exc:  # expat: an encoding declaration Python does not know
        raise KirjuriError("INVALID_XML: unknown encoding", 400, field) from exc


def namespace(root: Element) -> str:
    """The namespace URI of the root element ('' when it has none), e.g.
    `urn:iso:std:iso:20022:tech:xsd:camt.053.001.02`."""
    tag = root.tag
    return tag[1 : tag.index("}")] if tag.startswith("{") else ""
