"""Discussion comments over HTTP: posting with `@Display Name` tags, the taggable users, reading
one comment with its tags, marking read, the `readByAllTaggedUsers` filter, and where comments do
not exist."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies.models import Company
from kirjuri.config import Settings
from kirjuri.invoicing import comments
from tests.companies.helpers import Colleague
from tests.factories import Tenant
from tests.invoicing.helpers import body_of, errors, post_invoice
from tests.invoicing.test_lifecycle_api import colleague, invoice_of, set_setting


def _post(client: TestClient, headers: dict[str, str], invoice_id: int, text: str) -> Any:
    return client.post(f"/api/invoices/{invoice_id}/comments", json={"comment": text}, headers=headers)


@pytest.fixture()
def people(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> dict[str, Colleague]:
    """Anna Lisa, Anna, two Matti Virtanens, and Sami who cannot see purchase invoices."""
    made = {
        "anna_lisa": colleague(session_factory, settings, tenant, first_name="Anna", last_name="Lisa"),
        "anna": colleague(session_factory, settings, tenant, first_name="Anna", last_name=""),
        "matti1": colleague(session_factory, settings, tenant, first_name="Matti", last_name="Virtanen"),
        "matti2": colleague(session_factory, settings, tenant, first_name="Matti", last_name="Virtanen"),
        "sami": colleague(
            session_factory,
            settings,
            tenant,
            first_name="Sami",
            last_name="Myynti",
            edit=lambda r: r["purchases"].update(purchaseInvoices="NO_ACCESS", purchaseInvoiceSearch="NO_ACCESS"),
        ),
    }
    return made


def test_taggable_users_are_the_readers_of_the_type(
    client: TestClient, tenant: Tenant, people: dict[str, Colleague]
) -> None:
    i = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))["id"]
    answer = client.get(f"/api/invoices/{i}/comments/taggableusers", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    m1, m2 = people["matti1"].user_id, people["matti2"].user_id
    assert answer.json() == {
        "taggableUsers": [
            {"displayName": "Anna", "fullName": "Anna"},
            {"displayName": "Anna Lisa", "fullName": "Anna Lisa"},
            {"displayName": f"Matti Virtanen ({m1})", "fullName": "Matti Virtanen"},
            {"displayName": f"Matti Virtanen ({m2})", "fullName": "Matti Virtanen"},
            {"displayName": "Testi Käyttäjä", "fullName": "Testi Käyttäjä"},
        ]
    }


def test_post_read_and_mark_read(client: TestClient, tenant: Tenant, people: dict[str, Colleague]) -> None:
    anna_lisa, anna, m2, sami = people["anna_lisa"], people["anna"], people["matti2"], people["sami"]
    invoice = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))
    i = invoice["id"]
    text = f"@anna lisa ja @Matti Virtanen ({m2.user_id}), katsokaa. @Sami Myynti @Anna Lisa @Annalisa"
    posted = _post(client, tenant.headers, i, text)
    assert posted.status_code == 200, posted.text
    c = posted.json()["id"]
    assert posted.json() == {
        "id": c,
        "author": "Testi Käyttäjä",
        "dateTime": posted.json()["dateTime"],
        "comment": text,
        "taggedUsersInfo": {"numTaggedUsers": 2, "readByAllTaggedUsers": False},
    }
    plain = _post(client, anna.headers, i, "Ei tageja @ ketään")
    assert plain.json()["taggedUsersInfo"] == {"numTaggedUsers": 0, "readByAllTaggedUsers": True}
    assert plain.json()["author"] == "Anna"

    one = client.get(f"/api/invoices/{i}/comments/{c}", headers=anna.headers).json()
    assert one["taggedUsers"] == [
        {"userTagId": anna_lisa.user_id, "displayName": "Anna Lisa", "fullName": "Anna Lisa"},
        {"userTagId": m2.user_id, "displayName": f"Matti Virtanen ({m2.user_id})", "fullName": "Matti Virtanen"},
    ]

    # Only a tagged user marks read; once read, the first time stays.
    assert errors(client.put(f"/api/invoices/{i}/comments/{c}/read", headers=anna.headers)) == [
        (403, None, "USER_NOT_TAGGED")
    ]
    assert errors(client.put(f"/api/invoices/{i}/comments/{c}/read", headers=sami.headers)) == [
        (404, "invoiceId", "NOT_FOUND")
    ]
    read = client.put(f"/api/invoices/{i}/comments/{c}/read", headers=anna_lisa.headers)
    assert read.json() == {"message": "Comment marked read"}
    first = client.get(f"/api/invoices/{i}/comments/{c}", headers=tenant.headers).json()["taggedUsers"][0]["read"]
    assert client.put(f"/api/invoices/{i}/comments/{c}/read", headers=anna_lisa.headers).status_code == 200
    again = client.get(f"/api/invoices/{i}/comments/{c}", headers=tenant.headers).json()
    assert again["taggedUsers"][0]["read"] == first
    assert "read" not in again["taggedUsers"][1]
    assert again["taggedUsersInfo"] == {"numTaggedUsers": 2, "readByAllTaggedUsers": False}

    listed = client.get(f"/api/invoices/{i}/comments", headers=tenant.headers).json()["comments"]
    assert [x["id"] for x in listed] == [c, plain.json()["id"]]
    unread = client.get(f"/api/invoices/{i}/comments?readByAllTaggedUsers=false", headers=tenant.headers).json()
    assert [x["id"] for x in unread["comments"]] == [c]
    assert client.put(f"/api/invoices/{i}/comments/{c}/read", headers=m2.headers).status_code == 200
    done = client.get(f"/api/invoices/{i}/comments?readByAllTaggedUsers=true", headers=tenant.headers).json()
    assert [x["id"] for x in done["comments"]] == [c, plain.json()["id"]]
    assert client.get(f"/api/invoices/{i}/comments?readByAllTaggedUsers=false", headers=tenant.headers).json() == {
        "comments": []
    }
    # Comments are no invoice content: the invoice's version stays.
    assert invoice_of(client, tenant.headers, i)["version"] == invoice["version"]


@pytest.mark.parametrize("invoice_type", ["SALES_INVOICE", "SALES_ORDER", "PURCHASE_ORDER"])
def test_no_comments_outside_purchase_travel_and_expense(client: TestClient, tenant: Tenant, invoice_type: str) -> None:
    i = post_invoice(client, tenant, body_of(invoice_type))["id"]
    expected = [(403, None, "COMMENTS_NOT_AVAILABLE")]
    assert errors(_post(client, tenant.headers, i, "Hei")) == expected
    assert errors(client.get(f"/api/invoices/{i}/comments", headers=tenant.headers)) == expected
    assert errors(client.get(f"/api/invoices/{i}/comments/taggableusers", headers=tenant.headers)) == expected
    assert errors(client.get(f"/api/invoices/{i}/comments/1", headers=tenant.headers)) == expected


@pytest.mark.parametrize("invoice_type", ["TRAVEL_INVOICE", "BILL_OF_CHARGES"])
def test_travel_and_expense_claims_have_comments(client: TestClient, tenant: Tenant, invoice_type: str) -> None:
    i = post_invoice(client, tenant, body_of(invoice_type))["id"]
    assert _post(client, tenant.headers, i, "@Testi Käyttäjä kuitti puuttuu").json()["taggedUsersInfo"] == {
        "numTaggedUsers": 1,
        "readByAllTaggedUsers": False,
    }


def test_discussion_switched_off(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    i = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))["id"]
    set_setting(session_factory, tenant.company_id, "circulation", allowInvoiceSpecificDiscussion=False)
    assert errors(_post(client, tenant.headers, i, "Hei")) == [(403, None, "COMMENTS_NOT_AVAILABLE")]
    set_setting(session_factory, tenant.company_id, "circulation", allowInvoiceSpecificDiscussion=True)
    with session_factory() as session:
        company = session.get(Company, tenant.company_id)
        assert company is not None
        company.invoice_discussion_enabled = False
        session.commit()
    assert errors(_post(client, tenant.headers, i, "Hei")) == [(403, None, "COMMENTS_NOT_AVAILABLE")]


def test_comment_rules_and_unknown_comments(client: TestClient, tenant: Tenant) -> None:
    i = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))["id"]
    other = post_invoice(client, tenant, body_of("PURCHASE_INVOICE"))["id"]
    h = tenant.headers
    assert errors(_post(client, h, i, "   ")) == [(400, "comment", "REQUIRED")]
    assert errors(_post(client, h, i, "x" * 10001)) == [(400, "comment", "TOO_LONG")]
    assert errors(client.post(f"/api/invoices/{i}/comments", json={}, headers=h)) == [(400, "comment", "REQUIRED")]
    c = _post(client, h, i, "Oma").json()["id"]
    for url in (f"/api/invoices/{other}/comments/{c}", f"/api/invoices/{i}/comments/999"):
        assert errors(client.get(url, headers=h)) == [(404, "commentId", "NOT_FOUND")]
        assert errors(client.put(f"{url}/read", headers=h)) == [(404, "commentId", "NOT_FOUND")]
    assert client.get(f"/api/invoices/{other}/comments", headers=h).json() == {"comments": []}


def test_parse_tags_prefers_the_longest_name() -> None:
    people = [
        comments.Person(1, "Anna", "Anna"),
        comments.Person(2, "Anna Lisa", "Anna Lisa"),
        comments.Person(3, "Li", "Li"),
    ]
    assert comments.parse_tags("@Anna Lisa @anna, @Li @Lisa @Anna_x @@Li", people) == [2, 1, 3]
    assert comments.parse_tags("no tags @", people) == []
