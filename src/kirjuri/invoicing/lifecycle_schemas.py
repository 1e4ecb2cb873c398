"""Wire models of what happens to an invoice after it is written (Procountor §D.13): internal
notes, the circulation's checking events, payments marked paid and the payment events, discussion
comments with tagged users, the audit trail, and the id lists of personal verifications and
approvals. The invoice document itself is in `invoicing.schemas`.

Invariants: one model per contract schema, named, shaped and required as in the contract (26.04),
enums in its order; amounts are exact `Decimal`. Responses (payment events, comments read back,
the audit trail) are built by the server, so their fields are optional as the contract has them.
`TransactionIdentifier` (the 202 of an MFA-confirmed delete) is the companies area's class.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from kirjuri.api.schemas import Currency, Decimal2, Int32, SearchResult, WireModel
from kirjuri.companies.schemas import TransactionIdentifier
from kirjuri.invoicing.schemas import InvoiceStatus

__all__ = [
    "CheckingEvent",
    "Comment",
    "CommentWithTaggedUsers",
    "Comments",
    "InvoiceIds",
    "InvoiceNotes",
    "InvoiceTransaction",
    "InvoiceTransactionAction",
    "InvoiceTransactions",
    "InvoiceTransactionsByInvoice",
    "InvoiceTransactionsByInvoicesDTO",
    "MarkInvoiceAsPaid",
    "PaymentEvent",
    "PaymentEventSearchResult",
    "PaymentEventType",
    "PaymentMethodType",
    "TaggableUser",
    "TaggableUsers",
    "TaggedUser",
    "TaggedUsersInfo",
    "TransactionIdentifier",
]


# --- enums, in the contract's order ------------------------------------------------------------


class PaymentMethodType(StrEnum):
    """How a payment made outside Kirjuri was made (`MarkInvoiceAsPaid`, sales invoices only)."""

    ADJUSTMENT = "ADJUSTMENT"
    BANK_STATEMENT = "BANK_STATEMENT"
    CASH = "CASH"
    CHARGE_CARD = "CHARGE_CARD"
    CORRECTION = "CORRECTION"
    CREDIT_LOSS = "CREDIT_LOSS"
    CREDIT_NOTE = "CREDIT_NOTE"
    EXTERNAL_BANK_TRANSFER = "EXTERNAL_BANK_TRANSFER"
    SET_OFF = "SET_OFF"


class PaymentEventType(StrEnum):
    ADJUSTMENT = "ADJUSTMENT"
    BANKSTATEMENT = "BANKSTATEMENT"
    BANKSTATEMENT_TO_INVOICE = "BANKSTATEMENT_TO_INVOICE"
    BANKSTATEMENT_TO_JOURNAL = "BANKSTATEMENT_TO_JOURNAL"
    BANKTRANSFERELSEWHERE = "BANKTRANSFERELSEWHERE"
    CASH = "CASH"
    CASHDISCOUNT = "CASHDISCOUNT"
    CHARGECARD = "CHARGECARD"
    COMPENSATIONINVOICE = "COMPENSATIONINVOICE"
    CORRECTION = "CORRECTION"
    CREDITLOSS = "CREDITLOSS"
    ELSEWHERE = "ELSEWHERE"
    INVOICE_TO_INVOICE = "INVOICE_TO_INVOICE"
    INVOICE_TO_JOURNAL = "INVOICE_TO_JOURNAL"
    JOURNAL_TO_INVOICE = "JOURNAL_TO_INVOICE"
    JOURNAL_TO_JOURNAL = "JOURNAL_TO_JOURNAL"
    NETS_DK_INVOICE = "NETS_DK_INVOICE"
    OTHERPAYMENTMETHOD = "OTHERPAYMENTMETHOD"
    REFERENCEPAYMENT = "REFERENCEPAYMENT"
    REFERENCEPAYMENT_TO_INVOICE = "REFERENCEPAYMENT_TO_INVOICE"
    REFERENCEPAYMENT_TO_JOURNAL = "REFERENCEPAYMENT_TO_JOURNAL"
    SETOFF = "SETOFF"
    TRANSACTION_FOCUSED = "TRANSACTION_FOCUSED"


class InvoiceTransactionAction(StrEnum):
    """What an audit-trail entry records."""

    APPROVAL = "APPROVAL"
    ALLOCATE_PAYMENT_MANUALLY = "ALLOCATE_PAYMENT_MANUALLY"
    ALLOCATE_INVOICE_TO_INVOICE = "ALLOCATE_INVOICE_TO_INVOICE"
    ALLOCATE_INVOICE_TO_JOURNAL = "ALLOCATE_INVOICE_TO_JOURNAL"
    ALLOCATE_INVOICE_TO_BANK_STATEMENT = "ALLOCATE_INVOICE_TO_BANK_STATEMENT"
    ALLOCATE_INVOICE_TO_REFERENCE_PAYMENT = "ALLOCATE_INVOICE_TO_REFERENCE_PAYMENT"
    VERIFICATION = "VERIFICATION"
    DIRECTED_TO_ANOTHER_VERIFIER = "DIRECTED_TO_ANOTHER_VERIFIER"
    DIRECTED_TO_ANOTHER_APPROVER = "DIRECTED_TO_ANOTHER_APPROVER"
    COLLECTION_LETTER_DUETTOPRO = "COLLECTION_LETTER_DUETTOPRO"
    PAYMENT_REMINDER_EMAIL = "PAYMENT_REMINDER_EMAIL"
    CONVERTED_TO_INVOICE = "CONVERTED_TO_INVOICE"
    PAYMENT_REMINDER = "PAYMENT_REMINDER"
    PAYMENT_WARNING = "PAYMENT_WARNING"
    PAYMENT_REMINDER_DUETTOFORTE = "PAYMENT_REMINDER_DUETTOFORTE"
    CANCEL_PAYMENT_TRANSACTION = "CANCEL_PAYMENT_TRANSACTION"
    RETURNED_PREVIOUS = "RETURNED_PREVIOUS"
    PAYMENT_REMINDER_MAIL = "PAYMENT_REMINDER_MAIL"
    COLLECTION_LETTER_SVEA = "COLLECTION_LETTER_SVEA"
    COLLECTION_LETTER_SVEA_SHORT = "COLLECTION_LETTER_SVEA_SHORT"
    PAYMENT_REMINDER_SVEA = "PAYMENT_REMINDER_SVEA"
    PAYMENT_REMINDER_SVEA_SHORT = "PAYMENT_REMINDER_SVEA_SHORT"
    DELETED_PAID_ELSEWHERE_PAYMENT_TRANSACTION = "DELETED_PAID_ELSEWHERE_PAYMENT_TRANSACTION"
    DELETED_PAYMENT_TRANSACTION = "DELETED_PAYMENT_TRANSACTION"
    UNFINISHED = "UNFINISHED"
    RESTORED_UNFINISHED = "RESTORED_UNFINISHED"
    DENY_PAYMENT = "DENY_PAYMENT"
    SENT_FOR_PAYMENT = "SENT_FOR_PAYMENT"
    MARKED_PAID = "MARKED_PAID"
    RECEIVED_VIA_AUTOMATIC_TRANSFER = "RECEIVED_VIA_AUTOMATIC_TRANSFER"
    RECEIVED_AS_EINVOICE = "RECEIVED_AS_EINVOICE"
    RECEIVED_AS_SCANNED_INVOICE = "RECEIVED_AS_SCANNED_INVOICE"
    TARGETING_REMOVED = "TARGETING_REMOVED"
    SEND_TO_CIRCULATION = "SEND_TO_CIRCULATION"
    SEND = "SEND"
    PRODUCT_INFORMATION_UPDATED_INTO_INVENTORY_MANAGEMENT = "PRODUCT_INFORMATION_UPDATED_INTO_INVENTORY_MANAGEMENT"
    SENDING_CANCELLED = "SENDING_CANCELLED"
    SEPA_PAYMENT_ERROR = "SEPA_PAYMENT_ERROR"
    PAYMENT_ERROR_HANDLED = "PAYMENT_ERROR_HANDLED"
    COLLECTION_LETTER_ROPO = "COLLECTION_LETTER_ROPO"
    PAYMENT_REMINDER_ROPO = "PAYMENT_REMINDER_ROPO"
    INVOICE_FACTORING_DELETED = "INVOICE_FACTORING_DELETED"
    SENDING_ERROR_RECEIVED = "SENDING_ERROR_RECEIVED"
    SENDING_ERROR_EMAIL_NOTIFICATION = "SENDING_ERROR_EMAIL_NOTIFICATION"
    SENDING_ERROR_HANDLED = "SENDING_ERROR_HANDLED"
    SENDING_ERROR_MARK_AS_HANDLED = "SENDING_ERROR_MARK_AS_HANDLED"
    SENDING_ERROR_REVERTED_TO_NOT_SENT = "SENDING_ERROR_REVERTED_TO_NOT_SENT"


# --- notes and circulation ---------------------------------------------------------------------


class InvoiceNotes(WireModel):
    """`PUT /invoices/{id}/notes`: overwrites the internal notes in any status."""

    notes: Annotated[str, Field(max_length=10000)]


class CheckingEvent(WireModel):
    """The body of verify, approve and reject: an optional comment (ignored for sales approval)."""

    comment: Annotated[str | None, Field(max_length=100)] = None


class InvoiceIds(WireModel):
    """Invoices waiting for the current user's verification or approval."""

    invoice_ids: list[Int32] | None = None


