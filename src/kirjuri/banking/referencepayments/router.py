"""HTTP endpoints of reference payments (§D.20) and Kirjuri's extras for what went to suspense:
`GET /api/kirjuri/referencepayments/unmatched` and `PUT /api/kirjuri/referencepayments/{id}/invoice`.

Invariants: everything is read from and written to the principal's company only (another
company's ids are 404); reading needs `payments.bankStatementAndReferencePayment` at viewing level,
writing it with all rights; the account number may come as query parameter or `accountNumber`
header (the query wins); GET handlers never write.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Annotated

from fastapi import Body, Depends, Header, Path, Query

from kirjuri.api.paging import Paging
from kirjuri.api.schemas import InfoMessage, SearchResultMetaData, error_responses
from kirjuri.api.session import DbSession
from kirjuri.attachments import repository as attachments
from kirjuri.attachments.schemas import Attachment, attachment_to_wire
from kirjuri.auth.dependencies import Principal, api_router, requires
from kirjuri.banking import allocation
from kirjuri.banking.referencepayments import repository, service
from kirjuri.banking.referencepayments import schemas as wire
from kirjuri.banking.referencepayments.models import ReferencePayment
from kirjuri.banking.statements.router import electronic
from kirjuri.core.errors import check_date_range
from kirjuri.core.money import from_minor

router = api_router()

TAG = "Reference payments"
EXTRAS_TAG = "Kirjuri: bank files"
RIGHT = "payments.bankStatementAndReferencePayment"
Reader = Annotated[Principal, Depends(requires(RIGHT))]
Writer = Annotated[Principal, Depends(requires(RIGHT, write=True))]
PaymentId = Annotated[int, Path(alias="referencePaymentId")]
# The attachment owner type of a reference payment.
OWNER = "REFERENCE_PAYMENT"


def _files(session: DbSession, company_id: int, rows: list[ReferencePayment]) -> dict[int, list[Attachment]]:
    """The attachments of the page's payments, in one query."""
    files: dict[int, list[Attachment]] = defaultdict(list)
    for found in attachments.for_owners(session, company_id=company_id, owners=[(OWNER, r.id) for r in rows]):
        files[found.reference_id].append(attachment_to_wire(found))
    return files


def _fields(
    session: DbSession, company_id: int, row: ReferencePayment, files: dict[int, list[Attachment]]
) -> dict[str, object]:
    return {
        "attachments": files.get(row.id, []),
        "id": row.id,
        "account_number": row.account_iban,
        "value_date": row.value_date,
        "payment_date": row.payment_date,
        "sum": from_minor(row.amount_minor),
        "name": row.payer_name,
        "bank_reference": row.reference,
        "archive_id": row.archive_id,
        "allocated": service.allocated(row),
        "invoice_id": row.invoice_id,
        "allocation_metadata_rows": allocation.rows_out(session, company_id=company_id, stored=row.metadata_rows),
    }


@router.get("/referencepayments", tags=[TAG], operation_id="getReferencePayments", responses=error_responses(400, 403))
def search_payments(
    *,
    principal: Reader,
    session: DbSession,
    paging: Paging,
    start_date: Annotated[date | None, Query(alias="startDate")] = None,
    end_date: Annotated[date | None, Query(alias="endDate")] = None,
    account_number: Annotated[str | None, Query(alias="accountNumber")] = None,
    account_number_header: Annotated[
        str | None, Header(alias="accountNumber", description="The account (IBAN), instead of the query parameter.")
    ] = None,
) -> wire.ReferencePaymentsSearchResult:
    """Reference payments whose value date lies in [startDate, endDate], newest id first unless
    `orderById=ASC`."""
    check_date_range(start_date, end_date)
    filters = repository.PaymentFilter(
        start_date=start_date, end_date=end_date, iban=electronic(account_number) or electronic(account_number_header)
    )
    rows, meta = repository.search(session, company_id=principal.company_id, filters=filters, page=paging)
    files = _files(session, principal.company_id, rows)
    allocation.preload_accounts(session, company_id=principal.company_id, stored=[r.metadata_rows for r in rows])
    results = [wire.ReferencePayment(**_fields(session, principal.company_id, row, files)) for row in rows]  # type: ignore[arg-type]
    return wire.ReferencePaymentsSearchResult(results=results, meta=SearchResultMetaData.of(meta))


@router.put(
    "/referencepayments/{referencePaymentId}/metadata",
    tags=[TAG],
    operation_id="allocateAllocationMetadata",
    responses=error_responses(400, 403, 404),
)
def set_metadata(
    *, payment_id: PaymentId, body: allocation.AllocationMetadata, principal: Writer, session: DbSession
) -> InfoMessage:
    """Replace the payment's VAT/ledger metadata rows (sales VAT only)."""
    service.set_metadata(session, company_id=principal.company_id, payment_id=payment_id, body=body)
    return InfoMessage(message="Allocation metadata saved")


@router.delete(
    "/referencepayments/{referencePaymentId}/metadata",
    tags=[TAG],
    operation_id="deleteAllocationMetadata",
    status_code=204,
    responses=error_responses(403, 404),
)
def remove_metadata(*, payment_id: PaymentId, principal: Writer, session: DbSession) -> None:
    service.remove_metadata(session, company_id=principal.company_id, payment_id=payment_id)


@router.get(
    "/kirjuri/referencepayments/unmatched",
    tags=[EXTRAS_TAG],
    operation_id="kirjuriUnmatchedReferencePayments",
    responses=error_responses(400, 403),
)
def unmatched_payments(
    *,
    principal: Reader,
    session: DbSession,
    paging: Paging,
    account_number: Annotated[str | None, Query(alias="accountNumber")] = None,
) -> wire.UnmatchedReferencePaymentsSearchResult:
    """Reference payments (or their unmatched rest) waiting on the suspense account."""
    filters = repository.PaymentFilter(iban=electronic(account_number), unmatched_only=True)
    rows, meta = repository.search(session, company_id=principal.company_id, filters=filters, page=paging)
    files = _files(session, principal.company_id, rows)
    allocation.preload_accounts(session, company_id=principal.company_id, stored=[r.metadata_rows for r in rows])
    results = [
        wire.UnmatchedReferencePayment(
            **_fields(session, principal.company_id, row, files),  # type: ignore[arg-type]
            currency=row.currency,
            outcome=row.outcome,
            unmatched_sum=from_minor(row.unmatched_minor),
            suspense_receipt_id=row.suspense_receipt_id,
        )
        for row in rows
    ]
    return wire.UnmatchedReferencePaymentsSearchResult(results=results, meta=SearchResultMetaData.of(meta))


@router.put(
    "/kirjuri/referencepayments/{referencePaymentId}/invoice",
    tags=[EXTRAS_TAG],
    operation_id="kirjuriAllocateReferencePayment",
    responses=error_responses(400, 403, 404),
)
def allocate_to_invoice(
    *,
    payment_id: PaymentId,
    invoice_id: Annotated[int, Body(description="The sales invoice id (a bare JSON number).")],
    principal: Writer,
    session: DbSession,
) -> InfoMessage:
    """Move what of the payment waits on the suspense account to the sales invoice."""
    service.allocate_to_invoice(
        session,
        company_id=principal.company_id,
        payment_id=payment_id,
        invoice_id=invoice_id,
        user_id=principal.user_id,
    )
    return InfoMessage(message="Reference payment allocated to invoice")
