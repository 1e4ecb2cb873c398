"""Payments out over HTTP: `POST /payments` and direct transfers behind two-step verification
(202, nothing written until the user confirms; every MFA poll status), the all-or-nothing batch
and each refusal at its field path, reads (list with filters, one, payment events, error
messages), cancel and delete with the invoice's way back, the deprecated confirm, and another
company's ids (salary payments: `test_salary_api.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.banking.payments.models import Payment
from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError
from kirjuri.mfa import service as mfa_service
from kirjuri.webhooks import outbox
from tests.banking.payments.helpers import (
    PAYEE_ADDRESS,
    SECOND_PAYER_IBAN,
    add_account,
    approved_purchase,
    decide,
    future,
    item,
    pay,
    ready_to_pay,
    transfer,
)
from tests.companies.helpers import add_colleague
from tests.factories import Tenant
from tests.invoicing.helpers import body_of, errors, post_invoice
from tests.invoicing.test_lifecycle_api import invoice_of, trail

Events = list[tuple[int, str, dict[str, Any]]]


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    yield
    clock.reset()


@pytest.fixture()
def events(monkeypatch: pytest.MonkeyPatch) -> Events:
    """The payment events emitted (the invoices' own `invoice.*` announcements left out)."""
    seen: Events = []

    def emit(_session: Session, *, company_id: int, event_type: str, payload: dict[str, Any]) -> None:
        if not event_type.startswith("invoice."):
            seen.append((company_id, event_type, payload))

    monkeypatch.setattr(outbox, "emit", emit)
    return seen


@pytest.fixture()
def payer(tenant: Tenant, session_factory: sessionmaker[Session]) -> Tenant:
    return ready_to_pay(session_factory, tenant)


def _count(session_factory: sessionmaker[Session], company_id: int) -> int:
    with session_factory() as session:
        return int(
            session.execute(
                select(func.count()).select_from(Payment).where(Payment.company_id == company_id)
            ).scalar_one()
        )


def _post(client: TestClient, tenant: Tenant, items: list[dict[str, Any]]) -> Any:
    return client.post("/api/payments", json={"payments": items}, headers=tenant.headers)


def test_paying_an_invoice_waits_for_the_user_then_queues_it(
    client: TestClient, payer: Tenant, session_factory: sessionmaker[Session], events: Events
) -> None:
    invoice = approved_purchase(client, payer)
    answer = _post(client, payer, [item(invoice)])
    assert answer.status_code == 202, answer.text
    transaction = answer.json()["transactionIdentifier"]
    assert answer.json()["confirmationApp"] == "KIRJURI_PORTAL"
    # Nothing happened yet.
    assert _count(session_factory, payer.company_id) == 0
    assert invoice_of(client, payer.headers, invoice["id"])["status"] == "APPROVED"
    pending = client.get(f"/api/mfatransactionresult/{transaction}", headers=payer.headers)
    assert pending.status_code == 202
    assert client.put(f"/api/payments/{transaction}/confirm", headers=payer.headers).status_code == 202
    assert events == []
    # The approver sees payee, amount and date.
    with session_factory() as session:
        listed = mfa_service.pending_for_user(session, user_id=payer.user_id)
        summary = listed[0].payload["summary"]
    assert f"Pay 125.50 EUR to Toimittaja Oy (FI4250001510000023) on {future().isoformat()}" in summary

    decide(session_factory, payer.user_id, transaction)
    done = client.get(f"/api/mfatransactionresult/{transaction}", headers=payer.headers)
    assert done.status_code == 200
    transactions = done.json()["invoicePayments"]["transactions"]
    assert [t["invoiceId"] for t in transactions] == [invoice["id"]]
    payment_id = transactions[0]["paymentId"]
    assert invoice_of(client, payer.headers, invoice["id"])["status"] == "PAYMENT_QUEUED"
    assert ("SENT_FOR_PAYMENT") in [t.get("action") for t in trail(client, payer.headers, invoice["id"])]
    deprecated = client.put(f"/api/payments/{transaction}/confirm", headers=payer.headers)
    assert deprecated.status_code == 200
    assert deprecated.json() == {"InvoicePaymentSummaries": {"transactions": transactions}}

    row = client.get(f"/api/payments/{payment_id}", headers=payer.headers)
    assert row.status_code == 200
    assert row.json() | {"createdBy": None} == {
        "id": payment_id,
        "invoiceId": invoice["id"],
        "paymentDate": future().isoformat(),
        "amount": 125.5,
        "receiverName": "Toimittaja Oy",
        "currency": "EUR",
        "payerAccount": "FI2112345600000785",
        "payerBic": "NDEAFIHH",
        "message": "1232",
        "receiverAccount": "FI4250001510000023",
        "status": "PAYMENT_QUEUED",
        "createdBy": None,
    }
    assert row.json()["createdBy"] == "Testi Käyttäjä"
    assert [(e[1], e[2]) for e in events] == [
        ("INVOICE_PAYMENT_CREATED", {"transactionIdentifier": transaction, "response": done.json()}),
        (
            "payment.created",
            {
                "paymentId": payment_id,
                "invoiceId": invoice["id"],
                "customId": None,
                "status": "PAYMENT_QUEUED",
                "amount": "125.50",
                "currency": "EUR",
                "paymentDate": future().isoformat(),
            },
        ),
    ]
    # A queued invoice cannot be paid twice.
    again = _post(client, payer, [item(invoice_of(client, payer.headers, invoice["id"]))])
    assert errors(again) == [(403, "payments[0].invoiceId", "INVALID_STATUS_TRANSITION")]


def test_mfa_statuses_of_a_payment(
    client: TestClient,
    payer: Tenant,
    other_tenant: Tenant,
    settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    def start() -> str:
        invoice = approved_purchase(client, payer)
        answer = _post(client, payer, [item(invoice)])
        assert answer.status_code == 202, answer.text
        return str(answer.json()["transactionIdentifier"])

    def poll(transaction: str, tenant: Tenant = payer) -> int:
        return client.get(f"/api/mfatransactionresult/{transaction}", headers=tenant.headers).status_code

    rejected = start()
    decide(session_factory, payer.user_id, rejected, approve=False)
    assert poll(rejected) == 406
    assert client.put(f"/api/payments/{rejected}/confirm", headers=payer.headers).status_code == 406

    confirmed = start()
    decide(session_factory, payer.user_id, confirmed)
    assert poll(confirmed) == 200
    with session_factory() as session, pytest.raises(KirjuriError) as twice:
        mfa_service.confirm(session, transaction_id=confirmed, user_id=payer.user_id)
    assert (twice.value.status, twice.value.code) == (409, "MFA_TRANSACTION_ALREADY_PROCESSED")

    colleague = add_colleague(session_factory, settings, payer)
    assert poll(confirmed, colleague) == 403  # type: ignore[arg-type]
    assert poll(confirmed, other_tenant) == 404
    assert poll("no-such-transaction") == 404

    expired = start()
    clock.travel(timedelta(minutes=5, seconds=1))
    assert poll(expired) == 408
    with session_factory() as session, pytest.raises(KirjuriError) as late:
        mfa_service.confirm(session, transaction_id=expired, user_id=payer.user_id)
    assert late.value.status == 408
    assert _count(session_factory, payer.company_id) == 1


def test_a_batch_is_all_or_nothing(client: TestClient, payer: Tenant, session_factory: sessionmaker[Session]) -> None:
    first, second = approved_purchase(client, payer), approved_purchase(client, payer)
    bad = item(second, recipientNameAndAddress={"name": "Toimittaja Oy", "country": "FINLAND"})
    answer = _post(client, payer, [item(first), bad])
    assert errors(answer) == [(400, "payments[1].recipientNameAndAddress.city", "ADDRESS_TOWN_REQUIRED")]
    with session_factory() as session:
        assert mfa_service.pending_for_user(session, user_id=payer.user_id) == []
    assert invoice_of(client, payer.headers, first["id"])["status"] == "APPROVED"

    ids = pay(client, session_factory, payer, [item(first), item(second, amount=100, message="Osa 1")])
    assert len(ids) == 2
    for invoice in (first, second):
        assert invoice_of(client, payer.headers, invoice["id"])["status"] == "PAYMENT_QUEUED"


def test_the_confirmation_checks_again_and_writes_nothing_when_things_changed(
    client: TestClient, payer: Tenant, session_factory: sessionmaker[Session]
) -> None:
    first, second = approved_purchase(client, payer), approved_purchase(client, payer)
    answer = _post(client, payer, [item(first), item(second)])
    transaction = answer.json()["transactionIdentifier"]
    # The second invoice is paid elsewhere meanwhile (its version moves on).
    paid = client.put(
        f"/api/invoices/{second['id']}/paymentevents/markpaid",
        json={"paymentDate": clock.now().date().isoformat(), "amount": "125.50", "currency": "EUR"},
        headers=payer.headers,
    )
    assert paid.status_code == 200, paid.text
    with session_factory() as session, pytest.raises(KirjuriError) as caught:
        mfa_service.confirm(session, transaction_id=transaction, user_id=payer.user_id)
    assert (caught.value.status, caught.value.field) == (403, "payments[1].invoiceId")
    assert _count(session_factory, payer.company_id) == 0
    assert invoice_of(client, payer.headers, first["id"])["status"] == "APPROVED"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"invoiceVersion": None}, (400, "payments[0].invoiceVersion", "MISSING")),
        ({"invoiceVersion": "2020-01-01T00:00:00Z"}, (400, "payments[0].invoiceVersion", "VERSION_CONFLICT")),
        ({"invoiceId": 999999}, (404, "payments[0].invoiceId", "NOT_FOUND")),
        ({"amount": 125.51}, (400, "payments[0].amount", "AMOUNT_EXCEEDS_OPEN_AMOUNT")),
        ({"amount": 0}, (400, "payments[0].amount", "INVALID_AMOUNT")),
        ({"amount": 1.005}, (400, "payments[0].amount", "TOO_MANY_DECIMALS")),
        ({"paymentDate": "2020-01-01"}, (400, "payments[0].paymentDate", "PAYMENT_DATE_IN_THE_PAST")),
        (
            {"paymentMethod": "FINNISH_FOREIGN_PAYMENT"},
            (400, "payments[0].paymentMethod", "UNSUPPORTED_PAYMENT_METHOD"),
        ),
        ({"recipientBankAccount": "FI00 1234"}, (400, "payments[0].recipientBankAccount", "INVALID_IBAN")),
        ({"recipientBicCode": "NOTABIC!"}, (400, "payments[0].recipientBicCode", "INVALID_BIC")),
        (
            {"recipientNameAndAddress": {"name": "X", "city": "Espoo"}},
            (400, "payments[0].recipientNameAndAddress.country", "ADDRESS_COUNTRY_REQUIRED"),
        ),
        (
            {"bankReferenceCode": "1234", "bankReferenceCodeType": "FI"},
            (400, "payments[0].bankReferenceCode", "INVALID_REFERENCE"),
        ),
        (
            {"bankReferenceCode": "1232", "bankReferenceCodeType": "OCR"},
            (400, "payments[0].bankReferenceCodeType", "UNSUPPORTED_REFERENCE_TYPE"),
        ),
        (
            {"bankReferenceCode": "1232", "message": "hei"},
            (400, "payments[0].message", "REFERENCE_AND_MESSAGE"),
        ),
        (
            {"payerBankAccount": "FI4950009420028730"},
            (400, "payments[0].payerBankAccount", "PAYER_BANK_ACCOUNT_NOT_FOUND"),
        ),
        ({"message": "x" * 141}, (400, "payments[0].message", "TOO_LONG")),
    ],
)
def test_each_refusal_names_its_field(
    client: TestClient, payer: Tenant, changes: dict[str, Any], expected: tuple[int, str, str]
) -> None:
    invoice = approved_purchase(client, payer)
    answer = _post(client, payer, [item(invoice, **changes)])
    found = errors(answer)
    assert found[0][:2] == expected[:2], found
    if expected[2] != "MISSING":
        assert found[0] == expected


