"""The contract events Kirjuri emits already, each in the transaction of its change:
USER_UPDATED (a confirmed `PUT /users`), TRACKING_PERIOD_STATUS_UPDATED (a period locked,
reopened or closed with its year), INVOICE_PAYMENTEVENTS_DELETED (a confirmed payment removal)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.webhooks import catalogue
from kirjuri.webhooks.models import WebhookEvent
from tests.factories import Tenant
from tests.invoicing.test_lifecycle_api import gross, mark_paid
from tests.invoicing.test_payments_api import approved_sales, confirm

USER_BODY = {"firstName": "Uusi", "lastName": "Nimi", "email": "uusi@example.invalid", "mobilePhone": "+358401112222"}


def events(factory: sessionmaker[Session], tenant: Tenant, event_type: str) -> list[dict[str, Any]]:
    with factory() as session:
        rows = session.scalars(
            select(WebhookEvent)
            .where(WebhookEvent.company_id == tenant.company_id, WebhookEvent.event_type == event_type)
            .order_by(WebhookEvent.created_at)
        )
        return [row.payload for row in rows]


def test_user_updated_on_confirmation_only(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    rejected = client.put("/api/users", json=USER_BODY, headers=tenant.headers).json()["transactionIdentifier"]
    confirm(session_factory, tenant, rejected, approve=False)
    assert events(session_factory, tenant, catalogue.USER_UPDATED) == []
    tx = client.put("/api/users", json=USER_BODY, headers=tenant.headers).json()["transactionIdentifier"]
    assert events(session_factory, tenant, catalogue.USER_UPDATED) == []  # not before the user confirms
    confirm(session_factory, tenant, tx)
    assert events(session_factory, tenant, catalogue.USER_UPDATED) == [
        {"transactionIdentifier": tx, "response": {"info": {"message": "User information updated"}}}
    ]


def test_tracking_period_status_updated(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    year = client.get("/api/fiscalyears", headers=tenant.headers).json()["fiscalYears"][0]
    period = year["trackingPeriods"][2]
    url = f"/api/fiscalyears/{year['id']}/trackingPeriods/{period['id']}"
    assert client.put(url, json={"status": "PENDING"}, headers=tenant.headers).status_code == 200
    assert client.put(url, json={"status": "PENDING"}, headers=tenant.headers).status_code == 409  # no event
    reopen = f"/api/kirjuri/fiscalyears/{year['id']}/trackingPeriods/{period['id']}/reopen"
    assert client.put(reopen, headers=tenant.headers).status_code == 200
    found = events(session_factory, tenant, catalogue.TRACKING_PERIOD_STATUS_UPDATED)
    assert [(e["trackingPeriodId"], e["previousStatus"], e["status"]) for e in found] == [
        (period["id"], "OPEN", "PENDING"),
        (period["id"], "PENDING", "OPEN"),
    ]
    assert found[0]["fiscalYearId"] == year["id"] and found[0]["startDate"] == period["startDate"]


def test_invoice_payment_events_deleted(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    invoice = approved_sales(client, tenant)
    event = mark_paid(client, tenant.headers, invoice["id"], gross(invoice)).json()
    answer = client.delete(f"/api/invoices/{invoice['id']}/paymentevents/{event['id']}", headers=tenant.headers)
    tx = answer.json()["transactionIdentifier"]
    assert events(session_factory, tenant, catalogue.INVOICE_PAYMENTEVENTS_DELETED) == []
    confirm(session_factory, tenant, tx)
    assert events(session_factory, tenant, catalogue.INVOICE_PAYMENTEVENTS_DELETED) == [
        {
            "transactionIdentifier": tx,
            "invoiceId": invoice["id"],
            "paymentEventId": event["id"],
            "response": {"info": {"message": "Payment event removed"}},
        }
    ]


def test_closing_a_year_announces_each_period_closed(db: Session) -> None:
    from kirjuri.ledger import closing, fiscal
    from tests.ledger.helpers import new_books

    company_id = new_books(db, first_year=2020)
    (year, periods), *_ = fiscal.years(db, company_id=company_id)
    fiscal.set_period_status(db, company_id=company_id, year_id=year.id, period_id=periods[0].id, status="PENDING")
    closing.close_year(db, company_id=company_id, year_id=year.id)
    db.flush()
    found = db.scalars(
        select(WebhookEvent)
        .where(
            WebhookEvent.company_id == company_id,
            WebhookEvent.event_type == catalogue.TRACKING_PERIOD_STATUS_UPDATED,
        )
        .order_by(WebhookEvent.created_at)
    ).all()
    changes = [(e.payload["previousStatus"], e.payload["status"]) for e in found]
    assert changes == [("OPEN", "PENDING"), ("PENDING", "CLOSED")] + [("OPEN", "CLOSED")] * (len(periods) - 1)
