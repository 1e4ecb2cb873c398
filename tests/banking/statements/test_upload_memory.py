"""The bank-file upload never holds the body in memory: a 200 MB upload streamed to a real server
(chunked, and with a declared Content-Length; raw and as multipart) is refused with 400
FILE_TOO_LARGE, nothing is stored, and the memory Python allocated meanwhile (tracemalloc's peak,
server and client together) stays far below the limit. A control run that buffers the body on
purpose shows the meter would notice."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from kirjuri.banking.statements import upload
from tests.banking.statements.helpers import add_bank_account, counts
from tests.factories import Tenant

MB = 1_000_000
CHUNK = 64 * 1024
SIZE = 200 * MB
PEAK_LIMIT = 4 * MB
BOUNDARY = "kirjuri-bank-memory"
URL = "/api/kirjuri/bankstatements/import"


def _chunks(size: int, multipart: bool) -> tuple[int, Iterator[bytes]]:
    head = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.xml"\r\n'
            "Content-Type: application/xml\r\n\r\n"
        ).encode()
        if multipart
        else b""
    )
    tail = f"\r\n--{BOUNDARY}--\r\n".encode() if multipart else b""

    def gen() -> Iterator[bytes]:
        yield head
        left = size
        while left:
            n = min(CHUNK, left)
            yield b"<" * n
            left -= n
        yield tail

    return len(head) + size + len(tail), gen()


def _post(url: str, tenant: Tenant, *, declare_length: bool, multipart: bool) -> tuple[httpx.Response, int]:
    content_type = f"multipart/form-data; boundary={BOUNDARY}" if multipart else "application/octet-stream"
    headers = {**tenant.headers, "Content-Type": content_type}
    with httpx.Client(timeout=120) as client:
        client.post(f"{url}{URL}", content=b"warm-up", headers=headers)  # unmeasured: first-request imports
        length, chunks = _chunks(SIZE, multipart)
        tracemalloc.start()
        try:
            start, _ = tracemalloc.get_traced_memory()
            sized = {"Content-Length": str(length)} if declare_length else {}
            answer = client.post(f"{url}{URL}", content=chunks, headers={**headers, **sized})
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return answer, peak - start


@pytest.fixture()
def account(session_factory: sessionmaker[Session], tenant: Tenant) -> None:
    with session_factory() as session:
        add_bank_account(session, tenant.company_id)
        session.commit()


@pytest.mark.parametrize(
    ("declare_length", "multipart"),
    [(False, False), (True, False), (False, True)],
    ids=["chunked-raw", "content-length", "chunked-multipart"],
)
def test_a_200_mb_upload_is_refused_without_buffering(
    *, live_server: str, tenant: Tenant, account: None, db: Session, declare_length: bool, multipart: bool
) -> None:
    answer, peak = _post(live_server, tenant, declare_length=declare_length, multipart=multipart)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"errors": [{"status": 400, "field": "file", "message": "FILE_TOO_LARGE"}]}
    assert peak < PEAK_LIMIT, f"{peak:,} bytes allocated while refusing a 200 MB upload"
    assert counts(db, tenant.company_id) == (0, 0, 0)


def test_the_meter_notices_a_buffered_body(
    live_server: str, tenant: Tenant, account: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Control: a reader that holds the whole body first is caught by the same measurement."""
    streaming = upload.read_bank_upload

    async def buffering(request: Request, **options: Any) -> upload.BankUpload:
        await request.body()
        return await streaming(request, **options)

    monkeypatch.setattr(upload, "read_bank_upload", buffering)
    answer, peak = _post(live_server, tenant, declare_length=False, multipart=False)
    # The buffering reader hits the route's own body limit (413) after holding ~28 MB.
    assert answer.status_code in (400, 413)
    assert peak > 20 * MB
