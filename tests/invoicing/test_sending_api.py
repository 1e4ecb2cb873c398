"""`PUT /invoices/{invoiceId}/send` (`invoicing.sending`, `invoicing.send_router`): each channel's
document in the outbox — the e-mail parsed with `email` (its PDF read back with PDFium), the
Finvoice message parsed with defusedxml, the PDF to print — the SentDocument rows and the SEND
events that link them; re-sending; the 403s of the lifecycle table and the rights; 400s that
leave nothing behind; isolation between companies."""

from __future__ import annotations

import email
import hashlib
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from defusedxml import ElementTree
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.app import create_app
from kirjuri.auth.dependencies import Principal, SessionIdentity
from kirjuri.companies import rules as rights
from kirjuri.config import Settings
from kirjuri.core.errors import KirjuriError
from kirjuri.invoicing import lifecycle, send_router, sending
from kirjuri.invoicing.models import Invoice, InvoiceEvent, SentDocument
from kirjuri.sandbox.demo import seed_company_profile
from tests.attachments.helpers import meta, upload
from tests.factories import Tenant, make_tenant
from tests.invoicing.helpers import (
    IBAN,
    add_invoice,
    errors,
    post_invoice,
    purchase_invoice_body,
    sales_invoice_body,
    sales_order_body,
    variant,
)

SEND_PATH = "/api/invoices/{invoiceId}/send"
BUYER_EINVOICE = {"address": "003730123458", "operator": "003723327487"}


@pytest.fixture(scope="module")
def send_client(settings: Settings) -> Iterator[TestClient]:
    """The app with the sending router (added here until `app.API_ROUTERS` lists it)."""
    app = create_app(settings)
    if not any(getattr(route, "path", None) == SEND_PATH for route in app.routes):
        app.include_router(send_router.router, prefix="/api")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


class _AllRights:
    def can(self, right: str, *, write: bool = False) -> bool:
        return True


def _principal(tenant: Tenant, user_rights: dict[str, Any] | None = None) -> Principal:
    return Principal(
        company_id=tenant.company_id,
        user_id=tenant.user_id,
        client_pk=tenant.client_pk,
        client_id=tenant.client_id,
        token_id=0,
        api_key_id=None,
        role=rights.ADMIN_ROLE,
        rights=user_rights if user_rights is not None else rights.FULL_RIGHTS,
        identity=SessionIdentity("Testi Oy", "FINLAND", "FINANCIALS_PREMIUM", True, "Testi Käyttäjä"),
    )


