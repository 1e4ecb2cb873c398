"""The attachment service against the database: what a row holds, and the store and the rows
appearing and disappearing together with the transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kirjuri.attachments import repository, service
from kirjuri.attachments.storage import LocalFileStore
from kirjuri.core.errors import KirjuriError
from tests.attachments.helpers import make_receipt
from tests.factories import Tenant


@dataclass
class Rights:
    """A stand-in principal: `allowed` maps a right to "ALL" or "VIEW"."""

    allowed: dict[str, str] = field(default_factory=dict)

    def can(self, right: str, *, write: bool = False) -> bool:
        level = self.allowed.get(right)
        return level == "ALL" or (level == "VIEW" and not write)


EVERYTHING = Rights({"accounting.journalReceipts": "ALL", "sales.salesOrGroupInvoices": "ALL"})


@pytest.fixture()
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


def _attach(db: Session, tenant: Tenant, store: LocalFileStore, owner: int, *, access: Rights = EVERYTHING,
            name: str = "kuitti.pdf", content: bytes = b"%PDF-1.4 test") -> int:  # fmt: skip
    staged = store.stage()
    staged.write(content)
    try:
        row = service.create_attachment(
            db,
            company_id=tenant.company_id,
            user_id=tenant.user_id,
            access=access,
            name=name,
            reference_type="LEDGERRECEIPT",
            reference_id=owner,
            send_with_invoice=True,
            staged=staged,
            store=store,
        )
    finally:
        staged.discard()
    return row.id


def test_create_stores_the_row_and_the_bytes(db: Session, tenant: Tenant, store: LocalFileStore) -> None:
    receipt = make_receipt(db, tenant.company_id)
    attachment_id = _attach(db, tenant, store, receipt.id, name=" ../Kuitti\t.PDF ")
    db.commit()
    row = repository.get(db, company_id=tenant.company_id, attachment_id=attachment_id)
    assert (row.name, row.mime_type, row.reference_type, row.reference_id, row.document_type) == (
        ".._Kuitti.PDF", "application/pdf", "LEDGERRECEIPT", receipt.id, "JOURNAL"
    )  # fmt: skip
    assert (row.size, row.sha256) == (13, hashlib.sha256(b"%PDF-1.4 test").hexdigest())
    assert (row.created_by_user_id, row.created_by, row.send_with_invoice) == (tenant.user_id, tenant.username, True)
    assert row.storage_key.startswith(f"{tenant.company_id}/")
    assert row.version == row.created_at
    with store.open(row.storage_key) as file:
        assert file.read() == b"%PDF-1.4 test"


def test_a_rolled_back_upload_leaves_no_file(db: Session, tenant: Tenant, store: LocalFileStore) -> None:
    receipt = make_receipt(db, tenant.company_id)
    db.commit()
    _attach(db, tenant, store, receipt.id)
    assert len(list(store.keys())) == 1  # committed to the store, not yet to the database
    db.rollback()
    assert list(store.keys()) == []
    assert repository.for_owners(db, company_id=tenant.company_id, owners=[("LEDGERRECEIPT", receipt.id)]) == []


def test_a_refused_upload_writes_nothing(db: Session, tenant: Tenant, store: LocalFileStore) -> None:
    receipt = make_receipt(db, tenant.company_id)
    db.commit()
    with pytest.raises(KirjuriError) as caught:
        _attach(db, tenant, store, receipt.id, access=Rights({"accounting.journalReceipts": "VIEW"}))
    assert (caught.value.code, caught.value.status) == ("INSUFFICIENT_RIGHTS", 403)
    with pytest.raises(KirjuriError) as caught:
        _attach(db, tenant, store, receipt.id + 1000)
    assert (caught.value.code, caught.value.field) == ("REFERENCE_NOT_FOUND", "meta.referenceId")
    assert list(store.keys()) == []
    assert list((store.root / "tmp").iterdir()) == []


def test_delete_removes_the_file_only_once_committed(db: Session, tenant: Tenant, store: LocalFileStore) -> None:
    receipt = make_receipt(db, tenant.company_id)
    attachment_id = _attach(db, tenant, store, receipt.id)
    db.commit()
    (key,) = store.keys()

    service.delete_attachment(
        db, company_id=tenant.company_id, attachment_id=attachment_id, access=EVERYTHING, store=store
    )
    assert list(store.keys()) == [key]  # flushed, not committed: the bytes stay
    db.rollback()
    assert list(store.keys()) == [key]
    assert repository.find(db, company_id=tenant.company_id, attachment_id=attachment_id) is not None

    service.delete_attachment(
        db, company_id=tenant.company_id, attachment_id=attachment_id, access=EVERYTHING, store=store
    )
    db.commit()
    assert list(store.keys()) == []
    assert repository.find(db, company_id=tenant.company_id, attachment_id=attachment_id) is None


def test_a_file_that_cannot_be_removed_does_not_fail_the_delete(
    db: Session, tenant: Tenant, store: LocalFileStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    receipt = make_receipt(db, tenant.company_id)
    attachment_id = _attach(db, tenant, store, receipt.id)
    db.commit()

    def broken(_key: str) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(store, "delete", broken)
    service.delete_attachment(
        db, company_id=tenant.company_id, attachment_id=attachment_id, access=EVERYTHING, store=store
    )
    db.commit()  # logged, not raised
    assert repository.find(db, company_id=tenant.company_id, attachment_id=attachment_id) is None


def test_rename_keeps_the_extension_and_needs_the_writing_right(
    db: Session, tenant: Tenant, store: LocalFileStore
) -> None:
    receipt = make_receipt(db, tenant.company_id)
    attachment_id = _attach(db, tenant, store, receipt.id)
    db.commit()
    row = service.rename_attachment(
        db, company_id=tenant.company_id, attachment_id=attachment_id, name="uusi\u0000nimi.pdf", access=EVERYTHING
    )
    assert (row.name, row.mime_type) == ("uusinimi.pdf", "application/pdf")
    assert row.version > row.created_at
    for name, access, code in [
        ("x.txt", EVERYTHING, "EXTENSION_CANNOT_CHANGE"),
        ("x.pdf", Rights({"accounting.journalReceipts": "VIEW"}), "INSUFFICIENT_RIGHTS"),
    ]:
        with pytest.raises(KirjuriError) as caught:
            service.rename_attachment(
                db, company_id=tenant.company_id, attachment_id=attachment_id, name=name, access=access
            )
        assert caught.value.code == code


def test_readable_types_follow_the_rights() -> None:
    assert service.readable_types(Rights({})) == []
    journals = service.readable_types(Rights({"accounting.journalReceiptSearch": "VIEW"}))
    assert "JOURNAL" in journals and "SALES_INVOICE" not in journals
    customers = service.readable_types(Rights({"sales.customerRegister": "VIEW"}))
    assert customers == ["CUSTOMER_BUSINESS_PARTNER_REGISTER"]
