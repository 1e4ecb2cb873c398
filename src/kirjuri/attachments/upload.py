"""The streaming reader of `POST /attachments`: a `multipart/form-data` body with a `meta` part
(JSON) and a `file` part, parsed as it arrives (python-multipart's `MultipartParser`).

Invariants:
- the body is never held in memory: file bytes go chunk by chunk into a staged file of the store
  (counted and hashed there); only the `meta` part is kept, at most `META_MAX_BYTES`;
- more than `MAX_FILE_BYTES` of file content is 400 `FILE_TOO_LARGE` at `file` — refused before
  reading when `Content-Length` already says more than the limit plus `MULTIPART_SLACK`, otherwise
  as soon as the count passes it; the staged bytes are deleted at once and at most `DRAIN_BYTES`
  more are read and thrown away so that the client, still sending, gets its answer;
- every way out but success discards the staged file: nothing of a refused upload is stored;
- a body that is not complete multipart (no closing boundary, a part without a name) is 400
  `MALFORMED_MULTIPART`; a missing part is 400 `REQUIRED` at `meta` or `file`; a part given twice
  is 400 `DUPLICATE_PART`; `meta` that is not JSON is 400 `MALFORMED_JSON` at `meta`, and its
  validation errors carry `meta.` paths (`meta.referenceId`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from kirjuri.api.errors import validation_items
from kirjuri.api.multipart import PartReader, TooLarge, declared_length, malformed, pump, too_large
from kirjuri.api.wire import MalformedJson, loads
from kirjuri.attachments import rules
from kirjuri.attachments.schemas import Attachment
from kirjuri.attachments.storage import FileStore, StagedFile
from kirjuri.core.errors import ErrorItem, KirjuriError

BODY_LIMIT = rules.MAX_FILE_BYTES + rules.MULTIPART_SLACK
# The route's own limit (`KirjuriRoute.max_body_size`): what this endpoint may ever read,
# draining included. The real limit is enforced by the reader below.
ROUTE_BODY_LIMIT = BODY_LIMIT + rules.DRAIN_BYTES


@dataclass
class Upload:
    meta: Attachment
    staged: StagedFile


class _Parts(PartReader):
    """The parser's callbacks: which part is being read, and where its bytes go."""

    def __init__(self, store: FileStore) -> None:
        super().__init__()
        self.store = store
        self.meta: bytearray | None = None
        self.staged: StagedFile | None = None
        self._current: str | None = None

    def begin_part(self, name: bytes, options: dict[bytes, bytes]) -> None:
        self._current = None
        if name == b"meta":
            if self.meta is not None:
                raise KirjuriError("DUPLICATE_PART", 400, "meta")
            self.meta = bytearray()
            self._current = "meta"
        elif name == b"file":
            if self.staged is not None:
                raise KirjuriError("DUPLICATE_PART", 400, "file")
            self.staged = self.store.stage()
            self._current = "file"
        # Any other part is read past and forgotten.

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current == "file":
            assert self.staged is not None
            if self.staged.size + (end - start) > rules.MAX_FILE_BYTES:
                raise TooLarge
            self.staged.write(data[start:end])
        elif self._current == "meta":
            assert self.meta is not None
            if len(self.meta) + (end - start) > rules.META_MAX_BYTES:
                raise KirjuriError("TOO_LONG", 400, "meta")
            self.meta += data[start:end]

    def on_part_end(self) -> None:
        self._current = None

    def discard(self) -> None:
        if self.staged is not None:
            self.staged.discard()


def _boundary(request: Request) -> bytes:
    media, params = parse_options_header(request.headers.get("content-type"))
    if media != b"multipart/form-data":
        raise KirjuriError("UNSUPPORTED_MEDIA_TYPE", 415, "Content-Type")
    boundary = params.get(b"boundary")
    if not boundary:
        raise malformed("Content-Type")
    return boundary


async def read_upload(request: Request, store: FileStore) -> Upload:
    """Stream the request body into the store; the caller commits or discards `Upload.staged`."""
    boundary = _boundary(request)
    declared = declared_length(request)
    if declared is not None and declared > BODY_LIMIT:
        raise too_large()
    parts = _Parts(store)
    try:
        await _parse(request, boundary, parts)
        meta = _meta(parts.meta)
        if parts.staged is None:
            raise KirjuriError("REQUIRED", 400, "file")
        if parts.staged.size == 0:
            raise KirjuriError("EMPTY_FILE", 400, "file")
        return Upload(meta=meta, staged=parts.staged)
    except BaseException:
        parts.discard()
        raise


async def _parse(request: Request, boundary: bytes, parts: _Parts) -> None:
    try:
        parser = MultipartParser(boundary, parts.callbacks())
    except FormParserError as exc:  # a boundary longer than the standard allows
        raise malformed("Content-Type") from exc
    await pump(request, parser.write, body_limit=BODY_LIMIT, route_limit=ROUTE_BODY_LIMIT, on_refuse=parts.discard)
    if not parts.ended:
        raise malformed()


def _meta(raw: bytearray | None) -> Attachment:
    if raw is None:
        raise KirjuriError("REQUIRED", 400, "meta")
    try:
        data: Any = loads(bytes(raw))
    except MalformedJson as exc:
        raise KirjuriError("MALFORMED_JSON", 400, "meta") from exc
    try:
        return Attachment.model_validate(data)
    except ValidationError as exc:
        items = validation_items([dict(e) for e in exc.errors()])
        raise KirjuriError.many(
            [ErrorItem(i.status, i.message, f"meta.{i.field}" if i.field else "meta") for i in items]
        ) from exc