def _approved(client: TestClient, tenant: Tenant, body: dict[str, Any] | None = None) -> dict[str, Any]:
    created = post_invoice(client, tenant, body)
    answer = client.put(f"/api/invoices/{created['id']}/approve", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    return created


def _send(client: TestClient, tenant: Tenant, invoice_id: int | str) -> Any:
    return client.put(f"/api/invoices/{invoice_id}/send", headers=tenant.headers)


def _get(client: TestClient, tenant: Tenant, invoice_id: int) -> dict[str, Any]:
    answer = client.get(f"/api/invoices/{invoice_id}", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def _documents(db: Session, tenant: Tenant, invoice_id: int) -> list[SentDocument]:
    db.expire_all()
    return list(
        db.scalars(
            select(SentDocument)
            .where(SentDocument.company_id == tenant.company_id, SentDocument.invoice_id == invoice_id)
            .order_by(SentDocument.id)
        )
    )


def _events(db: Session, tenant: Tenant, invoice_id: int) -> list[tuple[str, int | None]]:
    db.expire_all()
    rows = db.scalars(
        select(InvoiceEvent)
        .where(InvoiceEvent.company_id == tenant.company_id, InvoiceEvent.invoice_id == invoice_id)
        .order_by(InvoiceEvent.id)
    )
    return [(e.action, e.sent_document_id) for e in rows]


def _trail(client: TestClient, tenant: Tenant, invoice_id: int) -> list[tuple[str | None, str | None]]:
    answer = client.get(f"/api/invoices/{invoice_id}/transactions", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    return [(t.get("action"), t.get("details")) for t in answer.json()["transactions"]]


def _file(settings: Settings, document: SentDocument) -> Path:
    return sending.resolve(document.path, var_dir=settings.var_dir)


def _pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)
    finally:
        document.close()


def _eml(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _outbox_files(settings: Settings, folder: str, company_id: int, invoice_id: int) -> list[Path]:
    root = settings.var_dir / "outbox" / folder
    return sorted(root.glob(f"*-{company_id}-{invoice_id}.*")) if root.is_dir() else []


# --- EMAIL -----------------------------------------------------------------------------------------


def test_email_is_queued_in_the_outbox_with_the_pdf(
    send_client: TestClient, tenant: Tenant, db: Session, settings: Settings
) -> None:
    body = variant(sales_invoice_body(), {"counterParty.bccAddresses": ["arkisto@example.fi"]})
    invoice = _approved(send_client, tenant, body)
    before = _get(send_client, tenant, invoice["id"])

    answer = _send(send_client, tenant, invoice["id"])

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"message": "Invoice queued for e-mail delivery"}
    after = _get(send_client, tenant, invoice["id"])
    assert after["status"] == "SENT"
    assert after["version"] != before["version"]
    assert (
        answer.headers["ETag"]
        == send_client.get(f"/api/invoices/{invoice['id']}", headers=tenant.headers).headers["ETag"]
    )
    [document] = _documents(db, tenant, invoice["id"])
    assert (document.channel, document.status, document.recipient, document.attempts, document.error) == (
        "EMAIL",
        "QUEUED",
        "ap@example.fi",
        0,
        None,
    )
    assert document.delivered_at is None
    assert document.path.startswith("outbox/mail/") and document.path.endswith(".eml")
    path = _file(settings, document)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == document.sha256

    message = _eml(path)
    number = invoice["invoiceNumber"]
    assert message["Subject"] == f"Lasku {number} – Testi Oy"
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [("Esimerkki Oy", "ap@example.fi")]
    assert [a.addr_spec for a in message["Bcc"].addresses] == ["arkisto@example.fi"]
    # The server's sender; public_url is 127.0.0.1, no mail domain (see test_default_sender).
    assert [(a.display_name, a.addr_spec) for a in message["From"].addresses] == [
        ("Testi Oy", "laskutus@kirjuri.invalid")
    ]
    [attachment] = list(message.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content_type()) == (f"lasku-{number}.pdf", "application/pdf")
    text = _pdf_text(attachment.get_content())
    assert f"Laskun numero {number}" in text
    assert "Esimerkki Oy" in text and "1 490,31" in text
    body_text = message.get_body(preferencelist=("plain",))
    assert body_text is not None and "1 490,31 EUR" in body_text.get_content()


def test_attachments_marked_send_with_invoice_travel_with_the_email(
    send_client: TestClient, tenant: Tenant, db: Session, settings: Settings
) -> None:
    invoice = _approved(send_client, tenant)
    upload(send_client, tenant, meta("INVOICE", invoice["id"], name="ehdot.txt", sendWithInvoice=True), b"Ehdot\n")
    upload(send_client, tenant, meta("INVOICE", invoice["id"], name="muistio.txt", sendWithInvoice=False), b"Oma\n")

    assert _send(send_client, tenant, invoice["id"]).status_code == 200

    [document] = _documents(db, tenant, invoice["id"])
    attachments = [
        (a.get_filename(), a.get_content_type(), a.get_content())
        for a in _eml(_file(settings, document)).iter_attachments()
    ]
    assert [(name, kind) for name, kind, _ in attachments] == [
        (f"lasku-{invoice['invoiceNumber']}.pdf", "application/pdf"),
        ("ehdot.txt", "text/plain"),
    ]
    assert attachments[1][2] == "Ehdot\n"


def test_resend_keeps_sent_and_records_every_document(
    send_client: TestClient, tenant: Tenant, db: Session, settings: Settings
) -> None:
    invoice = _approved(send_client, tenant)
    assert _send(send_client, tenant, invoice["id"]).status_code == 200
    first_version = _get(send_client, tenant, invoice["id"])["version"]

    again = _send(send_client, tenant, invoice["id"])

    assert again.status_code == 200, again.text
    after = _get(send_client, tenant, invoice["id"])
    assert after["status"] == "SENT" and after["version"] != first_version
    first, second = _documents(db, tenant, invoice["id"])
    assert first.id != second.id and first.path != second.path
    assert _file(settings, first).is_file() and _file(settings, second).is_file()
    assert _events(db, tenant, invoice["id"])[-2:] == [("SEND", first.id), ("SEND", second.id)]


def test_the_audit_trail_shows_the_send_with_its_document(send_client: TestClient, tenant: Tenant, db: Session) -> None:
    invoice = _approved(send_client, tenant)
    assert _send(send_client, tenant, invoice["id"]).status_code == 200

    [document] = _documents(db, tenant, invoice["id"])
    # After the core's own events (creation): the approval, then the sending with its document.
    assert _events(db, tenant, invoice["id"])[-2:] == [("APPROVAL", None), ("SEND", document.id)]
    assert _trail(send_client, tenant, invoice["id"])[-2:] == [("APPROVAL", None), ("SEND", "EMAIL ap@example.fi")]
    answer = send_client.get(f"/api/invoices/{invoice['id']}/transactions", headers=tenant.headers)
    assert answer.json()["transactions"][-1]["name"] == "Testi Käyttäjä"


# --- ELECTRONIC_INVOICE ----------------------------------------------------------------------------


def _einvoice_body() -> dict[str, Any]:
    return variant(
        sales_invoice_body(invoiceChannel="ELECTRONIC_INVOICE"),
        {"counterParty.einvoiceAddress": BUYER_EINVOICE, "counterParty.identifier": "3012345-8"},
    )


def test_einvoice_is_a_finvoice_message_for_the_operator(
    send_client: TestClient, tenant: Tenant, db: Session, settings: Settings
) -> None:
    seed_company_profile(db, tenant.company_id, tenant.user_id)  # e-invoicing through Apix
    db.commit()
    invoice = _approved(send_client, tenant, _einvoice_body())

    answer = _send(send_client, tenant, invoice["id"])

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"message": "Invoice handed to the e-invoice operator"}
    assert _get(send_client, tenant, invoice["id"])["status"] == "SENT"
    [document] = _documents(db, tenant, invoice["id"])
    assert (document.channel, document.status, document.recipient) == (
        "ELECTRONIC_INVOICE",
        "DELIVERED",
        "003730123458 003723327487",
    )
    assert document.delivered_at is not None
    assert document.path == f"outbox/einvoice/{_file(settings, document).name}"
    assert _file(settings, document).name.endswith(f"-{tenant.company_id}-{invoice['id']}.xml")
    xml = _file(settings, document).read_bytes()
    assert hashlib.sha256(xml).hexdigest() == document.sha256

    root = ElementTree.fromstring(xml)
    number = str(invoice["invoiceNumber"])
    reference = invoice["paymentInfo"]["bankReferenceCode"]
    assert (root.tag, root.get("Version")) == ("Finvoice", "3.0")
    assert root.findtext("InvoiceDetails/InvoiceNumber") == number
    transmission = root.find("MessageTransmissionDetails")
    assert transmission is not None
    assert transmission.findtext("MessageSenderDetails/FromIdentifier") == "003712345671"
    assert transmission.findtext("MessageSenderDetails/FromIntermediator") == "003723327487"
    assert transmission.findtext("MessageReceiverDetails/ToIdentifier") == "003730123458"
    assert transmission.findtext("MessageReceiverDetails/ToIntermediator") == "003723327487"
    assert (
        transmission.findtext("MessageDetails/MessageIdentifier")
        == f"{tenant.company_id}-{invoice['id']}-{document.id}"
    )
    assert root.findtext("SellerPartyDetails/SellerOrganisationName") == "Testi Oy"
    assert root.findtext("BuyerPartyDetails/BuyerOrganisationName") == "Esimerkki Oy"
    epi = root.find("EpiDetails")
    assert epi is not None
    assert epi.findtext("EpiIdentificationDetails/EpiReference") == number
    assert epi.findtext("EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiAccountID") == IBAN
    remittance = epi.find("EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier")
    assert remittance is not None
    assert (remittance.text, remittance.get("IdentificationSchemeName")) == (reference, "SPY")
    assert epi.findtext("EpiPaymentInstructionDetails/EpiInstructedAmount") == "1490,31"
    assert _events(db, tenant, invoice["id"])[-1] == ("SEND", document.id)


def test_einvoice_without_the_company_operator_is_refused_and_nothing_changes(
    send_client: TestClient, tenant: Tenant, db: Session, settings: Settings
) -> None:
    invoice = _approved(send_client, tenant, _einvoice_body())  # the company's "einvoice" setting is empty
    before = _get(send_client, tenant, invoice["id"])

    answer = _send(send_client, tenant, invoice["id"])

    assert answer.status_code == 400
    assert answer.json() == {"errors": [{"status": 400, "message": "EINVOICE_NOT_CONFIGURED"}]}
    assert _get(send_client, tenant, invoice["id"]) == before
    assert _documents(db, tenant, invoice["id"]) == []
    assert _events(db, tenant, invoice["id"])[-1] == ("APPROVAL", None)
    assert _outbox_files(settings, "einvoice", tenant.company_id, invoice["id"]) == []


# --- MAIL and NO_SENDING ----------------------------------------------------------------------------


def test_mail_puts_the_pdf_in_the_print_folder(
    send_client: TestClient, tenant: Tenant, db: Session, settings: Settings
) -> None:
    invoice = _approved(send_client, tenant, sales_invoice_body(invoiceChannel="MAIL", language="ENGLISH"))

    answer = _send(send_client, tenant, invoice["id"])

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"message": "Invoice queued for printing"}
    [document] = _documents(db, tenant, invoice["id"])
    assert (document.channel, document.status, document.recipient) == (
        "MAIL",
        "DELIVERED",
        "Esimerkki Oy, Kauppakatu 3, 00100 Helsinki",
    )
    assert document.delivered_at is not None
    path = _file(settings, document)
    assert path.parent == settings.var_dir / "outbox" / "print"
    assert _outbox_files(settings, "print", tenant.company_id, invoice["id"]) == [path]
    pdf = path.read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    text = _pdf_text(pdf)
    assert f"Invoice number {invoice['invoiceNumber']}" in text and "1,490.31" in text
    assert _events(db, tenant, invoice["id"])[-1] == ("SEND", document.id)


