"""The invoice e-mail of `invoicing.mail`: subject, body and attachment in each language, the
address and name checks that make header injection impossible, and the word table itself."""

from __future__ import annotations

import dataclasses
import string
from datetime import date
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

import pytest

from kirjuri.core.errors import KirjuriError
from kirjuri.invoicing import mail
from kirjuri.invoicing.document import (
    Address,
    InvoiceDocument,
    Kind,
    Party,
    Payment,
    ReferenceType,
    Totals,
)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n%%EOF\n"
SENDER = "laskutus@kirjuri.example"
BUYER_EMAIL = "ostot@asiakas.fi"
BARCODE_FI = "437159030000007760012345000000000000000002348236261207"

SELLER = Party(
    name="Demo Oy",
    address=Address(name="Demo Oy", street="Mannerheimintie 1", zip="00100", city="Helsinki", country="FINLAND"),
    business_id="2077474-0",
    vat_number="FI20774740",
    email="laskutus@demo.fi",
    phone="+358 9 123 4567",
    web_address="https://demo.fi",
)
BUYER = Party(name="Äijälä & Pöllö Oy", address=Address(name="Äijälä & Pöllö Oy", street="Kauppakatu 2"))


def _document(
    *,
    language: str = "FINNISH",
    kind: Kind = Kind.INVOICE,
    seller: Party = SELLER,
    buyer: Party = BUYER,
    payment: Payment | None = None,
) -> InvoiceDocument:
    sign = -1 if kind is Kind.CREDIT_NOTE else 1
    return InvoiceDocument(
        kind=kind,
        number=1043 if kind is Kind.CREDIT_NOTE else 1042,
        invoice_date=date(2026, 11, 23),
        language=language,
        seller=seller,
        buyer=buyer,
        rows=(),
        vat_lines=(),
        totals=Totals(net=sign * Decimal("995.56"), vat=sign * Decimal("238.94"), gross=sign * Decimal("1234.50")),
        payment=payment
        or Payment(
            due_date=date(2026, 12, 7),
            iban="FI3715903000000776",
            bic="OKOYFIHH",
            reference="2348236",
            reference_type=ReferenceType.FI,
            payment_term_days=14,
            virtual_barcode=BARCODE_FI,
        ),
        original_invoice_number=1042 if kind is Kind.CREDIT_NOTE else None,
    )


def _email(document: InvoiceDocument | None = None, **overrides: object) -> EmailMessage:
    arguments: dict[str, object] = {"pdf": PDF, "sender": SENDER, "to": BUYER_EMAIL, **overrides}
    return mail.invoice_email(document or _document(), **arguments)  # type: ignore[arg-type]


