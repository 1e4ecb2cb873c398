"""HTTP endpoints of ledger receipts (Procountor §D.15) and journals (§D.14).

Invariants: everything is read from and written to the principal's company only — another
company's receipt id is 404 on every path; reading needs `accounting.journalReceiptSearch` or
`accounting.journalReceipts` at viewing level, writing `accounting.journalReceipts` with
ALL_RIGHTS (403 otherwise); `PUT /ledgerreceipts/{id}` needs the latest `version` in the body
(stale → 400 VERSION_CONFLICT) and honours `If-Match` (412). Handlers parse, make one service
call and map the result; GET handlers never write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Path, Query
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.paging import batch_ids, page_request
from kirjuri.api.schemas import InfoMessage, SearchResultMetaData, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.versioning import check_if_match, check_version, with_etag
from kirjuri.api.wire import WireResponse, to_plain
from kirjuri.attachments import repository as attachments
from kirjuri.attachments.schemas import Attachment, attachment_to_wire
from kirjuri.auth.dependencies import Principal, api_router, requires, requires_any
from kirjuri.core.errors import not_found
from kirjuri.core.ids import INT32_MAX, path_id
from kirjuri.core.paging import DEFAULT_PAGE_SIZE, Order
from kirjuri.ledger import repository, search, service
from kirjuri.ledger import schemas as wire
from kirjuri.ledger.models import LedgerReceipt

router = api_router()

RECEIPTS_TAG = "Ledger receipts"
JOURNALS_TAG = "Journal"
READ_RIGHTS = ("accounting.journalReceiptSearch", "accounting.journalReceipts")
WRITE_RIGHT = "accounting.journalReceipts"

Reader = Annotated[Principal, Depends(requires_any(*READ_RIGHTS))]
Writer = Annotated[Principal, Depends(requires(WRITE_RIGHT, write=True))]
ReceiptId = Annotated[int, Path(alias="receiptId")]
TransactionId = Annotated[int, Path(alias="transactionId")]
CreateReconciliation = Annotated[
    bool, Query(alias="createReconciliation", description="Append a RECONCILIATION_ENTRY for any difference.")
]


def _own_only(principal: Principal) -> int | None:
    """The user's id when their rights limit them to their own journal receipts, else None."""
    limited = principal.rights.get("accounting", {}).get("personalJournalReceiptsOnly") is True
    return principal.user_id if limited else None


def _mine(principal: Principal, receipt: LedgerReceipt) -> bool:
    own = _own_only(principal)
    return own is None or receipt.created_by == own


def _check_mine(session: Session, principal: Principal, receipt_id: int) -> int:
    """The receipt id, after making sure a limited user may touch it (someone else's → 404)."""
    receipt_id = path_id(receipt_id)
    if _own_only(principal) is not None:
        receipt = repository.get_receipt(session, company_id=principal.company_id, receipt_id=receipt_id)
        if not _mine(principal, receipt):
            raise not_found("receiptId")
    return receipt_id


def _full(session: Session, company_id: int, receipts: list[LedgerReceipt]) -> list[wire.LedgerReceipt]:
    rows, splits = repository.postings_of(session, company_id=company_id, receipt_ids=[r.id for r in receipts])
    files = _attachments(session, company_id, receipts)
    result = []
    for r in receipts:
        full = wire.receipt_to_wire(r, rows.get(r.id, []), splits)
        mine = [*files.get(("LEDGERRECEIPT", r.id), []), *files.get(("INVOICE", r.invoice_id or 0), [])]
        # Absent rather than empty when there are none (as the receipt was created).
        full.attachments = sorted(mine, key=lambda a: a.id or 0) or None
        result.append(full)
    return result


def _attachments(
    session: Session, company_id: int, receipts: list[LedgerReceipt]
) -> dict[tuple[str, int], list[Attachment]]:
    """The read-only files of the receipts (on the receipt itself or on its invoice), in one query."""
    owners = [("LEDGERRECEIPT", r.id) for r in receipts] + [("INVOICE", r.invoice_id) for r in receipts if r.invoice_id]
    found: dict[tuple[str, int], list[Attachment]] = defaultdict(list)
    for a in attachments.for_owners(session, company_id=company_id, owners=owners):
        found[(a.reference_type, a.reference_id)].append(attachment_to_wire(a))
    return found


def _one(session: Session, company_id: int, receipt: LedgerReceipt) -> Response:
    return with_etag(_full(session, company_id, [receipt])[0], receipt.version)


# --- search ------------------------------------------------------------------------------------


async def receipt_filter(
    *,
    start_date: Annotated[date | None, Query(alias="startDate", description="Receipt date from (inclusive).")] = None,
    end_date: Annotated[date | None, Query(alias="endDate", description="Receipt date until (inclusive).")] = None,
    created_start: Annotated[datetime | None, Query(alias="createdStartDate")] = None,
    created_end: Annotated[datetime | None, Query(alias="createdEndDate")] = None,
    version_start: Annotated[datetime | None, Query(alias="versionStartDate")] = None,
    version_end: Annotated[datetime | None, Query(alias="versionEndDate")] = None,
) -> search.ReceiptFilter:
    return search.ReceiptFilter(
        start_date=start_date,
        end_date=end_date,
        created_start=created_start,
        created_end=created_end,
        version_start=version_start,
        version_end=version_end,
    )


