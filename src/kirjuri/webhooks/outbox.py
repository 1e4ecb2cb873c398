"""Events out: every area writes the events of a change here, in the change's own transaction.

Invariants: `emit` adds exactly one row (`WebhookEvent`) to the caller's session and nothing
else — no query, no flush, no cache — so it costs one INSERT at the caller's next flush or
commit, commits with the change and vanishes with its rollback. Fanning the event out to the
company's subscriptions is the worker's job (`webhooks.delivery.fan_out`), so a company without
subscriptions pays only that INSERT, and subscriptions are read where they are current.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.webhooks import catalogue
from kirjuri.webhooks.models import WebhookEvent


def emit(session: Session, *, company_id: int, event_type: str, payload: dict[str, Any]) -> None:
    """Record that `event_type` (a name of `webhooks.catalogue`) happened in the company, with its
    JSON-ready `payload`; delivered after the transaction commits, never if it rolls back."""
    if event_type not in catalogue.ALL_EVENTS:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    session.add(
        WebhookEvent(
            company_id=company_id,
            id=str(uuid.uuid4()),
            event_type=event_type,
            payload=payload,
            created_at=clock.now(),
        )
    )
