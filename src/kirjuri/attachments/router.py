"""HTTP endpoints of attachments (Procountor §D.1) and the browser download extra.

Invariants: everything is read from and written to the principal's company only — another
company's attachment id is 404 on every path and nothing changes; the rights come from the
owner's document type (see `service`); downloads stream from the store (never read whole into
memory) with `X-Content-Type-Options: nosniff` and a `Content-Disposition: attachment` that no
file name can break out of; the upload reads the raw request body itself (`upload`), so the route
names a body limit large enough to let 10 MB + slack through and the reader enforces the real one.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Header, Path, Query
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import StreamingResponse

from kirjuri.api.errors import validation_items
from kirjuri.api.multipart import too_large
from kirjuri.api.paging import page_request
from kirjuri.api.route import too_large_answer
from kirjuri.api.schemas import SearchResultMetaData, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.versioning import check_if_match, etag
from kirjuri.attachments import multipart, repository, rules, service, upload
from kirjuri.attachments import schemas as wire
from kirjuri.attachments.models import Attachment
from kirjuri.attachments.storage import FileStore, local_store, read_chunks
from kirjuri.auth.dependencies import CurrentPrincipal, api_router
from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.core.ids import INT32_MAX
from kirjuri.core.paging import DEFAULT_PAGE_SIZE, Order

router = api_router()

TAG = "Attachments"
EXTRAS_TAG = "Kirjuri: attachments"
AttachmentId = Annotated[int, Path(alias="attachmentId")]


_REF = multipart.ATTACHMENT_SCHEMA
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["meta", "file"],
                    "properties": {"meta": _REF, "file": {"type": "string", "format": "binary"}},
                },
                "encoding": {"meta": {"contentType": "application/json"}},
            }
        },
    }
}
DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Part 1: the Attachment (JSON); part 2: the file.",
        "content": {"multipart/mixed": {"schema": _REF}},
    }
}
CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file.",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def file_store(request: Request) -> FileStore:
    """The application's store (`app.state.file_store`), by default under `var_dir/files`."""
    state = request.app.state
    store: FileStore | None = getattr(state, "file_store", None)
    if store is None:
        store = state.file_store = local_store(state.settings.var_dir)
    return store


# --- upload ------------------------------------------------------------------------------------


@router.post(
    "/attachments",
    tags=[TAG],
    operation_id="saveAttachment",
    response_model=wire.Attachment,
    responses=error_responses(400, 403, 415),
    openapi_extra=UPLOAD_BODY,
    max_body_size=upload.ROUTE_BODY_LIMIT,
)
@too_large_answer(too_large())
async def upload_attachment(request: Request, principal: CurrentPrincipal, session: DbSession) -> wire.Attachment:
    """Upload: `multipart/form-data` with part `meta` (JSON Attachment without id) and part `file`.
    At most 10,000,000 bytes (400 `FILE_TOO_LARGE` at `file`). `mimeType` is derived from the
    extension of `meta.name`; a client's value is ignored. The owner must exist in the company."""
    store = file_store(request)
    received = await upload.read_upload(request, store)
    meta = received.meta
    try:
        attachment = await run_in_threadpool(
            lambda: service.create_attachment(
                session,
                company_id=principal.company_id,
                user_id=principal.user_id,
                access=principal,
                name=meta.name,
                reference_type=meta.reference_type.value,
                reference_id=meta.reference_id,
                send_with_invoice=meta.send_with_invoice,
                staged=received.staged,
                store=store,
            )
        )
    finally:
        received.staged.discard()  # a no-op once committed to the store
    return wire.attachment_to_wire(attachment)


# --- search ------------------------------------------------------------------------------------


def _types(values: list[str] | None) -> tuple[str, ...]:
    found: list[str] = []
    for raw in values or ():
        for part in raw.split(","):
            value = part.strip()
            if not value:
                continue
            if value not in rules.SEARCH_TYPES:
                raise KirjuriError("INVALID_ENUM_VALUE", 400, "type")
            if value not in found:
                found.append(value)
    return tuple(found)


@router.get(
    "/attachments",
    tags=[TAG],
    operation_id="getAttachments",
    responses=error_responses(400, 403, 404),
)
def search_attachments(
    *,
    principal: CurrentPrincipal,
    session: DbSession,
    created_start: Annotated[
        date | None, Query(alias="createdStartDate", description="Uploaded on or after (company day).")
    ] = None,
    created_end: Annotated[
        date | None, Query(alias="createdEndDate", description="Uploaded on or before (company day).")
    ] = None,
    min_size: Annotated[int | None, Query(alias="minSize", ge=0, le=INT32_MAX)] = None,
    max_size: Annotated[int | None, Query(alias="maxSize", ge=0, le=INT32_MAX)] = None,
    name: Annotated[str | None, Query(description="Part of the name, case-insensitive.")] = None,
    types: Annotated[
        list[str] | None,
        Query(
            alias="type",
            description="Document types, repeated and/or comma-separated.",
            json_schema_extra={"items": {"type": "string", "enum": list(rules.SEARCH_TYPES)}},
        ),
    ] = None,
    reference_id: Annotated[int | None, Query(alias="referenceId", ge=0, le=INT32_MAX)] = None,
    username: Annotated[str | None, Header(alias="username", description="Uploader's username.")] = None,
    order_by_id: Annotated[Order | None, Query(alias="orderById")] = None,
    order_by_created: Annotated[Order | None, Query(alias="orderByCreatedDate")] = None,
    order_by_name: Annotated[Order | None, Query(alias="orderByName")] = None,
    order_by_size: Annotated[Order | None, Query(alias="orderBySize")] = None,
    size: Annotated[int, Query(description="Page size, 1–200.", le=INT32_MAX)] = DEFAULT_PAGE_SIZE,
    page: Annotated[int, Query(description="Zero-based page number.", le=INT32_MAX)] = 0,
    previous_id: Annotated[int | None, Query(alias="previousId", description="Keyset paging.", le=INT32_MAX)] = None,
) -> wire.AttachmentSearchResult:
    """Documents (attachments) of the document types the caller may read, newest id first unless
    ordered otherwise. Several orders apply by precedence created → name → size → id."""
    paging = page_request(size=size, page=page, previous_id=previous_id, order_by_id=order_by_id or Order.DESC)
    rows, meta = service.search(
        session,
        company_id=principal.company_id,
        access=principal,
        types=_types(types),
        filters=repository.Filter(
            created_from=rules.day_start(created_start),
            created_before=rules.day_after(created_end),
            min_size=min_size,
            max_size=max_size,
            name=name,
            reference_id=reference_id,
            username=username,
        ),
        order=repository.SearchOrder(
            by_id=order_by_id, by_created=order_by_created, by_name=order_by_name, by_size=order_by_size
        ),
        page=paging,
    )
    return wire.AttachmentSearchResult(
        results=[wire.document(r) for r in rows],
        meta=SearchResultMetaData.of(meta),
    )


