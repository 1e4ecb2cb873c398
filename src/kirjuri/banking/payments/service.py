"""Business verbs of payments out (§D.17): ask for invoice payments and direct bank transfers,
cancel or delete a queued payment — each behind two-step verification — and read them.

Invariants:
- asking changes nothing but the new PENDING MFA transaction: the whole batch is validated first,
  all-or-nothing (the first invalid item is the 4xx, at its own field path, e.g.
  `payments[1].recipientNameAndAddress.city`), and the validated, normalised items are the
  transaction's payload, with a human `summary` (payee, amount, date) the approver sees;
- the confirmation (the registered MFA handlers) validates the items again against the data as
  it is then — the invoice still payable, its version unchanged, the payer account still open for
  payments — and only then writes: the payment rows (PAYMENT_QUEUED) and each invoice's
  `payment_queued` move (→ PAYMENT_QUEUED), in the confirmation's database transaction; any
  failure leaves nothing written;
- cancel and delete are allowed only while the payment is PAYMENT_QUEUED (`rules.removable_error`),
  a salary payment only with its list (`payments.salary.service`, which reuses the validation,
  row-writing and event helpers here);
- a salary payment is personal data: read here only by a holder of `payments.salaryPayments`;
  the invoice goes back to APPROVED, or PARTLY_PAID when earlier payments remain
  (`invoicing.lifecycle.unqueue_payment`);
- webhooks (`webhooks.outbox.emit`) are written in the same transaction: the contract's
  INVOICE_PAYMENT_CREATED / DIRECTBANKDATATRANSFER_PAYMENT_CREATED / PAYMENT_UPDATED (cancel) /
  PAYMENT_DELETED with `{transactionIdentifier, response}`, and Kirjuri's `payment.created` per
  payment. Services flush, never commit.

Decisions: an unknown invoice is 404 at `payments[i].invoiceId`, a type the caller cannot read is
the same 404; an invoice that is not payable now answers the transition table's 403 at its
`invoiceId`; the same invoice twice in one batch is 400 `DUPLICATE_INVOICE`; `invoiceVersion`
must equal the invoice's version (400 `VERSION_CONFLICT`). Without a reference or a message an
invoice payment carries the invoice's own reference. `payerBankAccount` is an IBAN of the
company's (400 `PAYER_BANK_ACCOUNT_NOT_FOUND`), ACTIVE with `allowPayments` (400
`PAYMENTS_NOT_ALLOWED_FROM_ACCOUNT`); without it the default payment account
(400 `PAYER_BANK_ACCOUNT_REQUIRED` when none).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from kirjuri.api.versioning import same_instant
from kirjuri.banking.accounts import repository as accounts_repository
from kirjuri.banking.accounts import rules as accounts_rules
from kirjuri.banking.accounts.models import BankAccount
from kirjuri.banking.payments import repository, rules
from kirjuri.banking.payments import schemas as wire
from kirjuri.banking.payments.models import Payment
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.core.money import from_minor, plain, round_money, to_minor
from kirjuri.db.counters import next_value
from kirjuri.invoicing import events as invoice_events
from kirjuri.invoicing import lifecycle, references, transitions
from kirjuri.invoicing import repository as invoicing_repository
from kirjuri.invoicing.lifecycle_schemas import InvoiceTransactionAction
from kirjuri.invoicing.models import Invoice
from kirjuri.invoicing.schemas import BankReferenceCodeType
from kirjuri.mfa import service as mfa_service
from kirjuri.mfa.models import MfaTransaction
from kirjuri.webhooks import catalogue, outbox

PAYMENT_RIGHT = "payments.payment"
DIRECT_TRANSFER_RIGHT = "payments.directBankTransfer"
SALARY_RIGHT = "payments.salaryPayments"
SUMMARY_ITEMS = 5


def _today() -> date:
    return clock.now().date()


# --- validation of one transfer -----------------------------------------------------------------


def _allows(account: BankAccount, *, salary: bool) -> bool:
    """May payments (or, `salary`, salary payments) leave `account` now?"""
    if account.status != "ACTIVE":
        return False
    return bool(account.document.get("allowSalaryPayments")) if salary else account.allow_payments


def payer_account(
    session: Session, *, company_id: int, iban: str | None, field: str, salary: bool = False
) -> BankAccount:
    """The account a payment leaves: `iban` of the company's, or its default payment account;
    open for payments (for salary payments: `allowSalaryPayments`), in euros."""
    if iban:
        account = accounts_repository.by_iban(session, company_id=company_id, iban=iban)
        if account is None:
            raise KirjuriError("PAYER_BANK_ACCOUNT_NOT_FOUND", 400, field)
    else:
        account = accounts_repository.default_for(session, company_id=company_id, invoices=False)
        if account is None:
            raise KirjuriError("PAYER_BANK_ACCOUNT_REQUIRED", 400, field)
    if not _allows(account, salary=salary):
        code = "SALARY_PAYMENTS_NOT_ALLOWED_FROM_ACCOUNT" if salary else "PAYMENTS_NOT_ALLOWED_FROM_ACCOUNT"
        raise KirjuriError(code, 400, field)
    rules.check_currency(account.currency, field=field)
    return account


def iban(value: str, *, field: str) -> str:
    """A recipient's IBAN, compact (`banking.accounts.rules.parse_iban`)."""
    return str(accounts_rules.parse_iban(value, field).compact)


