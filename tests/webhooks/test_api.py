"""Webhook management endpoints (§D.27) and Kirjuri's extras over HTTP: every error, tenancy,
rights, the secret never shown in the object."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import rules as rights
from kirjuri.config import Settings
from tests.factories import Tenant, make_tenant
from tests.webhooks.helpers import webhook_body

URL = "https://hooks.example.com/kirjuri"
PUBLIC = {
    "hooks.example.com": ["93.184.216.34"],
    "private.example.com": ["10.0.0.5"],
    "mixed.example.com": ["93.184.216.34", "127.0.0.1"],
}


@pytest.fixture(autouse=True)
def fake_dns(app: FastAPI) -> Iterator[None]:
    app.state.webhook_resolver = lambda host, _port: PUBLIC.get(host, [])
    yield
    del app.state.webhook_resolver


def _create(client: TestClient, tenant: Tenant, body: dict[str, Any] | None = None) -> str:
    answer = client.post("/api/webhooks", json=body or webhook_body(URL), headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == 200
    return str(answer.json()["uuid"])


def _error(answer: Any) -> tuple[int, str, str | None]:
    item = answer.json()["errors"][0]
    return answer.status_code, item["message"], item.get("field")


def test_create_list_update_delete(client: TestClient, tenant: Tenant) -> None:
    body = webhook_body(URL, ["USER_UPDATED", "TRACKING_PERIOD_STATUS_UPDATED", "invoice.created"])
    body["authenticationMeta"] = {"secret": "s3cr3t-shared-value", "note": "ours"}
    uuid = _create(client, tenant, body)
    listed = client.get("/api/webhooks", headers=tenant.headers).json()
    assert listed["meta"]["totalCount"] == 1
    (hook,) = listed["results"]
    assert hook == {
        "uuid": uuid,
        "url": URL,
        "authenticationType": "HMAC",
        "authenticationMeta": {"note": "ours"},
        "subscriptions": ["USER_UPDATED", "TRACKING_PERIOD_STATUS_UPDATED", "invoice.created"],
    }
    assert "s3cr3t" not in str(listed)
    put = client.put(
        f"/api/webhooks/{uuid}", json=webhook_body(URL + "/v2", ["PAYMENT_DELETED"]), headers=tenant.headers
    )
    assert put.status_code == 200 and put.json() == {"message": "Webhook updated"}
    (hook,) = client.get("/api/webhooks", headers=tenant.headers).json()["results"]
    assert hook["url"] == URL + "/v2" and hook["subscriptions"] == ["PAYMENT_DELETED"]
    assert client.delete(f"/api/webhooks/{uuid}", headers=tenant.headers).status_code == 204
    assert client.get("/api/webhooks", headers=tenant.headers).json()["results"] == []
    assert client.delete(f"/api/webhooks/{uuid}", headers=tenant.headers).status_code == 404


def test_search_filters_order_and_paging(client: TestClient, tenant: Tenant) -> None:
    first = _create(client, tenant, webhook_body(URL, ["USER_UPDATED"]))
    second = _create(client, tenant, webhook_body(URL + "/b", ["PAYMENT_UPDATED", "USER_UPDATED"]))
    third = _create(client, tenant, webhook_body(URL + "/c", ["TRACKING_PERIOD_STATUS_UPDATED"]))

    def uuids(query: str) -> list[str]:
        answer = client.get(f"/api/webhooks{query}", headers=tenant.headers)
        assert answer.status_code == 200, answer.text
        return [h["uuid"] for h in answer.json()["results"]]

    assert uuids("") == [third, second, first]
    assert uuids("?orderByCreatedDate=ASC") == [first, second, third]
    assert uuids("?eventType=USER_UPDATED") == [second, first]
    assert uuids("?eventType=PAYMENT_UPDATED&eventType=USER_UPDATED&orderByCreatedDate=ASC") == [first, second]
    assert uuids(f"?url={URL}/b") == [second]
    assert uuids("?size=2&page=1") == [first]
    page = client.get("/api/webhooks?eventType=USER_UPDATED&size=1&page=1", headers=tenant.headers).json()
    assert [h["uuid"] for h in page["results"]] == [first] and page["meta"]["totalCount"] == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?eventType=TRACKING_PERIOD_STATUS_UPDATED", "eventType[0]"),
        ("?eventType=NO_SUCH", "eventType[0]"),
        ("?orderByCreatedDate=UP", "orderByCreatedDate"),
        ("?size=0", "size"),
        ("?page=-1", "page"),
    ],
)
def test_search_errors(client: TestClient, tenant: Tenant, query: str, field: str) -> None:
    status, _code, got = _error(client.get(f"/api/webhooks{query}", headers=tenant.headers))
    assert status == 400 and got == field


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"url": None}, None, "url"),
        ({"url": "ftp://hooks.example.com/x"}, "INVALID_URL", "url"),
        ({"url": "not a url"}, "INVALID_URL", "url"),
        ({"url": "https://user:pw@hooks.example.com/x"}, "INVALID_URL", "url"),
        ({"url": "https://unknown.example.com/x"}, "WEBHOOK_URL_UNRESOLVABLE", "url"),
        ({"authenticationType": "BASIC"}, None, "authenticationType"),
        ({"authenticationType": None}, None, "authenticationType"),
        ({"subscriptions": []}, "FIELD_REQUIRED", "subscriptions"),
        ({"subscriptions": None}, None, "subscriptions"),
        ({"subscriptions": ["USER_UPDATED", "NOPE"]}, None, "subscriptions[1]"),
        ({"authenticationMeta": {"secret": "short"}}, "INVALID_SECRET", "authenticationMeta.secret"),
        ({"authenticationMeta": {"secret": "whsec_!!!notbase64"}}, "INVALID_SECRET", "authenticationMeta.secret"),
        ({"authenticationMeta": {"secret": 12345678}}, "INVALID_SECRET", "authenticationMeta.secret"),
    ],
)
def test_create_and_update_errors(
    client: TestClient, tenant: Tenant, change: dict[str, Any], code: str | None, field: str
) -> None:
    body = {k: v for k, v in {**webhook_body(URL), **change}.items() if v is not None}
    status, message, got = _error(client.post("/api/webhooks", json=body, headers=tenant.headers))
    assert (status, got) == (400, field)
    if code:
        assert message == code
    uuid = _create(client, tenant)
    status, _message, got = _error(client.put(f"/api/webhooks/{uuid}", json=body, headers=tenant.headers))
    assert (status, got) == (400, field)
    (hook,) = [h for h in client.get("/api/webhooks", headers=tenant.headers).json()["results"] if h["uuid"] == uuid]
    assert hook["url"] == URL  # nothing of the refused PUT landed


def test_production_refuses_http_and_private_addresses(
    client: TestClient, tenant: Tenant, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "sandbox", False)
    for url, code in [
        ("http://hooks.example.com/x", "WEBHOOK_URL_NOT_HTTPS"),
        ("https://private.example.com/x", "WEBHOOK_URL_NOT_PUBLIC"),
        ("https://mixed.example.com/x", "WEBHOOK_URL_NOT_PUBLIC"),
        ("https://127.0.0.1/x", "WEBHOOK_URL_NOT_PUBLIC"),
        ("https://[::1]/x", "WEBHOOK_URL_NOT_PUBLIC"),
        ("https://169.254.169.254/latest", "WEBHOOK_URL_NOT_PUBLIC"),
    ]:
        answer = client.post("/api/webhooks", json=webhook_body(url), headers=tenant.headers)
        assert _error(answer) == (400, code, "url"), url
    _create(client, tenant)
    monkeypatch.setattr(settings, "sandbox", True)
    _create(client, tenant, webhook_body("http://127.0.0.1:9/x"))


def test_secret_generated_given_and_rotated(client: TestClient, tenant: Tenant) -> None:
    generated = _create(client, tenant)
    answer = client.get(f"/api/kirjuri/webhooks/{generated}/secret", headers=tenant.headers)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    secret = answer.json()["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    rotate = client.post(f"/api/kirjuri/webhooks/{generated}/secret/rotate", headers=tenant.headers)
    assert rotate.json() == {"message": "Webhook secret rotated"} and "whsec_" not in rotate.text
    rotated = client.get(f"/api/kirjuri/webhooks/{generated}/secret", headers=tenant.headers).json()["secret"]
    assert rotated.startswith("whsec_") and rotated != secret
    given = _create(client, tenant, webhook_body(URL, authenticationMeta={"secret": "whsec_" + "QUJD" * 8}))
    assert client.get(f"/api/kirjuri/webhooks/{given}/secret", headers=tenant.headers).json()["secret"] == (
        "whsec_" + "QUJD" * 8
    )
    status = client.get(f"/api/kirjuri/webhooks/{given}", headers=tenant.headers).json()
    assert status["status"] == "ACTIVE" and status["uuid"] == given


def test_secret_stored_encrypted(client: TestClient, tenant: Tenant, db: Session) -> None:
    from kirjuri.webhooks.models import Webhook

    uuid = _create(client, tenant, webhook_body(URL, authenticationMeta={"secret": "plain-text-secret-value"}))
    row = db.query(Webhook).filter_by(uuid=uuid).one()
    assert "plain-text-secret-value" not in row.secret_encrypted and "secret" not in row.authentication_meta


def test_other_company_is_404(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    uuid = _create(client, tenant)
    h = other_tenant.headers
    assert client.put(f"/api/webhooks/{uuid}", json=webhook_body(URL), headers=h).status_code == 404
    assert client.delete(f"/api/webhooks/{uuid}", headers=h).status_code == 404
    for path in ("", "/secret", "/deliveries"):
        assert client.get(f"/api/kirjuri/webhooks/{uuid}{path}", headers=h).status_code == 404, path
    assert client.post(f"/api/kirjuri/webhooks/{uuid}/secret/rotate", headers=h).status_code == 404
    assert client.get("/api/webhooks", headers=h).json()["results"] == []


def test_rights(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings) -> None:
    uuid = _create(client, tenant)
    viewer = make_tenant(session_factory, settings, user_rights=rights.READ_ONLY)
    nobody = make_tenant(session_factory, settings, user_rights=rights.rights_document(rights.NO_ACCESS))
    assert client.get("/api/webhooks", headers=viewer.headers).status_code == 200
    assert client.post("/api/webhooks", json=webhook_body(URL), headers=viewer.headers).status_code == 403
    assert client.get(f"/api/kirjuri/webhooks/{uuid}/secret", headers=viewer.headers).status_code in (403, 404)
    assert client.get("/api/webhooks", headers=nobody.headers).status_code == 403
    assert client.get("/api/webhooks").status_code == 401
