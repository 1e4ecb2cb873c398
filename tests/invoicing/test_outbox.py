"""The outbox folders of `invoicing.outbox`: documents written whole under names the outbox makes,
pending e-mails listed oldest first, and delivery — to a real (tiny) SMTP server on 127.0.0.1 that
this module runs, and to a recording fake `smtplib.SMTP` for the STARTTLS/login sequence, which
the tiny server cannot speak without a certificate."""

from __future__ import annotations

import base64
import os
import re
import smtplib
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from kirjuri.invoicing import outbox as outbox_module
from kirjuri.invoicing.document import Address, InvoiceDocument, Kind, Party, Payment, Totals
from kirjuri.invoicing.mail import invoice_email
from kirjuri.invoicing.outbox import EMAIL_NAME, Outbox, SmtpSettings, load_email, outbox_for

PDF = b"%PDF-1.4\n%%EOF\n"
XML = b'<?xml version="1.0" encoding="UTF-8"?>\n<Finvoice Version="3.0"/>\n'
DOCUMENT_NAME = re.compile(r"\d{8}T\d{12}Z-(\d+)-(\d+)\.(xml|pdf)")


def _message(number: int = 1042, *, bcc: tuple[str, ...] = ("arkisto@demo.fi",)) -> EmailMessage:
    seller = Party(name="Demo Oy", address=Address(name="Demo Oy"))
    document = InvoiceDocument(
        kind=Kind.INVOICE,
        number=number,
        invoice_date=date(2026, 11, 23),
        language="FINNISH",
        seller=seller,
        buyer=Party(name="Asiakas Oy", address=Address(name="Asiakas Oy")),
        rows=(),
        vat_lines=(),
        totals=Totals(net=Decimal("100.00"), vat=Decimal("25.50"), gross=Decimal("125.50")),
        payment=Payment(due_date=date(2026, 12, 7), iban="FI3715903000000776", reference="11112"),
    )
    return invoice_email(document, pdf=PDF, sender="laskutus@kirjuri.example", to="ostot@asiakas.fi", bcc=bcc)


@pytest.fixture
def box(tmp_path: Path) -> Outbox:
    return outbox_for(tmp_path / "var")


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- writing --------------------------------------------------------------------------------------------


def test_the_folders_live_under_var_dir(tmp_path: Path) -> None:
    box = outbox_for(tmp_path)
    assert (box.mail_dir, box.sent_dir, box.einvoice_dir, box.print_dir) == (
        tmp_path / "outbox" / "mail",
        tmp_path / "outbox" / "mail" / "sent",
        tmp_path / "outbox" / "einvoice",
        tmp_path / "outbox" / "print",
    )


def test_put_email_writes_the_whole_message_as_eml(box: Outbox) -> None:
    message = _message()
    path = box.put_email(message)

    assert path.parent == box.mail_dir
    assert EMAIL_NAME.fullmatch(path.name)
    data = path.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # RFC 5322 line ends
    stored = load_email(path)
    assert stored["Message-ID"] == message["Message-ID"]
    assert stored["Subject"] == "Lasku 1042 – Demo Oy"
    assert [a.addr_spec for a in stored["Bcc"].addresses] == ["arkisto@demo.fi"]
    assert [a.get_content() for a in stored.iter_attachments()] == [PDF]
    assert _files(box.mail_dir) == [path.name]  # no temporary file left behind


def test_the_email_name_comes_from_the_time_and_the_message_id(box: Outbox) -> None:
    first, second = _message(), _message()
    first_path, second_path = box.put_email(first), box.put_email(second)
    assert first_path.name.split("-")[1] != second_path.name.split("-")[1]  # different Message-IDs
    assert first_path.name < second_path.name  # the clock only moves forward


def test_put_email_needs_the_identity_headers(box: Outbox) -> None:
    message = _message()
    del message["Message-ID"]
    with pytest.raises(ValueError):
        box.put_email(message)


