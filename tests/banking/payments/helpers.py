"""Builders of the payments tests: the company's payment account (a `bank_accounts` row written
directly — the accounts endpoints are another area's), approved purchase invoices through the
API, `POST /payments` item bodies, and the approver's decision through the MFA service."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.banking.accounts.models import BankAccount
from kirjuri.core import clock
from kirjuri.db.counters import next_value
from kirjuri.ledger import accounts, chart
from kirjuri.mfa import service as mfa_service
from tests.factories import Tenant
from tests.invoicing.helpers import OTHER_IBAN, body_of, post_invoice
from tests.invoicing.test_lifecycle_api import invoice_of, put, verifier_list

PAYER_IBAN = "FI2112345600000785"
SECOND_PAYER_IBAN = "FI5810171000000122"
PAYEE_ADDRESS = {
    "name": "Toimittaja Oy",
    "street": "Tehdaskatu 1",
    "zip": "33100",
    "city": "Tampere",
    "country": "FINLAND",
}


def future(days: int = 3) -> date:
    return clock.now().date() + timedelta(days=days)


def add_account(
    session_factory: sessionmaker[Session],
    company_id: int,
    *,
    iban: str = PAYER_IBAN,
    bic: str | None = "NDEAFIHH",
    allow_payments: bool = True,
    default_for_payment: bool = True,
    status: str = "ACTIVE",
    document: dict[str, Any] | None = None,
) -> BankAccount:
    with session_factory() as session:
        account = BankAccount(
            company_id=company_id,
            id=next_value(session, company_id=company_id, name="bank_account"),
            iban=iban,
            bic=bic,
            currency="EUR",
            ledger_account=accounts.code_for_role(session, company_id=company_id, role=chart.Role.BANK),
            status=status,
            order_no=1,
            default_for_invoice=False,
            default_for_payment=default_for_payment,
            allow_payments=allow_payments,
            document=document or {},
        )
        session.add(account)
        session.commit()
        session.refresh(account)
        session.expunge(account)
        return account


def ready_to_pay(session_factory: sessionmaker[Session], tenant: Tenant, *, account: bool = True) -> Tenant:
    """The tenant as the one acceptor of its circulation, with its payment account."""
    verifier_list(session_factory, tenant.company_id, verifiers=[], acceptors=[tenant.user_id])
    if account:
        add_account(session_factory, tenant.company_id)
    return tenant


def approved_purchase(client: TestClient, tenant: Tenant, **changes: Any) -> dict[str, Any]:
    """A purchase invoice (2 × 50.00 + 25.5 % = 125.50, reference 1232) driven to APPROVED."""
    invoice = post_invoice(client, tenant, body_of("PURCHASE_INVOICE", **changes))
    for verb in ("sendToCirculation", "approve"):
        answer = put(client, tenant.headers, invoice["id"], verb)
        assert answer.status_code == 200, answer.text
    return invoice_of(client, tenant.headers, invoice["id"])


def item(invoice: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """One InvoicePayment of the whole invoice, three days ahead, to a structured address."""
    body: dict[str, Any] = {
        "invoiceId": invoice["id"],
        "invoiceVersion": invoice["version"],
        "amount": 125.5,
        "paymentDate": future().isoformat(),
        "paymentMethod": "FINNISH_BANK_TRANSFER",
        "recipientBankAccount": OTHER_IBAN,
        "recipientNameAndAddress": dict(PAYEE_ADDRESS),
    }
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def transfer(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "amount": 40.25,
        "currencyCode": "EUR",
        "paymentDate": future().isoformat(),
        "paymentMethod": "FINNISH_BANK_TRANSFER",
        "recipientBankAccount": OTHER_IBAN,
        "recipientNameAndAddress": dict(PAYEE_ADDRESS),
        "message": "Vuokra marraskuu",
        "customId": "rent-11",
    }
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def decide(session_factory: sessionmaker[Session], user_id: int, transaction_id: str, *, approve: bool = True) -> None:
    with session_factory() as session:
        if approve:
            mfa_service.confirm(session, transaction_id=transaction_id, user_id=user_id)
        else:
            mfa_service.reject(session, transaction_id=transaction_id, user_id=user_id)
        session.commit()


def pay(
    client: TestClient, session_factory: sessionmaker[Session], tenant: Tenant, items: list[dict[str, Any]]
) -> list[int]:
    """`POST /payments` confirmed; the new payment ids."""
    answer = client.post("/api/payments", json={"payments": items}, headers=tenant.headers)
    assert answer.status_code == 202, answer.text
    transaction = answer.json()["transactionIdentifier"]
    decide(session_factory, tenant.user_id, transaction)
    result = client.get(f"/api/mfatransactionresult/{transaction}", headers=tenant.headers)
    assert result.status_code == 200, result.text
    return [t["paymentId"] for t in result.json()["invoicePayments"]["transactions"]]
