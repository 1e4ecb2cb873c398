"""`GET /invoices/{invoiceId}/image?page=&format=` (`invoicing.send_router`): the page of the
rendered invoice as `multipart/mixed` (Attachment metadata + picture) by default, or as bare PNG or
JPEG bytes for a picture-only `Accept`, 404 past the last page, 400 for a format outside the
contract's, the rights of the invoice's type, isolation, and no write."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from requests_toolbelt.multipart import decoder
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.api.versioning import etag
from kirjuri.app import create_app
from kirjuri.config import Settings
from kirjuri.invoicing import documents, images, send_router
from kirjuri.invoicing.models import Invoice
from kirjuri.invoicing.render import render_pdf
from tests.factories import Tenant, make_tenant
from tests.invoicing.helpers import (
    add_invoice,
    errors,
    invoice_row,
    post_invoice,
    purchase_invoice_body,
    sales_invoice_body,
)

IMAGE_PATH = "/api/invoices/{invoiceId}/image"
A4_AT_150_DPI = (1241, 1754)


@pytest.fixture(scope="module")
def image_client(settings: Settings) -> Iterator[TestClient]:
    """The app with the sending router (added here until `app.API_ROUTERS` lists it)."""
    app = create_app(settings)
    if not any(getattr(route, "path", None) == IMAGE_PATH for route in app.routes):
        app.include_router(send_router.router, prefix="/api")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _image(
    client: TestClient, tenant: Tenant, invoice_id: int | str, accept: str = "image/png, image/jpeg", **params: Any
) -> Any:
    """The bare picture (a picture-only Accept), unless `accept` says otherwise."""
    return client.get(f"/api/invoices/{invoice_id}/image", params=params, headers={**tenant.headers, "Accept": accept})


def _parts(answer: Any) -> tuple[dict[str, Any], str, bytes]:
    """(metadata, picture part's Content-Type, picture) of a multipart/mixed answer."""
    meta, picture = decoder.MultipartDecoder(answer.content, answer.headers["content-type"]).parts
    assert meta.headers[b"Content-Type"] == b"application/json"
    return json.loads(meta.content), picture.headers[b"Content-Type"].decode(), picture.content


@pytest.mark.parametrize("accept", [None, "*/*", "multipart/mixed", "multipart/mixed, image/png", "application/json"])
def test_default_answer_is_multipart_like_an_attachment(
    image_client: TestClient, tenant: Tenant, db: Session, accept: str | None
) -> None:
    invoice = post_invoice(image_client, tenant)
    headers = dict(tenant.headers)
    if accept is not None:
        headers["Accept"] = accept
    answer = image_client.get(f"/api/invoices/{invoice['id']}/image", headers=headers)
    if accept is None:
        # httpx always sends an Accept: send the request without one.
        request = image_client.build_request("GET", f"/api/invoices/{invoice['id']}/image", headers=headers)
        del request.headers["accept"]
        answer = image_client.send(request)

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("multipart/mixed; boundary=")
    assert answer.headers["vary"] == "Accept"
    assert int(answer.headers["content-length"]) == len(answer.content)
    meta, part_type, picture = _parts(answer)
    assert meta == {
        "name": f"invoice-{invoice['id']}-page-1.png",
        "referenceType": "INVOICE",
        "referenceId": invoice["id"],
        "mimeType": "image/png",
        "sendWithInvoice": False,
    }
    assert part_type == "image/png"
    stored = db.get(Invoice, (tenant.company_id, invoice["id"]))
    assert stored is not None
    assert picture == images.page_image(render_pdf(documents.invoice_document(db, invoice=stored)), page=1, fmt="PNG")


def test_multipart_jpeg_page_two(image_client: TestClient, tenant: Tenant) -> None:
    rows = [invoice_row(product=f"Rivi {n}", quantity=1, unitPrice=n) for n in range(1, 61)]
    invoice = post_invoice(image_client, tenant, sales_invoice_body(invoiceRows=rows))
    answer = _image(image_client, tenant, invoice["id"], accept="*/*", page=2, format="JPG")
    assert answer.status_code == 200, answer.text
    meta, part_type, picture = _parts(answer)
    assert (meta["name"], meta["mimeType"], part_type) == (
        f"invoice-{invoice['id']}-page-2.jpg",
        "image/jpeg",
        "image/jpeg",
    )
    assert Image.open(io.BytesIO(picture)).format == "JPEG"


@pytest.mark.parametrize(
    ("accept", "fmt", "expected"),
    [
        ("image/jpeg", None, "image/jpeg"),
        ("image/png", None, "image/png"),
        ("image/*", None, "image/png"),
        ("image/jpeg;q=0.9, image/png", None, "image/png"),
        ("image/jpeg", "PNG", "image/png"),
        ("image/png", "JPG", "image/jpeg"),
    ],
)
def test_a_picture_only_accept_gets_the_bare_picture(
    image_client: TestClient, tenant: Tenant, accept: str, fmt: str | None, expected: str
) -> None:
    invoice = post_invoice(image_client, tenant)
    params = {} if fmt is None else {"format": fmt}
    answer = _image(image_client, tenant, invoice["id"], accept=accept, **params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == expected
    assert Image.open(io.BytesIO(answer.content)).format == ("PNG" if expected == "image/png" else "JPEG")


def test_multipart_errors_are_json(image_client: TestClient, tenant: Tenant) -> None:
    invoice = post_invoice(image_client, tenant)
    assert errors(_image(image_client, tenant, invoice["id"], accept="*/*", page=5)) == [
        (404, "page", "PAGE_NOT_FOUND")
    ]
    assert errors(_image(image_client, tenant, invoice["id"], accept="*/*", format="GIF")) == [
        (400, "format", "INVALID_FORMAT")
    ]


def test_page_one_as_png(image_client: TestClient, tenant: Tenant, db: Session) -> None:
    invoice = post_invoice(image_client, tenant)

    answer = _image(image_client, tenant, invoice["id"])

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "image/png"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "private, no-cache"
    stored = db.get(Invoice, (tenant.company_id, invoice["id"]))
    assert stored is not None
    assert answer.headers["etag"] == etag(stored.version)
    picture = Image.open(io.BytesIO(answer.content))
    assert (picture.format, picture.size) == ("PNG", A4_AT_150_DPI)
    # Exactly the first page of the invoice's own PDF.
    pdf = render_pdf(documents.invoice_document(db, invoice=stored))
    assert answer.content == images.page_image(pdf, page=1, fmt="PNG")


@pytest.mark.parametrize("fmt", ["JPG", "JPEG", "jpg"])
def test_jpeg(image_client: TestClient, tenant: Tenant, fmt: str) -> None:
    invoice = post_invoice(image_client, tenant)
    answer = _image(image_client, tenant, invoice["id"], page=1, format=fmt)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "image/jpeg"
    assert answer.content.startswith(b"\xff\xd8\xff")
    picture = Image.open(io.BytesIO(answer.content))
    assert (picture.format, picture.size) == ("JPEG", A4_AT_150_DPI)


def test_png_in_lower_case(image_client: TestClient, tenant: Tenant) -> None:
    invoice = post_invoice(image_client, tenant)
    answer = _image(image_client, tenant, invoice["id"], format="png")
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"


@pytest.mark.parametrize("page", [9, 2, 0, -1])
def test_a_page_that_does_not_exist(image_client: TestClient, tenant: Tenant, page: int) -> None:
    invoice = post_invoice(image_client, tenant)
    answer = _image(image_client, tenant, invoice["id"], page=page)
    assert answer.status_code == 404
    assert answer.json() == {"errors": [{"status": 404, "field": "page", "message": "PAGE_NOT_FOUND"}]}


def test_every_page_of_a_long_invoice_and_none_beyond(image_client: TestClient, tenant: Tenant, db: Session) -> None:
    rows = [invoice_row(product=f"Rivi {n}", quantity=1, unitPrice=n) for n in range(1, 61)]
    invoice = post_invoice(image_client, tenant, sales_invoice_body(invoiceRows=rows))
    stored = db.get(Invoice, (tenant.company_id, invoice["id"]))
    assert stored is not None
    pages = images.page_count(render_pdf(documents.invoice_document(db, invoice=stored)))
    assert pages >= 2
    last = _image(image_client, tenant, invoice["id"], page=pages)
    assert last.status_code == 200, last.text
    assert Image.open(io.BytesIO(last.content)).size == A4_AT_150_DPI
    assert last.content != _image(image_client, tenant, invoice["id"], page=1).content
    beyond = _image(image_client, tenant, invoice["id"], page=pages + 1)
    assert errors(beyond) == [(404, "page", "PAGE_NOT_FOUND")]


@pytest.mark.parametrize("fmt", ["GIF", "PDF", ""])
def test_a_format_outside_the_contract(image_client: TestClient, tenant: Tenant, fmt: str) -> None:
    invoice = post_invoice(image_client, tenant)
    assert errors(_image(image_client, tenant, invoice["id"], format=fmt)) == [(400, "format", "INVALID_FORMAT")]
    # Refused before the invoice is looked up.
    assert errors(_image(image_client, tenant, 999999, format=fmt)) == [(400, "format", "INVALID_FORMAT")]


def test_a_purchase_invoice_image(image_client: TestClient, tenant: Tenant) -> None:
    invoice = post_invoice(image_client, tenant, purchase_invoice_body())
    answer = _image(image_client, tenant, invoice["id"])
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"


def test_reading_the_image_changes_nothing(image_client: TestClient, tenant: Tenant) -> None:
    invoice = post_invoice(image_client, tenant)
    assert _image(image_client, tenant, invoice["id"]).status_code == 200
    after = image_client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers)
    assert after.json() == invoice


def test_a_search_right_is_enough(
    image_client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    viewer = make_tenant(session_factory, settings, user_rights={"sales": {"salesInvoiceSearch": "VIEWING_RIGHTS"}})
    with session_factory() as session:
        invoice = add_invoice(session, company_id=viewer.company_id, user_id=viewer.user_id)
        session.commit()
    assert _image(image_client, viewer, invoice.id).status_code == 200


def test_an_invoice_of_an_unreadable_type_is_not_found(
    image_client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    seller = make_tenant(session_factory, settings, user_rights={"sales": {"salesOrGroupInvoices": "ALL_RIGHTS"}})
    with session_factory() as session:
        purchase = add_invoice(
            session, company_id=seller.company_id, user_id=seller.user_id, body=purchase_invoice_body()
        )
        session.commit()
    assert errors(_image(image_client, seller, purchase.id)) == [(404, "invoiceId", "NOT_FOUND")]


def test_without_any_invoice_right(
    image_client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    nobody = make_tenant(session_factory, settings, user_rights={"sales": {"customerRegister": "ALL_RIGHTS"}})
    with session_factory() as session:
        invoice = add_invoice(session, company_id=nobody.company_id, user_id=nobody.user_id)
        session.commit()
    assert errors(_image(image_client, nobody, invoice.id)) == [(403, None, "INSUFFICIENT_RIGHTS")]


def test_another_companys_invoice_is_not_found(image_client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    invoice = post_invoice(image_client, tenant)
    answer = _image(image_client, other_tenant, invoice["id"])
    assert answer.status_code == 404
    assert answer.json() == {"errors": [{"status": 404, "field": "invoiceId", "message": "NOT_FOUND"}]}


@pytest.mark.parametrize("invoice_id", ["999999", "0", str(2**31)])
def test_unknown_ids(image_client: TestClient, tenant: Tenant, invoice_id: str) -> None:
    assert errors(_image(image_client, tenant, invoice_id)) == [(404, "invoiceId", "NOT_FOUND")]
