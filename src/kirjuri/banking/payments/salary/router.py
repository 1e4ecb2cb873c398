"""HTTP endpoints of direct salary payments (§D.17 `/payments/directsalarypayments`).

Invariants: everything is read from and written to the principal's company only (another
company's list is 404); creating and cancelling answer 202 with the MFA transaction and change
nothing until the user confirms; every endpoint needs `payments.salaryPayments` (writing ones at
ALL_RIGHTS) except the deprecated confirm poll, which answers only the transaction's own user.
The payments router includes these routes before its `/payments/{paymentId}` ones.
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
from kirjuri.auth.dependencies import CurrentPrincipal, Principal, api_router, requires
from kirjuri.banking.payments import schemas as payment_wire
from kirjuri.banking.payments import service as payments
from kirjuri.banking.payments.salary import rules, service
from kirjuri.banking.payments.salary import schemas as wire
from kirjuri.core.errors import check_date_range
from kirjuri.core.ids import path_id
from kirjuri.mfa import rules as mfa_rules
from kirjuri.mfa import service as mfa_service
from kirjuri.mfa.schemas import MfaTransactionResult

router = api_router()

TAG = "Payments"
SalaryReader = Annotated[Principal, Depends(requires(payments.SALARY_RIGHT))]
SalaryPayer = Annotated[Principal, Depends(requires(payments.SALARY_RIGHT, write=True))]
ListIdPath = Annotated[int, Path(alias="paymentListId")]
SALARY_KINDS = (rules.CREATE_SALARY_PAYMENTS, rules.CANCEL_SALARY_PAYMENTS)
_MFA_ERRORS = error_responses(403, 404, 406, 408, 409)


@router.get(
    "/payments/directsalarypayments",
    tags=[TAG],
    operation_id="searchSalaryPaymentGroups",
    response_model=wire.DirectSalaryPaymentGroupBaseInfoSearchResult,
    responses=error_responses(400, 403),
)
def search_salary_payment_groups(
    *,
    principal: SalaryReader,
    session: DbSession,
    paging: Paging,
    start_date: Annotated[date | None, Query(alias="startDate", description="Payment date from.")] = None,
    end_date: Annotated[date | None, Query(alias="endDate", description="Payment date to.")] = None,
    name: Annotated[str | None, Query(description="Part of the list's name.")] = None,
    custom_id: Annotated[str | None, Query(alias="customId")] = None,
) -> wire.DirectSalaryPaymentGroupBaseInfoSearchResult:
    """The company's direct salary payment lists by payment date, name and custom id."""
    check_date_range(start_date, end_date)
    results, meta = service.search(
        session,
        company_id=principal.company_id,
        start=start_date,
        end=end_date,
        name=name,
        custom_id=custom_id,
        page=paging,
    )
    return wire.DirectSalaryPaymentGroupBaseInfoSearchResult(
        results=results,
        meta=SearchResultMetaData.of(meta),
    )


@router.post(
    "/payments/directsalarypayments",
    tags=[TAG],
    operation_id="createDirectSalaryPayments",
    status_code=202,
    response_model=payment_wire.TransactionIdentifier,
    responses=error_responses(400, 403, 404),
)
def create_direct_salary_payments(
    body: wire.DirectSalaryPayments, principal: SalaryPayer, session: DbSession
) -> payment_wire.TransactionIdentifier:
    """A list of SEPA salary payments to persons (Finland, EUR, FINNISH_SALARY_TRANSFER);
    all-or-nothing, two-step verified (202). Poll `GET /mfatransactionresult/{id}`."""
    transaction = service.request_create(session, company_id=principal.company_id, user_id=principal.user_id, body=body)
    return payment_wire.TransactionIdentifier.pending(transaction.id)


@router.get(
    "/payments/directsalarypayments/{paymentListId}",
    tags=[TAG],
    operation_id="getDirectSalaryPaymentsByPaymentListId",
    response_model=wire.DirectSalaryPaymentGroup,
    responses=error_responses(403, 404),
)
def get_direct_salary_payments(
    payment_list_id: ListIdPath, principal: SalaryReader, session: DbSession
) -> wire.DirectSalaryPaymentGroup:
    """One list with its payment ids."""
    return service.get_group(session, company_id=principal.company_id, list_id=path_id(payment_list_id))


@router.put(
    "/payments/directsalarypayments/{paymentListId}/cancel",
    tags=[TAG],
    operation_id="cancelDirectSalaryPayments",
    status_code=202,
    response_model=payment_wire.TransactionIdentifier,
    responses=error_responses(403, 404),
)
def cancel_direct_salary_payments(
    payment_list_id: ListIdPath, principal: SalaryPayer, session: DbSession
) -> payment_wire.TransactionIdentifier:
    """Cancel a whole list while none of it was sent to the bank; two-step verified (202)."""
    transaction = service.request_cancel(
        session, company_id=principal.company_id, user_id=principal.user_id, list_id=path_id(payment_list_id)
    )
    return payment_wire.TransactionIdentifier.pending(transaction.id)


@router.put(
    "/payments/directsalarypayments/{transactionIdentifier}/confirm",
    tags=[TAG],
    operation_id="confirm2",
    deprecated=True,
    response_model=wire.DirectSalaryPaymentsConfirmationResponseModels,
    responses={202: {"model": InfoMessage}, **_MFA_ERRORS},
)
def confirm_direct_salary_payments(
    transaction_id: Annotated[str, Path(alias="transactionIdentifier")],
    principal: CurrentPrincipal,
    session: DbSession,
) -> Response:
    """Deprecated: the outcome of a salary payment transaction (create, cancel), as `GET
    /mfatransactionresult/{id}`: 202 waiting, 200 done (the list created, or the cancel's
    message), 406 rejected, 408 expired; 404 when it is not a salary payment transaction."""
    transaction = mfa_service.poll(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        transaction_id=transaction_id,
        kinds=SALARY_KINDS,
    )
    if transaction.status == mfa_rules.PENDING:
        return WireResponse(to_plain(InfoMessage(message=mfa_rules.PENDING_MESSAGE)), status_code=202)
    result = MfaTransactionResult.model_validate(transaction.result or {})
    answer = wire.DirectSalaryPaymentsConfirmationResponseModels()
    if result.direct_salary_payment is not None and result.direct_salary_payment.id is not None:
        answer.payment_group = service.get_group(
            session, company_id=principal.company_id, list_id=result.direct_salary_payment.id
        )
    if result.info is not None:
        answer.info_message = payment_wire.InfoMessageModel(message=result.info.message)
    return WireResponse(answer.model_dump(mode="json", by_alias=True, exclude_none=True))
