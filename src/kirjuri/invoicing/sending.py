"""Sending a sales invoice (`PUT /invoices/{id}/send`): the document its `invoiceChannel` asks
for, kept in the outbox, recorded as a `SentDocument` and linked from the audit trail.

| channel              | what is made                                   | outbox folder       | SentDocument |
|----------------------|------------------------------------------------|---------------------|--------------|
| EMAIL                | the e-mail (`mail.invoice_email`): the PDF and | `outbox/mail/`      | QUEUED       |
|                      | the attachments marked `sendWithInvoice`       |                     |              |
| ELECTRONIC_INVOICE   | the Finvoice 3.0 message (`finvoice`)          | `outbox/einvoice/`  | DELIVERED    |
| MAIL                 | the PDF to print and post (`render`)           | `outbox/print/`     | DELIVERED    |
| NO_SENDING           | nothing: only the status and the audit event   | —                   | —            |

An e-mail waits for the delivery worker (`invoicing.worker`), which sends it and marks it
DELIVERED or FAILED. A Finvoice message or a PDF is handed over when it lies in its folder (the
operator's transfer and the print run take them from there), so it is DELIVERED at once.

Invariants:
- refusals come before anything is written: 404 for an invoice of another company or of a type
  the caller cannot read, 403 from the lifecycle table (`transitions`: a sales invoice, NOT_SENT
  or SENT) and for a caller without the sales write right, 400 for what the channel cannot carry
  (the e-mail addresses, a missing e-invoice route or account) — every document is built whole
  (rendered, addressed, serialised) before the status moves;
- a failed request leaves nothing: the status, the audit event, the counters and the
  SentDocument row roll back together, and the file — written last, after every row is flushed —
  is removed when the transaction rolls back; a file appears for a committed sending only;
- every sent document is linked from its SEND event (`InvoiceEvent.sent_document_id`), and its
  `path` (relative to the server's var folder) and `sha256` name the exact bytes kept.

Decisions:
- the From address of invoice e-mails is the server's: a `mail_sender` setting when the server's
  settings have one (`config.Settings` has none yet),
  else `laskutus@<host of public_url>`, else (an IP address or `localhost`, which are no mail
  domain) `laskutus@kirjuri.invalid` — the seller's name is the display name either way;
- Finvoice messages leave through the company's e-invoice operator (company setting "einvoice",
  `invoicing.documents.operator_id`); a company without one gets 400 `EINVOICE_NOT_CONFIGURED`;
  the message identifier is `<company>-<invoice>-<sent document>`, unique per sender;
- the invoice's attachments do not travel with a Finvoice message (they would be separate
  attachment messages, which Kirjuri does not write yet) nor with a printed letter.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import structlog
from sqlalchemy import event
from sqlalchemy.orm import Session

from kirjuri.attachments import repository as attachments
from kirjuri.attachments.storage import FileStore
from kirjuri.auth.dependencies import Principal
from kirjuri.core import clock
from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.db.counters import next_value
from kirjuri.invoicing import access, documents, lifecycle, repository, rules, transitions
from kirjuri.invoicing.document import InvoiceDocument
from kirjuri.invoicing.finvoice import finvoice_message
from kirjuri.invoicing.mail import check_address, invoice_email
from kirjuri.invoicing.models import Invoice, SentDocument
from kirjuri.invoicing.outbox import Outbox, outbox_for

log = structlog.get_logger("kirjuri.invoicing.sending")


def render_pdf(document: InvoiceDocument) -> bytes:
    """`render.render_pdf`, with ReportLab loaded on first use: most server processes never draw a
    PDF, and ReportLab (with PDFium for the page images) takes 25 MB of every process that
    imports it — the difference between a worker under its 150 MB budget and one over it."""
    from kirjuri.invoicing import render

    return render.render_pdf(document)


QUEUED = "QUEUED"
DELIVERED = "DELIVERED"
FAILED = "FAILED"

# What the answer's InfoMessage says, by channel.
MESSAGES: dict[str, str] = {
    rules.EMAIL: "Invoice queued for e-mail delivery",
    rules.ELECTRONIC_INVOICE: "Invoice handed to the e-invoice operator",
    rules.MAIL: "Invoice queued for printing",
    rules.NO_SENDING: "Invoice marked as sent",
}
SENDABLE_CHANNELS = frozenset(MESSAGES)

DEFAULT_SENDER_NAME = "laskutus"
FALLBACK_SENDER = "laskutus@kirjuri.invalid"
ATTACHMENT_OWNER = "INVOICE"


@dataclass(frozen=True, slots=True)
class Channels:
    """Where the server keeps what it sends, and whom it sends e-mail as."""

    var_dir: Path
    sender: str
    store: FileStore

    @property
    def outbox(self) -> Outbox:
        return outbox_for(self.var_dir)


@dataclass(frozen=True, slots=True)
class Sent:
    invoice: Invoice
    document: SentDocument | None
    message: str


def default_sender(settings: Any) -> str:
    """The From address of invoice e-mails (module docstring): `mail_sender` when the settings have
    one, else `laskutus@<host>` of `public_url` when that host is a mail domain."""
    configured = getattr(settings, "mail_sender", None)
    if isinstance(configured, str) and configured.strip():
        return configured.strip()
    host = urlsplit(str(getattr(settings, "public_url", ""))).hostname or ""
    try:
        return check_address(f"{DEFAULT_SENDER_NAME}@{host}", field="sender")
    except KirjuriError:
        return FALLBACK_SENDER


# --- the verb -----------------------------------------------------------------------------------


def send_invoice(session: Session, *, principal: Principal, invoice_id: int, channels: Channels) -> Sent:
    """`PUT /invoices/{id}/send`: deliver the invoice through its channel and mark it SENT."""
    invoice = repository.get(
        session,
        company_id=principal.company_id,
        invoice_id=invoice_id,
        types=access.readable_types(principal),
        lock=True,
        personal=access.personal(session, principal),
    )
    lifecycle.check(invoice, transitions.SEND)
    access.check_write(principal, invoice.type)
    channel = invoice.invoice_channel
    if channel not in SENDABLE_CHANNELS:  # EDIFACT, PAPER_INVOICE: shown, never sent by Kirjuri
        raise KirjuriError("CHANNEL_NOT_SUPPORTED", 400, "invoiceChannel")
    if channel == rules.NO_SENDING:
        lifecycle.apply(session, invoice=invoice, action=transitions.SEND, user_id=principal.user_id, details=channel)
        return Sent(invoice=invoice, document=None, message=MESSAGES[channel])

    document = documents.invoice_document(session, invoice=invoice)
    sent_id = next_value(session, company_id=invoice.company_id, name="sent_document")
    prepared = _prepare(session, invoice=invoice, document=document, sent_id=sent_id, channels=channels)
    lifecycle.apply(
        session,
        invoice=invoice,
        action=transitions.SEND,
        user_id=principal.user_id,
        details=f"{channel} {prepared.recipient}",
        sent_document_id=sent_id,
    )
    # Every row is written: only now the file, taken back if the transaction does not commit.
    path = prepared.write(channels.outbox)
    _after_transaction(session, rolled_back=lambda: _remove(path))
    now = clock.now()
    sent = SentDocument(
        company_id=invoice.company_id,
        id=sent_id,
        invoice_id=invoice.id,
        channel=channel,
        status=prepared.status,
        path=stored_path(path, var_dir=channels.var_dir),
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        recipient=prepared.recipient[:255],
        attempts=0,
        created_at=now,
        delivered_at=now if prepared.status == DELIVERED else None,
    )
    session.add(sent)
    session.flush()
    return Sent(invoice=invoice, document=sent, message=MESSAGES[channel])


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A document built and checked, not yet written: `write` puts it in the outbox."""

    status: str
    recipient: str
    write: Callable[[Outbox], Path]


