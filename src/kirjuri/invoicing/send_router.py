"""HTTP endpoints of sending and showing an invoice: `PUT /invoices/{invoiceId}/send` and
`GET /invoices/{invoiceId}/image` (Procountor §D.13.3, §D.13.5).

Invariants: everything is read from and written to the principal's company only — another
company's invoice id, or an invoice of a type the caller cannot read, is 404 and nothing changes;
sending needs the sales write right (403 `INSUFFICIENT_RIGHTS`) and a NOT_SENT or SENT sales
invoice (403 from the lifecycle table); the image is read in a read-only session and never writes.

The image. The contract types the 200 answer of `getInvoiceImage` as an Attachment, but what a
client receives is the picture itself (§D.13.5: "the payload is the image"), so Kirjuri answers the
bytes: `image/png` for PNG, `image/jpeg` for JPG and JPEG, 150 dpi, the page of the invoice as
`render.render_pdf` prints it (the same PDF the EMAIL and MAIL channels send). A page beyond the
last is 404 `PAGE_NOT_FOUND` at `page`; a format outside PNG, JPG, JPEG is 400 `INVALID_FORMAT` at
`format`, refused before the invoice is looked up. The answer carries the invoice's `ETag` and
`Cache-Control: private, no-cache` (the picture changes when the invoice does).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Query
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.schemas import InfoMessage, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.versioning import etag, with_etag
from kirjuri.attachments.storage import FileStore, local_store
from kirjuri.auth.dependencies import Principal, api_router, requires_any
from kirjuri.core.errors import KirjuriError
from kirjuri.invoicing import access, documents, images, repository, sending
from kirjuri.invoicing.render import render_pdf

router = api_router()

TAG = "Invoices"
MEDIA_TYPES: dict[str, str] = {"PNG": "image/png", "JPEG": "image/jpeg"}
WIRE_FORMATS: tuple[str, ...] = ("PNG", "JPG", "JPEG")

Reader = Annotated[Principal, Depends(requires_any(*access.ANY_READ))]
InvoiceIdPath = Annotated[int, Path(alias="invoiceId")]

IMAGE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The page as an image (the contract names an Attachment; the payload is the picture).",
        "content": {
            "image/png": {"schema": {"type": "string", "format": "binary"}},
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


def channels(request: Request) -> sending.Channels:
    """The outbox, e-mail sender and attachment store of this server (`app.state`)."""
    state = request.app.state
    store: FileStore | None = getattr(state, "file_store", None)
    if store is None:
        store = state.file_store = local_store(state.settings.var_dir)
    return sending.Channels(var_dir=state.settings.var_dir, sender=sending.default_sender(state.settings), store=store)


@router.put(
    "/invoices/{invoiceId}/send",
    tags=[TAG],
    operation_id="send",
    response_model=InfoMessage,
    responses=error_responses(400, 403, 404),
)
def send_invoice(request: Request, principal: Reader, session: DbSession, invoice_id: InvoiceIdPath) -> Response:
    """Send a sales invoice through its `invoiceChannel` (EMAIL: queued for the delivery worker;
    ELECTRONIC_INVOICE: a Finvoice 3.0 message to the e-invoice operator; MAIL: the PDF to the print
    folder; NO_SENDING: only the status). From NOT_SENT, or SENT again (a re-send); → SENT."""
    sent = sending.send_invoice(session, principal=principal, invoice_id=invoice_id, channels=channels(request))
    return with_etag(InfoMessage(message=sent.message), sent.invoice.version)


@router.get(
    "/invoices/{invoiceId}/image",
    tags=[TAG],
    operation_id="getInvoiceImage",
    response_class=Response,
    responses={**IMAGE_RESPONSE, **error_responses(400, 403, 404)},
)
def get_invoice_image(
    principal: Reader,
    session: DbSession,
    invoice_id: InvoiceIdPath,
    page: Annotated[int, Query(description="The page, from 1.")] = 1,
    fmt: Annotated[
        str, Query(alias="format", description="PNG, JPG or JPEG.", json_schema_extra={"enum": list(WIRE_FORMATS)})
    ] = "PNG",
) -> Response:
    """One page of the rendered invoice as PNG or JPEG bytes (150 dpi); 404 past the last page."""
    pillow_format = images.FORMATS.get(fmt.strip().upper())
    if pillow_format is None:
        raise KirjuriError("INVALID_FORMAT", 400, "format")
    invoice = repository.get(
        session, company_id=principal.company_id, invoice_id=invoice_id, types=access.readable_types(principal)
    )
    pdf = render_pdf(documents.invoice_document(session, invoice=invoice))
    data = images.page_image(pdf, page=page, fmt=fmt)
    return Response(
        content=data,
        media_type=MEDIA_TYPES[pillow_format],
        headers={
            "ETag": etag(invoice.version),
            "Cache-Control": "private, no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )
