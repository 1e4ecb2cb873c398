"""The invoice as a PDF: an A4 Finnish invoice (or credit note) drawn with ReportLab from an
`InvoiceDocument`, with its bank-transfer slip, virtual barcode and EPC QR code.

Invariants:
- the renderer only prints: amounts come from the document as computed by `invoicing.sums` and are
  never recomputed or rounded here (a number is printed with all the decimals it carries, at least
  two for money, so formatting can never round);
- every printed word comes from `invoicing.texts` in the document's language (anything other than
  FINNISH, SWEDISH or ENGLISH prints in English);
- the same document renders the same bytes (ReportLab `invariant=1`: no timestamps, fixed ids).

Printed forms (decided here, one place; amounts, dates and IBANs are formatted by `printed`, shared
with the e-mail):
- amounts: fi/sv `1 234,50` (space between thousands, decimal comma), en `1,234.50`; money shows at
  least two decimals, quantities and percentages as many as they carry (`12,5`, `25,5 %`);
- dates: fi/sv `d.m.yyyy` (`21.12.2016`), en ISO 8601 `yyyy-mm-dd` (unambiguous for British and
  American readers alike);
- reference: Finnish national reference in groups of five counted from the right, so the check
  digit closes the last full group (`23 48236`); RF references in groups of four from the left
  (`RF33 2348 236`, ISO 11649); IBAN in groups of four;
- the virtual barcode: the 54 digits as one string (a payer copies it into the bank whole) and
  as a Code 128 symbol (0.25 mm modules, 13 mm high; the even-length numeric string is encoded
  in subset C, Pankkiviivakoodi-opas);
- the EPC QR code ("QR-koodin käyttö tilisiirtolomakkeella"): version 002, UTF-8, BIC when
  known, the seller's name (cut to the EPC maximum of 70), the compact IBAN, the EUR amount, the
  reference (national or RF, as the Finnish guideline allows) in the structured field or — without a
  reference — "Lasku N" as unstructured text. Printed only for an invoice in EUR with an IBAN and a
  total of 0.01 … 999 999 999.99;
- the payment slip (a "tilisiirto"-style box at the foot of the last page) is printed only for an
  invoice (not a credit note) with an IBAN and a positive total: a credit note or a negative total
  is nothing to pay, and a slip without an account number is useless;
- VAT lines of a zero-tax treatment (EU sales, reverse charge, export, exempt) print the
  statement the VAT Act asks the invoice to carry (texts `vat_status_N`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from segno import helpers as segno_helpers

from kirjuri.invoicing import references
from kirjuri.invoicing.document import Address, InvoiceDocument, Kind, Party, Row
from kirjuri.invoicing.printed import format_amount, format_date, format_iban, format_number
from kirjuri.invoicing.texts import printed_language, texts_for, unit_label

# --- EPC QR code and the barcode symbol ---------------------------------------------------------

EPC_MIN_AMOUNT = Decimal("0.01")
EPC_MAX_AMOUNT = Decimal("999999999.99")
EPC_MAX_NAME = 70


def _payable(document: InvoiceDocument) -> bool:
    """Whether the invoice asks for a bank transfer: an invoice (not a credit note) to an account
    with a positive total."""
    return document.kind is Kind.INVOICE and bool(document.payment.iban) and document.totals.gross > 0


def _epc_fields(document: InvoiceDocument) -> dict[str, Any] | None:
    """The arguments of segno's `make_epc_qr` for this invoice, or None when it gets no QR code."""
    payment, amount = document.payment, document.totals.gross
    if not _payable(document) or payment.currency != "EUR":
        return None
    if not EPC_MIN_AMOUNT <= amount <= EPC_MAX_AMOUNT:
        return None
    reference = "".join((payment.reference or "").split()).upper() or None
    text = None
    if reference is None:
        text = texts_for(document.language)["payment_text"].format(number=document.number)
    return {
        "name": document.seller.name.strip()[:EPC_MAX_NAME].strip(),
        "iban": "".join((payment.iban or "").split()).upper(),
        "amount": amount,
        "reference": reference,
        "text": text,
        "bic": (payment.bic or "").strip().upper() or None,
    }


