"""The e-mail that carries a sales invoice (the EMAIL invoice channel): subject and body in the
invoice's language, a plain-text body with a simple HTML alternative, the invoice PDF attached.

Invariants:
- header injection is impossible: every address is checked to be exactly one plain address
  (`local@domain`, no display name, no CR/LF or other control character, an ASCII local part, a
  domain of dotted labels — an internationalised domain is stored in its IDNA form) and every
  name put into a header (the seller's in From and Subject, the buyer's in To) is refused when it
  carries a control character or an RFC 2047 encoded-word opener `=?` (Python 3.11's email
  package decodes those while folding, which turns `=0D=0A` into a real line break). Headers are
  built with `email.headerregistry.Address` objects, never by pasting strings together, and the
  finished message is checked to carry exactly the headers it was built with;
- a client's bad value is refused with `KirjuriError(code, 400, field)`: `INVALID_EMAIL` at
  `counterParty.email`, `counterParty.bccAddresses[i]` or `replyTo`, `TOO_MANY_BCC_ADDRESSES`
  (more than the contract's four) at `counterParty.bccAddresses`, `INVALID_CHARACTERS` at
  `counterParty.counterPartyAddress.name` (the buyer) or `company.name` (the seller). The sender
  address is the server's configuration, so a bad one is a ValueError, as are a PDF that is not one
  and an extra attachment with an unsafe name or MIME type (the attachment store hands out
  sanitised names);
- every word of the message comes from `TEXTS`, one table per language with exactly the same keys
  and placeholders (the tests compare them); a language other than FINNISH, SWEDISH or ENGLISH
  writes in English, as the PDF does;
- amounts are printed as the document carries them (already computed and rounded by
  `invoicing.sums`); the body never computes a sum.

Bcc recipients are kept in the message's `Bcc` header so that the outbox file holds the whole
envelope; `smtplib.SMTP.send_message` sends to them and strips the header from what it transmits.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email import policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError
from kirjuri.invoicing import references
from kirjuri.invoicing.document import InvoiceDocument, Kind, Party
from kirjuri.invoicing.printed import format_amount, format_date, format_iban

FINNISH, SWEDISH, ENGLISH = "FINNISH", "SWEDISH", "ENGLISH"

# Wire paths of the values a client can get wrong (the invoice's counterParty, §D.13).
TO_FIELD = "counterParty.email"
BCC_FIELD = "counterParty.bccAddresses[{index}]"
REPLY_TO_FIELD = "replyTo"
BUYER_NAME_FIELD = "counterParty.counterPartyAddress.name"
SELLER_NAME_FIELD = "company.name"

# RFC 5321: a path is at most 256 octets with its brackets, a local part at most 64.
MAX_ADDRESS_LENGTH = 254
MAX_LOCAL_PART_LENGTH = 64
# The contract allows up to four bcc addresses on an invoice.
MAX_BCC = 4

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
_UNSAFE_FILE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")

_FI: dict[str, str] = {
    "subject_invoice": "Lasku {number} – {seller}",
    "subject_credit_note": "Hyvityslasku {number} – {seller}",
    "file_invoice": "lasku-{number}.pdf",
    "file_credit_note": "hyvityslasku-{number}.pdf",
    "greeting": "Hei,",
    "intro_invoice": "Liitteenä on laskumme {number} päivältä {date}.",
    "intro_credit_note": "Liitteenä on hyvityslaskumme {number} päivältä {date}.",
    "credits_invoice": "Hyvityslasku hyvittää laskun {number}.",
    "amount_due": "Maksettava yhteensä",
    "amount_credited": "Hyvitetään yhteensä",
    "due_date": "Eräpäivä",
    "iban": "Saajan tilinumero (IBAN)",
    "bic": "BIC",
    "reference": "Viitenumero",
    "virtual_barcode": "Virtuaaliviivakoodi",
    "pay_with_reference": "Käytäthän maksaessasi viitenumeroa.",
    "barcode_hint": "Virtuaaliviivakoodin voit kopioida verkkopankin maksulomakkeelle.",
    "questions": "Vastaamme mielellämme laskua koskeviin kysymyksiin.",
    "closing": "Ystävällisin terveisin",
    "phone": "Puhelin",
    "email": "Sähköposti",
    "business_id": "Y-tunnus",
}

_SV: dict[str, str] = {
    "subject_invoice": "Faktura {number} – {seller}",
    "subject_credit_note": "Kreditfaktura {number} – {seller}",
    "file_invoice": "faktura-{number}.pdf",
    "file_credit_note": "kreditfaktura-{number}.pdf",
    "greeting": "Hej,",
    "intro_invoice": "Bifogat finns vår faktura {number} daterad {date}.",
    "intro_credit_note": "Bifogat finns vår kreditfaktura {number} daterad {date}.",
    "credits_invoice": "Kreditfakturan krediterar faktura {number}.",
    "amount_due": "Att betala",
    "amount_credited": "Krediteras totalt",
    "due_date": "Förfallodag",
    "iban": "Mottagarens kontonummer (IBAN)",
    "bic": "BIC",
    "reference": "Referensnummer",
    "virtual_barcode": "Virtuell streckkod",
    "pay_with_reference": "Vänligen ange referensnumret vid betalning.",
    "barcode_hint": "Den virtuella streckkoden kan kopieras till nätbankens betalningsformulär.",
    "questions": "Vi svarar gärna på frågor om fakturan.",
    "closing": "Med vänliga hälsningar",
    "phone": "Telefon",
    "email": "E-post",
    "business_id": "FO-nummer",
}

_EN: dict[str, str] = {
    "subject_invoice": "Invoice {number} – {seller}",
    "subject_credit_note": "Credit note {number} – {seller}",
    "file_invoice": "invoice-{number}.pdf",
    "file_credit_note": "credit-note-{number}.pdf",
    "greeting": "Hello,",
    "intro_invoice": "Please find attached our invoice {number} dated {date}.",
    "intro_credit_note": "Please find attached our credit note {number} dated {date}.",
    "credits_invoice": "The credit note credits invoice {number}.",
    "amount_due": "Amount due",
    "amount_credited": "Total credited",
    "due_date": "Due date",
    "iban": "Payee account (IBAN)",
    "bic": "BIC",
    "reference": "Reference",
    "virtual_barcode": "Virtual barcode",
    "pay_with_reference": "Please quote the reference when you pay.",
    "barcode_hint": "You can copy the virtual barcode into your online bank's payment form.",
    "questions": "We are happy to answer any questions about the invoice.",
    "closing": "Kind regards",
    "phone": "Phone",
    "email": "E-mail",
    "business_id": "Business ID",
}

TEXTS: Mapping[str, Mapping[str, str]] = {FINNISH: _FI, SWEDISH: _SV, ENGLISH: _EN}
# The value of `Content-Language` and of the HTML `lang` attribute.
LANGUAGE_TAGS: Mapping[str, str] = {FINNISH: "fi", SWEDISH: "sv", ENGLISH: "en"}


def mail_language(language: str | None) -> str:
    """The language the e-mail is written in: the invoice's own when we have the words."""
    return language if language is not None and language in TEXTS else ENGLISH


