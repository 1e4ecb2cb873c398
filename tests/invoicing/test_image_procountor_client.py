"""The PyPI `procountor` 2.4.0 client and `GET /invoices/{invoiceId}/image`: the client has no image
method, so an integration calls its generic `request`; it sends no picture-only Accept, gets the
multipart answer and decodes it (requests_toolbelt) into `metadata` and `content`."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import Tenant
from tests.invoicing.helpers import add_invoice
from tests.live import live_server, procountor_client, procountor_host

__all__ = ["live_server", "procountor_host"]


def test_the_client_has_no_image_method_and_its_request_decodes_the_multipart(
    procountor_host: str, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    client = procountor_client(tenant)
    assert not hasattr(client, "get_invoice_image")
    with session_factory() as session:
        invoice = add_invoice(session, company_id=tenant.company_id, user_id=tenant.user_id)
        session.commit()

    got = client.request("GET", f"invoices/{invoice.id}/image?page=1&format=JPG")

    assert got["status"] == 200, got
    assert got["metadata"] == {
        "name": f"invoice-{invoice.id}-page-1.jpg",
        "referenceType": "INVOICE",
        "referenceId": invoice.id,
        "mimeType": "image/jpeg",
        "sendWithInvoice": False,
    }
    assert Image.open(io.BytesIO(got["content"])).format == "JPEG"

    missing = client.request("GET", f"invoices/{invoice.id}/image?page=9")
    assert missing["status"] == 404
    assert "PAGE_NOT_FOUND" in missing["message"]