def epc_payload(document: InvoiceDocument) -> str | None:
    """The text the invoice's EPC QR code carries (EPC069-12 version 002, character set 1 = UTF-8),
    or None when the invoice gets no QR code. Lines: service tag, version, character set, SCT,
    BIC, name, IBAN, amount (`EUR12.3`), purpose, structured reference[, unstructured text]."""
    fields = _epc_fields(document)
    if fields is None:
        return None
    amount = f"EUR{fields['amount']:.2f}".rstrip("0").rstrip(".")
    lines = ["BCD", "002", "1", "SCT", fields["bic"] or "", fields["name"], fields["iban"], amount, ""]
    lines.append(fields["reference"] or "")
    if fields["text"]:
        lines.append(fields["text"])
    return "\n".join(lines)


def epc_qr(document: InvoiceDocument) -> segno.QRCode | None:
    """The EPC QR code printed on the invoice (segno `make_epc_qr`), or None."""
    fields = _epc_fields(document)
    if fields is None:
        return None
    return segno_helpers.make_epc_qr(**fields, encoding="utf-8")


BARCODE_MODULE = 0.25 * mm
BARCODE_HEIGHT = 13 * mm


def barcode_symbol(digits: str) -> Code128:
    """The Code 128 symbol of a 54-digit virtual barcode (subset C: two digits per symbol)."""
    if len(digits) != 54 or not digits.isdigit():
        raise ValueError("a virtual barcode is 54 digits")
    return Code128(digits, barWidth=BARCODE_MODULE, barHeight=BARCODE_HEIGHT)


# --- layout --------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
FOOTER_TOP = 22 * mm
FIRST_FRAME_TOP = PAGE_HEIGHT - 108 * mm
LATER_FRAME_TOP = PAGE_HEIGHT - 26 * mm
# The buyer's address sits where a C5/C65 window envelope shows it (SFS 2487: 20 mm from the left).
WINDOW_LEFT, WINDOW_TOP = 20 * mm, PAGE_HEIGHT - 50 * mm
INFO_LEFT = 110 * mm
GREY = colors.Color(0.4, 0.4, 0.4)
RULE = colors.Color(0.6, 0.6, 0.6)

_BASE = ParagraphStyle("base", fontName="Helvetica", fontSize=8.5, leading=10.5)
_SMALL = ParagraphStyle("small", parent=_BASE, fontSize=7, leading=8.5, textColor=GREY)
_COMMENT = ParagraphStyle("comment", parent=_SMALL, fontName="Helvetica-Oblique", leftIndent=3 * mm)
_BOLD = ParagraphStyle("bold", parent=_BASE, fontName="Helvetica-Bold")
_NAME = ParagraphStyle("name", parent=_BASE, fontName="Helvetica-Bold", fontSize=10, leading=12.5)
_SELLER = ParagraphStyle("seller", parent=_BASE, fontName="Helvetica-Bold", fontSize=12, leading=15)
_HEADING = ParagraphStyle("heading", parent=_BOLD, fontSize=9.5, leading=12, spaceBefore=4 * mm, spaceAfter=1 * mm)
_BOLD_RIGHT = ParagraphStyle("bold_right", parent=_BOLD, alignment=TA_RIGHT)


def _p(text: str, style: ParagraphStyle = _BASE) -> Paragraph:
    return Paragraph(escape(text), style)


def _address_lines(address: Address, *, with_name: bool = True) -> list[str]:
    """Postal lines: name, specifier (c/o, department), street, `zip city`; the country only abroad."""
    city = " ".join(part for part in (address.zip, address.city) if part)
    country = address.country.replace("_", " ") if address.country and address.country != "FINLAND" else None
    lines = [address.name] if with_name else []
    return [line for line in (*lines, address.specifier, address.street, city or None, country) if line]


