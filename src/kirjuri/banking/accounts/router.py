"""HTTP endpoints of the company's own bank accounts (§D.2): `GET/POST /bankaccounts`,
`GET/PUT /bankaccounts/{id}`.

Invariants: everything is read from and written to the principal's company only (another
company's id is 404). Rights (decision; the contract does not name them): reading needs any of
`payments.bankStatementAndReferencePayment`, `payments.payment` or `management.basicCompanyInfo`
at viewing level — the people who reconcile the bank, pay, or keep the company's settings;
writing needs `management.basicCompanyInfo` with ALL_RIGHTS, as every other company setting
(403 `INSUFFICIENT_RIGHTS` otherwise). GET handlers never write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Query
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.paging import page_request
from kirjuri.api.schemas import SearchResultMetaData, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.versioning import check_if_match, check_version, with_etag
from kirjuri.auth.dependencies import Principal, api_router, requires, requires_any
from kirjuri.banking.accounts import repository, service
from kirjuri.banking.accounts import schemas as wire
from kirjuri.core.ids import path_id
from kirjuri.core.paging import DEFAULT_PAGE_SIZE, Order

router = api_router()

TAG = "Bank accounts"
READ_RIGHTS = ("payments.bankStatementAndReferencePayment", "payments.payment", "management.basicCompanyInfo")
WRITE_RIGHT = "management.basicCompanyInfo"

Reader = Annotated[Principal, Depends(requires_any(*READ_RIGHTS))]
Writer = Annotated[Principal, Depends(requires(WRITE_RIGHT, write=True))]
AccountId = Annotated[int, Path(alias="id")]


@router.get(
    "/bankaccounts",
    tags=[TAG],
    operation_id="getBankAccounts",
    responses=error_responses(400, 403, 404),
)
def search_accounts(
    *,
    principal: Reader,
    session: DbSession,
    size: Annotated[int, Query(description="Page size, 1–200.")] = DEFAULT_PAGE_SIZE,
    page: Annotated[int, Query(description="Zero-based page number.")] = 0,
    previous_id: Annotated[
        int | None, Query(alias="previousId", description="Keyset paging: continue after this account.")
    ] = None,
    order_by_id: Annotated[Order | None, Query(alias="orderById")] = None,
    order_by_order_no: Annotated[Order, Query(alias="orderByOrderNo")] = Order.ASC,
) -> wire.CompanyBankAccountSearchResult:
    """The company's accounts (basic info). By `orderNo` ascending unless `orderByOrderNo=DESC`;
    `orderById` sorts by id instead. In `orderNo` order `previousId` must be one of the company's
    accounts (404 at `previousId`); in id order it is any id (results continue after it)."""
    paging = page_request(size=size, page=page, previous_id=previous_id, order_by_id=order_by_id or Order.ASC)
    rows, meta = repository.search(
        session,
        company_id=principal.company_id,
        page=paging,
        by_order_no=None if order_by_id is not None else order_by_order_no,
    )
    return wire.CompanyBankAccountSearchResult(
        results=[wire.basic_out(row) for row in rows],
        meta=SearchResultMetaData.of(meta),
    )


@router.post(
    "/bankaccounts",
    tags=[TAG],
    operation_id="createBankAccount",
    response_model=wire.CompanyBankAccount,
    responses=error_responses(400, 403, 409),
)
def create_account(body: wire.CompanyBankAccount, principal: Writer, session: DbSession) -> Response:
    """A new account. `accountNumber` (BBAN) is derived from the IBAN, `bic` and `bankName` too when
    absent; `id`, `version` and `created` are ignored; without `orderNo` it goes last. An IBAN the
    company already has is 409 `IBAN_ALREADY_IN_USE`."""
    row = service.create_account(session, company_id=principal.company_id, document=wire.document_of(body))
    return with_etag(wire.account_out(row), row.version)


@router.get(
    "/bankaccounts/{id}",
    tags=[TAG],
    operation_id="getBankAccount",
    response_model=wire.CompanyBankAccount,
    responses=error_responses(403, 404),
)
def get_account(account_id: AccountId, principal: Reader, session: DbSession) -> Response:
    row = service.get_account(session, company_id=principal.company_id, account_id=path_id(account_id))
    return with_etag(wire.account_out(row), row.version)


@router.put(
    "/bankaccounts/{id}",
    tags=[TAG],
    operation_id="updateBankAccount",
    response_model=wire.CompanyBankAccount,
    responses=error_responses(400, 403, 404, 409, 412),
)
def replace_account(
    account_id: AccountId, body: wire.CompanyBankAccount, request: Request, principal: Writer, session: DbSession
) -> Response:
    """Replace the account whole (`orderNo` left out: unchanged). `version` is required and must be
    the current one (400 `REQUIRED` / `VERSION_CONFLICT` at `version`; a stale `If-Match` is 412).
    IBAN and currency cannot change (400). Deactivating the default account for invoices or
    payments, or moving it to another ledger account, is 409 `BANK_ACCOUNT_IN_USE`."""

    def check(current: datetime) -> None:
        check_if_match(request, current)
        check_version(current, body.version, required=True)

    row = service.replace_account(
        session,
        company_id=principal.company_id,
        account_id=path_id(account_id),
        document=wire.document_of(body),
        check_version=check,
    )
    return with_etag(wire.account_out(row), row.version)
