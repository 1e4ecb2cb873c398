"""`Idempotency-Key` on writes: a retried request gets the stored response, not a second change.

Invariants:
- Keys are scoped to (company, API client) and kept `idempotency_ttl_hours` (24 h).
- Same key, same request (method, version-independent path, query, body) → the stored response,
  replayed with `Idempotent-Replayed: true`. Same key, different request → 422
  `IDEMPOTENCY_KEY_REUSED`. A key longer than 255 characters or not printable ASCII → 400.
- Only successful responses are stored, in the transaction of the change itself; a request that
  failed validation may be retried with the same key. Two concurrent first uses of a key: one
  commits, the other is refused with 409 and changes nothing.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.models import IdempotencyRecord
from kirjuri.api.route import BODY_METHODS, on_commit
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError

HEADER = "idempotency-key"
MAX_KEY_LENGTH = 255


class IdempotentReplay(Exception):
    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__("replay")
        # Copied now: the route rolls the session back (expiring the record) before the
        # handler below writes the response.
        self.body = bytes(record.body)
        self.status_code = record.status_code
        self.content_type = record.content_type


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and all(0x20 < ord(c) < 0x7F for c in key)


async def request_digest(request: Request) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.scope["path"], request.scope.get("query_string", b"").decode("latin-1")):
        digest.update(part.encode())
        digest.update(b"\n")
    digest.update(await request.body())
    return digest.hexdigest()


async def guard(request: Request, session: Session, *, company_id: int, client_pk: int, ttl_hours: int) -> None:
    """Replay, refuse, or arrange for this request's response to be stored at commit."""
    key = request.headers.get(HEADER)
    if key is None or request.method not in BODY_METHODS:
        return
    if not _valid_key(key):
        raise KirjuriError("INVALID_IDEMPOTENCY_KEY", 400, "Idempotency-Key")
    digest = await request_digest(request)
    record = await run_in_threadpool(_find, session, company_id, client_pk, key)
    if record is not None and record.created_at > clock.now() - timedelta(hours=ttl_hours):
        if record.request_hash != digest:
            raise KirjuriError("IDEMPOTENCY_KEY_REUSED", 422, "Idempotency-Key")
        raise IdempotentReplay(record)

    def store(db: Session, response: Response) -> None:
        if record is not None:  # expired: the key may be used afresh
            db.execute(
                delete(IdempotencyRecord).where(
                    IdempotencyRecord.company_id == company_id,
                    IdempotencyRecord.client_pk == client_pk,
                    IdempotencyRecord.key == key,
                )
            )
        db.add(
            IdempotencyRecord(
                company_id=company_id,
                client_pk=client_pk,
                key=key,
                request_hash=digest,
                status_code=response.status_code,
                content_type=response.headers.get("content-type"),
                body=bytes(getattr(response, "body", b"")),
            )
        )

    on_commit(request, store)


def _find(session: Session, company_id: int, client_pk: int, key: str) -> IdempotencyRecord | None:
    return session.execute(
        select(IdempotencyRecord).where(
            IdempotencyRecord.company_id == company_id,
            IdempotencyRecord.client_pk == client_pk,
            IdempotencyRecord.key == key,
        )
    ).scalar_one_or_none()


def purge_expired(session: Session, *, ttl_hours: int) -> int:
    """Delete records past their lifetime (run by the worker / CLI); returns how many."""
    cutoff = clock.now() - timedelta(hours=ttl_hours)
    result = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


async def _replay(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IdempotentReplay)
    headers = {"Idempotent-Replayed": "true"}
    return Response(exc.body, status_code=exc.status_code, media_type=exc.content_type, headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(IdempotentReplay, _replay)