def _draw_block(canvas: Canvas, paragraphs: Sequence[Flowable], *, x: float, top: float, width: float) -> float:
    """Draw flowables one under the other from `top` down; returns the y below the last one."""
    y = top
    for flowable in paragraphs:
        _, height = flowable.wrapOn(canvas, width, PAGE_HEIGHT)
        y -= height
        flowable.drawOn(canvas, x, y)
    return y


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """A canvas that prints "Page n/N" on every page once N is known (at save)."""

    def __init__(self, *args: Any, page_label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page_label = page_label
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont("Helvetica", 7)
            self.setFillColor(GREY)
            self.drawRightString(PAGE_WIDTH - MARGIN, 12 * mm, f"{self._page_label} {number}/{total}")
            super().showPage()
        super().save()


class _PaymentSlip(Flowable):  # type: ignore[misc]
    """The bank-transfer box at the foot of the last page: account, recipient, payer, reference,
    due date and amount, the EPC QR code and the virtual barcode. It takes all the height left in
    its frame and draws at the bottom, so it sits at the foot of the page wherever the rows end
    (or moves to a page of its own when it does not fit under them)."""

    GRID = 46 * mm
    BARCODE_PART = 25 * mm

    def __init__(self, layout: _Layout) -> None:
        super().__init__()
        self.layout = layout
        self.needed = self.GRID + (self.BARCODE_PART if layout.document.payment.virtual_barcode else 0) + 6 * mm
        self.used = self.needed

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.used = available_height if available_height >= self.needed else self.needed
        return CONTENT_WIDTH, self.used

    def draw(self) -> None:
        canvas, layout = self.canv, self.layout
        document, t, language = layout.document, layout.t, layout.language
        payment = document.payment
        bottom = self.BARCODE_PART if payment.virtual_barcode else 0.0
        top = bottom + self.GRID
        label_w, qr_w = 32 * mm, 40 * mm
        value_w = CONTENT_WIDTH - label_w - qr_w
        rows = [10 * mm, 10 * mm, 16 * mm]  # account, recipient, payer; then the reference row
        canvas.saveState()
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(0.6)
        canvas.rect(0, bottom, CONTENT_WIDTH, self.GRID)
        canvas.setLineWidth(0.4)
        y = top
        account = format_iban(payment.iban or "")
        if payment.bic:
            account += f"    {t['bic']} {payment.bic}"
        cells = [
            (t["recipient_iban"], [account]),
            (t["recipient"], [document.seller.name]),
            (t["payer"], _address_lines(replace(document.buyer.address, specifier=None))[:3]),
        ]
        for height, (label, values) in zip(rows, cells, strict=True):
            y -= height
            canvas.line(0, y, CONTENT_WIDTH - qr_w, y)
            self._cell(label, values, x=0, y=y, height=height, width=label_w, value_width=value_w)
        canvas.line(label_w, y, label_w, top)
        canvas.line(CONTENT_WIDTH - qr_w, y, CONTENT_WIDTH - qr_w, top)
        canvas.line(CONTENT_WIDTH - qr_w, y, CONTENT_WIDTH, y)
        self._qr(x=CONTENT_WIDTH - qr_w, y=y, width=qr_w, height=top - y)
        # The reference row: reference, due date, amount side by side.
        reference = references.printed(payment.reference) if payment.reference else ""
        amount = f"{format_amount(document.totals.gross, language=language)} {payment.currency}"
        parts = [
            (t["reference"], reference, 70 * mm),
            (t["due_date"], format_date(payment.due_date, language=language), 45 * mm),
            (t["amount"], amount, CONTENT_WIDTH - 115 * mm),
        ]
        x = 0.0
        for label, value, width in parts:
            if x:
                canvas.line(x, bottom, x, y)
            self._labelled(label, value, x=x, y=bottom, width=width, height=y - bottom)
            x += width
        if payment.virtual_barcode:
            self._barcode(payment.virtual_barcode, t["virtual_barcode"])
        canvas.restoreState()

    def _cell(
        self, label: str, values: list[str], *, x: float, y: float, height: float, width: float, value_width: float
    ) -> None:
        canvas = self.canv
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(GREY)
        canvas.drawString(x + 2 * mm, y + height - 3.5 * mm, label)
        _draw_block(
            canvas,
            [_p(value, _BOLD) for value in values],
            x=x + width + 2 * mm,
            top=y + height - 1.2 * mm,
            width=value_width - 4 * mm,
        )

    def _labelled(self, label: str, value: str, *, x: float, y: float, width: float, height: float) -> None:
        canvas = self.canv
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(GREY)
        canvas.drawString(x + 2 * mm, y + height - 3.5 * mm, label)
        canvas.setFont("Helvetica-Bold", 10)
        canvas.setFillColor(colors.black)
        canvas.drawRightString(x + width - 2 * mm, y + 2.2 * mm, value)

    def _qr(self, *, x: float, y: float, width: float, height: float) -> None:
        qr = epc_qr(self.layout.document)
        if qr is None:
            return
        size = 30 * mm
        left, bottom = x + (width - size) / 2, y + height - size - 1 * mm
        _draw_matrix(self.canv, qr.matrix, x=left, y=bottom, size=size)
        self.canv.setFont("Helvetica", 6.5)
        self.canv.setFillColor(GREY)
        self.canv.drawCentredString(x + width / 2, bottom - 2 * mm, self.layout.t["qr_caption"])

    def _barcode(self, digits: str, label: str) -> None:
        canvas = self.canv
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(GREY)
        canvas.drawString(0, self.BARCODE_PART - 4.5 * mm, label)
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.black)
        canvas.drawString(28 * mm, self.BARCODE_PART - 4.5 * mm, digits)
        symbol = barcode_symbol(digits)
        # Shift left by the quiet zone: the bars start at the box edge, the quiet zone is margin.
        symbol.drawOn(canvas, -symbol.lquiet + 2 * mm, 2 * mm)


