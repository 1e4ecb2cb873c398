"""The invoice lifecycle over HTTP: every status verb (approve, verify, sendToCirculation, reject,
invalidate, unfinished, notes, markpaid) from every status an invoice of each type can reach,
against the lifecycle table (`invoicing.transitions`); the audit trail; the ledger receipt's status
kept in step; closed periods; rights; notes; and tenancy (every endpoint of the lifecycle router
with another company's ids is 404 and changes nothing).

The helpers at the top are shared by the other lifecycle test modules.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import rules as rights_rules
from kirjuri.companies.models import CompanySetting, VerifierList, VerifierListMember
from kirjuri.config import Settings
from kirjuri.core.errors import KirjuriError
from kirjuri.invoicing import lifecycle, service, transitions
from kirjuri.invoicing.lifecycle_router import router as lifecycle_router
from kirjuri.invoicing.models import Invoice, InvoiceEvent
from kirjuri.ledger import fiscal
from kirjuri.ledger.models import LedgerBalance, LedgerReceipt, TrackingPeriod
from tests.companies.helpers import Colleague, add_colleague
from tests.factories import Tenant, make_tenant
from tests.invoicing.helpers import body_of, day, errors, post_invoice

# --- shared helpers --------------------------------------------------------------------------------

MESSAGES = {
    "approve": "Invoice approved",
    "verify": "Invoice verified",
    "sendToCirculation": "Invoice sent to circulation",
    "reject": "Invoice rejected",
    "invalidate": "Invoice invalidated",
    "unfinished": "Invoice marked unfinished",
    "notes": "Invoice notes updated",
}
CIRCULATED = ("PURCHASE_INVOICE", "TRAVEL_INVOICE", "BILL_OF_CHARGES")


def verifier_list(
    session_factory: sessionmaker[Session],
    company_id: int,
    *,
    verifiers: list[int],
    acceptors: list[int],
    list_id: int = 1,
) -> None:
    """The company's verifier list (no service writes them yet: rows as the sandbox demo adds them)."""
    with session_factory() as session:
        session.add(VerifierList(company_id=company_id, id=list_id, name=f"Lista {list_id}"))
        session.flush()
        session.add_all(
            [
                *(
                    VerifierListMember(company_id=company_id, list_id=list_id, role="VERIFIER", order_no=n, user_id=u)
                    for n, u in enumerate(verifiers, start=1)
                ),
                *(
                    VerifierListMember(company_id=company_id, list_id=list_id, role="ACCEPTOR", order_no=n, user_id=u)
                    for n, u in enumerate(acceptors, start=1)
                ),
            ]
        )
        session.commit()


def set_setting(session_factory: sessionmaker[Session], company_id: int, name: str, **changes: Any) -> None:
    with session_factory() as session:
        setting = session.get(CompanySetting, (company_id, name))
        assert setting is not None
        setting.value = {**setting.value, **changes}
        session.commit()


def put(client: TestClient, headers: dict[str, str], invoice_id: int | str, verb: str, body: Any = None) -> Any:
    """`PUT /invoices/{id}/{verb}` (the checking-event verbs get `{}` unless a body is given)."""
    if body is None and verb in ("approve", "verify", "reject"):
        body = {}
    return client.put(f"/api/invoices/{invoice_id}/{verb}", json=body, headers=headers)