def _plain(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _html(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None
    return str(body.get_content())


def _wire(message: EmailMessage) -> EmailMessage:
    """The message as a mail server receives it, parsed again."""
    parsed = message_from_bytes(message.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _refusal(**overrides: object) -> KirjuriError:
    document = overrides.pop("document", None)
    with pytest.raises(KirjuriError) as caught:
        _email(document, **overrides)  # type: ignore[arg-type]
    return caught.value


# --- the message in each language ---------------------------------------------------------------------

LANGUAGES = [
    # language, subject, attachment, amount, due date, words that must be in the body
    (
        "FINNISH",
        "Lasku 1042 – Demo Oy",
        "lasku-1042.pdf",
        "Maksettava yhteensä: 1 234,50 EUR",
        "Eräpäivä: 7.12.2026",
        ("Hei,", "Viitenumero: 23 48236", "Saajan tilinumero (IBAN): FI37 1590 3000 0007 76", "Y-tunnus: 2077474-0"),
    ),
    (
        "SWEDISH",
        "Faktura 1042 – Demo Oy",
        "faktura-1042.pdf",
        "Att betala: 1 234,50 EUR",
        "Förfallodag: 7.12.2026",
        (
            "Hej,",
            "Referensnummer: 23 48236",
            "Mottagarens kontonummer (IBAN): FI37 1590 3000 0007 76",
            "FO-nummer: 2077474-0",
        ),
    ),
    (
        "ENGLISH",
        "Invoice 1042 – Demo Oy",
        "invoice-1042.pdf",
        "Amount due: 1,234.50 EUR",
        "Due date: 2026-12-07",
        ("Hello,", "Reference: 23 48236", "Payee account (IBAN): FI37 1590 3000 0007 76", "Business ID: 2077474-0"),
    ),
]


@pytest.mark.parametrize("case", LANGUAGES, ids=[case[0] for case in LANGUAGES])
def test_invoice_email_speaks_the_invoice_language(case: tuple[str, str, str, str, str, tuple[str, ...]]) -> None:
    language, subject, attachment, amount, due, words = case
    message = _wire(_email(_document(language=language)))
    plain, html = _plain(message), _html(message)

    assert message["Subject"] == subject
    assert message["Content-Language"] == mail.LANGUAGE_TAGS[language]
    for text in (amount, due, *words, BARCODE_FI, "BIC: OKOYFIHH", "Demo Oy", "+358 9 123 4567"):
        assert text in plain
    # The HTML alternative says the same, escaped.
    for text in (amount.split(": ")[1], due.split(": ")[1], "FI37 1590 3000 0007 76", "23 48236", BARCODE_FI):
        assert text in html
    assert f'<html lang="{mail.LANGUAGE_TAGS[language]}">' in html
    attachments = list(message.iter_attachments())
    assert [(a.get_filename(), a.get_content_type(), a.get_content()) for a in attachments] == [
        (attachment, "application/pdf", PDF)
    ]


def test_the_finnish_body_word_for_word() -> None:
    assert _plain(_email()) == (
        "Hei,\n"
        "\n"
        "Liitteenä on laskumme 1042 päivältä 23.11.2026.\n"
        "\n"
        "Maksettava yhteensä: 1 234,50 EUR\n"
        "Eräpäivä: 7.12.2026\n"
        "Saajan tilinumero (IBAN): FI37 1590 3000 0007 76\n"
        "BIC: OKOYFIHH\n"
        "Viitenumero: 23 48236\n"
        f"Virtuaaliviivakoodi: {BARCODE_FI}\n"
        "\n"
        "Käytäthän maksaessasi viitenumeroa.\n"
        "Virtuaaliviivakoodin voit kopioida verkkopankin maksulomakkeelle.\n"
        "Vastaamme mielellämme laskua koskeviin kysymyksiin.\n"
        "\n"
        "Ystävällisin terveisin\n"
        "Demo Oy\n"
        "Mannerheimintie 1\n"
        "00100 Helsinki\n"
        "Puhelin: +358 9 123 4567\n"
        "Sähköposti: laskutus@demo.fi\n"
        "https://demo.fi\n"
        "Y-tunnus: 2077474-0\n"
    )


def test_headers_addresses_and_identity() -> None:
    message = _wire(
        _email(bcc=["kirjanpito@demo.fi", "arkisto@demo.fi"], reply_to="laskutus@demo.fi"),
    )
    assert message["From"].addresses[0].display_name == "Demo Oy"
    assert message["From"].addresses[0].addr_spec == SENDER
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [("Äijälä & Pöllö Oy", BUYER_EMAIL)]
    assert [a.addr_spec for a in message["Bcc"].addresses] == ["kirjanpito@demo.fi", "arkisto@demo.fi"]
    assert message["Reply-To"].addresses[0].addr_spec == "laskutus@demo.fi"
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@kirjuri.example>")
    assert parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert message.get_content_type() == "multipart/mixed"


def test_without_bcc_and_reply_to_there_are_no_such_headers() -> None:
    message = _email()
    assert message["Bcc"] is None
    assert message["Reply-To"] is None


def test_each_message_has_its_own_message_id() -> None:
    assert _email()["Message-ID"] != _email()["Message-ID"]


def test_the_message_is_seven_bit_on_the_wire() -> None:
    # Quoted-printable and encoded words: a server without 8BITMIME gets it unchanged.
    _email().as_bytes(policy=policy.SMTP).decode("ascii")


def test_rf_reference_is_printed_in_groups_of_four() -> None:
    payment = dataclasses.replace(
        _document().payment, reference="RF332348236", reference_type=ReferenceType.RF, virtual_barcode=None
    )
    plain = _plain(_email(_document(payment=payment)))
    assert "Viitenumero: RF33 2348 236" in plain
    assert "Virtuaaliviivakoodi" not in plain


def test_a_payment_without_account_or_reference_leaves_those_lines_out() -> None:
    plain = _plain(_email(_document(language="ENGLISH", payment=Payment(due_date=date(2026, 12, 7)))))
    assert "Amount due: 1,234.50 EUR" in plain
    assert "Due date: 2026-12-07" in plain
    for missing in ("IBAN", "BIC", "Reference", "barcode", "quote the reference"):
        assert missing not in plain


CREDIT_NOTES = [
    ("FINNISH", "Hyvityslasku 1043 – Demo Oy", "hyvityslasku-1043.pdf", "Hyvitetään yhteensä: -1 234,50 EUR"),
    ("SWEDISH", "Kreditfaktura 1043 – Demo Oy", "kreditfaktura-1043.pdf", "Krediteras totalt: -1 234,50 EUR"),
    ("ENGLISH", "Credit note 1043 – Demo Oy", "credit-note-1043.pdf", "Total credited: -1,234.50 EUR"),
]


@pytest.mark.parametrize(("language", "subject", "attachment", "total"), CREDIT_NOTES)
def test_credit_note_asks_for_no_payment(language: str, subject: str, attachment: str, total: str) -> None:
    message = _email(_document(language=language, kind=Kind.CREDIT_NOTE))
    plain = _plain(message)
    assert message["Subject"] == subject
    assert [a.get_filename() for a in message.iter_attachments()] == [attachment]
    assert total in plain
    assert "1042" in plain  # the invoice it credits
    for payment_word in ("FI37", "23 48236", BARCODE_FI, "7.12.2026", "2026-12-07"):
        assert payment_word not in plain


@pytest.mark.parametrize("language", ["GERMAN", "", "finnish"])
def test_other_languages_write_in_english(language: str) -> None:
    message = _email(_document(language=language))
    assert message["Subject"] == "Invoice 1042 – Demo Oy"
    assert "Amount due: 1,234.50 EUR" in _plain(message)


def test_extra_attachments_follow_the_invoice() -> None:
    extra = [
        ("ehdot.txt", "text/plain", b"Maksuehto 14 pv"),
        ("tuntilista.xlsx", "application/vnd.ms-excel", b"\x00\x01"),
    ]
    message = _wire(_email(extra_attachments=extra))
    assert [(a.get_filename(), a.get_content_type()) for a in message.iter_attachments()] == [
        ("lasku-1042.pdf", "application/pdf"),
        ("ehdot.txt", "text/plain"),
        ("tuntilista.xlsx", "application/vnd.ms-excel"),
    ]
    assert list(message.iter_attachments())[2].get_content() == b"\x00\x01"


@pytest.mark.parametrize(
    ("name", "mime_type"),
    [
        ("../../etc/passwd", "text/plain"),
        ("a\r\nContent-Type: text/html", "text/plain"),
        ("", "text/plain"),
        ("ok.txt", "text"),
        ("ok.txt", "text/plain\r\nX-Evil: 1"),
        ("ok.txt", "text/plain; charset=utf-8"),
    ],
)
def test_an_unsafe_extra_attachment_is_a_programming_error(name: str, mime_type: str) -> None:
    with pytest.raises(ValueError):
        _email(extra_attachments=[(name, mime_type, b"x")])


def test_the_pdf_must_be_a_pdf() -> None:
    with pytest.raises(ValueError):
        _email(pdf=b"<html>")


# --- addresses ----------------------------------------------------------------------------------------

VALID_ADDRESSES = [
    ("ostot@asiakas.fi", "ostot@asiakas.fi"),
    ("  ostot@asiakas.fi ", "ostot@asiakas.fi"),
    ("Matti.Meikalainen+laskut@Sub.Example.COM", "Matti.Meikalainen+laskut@sub.example.com"),
    ("o'brien@example.ie", "o'brien@example.ie"),
    ("laskut@pöllö.fi", "laskut@xn--pll-snac.fi"),  # IDNA form of an internationalised domain
    ("a@b-c.fi", "a@b-c.fi"),
]


@pytest.mark.parametrize(("value", "expected"), VALID_ADDRESSES)
def test_check_address_accepts_one_plain_mailbox(value: str, expected: str) -> None:
    assert mail.check_address(value, field="f") == expected


INVALID_ADDRESSES = [
    "",
    "   ",
    "ostot",
    "ostot@",
    "@asiakas.fi",
    "ostot@asiakas",  # no dot: not a mailbox on the internet
    "ostot@@asiakas.fi",
    "ostot@asiakas..fi",
    "ostot@-asiakas.fi",
    "ostot@asiakas.fi.",
    "ostot@[192.0.2.1]",
    "ostot@192.0.2.1",
    "Ostot <ostot@asiakas.fi>",  # a display name
    "ostot@asiakas.fi, muut@asiakas.fi",  # a list
    "ostot@asiakas.fi;muut@asiakas.fi",
    "ostot (laskut)@asiakas.fi",  # a comment
    "ost ot@asiakas.fi",
    "pöllö@asiakas.fi",  # a non-ASCII local part needs SMTPUTF8
    "ostot@asiakas.fi\r\nBcc: evil@attacker.example",
    "ostot@asiakas.fi\nBcc: evil@attacker.example",
    "ostot\r@asiakas.fi",
    "ostot@asiakas.fi\x00",
    "=?utf-8?q?x?=@asiakas.fi",
    "a" * 65 + "@asiakas.fi",
    "a@" + "b" * 64 + ".fi",
    "a@" + ".".join(["b" * 60] * 5) + ".fi",
]


@pytest.mark.parametrize("value", INVALID_ADDRESSES)
def test_check_address_refuses_anything_else(value: str) -> None:
    with pytest.raises(KirjuriError) as caught:
        mail.check_address(value, field="counterParty.email")
    assert (caught.value.code, caught.value.status, caught.value.field) == ("INVALID_EMAIL", 400, "counterParty.email")


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"to": "ostot@asiakas.fi\r\nBcc: evil@attacker.example"}, "INVALID_EMAIL", "counterParty.email"),
        ({"to": "Evil <evil@attacker.example>"}, "INVALID_EMAIL", "counterParty.email"),
        ({"bcc": ["ok@demo.fi", "x@y.fi\nTo: evil@attacker.example"]}, "INVALID_EMAIL", "counterParty.bccAddresses[1]"),
        ({"reply_to": "laskutus@demo"}, "INVALID_EMAIL", "replyTo"),
        ({"bcc": [f"k{i}@demo.fi" for i in range(5)]}, "TOO_MANY_BCC_ADDRESSES", "counterParty.bccAddresses"),
    ],
)
def test_bad_addresses_are_refused_at_their_field(overrides: dict[str, object], code: str, field: str) -> None:
    error = _refusal(**overrides)
    assert (error.code, error.status, error.field) == (code, 400, field)


