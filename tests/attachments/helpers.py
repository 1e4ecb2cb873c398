"""Builders of attachment test data: owners of every type, multipart bodies, the download decoder.

Owners are made through their areas' services (partners, persons, products, ledger receipts),
never as bare rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from requests_toolbelt.multipart.decoder import MultipartDecoder
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kirjuri.attachments.models import Attachment
from kirjuri.core import clock
from kirjuri.ledger import service as ledger
from kirjuri.ledger.models import LedgerReceipt
from kirjuri.products import service as products
from kirjuri.products.rules import ProductDraft
from tests.factories import Tenant
from tests.ledger.helpers import draft
from tests.partners import partner_helpers

URL = "/api/attachments"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def make_partner(session: Session, company_id: int, partner_type: str = "CUSTOMER") -> int:
    """A customer, supplier or person through the partners' services (the caller commits)."""
    return partner_helpers.add_partner(session, company_id, partner_type)


def make_product(session: Session, company_id: int, product_type: str = "SALES", name: str = "Tuote") -> int:
    """A product through the products service (the caller commits)."""
    product = ProductDraft(type=product_type, name=name, price=Decimal(10), discount=Decimal(0), currency="EUR")
    return products.create_product(session, company_id=company_id, draft=product).id


def make_receipt(session: Session, company_id: int, receipt_type: str = "JOURNAL") -> LedgerReceipt:
    """A ledger receipt of the type (its hidden or own invoice id in `invoice_id`)."""
    return ledger.create_receipt(
        session,
        company_id=company_id,
        draft=draft(date(clock.now().year, 2, 10), receipt_type=receipt_type),
        allowed_types=(receipt_type,),
    )


def meta(reference_type: str, reference_id: int, name: str = "kuitti.txt", **extra: Any) -> dict[str, Any]:
    return {"name": name, "referenceType": reference_type, "referenceId": reference_id, **extra}


def post(
    client: TestClient,
    tenant: Tenant,
    body: dict[str, Any] | str | bytes | None,
    content: bytes | None = b"hello, world\n",
    *,
    meta_type: str | None = "application/json",
    headers: dict[str, str] | None = None,
) -> Response:
    """POST /attachments with a `meta` part (JSON of `body`; left out when None) and a `file` part."""
    files: dict[str, Any] = {}
    if body is not None:
        text = body if isinstance(body, str | bytes) else json.dumps(body)
        files["meta"] = (None, text, meta_type) if meta_type else (None, text)
    if content is not None:
        files["file"] = ("upload.bin", content, "application/octet-stream")
    return client.post(URL, files=files, headers={**tenant.headers, **(headers or {})})


def upload(
    client: TestClient, tenant: Tenant, body: dict[str, Any], content: bytes = b"hello, world\n"
) -> dict[str, Any]:
    answer = post(client, tenant, body, content)
    assert answer.status_code == 200, answer.text
    created: dict[str, Any] = answer.json()
    return created


@dataclass
class Download:
    meta: dict[str, Any]
    meta_type: bytes
    content: bytes
    headers: dict[bytes, bytes]


def decode(answer: Response) -> Download:
    """A `multipart/mixed` download, decoded the way the PyPI `procountor` client does."""
    first, second = MultipartDecoder(answer.content, answer.headers["content-type"]).parts
    return Download(
        meta=json.loads(first.content.decode()),
        meta_type=first.headers[b"Content-Type"],
        content=second.content,
        headers=dict(second.headers),
    )


def errors(answer: Response) -> list[tuple[int, str | None, str]]:
    return [(e["status"], e.get("field"), e["message"]) for e in answer.json()["errors"]]


def count_rows(session: Session, company_id: int) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Attachment).where(Attachment.company_id == company_id)) or 0


def stored_files(root: Path) -> set[Path]:
    """Every file under the store's root (committed and staged)."""
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


class AllRights:
    """A stand-in principal for arranging data through the service."""

    def can(self, right: str, *, write: bool = False) -> bool:
        return True


def attach(
    session: Session,
    store_root: Path,
    *,
    company_id: int,
    user_id: int,
    reference_type: str,
    reference_id: int,
    name: str = "kuitti.txt",
    content: bytes = b"hello",
) -> Attachment:
    """Attach through the service (for companies whose test user may not upload); the caller commits."""
    from kirjuri.attachments import service
    from kirjuri.attachments.storage import LocalFileStore

    store = LocalFileStore(store_root)
    staged = store.stage()
    staged.write(content)
    return service.create_attachment(
        session,
        company_id=company_id,
        user_id=user_id,
        access=AllRights(),
        name=name,
        reference_type=reference_type,
        reference_id=reference_id,
        send_with_invoice=False,
        staged=staged,
        store=store,
    )