def invoice_of(client: TestClient, headers: dict[str, str], invoice_id: int) -> dict[str, Any]:
    answer = client.get(f"/api/invoices/{invoice_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def gross(invoice: dict[str, Any]) -> Decimal:
    return Decimal(str(invoice["invoiceSumInfo"][0]["invoiceSumTotal"]))


def mark_paid(
    client: TestClient, headers: dict[str, str], invoice_id: int, amount: Decimal | str, **changes: Any
) -> Any:
    body = {"paymentDate": day(5, 20), "amount": str(amount), "currency": "EUR", **changes}
    return client.put(f"/api/invoices/{invoice_id}/paymentevents/markpaid", json=body, headers=headers)


def service_event(session_factory: sessionmaker[Session], tenant: Tenant, invoice_id: int, action: str) -> None:
    """A status event another area reports (sending, outgoing payments), through `lifecycle.apply`."""
    with session_factory() as session:
        invoice = service.get_invoice(session, company_id=tenant.company_id, invoice_id=invoice_id, lock=True)
        lifecycle.apply(session, invoice=invoice, action=action, user_id=tenant.user_id)
        session.commit()


def step(
    client: TestClient, session_factory: sessionmaker[Session], tenant: Tenant, invoice: dict[str, Any], move: str
) -> None:
    """One step of a path: a verb over HTTP, `pay:part` (10.00) / `pay:all` (what is open), or
    `event:<action>` through the service."""
    invoice_id = invoice["id"]
    if move.startswith("event:"):
        service_event(session_factory, tenant, invoice_id, move.removeprefix("event:"))
        return
    if move.startswith("pay:"):
        current = invoice_of(client, tenant.headers, invoice_id)
        paid = sum((Decimal(str(e["amount"])) for e in payment_events(client, tenant.headers, invoice_id)), Decimal(0))
        amount = Decimal("10.00") if move == "pay:part" else gross(current) - paid
        answer = mark_paid(client, tenant.headers, invoice_id, amount)
    else:
        answer = put(client, tenant.headers, invoice_id, move)
    assert answer.status_code == 200, (move, answer.text)


def payment_events(client: TestClient, headers: dict[str, str], invoice_id: int) -> list[dict[str, Any]]:
    answer = client.get(f"/api/invoices/{invoice_id}/paymentevents?size=200", headers=headers)
    assert answer.status_code == 200, answer.text
    results: list[dict[str, Any]] = answer.json()["results"]
    return results


SALES_PATHS: dict[str, list[str]] = {
    "UNFINISHED": [],
    "NOT_SENT": ["approve"],
    "SENT": ["approve", "event:send"],
    "PAYMENT_DENIED": ["approve", "reject"],
    "PARTLY_PAID": ["approve", "pay:part"],
    "MARKED_PAID": ["approve", "pay:all"],
    "INVALIDATED": ["invalidate"],
}
CIRCULATED_PATHS: dict[str, list[str]] = {
    "UNFINISHED": [],
    "RECEIVED": ["sendToCirculation"],
    "VERIFIED": ["sendToCirculation", "verify"],
    "APPROVED": ["sendToCirculation", "verify", "approve"],
    "PAYMENT_DENIED": ["sendToCirculation", "reject"],
    "PARTLY_PAID": ["sendToCirculation", "verify", "approve", "pay:part"],
    "MARKED_PAID": ["sendToCirculation", "verify", "approve", "pay:all"],
    "PAYMENT_QUEUED": ["sendToCirculation", "verify", "approve", "event:payment_queued"],
    "PAYMENT_SENT_TO_BANK": ["sendToCirculation", "verify", "approve", "event:payment_queued", "event:payment_sent"],
    "INVALIDATED": ["invalidate"],
}
ORDER_PATHS: dict[str, list[str]] = {"UNFINISHED": []}
PATHS = {
    "SALES_INVOICE": SALES_PATHS,
    "SALES_ORDER": ORDER_PATHS,
    "PURCHASE_INVOICE": CIRCULATED_PATHS,
    "PURCHASE_ORDER": ORDER_PATHS,
    "TRAVEL_INVOICE": CIRCULATED_PATHS,
    "BILL_OF_CHARGES": CIRCULATED_PATHS,
}


def in_status(
    client: TestClient, session_factory: sessionmaker[Session], tenant: Tenant, invoice_type: str, status: str
) -> dict[str, Any]:
    """A new invoice of `invoice_type` brought to `status` along `PATHS` (the tenant being the
    verifier and the acceptor of its company's list)."""
    invoice = post_invoice(client, tenant, body_of(invoice_type))
    for move in PATHS[invoice_type][status]:
        step(client, session_factory, tenant, invoice, move)
    found = invoice_of(client, tenant.headers, invoice["id"])
    assert found["status"] == status
    return found


def trial_balance(session: Session, company_id: int) -> int:
    """Σ debit − credit of every counted posting of the company (the totals rows)."""
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerBalance.debit_minor - LedgerBalance.credit_minor), 0)).where(
            LedgerBalance.company_id == company_id, LedgerBalance.dimension_id == 0
        )
    )
    return int(total or 0)


