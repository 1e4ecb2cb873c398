"""MFA over HTTP: PUT /users → poll GET /mfatransactionresult and the deprecated PUT /users/{id}/confirm.

Statuses: 202 pending, 200 confirmed (the change applied), 406 rejected, 408 expired, 409 for
the approver deciding twice, 403 another user's, 404 unknown / another company's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import service as companies_service
from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError
from kirjuri.mfa import service
from tests.companies.helpers import add_colleague
from tests.factories import Tenant

BODY = {"firstName": "Maija", "lastName": "Muutettu", "email": "maija@example.invalid", "mobilePhone": "+358401112222"}


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    yield
    clock.reset()


def _start(client: TestClient, tenant: Tenant) -> str:
    answer = client.put("/api/users", json=BODY, headers=tenant.headers)
    assert answer.status_code == 202, answer.text
    return str(answer.json()["transactionIdentifier"])


def _decide(session_factory: sessionmaker[Session], tx_id: str, user_id: int, *, approve: bool = True) -> None:
    with session_factory() as session:
        (service.confirm if approve else service.reject)(session, transaction_id=tx_id, user_id=user_id)
        session.commit()


def _poll(client: TestClient, tenant: Tenant, tx_id: str) -> tuple[int, dict[str, object]]:
    answer = client.get(f"/api/mfatransactionresult/{tx_id}", headers=tenant.headers)
    return answer.status_code, answer.json()


def _legacy(client: TestClient, tenant: Tenant, tx_id: str) -> tuple[int, dict[str, object]]:
    answer = client.put(f"/api/users/{tx_id}/confirm", headers=tenant.headers)
    return answer.status_code, answer.json()


def test_pending_then_confirmed(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    tx_id = _start(client, tenant)
    status, body = _poll(client, tenant, tx_id)
    assert status == 202 and "waiting" in str(body["message"])
    assert _legacy(client, tenant, tx_id)[0] == 202
    assert client.get("/api/users", headers=tenant.headers).json()["firstName"] == "Testi"
    _decide(session_factory, tx_id, tenant.user_id)
    assert _poll(client, tenant, tx_id) == (200, {"info": {"message": "User information updated"}})
    # Polling is idempotent: the same answer again.
    assert _poll(client, tenant, tx_id) == (200, {"info": {"message": "User information updated"}})
    assert _legacy(client, tenant, tx_id) == (200, {"message": "User information updated"})
    user = client.get("/api/users", headers=tenant.headers).json()
    assert (user["firstName"], user["lastName"], user["email"], user["mobilePhone"]) == (
        "Maija",
        "Muutettu",
        "maija@example.invalid",
        "+358401112222",
    )
    assert "street" not in user  # PUT replaced the address with nothing


def test_rejected_is_406(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    tx_id = _start(client, tenant)
    _decide(session_factory, tx_id, tenant.user_id, approve=False)
    status, body = _poll(client, tenant, tx_id)
    assert status == 406 and body["errors"][0]["message"] == "MFA_TRANSACTION_REJECTED"  # type: ignore[index]
    assert _legacy(client, tenant, tx_id)[0] == 406
    assert client.get("/api/users", headers=tenant.headers).json()["firstName"] == "Testi"


def test_expired_is_408(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    tx_id = _start(client, tenant)
    clock.travel(timedelta(minutes=5, seconds=1))
    status, body = _poll(client, tenant, tx_id)
    assert status == 408 and body["errors"][0]["message"] == "MFA_TRANSACTION_EXPIRED"  # type: ignore[index]
    assert _legacy(client, tenant, tx_id)[0] == 408
    with pytest.raises(KirjuriError) as caught:
        _decide(session_factory, tx_id, tenant.user_id)
    assert caught.value.status == 408
    assert client.get("/api/users", headers=tenant.headers).json()["firstName"] == "Testi"


def test_deciding_twice_is_409_and_the_result_stays(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    tx_id = _start(client, tenant)
    _decide(session_factory, tx_id, tenant.user_id)
    for approve in (True, False):
        with pytest.raises(KirjuriError) as caught:
            _decide(session_factory, tx_id, tenant.user_id, approve=approve)
        assert (caught.value.code, caught.value.status) == ("MFA_TRANSACTION_ALREADY_PROCESSED", 409)
    assert _poll(client, tenant, tx_id)[0] == 200


def test_another_users_transaction_is_403(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    colleague = add_colleague(session_factory, settings, tenant)
    tx_id = _start(client, tenant)
    for answer in (
        client.get(f"/api/mfatransactionresult/{tx_id}", headers=colleague.headers),
        client.put(f"/api/users/{tx_id}/confirm", headers=colleague.headers),
    ):
        assert answer.status_code == 403
        assert answer.json()["errors"][0]["message"] == "MFA_TRANSACTION_OF_ANOTHER_USER"


@pytest.mark.parametrize("tx_id", ["00000000-0000-0000-0000-000000000000", "nope", "x" * 300])
def test_unknown_transaction_is_404(client: TestClient, tenant: Tenant, tx_id: str) -> None:
    assert _poll(client, tenant, tx_id)[0] == 404
    assert _legacy(client, tenant, tx_id)[0] == 404


def test_legacy_confirm_is_only_for_user_updates(client: TestClient, tenant: Tenant, db: Session) -> None:
    @service.register("TEST_KIND")
    def _apply(_session: Session, _tx: object) -> dict[str, object]:
        return {"info": {"message": "done"}}

    try:
        tx = service.start(db, company_id=tenant.company_id, user_id=tenant.user_id, kind="TEST_KIND", payload={})
        db.commit()
        assert _legacy(client, tenant, tx.id)[0] == 404
        assert _poll(client, tenant, tx.id)[0] == 202
    finally:
        service.HANDLERS.pop("TEST_KIND", None)


def test_pending_list_shows_the_put(client: TestClient, tenant: Tenant, db: Session) -> None:
    tx_id = _start(client, tenant)
    pending = service.pending_for_user(db, user_id=tenant.user_id)
    assert [t.id for t in pending] == [tx_id]
    assert pending[0].kind == companies_service.USER_UPDATE


def test_openapi_documents_the_statuses(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    poll = doc["paths"]["/api/mfatransactionresult/{transactionIdentifier}"]["get"]
    assert {"200", "202", "403", "404", "406", "408", "409"} <= set(poll["responses"])
    put = doc["paths"]["/api/users"]["put"]
    assert "202" in put["responses"]
    assert doc["paths"]["/api/users/{transactionIdentifier}/confirm"]["put"]["deprecated"] is True
    assert doc["paths"]["/api/kirjuri/users"]["get"]["tags"] == ["Kirjuri"]