def bic(value: str | None, *, field: str) -> str | None:
    """A recipient's BIC, compact, or none when empty (`banking.accounts.rules.check_bic`)."""
    return accounts_rules.check_bic(value, field) if value and value.strip() else None


def remittance(
    *, code: str | None, code_type: BankReferenceCodeType | None, message: str | None, prefix: str
) -> tuple[str | None, str | None, str | None]:
    """(reference, its type, message) of a transfer: a valid FI/RF reference or a message, not both."""
    kind = code_type.value if code_type else None
    code = code if code and code.strip() else None
    message = message if message and message.strip() else None
    rules.check_reference_or_message(reference=code, reference_type=kind, message=message, prefix=prefix)
    if code is None:
        return None, None, message
    reference, found = references.validate(
        code,
        field=rules.at(prefix, "bankReferenceCode"),
        kind=kind,
        kind_field=rules.at(prefix, "bankReferenceCodeType"),
    )
    return reference, found.value, message


def _transfer(
    session: Session, *, company_id: int, item: wire.InvoicePayment | wire.DirectBankTransfer, prefix: str
) -> dict[str, Any]:
    """The checks every transfer shares; the normalised, JSON-ready item (without the invoice)."""
    rules.check_method(item.payment_method.value, field=rules.at(prefix, "paymentMethod"))
    rules.check_payment_date(item.payment_date, today=_today(), field=rules.at(prefix, "paymentDate"))
    recipient_iban = iban(item.recipient_bank_account, field=rules.at(prefix, "recipientBankAccount"))
    recipient_bic = bic(item.recipient_bic_code, field=rules.at(prefix, "recipientBicCode"))
    address = item.recipient_name_and_address.model_dump(mode="json", by_alias=True, exclude_none=True)
    rules.creditor_address(address, prefix=rules.at(prefix, "recipientNameAndAddress"))
    reference, reference_type, message = remittance(
        code=item.bank_reference_code, code_type=item.bank_reference_code_type, message=item.message, prefix=prefix
    )
    payer = payer_account(
        session, company_id=company_id, iban=item.payer_bank_account, field=rules.at(prefix, "payerBankAccount")
    )
    document = item.model_dump(
        mode="json",
        by_alias=True,
        exclude_none=True,
        include={
            "recipient_name_and_address",
            "receiver_bank_name_and_address",
            "intermediary_bank_name_and_address",
            "intermediary_bank_bic",
            "receiver_bank_clearing_code",
            "service_charge",
        },
    )
    return {
        "amount": f"{round_money(item.amount):.2f}",
        "paymentDate": item.payment_date.isoformat(),
        "paymentMethod": item.payment_method.value,
        "payerAccountId": payer.id,
        "payerIban": payer.iban,
        "payerBic": payer.bic,
        "recipientName": item.recipient_name_and_address.name,
        "recipientIban": recipient_iban,
        "recipientBic": recipient_bic,
        "reference": reference,
        "referenceType": reference_type,
        "message": message,
        "document": document,
    }


