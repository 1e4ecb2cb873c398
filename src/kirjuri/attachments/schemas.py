"""Wire models of attachments (§D.1): Attachment, AttachmentRename, Document
and the search result.

Invariant: names arrive NFC-normalised before the Windows-1252 check (a decomposed `ä` is the
same letter as a composed one); `mimeType` is always the server's (derived from the name's
extension — a client's value is ignored); `sendWithInvoice` defaults to false, although the
contract marks it required, because the contract's own clients leave it out.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, field_validator

from kirjuri.api.schemas import Int32, SearchResult, WireModel
from kirjuri.attachments import models, rules

ReferenceType = StrEnum("ReferenceType", {t: t for t in rules.REFERENCE_TYPES})  # type: ignore[misc]
DocumentType = StrEnum("DocumentType", {t: t for t in rules.SEARCH_TYPES})  # type: ignore[misc]

Name = Annotated[str, Field(min_length=1, max_length=rules.MAX_NAME_LENGTH)]


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


class Attachment(WireModel):
    id: Int32 | None = None
    name: Name
    reference_type: ReferenceType
    reference_id: Int32
    mime_type: str | None = None
    send_with_invoice: bool = False

    @field_validator("name", mode="before")
    @classmethod
    def _name_nfc(cls, value: Any) -> Any:
        return _nfc(value)


class AttachmentRename(WireModel):
    name: Name

    @field_validator("name", mode="before")
    @classmethod
    def _name_nfc(cls, value: Any) -> Any:
        return _nfc(value)


class Document(WireModel):
    """A search row."""

    attachment_id: Int32 | None = None
    name: str | None = None
    size: Int32 | None = None
    user: str | None = None
    reference_id: Int32 | None = None
    reference_type: ReferenceType | None = None
    attached: datetime | None = None


class AttachmentSearchResult(SearchResult[Document]):
    pass


def attachment_to_wire(row: models.Attachment) -> Attachment:
    """A stored row (`models.Attachment`) as the contract shows it."""
    return Attachment(
        id=row.id,
        name=row.name,
        reference_type=ReferenceType(row.reference_type),
        reference_id=row.reference_id,
        mime_type=row.mime_type,
        send_with_invoice=row.send_with_invoice,
    )


def document(row: models.Attachment) -> Document:
    return Document(
        attachment_id=row.id,
        name=row.name,
        size=row.size,
        user=row.created_by,
        reference_id=row.reference_id,
        reference_type=ReferenceType(row.reference_type),
        attached=row.created_at,
    )
