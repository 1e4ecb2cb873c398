"""HTTP endpoints of payments out (§D.17) and the deprecated payment confirm poll.

Invariants: everything is read from and written to the principal's company only (another
company's payment is 404); creating, cancelling and deleting answer 202 with the MFA transaction
and change nothing until the user confirms; reading needs `payments.payment` or
`payments.directBankTransfer` at viewing level, invoice payments ALL_RIGHTS on `payments.payment`,
direct transfers on `payments.directBankTransfer`. Static paths (`/payments/paymentevents` …) are
declared before `/payments/{paymentId}`. GET handlers never write.

The `/payments/directsalarypayments` operations are `payments.salary.router`'s, included here
in place. Salary payments appear in `GET /payments` and `GET /payments/{id}` only for a holder of
`payments.salaryPayments` (personal data).

Decisions: bank error messages (pain.002 / rejections) are not received yet, so `/payments/errormessages` validates its
filters and answers an empty page.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query
from starlette.responses import Response

from kirjuri.api.paging import Paging
from kirjuri.api.schemas import InfoMessage, SearchResultMetaData, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.wire import WireResponse, to_plain
from kirjuri.auth.dependencies import CurrentPrincipal, Principal, api_router, requires, requires_any
from kirjuri.banking.payments import repository, rules, service
from kirjuri.banking.payments import schemas as wire
from kirjuri.banking.payments.salary import router as salary_router
from kirjuri.core.errors import KirjuriError, check_date_range
from kirjuri.core.ids import path_id
from kirjuri.core.money import from_minor, plain
from kirjuri.core.paging import PageMeta
from kirjuri.invoicing import access
from kirjuri.mfa import rules as mfa_rules
from kirjuri.mfa import service as mfa_service
from kirjuri.mfa.schemas import MfaTransactionResult

router = api_router()

TAG = "Payments"
MAX_INVOICE_IDS = 200
Reader = Annotated[Principal, Depends(requires_any(service.PAYMENT_RIGHT, service.DIRECT_TRANSFER_RIGHT))]
Payer = Annotated[Principal, Depends(requires(service.PAYMENT_RIGHT, write=True))]
Transferrer = Annotated[Principal, Depends(requires(service.DIRECT_TRANSFER_RIGHT, write=True))]
PaymentIdPath = Annotated[int, Path(alias="paymentId")]
_MFA_ERRORS = error_responses(403, 404, 406, 408, 409)
PAYMENT_KINDS = (
    rules.CREATE_INVOICE_PAYMENTS,
    rules.CREATE_DIRECT_TRANSFERS,
    rules.CANCEL_PAYMENT,
    rules.DELETE_PAYMENT,
)


def _invoice_ids(ids: list[int] | None, *, required: bool) -> list[int]:
    if not ids:
        if required:
            raise KirjuriError("INVOICE_ID_REQUIRED", 400, "invoiceId")
        return []
    if len(set(ids)) > MAX_INVOICE_IDS:
        raise KirjuriError("TOO_MANY_IDS", 400, "invoiceId")
    return sorted({path_id(i) for i in ids} - {0})


# --- search and create --------------------------------------------------------------------------


@router.get(
    "/payments",
    tags=[TAG],
    operation_id="getPaymentRows",
    response_model=wire.PaymentSearchResult,
    responses=error_responses(400, 403),
)
def search_payments(
    *,
    principal: Reader,
    session: DbSession,
    paging: Paging,
    start_date: Annotated[date | None, Query(alias="startDate", description="Value date from.")] = None,
    end_date: Annotated[date | None, Query(alias="endDate", description="Value date to.")] = None,
    invoice_id: Annotated[list[int] | None, Query(alias="invoiceId")] = None,
) -> wire.PaymentSearchResult:
    """The company's payments (not the deleted ones) by value date and invoice."""
    check_date_range(start_date, end_date)
    ids = _invoice_ids(invoice_id, required=False) if invoice_id else None  # given but none valid: no rows
    rows, meta = repository.search(
        session,
        company_id=principal.company_id,
        start=start_date,
        end=end_date,
        invoice_ids=ids,
        page=paging,
        salaries=principal.can(service.SALARY_RIGHT),
    )
    return wire.PaymentSearchResult(results=[service.to_basic(p) for p in rows], meta=SearchResultMetaData.of(meta))


