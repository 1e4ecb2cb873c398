"""Direct salary payments over HTTP (`/payments/directsalarypayments`): the list behind two-step
verification (202, nothing written until the user confirms), every refusal at its field path,
rights, reads and search, cancel of a whole list (and never of one payment), the deprecated
confirm in every state, another company's ids, the SALA file out and settlement from the
statement, and no salary data in the logs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.banking.payments import outbound, sepa, settlement
from kirjuri.banking.payments.models import Payment
from kirjuri.banking.payments.salary.models import SalaryPaymentList
from kirjuri.banking.records import BankEntry
from kirjuri.banking.xml import parse
from kirjuri.companies import rules as rights
from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.mfa import service as mfa_service
from kirjuri.webhooks import outbox
from tests.banking.payments.helpers import (
    PAYER_IBAN,
    SECOND_PAYER_IBAN,
    add_account,
    decide,
    future,
    transfer,
)
from tests.companies.helpers import add_colleague
from tests.factories import Tenant
from tests.invoicing.helpers import OTHER_IBAN, errors
from tests.logcapture import Logs

Events = list[tuple[int, str, dict[str, Any]]]
ESTONIAN_IBAN = "EE382200221020145685"
URL = "/api/payments/directsalarypayments"
NS = {"p": sepa.NS}


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    yield
    clock.reset()


@pytest.fixture()
def events(monkeypatch: pytest.MonkeyPatch) -> Events:
    seen: Events = []

    def emit(_session: Session, *, company_id: int, event_type: str, payload: dict[str, Any]) -> None:
        seen.append((company_id, event_type, payload))

    monkeypatch.setattr(outbox, "emit", emit)
    return seen


@pytest.fixture()
def payer(tenant: Tenant, session_factory: sessionmaker[Session]) -> Tenant:
    """The tenant with a default payment account that allows salary payments."""
    add_account(session_factory, tenant.company_id, document={"allowSalaryPayments": True})
    return tenant


def salary(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "amount": 2345.67,
        "recipientBankAccount": OTHER_IBAN,
        "recipientName": "Maija Meikäläinen",
        "recipientCode": {"brnType": "HETU", "code": "131052-308T"},
        "currencyCode": "EUR",
        "customId": "emp-1",
        "message": "Palkka marraskuu",
    }
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def salary_list(*payments: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "listName": "Palkat 11/2026",
        "paymentMethod": "FINNISH_SALARY_TRANSFER",
        "paymentDate": future().isoformat(),
        "customId": "payroll-11",
        "payments": list(payments)
        or [
            salary(),
            salary(amount=1000, recipientBankAccount=ESTONIAN_IBAN, recipientName="Jaan Tamm", customId="emp-2"),
        ],
    }
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def _count(session_factory: sessionmaker[Session], company_id: int) -> tuple[int, int]:
    with session_factory() as session:
        payments = session.execute(
            select(func.count()).select_from(Payment).where(Payment.company_id == company_id)
        ).scalar_one()
        lists = session.execute(
            select(func.count()).select_from(SalaryPaymentList).where(SalaryPaymentList.company_id == company_id)
        ).scalar_one()
    return int(payments), int(lists)


def create(
    client: TestClient, session_factory: sessionmaker[Session], tenant: Tenant, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A confirmed list: the MFA result's `directSalaryPayment`."""
    answer = client.post(URL, json=body or salary_list(), headers=tenant.headers)
    assert answer.status_code == 202, answer.text
    transaction = answer.json()["transactionIdentifier"]
    decide(session_factory, tenant.user_id, transaction)
    result = client.get(f"/api/mfatransactionresult/{transaction}", headers=tenant.headers)
    assert result.status_code == 200, result.text
    found: dict[str, Any] = result.json()["directSalaryPayment"]
    return found


def cancel(client: TestClient, session_factory: sessionmaker[Session], tenant: Tenant, list_id: int) -> str:
    answer = client.put(f"{URL}/{list_id}/cancel", headers=tenant.headers)
    assert answer.status_code == 202, answer.text
    transaction: str = answer.json()["transactionIdentifier"]
    decide(session_factory, tenant.user_id, transaction)
    return transaction


