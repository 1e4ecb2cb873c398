"""Rights (the owner's document type decides) and tenancy (another company's attachment is 404 on
every id-taking endpoint, and nothing of it changes)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.attachments.models import Attachment
from kirjuri.config import Settings
from tests.attachments.helpers import (
    URL,
    attach,
    count_rows,
    errors,
    make_partner,
    make_receipt,
    meta,
    post,
    stored_files,
)
from tests.factories import Tenant, make_tenant

FORBIDDEN = [(403, None, "INSUFFICIENT_RIGHTS")]


def _arrange(session_factory: sessionmaker[Session], settings: Settings, who: Tenant) -> tuple[int, int, int]:
    """(journal receipt id, its attachment id, a customer's attachment id) in `who`'s company."""
    with session_factory() as session:
        receipt = make_receipt(session, who.company_id)
        customer = make_partner(session, who.company_id, "CUSTOMER")
        root = settings.var_dir / "files"
        on_journal = attach(session, root, company_id=who.company_id, user_id=who.user_id,
                            reference_type="LEDGERRECEIPT", reference_id=receipt.id, name="kuitti.pdf")  # fmt: skip
        on_customer = attach(session, root, company_id=who.company_id, user_id=who.user_id,
                             reference_type="CUSTOMER_BUSINESS_PARTNER_REGISTER", reference_id=customer)  # fmt: skip
        session.commit()
        return receipt.id, on_journal.id, on_customer.id


def test_viewer_reads_but_does_not_write(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings, db: Session
) -> None:
    viewer = make_tenant(session_factory, settings, user_rights={"accounting": {"journalReceipts": "VIEWING_RIGHTS"}})
    receipt_id, journal_file, customer_file = _arrange(session_factory, settings, viewer)
    h = viewer.headers
    assert client.get(f"{URL}/{journal_file}", headers=h).status_code == 200
    assert client.get(f"/api/kirjuri/attachments/{journal_file}/content", headers=h).status_code == 200
    for url in (f"{URL}/{customer_file}", f"/api/kirjuri/attachments/{customer_file}/content"):
        answer = client.get(url, headers=h)
        assert (answer.status_code, errors(answer)) == (403, FORBIDDEN)
    for answer in (
        client.patch(f"{URL}/{journal_file}", json={"name": "x.pdf"}, headers=h),
        client.delete(f"{URL}/{journal_file}", headers=h),
        post(client, viewer, meta("LEDGERRECEIPT", receipt_id)),
        post(client, viewer, meta("ENVIRONMENT", viewer.company_id)),
    ):
        assert (answer.status_code, errors(answer)) == (403, FORBIDDEN)
    assert count_rows(db, viewer.company_id) == 2
    row = db.get(Attachment, (viewer.company_id, journal_file))
    assert row is not None and row.name == "kuitti.pdf"


def test_writer_of_journals_only(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    writer = make_tenant(session_factory, settings, user_rights={"accounting": {"journalReceipts": "ALL_RIGHTS"}})
    receipt_id, journal_file, customer_file = _arrange(session_factory, settings, writer)
    h = writer.headers
    assert post(client, writer, meta("LEDGERRECEIPT", receipt_id)).status_code == 200
    assert post(client, writer, meta("ENVIRONMENT", writer.company_id)).status_code == 403
    assert client.patch(f"{URL}/{journal_file}", json={"name": "x.pdf"}, headers=h).status_code == 200
    assert client.patch(f"{URL}/{customer_file}", json={"name": "x.txt"}, headers=h).status_code == 403
    assert client.delete(f"{URL}/{customer_file}", headers=h).status_code == 403
    assert client.delete(f"{URL}/{journal_file}", headers=h).status_code == 204


def _snapshot(db: Session, company_id: int, root: Path) -> object:
    db.expire_all()
    rows = db.query(Attachment).filter(Attachment.company_id == company_id).order_by(Attachment.id).all()
    return [(r.id, r.name, r.version, (root / r.storage_key).read_bytes()) for r in rows]


def test_other_companys_ids_are_404(
    *,
    app: FastAPI,
    client: TestClient,
    tenant: Tenant,
    other_tenant: Tenant,
    session_factory: sessionmaker[Session],
    settings: Settings,
    db: Session,
) -> None:
    _arrange(session_factory, settings, other_tenant)
    _receipt, theirs, _ = _arrange(session_factory, settings, other_tenant)
    mine = _arrange(session_factory, settings, tenant)[2]
    assert mine < theirs  # the id exists only in the other company
    root = settings.var_dir / "files"
    urls = {
        ("GET", "/api/attachments/{attachmentId}"): (f"{URL}/{theirs}", None),
        ("PATCH", "/api/attachments/{attachmentId}"): (f"{URL}/{theirs}", {"name": "kaapattu.pdf"}),
        ("DELETE", "/api/attachments/{attachmentId}"): (f"{URL}/{theirs}", None),
        ("GET", "/api/kirjuri/attachments/{attachmentId}/content"): (
            f"/api/kirjuri/attachments/{theirs}/content",
            None,
        ),
    }
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
        if "{" in path and {"Attachments", "Kirjuri: attachments"} & set(operation.get("tags", []))
    }
    assert routes == set(urls), "a new id-taking route must join this walk"

    before = _snapshot(db, other_tenant.company_id, root)
    files_before = stored_files(root)
    for (method, _path), (url, body) in urls.items():
        answer = client.request(method, url, headers=tenant.headers, json=body)
        assert (answer.status_code, errors(answer)) == (404, [(404, "attachmentId", "NOT_FOUND")]), (method, url)
    answer = client.patch(f"{URL}/{theirs}?name=kaapattu.pdf", headers=tenant.headers)
    assert answer.status_code == 404
    assert _snapshot(db, other_tenant.company_id, root) == before
    assert stored_files(root) == files_before
    # The same calls work for the owner (so the 404s above were about tenancy alone).
    for (method, _path), (url, body) in sorted(urls.items(), key=lambda item: item[0][0] == "DELETE"):
        assert client.request(method, url, headers=other_tenant.headers, json=body).status_code in (200, 204)
