"""Pure rules of attachments: name sanitising, MIME types by extension, extensions, the download
header, company days and the rights table."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kirjuri.attachments import rules
from kirjuri.companies import rules as rights
from kirjuri.core.errors import KirjuriError


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("kuitti.pdf", "kuitti.pdf"),
        ("  kuitti.pdf \t", "kuitti.pdf"),
        ("a\u0308ly.txt", "äly.txt"),  # decomposed → NFC
        ("../../etc/passwd", ".._.._etc_passwd"),
        ("C:\\Users\\x\\lasku.pdf", "C:_Users_x_lasku.pdf"),
        ("rivi\r\nX-Injected: 1.txt", "riviX-Injected: 1.txt"),
        ("nul\x00byte\x7f.txt", "nulbyte.txt"),
        ("c1\x85control.txt", "c1control.txt"),
        (".bashrc", ".bashrc"),
        ("x" * 255, "x" * 255),
        ('Ääkköset & co; "quoted".pdf', 'Ääkköset & co; "quoted".pdf'),
    ],
)
def test_sanitise_name(given: str, stored: str) -> None:
    assert rules.sanitise_name(given, field="meta.name") == stored


@pytest.mark.parametrize(
    ("given", "code"),
    [("", "REQUIRED"), ("   ", "REQUIRED"), ("\x00\x01", "REQUIRED"), (".", "INVALID_NAME"), ("..", "INVALID_NAME"),
     (" .. ", "INVALID_NAME"), ("x" * 256, "TOO_LONG")],
)  # fmt: skip
def test_sanitise_name_refuses(given: str, code: str) -> None:
    with pytest.raises(KirjuriError) as caught:
        rules.sanitise_name(given, field="meta.name")
    assert (caught.value.code, caught.value.status, caught.value.field) == (code, 400, "meta.name")


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("lasku.pdf", "application/pdf"),
        ("LASKU.PDF", "application/pdf"),
        ("muistio.txt", "text/plain"),
        ("kuva.jpg", "image/jpeg"),
        ("kuva.JPEG", "image/jpeg"),
        ("kuva.png", "image/png"),
        ("finvoice.xml", "text/xml"),
        ("tiedot.csv", "text/csv"),
        ("taulukko.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("sopimus.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("kuva.webp", "image/webp"),
        ("arkisto.tar.gz", "application/octet-stream"),  # .gz is an encoding, not a type
        ("paketti.zip", "application/zip"),
        ("README", "application/octet-stream"),
        (".bashrc", "application/octet-stream"),
        ("outo.qqqzz", "application/octet-stream"),
    ],
)
def test_mime_type_by_extension(name: str, mime: str) -> None:
    assert rules.mime_type(name) == mime


@pytest.mark.parametrize(
    ("old", "new", "ok"),
    [
        ("a.pdf", "b.pdf", True),
        ("a.pdf", "b.PDF", True),
        ("a.pdf", "b.txt", False),
        ("a.pdf", "b", False),
        ("README", "OTHER", True),
        ("README", "README.md", False),
        ("a.tar.gz", "b.gz", True),
    ],
)
def test_rename_keeps_the_extension(old: str, new: str, ok: bool) -> None:
    if ok:
        rules.check_same_extension(old, new, field="name")
        return
    with pytest.raises(KirjuriError) as caught:
        rules.check_same_extension(old, new, field="name")
    assert (caught.value.code, caught.value.field) == ("EXTENSION_CANNOT_CHANGE", "name")


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("lasku.pdf", "attachment; filename=\"lasku.pdf\"; filename*=UTF-8''lasku.pdf"),
        ("Ääkkös lasku.pdf",
         "attachment; filename=\"__kk_s lasku.pdf\"; filename*=UTF-8''%C3%84%C3%A4kk%C3%B6s%20lasku.pdf"),
        ('a"b\\c;d%e.txt', "attachment; filename=\"a_b_c_d_e.txt\"; filename*=UTF-8''a%22b%5Cc%3Bd%25e.txt"),
        ("x\r\nSet-Cookie: a=b",
         "attachment; filename=\"x__Set-Cookie: a=b\"; filename*=UTF-8''x%0D%0ASet-Cookie%3A%20a%3Db"),
    ],
)  # fmt: skip
def test_content_disposition_quotes_every_name(name: str, header: str) -> None:
    assert rules.content_disposition(name) == header
    assert "\r" not in header and "\n" not in header


def test_company_days_are_helsinki_days() -> None:
    assert rules.day_start(date(2026, 1, 15)) == datetime(2026, 1, 14, 22, 0, tzinfo=UTC)  # winter, +2
    assert rules.day_start(date(2026, 7, 15)) == datetime(2026, 7, 14, 21, 0, tzinfo=UTC)  # summer, +3
    assert rules.day_after(date(2026, 1, 15)) == datetime(2026, 1, 15, 22, 0, tzinfo=UTC)
    assert rules.day_start(None) is None and rules.day_after(None) is None
    assert rules.day_start(date.min) is None  # before the calendar: no bound
    assert rules.day_after(date.max) is None


def test_every_right_of_the_table_exists() -> None:
    for document_type, needed in rules.DOCUMENT_RIGHTS.items():
        for right in needed.readers:
            rights.level_of({}, right)  # raises for an unknown right
        assert needed.readers[0] == needed.write, document_type


def test_rights_of_the_main_document_types() -> None:
    assert rules.rights_of("JOURNAL").write == "accounting.journalReceipts"
    assert rules.rights_of("SALES_INVOICE").write == "sales.salesOrGroupInvoices"
    assert rules.rights_of("PURCHASE_INVOICE").write == "purchases.purchaseInvoices"
    assert rules.rights_of("TRAVEL_INVOICE").write == "travelAndExpenses.travelAndExpenseInvoices"
    assert rules.rights_of("BILL_OF_CHARGES").write == "travelAndExpenses.travelAndExpenseInvoices"
    assert rules.rights_of("CUSTOMER_BUSINESS_PARTNER_REGISTER").write == "sales.customerRegister"
    assert rules.rights_of("PURCHASE_PRODUCT_REGISTER").write == "purchases.productRegister"
    assert rules.rights_of("ENVIRONMENT").write == "management.basicCompanyInfo"
    assert rules.rights_of("SOMETHING_NEW").readers == ("management.basicCompanyInfo",)


def test_the_limits() -> None:
    assert rules.MAX_FILE_BYTES == 10_000_000
    assert rules.META_MAX_BYTES < rules.MULTIPART_SLACK