def invoice_email(
    document: InvoiceDocument,
    *,
    pdf: bytes,
    sender: str,
    to: str,
    bcc: Sequence[str] = (),
    reply_to: str | None = None,
    extra_attachments: Sequence[tuple[str, str, bytes]] = (),
) -> EmailMessage:
    """The message sending `document` to `to` (and `bcc`), from `sender` under the seller's name.

    `extra_attachments` are `(file name, MIME type, bytes)` — the invoice's own attachments. The
    Message-ID is made in the sender's domain; the Date is `clock.now()`.
    """
    language = mail_language(document.language)
    words = TEXTS[language]
    sender_address = _sender(sender)
    recipient = check_address(to, field=TO_FIELD)
    if len(bcc) > MAX_BCC:
        raise KirjuriError("TOO_MANY_BCC_ADDRESSES", 400, "counterParty.bccAddresses")
    hidden = [check_address(a, field=BCC_FIELD.format(index=i)) for i, a in enumerate(bcc)]
    answer_to = check_address(reply_to, field=REPLY_TO_FIELD) if reply_to is not None else None
    seller_name = check_name(document.seller.name, field=SELLER_NAME_FIELD)
    buyer_name = check_name(document.buyer.name, field=BUYER_NAME_FIELD)
    if not pdf.startswith(b"%PDF-"):
        raise ValueError("the invoice attachment is not a PDF")

    kind = "credit_note" if document.kind is Kind.CREDIT_NOTE else "invoice"
    content = _content(document, words, language)
    message = EmailMessage()
    message["Subject"] = words[f"subject_{kind}"].format(number=document.number, seller=seller_name)
    message["From"] = Address(display_name=seller_name, addr_spec=sender_address)
    message["To"] = Address(display_name=buyer_name, addr_spec=recipient)
    if hidden:
        message["Bcc"] = tuple(Address(addr_spec=address) for address in hidden)
    if answer_to is not None:
        message["Reply-To"] = Address(display_name=seller_name, addr_spec=answer_to)
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain=sender_address.rpartition("@")[2])
    # Quoted-printable keeps the message 7-bit, so a server without 8BITMIME carries it unchanged.
    message.set_content(content.plain(), cte="quoted-printable")
    message.add_alternative(content.html(LANGUAGE_TAGS[language]), subtype="html", cte="quoted-printable")
    file_name = words[f"file_{kind}"].format(number=document.number)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=file_name)
    for name, mime_type, data in extra_attachments:
        maintype, subtype = _attachment_type(name, mime_type)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    # After the body: `set_content` drops every Content-* header that was there before it.
    message["Content-Language"] = LANGUAGE_TAGS[language]
    _verify_headers(message)
    return message


def check_address(value: str, *, field: str) -> str:
    """One plain e-mail address in its sendable form (ASCII, IDNA domain), or `INVALID_EMAIL`
    at `field`. A display name (`Name <a@b.fi>`), a list, a comment or a line break is refused:
    an address that is not exactly one mailbox could add recipients or headers."""
    address = _plain_address(value)
    if address is None:
        raise KirjuriError("INVALID_EMAIL", 400, field)
    return address


def check_name(value: str, *, field: str) -> str:
    """A name that goes into a header, without the spaces around it; `INVALID_CHARACTERS` at
    `field` when it carries a line break or another control character (the way to inject a
    header). Quotes, commas and non-ASCII letters are fine: `Address` encodes them."""
    # `=?` opens an RFC 2047 encoded word. Python 3.11's email package decodes encoded words it
    # finds in a header value when it folds the header, so `=?utf-8?q?=0D=0ABcc:…?=` would come
    # out as a real line break and a new header: such a name is refused like a raw line break.
    if _CONTROL.search(value) or "=?" in value:
        raise KirjuriError("INVALID_CHARACTERS", 400, field)
    return value.strip()


@dataclass(frozen=True, slots=True)
class _Content:
    """The body once, rendered twice (plain text and HTML) so the two never say different things."""

    paragraphs: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]
    closing: str
    signature: tuple[str, ...]

    def plain(self) -> str:
        blocks = [
            *self.paragraphs,
            "\n".join(f"{label}: {value}" for label, value in self.facts),
            "\n".join(self.notes),
            "\n".join((self.closing, *self.signature)),
        ]
        return "\n\n".join(block for block in blocks if block) + "\n"

    def html(self, lang: str) -> str:
        e = html.escape
        rows = "".join(f'<tr><th align="left">{e(label)}</th><td>{e(value)}</td></tr>' for label, value in self.facts)
        parts = [f'<!DOCTYPE html>\n<html lang="{e(lang)}"><body>']
        parts += [f"<p>{e(text)}</p>" for text in self.paragraphs]
        if rows:
            parts.append(f"<table>{rows}</table>")
        parts += [f"<p>{e(text)}</p>" for text in self.notes]
        parts.append("<p>" + "<br>".join(e(line) for line in (self.closing, *self.signature)) + "</p>")
        parts.append("</body></html>")
        return "\n".join(parts) + "\n"