def _draw_matrix(canvas: Canvas, matrix: Sequence[Sequence[int]], *, x: float, y: float, size: float) -> None:
    """A QR matrix as vector squares (one path, runs of dark modules merged), with the 4-module
    quiet zone the QR standard asks for inside `size`."""
    border = 4
    modules = len(matrix) + 2 * border
    step = size / modules
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + border + 1) * step
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            path.rect(x + (start + border) * step, top, (column - start) * step, step)
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class _Layout:
    """One document's pages: the header and footer drawn on each page and the story of flowables."""

    def __init__(self, document: InvoiceDocument) -> None:
        self.document = document
        self.language = printed_language(document.language)
        self.t = texts_for(self.language)
        credit = document.kind is Kind.CREDIT_NOTE
        self.title = self.t["title_credit_note"] if credit else self.t["title_invoice"]

    # -- printed values

    def amount(self, value: Decimal) -> str:
        return format_amount(value, language=self.language)

    def number(self, value: Decimal) -> str:
        return format_number(value, language=self.language)

    def day(self, value: date) -> str:
        return format_date(value, language=self.language)

    def info_rows(self) -> list[tuple[str, str]]:
        """The label/value pairs under the title, only those the document has."""
        document, payment, t = self.document, self.document.payment, self.t
        candidates: list[tuple[str, str | None]] = [
            (t["invoice_number"], str(document.number)),
            (t["invoice_date"], self.day(document.invoice_date)),
            (t["due_date"], self.day(payment.due_date)),
        ]
        if payment.payment_term_days is not None:
            days = t["payment_terms_value"].format(days=payment.payment_term_days)
            candidates.append((t["payment_terms"], days))
        if payment.penal_interest_percent is not None:
            candidates.append((t["penal_interest"], f"{self.number(payment.penal_interest_percent)} %"))
        candidates += [
            (t["customer_number"], document.buyer.customer_number),
            (t["our_reference"], document.our_reference),
            (t["your_reference"], document.your_reference),
            (t["order_reference"], document.order_reference),
            (t["delivery_date"], self.day(document.delivery_date) if document.delivery_date else None),
            (t["reference"], references.printed(payment.reference) if payment.reference else None),
        ]
        return [(label, value) for label, value in candidates if value]

    def party_ids(self, party: Party) -> list[str]:
        ids = [(self.t["business_id"], party.business_id), (self.t["vat_number"], party.vat_number)]
        return [f"{label} {value}" for label, value in ids if value]

    def contact_line(self) -> str:
        seller, t = self.document.seller, self.t
        parts = [seller.name, *_address_lines(seller.address, with_name=False)]
        parts += self.party_ids(seller)
        contacts = [(t["phone"], seller.phone), (t["email"], seller.email), (t["web"], seller.web_address)]
        parts += [f"{label} {value}" for label, value in contacts if value]
        return "  |  ".join(parts)

    # -- page furniture

    def first_page(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        seller = self.document.seller
        seller_block = [_p(seller.name, _SELLER)]
        seller_block += [_p(line) for line in _address_lines(seller.address, with_name=False)]
        seller_block += [_p(line) for line in self.party_ids(seller)]
        _draw_block(canvas, seller_block, x=MARGIN, top=PAGE_HEIGHT - 12 * mm, width=INFO_LEFT - MARGIN - 5 * mm)
        self._title_and_info(canvas)
        self._buyer(canvas)
        self.footer(canvas)
        canvas.restoreState()

    def later_pages(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        top = PAGE_HEIGHT - 15 * mm
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(MARGIN, top, self.document.seller.name)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, top, f"{self.title} {self.document.number}")
        canvas.setStrokeColor(RULE)
        canvas.line(MARGIN, top - 3 * mm, PAGE_WIDTH - MARGIN, top - 3 * mm)
        self.footer(canvas)
        canvas.restoreState()

    def footer(self, canvas: Canvas) -> None:
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, FOOTER_TOP - 4 * mm, PAGE_WIDTH - MARGIN, FOOTER_TOP - 4 * mm)
        _draw_block(
            canvas, [_p(self.contact_line(), _SMALL)], x=MARGIN, top=FOOTER_TOP - 5 * mm, width=CONTENT_WIDTH - 25 * mm
        )

    def _title_and_info(self, canvas: Canvas) -> None:
        document = self.document
        title_top = PAGE_HEIGHT - 18 * mm
        canvas.setFont("Helvetica-Bold", 16)
        canvas.drawString(INFO_LEFT, title_top, self.title)
        top = title_top - 4 * mm
        if document.kind is Kind.CREDIT_NOTE and document.original_invoice_number is not None:
            credited = self.t["credits_invoice"].format(number=document.original_invoice_number)
            top = _draw_block(canvas, [_p(credited, _BOLD)], x=INFO_LEFT, top=top, width=PAGE_WIDTH - INFO_LEFT)
            top -= 1 * mm
        table = Table(
            [[_p(label, _SMALL), _p(value)] for label, value in self.info_rows()],
            colWidths=[35 * mm, PAGE_WIDTH - MARGIN - INFO_LEFT - 35 * mm],
        )
        table.setStyle(_tight_style())
        _draw_block(canvas, [table], x=INFO_LEFT, top=top, width=PAGE_WIDTH - MARGIN - INFO_LEFT)

    def _buyer(self, canvas: Canvas) -> None:
        document = self.document
        width = INFO_LEFT - WINDOW_LEFT - 8 * mm
        lines = _address_lines(document.buyer.address)
        if document.buyer.name != document.buyer.address.name:
            lines.insert(0, document.buyer.name)
        block = [_p(lines[0], _NAME), *(_p(line) for line in lines[1:])]
        block += [_p(line, _SMALL) for line in self.party_ids(document.buyer)]
        y = _draw_block(canvas, block, x=WINDOW_LEFT, top=WINDOW_TOP, width=width)
        if document.delivery is not None:
            delivery = [Spacer(1, 3 * mm), _p(self.t["delivery_address"], _SMALL)]
            delivery += [_p(line) for line in _address_lines(document.delivery)]
            _draw_block(canvas, delivery, x=WINDOW_LEFT, top=y, width=width)

    # -- the story

    def story(self) -> list[Flowable]:
        story: list[Flowable] = [self.rows_table(), Spacer(1, 5 * mm), KeepTogether(self.summary())]
        story += self.information()
        if _payable(self.document):
            story += [Spacer(1, 6 * mm), _PaymentSlip(self)]
        return story

    def rows_table(self) -> Table:
        t = self.t
        numbers = ("unit_price", "discount", "vat_percent", "net_amount")
        header = [_p(t["product"], _BOLD), _p(t["quantity"], _BOLD_RIGHT), _p(t["unit"], _BOLD)]
        data: list[list[Any]] = [header + [_p(t[key], _BOLD_RIGHT) for key in numbers]]
        style = TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("ALIGN", (2, 0), (2, -1), "LEFT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
        for row in self.document.rows:
            data.append(self.row_cells(row))
            comment = self.row_comment(row)
            if comment:
                data.append([_p(comment, _COMMENT), "", "", "", "", "", ""])
                index = len(data) - 1
                style.add("SPAN", (0, index), (-1, index))
                style.add("NOSPLIT", (0, index - 1), (-1, index))
                style.add("TOPPADDING", (0, index), (-1, index), 0)
            style.add("LINEBELOW", (0, len(data) - 1), (-1, len(data) - 1), 0.25, RULE)
        widths = [62 * mm, 16 * mm, 14 * mm, 22 * mm, 15 * mm, 15 * mm, 26 * mm]
        return Table(data, colWidths=widths, repeatRows=1, style=style, hAlign="LEFT")

    def row_cells(self, row: Row) -> list[Any]:
        product = escape(row.product)
        if row.product_code:
            product += f' <font color="#666666" size="7">({escape(row.product_code)})</font>'
        discount = f"{self.number(row.discount_percent)}" if row.discount_percent else ""
        return [
            Paragraph(product, _BASE),
            self.number(row.quantity),
            unit_label(row.unit, self.language),
            self.amount(row.unit_price),
            discount,
            self.number(row.vat_percent),
            self.amount(row.net),
        ]

    def row_comment(self, row: Row) -> str:
        """The row's accrual period and comment, printed under the row."""
        days = [self.day(day) for day in (row.start_date, row.end_date) if day]
        period = " – ".join(dict.fromkeys(days))  # one day when start and end are the same
        return "  ".join(part for part in (period, row.comment or "") if part)

    def summary(self) -> list[Flowable]:
        """The VAT breakdown per rate and the totals in the invoice currency."""
        document, t = self.document, self.t
        currency = document.payment.currency
        data: list[list[Any]] = [
            [_p(f"{t['vat_breakdown']} ({currency})", _BOLD)]
            + [_p(h, _BOLD_RIGHT) for h in (t["vat_base"], t["vat_amount"], t["vat_gross"])]
        ]
        style = TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 1.2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
        for line in document.vat_lines:
            label = f"{t['vat_percent']} {self.number(line.percent)}"
            data.append([label, self.amount(line.net), self.amount(line.vat), self.amount(line.gross)])
            statement = t.get(f"vat_status_{line.vat_status}")
            if statement:
                data.append([_p(statement, _COMMENT), "", "", ""])
                style.add("SPAN", (0, len(data) - 1), (-1, len(data) - 1))
        vat_table = Table(data, colWidths=[80 * mm, 30 * mm, 30 * mm, 30 * mm], style=style, hAlign="LEFT")

        totals = document.totals
        to_pay = t["total_credit"] if document.kind is Kind.CREDIT_NOTE else t["total_to_pay"]
        total_rows = [
            [t["total_net"], f"{self.amount(totals.net)} {currency}"],
            [t["total_vat"], f"{self.amount(totals.vat)} {currency}"],
            [to_pay, f"{self.amount(totals.gross)} {currency}"],
        ]
        totals_table = Table(
            total_rows,
            colWidths=[55 * mm, 35 * mm],
            hAlign="RIGHT",
            style=TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
                    ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 10),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ]
            ),
        )
        return [vat_table, Spacer(1, 4 * mm), totals_table]

    def information(self) -> list[Flowable]:
        texts = [text for text in (self.document.additional_information, *self.document.notes) if text]
        if not texts:
            return []
        flowables: list[Flowable] = [_p(self.t["additional_information"], _HEADING)]
        for text in texts:
            # Keep the client's line breaks: a Paragraph would join them into one line.
            flowables.append(Paragraph("<br/>".join(escape(line) for line in text.splitlines()), _BASE))
        return flowables


