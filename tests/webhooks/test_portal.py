"""The portal's webhooks page: the user's companies where they may view company settings, their
webhooks and recent deliveries; never another company's, never a secret."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import rules as rights
from kirjuri.config import Settings
from kirjuri.webhooks import catalogue, delivery, outbox
from tests.factories import Tenant, make_tenant
from tests.portal.helpers import browser
from tests.portal.test_portal import portal_login
from tests.webhooks.helpers import webhook_body


def test_webhooks_page(
    *,
    app: FastAPI,
    client: TestClient,
    tenant: Tenant,
    other_tenant: Tenant,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    mine = webhook_body("http://127.0.0.1:9/mine", ["USER_UPDATED"], authenticationMeta={"secret": "never-shown-here"})
    uuid = client.post("/api/webhooks", json=mine, headers=tenant.headers).json()["uuid"]
    theirs = webhook_body("http://127.0.0.1:9/theirs", ["USER_UPDATED"])
    assert client.post("/api/webhooks", json=theirs, headers=other_tenant.headers).status_code == 200
    with session_factory() as session:
        outbox.emit(session, company_id=tenant.company_id, event_type=catalogue.USER_UPDATED, payload={})
        session.commit()
    delivery.fan_out(session_factory, company_ids=[tenant.company_id])

    anonymous = browser(app)
    assert anonymous.get("/portal/webhooks").status_code == 303
    c = browser(app)
    assert portal_login(c, tenant.username, tenant.password).status_code == 303
    page = c.get("/portal/webhooks")
    assert page.status_code == 200
    assert "/mine" in page.text and uuid in page.text and "USER_UPDATED" in page.text and "PENDING" in page.text
    assert "/theirs" not in page.text and "never-shown-here" not in page.text and "whsec_" not in page.text

    outsider = make_tenant(session_factory, settings, user_rights=rights.rights_document(rights.NO_ACCESS))
    c = browser(app)
    assert portal_login(c, outsider.username, outsider.password).status_code == 303
    page = c.get("/portal/webhooks")
    assert page.status_code == 200 and "You may view the company settings of no company." in page.text