def _content(document: InvoiceDocument, words: Mapping[str, str], language: str) -> _Content:
    payment = document.payment
    invoice_date = format_date(document.invoice_date, language=language)
    total = format_amount(document.totals.gross, language=language) + f" {payment.currency}"
    if document.kind is Kind.CREDIT_NOTE:
        # A credit note asks for no payment: no due date, account, reference or barcode.
        paragraphs = [
            words["greeting"],
            words["intro_credit_note"].format(number=document.number, date=invoice_date),
        ]
        if document.original_invoice_number is not None:
            paragraphs.append(words["credits_invoice"].format(number=document.original_invoice_number))
        return _Content(
            paragraphs=tuple(paragraphs),
            facts=((words["amount_credited"], total),),
            notes=(words["questions"],),
            closing=words["closing"],
            signature=_signature(document.seller, words),
        )
    facts = [(words["amount_due"], total), (words["due_date"], format_date(payment.due_date, language=language))]
    if payment.iban:
        facts.append((words["iban"], format_iban(payment.iban)))
    if payment.bic:
        facts.append((words["bic"], _single_line(payment.bic)))
    if payment.reference:
        facts.append((words["reference"], references.printed(payment.reference)))
    if payment.virtual_barcode:
        facts.append((words["virtual_barcode"], payment.virtual_barcode))
    notes = [words["pay_with_reference"]] if payment.reference else []
    if payment.virtual_barcode:
        notes.append(words["barcode_hint"])
    notes.append(words["questions"])
    return _Content(
        paragraphs=(words["greeting"], words["intro_invoice"].format(number=document.number, date=invoice_date)),
        facts=tuple(facts),
        notes=tuple(notes),
        closing=words["closing"],
        signature=_signature(document.seller, words),
    )


def _signature(seller: Party, words: Mapping[str, str]) -> tuple[str, ...]:
    """The seller's contact details, each on one line; missing ones are left out."""
    address = seller.address
    place = " ".join(part for part in (address.zip, address.city) if part)
    lines = [seller.name, address.street or "", place]
    if seller.phone:
        lines.append(f"{words['phone']}: {seller.phone}")
    if seller.email:
        lines.append(f"{words['email']}: {seller.email}")
    if seller.web_address:
        lines.append(seller.web_address)
    if seller.business_id:
        lines.append(f"{words['business_id']}: {seller.business_id}")
    return tuple(_single_line(line) for line in lines if line.strip())


def _single_line(text: str) -> str:
    """A value on one line: line breaks and runs of spaces become one space."""
    return " ".join(_CONTROL.sub(" ", text).split())


def _plain_address(value: str) -> str | None:
    text = value.strip()
    if not text or len(text) > MAX_ADDRESS_LENGTH or _CONTROL.search(text) or "=?" in text:
        return None
    local, at, domain = text.rpartition("@")
    if not at or not local or len(local) > MAX_LOCAL_PART_LENGTH or not local.isascii():
        return None
    ascii_domain = _ascii_domain(domain)
    if ascii_domain is None:
        return None
    try:
        # The RFC 5322 syntax of the local part; anything it cannot parse whole is refused.
        parsed = Address(addr_spec=f"{local}@{ascii_domain}")
    except (ValueError, IndexError, MessageError):
        return None
    # Only an address that parses back to itself: no comments, quoting or folding dropped on the way.
    address = f"{local}@{ascii_domain}"
    return address if parsed.addr_spec == address else None


def _ascii_domain(domain: str) -> str | None:
    """The domain in ASCII (IDNA for `ä.fi`), lower-cased, or None unless it is at least two
    dotted labels of letters, digits and inner hyphens (no IP literals: an invoice goes to a
    mailbox with a name)."""
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        return None
    return ascii_domain


def _verify_headers(message: EmailMessage) -> None:
    """Defence in depth against header injection: the message as it goes on the wire carries
    exactly the headers built here, in their order, and not one line more. Never fails after the
    checks above."""
    head = message.as_bytes(policy=policy.SMTP).split(b"\r\n\r\n", 1)[0]
    names = [line.split(b":", 1)[0].decode("ascii").lower() for line in head.split(b"\r\n") if line[:1] not in b" \t"]
    if names != [name.lower() for name in message]:
        raise ValueError("the message would carry headers it was not built with")


def _sender(value: str) -> str:
    address = _plain_address(value)
    if address is None:
        raise ValueError("the configured sender is not one plain e-mail address")
    return address


def _attachment_type(name: str, mime_type: str) -> tuple[str, str]:
    if not name.strip() or _UNSAFE_FILE_NAME.search(name) or name in {".", ".."}:
        raise ValueError("an attachment name must be a plain file name")
    if _MIME_TYPE.fullmatch(mime_type) is None:
        raise ValueError("an attachment needs a MIME type of the form type/subtype")
    maintype, _, subtype = mime_type.partition("/")
    return maintype, subtype