# --- download ----------------------------------------------------------------------------------


def _file_headers(attachment: Attachment) -> dict[str, str]:
    return multipart.file_headers(name=attachment.name, mime_type=attachment.mime_type)


def _safe_headers(attachment: Attachment) -> dict[str, str]:
    # The file is the client's: never let a browser sniff it, run it or keep it in a shared cache.
    return {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
        "ETag": etag(attachment.version),
    }


@router.get(
    "/attachments/{attachmentId}",
    tags=[TAG],
    operation_id="getAttachment",
    response_class=StreamingResponse,
    responses={**error_responses(403, 404), **DOWNLOAD},
)
def download_attachment(
    attachment_id: AttachmentId, request: Request, principal: CurrentPrincipal, session: DbSession
) -> StreamingResponse:
    """Download: `multipart/mixed`, part 1 the Attachment as JSON, part 2 the file with its
    Content-Type and `Content-Disposition: attachment`."""
    attachment = service.readable(
        session, company_id=principal.company_id, attachment_id=attachment_id, access=principal
    )
    content = service.open_content(file_store(request), attachment)
    answer = multipart.mixed(
        wire.attachment_to_wire(attachment),
        mime_type=attachment.mime_type,
        size=attachment.size,
        body=read_chunks(content),
    )
    return StreamingResponse(
        answer.chunks,
        media_type=answer.media_type,
        headers={**_safe_headers(attachment), "Content-Length": str(answer.length)},
    )


@router.get(
    "/kirjuri/attachments/{attachmentId}/content",
    tags=[EXTRAS_TAG],
    operation_id="kirjuriGetAttachmentContent",
    response_class=StreamingResponse,
    responses={**error_responses(403, 404), **CONTENT},
)
def attachment_content(
    attachment_id: AttachmentId, request: Request, principal: CurrentPrincipal, session: DbSession
) -> StreamingResponse:
    """The bare file (for browsers and plain HTTP clients), with the same headers as the file part
    of `GET /attachments/{attachmentId}`."""
    attachment = service.readable(
        session, company_id=principal.company_id, attachment_id=attachment_id, access=principal
    )
    content = service.open_content(file_store(request), attachment)
    headers = _file_headers(attachment)
    return StreamingResponse(
        read_chunks(content),
        media_type=headers.pop("Content-Type"),
        headers={**headers, **_safe_headers(attachment), "Content-Length": str(attachment.size)},
    )


# --- rename and delete -------------------------------------------------------------------------


def _new_name(body: wire.AttachmentRename | None, query_name: str | None) -> str:
    if body is not None:
        return body.name
    if query_name is None:
        raise KirjuriError("REQUIRED", 400, "name")
    try:
        return wire.AttachmentRename.model_validate({"name": query_name}).name
    except ValidationError as exc:
        raise KirjuriError.many(
            [ErrorItem(i.status, i.message, "name") for i in validation_items([dict(e) for e in exc.errors()])]
        ) from exc


@router.patch(
    "/attachments/{attachmentId}",
    tags=[TAG],
    operation_id="renameAttachment",
    response_model=wire.Attachment,
    responses=error_responses(400, 403, 404, 412),
)
def rename_attachment(
    *,
    attachment_id: AttachmentId,
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    body: wire.AttachmentRename | None = None,
    name: Annotated[str | None, Query(description="The new name (when the body gives none).")] = None,
) -> wire.Attachment:
    """Rename; the extension cannot change (400 `EXTENSION_CANNOT_CHANGE`). The body's name wins
    over the `name` query parameter. A stale `If-Match` is 412."""
    attachment = service.rename_attachment(
        session,
        company_id=principal.company_id,
        attachment_id=attachment_id,
        name=_new_name(body, name),
        access=principal,
        check_version=lambda current: check_if_match(request, current),
    )
    return wire.attachment_to_wire(attachment)


@router.delete(
    "/attachments/{attachmentId}",
    tags=[TAG],
    operation_id="deleteAttachment",
    status_code=204,
    responses=error_responses(403, 404, 412),
)
def delete_attachment(
    attachment_id: AttachmentId, request: Request, principal: CurrentPrincipal, session: DbSession
) -> None:
    """Delete the attachment and its file (the file is removed once the deletion has committed)."""
    service.delete_attachment(
        session,
        company_id=principal.company_id,
        attachment_id=attachment_id,
        access=principal,
        store=file_store(request),
        check_version=lambda current: check_if_match(request, current),
    )
