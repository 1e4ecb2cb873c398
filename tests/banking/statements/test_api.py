"""§D.3 and §D.20 over HTTP: the searches (nesting, filters, paging), every allocation endpoint and
its errors, Kirjuri's unmatched list and manual allocation, rights and company isolation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.banking.importers import ParsedFile
from kirjuri.banking.records import ReferencePaymentRecord
from kirjuri.banking.referencepayments import matching
from kirjuri.banking.referencepayments.matching import MatchResult
from kirjuri.banking.statements.models import BankStatementEvent
from kirjuri.config import Settings
from kirjuri.invoicing.models import PaymentEvent
from kirjuri.ledger import accounts, chart
from kirjuri.ledger.models import LedgerTransaction
from tests.attachments.helpers import post, upload
from tests.banking.statements.helpers import (
    IBAN,
    add_bank_account,
    entry,
    payment,
    sample_statement,
    statement,
    use_file,
)
from tests.factories import Tenant, make_tenant
from tests.invoicing.helpers import post_invoice, purchase_invoice_body, sales_invoice_body
from tests.ledger.helpers import assert_books_balance


def errors(answer: Any) -> list[tuple[int, str | None, str]]:
    return [(e["status"], e.get("field"), e["message"]) for e in answer.json()["errors"]]


def import_records(client: TestClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch, parsed: ParsedFile) -> Any:
    use_file(monkeypatch, parsed)
    answer = client.post("/api/kirjuri/bankstatements/import", content=b"<file/>", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture()
def imported(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """The sample statement and two reference payments imported; the statement as GET shows it."""
    with session_factory() as session:
        add_bank_account(session, tenant.company_id)
        session.commit()

    def match(session: Session, *, payment: ReferencePaymentRecord, **_: Any) -> MatchResult:
        return MatchResult("UNMATCHED", None, Decimal(0), payment.amount, 55, None)

    monkeypatch.setattr(matching, "match", match)
    payments = (payment("RF-1"), payment("RF-2", "10.00"))
    import_records(
        client,
        tenant,
        monkeypatch,
        ParsedFile("CAMT054", statements=(sample_statement(),), reference_payments=payments),
    )
    answer = client.get("/api/bankstatements", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()["results"][0]
    return found


def event_id(statement: dict[str, Any], archive: str) -> int:
    for event in statement["events"]:
        if event["archiveCode"] == archive:
            return int(event["id"])
    raise AssertionError(archive)


def approved_invoice(client: TestClient, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
    invoice = post_invoice(client, tenant, body)
    verbs = ["approve"] if body["type"] == "SALES_INVOICE" else ["sendToCirculation", "verify", "approve"]
    for verb in verbs:
        answer = client.put(f"/api/invoices/{invoice['id']}/{verb}", json={} if verb != "sendToCirculation" else None,
                            headers=tenant.headers)  # fmt: skip
        assert answer.status_code == 200, (verb, answer.text)
    return client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers).json()  # type: ignore[no-any-return]


def test_get_bankstatements_nests_the_batch_transactions(imported: dict[str, Any]) -> None:
    statement = imported
    assert statement["accountNumber"] == IBAN
    assert (statement["numberOfDeposits"], statement["depositSum"], statement["numberOfWithdrawals"]) == (2, 424, 1)
    assert (statement["withdrawalSum"], statement["startBalance"], statement["endBalance"]) == (50, 1000, 1374)
    assert [e["archiveCode"] for e in statement["events"]] == ["ARCH-1", "ARCH-2", "ARCH-3"]
    batch = statement["events"][2]
    assert [(c["archiveCode"], c["sum"], c["reference"]) for c in batch["events"]] == [
        ("ARCH-3A", 100, "1232"), ("ARCH-3B", 200, "1245")]  # fmt: skip
    own = statement["events"][1]
    assert (own["sum"], own["endToEndId"], own["allocated"], own["name"]) == (-50, 17, False, "Toimittaja Oy")


def test_statement_filters_ordering_and_account_header(
    client: TestClient, tenant: Tenant, imported: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    later = statement("STMT-2", entries=(entry("ARCH-7", "1.00"),))
    later = later.__class__(**{**{f: getattr(later, f) for f in later.__slots__}, "start_date": later.end_date})  # type: ignore[attr-defined]
    import_records(client, tenant, monkeypatch, ParsedFile("CAMT053", statements=(later,)))
    get = lambda q, h=None: client.get(f"/api/bankstatements{q}", headers={**tenant.headers, **(h or {})})  # noqa: E731
    ids = [s["id"] for s in get("").json()["results"]]
    assert ids == sorted(ids, reverse=True)
    assert [s["id"] for s in get("?orderByStartDate=ASC").json()["results"]] == sorted(ids)
    assert [s["id"] for s in get("?orderById=ASC").json()["results"]] == sorted(ids)
    assert get("?size=1").json()["meta"] == {"pageNumber": 0, "pageSize": 1, "resultCount": 1, "totalCount": 2}
    assert get("", {"accountNumber": "FI42 5000 1510 0000 23"}).json()["results"] == []
    assert len(get("", {"accountNumber": "fi21 1234 5600 0007 85"}).json()["results"]) == 2
    year = later.end_date.year
    assert get(f"?startDate={year}-12-01").json()["results"] == []
    assert errors(get(f"?startDate={year}-03-10&endDate={year}-03-01")) == [
        (400, "endDate", "END_DATE_BEFORE_START_DATE")
    ]
    assert errors(get("?size=500"))[0][1:] == ("size", "INVALID_PAGE_SIZE")


def test_allocating_a_credit_to_a_sales_invoice_registers_a_payment_that_deallocation_keeps(
    client: TestClient, tenant: Tenant, imported: dict[str, Any], db: Session
) -> None:
    invoice = approved_invoice(client, tenant, sales_invoice_body())
    sid, eid = imported["id"], event_id(imported, "ARCH-1")
    url = f"/api/bankstatements/{sid}/events/{eid}/invoices"
    answer = client.put(f"{url}?addPenalExpense=true", json=invoice["id"], headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    events = client.get(f"/api/invoices/{invoice['id']}/paymentevents", headers=tenant.headers).json()["results"]
    assert len(events) == 1 and Decimal(str(events[0]["amount"])) == Decimal("124.00")
    row = db.get(BankStatementEvent, (tenant.company_id, eid))
    assert row is not None and row.add_penal_expense and row.invoice_id == invoice["id"]
    again = client.put(url, json=invoice["id"], headers=tenant.headers)
    assert errors(again) == [(400, "eventId", "EVENT_ALREADY_ALLOCATED")]
    shown = client.get("/api/bankstatements", headers=tenant.headers).json()["results"][0]
    assert next(e for e in shown["events"] if e["id"] == eid)["invoiceId"] == invoice["id"]
    assert client.delete(url, headers=tenant.headers).status_code == 204
    db.expire_all()
    kept = db.scalars(select(PaymentEvent).where(PaymentEvent.company_id == tenant.company_id,
                                                  PaymentEvent.invoice_id == invoice["id"])).all()  # fmt: skip
    assert len(kept) == 1
    assert errors(client.delete(url, headers=tenant.headers)) == [(400, "eventId", "EVENT_NOT_ALLOCATED")]


def test_invoice_allocation_refusals(client: TestClient, tenant: Tenant, imported: dict[str, Any]) -> None:
    sales = approved_invoice(client, tenant, sales_invoice_body())
    # A purchase invoice as received (approving one needs a circulation set-up): enough for the type rule.
    purchase = post_invoice(client, tenant, purchase_invoice_body())
    sid = imported["id"]
    credit, debit = event_id(imported, "ARCH-1"), event_id(imported, "ARCH-2")

    def put(s: int, e: int, body: Any) -> Any:
        return client.put(f"/api/bankstatements/{s}/events/{e}/invoices", json=body, headers=tenant.headers)

    assert errors(put(sid, credit, purchase["id"])) == [(400, "invoiceId", "INVALID_INVOICE_TYPE")]
    assert errors(put(sid, debit, sales["id"])) == [(400, "invoiceId", "INVALID_INVOICE_TYPE")]
    assert errors(put(sid, credit, 999999)) == [(404, "invoiceId", "NOT_FOUND")]
    assert errors(put(999999, credit, sales["id"])) == [(404, "statementId", "NOT_FOUND")]
    assert errors(put(sid, 999999, sales["id"])) == [(404, "eventId", "NOT_FOUND")]
    assert put(sid, credit, "x").status_code == 400
    # A debit may go to a purchase invoice: whatever else the invoice's state says, not its type.
    assert (400, "invoiceId", "INVALID_INVOICE_TYPE") not in errors(put(sid, debit, purchase["id"]))


def test_wrong_statement_and_event_pairing_is_400(
    client: TestClient, tenant: Tenant, imported: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import_records(
        client,
        tenant,
        monkeypatch,
        ParsedFile("CAMT053", statements=(statement("STMT-2", entries=(entry("ARCH-8", "2.00"),)),)),
    )
    other = next(
        s
        for s in client.get("/api/bankstatements", headers=tenant.headers).json()["results"]
        if s["id"] != imported["id"]
    )
    eid = event_id(imported, "ARCH-1")
    for kind, body in (("invoices", 1), ("products", 1), ("metadata", {"allocationMetadataRows": []})):
        answer = client.put(f"/api/bankstatements/{other['id']}/events/{eid}/{kind}", json=body, headers=tenant.headers)
        assert errors(answer) == [(400, "eventId", "EVENT_NOT_IN_STATEMENT")], kind


def test_product_allocation(client: TestClient, tenant: Tenant, imported: dict[str, Any]) -> None:
    products = client.get("/api/products", headers=tenant.headers).json()["results"]
    if not products:
        made = client.post("/api/products", json={"name": "Pankkikulu", "type": "PURCHASE", "unit": "PIECE", "price": 1,
                                                            "discount": 0, "active": True, "currency": "EUR"},
                           headers=tenant.headers)  # fmt: skip
        assert made.status_code == 200, made.text
        products = [made.json()]
    url = f"/api/bankstatements/{imported['id']}/events/{event_id(imported, 'ARCH-2')}/products"
    assert errors(client.put(url, json=987654321, headers=tenant.headers)) == [(404, "productId", "NOT_FOUND")]
    assert client.put(url, json=products[0]["id"], headers=tenant.headers).status_code == 200
    shown = client.get("/api/bankstatements", headers=tenant.headers).json()["results"][0]["events"][1]
    assert (shown["productId"], shown["allocated"]) == (products[0]["id"], True)
    assert client.delete(url, headers=tenant.headers).status_code == 204
    assert errors(client.delete(url, headers=tenant.headers)) == [(400, "eventId", "EVENT_NOT_ALLOCATED")]


def test_statement_metadata_allows_both_vat_sides_and_checks_rows(
    client: TestClient, tenant: Tenant, imported: dict[str, Any]
) -> None:
    url = f"/api/bankstatements/{imported['id']}/events/{event_id(imported, 'ARCH-2')}/metadata"
    rows = [
        {"vatPercentage": 0, "sum": -20, "vatStatus": 5, "ledgerAccountCode": "1910", "comment": "tuonti"},
        {"vatPercentage": 0, "sum": -30, "vatStatus": 2},
    ]
    answer = client.put(url, json={"allocationMetadataRows": rows}, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    shown = client.get("/api/bankstatements", headers=tenant.headers).json()["results"][0]["events"][1]
    assert [(r["id"], r["sum"], r["vatStatus"]) for r in shown["allocationMetadataRows"]] == [(1, -20, 5), (2, -30, 2)]
    assert shown["allocationMetadataRows"][0]["ledgerAccount"]["ledgerAccountCode"] == "1910"
    bad = [{"vatPercentage": 13, "sum": 1, "vatStatus": 2}, {"vatPercentage": 0, "sum": 1, "ledgerAccountCode": "0"},
           {"vatPercentage": 0, "sum": "1.001", "vatStatus": 77}]  # fmt: skip
    assert errors(client.put(url, json={"allocationMetadataRows": bad}, headers=tenant.headers)) == [
        (400, "allocationMetadataRows[0].vatStatus", "ERROR_VATSTATUS_VATPERC"),
        (400, "allocationMetadataRows[2].sum", "TOO_MANY_DECIMALS"),
        (400, "allocationMetadataRows[2].vatStatus", "ERROR_VATSTATUS_VATPERC"),
        (400, "allocationMetadataRows[1].ledgerAccountCode", "LEDGER_ACCOUNT_NOT_FOUND"),
    ]
    assert client.put(url, json={"allocationMetadataRows": [{"sum": 1}]}, headers=tenant.headers).status_code == 400
    assert client.delete(url, headers=tenant.headers).status_code == 204
    shown = client.get("/api/bankstatements", headers=tenant.headers).json()["results"][0]["events"][1]
    assert shown["allocationMetadataRows"] == []


def test_reference_payments_search_and_metadata(client: TestClient, tenant: Tenant, imported: dict[str, Any]) -> None:
    found = client.get("/api/referencepayments", headers=tenant.headers).json()
    assert [p["archiveId"] for p in found["results"]] == ["RF-2", "RF-1"]
    first = found["results"][1]
    assert (first["accountNumber"], first["sum"], first["bankReference"], first["name"], first["allocated"]) == (
        IBAN, 124, "1232", "Maksaja Matti", False)  # fmt: skip
    assert [
        p["archiveId"]
        for p in client.get("/api/referencepayments?orderById=ASC", headers=tenant.headers).json()["results"]
    ] == ["RF-1", "RF-2"]
    assert (
        client.get("/api/referencepayments?accountNumber=FI4250001510000023", headers=tenant.headers).json()["results"]
        == []
    )
    assert (
        len(client.get("/api/referencepayments", headers={**tenant.headers, "accountNumber": IBAN}).json()["results"])
        == 2
    )
    year = first["valueDate"][:4]
    assert client.get(f"/api/referencepayments?startDate={year}-03-13", headers=tenant.headers).json()["results"] == []
    url = f"/api/referencepayments/{first['id']}/metadata"
    sales = {"allocationMetadataRows": [{"vatPercentage": 0, "sum": 124, "vatStatus": 7}]}
    assert client.put(url, json=sales, headers=tenant.headers).status_code == 200
    purchase_only = {"allocationMetadataRows": [{"vatPercentage": 0, "sum": 124, "vatStatus": 5}]}
    assert errors(client.put(url, json=purchase_only, headers=tenant.headers)) == [
        (400, "allocationMetadataRows[0].vatStatus", "ERROR_VATSTATUS_VATPERC")]  # fmt: skip
    assert client.delete(url, headers=tenant.headers).status_code == 204
    assert errors(client.put("/api/referencepayments/999999/metadata", json=sales, headers=tenant.headers)) == [
        (404, "referencePaymentId", "NOT_FOUND")]  # fmt: skip


def test_unmatched_payments_can_be_allocated_from_suspense(
    client: TestClient, tenant: Tenant, imported: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    unmatched = client.get("/api/kirjuri/referencepayments/unmatched", headers=tenant.headers).json()["results"]
    assert [(p["archiveId"], p["unmatchedSum"], p["suspenseReceiptId"]) for p in unmatched] == [
        ("RF-2", 10, 55),
        ("RF-1", 124, 55),
    ]
    invoice = approved_invoice(client, tenant, sales_invoice_body())
    calls: list[dict[str, Any]] = []

    def allocate(session: Session, **kwargs: Any) -> int:
        calls.append(kwargs)
        return 4321

    monkeypatch.setattr(matching, "allocate_from_suspense", allocate)
    rid = unmatched[0]["id"]
    url = f"/api/kirjuri/referencepayments/{rid}/invoice"
    assert errors(client.put(url, json=999999, headers=tenant.headers)) == [(404, "invoiceId", "NOT_FOUND")]
    answer = client.put(url, json=invoice["id"], headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    assert calls[0]["amount"] == Decimal("10.00") and calls[0]["suspense_receipt_id"] == 55
    assert calls[0]["invoice_id"] == invoice["id"]
    assert errors(client.put(url, json=invoice["id"], headers=tenant.headers)) == [
        (400, "referencePaymentId", "ALREADY_ALLOCATED")
    ]
    left = client.get("/api/kirjuri/referencepayments/unmatched", headers=tenant.headers).json()["results"]
    assert [p["archiveId"] for p in left] == ["RF-1"]
    shown = client.get("/api/referencepayments", headers=tenant.headers).json()["results"][0]
    assert (shown["invoiceId"], shown["allocated"]) == (invoice["id"], True)


def test_a_payment_in_suspense_is_allocated_to_an_invoice_by_hand(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real matcher posts a payment whose reference names no invoice to suspense; allocating
    it by hand moves it from suspense to the invoice's receivable, and the books balance."""
    with session_factory() as session:
        add_bank_account(session, tenant.company_id)
        session.commit()
    import_records(client, tenant, monkeypatch, ParsedFile("CAMT054", reference_payments=(payment("SUS-1", "10.00"),)))
    unmatched = client.get("/api/kirjuri/referencepayments/unmatched", headers=tenant.headers).json()["results"]
    assert [p["archiveId"] for p in unmatched] == ["SUS-1"]
    invoice = approved_invoice(client, tenant, sales_invoice_body())
    answer = client.put(
        f"/api/kirjuri/referencepayments/{unmatched[0]['id']}/invoice", json=invoice["id"], headers=tenant.headers
    )
    assert answer.status_code == 200, answer.text
    shown = client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers).json()
    assert shown["status"] == "PARTLY_PAID"
    assert client.get("/api/kirjuri/referencepayments/unmatched", headers=tenant.headers).json()["results"] == []
    with session_factory() as session:
        assert_books_balance(session, tenant.company_id)
        suspense = accounts.code_for_role(session, company_id=tenant.company_id, role=chart.Role.SUSPENSE)
        moved = session.scalars(
            select(LedgerTransaction.amount_minor).where(
                LedgerTransaction.company_id == tenant.company_id, LedgerTransaction.account == suspense
            )
        ).all()
    assert sorted(moved) == [-1000, 1000]