# --- payments ----------------------------------------------------------------------------------


class MarkInvoiceAsPaid(WireModel):
    """A payment made outside Kirjuri. The currency must be the invoice's and the date in an open
    period (service); `description` and `paymentMethodType` apply to sales invoices only."""

    payment_date: dt.date
    amount: Decimal2
    currency: Currency
    description: Annotated[str | None, Field(max_length=140)] = None
    payment_method_type: PaymentMethodType | None = None


class PaymentEvent(WireModel):
    id: Int32 | None = None
    invoice_id: Int32 | None = None
    type: PaymentEventType | None = None
    payment_date: dt.date | None = None
    status: InvoiceStatus | None = None
    # In the invoice currency; `paidAmount` in the currency the payment came in.
    amount: Decimal2 | None = None
    currency: Currency | None = None
    description: str | None = None
    paid_amount: Decimal2 | None = None
    paid_currency: Currency | None = None


class PaymentEventSearchResult(SearchResult[PaymentEvent]):
    pass


# --- comments ----------------------------------------------------------------------------------


class TaggedUsersInfo(WireModel):
    num_tagged_users: Int32 | None = None
    read_by_all_tagged_users: bool | None = None


class TaggedUser(WireModel):
    user_tag_id: Int32 | None = None
    display_name: str | None = None
    full_name: str | None = None
    # When the user read the comment; absent while unread.
    read: dt.datetime | None = None


