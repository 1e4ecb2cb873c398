"""Optimistic locking: the contract's `version` field, and `ETag`/`If-Match` as an extra.

Invariant: a write that names a version (in the body, `?version=` or `If-Match`) other than the
stored one is refused — a stale `version` with 400 `VERSION_CONFLICT` (Procountor's status), a
stale `If-Match` with 412 — and nothing is written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from kirjuri.api.wire import WireResponse, to_plain
from kirjuri.core.errors import KirjuriError


def etag(version: datetime) -> str:
    return f'W/"{int(version.astimezone(UTC).timestamp() * 1_000_000)}"'


def same_instant(a: datetime, b: datetime) -> bool:
    if a.tzinfo is None:
        a = a.replace(tzinfo=UTC)
    if b.tzinfo is None:
        b = b.replace(tzinfo=UTC)
    return a == b


def check_version(current: datetime, given: datetime | None, *, required: bool, field: str = "version") -> None:
    if given is None:
        if required:
            raise KirjuriError("REQUIRED", 400, field)
        return
    if not same_instant(current, given):
        raise KirjuriError("VERSION_CONFLICT", 400, field)


def check_if_match(request: Request, current: datetime) -> None:
    header = request.headers.get("if-match")
    if header is None:
        return
    tags = [t.strip() for t in header.split(",")]
    if "*" in tags:
        return
    strong = etag(current).removeprefix("W/")
    if not any(t.removeprefix("W/") == strong for t in tags):
        raise KirjuriError("PRECONDITION_FAILED", 412, "If-Match")


def with_etag(content: Any, version: datetime) -> WireResponse:
    return WireResponse(to_plain(content), headers={"ETag": etag(version)})
