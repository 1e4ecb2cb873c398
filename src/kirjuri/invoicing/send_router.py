"""HTTP endpoints of sending and showing an invoice: `PUT /invoices/{invoiceId}/send` and
`GET /invoices/{invoiceId}/image` (Procountor §D.13.3, §D.13.5).

Invariants: everything is read from and written to the principal's company only — another
company's invoice id, or an invoice of a type the caller cannot read, is 404 and nothing changes;
sending needs the sales write right (403 `INSUFFICIENT_RIGHTS`) and a NOT_SENT or SENT sales
invoice (403 from the lifecycle table); the image is read in a read-only session and never writes.

The image. The contract types the 200 answer of `getInvoiceImage` as an Attachment and says the
payload is formatted like `GET /attachments/{id}`: so by default Kirjuri answers `multipart/mixed`,
part 1 the Attachment as JSON (`id` absent — the picture is not a stored attachment —, `name`
`invoice-<id>-page-<page>.png|jpg`, `referenceType` INVOICE, `referenceId` the invoice,
`mimeType`, `sendWithInvoice` false), part 2 the picture (the same writer as the attachments).
A client whose `Accept` names only pictures (`image/png`, `image/jpeg`, `image/*`) gets the bare
bytes instead; without `format` such a client gets JPEG when it accepts JPEG and not PNG. The
PyPI `procountor` 2.4.0 client has no image method: its generic `request("GET",
"invoices/<id>/image?...")` sends no picture-only Accept and decodes the multipart answer into
`metadata` and `content`. Pictures are `image/png` for PNG, `image/jpeg` for JPG and JPEG, 150 dpi,
the page of the invoice as `render.render_pdf` prints it (the same PDF the EMAIL and MAIL channels
send). A page beyond the last is 404 `PAGE_NOT_FOUND` at `page`; a format outside PNG, JPG, JPEG
is 400 `INVALID_FORMAT` at `format`, refused before the invoice is looked up. The answer carries
the invoice's `ETag`, `Cache-Control: private, no-cache` (the picture changes when the invoice
does) and `Vary: Accept`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Path, Query
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.schemas import InfoMessage, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.versioning import etag, with_etag
from kirjuri.attachments import multipart
from kirjuri.attachments.schemas import Attachment, ReferenceType
from kirjuri.attachments.storage import FileStore, local_store
from kirjuri.auth.dependencies import Principal, api_router, requires_any
from kirjuri.invoicing import access, documents, images, repository, sending

router = api_router()

TAG = "Invoices"
WIRE_FORMATS: tuple[str, ...] = ("PNG", "JPG", "JPEG")

Reader = Annotated[Principal, Depends(requires_any(*access.ANY_READ))]
InvoiceIdPath = Annotated[int, Path(alias="invoiceId")]

IMAGE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Part 1: the Attachment (JSON); part 2: the page as a picture. A client whose Accept "
        "names only image/png, image/jpeg or image/* gets the bare picture.",
        "content": {
            "multipart/mixed": {"schema": multipart.ATTACHMENT_SCHEMA},
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
    *,
    principal: Reader,
    session: DbSession,
    invoice_id: InvoiceIdPath,
    page: Annotated[int, Query(description="The page, from 1.")] = 1,
    fmt: Annotated[
        str | None,
        Query(
            alias="format",
            description="PNG, JPG or JPEG (default PNG; JPEG for a client that accepts only image/jpeg).",
            json_schema_extra={"enum": list(WIRE_FORMATS), "default": "PNG"},
        ),
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """One page of the rendered invoice (150 dpi): `multipart/mixed` of the Attachment metadata and
    the picture, or the bare picture for an `Accept` of pictures only; 404 past the last page."""
    bare = images.bare_image(accept)
    wire_format = fmt if fmt is not None else (images.accepted_format(accept) if bare else "PNG")
    media_type = images.media_type(wire_format)  # 400 INVALID_FORMAT before anything is looked up
    invoice = repository.get(
        session,
        company_id=principal.company_id,
        invoice_id=invoice_id,
        types=access.readable_types(principal),
        personal=access.personal(session, principal),
    )
    pdf = sending.render_pdf(documents.invoice_document(session, invoice=invoice))
    data = images.page_image(pdf, page=page, fmt=wire_format)
    headers = {
        "ETag": etag(invoice.version),
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
        "Vary": "Accept",
    }
    if bare:
        return Response(content=data, media_type=media_type, headers=headers)
    meta = Attachment(
        name=images.image_name(invoice_id=invoice.id, page=page, fmt=wire_format),
        reference_type=ReferenceType("INVOICE"),
        reference_id=invoice.id,
        mime_type=media_type,
        send_with_invoice=False,
    )
    answer = multipart.mixed(meta, mime_type=media_type, size=len(data), body=iter((data,)))
    return Response(
        content=b"".join(answer.chunks),
        media_type=answer.media_type,
        headers={**headers, "Content-Length": str(answer.length)},
    )
