"""HTTP endpoints of what happens to an invoice after it is written (Procountor §D.13): the status
verbs (approve, verify, sendToCirculation, reject, invalidate, unfinished, notes), the audit trail,
circulation's personal lists, payment events with mark-paid and their MFA-confirmed removal, and
the discussion comments. `PUT /invoices/{id}/send` and the image are the sending router's.

Registered before the core router, so `/invoices/personalverifications`, `/invoices/
personalapprovals` and `/invoices/transactions` win over `/invoices/{invoiceId}`.

Invariants: everything is read from and written to the principal's company only — another
company's invoice, event or comment id is 404 on every path, as is an invoice of a type the caller
cannot read (`invoicing.access`); which right each verb needs is the services' (`lifecycle`,
`payments`, `comments` docstrings). Handlers parse, load the invoice, make one service call and map
the result; GET handlers never write.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Depends, Path, Query
from sqlalchemy.orm import Session
from starlette.responses import Response

from kirjuri.api.paging import Paging
from kirjuri.api.schemas import InfoMessage, SearchResultMetaData, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.wire import WireResponse, to_plain
from kirjuri.auth.dependencies import CurrentPrincipal, Principal, api_router, requires_any
from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.core.ids import TooManyIds, parse_id_list, path_id
from kirjuri.invoicing import access, circulation, comments, lifecycle, payments, repository, service
from kirjuri.invoicing import lifecycle_schemas as wire
from kirjuri.invoicing.models import Invoice
from kirjuri.mfa import rules as mfa_rules
from kirjuri.mfa import service as mfa_service
from kirjuri.mfa.schemas import MfaTransactionResult

router = api_router()

TAG = "Invoices"
Reader = Annotated[Principal, Depends(requires_any(*access.ANY_READ))]
Verifier = Annotated[Principal, Depends(requires_any(lifecycle.VERIFICATION_RIGHT))]
Acceptor = Annotated[Principal, Depends(requires_any(lifecycle.APPROVAL_RIGHT))]
InvoiceIdPath = Annotated[int, Path(alias="invoiceId")]
EventIdPath = Annotated[int, Path(alias="paymentEventId")]
CommentIdPath = Annotated[int, Path(alias="commentId")]
Checking = Annotated[wire.CheckingEvent | None, Body()]
_MFA_ERRORS: dict[int | str, dict[str, Any]] = error_responses(403, 404, 406, 408, 409)


def _load(session: Session, principal: Principal, invoice_id: int, *, lock: bool = False) -> Invoice:
    """The principal's invoice of a readable type (404 otherwise), row-locked for a write."""
    invoice = service.get_invoice(session, company_id=principal.company_id, invoice_id=path_id(invoice_id), lock=lock)
    access.check_sees(session, principal, invoice)
    return invoice


def _comment_of(body: wire.CheckingEvent | None) -> str | None:
    return body.comment if body is not None and body.comment else None


# --- lists across invoices (fixed paths first) ---------------------------------------------------


def _circulated_types(principal: Principal, raw: str) -> list[str]:
    """`types` (one, or several comma-separated): circulated types only (400 otherwise), of them
    the ones the caller can read."""
    wanted: list[str] = []
    for part in raw.split(","):
        name = part.strip()
        if not name:
            continue
        if name not in circulation.CIRCULATED_TYPES:
            raise KirjuriError("INVALID_ENUM_VALUE", 400, "types")
        if name not in wanted:
            wanted.append(name)
    if not wanted:
        raise KirjuriError("REQUIRED", 400, "types")
    return [t for t in wanted if access.can_read(principal, t)]


TypesParam = Annotated[
    str,
    Query(
        description="PURCHASE_INVOICE, TRAVEL_INVOICE or BILL_OF_CHARGES (several comma-separated).",
        json_schema_extra={"enum": list(circulation.CIRCULATED_TYPES)},
    ),
]


def _waiting(session: Session, principal: Principal, types: str, role: str) -> wire.InvoiceIds:
    ids = circulation.waiting_for(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        role=role,
        types=_circulated_types(principal, types),
        circulation=circulation.settings(session, company_id=principal.company_id),
    )
    return wire.InvoiceIds(invoice_ids=ids)