@router.post(
    "/payments",
    tags=[TAG],
    operation_id="payInvoices",
    status_code=202,
    response_model=wire.TransactionIdentifier,
    responses=error_responses(400, 403, 404),
)
def pay_invoices(body: wire.InvoicePaymentList, principal: Payer, session: DbSession) -> wire.TransactionIdentifier:
    """Pay approved invoices (purchase, travel, expense, periodic tax return); all-or-nothing.
    Two-step verified: 202 with the transaction; the payments are queued once the user confirms.
    Poll `GET /mfatransactionresult/{id}`."""
    transaction = service.request_invoice_payments(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        readable=frozenset(access.readable_types(principal)),
        body=body,
    )
    return wire.TransactionIdentifier.pending(transaction.id)


@router.post(
    "/payments/directbanktransfers",
    tags=[TAG],
    operation_id="createDirectBankTransfers",
    status_code=202,
    response_model=wire.TransactionIdentifier,
    responses=error_responses(400, 403, 404),
)
def create_direct_bank_transfers(
    body: wire.DirectBankTransferList, principal: Transferrer, session: DbSession
) -> wire.TransactionIdentifier:
    """Free-standing SEPA transfers; all-or-nothing, two-step verified (202)."""
    transaction = service.request_direct_transfers(
        session, company_id=principal.company_id, user_id=principal.user_id, body=body
    )
    return wire.TransactionIdentifier.pending(transaction.id)


# --- salary payments (declared before `/payments/{paymentId}`) -----------------------------------

router.include_router(salary_router.router)


# --- events and error messages -------------------------------------------------------------------


@router.get(
    "/payments/paymentevents",
    tags=[TAG],
    operation_id="getPaymentEvents",
    response_model=wire.PaymentSearchResult,
    responses=error_responses(400, 403),
)
def get_payment_events(
    *,
    principal: Reader,
    session: DbSession,
    paging: Paging,
    invoice_id: Annotated[list[int] | None, Query(alias="invoiceId", description="1–200 invoice ids.")] = None,
) -> wire.PaymentSearchResult:
    """The payment events of up to 200 of the company's invoices (of readable types), as payment
    rows: id and status are the event's, `receiverName` the invoice's counterparty."""
    ids = _invoice_ids(invoice_id, required=True)
    found, meta = repository.invoice_payment_events(
        session,
        company_id=principal.company_id,
        invoice_ids=ids,
        types=access.readable_types(principal),
        page=paging,
    )
    results = [
        wire.BasicPaymentTransactionData(
            id=event.id,
            invoice_id=event.invoice_id,
            payment_date=event.payment_date,
            amount=plain(from_minor(event.amount_minor)),
            receiver_name=invoice.counterparty_name,
            status=wire.PaymentStatus(event.status) if event.status in wire.PaymentStatus.__members__ else None,
            paid_amount=plain(from_minor(event.paid_amount_minor)) if event.paid_amount_minor is not None else None,
            paid_currency=event.paid_currency,
        )
        for event, invoice in found
    ]
    return wire.PaymentSearchResult(results=results, meta=SearchResultMetaData.of(meta))


@router.get(
    "/payments/errormessages",
    tags=[TAG],
    operation_id="getErrorMessages",
    response_model=wire.PaymentErrorMessageSearchResult,
    responses=error_responses(400, 403),
)
def get_error_messages(
    *,
    principal: Reader,
    paging: Paging,
    created_start: Annotated[date | None, Query(alias="createdStartDate")] = None,
    created_end: Annotated[date | None, Query(alias="createdEndDate")] = None,
    message_type: Annotated[wire.ErrorMessageTypeFilter | None, Query(alias="type")] = None,
    status: Annotated[wire.ErrorMessageStatus | None, Query()] = None,
) -> wire.PaymentErrorMessageSearchResult:
    """The bank's error messages about payments: none yet (Kirjuri does not receive pain.002)."""
    check_date_range(created_start, created_end, "createdEndDate")
    meta = PageMeta(page_number=paging.page, page_size=paging.size, result_count=0, total_count=0)
    return wire.PaymentErrorMessageSearchResult(results=[], meta=SearchResultMetaData.of(meta))


