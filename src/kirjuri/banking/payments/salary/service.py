"""Business verbs of direct salary payments (§D.17): ask for a list of salary payments and cancel
a list — each behind two-step verification — and read lists.

Invariants:
- asking changes nothing but the new PENDING MFA transaction: the whole list is validated first,
  all-or-nothing (the first invalid field is the 4xx at its path, e.g.
  `payments[2].recipientBankAccount`); the payer account must be ACTIVE, in euros and allow
  salary payments (`BankAccount.document["allowSalaryPayments"]`);
- the confirmation re-checks the date and the payer account and writes the list and every
  payment (kind SALARY, PAYMENT_QUEUED) in the confirmation's transaction — from there they go
  out like direct transfers (`payments.outbound`, a file of their own with category purpose SALA)
  and are settled from the statement like them (`payments.settlement`);
- a list is cancelled only while nothing of it was sent (`salary.rules.cancel_error`), all its
  payments at once;
- webhooks: DIRECT_SALARY_PAYMENTS_CREATED / DIRECT_SALARY_PAYMENTS_CANCELED with
  `{transactionIdentifier, response}`, and Kirjuri's `payment.created` per payment;
- amounts, names, IBANs and identity codes of payees are personal data: they are never logged,
  and the approver's summary shows the list's count and total only.

Reuses the validation, row-writing and event helpers of `payments.service` (no second copy).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from kirjuri.banking.payments import rules as payment_rules
from kirjuri.banking.payments import service as payments
from kirjuri.banking.payments.models import Payment
from kirjuri.banking.payments.salary import repository, rules
from kirjuri.banking.payments.salary import schemas as wire
from kirjuri.banking.payments.salary.models import SalaryPaymentList
from kirjuri.core import clock
from kirjuri.core.errors import not_found
from kirjuri.core.money import from_minor, plain, round_money
from kirjuri.core.paging import PageMeta, PageRequest
from kirjuri.db.counters import next_value
from kirjuri.mfa import service as mfa_service
from kirjuri.mfa.models import MfaTransaction
from kirjuri.mfa.schemas import PaymentBasicInfo
from kirjuri.webhooks import catalogue

LIST_FIELD = "paymentListId"


def _item(*, payment: wire.DirectSalaryPayment, prefix: str, base: dict[str, Any]) -> dict[str, Any]:
    payment_rules.check_currency(payment.currency_code.value, field=payment_rules.at(prefix, "currencyCode"))
    payment_rules.check_amount(payment.amount, open_amount=None, field=payment_rules.at(prefix, "amount"))
    account_field = payment_rules.at(prefix, "recipientBankAccount")
    recipient_iban = payments.iban(payment.recipient_bank_account, field=account_field)
    rules.check_recipient_country(recipient_iban, field=account_field)
    recipient_bic = payments.bic(payment.recipient_bic_code, field=payment_rules.at(prefix, "recipientBicCode"))
    reference, reference_type, message = payments.remittance(
        code=payment.bank_reference_code,
        code_type=payment.bank_reference_code_type,
        message=payment.message,
        prefix=prefix,
    )
    return {
        **base,
        "amount": f"{round_money(payment.amount):.2f}",
        "currency": payment.currency_code.value,
        "recipientName": payment.recipient_name,
        "recipientIban": recipient_iban,
        "recipientBic": recipient_bic,
        "reference": reference,
        "referenceType": reference_type,
        "message": message,
        "customId": payment.custom_id,
        "document": {"recipientCode": payment.recipient_code.model_dump(mode="json", by_alias=True)},
    }


def request_create(
    session: Session, *, company_id: int, user_id: int, body: wire.DirectSalaryPayments
) -> MfaTransaction:
    """`POST /payments/directsalarypayments`: validate the whole list, then start the transaction."""
    payment_rules.check_payment_date(body.payment_date, today=clock.now().date(), field="paymentDate")
    payer = payments.payer_account(
        session, company_id=company_id, iban=body.payer_bank_account, field="payerBankAccount", salary=True
    )
    rules.check_unique_custom_ids((p.custom_id for p in body.payments), prefix="payments")
    base = {
        "paymentDate": body.payment_date.isoformat(),
        "paymentMethod": body.payment_method.value,
        "payerAccountId": payer.id,
        "payerIban": payer.iban,
        "payerBic": payer.bic,
    }
    items = [_item(payment=payment, prefix=f"payments[{n}]", base=base) for n, payment in enumerate(body.payments)]
    total = sum((Decimal(i["amount"]) for i in items), Decimal(0))
    summary = (
        f"Pay salaries of list {body.list_name!r}: {len(items)} payments, {total:.2f} EUR in all, "
        f"from {payer.iban} on {body.payment_date.isoformat()}"
    )
    return mfa_service.start(
        session,
        company_id=company_id,
        user_id=user_id,
        kind=rules.CREATE_SALARY_PAYMENTS,
        payload={
            "summary": summary,
            "list": {"listName": body.list_name, "customId": body.custom_id, **base},
            "items": items,
        },
    )


@mfa_service.register(rules.CREATE_SALARY_PAYMENTS)
def apply_create(session: Session, transaction: MfaTransaction) -> dict[str, Any]:
    """The user confirmed `POST /payments/directsalarypayments`: the list and all its payments."""
    company_id = transaction.company_id
    head = transaction.payload["list"]
    payments.recheck_transfer(session, company_id=company_id, item=head, prefix="", salary=True)
    now = clock.now()
    salary_list = SalaryPaymentList(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name="salary_payment_list"),
        list_name=head["listName"],
        custom_id=head["customId"],
        payment_method=head["paymentMethod"],
        payment_date=date.fromisoformat(head["paymentDate"]),
        payer_account_id=int(head["payerAccountId"]),
        payer_iban=head["payerIban"],
        created_by=transaction.user_id,
        transaction_id=transaction.id,
        created_at=now,
    )
    session.add(salary_list)
    written = [
        payments.new_payment(
            session,
            company_id=company_id,
            kind=payment_rules.SALARY,
            item={**item, "listId": salary_list.id},
            user_id=transaction.user_id,
            transaction_id=transaction.id,
        )
        for item in transaction.payload["items"]
    ]
    session.flush()
    result = {"directSalaryPayment": _result(salary_list, written)}
    payments.emit_transaction_event(
        session, transaction=transaction, event=catalogue.DIRECT_SALARY_PAYMENTS_CREATED, result=result
    )
    for payment in written:
        payments.emit_payment_event(session, payment=payment, event_type=catalogue.PAYMENT_CREATED)
    return result


def _result(salary_list: SalaryPaymentList, written: list[Payment]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": salary_list.id,
        "payments": [{"paymentId": p.id, "customId": p.custom_id} for p in written],
    }
    if salary_list.custom_id is not None:
        result["customId"] = salary_list.custom_id
    return result


def _list(session: Session, *, company_id: int, list_id: int) -> SalaryPaymentList:
    found = repository.get(session, company_id=company_id, list_id=list_id)
    if found is None:
        raise not_found(LIST_FIELD)
    return found


def request_cancel(session: Session, *, company_id: int, user_id: int, list_id: int) -> MfaTransaction:
    """`PUT /payments/directsalarypayments/{id}/cancel`: 404 unknown, 403 once anything was sent
    (or it is cancelled already); the payments are cancelled on confirmation."""
    salary_list = _list(session, company_id=company_id, list_id=list_id)
    rows = repository.payments_of(session, company_id=company_id, list_ids=[salary_list.id])
    error = rules.cancel_error(p.status for p in rows)
    if error is not None:
        raise error
    summary = (
        f"Cancel salary payment list {salary_list.id} {salary_list.list_name!r}: {len(rows)} payments "
        f"on {salary_list.payment_date.isoformat()}"
    )
    return mfa_service.start(
        session,
        company_id=company_id,
        user_id=user_id,
        kind=rules.CANCEL_SALARY_PAYMENTS,
        payload={"summary": summary, "listId": salary_list.id},
    )


@mfa_service.register(rules.CANCEL_SALARY_PAYMENTS)
def apply_cancel(session: Session, transaction: MfaTransaction) -> dict[str, Any]:
    """The user confirmed the cancel: every payment of the list, or none."""
    company_id = transaction.company_id
    salary_list = _list(session, company_id=company_id, list_id=int(transaction.payload["listId"]))
    rows = repository.payments_of(session, company_id=company_id, list_ids=[salary_list.id], lock=True)
    error = rules.cancel_error(p.status for p in rows)
    if error is not None:
        raise error
    now = clock.now()
    for payment in rows:
        payment.status = payment_rules.CANCELLED
        payment.version = now
    session.flush()
    result = {"info": {"message": rules.CANCELLED_MESSAGE}}
    payments.emit_transaction_event(
        session, transaction=transaction, event=catalogue.DIRECT_SALARY_PAYMENTS_CANCELED, result=result
    )
    return result


# --- reading ------------------------------------------------------------------------------------


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _base(salary_list: SalaryPaymentList, rows: list[Payment]) -> dict[str, Any]:
    return {
        "id": salary_list.id,
        "list_name": salary_list.list_name,
        "created": salary_list.created_at,
        "status": wire.SalaryListStatus(rules.list_status(p.status for p in rows)),
        "payment_method": wire.SalaryPaymentMethod(salary_list.payment_method),
        "payment_date": _midnight(salary_list.payment_date),
        "payer_bank_account": salary_list.payer_iban,
        "total_sum": plain(from_minor(sum(p.amount_minor for p in rows))),
        "custom_id": salary_list.custom_id,
    }


def get_group(session: Session, *, company_id: int, list_id: int) -> wire.DirectSalaryPaymentGroup:
    salary_list = _list(session, company_id=company_id, list_id=list_id)
    rows = repository.payments_of(session, company_id=company_id, list_ids=[salary_list.id])
    return wire.DirectSalaryPaymentGroup(
        **_base(salary_list, rows),
        payments=[PaymentBasicInfo(payment_id=p.id, custom_id=p.custom_id) for p in rows],
    )


def search(
    session: Session,
    *,
    company_id: int,
    start: date | None,
    end: date | None,
    name: str | None,
    custom_id: str | None,
    page: PageRequest,
) -> tuple[list[wire.DirectSalaryPaymentGroupBaseInfo], PageMeta]:
    lists, meta = repository.search(
        session, company_id=company_id, start=start, end=end, name=name, custom_id=custom_id, page=page
    )
    rows = repository.payments_of(session, company_id=company_id, list_ids=[s.id for s in lists])
    by_list: dict[int, list[Payment]] = {}
    for p in rows:
        by_list.setdefault(p.list_id or 0, []).append(p)
    return [wire.DirectSalaryPaymentGroupBaseInfo(**_base(s, by_list.get(s.id, []))) for s in lists], meta
