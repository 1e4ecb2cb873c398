"""The outbox folders: where outbound invoice documents wait to be delivered, or are kept once sent.

Under the server's `var_dir` (`outbox_for(settings.var_dir)`):

    outbox/mail/          e-mails (`.eml`, RFC 5322 with CRLF line ends) waiting for SMTP
    outbox/mail/sent/     e-mails an SMTP server accepted
    outbox/einvoice/      Finvoice messages (`.xml`) for the e-invoice operator
    outbox/print/         invoice PDFs for printing and posting (the MAIL channel)

Invariants:
- a file appears under its final name only whole: it is written to a hidden temporary file in the
  same folder, synced, and renamed (`os.replace` is atomic on one file system), so a reader — the
  delivery worker, an operator's print script, an operator's e-invoice transfer — never sees half a
  document;
- file names are made here, never taken from a client: a UTC timestamp (`clock.now()`, strictly
  increasing in a process) with the company and invoice ids checked to be positive integers, or,
  for an e-mail, a hash of its Message-ID;
- `deliver_email` only touches a pending `.eml` of this outbox, and moves it to `sent/` only after
  the SMTP server accepted the message; a failure (connection, refusal of every recipient,
  timeout) raises and leaves the file pending for the next try. Without SMTP settings the file
  simply stays where it is: the sandbox needs no mail server, and the folder is where a developer
  reads what would have been sent.

One delivery worker serves a folder: two workers could both send a file before either moves it.
"""

from __future__ import annotations

import email
import hashlib
import os
import re
import secrets
import smtplib
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path

import structlog

from kirjuri.core import clock

log = structlog.get_logger("kirjuri.invoicing.outbox")

EMAIL_NAME = re.compile(r"\d{8}T\d{12}Z-[0-9a-f]{16}\.eml")
_TIMESTAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """How to reach the mail server. `sender` is the envelope sender (MAIL FROM, where bounces go);
    None sends from the message's From address. Login happens only with a username, and should
    only be used together with STARTTLS (or a relay on the same host): AUTH sends the password."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    sender: str | None = None
    timeout_seconds: float = 30.0  # per blocking socket operation, also connecting

    def __post_init__(self) -> None:
        if not self.host.strip():
            raise ValueError("an SMTP host is required")
        if not 0 < self.port < 65536:
            raise ValueError("an SMTP port is 1 to 65535")
        if (self.username is None) != (self.password is None):
            raise ValueError("an SMTP login needs both a username and a password")
        if self.timeout_seconds <= 0:
            raise ValueError("an SMTP timeout is positive")


class Outbox:
    """The outbox folders under `root` (`var_dir / "outbox"`); folders are made when first used."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.mail_dir = root / "mail"
        self.sent_dir = self.mail_dir / "sent"
        self.einvoice_dir = root / "einvoice"
        self.print_dir = root / "print"

    def put_email(self, message: EmailMessage) -> Path:
        """Queue a message: `<timestamp>-<first 16 hex of sha256(Message-ID)>.eml`."""
        message_id = message.get("Message-ID")
        if not message_id or not message.get("From") or not message.get("To"):
            raise ValueError("an outbound e-mail needs a Message-ID, From and To")
        digest = hashlib.sha256(str(message_id).strip().encode()).hexdigest()[:16]
        name = f"{_timestamp()}-{digest}.eml"
        return _write_atomic(self.mail_dir, name, message.as_bytes(policy=policy.SMTP))

    def put_einvoice(self, company_id: int, invoice_id: int, xml: bytes) -> Path:
        """Keep a Finvoice message: `<timestamp>-<company_id>-<invoice_id>.xml`."""
        if not xml.startswith(b"<?xml"):
            raise ValueError("a Finvoice message starts with its XML declaration")
        return _write_atomic(self.einvoice_dir, _document_name(company_id, invoice_id, "xml"), xml)

    def put_print(self, company_id: int, invoice_id: int, pdf: bytes) -> Path:
        """Keep a PDF for printing: `<timestamp>-<company_id>-<invoice_id>.pdf`."""
        if not pdf.startswith(b"%PDF-"):
            raise ValueError("a document to print is a PDF")
        return _write_atomic(self.print_dir, _document_name(company_id, invoice_id, "pdf"), pdf)

    def pending_emails(self) -> list[Path]:
        """The e-mails waiting for delivery, oldest first (the names start with the time)."""
        if not self.mail_dir.is_dir():
            return []
        return sorted(p for p in self.mail_dir.iterdir() if EMAIL_NAME.fullmatch(p.name) and p.is_file())

    def deliver_email(self, path: Path, *, smtp: SmtpSettings | None) -> Path:
        """Send a pending e-mail and move it to `sent/`; the path where the file is afterwards.

        Without `smtp` nothing is sent and the file stays pending. SMTP and socket errors
        propagate (the file stays pending); recipients the server refused while it accepted
        others are logged, and the message counts as sent — sending again would duplicate it for
        everyone who got it.
        """
        pending = self._pending(path)
        if smtp is None:
            return pending
        message = load_email(pending)
        refused = _send(message, smtp)
        if refused:
            log.warning("email_recipients_refused", file=pending.name, refused=sorted(refused))
        self.sent_dir.mkdir(parents=True, exist_ok=True)
        target = self.sent_dir / pending.name
        os.replace(pending, target)
        return target

    def _pending(self, path: Path) -> Path:
        """`path` when it names a pending e-mail of this outbox; ValueError for anything else
        (another folder, `..`, a symbolic link out, a name this outbox did not make)."""
        if not EMAIL_NAME.fullmatch(path.name) or path.is_symlink():
            raise ValueError("not an e-mail of this outbox")
        if path.resolve().parent != self.mail_dir.resolve() or not path.is_file():
            raise ValueError("not a pending e-mail of this outbox")
        return self.mail_dir / path.name


def outbox_for(var_dir: Path) -> Outbox:
    """The outbox of a server whose data lives under `var_dir` (`var_dir/outbox`)."""
    return Outbox(var_dir / "outbox")


def load_email(path: Path) -> EmailMessage:
    """A stored `.eml` as a message again."""
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    if not isinstance(message, EmailMessage):  # the default policy always makes one
        raise TypeError("not an EmailMessage")
    return message


def _send(message: EmailMessage, smtp: SmtpSettings) -> dict[str, tuple[int, bytes]]:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as client:
        client.ehlo()
        if smtp.starttls:
            # Certificates and host name are verified: a mail server that cannot prove who it is
            # does not get invoices (nor the password).
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if smtp.username is not None and smtp.password is not None:
            client.login(smtp.username, smtp.password)
        # send_message takes the recipients from To, Cc and Bcc and strips Bcc from what it sends.
        return client.send_message(message, from_addr=smtp.sender)


def _timestamp() -> str:
    return clock.now().strftime(_TIMESTAMP_FORMAT)


def _document_name(company_id: int, invoice_id: int, extension: str) -> str:
    for value in (company_id, invoice_id):
        if type(value) is not int or value < 1:
            raise ValueError("company and invoice ids are positive integers")
    return f"{_timestamp()}-{company_id}-{invoice_id}.{extension}"


def _write_atomic(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    temporary = folder / f".{name}.{secrets.token_hex(8)}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
