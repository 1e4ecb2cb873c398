"""Pure rules of MFA transactions: expiry, and what each state means to the poller and the approver.

Invariants: a transaction expires 5 minutes after it was started (Procountor §C.8) and an
expired transaction can no longer be decided; a transaction is decided once — confirming or
rejecting a decided one is 409 "already processed".

Decision on 409 for the poll endpoints: reading a decided result is idempotent. The polling
endpoints (`GET /mfatransactionresult/{id}`, the deprecated `PUT /users/{id}/confirm`) answer
the same 200 (or 406/408) every time they are asked, so a client that lost a response may ask
again; "already processed" (409) is what the approver gets when deciding twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kirjuri.core.errors import KirjuriError

TTL = timedelta(minutes=5)

PENDING = "PENDING"
CONFIRMED = "CONFIRMED"
REJECTED = "REJECTED"
EXPIRED = "EXPIRED"
STATUSES = (PENDING, CONFIRMED, REJECTED, EXPIRED)

# The app in which the user approves: Kirjuri's developer portal (or `kirjuri mfa confirm`).
CONFIRMATION_APP = "KIRJURI_PORTAL"
PENDING_MESSAGE = "Transaction is waiting for confirmation in KIRJURI_PORTAL"


def expires_at(created_at: datetime) -> datetime:
    return created_at + TTL


def effective_status(status: str, created_at: datetime, now: datetime) -> str:
    """The stored status, except that a PENDING transaction past its TTL is EXPIRED."""
    if status == PENDING and now >= expires_at(created_at):
        return EXPIRED
    return status


def poll_error(status: str) -> KirjuriError | None:
    """What a poller gets for a transaction in `status` (effective), None for 200/202."""
    if status == REJECTED:
        return KirjuriError("MFA_TRANSACTION_REJECTED", 406, "transactionIdentifier")
    if status == EXPIRED:
        return KirjuriError("MFA_TRANSACTION_EXPIRED", 408, "transactionIdentifier")
    return None


def decision_error(status: str) -> KirjuriError | None:
    """What an approver gets when deciding a transaction in `status` (effective), None when allowed."""
    if status == PENDING:
        return None
    if status == EXPIRED:
        return KirjuriError("MFA_TRANSACTION_EXPIRED", 408, "transactionIdentifier")
    return KirjuriError("MFA_TRANSACTION_ALREADY_PROCESSED", 409, "transactionIdentifier")