def test_payable_invoices_and_accounts(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    ready_to_pay(session_factory, tenant, account=False)
    invoice = approved_purchase(client, tenant)
    # No payment account at all.
    assert errors(_post(client, tenant, [item(invoice)])) == [
        (400, "payments[0].payerBankAccount", "PAYER_BANK_ACCOUNT_REQUIRED")
    ]
    add_account(
        session_factory, tenant.company_id, iban=SECOND_PAYER_IBAN, allow_payments=False, default_for_payment=False
    )
    assert errors(_post(client, tenant, [item(invoice, payerBankAccount=SECOND_PAYER_IBAN)])) == [
        (400, "payments[0].payerBankAccount", "PAYMENTS_NOT_ALLOWED_FROM_ACCOUNT")
    ]
    add_account(session_factory, tenant.company_id)
    # A sales invoice is not paid out; a draft purchase invoice is not yet payable; an empty batch.
    sales = post_invoice(client, tenant, body_of("SALES_INVOICE"))
    assert errors(_post(client, tenant, [item(sales)])) == [
        (403, "payments[0].invoiceId", "ACTION_NOT_ALLOWED_FOR_TYPE")
    ]
    draft = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))
    assert errors(_post(client, tenant, [item(draft)])) == [(403, "payments[0].invoiceId", "INVALID_STATUS_TRANSITION")]
    assert errors(_post(client, tenant, [])) == [(400, "payments", "PAYMENTS_REQUIRED")]
    assert errors(_post(client, tenant, [item(invoice), item(invoice)])) == [
        (400, "payments[1].invoiceId", "DUPLICATE_INVOICE")
    ]
    # A travel claim is payable too.
    travel = post_invoice(client, tenant, body_of("TRAVEL_INVOICE"))
    for verb in ("sendToCirculation", "approve"):
        assert client.put(f"/api/invoices/{travel['id']}/{verb}", json={}, headers=tenant.headers).status_code == 200
    travel = invoice_of(client, tenant.headers, travel["id"])
    assert len(pay(client, session_factory, tenant, [item(travel, amount=48.4)])) == 1