def lock_period(session_factory: sessionmaker[Session], company_id: int, on: str) -> None:
    """Lock (PENDING) the tracking period holding `on`."""
    day_ = date.fromisoformat(on)
    with session_factory() as session:
        period = session.scalars(
            select(TrackingPeriod).where(
                TrackingPeriod.company_id == company_id,
                TrackingPeriod.start_date <= day_,
                TrackingPeriod.end_date >= day_,
            )
        ).one()
        fiscal.set_period_status(
            session, company_id=company_id, year_id=period.fiscal_year_id, period_id=period.id, status=fiscal.PENDING
        )
        session.commit()


def receipt_status(session_factory: sessionmaker[Session], company_id: int, receipt_id: int) -> str:
    with session_factory() as session:
        receipt = session.get(LedgerReceipt, (company_id, receipt_id))
        assert receipt is not None
        return receipt.status


def trail(client: TestClient, headers: dict[str, str], invoice_id: int) -> list[dict[str, Any]]:
    answer = client.get(f"/api/invoices/{invoice_id}/transactions", headers=headers)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["transactions"]
    return found


def colleague(
    session_factory: sessionmaker[Session],
    settings: Settings,
    tenant: Tenant,
    *,
    first_name: str = "Kalle",
    last_name: str = "Kollega",
    edit: Callable[[dict[str, Any]], None] | None = None,
) -> Colleague:
    """A member of the tenant's company with full rights, narrowed by `edit`."""
    rights = copy.deepcopy(rights_rules.FULL_RIGHTS)
    if edit is not None:
        edit(rights)
    return add_colleague(session_factory, settings, tenant, first_name=first_name, last_name=last_name, rights=rights)


# --- the table over HTTP ---------------------------------------------------------------------------

VERBS = ("approve", "verify", "sendToCirculation", "reject", "invalidate", "unfinished", "notes", "markpaid")
ACTION_OF = {verb: verb for verb in VERBS} | {"markpaid": transitions.MARK_PAID}
# Refusals of the circulation where the table would allow the step: the tenant is the one verifier
# and the one acceptor of its company's list.
CIRCULATION_REFUSALS = {
    ("approve", "RECEIVED"): "VERIFICATION_NOT_COMPLETE",
    ("verify", "VERIFIED"): "CHECK_ALREADY_PERFORMED",
    ("approve", "APPROVED"): "CHECK_ALREADY_PERFORMED",
}


def expected(verb: str, invoice_type: str, status: str) -> tuple[str, str]:
    """("OK", new status) or ("REFUSED", code) for a verb on an invoice in `status`."""
    if invoice_type in CIRCULATED and (verb, status) in CIRCULATION_REFUSALS:
        try:
            transitions.next_status(action=verb, invoice_type=invoice_type, status=status)
        except KirjuriError as exc:  # pragma: no cover - the table must allow these
            raise AssertionError(f"table refuses {verb} from {status}") from exc
        return "REFUSED", CIRCULATION_REFUSALS[(verb, status)]
    action = ACTION_OF[verb]
    try:
        target = transitions.next_status(
            action=action,
            invoice_type=invoice_type,
            status=status,
            fully_paid=True if action == transitions.MARK_PAID else None,
        )
    except KirjuriError as exc:
        return "REFUSED", exc.code
    return "OK", target