# --- header injection through names ---------------------------------------------------------------------

INJECTED_NAMES = [
    "Asiakas Oy\r\nBcc: evil@attacker.example",
    "Asiakas Oy\nBcc: evil@attacker.example",
    "Asiakas Oy\rBcc: evil@attacker.example",
    "Asiakas Oy\x00",
    "Asiakas Oy\u2028Bcc: evil@attacker.example",
    # An RFC 2047 encoded word: Python 3.11 decodes it while folding the header (a CR LF inside).
    "=?utf-8?q?x=0D=0ABcc:_evil@attacker.example?=",
    "Asiakas =?utf-8?b?DQpCY2M6IGV2aWxAYXR0YWNrZXIuZXhhbXBsZQ==?=",
]


@pytest.mark.parametrize("name", INJECTED_NAMES)
def test_a_buyer_name_with_a_line_break_is_refused(name: str) -> None:
    buyer = dataclasses.replace(BUYER, name=name)
    error = _refusal(document=_document(buyer=buyer))
    assert (error.code, error.status, error.field) == (
        "INVALID_CHARACTERS",
        400,
        "counterParty.counterPartyAddress.name",
    )


@pytest.mark.parametrize("name", INJECTED_NAMES)
def test_a_seller_name_with_a_line_break_is_refused(name: str) -> None:
    seller = dataclasses.replace(SELLER, name=name)
    error = _refusal(document=_document(seller=seller))
    assert (error.code, error.field) == ("INVALID_CHARACTERS", "company.name")


