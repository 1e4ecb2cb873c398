"""The invoice PDF of `invoicing.render` and the words of `invoicing.texts`: hand-built documents
(three rows at two VAT rates, a 60-row invoice, a credit note) rendered in Finnish, Swedish and
English, read back with PDFium, and checked for the printed words, numbers, the payment slip, the
virtual barcode (digits and Code 128 bars) and the EPC QR payload."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import segno
from reportlab.lib.units import mm

from kirjuri.core.codes import UNITS
from kirjuri.invoicing import references, texts
from kirjuri.invoicing.document import (
    Address,
    InvoiceDocument,
    Kind,
    Party,
    Payment,
    ReferenceType,
    Row,
    Totals,
    VatLine,
)
from kirjuri.invoicing.render import (
    barcode_symbol,
    epc_payload,
    epc_qr,
    format_amount,
    format_date,
    format_iban,
    format_number,
    render_pdf,
)

D = Decimal
IBAN = "FI3715903000000776"  # DOMAIN.md §2.2.4
# Version 4 virtual barcode of the standard invoice: IBAN digits, €1 492.50, reference 2348236, 28.3.2025.
BARCODE = "4" + "3715903000000776" + "001492" + "50" + "000" + "2348236".rjust(20, "0") + "250328"
# The published sample (Pankkiviivakoodi-opas, DOMAIN.md §2.2.3): €12.25, ref 11112, due 21.12.2016.
PUBLISHED_BARCODE = "437159030000007760000122500000000000000000011112161221"

SELLER = Party(
    name="Myyjä Oy",
    address=Address("Myyjä Oy", "Mannerheimintie 1", "00100", "Helsinki", "FINLAND"),
    business_id="2077474-0",
    vat_number="FI20774740",
    email="laskutus@myyja.fi",
    phone="+358 9 123 4567",
    web_address="https://myyja.fi",
)
BUYER = Party(
    name="Äänekosken Öljy Oy",
    address=Address("Äänekosken Öljy Oy", "Teollisuustie 5", "44100", "Äänekoski", "FINLAND"),
    customer_number="C-77",
)


def invoice(language: str = "FINNISH", **changes: object) -> InvoiceDocument:
    """12.5 h at 25.5 %, 2 books at 14 % with 10 % off, a month's licence at 25.5 % with a comment."""
    rows = (
        Row("Konsultointi", D("12.5"), "HOUR", D("80.00"), D("0"), D("25.5"), D("1000.00"), D("255.00"),
            D("1255.00"), product_code="K-100"),
        Row("Kirja: Kirjanpidon perusteet", D("2"), "PIECE", D("24.00"), D("10"), D("14"), D("43.20"), D("6.05"),
            D("49.25")),
        Row("Ohjelmistolisenssi", D("1"), "MONTH", D("150.00"), D("0"), D("25.5"), D("150.00"), D("38.25"),
            D("188.25"), comment="Käyttäjiä 5", start_date=date(2025, 3, 1), end_date=date(2025, 3, 31)),
    )  # fmt: skip
    vat_lines = (
        VatLine(D("25.5"), D("1150.00"), D("293.25"), D("1443.25")),
        VatLine(D("14"), D("43.20"), D("6.05"), D("49.25")),
    )
    payment = Payment(
        due_date=date(2025, 3, 28),
        iban=IBAN,
        bic="NDEAFIHH",
        reference="2348236",
        reference_type=ReferenceType.FI,
        payment_term_days=14,
        penal_interest_percent=D("8"),
        virtual_barcode=BARCODE,
    )
    document = InvoiceDocument(
        kind=Kind.INVOICE,
        number=1001,
        invoice_date=date(2025, 3, 14),
        language=language,
        seller=SELLER,
        buyer=BUYER,
        rows=rows,
        vat_lines=vat_lines,
        totals=Totals(D("1193.20"), D("299.30"), D("1492.50")),
        payment=payment,
        our_reference="Matti Myyjä",
        your_reference="Olli Ostaja",
        order_reference="PO-77",
    )
    return replace(document, **changes)  # type: ignore[arg-type]