def test_pending_emails_oldest_first_and_nothing_else(box: Outbox) -> None:
    assert box.pending_emails() == []  # no folder yet
    paths = [box.put_email(_message(number)) for number in (1, 2, 3)]
    # Files the outbox did not make, a temporary file and the sent folder are not pending.
    (box.mail_dir / "notes.txt").write_text("x")
    (box.mail_dir / "hand-made.eml").write_text("x")
    (box.mail_dir / f".{paths[0].name}.0123456789abcdef.tmp").write_bytes(b"half")
    box.sent_dir.mkdir()
    assert box.pending_emails() == paths


@pytest.mark.parametrize(
    ("put", "folder", "data", "extension"),
    [("put_einvoice", "einvoice_dir", XML, "xml"), ("put_print", "print_dir", PDF, "pdf")],
)
def test_documents_are_kept_under_names_of_their_ids(
    box: Outbox, put: str, folder: str, data: bytes, extension: str
) -> None:
    path = getattr(box, put)(7, 1042, data)
    assert path.parent == getattr(box, folder)
    match = DOCUMENT_NAME.fullmatch(path.name)
    assert match is not None and match.groups() == ("7", "1042", extension)
    assert path.read_bytes() == data
    again = getattr(box, put)(7, 1042, data)  # a resend is kept beside the first, not over it
    assert _files(getattr(box, folder)) == sorted([path.name, again.name])


@pytest.mark.parametrize("put", ["put_einvoice", "put_print"])
@pytest.mark.parametrize(("company_id", "invoice_id"), [(0, 1), (1, -5), (True, 1), ("7", 1), (1, "../../x"), (1, 1.0)])
def test_ids_that_are_not_positive_integers_never_reach_a_file_name(
    box: Outbox, put: str, company_id: Any, invoice_id: Any
) -> None:
    data = XML if put == "put_einvoice" else PDF
    with pytest.raises(ValueError):
        getattr(box, put)(company_id, invoice_id, data)
    assert not box.root.exists() or not any(box.root.rglob("*.*"))


def test_content_must_be_what_the_folder_holds(box: Outbox) -> None:
    with pytest.raises(ValueError):
        box.put_einvoice(1, 1, PDF)
    with pytest.raises(ValueError):
        box.put_print(1, 1, XML)