def test_no_sending_only_marks_the_invoice_sent(send_client: TestClient, tenant: Tenant, db: Session) -> None:
    invoice = _approved(send_client, tenant, sales_invoice_body(invoiceChannel="NO_SENDING"))

    answer = _send(send_client, tenant, invoice["id"])

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"message": "Invoice marked as sent"}
    assert _get(send_client, tenant, invoice["id"])["status"] == "SENT"
    assert _documents(db, tenant, invoice["id"]) == []
    assert _events(db, tenant, invoice["id"])[-2:] == [("APPROVAL", None), ("SEND", None)]
    assert _trail(send_client, tenant, invoice["id"])[-1] == ("SEND", "NO_SENDING")


# --- refusals ---------------------------------------------------------------------------------------


def test_an_unfinished_invoice_is_not_sent(send_client: TestClient, tenant: Tenant, db: Session) -> None:
    invoice = post_invoice(send_client, tenant)
    answer = _send(send_client, tenant, invoice["id"])
    assert answer.status_code == 403
    assert answer.json() == {"errors": [{"status": 403, "message": "INVALID_STATUS_TRANSITION"}]}
    assert _get(send_client, tenant, invoice["id"]) == invoice
    assert _documents(db, tenant, invoice["id"]) == []


def test_an_invalidated_invoice_is_not_sent(send_client: TestClient, tenant: Tenant) -> None:
    invoice = _approved(send_client, tenant)
    invalidated = send_client.put(f"/api/invoices/{invoice['id']}/invalidate", headers=tenant.headers)
    assert invalidated.status_code == 200, invalidated.text
    answer = _send(send_client, tenant, invoice["id"])
    assert errors(answer) == [(403, None, "INVALID_STATUS_TRANSITION")]
    assert _get(send_client, tenant, invoice["id"])["status"] == "INVALIDATED"


