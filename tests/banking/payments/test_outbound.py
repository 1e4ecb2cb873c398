"""Queued payments out to the bank and back: `write_due_files` writes one pain.001.001.09 file
per (debtor account, execution date), valid against sepaxml's XSD and read back here (EndToEndId,
amounts, structured creditor address, SCOR reference or message), moving payments and invoices to
PAYMENT_SENT_TO_BANK; `settle` then pays the invoice from the statement's debit, once, with
balanced books."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.banking.payments import outbound, sepa, settlement
from kirjuri.banking.payments.models import Payment
from kirjuri.banking.records import BankEntry
from kirjuri.banking.xml import parse
from kirjuri.companies.models import Company
from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.invoicing.models import PaymentEvent
from kirjuri.ledger import accounts, chart
from kirjuri.webhooks import delivery, outbox
from kirjuri.webhooks.worker import Worker
from tests.banking.payments.helpers import (
    PAYER_IBAN,
    SECOND_PAYER_IBAN,
    add_account,
    approved_purchase,
    future,
    item,
    pay,
    ready_to_pay,
)
from tests.factories import Tenant
from tests.invoicing.test_lifecycle_api import invoice_of
from tests.ledger.helpers import assert_books_balance

NS = {"p": sepa.NS}


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    yield
    clock.reset()


@pytest.fixture()
def events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str, dict[str, Any]]]:
    seen: list[tuple[int, str, dict[str, Any]]] = []

    def emit(_session: Session, *, company_id: int, event_type: str, payload: dict[str, Any]) -> None:
        seen.append((company_id, event_type, payload))

    monkeypatch.setattr(outbox, "emit", emit)
    return seen


def send(session_factory: sessionmaker[Session], directory: Path, company_id: int) -> list[Path]:
    with session_factory() as session:
        written = outbound.write_due_files(session, now=clock.now(), directory=directory)
        session.commit()
    # Earlier tests of this worker may have left queued payments of their companies.
    return [p for p in written if p.name.startswith(f"KIRJURI-{company_id}-")]


def _text(element: Element, path: str) -> str | None:
    return element.findtext(path, namespaces=NS)


def read(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    sepa.validate(data)
    root = parse(data)
    (info,) = root.findall("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    transfers = []
    for tx in info.findall("p:CdtTrfTxInf", NS):
        amount = tx.find("p:Amt/p:InstdAmt", NS)
        assert amount is not None
        transfers.append(
            {
                "endToEndId": _text(tx, "p:PmtId/p:EndToEndId"),
                "amount": Decimal(amount.text or ""),
                "currency": amount.get("Ccy"),
                "name": _text(tx, "p:Cdtr/p:Nm"),
                "address": {child.tag.split("}")[1]: child.text for child in tx.findall("p:Cdtr/p:PstlAdr/*", NS)},
                "iban": _text(tx, "p:CdtrAcct/p:Id/p:IBAN"),
                "scor": _text(tx, "p:RmtInf/p:Strd/p:CdtrRefInf/p:Tp/p:CdOrPrtry/p:Cd"),
                "reference": _text(tx, "p:RmtInf/p:Strd/p:CdtrRefInf/p:Ref"),
                "message": _text(tx, "p:RmtInf/p:Ustrd"),
            }
        )
    return {
        "messageId": _text(root, "p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId"),
        "count": _text(root, "p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs"),
        "sum": _text(root, "p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum"),
        "date": _text(info, "p:ReqdExctnDt/p:Dt"),
        "debtorIban": _text(info, "p:DbtrAcct/p:Id/p:IBAN"),
        "debtorBic": _text(info, "p:DbtrAgt/p:FinInstnId/p:BICFI"),
        "serviceLevel": _text(info, "p:PmtTpInf/p:SvcLvl/p:Cd"),
        "transfers": transfers,
    }


def test_one_valid_file_per_account_and_date(
    client: TestClient,
    tenant: Tenant,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
    events: list[tuple[int, str, dict[str, Any]]],
) -> None:
    ready_to_pay(session_factory, tenant)
    add_account(session_factory, tenant.company_id, iban=SECOND_PAYER_IBAN, bic=None, default_for_payment=False)
    invoices = [approved_purchase(client, tenant) for _ in range(4)]
    ids = pay(
        client,
        session_factory,
        tenant,
        [
            item(invoices[0]),
            item(invoices[1], amount=100, message="Lasku S-2001, osa 1"),
            item(invoices[2], payerBankAccount=SECOND_PAYER_IBAN),
            item(
                invoices[3],
                paymentDate=future(5).isoformat(),
                bankReferenceCode="RF332348236",
                bankReferenceCodeType="RF",
            ),
        ],
    )
    events.clear()
    written = send(session_factory, tmp_path, tenant.company_id)
    assert len(written) == 3
    assert not list(tmp_path.glob(".part-*"))
    files = sorted((read(p) for p in written), key=lambda f: (f["date"], f["debtorIban"]))
    first, second, later = files
    assert [(f["date"], f["debtorIban"], f["count"], f["sum"]) for f in files] == [
        (future().isoformat(), PAYER_IBAN, "2", "225.50"),
        (future().isoformat(), SECOND_PAYER_IBAN, "1", "125.50"),
        (future(5).isoformat(), PAYER_IBAN, "1", "125.50"),
    ]
    assert (first["debtorBic"], second["debtorBic"], first["serviceLevel"]) == ("NDEAFIHH", None, "SEPA")
    address = {"StrtNm": "Tehdaskatu 1", "PstCd": "33100", "TwnNm": "Tampere", "Ctry": "FI"}
    assert first["transfers"] == [
        {
            "endToEndId": str(ids[0]),
            "amount": Decimal("125.50"),
            "currency": "EUR",
            "name": "Toimittaja Oy",
            "address": address,
            "iban": "FI4250001510000023",
            "scor": "SCOR",
            "reference": "1232",
            "message": None,
        },
        {
            "endToEndId": str(ids[1]),
            "amount": Decimal("100.00"),
            "currency": "EUR",
            "name": "Toimittaja Oy",
            "address": address,
            "iban": "FI4250001510000023",
            "scor": None,
            "reference": None,
            "message": "Lasku S-2001, osa 1",
        },
    ]
    assert [t["endToEndId"] for t in second["transfers"]] == [str(ids[2])]
    assert [(t["scor"], t["reference"]) for t in later["transfers"]] == [("SCOR", "RF332348236")]
    assert len({f["messageId"] for f in files}) == 3

    for invoice in invoices:
        assert invoice_of(client, tenant.headers, invoice["id"])["status"] == "PAYMENT_SENT_TO_BANK"
    listed = client.get("/api/payments", headers=tenant.headers).json()["results"]
    assert {r["status"] for r in listed} == {"PAYMENT_SENT_TO_BANK"}
    mine = [p["paymentId"] for c, e, p in events if e == "payment.sent_to_bank" and c == tenant.company_id]
    assert sorted(mine) == sorted(ids)
    # Sent payments can no longer be cancelled or deleted; nothing is left to send.
    for method, path in (("PUT", f"/api/payments/{ids[0]}/cancel"), ("DELETE", f"/api/payments/{ids[0]}")):
        answer = client.request(method, path, headers=tenant.headers)
        assert answer.json()["errors"][0]["message"] == "PAYMENT_ALREADY_SENT_TO_BANK"
    assert send(session_factory, tmp_path, tenant.company_id) == []


def test_an_overdue_payment_is_executed_today(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    ready_to_pay(session_factory, tenant)
    pay(client, session_factory, tenant, [item(approved_purchase(client, tenant), paymentDate=future(1).isoformat())])
    clock.travel(timedelta(days=3))
    (path,) = send(session_factory, tmp_path, tenant.company_id)
    assert read(path)["date"] == clock.now().date().isoformat()


def test_a_sandbox_companys_files_stay_in_the_sandbox_folder(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with session_factory() as session:
        company = session.get(Company, tenant.company_id)
        assert company is not None
        company.is_sandbox = True
        session.commit()
    ready_to_pay(session_factory, tenant)
    pay(client, session_factory, tenant, [item(approved_purchase(client, tenant))])
    (path,) = send(session_factory, tmp_path, tenant.company_id)
    assert path.parent == tmp_path / outbound.SANDBOX_FOLDER
    assert not [p for p in tmp_path.glob(f"KIRJURI-{tenant.company_id}-*")]


@pytest.fixture()
def idle_webhooks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery, "run_round", lambda *_a, **_k: 0)


@pytest.mark.usefixtures("idle_webhooks")
def test_the_worker_sends_confirmed_payments_to_the_bank_folder(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    """A worker round writes the file `kirjuri bank send` would (the webhook job is idle here)."""
    ready_to_pay(session_factory, tenant)
    invoice = approved_purchase(client, tenant)
    [payment_id] = pay(client, session_factory, tenant, [item(invoice)])
    worker = Worker(session_factory, settings.model_copy(update={"bank_outbound_dir": tmp_path}))
    try:
        worker.round()
    finally:
        worker.http.close()
    [path] = tmp_path.glob(f"KIRJURI-{tenant.company_id}-*.xml")
    assert [t["endToEndId"] for t in read(path)["transfers"]] == [str(payment_id)]
    assert invoice_of(client, tenant.headers, invoice["id"])["status"] == "PAYMENT_SENT_TO_BANK"


def test_the_builder_refuses_what_the_schema_refuses() -> None:
    batch = sepa.Batch(
        message_id="X" * 40,  # MsgId is at most 35 characters
        created_at=clock.now(),
        debtor_name="Firma Oy",
        debtor_iban=PAYER_IBAN,
        execution_date=future(),
        transfers=(
            sepa.Transfer(
                end_to_end_id="1",
                amount_minor=100,
                creditor_name="X",
                creditor_iban="FI4250001510000023",
                creditor_address={"town": "Espoo", "country": "FI"},
            ),
        ),
    )
    with pytest.raises(sepa.InvalidDocument):
        sepa.build(batch)


def _entry(payment_id: int | str | None, amount: str, **changes: Any) -> BankEntry:
    values: dict[str, Any] = {
        "archive_id": "ARCH-1",
        "booking_date": clock.now().date(),
        "value_date": clock.now().date(),
        "amount": Decimal(amount),
        "currency": "EUR",
        "end_to_end_id": None if payment_id is None else str(payment_id),
    }
    values.update(changes)
    return BankEntry(**values)


def test_settlement_pays_the_invoice_once_with_balanced_books(
    *,
    client: TestClient,
    tenant: Tenant,
    other_tenant: Tenant,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
    events: list[tuple[int, str, dict[str, Any]]],
) -> None:
    ready_to_pay(session_factory, tenant)
    sent_invoice, queued_invoice = approved_purchase(client, tenant), approved_purchase(client, tenant)
    (sent,) = pay(client, session_factory, tenant, [item(sent_invoice)])
    send(session_factory, tmp_path, tenant.company_id)
    (queued,) = pay(client, session_factory, tenant, [item(queued_invoice)])
    with session_factory() as session:
        bank = accounts.code_for_role(session, company_id=tenant.company_id, role=chart.Role.BANK)
        payables = accounts.code_for_role(session, company_id=tenant.company_id, role=chart.Role.PAYABLES)

    def settle(entry: BankEntry, company_id: int = tenant.company_id) -> int | None:
        with session_factory() as session:
            found = settlement.settle(session, company_id=company_id, entry=entry, bank_ledger_account=bank)
            session.commit()
            return found

    # Not ours, or not matching: nothing happens.
    assert settle(_entry(None, "-125.50")) is None
    assert settle(_entry("abc", "-125.50")) is None
    assert settle(_entry(sent, "-125.49")) is None
    assert settle(_entry(sent, "125.50")) is None
    assert settle(_entry(sent, "-125.50", currency="SEK")) is None
    assert settle(_entry(999999, "-125.50")) is None
    assert settle(_entry(queued, "-125.50")) is None
    assert settle(_entry(sent, "-125.50"), other_tenant.company_id) is None
    assert invoice_of(client, tenant.headers, sent_invoice["id"])["status"] == "PAYMENT_SENT_TO_BANK"

    booked = clock.now().date()
    assert settle(_entry(sent, "-125.50", booking_date=booked)) == sent
    assert settle(_entry(sent, "-125.50")) is None  # idempotent
    paid = invoice_of(client, tenant.headers, sent_invoice["id"])
    assert (paid["status"], paid["paymentDate"]) == ("PAID", booked.isoformat())
    assert client.get(f"/api/payments/{sent}", headers=tenant.headers).json()["status"] == "PAID"
    assert (
        client.get(f"/api/payments?invoiceId={sent_invoice['id']}", headers=tenant.headers).json()["results"][0][
            "paidAmount"
        ]
        == 125.5
    )
    with session_factory() as session:
        (event,) = session.scalars(
            select(PaymentEvent).where(
                PaymentEvent.company_id == tenant.company_id, PaymentEvent.invoice_id == sent_invoice["id"]
            )
        ).all()
        assert (event.type, event.amount_minor, event.payment_date) == ("BANKSTATEMENT", 12550, booked)
        payment = session.get(Payment, (tenant.company_id, sent))
        assert payment is not None and payment.paid_date == booked
        assert_books_balance(session, tenant.company_id)
    balances = client.get("/api/payments/paymentevents?invoiceId=" + str(sent_invoice["id"]), headers=tenant.headers)
    assert [r["status"] for r in balances.json()["results"]] == ["PAID"]
    assert [(c, p["paymentId"]) for c, e, p in events if e == "payment.completed"] == [(tenant.company_id, sent)]
    assert bank != payables
