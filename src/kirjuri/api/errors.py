"""The Procountor error body for every failure, and the handlers that write it.

Invariant: every error response — validation, auth, routing, rate limit, crash — is
`{"errors": [{"status", "field", "message"}]}` with JSON content type: validation is 400 (never
422), `field` is a JSON path (`invoiceRows[0].vatPercent`), `message` an upper-snake code. No
HTML, no stack trace, and bad input never reaches a 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import structlog
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.wire import WireResponse
from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.core.text import UPPER_SNAKE, to_upper_snake

log = structlog.get_logger("kirjuri.errors")

# Pydantic's error types → the codes clients see. Unlisted types are upper-snaked as they are.
_CODES: dict[str, str] = {
    "missing": "REQUIRED",
    "json_invalid": "MALFORMED_JSON",
    "json_type": "MALFORMED_JSON",
    "string_too_long": "TOO_LONG",
    "string_too_short": "TOO_SHORT",
    "too_long": "TOO_MANY_ITEMS",
    "too_short": "TOO_FEW_ITEMS",
    "enum": "INVALID_ENUM_VALUE",
    "literal_error": "INVALID_ENUM_VALUE",
    "int_parsing": "INVALID_INTEGER",
    "int_type": "INVALID_INTEGER",
    "int_from_float": "INVALID_INTEGER",
    "int_parsing_size": "OUT_OF_RANGE",
    "greater_than": "OUT_OF_RANGE",
    "greater_than_equal": "OUT_OF_RANGE",
    "less_than": "OUT_OF_RANGE",
    "less_than_equal": "OUT_OF_RANGE",
    "decimal_parsing": "INVALID_DECIMAL",
    "decimal_type": "INVALID_DECIMAL",
    "decimal_max_digits": "TOO_MANY_DIGITS",
    "decimal_max_places": "TOO_MANY_DECIMALS",
    "decimal_whole_digits": "TOO_MANY_DIGITS",
    "finite_number": "INVALID_DECIMAL",
    "date_parsing": "INVALID_DATE",
    "date_type": "INVALID_DATE",
    "date_from_datetime_parsing": "INVALID_DATE",
    "date_from_datetime_inexact": "INVALID_DATE",
    "datetime_parsing": "INVALID_DATETIME",
    "datetime_type": "INVALID_DATETIME",
    "datetime_from_date_parsing": "INVALID_DATETIME",
    "bool_parsing": "INVALID_BOOLEAN",
    "bool_type": "INVALID_BOOLEAN",
    "string_type": "INVALID_STRING",
    "model_attributes_type": "INVALID_OBJECT",
    "model_type": "INVALID_OBJECT",
    "dict_type": "INVALID_OBJECT",
    "list_type": "INVALID_ARRAY",
    "uuid_parsing": "INVALID_UUID",
    "url_parsing": "INVALID_URL",
    "value_error": "INVALID_VALUE",
}

_STATUS_CODES: dict[int, str] = {
    400: "BAD_REQUEST",
    401: "Unauthorized",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    409: "CONFLICT",
    412: "PRECONDITION_FAILED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "UNPROCESSABLE",
    429: "RATE_LIMIT_EXCEEDED",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}

_LOCATIONS = {"body", "query", "path", "header", "cookie", "form"}


def json_path(loc: Sequence[str | int]) -> str | None:
    """`("body", "invoiceRows", 0, "vatPercent")` → `"invoiceRows[0].vatPercent"`."""
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif str(part).startswith(("function-", "function-after", "tagged-union")):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path or None


def validation_code(error_type: str) -> str:
    if UPPER_SNAKE.match(error_type):
        return error_type
    return _CODES.get(error_type, to_upper_snake(error_type))


def validation_items(errors: Iterable[dict[str, Any]]) -> list[ErrorItem]:
    items: list[ErrorItem] = []
    for error in errors:
        loc = error.get("loc", ())
        field = None if error.get("type") == "json_invalid" else json_path(loc)
        items.append(ErrorItem(400, validation_code(str(error.get("type", "value_error"))), field))
    return items


def error_response(items: list[ErrorItem], headers: dict[str, str] | None = None) -> Response:
    body = {"errors": [_item(i) for i in items]}
    return WireResponse(body, status_code=items[0].status, headers=headers)


def _item(item: ErrorItem) -> dict[str, object]:
    # `field` is left out for class-level errors, as Procountor does.
    if item.field:
        return {"status": item.status, "field": item.field, "message": item.message}
    return {"status": item.status, "message": item.message}


def status_code_name(status: int) -> str:
    return _STATUS_CODES.get(status, "ERROR")


async def _kirjuri_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KirjuriError)
    return error_response(exc.items, exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(validation_items(exc.errors()))


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) and UPPER_SNAKE.match(exc.detail) else None
    code = detail or status_code_name(exc.status_code)
    return error_response([ErrorItem(exc.status_code, code)], dict(exc.headers or {}))


def install(app: FastAPI) -> None:
    app.add_exception_handler(KirjuriError, _kirjuri_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
