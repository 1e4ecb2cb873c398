"""The table of two-step verification (MFA) transactions: a critical change waiting for the user.

Invariant: a transaction belongs to one company and one user; its `payload` holds the pending
change exactly as validated when it was started, and nothing in it is applied before the user
confirms. `status` moves once, from PENDING to CONFIRMED, REJECTED or EXPIRED, and `decided_at`
records when; `result` is the wire `MfaTransactionResult` of a confirmed transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.core import clock
from kirjuri.db.base import Base, JSONDoc, UTCDateTime


class MfaTransaction(Base):
    __tablename__ = "mfa_transactions"
    __table_args__ = (
        # The transaction identifier alone finds the row (confirmation from the portal or the CLI).
        Index("ix_mfa_transactions_id", "id"),
        # The user's pending list, across every company of theirs.
        Index("ix_mfa_transactions_user_status", "user_id", "status"),
    )

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    # A random UUID string: the `transactionIdentifier` of the wire.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # What the transaction does when confirmed, e.g. USER_UPDATE; picks the handler.
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    # PENDING, CONFIRMED, REJECTED, EXPIRED
    status: Mapped[str] = mapped_column(String(10), default="PENDING")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