@pytest.mark.parametrize("body", [purchase_invoice_body(), sales_order_body()], ids=["purchase", "order"])
def test_only_sales_invoices_are_sent(
    send_client: TestClient, tenant: Tenant, db: Session, body: dict[str, Any]
) -> None:
    invoice = post_invoice(send_client, tenant, body)
    answer = _send(send_client, tenant, invoice["id"])
    assert answer.status_code == 403
    assert answer.json() == {"errors": [{"status": 403, "message": "ACTION_NOT_ALLOWED_FOR_TYPE"}]}
    assert _get(send_client, tenant, invoice["id"]) == invoice
    assert _documents(db, tenant, invoice["id"]) == []


def _approved_in(session_factory: sessionmaker[Session], tenant: Tenant) -> Invoice:
    with session_factory() as session:
        invoice = add_invoice(session, company_id=tenant.company_id, user_id=tenant.user_id)
        lifecycle.approve(session, invoice=invoice, user_id=tenant.user_id, rights=_AllRights())
        session.commit()
        return invoice


def test_a_viewer_of_sales_invoices_may_not_send(
    send_client: TestClient, session_factory: sessionmaker[Session], settings: Settings, db: Session
) -> None:
    viewer = make_tenant(
        session_factory,
        settings,
        user_rights={"sales": {"salesOrGroupInvoices": "VIEWING_RIGHTS", "salesInvoiceSearch": "ALL_RIGHTS"}},
    )
    invoice = _approved_in(session_factory, viewer)
    answer = _send(send_client, viewer, invoice.id)
    assert answer.status_code == 403
    assert answer.json() == {"errors": [{"status": 403, "message": "INSUFFICIENT_RIGHTS"}]}
    assert _documents(db, viewer, invoice.id) == []


