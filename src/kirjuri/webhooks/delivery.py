"""Delivery of webhook events: fan-out of the outbox, claiming due deliveries, the signed POST,
and recording every attempt. Run by the worker (`webhooks.worker`), each step in its own
transaction.

Invariants:
- fan-out turns each committed event into one PENDING delivery per ACTIVE-or-FAILING
  subscription of its company that lists its type and existed when it happened, and marks the
  event dispatched in the same transaction (an event nobody wants is deleted);
- a delivery is claimed with a compare-and-set UPDATE of its lease (after `FOR UPDATE SKIP
  LOCKED` on PostgreSQL, so concurrent workers pass over each other's rows): only one worker
  holds a live lease, and only the holder may record the outcome. A worker that dies leaves its
  lease to expire (`rules.LEASE`), then the delivery is due again: at-least-once;
- the HTTP request is made outside any transaction, to an address checked public at that moment
  (sandbox mode excepted) — the connection goes to that very address, the name is only used for
  the Host header and TLS — with short timeouts, no redirects and no connection reuse;
- every attempt is recorded (time, duration, status code, error, response excerpt); failures are
  retried on `rules.retry_delay`'s schedule and dead-lettered after the last one, which flags the
  subscription FAILING (a later success makes it ACTIVE again);
- the signing secret is decrypted only in memory to sign and is never logged.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import httpx
import structlog
from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session
from standardwebhooks import Webhook as Signer

from kirjuri import __version__
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError
from kirjuri.webhooks import addresses, rules, secretbox
from kirjuri.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent
from kirjuri.webhooks.service import Receiving

log = structlog.get_logger("kirjuri.webhooks.delivery")

SessionFactory = Callable[[], Session]
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
USER_AGENT = f"Kirjuri-Webhooks/{__version__}"


@dataclass(frozen=True, slots=True)
class Claim:
    company_id: int
    delivery_id: str
    token: str


@dataclass(frozen=True, slots=True)
class Outcome:
    started_at: datetime
    duration_ms: int
    status_code: int | None
    error: str | None
    excerpt: str | None


def http_client() -> httpx.Client:
    """No redirects, short timeouts, no keep-alive: a connection made for one host name (SNI) at
    a pinned address must never be reused for another name that shares the address."""
    return httpx.Client(
        timeout=TIMEOUT,
        follow_redirects=False,
        limits=httpx.Limits(max_keepalive_connections=0),
        trust_env=False,
    )


def fan_out(factory: SessionFactory, *, batch: int = 200, company_ids: Collection[int] | None = None) -> int:
    """Dispatch up to `batch` committed events, oldest first (of `company_ids` only when given);
    the number of deliveries created."""
    created = 0
    with factory() as session:
        stmt = select(WebhookEvent).where(WebhookEvent.dispatched_at.is_(None))
        if company_ids is not None:
            stmt = stmt.where(WebhookEvent.company_id.in_(company_ids))
        events = list(
            session.scalars(stmt.order_by(WebhookEvent.created_at).limit(batch).with_for_update(skip_locked=True))
        )
        if not events:
            return 0
        companies = {event.company_id for event in events}
        hooks: dict[int, list[Webhook]] = {company_id: [] for company_id in companies}
        for hook in session.scalars(select(Webhook).where(Webhook.company_id.in_(companies))):
            hooks[hook.company_id].append(hook)
        now = clock.now()
        for event in events:
            matching = [
                hook
                for hook in hooks[event.company_id]
                if event.event_type in (hook.subscriptions or []) and hook.created_at <= event.created_at
            ]
            if not matching:
                session.delete(event)
                continue
            for hook in matching:
                session.add(
                    WebhookDelivery(
                        company_id=event.company_id,
                        id=str(uuid.uuid4()),
                        webhook_id=hook.id,
                        event_id=event.id,
                        status=rules.PENDING,
                        attempts=0,
                        schedule_base=0,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
                created += 1
            event.dispatched_at = now
        session.commit()
    return created


def claim_due(
    factory: SessionFactory,
    *,
    limit: int = rules.CLAIM_BATCH,
    lease: timedelta = rules.LEASE,
    company_ids: Collection[int] | None = None,
) -> list[Claim]:
    """Lease up to `limit` due deliveries to this caller (one token for the batch) for `lease`."""
    token = str(uuid.uuid4())
    with factory() as session:
        now = clock.now()
        free = or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now)
        stmt = select(WebhookDelivery.company_id, WebhookDelivery.id).where(
            WebhookDelivery.status == rules.PENDING, WebhookDelivery.next_attempt_at <= now, free
        )
        if company_ids is not None:
            stmt = stmt.where(WebhookDelivery.company_id.in_(company_ids))
        due = session.execute(
            stmt.order_by(WebhookDelivery.next_attempt_at).limit(limit).with_for_update(skip_locked=True)
        ).all()
        claims: list[Claim] = []
        for company_id, delivery_id in due:
            # Compare-and-set: on SQLite (no row locks) a second worker's UPDATE finds the lease taken.
            result = session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.company_id == company_id,
                    WebhookDelivery.id == delivery_id,
                    WebhookDelivery.status == rules.PENDING,
                    free,
                )
                .values(lease_token=token, lease_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) == 1:
                claims.append(Claim(company_id=company_id, delivery_id=delivery_id, token=token))
        session.commit()
    return claims


@dataclass(frozen=True, slots=True)
class _Message:
    url: str
    authentication_type: str
    secret_encrypted: str
    body: str


def _message(factory: SessionFactory, claim: Claim) -> _Message | None:
    with factory() as session:
        row = session.execute(
            select(WebhookDelivery, Webhook, WebhookEvent)
            .join(
                Webhook,
                (Webhook.company_id == WebhookDelivery.company_id) & (Webhook.id == WebhookDelivery.webhook_id),
            )
            .join(
                WebhookEvent,
                (WebhookEvent.company_id == WebhookDelivery.company_id) & (WebhookEvent.id == WebhookDelivery.event_id),
            )
            .where(WebhookDelivery.company_id == claim.company_id, WebhookDelivery.id == claim.delivery_id)
        ).first()
        if row is None:
            return None
        delivery, hook, event = row
        if delivery.lease_token != claim.token or delivery.lease_until is None or delivery.lease_until <= clock.now():
            return None  # the lease is gone: another worker may hold the delivery now
        body = rules.push_body(
            event_type=event.event_type, webhook_uuid=hook.uuid, payload=event.payload, created_at=event.created_at
        )
        return _Message(hook.url, hook.authentication_type, hook.secret_encrypted, body)


def signed_headers(*, message_id: str, secret: str | None, body: str, at: datetime) -> dict[str, str]:
    """Standard Webhooks headers; without a secret (authenticationType NONE) no signature."""
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
    }
    if secret is not None:
        headers["webhook-signature"] = Signer(secret).sign(msg_id=message_id, timestamp=at, data=body)
    return headers


def _pinned(url: str, address: str) -> tuple[str, str, str]:
    """(the URL with the checked address in place of the name, the Host header, the TLS name)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc_host = f"[{address}]" if ":" in address else address
    netloc = netloc_host if parts.port is None else f"{netloc_host}:{parts.port}"
    host_header = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host_header, host


