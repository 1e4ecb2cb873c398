"""The attachment endpoints over HTTP: upload, download (decoded as the PyPI client does), the
browser download, rename, delete, the multipart refusals and the size limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.attachments.models import Attachment
from kirjuri.config import Settings
from tests.attachments.helpers import (
    PDF,
    URL,
    count_rows,
    decode,
    errors,
    make_receipt,
    meta,
    post,
    stored_files,
    upload,
)
from tests.factories import Tenant


@pytest.fixture()
def receipt_id(session_factory: sessionmaker[Session], tenant: Tenant) -> int:
    with session_factory() as session:
        receipt = make_receipt(session, tenant.company_id)
        session.commit()
        return receipt.id


@pytest.fixture()
def files_root(settings: Settings) -> Path:
    return settings.var_dir / "files"


# --- upload and download ---------------------------------------------------------------------


def test_upload_answers_the_attachment(client: TestClient, tenant: Tenant, receipt_id: int) -> None:
    answer = post(client, tenant, meta("LEDGERRECEIPT", receipt_id, "muistio.txt", mimeType="image/gif"))
    assert answer.status_code == 200, answer.text
    created = answer.json()
    assert isinstance(created["id"], int)
    assert created == {
        "id": created["id"],
        "name": "muistio.txt",
        "referenceType": "LEDGERRECEIPT",
        "referenceId": receipt_id,
        "mimeType": "text/plain",  # from the extension; the client's value is ignored
        "sendWithInvoice": False,
    }


def test_download_is_byte_identical_multipart(client: TestClient, tenant: Tenant, receipt_id: int) -> None:
    created = upload(client, tenant, meta("LEDGERRECEIPT", receipt_id, "lasku.pdf", sendWithInvoice=True), PDF)
    answer = client.get(f"{URL}/{created['id']}", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("multipart/mixed; boundary=")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert int(answer.headers["content-length"]) == len(answer.content)
    got = decode(answer)
    assert got.meta == created
    assert got.meta_type == b"application/json"
    assert got.content == PDF
    assert got.headers[b"Content-Type"] == b"application/pdf"
    assert got.headers[b"Content-Disposition"] == b"attachment; filename=\"lasku.pdf\"; filename*=UTF-8''lasku.pdf"


def test_binary_content_with_every_byte_survives(client: TestClient, tenant: Tenant, receipt_id: int) -> None:
    content = bytes(range(256)) * 300 + b"\r\n--" + b"\r\n" * 10
    created = upload(client, tenant, meta("LEDGERRECEIPT", receipt_id, "data.bin"), content)
    assert decode(client.get(f"{URL}/{created['id']}", headers=tenant.headers)).content == content
    bare = client.get(f"/api/kirjuri/attachments/{created['id']}/content", headers=tenant.headers)
    assert bare.content == content


def test_browser_download_is_the_bare_file(client: TestClient, tenant: Tenant, receipt_id: int) -> None:
    created = upload(client, tenant, meta("LEDGERRECEIPT", receipt_id, "Ääkkös kuitti.pdf"), PDF)
    answer = client.get(f"/api/kirjuri/attachments/{created['id']}/content", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    assert answer.content == PDF
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-length"] == str(len(PDF))
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-disposition"] == (
        "attachment; filename=\"__kk_s kuitti.pdf\"; filename*=UTF-8''%C3%84%C3%A4kk%C3%B6s%20kuitti.pdf"
    )
    assert answer.headers["cache-control"] == "private, no-store"


def test_a_hostile_name_cannot_break_the_headers(client: TestClient, tenant: Tenant, receipt_id: int) -> None:
    created = upload(client, tenant, meta("LEDGERRECEIPT", receipt_id, 'x"\r\nSet-Cookie: a=b;.html'))
    assert created["name"] == 'x"Set-Cookie: a=b;.html'
    assert created["mimeType"] == "text/html"
    answer = client.get(f"/api/kirjuri/attachments/{created['id']}/content", headers=tenant.headers)
    assert "set-cookie" not in answer.headers
    assert answer.headers["content-disposition"].startswith('attachment; filename="x_Set-Cookie: a=b_.html";')
    assert answer.headers["content-security-policy"] == "default-src 'none'; sandbox"


def test_meta_as_a_plain_form_field(client: TestClient, tenant: Tenant, receipt_id: int) -> None:
    answer = post(client, tenant, meta("LEDGERRECEIPT", receipt_id), meta_type=None)
    assert answer.status_code == 200, answer.text


def test_meta_after_the_file_part(client: TestClient, tenant: Tenant, receipt_id: int) -> None:
    boundary = "rajaraja"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nsisältö\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="ignored"\r\n\r\nwhatever\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n'
        f"{json.dumps(meta('LEDGERRECEIPT', receipt_id))}\r\n--{boundary}--\r\n"
    ).encode()
    headers = {**tenant.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    answer = client.post(URL, content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    got = decode(client.get(f"{URL}/{answer.json()['id']}", headers=tenant.headers))
    assert got.content == "sisältö".encode()


# --- the size limit -----------------------------------------------------------------------------


def test_exactly_the_limit_is_accepted(client: TestClient, tenant: Tenant, receipt_id: int) -> None:
    content = b"\x00\xff" * 5_000_000
    created = upload(client, tenant, meta("LEDGERRECEIPT", receipt_id, "iso.bin"), content)
    answer = client.get(f"/api/kirjuri/attachments/{created['id']}/content", headers=tenant.headers)
    assert answer.content == content


def test_one_byte_over_the_limit_is_refused(
    client: TestClient, tenant: Tenant, receipt_id: int, db: Session, files_root: Path
) -> None:
    before = stored_files(files_root)
    answer = post(client, tenant, meta("LEDGERRECEIPT", receipt_id, "iso.bin"), b"x" * 10_000_001)
    assert (answer.status_code, errors(answer)) == (400, [(400, "file", "FILE_TOO_LARGE")])
    assert count_rows(db, tenant.company_id) == 0
    assert stored_files(files_root) == before


@pytest.mark.parametrize("declared", ["10200000", "200000000"])  # over the file limit; over the route's own
def test_a_declared_length_over_the_limit_is_refused_unread(
    client: TestClient, tenant: Tenant, receipt_id: int, declared: str
) -> None:
    headers = {**tenant.headers, "Content-Type": "multipart/form-data; boundary=x", "Content-Length": declared}
    answer = client.post(URL, content=b"--x--\r\n", headers=headers)
    assert (answer.status_code, errors(answer)) == (400, [(400, "file", "FILE_TOO_LARGE")])


# --- refused bodies -----------------------------------------------------------------------------


def _meta(**changes: object) -> dict[str, object]:
    return {"name": "a.txt", "referenceType": "LEDGERRECEIPT", "referenceId": 1, **changes}


@pytest.mark.parametrize(
    ("body", "content", "expected"),
    [
        (None, b"data", [(400, "meta", "REQUIRED")]),
        ("ok", None, [(400, "file", "REQUIRED")]),
        ("{not json", b"data", [(400, "meta", "MALFORMED_JSON")]),
        ("[1, 2]", b"data", [(400, "meta", "INVALID_OBJECT")]),
        ("ok", b"", [(400, "file", "EMPTY_FILE")]),
        ({"name": "a.txt"}, b"data", [(400, "meta.referenceType", "REQUIRED"), (400, "meta.referenceId", "REQUIRED")]),
        (_meta(name=""), b"d", [(400, "meta.name", "TOO_SHORT")]),
        (_meta(name="x" * 256), b"d", [(400, "meta.name", "TOO_LONG")]),
        (_meta(referenceType="NOPE"), b"d", [(400, "meta.referenceType", "INVALID_ENUM_VALUE")]),
        (_meta(referenceId=2**31), b"d", [(400, "meta.referenceId", "OUT_OF_RANGE")]),
        (_meta(referenceId="x"), b"d", [(400, "meta.referenceId", "INVALID_INTEGER")]),
        (_meta(sendWithInvoice="maybe"), b"d", [(400, "meta.sendWithInvoice", "INVALID_BOOLEAN")]),
        (_meta(name="\u20ac\u0100.txt"), b"d", [(400, "meta.name", "INVALID_CHARACTERS")]),
        (_meta(name=".."), b"d", [(400, "meta.name", "INVALID_NAME")]),
    ],
)  # fmt: skip
def test_refused_parts(
    *,
    client: TestClient,
    tenant: Tenant,
    receipt_id: int,
    db: Session,
    files_root: Path,
    body: object,
    content: bytes | None,
    expected: list[tuple[int, str, str]],
) -> None:
    before = stored_files(files_root)
    given = meta("LEDGERRECEIPT", receipt_id) if body == "ok" else body
    answer = post(client, tenant, given, content)  # type: ignore[arg-type]
    assert (answer.status_code, errors(answer)) == (400, expected)
    assert count_rows(db, tenant.company_id) == 0
    assert stored_files(files_root) == before


def _raw(
    client: TestClient, tenant: Tenant, body: bytes, content_type: str
) -> tuple[int, list[tuple[int, str | None, str]]]:
    answer = client.post(URL, content=body, headers={**tenant.headers, "Content-Type": content_type})
    return answer.status_code, errors(answer) if answer.status_code >= 400 else []


def test_malformed_multipart(client: TestClient, tenant: Tenant, receipt_id: int, files_root: Path) -> None:
    good_meta = json.dumps(meta("LEDGERRECEIPT", receipt_id)).encode()
    part = b'--b\r\nContent-Disposition: form-data; name="meta"\r\n\r\n' + good_meta + b"\r\n"
    file_part = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc\r\n'
    before = stored_files(files_root)
    form = "multipart/form-data; boundary=b"
    # No closing boundary: the body was cut.
    assert _raw(client, tenant, part + file_part, form) == (400, [(400, "body", "MALFORMED_MULTIPART")])
    # Garbage instead of a boundary.
    assert _raw(client, tenant, b"this is not multipart", form) == (400, [(400, "body", "MALFORMED_MULTIPART")])
    # A part without a name.
    nameless = b"--b\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--b--\r\n"
    assert _raw(client, tenant, nameless, form) == (400, [(400, "body", "MALFORMED_MULTIPART")])
    # The same part twice.
    twice = part + file_part + file_part + b"--b--\r\n"
    assert _raw(client, tenant, twice, form) == (400, [(400, "file", "DUPLICATE_PART")])
    # No boundary parameter; a boundary beyond the standard's length; not multipart at all.
    whole = part + file_part + b"--b--\r\n"
    assert _raw(client, tenant, whole, "multipart/form-data") == (400, [(400, "Content-Type", "MALFORMED_MULTIPART")])
    long = "multipart/form-data; boundary=" + "b" * 300
    assert _raw(client, tenant, whole, long) == (400, [(400, "Content-Type", "MALFORMED_MULTIPART")])
    assert _raw(client, tenant, good_meta, "application/json") == (
        415, [(415, "Content-Type", "UNSUPPORTED_MEDIA_TYPE")]
    )  # fmt: skip
    # A meta part beyond its limit.
    huge = b'--b\r\nContent-Disposition: form-data; name="meta"\r\n\r\n' + b" " * 20_000 + good_meta + b"\r\n--b--\r\n"
    assert _raw(client, tenant, huge, form) == (400, [(400, "meta", "TOO_LONG")])
    assert stored_files(files_root) == before
    # And the well-formed body is accepted.
    assert _raw(client, tenant, whole, form)[0] == 200


# --- rename and delete --------------------------------------------------------------------------


def test_rename(client: TestClient, tenant: Tenant, receipt_id: int) -> None:
    created = upload(client, tenant, meta("LEDGERRECEIPT", receipt_id, "vanha.pdf"), PDF)
    url = f"{URL}/{created['id']}"
    answer = client.patch(url, json={"name": " uusi/nimi.PDF "}, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {**created, "name": "uusi_nimi.PDF"}
    by_query = client.patch(f"{url}?name=kolmas.pdf", headers=tenant.headers)
    assert (by_query.status_code, by_query.json()["name"]) == (200, "kolmas.pdf")
    got = decode(client.get(url, headers=tenant.headers))
    assert (got.meta["name"], got.content) == ("kolmas.pdf", PDF)
    assert b"filename*=UTF-8''kolmas.pdf" in got.headers[b"Content-Disposition"]


@pytest.mark.parametrize(
    ("query", "body", "expected"),
    [
        ("", {"name": "uusi.txt"}, [(400, "name", "EXTENSION_CANNOT_CHANGE")]),
        ("", {"name": "uusi"}, [(400, "name", "EXTENSION_CANNOT_CHANGE")]),
        ("?name=x.txt", None, [(400, "name", "EXTENSION_CANNOT_CHANGE")]),
        ("", None, [(400, "name", "REQUIRED")]),
        ("", {}, [(400, "name", "REQUIRED")]),
        ("", {"name": "x" * 256}, [(400, "name", "TOO_LONG")]),
        ("?name=" + "x" * 256, None, [(400, "name", "TOO_LONG")]),
        ("", {"name": "\u0100.pdf"}, [(400, "name", "INVALID_CHARACTERS")]),
        ("", {"name": " "}, [(400, "name", "REQUIRED")]),
    ],
)
def test_rename_refusals_change_nothing(
    *, client: TestClient, tenant: Tenant, receipt_id: int, query: str, body: object, expected: object
) -> None:
    created = upload(client, tenant, meta("LEDGERRECEIPT", receipt_id, "vanha.pdf"), PDF)
    url = f"{URL}/{created['id']}"
    answer = client.patch(url + query, json=body, headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (400, expected)
    assert decode(client.get(url, headers=tenant.headers)).meta["name"] == "vanha.pdf"


def test_rename_honours_if_match(client: TestClient, tenant: Tenant, receipt_id: int) -> None:
    created = upload(client, tenant, meta("LEDGERRECEIPT", receipt_id, "a.pdf"), PDF)
    url = f"{URL}/{created['id']}"
    tag = client.get(url, headers=tenant.headers).headers["etag"]
    stale = client.patch(url, json={"name": "b.pdf"}, headers={**tenant.headers, "If-Match": 'W/"1"'})
    assert (stale.status_code, errors(stale)) == (412, [(412, "If-Match", "PRECONDITION_FAILED")])
    fresh = client.patch(url, json={"name": "b.pdf"}, headers={**tenant.headers, "If-Match": tag})
    assert fresh.status_code == 200
    assert client.get(url, headers=tenant.headers).headers["etag"] != tag


def test_delete_then_404(client: TestClient, tenant: Tenant, receipt_id: int, db: Session, files_root: Path) -> None:
    created = upload(client, tenant, meta("LEDGERRECEIPT", receipt_id, "pois.pdf"), PDF)
    key = db.get(Attachment, (tenant.company_id, created["id"]))
    assert key is not None
    path = files_root / key.storage_key
    assert path.read_bytes() == PDF
    url = f"{URL}/{created['id']}"
    answer = client.delete(url, headers=tenant.headers)
    assert (answer.status_code, answer.content) == (204, b"")
    assert not path.exists()
    for method in ("GET", "PATCH", "DELETE"):
        again = client.request(
            method, url, headers=tenant.headers, json={"name": "x.pdf"} if method == "PATCH" else None
        )
        assert (again.status_code, errors(again)) == (404, [(404, "attachmentId", "NOT_FOUND")])
    assert client.get(f"/api/kirjuri/attachments/{created['id']}/content", headers=tenant.headers).status_code == 404


@pytest.mark.parametrize("raw_id", ["0", "-1", "2147483648", "99999999999999999999"])
def test_impossible_ids_are_404(client: TestClient, tenant: Tenant, raw_id: str) -> None:
    answer = client.get(f"{URL}/{raw_id}", headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (404, [(404, "attachmentId", "NOT_FOUND")])


def test_a_missing_stored_file_is_404_not_500(
    client: TestClient, tenant: Tenant, receipt_id: int, db: Session, files_root: Path
) -> None:
    created = upload(client, tenant, meta("LEDGERRECEIPT", receipt_id, "katoaa.pdf"), PDF)
    row = db.get(Attachment, (tenant.company_id, created["id"]))
    assert row is not None
    (files_root / row.storage_key).unlink()
    answer = client.get(f"{URL}/{created['id']}", headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (404, [(404, "attachmentId", "NOT_FOUND")])


def test_an_idempotent_retry_stores_one_attachment(
    client: TestClient, tenant: Tenant, receipt_id: int, db: Session
) -> None:
    """A retry sends the same bytes (the same boundary): the stored answer, no second file."""
    body = (
        b'--b\r\nContent-Disposition: form-data; name="meta"\r\n\r\n'
        + json.dumps(meta("LEDGERRECEIPT", receipt_id, "kerran.pdf")).encode()
        + b'\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n'
        + PDF
        + b"\r\n--b--\r\n"
    )
    headers = {**tenant.headers, "Content-Type": "multipart/form-data; boundary=b", "Idempotency-Key": "upload-once"}
    first = client.post(URL, content=body, headers=headers)
    assert first.status_code == 200, first.text
    again = client.post(URL, content=body, headers=headers)
    assert (again.status_code, again.json(), again.headers.get("idempotent-replayed")) == (200, first.json(), "true")
    assert count_rows(db, tenant.company_id) == 1
    assert decode(client.get(f"{URL}/{first.json()['id']}", headers=tenant.headers)).content == PDF