Filter = Annotated[search.ReceiptFilter, Depends(receipt_filter)]
OrderParam = Annotated[Order | None, Query(description="ASC or DESC (see the endpoint for precedence).")]


@router.get(
    "/ledgerreceipts",
    tags=[RECEIPTS_TAG],
    operation_id="searchLedgerReceipt",
    responses=error_responses(400, 403),
)
def search_receipts(
    *,
    principal: Reader,
    session: DbSession,
    filters: Filter,
    types: Annotated[
        list[str] | None,
        Query(
            description="Receipt types, repeated and/or comma-separated.",
            json_schema_extra={"items": {"type": "string", "enum": list(wire.SEARCH_TYPES)}},
        ),
    ] = None,
    status: Annotated[str | None, Query(description="Statuses, comma-separated.")] = None,
    previous_id: Annotated[int | None, Query(alias="previousId", description="Keyset paging.", le=INT32_MAX)] = None,
    order_by_id: Annotated[Order | None, Query(alias="orderById")] = None,
    order_by_date: Annotated[Order | None, Query(alias="orderByDate")] = None,
    order_by_created: Annotated[Order | None, Query(alias="orderByCreated")] = None,
    order_by_version: Annotated[Order | None, Query(alias="orderByVersion")] = None,
    size: Annotated[int, Query(description="Page size, 1–200.", le=INT32_MAX)] = DEFAULT_PAGE_SIZE,
    # Bounded so that the offset and `meta.pageNumber` stay within their types.
    page: Annotated[int, Query(description="Zero-based page number.", le=INT32_MAX)] = 0,
) -> wire.LedgerReceiptSearchResult:
    """Receipts (basic info), newest id first unless ordered otherwise. The order parameters all
    apply when several are given, by precedence date → created → version → id; ties end on the id.
    `previousId` continues after that receipt in the chosen order."""
    paging = page_request(size=size, page=page, previous_id=previous_id, order_by_id=order_by_id or Order.DESC)
    found = replace(
        filters,
        types=search.parse_list(types, wire.SEARCH_TYPES, "types"),
        statuses=search.parse_list([status] if status else None, list(wire.ReceiptStatus), "status"),
        created_by=_own_only(principal),
    )
    order = search.ReceiptOrder(
        by_id=order_by_id, by_date=order_by_date, by_created=order_by_created, by_version=order_by_version
    )
    rows, meta = search.search_receipts(
        session, company_id=principal.company_id, filters=found, order=order, page=paging
    )
    return wire.LedgerReceiptSearchResult(
        results=[wire.basic_info(r) for r in rows],
        meta=SearchResultMetaData.of(meta),
    )


@router.get(
    "/journals",
    tags=[JOURNALS_TAG],
    operation_id="searchJournalsByStatuses",
    responses=error_responses(400, 403),
)
def search_journals(
    principal: Reader,
    session: DbSession,
    filters: Filter,
    statuses: Annotated[
        str | None,
        Query(
            description="UNFINISHED, APPROVED, INVALIDATED; comma-separated.",
            json_schema_extra={"enum": list(wire.JournalStatus)},
        ),
    ] = None,
) -> list[wire.Journal]:
    """JOURNAL receipts as invoice-like rows, by id ascending (the contract declares no paging)."""
    wanted = search.parse_list([statuses] if statuses else None, list(wire.JournalStatus), "statuses")
    found = search.search_journals(
        session,
        company_id=principal.company_id,
        filters=replace(filters, statuses=wanted, created_by=_own_only(principal)),
    )
    return [wire.journal(r) for r in found]


# --- one receipt -------------------------------------------------------------------------------


@router.get(
    "/ledgerreceipts/{receiptId}",
    tags=[RECEIPTS_TAG],
    operation_id="getLedgerReceipt",
    response_model=wire.LedgerReceipt | list[wire.LedgerReceipt],
    responses=error_responses(400, 403, 404),
)
def get_receipts(
    receipt_ids: Annotated[str, Path(alias="receiptId")], principal: Reader, session: DbSession
) -> Response:
    """One receipt (with an `ETag`), or several comma-separated ids (at most 200) → an array sorted
    by id, unknown and invalid ids skipped; none found → 404."""
    ids, several = batch_ids(receipt_ids, field="receiptId")
    receipts = repository.receipts_by_ids(session, company_id=principal.company_id, ids=ids)
    receipts = [r for r in receipts if _mine(principal, r)]
    if not receipts:
        raise not_found("receiptId")
    if several:
        return WireResponse(to_plain(_full(session, principal.company_id, receipts)))
    return _one(session, principal.company_id, receipts[0])