# --- one payment ---------------------------------------------------------------------------------


@router.put(
    "/payments/{transactionIdentifier}/confirm",
    tags=[TAG],
    operation_id="confirm1",
    deprecated=True,
    response_model=wire.PaymentsConfirmationResponseModels,
    responses={202: {"model": InfoMessage}, **_MFA_ERRORS},
)
def confirm_payments(
    transaction_id: Annotated[str, Path(alias="transactionIdentifier")],
    principal: CurrentPrincipal,
    session: DbSession,
) -> Response:
    """Deprecated: the outcome of a payment transaction (create, cancel, delete), as `GET
    /mfatransactionresult/{id}`: 202 waiting, 200 done, 406 rejected, 408 expired; 404 when the
    transaction is not a payment one."""
    transaction = mfa_service.poll(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        transaction_id=transaction_id,
        kinds=PAYMENT_KINDS,
    )
    if transaction.status == mfa_rules.PENDING:
        return WireResponse(to_plain(InfoMessage(message=mfa_rules.PENDING_MESSAGE)), status_code=202)
    result = MfaTransactionResult.model_validate(transaction.result or {})
    answer = wire.PaymentsConfirmationResponseModels(
        payment_summaries=result.direct_bank_transfers,
        invoice_payment_summaries=result.invoice_payments,
        info_message=wire.InfoMessageModel(message=result.info.message) if result.info else None,
    )
    return WireResponse(answer.model_dump(mode="json", by_alias=True, exclude_none=True))


@router.get(
    "/payments/{paymentId}",
    tags=[TAG],
    operation_id="getPaymentRowById",
    response_model=wire.PaymentRowInfo,
    responses=error_responses(403, 404),
)
def get_payment(payment_id: PaymentIdPath, principal: Reader, session: DbSession) -> wire.PaymentRowInfo:
    payment = service.get(
        session,
        company_id=principal.company_id,
        payment_id=path_id(payment_id),
        salaries=principal.can(service.SALARY_RIGHT),
    )
    return service.to_row_info(session, payment)


def _remove(payment_id: int, principal: Principal, session: DbSession, *, delete: bool) -> wire.TransactionIdentifier:
    transaction = service.request_removal(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        payment_id=path_id(payment_id),
        delete=delete,
        can_write=lambda right: principal.can(right, write=True),
    )
    return wire.TransactionIdentifier.pending(transaction.id)


@router.delete(
    "/payments/{paymentId}",
    tags=[TAG],
    operation_id="removePayment",
    status_code=202,
    response_model=wire.TransactionIdentifier,
    responses=error_responses(403, 404),
)
def remove_payment(payment_id: PaymentIdPath, principal: Reader, session: DbSession) -> wire.TransactionIdentifier:
    """Delete a queued invoice payment (not yet sent to the bank); two-step verified (202). The
    invoice returns to APPROVED (or PARTLY_PAID) once the user confirms."""
    return _remove(payment_id, principal, session, delete=True)


@router.put(
    "/payments/{paymentId}/cancel",
    tags=[TAG],
    operation_id="cancelPayment",
    status_code=202,
    response_model=wire.TransactionIdentifier,
    responses=error_responses(403, 404),
)
def cancel_payment(payment_id: PaymentIdPath, principal: Reader, session: DbSession) -> wire.TransactionIdentifier:
    """Cancel a queued payment (not yet sent to the bank); two-step verified (202)."""
    return _remove(payment_id, principal, session, delete=False)