@router.get(
    "/invoices/personalverifications",
    tags=[TAG],
    operation_id="getInvoicesForPersonalVerifications",
    responses=error_responses(400, 403),
)
def personal_verifications(principal: Verifier, session: DbSession, types: TypesParam) -> wire.InvoiceIds:
    """Ids of the invoices waiting for the caller's verification (needs
    `invoiceCirculation.verification`); ascending."""
    return _waiting(session, principal, types, circulation.VERIFIER)


@router.get(
    "/invoices/personalapprovals",
    tags=[TAG],
    operation_id="getInvoicesForPersonalApprovals",
    responses=error_responses(400, 403),
)
def personal_approvals(principal: Acceptor, session: DbSession, types: TypesParam) -> wire.InvoiceIds:
    """Ids of the invoices waiting for the caller's approval (needs `invoiceCirculation.approval`):
    the verifiers are done, and with determined order it is the caller's turn; ascending."""
    return _waiting(session, principal, types, circulation.ACCEPTOR)


@router.get(
    "/invoices/transactions",
    tags=[TAG],
    operation_id="getInvoiceTransactionsBulk",
    responses=error_responses(400, 403, 404),
)
def invoice_transactions_bulk(
    principal: Reader,
    session: DbSession,
    invoice_ids: Annotated[
        list[str],
        Query(
            alias="invoiceIds",
            description="Invoice ids (at most 200), repeated and/or comma-separated.",
            json_schema_extra={"items": {"type": "number"}},
        ),
    ],
) -> wire.InvoiceTransactionsByInvoicesDTO:
    """The audit trails of up to 200 invoices, by invoice id; unknown, invalid and unreadable ids
    are skipped; none found → 404."""
    try:
        ids, _several = parse_id_list(",".join(invoice_ids))
    except TooManyIds as exc:
        raise KirjuriError("TOO_MANY_IDS", 400, "invoiceIds") from exc
    personal = access.personal(session, principal)
    found = [
        i
        for i in repository.invoices_by_ids(session, company_id=principal.company_id, ids=ids, personal=personal)
        if access.can_read(principal, i.type)
    ]
    if not found:
        raise not_found("invoiceIds")
    trails = lifecycle.trail(session, company_id=principal.company_id, invoice_ids=[i.id for i in found])
    return wire.InvoiceTransactionsByInvoicesDTO(
        results=[
            wire.InvoiceTransactionsByInvoice(invoice_id=i.id, transactions=trails[i.id])
            for i in sorted(found, key=lambda i: i.id)
        ]
    )


@router.put(
    "/invoices/{transactionIdentifier}/confirm",
    tags=[TAG],
    operation_id="confirm3",
    deprecated=True,
    response_model=InfoMessage,
    responses={202: {"model": InfoMessage}, **_MFA_ERRORS},
)
def confirm_payment_event_removal(
    transaction_id: Annotated[str, Path(alias="transactionIdentifier")],
    principal: CurrentPrincipal,
    session: DbSession,
) -> Response:
    """Deprecated: the outcome of a payment event's removal (`DELETE …/paymentevents/{id}`), as
    `GET /mfatransactionresult/{id}`: 202 waiting, 200 removed, 406 rejected, 408 expired."""
    transaction = mfa_service.poll(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        transaction_id=transaction_id,
        kinds=(payments.REMOVE_PAYMENT_EVENT,),
    )
    if transaction.status == mfa_rules.PENDING:
        return WireResponse(to_plain(InfoMessage(message=mfa_rules.PENDING_MESSAGE)), status_code=202)
    result = MfaTransactionResult.model_validate(transaction.result or {})
    message = result.info.message if result.info else payments.REMOVED_MESSAGE
    return WireResponse(to_plain(InfoMessage(message=message)))


# --- status verbs --------------------------------------------------------------------------------