def test_another_company_sees_nothing_and_gets_404(
    client: TestClient, other_tenant: Tenant, imported: dict[str, Any]
) -> None:
    headers = other_tenant.headers
    assert client.get("/api/bankstatements", headers=headers).json()["results"] == []
    assert client.get("/api/referencepayments", headers=headers).json()["results"] == []
    eid = event_id(imported, "ARCH-1")
    answer = client.put(f"/api/bankstatements/{imported['id']}/events/{eid}/products", json=1, headers=headers)
    assert errors(answer) == [(404, "statementId", "NOT_FOUND")]


def test_rights_are_checked(client: TestClient, session_factory: sessionmaker[Session], settings: Settings) -> None:
    viewer = make_tenant(
        session_factory, settings, user_rights={"payments": {"bankStatementAndReferencePayment": "VIEWING_RIGHTS"}}
    )
    nobody = make_tenant(session_factory, settings, user_rights={})
    assert client.get("/api/bankstatements", headers=viewer.headers).status_code == 200
    assert client.get("/api/referencepayments", headers=nobody.headers).status_code == 403
    assert client.get("/api/bankstatements", headers=nobody.headers).status_code == 403
    for url in ("/api/bankstatements/1/events/1/invoices", "/api/referencepayments/1/metadata"):
        assert client.delete(url, headers=viewer.headers).status_code == 403
    answer = client.post("/api/kirjuri/bankstatements/import", content=b"x", headers=viewer.headers)
    assert errors(answer) == [(403, None, "INSUFFICIENT_RIGHTS")]