def test_a_salary_list_waits_for_the_user_then_queues_every_payment(
    client: TestClient, payer: Tenant, session_factory: sessionmaker[Session], events: Events
) -> None:
    answer = client.post(URL, json=salary_list(), headers=payer.headers)
    assert answer.status_code == 202, answer.text
    assert answer.json()["confirmationApp"] == "KIRJURI_PORTAL"
    transaction = answer.json()["transactionIdentifier"]
    assert _count(session_factory, payer.company_id) == (0, 0)
    assert client.get(f"/api/mfatransactionresult/{transaction}", headers=payer.headers).status_code == 202
    waiting = client.put(f"{URL}/{transaction}/confirm", headers=payer.headers)
    assert waiting.status_code == 202 and waiting.json()["message"]
    assert events == []
    # The approver sees the list's count and total, no payee.
    with session_factory() as session:
        summary = mfa_service.pending_for_user(session, user_id=payer.user_id)[0].payload["summary"]
    assert summary == (
        f"Pay salaries of list 'Palkat 11/2026': 2 payments, 3345.67 EUR in all, from {PAYER_IBAN} "
        f"on {future().isoformat()}"
    )

    decide(session_factory, payer.user_id, transaction)
    done = client.get(f"/api/mfatransactionresult/{transaction}", headers=payer.headers)
    assert done.status_code == 200
    result = done.json()["directSalaryPayment"]
    assert result["customId"] == "payroll-11"
    assert [p["customId"] for p in result["payments"]] == ["emp-1", "emp-2"]
    assert done.json().get("directBankTransfers") is None
    list_id = result["id"]
    ids = [p["paymentId"] for p in result["payments"]]
    assert _count(session_factory, payer.company_id) == (2, 1)

    group = client.get(f"{URL}/{list_id}", headers=payer.headers)
    assert group.status_code == 200
    body = group.json()
    assert body.pop("created")
    assert body == {
        "id": list_id,
        "listName": "Palkat 11/2026",
        "status": "PAYMENT_QUEUED",
        "paymentMethod": "FINNISH_SALARY_TRANSFER",
        "paymentDate": f"{future().isoformat()}T00:00:00Z",
        "payerBankAccount": PAYER_IBAN,
        "totalSum": 3345.67,
        "customId": "payroll-11",
        "payments": result["payments"],
    }
    deprecated = client.put(f"{URL}/{transaction}/confirm", headers=payer.headers)
    assert deprecated.status_code == 200
    assert deprecated.json()["PaymentGroup"]["id"] == list_id
    assert deprecated.json()["PaymentGroup"]["payments"] == result["payments"]
    # The payment rows, visible to a salary reader through /payments too.
    row = client.get(f"/api/payments/{ids[1]}", headers=payer.headers).json()
    assert (row["amount"], row["receiverAccount"], row["receiverName"], row["status"]) == (
        1000,
        ESTONIAN_IBAN,
        "Jaan Tamm",
        "PAYMENT_QUEUED",
    )
    with session_factory() as session:
        stored = session.scalars(select(Payment).where(Payment.company_id == payer.company_id)).all()
        assert {(p.kind, p.list_id, p.payment_method) for p in stored} == {
            ("SALARY", list_id, "FINNISH_SALARY_TRANSFER")
        }
        assert stored[0].document == {"recipientCode": {"brnType": "HETU", "code": "131052-308T"}}
    assert events[0] == (
        payer.company_id,
        "DIRECT_SALARY_PAYMENTS_CREATED",
        {"transactionIdentifier": transaction, "response": {"directSalaryPayment": result}},
    )
    assert [e[1] for e in events[1:]] == ["payment.created", "payment.created"]
    assert all("amount" not in e[2] and e[2]["listId"] == list_id for e in events[1:])


def _entry_errors(client: TestClient, tenant: Tenant, body: dict[str, Any]) -> list[tuple[int, str | None, str]]:
    return errors(client.post(URL, json=body, headers=tenant.headers))


