"""Wire models of webhooks: the contract's Webhook, CreatedWebhookResponse and search result
(§D.27), and Kirjuri's extras (status, signing secret, deliveries with their attempts).

Invariant: the secret never appears in `Webhook.authenticationMeta` on the way out; it is shown
only by `WebhookSecret`, to a caller with the company-settings right.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from kirjuri.api.schemas import Int32, SearchResultMetaData, WireModel
from kirjuri.webhooks import catalogue, rules
from kirjuri.webhooks.models import Webhook as WebhookRow
from kirjuri.webhooks.models import WebhookAttempt, WebhookDelivery

AuthenticationType = StrEnum("AuthenticationType", {t: t for t in rules.AUTHENTICATION_TYPES})  # type: ignore[misc]
# Subscriptions: every catalogue name (the contract's nine and Kirjuri's `area.verb` ones).
EventType = StrEnum("EventType", {e: e for e in catalogue.ALL_EVENTS})  # type: ignore[misc]
SearchableEventType = StrEnum(  # type: ignore[misc]
    "SearchableEventType", {e: e for e in catalogue.ALL_EVENTS if e not in catalogue.NOT_SEARCHABLE}
)
SortOrder = StrEnum("SortOrder", {"ASC": "ASC", "DESC": "DESC"})  # type: ignore[misc]


class Webhook(WireModel):
    uuid: str | None = Field(default=None, description="Read-only; assigned by the server.")
    url: str = Field(max_length=rules.MAX_URL_LENGTH)
    authentication_type: AuthenticationType
    authentication_meta: dict[str, Any] | None = Field(
        default=None,
        description="Free-form map. `secret` (write-only) sets the signing secret: a `whsec_` "
        "Standard Webhooks secret, or any other text of 8–200 characters used as the raw HMAC key; "
        "without it the server generates one (`GET /api/kirjuri/webhooks/{uuid}/secret`).",
    )
    subscriptions: list[EventType]


class CreatedWebhookResponse(WireModel):
    status: Int32 | None = None
    uuid: str | None = None


class WebhookSearchResult(WireModel):
    results: list[Webhook]
    meta: SearchResultMetaData


def webhook_out(row: WebhookRow) -> Webhook:
    return Webhook(
        uuid=row.uuid,
        url=row.url,
        authentication_type=AuthenticationType(row.authentication_type),
        authentication_meta=rules.public_meta(row.authentication_meta),
        subscriptions=[EventType(name) for name in row.subscriptions or [] if name in catalogue.ALL_EVENTS],
    )


class WebhookStatus(WireModel):
    uuid: str
    status: str = Field(description="ACTIVE, or FAILING since a delivery was dead-lettered (until the next success).")
    failing_since: datetime | None = None
    created_at: datetime


class WebhookSecret(WireModel):
    uuid: str
    secret: str = Field(description="Standard Webhooks signing secret (`whsec_…`).")


class DeliveryAttempt(WireModel):
    number: int
    started_at: datetime
    duration_ms: int
    status_code: int | None = None
    error: str | None = None
    response_excerpt: str | None = None


class Delivery(WireModel):
    id: str = Field(description="Also the `webhook-id` header of every attempt.")
    event_type: str
    status: str = Field(description="PENDING, DELIVERED or DEAD (dead-lettered after the last retry).")
    attempt_count: int
    next_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    created_at: datetime
    finished_at: datetime | None = None
    attempts: list[DeliveryAttempt]


class DeliverySearchResult(WireModel):
    results: list[Delivery]
    meta: SearchResultMetaData


def delivery_out(row: WebhookDelivery, event_type: str, attempts: list[WebhookAttempt]) -> Delivery:
    return Delivery(
        id=row.id,
        event_type=event_type,
        status=row.status,
        attempt_count=row.attempts,
        next_attempt_at=row.next_attempt_at if row.status == rules.PENDING else None,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        created_at=row.created_at,
        finished_at=row.finished_at,
        attempts=[DeliveryAttempt.model_validate(attempt) for attempt in attempts],
    )