def _tight_style() -> TableStyle:
    return TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 0.6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6),
        ]
    )


def render_pdf(document: InvoiceDocument) -> bytes:
    """The invoice or credit note as an A4 PDF in the document's language; the same document
    always gives the same bytes."""
    layout = _Layout(document)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=PAGE_HEIGHT - LATER_FRAME_TOP,
        bottomMargin=FOOTER_TOP,
        title=f"{layout.title} {document.number}",
        author=document.seller.name,
        creator="Kirjuri",
        invariant=1,
        pageCompression=1,
    )
    first = Frame(MARGIN, FOOTER_TOP, CONTENT_WIDTH, FIRST_FRAME_TOP - FOOTER_TOP, id="first", showBoundary=0)
    later = Frame(MARGIN, FOOTER_TOP, CONTENT_WIDTH, LATER_FRAME_TOP - FOOTER_TOP, id="later", showBoundary=0)
    doc.addPageTemplates(
        [
            PageTemplate(id="First", frames=[first], onPage=layout.first_page, autoNextPageTemplate="Later"),
            PageTemplate(id="Later", frames=[later], onPage=layout.later_pages),
        ]
    )
    canvasmaker: Callable[..., Canvas] = partial(_NumberedCanvas, page_label=layout.t["page"])
    doc.build(layout.story(), canvasmaker=canvasmaker)
    return buffer.getvalue()
