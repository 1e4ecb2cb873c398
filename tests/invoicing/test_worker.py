"""`invoicing.worker.deliver_pending`: queued invoice e-mails delivered to an SMTP server (the tiny
one of `test_outbox`, on 127.0.0.1) and their SentDocument rows marked DELIVERED — or left QUEUED
after a temporary failure and FAILED after a permanent one or too many tries, with the failure in
the invoice's audit trail; only committed rows are sent, and a message is never sent twice."""

from __future__ import annotations

import hashlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.attachments.storage import local_store
from kirjuri.auth.dependencies import Principal, SessionIdentity
from kirjuri.companies import rules as rights
from kirjuri.invoicing import lifecycle, sending, worker
from kirjuri.invoicing.models import InvoiceEvent, SentDocument
from kirjuri.invoicing.outbox import Outbox, SmtpSettings, outbox_for
from tests.factories import Tenant
from tests.invoicing.helpers import add_invoice, sales_invoice_body, variant
from tests.invoicing.test_outbox import _SmtpServer

Factory = sessionmaker[Session]


@pytest.fixture
def smtp_server() -> Iterator[_SmtpServer]:
    """The tiny SMTP server of `test_outbox`, on a free port of 127.0.0.1."""
    server = _SmtpServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _AllRights:
    def can(self, right: str, *, write: bool = False) -> bool:
        return True


def _principal(tenant: Tenant) -> Principal:
    return Principal(
        company_id=tenant.company_id,
        user_id=tenant.user_id,
        client_pk=tenant.client_pk,
        client_id=tenant.client_id,
        token_id=0,
        api_key_id=None,
        role=rights.ADMIN_ROLE,
        rights=rights.FULL_RIGHTS,
        identity=SessionIdentity("Testi Oy", "FINLAND", "FINANCIALS_PREMIUM", True, "Testi Käyttäjä"),
    )


def _channels(var_dir: Path) -> sending.Channels:
    return sending.Channels(var_dir=var_dir, sender="laskutus@kirjuri.example", store=local_store(var_dir))


def _send(
    session: Session, tenant: Tenant, var_dir: Path, *, to: str = "ap@example.fi", commit: bool = True
) -> SentDocument:
    body = variant(sales_invoice_body(), {"counterParty.email": to, "counterParty.bccAddresses": ["arkisto@demo.fi"]})
    invoice = add_invoice(session, company_id=tenant.company_id, user_id=tenant.user_id, body=body)
    lifecycle.approve(session, invoice=invoice, user_id=tenant.user_id, rights=_AllRights())
    sent = sending.send_invoice(
        session, principal=_principal(tenant), invoice_id=invoice.id, channels=_channels(var_dir)
    )
    assert sent.document is not None
    if commit:
        session.commit()
    return sent.document


def _smtp(server: _SmtpServer) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=server.server_address[1],
        starttls=False,
        sender="bounces@kirjuri.example",
        timeout_seconds=5,
    )


def _unreachable() -> SmtpSettings:
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return SmtpSettings(host="127.0.0.1", port=port, starttls=False, timeout_seconds=2)


def _row(factory: Factory, document: SentDocument) -> SentDocument:
    with factory() as session:
        found = session.get(SentDocument, (document.company_id, document.id))
        assert found is not None
        session.expunge(found)
        return found


def _trail(factory: Factory, document: SentDocument) -> list[tuple[str, int | None, str | None]]:
    with factory() as session:
        rows = session.scalars(
            select(InvoiceEvent)
            .where(InvoiceEvent.company_id == document.company_id, InvoiceEvent.invoice_id == document.invoice_id)
            .order_by(InvoiceEvent.id)
        )
        return [(e.action, e.sent_document_id, e.details) for e in rows]


def _deliver(factory: Factory, box: Outbox, smtp: SmtpSettings | None, tenant: Tenant) -> int:
    return worker.deliver_pending(factory, outbox=box, smtp=smtp, company_id=tenant.company_id)


