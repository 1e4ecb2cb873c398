"""The streaming reader of `POST /api/kirjuri/bankstatements/import`: the bank file as the `file`
part of a `multipart/form-data` body (python-multipart's `MultipartParser`), or as the raw body.

Invariants:
- at most `banking.xml.MAX_BANK_FILE_BYTES` of file content is accepted; more is 400
  `FILE_TOO_LARGE` at `file` — before reading when `Content-Length` already says more than the limit
  plus `MULTIPART_SLACK`, otherwise as soon as the count passes it;
- the body is never buffered whole while it arrives: the file part goes chunk by chunk into a
  spooled temporary file (memory up to `SPOOL_MEMORY`, disk beyond); after a refusal at most
  `DRAIN_BYTES` more are read and thrown away (so the client, still sending, gets its answer) and
  the spool is closed; only an accepted file (≤ the limit) is read back into memory, to be parsed;
- a multipart body without a `file` part is 400 `REQUIRED` at `file`, an incomplete one 400
  `MALFORMED_MULTIPART`, an empty file 400 `EMPTY_FILE`;
- `read_bank_upload` (the portal's form) also keeps the small form fields (at most `MAX_FIELDS`
  of `FIELD_BYTES` each) and hands those sent BEFORE the file part to its `check` before a single
  byte of the file is kept (a raw body: no fields) — a refused form (CSRF, rights) never spools.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

import anyio.to_thread
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from kirjuri.api.multipart import PartReader, TooLarge, declared_length, malformed, pump, too_large
from kirjuri.banking.xml import MAX_BANK_FILE_BYTES
from kirjuri.core.errors import KirjuriError

MULTIPART_SLACK = 64 * 1024
BODY_LIMIT = MAX_BANK_FILE_BYTES + MULTIPART_SLACK
DRAIN_BYTES = 8 * 1024 * 1024
# The route's own limit (`KirjuriRoute.max_body_size`), draining included.
ROUTE_BODY_LIMIT = BODY_LIMIT + DRAIN_BYTES
SPOOL_MEMORY = 1024 * 1024
FIELD_BYTES = 1024
MAX_FIELDS = 16

# Looks at the form fields sent before the file part; refuses by raising a `KirjuriError`.
FieldCheck = Callable[[dict[str, str]], None]


@dataclass(frozen=True, slots=True)
class BankUpload:
    data: bytes
    filename: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


class _Sink:
    """Where file bytes go: counted, bounded, spooled."""

    def __init__(self) -> None:
        self.spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115
        self.size = 0

    def write(self, data: bytes) -> None:
        if self.size + len(data) > MAX_BANK_FILE_BYTES:
            raise TooLarge
        self.size += len(data)
        self.spool.write(data)

    def read_all(self) -> bytes:
        self.spool.seek(0)
        return self.spool.read()

    def close(self) -> None:
        self.spool.close()


class _Parts(PartReader):
    """The multipart parser's callbacks: only the `file` part is kept."""

    def __init__(self, sink: _Sink, check: FieldCheck | None = None) -> None:
        super().__init__()
        self.sink = sink
        self.check = check
        self.checked = False
        self.seen_file = False
        self.filename: str | None = None
        self.fields: dict[str, str] = {}
        self._field: str | None = None
        self._value = bytearray()
        self._in_file = False

    def begin_part(self, name: bytes, options: dict[bytes, bytes]) -> None:
        self._in_file = False
        self._field = None
        if name == b"file":
            if self.seen_file:
                raise KirjuriError("DUPLICATE_PART", 400, "file")
            self.run_check()
            self.seen_file = True
            self._in_file = True
            filename = options.get(b"filename")
            self.filename = filename.decode("utf-8", "replace")[:255] if filename else None
        elif self.check is not None:
            if len(self.fields) >= MAX_FIELDS:
                raise malformed()
            self._field = name.decode("utf-8", "replace")
            self._value.clear()

    def run_check(self) -> None:
        if self.check is not None and not self.checked:
            self.checked = True
            self.check(dict(self.fields))

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self.sink.write(data[start:end])
        elif self._field is not None:
            self._value += data[start:end]
            if len(self._value) > FIELD_BYTES:
                raise KirjuriError("FIELD_TOO_LARGE", 400, self._field)

    def on_part_end(self) -> None:
        if self._field is not None:
            self.fields.setdefault(self._field, self._value.decode("utf-8", "replace"))
            self._field = None
        self._in_file = False


async def read_bank_upload(request: Request, *, check: FieldCheck | None = None) -> BankUpload:
    """The bank file of the request with its name and (when `check` is given) the small form fields;
    `check` sees the fields sent before the file part, in a worker thread, before the file is read."""
    declared = declared_length(request)
    if declared is not None and declared > BODY_LIMIT:
        raise too_large()
    media, params = parse_options_header(request.headers.get("content-type"))
    sink = _Sink()
    try:
        if media == b"multipart/form-data":
            boundary = params.get(b"boundary")
            if not boundary:
                if check is not None:
                    await anyio.to_thread.run_sync(check, {})
                raise malformed("Content-Type")
            parts = _Parts(sink, check)
            try:
                parser = MultipartParser(boundary, parts.callbacks())
            except FormParserError as exc:
                raise malformed("Content-Type") from exc
            await pump(request, parser.write, body_limit=BODY_LIMIT, route_limit=ROUTE_BODY_LIMIT)
            if not parts.ended:
                raise malformed()
            if not parts.seen_file:
                await anyio.to_thread.run_sync(parts.run_check)
                raise KirjuriError("REQUIRED", 400, "file")
            filename, fields = parts.filename, parts.fields
        else:
            if check is not None:
                await anyio.to_thread.run_sync(check, {})
            await pump(request, sink.write, body_limit=BODY_LIMIT, route_limit=ROUTE_BODY_LIMIT)
            filename, fields = None, {}
        if sink.size == 0:
            raise KirjuriError("EMPTY_FILE", 400, "file")
        return BankUpload(await anyio.to_thread.run_sync(sink.read_all), filename, fields)
    finally:
        sink.close()
