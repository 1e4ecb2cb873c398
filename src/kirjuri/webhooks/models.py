"""Tables of webhooks: subscriptions, the event outbox, deliveries and their attempts.

Invariants:
- every key starts with `company_id`; a subscription's `id` comes from the company's counter (its
  order is the creation order), its public name is the random `uuid`;
- `secret_encrypted` is the subscription's Standard Webhooks signing secret encrypted with a key
  derived from the server's secret (`webhooks.secrets`); it is never stored in clear, and
  `authentication_meta` never holds it;
- an event row is written by `outbox.emit` in the transaction of the change (one INSERT) and is
  fanned out by the worker into one delivery per matching subscription (`dispatched_at` set in
  the same transaction); an event no subscription wanted is deleted by the fan-out;
- a delivery is claimed by setting `lease_token`/`lease_until` with a compare-and-set UPDATE; it
  is due again when its lease has expired (a killed worker), so delivery is at-least-once;
  `status` moves PENDING → DELIVERED or PENDING → DEAD (a manual retry puts DEAD back to PENDING);
- every HTTP attempt leaves a `WebhookAttempt` row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.core import clock
from kirjuri.db.base import Base, JSONDoc, UTCDateTime


class Webhook(Base):
    __tablename__ = "webhooks"
    __table_args__ = (Index("ix_webhooks_uuid", "uuid", unique=True),)

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    uuid: Mapped[str] = mapped_column(String(36))
    url: Mapped[str] = mapped_column(String(2000))
    # HMAC or NONE
    authentication_type: Mapped[str] = mapped_column(String(10))
    # The client's free-form map, without the secret.
    authentication_meta: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    # Event type names of `webhooks.catalogue`.
    subscriptions: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    # ACTIVE, or FAILING once a delivery was dead-lettered (back to ACTIVE on the next success).
    status: Mapped[str] = mapped_column(String(10), default="ACTIVE")
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class WebhookEvent(Base):
    __tablename__ = "webhook_events"
    __table_args__ = (Index("ix_webhook_events_pending", "dispatched_at", "created_at"),)

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    # A random UUID: written without a counter so that `emit` stays one INSERT.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        ForeignKeyConstraint(["company_id", "webhook_id"], ["webhooks.company_id", "webhooks.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(
            ["company_id", "event_id"], ["webhook_events.company_id", "webhook_events.id"], ondelete="CASCADE"
        ),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_webhook", "company_id", "webhook_id", "created_at"),
        Index("ix_webhook_deliveries_event", "company_id", "event_id"),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A random UUID: the Standard Webhooks `webhook-id` (the same on every retry).
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    webhook_id: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[str] = mapped_column(String(36))
    # PENDING, DELIVERED, DEAD
    status: Mapped[str] = mapped_column(String(10), default="PENDING")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Attempts made before the last manual retry: the backoff schedule counts from there.
    schedule_base: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    lease_token: Mapped[str | None] = mapped_column(String(36))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["company_id", "delivery_id"],
            ["webhook_deliveries.company_id", "webhook_deliveries.id"],
            ondelete="CASCADE",
        ),
    )

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    response_excerpt: Mapped[str | None] = mapped_column(String(500))
