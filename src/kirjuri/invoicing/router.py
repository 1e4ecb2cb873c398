"""HTTP endpoints of the invoice core (Procountor §D.13): create, read (one and batch), replace,
and search. The lifecycle, sending, payments, comments and the audit trail have their own router
(`invoicing.lifecycle_router`, registered first so its fixed paths win over `{invoiceId}`).

Invariants: everything is read from and written to the principal's company only — another
company's invoice id is 404 on every path; an invoice of a type the caller cannot read is 404 too,
and writing needs the type's write right (403 `INSUFFICIENT_RIGHTS`, `invoicing.access`);
`PUT /invoices/{id}` needs the current `version` in the body (missing → 400 `VERSION_REQUIRED`,
stale → 400 `VERSION_CONFLICT`) and honours `If-Match` (412). Handlers parse, make one service
call and map the result; GET handlers never write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Path, Query
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.paging import batch_ids, page_request
from kirjuri.api.schemas import SearchResultMetaData, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.versioning import check_if_match, same_instant, with_etag
from kirjuri.api.wire import WireResponse, to_plain
from kirjuri.auth.dependencies import CurrentPrincipal, Principal, api_router, requires_any
from kirjuri.core.codes import INVOICE_CHANNELS
from kirjuri.core.errors import KirjuriError, forbidden, not_found
from kirjuri.core.ids import INT32_MAX
from kirjuri.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Order
from kirjuri.invoicing import access, repository, schemas, service
from kirjuri.invoicing.models import Invoice
from kirjuri.invoicing.transitions import INVOICE_TYPES, STATUSES
from kirjuri.ledger.search import parse_list

router = api_router()

TAG = "Invoices"
# The contract's order (`core.codes` keeps them sorted).
CHANNELS: tuple[str, ...] = ("EMAIL", "MAIL", "ELECTRONIC_INVOICE", "EDIFACT", "PAPER_INVOICE", "NO_SENDING")
assert set(CHANNELS) == set(INVOICE_CHANNELS)


async def _writer(principal: CurrentPrincipal) -> Principal:
    """Any invoice write right at ALL_RIGHTS (the type's own is checked once the type is known).
    Async: a check needs no thread of its own."""
    if not access.can_write_any(principal):
        raise forbidden("INSUFFICIENT_RIGHTS")
    return principal


Reader = Annotated[Principal, Depends(requires_any(*access.ANY_READ))]
Writer = Annotated[Principal, Depends(_writer)]
InvoiceIdPath = Annotated[int, Path(alias="invoiceId")]


def _one(session: DbSession, invoice: Invoice) -> Response:
    return with_etag(service.to_wire(session, invoice=invoice), invoice.version)


# --- search --------------------------------------------------------------------------------------


def _listed_types(principal: Principal, requested: tuple[str, ...]) -> tuple[str, ...]:
    """The types asked for (each must be readable: 403 otherwise), else every readable one."""
    readable = access.readable_types(principal)
    if any(t not in readable for t in requested):
        raise forbidden("INSUFFICIENT_RIGHTS")
    return requested or readable


def _product_ids(raw: list[str] | None) -> tuple[int, ...]:
    """`productId`, repeated and/or comma-separated: at most 200 whole numbers."""
    found: list[int] = []
    for value in raw or ():
        for part in value.split(","):
            text = part.strip()
            if not text:
                continue
            if not (text.isascii() and text.isdigit() and len(text) <= 19):
                raise KirjuriError("INVALID_VALUE", 400, "productId")
            if int(text) not in found:
                found.append(int(text))
    if len(found) > MAX_PAGE_SIZE:
        raise KirjuriError("TOO_MANY_IDS", 400, "productId")
    return tuple(found)


def _basic_info(invoice: Invoice, sum_info: list[schemas.InvoiceSumInfo] | None) -> schemas.InvoiceBasicInfo:
    document = invoice.document
    return schemas.InvoiceBasicInfo.model_validate(
        {
            "id": invoice.id,
            "partnerId": invoice.partner_id,
            "type": invoice.type,
            "status": invoice.status,
            "invoiceNumber": invoice.invoice_number,
            "originalInvoiceNumber": invoice.original_invoice_number,
            "invoiceChannel": invoice.invoice_channel,
            "date": invoice.invoice_date,
            "dueDate": invoice.due_date,
            "newDueDate": (document.get("paymentInfo") or {}).get("newDueDate"),
            "created": invoice.created_at,
            "version": invoice.version,
            "invoiceSumInfo": sum_info,
            "creatorId": invoice.creator_id,
            "counterParty": document["counterParty"],
            "isOffer": invoice.is_offer if invoice.type == "SALES_ORDER" else None,
        }
    )


def _list_param(description: str, values: tuple[str, ...]) -> object:
    return Query(description=description, json_schema_extra={"items": {"type": "string", "enum": list(values)}})


@router.get("/invoices", tags=[TAG], operation_id="searchInvoice", responses=error_responses(400, 403, 404))
def search_invoices(
    *,
    principal: Reader,
    session: DbSession,
    status: Annotated[list[str] | None, _list_param("Statuses, repeated and/or comma-separated.", STATUSES)] = None,
    start_date: Annotated[date | None, Query(alias="startDate", description="Invoice date from.")] = None,
    end_date: Annotated[date | None, Query(alias="endDate", description="Invoice date until.")] = None,
    created_start: Annotated[datetime | None, Query(alias="createdStartDate")] = None,
    created_end: Annotated[datetime | None, Query(alias="createdEndDate")] = None,
    version_start: Annotated[datetime | None, Query(alias="versionStartDate")] = None,
    version_end: Annotated[datetime | None, Query(alias="versionEndDate")] = None,
    due_start: Annotated[date | None, Query(alias="dueStartDate")] = None,
    due_end: Annotated[date | None, Query(alias="dueEndDate")] = None,
    types: Annotated[
        list[str] | None,
        _list_param("Types, repeated and/or comma-separated; default: every readable type.", INVOICE_TYPES),
    ] = None,
    business_partner_id: Annotated[int | None, Query(alias="businessPartnerId")] = None,
    factoring_contract_id: Annotated[int | None, Query(alias="factoringContractId")] = None,
    original_invoice_number: Annotated[str | None, Query(alias="originalInvoiceNumber")] = None,
    invoice_number: Annotated[int | None, Query(alias="invoiceNumber")] = None,
    product_id: Annotated[
        list[str] | None,
        Query(
            alias="productId",
            description="Invoices with a row of one of these products (at most 200), repeated and/or comma-separated.",
            json_schema_extra={"items": {"type": "number"}},
        ),
    ] = None,
    search_term: Annotated[
        str | None,
        Query(
            alias="searchTerm",
            description="Part of the counterparty name or additional information, or the invoice number.",
        ),
    ] = None,
    is_offer: Annotated[bool, Query(alias="isOffer", description="true: offers only; false: no offers.")] = False,
    invoice_channel: Annotated[
        list[str] | None,
        Query(alias="invoiceChannel", json_schema_extra={"items": {"type": "string", "enum": list(CHANNELS)}}),
    ] = None,
    previous_id: Annotated[int | None, Query(alias="previousId", description="Keyset paging.", le=INT32_MAX)] = None,
    order_by_id: Annotated[Order | None, Query(alias="orderById")] = None,
    order_by_date: Annotated[Order | None, Query(alias="orderByDate")] = None,
    order_by_created: Annotated[Order | None, Query(alias="orderByCreated")] = None,
    order_by_version: Annotated[Order | None, Query(alias="orderByVersion")] = None,
    size: Annotated[int, Query(description="Page size, 1–200.", le=INT32_MAX)] = DEFAULT_PAGE_SIZE,
    page: Annotated[int, Query(description="Zero-based page number.", le=INT32_MAX)] = 0,
) -> schemas.InvoiceSearchResult:
    """Invoices (basic info), newest id first unless ordered otherwise. The order parameters all
    apply when several are given, by precedence date → created → version → id; ties end on the id.
    `previousId` continues after that invoice in the chosen order. Without `types`, every type the
    caller may read (asking for one they cannot read is 403). `isOffer` defaults to false: offers
    are listed only with `isOffer=true`. A filter sent empty is no filter."""
    paging = page_request(size=size, page=page, previous_id=previous_id, order_by_id=order_by_id or Order.DESC)
    filters = repository.InvoiceFilter(
        types=_listed_types(principal, parse_list(types, INVOICE_TYPES, "types")),
        statuses=parse_list(status, STATUSES, "status"),
        start_date=start_date,
        end_date=end_date,
        created_start=created_start,
        created_end=created_end,
        version_start=version_start,
        version_end=version_end,
        due_start=due_start,
        due_end=due_end,
        partner_id=business_partner_id,
        factoring_contract_id=factoring_contract_id,
        original_invoice_number=original_invoice_number or None,
        invoice_number=invoice_number,
        product_ids=_product_ids(product_id),
        search_term=(search_term or "").strip() or None,
        is_offer=is_offer,
        channels=parse_list(invoice_channel, CHANNELS, "invoiceChannel"),
        personal=access.personal(session, principal),
    )
    order = repository.InvoiceOrder(
        by_id=order_by_id, by_date=order_by_date, by_created=order_by_created, by_version=order_by_version
    )
    rows, meta = repository.search(session, company_id=principal.company_id, filters=filters, order=order, page=paging)
    sum_infos = service.sum_info_many(session, company_id=principal.company_id, invoices=rows)
    return schemas.InvoiceSearchResult(
        results=[_basic_info(r, sum_infos.get(r.id)) for r in rows],
        meta=SearchResultMetaData.of(meta),
    )


# --- one invoice ---------------------------------------------------------------------------------


@router.get(
    "/invoices/{invoiceId}",
    tags=[TAG],
    operation_id="getInvoice",
    response_model=schemas.Invoice | list[schemas.Invoice],
    responses=error_responses(400, 403, 404),
)
def get_invoices(
    invoice_ids: Annotated[str, Path(alias="invoiceId")], principal: Reader, session: DbSession
) -> Response:
    """One invoice (with an `ETag`), or several comma-separated ids (at most 200) → an array sorted
    by id, unknown, unreadable and invalid ids skipped; none found → 404."""
    ids, several = batch_ids(invoice_ids, field="invoiceId")
    invoices = repository.invoices_by_ids(
        session,
        company_id=principal.company_id,
        ids=ids,
        types=access.readable_types(principal),
        personal=access.personal(session, principal),
    )
    if not invoices:
        raise not_found("invoiceId")
    if several:
        return WireResponse(to_plain(service.to_wire_many(session, company_id=principal.company_id, invoices=invoices)))
    return _one(session, invoices[0])


@router.post(
    "/invoices",
    tags=[TAG],
    operation_id="saveInvoice",
    response_model=schemas.Invoice,
    responses=error_responses(400, 403, 404),
)
def create_invoice(
    body: schemas.Invoice,
    principal: Writer,
    session: DbSession,
    add_collection_penal_costs: Annotated[
        bool, Query(alias="addCollectionPenalCosts", description="Accepted; adds nothing yet (no automation setting).")
    ] = False,
) -> Response:
    """A new invoice (UNFINISHED) with its number, computed sums and — for sales, purchase, travel
    and expense invoices — its ledger receipt. Every rule of §D.13.4 is checked at once."""
    access.check_create(principal, body.type)
    invoice, wire = service.create_invoice_wire(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        body=body,
        add_collection_penal_costs=add_collection_penal_costs,
        actor=principal.identity.user_name,
    )
    return with_etag(wire, invoice.version)


def _version_check(request: Request, given: datetime | None) -> Callable[[datetime], None]:
    def check(current: datetime) -> None:
        check_if_match(request, current)
        if given is None:
            raise KirjuriError("VERSION_REQUIRED", 400, "version")
        if not same_instant(current, given):
            raise KirjuriError("VERSION_CONFLICT", 400, "version")

    return check


@router.put(
    "/invoices/{invoiceId}",
    tags=[TAG],
    operation_id="updateInvoice",
    response_model=schemas.Invoice,
    responses=error_responses(400, 403, 404, 412),
)
def update_invoice(
    invoice_id: InvoiceIdPath, body: schemas.Invoice, request: Request, principal: Writer, session: DbSession
) -> Response:
    """Replace the content of an invoice in an editable status (sales invoice and order:
    UNFINISHED; the others: UNFINISHED or RECEIVED; else 403 `INVOICE_NOT_EDITABLE`). The latest
    `version` is required; the type, partner and offer flag stay; the ledger receipt follows."""
    found = repository.find(session, company_id=principal.company_id, invoice_id=invoice_id)
    if found is None:
        raise not_found("invoiceId")
    access.check_sees(session, principal, found)
    access.check_write(principal, found.type)
    invoice = service.replace_invoice(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        invoice_id=found.id,
        body=body,
        check_version=_version_check(request, body.version),
    )
    return _one(session, invoice)