CH_IBAN = "CH9300762011623852957"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            salary_list(salary(), salary(customId="emp-2", recipientBankAccount="FI00123")),
            (400, "payments[1].recipientBankAccount", "INVALID_IBAN"),
        ),
        (
            salary_list(salary(), salary(customId="emp-2", recipientBankAccount=CH_IBAN)),
            (400, "payments[1].recipientBankAccount", "RECIPIENT_OUTSIDE_EEA"),
        ),
        (salary_list(salary(amount=0)), (400, "payments[0].amount", "INVALID_AMOUNT")),
        (salary_list(salary(amount=10.123)), (400, "payments[0].amount", "TOO_MANY_DECIMALS")),
        (salary_list(salary(), salary()), (400, "payments[1].customId", "DUPLICATE_CUSTOM_ID")),
        (salary_list(salary(recipientBicCode="NOPE")), (400, "payments[0].recipientBicCode", "INVALID_BIC")),
        (
            salary_list(salary(bankReferenceCode="1232", bankReferenceCodeType="FI")),
            (400, "payments[0].message", "REFERENCE_AND_MESSAGE"),
        ),
        (
            salary_list(salary(bankReferenceCode="1232", bankReferenceCodeType="OCR", message=None)),
            (400, "payments[0].bankReferenceCodeType", "UNSUPPORTED_REFERENCE_TYPE"),
        ),
        (salary_list(payerBankAccount="FI5810171000000122"), (400, "payerBankAccount", "PAYER_BANK_ACCOUNT_NOT_FOUND")),
    ],
)
def test_each_refusal_at_its_field_and_nothing_written(
    client: TestClient,
    payer: Tenant,
    session_factory: sessionmaker[Session],
    body: dict[str, Any],
    expected: tuple[int, str, str],
) -> None:
    assert _entry_errors(client, payer, body) == [expected]
    assert _count(session_factory, payer.company_id) == (0, 0)
    with session_factory() as session:
        assert mfa_service.pending_for_user(session, user_id=payer.user_id) == []


def test_wire_shape_refusals(client: TestClient, payer: Tenant) -> None:
    for body, field in (
        (salary_list(paymentMethod="FINNISH_BANK_TRANSFER"), "paymentMethod"),
        (salary_list(salary(currencyCode="SEK")), "payments[0].currencyCode"),
        (salary_list(salary(customId=None)), "payments[0].customId"),
        (salary_list(salary(recipientCode=None)), "payments[0].recipientCode"),
        (salary_list(salary(recipientName="")), "payments[0].recipientName"),
        (salary_list(listName=None), "listName"),
        (salary_list(salary(), payments=[]), "payments"),
    ):
        found = _entry_errors(client, payer, body)
        assert [(status, at) for status, at, _code in found] == [(400, field)], (field, found)
    past = (clock.now().date() - timedelta(days=1)).isoformat()
    assert _entry_errors(client, payer, salary_list(paymentDate=past)) == [
        (400, "paymentDate", "PAYMENT_DATE_IN_THE_PAST")
    ]