def long_invoice(language: str = "FINNISH") -> InvoiceDocument:
    rows = tuple(
        Row(f"Tuote {i:02d}", D("1"), "PIECE", D("10.00"), D("0"), D("25.5"), D("10.00"), D("2.55"), D("12.55"))
        for i in range(1, 61)
    )
    return invoice(
        language,
        number=1003,
        rows=rows,
        vat_lines=(VatLine(D("25.5"), D("600.00"), D("153.00"), D("753.00")),),
        totals=Totals(D("600.00"), D("153.00"), D("753.00")),
        payment=replace(invoice().payment, virtual_barcode=None),
    )


def credit_note(language: str = "FINNISH") -> InvoiceDocument:
    row = Row("Konsultointi", D("-1"), "HOUR", D("80.00"), D("0"), D("25.5"), D("-80.00"), D("-20.40"), D("-100.40"))
    return invoice(
        language,
        kind=Kind.CREDIT_NOTE,
        number=1004,
        rows=(row,),
        vat_lines=(VatLine(D("25.5"), D("-80.00"), D("-20.40"), D("-100.40")),),
        totals=Totals(D("-80.00"), D("-20.40"), D("-100.40")),
        payment=Payment(due_date=date(2025, 3, 20), iban=IBAN),
        original_invoice_number=1001,
    )


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text with every run of whitespace made one space."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [re.sub(r"\s+", " ", document[i].get_textpage().get_text_range()) for i in range(len(document))]
    finally:
        document.close()


def path_bounds(pdf: bytes, page: int) -> list[tuple[float, float]]:
    """(width, height) in points of every path object on a page (0-based)."""
    document = pdfium.PdfDocument(pdf)
    try:
        objects = document[page].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH])
        return [(right - left, top - bottom) for left, bottom, right, top in (o.get_bounds() for o in objects)]
    finally:
        document.close()


# --- texts ---------------------------------------------------------------------------------------


def test_every_language_has_every_text() -> None:
    keys = set(texts.TEXTS[texts.FINNISH])
    assert len(keys) > 40
    for language in texts.PRINTED_LANGUAGES:
        assert set(texts.TEXTS[language]) == keys, language
        assert all(value.strip() for value in texts.TEXTS[language].values()), language
        # ReportLab's Helvetica prints Windows-1252 only.
        for value in texts.TEXTS[language].values():
            value.encode("cp1252")


def test_every_unit_of_the_contract_has_a_short_form_in_every_language() -> None:
    for language in texts.PRINTED_LANGUAGES:
        assert set(texts.UNITS_SHORT[language]) == set(UNITS), language
        for short in texts.UNITS_SHORT[language].values():
            short.encode("cp1252")


@pytest.mark.parametrize(
    ("unit", "language", "printed"),
    [
        ("HOUR", "FINNISH", "h"), ("HOUR", "SWEDISH", "h"), ("HOUR", "ENGLISH", "h"),
        ("PIECE", "FINNISH", "kpl"), ("PIECE", "SWEDISH", "st"), ("PIECE", "ENGLISH", "pcs"),
        ("DAY", "FINNISH", "pv"), ("DAY", "SWEDISH", "d"), ("DAY", "ENGLISH", "d"),
        ("MONTH", "FINNISH", "kk"), ("MONTH", "SWEDISH", "mån"), ("MONTH", "ENGLISH", "mo"),
        ("SQUARE_METER", "FINNISH", "m²"), ("KILOWATT_HOUR", "SWEDISH", "kWh"), ("SIX_PACK", "FINNISH", "6-pak"),
        ("NO_UNIT", "FINNISH", ""), ("PIECE", "DANISH", "pcs"), ("PIECE", None, "pcs"),
        ("FURLONG", "FINNISH", "FURLONG"),
    ],
)  # fmt: skip
def test_unit_label(unit: str, language: str | None, printed: str) -> None:
    assert texts.unit_label(unit, language) == printed


