"""`invoicing.documents`: the printable InvoiceDocument of a stored invoice — seller from the
company (address, business id, VAT number, e-invoice route), buyer from the counterparty (billing
address when given), rows, VAT lines and totals from the stored amounts, payment with reference,
penal interest, term and virtual barcode; credit notes; the purchase side with the parties turned
round; what never goes on the document (internal notes, a personal identity code)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from kirjuri.companies import service as companies_service
from kirjuri.invoicing import documents
from kirjuri.invoicing.barcode import virtual_barcode
from kirjuri.invoicing.document import Address, Kind, ReferenceType, Row, Totals, VatLine
from kirjuri.invoicing.models import Invoice
from kirjuri.invoicing.render import render_pdf
from kirjuri.partners import service as partners_service
from kirjuri.sandbox.demo import seed_company_profile
from tests.factories import Tenant
from tests.invoicing.helpers import (
    IBAN,
    add_invoice,
    day,
    invoice_row,
    purchase_invoice_body,
    sales_invoice_body,
    variant,
)

D = Decimal


def _invoice(db: Session, tenant: Tenant, body: dict[str, Any] | None = None) -> Invoice:
    invoice = add_invoice(db, company_id=tenant.company_id, user_id=tenant.user_id, body=body)
    db.commit()
    return invoice


def _company_address(db: Session, tenant: Tenant) -> None:
    companies_service.update_company(
        db,
        company_id=tenant.company_id,
        name="Testi Oy",
        address={"street": "Mannerheimintie 12 B", "zip": "00100", "city": "Helsinki", "country": "FINLAND"},
        billing_address={"street": "PL 7", "zip": "00101", "city": "Helsinki", "country": "FINLAND"},
        brn_type=None,
        business_id="2077474-0",
        mva=False,
        in_trade_register=True,
        accounting_office_name=None,
    )
    db.commit()


# --- the sales invoice of §D.13.6 --------------------------------------------------------------


def test_the_example_invoice(db: Session, tenant: Tenant) -> None:
    _company_address(db, tenant)
    invoice = _invoice(db, tenant)

    document = documents.invoice_document(db, invoice=invoice)

    assert document.kind is Kind.INVOICE
    assert (document.number, document.invoice_date, document.language) == (
        invoice.invoice_number,
        date.fromisoformat(day(5, 4)),
        "FINNISH",
    )
    seller = document.seller
    assert (seller.name, seller.business_id, seller.vat_number) == ("Testi Oy", "2077474-0", "FI20774740")
    # The visiting address, not the billing one.
    assert seller.address == Address("Testi Oy", "Mannerheimintie 12 B", "00100", "Helsinki", "FINLAND")
    assert (seller.einvoice_address, seller.einvoice_operator) == (None, None)  # no "einvoice" setting values
    buyer = document.buyer
    assert buyer.name == "Esimerkki Oy"
    assert buyer.address == Address("Esimerkki Oy", "Kauppakatu 3", "00100", "Helsinki", "FINLAND")
    assert (buyer.email, buyer.customer_number, buyer.business_id) == ("ap@example.fi", "C-1007", None)
    # 12.5 h × 95.00 = 1 187.50, VAT 25.5 % = 302.81 (rounded half up from 302.8125).
    assert document.rows == (
        Row(
            product="Consulting, April",
            quantity=D("12.5"),
            unit="HOUR",
            unit_price=D("95"),
            discount_percent=D("0"),
            vat_percent=D("25.5"),
            net=D("1187.50"),
            vat=D("302.81"),
            gross=D("1490.31"),
        ),
    )
    assert document.vat_lines == (VatLine(D("25.5"), D("1187.50"), D("302.81"), D("1490.31"), vat_status=1),)
    assert document.totals == Totals(D("1187.50"), D("302.81"), D("1490.31"))
    payment = document.payment
    assert (payment.due_date, payment.currency, payment.iban, payment.bic) == (
        date.fromisoformat(day(5, 18)),
        "EUR",
        IBAN,
        None,
    )
    # `bankReferenceCode: ""` made the service generate a Finnish reference.
    assert (payment.reference, payment.reference_type) == (invoice.reference, ReferenceType.FI)
    assert payment.payment_term_days == 14
    assert payment.penal_interest_percent is None
    assert payment.virtual_barcode == virtual_barcode(
        iban=IBAN, amount=D("1490.31"), reference=invoice.reference, due_date=invoice.due_date
    )
    assert payment.virtual_barcode is not None and len(payment.virtual_barcode) == 54
    # The counterparty address the service keeps as the default delivery address is no extra block.
    assert document.delivery is None
    assert (document.original_invoice_number, document.notes, document.additional_information) == (None, (), None)


def test_the_billing_address_when_one_is_given_else_the_company_billing_address(db: Session, tenant: Tenant) -> None:
    billing = {"name": "Esimerkki Oy / Ostoreskontra", "street": "PL 100", "zip": "00020", "city": "Helsinki"}
    invoice = _invoice(db, tenant, sales_invoice_body(billingAddress=billing))
    document = documents.invoice_document(db, invoice=invoice)
    assert document.buyer.name == "Esimerkki Oy"
    assert document.buyer.address == Address("Esimerkki Oy / Ostoreskontra", "PL 100", "00020", "Helsinki")
    # A company without a visiting address is shown at its billing address.
    companies_service.update_company(
        db,
        company_id=tenant.company_id,
        name="Testi Oy",
        address={},
        billing_address={"street": "PL 7", "zip": "00101", "city": "Helsinki"},
        brn_type=None,
        business_id="2077474-0",
        mva=False,
        in_trade_register=False,
        accounting_office_name=None,
    )
    db.commit()
    seller = documents.invoice_document(db, invoice=invoice).seller
    assert seller.address == Address("Testi Oy", "PL 7", "00101", "Helsinki", "FINLAND")


def test_an_empty_billing_address_means_the_counterparty_address(db: Session, tenant: Tenant) -> None:
    invoice = _invoice(db, tenant, sales_invoice_body(billingAddress={}))
    assert documents.invoice_document(db, invoice=invoice).buyer.address == Address(
        "Esimerkki Oy", "Kauppakatu 3", "00100", "Helsinki", "FINLAND"
    )


def test_a_delivery_address_of_its_own_is_on_the_document(db: Session, tenant: Tenant) -> None:
    delivery = {"name": "Työmaa 7", "street": "Satamakatu 1", "zip": "00160", "city": "Helsinki"}
    invoice = _invoice(db, tenant, sales_invoice_body(deliveryAddress=delivery, deliveryStartDate=day(5, 2)))
    document = documents.invoice_document(db, invoice=invoice)
    assert document.delivery == Address("Työmaa 7", "Satamakatu 1", "00160", "Helsinki")
    assert document.delivery_date == date.fromisoformat(day(5, 2))
    empty = _invoice(db, tenant, sales_invoice_body(deliveryAddress={}))
    assert documents.invoice_document(db, invoice=empty).delivery is None


def test_references_texts_and_penal_interest(db: Session, tenant: Tenant) -> None:
    body = sales_invoice_body(
        penaltyPercent=11.5,
        orderReference="PO-77",
        sellerReferenceIdentifier="Matti M.",
        buyerReferenceIdentifier="Osto 12",
        additionalInformation="Kiitos tilauksesta!",
        notes="Sisäinen: asiakas maksaa myöhässä",
        factoringText="Saatava on siirretty Rahoitus Oy:lle.",
    )
    body = variant(body, {"counterParty.contactPersonName": "Liisa Asiakas", "counterParty.taxCode": "FI20774740"})
    document = documents.invoice_document(db, invoice=_invoice(db, tenant, body))
    assert document.payment.penal_interest_percent == D("11.5")
    assert (document.order_reference, document.our_reference, document.your_reference) == (
        "PO-77",
        "Matti M.",
        "Osto 12",
    )
    assert document.additional_information == "Kiitos tilauksesta!"
    # The factoring text is printed; the internal notes never are.
    assert document.notes == ("Saatava on siirretty Rahoitus Oy:lle.",)
    assert (document.buyer.contact_person, document.buyer.vat_number) == ("Liisa Asiakas", "FI20774740")


@pytest.mark.parametrize(("identifier", "printed"), [("2077474-0", "2077474-0"), ("131052-308T", None)])
def test_the_counterparty_identifier_is_printed_only_as_a_business_id(
    db: Session, tenant: Tenant, identifier: str, printed: str | None
) -> None:
    body = variant(sales_invoice_body(), {"counterParty.identifier": identifier})
    document = documents.invoice_document(db, invoice=_invoice(db, tenant, body))
    assert document.buyer.business_id == printed


def test_two_rates_a_discount_and_row_texts(db: Session, tenant: Tenant) -> None:
    rows = [
        invoice_row(
            product="Työ",
            quantity=3,
            unitPrice=10.01,
            discountPercent=10,
            comment="Asennus",
            startDate=day(4, 1),
            endDate=day(4, 30),
        ),
        invoice_row(product="Työ", quantity=1, unitPrice=0.05),
        invoice_row(product="Kirja", productCode="K-1", quantity=2, unit="PIECE", unitPrice=20, vatPercent=10),
    ]
    invoice = _invoice(db, tenant, sales_invoice_body(invoiceRows=rows, discountPercent=5))
    document = documents.invoice_document(db, invoice=invoice)

    first, second, third = document.rows
    # 3 × 10.01 × 0.9 × 0.95 = 25.67565 → 25.68; its own VAT 6.55.
    assert (first.net, first.vat, first.gross, first.discount_percent) == (D("25.68"), D("6.55"), D("32.23"), D("10"))
    assert (first.comment, first.start_date, first.end_date) == (
        "Asennus",
        date.fromisoformat(day(4, 1)),
        date.fromisoformat(day(4, 30)),
    )
    assert (second.net, second.vat) == (D("0.05"), D("0.01"))
    assert (third.product_code, third.unit, third.net, third.vat) == ("K-1", "PIECE", D("38.00"), D("3.80"))
    # VAT per rate on the sum of the rate's rows: 25.73 × 25.5 % = 6.56 (the rows say 6.55 + 0.01).
    assert document.vat_lines == (
        VatLine(D("25.5"), D("25.73"), D("6.56"), D("32.29"), vat_status=1),
        VatLine(D("10"), D("38.00"), D("3.80"), D("41.80"), vat_status=1),
    )
    assert document.totals == Totals(D("63.73"), D("10.36"), D("74.09"))
    assert (invoice.net_minor, invoice.vat_minor, invoice.gross_minor) == (6373, 1036, 7409)


def test_a_negative_total_is_a_credit_note_without_a_barcode(db: Session, tenant: Tenant) -> None:
    body = sales_invoice_body(invoiceRows=[invoice_row(quantity=-2, unitPrice=100)], originalInvoiceNumber="1042")
    document = documents.invoice_document(db, invoice=_invoice(db, tenant, body))
    assert document.kind is Kind.CREDIT_NOTE
    assert document.original_invoice_number == 1042
    assert document.totals == Totals(D("-200.00"), D("-51.00"), D("-251.00"))
    assert document.payment.virtual_barcode is None  # nothing for the buyer to pay


def test_an_original_invoice_number_that_is_not_a_number_is_left_out(db: Session, tenant: Tenant) -> None:
    body = sales_invoice_body(invoiceRows=[invoice_row(quantity=-1)], originalInvoiceNumber="INV-7")
    assert documents.invoice_document(db, invoice=_invoice(db, tenant, body)).original_invoice_number is None


def test_an_rf_reference_and_a_currency_without_barcode(db: Session, tenant: Tenant) -> None:
    rf = variant(sales_invoice_body(), {"paymentInfo.bankReferenceCode": "RF332348236"})
    document = documents.invoice_document(db, invoice=_invoice(db, tenant, rf))
    assert (document.payment.reference, document.payment.reference_type) == ("RF332348236", ReferenceType.RF)
    assert document.payment.virtual_barcode is not None and document.payment.virtual_barcode.startswith("5")
    sek = variant(sales_invoice_body(), {"paymentInfo.currency": "SEK", "paymentInfo.currencyRate": 11.2})
    document = documents.invoice_document(db, invoice=_invoice(db, tenant, sek))
    assert document.payment.currency == "SEK"
    assert document.payment.virtual_barcode is None  # the barcode carries euros only


def test_cash_has_no_account_and_no_barcode(db: Session, tenant: Tenant) -> None:
    body = variant(sales_invoice_body(), {"paymentInfo.paymentMethod": "CASH", "paymentInfo.bankAccount": None})
    payment = documents.invoice_document(db, invoice=_invoice(db, tenant, body)).payment
    assert (payment.iban, payment.virtual_barcode) == (None, None)


def test_the_company_einvoice_route(db: Session, tenant: Tenant) -> None:
    seed_company_profile(db, tenant.company_id, tenant.user_id)
    db.commit()
    seller = documents.invoice_document(db, invoice=_invoice(db, tenant)).seller
    # The demo company names Apix by name: its intermediator id is known.
    assert (seller.einvoice_address, seller.einvoice_operator) == ("003712345671", "003723327487")


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("003723327487", "003723327487"),
        (" ndeafihh ", "NDEAFIHH"),
        ("E204503", "E204503"),
        ("Apix Messaging Oy", "003723327487"),
        ("apix  messaging OY", "003723327487"),
        ("Maventa", "003721291126"),
        ("Tuntematon Operaattori Oy", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_operator_id(setting: Any, expected: str | None) -> None:
    assert documents.operator_id(setting) == expected


def test_the_partner_adds_phone_and_web_address(db: Session, tenant: Tenant) -> None:
    partner = partners_service.create_partner(
        db,
        company_id=tenant.company_id,
        document={
            "name": "Esimerkki Oy",
            "type": "CUSTOMER",
            "address": {"name": "Esimerkki Oy", "street": "Kauppakatu 3", "zip": "00100", "city": "Helsinki"},
            "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR"},
            "registryInfo": {"phone": "+358 9 765 4321"},
            "additionalInfo": {"webAddress": "https://esimerkki.example"},
        },
        writable={"CUSTOMER"},
    )
    db.commit()
    document = documents.invoice_document(db, invoice=_invoice(db, tenant, sales_invoice_body(partnerId=partner.id)))
    assert (document.buyer.phone, document.buyer.web_address) == ("+358 9 765 4321", "https://esimerkki.example")


def test_a_purchase_invoice_has_the_parties_turned_round(db: Session, tenant: Tenant) -> None:
    _company_address(db, tenant)
    invoice = _invoice(db, tenant, purchase_invoice_body())
    document = documents.invoice_document(db, invoice=invoice)
    assert document.seller.name == "Toimittaja Oy"
    assert document.buyer.name == "Testi Oy"
    assert document.buyer.address.street == "Mannerheimintie 12 B"
    assert document.payment.iban == IBAN
    assert document.totals == Totals(D("100.00"), D("25.50"), D("125.50"))
    assert document.language == "FINNISH"  # a purchase invoice stores none: printed in Finnish


def test_every_document_renders(db: Session, tenant: Tenant) -> None:
    invoice = _invoice(db, tenant, sales_invoice_body(language="ENGLISH"))
    pdf = render_pdf(documents.invoice_document(db, invoice=invoice))
    assert pdf.startswith(b"%PDF-")
