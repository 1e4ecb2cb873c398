"""One database session per request, opened on first use and finished by `KirjuriRoute`.

Invariant: services only `flush()`; the route commits once, before the response is sent, and a
failed commit becomes an error response — never a 200 for a change that did not land.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session
from starlette.requests import Request


def db_session(request: Request) -> Session:
    session: Session | None = getattr(request.state, "db", None)
    if session is None:
        session = request.app.state.session_factory()
        request.state.db = session
    return session


DbSession = Annotated[Session, Depends(db_session)]
