"""The attachment table: metadata of every stored file; the bytes live in the file store.

Invariants: every key starts with `company_id`; `sha256` and `size` describe exactly the bytes
under `storage_key`; `(reference_type, reference_id)` named an existing owner of the same company
when the file was attached; `document_type` is the owner's receipt-level type (the search filter).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.core import clock
from kirjuri.db.base import Base, UTCDateTime


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_owner", "company_id", "reference_type", "reference_id"),
        Index("ix_attachments_created", "company_id", "created_at"),
    )

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(127))
    reference_type: Mapped[str] = mapped_column(String(40))
    reference_id: Mapped[int] = mapped_column(Integer)
    document_type: Mapped[str] = mapped_column(String(40))
    send_with_invoice: Mapped[bool] = mapped_column(Boolean, default=False)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)
    # Username of the uploader (Document.user, the `username` search header).
    created_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
