"""One database session per request, opened on first use and finished by `KirjuriRoute`.

Invariants: services only `flush()`; the route commits once, before the response is sent, and a
failed commit becomes an error response — never a 200 for a change that did not land. No more
requests hold a session than `db_concurrency` allows, and never more than the connection pool
has connections: a request waits for a slot here, on the event loop, before it takes a thread —
so worker threads never block on the pool while the requests holding connections wait for a
thread (the deadlock of a pool smaller than the thread pool), and a CPU-bound process is not
flooded with requests that only contend for the interpreter lock and the same rows.
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import Depends
from sqlalchemy.orm import Session
from starlette.requests import Request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# `session.info` keys: the request's state (whose session it is), and "committed by the route already".
REQUEST_STATE = "kirjuri.request_state"
COMMITTED = "kirjuri.committed"


async def db_session(request: Request) -> Session:
    session: Session | None = getattr(request.state, "db", None)
    if session is None:
        state = request.app.state
        gate: anyio.Semaphore | None = getattr(state, "db_gate", None)
        if gate is None:  # created lazily: it belongs to the running event loop
            settings = state.settings
            slots = min(settings.db_concurrency, settings.db_pool_size + settings.db_max_overflow)
            gate = state.db_gate = anyio.Semaphore(slots)
        await gate.acquire()
        request.state.db_gate = gate
        # Safe methods get a read-only session (no transaction round trips on PostgreSQL).
        factory = state.read_session_factory if request.method in SAFE_METHODS else state.session_factory
        session = factory()
        session.info[REQUEST_STATE] = request.state
        request.state.db = session
    return session


def release(request: Request) -> None:
    """Give the request's pool slot back (called by `KirjuriRoute` once the session is closed)."""
    gate: anyio.Semaphore | None = getattr(request.state, "db_gate", None)
    if gate is not None:
        request.state.db_gate = None
        gate.release()


DbSession = Annotated[Session, Depends(db_session)]