def test_rights(client: TestClient, payer: Tenant, session_factory: sessionmaker[Session], settings: Settings) -> None:
    invoice = approved_purchase(client, payer)
    viewer = add_colleague(session_factory, settings, payer)  # read-only rights
    answer = client.post("/api/payments", json={"payments": [item(invoice)]}, headers=viewer.headers)
    assert errors(answer) == [(403, None, "INSUFFICIENT_RIGHTS")]
    assert errors(
        client.post(
            "/api/payments/directbanktransfers", json={"directBankTransfers": [transfer()]}, headers=viewer.headers
        )
    ) == [(403, None, "INSUFFICIENT_RIGHTS")]


def test_direct_bank_transfers(
    client: TestClient, payer: Tenant, session_factory: sessionmaker[Session], events: Events
) -> None:
    bad = client.post(
        "/api/payments/directbanktransfers",
        json={"directBankTransfers": [transfer(), transfer(currencyCode="SEK")]},
        headers=payer.headers,
    )
    assert errors(bad) == [(400, "directBankTransfers[1].currencyCode", "UNSUPPORTED_CURRENCY")]
    answer = client.post(
        "/api/payments/directbanktransfers",
        json={
            "directBankTransfers": [
                transfer(),
                transfer(customId=None, message=None, bankReferenceCode="RF332348236", bankReferenceCodeType="RF"),
            ]
        },
        headers=payer.headers,
    )
    assert answer.status_code == 202, answer.text
    transaction = answer.json()["transactionIdentifier"]
    decide(session_factory, payer.user_id, transaction)
    done = client.get(f"/api/mfatransactionresult/{transaction}", headers=payer.headers).json()
    rows = done["directBankTransfers"]["transactions"]
    assert [r.get("customId") for r in rows] == ["rent-11", None]
    assert events[0] == (
        payer.company_id,
        "DIRECTBANKDATATRANSFER_PAYMENT_CREATED",
        {"transactionIdentifier": transaction, "response": done},
    )
    deprecated = client.put(f"/api/payments/{transaction}/confirm", headers=payer.headers).json()
    assert deprecated == {"PaymentSummaries": done["directBankTransfers"]}
    one = client.get(f"/api/payments/{rows[0]['paymentId']}", headers=payer.headers).json()
    assert (one.get("invoiceId"), one["amount"], one["message"]) == (
        None,
        40.25,
        "Vuokra marraskuu",
    )
    # Cancel works, delete is for invoice payments only.
    assert errors(client.delete(f"/api/payments/{rows[0]['paymentId']}", headers=payer.headers)) == [
        (403, None, "NOT_AN_INVOICE_PAYMENT")
    ]
    cancel = client.put(f"/api/payments/{rows[0]['paymentId']}/cancel", headers=payer.headers)
    assert cancel.status_code == 202
    decide(session_factory, payer.user_id, cancel.json()["transactionIdentifier"])
    assert client.get(f"/api/payments/{rows[0]['paymentId']}", headers=payer.headers).json()["status"] == (
        "PAYMENT_TRANSACTION_REMOVED"
    )


