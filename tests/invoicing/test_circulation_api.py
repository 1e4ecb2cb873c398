"""Invoice circulation over HTTP: sending to circulation picks the checkers of the company's verifier
list; verifiers, then acceptors act, each once; the invoice moves on when all of a role have
acted; the personal lists show what waits for whom; `invoiceApprovalInformation` shows it all."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.invoicing import circulation, service
from tests.companies.helpers import Colleague
from tests.factories import Tenant
from tests.invoicing.helpers import body_of, errors, post_invoice
from tests.invoicing.test_lifecycle_api import (
    colleague,
    invoice_of,
    put,
    set_setting,
    trail,
    verifier_list,
)

# The day a checker acted: Finnish time (`circulation.approval_information`); the core's `to_wire`
# may show the UTC day, which differs only around midnight.
_NOW = clock.now()
ACTED_ON = {_NOW.astimezone(ZoneInfo("Europe/Helsinki")).date().isoformat(), _NOW.date().isoformat()}
TODAY = "acted"


def _waiting(client: TestClient, headers: dict[str, str], kind: str, types: str = "PURCHASE_INVOICE") -> Any:
    answer = client.get(f"/api/invoices/personal{kind}?types={types}", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["invoiceIds"]


def _checkers(invoice: dict[str, Any]) -> dict[str, list[tuple[int, str | None]]]:
    info = invoice.get("invoiceApprovalInformation") or {}
    return {
        role: [(c["userId"], _acted(c.get("eventPerformed"))) for c in info.get(role) or []]
        for role in ("verifiers", "acceptors")
    }


def _acted(day: str | None) -> str | None:
    if day is None:
        return None
    assert day in ACTED_ON
    return TODAY


@pytest.fixture()
def team(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> dict[str, Colleague]:
    """Two verifiers and two acceptors, and an outsider, all with full rights."""
    people = {
        name: colleague(session_factory, settings, tenant, first_name=name.capitalize(), last_name="Tarkastaja")
        for name in ("v1", "v2", "a1", "a2", "outsider")
    }
    verifier_list(
        session_factory,
        tenant.company_id,
        verifiers=[people["v1"].user_id, people["v2"].user_id],
        acceptors=[people["a1"].user_id, people["a2"].user_id],
    )
    return people


@pytest.mark.parametrize("invoice_type", ["PURCHASE_INVOICE", "TRAVEL_INVOICE", "BILL_OF_CHARGES"])
def test_a_full_circulation(client: TestClient, tenant: Tenant, team: dict[str, Colleague], invoice_type: str) -> None:
    v1, v2, a1, a2 = (team[n] for n in ("v1", "v2", "a1", "a2"))
    invoice = post_invoice(client, tenant, body_of(invoice_type))
    i = invoice["id"]
    assert "invoiceApprovalInformation" not in invoice
    assert put(client, tenant.headers, i, "sendToCirculation").status_code == 200
    sent = invoice_of(client, tenant.headers, i)
    assert sent["status"] == "RECEIVED"
    assert _checkers(sent) == {
        "verifiers": [(v1.user_id, None), (v2.user_id, None)],
        "acceptors": [(a1.user_id, None), (a2.user_id, None)],
    }
    assert _waiting(client, v1.headers, "verifications", invoice_type) == [i]
    assert _waiting(client, v2.headers, "verifications", invoice_type) == [i]
    assert _waiting(client, a1.headers, "approvals", invoice_type) == []

    # An acceptor cannot approve before the verifiers are done; an outsider never.
    assert errors(put(client, a1.headers, i, "approve")) == [(403, None, "VERIFICATION_NOT_COMPLETE")]
    assert errors(put(client, team["outsider"].headers, i, "verify")) == [(403, None, "NOT_A_CHECKER")]
    assert errors(put(client, v1.headers, i, "approve")) == [(403, None, "NOT_A_CHECKER")]

    assert put(client, v1.headers, i, "verify", {"comment": "Hinnat tarkistettu"}).status_code == 200
    once = invoice_of(client, tenant.headers, i)
    assert once["status"] == "RECEIVED"
    assert _checkers(once)["verifiers"] == [(v1.user_id, TODAY), (v2.user_id, None)]
    assert errors(put(client, v1.headers, i, "verify")) == [(403, None, "CHECK_ALREADY_PERFORMED")]
    assert _waiting(client, v1.headers, "verifications", invoice_type) == []

    assert put(client, v2.headers, i, "verify").status_code == 200
    assert invoice_of(client, tenant.headers, i)["status"] == "VERIFIED"
    assert _waiting(client, a1.headers, "approvals", invoice_type) == [i]
    assert _waiting(client, a2.headers, "approvals", invoice_type) == [i]

    assert put(client, a2.headers, i, "approve", {"comment": "OK"}).status_code == 200
    assert invoice_of(client, tenant.headers, i)["status"] == "VERIFIED"
    assert _waiting(client, a2.headers, "approvals", invoice_type) == []
    assert put(client, a1.headers, i, "approve").status_code == 200
    done = invoice_of(client, tenant.headers, i)
    assert done["status"] == "APPROVED"
    assert _checkers(done) == {
        "verifiers": [(v1.user_id, TODAY), (v2.user_id, TODAY)],
        "acceptors": [(a1.user_id, TODAY), (a2.user_id, TODAY)],
    }
    assert _waiting(client, a1.headers, "approvals", invoice_type) == []
    assert [(t.get("action"), t["name"], t.get("details")) for t in trail(client, tenant.headers, i)] == [
        (None, "Testi Käyttäjä", "CREATED"),
        ("SEND_TO_CIRCULATION", "Testi Käyttäjä", None),
        ("VERIFICATION", "V1 Tarkastaja", "Hinnat tarkistettu"),
        ("VERIFICATION", "V2 Tarkastaja", None),
        ("APPROVAL", "A2 Tarkastaja", "OK"),
        ("APPROVAL", "A1 Tarkastaja", None),
    ]


def test_no_circulation_without_an_acceptor(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    i = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))["id"]
    assert errors(put(client, tenant.headers, i, "sendToCirculation")) == [(403, None, "NO_APPROVERS_CONFIGURED")]
    verifier_list(session_factory, tenant.company_id, verifiers=[tenant.user_id], acceptors=[])
    assert errors(put(client, tenant.headers, i, "sendToCirculation")) == [(403, None, "NO_APPROVERS_CONFIGURED")]
    after = invoice_of(client, tenant.headers, i)
    assert after["status"] == "UNFINISHED"
    assert "invoiceApprovalInformation" not in after


def test_circulation_switched_off_for_a_type(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    verifier_list(session_factory, tenant.company_id, verifiers=[], acceptors=[tenant.user_id])
    set_setting(session_factory, tenant.company_id, "circulation", useForTravelAndExpenseInvoices=False)
    travel = post_invoice(client, tenant, body_of("TRAVEL_INVOICE"))["id"]
    assert errors(put(client, tenant.headers, travel, "sendToCirculation")) == [(403, None, "CIRCULATION_NOT_ENABLED")]
    purchase = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))["id"]
    assert put(client, tenant.headers, purchase, "sendToCirculation").status_code == 200


def test_acceptors_only_approve_from_received(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    verifier_list(session_factory, tenant.company_id, verifiers=[], acceptors=[tenant.user_id])
    i = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))["id"]
    assert put(client, tenant.headers, i, "sendToCirculation").status_code == 200
    assert _waiting(client, tenant.headers, "verifications") == []
    assert _waiting(client, tenant.headers, "approvals") == [i]
    assert errors(put(client, tenant.headers, i, "verify")) == [(403, None, "NOT_A_CHECKER")]
    assert put(client, tenant.headers, i, "approve").status_code == 200
    approved = invoice_of(client, tenant.headers, i)
    assert approved["status"] == "APPROVED"
    assert _checkers(approved) == {"verifiers": [], "acceptors": [(tenant.user_id, TODAY)]}


def test_determined_order(
    client: TestClient, tenant: Tenant, team: dict[str, Colleague], session_factory: sessionmaker[Session]
) -> None:
    set_setting(session_factory, tenant.company_id, "circulation", useDeterminedOrder=True)
    v1, v2, a1, a2 = (team[n] for n in ("v1", "v2", "a1", "a2"))
    i = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))["id"]
    assert put(client, tenant.headers, i, "sendToCirculation").status_code == 200
    assert _waiting(client, v1.headers, "verifications") == [i]
    assert _waiting(client, v2.headers, "verifications") == []
    assert errors(put(client, v2.headers, i, "verify")) == [(403, None, "NOT_YOUR_TURN")]
    assert put(client, v1.headers, i, "verify").status_code == 200
    assert _waiting(client, v2.headers, "verifications") == [i]
    assert put(client, v2.headers, i, "verify").status_code == 200
    assert _waiting(client, a2.headers, "approvals") == []
    assert errors(put(client, a2.headers, i, "approve")) == [(403, None, "NOT_YOUR_TURN")]
    assert put(client, a1.headers, i, "approve").status_code == 200
    assert put(client, a2.headers, i, "approve").status_code == 200
    assert invoice_of(client, tenant.headers, i)["status"] == "APPROVED"


def test_a_checker_may_reject_without_the_write_right(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    def checker_only(rights: dict[str, Any]) -> None:
        rights["purchases"].update(purchaseInvoices="VIEWING_RIGHTS")

    v = colleague(session_factory, settings, tenant, first_name="Veera", edit=checker_only)
    reader = colleague(session_factory, settings, tenant, first_name="Lukija", edit=checker_only)
    verifier_list(session_factory, tenant.company_id, verifiers=[v.user_id], acceptors=[tenant.user_id])
    i = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))["id"]
    assert errors(put(client, v.headers, i, "sendToCirculation")) == [(403, None, "INSUFFICIENT_RIGHTS")]
    assert put(client, tenant.headers, i, "sendToCirculation").status_code == 200
    assert errors(put(client, reader.headers, i, "reject")) == [(403, None, "INSUFFICIENT_RIGHTS")]
    assert put(client, v.headers, i, "reject", {"comment": "Väärä summa"}).status_code == 200
    rejected = invoice_of(client, tenant.headers, i)
    assert rejected["status"] == "PAYMENT_DENIED"
    assert _checkers(rejected) == {"verifiers": [(v.user_id, TODAY)], "acceptors": [(tenant.user_id, None)]}
    assert _waiting(client, tenant.headers, "approvals") == []
    assert trail(client, tenant.headers, i)[-1] == {
        "action": "DENY_PAYMENT",
        "name": "Veera Kollega",
        "date": trail(client, tenant.headers, i)[-1]["date"],
        "details": "Väärä summa",
    }


def test_circulation_rights(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    def no_circulation(rights: dict[str, Any]) -> None:
        rights["invoiceCirculation"].update(verification="VIEWING_RIGHTS", approval="NO_ACCESS")

    c = colleague(session_factory, settings, tenant, first_name="Rajattu", edit=no_circulation)
    verifier_list(session_factory, tenant.company_id, verifiers=[c.user_id], acceptors=[c.user_id])
    i = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))["id"]
    assert put(client, tenant.headers, i, "sendToCirculation").status_code == 200
    assert errors(put(client, c.headers, i, "verify")) == [(403, None, "INSUFFICIENT_RIGHTS")]
    assert _waiting(client, c.headers, "verifications") == [i]
    answer = client.get("/api/invoices/personalapprovals?types=PURCHASE_INVOICE", headers=c.headers)
    assert errors(answer) == [(403, None, "INSUFFICIENT_RIGHTS")]
    assert invoice_of(client, tenant.headers, i)["status"] == "RECEIVED"


def test_unfinished_ends_and_resending_restarts_the_circulation(
    client: TestClient, tenant: Tenant, team: dict[str, Colleague]
) -> None:
    v1, v2 = team["v1"], team["v2"]
    i = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))["id"]
    assert put(client, tenant.headers, i, "sendToCirculation").status_code == 200
    assert put(client, v1.headers, i, "verify").status_code == 200
    # Sending again (still RECEIVED) restarts: nobody has verified.
    assert put(client, tenant.headers, i, "sendToCirculation").status_code == 200
    assert _checkers(invoice_of(client, tenant.headers, i))["verifiers"] == [(v1.user_id, None), (v2.user_id, None)]
    assert _waiting(client, v1.headers, "verifications") == [i]
    assert put(client, tenant.headers, i, "unfinished").status_code == 200
    back = invoice_of(client, tenant.headers, i)
    assert back["status"] == "UNFINISHED"
    assert "invoiceApprovalInformation" not in back
    assert _waiting(client, v1.headers, "verifications") == []
    assert errors(put(client, v1.headers, i, "verify")) == [(403, None, "INVALID_STATUS_TRANSITION")]


def test_personal_lists_by_type(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    verifier_list(session_factory, tenant.company_id, verifiers=[tenant.user_id], acceptors=[tenant.user_id])
    ids = {}
    for invoice_type in ("PURCHASE_INVOICE", "TRAVEL_INVOICE", "BILL_OF_CHARGES"):
        ids[invoice_type] = post_invoice(client, tenant, body_of(invoice_type))["id"]
        assert put(client, tenant.headers, ids[invoice_type], "sendToCirculation").status_code == 200
    post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))  # not in circulation
    h = tenant.headers
    assert _waiting(client, h, "verifications", "TRAVEL_INVOICE,BILL_OF_CHARGES") == sorted(
        [ids["TRAVEL_INVOICE"], ids["BILL_OF_CHARGES"]]
    )
    assert _waiting(client, h, "verifications") == [ids["PURCHASE_INVOICE"]]
    for kind in ("verifications", "approvals"):
        missing = client.get(f"/api/invoices/personal{kind}", headers=h)
        assert errors(missing) == [(400, "types", "REQUIRED")]
        for wrong in ("SALES_INVOICE", "PURCHASE_INVOICE,X", ","):
            answer = client.get(f"/api/invoices/personal{kind}?types={wrong}", headers=h)
            code = "REQUIRED" if wrong == "," else "INVALID_ENUM_VALUE"
            assert errors(answer) == [(400, "types", code)], wrong


def test_approval_information_for_the_core(
    client: TestClient, tenant: Tenant, team: dict[str, Colleague], db: Session
) -> None:
    """`circulation.approval_information` (what the core's `to_wire` may call) and its batch form
    show the checkers as GET /invoices/{id} does."""
    sent = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))["id"]
    draft = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))["id"]
    sales = post_invoice(client, tenant)["id"]
    assert put(client, tenant.headers, sent, "sendToCirculation").status_code == 200
    assert put(client, team["v1"].headers, sent, "verify").status_code == 200
    shown = invoice_of(client, tenant.headers, sent)["invoiceApprovalInformation"]
    invoices = {i: service.get_invoice(db, company_id=tenant.company_id, invoice_id=i) for i in (sent, draft, sales)}
    one = circulation.approval_information(db, invoice=invoices[sent])
    assert one is not None
    assert _checkers(
        {"invoiceApprovalInformation": one.model_dump(mode="json", by_alias=True, exclude_none=True)}
    ) == _checkers({"invoiceApprovalInformation": shown})
    assert circulation.approval_information(db, invoice=invoices[draft]) is None
    assert circulation.approval_information(db, invoice=invoices[sales]) is None
    many = circulation.approval_information_many(db, company_id=tenant.company_id, invoice_ids=[sent, draft, sales])
    assert many == {sent: one}