@pytest.mark.parametrize("name", ['Oy "Pöllö" Ab, Helsinki', "Asiakas Oy <evil@attacker.example>", "a@b.fi, c@d.fi"])
def test_names_with_quotes_commas_and_brackets_stay_one_display_name(name: str) -> None:
    buyer = dataclasses.replace(BUYER, name=name)
    message = _wire(_email(_document(buyer=buyer)))
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [(name, BUYER_EMAIL)]
    assert message["Bcc"] is None


def test_the_built_headers_are_verified_even_if_a_name_check_were_missed(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the name check, Python 3.11 folds the encoded CR LF into a real `Bcc:` header line.
    monkeypatch.setattr(mail, "check_name", lambda value, *, field: value)
    buyer = dataclasses.replace(BUYER, name="=?utf-8?q?x=0D=0ABcc:_evil@attacker.example?=")
    with pytest.raises(ValueError):
        _email(_document(buyer=buyer))


def test_a_bad_sender_is_a_configuration_error() -> None:
    with pytest.raises(ValueError):
        _email(sender="Kirjuri <laskutus@kirjuri.example>")


# --- the word table -------------------------------------------------------------------------------------


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_text_with_the_same_placeholders() -> None:
    assert set(mail.TEXTS) == {"FINNISH", "SWEDISH", "ENGLISH"} == set(mail.LANGUAGE_TAGS)
    english = mail.TEXTS["ENGLISH"]
    for language, words in mail.TEXTS.items():
        assert set(words) == set(english), language
        for key, text in words.items():
            assert text.strip(), (language, key)
            assert _placeholders(text) == _placeholders(english[key]), (language, key)
