"""The upload never holds the body in memory: an 11 MB file streamed to a real server (chunked, and
with a truthful Content-Length) is refused with 400 FILE_TOO_LARGE, nothing is stored, and the
memory Python allocated meanwhile (tracemalloc's peak, server and client together) stays far below
the file's size. A control run that buffers the body on purpose shows the meter would notice."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from kirjuri.attachments import upload
from kirjuri.attachments.storage import FileStore
from kirjuri.config import Settings
from tests.attachments.helpers import count_rows, make_receipt, stored_files
from tests.factories import Tenant

MB = 1_000_000
CHUNK = 64 * 1024
PEAK_LIMIT = 3 * MB
BOUNDARY = "kirjuri-memory-test"


def _body(meta: dict[str, Any], size: int) -> tuple[int, Callable[[], Iterator[bytes]]]:
    """(length, a generator factory) of a multipart body whose file part is `size` bytes made on
    the fly: the client never holds the file either."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n'
        f"{json.dumps(meta)}\r\n"
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    def chunks() -> Iterator[bytes]:
        yield head
        left = size
        while left:
            n = min(CHUNK, left)
            yield b"\xab" * n
            left -= n
        yield tail

    return len(head) + size + len(tail), chunks


def _post(
    url: str, tenant: Tenant, meta: dict[str, Any], size: int, *, declare_length: bool
) -> tuple[httpx.Response, int]:
    """POST the body and return (answer, tracemalloc peak above the start) of the whole exchange."""
    length, chunks = _body(meta, size)
    headers = {**tenant.headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    with httpx.Client(timeout=60) as client:
        # Warm-up, unmeasured: the app's first request builds its middleware stack and imports
        # modules (megabytes that stay, whatever the body's size).
        _, small = _body({**meta, "referenceId": 0}, 10)
        client.post(f"{url}/api/attachments", content=small(), headers=headers)
        tracemalloc.start()
        try:
            start, _ = tracemalloc.get_traced_memory()
            sized = {"Content-Length": str(length)} if declare_length else {}
            answer = client.post(f"{url}/api/attachments", content=chunks(), headers={**headers, **sized})
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return answer, peak - start


@pytest.fixture()
def receipt_meta(session_factory: sessionmaker[Session], tenant: Tenant) -> dict[str, Any]:
    with session_factory() as session:
        receipt = make_receipt(session, tenant.company_id)
        session.commit()
        return {"name": "iso.bin", "referenceType": "LEDGERRECEIPT", "referenceId": receipt.id}


@pytest.mark.parametrize("declare_length", [False, True], ids=["chunked", "content-length"])
def test_an_11_mb_upload_is_refused_without_buffering(
    *,
    live_server: str,
    tenant: Tenant,
    receipt_meta: dict[str, Any],
    settings: Settings,
    db: Session,
    declare_length: bool,
) -> None:
    root: Path = settings.var_dir / "files"
    before = stored_files(root)
    answer, peak = _post(live_server, tenant, receipt_meta, 11 * MB, declare_length=declare_length)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"errors": [{"status": 400, "field": "file", "message": "FILE_TOO_LARGE"}]}
    assert peak < PEAK_LIMIT, f"{peak:,} bytes allocated while refusing an 11 MB upload"
    assert count_rows(db, tenant.company_id) == 0
    assert stored_files(root) == before


def test_a_large_accepted_upload_streams_too(
    live_server: str, tenant: Tenant, receipt_meta: dict[str, Any], db: Session
) -> None:
    answer, peak = _post(live_server, tenant, receipt_meta, 9 * MB, declare_length=False)
    assert answer.status_code == 200, answer.text
    assert peak < PEAK_LIMIT, f"{peak:,} bytes allocated while storing a 9 MB upload"
    assert count_rows(db, tenant.company_id) == 1
    with httpx.Client(timeout=60) as client:
        tracemalloc.start()
        try:
            start, _ = tracemalloc.get_traced_memory()
            size = 0
            with client.stream("GET", f"{live_server}/api/kirjuri/attachments/{answer.json()['id']}/content",
                               headers=tenant.headers) as download:  # fmt: skip
                for chunk in download.iter_bytes():
                    size += len(chunk)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert size == 9 * MB
    assert peak - start < PEAK_LIMIT, f"{peak - start:,} bytes allocated while sending a 9 MB file"


def test_the_meter_notices_a_buffered_body(
    live_server: str, tenant: Tenant, receipt_meta: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Control: a reader that holds the whole body first (as `UploadFile` parsing would) is caught."""
    streaming = upload.read_upload

    async def buffering(request: Request, store: FileStore) -> upload.Upload:
        await request.body()
        return await streaming(request, store)

    monkeypatch.setattr(upload, "read_upload", buffering)
    answer, peak = _post(live_server, tenant, receipt_meta, 11 * MB, declare_length=False)
    assert answer.status_code == 400
    assert peak > 10 * MB
