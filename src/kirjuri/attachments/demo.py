"""Demo attachments of a sandbox company: a signed contract on a key customer, a price list on a
supplier and a scanned receipt on a journal receipt of the demo books.

Invariant: files go through the same store and service as `POST /attachments`, so they download
byte for byte; without a file store (a caller that has none) nothing is attached.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.attachments import service
from kirjuri.attachments.storage import FileStore
from kirjuri.ledger.models import LedgerReceipt
from kirjuri.partners.models import BusinessPartner


class _Seeder:
    """The demo writes with every right, as the company's own set-up does."""

    def can(self, right: str, *, write: bool = False) -> bool:
        return True


def _pdf(text: str) -> bytes:
    """A one-page PDF showing `text` (ASCII), small enough to keep in the source."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _attach(
    session: Session, store: FileStore, *, company_id: int, user_id: int, name: str, owner: tuple[str, int], data: bytes
) -> None:
    staged = store.stage()
    try:
        staged.write(data)
        service.create_attachment(
            session,
            company_id=company_id,
            user_id=user_id,
            access=_Seeder(),
            name=name,
            reference_type=owner[0],
            reference_id=owner[1],
            send_with_invoice=False,
            staged=staged,
            store=store,
        )
    finally:
        staged.discard()


def seed_attachments(session: Session, company_id: int, user_id: int, store: FileStore) -> None:
    def first(partner_type: str) -> int | None:
        return session.scalar(
            select(BusinessPartner.id)
            .where(BusinessPartner.company_id == company_id, BusinessPartner.type == partner_type)
            .order_by(BusinessPartner.id)
        )

    customer, supplier = first("CUSTOMER"), first("SUPPLIER")
    journal = session.scalar(
        select(LedgerReceipt.id)
        .where(LedgerReceipt.company_id == company_id, LedgerReceipt.type == "JOURNAL")
        .order_by(LedgerReceipt.id)
    )
    files: list[tuple[str, tuple[str, int] | None, bytes]] = [
        (
            "Puitesopimus 2026.pdf",
            ("CUSTOMER_BUSINESS_PARTNER_REGISTER", customer) if customer else None,
            _pdf("Puitesopimus 2026 - allekirjoitettu"),
        ),
        (
            "Hinnasto.txt",
            ("SUPPLIER_BUSINESS_PARTNER_REGISTER", supplier) if supplier else None,
            "Toimistotarvikkeet 2026\nKopiopaperi A4, 500 arkkia: 5,90 €\nKuulakärkikynä: 0,95 €\n".encode(),
        ),
        ("Kuitti.pdf", ("LEDGERRECEIPT", journal) if journal else None, _pdf("Kuitti - kassa 1, 42,50 EUR")),
    ]
    for name, owner, data in files:
        if owner is not None:
            _attach(session, store, company_id=company_id, user_id=user_id, name=name, owner=owner, data=data)
