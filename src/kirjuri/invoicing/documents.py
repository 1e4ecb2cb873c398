"""An invoice as it is printed and sent: the `InvoiceDocument` of a stored invoice, built from its
row, its rows, the company and (when it has one) the business partner.

Invariants:
- nothing is rounded or added up here: rows, totals and the VAT breakdown per rate are the stored
  minor amounts (`invoice_vat_lines`, stored with the totals, which they add up to — also when the
  totals took the ledger's VAT, see `invoicing.accounting`); only an invoice stored before the lines
  existed has its breakdown recomputed from its rows with `sums.compute`, as the service did;
- the parties follow the direction of the money: on a sales invoice (or order) the company is the
  seller and the counterparty the buyer; on every other type (a supplier's invoice, a travel or
  expense claim) the counterparty is the seller and the company the buyer;
- only what belongs on the printed invoice is taken: the internal `notes` never; the counterparty's
  `identifier` only when it is a Finnish business id (it may be a personal identity code);
- an invoice whose total is negative is a credit note.

Where the values come from: the seller on a sales invoice is the company — its name, business id,
VAT number (`FI` + the eight digits of a Finnish business id), address (the visiting address, else
the billing address) and e-invoice address and operator from the company setting "einvoice"
(`sendingAddress`, else `receivingAddress`; `operator` when it is an operator id, or the id of a
known operator's name) — paid to the invoice's own account (`paymentInfo.bankAccount`). The buyer
is the invoice's `counterParty`, addressed at the billing address when one is given. Payment: the
stored reference and its type, the due date, `penaltyPercent` as penal interest, the days from the
invoice date to the due date as the payment term, and the virtual barcode when the payment fits one
(`barcode.virtual_barcode`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from kirjuri.companies import repository as companies
from kirjuri.companies.models import Company
from kirjuri.core.errors import KirjuriError
from kirjuri.core.money import from_minor, plain
from kirjuri.invoicing import references, repository, sums
from kirjuri.invoicing.barcode import virtual_barcode
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
from kirjuri.invoicing.models import Invoice, InvoiceRow, InvoiceVatLine
from kirjuri.invoicing.transitions import SALES_INVOICE, SALES_ORDER
from kirjuri.partners import repository as partners
from kirjuri.partners.identifiers import check_einvoice_operator
from kirjuri.partners.models import BusinessPartner

EINVOICE_SETTING = "einvoice"
SELLING_TYPES = frozenset({SALES_INVOICE, SALES_ORDER})
DOMESTIC = sums.DOMESTIC_VAT_STATUS

_Y_TUNNUS = re.compile(r"[0-9]{7}-[0-9]")

# Intermediator ids (OVT codes) of Finnish e-invoice operators, for a company setting that names
# its operator instead of giving its id (as `GET /company/einvoiceaddresses` shows it). An
# operator not listed here must be configured by its id.
OPERATOR_IDS: Mapping[str, str] = {
    "apix messaging oy": "003723327487",
    "maventa": "003721291126",
}


@dataclass(frozen=True, slots=True)
class Sources:
    """Everything an invoice document is made of, as stored."""

    invoice: Invoice
    rows: Sequence[InvoiceRow]
    company: Company
    einvoice: Mapping[str, Any]
    partner: BusinessPartner | None = None
    vat_lines: Sequence[InvoiceVatLine] = ()


def load(session: Session, *, invoice: Invoice) -> Sources:
    """The rows, company, e-invoice setting and partner of a stored invoice (its own company's)."""
    rows = repository.rows_of(session, company_id=invoice.company_id, invoice_ids=[invoice.id]).get(invoice.id, [])
    company = companies.company(session, invoice.company_id)
    if company is None:  # the invoice's foreign key makes this impossible
        raise LookupError("the invoice's company is gone")
    setting = companies.setting(session, company_id=invoice.company_id, name=EINVOICE_SETTING)
    partner = None
    if invoice.partner_id is not None:
        partner = partners.find(session, company_id=invoice.company_id, partner_id=invoice.partner_id)
    return Sources(
        invoice=invoice,
        rows=rows,
        company=company,
        einvoice=dict(setting.value) if setting is not None else {},
        partner=partner,
        vat_lines=repository.vat_lines_of(session, company_id=invoice.company_id, invoice_id=invoice.id),
    )


def invoice_document(session: Session, *, invoice: Invoice) -> InvoiceDocument:
    """The document of a stored invoice (reads its rows, company and partner)."""
    return build(load(session, invoice=invoice))


def build(sources: Sources) -> InvoiceDocument:
    invoice, wire = sources.invoice, sources.invoice.document
    company_party = _company_party(sources.company, sources.einvoice)
    counterparty = _counterparty(wire, sources.partner)
    selling = invoice.type in SELLING_TYPES
    seller, buyer = (company_party, counterparty) if selling else (counterparty, company_party)
    totals = Totals(
        net=from_minor(invoice.net_minor), vat=from_minor(invoice.vat_minor), gross=from_minor(invoice.gross_minor)
    )
    return InvoiceDocument(
        kind=Kind.CREDIT_NOTE if invoice.gross_minor < 0 else Kind.INVOICE,
        number=invoice.invoice_number,
        invoice_date=invoice.invoice_date,
        language=str(wire.get("language") or "FINNISH"),
        seller=seller,
        buyer=buyer,
        rows=tuple(_row(row) for row in sources.rows),
        vat_lines=_stored_vat_lines(sources.vat_lines) if sources.vat_lines else _vat_lines(wire, sources.rows),
        totals=totals,
        payment=_payment(invoice, wire, totals.gross),
        delivery=_delivery(wire, counterparty),
        delivery_date=_date(wire.get("deliveryStartDate")) or _date(wire.get("deliveryEndDate")),
        order_reference=_text(wire.get("orderReference")),
        our_reference=_text(wire.get("sellerReferenceIdentifier")),
        your_reference=_text(wire.get("buyerReferenceIdentifier")),
        additional_information=_text(wire.get("additionalInformation")),
        original_invoice_number=_number(invoice.original_invoice_number),
        notes=tuple(text for text in (_text(wire.get("factoringText")),) if text),
    )


# --- parties ---------------------------------------------------------------------------------------


def _company_party(company: Company, einvoice: Mapping[str, Any]) -> Party:
    stored = company.address if any(_text(v) for v in (company.address or {}).values()) else company.billing_address
    address = stored or {}
    business_id = company.business_id if company.business_id and _Y_TUNNUS.fullmatch(company.business_id) else None
    vat_number = None
    if business_id is not None and company.country in ("FINLAND", "ALAND_ISLANDS"):
        vat_number = "FI" + business_id.replace("-", "")
    return Party(
        name=company.name,
        address=Address(
            name=company.name,
            street=_text(address.get("street")),
            zip=_text(address.get("zip")),
            city=_text(address.get("city")),
            country=_text(address.get("country")) or company.country,
            specifier=_text(address.get("specifier")),
        ),
        business_id=business_id or company.business_id,
        vat_number=vat_number,
        einvoice_address=_text(einvoice.get("sendingAddress")) or _text(einvoice.get("receivingAddress")),
        einvoice_operator=operator_id(einvoice.get("operator")),
    )


def operator_id(value: Any) -> str | None:
    """The intermediator id of the company's e-invoice operator: the value itself when it is an
    operator id (OVT code, BIC, listed id), the id of a known operator's name, else None."""
    text = _text(value)
    if text is None:
        return None
    try:
        return check_einvoice_operator(text, field="operator")
    except KirjuriError:
        return OPERATOR_IDS.get(" ".join(text.lower().split()))


def _counterparty(wire: Mapping[str, Any], partner: BusinessPartner | None) -> Party:
    party = _mapping(wire.get("counterParty"))
    own = _mapping(party.get("counterPartyAddress"))
    billing = _mapping(wire.get("billingAddress"))
    # A billing address given with content is where the invoice goes; missing or `{}` is the
    # counterparty address.
    chosen = billing if any(_text(v) for v in billing.values()) else own
    name = _text(own.get("name")) or _text(chosen.get("name")) or ""
    einvoice = _mapping(party.get("einvoiceAddress"))
    identifier = _text(party.get("identifier"))
    partner_doc = partner.document if partner is not None else {}
    registry = _mapping(partner_doc.get("registryInfo"))
    additional = _mapping(partner_doc.get("additionalInfo"))
    return Party(
        name=name,
        address=_address(chosen, default_name=name),
        business_id=identifier if identifier and _Y_TUNNUS.fullmatch(identifier) else None,
        vat_number=_text(party.get("taxCode")),
        einvoice_address=_text(einvoice.get("address")),
        einvoice_operator=_text(einvoice.get("operator")),
        email=_text(party.get("email")),
        phone=_text(registry.get("phone")),
        contact_person=_text(party.get("contactPersonName")),
        customer_number=_text(party.get("customerNumber")),
        web_address=_text(additional.get("webAddress")),
    )


def _address(values: Mapping[str, Any], *, default_name: str) -> Address:
    return Address(
        name=_text(values.get("name")) or default_name,
        street=_text(values.get("street")),
        zip=_text(values.get("zip")),
        city=_text(values.get("city")),
        country=_text(values.get("country")),
        specifier=_text(values.get("specifier")),
    )


def _delivery(wire: Mapping[str, Any], buyer: Party) -> Address | None:
    """The delivery address when it says something the buyer's address does not: `{}` is none,
    and the counterparty address the service keeps as the default is the buyer's own."""
    given = _mapping(wire.get("deliveryAddress"))
    if not any(_text(v) for v in given.values()):
        return None
    own = _mapping(_mapping(wire.get("counterParty")).get("counterPartyAddress"))
    delivery = _address(given, default_name=_text(own.get("name")) or buyer.name)
    return (
        None
        if _same_place(delivery, buyer.address) or _same_place(delivery, _address(own, default_name=buyer.name))
        else delivery
    )


def _same_place(a: Address, b: Address) -> bool:
    return (a.name, a.street, a.zip, a.city, a.specifier) == (b.name, b.street, b.zip, b.city, b.specifier)


# --- rows, VAT, payment ----------------------------------------------------------------------------


def _row(row: InvoiceRow) -> Row:
    extra = row.document or {}
    return Row(
        product=row.product,
        quantity=plain(row.quantity),
        unit=row.unit,
        unit_price=plain(row.unit_price),
        discount_percent=plain(row.discount_percent),
        vat_percent=plain(row.vat_percent),
        net=from_minor(row.net_minor),
        vat=from_minor(row.vat_minor),
        gross=from_minor(row.gross_minor),
        product_code=row.product_code,
        comment=_text(extra.get("comment")),
        start_date=_date(extra.get("startDate")),
        end_date=_date(extra.get("endDate")),
    )


def _stored_vat_lines(lines: Sequence[InvoiceVatLine]) -> tuple[VatLine, ...]:
    """The VAT breakdown as the service stored it with the totals."""
    return tuple(
        VatLine(
            percent=plain(line.vat_percent),
            net=from_minor(line.net_minor),
            vat=from_minor(line.vat_minor),
            gross=from_minor(line.gross_minor),
            vat_status=line.vat_status,
        )
        for line in sorted(lines, key=lambda line: line.line_no)
    )


def _vat_lines(wire: Mapping[str, Any], rows: Sequence[InvoiceRow]) -> tuple[VatLine, ...]:
    """The VAT breakdown of an invoice stored without its lines: the sums of the stored rows,
    computed as the service did."""
    if not rows:  # a periodic tax return has none
        return ()
    header_status = wire.get("vatStatus")
    default_status = header_status if isinstance(header_status, int) else DOMESTIC
    computed = sums.compute(
        [
            sums.RowInput(
                quantity=row.quantity,
                unit_price=row.unit_price,
                discount_percent=row.discount_percent,
                vat_percent=row.vat_percent,
                vat_status=row.vat_status if row.vat_status is not None else default_status,
            )
            for row in rows
        ],
        header_discount_percent=_decimal(wire.get("discountPercent")) or Decimal(0),
        prices_include_vat=bool(_mapping(wire.get("extraInfo")).get("unitPricesIncludeVat")),
    )
    return computed.vat_lines


def _payment(invoice: Invoice, wire: Mapping[str, Any], gross: Decimal) -> Payment:
    info = _mapping(wire.get("paymentInfo"))
    account = _mapping(info.get("bankAccount"))
    iban = _text(account.get("accountNumber"))
    reference, reference_type = _reference(invoice.reference)
    barcode = None
    if iban is not None and reference is not None:
        try:
            barcode = virtual_barcode(
                iban=iban, amount=gross, reference=reference, due_date=invoice.due_date, currency=invoice.currency
            )
        except ValueError:  # an account that is not an IBAN (other payment methods): no barcode
            barcode = None
    term = (invoice.due_date - invoice.invoice_date).days
    return Payment(
        due_date=invoice.due_date,
        currency=invoice.currency,
        iban=iban,
        bic=_text(account.get("bic")),
        reference=reference,
        reference_type=reference_type,
        payment_term_days=term if term >= 0 else None,
        penal_interest_percent=_decimal(wire.get("penaltyPercent")),
        virtual_barcode=barcode,
    )


def _reference(stored: str | None) -> tuple[str | None, ReferenceType | None]:
    if not stored:
        return None, None
    try:
        return references.classify(stored)
    except ValueError:  # a Nordic reference type (OCR, KID …): printed as it is
        return stored, None


# --- plain values ----------------------------------------------------------------------------------


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    return stripped or None


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return plain(number) if number.is_finite() else None


def _number(value: str | None) -> int | None:
    text = _text(value)
    return int(text) if text is not None and text.isascii() and text.isdigit() and len(text) <= 9 else None