def test_cancel_and_delete_return_the_invoice(
    client: TestClient, payer: Tenant, session_factory: sessionmaker[Session], events: Events
) -> None:
    first, second = approved_purchase(client, payer), approved_purchase(client, payer)
    cancelled, deleted = pay(client, session_factory, payer, [item(first), item(second)])
    events.clear()

    answer = client.put(f"/api/payments/{cancelled}/cancel", headers=payer.headers)
    assert answer.status_code == 202
    # Nothing changes before the user confirms.
    assert client.get(f"/api/payments/{cancelled}", headers=payer.headers).json()["status"] == "PAYMENT_QUEUED"
    transaction = answer.json()["transactionIdentifier"]
    decide(session_factory, payer.user_id, transaction)
    assert client.get(f"/api/mfatransactionresult/{transaction}", headers=payer.headers).json() == {
        "info": {"message": "Payment cancelled"}
    }
    assert client.put(f"/api/payments/{transaction}/confirm", headers=payer.headers).json() == {
        "InfoMessage": {"message": "Payment cancelled"}
    }
    assert (
        client.get(f"/api/payments/{cancelled}", headers=payer.headers).json()["status"]
        == "PAYMENT_TRANSACTION_REMOVED"
    )
    assert invoice_of(client, payer.headers, first["id"])["status"] == "APPROVED"
    assert trail(client, payer.headers, first["id"])[-1]["action"] == "CANCEL_PAYMENT_TRANSACTION"
    # Cancelling twice: already removed.
    assert errors(client.put(f"/api/payments/{cancelled}/cancel", headers=payer.headers)) == [
        (403, None, "PAYMENT_ALREADY_REMOVED")
    ]

    answer = client.delete(f"/api/payments/{deleted}", headers=payer.headers)
    assert answer.status_code == 202
    decide(session_factory, payer.user_id, answer.json()["transactionIdentifier"])
    assert client.get(f"/api/payments/{deleted}", headers=payer.headers).status_code == 404
    assert invoice_of(client, payer.headers, second["id"])["status"] == "APPROVED"
    assert trail(client, payer.headers, second["id"])[-1]["action"] == "DELETED_PAYMENT_TRANSACTION"
    assert [e[1] for e in events] == ["PAYMENT_UPDATED", "PAYMENT_DELETED"]
    # The invoice can be paid again.
    assert len(pay(client, session_factory, payer, [item(invoice_of(client, payer.headers, first["id"]))])) == 1


