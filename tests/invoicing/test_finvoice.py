"""The Finvoice 3.0 writer, element by element: a sales invoice (two VAT rates, a Finnish reference,
OVT e-invoice addresses, a delivery party, a row comment, a sub-cent unit price) and a credit note
(INV02/381, negative amounts, the payment order still present, an RF reference), each parsed back with
defusedxml and checked path by path; the schema's textual forms and sequences; and the refusals."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D
from typing import Any
from xml.etree.ElementTree import Element

import pytest
from defusedxml.ElementTree import fromstring

from kirjuri.core.codes import UNITS
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
from kirjuri.invoicing.finvoice import (
    finvoice_message,
    format_amount,
    format_percent,
    format_quantity,
    format_unit_price,
    unit_code,
    vat_code,
)

XSI = "http://www.w3.org/2001/XMLSchema-instance"
STAMP = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)

SELLER = Party(
    name="Kirjuri Testi Oy",
    address=Address("Kirjuri Testi Oy", street="Mannerheimintie 12 B", zip="00100", city="Helsinki", country="FINLAND"),
    business_id="2077474-0",
    vat_number="FI20774740",
    einvoice_address="003720774740",
    einvoice_operator="003721291126",
)
BUYER = Party(
    name="Äänekosken Öljy ja Åkeri Oy",
    address=Address(
        "Äänekosken Öljy ja Åkeri Oy",
        street="Kauppakatu 3",
        zip="44100",
        city="Äänekoski",
        country="FINLAND",
        specifier="c/o Åsa Öberg",
    ),
    business_id="0112038-9",
    vat_number="FI01120389",
    einvoice_address="003701120389",
    einvoice_operator="003703575029",
    contact_person="Åsa Öberg",
    customer_number="C-1007",
)
ROWS = (
    Row(
        product="Konsultointi, huhtikuu",
        product_code="KONS-01",
        quantity=D("12.5"),
        unit="HOUR",
        unit_price=D("95.00"),
        discount_percent=D(0),
        vat_percent=D("25.5"),
        net=D("1187.50"),
        vat=D("302.81"),
        gross=D("1490.31"),
        comment="Sisältää matkat Ähtäriin",
        start_date=date(2026, 4, 1),
        end_date=date(2026, 4, 30),
    ),
    Row(
        product="Lounas",
        product_code="LOUNAS",
        quantity=D(2),
        unit="PIECE",
        unit_price=D("24.90"),
        discount_percent=D(10),
        vat_percent=D("13.5"),
        net=D("44.82"),
        vat=D("6.05"),
        gross=D("50.87"),
    ),
    # A price with six decimals: Finvoice takes five, so it is written per 10 pages.
    Row(
        product="Tulosteet",
        product_code="TULOSTE",
        quantity=D(1000),
        unit="PAGE",
        unit_price=D("0.012345"),
        discount_percent=D(0),
        vat_percent=D("25.5"),
        net=D("12.35"),
        vat=D("3.15"),
        gross=D("15.50"),
    ),
)
INVOICE = InvoiceDocument(
    kind=Kind.INVOICE,
    number=10023,
    invoice_date=date(2026, 5, 4),
    language="FINNISH",
    seller=SELLER,
    buyer=BUYER,
    rows=ROWS,
    vat_lines=(
        VatLine(D("25.5"), net=D("1199.85"), vat=D("305.96"), gross=D("1505.81")),
        VatLine(D("13.5"), net=D("44.82"), vat=D("6.05"), gross=D("50.87")),
    ),
    totals=Totals(net=D("1244.67"), vat=D("312.01"), gross=D("1556.68")),
    payment=Payment(
        due_date=date(2026, 5, 18),
        iban="FI2112345600000785",
        bic="NDEAFIHH",
        reference="2348236",
        reference_type=ReferenceType.FI,
        payment_term_days=14,
        penal_interest_percent=D("11.5"),
        virtual_barcode="421123456000007850015566800000000000000002348236260518",
    ),
    delivery=Address("Äänekosken varasto", street="Teollisuustie 5", zip="44150", city="Äänekoski", country="FINLAND"),
    delivery_date=date(2026, 4, 30),
    order_reference="PO-4471",
    our_reference="Matti Meikäläinen",
    your_reference="Projekti 7",
    additional_information="Kiitos tilauksesta!",
)

CONSUMER = Party(
    name="Örjan Åkerlund",
    address=Address("Örjan Åkerlund", street="Rantatie 1", zip="00990", city="Helsinki", country="FINLAND"),
    einvoice_address="FI3715903000000776",  # consumer e-invoices go to the payer's IBAN, via the bank
    einvoice_operator="NDEAFIHH",
)
CREDIT_NOTE = InvoiceDocument(
    kind=Kind.CREDIT_NOTE,
    number=10031,
    invoice_date=date(2026, 5, 20),
    language="ENGLISH",
    seller=SELLER,
    buyer=CONSUMER,
    rows=(
        dataclasses.replace(
            ROWS[1], quantity=D(-2), net=D("-44.82"), vat=D("-6.05"), gross=D("-50.87"), product_code=None
        ),
    ),
    vat_lines=(VatLine(D("13.5"), net=D("-44.82"), vat=D("-6.05"), gross=D("-50.87")),),
    totals=Totals(net=D("-44.82"), vat=D("-6.05"), gross=D("-50.87")),
    payment=Payment(
        due_date=date(2026, 5, 20),
        iban="FI2112345600000785",
        reference="RF332348236",  # RF33 2348 236, DOMAIN.md §2.2.2
        reference_type=ReferenceType.RF,
    ),
    original_invoice_number=10023,
)


def _message(document: InvoiceDocument, **options: Any) -> Element:
    data = finvoice_message(document, message_id=options.pop("message_id", "KIRJURI-1"), timestamp=STAMP, **options)
    root: Element = fromstring(data)
    return root


def _texts(root: Element, path: str) -> list[str]:
    return [element.text or "" for element in root.findall(path)]


# --- the sales invoice -------------------------------------------------------------------------------

MT, SP, BP, ID, EPI = (
    "MessageTransmissionDetails",
    "SellerPartyDetails",
    "BuyerPartyDetails",
    "InvoiceDetails",
    "EpiDetails",
)
INVOICE_TEXTS: list[tuple[str, list[str]]] = [
    (f"{MT}/MessageSenderDetails/FromIdentifier", ["003720774740"]),
    (f"{MT}/MessageSenderDetails/FromIntermediator", ["003721291126"]),
    (f"{MT}/MessageReceiverDetails/ToIdentifier", ["003701120389"]),
    (f"{MT}/MessageReceiverDetails/ToIntermediator", ["003703575029"]),
    (f"{MT}/MessageDetails/MessageIdentifier", ["KIRJURI-1"]),
    (f"{MT}/MessageDetails/MessageTimeStamp", ["2026-05-04T09:30:00+00:00"]),
    (f"{SP}/SellerPartyIdentifier", ["2077474-0"]),
    (f"{SP}/SellerOrganisationName", ["Kirjuri Testi Oy"]),
    (f"{SP}/SellerOrganisationTaxCode", ["FI20774740"]),
    (f"{SP}/SellerPostalAddressDetails/SellerStreetName", ["Mannerheimintie 12 B"]),
    (f"{SP}/SellerPostalAddressDetails/SellerTownName", ["Helsinki"]),
    (f"{SP}/SellerPostalAddressDetails/SellerPostCodeIdentifier", ["00100"]),
    (f"{SP}/SellerPostalAddressDetails/CountryCode", ["FI"]),
    ("SellerOrganisationUnitNumber", ["003720774740"]),
    ("SellerInformationDetails/SellerAccountDetails/SellerAccountID", ["FI2112345600000785"]),
    ("SellerInformationDetails/SellerAccountDetails/SellerBic", ["NDEAFIHH"]),
    (f"{BP}/BuyerPartyIdentifier", ["0112038-9"]),
    (f"{BP}/BuyerOrganisationName", ["Äänekosken Öljy ja Åkeri Oy"]),
    (f"{BP}/BuyerOrganisationTaxCode", ["FI01120389"]),
    (f"{BP}/BuyerPostalAddressDetails/BuyerStreetName", ["c/o Åsa Öberg", "Kauppakatu 3"]),
    (f"{BP}/BuyerPostalAddressDetails/BuyerTownName", ["Äänekoski"]),
    (f"{BP}/BuyerPostalAddressDetails/BuyerPostCodeIdentifier", ["44100"]),
    (f"{BP}/BuyerPostalAddressDetails/CountryCode", ["FI"]),
    ("BuyerOrganisationUnitNumber", ["003701120389"]),
    ("BuyerContactPersonName", ["Åsa Öberg"]),
    ("DeliveryPartyDetails/DeliveryOrganisationName", ["Äänekosken varasto"]),
    ("DeliveryPartyDetails/DeliveryPostalAddressDetails/DeliveryStreetName", ["Teollisuustie 5"]),
    ("DeliveryPartyDetails/DeliveryPostalAddressDetails/DeliveryTownName", ["Äänekoski"]),
    ("DeliveryPartyDetails/DeliveryPostalAddressDetails/DeliveryPostCodeIdentifier", ["44150"]),
    ("DeliveryDetails/DeliveryDate", ["20260430"]),
    (f"{ID}/InvoiceTypeCode", ["INV01"]),
    (f"{ID}/InvoiceTypeCodeUN", ["380"]),
    (f"{ID}/InvoiceTypeText", ["LASKU"]),
    (f"{ID}/OriginCode", ["Original"]),
    (f"{ID}/InvoiceNumber", ["10023"]),
    (f"{ID}/InvoiceDate", ["20260504"]),
    (f"{ID}/OriginalInvoiceNumber", []),
    (f"{ID}/SellerReferenceIdentifier", ["Matti Meikäläinen"]),
    (f"{ID}/SellersBuyerIdentifier", ["C-1007"]),
    (f"{ID}/OrderIdentifier", ["PO-4471"]),
    (f"{ID}/AgreementIdentifier", []),  # the document carries no agreement number
    (f"{ID}/BuyerReferenceIdentifier", ["Projekti 7"]),
    (f"{ID}/InvoiceTotalVatExcludedAmount", ["1244,67"]),
    (f"{ID}/InvoiceTotalVatAmount", ["312,01"]),
    (f"{ID}/InvoiceTotalVatIncludedAmount", ["1556,68"]),
    (f"{ID}/VatSpecificationDetails/VatBaseAmount", ["1199,85", "44,82"]),
    (f"{ID}/VatSpecificationDetails/VatRatePercent", ["25,5", "13,5"]),
    (f"{ID}/VatSpecificationDetails/VatCode", ["S", "S"]),
    (f"{ID}/VatSpecificationDetails/VatRateAmount", ["305,96", "6,05"]),
    (f"{ID}/VatSpecificationDetails/VatFreeText", []),
    (f"{ID}/InvoiceFreeText", ["Kiitos tilauksesta!"]),
    (f"{ID}/PaymentTermsDetails/PaymentTermsFreeText", ["14 pv netto"]),
    (f"{ID}/PaymentTermsDetails/InvoiceDueDate", ["20260518"]),
    (f"{ID}/PaymentTermsDetails/PaymentOverDueFineDetails/PaymentOverDueFineFreeText", ["Viivästyskorko 11,5 %"]),
    (f"{ID}/PaymentTermsDetails/PaymentOverDueFineDetails/PaymentOverDueFinePercent", ["11,5"]),
    ("VirtualBankBarcode", ["421123456000007850015566800000000000000002348236260518"]),
    ("InvoiceRow/ArticleIdentifier", ["KONS-01", "LOUNAS", "TULOSTE"]),
    ("InvoiceRow/ArticleName", ["Konsultointi, huhtikuu", "Lounas", "Tulosteet"]),
    ("InvoiceRow/DeliveredQuantity", ["12,5", "2", "1000"]),
    ("InvoiceRow/StartDate", ["20260401"]),
    ("InvoiceRow/EndDate", ["20260430"]),
    ("InvoiceRow/UnitPriceAmount", ["95,00", "24,90", "0,12345"]),
    ("InvoiceRow/UnitPriceBaseQuantity", ["10"]),
    ("InvoiceRow/RowFreeText", ["Sisältää matkat Ähtäriin"]),
    ("InvoiceRow/RowDiscountPercent", ["10"]),
    ("InvoiceRow/RowVatRatePercent", ["25,5", "13,5", "25,5"]),
    ("InvoiceRow/RowVatCode", ["S", "S", "S"]),
    ("InvoiceRow/RowVatAmount", ["302,81", "6,05", "3,15"]),
    ("InvoiceRow/RowVatExcludedAmount", ["1187,50", "44,82", "12,35"]),
    ("InvoiceRow/RowAmount", ["1490,31", "50,87", "15,50"]),
    (f"{EPI}/EpiIdentificationDetails/EpiDate", ["20260504"]),
    (f"{EPI}/EpiIdentificationDetails/EpiReference", ["10023"]),
    (f"{EPI}/EpiPartyDetails/EpiBfiPartyDetails/EpiBfiIdentifier", ["NDEAFIHH"]),
    (f"{EPI}/EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiNameAddressDetails", ["Kirjuri Testi Oy"]),
    (f"{EPI}/EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiBei", ["2077474-0"]),
    (f"{EPI}/EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiAccountID", ["FI2112345600000785"]),
    (f"{EPI}/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier", ["2348236"]),
    (f"{EPI}/EpiPaymentInstructionDetails/EpiInstructedAmount", ["1556,68"]),
    (f"{EPI}/EpiPaymentInstructionDetails/EpiCharge", ["SHA"]),
    (f"{EPI}/EpiPaymentInstructionDetails/EpiDateOptionDate", ["20260518"]),
    (f"{EPI}/EpiPaymentInstructionDetails/EpiPaymentMeansCode", ["58"]),
]

INVOICE_ATTRIBUTES: list[tuple[str, list[dict[str, str]]]] = [
    (".", [{"Version": "3.0", f"{{{XSI}}}noNamespaceSchemaLocation": "Finvoice3.0.xsd"}]),
    (f"{MT}/MessageSenderDetails/FromIdentifier", [{"SchemeID": "0037"}]),
    (f"{MT}/MessageReceiverDetails/ToIdentifier", [{"SchemeID": "0037"}]),
    ("SellerInformationDetails/SellerAccountDetails/SellerAccountID", [{"IdentificationSchemeName": "IBAN"}]),
    ("SellerInformationDetails/SellerAccountDetails/SellerBic", [{"IdentificationSchemeName": "BIC"}]),
    (f"{ID}/InvoiceTypeCode", [{"CodeListAgencyIdentifier": "SPY"}]),
    (
        "InvoiceRow/DeliveredQuantity",
        [
            {"QuantityUnitCode": "h", "QuantityUnitCodeUN": "HUR"},
            {"QuantityUnitCode": "kpl", "QuantityUnitCodeUN": "H87"},
            {"QuantityUnitCode": "page"},
        ],
    ),
    (
        "InvoiceRow/UnitPriceAmount",
        [
            {"AmountCurrencyIdentifier": "EUR", "UnitPriceUnitCode": "h", "QuantityUnitCodeUN": "HUR"},
            {"AmountCurrencyIdentifier": "EUR", "UnitPriceUnitCode": "kpl", "QuantityUnitCodeUN": "H87"},
            {"AmountCurrencyIdentifier": "EUR", "UnitPriceUnitCode": "page"},
        ],
    ),
    ("InvoiceRow/UnitPriceBaseQuantity", [{"QuantityUnitCode": "page"}]),
    (f"{EPI}/EpiPartyDetails/EpiBfiPartyDetails/EpiBfiIdentifier", [{"IdentificationSchemeName": "BIC"}]),
    (f"{EPI}/EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiAccountID", [{"IdentificationSchemeName": "IBAN"}]),
    (f"{EPI}/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier", [{"IdentificationSchemeName": "SPY"}]),
    (f"{EPI}/EpiPaymentInstructionDetails/EpiInstructedAmount", [{"AmountCurrencyIdentifier": "EUR"}]),
    (f"{EPI}/EpiPaymentInstructionDetails/EpiCharge", [{"ChargeOption": "SHA"}]),
]


@pytest.mark.parametrize(("path", "expected"), INVOICE_TEXTS)
def test_sales_invoice_element(path: str, expected: list[str]) -> None:
    assert _texts(_message(INVOICE), path) == expected


@pytest.mark.parametrize(("path", "expected"), INVOICE_ATTRIBUTES)
def test_sales_invoice_attributes(path: str, expected: list[dict[str, str]]) -> None:
    assert [dict(element.attrib) for element in _message(INVOICE).findall(path)] == expected


DATE_TAGS = {
    "DeliveryDate",
    "InvoiceDate",
    "InvoiceDueDate",
    "StartDate",
    "EndDate",
    "EpiDate",
    "EpiDateOptionDate",
}


@pytest.mark.parametrize("document", [INVOICE, CREDIT_NOTE], ids=["invoice", "credit-note"])
def test_every_date_and_amount_carries_its_format_and_currency(document: InvoiceDocument) -> None:
    root = _message(document)
    dates = [element for element in root.iter() if element.tag in DATE_TAGS]
    amounts = [element for element in root.iter() if element.tag.endswith("Amount")]
    assert len(dates) >= 4
    assert all(element.attrib.get("Format") == "CCYYMMDD" for element in dates)
    assert len(amounts) >= 10
    assert all(element.attrib.get("AmountCurrencyIdentifier") == "EUR" for element in amounts)


def test_the_message_is_utf8_with_a_declaration() -> None:
    data = finvoice_message(INVOICE, message_id="KIRJURI-1", timestamp=STAMP)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<Finvoice ")
    assert "Äänekosken Öljy ja Åkeri Oy".encode() in data
    assert "Äänekosken".encode("latin-1") not in data
    data.decode("utf-8")  # strict: raises on any byte that is not UTF-8


# --- the credit note ---------------------------------------------------------------------------------

CREDIT_TEXTS: list[tuple[str, list[str]]] = [
    (f"{MT}/MessageSenderDetails/FromIntermediator", ["003710948874"]),  # the sending operator wins
    (f"{MT}/MessageReceiverDetails/ToIdentifier", ["FI3715903000000776"]),
    (f"{MT}/MessageReceiverDetails/ToIntermediator", ["NDEAFIHH"]),
    (f"{BP}/BuyerPartyIdentifier", []),
    (f"{BP}/BuyerOrganisationTaxCode", []),
    (f"{BP}/BuyerOrganisationName", ["Örjan Åkerlund"]),
    ("BuyerOrganisationUnitNumber", ["FI3715903000000776"]),
    ("DeliveryPartyDetails", []),
    ("DeliveryDetails", []),
    ("SellerInformationDetails/SellerAccountDetails/SellerBic", ["NDEAFIHH"]),  # looked up from the IBAN
    (f"{ID}/InvoiceTypeCode", ["INV02"]),
    (f"{ID}/InvoiceTypeCodeUN", ["381"]),
    (f"{ID}/InvoiceTypeText", ["CREDIT NOTE"]),
    (f"{ID}/InvoiceNumber", ["10031"]),
    (f"{ID}/OriginalInvoiceNumber", ["10023"]),
    (f"{ID}/InvoiceTotalVatExcludedAmount", ["-44,82"]),
    (f"{ID}/InvoiceTotalVatAmount", ["-6,05"]),
    (f"{ID}/InvoiceTotalVatIncludedAmount", ["-50,87"]),
    (f"{ID}/VatSpecificationDetails/VatBaseAmount", ["-44,82"]),
    (f"{ID}/VatSpecificationDetails/VatRateAmount", ["-6,05"]),
    (f"{ID}/PaymentTermsDetails/PaymentTermsFreeText", ["0 days net"]),
    (f"{ID}/PaymentTermsDetails/InvoiceDueDate", ["20260520"]),
    (f"{ID}/PaymentTermsDetails/PaymentOverDueFineDetails", []),
    ("VirtualBankBarcode", []),
    ("InvoiceRow/ArticleIdentifier", []),
    ("InvoiceRow/DeliveredQuantity", ["-2"]),
    ("InvoiceRow/UnitPriceAmount", ["24,90"]),
    ("InvoiceRow/RowVatAmount", ["-6,05"]),
    ("InvoiceRow/RowVatExcludedAmount", ["-44,82"]),
    ("InvoiceRow/RowAmount", ["-50,87"]),
    (f"{EPI}/EpiIdentificationDetails/EpiDate", ["20260520"]),
    (f"{EPI}/EpiIdentificationDetails/EpiReference", ["10031"]),
    (f"{EPI}/EpiPartyDetails/EpiBfiPartyDetails/EpiBfiIdentifier", ["NDEAFIHH"]),
    (f"{EPI}/EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiAccountID", ["FI2112345600000785"]),
    (f"{EPI}/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier", ["RF332348236"]),
    (f"{EPI}/EpiPaymentInstructionDetails/EpiInstructedAmount", ["-50,87"]),
    (f"{EPI}/EpiPaymentInstructionDetails/EpiCharge", ["SHA"]),
    (f"{EPI}/EpiPaymentInstructionDetails/EpiDateOptionDate", ["20260520"]),
]


@pytest.mark.parametrize(("path", "expected"), CREDIT_TEXTS)
def test_credit_note_element(path: str, expected: list[str]) -> None:
    root = _message(CREDIT_NOTE, sender_intermediator="003710948874")
    assert _texts(root, path) == expected


def test_credit_note_references_by_iso_scheme_and_addresses_a_consumer_without_scheme() -> None:
    root = _message(CREDIT_NOTE, sender_intermediator="003710948874")
    remittance = root.find(f"{EPI}/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier")
    assert remittance is not None
    assert remittance.attrib == {"IdentificationSchemeName": "ISO"}
    receiver = root.find(f"{MT}/MessageReceiverDetails/ToIdentifier")
    assert receiver is not None
    assert receiver.attrib == {}


# --- the schema's sequences ----------------------------------------------------------------------------

# Element order of the Finvoice3.0.xsd sequences this writer uses (only the elements it may write).
SEQUENCES: dict[str, list[str]] = {
    ".": [
        "MessageTransmissionDetails",
        "SellerPartyDetails",
        "SellerOrganisationUnitNumber",
        "SellerInformationDetails",
        "BuyerPartyDetails",
        "BuyerOrganisationUnitNumber",
        "BuyerContactPersonName",
        "DeliveryPartyDetails",
        "DeliveryDetails",
        "InvoiceDetails",
        "VirtualBankBarcode",
        "InvoiceRow",
        "EpiDetails",
    ],
    SP: [
        "SellerPartyIdentifier",
        "SellerOrganisationName",
        "SellerOrganisationTaxCode",
        "SellerPostalAddressDetails",
    ],
    BP: ["BuyerPartyIdentifier", "BuyerOrganisationName", "BuyerOrganisationTaxCode", "BuyerPostalAddressDetails"],
    f"{BP}/BuyerPostalAddressDetails": ["BuyerStreetName", "BuyerTownName", "BuyerPostCodeIdentifier", "CountryCode"],
    ID: [
        "InvoiceTypeCode",
        "InvoiceTypeCodeUN",
        "InvoiceTypeText",
        "OriginCode",
        "InvoiceNumber",
        "InvoiceDate",
        "OriginalInvoiceNumber",
        "SellerReferenceIdentifier",
        "SellersBuyerIdentifier",
        "OrderIdentifier",
        "BuyerReferenceIdentifier",
        "InvoiceTotalVatExcludedAmount",
        "InvoiceTotalVatAmount",
        "InvoiceTotalVatIncludedAmount",
        "VatSpecificationDetails",
        "InvoiceFreeText",
        "PaymentTermsDetails",
    ],
    f"{ID}/VatSpecificationDetails": [
        "VatBaseAmount",
        "VatRatePercent",
        "VatCode",
        "VatRateAmount",
        "VatFreeText",
        "VatExemptionReasonCode",
    ],
    f"{ID}/PaymentTermsDetails": ["PaymentTermsFreeText", "InvoiceDueDate", "PaymentOverDueFineDetails"],
    "InvoiceRow": [
        "ArticleIdentifier",
        "ArticleName",
        "DeliveredQuantity",
        "StartDate",
        "EndDate",
        "UnitPriceAmount",
        "UnitPriceBaseQuantity",
        "RowFreeText",
        "RowDiscountPercent",
        "RowVatRatePercent",
        "RowVatCode",
        "RowVatAmount",
        "RowVatExcludedAmount",
        "RowAmount",
    ],
    EPI: ["EpiIdentificationDetails", "EpiPartyDetails", "EpiPaymentInstructionDetails"],
    f"{EPI}/EpiPartyDetails/EpiBeneficiaryPartyDetails": ["EpiNameAddressDetails", "EpiBei", "EpiAccountID"],
    f"{EPI}/EpiPaymentInstructionDetails": [
        "EpiRemittanceInfoIdentifier",
        "EpiInstructedAmount",
        "EpiCharge",
        "EpiDateOptionDate",
        "EpiPaymentMeansCode",
    ],
}


@pytest.mark.parametrize("document", [INVOICE, CREDIT_NOTE], ids=["invoice", "credit-note"])
@pytest.mark.parametrize("path", list(SEQUENCES))
def test_children_follow_the_schema_sequence(document: InvoiceDocument, path: str) -> None:
    parents = _message(document).findall(path)
    assert parents
    for parent in parents:
        order = SEQUENCES[path]
        positions = [order.index(child.tag) for child in parent]  # an unknown tag fails here too
        assert positions == sorted(positions)


# --- the textual forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(0), "0,00"),
        (D("1234.5"), "1234,50"),
        (D("1556.68"), "1556,68"),
        (D("-50.87"), "-50,87"),
        (D("-0.00"), "0,00"),
        (D("1E+2"), "100,00"),
        (D("999999999999999.99"), "999999999999999,99"),
    ],
)
def test_format_amount(value: D, expected: str) -> None:
    assert format_amount(value) == expected


@pytest.mark.parametrize("value", [D("1.005"), D("0.001"), D("1000000000000000")])
def test_format_amount_refuses_what_the_schema_cannot_hold(value: D) -> None:
    with pytest.raises(ValueError, match="amount"):
        format_amount(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("95"), ("95,00", None)),
        (D("24.9"), ("24,90", None)),
        (D("-24.90"), ("-24,90", None)),
        (D("1.234"), ("1,234", None)),
        (D("12.34567"), ("12,34567", None)),
        (D("0.012345"), ("0,12345", 10)),
        (D("0.0000001"), ("0,00001", 100)),
    ],
)
def test_format_unit_price(value: D, expected: tuple[str, int | None]) -> None:
    assert format_unit_price(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("25.5"), "25,5"),
        (D("25.50"), "25,5"),
        (D("24"), "24"),
        (D("13.5000"), "13,5"),
        (D("0"), "0"),
        (D("100"), "100"),
        (D("12.345"), "12,345"),
    ],
)
def test_format_percent(value: D, expected: str) -> None:
    assert format_percent(value) == expected


@pytest.mark.parametrize("value", [D("12.3456"), D("-1"), D("1000")])
def test_format_percent_refuses_what_the_schema_cannot_hold(value: D) -> None:
    with pytest.raises(ValueError, match="percentage"):
        format_percent(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("12.500"), "12,5"), (D(-2), "-2"), (D(1000), "1000"), (D("0.000001"), "0,000001"), (D("1E+3"), "1000")],
)
def test_format_quantity(value: D, expected: str) -> None:
    assert format_quantity(value) == expected


def test_format_quantity_refuses_more_than_14_characters() -> None:
    with pytest.raises(ValueError, match="DeliveredQuantity"):
        format_quantity(D("123456789.123456"))


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("HOUR", "h"),
        ("PIECE", "kpl"),
        ("DAY", "pv"),
        ("MONTH", "kk"),
        ("KILOGRAM", "kg"),
        ("LITER", "l"),
        ("KILOMETER", "km"),
        ("METER", "m"),
        ("KILOGRAM_PER_SQUARE_METRE", "kg/m2"),
        ("PAGE", "page"),  # no abbreviation: the name in lower case
        ("ROLL", "roll"),
        ("NO_UNIT", ""),
    ],
)
def test_unit_code(unit: str, expected: str) -> None:
    assert unit_code(unit) == expected


def test_every_contract_unit_fits_quantity_unit_code() -> None:
    assert all(len(unit_code(unit)) <= 14 for unit in UNITS)


@pytest.mark.parametrize(
    ("status", "percent", "expected"),
    [
        (1, D("25.5"), "S"),
        (1, D("13.5"), "S"),
        (1, D(0), "Z"),  # EN 16931: S needs a rate above zero
        (2, D(0), "Z"),
        (3, D(0), "K"),
        (4, D(0), "K"),
        (6, D(0), "AE"),
        (7, D(0), "G"),
        (8, D(0), "E"),
    ],
)
def test_vat_code(status: int, percent: D, expected: str) -> None:
    assert vat_code(status, percent) == expected


@pytest.mark.parametrize("status", [5, 9, 0, 42])  # 5 and 9 exist only on purchases
def test_vat_code_refuses_statuses_without_a_sales_category(status: int) -> None:
    with pytest.raises(ValueError, match="VAT status"):
        vat_code(status, D(0))


@pytest.mark.parametrize(
    ("language", "kind", "expected"),
    [
        ("FINNISH", Kind.INVOICE, "LASKU"),
        ("FINNISH", Kind.CREDIT_NOTE, "HYVITYSLASKU"),
        ("SWEDISH", Kind.INVOICE, "FAKTURA"),
        ("SWEDISH", Kind.CREDIT_NOTE, "KREDITFAKTURA"),
        ("ENGLISH", Kind.INVOICE, "INVOICE"),
        ("ENGLISH", Kind.CREDIT_NOTE, "CREDIT NOTE"),
        ("DANISH", Kind.INVOICE, "INVOICE"),  # languages without their own words get the English ones
    ],
)
def test_invoice_type_text_by_language(language: str, kind: Kind, expected: str) -> None:
    document = dataclasses.replace(INVOICE, language=language, kind=kind)
    assert _texts(_message(document), f"{ID}/InvoiceTypeText") == [expected]


# --- variants ----------------------------------------------------------------------------------------

REVERSE_CHARGE = dataclasses.replace(
    INVOICE,
    rows=(
        dataclasses.replace(ROWS[0], vat_percent=D(0), vat=D(0), gross=D("1187.50")),
        dataclasses.replace(ROWS[1], vat_percent=D(0), vat=D(0), gross=D("44.82")),
    ),
    vat_lines=(
        VatLine(D(0), net=D("1187.50"), vat=D(0), gross=D("1187.50"), vat_status=6),
        VatLine(D(0), net=D("44.82"), vat=D(0), gross=D("44.82"), vat_status=2),
    ),
    totals=Totals(net=D("1232.32"), vat=D(0), gross=D("1232.32")),
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"{ID}/VatSpecificationDetails/VatRatePercent", ["0", "0"]),
        (f"{ID}/VatSpecificationDetails/VatCode", ["AE", "Z"]),
        (f"{ID}/VatSpecificationDetails/VatFreeText", ["Käännetty verovelvollisuus", "Veroton myynti, 0 %"]),
        (f"{ID}/VatSpecificationDetails/VatExemptionReasonCode", ["VATEX-EU-AE"]),
        (f"{ID}/VatSpecificationDetails/VatRateAmount", ["0,00", "0,00"]),
        # Two 0 % lines of different categories: a row cannot tell which one is its own.
        ("InvoiceRow/RowVatRatePercent", ["0", "0"]),
        ("InvoiceRow/RowVatCode", []),
    ],
)
def test_reverse_charge_and_zero_rated_lines(path: str, expected: list[str]) -> None:
    assert _texts(_message(REVERSE_CHARGE), path) == expected


LONG_NAME = "Pohjois-Pohjanmaan Rakennus- ja Kiinteistöhuolto Osakeyhtiö, Oulun toimipiste 22"  # 80 characters
LONG_STREET = "Teknologiantie 12 A, Rakennus Kaakkoinen siipi, kolmas kerros, porras B huone 42"  # 80


def test_long_names_and_streets_spread_over_repeated_elements() -> None:
    assert len(LONG_NAME) == len(LONG_STREET) == 80
    buyer = dataclasses.replace(BUYER, name=LONG_NAME, address=dataclasses.replace(BUYER.address, specifier=None))
    buyer = dataclasses.replace(buyer, address=dataclasses.replace(buyer.address, street=LONG_STREET))
    seller = dataclasses.replace(SELLER, name=LONG_NAME)
    root = _message(dataclasses.replace(INVOICE, buyer=buyer, seller=seller))
    names = _texts(root, f"{BP}/BuyerOrganisationName")
    streets = _texts(root, f"{BP}/BuyerPostalAddressDetails/BuyerStreetName")
    assert len(names) == 2
    assert all(2 <= len(name) <= 70 for name in names)
    assert " ".join(names) == LONG_NAME
    assert len(streets) == 3
    assert all(2 <= len(street) <= 35 for street in streets)
    assert " ".join(streets) == LONG_STREET
    # The payment order's beneficiary holds 35 characters; the full name is in SellerOrganisationName.
    path = f"{EPI}/EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiNameAddressDetails"
    assert _texts(root, path) == ["Pohjois-Pohjanmaan Rakennus- ja Kii"]
    assert " ".join(_texts(root, f"{SP}/SellerOrganisationName")) == LONG_NAME


def test_seller_without_an_e_invoice_address_sends_from_its_ovt_code() -> None:
    seller = dataclasses.replace(SELLER, einvoice_address=None)
    root = _message(dataclasses.replace(INVOICE, seller=seller))
    assert _texts(root, f"{MT}/MessageSenderDetails/FromIdentifier") == ["003720774740"]
    assert _texts(root, "SellerOrganisationUnitNumber") == ["003720774740"]


def test_a_prefixed_peppol_address_names_its_scheme() -> None:
    buyer = dataclasses.replace(BUYER, einvoice_address="0216:003701120389")
    root = _message(dataclasses.replace(INVOICE, buyer=buyer))
    receiver = root.find(f"{MT}/MessageReceiverDetails/ToIdentifier")
    assert receiver is not None
    assert (receiver.text, receiver.attrib) == ("003701120389", {"SchemeID": "0216"})
    assert _texts(root, "BuyerOrganisationUnitNumber") == ["003701120389"]


def test_an_incomplete_delivery_address_writes_no_delivery_party() -> None:
    document = dataclasses.replace(INVOICE, delivery=Address("Varasto", city="Äänekoski"), delivery_date=None)
    root = _message(document)
    assert root.find("DeliveryPartyDetails") is None
    assert root.find("DeliveryDetails") is None


def test_a_multi_line_comment_becomes_one_row_free_text_per_line() -> None:
    row = dataclasses.replace(ROWS[0], comment="Ensimmäinen rivi\nToinen rivi")
    root = _message(dataclasses.replace(INVOICE, rows=(row, *ROWS[1:])))
    assert _texts(root, "InvoiceRow/RowFreeText") == ["Ensimmäinen rivi", "Toinen rivi"]


def test_a_foreign_currency_invoice_names_its_currency_everywhere() -> None:
    payment = dataclasses.replace(INVOICE.payment, currency="SEK", virtual_barcode=None)
    root = _message(dataclasses.replace(INVOICE, payment=payment))
    amounts = [element for element in root.iter() if element.tag.endswith("Amount")]
    assert {element.attrib["AmountCurrencyIdentifier"] for element in amounts} == {"SEK"}
    assert _texts(root, f"{EPI}/EpiPaymentInstructionDetails/EpiPaymentMeansCode") == ["30"]


def test_a_finnish_time_stamp_keeps_its_offset() -> None:
    helsinki = datetime(2026, 5, 4, 12, 30, tzinfo=timezone(timedelta(hours=3)))
    data = finvoice_message(INVOICE, message_id="KIRJURI-1", timestamp=helsinki)
    assert _texts(fromstring(data), f"{MT}/MessageDetails/MessageTimeStamp") == ["2026-05-04T12:30:00+03:00"]


# --- refusals --------------------------------------------------------------------------------------------


def _with_payment(**changes: Any) -> InvoiceDocument:
    return dataclasses.replace(INVOICE, payment=dataclasses.replace(INVOICE.payment, **changes))


def _with_row(**changes: Any) -> InvoiceDocument:
    return dataclasses.replace(INVOICE, rows=(dataclasses.replace(ROWS[0], **changes), *ROWS[1:]))


REFUSALS: list[tuple[str, InvoiceDocument, dict[str, Any], str]] = [
    ("message id too short", INVOICE, {"message_id": "X"}, "MessageIdentifier"),
    ("message id too long", INVOICE, {"message_id": "M" * 49}, "MessageIdentifier"),
    ("naive time stamp", INVOICE, {"timestamp": datetime(2026, 5, 4, 9, 30)}, "timezone"),
    (
        "buyer without e-invoice address",
        dataclasses.replace(INVOICE, buyer=dataclasses.replace(BUYER, einvoice_address=None)),
        {},
        "buyer",
    ),
    (
        "buyer without operator",
        dataclasses.replace(INVOICE, buyer=dataclasses.replace(BUYER, einvoice_operator=None)),
        {},
        "buyer",
    ),
    (
        "no operator to send through",
        dataclasses.replace(INVOICE, seller=dataclasses.replace(SELLER, einvoice_operator=None)),
        {},
        "intermediator",
    ),
    (
        "seller with neither e-invoice address nor business id",
        dataclasses.replace(INVOICE, seller=dataclasses.replace(SELLER, einvoice_address=None, business_id=None)),
        {},
        "OVT",
    ),
    ("no IBAN", _with_payment(iban=None), {}, "IBAN"),
    ("invalid IBAN without BIC", _with_payment(iban="FI2112345600000786", bic=None), {}, "IBAN"),
    ("reference of letters", _with_payment(reference="ABC123", reference_type=None), {}, "reference"),
    ("RF reference too long", _with_payment(reference="RF33" + "1" * 22), {}, "reference"),
    ("currency in lower case", _with_payment(currency="eur"), {}, "currency"),
    ("penal interest with 4 decimals", _with_payment(penal_interest_percent=D("11.1234")), {}, "percentage"),
    (
        "total with three decimals",
        dataclasses.replace(INVOICE, totals=Totals(D("1244.67"), D("312.01"), D("1556.685"))),
        {},
        "two decimals",
    ),
    (
        "invoice number over 20 digits",
        dataclasses.replace(INVOICE, number=10**20),
        {},
        "InvoiceNumber",
    ),
    ("product name over 100 characters", _with_row(product="x" * 101), {}, "ArticleName"),
    ("discount with 4 decimals", _with_row(discount_percent=D("12.3456")), {}, "percentage"),
    ("row rate without a VAT line", _with_row(vat_percent=D(10)), {}, "VAT line"),
    (
        "purchase-only VAT status",
        dataclasses.replace(INVOICE, vat_lines=(dataclasses.replace(INVOICE.vat_lines[0], vat_status=9),)),
        {},
        "VAT status",
    ),
    (
        "city over 35 characters",
        dataclasses.replace(
            INVOICE, buyer=dataclasses.replace(BUYER, address=dataclasses.replace(BUYER.address, city="K" * 36))
        ),
        {},
        "BuyerTownName",
    ),
    ("no rows", dataclasses.replace(INVOICE, rows=()), {}, "row"),
]


@pytest.mark.parametrize(("case", "document", "options", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals(case: str, document: InvoiceDocument, options: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"message_id": "KIRJURI-1", "timestamp": STAMP, **options}
    with pytest.raises(ValueError, match=message) as refused:
        finvoice_message(document, **arguments)
    assert "Äänekoski" not in str(refused.value)  # messages name elements, never values
