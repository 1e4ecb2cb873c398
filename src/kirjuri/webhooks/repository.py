"""Company-scoped queries of webhooks: subscriptions, their deliveries and attempts.

Invariant: every lookup takes the principal's `company_id`; a webhook of another company is not
found (404), never shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kirjuri.core.paging import Order, PageMeta, PageRequest
from kirjuri.db.paging import fetch_page
from kirjuri.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent


@dataclass(frozen=True, slots=True)
class WebhookFilter:
    url: str | None = None
    event_types: Sequence[str] = ()
    order: Order = Order.DESC


def by_uuid(session: Session, *, company_id: int, uuid: str, for_update: bool = False) -> Webhook | None:
    stmt = select(Webhook).where(Webhook.company_id == company_id, Webhook.uuid == uuid)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def search(
    session: Session, *, company_id: int, filters: WebhookFilter, page: PageRequest
) -> tuple[list[Webhook], PageMeta]:
    stmt: Select[Any] = select(Webhook).where(Webhook.company_id == company_id)
    if filters.url is not None:
        stmt = stmt.where(Webhook.url == filters.url)
    if not filters.event_types:
        return fetch_page(session, stmt, id_column=Webhook.id, request=_ordered(page, filters.order))
    # Subscriptions are a JSON list: a company has a handful of webhooks, so filter them here.
    wanted = set(filters.event_types)
    rows: list[Webhook] = [row for row in session.scalars(stmt) if wanted.intersection(row.subscriptions or [])]
    rows.sort(key=lambda row: row.id, reverse=filters.order is Order.DESC)
    chunk = rows[page.offset : page.offset + page.size]
    return chunk, PageMeta(page_number=page.page, page_size=page.size, result_count=len(chunk), total_count=len(rows))


def _ordered(page: PageRequest, order: Order) -> PageRequest:
    return PageRequest(size=page.size, page=page.page, previous_id=None, order=order)


def of_company(session: Session, *, company_id: int) -> list[Webhook]:
    return list(session.scalars(select(Webhook).where(Webhook.company_id == company_id).order_by(Webhook.id)))


def delivery(session: Session, *, company_id: int, webhook_id: int, delivery_id: str) -> WebhookDelivery | None:
    return session.scalars(
        select(WebhookDelivery).where(
            WebhookDelivery.company_id == company_id,
            WebhookDelivery.webhook_id == webhook_id,
            WebhookDelivery.id == delivery_id,
        )
    ).first()


def deliveries(
    session: Session, *, company_id: int, webhook_id: int, page: PageRequest
) -> tuple[list[tuple[WebhookDelivery, str]], PageMeta]:
    """A webhook's deliveries with their event type, newest first."""
    where = (WebhookDelivery.company_id == company_id, WebhookDelivery.webhook_id == webhook_id)
    total = session.execute(select(func.count()).select_from(WebhookDelivery).where(*where)).scalar_one()
    stmt = (
        select(WebhookDelivery, WebhookEvent.event_type)
        .join(
            WebhookEvent,
            (WebhookEvent.company_id == WebhookDelivery.company_id) & (WebhookEvent.id == WebhookDelivery.event_id),
        )
        .where(*where)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
        .limit(page.size)
        .offset(page.offset)
    )
    rows = [(row[0], row[1]) for row in session.execute(stmt)]
    meta = PageMeta(page_number=page.page, page_size=page.size, result_count=len(rows), total_count=total)
    return rows, meta


def attempts(session: Session, *, company_id: int, delivery_ids: Sequence[str]) -> dict[str, list[WebhookAttempt]]:
    found: dict[str, list[WebhookAttempt]] = {delivery_id: [] for delivery_id in delivery_ids}
    if not delivery_ids:
        return found
    stmt = (
        select(WebhookAttempt)
        .where(WebhookAttempt.company_id == company_id, WebhookAttempt.delivery_id.in_(delivery_ids))
        .order_by(WebhookAttempt.delivery_id, WebhookAttempt.number)
    )
    for attempt in session.scalars(stmt):
        found[attempt.delivery_id].append(attempt)
    return found


def recent_deliveries(session: Session, *, company_id: int, limit: int = 20) -> list[tuple[WebhookDelivery, str, str]]:
    """The company's latest deliveries with their event type and webhook uuid, newest first."""
    stmt = (
        select(WebhookDelivery, WebhookEvent.event_type, Webhook.uuid)
        .join(
            WebhookEvent,
            (WebhookEvent.company_id == WebhookDelivery.company_id) & (WebhookEvent.id == WebhookDelivery.event_id),
        )
        .join(Webhook, (Webhook.company_id == WebhookDelivery.company_id) & (Webhook.id == WebhookDelivery.webhook_id))
        .where(WebhookDelivery.company_id == company_id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
        .limit(limit)
    )
    return [(row[0], row[1], row[2]) for row in session.execute(stmt)]