def test_without_sales_rights_a_sales_invoice_does_not_exist(
    send_client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    buyer = make_tenant(session_factory, settings, user_rights={"purchases": {"purchaseInvoices": "ALL_RIGHTS"}})
    invoice = _approved_in(session_factory, buyer)
    answer = _send(send_client, buyer, invoice.id)
    assert errors(answer) == [(404, "invoiceId", "NOT_FOUND")]


def test_without_any_invoice_right_the_endpoint_is_closed(
    send_client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    nobody = make_tenant(session_factory, settings, user_rights={"sales": {"customerRegister": "ALL_RIGHTS"}})
    invoice = _approved_in(session_factory, nobody)
    assert errors(_send(send_client, nobody, invoice.id)) == [(403, None, "INSUFFICIENT_RIGHTS")]


def test_another_companys_invoice_is_not_found_and_not_sent(
    send_client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session
) -> None:
    invoice = _approved(send_client, tenant)
    before = _get(send_client, tenant, invoice["id"])

    answer = _send(send_client, other_tenant, invoice["id"])

    assert answer.status_code == 404
    assert answer.json() == {"errors": [{"status": 404, "field": "invoiceId", "message": "NOT_FOUND"}]}
    assert _get(send_client, tenant, invoice["id"]) == before
    assert _documents(db, tenant, invoice["id"]) == []


@pytest.mark.parametrize("invoice_id", ["999999", "0", "-1", str(2**31)])
def test_unknown_ids_are_not_found(send_client: TestClient, tenant: Tenant, invoice_id: str) -> None:
    assert errors(_send(send_client, tenant, invoice_id)) == [(404, "invoiceId", "NOT_FOUND")]


# --- the verb itself: rollback, configuration -------------------------------------------------------


def _channels(var_dir: Path) -> sending.Channels:
    from kirjuri.attachments.storage import local_store

    return sending.Channels(var_dir=var_dir, sender="laskutus@kirjuri.example", store=local_store(var_dir))


def test_a_rolled_back_sending_leaves_no_row_and_no_file(db: Session, tenant: Tenant, tmp_path: Path) -> None:
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id)
    lifecycle.approve(db, invoice=invoice, user_id=tenant.user_id, rights=_AllRights())
    db.commit()
    invoice_id = invoice.id

    sent = sending.send_invoice(db, principal=_principal(tenant), invoice_id=invoice_id, channels=_channels(tmp_path))
    assert sent.document is not None
    path = sending.resolve(sent.document.path, var_dir=tmp_path)
    assert path.is_file() and path.parent == tmp_path / "outbox" / "mail"

    db.rollback()

    assert not path.exists()
    assert _documents(db, tenant, invoice_id) == []
    assert db.get(Invoice, (tenant.company_id, invoice_id)).status == "NOT_SENT"  # type: ignore[union-attr]


def test_a_committed_sending_keeps_its_file(db: Session, tenant: Tenant, tmp_path: Path) -> None:
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id)
    lifecycle.approve(db, invoice=invoice, user_id=tenant.user_id, rights=_AllRights())
    db.commit()
    sent = sending.send_invoice(db, principal=_principal(tenant), invoice_id=invoice.id, channels=_channels(tmp_path))
    db.commit()
    assert sent.document is not None
    assert sending.resolve(sent.document.path, var_dir=tmp_path).is_file()
    # A later rollback of the same session does not touch what was committed.
    db.rollback()
    assert sending.resolve(sent.document.path, var_dir=tmp_path).is_file()