@router.put(
    "/invoices/{invoiceId}/approve",
    tags=[TAG],
    operation_id="approveInvoice1",
    responses=error_responses(400, 403, 404),
)
def approve_invoice(
    invoice_id: InvoiceIdPath,
    principal: Reader,
    session: DbSession,
    body: Checking = None,
    update_inventory: Annotated[bool, Query(alias="updateInventory")] = False,
) -> InfoMessage:
    """A sales invoice UNFINISHED → NOT_SENT; a purchase, travel or expense invoice's approval by
    one of its acceptors (APPROVED once every acceptor has approved). The body's comment (≤ 100)
    goes to the audit trail (ignored for sales); `updateInventory` is accepted and ignored."""
    invoice = _load(session, principal, invoice_id, lock=True)
    lifecycle.approve(
        session,
        invoice=invoice,
        user_id=principal.user_id,
        rights=principal,
        comment=_comment_of(body),
        update_inventory=update_inventory,
    )
    return InfoMessage(message="Invoice approved")


@router.put(
    "/invoices/{invoiceId}/verify",
    tags=[TAG],
    operation_id="verifyInvoice",
    responses=error_responses(400, 403, 404),
)
def verify_invoice(
    invoice_id: InvoiceIdPath, principal: Reader, session: DbSession, body: Checking = None
) -> InfoMessage:
    """One verifier's verification of a circulated invoice (VERIFIED once every verifier has)."""
    invoice = _load(session, principal, invoice_id, lock=True)
    lifecycle.verify(session, invoice=invoice, user_id=principal.user_id, rights=principal, comment=_comment_of(body))
    return InfoMessage(message="Invoice verified")


@router.put(
    "/invoices/{invoiceId}/sendToCirculation",
    tags=[TAG],
    operation_id="sendToCirculation",
    responses=error_responses(400, 403, 404),
)
def send_to_circulation(invoice_id: InvoiceIdPath, principal: Reader, session: DbSession) -> InfoMessage:
    """A purchase, travel or expense invoice into circulation (→ RECEIVED) with the checkers of
    the company's verifier list; 403 `NO_APPROVERS_CONFIGURED` when it has no acceptor."""
    invoice = _load(session, principal, invoice_id, lock=True)
    lifecycle.send_to_circulation(session, invoice=invoice, user_id=principal.user_id, rights=principal)
    return InfoMessage(message="Invoice sent to circulation")


@router.put(
    "/invoices/{invoiceId}/reject",
    tags=[TAG],
    operation_id="rejectInvoice",
    responses=error_responses(400, 403, 404),
)
def reject_invoice(
    invoice_id: InvoiceIdPath, principal: Reader, session: DbSession, body: Checking = None
) -> InfoMessage:
    """→ PAYMENT_DENIED (sales once final and unpaid; circulated types in circulation)."""
    invoice = _load(session, principal, invoice_id, lock=True)
    lifecycle.reject(session, invoice=invoice, user_id=principal.user_id, rights=principal, comment=_comment_of(body))
    return InfoMessage(message="Invoice rejected")


@router.put(
    "/invoices/{invoiceId}/invalidate",
    tags=[TAG],
    operation_id="markInvoiceAsInvalidated",
    responses=error_responses(400, 403, 404),
)
def invalidate_invoice(invoice_id: InvoiceIdPath, principal: Reader, session: DbSession) -> InfoMessage:
    """→ INVALIDATED (open period only); the invoice's ledger receipt leaves the books."""
    invoice = _load(session, principal, invoice_id, lock=True)
    lifecycle.invalidate(session, invoice=invoice, user_id=principal.user_id, rights=principal)
    return InfoMessage(message="Invoice invalidated")


@router.put(
    "/invoices/{invoiceId}/unfinished",
    tags=[TAG],
    operation_id="markInvoiceAsUnfinished",
    responses=error_responses(400, 403, 404),
)
def unfinished_invoice(invoice_id: InvoiceIdPath, principal: Reader, session: DbSession) -> InfoMessage:
    """Back to UNFINISHED (open period only); a circulation ends."""
    invoice = _load(session, principal, invoice_id, lock=True)
    lifecycle.make_unfinished(session, invoice=invoice, user_id=principal.user_id, rights=principal)
    return InfoMessage(message="Invoice marked unfinished")


