"""`KirjuriRoute`: the unit of work and the wire format around every endpoint.

Invariant: each request is one transaction. The route parses JSON with exact decimals, refuses
a body of the wrong media type (415) or over the route's size limit (413), renders what the
endpoint returns with exact decimals, and then — before a byte of the response is sent —
commits (on success) or rolls back (on any error). The stored response of an idempotent
request is written in that same commit.
"""

from __future__ import annotations

import email.message
import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import structlog
from fastapi import params
from fastapi.routing import APIRoute
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive

from kirjuri.api.schemas import ErrorMessages
from kirjuri.api.session import COMMITTED, REQUEST_STATE, release
from kirjuri.api.wire import WireRequest, WireResponse, to_plain
from kirjuri.core.errors import KirjuriError

log = structlog.get_logger("kirjuri.route")

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _render(result: Any, status_code: int | None) -> Response:
    if isinstance(result, Response):
        return result
    if result is None and status_code == 204:
        return Response(status_code=204)
    return WireResponse(to_plain(result), status_code=status_code or 200)


def _wire_endpoint(endpoint: Callable[..., Any], status_code: int | None) -> Callable[..., Any]:
    """Wrap an endpoint so that what it returns is written as exact wire JSON."""
    if inspect.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Response:
            return _render(await endpoint(*args, **kwargs), status_code)

        return async_wrapper

    @functools.wraps(endpoint)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        result = endpoint(*args, **kwargs)
        if not (isinstance(result, Response) and result.status_code >= 400):
            _commit_here(kwargs)
        return _render(result, status_code)

    return wrapper


def _commit_here(kwargs: dict[str, Any]) -> None:
    """A sync endpoint's successful write committed in the endpoint's own thread, before its answer
    is rendered — not after rendering, a hop back to the event loop and another to the thread pool,
    while its row locks are held. Only the plain case: the request's session is the endpoint's own
    argument and no hook waits for the commit (`on_commit`); anything else is committed by
    `_finish` as before. A failed commit raises here as it would there (409/503), and `_finish`
    then only rolls back and closes."""
    session: Session | None = next((value for value in kwargs.values() if isinstance(value, Session)), None)
    if session is None or session.info.get("read_only"):
        return
    state = session.info.get(REQUEST_STATE)
    owned = state is not None and id(getattr(state, "db", None)) == id(session)
    if not owned or getattr(state, "before_commit", None):
        return
    _commit(session)
    session.info[COMMITTED] = True


def _media(content_type: str | None) -> tuple[str, str] | None:
    if not content_type:
        return None
    message = email.message.Message()
    message["content-type"] = content_type
    return message.get_content_maintype(), message.get_content_subtype()


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return (length is not None and length != "0") or "transfer-encoding" in request.headers


def _declared_length(request: Request) -> int | None:
    try:
        return int(request.headers["content-length"])
    except (KeyError, ValueError):
        return None


def default_max_body_size() -> int:
    """The body limit of a route that names none: `max_json_body_bytes` of the settings."""
    try:
        from kirjuri.config import get_settings

        return get_settings().max_json_body_bytes
    except Exception:  # settings not readable (yet): the documented default
        return 2_000_000


TOO_LARGE_ATTRIBUTE = "__kirjuri_too_large__"
E = TypeVar("E", bound=Callable[..., Any])


def too_large_answer(error: KirjuriError) -> Callable[[E], E]:
    """Name the error a body declared larger than the route's `max_body_size` gets (instead of
    413 `PAYLOAD_TOO_LARGE`). Put it under the `@router.<method>` decorator."""

    def mark(endpoint: E) -> E:
        setattr(endpoint, TOO_LARGE_ATTRIBUTE, error)
        return endpoint

    return mark


def _limited_receive(receive: Receive, limit: int) -> Receive:
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                # An HTTPException passes FastAPI's body reading unchanged (→ 413 error body).
                raise HTTPException(413, "PAYLOAD_TOO_LARGE")
        return message

    return limited


class KirjuriRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        # Every route has a body limit; a route may name a larger one (attachments). It is
        # enforced here rather than by Starlette's limiter, whose 413 is plain text.
        self.body_limit: int = kwargs.pop("max_body_size", None) or default_max_body_size()
        # What a declared Content-Length above the limit answers (an upload names its own 400).
        self.too_large: KirjuriError = getattr(endpoint, TOO_LARGE_ATTRIBUTE, None) or KirjuriError(
            "PAYLOAD_TOO_LARGE", 413
        )
        # Documents the error body for every 4xx — which also keeps FastAPI from documenting
        # a 422 `HTTPValidationError` that this API never sends (validation is 400).
        errors = {"4XX": {"model": ErrorMessages, "description": "Error"}}
        kwargs["responses"] = {**errors, **(kwargs.get("responses") or {})}
        super().__init__(path, _wire_endpoint(endpoint, kwargs.get("status_code")), **kwargs)

    def _body_kind(self) -> str | None:
        if self.body_field is None:
            return None
        info = self.body_field.field_info
        if isinstance(info, params.File):
            return "multipart"
        if isinstance(info, params.Form):
            return "form"
        return "json"

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()
        body_kind = self._body_kind()

        async def handler(request: Request) -> Response:
            length = _declared_length(request)
            if length is not None and length > self.body_limit:
                # Refused before the endpoint runs, also when it never reads the body.
                raise self.too_large
            request = WireRequest(request.scope, _limited_receive(request.receive, self.body_limit))
            if body_kind and request.method in BODY_METHODS and _has_body(request):
                _check_media_type(body_kind, request.headers.get("content-type"))
            try:
                response = await original(request)
            except OperationalError as exc:
                # The database refused mid-request (SQLite: another writer got there first;
                # PostgreSQL: connection lost): a retryable 503, not a 500.
                await _finish(request, commit=False)
                log.warning("database_unavailable", error=type(exc.orig).__name__)
                raise unavailable() from exc
            except BaseException:
                await _finish(request, commit=False)
                raise
            ok = response.status_code < 400
            await _finish(request, commit=ok or getattr(request.state, "keep_writes", False), response=response)
            return response

        return handler


def _check_media_type(kind: str, content_type: str | None) -> None:
    media = _media(content_type)
    ok = media is not None and (
        (kind == "json" and media[0] == "application" and (media[1] == "json" or media[1].endswith("+json")))
        or (kind == "form" and media == ("application", "x-www-form-urlencoded"))
        or (kind == "multipart" and media == ("multipart", "form-data"))
    )
    if not ok:
        raise KirjuriError("UNSUPPORTED_MEDIA_TYPE", 415, "Content-Type")


async def _finish(request: Request, *, commit: bool, response: Response | None = None) -> None:
    session: Session | None = getattr(request.state, "db", None)
    if session is None:
        return
    request.state.db = None
    ok = response is not None and response.status_code < 400
    hooks: list[Callable[[Session, Response], None]] = getattr(request.state, "before_commit", []) if ok else []
    try:
        if session.info.get("read_only") or session.info.get(COMMITTED):
            # Nothing to write: ending it does no network I/O (autocommit on PostgreSQL, an
            # in-process call on SQLite; or already committed by `_commit_here`), so it is done
            # here rather than paying a thread hop.
            _end(session, commit, hooks, response)
        else:
            # One hop to the thread pool for the whole ending.
            await run_in_threadpool(_end, session, commit, hooks, response)
    finally:
        release(request)


def _end(
    session: Session, commit: bool, hooks: list[Callable[[Session, Response], None]], response: Response | None
) -> None:
    try:
        if commit and session.info.get(COMMITTED):
            pass  # committed in the endpoint's thread (`_commit_here`)
        elif commit:
            for hook in hooks:
                assert response is not None
                hook(session, response)
            _commit(session)
        else:
            session.rollback()
    finally:
        session.close()


def _commit(session: Session) -> None:
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        log.warning("commit_conflict", error=type(exc.orig).__name__)
        raise KirjuriError("CONFLICT", 409) from exc
    except OperationalError as exc:
        session.rollback()
        log.error("commit_failed", error=type(exc.orig).__name__)
        raise unavailable() from exc


def unavailable() -> KirjuriError:
    return KirjuriError("SERVICE_UNAVAILABLE", 503, headers={"Retry-After": "1"})


def keep_writes(request: Request) -> None:
    """Commit this request's writes although it answers an error — only for writes that are the
    point of the refusal (revoking the tokens of a replayed authorization code)."""
    request.state.keep_writes = True


def on_commit(request: Request, hook: Callable[[Session, Response], None]) -> None:
    """Run `hook(session, response)` inside the request's transaction, just before it commits."""
    hooks = getattr(request.state, "before_commit", None)
    if hooks is None:
        hooks = request.state.before_commit = []
    hooks.append(hook)


def add_response_headers(request: Request, headers: dict[str, str]) -> None:
    """Headers every response of this request carries (rate limits), success or error;
    `RequestContext` adds them as the response starts."""
    current = getattr(request.state, "response_headers", None)
    if current is None:
        current = request.state.response_headers = {}
    current.update(headers)