@pytest.mark.parametrize(
    ("language", "printed"),
    [("FINNISH", "FINNISH"), ("SWEDISH", "SWEDISH"), ("ENGLISH", "ENGLISH"), ("DANISH", "ENGLISH"),
     ("ESTONIAN", "ENGLISH"), ("", "ENGLISH"), (None, "ENGLISH")],
)  # fmt: skip
def test_printed_language(language: str | None, printed: str) -> None:
    assert texts.printed_language(language) == printed


# --- printed forms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "language", "printed"),
    [
        ("1234.5", "FINNISH", "1 234,50"), ("1234.5", "SWEDISH", "1 234,50"), ("1234.5", "ENGLISH", "1,234.50"),
        ("1234567.89", "FINNISH", "1 234 567,89"), ("1234567.89", "ENGLISH", "1,234,567.89"),
        ("-100.40", "FINNISH", "-100,40"), ("-1000", "ENGLISH", "-1,000.00"), ("0", "FINNISH", "0,00"),
        # More decimals than two are shown, never rounded away.
        ("0.125", "FINNISH", "0,125"), ("95.0000", "FINNISH", "95,00"), ("2.005", "ENGLISH", "2.005"),
        ("1234.5", "DANISH", "1,234.50"),
    ],
)  # fmt: skip
def test_format_amount(value: str, language: str, printed: str) -> None:
    assert format_amount(D(value), language=language) == printed


@pytest.mark.parametrize(
    ("value", "language", "printed"),
    [
        ("12.5", "FINNISH", "12,5"), ("12.5", "ENGLISH", "12.5"), ("25.5000", "SWEDISH", "25,5"),
        ("1000", "FINNISH", "1 000"), ("1000", "ENGLISH", "1,000"), ("-1", "FINNISH", "-1"), ("14", "ENGLISH", "14"),
        ("0.333", "FINNISH", "0,333"), ("1E+2", "FINNISH", "100"),
    ],
)  # fmt: skip
def test_format_number(value: str, language: str, printed: str) -> None:
    assert format_number(D(value), language=language) == printed


@pytest.mark.parametrize(
    ("day", "language", "printed"),
    [
        (date(2016, 12, 21), "FINNISH", "21.12.2016"), (date(2025, 3, 1), "SWEDISH", "1.3.2025"),
        (date(2025, 3, 1), "ENGLISH", "2025-03-01"), (date(2025, 3, 1), "NORWEGIAN", "2025-03-01"),
    ],
)  # fmt: skip
def test_format_date(day: date, language: str, printed: str) -> None:
    assert format_date(day, language=language) == printed


@pytest.mark.parametrize(
    ("reference", "printed"),
    [
        ("1232", "1232"),  # DOMAIN.md §2.2.1: base 123 → 1232
        ("2348236", "23 48236"),  # the banks' guide example, groups of five from the right
        ("11112", "11112"),
        ("1234567897", "12345 67897"),
        ("12345678901234567894", "12345 67890 12345 67894"),
        ("RF332348236", "RF33 2348 236"),  # DOMAIN.md §2.2.2
        ("RF98 11112", "RF98 1111 2"),
        ("rf18539007547034", "RF18 5390 0754 7034"),  # ISO 11649's example
    ],
)
def test_references_print_as_the_banks_print_them(reference: str, printed: str) -> None:
    assert references.printed(reference) == printed


@pytest.mark.parametrize(
    ("iban", "printed"),
    [("FI3715903000000776", "FI37 1590 3000 0007 76"), ("fi21 1234 5600 0007 85", "FI21 1234 5600 0007 85")],
)
def test_format_iban(iban: str, printed: str) -> None:
    assert format_iban(iban) == printed