def test_the_import_endpoint_answers_the_summary_and_refuses_unknown_accounts(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_factory() as session:
        add_bank_account(session, tenant.company_id)
        session.commit()
    seen = use_file(monkeypatch, ParsedFile("CAMT053", statements=(sample_statement(),)))
    files = {"file": ("s.xml", b"<Document/>", "application/xml")}
    answer = client.post("/api/kirjuri/bankstatements/import", files=files, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"format": "CAMT053", "statementsNew": 1, "statementsSkipped": 0, "eventsNew": 5,
                             "eventsSkipped": 0, "referencePaymentsNew": 0, "referencePaymentsSkipped": 0,
                             "matched": 0, "unmatched": 0, "settled": 0}  # fmt: skip
    assert seen == [b"<Document/>"]
    use_file(monkeypatch, ParsedFile("CAMT054", reference_payments=(payment("RF-9", iban="FI4250001510000023"),)))
    answer = client.post("/api/kirjuri/bankstatements/import", content=b"x", headers=tenant.headers)
    assert errors(answer) == [(400, "file", "UNKNOWN_BANK_ACCOUNT")]
    monkeypatch.undo()
    answer = client.post("/api/kirjuri/bankstatements/import", content=b"not a bank file", headers=tenant.headers)
    assert errors(answer) == [(400, "file", "UNSUPPORTED_BANK_FILE")]
    assert errors(client.post("/api/kirjuri/bankstatements/import", content=b"", headers=tenant.headers)) == [
        (400, "file", "EMPTY_FILE")]  # fmt: skip
    no_file = {"other": ("s.xml", b"x", "application/xml")}
    answer = client.post("/api/kirjuri/bankstatements/import", files=no_file, headers=tenant.headers)
    assert errors(answer) == [(400, "file", "REQUIRED")]
    db_count = client.get("/api/referencepayments", headers=tenant.headers).json()["meta"]["totalCount"]
    assert db_count == 0


def test_files_attached_to_an_event_and_a_payment_show_on_them(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, imported: dict[str, Any]
) -> None:
    event = event_id(imported, "ARCH-1")
    payment_id = client.get("/api/referencepayments", headers=tenant.headers).json()["results"][0]["id"]
    on_event = upload(
        client, tenant, {"name": "kuitti.pdf", "referenceType": "BANKSTATEMENTEVENT", "referenceId": event}
    )
    on_payment = upload(
        client, tenant, {"name": "selvitys.txt", "referenceType": "REFERENCE_PAYMENT", "referenceId": payment_id}
    )
    statement = client.get("/api/bankstatements", headers=tenant.headers).json()["results"][0]
    shown = {e["archiveCode"]: [a["id"] for a in e["attachments"]] for e in statement["events"]}
    assert shown["ARCH-1"] == [on_event["id"]] and shown["ARCH-2"] == []
    payments = client.get("/api/referencepayments", headers=tenant.headers).json()["results"]
    assert {p["id"]: [a["name"] for a in p["attachments"]] for p in payments}[payment_id] == ["selvitys.txt"]
    assert on_payment["referenceId"] == payment_id
    # Another company's event is not an owner.
    foreign = {"name": "x.pdf", "referenceType": "BANKSTATEMENTEVENT", "referenceId": event}
    assert post(client, other_tenant, foreign, b"x").json()["errors"][0]["message"] == "REFERENCE_NOT_FOUND"
