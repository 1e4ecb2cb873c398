"""HTTP endpoints of bank statements (§D.3): the search with nested events, and the allocation of an
event to an invoice, a product or VAT/ledger metadata rows.

Invariants: everything is read from and written to the principal's company only (another
company's ids are 404); reading needs `payments.bankStatementAndReferencePayment` at viewing level,
allocating it with all rights; the account-number filter comes in the `accountNumber` header (§D.3)
and is matched in its electronic form; GET handlers never write.
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
from kirjuri.banking.accounts import rules as accounts_rules
from kirjuri.banking.statements import repository, rules, service
from kirjuri.banking.statements import schemas as wire
from kirjuri.banking.statements.models import BankStatement, BankStatementEvent
from kirjuri.core.errors import check_date_range
from kirjuri.core.money import from_minor
from kirjuri.core.paging import Order

router = api_router()

TAG = "Bank statements"
RIGHT = "payments.bankStatementAndReferencePayment"
Reader = Annotated[Principal, Depends(requires(RIGHT))]
Writer = Annotated[Principal, Depends(requires(RIGHT, write=True))]
StatementId = Annotated[int, Path(alias="statementId")]
EventId = Annotated[int, Path(alias="eventId")]


# The attachment owner type of a statement event.
OWNER = "BANKSTATEMENTEVENT"


def electronic(account_number: str | None) -> str | None:
    """An account-number filter in any spacing or case; empty is no filter."""
    if account_number is None or not account_number.strip():
        return None
    return accounts_rules.electronic(account_number)


def _event_out(
    session: DbSession, company_id: int, row: BankStatementEvent, files: list[Attachment]
) -> wire.BankStatementEvent:
    return wire.BankStatementEvent(
        id=row.id,
        pay_date=row.pay_date,
        value_date=row.value_date,
        sum=from_minor(row.amount_minor),
        account_number=row.counterparty_account,
        name=row.counterparty_name,
        explanation_code=row.explanation_code,
        archive_code=row.archive_code,
        message=row.message,
        reference=row.reference,
        allocated=service.allocated(row),
        invoice_id=row.invoice_id,
        product_id=row.product_id,
        end_to_end_id=rules.end_to_end_number(row.end_to_end_id),
        attachments=files,
        allocation_metadata_rows=allocation.rows_out(session, company_id=company_id, stored=row.metadata_rows),
    )


def _statements_out(session: DbSession, company_id: int, rows: list[BankStatement]) -> list[wire.BankStatement]:
    events = repository.events_of(session, company_id=company_id, statement_ids=[r.id for r in rows])
    allocation.preload_accounts(session, company_id=company_id, stored=[e.metadata_rows for e in events])
    files: dict[int, list[Attachment]] = defaultdict(list)
    owned = attachments.for_owners(session, company_id=company_id, owners=[(OWNER, e.id) for e in events])
    for found in owned:
        files[found.reference_id].append(attachment_to_wire(found))
    top: dict[int, list[wire.BankStatementEvent]] = defaultdict(list)
    children: dict[int, list[wire.BankStatementEvent]] = defaultdict(list)
    for event in events:
        out = _event_out(session, company_id, event, files.get(event.id, []))
        (top[event.statement_id] if event.parent_id is None else children[event.parent_id]).append(out)
    for outs in top.values():
        for out in outs:
            assert out.id is not None
            out.events = children.get(out.id, [])
    return [
        wire.BankStatement(
            id=row.id,
            account_number=row.account_iban,
            start_date=row.start_date,
            end_date=row.end_date,
            currency=row.currency,
            number_of_deposits=row.deposit_count,
            deposit_sum=from_minor(row.deposit_minor),
            number_of_withdrawals=row.withdrawal_count,
            withdrawal_sum=from_minor(row.withdrawal_minor),
            start_balance=from_minor(row.start_balance_minor),
            end_balance=from_minor(row.end_balance_minor),
            statement_number=row.statement_number,
            events=top.get(row.id, []),
        )
        for row in rows
    ]


@router.get("/bankstatements", tags=[TAG], operation_id="getBankStatements", responses=error_responses(400, 403))
def search_statements(
    *,
    principal: Reader,
    session: DbSession,
    paging: Paging,
    start_date: Annotated[date | None, Query(alias="startDate")] = None,
    end_date: Annotated[date | None, Query(alias="endDate")] = None,
    order_by_id: Annotated[Order | None, Query(alias="orderById")] = None,
    order_by_start_date: Annotated[Order, Query(alias="orderByStartDate")] = Order.DESC,
    account_number: Annotated[
        str | None, Header(alias="accountNumber", description="The company bank account (IBAN).")
    ] = None,
) -> wire.BankStatementsSearchResult:
    """Statements overlapping [startDate, endDate], with their events (a batch entry holds its
    transactions in `events`). Newest start date first unless `orderByStartDate=ASC`; `orderById`
    orders by id instead."""
    check_date_range(start_date, end_date)
    filters = repository.StatementFilter(start_date=start_date, end_date=end_date, iban=electronic(account_number))
    rows, meta = repository.search(
        session,
        company_id=principal.company_id,
        filters=filters,
        page=paging,
        order_by_id=order_by_id,
        order_by_start=order_by_start_date,
    )
    return wire.BankStatementsSearchResult(
        results=_statements_out(session, principal.company_id, rows), meta=SearchResultMetaData.of(meta)
    )


@router.put(
    "/bankstatements/{statementId}/events/{eventId}/invoices",
    tags=[TAG],
    operation_id="allocateInvoiceToEvent",
    responses=error_responses(400, 403, 404),
)
def allocate_invoice(
    *,
    statement_id: StatementId,
    event_id: EventId,
    invoice_id: Annotated[int, Body(description="The invoice id (a bare JSON number).")],
    principal: Writer,
    session: DbSession,
    add_penal_expense: Annotated[bool, Query(alias="addPenalExpense")] = False,
) -> InfoMessage:
    """Allocate the event to an invoice: a credit to a sales invoice, a debit to a purchase, travel,
    bill-of-charges or periodic-tax-return invoice. Registers the payment on the invoice."""
    service.allocate_invoice(
        session,
        company_id=principal.company_id,
        statement_id=statement_id,
        event_id=event_id,
        invoice_id=invoice_id,
        add_penal_expense=add_penal_expense,
        user_id=principal.user_id,
    )
    return InfoMessage(message="Bank statement event allocated to invoice")


@router.delete(
    "/bankstatements/{statementId}/events/{eventId}/invoices",
    tags=[TAG],
    operation_id="deleteInvoiceAllocationFromEvent",
    status_code=204,
    responses=error_responses(400, 403, 404),
)
def remove_invoice(*, statement_id: StatementId, event_id: EventId, principal: Writer, session: DbSession) -> None:
    """Remove the invoice allocation; the payment event on the invoice is NOT removed."""
    service.remove_invoice(session, company_id=principal.company_id, statement_id=statement_id, event_id=event_id)


@router.put(
    "/bankstatements/{statementId}/events/{eventId}/products",
    tags=[TAG],
    operation_id="allocateProductToEvent",
    responses=error_responses(400, 403, 404),
)
def allocate_product(
    *,
    statement_id: StatementId,
    event_id: EventId,
    product_id: Annotated[int, Body(description="The product id (a bare JSON number).")],
    principal: Writer,
    session: DbSession,
) -> InfoMessage:
    """Set or replace the product allocated to the event."""
    service.allocate_product(
        session, company_id=principal.company_id, statement_id=statement_id, event_id=event_id, product_id=product_id
    )
    return InfoMessage(message="Bank statement event allocated to product")


@router.delete(
    "/bankstatements/{statementId}/events/{eventId}/products",
    tags=[TAG],
    operation_id="deleteProductAllocationFromEvent",
    status_code=204,
    responses=error_responses(400, 403, 404),
)
def remove_product(*, statement_id: StatementId, event_id: EventId, principal: Writer, session: DbSession) -> None:
    service.remove_product(session, company_id=principal.company_id, statement_id=statement_id, event_id=event_id)


@router.put(
    "/bankstatements/{statementId}/events/{eventId}/metadata",
    tags=[TAG],
    operation_id="allocateAllocationMetadata1",
    responses=error_responses(400, 403, 404),
)
def set_metadata(
    *,
    statement_id: StatementId,
    event_id: EventId,
    body: allocation.AllocationMetadata,
    principal: Writer,
    session: DbSession,
) -> InfoMessage:
    """Replace the event's VAT/ledger metadata rows (sales or purchase VAT)."""
    service.set_metadata(
        session, company_id=principal.company_id, statement_id=statement_id, event_id=event_id, body=body
    )
    return InfoMessage(message="Allocation metadata saved")


@router.delete(
    "/bankstatements/{statementId}/events/{eventId}/metadata",
    tags=[TAG],
    operation_id="deleteAllocationMetadata1",
    status_code=204,
    responses=error_responses(400, 403, 404),
)
def remove_metadata(*, statement_id: StatementId, event_id: EventId, principal: Writer, session: DbSession) -> None:
    service.remove_metadata(session, company_id=principal.company_id, statement_id=statement_id, event_id=event_id)