def test_a_partly_paid_invoice_goes_back_to_partly_paid(
    client: TestClient, payer: Tenant, session_factory: sessionmaker[Session]
) -> None:
    invoice = approved_purchase(client, payer)
    marked = client.put(
        f"/api/invoices/{invoice['id']}/paymentevents/markpaid",
        json={"paymentDate": clock.now().date().isoformat(), "amount": "25.50", "currency": "EUR"},
        headers=payer.headers,
    )
    assert marked.status_code == 200, marked.text
    invoice = invoice_of(client, payer.headers, invoice["id"])
    assert errors(_post(client, payer, [item(invoice)])) == [(400, "payments[0].amount", "AMOUNT_EXCEEDS_OPEN_AMOUNT")]
    (payment,) = pay(client, session_factory, payer, [item(invoice, amount=100)])
    answer = client.delete(f"/api/payments/{payment}", headers=payer.headers)
    decide(session_factory, payer.user_id, answer.json()["transactionIdentifier"])
    assert invoice_of(client, payer.headers, invoice["id"])["status"] == "PARTLY_PAID"


def test_search_and_payment_events(client: TestClient, payer: Tenant, session_factory: sessionmaker[Session]) -> None:
    first, second = approved_purchase(client, payer), approved_purchase(client, payer)
    early, late = pay(
        client,
        session_factory,
        payer,
        [item(first, paymentDate=future(2).isoformat()), item(second, paymentDate=future(9).isoformat())],
    )

    def ids(query: str) -> list[int]:
        answer = client.get(f"/api/payments{query}", headers=payer.headers)
        assert answer.status_code == 200, answer.text
        return [r["id"] for r in answer.json()["results"]]

    assert ids("") == [late, early]
    assert ids("?orderById=ASC") == [early, late]
    assert ids(f"?startDate={future(5).isoformat()}") == [late]
    assert ids(f"?endDate={future(5).isoformat()}") == [early]
    assert ids(f"?invoiceId={first['id']}") == [early]
    assert ids(f"?invoiceId={first['id']}&invoiceId={second['id']}&size=1") == [late]
    assert ids(f"?previousId={late}") == [early]
    assert ids("?invoiceId=999999") == []
    listed = client.get("/api/payments?size=1", headers=payer.headers).json()
    assert listed["meta"] == {"pageNumber": 0, "pageSize": 1, "resultCount": 1, "totalCount": 2}
    assert listed["results"][0] == {
        "id": late,
        "invoiceId": second["id"],
        "paymentDate": future(9).isoformat(),
        "amount": 125.5,
        "receiverName": "Toimittaja Oy",
        "status": "PAYMENT_QUEUED",
    }
    assert errors(client.get(f"/api/payments?startDate={future(5)}&endDate={future(1)}", headers=payer.headers)) == [
        (400, "endDate", "END_DATE_BEFORE_START_DATE")
    ]
    assert errors(client.get("/api/payments?size=201", headers=payer.headers)) == [(400, "size", "INVALID_PAGE_SIZE")]

    # Payment events: the mark-paid of a third invoice.
    third = approved_purchase(client, payer)
    client.put(
        f"/api/invoices/{third['id']}/paymentevents/markpaid",
        json={"paymentDate": clock.now().date().isoformat(), "amount": "25.50", "currency": "EUR"},
        headers=payer.headers,
    )
    found = client.get(
        f"/api/payments/paymentevents?invoiceId={third['id']}&invoiceId={first['id']}", headers=payer.headers
    )
    assert found.status_code == 200, found.text
    assert [(r["invoiceId"], r["amount"], r["status"]) for r in found.json()["results"]] == [
        (third["id"], 25.5, "MARKED_PAID")
    ]
    assert errors(client.get("/api/payments/paymentevents", headers=payer.headers)) == [
        (400, "invoiceId", "INVOICE_ID_REQUIRED")
    ]
    many = "&".join(f"invoiceId={i}" for i in range(1, 203))
    assert errors(client.get(f"/api/payments/paymentevents?{many}", headers=payer.headers)) == [
        (400, "invoiceId", "TOO_MANY_IDS")
    ]