def call(client: TestClient, tenant: Tenant, invoice: dict[str, Any], verb: str) -> Any:
    if verb == "markpaid":
        paid = sum(
            (Decimal(str(e["amount"])) for e in payment_events(client, tenant.headers, invoice["id"])), Decimal(0)
        )
        open_amount = gross(invoice) - paid
        return mark_paid(client, tenant.headers, invoice["id"], open_amount if open_amount else Decimal("1.00"))
    if verb == "notes":
        return put(client, tenant.headers, invoice["id"], "notes", {"notes": "Sisäinen huomautus"})
    return put(client, tenant.headers, invoice["id"], verb)


@pytest.fixture(scope="module")
def table_tenant(session_factory: sessionmaker[Session], settings: Settings) -> Tenant:
    """One company for the table walk: its user is the one verifier and acceptor of its list."""
    tenant = make_tenant(session_factory, settings, name="Taulukko Oy")
    verifier_list(session_factory, tenant.company_id, verifiers=[tenant.user_id], acceptors=[tenant.user_id])
    return tenant


CASES = [(t, s) for t, paths in PATHS.items() for s in paths]


@pytest.mark.parametrize(("invoice_type", "status"), CASES, ids=[f"{t}-{s}" for t, s in CASES])
def test_every_verb_from_every_status_follows_the_table(
    client: TestClient,
    session_factory: sessionmaker[Session],
    table_tenant: Tenant,
    invoice_type: str,
    status: str,
) -> None:
    tenant = table_tenant
    refused = [v for v in VERBS if expected(v, invoice_type, status)[0] == "REFUSED"]
    allowed = [v for v in VERBS if v not in refused]

    # Every refusal on one invoice: 403 with the code, and the invoice unchanged.
    invoice = in_status(client, session_factory, tenant, invoice_type, status)
    events_before = trail(client, tenant.headers, invoice["id"])
    for verb in refused:
        answer = call(client, tenant, invoice, verb)
        assert answer.status_code == 403, (verb, answer.text)
        assert errors(answer) == [(403, None, expected(verb, invoice_type, status)[1])], verb
    after = invoice_of(client, tenant.headers, invoice["id"])
    assert (after["status"], after["version"]) == (status, invoice["version"])
    assert trail(client, tenant.headers, invoice["id"]) == events_before

    # Every allowed verb on a fresh invoice in the status: 200 and the table's status.
    for verb in allowed:
        fresh = in_status(client, session_factory, tenant, invoice_type, status)
        answer = call(client, tenant, fresh, verb)
        assert answer.status_code == 200, (verb, answer.text)
        if verb != "markpaid":
            assert answer.json() == {"message": MESSAGES[verb]}
        moved = invoice_of(client, tenant.headers, fresh["id"])
        assert moved["status"] == expected(verb, invoice_type, status)[1], verb
        assert moved["version"] > fresh["version"]
        if fresh.get("ledgerReceiptId"):
            assert receipt_status(session_factory, tenant.company_id, fresh["ledgerReceiptId"]) == (
                lifecycle.receipt_status(moved["status"])
            )


def test_the_cases_cover_every_verb_allowed_and_refused() -> None:
    """The walk reaches, per type, every status from which the table allows one of the verbs."""
    for invoice_type, paths in PATHS.items():
        for status in transitions.STATUSES:
            reachable = status in paths
            allows = any(expected(v, invoice_type, status)[0] == "OK" for v in VERBS if v != "notes")
            unreachable_here = status in ("PAID",)  # only a bank payment makes an invoice PAID
            assert reachable or not allows or unreachable_here, (invoice_type, status)


# --- audit trail -----------------------------------------------------------------------------------