def send(http: httpx.Client, *, message: _Message, message_id: str, receiving: Receiving) -> Outcome:
    """One attempt: check the receiver now, POST the signed body, read a short excerpt back."""
    started = clock.now()
    began = time.monotonic()

    def done(status: int | None, error: str | None, excerpt: str | None = None) -> Outcome:
        elapsed = int((time.monotonic() - began) * 1000)
        return Outcome(started, elapsed, status, error[:500] if error else None, rules.excerpt(excerpt))

    try:
        found = addresses.checked(message.url, sandbox=receiving.sandbox, resolver=receiving.resolver)
    except KirjuriError as exc:
        return done(None, exc.code)
    secret = None
    if message.authentication_type == rules.HMAC:  # only a signed message needs its secret
        try:
            secret = secretbox.decrypt(message.secret_encrypted, server_secret=receiving.server_secret)
        except secretbox.SecretUnreadable:
            return done(None, "WEBHOOK_SECRET_UNREADABLE")
    headers = signed_headers(message_id=message_id, secret=secret, body=message.body, at=started)
    target, host_header, tls_name = _pinned(message.url, found[0])
    headers["host"] = host_header
    extensions = {"sni_hostname": tls_name} if target.startswith("https") else {}
    try:
        with http.stream(
            "POST", target, content=message.body.encode("utf-8"), headers=headers, extensions=extensions
        ) as response:
            chunk = b""
            for part in response.iter_bytes():
                chunk += part
                if len(chunk) >= rules.EXCERPT_LENGTH:
                    break
            text = chunk[: rules.EXCERPT_LENGTH].decode("utf-8", errors="replace")
            error = None if rules.succeeded(response.status_code) else f"HTTP {response.status_code}"
            return done(response.status_code, error, text)
    except httpx.HTTPError as exc:
        return done(None, f"{type(exc).__name__}: {exc}")