def _prepare(
    session: Session, *, invoice: Invoice, document: InvoiceDocument, sent_id: int, channels: Channels
) -> _Prepared:
    channel = invoice.invoice_channel
    if channel == rules.EMAIL:
        return _email(session, invoice=invoice, document=document, channels=channels)
    if channel == rules.ELECTRONIC_INVOICE:
        return _einvoice(invoice=invoice, document=document, sent_id=sent_id)
    pdf = render_pdf(document)
    company_id, invoice_id = invoice.company_id, invoice.id
    return _Prepared(
        status=DELIVERED,
        recipient=_postal(document),
        write=lambda outbox: outbox.put_print(company_id, invoice_id, pdf),
    )


def _email(session: Session, *, invoice: Invoice, document: InvoiceDocument, channels: Channels) -> _Prepared:
    counter_party = invoice.document.get("counterParty") or {}
    to = counter_party.get("email")
    if not isinstance(to, str) or not to.strip():
        raise KirjuriError("REQUIRED", 400, "counterParty.email")
    bcc = [a for a in counter_party.get("bccAddresses") or [] if isinstance(a, str)]
    pdf = render_pdf(document)
    message = invoice_email(
        document,
        pdf=pdf,
        sender=channels.sender,
        to=to,
        bcc=bcc,
        extra_attachments=_attachments(session, invoice=invoice, store=channels.store),
    )
    return _Prepared(status=QUEUED, recipient=to.strip(), write=lambda outbox: outbox.put_email(message))


