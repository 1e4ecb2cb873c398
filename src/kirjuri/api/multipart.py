"""What every streaming `multipart/form-data` reader shares (attachments, bank files): the
python-multipart callbacks that collect a part's `Content-Disposition`, the declared length of a
body, feeding the body to a parser or sink off the event loop (`pump`) and draining what a refused
client is still sending.

Invariant: a part without a `name` is 400 `MALFORMED_MULTIPART` at `body`; a subclass sees each
part only once its headers are complete (`begin_part`), so it decides where the part's bytes go
before the first byte arrives. Nothing here holds part data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

import anyio.to_thread
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request

from kirjuri.core.errors import KirjuriError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks


def malformed(field: str = "body") -> KirjuriError:
    return KirjuriError("MALFORMED_MULTIPART", 400, field)


def too_large(field: str = "file") -> KirjuriError:
    return KirjuriError("FILE_TOO_LARGE", 400, field)


class TooLarge(Exception):
    """Raised by a part's writer when the part passes its own limit (`pump` answers `too_large`)."""


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


async def pump(
    request: Request,
    write: Callable[[bytes], object],
    *,
    body_limit: int,
    route_limit: int,
    on_refuse: Callable[[], None] | None = None,
) -> None:
    """Feed the body to `write` chunk by chunk in a worker thread (parsing, hashing and writing stay
    off the event loop). A body past `body_limit`, or a writer raising `TooLarge`, is 400
    FILE_TOO_LARGE at `file`; a parser error 400 MALFORMED_MULTIPART; a client gone 400
    INCOMPLETE_BODY. On a refusal `on_refuse` runs first (drop what was staged), then what the client
    is still sending is drained up to `route_limit`, so that it gets its answer."""
    stream = request.stream()
    received = 0
    try:
        async for chunk in stream:
            received += len(chunk)
            if received > body_limit:
                raise TooLarge
            await anyio.to_thread.run_sync(write, chunk)
    except ClientDisconnect as exc:
        raise KirjuriError("INCOMPLETE_BODY", 400) from exc
    except (TooLarge, FormParserError, KirjuriError) as exc:
        if on_refuse is not None:
            on_refuse()
        await drain(stream, received, limit=route_limit)
        if isinstance(exc, TooLarge):
            raise too_large() from None
        if isinstance(exc, FormParserError):
            raise malformed() from exc
        raise
    finally:
        await stream.aclose()
