"""The PyPI `procountor` 2.4.0 client against a real server: `post_attachment` (requests' multipart),
`get_attachment` (decoded with requests_toolbelt's MultipartDecoder) and `delete_attachment`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from tests.attachments.helpers import PDF, make_receipt
from tests.factories import Tenant
from tests.live import procountor_client


def test_upload_download_delete(
    procountor_host: str, tenant: Tenant, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    client = procountor_client(tenant)
    with session_factory() as session:
        invoice_id = make_receipt(session, tenant.company_id).invoice_id
        session.commit()
    path = tmp_path / "kuitti.pdf"
    path.write_bytes(PDF)
    meta = {"name": "kuitti.pdf", "referenceType": "INVOICE", "referenceId": invoice_id}

    posted = client.post_attachment(meta, str(path))
    assert posted["status"] == 200, posted
    created = posted["content"]
    assert created == {**meta, "id": created["id"], "mimeType": "application/pdf", "sendWithInvoice": False}

    got = client.get_attachment(created["id"])
    assert got["status"] == 200, got
    assert got["metadata"] == created
    assert got["content"] == PDF

    assert client.delete_attachment(created["id"])["status"] == 204
    assert client.get_attachment(created["id"])["status"] == 404
