"""`accounting.personalJournalReceiptsOnly`: a limited user sees and changes only the journal
receipts they created themselves; someone else's are not found (404) and never listed."""

from __future__ import annotations

import copy

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.auth import service as auth_service
from kirjuri.auth.models import OAuthClient
from kirjuri.companies import rules as rights
from kirjuri.companies import service as companies_service
from kirjuri.config import Settings
from tests.factories import Tenant, unique
from tests.ledger.helpers import BANK, PURCHASES, day, journal, jsonable, row


def _limited_colleague(session_factory: sessionmaker[Session], settings: Settings, tenant: Tenant) -> dict[str, str]:
    """Headers of a second user of the tenant's company, limited to their own journal receipts."""
    limited = copy.deepcopy(rights.FULL_RIGHTS)
    limited["accounting"]["personalJournalReceiptsOnly"] = True
    with session_factory() as session:
        user = companies_service.create_user(
            session, username=unique("limited"), first_name="Liisa", last_name="Rajattu",
            email="liisa@example.invalid", mobile_phone="+358401234500",
        )  # fmt: skip
        companies_service.add_member(session, company_id=tenant.company_id, user_id=user.id, rights=limited)
        client = session.get(OAuthClient, tenant.client_pk)
        assert client is not None
        issued = auth_service.issue_token(
            session, client=client, company_id=tenant.company_id, user_id=user.id,
            access_ttl=settings.access_token_ttl, signing_key=settings.secret_key.get_secret_value(),
            issuer=settings.public_url,
        )  # fmt: skip
        session.commit()
    return {"Authorization": f"Bearer {issued.access_token}"}


def _post(client: TestClient, headers: dict[str, str], name: str) -> int:
    body = journal(day(3), row(PURCHASES, "10.00"), row(BANK, "-10.00"), name=name)
    answer = client.post("/api/ledgerreceipts", json=jsonable(body), headers=headers)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


def test_a_limited_user_sees_and_changes_only_their_own(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    limited = _limited_colleague(session_factory, settings, tenant)
    theirs = _post(client, tenant.headers, "Pääkäyttäjän tosite")
    mine = _post(client, limited, "Oma tosite")

    listed = client.get("/api/ledgerreceipts", headers=limited).json()["results"]
    assert [r["id"] for r in listed] == [mine]
    assert [j["ledgerReceiptId"] for j in client.get("/api/journals", headers=limited).json()] == [mine]
    assert client.get(f"/api/ledgerreceipts/{theirs}", headers=limited).status_code == 404
    assert [r["id"] for r in client.get(f"/api/ledgerreceipts/{theirs},{mine}", headers=limited).json()] == [mine]
    for action in ("approve", "invalidate", "unfinished"):
        assert client.put(f"/api/ledgerreceipts/{theirs}/{action}", headers=limited).status_code == 404
    assert client.put(f"/api/ledgerreceipts/{mine}/approve", headers=limited).status_code == 200

    # The unlimited user still sees both.
    everyone = client.get("/api/ledgerreceipts", headers=tenant.headers).json()["results"]
    assert sorted(r["id"] for r in everyone) == sorted([theirs, mine])
    assert client.get(f"/api/ledgerreceipts/{theirs}", headers=tenant.headers).json()["status"] == "UNFINISHED"
