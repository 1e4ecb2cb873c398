"""The `multipart/mixed` answer of a file with its Attachment metadata (Procountor §D.1
`GET /attachments/{id}`; §D.13 `GET /invoices/{id}/image` answers the same way).

Invariants: part 1 is the Attachment as JSON, part 2 the file with its Content-Type and a
`Content-Disposition: attachment` that no file name can break out of; the boundary is random (48 hex
digits, never found in the metadata and, with overwhelming probability, never in the file) and
the Content-Length is exact, so the body can be streamed without being read whole into memory.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kirjuri.api.wire import dumps
from kirjuri.attachments import rules
from kirjuri.attachments.schemas import Attachment


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """A model's JSON schema with its `$defs` written in place: hand-written OpenAPI fragments
    cannot name the component, whose name FastAPI may qualify (two areas have an `Attachment`)."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


# The Attachment (part 1) as an OpenAPI schema, for the 200 answers that declare it.
ATTACHMENT_SCHEMA: dict[str, Any] = _inline(Attachment.model_json_schema())


def file_headers(*, name: str, mime_type: str) -> dict[str, str]:
    """The headers of the file part (or of a bare file answer)."""
    return {"Content-Type": mime_type, "Content-Disposition": rules.content_disposition(name)}


@dataclass(frozen=True)
class Multipart:
    """A `multipart/mixed` body: its exact length, its media type (with the boundary) and its chunks."""

    length: int
    media_type: str
    chunks: Iterator[bytes]


def mixed(meta: Attachment, *, mime_type: str, size: int, body: Iterator[bytes]) -> Multipart:
    """Part 1 `meta` as JSON, part 2 the `size` bytes of `body` as `mime_type` named `meta.name`."""
    boundary = secrets.token_hex(24)
    part_headers = "".join(f"{k}: {v}\r\n" for k, v in file_headers(name=meta.name, mime_type=mime_type).items())
    head = (
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode()
        + dumps(meta)
        + f"\r\n--{boundary}\r\n{part_headers}\r\n".encode()
    )
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks() -> Iterator[bytes]:
        yield head
        yield from body
        yield tail

    return Multipart(
        length=len(head) + size + len(tail), media_type=f"multipart/mixed; boundary={boundary}", chunks=chunks()
    )