@router.post(
    "/ledgerreceipts",
    tags=[RECEIPTS_TAG],
    operation_id="saveLedgerReceipt",
    response_model=wire.LedgerReceipt,
    responses=error_responses(400, 403, 404),
)
def create_receipt(
    body: wire.LedgerReceipt,
    principal: Writer,
    session: DbSession,
    create_reconciliation: CreateReconciliation = False,
) -> Response:
    """A new JOURNAL receipt (UNFINISHED), numbered in its fiscal year. It must balance to the cent
    once the server's VAT rows are added, unless `createReconciliation=true`."""
    receipt = service.create_receipt(
        session,
        company_id=principal.company_id,
        draft=wire.draft_from_wire(body),
        user_id=principal.user_id,
        create_reconciliation=create_reconciliation,
    )
    return _one(session, principal.company_id, receipt)


def _version_check(request: Request, given: datetime | None) -> Callable[[datetime], None]:
    def check(current: datetime) -> None:
        check_if_match(request, current)
        check_version(current, given, required=True)

    return check


@router.put(
    "/ledgerreceipts/{receiptId}",
    tags=[RECEIPTS_TAG],
    operation_id="updateLedgerReceipt",
    response_model=wire.LedgerReceipt,
    responses=error_responses(400, 403, 404, 412),
)
def update_receipt(
    *,
    receipt_id: ReceiptId,
    body: wire.LedgerReceipt,
    request: Request,
    principal: Writer,
    session: DbSession,
    create_reconciliation: CreateReconciliation = False,
) -> Response:
    """Replace the accounting of a journal or of an invoice's receipt whole. The latest `version`
    is required (stale → 400 VERSION_CONFLICT); a stale `If-Match` is 412."""
    receipt = service.replace_receipt(
        session,
        company_id=principal.company_id,
        receipt_id=_check_mine(session, principal, receipt_id),
        draft=wire.draft_from_wire(body),
        check_version=_version_check(request, body.version),
        create_reconciliation=create_reconciliation,
    )
    return _one(session, principal.company_id, receipt)


def _transition(session: Session, principal: Principal, receipt_id: int, action: str) -> None:
    receipt_id = _check_mine(session, principal, receipt_id)
    service.transition(session, company_id=principal.company_id, receipt_id=receipt_id, action=action)


@router.put(
    "/ledgerreceipts/{receiptId}/approve",
    tags=[RECEIPTS_TAG],
    operation_id="approveInvoice",
    responses=error_responses(400, 403, 404),
)
def approve_receipt(receipt_id: ReceiptId, principal: Writer, session: DbSession) -> InfoMessage:
    """JOURNAL UNFINISHED → APPROVED (its date must be in an open period)."""
    _transition(session, principal, receipt_id, "approve")
    return InfoMessage(message="Ledger receipt approved.")


@router.put(
    "/ledgerreceipts/{receiptId}/invalidate",
    tags=[RECEIPTS_TAG],
    operation_id="markLedgerReceiptAsInvalidated",
    responses=error_responses(400, 403, 404),
)
def invalidate_receipt(receipt_id: ReceiptId, principal: Writer, session: DbSession) -> InfoMessage:
    """JOURNAL UNFINISHED or APPROVED → INVALIDATED (open year and period only)."""
    _transition(session, principal, receipt_id, "invalidate")
    return InfoMessage(message="Ledger receipt invalidated.")


@router.put(
    "/ledgerreceipts/{receiptId}/unfinished",
    tags=[RECEIPTS_TAG],
    operation_id="markLedgerReceiptAsUnfinished",
    responses=error_responses(400, 403, 404),
)
def unfinish_receipt(receipt_id: ReceiptId, principal: Writer, session: DbSession) -> InfoMessage:
    """JOURNAL APPROVED or INVALIDATED → UNFINISHED (open year and period only)."""
    _transition(session, principal, receipt_id, "unfinished")
    return InfoMessage(message="Ledger receipt marked unfinished.")


@router.put(
    "/ledgerreceipts/{receiptId}/transactions/{transactionId}/dimensions",
    tags=[RECEIPTS_TAG],
    operation_id="updateLedgerReceiptTransactionDimensions",
    response_model=wire.LedgerReceipt,
    responses=error_responses(400, 403, 404),
)
def update_dimensions(
    receipt_id: ReceiptId,
    transaction_id: TransactionId,
    body: wire.DimensionItemValueList,
    principal: Writer,
    session: DbSession,
) -> Response:
    """Replace one transaction's dimension split (an empty list removes it); answers the whole receipt."""
    receipt = service.replace_dimensions(
        session,
        company_id=principal.company_id,
        receipt_id=_check_mine(session, principal, receipt_id),
        transaction_id=path_id(transaction_id),
        values=wire.dimension_values(body.dimension_item_values),
    )
    return _one(session, principal.company_id, receipt)