# --- the rendered invoice ------------------------------------------------------------------------

# language → what must be printed on the standard invoice (whitespace-normalised page text).
PRINTED = {
    "FINNISH": [
        "LASKU", "Laskun numero 1001", "Laskun päivämäärä 14.3.2025", "Eräpäivä 28.3.2025", "Maksuehto 14 pv netto",
        "Viivästyskorko 8 %", "Asiakasnumero C-77", "Viitteemme Matti Myyjä", "Viitteenne Olli Ostaja",
        "Tilausnumero PO-77", "Viitenumero 23 48236", "Y-tunnus 2077474-0", "ALV-tunniste FI20774740",
        "Tuote Määrä Yks. À-hinta Ale % ALV % Veroton",
        "Konsultointi (K-100) 12,5 h 80,00 25,5 1 000,00",
        "Kirja: Kirjanpidon perusteet 2 kpl 24,00 10 14 43,20",
        "Ohjelmistolisenssi 1 kk 150,00 25,5 150,00", "1.3.2025 – 31.3.2025 Käyttäjiä 5",
        "ALV-erittely (EUR) Veroton Vero Verollinen",
        "ALV % 25,5 1 150,00 293,25 1 443,25", "ALV % 14 43,20 6,05 49,25",
        "Veroton yhteensä 1 193,20 EUR", "ALV yhteensä 299,30 EUR", "Maksettava yhteensä 1 492,50 EUR",
        "Saajan tilinumero FI37 1590 3000 0007 76 BIC NDEAFIHH", "Saaja Myyjä Oy", "Maksaja Äänekosken Öljy Oy",
        "Summa 1 492,50 EUR", "Virtuaaliviivakoodi " + BARCODE, "Sivu 1/1",
    ],
    "SWEDISH": [
        "FAKTURA", "Fakturanummer 1001", "Fakturadatum 14.3.2025", "Förfallodag 28.3.2025",
        "Betalningsvillkor 14 dagar netto", "Dröjsmålsränta 8 %", "Kundnummer C-77", "Referensnummer 23 48236",
        "FO-nummer 2077474-0", "Produkt Antal Enh. À-pris Rab. % Moms % Netto",
        "Konsultointi (K-100) 12,5 h 80,00 25,5 1 000,00",
        "Kirja: Kirjanpidon perusteet 2 st 24,00 10 14 43,20",
        "Ohjelmistolisenssi 1 mån 150,00 25,5 150,00",
        "Momsspecifikation (EUR) Netto Moms Brutto",
        "Moms % 25,5 1 150,00 293,25 1 443,25", "Moms % 14 43,20 6,05 49,25",
        "Totalt exkl. moms 1 193,20 EUR", "Moms totalt 299,30 EUR", "Att betala 1 492,50 EUR",
        "Mottagarens kontonummer FI37 1590 3000 0007 76", "Betalare Äänekosken Öljy Oy",
        "Virtuell streckkod " + BARCODE, "Sida 1/1",
    ],
    "ENGLISH": [
        "INVOICE", "Invoice number 1001", "Invoice date 2025-03-14", "Due date 2025-03-28",
        "Payment terms 14 days net", "Penal interest 8 %", "Customer number C-77", "Reference 23 48236",
        "Business ID 2077474-0", "VAT number FI20774740", "Product Qty Unit Unit price Disc. % VAT % Net",
        "Konsultointi (K-100) 12.5 h 80.00 25.5 1,000.00",
        "Kirja: Kirjanpidon perusteet 2 pcs 24.00 10 14 43.20",
        "Ohjelmistolisenssi 1 mo 150.00 25.5 150.00", "2025-03-01 – 2025-03-31 Käyttäjiä 5",
        "VAT breakdown (EUR) Net VAT Gross",
        "VAT % 25.5 1,150.00 293.25 1,443.25", "VAT % 14 43.20 6.05 49.25",
        "Total excl. VAT 1,193.20 EUR", "VAT total 299.30 EUR", "Total to pay 1,492.50 EUR",
        "Recipient's IBAN FI37 1590 3000 0007 76 BIC NDEAFIHH", "Payer Äänekosken Öljy Oy",
        "Virtual barcode " + BARCODE, "Page 1/1",
    ],
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(PRINTED))
def test_invoice_prints_everything_in_its_language(language: str) -> None:
    pages = page_texts(render_pdf(invoice(language)))
    assert len(pages) == 1
    text = pages[0]
    for expected in [*PRINTED[language], "Myyjä Oy", "Äänekosken Öljy Oy", "Teollisuustie 5", "44100 Äänekoski"]:
        assert expected in text, (language, expected)
    # Words of the other languages do not leak in.
    for other in set(PRINTED) - {language}:
        assert PRINTED[other][0] not in text.replace(PRINTED[language][0], "")