def _payable_invoice(
    session: Session, *, company_id: int, invoice_id: int, readable: frozenset[str], prefix: str, lock: bool = False
) -> Invoice:
    field = rules.at(prefix, "invoiceId")
    invoice = invoicing_repository.find(
        session, company_id=company_id, invoice_id=invoice_id, types=readable, lock=lock
    )
    if invoice is None:
        raise not_found(field)
    try:
        lifecycle.check(invoice, transitions.PAYMENT_QUEUED_EVENT)
    except KirjuriError as exc:
        raise KirjuriError(exc.code, exc.status, field) from None
    return invoice


def _invoice_item(
    session: Session, *, company_id: int, item: wire.InvoicePayment, prefix: str, readable: frozenset[str]
) -> dict[str, Any]:
    invoice = _payable_invoice(
        session, company_id=company_id, invoice_id=item.invoice_id, readable=readable, prefix=prefix
    )
    if not same_instant(invoice.version, item.invoice_version):
        raise KirjuriError("VERSION_CONFLICT", 400, rules.at(prefix, "invoiceVersion"))
    rules.check_currency(invoice.currency, field=rules.at(prefix, "invoiceId"))
    open_amount = from_minor(invoice.gross_minor - invoice.paid_minor)
    rules.check_amount(item.amount, open_amount=open_amount, field=rules.at(prefix, "amount"))
    result = _transfer(session, company_id=company_id, item=item, prefix=prefix)
    if result["reference"] is None and result["message"] is None and invoice.reference:
        result["reference"], result["referenceType"] = invoice.reference, invoice.reference_type or "FI"
    result.update(
        invoiceId=invoice.id,
        invoiceVersion=invoice.version.isoformat(),
        currency=invoice.currency,
        invoiceNumber=invoice.original_invoice_number or str(invoice.invoice_number),
    )
    return result


def _direct_item(session: Session, *, company_id: int, item: wire.DirectBankTransfer, prefix: str) -> dict[str, Any]:
    rules.check_currency(item.currency_code.value, field=rules.at(prefix, "currencyCode"))
    rules.check_amount(item.amount, open_amount=None, field=rules.at(prefix, "amount"))
    result = _transfer(session, company_id=company_id, item=item, prefix=prefix)
    result.update(currency=item.currency_code.value, customId=item.custom_id)
    return result


def _summary(items: Sequence[dict[str, Any]]) -> str:
    """What the approver is asked to confirm: payee, amount and due date of each payment."""
    lines = [
        f"Pay {i['amount']} {i['currency']} to {i['recipientName']} ({i['recipientIban']}) on {i['paymentDate']}"
        + (f", invoice {i['invoiceNumber']}" if i.get("invoiceNumber") else "")
        for i in items[:SUMMARY_ITEMS]
    ]
    if len(items) > SUMMARY_ITEMS:
        total = sum((Decimal(i["amount"]) for i in items), Decimal(0))
        lines.append(f"… and {len(items) - SUMMARY_ITEMS} more ({len(items)} payments, {total:.2f} in all)")
    return "\n".join(lines)


# --- asking (202) -------------------------------------------------------------------------------


def request_invoice_payments(
    session: Session, *, company_id: int, user_id: int, readable: frozenset[str], body: wire.InvoicePaymentList
) -> MfaTransaction:
    """`POST /payments`: validate the whole batch, then start the MFA transaction."""
    if not body.payments:
        raise KirjuriError("PAYMENTS_REQUIRED", 400, "payments")
    items: list[dict[str, Any]] = []
    seen: set[int] = set()
    for n, item in enumerate(body.payments):
        prefix = f"payments[{n}]"
        if item.invoice_id in seen:
            raise KirjuriError("DUPLICATE_INVOICE", 400, rules.at(prefix, "invoiceId"))
        seen.add(item.invoice_id)
        items.append(_invoice_item(session, company_id=company_id, item=item, prefix=prefix, readable=readable))
    return mfa_service.start(
        session,
        company_id=company_id,
        user_id=user_id,
        kind=rules.CREATE_INVOICE_PAYMENTS,
        payload={"summary": _summary(items), "items": items, "readable": sorted(readable)},
    )