def test_the_audit_trail_names_every_step(client: TestClient, tenant: Tenant) -> None:
    invoice = post_invoice(client, tenant)
    i = invoice["id"]
    for verb, body in (
        ("approve", {"comment": "ignored for sales"}),
        ("reject", {"comment": "Asiakas kiistää"}),
        ("unfinished", None),
        ("invalidate", None),
    ):
        assert put(client, tenant.headers, i, verb, body).status_code == 200, verb
    found = trail(client, tenant.headers, i)
    assert [(t.get("action"), t["name"], t.get("details")) for t in found] == [
        (None, "Testi Käyttäjä", "CREATED"),
        ("APPROVAL", "Testi Käyttäjä", None),
        ("DENY_PAYMENT", "Testi Käyttäjä", "Asiakas kiistää"),
        ("UNFINISHED", "Testi Käyttäjä", None),
        (None, "Testi Käyttäjä", "INVALIDATED"),
    ]
    dates = [t["date"] for t in found]
    assert dates == sorted(dates)
    assert invoice_of(client, tenant.headers, i)["status"] == "INVALIDATED"


def test_the_bulk_trail(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    first = post_invoice(client, tenant)["id"]
    second = post_invoice(client, tenant)["id"]
    # Ids are per company: theirs beyond ours, so that a leak would show.
    theirs = [post_invoice(client, other_tenant)["id"] for _ in range(3)][-1]
    assert put(client, tenant.headers, second, "approve").status_code == 200
    answer = client.get(
        f"/api/invoices/transactions?invoiceIds={second},{theirs},x&invoiceIds={first}&invoiceIds=999999",
        headers=tenant.headers,
    )
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["invoiceId"] for r in results] == [first, second]
    assert [[t.get("action") for t in r["transactions"]] for r in results] == [[None], [None, "APPROVAL"]]
    none = client.get(f"/api/invoices/transactions?invoiceIds={theirs}", headers=tenant.headers)
    assert (none.status_code, errors(none)) == (404, [(404, "invoiceIds", "NOT_FOUND")])
    too_many = ",".join(str(n) for n in range(1, 202))
    many = client.get(f"/api/invoices/transactions?invoiceIds={too_many}", headers=tenant.headers)
    assert errors(many) == [(400, "invoiceIds", "TOO_MANY_IDS")]
    missing = client.get("/api/invoices/transactions", headers=tenant.headers)
    assert errors(missing) == [(400, "invoiceIds", "REQUIRED")]


# --- the ledger receipt in step --------------------------------------------------------------------