def test_an_unknown_language_prints_in_english() -> None:
    text = page_texts(render_pdf(invoice("DANISH")))[0]
    assert "INVOICE" in text and "Total to pay 1,492.50 EUR" in text and "Due date 2025-03-28" in text


def test_the_same_document_renders_the_same_bytes() -> None:
    first = render_pdf(invoice())
    assert first.startswith(b"%PDF-")
    assert render_pdf(invoice()) == first
    assert render_pdf(invoice("SWEDISH")) != first


def test_buyer_and_delivery_addresses() -> None:
    delivery = Address("Äänekosken Öljy Oy, varasto", "Varastotie 2", "44150", "Äänekoski", "FINLAND")
    buyer = replace(
        BUYER,
        address=Address("Äänekosken Öljy Oy", "Box 12", "10400", "Göteborg", "SWEDEN", specifier="Inköp"),
        vat_number="SE556677889901",
    )
    text = page_texts(render_pdf(invoice("SWEDISH", buyer=buyer, delivery=delivery)))[0]
    assert "Äänekosken Öljy Oy Inköp Box 12 10400 Göteborg SWEDEN" in text
    assert "Momsregistreringsnummer SE556677889901" in text
    assert "Leveransadress Äänekosken Öljy Oy, varasto Varastotie 2 44150 Äänekoski" in text
    # A domestic address prints no country.
    assert "FINLAND" not in page_texts(render_pdf(invoice()))[0]


def test_vat_treatment_statements_are_printed() -> None:
    eu_line = VatLine(D("0"), D("43.20"), D("0.00"), D("43.20"), vat_status=3)
    document = invoice("ENGLISH", vat_lines=(invoice().vat_lines[0], eu_line))
    text = page_texts(render_pdf(document))[0]
    assert "VAT % 0 43.20 0.00 43.20 Intra-Community supply of goods, VAT Directive art. 138" in text
    assert "Yhteisömyynti, AVL 72 a §" in page_texts(render_pdf(replace(document, language="FINNISH")))[0]


def test_texts_are_printed_literally() -> None:
    row = replace(invoice().rows[0], product="Säätö & <huolto>", product_code="A&B", comment="1 < 2 & 3 > 2")
    document = invoice(rows=(row,), additional_information="Rivi 1\nRivi <2> & loput")
    text = page_texts(render_pdf(document))[0]
    for expected in ["Säätö & <huolto> (A&B)", "1 < 2 & 3 > 2", "Lisätiedot Rivi 1 Rivi <2> & loput"]:
        assert expected in text


