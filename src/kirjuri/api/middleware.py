"""ASGI middleware: API version prefixes, request ids, access logs and the last-resort 500.

Invariants:
- `/api`, `/latest/api`, `/supported/api` and `/vYYMM/api` reach the same routes; an unknown
  version answers 404 in the error body. A trailing slash never changes the route.
- Every response carries `X-Request-Id`; every request is logged once as JSON with its id,
  client, company, status and duration — the path without its query string.
- An unexpected exception becomes a 500 error body, never HTML or a stack trace.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kirjuri.api.errors import error_response
from kirjuri.core import versions
from kirjuri.core.errors import ErrorItem

log = structlog.get_logger("kirjuri.access")

_PREFIX = re.compile(r"^/(latest|supported|v\d+)/api(?=/|$)")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class VersionPrefix:
    """Rewrites `/{version}/api/...` to `/api/...` and records the version in the scope."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/") or "/"
        version = versions.LATEST
        match = _PREFIX.match(path)
        if match:
            resolved = versions.resolve(match.group(1))
            if resolved is None:
                await error_response([ErrorItem(404, "UNKNOWN_API_VERSION")])(scope, receive, send)
                return
            version = resolved
            path = "/api" + path[match.end() :]
        if path != scope["path"]:
            scope = dict(scope, path=path, raw_path=path.encode())
        scope.setdefault("state", {})["api_version"] = version
        await self.app(scope, receive, send)


class RequestContext:
    """Request id, one access-log line per request, state headers, and the 500 of last resort."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                for name, value in (state.get("response_headers") or {}).items():
                    headers.append((name.lower().encode(), str(value).encode()))
                message = dict(message, headers=headers)
            await send(message)

        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            log.exception("unhandled_error", method=scope["method"], path=scope["path"])
            if not response_started:
                await error_response([ErrorItem(500, "INTERNAL_ERROR")])(scope, receive, send_wrapper)
        finally:
            principal = state.get("principal")
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                client=getattr(principal, "client_id", None),
                company=getattr(principal, "company_id", None),
                user=getattr(principal, "user_id", None),
            )
            structlog.contextvars.unbind_contextvars("request_id")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None