@router.put(
    "/invoices/{invoiceId}/notes",
    tags=[TAG],
    operation_id="addNotesToInvoice",
    responses=error_responses(400, 403, 404),
)
def invoice_notes(
    invoice_id: InvoiceIdPath, body: wire.InvoiceNotes, principal: Reader, session: DbSession
) -> InfoMessage:
    """Overwrite the internal notes (any status; the invoice date's period must be open)."""
    invoice = _load(session, principal, invoice_id, lock=True)
    lifecycle.set_notes(session, invoice=invoice, user_id=principal.user_id, rights=principal, notes=body.notes)
    return InfoMessage(message="Invoice notes updated")


# --- audit trail ---------------------------------------------------------------------------------


@router.get(
    "/invoices/{invoiceId}/transactions",
    tags=[TAG],
    operation_id="getInvoiceTransactions",
    responses=error_responses(403, 404),
)
def invoice_transactions(invoice_id: InvoiceIdPath, principal: Reader, session: DbSession) -> wire.InvoiceTransactions:
    """The invoice's audit trail, oldest first."""
    invoice = _load(session, principal, invoice_id)
    trail = lifecycle.trail(session, company_id=principal.company_id, invoice_ids=[invoice.id])
    return wire.InvoiceTransactions(transactions=trail[invoice.id])


# --- payment events ------------------------------------------------------------------------------


@router.get(
    "/invoices/{invoiceId}/paymentevents",
    tags=[TAG],
    operation_id="searchPaymentEvents",
    responses=error_responses(400, 403, 404),
)
def payment_events(
    invoice_id: InvoiceIdPath, principal: Reader, session: DbSession, page: Paging
) -> wire.PaymentEventSearchResult:
    """The invoice's payment events, paged (`size`/`page`, `previousId`, `orderById`, newest first)."""
    invoice = _load(session, principal, invoice_id)
    rows, meta = payments.events_page(session, company_id=principal.company_id, invoice_id=invoice.id, page=page)
    return wire.PaymentEventSearchResult(
        results=[payments.to_wire(e) for e in rows],
        meta=SearchResultMetaData.of(meta),
    )


@router.put(
    "/invoices/{invoiceId}/paymentevents/markpaid",
    tags=[TAG],
    operation_id="markInvoiceAsPaid",
    responses=error_responses(400, 403, 404),
)
def mark_invoice_as_paid(
    invoice_id: InvoiceIdPath,
    body: wire.MarkInvoiceAsPaid,
    principal: Reader,
    session: DbSession,
    add_penal_expense: Annotated[bool, Query(alias="addPenalExpense")] = False,
) -> wire.PaymentEvent:
    """A payment made outside Kirjuri (needs `payments.markAsPaid`): posted to the ledger, the
    invoice PARTLY_PAID or MARKED_PAID. `addPenalExpense` is recorded, not booked."""
    invoice = _load(session, principal, invoice_id, lock=True)
    event = payments.mark_paid(
        session,
        invoice=invoice,
        user_id=principal.user_id,
        rights=principal,
        body=body,
        add_penal_expense=add_penal_expense,
    )
    return payments.to_wire(event)


@router.get(
    "/invoices/{invoiceId}/paymentevents/{paymentEventId}",
    tags=[TAG],
    operation_id="getPaymentEventByIdAndInvoiceId",
    responses=error_responses(403, 404),
)
def payment_event(
    invoice_id: InvoiceIdPath, event_id: EventIdPath, principal: Reader, session: DbSession
) -> wire.PaymentEvent:
    invoice = _load(session, principal, invoice_id)
    event = payments.get_event(
        session, company_id=principal.company_id, invoice_id=invoice.id, event_id=path_id(event_id)
    )
    return payments.to_wire(event)