def test_error_messages(client: TestClient, payer: Tenant) -> None:
    answer = client.get("/api/payments/errormessages?type=PAYMENT_ERROR&status=ALL", headers=payer.headers)
    assert answer.json() == {
        "results": [],
        "meta": {"pageNumber": 0, "pageSize": 50, "resultCount": 0, "totalCount": 0},
    }
    assert client.get("/api/payments/errormessages?type=NOPE", headers=payer.headers).status_code == 400


def test_another_companys_payments_are_not_found(
    client: TestClient, payer: Tenant, other_tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    (payment,) = pay(client, session_factory, payer, [item(approved_purchase(client, payer))])
    ready_to_pay(session_factory, other_tenant)
    for method, path in (
        ("GET", f"/api/payments/{payment}"),
        ("PUT", f"/api/payments/{payment}/cancel"),
        ("DELETE", f"/api/payments/{payment}"),
    ):
        assert client.request(method, path, headers=other_tenant.headers).status_code == 404, path
    assert client.get("/api/payments", headers=other_tenant.headers).json()["results"] == []
    theirs = approved_purchase(client, payer)
    assert errors(_post(client, other_tenant, [item(theirs)])) == [(404, "payments[0].invoiceId", "NOT_FOUND")]
    assert client.get("/api/payments/99999999999", headers=payer.headers).status_code == 404
    # A payment transaction of the user-update kind is not a payment one.
    assert client.put("/api/payments/nonexistent/confirm", headers=payer.headers).status_code == 404
    assert PAYEE_ADDRESS["city"] == "Tampere"
