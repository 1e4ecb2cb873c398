"""The personal-only rights flags (`invoicing.access.personal`): a user with
`personalSalesInvoicesOnly` / `personalPurchaseInvoicesOnly` / `personalTravelAndExpenseInvoiceOnly`
sees and edits only the invoices of those types they created — and travel and expense invoices
whose person is theirs — in the search, batch GET, GET, the audit trails and every write (404 for
the others'), and the others' attachments are hidden with them; types whose flag is off stay
visible."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import rules as rights_rules
from kirjuri.companies.models import CompanyUser
from kirjuri.config import Settings
from tests.attachments import helpers as attachment_helpers
from tests.companies.helpers import Colleague, add_colleague
from tests.factories import Tenant
from tests.invoicing.helpers import (
    errors,
    post_invoice,
    purchase_invoice_body,
    sales_invoice_body,
    sales_order_body,
    travel_invoice_body,
)
from tests.partners.partner_helpers import add_partner

ALL_FLAGS = {
    "sales": "personalSalesInvoicesOnly",
    "purchases": "personalPurchaseInvoicesOnly",
    "travelAndExpenses": "personalTravelAndExpenseInvoiceOnly",
}


def limited(
    session_factory: sessionmaker[Session], settings: Settings, tenant: Tenant, groups: tuple[str, ...]
) -> Colleague:
    rights = copy.deepcopy(rights_rules.FULL_RIGHTS)
    for group in groups:
        rights[group][ALL_FLAGS[group]] = True
    return add_colleague(session_factory, settings, tenant, rights=rights)


def as_colleague(who: Colleague) -> Any:
    """A Tenant-like object whose headers are the colleague's (for the helpers)."""

    class _Headers:
        headers = who.headers

    return _Headers()


