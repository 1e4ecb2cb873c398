"""Business verbs of webhook subscriptions: create, replace, delete, show and rotate the signing
secret, retry a delivery by hand.

Invariants: only the principal's company is touched (another company's uuid is 404); a receiver
URL is checked (scheme, and every resolved address public unless the server is in sandbox mode)
before it is stored; subscriptions name catalogue events only; the signing secret is stored
encrypted (`secretbox`) and the client's `authenticationMeta.secret` is moved there, never kept in
the map. Services flush, never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.db.counters import next_value
from kirjuri.webhooks import addresses, repository, rules, secretbox
from kirjuri.webhooks.models import Webhook, WebhookDelivery


@dataclass(frozen=True, slots=True)
class Receiving:
    """How the server checks receivers: sandbox mode allows http and private addresses."""

    sandbox: bool
    server_secret: str
    resolver: addresses.Resolver = addresses.resolve


@dataclass(frozen=True, slots=True)
class WebhookInput:
    url: str
    authentication_type: str
    authentication_meta: dict[str, Any]
    subscriptions: Sequence[str]


def _validated(data: WebhookInput, receiving: Receiving) -> tuple[list[str], str | None]:
    if data.authentication_type not in rules.AUTHENTICATION_TYPES:
        raise KirjuriError("INVALID_AUTHENTICATION_TYPE", 400, "authenticationType")
    subscriptions = rules.check_subscriptions(data.subscriptions)
    given_secret = rules.normalise_secret(data.authentication_meta.get(rules.SECRET_META_KEY))
    addresses.checked(data.url, sandbox=receiving.sandbox, resolver=receiving.resolver)
    return subscriptions, given_secret


def create(session: Session, *, company_id: int, data: WebhookInput, receiving: Receiving) -> Webhook:
    subscriptions, given_secret = _validated(data, receiving)
    now = clock.now()
    row = Webhook(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name="webhook"),
        uuid=str(uuid.uuid4()),
        url=data.url,
        authentication_type=data.authentication_type,
        authentication_meta=rules.public_meta(data.authentication_meta),
        subscriptions=subscriptions,
        secret_encrypted=secretbox.encrypt(given_secret or secretbox.generate(), server_secret=receiving.server_secret),
        status=rules.ACTIVE,
        created_at=now,
        version=now,
    )
    session.add(row)
    session.flush()
    return row


def get(session: Session, *, company_id: int, webhook_uuid: str, for_update: bool = False) -> Webhook:
    row = repository.by_uuid(session, company_id=company_id, uuid=webhook_uuid, for_update=for_update)
    if row is None:
        raise not_found("uuid")
    return row


def replace(
    session: Session, *, company_id: int, webhook_uuid: str, data: WebhookInput, receiving: Receiving
) -> Webhook:
    """PUT: the URL, authentication and subscriptions are replaced; the secret is kept unless a
    new one is given; a FAILING webhook is ACTIVE again (its owner has looked at it)."""
    row = get(session, company_id=company_id, webhook_uuid=webhook_uuid, for_update=True)
    subscriptions, given_secret = _validated(data, receiving)
    row.url = data.url
    row.authentication_type = data.authentication_type
    row.authentication_meta = rules.public_meta(data.authentication_meta)
    row.subscriptions = subscriptions
    if given_secret is not None:
        row.secret_encrypted = secretbox.encrypt(given_secret, server_secret=receiving.server_secret)
    row.status = rules.ACTIVE
    row.failing_since = None
    row.version = clock.now()
    session.flush()
    return row


def delete(session: Session, *, company_id: int, webhook_uuid: str) -> None:
    """The webhook, its pending deliveries and their history go (the FKs cascade)."""
    row = get(session, company_id=company_id, webhook_uuid=webhook_uuid, for_update=True)
    session.query(WebhookDelivery).filter(
        WebhookDelivery.company_id == company_id, WebhookDelivery.webhook_id == row.id
    ).delete(synchronize_session=False)
    session.delete(row)
    session.flush()


def secret(session: Session, *, company_id: int, webhook_uuid: str, server_secret: str) -> str:
    row = get(session, company_id=company_id, webhook_uuid=webhook_uuid)
    try:
        return secretbox.decrypt(row.secret_encrypted, server_secret=server_secret)
    except secretbox.SecretUnreadable as exc:
        raise KirjuriError("WEBHOOK_SECRET_UNREADABLE", 409, "uuid") from exc


def rotate_secret(session: Session, *, company_id: int, webhook_uuid: str, server_secret: str) -> str:
    """A new generated secret replaces the old one at once (later attempts are signed with it)."""
    row = get(session, company_id=company_id, webhook_uuid=webhook_uuid, for_update=True)
    new_secret = secretbox.generate()
    row.secret_encrypted = secretbox.encrypt(new_secret, server_secret=server_secret)
    row.version = clock.now()
    session.flush()
    return new_secret


def retry_delivery(session: Session, *, company_id: int, webhook_uuid: str, delivery_id: str) -> WebhookDelivery:
    """A delivery is due now again with a fresh backoff schedule; 409 when it is already delivered."""
    row = get(session, company_id=company_id, webhook_uuid=webhook_uuid)
    found = repository.delivery(session, company_id=company_id, webhook_id=row.id, delivery_id=delivery_id)
    if found is None:
        raise not_found("id")
    if found.status == rules.DELIVERED:
        raise KirjuriError("WEBHOOK_DELIVERY_ALREADY_DELIVERED", 409, "id")
    found.status = rules.PENDING
    found.schedule_base = found.attempts
    found.next_attempt_at = clock.now()
    found.finished_at = None
    session.flush()
    return found
