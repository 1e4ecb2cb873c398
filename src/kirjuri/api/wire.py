"""JSON in and out of the API, with exact decimals.

Invariant: a JSON number never passes through `float`: request numbers with a fraction or an
exponent are parsed straight to `Decimal`, and `Decimal` values are written back as JSON
numbers with every digit. NaN and Infinity are not JSON and are refused.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

_decoder = msgspec.json.Decoder(float_hook=Decimal)
_encoder = msgspec.json.Encoder(decimal_format="number")


class MalformedJson(json.JSONDecodeError):
    """A JSONDecodeError, so FastAPI reports it as `json_invalid` (→ 400 `MALFORMED_JSON`)."""

    def __init__(self, message: str, body: bytes) -> None:
        super().__init__(message, body.decode("utf-8", "replace"), 0)


def loads(body: bytes) -> Any:
    try:
        return _decoder.decode(body)
    except msgspec.ValidationError:
        # An integer beyond 64 bits: decode it (as Decimal) so that validation can name
        # the field that carries it, instead of refusing the whole document.
        return _loads_big_numbers(body)
    except (msgspec.DecodeError, ValueError) as exc:
        raise MalformedJson(str(exc), body) from exc


def _loads_big_numbers(body: bytes) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    def big_int(digits: str) -> int | Decimal:
        return int(digits) if len(digits) <= 4000 else Decimal(digits)  # int() refuses > 4300 digits

    try:
        return json.loads(body, parse_float=Decimal, parse_int=big_int, parse_constant=refuse)
    except ValueError as exc:
        raise MalformedJson(str(exc), body) from exc


def dumps(content: Any) -> bytes:
    return _encoder.encode(to_plain(content))


def to_plain(content: Any) -> Any:
    """Pydantic models → wire dicts (aliases, no nulls); everything else as it is."""
    if isinstance(content, BaseModel):
        return content.model_dump(mode="python", by_alias=True, exclude_none=True)
    if isinstance(content, list | tuple):
        return [to_plain(item) for item in content]
    return content


class WireRequest(Request):
    """A request whose `json()` keeps decimals exact."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json


class WireResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


def iso(value: date | datetime) -> str:
    return value.isoformat()