def _attachments(session: Session, *, invoice: Invoice, store: FileStore) -> list[tuple[str, str, bytes]]:
    """The invoice's files marked `sendWithInvoice`, as (name, MIME type, bytes)."""
    found = attachments.for_owners(session, company_id=invoice.company_id, owners=[(ATTACHMENT_OWNER, invoice.id)])
    files = []
    for attachment in found:
        if not attachment.send_with_invoice:
            continue
        try:
            with store.open(attachment.storage_key) as file:
                data = file.read()
        except (OSError, ValueError) as exc:
            log.error("invoice_attachment_missing", attachment=attachment.id, error=type(exc).__name__)
            raise KirjuriError("ATTACHMENT_NOT_AVAILABLE", 409, "attachments") from exc
        files.append((attachment.name, attachment.mime_type, data))
    return files


def _einvoice(*, invoice: Invoice, document: InvoiceDocument, sent_id: int) -> _Prepared:
    seller, buyer = document.seller, document.buyer
    if not seller.einvoice_operator:
        raise KirjuriError("EINVOICE_NOT_CONFIGURED", 400, None)
    missing = [
        field
        for field, value in (
            ("counterParty.einvoiceAddress.address", buyer.einvoice_address),
            ("counterParty.einvoiceAddress.operator", buyer.einvoice_operator),
            ("paymentInfo.bankAccount.accountNumber", document.payment.iban),
        )
        if not value
    ]
    if missing:
        rules.refuse([ErrorItem(400, "REQUIRED", field) for field in missing])
    try:
        xml = finvoice_message(
            document, message_id=f"{invoice.company_id}-{invoice.id}-{sent_id}", timestamp=clock.now()
        )
    except ValueError as exc:
        # A value the schema cannot carry unchanged (too long, an account without a BIC …).
        log.warning("finvoice_refused", invoice=invoice.id, reason=str(exc))
        raise KirjuriError("EINVOICE_NOT_POSSIBLE", 400, None) from exc
    company_id, invoice_id = invoice.company_id, invoice.id
    return _Prepared(
        status=DELIVERED,
        recipient=f"{buyer.einvoice_address} {buyer.einvoice_operator}",
        write=lambda outbox: outbox.put_einvoice(company_id, invoice_id, xml),
    )


def _postal(document: InvoiceDocument) -> str:
    address = document.buyer.address
    place = " ".join(part for part in (address.zip, address.city) if part)
    return ", ".join(part for part in (address.name, address.street, place) if part)


# --- files and the transaction ------------------------------------------------------------------


def stored_path(path: Path, *, var_dir: Path) -> str:
    """`path` as kept in `SentDocument.path`: relative to the var folder, with `/`."""
    return Path(os.path.relpath(path, var_dir)).as_posix()


def resolve(stored: str, *, var_dir: Path) -> Path:
    """The file a `SentDocument.path` names."""
    return var_dir / Path(stored)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:  # the row is gone: the file is garbage, not an error
        log.error("sent_document_not_removed", file=path.name, error=type(exc).__name__)


def _after_transaction(session: Session, *, rolled_back: Callable[[], None]) -> None:
    """Run `rolled_back` once if the session's transaction ends in a rollback (not after a commit)."""
    done = False

    def finish(action: Callable[[], None] | None) -> None:
        nonlocal done
        if done:
            return
        done = True
        if action is not None:
            action()

    event.listen(session, "after_commit", lambda _s: finish(None))
    event.listen(session, "after_rollback", lambda _s: finish(rolled_back))