class TaggableUser(WireModel):
    # `@displayName` in a comment's text tags the user.
    display_name: str | None = None
    full_name: str | None = None


class TaggableUsers(WireModel):
    taggable_users: list[TaggableUser] | None = None


class Comment(WireModel):
    """A discussion comment: POST takes `comment`; the rest is the server's."""

    id: Int32 | None = None
    author: str | None = None
    date_time: dt.datetime | None = None
    comment: str
    tagged_users_info: TaggedUsersInfo | None = None


class CommentWithTaggedUsers(Comment):
    tagged_users: list[TaggedUser] | None = None


class Comments(WireModel):
    comments: list[Comment] | None = None


# --- audit trail -------------------------------------------------------------------------------


class InvoiceTransaction(WireModel):
    action: InvoiceTransactionAction | None = None
    name: str | None = None
    date: dt.datetime | None = None
    details: str | None = None


class InvoiceTransactions(WireModel):
    transactions: list[InvoiceTransaction] | None = None


class InvoiceTransactionsByInvoice(WireModel):
    invoice_id: Int32 | None = None
    transactions: list[InvoiceTransaction] | None = None


class InvoiceTransactionsByInvoicesDTO(WireModel):
    """`GET /invoices/transactions`: the trails of up to 200 invoices; no paging `meta`."""

    results: list[InvoiceTransactionsByInvoice] | None = None
