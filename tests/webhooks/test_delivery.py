"""The outbox and signed delivery against a real database and a receiver on 127.0.0.1: emit is
transactional, fan-out picks the matching subscriptions, the body is the contract's and its
Standard Webhooks signature verifies, failures follow the retry schedule to the dead letter,
leases keep two workers apart, the address is checked again at delivery time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook as Verifier

from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.webhooks import catalogue, delivery, outbox, rules
from kirjuri.webhooks.models import WebhookDelivery, WebhookEvent
from kirjuri.webhooks.service import Receiving
from tests.factories import Tenant
from tests.webhooks.helpers import receiver, webhook_body


@pytest.fixture()
def http() -> Iterator[httpx.Client]:
    with delivery.http_client() as client:
        yield client


@pytest.fixture(autouse=True)
def real_clock() -> Iterator[None]:
    yield
    clock.reset()


def _receiving(settings: Settings, *, sandbox: bool = True) -> Receiving:
    return Receiving(sandbox=sandbox, server_secret=settings.secret_key.get_secret_value())


def _hook(client: TestClient, tenant: Tenant, url: str, subscriptions: list[str] | None = None, **extra: Any) -> str:
    answer = client.post("/api/webhooks", json=webhook_body(url, subscriptions, **extra), headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["uuid"])


def _emit(factory: sessionmaker[Session], tenant: Tenant, event_type: str, payload: dict[str, Any]) -> None:
    with factory() as session:
        outbox.emit(session, company_id=tenant.company_id, event_type=event_type, payload=payload)
        session.commit()


def _round(factory: sessionmaker[Session], tenant: Tenant, http: httpx.Client, settings: Settings, **kw: Any) -> int:
    return delivery.run_round(
        factory,
        http=http,
        receiving=kw.pop("receiving", _receiving(settings)),
        company_ids=[tenant.company_id],
        random_unit=lambda: 0.5,
        **kw,
    )


def _events(db: Session, tenant: Tenant) -> int:
    stmt = select(func.count()).select_from(WebhookEvent).where(WebhookEvent.company_id == tenant.company_id)
    return int(db.execute(stmt).scalar_one())


def test_emit_is_one_insert_in_the_callers_transaction(session_factory: sessionmaker[Session], tenant: Tenant) -> None:
    with session_factory() as session:
        statements: list[str] = []
        from sqlalchemy import event

        bind = session.connection()
        event.listen(bind, "before_cursor_execute", lambda *a: statements.append(a[2]))
        outbox.emit(session, company_id=tenant.company_id, event_type=catalogue.USER_UPDATED, payload={"a": 1})
        session.flush()
        assert [s.split()[0] for s in statements] == ["INSERT"]
        session.rollback()
    with session_factory() as session:
        assert _events(session, tenant) == 0  # rolled back with the change
    with pytest.raises(ValueError):
        outbox.emit(session, company_id=tenant.company_id, event_type="no.such", payload={})


def test_signed_delivery_verifies(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, http: httpx.Client
) -> None:
    with receiver() as got:
        uuid = _hook(client, tenant, got.url, [catalogue.USER_UPDATED, catalogue.PAYMENT_DELETED])
        _emit(session_factory, tenant, catalogue.USER_UPDATED, {"transactionIdentifier": "t-1", "response": {"x": "ä"}})
        _emit(session_factory, tenant, catalogue.INVOICE_PAID, {"ignored": True})  # not subscribed
        assert _round(session_factory, tenant, http, settings) == 1
    (message,) = got.received
    secret = client.get(f"/api/kirjuri/webhooks/{uuid}/secret", headers=tenant.headers).json()["secret"]
    document = Verifier(secret).verify(message.body, message.headers)
    assert document["eventType"] == "USER_UPDATED" and document["webhookUuid"] == uuid
    assert document["payload"] == {"transactionIdentifier": "t-1", "response": {"x": "ä"}}
    assert document["meta"]["version"] == "1" and isinstance(document["meta"]["timestamp"], int)
    with pytest.raises(Exception, match="signature"):
        Verifier("whsec_" + "QUJD" * 8).verify(message.body, message.headers)
    tampered = message.body.replace(b"t-1", b"t-2")
    with pytest.raises(Exception, match="signature"):
        Verifier(secret).verify(tampered, message.headers)
    listed = client.get(f"/api/kirjuri/webhooks/{uuid}/deliveries", headers=tenant.headers).json()
    (entry,) = listed["results"]
    assert entry["id"] == message.headers["webhook-id"] and entry["status"] == "DELIVERED"
    assert entry["eventType"] == "USER_UPDATED" and entry["attempts"][0]["statusCode"] == 200
    assert entry["attempts"][0]["responseExcerpt"] == "answer 200"


def test_none_authentication_is_not_signed_and_client_secret_signs(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, http: httpx.Client
) -> None:
    with receiver() as got:
        _hook(client, tenant, got.url + "/none", [catalogue.PAYMENT_UPDATED], authenticationType="NONE")
        _hook(
            client,
            tenant,
            got.url + "/own",
            [catalogue.PAYMENT_UPDATED],
            authenticationMeta={"secret": "my-own-secret"},
        )
        _emit(session_factory, tenant, catalogue.PAYMENT_UPDATED, {"id": 5})
        assert _round(session_factory, tenant, http, settings) == 2
    by_path = {m.path: m for m in got.received}
    assert "webhook-signature" not in by_path["/hook/none"].headers
    assert "webhook-id" in by_path["/hook/none"].headers
    own = by_path["/hook/own"]
    secret = rules.normalise_secret("my-own-secret")
    assert secret is not None
    assert Verifier(secret).verify(own.body, own.headers)["payload"] == {"id": 5}


def test_an_unreadable_secret_fails_only_the_signed_hook(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, http: httpx.Client
) -> None:
    """After the server key changed, an HMAC hook's stored secret cannot be read: that attempt fails
    (`WEBHOOK_SECRET_UNREADABLE`); an unsigned hook needs no secret and is still delivered."""
    changed = Receiving(sandbox=True, server_secret="another-server-key-" + "x" * 32)
    with receiver() as got:
        signed = _hook(client, tenant, got.url + "/signed", [catalogue.PAYMENT_UPDATED])
        _hook(client, tenant, got.url + "/none", [catalogue.PAYMENT_UPDATED], authenticationType="NONE")
        _emit(session_factory, tenant, catalogue.PAYMENT_UPDATED, {"id": 6})
        _round(session_factory, tenant, http, settings, receiving=changed)
    assert [m.path for m in got.received] == ["/hook/none"]
    listed = client.get(f"/api/kirjuri/webhooks/{signed}/deliveries", headers=tenant.headers).json()
    assert listed["results"][0]["attempts"][0]["error"] == "WEBHOOK_SECRET_UNREADABLE"


def test_events_before_the_subscription_and_without_subscribers_are_dropped(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, http: httpx.Client
) -> None:
    _emit(session_factory, tenant, catalogue.USER_UPDATED, {"n": 1})
    with receiver() as got:
        _hook(client, tenant, got.url, [catalogue.USER_UPDATED])
        _emit(session_factory, tenant, catalogue.USER_UPDATED, {"n": 2})
        _round(session_factory, tenant, http, settings)
    assert [json.loads(m.body)["payload"] for m in got.received] == [{"n": 2}]
    with session_factory() as session:
        assert _events(session, tenant) == 1  # the unwanted one is gone, the delivered one kept


def test_retry_schedule_dead_letter_and_manual_retry(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, http: httpx.Client
) -> None:
    with receiver([500]) as got:
        uuid = _hook(client, tenant, got.url, [catalogue.PAYMENT_DELETED])
        _emit(session_factory, tenant, catalogue.PAYMENT_DELETED, {"id": 1})
        waits: list[timedelta] = []
        for _attempt in range(rules.MAX_ATTEMPTS):
            assert _round(session_factory, tenant, http, settings) == 1
            assert _round(session_factory, tenant, http, settings) == 0  # not due yet
            with session_factory() as session:
                row = session.scalars(
                    select(WebhookDelivery).where(WebhookDelivery.company_id == tenant.company_id)
                ).one()
                if row.status == rules.PENDING:
                    waits.append(row.next_attempt_at - clock.now())
                    clock.travel(row.next_attempt_at - clock.now() + timedelta(milliseconds=1))
        assert row.status == rules.DEAD and row.attempts == rules.MAX_ATTEMPTS
        assert len(got.received) == rules.MAX_ATTEMPTS
        # random_unit 0.5 = no jitter: the waits are the schedule (minus the few ms of the round)
        assert [round(w.total_seconds()) for w in waits] == [round(d.total_seconds()) for d in rules.RETRY_DELAYS]
        assert sum(rules.RETRY_DELAYS, timedelta()) >= timedelta(hours=24)
        clock.reset()  # back to now: the access token would have expired a day ago
        status = client.get(f"/api/kirjuri/webhooks/{uuid}", headers=tenant.headers).json()
        assert status["status"] == "FAILING" and status["failingSince"]
        (entry,) = client.get(f"/api/kirjuri/webhooks/{uuid}/deliveries", headers=tenant.headers).json()["results"]
        assert entry["status"] == "DEAD" and [a["statusCode"] for a in entry["attempts"]] == [500] * rules.MAX_ATTEMPTS
        assert entry["attempts"][0]["error"] == "HTTP 500"

        got.statuses = [204]
        retried = client.post(f"/api/kirjuri/webhooks/{uuid}/deliveries/{entry['id']}/retry", headers=tenant.headers)
        assert retried.status_code == 200
        assert _round(session_factory, tenant, http, settings) == 1
    (entry,) = client.get(f"/api/kirjuri/webhooks/{uuid}/deliveries", headers=tenant.headers).json()["results"]
    assert entry["status"] == "DELIVERED" and entry["attemptCount"] == rules.MAX_ATTEMPTS + 1
    assert client.get(f"/api/kirjuri/webhooks/{uuid}", headers=tenant.headers).json()["status"] == "ACTIVE"
    again = client.post(f"/api/kirjuri/webhooks/{uuid}/deliveries/{entry['id']}/retry", headers=tenant.headers)
    assert again.status_code == 409
    assert client.post(f"/api/kirjuri/webhooks/{uuid}/deliveries/nope/retry", headers=tenant.headers).status_code == 404


def test_address_checked_again_at_delivery(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, http: httpx.Client
) -> None:
    with receiver() as got:
        uuid = _hook(client, tenant, got.url, [catalogue.USER_UPDATED])  # accepted: sandbox mode
        _emit(session_factory, tenant, catalogue.USER_UPDATED, {})
        production = _receiving(settings, sandbox=False)
        assert _round(session_factory, tenant, http, settings, receiving=production) == 1
    assert got.received == []
    (entry,) = client.get(f"/api/kirjuri/webhooks/{uuid}/deliveries", headers=tenant.headers).json()["results"]
    assert entry["status"] == "PENDING" and entry["attempts"][0]["error"] == "WEBHOOK_URL_NOT_HTTPS"
    assert entry["attempts"][0].get("statusCode") is None


def test_refused_connection_and_redirect_are_failures(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, http: httpx.Client
) -> None:
    with receiver([302]) as got:
        redirecting = _hook(client, tenant, got.url, [catalogue.USER_UPDATED])
        closed = _hook(client, tenant, "http://127.0.0.1:9/closed", [catalogue.USER_UPDATED])
        _emit(session_factory, tenant, catalogue.USER_UPDATED, {})
        assert _round(session_factory, tenant, http, settings) == 2
    assert len(got.received) == 1
    (redirected,) = client.get(f"/api/kirjuri/webhooks/{redirecting}/deliveries", headers=tenant.headers).json()[
        "results"
    ]
    assert redirected["status"] == "PENDING" and redirected["lastStatusCode"] == 302
    (refused,) = client.get(f"/api/kirjuri/webhooks/{closed}/deliveries", headers=tenant.headers).json()["results"]
    assert refused["status"] == "PENDING" and refused["lastError"].startswith("ConnectError")


def test_lease_keeps_workers_apart_and_expires(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, http: httpx.Client
) -> None:
    with receiver() as got:
        _hook(client, tenant, got.url, [catalogue.USER_UPDATED])
        _emit(session_factory, tenant, catalogue.USER_UPDATED, {})
        delivery.fan_out(session_factory, company_ids=[tenant.company_id])
        scope = [tenant.company_id]
        (first,) = delivery.claim_due(session_factory, company_ids=scope)
        assert delivery.claim_due(session_factory, company_ids=scope) == []
        clock.travel(rules.LEASE + timedelta(seconds=1))  # the first worker died
        (second,) = delivery.claim_due(session_factory, company_ids=scope)
        clock.reset()
        assert second.token != first.token
        assert delivery.deliver(session_factory, first, http=http, receiving=_receiving(settings)) is None
        assert got.received == []  # the stale holder sends nothing
        assert delivery.deliver(session_factory, second, http=http, receiving=_receiving(settings)) == rules.DELIVERED
    assert len(got.received) == 1


def test_deleting_the_webhook_drops_its_deliveries(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, http: httpx.Client
) -> None:
    with receiver() as got:
        uuid = _hook(client, tenant, got.url, [catalogue.USER_UPDATED])
        _emit(session_factory, tenant, catalogue.USER_UPDATED, {})
        delivery.fan_out(session_factory, company_ids=[tenant.company_id])
        assert client.delete(f"/api/webhooks/{uuid}", headers=tenant.headers).status_code == 204
        assert _round(session_factory, tenant, http, settings) == 0
    assert got.received == []