def request_direct_transfers(
    session: Session, *, company_id: int, user_id: int, body: wire.DirectBankTransferList
) -> MfaTransaction:
    """`POST /payments/directbanktransfers`: validate the whole batch, then start the transaction."""
    if not body.direct_bank_transfers:
        raise KirjuriError("DIRECT_BANK_TRANSFERS_REQUIRED", 400, "directBankTransfers")
    items = [
        _direct_item(session, company_id=company_id, item=item, prefix=f"directBankTransfers[{n}]")
        for n, item in enumerate(body.direct_bank_transfers)
    ]
    return mfa_service.start(
        session,
        company_id=company_id,
        user_id=user_id,
        kind=rules.CREATE_DIRECT_TRANSFERS,
        payload={"summary": _summary(items), "items": items},
    )


def _removable(
    session: Session, *, company_id: int, payment_id: int, delete: bool, lock: bool = False, can_write: Any = None
) -> Payment:
    """The payment when it may be cancelled or deleted: 404 unknown, 403 without the right of its
    kind (`can_write`, when given) or when it is no longer queued."""
    payment = repository.get(session, company_id=company_id, payment_id=payment_id, lock=lock)
    if payment is None or payment.status == rules.DELETED:
        raise not_found("paymentId")
    if can_write is not None and not can_write(right_for(payment)):
        raise KirjuriError("INSUFFICIENT_RIGHTS", 403)
    error = rules.removable_error(status=payment.status, kind=payment.kind, delete=delete)
    if error is not None:
        raise error
    return payment


def right_for(payment: Payment) -> str:
    if payment.kind == rules.SALARY:
        return SALARY_RIGHT
    return PAYMENT_RIGHT if payment.kind == rules.INVOICE else DIRECT_TRANSFER_RIGHT


def request_removal(
    session: Session, *, company_id: int, user_id: int, payment_id: int, delete: bool, can_write: Any
) -> MfaTransaction:
    """`PUT /payments/{id}/cancel` (`delete=False`) or `DELETE /payments/{id}`: 404 unknown, 403
    without the payment kind's right or when it is no longer queued; removed on confirmation."""
    payment = _removable(session, company_id=company_id, payment_id=payment_id, delete=delete, can_write=can_write)
    verb = "Delete" if delete else "Cancel"
    summary = (
        f"{verb} payment {payment.id}: {from_minor(payment.amount_minor):.2f} {payment.currency} "
        f"to {payment.recipient_name} ({payment.recipient_iban}) on {payment.payment_date.isoformat()}"
    )
    return mfa_service.start(
        session,
        company_id=company_id,
        user_id=user_id,
        kind=rules.DELETE_PAYMENT if delete else rules.CANCEL_PAYMENT,
        payload={"summary": summary, "paymentId": payment.id},
    )


# --- confirmed (the MFA handlers) ---------------------------------------------------------------


def new_payment(
    session: Session, *, company_id: int, kind: str, item: dict[str, Any], user_id: int, transaction_id: str
) -> Payment:
    now = clock.now()
    payment = Payment(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name="payment"),
        kind=kind,
        invoice_id=item.get("invoiceId"),
        custom_id=item.get("customId"),
        list_id=item.get("listId"),
        status=rules.QUEUED,
        amount_minor=to_minor(Decimal(item["amount"])),
        currency=item["currency"],
        payment_date=date.fromisoformat(item["paymentDate"]),
        payment_method=item["paymentMethod"],
        payer_account_id=item["payerAccountId"],
        payer_iban=item["payerIban"],
        payer_bic=item["payerBic"],
        recipient_name=item["recipientName"],
        recipient_iban=item["recipientIban"],
        recipient_bic=item["recipientBic"],
        reference=item["reference"],
        reference_type=item["referenceType"],
        message=item["message"],
        document=item["document"],
        created_by=user_id,
        transaction_id=transaction_id,
        created_at=now,
        version=now,
    )
    session.add(payment)
    return payment


