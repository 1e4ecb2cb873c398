"""Events out: every area writes the events of a change here, in the change's own transaction.

INTERFACE PLACEHOLDER: the webhooks work (issue 6) replaces the body of `emit` with the outbox
table; the signature is the contract every area writes against.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def emit(session: Session, *, company_id: int, event_type: str, payload: dict[str, Any]) -> None:
    """Record that `event_type` (a name of `webhooks.catalogue`) happened in the company, with its
    JSON-ready `payload`; delivered after the transaction commits, never if it rolls back."""
    return None
