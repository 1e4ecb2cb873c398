"""The delivery worker of invoice e-mails: sends the queued e-mails of the outbox over SMTP and
records the outcome on their `SentDocument` rows. Meant to be run by the `kirjuri invoices deliver`
command, periodically, with the server's SMTP settings.

Invariants:
- the database decides what is sent, not the folder: only an e-mail whose SentDocument row is
  committed and QUEUED is delivered, so the file of a sending whose transaction rolled back (or
  has not committed yet) is never sent;
- each e-mail is delivered in its own transaction, holding its row locked (`FOR UPDATE SKIP
  LOCKED` on PostgreSQL, so a second worker passes over it); its outcome is committed before the
  next one starts, and a failure of one never stops the others;
- a row is DELIVERED once the SMTP server accepted the message (the file then lies in
  `outbox/mail/sent/`, where its `path` points); every try counts in `attempts`;
- a permanent refusal (an SMTP 5xx answer, every recipient refused for good, the file gone) marks
  the row FAILED at once; a temporary one (connection, timeout, 4xx) leaves it QUEUED with the
  `error` for the next run, until `MAX_ATTEMPTS` tries have failed. A FAILED row adds a
  SENDING_ERROR_RECEIVED event to the invoice's audit trail, linked to the document;
- a run whose SMTP server accepted a message but whose commit was lost finds the file already in
  `sent/` and marks the row DELIVERED instead of sending it twice;
- without SMTP settings nothing is sent and nothing changes (the sandbox needs no mail server).
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from pathlib import Path

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.invoicing import events, rules
from kirjuri.invoicing.models import Invoice, SentDocument
from kirjuri.invoicing.outbox import Outbox, SmtpSettings
from kirjuri.invoicing.sending import DELIVERED, FAILED, QUEUED, resolve, stored_path

log = structlog.get_logger("kirjuri.invoicing.worker")

MAX_ATTEMPTS = 5
MAX_ERROR_LENGTH = 1000
SENDING_ERROR = "SENDING_ERROR_RECEIVED"


def deliver_pending(
    session_factory: Callable[[], Session],
    *,
    outbox: Outbox,
    smtp: SmtpSettings | None,
    company_id: int | None = None,
) -> int:
    """Try every queued e-mail once (of one company when `company_id` is given), oldest first;
    the number delivered."""
    if smtp is None:
        return 0
    stmt = select(SentDocument.company_id, SentDocument.id).where(
        SentDocument.status == QUEUED, SentDocument.channel == rules.EMAIL
    )
    if company_id is not None:
        stmt = stmt.where(SentDocument.company_id == company_id)
    with session_factory() as session:
        queued = session.execute(stmt.order_by(SentDocument.created_at, SentDocument.company_id, SentDocument.id)).all()
    delivered = 0
    for owner, document_id in queued:
        with session_factory() as session:
            document = session.scalars(
                select(SentDocument)
                .where(SentDocument.company_id == owner, SentDocument.id == document_id)
                .with_for_update(skip_locked=True)
            ).first()
            if document is None or document.status != QUEUED:  # another worker has it, or had it
                continue
            if _deliver(session, document=document, outbox=outbox, smtp=smtp):
                delivered += 1
            session.commit()
    return delivered


def _deliver(session: Session, *, document: SentDocument, outbox: Outbox, smtp: SmtpSettings) -> bool:
    var_dir = outbox.root.parent
    path = resolve(document.path, var_dir=var_dir)
    already = outbox.sent_dir / path.name
    if not path.exists() and already.is_file():
        # Accepted by the server in a run whose commit was lost: do not send it twice.
        _delivered(document, already, var_dir=var_dir)
        return True
    document.attempts += 1
    try:
        moved = outbox.deliver_email(path, smtp=smtp)
    except ValueError as exc:  # not a pending e-mail of this outbox: the file is gone
        _failed(session, document, f"{type(exc).__name__}: {exc}")
        return False
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        _refused(session, document, _describe(exc, codes), permanent=all(code >= 500 for code in codes))
        return False
    except smtplib.SMTPResponseException as exc:
        _refused(session, document, _describe(exc, [exc.smtp_code]), permanent=exc.smtp_code >= 500)
        return False
    except (smtplib.SMTPException, OSError) as exc:
        _refused(session, document, _describe(exc, []), permanent=False)
        return False
    _delivered(document, moved, var_dir=var_dir)
    log.info("invoice_email_delivered", company=document.company_id, sent_document=document.id)
    return True


def _delivered(document: SentDocument, path: Path, *, var_dir: Path) -> None:
    document.status = DELIVERED
    document.path = stored_path(path, var_dir=var_dir)
    document.delivered_at = clock.now()
    document.error = None


def _refused(session: Session, document: SentDocument, error: str, *, permanent: bool) -> None:
    if permanent or document.attempts >= MAX_ATTEMPTS:
        _failed(session, document, error)
        return
    document.error = error
    log.warning("invoice_email_deferred", company=document.company_id, sent_document=document.id, error=error)


def _failed(session: Session, document: SentDocument, error: str) -> None:
    document.status = FAILED
    document.error = error
    log.error("invoice_email_failed", company=document.company_id, sent_document=document.id, error=error)
    invoice = session.get(Invoice, (document.company_id, document.invoice_id))
    if invoice is not None:
        events.record(
            session, invoice=invoice, action=SENDING_ERROR, details=f"EMAIL {error}", sent_document_id=document.id
        )


def _describe(exc: Exception, codes: list[int]) -> str:
    """What went wrong, for the row and the trail: the exception's kind, the SMTP codes and text."""
    text = " ".join(str(exc).split())
    prefix = f"{type(exc).__name__}"
    if codes:
        prefix += " " + ",".join(str(code) for code in sorted(set(codes)))
    return f"{prefix}: {text}"[:MAX_ERROR_LENGTH] if text else prefix
