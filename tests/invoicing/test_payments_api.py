"""Payments marked paid over HTTP: partial and full payments with their ledger postings, the rules
of the body, the payment events (paged both ways), and the removal of an event through two-step
verification (202, nothing changes until the user confirms; then the posting is reversed and the
status recomputed)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.config import Settings
from kirjuri.core.errors import KirjuriError
from kirjuri.invoicing.models import PaymentEvent
from kirjuri.ledger import accounts, chart
from kirjuri.ledger.models import LedgerBalance, LedgerReceipt, LedgerTransaction
from kirjuri.mfa import service as mfa_service
from tests.factories import Tenant
from tests.invoicing.helpers import body_of, day, errors, post_invoice, sales_invoice_body
from tests.invoicing.test_lifecycle_api import (
    colleague,
    gross,
    invoice_of,
    lock_period,
    mark_paid,
    payment_events,
    put,
    service_event,
    trail,
    trial_balance,
    verifier_list,
)


def balances(session_factory: sessionmaker[Session], company_id: int) -> dict[str, Decimal]:
    """Debit − credit per account (counted receipts), in euros; zero accounts left out."""
    with session_factory() as session:
        rows = session.execute(
            select(LedgerBalance.account, func.sum(LedgerBalance.debit_minor - LedgerBalance.credit_minor))
            .where(LedgerBalance.company_id == company_id, LedgerBalance.dimension_id == 0)
            .group_by(LedgerBalance.account)
        ).all()
        assert trial_balance(session, company_id) == 0
    return {account: Decimal(int(total)) / 100 for account, total in rows if total}


def role(session_factory: sessionmaker[Session], company_id: int, name: chart.Role) -> str:
    with session_factory() as session:
        return accounts.code_for_role(session, company_id=company_id, role=name)


def approved_sales(client: TestClient, tenant: Tenant, **changes: Any) -> dict[str, Any]:
    invoice = post_invoice(client, tenant, sales_invoice_body(**changes))
    assert put(client, tenant.headers, invoice["id"], "approve").status_code == 200
    return invoice_of(client, tenant.headers, invoice["id"])


def confirm(
    session_factory: sessionmaker[Session], tenant: Tenant, transaction_id: str, *, approve: bool = True
) -> None:
    with session_factory() as session:
        decide = mfa_service.confirm if approve else mfa_service.reject
        decide(session, transaction_id=transaction_id, user_id=tenant.user_id)
        session.commit()


def test_partial_then_full_payment_of_a_sales_invoice(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    invoice = approved_sales(client, tenant)
    i, total = invoice["id"], gross(invoice)
    bank = role(session_factory, tenant.company_id, chart.Role.BANK)
    receivables = role(session_factory, tenant.company_id, chart.Role.RECEIVABLES)
    assert balances(session_factory, tenant.company_id)[receivables] == total

    first = mark_paid(client, tenant.headers, i, "500.00", paymentDate=day(5, 20))
    assert first.status_code == 200, first.text
    assert first.json() == {
        "id": first.json()["id"],
        "invoiceId": i,
        "type": "ELSEWHERE",
        "paymentDate": day(5, 20),
        "status": "MARKED_PAID",
        "amount": 500,
        "currency": "EUR",
        "paidAmount": 500,
        "paidCurrency": "EUR",
    }
    partly = invoice_of(client, tenant.headers, i)
    assert (partly["status"], partly["paymentDate"]) == ("PARTLY_PAID", day(5, 20))
    assert partly["version"] > invoice["version"]
    after_first = balances(session_factory, tenant.company_id)
    assert (after_first[bank], after_first[receivables]) == (Decimal("500"), total - 500)

    rest = total - 500
    second = mark_paid(client, tenant.headers, i, rest, paymentDate=day(5, 25))
    assert second.status_code == 200, second.text
    paid = invoice_of(client, tenant.headers, i)
    assert (paid["status"], paid["paymentDate"]) == ("MARKED_PAID", day(5, 25))
    after = balances(session_factory, tenant.company_id)
    assert after[bank] == total
    assert receivables not in after
    assert [(t.get("action"), t.get("details")) for t in trail(client, tenant.headers, i)][-2:] == [
        ("MARKED_PAID", f"500 EUR, {day(5, 20)}"),
        ("MARKED_PAID", f"{rest} EUR, {day(5, 25)}"),
    ]
    # Fully paid: nothing is open any more.
    assert errors(mark_paid(client, tenant.headers, i, "1.00")) == [(403, None, "INVALID_STATUS_TRANSITION")]
    # The payment receipts are approved journals dated the payment days.
    with session_factory() as session:
        receipts = session.scalars(
            select(LedgerReceipt)
            .where(LedgerReceipt.company_id == tenant.company_id, LedgerReceipt.type == "JOURNAL")
            .order_by(LedgerReceipt.id)
        ).all()
        assert [(r.name, r.status, r.receipt_date.isoformat()) for r in receipts] == [
            (f"Payment of invoice {invoice['invoiceNumber']}", "APPROVED", day(5, 20)),
            (f"Payment of invoice {invoice['invoiceNumber']}", "APPROVED", day(5, 25)),
        ]


def test_a_purchase_payment_credits_the_bank(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    verifier_list(session_factory, tenant.company_id, verifiers=[], acceptors=[tenant.user_id])
    invoice = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))
    i = invoice["id"]
    for verb in ("sendToCirculation", "approve"):
        assert put(client, tenant.headers, i, verb).status_code == 200
    total = gross(invoice)
    payables = role(session_factory, tenant.company_id, chart.Role.PAYABLES)
    bank = role(session_factory, tenant.company_id, chart.Role.BANK)
    assert balances(session_factory, tenant.company_id)[payables] == -total
    answer = mark_paid(client, tenant.headers, i, total, description="ignored", paymentMethodType="CASH")
    assert answer.status_code == 200, answer.text
    assert (answer.json()["type"], answer.json().get("description")) == ("ELSEWHERE", None)
    after = balances(session_factory, tenant.company_id)
    assert after[bank] == -total
    assert payables not in after
    assert invoice_of(client, tenant.headers, i)["status"] == "MARKED_PAID"


def test_sales_payment_method_and_description(client: TestClient, tenant: Tenant) -> None:
    i = approved_sales(client, tenant)["id"]
    answer = mark_paid(
        client, tenant.headers, i, "10.00", description="Käteinen kassasta", paymentMethodType="EXTERNAL_BANK_TRANSFER"
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["type"], answer.json()["description"]) == ("BANKTRANSFERELSEWHERE", "Käteinen kassasta")
    cash = mark_paid(client, tenant.headers, i, "10.00", paymentMethodType="CASH")
    assert cash.json()["type"] == "CASH"


def test_add_penal_expense_is_recorded(client: TestClient, tenant: Tenant) -> None:
    i = approved_sales(client, tenant)["id"]
    answer = client.put(
        f"/api/invoices/{i}/paymentevents/markpaid?addPenalExpense=true",
        json={"paymentDate": day(5, 20), "amount": "10.00", "currency": "EUR"},
        headers=tenant.headers,
    )
    assert answer.status_code == 200, answer.text
    assert trail(client, tenant.headers, i)[-1]["details"] == f"10 EUR, {day(5, 20)}, addPenalExpense requested"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"currency": "SEK"}, (400, "currency", "INVALID_CURRENCY")),
        ({"amount": "0"}, (400, "amount", "INVALID_AMOUNT")),
        ({"amount": "-5.00"}, (400, "amount", "INVALID_AMOUNT")),
        ({"amount": "1.005"}, (400, "amount", "TOO_MANY_DECIMALS")),
        ({"amount": "100000.00"}, (400, "amount", "AMOUNT_EXCEEDS_OPEN_AMOUNT")),
        ({"amount": None}, (400, "amount", "REQUIRED")),
        ({"paymentDate": None}, (400, "paymentDate", "REQUIRED")),
        ({"currency": None}, (400, "currency", "REQUIRED")),
        ({"paymentDate": "1999-01-01"}, (400, "paymentDate", "CLOSED_FISCAL_PERIOD")),
        ({"description": "x" * 141}, (400, "description", "TOO_LONG")),
        ({"paymentMethodType": "CHEQUE"}, (400, "paymentMethodType", "INVALID_ENUM_VALUE")),
    ],
)
def test_mark_paid_rules(
    client: TestClient, tenant: Tenant, changes: dict[str, Any], expected: tuple[int, str, str]
) -> None:
    invoice = approved_sales(client, tenant)
    body: dict[str, Any] = {"paymentDate": day(5, 20), "amount": "10.00", "currency": "EUR"}
    for key, value in changes.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value
    answer = client.put(f"/api/invoices/{invoice['id']}/paymentevents/markpaid", json=body, headers=tenant.headers)
    assert errors(answer) == [expected]
    after = invoice_of(client, tenant.headers, invoice["id"])
    assert (after["status"], after["version"]) == ("NOT_SENT", invoice["version"])
    assert payment_events(client, tenant.headers, invoice["id"]) == []


def test_mark_paid_status_type_and_rights(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    draft = post_invoice(client, tenant)["id"]
    assert errors(mark_paid(client, tenant.headers, draft, "1.00")) == [(403, None, "INVALID_STATUS_TRANSITION")]
    order = post_invoice(client, tenant, body_of("SALES_ORDER"))["id"]
    assert errors(mark_paid(client, tenant.headers, order, "1.00")) == [(403, None, "ACTION_NOT_ALLOWED_FOR_TYPE")]
    clerk = colleague(
        session_factory, settings, tenant, edit=lambda r: r["payments"].update(markAsPaid="VIEWING_RIGHTS")
    )
    i = approved_sales(client, tenant)["id"]
    assert errors(mark_paid(client, clerk.headers, i, "1.00")) == [(403, None, "INSUFFICIENT_RIGHTS")]
    assert client.get(f"/api/invoices/{i}/paymentevents", headers=clerk.headers).status_code == 200
    assert payment_events(client, tenant.headers, i) == []


def test_a_payment_counts_its_own_date_not_the_invoices(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    invoice = approved_sales(client, tenant)
    lock_period(session_factory, tenant.company_id, invoice["date"])
    closed = mark_paid(client, tenant.headers, invoice["id"], "10.00", paymentDate=invoice["date"])
    assert errors(closed) == [(400, "paymentDate", "CLOSED_FISCAL_PERIOD")]
    answer = mark_paid(client, tenant.headers, invoice["id"], gross(invoice), paymentDate=day(6, 10))
    assert answer.status_code == 200, answer.text
    assert invoice_of(client, tenant.headers, invoice["id"])["status"] == "MARKED_PAID"


def test_payment_events_are_paged_both_ways(client: TestClient, tenant: Tenant) -> None:
    i = approved_sales(client, tenant)["id"]
    made = [mark_paid(client, tenant.headers, i, "10.00").json()["id"] for _ in range(3)]
    h = tenant.headers
    first = client.get(f"/api/invoices/{i}/paymentevents?size=2", headers=h).json()
    assert [e["id"] for e in first["results"]] == [made[2], made[1]]
    assert first["meta"] == {"pageNumber": 0, "pageSize": 2, "resultCount": 2, "totalCount": 3}
    second = client.get(f"/api/invoices/{i}/paymentevents?size=2&page=1", headers=h).json()
    assert [e["id"] for e in second["results"]] == [made[0]]
    after = client.get(f"/api/invoices/{i}/paymentevents?previousId={made[2]}", headers=h).json()
    assert [e["id"] for e in after["results"]] == [made[1], made[0]]
    ascending = client.get(f"/api/invoices/{i}/paymentevents?orderById=ASC&previousId={made[0]}", headers=h).json()
    assert [e["id"] for e in ascending["results"]] == [made[1], made[2]]
    assert errors(client.get(f"/api/invoices/{i}/paymentevents?size=201", headers=h)) == [
        (400, "size", "INVALID_PAGE_SIZE")
    ]
    one = client.get(f"/api/invoices/{i}/paymentevents/{made[1]}", headers=h)
    assert one.json()["id"] == made[1]
    other = approved_sales(client, tenant)["id"]
    for url in (f"/api/invoices/{other}/paymentevents/{made[1]}", f"/api/invoices/{i}/paymentevents/999"):
        assert errors(client.get(url, headers=h)) == [(404, "paymentEventId", "NOT_FOUND")]


# --- removal ---------------------------------------------------------------------------------------


def test_removing_a_payment_waits_for_the_confirmation(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    invoice = approved_sales(client, tenant)
    i, total = invoice["id"], gross(invoice)
    event = mark_paid(client, tenant.headers, i, total).json()
    paid = invoice_of(client, tenant.headers, i)
    before = balances(session_factory, tenant.company_id)

    answer = client.delete(f"/api/invoices/{i}/paymentevents/{event['id']}", headers=tenant.headers)
    assert answer.status_code == 202, answer.text
    tx = answer.json()["transactionIdentifier"]
    assert answer.json() == {"transactionIdentifier": tx, "confirmationApp": "KIRJURI_PORTAL"}
    # Nothing changes before the user confirms.
    assert invoice_of(client, tenant.headers, i) == paid
    assert balances(session_factory, tenant.company_id) == before
    assert client.get(f"/api/mfatransactionresult/{tx}", headers=tenant.headers).status_code == 202
    waiting = client.put(f"/api/invoices/{tx}/confirm", headers=tenant.headers)
    assert waiting.status_code == 202

    confirm(session_factory, tenant, tx)
    assert client.get(f"/api/mfatransactionresult/{tx}", headers=tenant.headers).json() == {
        "info": {"message": "Payment event removed"}
    }
    done = client.put(f"/api/invoices/{tx}/confirm", headers=tenant.headers)
    assert (done.status_code, done.json()) == (200, {"message": "Payment event removed"})
    back = invoice_of(client, tenant.headers, i)
    assert (back["status"], back.get("paymentDate")) == ("NOT_SENT", None)
    assert back["version"] > paid["version"]
    gone = client.get(f"/api/invoices/{i}/paymentevents/{event['id']}", headers=tenant.headers)
    assert gone.status_code == 404
    bank = role(session_factory, tenant.company_id, chart.Role.BANK)
    receivables = role(session_factory, tenant.company_id, chart.Role.RECEIVABLES)
    after = balances(session_factory, tenant.company_id)
    assert bank not in after
    assert after[receivables] == total
    last = trail(client, tenant.headers, i)[-1]
    assert (last["action"], last["details"]) == (
        "DELETED_PAID_ELSEWHERE_PAYMENT_TRANSACTION",
        f"{total} EUR, {day(5, 20)}",
    )
    with session_factory() as session:
        reversal = session.scalars(
            select(LedgerReceipt)
            .where(LedgerReceipt.company_id == tenant.company_id, LedgerReceipt.type == "JOURNAL")
            .order_by(LedgerReceipt.id.desc())
        ).first()
        assert reversal is not None
        assert (reversal.name, reversal.receipt_date.isoformat()) == (
            f"Reversal: Payment of invoice {invoice['invoiceNumber']}",
            day(5, 20),
        )
    # The invoice can be paid again.
    assert mark_paid(client, tenant.headers, i, total).status_code == 200


def test_a_rejected_confirmation_changes_nothing(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    i = approved_sales(client, tenant)["id"]
    event = mark_paid(client, tenant.headers, i, "10.00").json()
    before = invoice_of(client, tenant.headers, i)
    tx = client.delete(f"/api/invoices/{i}/paymentevents/{event['id']}", headers=tenant.headers).json()
    confirm(session_factory, tenant, tx["transactionIdentifier"], approve=False)
    polled = client.get(f"/api/mfatransactionresult/{tx['transactionIdentifier']}", headers=tenant.headers)
    assert errors(polled) == [(406, "transactionIdentifier", "MFA_TRANSACTION_REJECTED")]
    assert invoice_of(client, tenant.headers, i) == before
    assert [e["id"] for e in payment_events(client, tenant.headers, i)] == [event["id"]]


def test_removing_one_of_several_payments(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    invoice = approved_sales(client, tenant)
    i, total = invoice["id"], gross(invoice)
    service_event(session_factory, tenant, i, "send")
    first = mark_paid(client, tenant.headers, i, "100.00", paymentDate=day(5, 21)).json()
    second = mark_paid(client, tenant.headers, i, total - 100, paymentDate=day(5, 22)).json()
    assert invoice_of(client, tenant.headers, i)["status"] == "MARKED_PAID"
    tx = client.delete(f"/api/invoices/{i}/paymentevents/{second['id']}", headers=tenant.headers).json()
    confirm(session_factory, tenant, tx["transactionIdentifier"])
    partly = invoice_of(client, tenant.headers, i)
    assert (partly["status"], partly["paymentDate"]) == ("PARTLY_PAID", day(5, 21))
    tx = client.delete(f"/api/invoices/{i}/paymentevents/{first['id']}", headers=tenant.headers).json()
    confirm(session_factory, tenant, tx["transactionIdentifier"])
    # It was sent after its approval: back to SENT.
    assert invoice_of(client, tenant.headers, i)["status"] == "SENT"
    balances(session_factory, tenant.company_id)  # still balanced


def test_removal_refusals(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    i = approved_sales(client, tenant)["id"]
    event = mark_paid(client, tenant.headers, i, "10.00").json()
    h = tenant.headers
    assert errors(client.delete(f"/api/invoices/{i}/paymentevents/999", headers=h)) == [
        (404, "paymentEventId", "NOT_FOUND")
    ]
    clerk = colleague(session_factory, settings, tenant, edit=lambda r: r["payments"].update(markAsPaid="NO_ACCESS"))
    refused = client.delete(f"/api/invoices/{i}/paymentevents/{event['id']}", headers=clerk.headers)
    assert errors(refused) == [(403, None, "INSUFFICIENT_RIGHTS")]

    # Two removals asked for; the second confirmation finds nothing left to remove.
    first = client.delete(f"/api/invoices/{i}/paymentevents/{event['id']}", headers=h).json()
    second = client.delete(f"/api/invoices/{i}/paymentevents/{event['id']}", headers=h).json()
    confirm(session_factory, tenant, first["transactionIdentifier"])
    with pytest.raises(KirjuriError) as found:
        confirm(session_factory, tenant, second["transactionIdentifier"])
    assert (found.value.code, found.value.status, found.value.field) == ("NOT_FOUND", 404, "paymentEventId")
    assert invoice_of(client, tenant.headers, i)["status"] == "NOT_SENT"

    # A payment not marked paid here (a bank payment: no endpoint makes one yet, so it is shaped
    # from a marked one) is removed through /payments, not here.
    other = mark_paid(client, tenant.headers, i, "10.00").json()
    with session_factory() as session:
        row = session.get(PaymentEvent, (tenant.company_id, other["id"]))
        assert row is not None
        row.status, row.type = "PAID", "REFERENCEPAYMENT"
        session.commit()
    answer = client.delete(f"/api/invoices/{i}/paymentevents/{other['id']}", headers=h)
    assert errors(answer) == [(403, None, "PAYMENT_EVENT_NOT_REMOVABLE")]


def test_removal_in_a_closed_period_is_refused(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    i = approved_sales(client, tenant)["id"]
    event = mark_paid(client, tenant.headers, i, "10.00", paymentDate=day(6, 5)).json()
    tx = client.delete(f"/api/invoices/{i}/paymentevents/{event['id']}", headers=tenant.headers).json()
    lock_period(session_factory, tenant.company_id, day(6, 5))
    refused = client.delete(f"/api/invoices/{i}/paymentevents/{event['id']}", headers=tenant.headers)
    assert errors(refused) == [(400, "paymentDate", "CLOSED_FISCAL_PERIOD")]
    with pytest.raises(KirjuriError) as found:
        confirm(session_factory, tenant, tx["transactionIdentifier"])
    assert found.value.code == "CLOSED_FISCAL_PERIOD"
    assert [e["id"] for e in payment_events(client, tenant.headers, i)] == [event["id"]]


def test_a_foreign_currency_invoice_settles_its_receivable_to_the_cent(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    body = sales_invoice_body()
    payment_info = copy.deepcopy(body["paymentInfo"])
    payment_info.update(currency="SEK", currencyRate=11.4567)
    invoice = approved_sales(client, tenant, paymentInfo=payment_info)
    i, total = invoice["id"], gross(invoice)
    receivables = role(session_factory, tenant.company_id, chart.Role.RECEIVABLES)
    booked = balances(session_factory, tenant.company_id)[receivables]
    assert booked == Decimal(str(invoice["invoiceSumInfo"][1]["invoiceSumTotal"]))
    for amount in (Decimal("333.33"), Decimal("0.01"), total - Decimal("333.34")):
        answer = mark_paid(client, tenant.headers, i, amount, currency="SEK")
        assert answer.status_code == 200, answer.text
    assert invoice_of(client, tenant.headers, i)["status"] == "MARKED_PAID"
    after = balances(session_factory, tenant.company_id)
    assert receivables not in after
    assert after[role(session_factory, tenant.company_id, chart.Role.BANK)] == booked
    # The first payment was booked at the invoice's rate.
    with session_factory() as session:
        first = session.scalars(
            select(LedgerTransaction.amount_minor)
            .join(
                LedgerReceipt,
                (LedgerReceipt.company_id == LedgerTransaction.company_id)
                & (LedgerReceipt.id == LedgerTransaction.receipt_id),
            )
            .where(LedgerReceipt.company_id == tenant.company_id, LedgerReceipt.type == "JOURNAL")
            .where(LedgerTransaction.kind == "REVERSING_ENTRY")
            .order_by(LedgerTransaction.id)
        ).first()
    assert first == round(Decimal(int(booked * 100)) * Decimal("333.33") / total)


def test_the_deprecated_confirm_answers_only_for_payment_removals(
    client: TestClient, tenant: Tenant, db: Session
) -> None:
    other_kind = mfa_service.start(
        db,
        company_id=tenant.company_id,
        user_id=tenant.user_id,
        kind="USER_UPDATE",
        payload={"first_name": "X"},
    )
    db.commit()
    answer = client.put(f"/api/invoices/{other_kind.id}/confirm", headers=tenant.headers)
    assert errors(answer) == [(404, "transactionIdentifier", "NOT_FOUND")]
    assert errors(client.put("/api/invoices/no-such/confirm", headers=tenant.headers)) == [
        (404, "transactionIdentifier", "NOT_FOUND")
    ]