@pytest.mark.parametrize("language", ["FINNISH", "SWEDISH", "ENGLISH"])
def test_long_invoice_flows_onto_numbered_pages(language: str) -> None:
    pages = page_texts(render_pdf(long_invoice(language)))
    assert len(pages) >= 2
    label = texts.TEXTS[language]["page"]
    for number, text in enumerate(pages, start=1):
        assert f"{label} {number}/{len(pages)}" in text
    everything = " ".join(pages)
    for i in range(1, 61):
        assert everything.count(f"Tuote {i:02d} ") == 1, i
    # The row header repeats on the page the rows continue on; later pages carry the title and number.
    header = texts.TEXTS[language]["product"] + " " + texts.TEXTS[language]["quantity"]
    assert header in pages[0] and header in pages[1]
    assert f"{texts.TEXTS[language]['title_invoice']} 1003" in pages[1]
    total = {"FINNISH": "Maksettava yhteensä 753,00 EUR", "SWEDISH": "Att betala 753,00 EUR"}
    assert total.get(language, "Total to pay 753.00 EUR") in pages[-1]
    # The payment slip is on the last page only.
    slip = texts.TEXTS[language]["recipient_iban"]
    assert [slip in text for text in pages] == [False] * (len(pages) - 1) + [True]


@pytest.mark.parametrize(
    ("language", "title", "credited", "total"),
    [
        ("FINNISH", "HYVITYSLASKU", "Hyvittää laskun nro 1001", "Hyvitetään yhteensä -100,40 EUR"),
        ("SWEDISH", "KREDITFAKTURA", "Krediterar faktura nr 1001", "Att kreditera -100,40 EUR"),
        ("ENGLISH", "CREDIT NOTE", "Credits invoice no. 1001", "Total credited -100.40 EUR"),
    ],
)
def test_credit_note(language: str, title: str, credited: str, total: str) -> None:
    document = credit_note(language)
    pdf = render_pdf(document)
    text = page_texts(pdf)[0]
    assert f"{title} {credited}" in text
    assert total in text
    assert "-1 h 80" in text
    # Nothing to pay: no slip, no QR code, no barcode.
    assert texts.TEXTS[language]["recipient_iban"] not in text
    assert epc_payload(document) is None and epc_qr(document) is None
    assert not [size for size in path_bounds(pdf, 0) if size[1] > 10 * mm]


# --- barcode and QR code -------------------------------------------------------------------------


def test_barcode_symbol_is_code128_subset_c() -> None:
    symbol = barcode_symbol(PUBLISHED_BARCODE)
    symbol.validate()
    codes = symbol.encode()
    assert codes[0] == 105  # START C
    # 27 digit pairs, each one symbol value: "43" → 43, "71" → 71 …
    assert codes[1:28] == [int(PUBLISHED_BARCODE[i : i + 2]) for i in range(0, 54, 2)]
    assert len(codes) == 30  # start, 27 pairs, check, stop
    assert symbol.barHeight == 13 * mm


@pytest.mark.parametrize("digits", ["", PUBLISHED_BARCODE[:-1], PUBLISHED_BARCODE + "0", "x" + PUBLISHED_BARCODE[1:]])
def test_barcode_symbol_refuses_anything_but_54_digits(digits: str) -> None:
    with pytest.raises(ValueError):
        barcode_symbol(digits)


def _bars(pdf: bytes) -> int:
    """Path objects as tall as the barcode (13 mm): the bars of the Code 128 symbol."""
    return sum(1 for _, height in path_bounds(pdf, 0) if abs(height - 13 * mm) < 0.1)


def _qr_squares(pdf: bytes) -> list[float]:
    """Square path objects 20–30 mm wide: the QR code's dark modules drawn as one path."""
    return [w for w, h in path_bounds(pdf, 0) if abs(w - h) < 1 and 20 * mm < w < 30 * mm]


def test_barcode_and_qr_code_are_drawn() -> None:
    pdf = render_pdf(invoice())
    # 30 symbols of three bars each, the stop pattern has four: 29 * 3 + 4.
    assert _bars(pdf) == 91
    assert len(_qr_squares(pdf)) == 1
    without = render_pdf(invoice(payment=replace(invoice().payment, virtual_barcode=None, currency="SEK")))
    assert _bars(without) == 0 and _qr_squares(without) == []
    assert BARCODE not in page_texts(without)[0]


