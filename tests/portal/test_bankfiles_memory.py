"""The portal's bank-file upload never holds the body in memory: a 200 MB file streamed (chunked
multipart, as a browser form sends it, token and company first) to a real server is refused with
the FILE_TOO_LARGE page, nothing is stored, and the memory Python allocated meanwhile (tracemalloc's
peak, server and client together) stays far below the limit — the same bound as the API's
(`tests/banking/statements/test_upload_memory.py`, which also has the meter's control run)."""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import Iterator

import httpx
from sqlalchemy.orm import Session, sessionmaker

from tests.banking.statements.helpers import add_bank_account, counts
from tests.factories import Tenant
from tests.live import live_server

__all__ = ["live_server"]

MB = 1_000_000
CHUNK = 64 * 1024
SIZE = 200 * MB
PEAK_LIMIT = 4 * MB
BOUNDARY = "kirjuri-portal-memory"


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def _body(token: str, company_id: int) -> Iterator[bytes]:
    for name, value in (("csrf_token", token), ("company_id", str(company_id))):
        yield f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.xml"\r\n'
        "Content-Type: application/xml\r\n\r\n"
    ).encode()
    left = SIZE
    while left:
        n = min(CHUNK, left)
        yield b"<" * n
        left -= n
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def test_a_200_mb_portal_upload_is_refused_without_buffering(
    live_server: str, tenant: Tenant, session_factory: sessionmaker[Session], db: Session
) -> None:
    with session_factory() as session:
        add_bank_account(session, tenant.company_id)
        session.commit()
    with httpx.Client(base_url=live_server, timeout=120) as client:
        login = client.get("/portal/login")
        data = {"csrf_token": _token(login.text), "username": tenant.username, "password": tenant.password}
        assert client.post("/portal/login", data=data).status_code == 303
        token = _token(client.get("/portal/bankfiles").text)
        headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        tracemalloc.start()
        try:
            start, _ = tracemalloc.get_traced_memory()
            answer = client.post("/portal/bankfiles", content=_body(token, tenant.company_id), headers=headers)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert answer.status_code == 400, answer.text[:500]
    assert answer.headers["content-type"].startswith("text/html")
    assert "FILE_TOO_LARGE" in answer.text
    assert peak - start < PEAK_LIMIT, f"{peak - start:,} bytes allocated while refusing a 200 MB upload"
    assert counts(db, tenant.company_id) == (0, 0, 0)