def recheck_transfer(
    session: Session, *, company_id: int, item: dict[str, Any], prefix: str, salary: bool = False
) -> None:
    """At confirmation: the date is still not past, the payer account still open for it."""
    rules.check_payment_date(
        date.fromisoformat(item["paymentDate"]), today=_today(), field=rules.at(prefix, "paymentDate")
    )
    account = accounts_repository.get(session, company_id=company_id, account_id=int(item["payerAccountId"]))
    field = rules.at(prefix, "payerBankAccount")
    if account is None:
        raise KirjuriError("PAYER_BANK_ACCOUNT_NOT_FOUND", 400, field)
    if not _allows(account, salary=salary) or account.iban != item["payerIban"]:
        code = "SALARY_PAYMENTS_NOT_ALLOWED_FROM_ACCOUNT" if salary else "PAYMENTS_NOT_ALLOWED_FROM_ACCOUNT"
        raise KirjuriError(code, 400, field)


def emit_transaction_event(
    session: Session, *, transaction: MfaTransaction, event: str, result: dict[str, Any]
) -> None:
    outbox.emit(
        session,
        company_id=transaction.company_id,
        event_type=event,
        payload={"transactionIdentifier": transaction.id, "response": result},
    )


def emit_payment_event(session: Session, *, payment: Payment, event_type: str) -> None:
    outbox.emit(session, company_id=payment.company_id, event_type=event_type, payload=rules.event_payload(payment))


@mfa_service.register(rules.CREATE_INVOICE_PAYMENTS)
def apply_invoice_payments(session: Session, transaction: MfaTransaction) -> dict[str, Any]:
    """The user confirmed `POST /payments`: queue every payment, or none."""
    company_id = transaction.company_id
    readable = frozenset(transaction.payload.get("readable", ()))
    summaries: list[dict[str, Any]] = []
    payments: list[Payment] = []
    for n, item in enumerate(transaction.payload["items"]):
        prefix = f"payments[{n}]"
        invoice = _payable_invoice(
            session,
            company_id=company_id,
            invoice_id=int(item["invoiceId"]),
            readable=readable,
            prefix=prefix,
            lock=True,
        )
        if not same_instant(invoice.version, datetime.fromisoformat(item["invoiceVersion"])):
            raise KirjuriError("VERSION_CONFLICT", 400, rules.at(prefix, "invoiceVersion"))
        rules.check_amount(
            Decimal(item["amount"]),
            open_amount=from_minor(invoice.gross_minor - invoice.paid_minor),
            field=rules.at(prefix, "amount"),
        )
        recheck_transfer(session, company_id=company_id, item=item, prefix=prefix)
        payment = new_payment(
            session,
            company_id=company_id,
            kind=rules.INVOICE,
            item=item,
            user_id=transaction.user_id,
            transaction_id=transaction.id,
        )
        lifecycle.apply(
            session,
            invoice=invoice,
            action=transitions.PAYMENT_QUEUED_EVENT,
            user_id=transaction.user_id,
            details=f"{item['amount']} {item['currency']}, {item['paymentDate']}",
            period_day=_today(),
        )
        payments.append(payment)
        summaries.append({"paymentId": payment.id, "invoiceId": invoice.id})
    session.flush()
    result = {"invoicePayments": {"transactions": summaries}}
    emit_transaction_event(session, transaction=transaction, event=catalogue.INVOICE_PAYMENT_CREATED, result=result)
    for payment in payments:
        emit_payment_event(session, payment=payment, event_type=catalogue.PAYMENT_CREATED)
    return result


@mfa_service.register(rules.CREATE_DIRECT_TRANSFERS)
def apply_direct_transfers(session: Session, transaction: MfaTransaction) -> dict[str, Any]:
    """The user confirmed `POST /payments/directbanktransfers`: queue every transfer, or none."""
    summaries: list[dict[str, Any]] = []
    payments: list[Payment] = []
    for n, item in enumerate(transaction.payload["items"]):
        recheck_transfer(session, company_id=transaction.company_id, item=item, prefix=f"directBankTransfers[{n}]")
        payment = new_payment(
            session,
            company_id=transaction.company_id,
            kind=rules.DIRECT,
            item=item,
            user_id=transaction.user_id,
            transaction_id=transaction.id,
        )
        payments.append(payment)
        summary: dict[str, Any] = {"paymentId": payment.id}
        if payment.custom_id is not None:
            summary["customId"] = payment.custom_id
        summaries.append(summary)
    session.flush()
    result = {"directBankTransfers": {"transactions": summaries}}
    emit_transaction_event(
        session, transaction=transaction, event=catalogue.DIRECTBANKDATATRANSFER_PAYMENT_CREATED, result=result
    )
    for payment in payments:
        emit_payment_event(session, payment=payment, event_type=catalogue.PAYMENT_CREATED)
    return result