def test_a_queued_email_is_delivered_and_marked(
    session_factory: Factory, db: Session, tenant: Tenant, tmp_path: Path, smtp_server: _SmtpServer
) -> None:
    document = _send(db, tenant, tmp_path)
    box = outbox_for(tmp_path)
    pending = sending.resolve(document.path, var_dir=tmp_path)
    stored = pending.read_bytes()

    assert _deliver(session_factory, box, _smtp(smtp_server), tenant) == 1

    [received] = smtp_server.received
    assert (received.sender, received.recipients) == ("bounces@kirjuri.example", ["ap@example.fi", "arkisto@demo.fi"])
    row = _row(session_factory, document)
    assert (row.status, row.attempts, row.error) == ("DELIVERED", 1, None)
    assert row.delivered_at is not None
    assert row.path == f"outbox/mail/sent/{pending.name}"
    moved = sending.resolve(row.path, var_dir=tmp_path)
    assert moved.read_bytes() == stored and hashlib.sha256(stored).hexdigest() == row.sha256
    assert not pending.exists() and box.pending_emails() == []
    # Delivered once: the next run has nothing to do.
    assert _deliver(session_factory, box, _smtp(smtp_server), tenant) == 0
    assert len(smtp_server.received) == 1


def test_oldest_first_and_every_one(
    session_factory: Factory, db: Session, tenant: Tenant, tmp_path: Path, smtp_server: _SmtpServer
) -> None:
    first = _send(db, tenant, tmp_path, to="eka@example.fi")
    second = _send(db, tenant, tmp_path, to="toka@example.fi")
    assert _deliver(session_factory, outbox_for(tmp_path), _smtp(smtp_server), tenant) == 2
    assert [r.recipients[0] for r in smtp_server.received] == ["eka@example.fi", "toka@example.fi"]
    assert [_row(session_factory, d).status for d in (first, second)] == ["DELIVERED", "DELIVERED"]


def test_without_smtp_settings_nothing_happens(
    session_factory: Factory, db: Session, tenant: Tenant, tmp_path: Path
) -> None:
    document = _send(db, tenant, tmp_path)
    assert _deliver(session_factory, outbox_for(tmp_path), None, tenant) == 0
    row = _row(session_factory, document)
    assert (row.status, row.attempts, row.path) == ("QUEUED", 0, document.path)
    assert sending.resolve(document.path, var_dir=tmp_path).is_file()


def test_an_uncommitted_sending_is_never_delivered(
    session_factory: Factory, db: Session, tenant: Tenant, tmp_path: Path, smtp_server: _SmtpServer
) -> None:
    document = _send(db, tenant, tmp_path, commit=False)
    pending = sending.resolve(document.path, var_dir=tmp_path)
    assert pending.is_file()  # written, but its row is not committed

    assert _deliver(session_factory, outbox_for(tmp_path), _smtp(smtp_server), tenant) == 0

    assert smtp_server.received == []
    db.rollback()
    assert not pending.exists()


def test_a_permanent_refusal_fails_at_once_and_shows_in_the_trail(
    session_factory: Factory, db: Session, tenant: Tenant, tmp_path: Path, smtp_server: _SmtpServer
) -> None:
    smtp_server.refuse = {"ap@example.fi", "arkisto@demo.fi"}
    document = _send(db, tenant, tmp_path)

    assert _deliver(session_factory, outbox_for(tmp_path), _smtp(smtp_server), tenant) == 0

    row = _row(session_factory, document)
    assert (row.status, row.attempts, row.delivered_at) == ("FAILED", 1, None)
    assert row.error is not None and row.error.startswith("SMTPRecipientsRefused 550: ")
    assert row.path == document.path  # still where it was, for a look by hand
    action, linked, details = _trail(session_factory, document)[-1]
    assert (action, linked) == ("SENDING_ERROR_RECEIVED", document.id)
    assert details == f"EMAIL {row.error}"
    # A FAILED e-mail is not tried again.
    smtp_server.refuse = set()
    assert _deliver(session_factory, outbox_for(tmp_path), _smtp(smtp_server), tenant) == 0
    assert smtp_server.received == []