def test_the_payer_account_must_allow_salary_payments(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    assert _entry_errors(client, tenant, salary_list()) == [(400, "payerBankAccount", "PAYER_BANK_ACCOUNT_REQUIRED")]
    add_account(session_factory, tenant.company_id)  # allowPayments only
    add_account(
        session_factory,
        tenant.company_id,
        iban=SECOND_PAYER_IBAN,
        default_for_payment=False,
        allow_payments=False,
        status="CLOSED",
        document={"allowSalaryPayments": True},
    )
    refused = (400, "payerBankAccount", "SALARY_PAYMENTS_NOT_ALLOWED_FROM_ACCOUNT")
    assert _entry_errors(client, tenant, salary_list()) == [refused]
    assert _entry_errors(client, tenant, salary_list(payerBankAccount=SECOND_PAYER_IBAN)) == [refused]


def test_the_confirmation_checks_the_account_again(
    client: TestClient, payer: Tenant, session_factory: sessionmaker[Session]
) -> None:
    from kirjuri.banking.accounts.models import BankAccount
    from kirjuri.core.errors import KirjuriError

    answer = client.post(URL, json=salary_list(), headers=payer.headers)
    transaction = answer.json()["transactionIdentifier"]
    with session_factory() as session:
        account = session.scalars(select(BankAccount).where(BankAccount.company_id == payer.company_id)).one()
        account.document = {"allowSalaryPayments": False}
        session.commit()
    with pytest.raises(KirjuriError) as caught:
        decide(session_factory, payer.user_id, transaction)
    assert (caught.value.code, caught.value.field) == ("SALARY_PAYMENTS_NOT_ALLOWED_FROM_ACCOUNT", "payerBankAccount")
    assert _count(session_factory, payer.company_id) == (0, 0)


def test_rights(client: TestClient, payer: Tenant, session_factory: sessionmaker[Session], settings: Settings) -> None:
    created = create(client, session_factory, payer)
    payment_id = created["payments"][0]["paymentId"]
    viewer = add_colleague(session_factory, settings, payer)  # read-only rights
    assert client.get(f"{URL}/{created['id']}", headers=viewer.headers).status_code == 200
    assert errors(client.post(URL, json=salary_list(), headers=viewer.headers)) == [(403, None, "INSUFFICIENT_RIGHTS")]
    assert errors(client.put(f"{URL}/{created['id']}/cancel", headers=viewer.headers)) == [
        (403, None, "INSUFFICIENT_RIGHTS")
    ]
    no_salaries = rights.rights_document(rights.ALL_RIGHTS)
    no_salaries["payments"]["salaryPayments"] = rights.NO_ACCESS
    clerk = add_colleague(session_factory, settings, payer, rights=no_salaries)
    for path in (URL, f"{URL}/{created['id']}"):
        assert errors(client.get(path, headers=clerk.headers)) == [(403, None, "INSUFFICIENT_RIGHTS")], path
    # Salary payments are personal data: not in the clerk's /payments.
    assert client.get(f"/api/payments/{payment_id}", headers=clerk.headers).status_code == 404
    assert client.get("/api/payments", headers=clerk.headers).json()["results"] == []
    assert len(client.get("/api/payments", headers=payer.headers).json()["results"]) == 2


def test_search(client: TestClient, payer: Tenant, session_factory: sessionmaker[Session]) -> None:
    first = create(client, session_factory, payer)
    second = create(
        client,
        session_factory,
        payer,
        salary_list(salary(amount=10), listName="Bonukset joulu", customId="bonus", paymentDate=future(10).isoformat()),
    )
    third = create(client, session_factory, payer, salary_list(salary(amount=5), customId=None))

    def ids(query: str = "") -> list[int]:
        answer = client.get(f"{URL}{query}", headers=payer.headers)
        assert answer.status_code == 200, answer.text
        return [r["id"] for r in answer.json()["results"]]

    assert ids() == [third["id"], second["id"], first["id"]]
    assert ids("?orderById=ASC&size=2") == [first["id"], second["id"]]
    assert ids("?name=BONUKSET") == [second["id"]]
    assert ids("?customId=payroll-11") == [first["id"]]
    assert ids(f"?startDate={future(5).isoformat()}") == [second["id"]]
    assert ids(f"?endDate={future(5).isoformat()}") == [third["id"], first["id"]]
    listed = client.get(f"{URL}?customId=bonus", headers=payer.headers).json()
    assert listed["meta"] == {"pageNumber": 0, "pageSize": 50, "resultCount": 1, "totalCount": 1}
    assert listed["results"][0]["totalSum"] == 10
    assert "payments" not in listed["results"][0]
    assert "customId" not in client.get(f"{URL}/{third['id']}", headers=payer.headers).json()
    assert errors(client.get(f"{URL}?startDate=2026-12-02&endDate=2026-12-01", headers=payer.headers)) == [
        (400, "endDate", "END_DATE_BEFORE_START_DATE")
    ]
    assert client.get(f"{URL}?size=0", headers=payer.headers).status_code == 400


def test_cancelling_a_list(
    client: TestClient, payer: Tenant, session_factory: sessionmaker[Session], events: Events
) -> None:
    created = create(client, session_factory, payer)
    list_id = created["id"]
    payment_id = created["payments"][0]["paymentId"]
    # One salary payment alone is never cancelled.
    assert errors(client.put(f"/api/payments/{payment_id}/cancel", headers=payer.headers)) == [
        (403, None, "SALARY_PAYMENT_OF_A_LIST")
    ]
    events.clear()
    answer = client.put(f"{URL}/{list_id}/cancel", headers=payer.headers)
    assert answer.status_code == 202
    transaction = answer.json()["transactionIdentifier"]
    assert client.get(f"{URL}/{list_id}", headers=payer.headers).json()["status"] == "PAYMENT_QUEUED"
    decide(session_factory, payer.user_id, transaction)
    assert client.get(f"{URL}/{list_id}", headers=payer.headers).json()["status"] == "PAYMENT_TRANSACTION_CANCELLED"
    rows = [client.get(f"/api/payments/{p['paymentId']}", headers=payer.headers).json() for p in created["payments"]]
    assert {r["status"] for r in rows} == {"PAYMENT_TRANSACTION_REMOVED"}
    message = {"info": {"message": "Salary payment list cancelled"}}
    assert client.get(f"/api/mfatransactionresult/{transaction}", headers=payer.headers).json() == message
    assert client.put(f"{URL}/{transaction}/confirm", headers=payer.headers).json() == {
        "InfoMessage": {"message": "Salary payment list cancelled"}
    }
    assert events == [
        (
            payer.company_id,
            "DIRECT_SALARY_PAYMENTS_CANCELED",
            {"transactionIdentifier": transaction, "response": message},
        )
    ]
    assert errors(client.put(f"{URL}/{list_id}/cancel", headers=payer.headers)) == [
        (403, None, "PAYMENT_ALREADY_REMOVED")
    ]
    assert errors(client.put(f"{URL}/999999/cancel", headers=payer.headers)) == [(404, "paymentListId", "NOT_FOUND")]
    assert client.get(f"{URL}/0", headers=payer.headers).status_code == 404
    assert client.get(f"{URL}/99999999999", headers=payer.headers).status_code == 404


def test_another_companys_lists_are_not_found(
    client: TestClient, payer: Tenant, other_tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    created = create(client, session_factory, payer)
    add_account(session_factory, other_tenant.company_id, document={"allowSalaryPayments": True})
    assert client.get(f"{URL}/{created['id']}", headers=other_tenant.headers).status_code == 404
    assert client.put(f"{URL}/{created['id']}/cancel", headers=other_tenant.headers).status_code == 404
    assert client.get(URL, headers=other_tenant.headers).json()["results"] == []
    for p in created["payments"]:
        assert client.get(f"/api/payments/{p['paymentId']}", headers=other_tenant.headers).status_code == 404


def test_the_deprecated_confirm_in_every_state(
    client: TestClient, payer: Tenant, session_factory: sessionmaker[Session], settings: Settings, other_tenant: Tenant
) -> None:
    def start() -> str:
        answer = client.post(URL, json=salary_list(), headers=payer.headers)
        assert answer.status_code == 202
        transaction: str = answer.json()["transactionIdentifier"]
        return transaction

    def confirm(transaction: str, tenant: Any = payer) -> int:
        return client.put(f"{URL}/{transaction}/confirm", headers=tenant.headers).status_code

    rejected = start()
    decide(session_factory, payer.user_id, rejected, approve=False)
    assert confirm(rejected) == 406
    expired = start()
    clock.travel(timedelta(minutes=5, seconds=1))
    assert confirm(expired) == 408
    clock.reset()
    pending = start()
    colleague = add_colleague(session_factory, settings, payer)
    assert confirm(pending, colleague) == 403
    assert confirm(pending, other_tenant) == 404
    assert confirm("no-such-transaction") == 404
    # A direct-transfer transaction is not a salary one (and vice versa).
    direct = client.post(
        "/api/payments/directbanktransfers", json={"directBankTransfers": [transfer()]}, headers=payer.headers
    )
    assert direct.status_code == 202
    assert confirm(direct.json()["transactionIdentifier"]) == 404
    assert client.put(f"/api/payments/{pending}/confirm", headers=payer.headers).status_code == 404


def _read(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    sepa.validate(data)
    root = parse(data)
    (info,) = root.findall("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    return {
        "purpose": info.findtext("p:PmtTpInf/p:CtgyPurp/p:Cd", namespaces=NS),
        "ids": [tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS) for tx in info.findall("p:CdtTrfTxInf", NS)],
        "addresses": len(info.findall("p:CdtTrfTxInf/p:Cdtr/p:PstlAdr", NS)),
        "messages": [tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS) for tx in info.findall("p:CdtTrfTxInf", NS)],
    }


def test_sent_in_a_sala_file_of_its_own_and_settled_from_the_statement(
    client: TestClient, payer: Tenant, session_factory: sessionmaker[Session], tmp_path: Path, events: Events
) -> None:
    created = create(client, session_factory, payer)
    ids = [p["paymentId"] for p in created["payments"]]
    direct = client.post(
        "/api/payments/directbanktransfers", json={"directBankTransfers": [transfer()]}, headers=payer.headers
    )
    decide(session_factory, payer.user_id, direct.json()["transactionIdentifier"])
    events.clear()
    with session_factory() as session:
        written = outbound.write_due_files(session, now=clock.now(), directory=tmp_path)
        session.commit()
    mine = sorted(p for p in written if p.name.startswith(f"KIRJURI-{payer.company_id}-"))
    files = [_read(p) for p in mine]
    assert len(files) == 2
    (ordinary,) = [f for f in files if f["purpose"] is None]
    (salaries,) = [f for f in files if f["purpose"] == "SALA"]
    assert salaries["ids"] == [str(i) for i in ids]
    assert salaries["addresses"] == 0
    assert salaries["messages"] == ["Palkka marraskuu", "Palkka marraskuu"]
    assert ordinary["addresses"] == 1 and len(ordinary["ids"]) == 1
    assert client.get(f"{URL}/{created['id']}", headers=payer.headers).json()["status"] == "PAYMENT_SENT_TO_BANK"
    assert errors(client.put(f"{URL}/{created['id']}/cancel", headers=payer.headers)) == [
        (403, None, "PAYMENT_ALREADY_SENT_TO_BANK")
    ]
    sent = [
        e
        for e in events
        if e[0] == payer.company_id and e[1] == "payment.sent_to_bank" and e[2].get("listId") == created["id"]
    ]
    assert len(sent) == 2 and all("amount" not in e[2] for e in sent)

    def settle(payment_id: int, amount: str) -> int | None:
        entry = BankEntry(
            archive_id="ARCH-1",
            booking_date=clock.now().date(),
            value_date=clock.now().date(),
            amount=Decimal(amount),
            currency="EUR",
            end_to_end_id=str(payment_id),
        )
        with session_factory() as session:
            found = settlement.settle(session, company_id=payer.company_id, entry=entry, bank_ledger_account="1910")
            session.commit()
        return found

    assert settle(ids[0], "-2345.66") is None
    assert settle(ids[0], "-2345.67") == ids[0]
    assert client.get(f"{URL}/{created['id']}", headers=payer.headers).json()["status"] == "PAYMENT_SENT_TO_BANK"
    assert settle(ids[1], "-1000.00") == ids[1]
    assert client.get(f"{URL}/{created['id']}", headers=payer.headers).json()["status"] == "PAID"
    assert client.get(f"/api/payments/{ids[1]}", headers=payer.headers).json()["status"] == "PAID"


def test_a_cancel_confirmed_after_the_file_went_out_changes_nothing(
    client: TestClient, payer: Tenant, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    from kirjuri.core.errors import KirjuriError

    created = create(client, session_factory, payer)
    answer = client.put(f"{URL}/{created['id']}/cancel", headers=payer.headers)
    with session_factory() as session:
        outbound.write_due_files(session, now=clock.now(), directory=tmp_path)
        session.commit()
    with pytest.raises(KirjuriError) as caught:
        decide(session_factory, payer.user_id, answer.json()["transactionIdentifier"])
    assert caught.value.code == "PAYMENT_ALREADY_SENT_TO_BANK"
    assert client.get(f"{URL}/{created['id']}", headers=payer.headers).json()["status"] == "PAYMENT_SENT_TO_BANK"


def test_no_salary_data_in_the_logs(
    client: TestClient,
    payer: Tenant,
    session_factory: sessionmaker[Session],
    logs: Logs,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every structlog event raw, every rendered line and every record (`tests.logcapture`)."""
    created = create(client, session_factory, payer)
    client.get(f"{URL}/{created['id']}", headers=payer.headers)
    client.get(URL, headers=payer.headers)
    cancel(client, session_factory, payer, created["id"])
    logged = logs.text(caplog)
    assert "/payments/directsalarypayments" in logged  # the requests were logged: the capture sees them
    for secret in ("2345.67", "2345,67", "Meikäläinen", "Jaan Tamm", ESTONIAN_IBAN, "131052-308T"):
        assert secret not in logged