def _remove(session: Session, transaction: MfaTransaction, *, delete: bool) -> dict[str, Any]:
    payment = _removable(
        session,
        company_id=transaction.company_id,
        payment_id=int(transaction.payload["paymentId"]),
        delete=delete,
        lock=True,
    )
    payment.status = rules.DELETED if delete else rules.CANCELLED
    payment.version = clock.now()
    if payment.invoice_id is not None:
        invoice = invoicing_repository.get(
            session, company_id=payment.company_id, invoice_id=payment.invoice_id, lock=True
        )
        action = (
            InvoiceTransactionAction.DELETED_PAYMENT_TRANSACTION
            if delete
            else InvoiceTransactionAction.CANCEL_PAYMENT_TRANSACTION
        )
        lifecycle.unqueue_payment(
            session,
            invoice=invoice,
            user_id=transaction.user_id,
            action=action.value,
            details=f"{from_minor(payment.amount_minor):.2f} {payment.currency}, {payment.payment_date.isoformat()}",
        )
    session.flush()
    message = rules.DELETED_MESSAGE if delete else rules.CANCELLED_MESSAGE
    result = {"info": {"message": message}}
    event = catalogue.PAYMENT_DELETED if delete else catalogue.PAYMENT_UPDATED
    emit_transaction_event(session, transaction=transaction, event=event, result=result)
    return result


@mfa_service.register(rules.CANCEL_PAYMENT)
def apply_cancel(session: Session, transaction: MfaTransaction) -> dict[str, Any]:
    """The user confirmed `PUT /payments/{id}/cancel`."""
    return _remove(session, transaction, delete=False)


@mfa_service.register(rules.DELETE_PAYMENT)
def apply_delete(session: Session, transaction: MfaTransaction) -> dict[str, Any]:
    """The user confirmed `DELETE /payments/{id}`."""
    return _remove(session, transaction, delete=True)


# --- reading ------------------------------------------------------------------------------------


def get(session: Session, *, company_id: int, payment_id: int, salaries: bool = False) -> Payment:
    """One payment; a salary payment (personal data) only for a reader of salaries (`salaries`)."""
    payment = repository.get(session, company_id=company_id, payment_id=payment_id)
    if payment is None or payment.status == rules.DELETED or (payment.kind == rules.SALARY and not salaries):
        raise not_found("paymentId")
    return payment


def to_basic(payment: Payment) -> wire.BasicPaymentTransactionData:
    amount = plain(from_minor(payment.amount_minor))
    charge = payment.document.get("serviceCharge")
    return wire.BasicPaymentTransactionData(
        id=payment.id,
        invoice_id=payment.invoice_id,
        payment_date=payment.payment_date,
        amount=amount,
        receiver_name=payment.recipient_name,
        status=wire.PaymentStatus(payment.status),
        service_charge=wire.ServiceCharge(charge) if charge else None,
        paid_amount=amount if payment.status == rules.PAID else None,
        paid_currency=payment.currency if payment.status == rules.PAID else None,
    )


def to_row_info(session: Session, payment: Payment) -> wire.PaymentRowInfo:
    return wire.PaymentRowInfo(
        id=payment.id,
        invoice_id=payment.invoice_id,
        payment_date=payment.payment_date,
        amount=plain(from_minor(payment.amount_minor)),
        receiver_name=payment.recipient_name,
        currency=payment.currency,
        payer_account=payment.payer_iban,
        payer_bic=payment.payer_bic,
        message=payment.message if payment.message is not None else payment.reference,
        receiver_account=payment.recipient_iban,
        receiver_bic=payment.recipient_bic,
        created_by=invoice_events.actor_name(session, company_id=payment.company_id, user_id=payment.created_by),
        status=wire.PaymentStatus(payment.status),
    )