def test_the_receipt_follows_the_invoice_and_leaves_the_books_when_invalidated(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    invoice = post_invoice(client, tenant)
    i, receipt = invoice["id"], invoice["ledgerReceiptId"]
    assert receipt_status(session_factory, tenant.company_id, receipt) == "UNFINISHED"
    assert put(client, tenant.headers, i, "approve").status_code == 200
    assert receipt_status(session_factory, tenant.company_id, receipt) == "APPROVED"
    got = client.get(f"/api/ledgerreceipts/{receipt}", headers=tenant.headers).json()
    assert got["status"] == "APPROVED"
    with session_factory() as session:
        counted = session.scalar(
            select(func.count()).where(
                LedgerBalance.company_id == tenant.company_id, LedgerBalance.receipt_status == "APPROVED"
            )
        )
        assert counted
        assert trial_balance(session, tenant.company_id) == 0
    assert put(client, tenant.headers, i, "invalidate").status_code == 200
    assert receipt_status(session_factory, tenant.company_id, receipt) == "INVALIDATED"
    with session_factory() as session:
        rows = session.scalars(select(LedgerBalance).where(LedgerBalance.company_id == tenant.company_id)).all()
        assert all(r.debit_minor == 0 and r.credit_minor == 0 for r in rows)


def test_status_moves_bump_the_version(client: TestClient, tenant: Tenant) -> None:
    invoice = post_invoice(client, tenant)
    assert put(client, tenant.headers, invoice["id"], "approve").status_code == 200
    moved = invoice_of(client, tenant.headers, invoice["id"])
    assert moved["version"] > invoice["version"]
    # The old version no longer updates anything: the invoice moved on (and NOT_SENT is not editable).
    stale = client.put(f"/api/invoices/{invoice['id']}", json=invoice, headers=tenant.headers)
    assert stale.status_code == 403


# --- closed periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("invoice_type", "status", "verb"),
    [
        ("SALES_INVOICE", "UNFINISHED", "approve"),
        ("SALES_INVOICE", "NOT_SENT", "reject"),
        ("SALES_INVOICE", "NOT_SENT", "unfinished"),
        ("SALES_INVOICE", "UNFINISHED", "invalidate"),
        ("SALES_INVOICE", "NOT_SENT", "notes"),
        ("PURCHASE_INVOICE", "UNFINISHED", "sendToCirculation"),
        ("PURCHASE_INVOICE", "RECEIVED", "verify"),
        ("PURCHASE_INVOICE", "VERIFIED", "approve"),
    ],
)
def test_a_closed_period_refuses_every_verb(
    *,
    client: TestClient,
    session_factory: sessionmaker[Session],
    settings: Settings,
    invoice_type: str,
    status: str,
    verb: str,
) -> None:
    tenant = make_tenant(session_factory, settings, name="Suljettu Oy")
    verifier_list(session_factory, tenant.company_id, verifiers=[tenant.user_id], acceptors=[tenant.user_id])
    invoice = in_status(client, session_factory, tenant, invoice_type, status)
    lock_period(session_factory, tenant.company_id, invoice["date"])
    answer = call(client, tenant, invoice, verb)
    assert (answer.status_code, errors(answer)) == (400, [(400, "date", "CLOSED_FISCAL_PERIOD")])
    after = invoice_of(client, tenant.headers, invoice["id"])
    assert (after["status"], after["version"], after.get("notes")) == (status, invoice["version"], None)


# --- notes -------------------------------------------------------------------------------------------


def test_notes_change_only_the_notes_in_any_status(client: TestClient, tenant: Tenant) -> None:
    invoice = post_invoice(client, tenant)
    i = invoice["id"]
    assert put(client, tenant.headers, i, "invalidate").status_code == 200
    before = invoice_of(client, tenant.headers, i)
    answer = put(client, tenant.headers, i, "notes", {"notes": "Rivi 1\nRivi 2"})
    assert answer.json() == {"message": "Invoice notes updated"}
    after = invoice_of(client, tenant.headers, i)
    assert after["notes"] == "Rivi 1\nRivi 2"
    assert after["version"] > before["version"]
    assert {k: v for k, v in after.items() if k not in ("notes", "version")} == {
        k: v for k, v in before.items() if k not in ("notes", "version")
    }
    # No audit event: notes are no lifecycle step.
    assert [t.get("details") for t in trail(client, tenant.headers, i)] == ["CREATED", "INVALIDATED"]
    assert put(client, tenant.headers, i, "notes", {"notes": ""}).status_code == 200
    assert "notes" not in invoice_of(client, tenant.headers, i)


def test_notes_are_validated(client: TestClient, tenant: Tenant) -> None:
    i = post_invoice(client, tenant)["id"]
    assert errors(put(client, tenant.headers, i, "notes", {"notes": "x" * 10001})) == [(400, "notes", "TOO_LONG")]
    assert errors(put(client, tenant.headers, i, "notes", {})) == [(400, "notes", "REQUIRED")]
    order = post_invoice(client, tenant, body_of("SALES_ORDER"))["id"]
    answer = put(client, tenant.headers, order, "notes", {"notes": "x"})
    assert errors(answer) == [(403, None, "ACTION_NOT_ALLOWED_FOR_TYPE")]