@router.delete(
    "/invoices/{invoiceId}/paymentevents/{paymentEventId}",
    tags=[TAG],
    operation_id="removePaymentEvent",
    status_code=202,
    responses=error_responses(400, 403, 404),
)
def remove_payment_event(
    invoice_id: InvoiceIdPath, event_id: EventIdPath, principal: Reader, session: DbSession
) -> wire.TransactionIdentifier:
    """Two-step verified: answers 202 with the transaction; the event is removed (its posting
    reversed, the status recomputed) once the user confirms it. Poll `GET /mfatransactionresult/{id}`.
    Only marked-paid events (403 `PAYMENT_EVENT_NOT_REMOVABLE`)."""
    invoice = _load(session, principal, invoice_id, lock=True)
    transaction = payments.request_removal(
        session, invoice=invoice, event_id=path_id(event_id), user_id=principal.user_id, rights=principal
    )
    return wire.TransactionIdentifier.pending(transaction.id)


# --- comments ------------------------------------------------------------------------------------


@router.get(
    "/invoices/{invoiceId}/comments",
    tags=[TAG],
    operation_id="getInvoiceComments",
    responses=error_responses(403, 404),
)
def invoice_comments(
    invoice_id: InvoiceIdPath,
    principal: Reader,
    session: DbSession,
    read_by_all: Annotated[bool | None, Query(alias="readByAllTaggedUsers")] = None,
) -> wire.Comments:
    """The invoice's comments, oldest first (purchase, travel and expense invoices)."""
    invoice = _load(session, principal, invoice_id)
    found = comments.comments_of(session, invoice=invoice, read_by_all=read_by_all)
    return wire.Comments(comments=[comments.to_wire(p) for p in found])


@router.post(
    "/invoices/{invoiceId}/comments",
    tags=[TAG],
    operation_id="saveInvoiceComment",
    responses=error_responses(400, 403, 404),
)
def save_invoice_comment(
    invoice_id: InvoiceIdPath, body: wire.Comment, principal: Reader, session: DbSession
) -> wire.Comment:
    """A new comment; `@Display Name` in the text tags a taggable user."""
    invoice = _load(session, principal, invoice_id)
    posted = comments.add_comment(session, invoice=invoice, user_id=principal.user_id, text=body.comment)
    return comments.to_wire(posted)


@router.get(
    "/invoices/{invoiceId}/comments/taggableusers",
    tags=[TAG],
    operation_id="getTaggeableUsers",
    responses=error_responses(403, 404),
)
def taggable_users(invoice_id: InvoiceIdPath, principal: Reader, session: DbSession) -> wire.TaggableUsers:
    """The members who may read invoices of this type, by name (namesakes by user id)."""
    invoice = _load(session, principal, invoice_id)
    comments.check_available(session, invoice=invoice)
    return wire.TaggableUsers(
        taggable_users=comments.taggable_to_wire(comments.taggable_users(session, invoice=invoice))
    )


@router.get(
    "/invoices/{invoiceId}/comments/{commentId}",
    tags=[TAG],
    operation_id="getCommentById",
    responses=error_responses(400, 403, 404),
)
def invoice_comment(
    invoice_id: InvoiceIdPath, comment_id: CommentIdPath, principal: Reader, session: DbSession
) -> wire.CommentWithTaggedUsers:
    """One comment with its tagged users and when they read it."""
    invoice = _load(session, principal, invoice_id)
    return comments.to_wire_with_tags(comments.get_comment(session, invoice=invoice, comment_id=path_id(comment_id)))


@router.put(
    "/invoices/{invoiceId}/comments/{commentId}/read",
    tags=[TAG],
    operation_id="setCommentReadByUser",
    responses=error_responses(400, 403, 404),
)
def comment_read(
    invoice_id: InvoiceIdPath, comment_id: CommentIdPath, principal: Reader, session: DbSession
) -> InfoMessage:
    """The caller, tagged in the comment, has read it (403 `USER_NOT_TAGGED` otherwise)."""
    invoice = _load(session, principal, invoice_id)
    comments.mark_read(session, invoice=invoice, comment_id=path_id(comment_id), user_id=principal.user_id)
    return InfoMessage(message="Comment marked read")