def test_published_barcode_digits_are_printed() -> None:
    payment = Payment(due_date=date(2016, 12, 21), iban=IBAN, reference="11112", virtual_barcode=PUBLISHED_BARCODE)
    document = invoice(payment=payment, totals=Totals(D("9.76"), D("2.49"), D("12.25")))
    text = page_texts(render_pdf(document))[0]
    assert "Virtuaaliviivakoodi " + PUBLISHED_BARCODE in text
    assert "Viitenumero 11112 Eräpäivä 21.12.2016 Summa 12,25 EUR" in text


@pytest.mark.parametrize(
    ("document", "payload"),
    [
        (invoice(), "BCD\n002\n1\nSCT\nNDEAFIHH\nMyyjä Oy\nFI3715903000000776\nEUR1492.5\n\n2348236"),
        # An RF reference goes to the structured field as it is; no BIC leaves its line empty.
        (
            invoice(payment=replace(invoice().payment, reference="RF33 2348 236", bic=None)),
            "BCD\n002\n1\nSCT\n\nMyyjä Oy\nFI3715903000000776\nEUR1492.5\n\nRF332348236",
        ),
        # Without a reference the invoice number is the unstructured text, in the invoice's language.
        (
            invoice(
                "SWEDISH",
                payment=replace(invoice().payment, reference=None),
                totals=Totals(D("8"), D("2"), D("10.00")),
            ),
            "BCD\n002\n1\nSCT\nNDEAFIHH\nMyyjä Oy\nFI3715903000000776\nEUR10\n\n\nFaktura 1001",
        ),
        # The name is cut to the EPC maximum of 70 characters.
        (
            invoice(
                seller=replace(SELLER, name="Ö" * 80),
                payment=replace(invoice().payment, iban="FI37 1590 3000 0007 76"),
            ),
            "BCD\n002\n1\nSCT\nNDEAFIHH\n" + "Ö" * 70 + "\nFI3715903000000776\nEUR1492.5\n\n2348236",
        ),
    ],
)  # fmt: skip
def test_epc_payload_is_what_segno_encodes(document: InvoiceDocument, payload: str) -> None:
    assert epc_payload(document) == payload
    qr = epc_qr(document)
    assert qr is not None
    # segno's EPC helper made exactly the symbol of this payload (level M, no boosting).
    assert qr.matrix == segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False).matrix


@pytest.mark.parametrize(
    "document",
    [
        invoice(payment=replace(invoice().payment, currency="SEK")),  # EPC is euros only
        invoice(payment=replace(invoice().payment, iban=None)),  # nothing to pay to
        invoice(totals=Totals(D("0"), D("0"), D("0.00"))),
        invoice(totals=Totals(D("1000000000"), D("0"), D("1000000000.00"))),  # above the EPC maximum
        credit_note(),
    ],
)
def test_no_epc_qr_code(document: InvoiceDocument) -> None:
    assert epc_payload(document) is None
    assert epc_qr(document) is None


def test_no_payment_slip_without_an_account() -> None:
    document = invoice(payment=replace(invoice().payment, iban=None, virtual_barcode=None))
    text = page_texts(render_pdf(document))[0]
    assert "Saajan tilinumero" not in text
    assert "Maksettava yhteensä 1 492,50 EUR" in text and "Viitenumero 23 48236" in text


def test_the_server_loads_reportlab_and_pdfium_only_to_draw(tmp_path: Path) -> None:
    """25 MB of every server process: loaded by the first PDF or page image, not by the app."""
    script = (
        "import sys, kirjuri.asgi, kirjuri.invoicing.sending, kirjuri.invoicing.images; "
        "print(sorted(m for m in ('reportlab', 'pypdfium2', 'PIL') if m in sys.modules))"
    )
    env = {**os.environ, "KIRJURI_DATABASE_URL": f"sqlite:///{tmp_path / 'startup.db'}"}
    started = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert started.stdout.strip() == "[]", started.stderr