def test_a_temporary_failure_is_tried_again_until_the_limit(
    session_factory: Factory, db: Session, tenant: Tenant, tmp_path: Path
) -> None:
    document = _send(db, tenant, tmp_path)
    box = outbox_for(tmp_path)
    for attempt in range(1, worker.MAX_ATTEMPTS):
        assert _deliver(session_factory, box, _unreachable(), tenant) == 0
        row = _row(session_factory, document)
        assert (row.status, row.attempts) == ("QUEUED", attempt)
        assert row.error is not None and row.error.startswith("ConnectionRefusedError")
    assert _trail(session_factory, document)[-1][0] == "SEND"

    assert _deliver(session_factory, box, _unreachable(), tenant) == 0

    row = _row(session_factory, document)
    assert (row.status, row.attempts) == ("FAILED", worker.MAX_ATTEMPTS)
    assert _trail(session_factory, document)[-1][:2] == ("SENDING_ERROR_RECEIVED", document.id)
    assert box.pending_emails() == [sending.resolve(document.path, var_dir=tmp_path)]


def test_a_temporary_failure_then_success(
    session_factory: Factory, db: Session, tenant: Tenant, tmp_path: Path, smtp_server: _SmtpServer
) -> None:
    document = _send(db, tenant, tmp_path)
    box = outbox_for(tmp_path)
    assert _deliver(session_factory, box, _unreachable(), tenant) == 0
    assert _deliver(session_factory, box, _smtp(smtp_server), tenant) == 1
    row = _row(session_factory, document)
    assert (row.status, row.attempts, row.error) == ("DELIVERED", 2, None)


def test_a_missing_file_fails(
    session_factory: Factory, db: Session, tenant: Tenant, tmp_path: Path, smtp_server: _SmtpServer
) -> None:
    document = _send(db, tenant, tmp_path)
    sending.resolve(document.path, var_dir=tmp_path).unlink()
    assert _deliver(session_factory, outbox_for(tmp_path), _smtp(smtp_server), tenant) == 0
    row = _row(session_factory, document)
    assert (row.status, row.attempts) == ("FAILED", 1)
    assert row.error is not None and row.error.startswith("ValueError: ")
    assert smtp_server.received == []


def test_a_message_accepted_before_a_lost_commit_is_not_sent_twice(
    session_factory: Factory, db: Session, tenant: Tenant, tmp_path: Path, smtp_server: _SmtpServer
) -> None:
    document = _send(db, tenant, tmp_path)
    box = outbox_for(tmp_path)
    pending = sending.resolve(document.path, var_dir=tmp_path)
    # The server accepted it and the file moved to sent/, but the row's update never committed.
    box.sent_dir.mkdir(parents=True)
    pending.rename(box.sent_dir / pending.name)

    assert _deliver(session_factory, box, _smtp(smtp_server), tenant) == 1

    assert smtp_server.received == []
    row = _row(session_factory, document)
    assert (row.status, row.path) == ("DELIVERED", f"outbox/mail/sent/{pending.name}")


def test_other_channels_and_companies_are_left_alone(
    *,
    session_factory: Factory,
    db: Session,
    tenant: Tenant,
    other_tenant: Tenant,
    tmp_path: Path,
    smtp_server: _SmtpServer,
) -> None:
    mine = _send(db, tenant, tmp_path)
    theirs = _send(db, other_tenant, tmp_path, to="muut@example.fi")
    assert _deliver(session_factory, outbox_for(tmp_path), _smtp(smtp_server), tenant) == 1
    assert [r.recipients[0] for r in smtp_server.received] == ["ap@example.fi"]
    assert (_row(session_factory, mine).status, _row(session_factory, theirs).status) == ("DELIVERED", "QUEUED")


@pytest.mark.parametrize("code", [421, 451])
def test_a_temporary_smtp_answer_keeps_the_email_queued(
    *,
    session_factory: Factory,
    db: Session,
    tenant: Tenant,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
) -> None:
    import smtplib

    document = _send(db, tenant, tmp_path)

    def busy(*args: Any, **kwargs: Any) -> Any:
        raise smtplib.SMTPSenderRefused(code, b"Try again later", "bounces@kirjuri.example")

    monkeypatch.setattr(Outbox, "deliver_email", busy)
    assert _deliver(session_factory, outbox_for(tmp_path), SmtpSettings(host="smtp.example.fi"), tenant) == 0
    row = _row(session_factory, document)
    assert (row.status, row.attempts) == ("QUEUED", 1)
    assert row.error == f"SMTPSenderRefused {code}: ({code}, b'Try again later', 'bounces@kirjuri.example')"
