"""`GET /attachments`: the Document rows, every filter, every order, both paging styles, and the
rights (only the document types the caller may read are listed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.attachments.models import Attachment
from kirjuri.config import Settings
from tests.attachments.helpers import URL, errors, make_partner, make_receipt, meta, upload
from tests.factories import Tenant, make_tenant


@pytest.fixture()
def files(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> dict[str, dict[str, Any]]:
    """Four attachments of four document types, with distinct names, sizes and upload days."""
    with session_factory() as session:
        journal = make_receipt(session, tenant.company_id)
        invoice = make_receipt(session, tenant.company_id, "SALES_INVOICE")
        customer = make_partner(session, tenant.company_id, "CUSTOMER")
        session.commit()
        owners = {
            "journal": ("LEDGERRECEIPT", journal.id, "Bensa.pdf", 10),
            "invoice": ("INVOICE", invoice.invoice_id or 0, "lasku-42.PDF", 40),
            "customer": ("CUSTOMER_BUSINESS_PARTNER_REGISTER", customer, "sopimus.txt", 30),
            "environment": ("ENVIRONMENT", tenant.company_id, "yhtiöjärjestys.txt", 20),
        }
    created = {
        key: upload(client, tenant, meta(kind, ref, name), b"x" * size)
        for key, (kind, ref, name, size) in owners.items()
    }
    # Upload instants around the Helsinki midnight of 14/15 January 2026 (UTC+2).
    days = {
        "journal": datetime(2026, 1, 14, 21, 59, tzinfo=UTC),  # 14 Jan 23:59 in Helsinki
        "invoice": datetime(2026, 1, 14, 22, 0, tzinfo=UTC),  # 15 Jan 00:00
        "customer": datetime(2026, 1, 15, 21, 59, tzinfo=UTC),  # 15 Jan 23:59
        "environment": datetime(2026, 1, 15, 22, 0, tzinfo=UTC),  # 16 Jan 00:00
    }
    with session_factory() as session:
        for key, when in days.items():
            session.execute(
                update(Attachment)
                .where(Attachment.company_id == tenant.company_id, Attachment.id == created[key]["id"])
                .values(created_at=when)
            )
        session.commit()
    return {key: {**value, "attached": days[key]} for key, value in created.items()}


def _ids(client: TestClient, tenant: Tenant, query: str = "", **headers: str) -> list[int]:
    answer = client.get(f"{URL}?{query}", headers={**tenant.headers, **headers})
    assert answer.status_code == 200, answer.text
    return [row["attachmentId"] for row in answer.json()["results"]]


def test_rows_are_documents_newest_id_first(client: TestClient, tenant: Tenant, files: dict[str, Any]) -> None:
    answer = client.get(URL, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["meta"] == {"pageNumber": 0, "pageSize": 50, "resultCount": 4, "totalCount": 4}
    env = files["environment"]
    assert found["results"][0] == {
        "attachmentId": env["id"],
        "name": "yhtiöjärjestys.txt",
        "size": 20,
        "user": tenant.username,
        "referenceId": tenant.company_id,
        "referenceType": "ENVIRONMENT",
        "attached": "2026-01-15T22:00:00Z",
    }
    assert [r["attachmentId"] for r in found["results"]] == sorted((f["id"] for f in files.values()), reverse=True)


def test_filters(client: TestClient, tenant: Tenant, files: dict[str, Any]) -> None:
    j, i, c, e = (files[k]["id"] for k in ("journal", "invoice", "customer", "environment"))
    assert _ids(client, tenant, "name=LASKU") == [i]
    assert _ids(client, tenant, "name=.txt") == [e, c]
    assert _ids(client, tenant, "name=%25") == []  # LIKE wildcards are literal
    assert _ids(client, tenant, "name=_") == []
    assert _ids(client, tenant, "minSize=20") == [e, c, i]
    assert _ids(client, tenant, "maxSize=20") == [e, j]
    assert _ids(client, tenant, "minSize=20&maxSize=30") == [e, c]
    assert _ids(client, tenant, "type=JOURNAL") == [j]
    assert _ids(client, tenant, "type=SALES_INVOICE,ENVIRONMENT") == [e, i]
    assert _ids(client, tenant, "type=CUSTOMER_BUSINESS_PARTNER_REGISTER&type=JOURNAL") == [c, j]
    assert _ids(client, tenant, "type=PURCHASE_INVOICE") == []
    for ref in {f["referenceId"] for f in files.values()}:  # ids of different owner types may coincide
        expected = sorted((f["id"] for f in files.values() if f["referenceId"] == ref), reverse=True)
        assert _ids(client, tenant, f"referenceId={ref}") == expected
    assert _ids(client, tenant, "referenceId=999999") == []
    assert _ids(client, tenant, "", username=tenant.username) == [e, c, i, j]
    assert _ids(client, tenant, "", username="someone-else") == []
    # Company days (Helsinki): the 15th runs from 14 Jan 22:00 UTC to 15 Jan 22:00 UTC.
    assert _ids(client, tenant, "createdStartDate=2026-01-15&createdEndDate=2026-01-15") == [c, i]
    assert _ids(client, tenant, "createdStartDate=2026-01-16") == [e]
    assert _ids(client, tenant, "createdEndDate=2026-01-14") == [j]
    assert _ids(client, tenant, "createdStartDate=0001-01-01&createdEndDate=9999-12-31") == [e, c, i, j]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=BOGUS", [(400, "type", "INVALID_ENUM_VALUE")]),
        ("minSize=-1", [(400, "minSize", "OUT_OF_RANGE")]),
        ("maxSize=2147483648", [(400, "maxSize", "OUT_OF_RANGE")]),
        ("createdStartDate=2026-13-01", [(400, "createdStartDate", "INVALID_DATE")]),
        ("orderByName=UP", [(400, "orderByName", "INVALID_ENUM_VALUE")]),
        ("size=0", [(400, "size", "INVALID_PAGE_SIZE")]),
        ("size=201", [(400, "size", "INVALID_PAGE_SIZE")]),
        ("page=-1", [(400, "page", "INVALID_PAGE_NUMBER")]),
    ],
)
def test_bad_parameters(client: TestClient, tenant: Tenant, query: str, expected: list[Any]) -> None:
    answer = client.get(f"{URL}?{query}", headers=tenant.headers)
    assert (answer.status_code, errors(answer)) == (400, expected)


def test_orders(client: TestClient, tenant: Tenant, files: dict[str, Any]) -> None:
    j, i, c, e = (files[k]["id"] for k in ("journal", "invoice", "customer", "environment"))
    assert _ids(client, tenant, "orderById=ASC") == [j, i, c, e]
    assert _ids(client, tenant, "orderByName=ASC") == [j, i, c, e]  # Bensa, lasku, sopimus, yhtiö
    assert _ids(client, tenant, "orderByName=DESC") == [e, c, i, j]
    assert _ids(client, tenant, "orderBySize=DESC") == [i, c, e, j]
    assert _ids(client, tenant, "orderByCreatedDate=ASC") == [j, i, c, e]
    # Created wins over size when both are given.
    assert _ids(client, tenant, "orderBySize=ASC&orderByCreatedDate=DESC") == [e, c, i, j]


def test_paging(client: TestClient, tenant: Tenant, files: dict[str, Any]) -> None:
    j, i, c, e = (files[k]["id"] for k in ("journal", "invoice", "customer", "environment"))
    second = client.get(f"{URL}?size=3&page=1", headers=tenant.headers).json()
    assert second["meta"] == {"pageNumber": 1, "pageSize": 3, "resultCount": 1, "totalCount": 4}
    assert [r["attachmentId"] for r in second["results"]] == [j]
    assert _ids(client, tenant, f"previousId={c}") == [i, j]
    assert _ids(client, tenant, f"previousId={i}&orderById=ASC") == [c, e]
    assert _ids(client, tenant, f"previousId={j}&orderBySize=DESC") == []
    assert _ids(client, tenant, f"previousId={i}&orderBySize=DESC") == [c, e, j]
    assert _ids(client, tenant, f"previousId={i}&orderByName=ASC&size=1") == [c]
    missing = client.get(f"{URL}?previousId=999999&orderByName=ASC", headers=tenant.headers)
    assert (missing.status_code, errors(missing)) == (404, [(404, "previousId", "NOT_FOUND")])


def test_search_lists_only_readable_document_types(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    from tests.attachments.helpers import attach

    clerk = make_tenant(
        session_factory, settings, user_rights={"accounting": {"journalReceiptSearch": "VIEWING_RIGHTS"}}
    )
    with session_factory() as session:
        journal = make_receipt(session, clerk.company_id)
        customer = make_partner(session, clerk.company_id, "CUSTOMER")
        root = settings.var_dir / "files"
        mine = attach(session, root, company_id=clerk.company_id, user_id=clerk.user_id,
                      reference_type="LEDGERRECEIPT", reference_id=journal.id)  # fmt: skip
        attach(session, root, company_id=clerk.company_id, user_id=clerk.user_id,
               reference_type="CUSTOMER_BUSINESS_PARTNER_REGISTER", reference_id=customer)  # fmt: skip
        session.commit()
        mine_id = mine.id
    found = client.get(URL, headers=clerk.headers).json()
    assert [r["attachmentId"] for r in found["results"]] == [mine_id]
    assert found["meta"]["totalCount"] == 1
    assert _ids(client, clerk, "type=CUSTOMER_BUSINESS_PARTNER_REGISTER") == []

    nobody = make_tenant(session_factory, settings, user_rights={})
    answer = client.get(URL, headers=nobody.headers)
    assert (answer.status_code, errors(answer)) == (403, [(403, None, "INSUFFICIENT_RIGHTS")])


def test_other_companies_are_never_listed(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, files: dict[str, Any]
) -> None:
    assert client.get(URL, headers=other_tenant.headers).json()["results"] == []
    assert _ids(client, other_tenant, f"previousId={files['customer']['id']}") == []