def test_a_channel_kirjuri_does_not_send_is_refused(db: Session, tenant: Tenant, tmp_path: Path) -> None:
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id)
    lifecycle.approve(db, invoice=invoice, user_id=tenant.user_id, rights=_AllRights())
    # An invoice that came in as EDIFACT (a read-only channel, never written through the API).
    invoice.invoice_channel = "EDIFACT"
    db.flush()
    with pytest.raises(KirjuriError) as refused:
        sending.send_invoice(db, principal=_principal(tenant), invoice_id=invoice.id, channels=_channels(tmp_path))
    assert (refused.value.code, refused.value.status, refused.value.field) == (
        "CHANNEL_NOT_SUPPORTED",
        400,
        "invoiceChannel",
    )
    assert not (tmp_path / "outbox").exists()


def test_an_einvoice_needs_the_buyers_operator(db: Session, tenant: Tenant, tmp_path: Path) -> None:
    seed_company_profile(db, tenant.company_id, tenant.user_id)
    # A foreign buyer needs no operator on the invoice, but the message cannot go without one.
    body = variant(
        sales_invoice_body(invoiceChannel="ELECTRONIC_INVOICE"),
        {
            "counterParty.einvoiceAddress": {"address": "0216:003730123458"},
            "counterParty.counterPartyAddress.country": "SWEDEN",
        },
    )
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=body)
    lifecycle.approve(db, invoice=invoice, user_id=tenant.user_id, rights=_AllRights())
    with pytest.raises(KirjuriError) as refused:
        sending.send_invoice(db, principal=_principal(tenant), invoice_id=invoice.id, channels=_channels(tmp_path))
    assert refused.value.items == [KirjuriError("REQUIRED", 400, "counterParty.einvoiceAddress.operator").items[0]]
    assert not (tmp_path / "outbox").exists()


class _Settings:
    def __init__(self, public_url: str, mail_sender: str | None = None) -> None:
        self.public_url = public_url
        self.mail_sender = mail_sender


@pytest.mark.parametrize(
    ("settings_", "sender"),
    [
        (_Settings("https://kirjuri.example.fi"), "laskutus@kirjuri.example.fi"),
        (_Settings("https://Kirjuri.Example.FI:8443/api"), "laskutus@kirjuri.example.fi"),
        (_Settings("http://127.0.0.1:8000"), "laskutus@kirjuri.invalid"),
        (_Settings("http://localhost:8000"), "laskutus@kirjuri.invalid"),
        (_Settings("not a url"), "laskutus@kirjuri.invalid"),
        (_Settings("https://kirjuri.example.fi", mail_sender=" laskut@yritys.fi "), "laskut@yritys.fi"),
        (Settings(public_url="https://laskut.example.com"), "laskutus@laskut.example.com"),
    ],
)
def test_default_sender(settings_: Any, sender: str) -> None:
    assert sending.default_sender(settings_) == sender
