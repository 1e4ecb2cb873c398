"""What every streaming `multipart/form-data` reader shares (attachments, bank files): the
python-multipart callbacks that collect a part's `Content-Disposition`, the declared length of a
body, and draining what a refused client is still sending.

Invariant: a part without a `name` is 400 `MALFORMED_MULTIPART` at `body`; a subclass sees each
part only once its headers are complete (`begin_part`), so it decides where the part's bytes go
before the first byte arrives. Nothing here holds part data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from python_multipart.multipart import parse_options_header
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request

from kirjuri.core.errors import KirjuriError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks


def malformed(field: str = "body") -> KirjuriError:
    return KirjuriError("MALFORMED_MULTIPART", 400, field)


class PartReader:
    """The parser's callbacks up to a part's headers; subclasses implement `begin_part`,
    `on_part_data` and `on_part_end`."""

    def __init__(self) -> None:
        self.ended = False
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._disposition: bytes | None = None

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_end": self.on_end,
        }

    def on_part_begin(self) -> None:
        self._disposition = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if bytes(self._header_name).strip().lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def on_headers_finished(self) -> None:
        _kind, options = parse_options_header(self._disposition)
        name = options.get(b"name")
        if name is None:
            raise malformed()
        self.begin_part(name, options)

    def begin_part(self, name: bytes, options: dict[bytes, bytes]) -> None:
        raise NotImplementedError

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        raise NotImplementedError

    def on_part_end(self) -> None:
        raise NotImplementedError

    def on_end(self) -> None:
        self.ended = True


def declared_length(request: Request) -> int | None:
    try:
        return int(request.headers["content-length"])
    except (KeyError, ValueError):
        return None


async def drain(stream: AsyncIterator[bytes], received: int, *, limit: int) -> None:
    """Read and forget what the client is still sending, up to `limit` bytes of body in all, so
    that a client still sending gets its answer."""
    try:
        async for chunk in stream:
            received += len(chunk)
            if received > limit:
                return
    except (HTTPException, ClientDisconnect):  # the route's own limit, or the client gave up
        return
