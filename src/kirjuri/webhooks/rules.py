"""Pure rules of webhooks: which URLs and addresses may receive, the retry schedule, the push body.

Invariants:
- a receiver URL is absolute `https` (plain `http` only in sandbox mode), has a host, no user
  info and no fragment; every address its host resolves to must be public (not private,
  loopback, link-local, multicast, reserved or unspecified) unless the server runs in sandbox
  mode — checked at create/update and again before every delivery attempt;
- a delivery is tried at most `1 + len(RETRY_DELAYS)` times; the delays grow (5 s … 10 h, over
  more than 24 hours) with ±`JITTER` random spread, after the last failure it is dead-lettered;
- only 2xx answers count as delivered (redirects are not followed, so 3xx is a failure).
"""

from __future__ import annotations

import base64
import ipaddress
import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from kirjuri.core.errors import KirjuriError
from kirjuri.webhooks import catalogue

# Webhooks are company settings: viewing them needs this right, changing them (and reading the
# signing secret) needs it at ALL_RIGHTS.
SETTINGS_RIGHT = "management.basicCompanyInfo"

HMAC = "HMAC"
NONE = "NONE"
AUTHENTICATION_TYPES = (HMAC, NONE)

ACTIVE = "ACTIVE"
FAILING = "FAILING"

PENDING = "PENDING"
DELIVERED = "DELIVERED"
DEAD = "DEAD"

SECRET_PREFIX = "whsec_"  # noqa: S105 - a format prefix, not a secret
# The key of `authenticationMeta` that may carry a client-chosen secret (§D.27 example).
SECRET_META_KEY = "secret"  # noqa: S105 - a key name
MAX_URL_LENGTH = 2000

# Waits after the 1st, 2nd, … failed attempt; after the last one the delivery is dead.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = 1 + len(RETRY_DELAYS)
JITTER = 0.1
# How long a claimed delivery belongs to its worker: a claimed batch (`CLAIM_BATCH` attempts of
# at most ~15 s each with the worker's timeouts) must finish well within it.
LEASE = timedelta(minutes=5)
CLAIM_BATCH = 10
EXCERPT_LENGTH = 500
# Finished deliveries (with their attempts) and their events are kept this long for the owner to see.
RETENTION = timedelta(days=30)


def check_subscriptions(values: Sequence[str], field: str = "subscriptions") -> list[str]:
    """The subscribed event types, deduplicated in their order; 400 at the first unknown one."""
    if not values:
        raise KirjuriError("FIELD_REQUIRED", 400, field)
    seen: list[str] = []
    for index, value in enumerate(values):
        if value not in catalogue.ALL_EVENTS:
            raise KirjuriError("INVALID_EVENT_TYPE", 400, f"{field}[{index}]")
        if value not in seen:
            seen.append(value)
    return seen


def check_filter_event_types(values: Sequence[str], field: str = "eventType") -> list[str]:
    """The search filter's event types: catalogue names except the unsearchable ones (§C.13)."""
    for index, value in enumerate(values):
        if value not in catalogue.ALL_EVENTS or value in catalogue.NOT_SEARCHABLE:
            raise KirjuriError("INVALID_EVENT_TYPE", 400, f"{field}[{index}]")
    return list(values)


def check_url(url: str, *, sandbox: bool, field: str = "url") -> tuple[str, str, int]:
    """(scheme, host, port) of an acceptable receiver URL; 400 at `field` otherwise."""
    if not url or len(url) > MAX_URL_LENGTH or any(c.isspace() for c in url):
        raise KirjuriError("INVALID_URL", 400, field)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise KirjuriError("INVALID_URL", 400, field) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise KirjuriError("INVALID_URL", 400, field)
    if scheme == "http" and not sandbox:
        raise KirjuriError("WEBHOOK_URL_NOT_HTTPS", 400, field)
    host = parts.hostname
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        raise KirjuriError("INVALID_URL", 400, field)
    return scheme, host, port or (443 if scheme == "https" else 80)


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_public(address: str) -> bool:
    """A globally routable unicast address (IPv4-mapped IPv6 judged by its IPv4 address)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and not ip.is_reserved and not ip.is_unspecified


def check_addresses(addresses: Iterable[str], *, sandbox: bool, field: str = "url") -> list[str]:
    """The resolved addresses when the receiver may be called; 400 WEBHOOK_URL_NOT_PUBLIC when
    any of them is non-public (outside sandbox mode), WEBHOOK_URL_UNRESOLVABLE when none."""
    found = list(dict.fromkeys(addresses))
    if not found:
        raise KirjuriError("WEBHOOK_URL_UNRESOLVABLE", 400, field)
    if not sandbox and not all(is_public(a) for a in found):
        raise KirjuriError("WEBHOOK_URL_NOT_PUBLIC", 400, field)
    return found


def retry_delay(failed_attempts: int, random_unit: float) -> timedelta | None:
    """The wait after `failed_attempts` failures in a row (1 = the first attempt failed), spread
    by ±JITTER with `random_unit` in [0, 1); None when the delivery is to be dead-lettered."""
    if failed_attempts < 1 or failed_attempts > len(RETRY_DELAYS):
        return None
    base = RETRY_DELAYS[failed_attempts - 1]
    factor = 1 + JITTER * (2 * random_unit - 1)
    return base * factor


def succeeded(status_code: int | None) -> bool:
    return status_code is not None and 200 <= status_code < 300


def push_body(*, event_type: str, webhook_uuid: str, payload: dict[str, Any], created_at: datetime) -> str:
    """The contract's push body (§C.13), serialised once: the signed bytes are the sent bytes."""
    document = {
        "eventType": event_type,
        "webhookUuid": webhook_uuid,
        "payload": payload,
        "meta": {"version": "1", "timestamp": int(created_at.timestamp() * 1000)},
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=str)


def normalise_secret(given: object, field: str = "authenticationMeta.secret") -> str | None:
    """A client-chosen secret as a `whsec_` secret: `whsec_<base64>` is taken as it is, any other
    text (8–200 characters) is the raw HMAC key. None when no secret was given."""
    if given is None:
        return None
    if not isinstance(given, str) or not 8 <= len(given) <= 200:
        raise KirjuriError("INVALID_SECRET", 400, field)
    if given.startswith(SECRET_PREFIX):
        try:
            key = base64.b64decode(given[len(SECRET_PREFIX) :], validate=True)
        except ValueError as exc:
            raise KirjuriError("INVALID_SECRET", 400, field) from exc
        if len(key) < 16:
            raise KirjuriError("INVALID_SECRET", 400, field)
        return given
    return SECRET_PREFIX + base64.b64encode(given.encode("utf-8")).decode("ascii")


def public_meta(meta: dict[str, Any] | None) -> dict[str, Any]:
    """The authentication map as stored and shown: without the secret."""
    return {k: v for k, v in (meta or {}).items() if k != SECRET_META_KEY}


def excerpt(text: str | None) -> str | None:
    if text is None:
        return None
    return text[:EXCERPT_LENGTH]