def test_a_failed_write_leaves_nothing(box: Outbox, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(source: Any, target: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        box.put_print(1, 1, PDF)
    assert _files(box.print_dir) == []


# --- a tiny SMTP server --------------------------------------------------------------------------------


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes


class _SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.received: list[Received] = []
        self.logins: list[tuple[str, str]] = []
        self.refuse: set[str] = set()


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: EHLO (with AUTH PLAIN), AUTH, MAIL, RCPT, DATA, RSET,
    NOOP, QUIT."""

    server: _SmtpServer

    def handle(self) -> None:
        self._reply("220 test ESMTP")
        sender, recipients = "", []
        while line := self.rfile.readline():
            command = line.decode("ascii").rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self._reply("250-localhost", "250-AUTH PLAIN", "250 HELP")
            elif verb == "AUTH":
                _, user, password = base64.b64decode(command.split()[2]).decode().split("\0")
                self.server.logins.append((user, password))
                self._reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                sender = _angle(command)
                self._reply("250 OK")
            elif verb == "RCPT":
                address = _angle(command)
                if address in self.server.refuse:
                    self._reply("550 5.1.1 No such user")
                else:
                    recipients.append(address)
                    self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                self.server.received.append(Received(sender, recipients, self._data()))
                sender, recipients = "", []
                self._reply("250 OK queued")
            elif verb in {"RSET", "NOOP"}:
                sender, recipients = ("", []) if verb == "RSET" else (sender, recipients)
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) != b".\r\n":
            lines.append(line[1:] if line.startswith(b"..") else line)  # undo dot-stuffing
        return b"".join(lines)

    def _reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode("ascii"))


def _angle(command: str) -> str:
    match = re.search(r"<([^>]*)>", command)
    assert match is not None
    return match.group(1)


@pytest.fixture
def smtp_server() -> Iterator[_SmtpServer]:
    server = _SmtpServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _settings(server: _SmtpServer, **overrides: Any) -> SmtpSettings:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": server.server_address[1],
        "starttls": False,
        "sender": "bounces@kirjuri.example",
        "timeout_seconds": 5.0,
        **overrides,
    }
    return SmtpSettings(**values)


# --- delivery -------------------------------------------------------------------------------------------


def test_without_smtp_settings_the_email_stays_in_the_folder(box: Outbox) -> None:
    path = box.put_email(_message())
    assert box.deliver_email(path, smtp=None) == path
    assert box.pending_emails() == [path]
    assert _files(box.sent_dir) == []


def test_deliver_email_sends_to_everyone_and_moves_the_file_to_sent(box: Outbox, smtp_server: _SmtpServer) -> None:
    message = _message()
    path = box.put_email(message)
    stored = path.read_bytes()

    moved = box.deliver_email(path, smtp=_settings(smtp_server))

    assert moved == box.sent_dir / path.name
    assert moved.read_bytes() == stored
    assert box.pending_emails() == []
    [received] = smtp_server.received
    assert received.sender == "bounces@kirjuri.example"  # the envelope sender of the settings
    assert received.recipients == ["ostot@asiakas.fi", "arkisto@demo.fi"]
    assert f"Message-ID: {message['Message-ID']}".encode() in received.data
    assert b"\r\nBcc:" not in received.data and not received.data.startswith(b"Bcc:")  # stripped on the wire
    assert smtp_server.logins == []


def test_without_an_envelope_sender_the_from_address_is_used(box: Outbox, smtp_server: _SmtpServer) -> None:
    path = box.put_email(_message(bcc=()))
    box.deliver_email(path, smtp=_settings(smtp_server, sender=None))
    assert [(r.sender, r.recipients) for r in smtp_server.received] == [
        ("laskutus@kirjuri.example", ["ostot@asiakas.fi"])
    ]


def test_login_when_a_username_is_configured(box: Outbox, smtp_server: _SmtpServer) -> None:
    path = box.put_email(_message())
    box.deliver_email(path, smtp=_settings(smtp_server, username="kirjuri", password="s3cret"))
    assert smtp_server.logins == [("kirjuri", "s3cret")]
    assert len(smtp_server.received) == 1


def test_a_partly_refused_message_counts_as_sent_and_is_logged(
    box: Outbox, smtp_server: _SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[tuple[str, dict[str, Any]]] = []

    class Log:
        def warning(self, event: str, **values: Any) -> None:
            warnings.append((event, values))

    monkeypatch.setattr(outbox_module, "log", Log())
    smtp_server.refuse = {"arkisto@demo.fi"}
    path = box.put_email(_message())

    moved = box.deliver_email(path, smtp=_settings(smtp_server))

    assert moved.parent == box.sent_dir
    assert [r.recipients for r in smtp_server.received] == [["ostot@asiakas.fi"]]
    assert warnings == [("email_recipients_refused", {"file": path.name, "refused": ["arkisto@demo.fi"]})]


def test_a_refusal_of_every_recipient_leaves_the_email_pending(box: Outbox, smtp_server: _SmtpServer) -> None:
    smtp_server.refuse = {"ostot@asiakas.fi", "arkisto@demo.fi"}
    path = box.put_email(_message())
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        box.deliver_email(path, smtp=_settings(smtp_server))
    assert box.pending_emails() == [path]
    assert smtp_server.received == []


def test_an_unreachable_server_leaves_the_email_pending(box: Outbox) -> None:
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    path = box.put_email(_message())
    with pytest.raises(OSError):
        box.deliver_email(path, smtp=SmtpSettings(host="127.0.0.1", port=port, starttls=False, timeout_seconds=2))
    assert box.pending_emails() == [path]


# --- STARTTLS and login order, with a recording fake of smtplib.SMTP ------------------------------------


@dataclass
class _FakeSmtp:
    host: str
    port: int
    timeout: float
    calls: list[tuple[str, Any]] = field(default_factory=list)

    def __enter__(self) -> _FakeSmtp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.calls.append(("quit", None))

    def ehlo(self) -> None:
        self.calls.append(("ehlo", None))

    def starttls(self, *, context: ssl.SSLContext) -> None:
        self.calls.append(("starttls", (context.verify_mode, context.check_hostname)))

    def login(self, user: str, password: str) -> None:
        self.calls.append(("login", (user, password)))

    def send_message(self, message: EmailMessage, from_addr: str | None = None) -> dict[str, Any]:
        self.calls.append(("send_message", (message["Message-ID"], from_addr)))
        return {}


def test_starttls_comes_before_login_and_verifies_the_server(box: Outbox, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[_FakeSmtp] = []

    def factory(host: str, port: int, *, timeout: float) -> _FakeSmtp:
        made.append(_FakeSmtp(host, port, timeout))
        return made[-1]

    monkeypatch.setattr(smtplib, "SMTP", factory)
    message = _message()
    path = box.put_email(message)
    settings = SmtpSettings(host="smtp.example.fi", username="kirjuri", password="s3cret", sender="b@kirjuri.example")

    box.deliver_email(path, smtp=settings)

    [client] = made
    assert (client.host, client.port, client.timeout) == ("smtp.example.fi", 587, 30.0)
    assert client.calls == [
        ("ehlo", None),
        ("starttls", (ssl.CERT_REQUIRED, True)),
        ("ehlo", None),
        ("login", ("kirjuri", "s3cret")),
        ("send_message", (message["Message-ID"], "b@kirjuri.example")),
        ("quit", None),
    ]
    assert box.pending_emails() == []


# --- what deliver_email refuses to touch ---------------------------------------------------------------


def test_deliver_email_touches_only_pending_emails_of_this_outbox(box: Outbox, tmp_path: Path) -> None:
    path = box.put_email(_message())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    stranger = elsewhere / path.name
    stranger.write_bytes(path.read_bytes())
    sent = box.sent_dir / path.name
    box.sent_dir.mkdir()
    sent.write_bytes(b"x")
    os.symlink(stranger, box.mail_dir / "20260101T000000000000Z-0123456789abcdef.eml")
    candidates = [
        stranger,  # the right name in another folder
        box.mail_dir / ".." / "mail" / "sent" / path.name,  # climbing into sent/
        sent,
        box.mail_dir / "notes.txt",
        box.mail_dir / "20260101T000000000000Z-0123456789abcdef.eml",  # a symbolic link out
        box.mail_dir / "20260101T000000000000Z-ffffffffffffffff.eml",  # not there
    ]
    for candidate in candidates:
        with pytest.raises(ValueError):
            box.deliver_email(candidate, smtp=None)
    assert box.deliver_email(box.mail_dir / path.name, smtp=None) == path


# --- settings -------------------------------------------------------------------------------------------


def test_smtp_settings_never_show_the_password() -> None:
    settings = SmtpSettings(host="smtp.example.fi", username="kirjuri", password="s3cret")
    assert "s3cret" not in repr(settings)
    assert (settings.port, settings.starttls, settings.sender) == (587, True, None)


@pytest.mark.parametrize(
    "values",
    [
        {"host": ""},
        {"host": "smtp.example.fi", "port": 0},
        {"host": "smtp.example.fi", "port": 65536},
        {"host": "smtp.example.fi", "username": "kirjuri"},
        {"host": "smtp.example.fi", "password": "s3cret"},
        {"host": "smtp.example.fi", "timeout_seconds": 0},
    ],
)
def test_smtp_settings_refuse_what_cannot_work(values: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        SmtpSettings(**values)