def test_a_checking_comment_is_at_most_100_characters(client: TestClient, tenant: Tenant) -> None:
    i = post_invoice(client, tenant)["id"]
    answer = put(client, tenant.headers, i, "approve", {"comment": "x" * 101})
    assert errors(answer) == [(400, "comment", "TOO_LONG")]
    assert invoice_of(client, tenant.headers, i)["status"] == "UNFINISHED"
    # The body may also be left out.
    assert client.put(f"/api/invoices/{i}/approve", headers=tenant.headers).status_code == 200


# --- rights ------------------------------------------------------------------------------------------


def test_writing_needs_the_types_write_right(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    reader = colleague(
        session_factory, settings, tenant, edit=lambda r: r["sales"].update(salesOrGroupInvoices="VIEWING_RIGHTS")
    )
    blind = colleague(
        session_factory,
        settings,
        tenant,
        first_name="Sokea",
        edit=lambda r: r["sales"].update(salesOrGroupInvoices="NO_ACCESS", salesInvoiceSearch="NO_ACCESS"),
    )
    invoice = post_invoice(client, tenant)
    i = invoice["id"]
    for verb in ("approve", "invalidate", "notes"):
        body = {"notes": "x"} if verb == "notes" else None
        answer = put(client, reader.headers, i, verb, body)
        assert errors(answer) == [(403, None, "INSUFFICIENT_RIGHTS")], verb
        hidden = put(client, blind.headers, i, verb, body)
        assert errors(hidden) == [(404, "invoiceId", "NOT_FOUND")], verb
    assert client.get(f"/api/invoices/{i}/transactions", headers=reader.headers).status_code == 200
    assert client.get(f"/api/invoices/{i}/transactions", headers=blind.headers).status_code == 404
    assert invoice_of(client, tenant.headers, i)["version"] == invoice["version"]


def test_unknown_invoices_are_not_found(client: TestClient, tenant: Tenant) -> None:
    for invoice_id in (999999, 0, 2**31, 2**40):
        for verb in ("approve", "verify", "sendToCirculation", "reject", "invalidate", "unfinished"):
            answer = put(client, tenant.headers, invoice_id, verb)
            assert errors(answer) == [(404, "invoiceId", "NOT_FOUND")], (invoice_id, verb)


# --- tenancy -----------------------------------------------------------------------------------------


def _theirs(
    client: TestClient, other: Tenant, session_factory: sessionmaker[Session]
) -> Iterator[tuple[str, dict[str, Any]]]:
    verifier_list(session_factory, other.company_id, verifiers=[other.user_id], acceptors=[other.user_id])
    # Ids are per company: theirs beyond the own company's one invoice.
    post_invoice(client, other)
    sales = post_invoice(client, other)
    assert put(client, other.headers, sales["id"], "approve").status_code == 200
    event = mark_paid(client, other.headers, sales["id"], "10.00").json()
    purchase = post_invoice(client, other, body_of("PURCHASE_INVOICE"))
    assert put(client, other.headers, purchase["id"], "sendToCirculation").status_code == 200
    comment = client.post(
        f"/api/invoices/{purchase['id']}/comments", json={"comment": "Heidän"}, headers=other.headers
    ).json()
    yield "sales", sales
    yield "purchase", purchase
    yield "event", event
    yield "comment", comment


def test_another_companys_ids_are_not_found_and_nothing_changes(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    theirs = dict(_theirs(client, other_tenant, session_factory))
    # The own company has invoices of the same ids' neighbourhood, so a leak would show.
    verifier_list(session_factory, tenant.company_id, verifiers=[tenant.user_id], acceptors=[tenant.user_id])
    post_invoice(client, tenant)
    s, p, e, c = theirs["sales"]["id"], theirs["purchase"]["id"], theirs["event"]["id"], theirs["comment"]["id"]
    calls: dict[tuple[str, str], tuple[str, Any]] = {
        ("PUT", "/invoices/{invoiceId}/approve"): (f"/api/invoices/{p}/approve", {}),
        ("PUT", "/invoices/{invoiceId}/verify"): (f"/api/invoices/{p}/verify", {}),
        ("PUT", "/invoices/{invoiceId}/sendToCirculation"): (f"/api/invoices/{p}/sendToCirculation", None),
        ("PUT", "/invoices/{invoiceId}/reject"): (f"/api/invoices/{p}/reject", {}),
        ("PUT", "/invoices/{invoiceId}/invalidate"): (f"/api/invoices/{p}/invalidate", None),
        ("PUT", "/invoices/{invoiceId}/unfinished"): (f"/api/invoices/{p}/unfinished", None),
        ("PUT", "/invoices/{invoiceId}/notes"): (f"/api/invoices/{p}/notes", {"notes": "x"}),
        ("GET", "/invoices/{invoiceId}/transactions"): (f"/api/invoices/{p}/transactions", None),
        ("GET", "/invoices/transactions"): (f"/api/invoices/transactions?invoiceIds={p},{s}", None),
        ("GET", "/invoices/{invoiceId}/paymentevents"): (f"/api/invoices/{s}/paymentevents", None),
        ("PUT", "/invoices/{invoiceId}/paymentevents/markpaid"): (
            f"/api/invoices/{s}/paymentevents/markpaid",
            {"paymentDate": day(5, 20), "amount": 1, "currency": "EUR"},
        ),
        ("GET", "/invoices/{invoiceId}/paymentevents/{paymentEventId}"): (
            f"/api/invoices/{s}/paymentevents/{e}",
            None,
        ),
        ("DELETE", "/invoices/{invoiceId}/paymentevents/{paymentEventId}"): (
            f"/api/invoices/{s}/paymentevents/{e}",
            None,
        ),
        ("GET", "/invoices/{invoiceId}/comments"): (f"/api/invoices/{p}/comments", None),
        ("POST", "/invoices/{invoiceId}/comments"): (f"/api/invoices/{p}/comments", {"comment": "Minun"}),
        ("GET", "/invoices/{invoiceId}/comments/taggableusers"): (f"/api/invoices/{p}/comments/taggableusers", None),
        ("GET", "/invoices/{invoiceId}/comments/{commentId}"): (f"/api/invoices/{p}/comments/{c}", None),
        ("PUT", "/invoices/{invoiceId}/comments/{commentId}/read"): (f"/api/invoices/{p}/comments/{c}/read", None),
    }
    own_paths = {"/invoices/personalverifications", "/invoices/personalapprovals"}
    routes = {
        (method, route.path)
        for route in lifecycle_router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    mfa_route = ("PUT", "/invoices/{transactionIdentifier}/confirm")
    assert routes == set(calls) | {("GET", path) for path in own_paths} | {mfa_route}
    with session_factory() as session:
        before = _snapshot(session, other_tenant.company_id)
    for (method, _path), (url, body) in calls.items():
        answer = client.request(method, url, json=body, headers=tenant.headers)
        assert answer.status_code == 404, (method, url, answer.text)
    for path in own_paths:
        answer = client.get(f"/api/{path.lstrip('/')}?types=PURCHASE_INVOICE", headers=tenant.headers)
        assert answer.json() == {"invoiceIds": []}, path
    # Their circulation waits for them only.
    waiting = client.get("/api/invoices/personalverifications?types=PURCHASE_INVOICE", headers=other_tenant.headers)
    assert waiting.json() == {"invoiceIds": [p]}
    with session_factory() as session:
        assert _snapshot(session, other_tenant.company_id) == before


def _snapshot(session: Session, company_id: int) -> list[tuple[Any, ...]]:
    invoices = session.scalars(select(Invoice).where(Invoice.company_id == company_id).order_by(Invoice.id)).all()
    events = session.scalar(select(func.count()).where(InvoiceEvent.company_id == company_id))
    return [*((i.id, i.status, i.version, i.paid_minor, dict(i.document)) for i in invoices), (events,)]
