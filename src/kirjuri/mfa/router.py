"""HTTP endpoint of MFA transaction results (§D.16): the one polling point of every 2FA-protected action.

Invariants: a transaction is visible only in its own company (404 otherwise) and only to the
user who started it (403); the answer is 202 while it waits, 200 with the stored result once
confirmed, 406 rejected, 408 expired — the same answer however often it is asked.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from starlette.responses import Response

from kirjuri.api.schemas import ErrorMessages, InfoMessage
from kirjuri.api.session import DbSession
from kirjuri.api.wire import WireResponse, to_plain
from kirjuri.auth.dependencies import CurrentPrincipal, api_router
from kirjuri.mfa import rules, schemas, service

router = api_router()

_ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorMessages} for s in (403, 404, 406, 408, 409)}


@router.get(
    "/mfatransactionresult/{transactionIdentifier}",
    tags=["Multi-Factor Authentication"],
    operation_id="getMfaTransactionResult",
    response_model=schemas.MfaTransactionResult,
    responses={202: {"model": InfoMessage}, **_ERRORS},
)
def get_mfa_transaction_result(
    transaction_id: Annotated[str, Path(alias="transactionIdentifier")],
    principal: CurrentPrincipal,
    session: DbSession,
) -> Response:
    """202 while the user has not decided; 200 with the result once confirmed; 406 rejected; 408
    expired (5 minutes); 403 another user's transaction; 404 unknown or another company's."""
    transaction = service.poll(
        session, company_id=principal.company_id, user_id=principal.user_id, transaction_id=transaction_id
    )
    if transaction.status == rules.PENDING:
        return WireResponse(to_plain(InfoMessage(message=rules.PENDING_MESSAGE)), status_code=202)
    return WireResponse(to_plain(schemas.MfaTransactionResult.model_validate(transaction.result or {})))