def record(
    factory: SessionFactory, claim: Claim, outcome: Outcome, *, random_unit: Callable[[], float] = random.random
) -> str | None:
    """Store the attempt and the delivery's next state; the new status, None if the lease was lost."""
    with factory() as session:
        delivery = session.get(WebhookDelivery, (claim.company_id, claim.delivery_id), with_for_update=True)
        if delivery is None or delivery.lease_token != claim.token:
            log.warning("webhook_lease_lost", company=claim.company_id, delivery=claim.delivery_id)
            return None
        delivery.attempts += 1
        session.add(
            WebhookAttempt(
                company_id=claim.company_id,
                delivery_id=claim.delivery_id,
                number=delivery.attempts,
                started_at=outcome.started_at,
                duration_ms=outcome.duration_ms,
                status_code=outcome.status_code,
                error=outcome.error,
                response_excerpt=outcome.excerpt,
            )
        )
        now = clock.now()
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        delivery.lease_token = None
        delivery.lease_until = None
        hook = session.get(Webhook, (delivery.company_id, delivery.webhook_id))
        if rules.succeeded(outcome.status_code):
            delivery.status = rules.DELIVERED
            delivery.finished_at = now
            if hook is not None and hook.status != rules.ACTIVE:
                hook.status, hook.failing_since = rules.ACTIVE, None
        else:
            delay = rules.retry_delay(delivery.attempts - delivery.schedule_base, random_unit())
            if delay is None:
                delivery.status = rules.DEAD
                delivery.finished_at = now
                if hook is not None and hook.status != rules.FAILING:
                    hook.status, hook.failing_since = rules.FAILING, now
                log.warning("webhook_delivery_dead", company=claim.company_id, delivery=claim.delivery_id)
            else:
                delivery.next_attempt_at = now + delay
        status = delivery.status
        session.commit()
    return status


def deliver(
    factory: SessionFactory,
    claim: Claim,
    *,
    http: httpx.Client,
    receiving: Receiving,
    random_unit: Callable[[], float] = random.random,
) -> str | None:
    """Make one attempt of a claimed delivery and record it."""
    message = _message(factory, claim)
    if message is None:
        return None
    outcome = send(http, message=message, message_id=claim.delivery_id, receiving=receiving)
    return record(factory, claim, outcome, random_unit=random_unit)


def run_round(
    factory: SessionFactory,
    *,
    http: httpx.Client,
    receiving: Receiving,
    limit: int = rules.CLAIM_BATCH,
    lease: timedelta = rules.LEASE,
    random_unit: Callable[[], float] = random.random,
    company_ids: Collection[int] | None = None,
) -> int:
    """Fan out, then attempt every delivery claimed now (of `company_ids` only when given: a
    worker per shard, or a test that must not touch other tests' rows); the number of attempts."""
    fan_out(factory, company_ids=company_ids)
    attempts = 0
    for claim in claim_due(factory, limit=limit, lease=lease, company_ids=company_ids):
        if deliver(factory, claim, http=http, receiving=receiving, random_unit=random_unit) is not None:
            attempts += 1
    return attempts


def purge_finished(factory: SessionFactory, *, retention: timedelta = rules.RETENTION) -> int:
    """Forget deliveries finished (DELIVERED or DEAD) longer than `retention` ago, their attempts
    (cascade) and the dispatched events no delivery refers to any more; the deliveries removed."""
    with factory() as session:
        cutoff = clock.now() - retention
        removed = session.execute(
            delete(WebhookDelivery).where(
                WebhookDelivery.status.in_((rules.DELIVERED, rules.DEAD)), WebhookDelivery.finished_at < cutoff
            )
        )
        still_used = exists().where(
            WebhookDelivery.company_id == WebhookEvent.company_id, WebhookDelivery.event_id == WebhookEvent.id
        )
        session.execute(
            delete(WebhookEvent).where(
                WebhookEvent.dispatched_at.is_not(None), WebhookEvent.dispatched_at < cutoff, ~still_used
            )
        )
        session.commit()
    return int(getattr(removed, "rowcount", 0) or 0)