@pytest.fixture()
def scene(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> dict[str, Any]:
    """The tenant's invoices of every kind, the limited colleague's own, and a travel claim the
    tenant made for the colleague's person."""
    colleague = limited(session_factory, settings, tenant, tuple(ALL_FLAGS))
    with session_factory() as session:
        person = add_partner(session, tenant.company_id, "PERSON")
        membership = session.get(CompanyUser, (tenant.company_id, colleague.user_id))
        assert membership is not None
        membership.partner_id = person
        session.commit()
    others = {
        "sales": post_invoice(client, tenant, sales_invoice_body())["id"],
        "order": post_invoice(client, tenant, sales_order_body())["id"],
        "purchase": post_invoice(client, tenant, purchase_invoice_body())["id"],
        "travel": post_invoice(client, tenant, travel_invoice_body())["id"],
    }
    mine_for_me = post_invoice(client, tenant, travel_invoice_body(partnerId=person))["id"]
    mine = {
        "sales": post_invoice(client, as_colleague(colleague), sales_invoice_body())["id"],
        "purchase": post_invoice(client, as_colleague(colleague), purchase_invoice_body())["id"],
        "travel_for_me": mine_for_me,
    }
    return {"colleague": colleague, "others": others, "mine": mine, "person": person}


def listed(client: TestClient, headers: dict[str, str], **params: Any) -> list[int]:
    answer = client.get("/api/invoices", params={"size": 200, **params}, headers=headers)
    assert answer.status_code == 200, answer.text
    return sorted(r["id"] for r in answer.json()["results"])


def test_search_shows_only_their_own(client: TestClient, tenant: Tenant, scene: dict[str, Any]) -> None:
    who = scene["colleague"]
    mine, others = scene["mine"], scene["others"]
    assert listed(client, who.headers) == sorted(mine.values())
    assert listed(client, who.headers, isOffer=False, types="SALES_ORDER") == []
    # The tenant (no flag) sees everything.
    assert set(listed(client, tenant.headers)) >= {*mine.values(), others["sales"], others["purchase"]}


def test_batch_get_skips_the_others(client: TestClient, scene: dict[str, Any]) -> None:
    who = scene["colleague"]
    mine, others = scene["mine"], scene["others"]
    ids = ",".join(str(i) for i in [*mine.values(), *others.values()])
    answer = client.get(f"/api/invoices/{ids}", headers=who.headers)
    assert answer.status_code == 200, answer.text
    assert sorted(i["id"] for i in answer.json()) == sorted(mine.values())
    only_others = ",".join(str(i) for i in others.values())
    assert errors(client.get(f"/api/invoices/{only_others}", headers=who.headers)) == [(404, "invoiceId", "NOT_FOUND")]


@pytest.mark.parametrize("kind", ["sales", "order", "purchase", "travel"])
def test_reads_and_writes_of_anothers_invoice_are_404(client: TestClient, scene: dict[str, Any], kind: str) -> None:
    who = scene["colleague"]
    invoice_id = scene["others"][kind]
    not_found = [(404, "invoiceId", "NOT_FOUND")]
    assert errors(client.get(f"/api/invoices/{invoice_id}", headers=who.headers)) == not_found
    body = {**sales_invoice_body(), "version": "2026-01-01T00:00:00Z"}
    assert errors(client.put(f"/api/invoices/{invoice_id}", json=body, headers=who.headers)) == not_found
    for verb in ("approve", "invalidate", "unfinished", "sendToCirculation", "verify", "reject"):
        assert errors(client.put(f"/api/invoices/{invoice_id}/{verb}", headers=who.headers)) == not_found, verb
    notes = client.put(f"/api/invoices/{invoice_id}/notes", json={"notes": "x"}, headers=who.headers)
    assert errors(notes) == not_found
    assert errors(client.put(f"/api/invoices/{invoice_id}/send", headers=who.headers)) == not_found
    assert errors(client.get(f"/api/invoices/{invoice_id}/image", headers=who.headers)) == not_found
    assert errors(client.get(f"/api/invoices/{invoice_id}/transactions", headers=who.headers)) == not_found
    assert errors(client.get(f"/api/invoices/{invoice_id}/comments", headers=who.headers)) == not_found
    assert errors(client.get(f"/api/invoices/{invoice_id}/paymentevents", headers=who.headers)) == not_found
    bulk = client.get("/api/invoices/transactions", params={"invoiceIds": str(invoice_id)}, headers=who.headers)
    assert bulk.status_code == 404


@pytest.mark.parametrize("kind", ["sales", "purchase", "travel_for_me"])
def test_their_own_are_open(client: TestClient, scene: dict[str, Any], kind: str) -> None:
    who = scene["colleague"]
    invoice_id = scene["mine"][kind]
    shown = client.get(f"/api/invoices/{invoice_id}", headers=who.headers)
    assert shown.status_code == 200, shown.text
    notes = client.put(f"/api/invoices/{invoice_id}/notes", json={"notes": "Oma"}, headers=who.headers)
    assert notes.status_code == 200, notes.text
    assert client.get(f"/api/invoices/{invoice_id}/transactions", headers=who.headers).status_code == 200


def test_flags_narrow_only_their_own_types(
    client: TestClient,
    tenant: Tenant,
    session_factory: sessionmaker[Session],
    settings: Settings,
    scene: dict[str, Any],
) -> None:
    sales_only = limited(session_factory, settings, tenant, ("sales",))
    others = scene["others"]
    for kind, status in (("sales", 404), ("order", 404), ("purchase", 200), ("travel", 200)):
        answer = client.get(f"/api/invoices/{others[kind]}", headers=sales_only.headers)
        assert answer.status_code == status, (kind, answer.text)
    assert others["purchase"] in listed(client, sales_only.headers)
    assert others["sales"] not in listed(client, sales_only.headers)


def test_without_a_person_only_what_they_created(
    client: TestClient,
    tenant: Tenant,
    session_factory: sessionmaker[Session],
    settings: Settings,
    scene: dict[str, Any],
) -> None:
    """Another limited user (no person of their own) does not see the claim made for the colleague."""
    stranger = limited(session_factory, settings, tenant, ("travelAndExpenses",))
    claim = scene["mine"]["travel_for_me"]
    assert client.get(f"/api/invoices/{claim}", headers=stranger.headers).status_code == 404
    made = post_invoice(client, as_colleague(stranger), travel_invoice_body())["id"]
    assert client.get(f"/api/invoices/{made}", headers=stranger.headers).status_code == 200


# --- attachments: a hidden invoice's files are hidden with it -----------------------------------------


def test_anothers_invoice_attachments_are_hidden(client: TestClient, tenant: Tenant, scene: dict[str, Any]) -> None:
    who = scene["colleague"]
    theirs = attachment_helpers.upload(client, tenant, attachment_helpers.meta("INVOICE", scene["others"]["sales"]))
    own = attachment_helpers.upload(
        client, as_colleague(who), attachment_helpers.meta("INVOICE", scene["mine"]["sales"])
    )
    found = client.get("/api/attachments", params={"size": 200}, headers=who.headers)
    assert found.status_code == 200, found.text
    listed_ids = [a["attachmentId"] for a in found.json()["results"]]
    assert own["id"] in listed_ids
    assert theirs["id"] not in listed_ids
    assert found.json()["meta"]["totalCount"] == len(listed_ids)
    everything = client.get("/api/attachments", params={"size": 200}, headers=tenant.headers).json()["results"]
    assert {own["id"], theirs["id"]} <= {a["attachmentId"] for a in everything}  # the tenant (no flag) sees both
    refused = [(403, None, "INSUFFICIENT_RIGHTS")]
    url = f"/api/attachments/{theirs['id']}"
    assert errors(client.get(url, headers=who.headers)) == refused
    assert errors(client.get(f"/api/kirjuri/attachments/{theirs['id']}/content", headers=who.headers)) == refused
    assert errors(client.patch(url, params={"name": "x.txt"}, headers=who.headers)) == refused
    assert errors(client.delete(url, headers=who.headers)) == refused
    assert client.get(f"/api/attachments/{own['id']}", headers=who.headers).status_code == 200
    upload = attachment_helpers.post(
        client, as_colleague(who), attachment_helpers.meta("INVOICE", scene["others"]["purchase"])
    )
    assert errors(upload) == [(400, "meta.referenceId", "REFERENCE_NOT_FOUND")]
    beyond = attachment_helpers.post(client, as_colleague(who), attachment_helpers.meta("INVOICE", 2**31))
    assert errors(beyond)[0][:2] == (400, "meta.referenceId")
    assert client.get(url, headers=tenant.headers).status_code == 200  # still there
