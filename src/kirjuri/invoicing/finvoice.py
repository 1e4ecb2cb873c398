"""Finvoice 3.0: the e-invoice message of the ELECTRONIC_INVOICE channel, written from an `InvoiceDocument`.

Owns the mapping of a printable invoice onto Finance Finland's Finvoice 3.0 elements (DOMAIN.md §2.3.1)
and the textual forms the schema demands. The message is built element by element with lxml, in the
order of the XSD's sequences, and serialised as UTF-8 with an XML declaration.

Invariants:
- Nothing is computed or rounded here: every amount is the document's (`invoicing.sums` made them);
  an amount that cannot be written exactly in the schema's form is refused with `ValueError`.
- Nothing is silently cut. A value longer than its element allows raises `ValueError` (the invoicing
  service validates before it sends; reaching this is a programming error), except where Finvoice
  repeats an element for long texts: names (`…OrganisationName`, 70 characters, repeatable), address
  lines (`…StreetName`, 35 characters, up to 3) and free texts (`RowFreeText`, `InvoiceFreeText`, 512
  characters, repeatable) are wrapped at word boundaries over several elements. The one exception is
  `EpiNameAddressDetails` (the beneficiary on the payment order, 35 characters by the schema): it
  carries the first 35 characters of the seller's name, whose full form is in `SellerOrganisationName`.
- Error messages name the element, never the value (a buyer identifier may be personal data).

Textual forms (Finvoice3.0.xsd, verified against the schema's types as published by Finance Finland,
file.finanssiala.fi/finvoice/Finvoice3.0.xsd, and two independent implementations of it):
- amounts (`amount`): `-?[0-9]{1,15}(,[0-9]{2,5})?` — decimal COMMA, two to five decimals when any.
  Kirjuri writes every amount with exactly two decimals: `1234,50`, `-50,87`.
- payment amount (`EpiInstructedAmount`, `epiAmount`): `-?[0-9]{1,15},[0-9]{2}` — exactly two decimals.
- unit prices (`unitAmountUN`): the amount pattern, so at most five decimals; a finer price (the sums
  allow six) is written per 10, 100 … units with `UnitPriceBaseQuantity` — still exact.
- percentages (`percentage`): `[1-9]?[0-9]{1,2}(,[0-9]{1,3})?` — `25,5`, `24`, `0`; no sign.
- quantities (`QuantityType0_14`): free string of at most 14 characters, written with a decimal comma
  and without trailing zeros (`12,5`, `-2`).
- dates: `CCYYMMDD` with `Format="CCYYMMDD"`; the message time stamp is an `xs:dateTime` with offset.

VAT codes (UNTDID 5305, `VatCode` / `RowVatCode`) by the VAT status of the line (`core.vat`):
1 domestic → `S` (`Z` when the rate is 0 %, as EN 16931 forbids `S` at 0 %); 2 zero-rated → `Z`;
3 intra-EU goods and 4 intra-EU services → `K`; 6 construction/scrap reverse charge → `AE`;
7 export → `G`; 8 exempt → `E`. Statuses 5 and 9 exist only for purchases and are refused.
Lines with `AE`, `K` and `G` also carry the VATEX exemption reason code, and every non-`S` line a
short statutory note in the invoice language (`VatFreeText`). A row's code comes from the VAT line
of its percentage; when lines of one percentage have different codes the row code is left out (the
row carries no VAT status of its own) and the VAT breakdown alone states it.

Units (`QuantityUnitCode`, at most 14 characters): the Finnish abbreviations receivers print — HOUR
`h`, PIECE `kpl`, DAY `pv`, MONTH `kk`, KILOGRAM `kg`, LITER `l`, KILOMETER `km`, METER `m` and the
others of `FINVOICE_UNITS` — else the contract's unit name in lower case (`page`). The common units
also get their UN/ECE Recommendation 20 code (`QuantityUnitCodeUN`, `UN_UNITS`).

Where values come from: the sender is the seller's e-invoice address (else the OVT code of its
Y-tunnus, 0037 + 8 digits) through `sender_intermediator` (else the seller's own operator); the
receiver is the buyer's e-invoice address and operator (both required). A missing BIC is looked up
from the IBAN (schwifty). Postal addresses are written only when street, zip and city are all known
(the schema requires the three); `RowDiscountPercent` only when the discount is not zero; our / your
reference go to `SellerReferenceIdentifier` / `BuyerReferenceIdentifier`, the customer number to
`SellersBuyerIdentifier`, `EpiReference` is the invoice number. `UnitPriceAmount` is the row's unit
price as given: the document does not say whether prices include VAT, so a gross price cannot yet be
moved to `UnitPriceVatIncludedAmount`.
"""

from __future__ import annotations

import re
import textwrap
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from kirjuri.core import vat
from kirjuri.core.countries import ISO_ALPHA2
from kirjuri.core.money import CENT, decimal_places, plain
from kirjuri.invoicing.document import Address, InvoiceDocument, Kind, Party, ReferenceType, Row, VatLine

FINVOICE_VERSION = "3.0"
SCHEMA_LOCATION = "Finvoice3.0.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

Element = Any  # lxml ships no type information

# The schema's value patterns (Finvoice3.0.xsd types amount, epiAmount, percentage, the remittance id).
AMOUNT = re.compile(r"-?[0-9]{1,15}(,[0-9]{2,5})?")
EPI_AMOUNT = re.compile(r"-?[0-9]{1,15},[0-9]{2}")
PERCENTAGE = re.compile(r"[1-9]?[0-9]{1,2}(,[0-9]{1,3})?")
REMITTANCE = re.compile(r"([0-9]{2,20})|(RF[0-9][0-9][0-9A-Za-z]{1,21})")
CURRENCY = re.compile(r"[A-Z]{3}")
OVT = re.compile(r"0037[0-9]{8}[0-9A-Za-z]{0,5}")
PREFIXED_ADDRESS = re.compile(r"([0-9]{4}):(.+)")  # a Peppol-style `0216:003712345678`
Y_TUNNUS = re.compile(r"[0-9]{7}-[0-9]")
UNIT_PRICE_MAX_DECIMALS = 5

FINVOICE_UNITS: dict[str, str] = {
    "HOUR": "h", "PIECE": "kpl", "DAY": "pv", "FULL_DAY": "pv", "MONTH": "kk", "WEEK": "vk", "YEAR": "v",
    "MINUTE": "min", "SECOND": "s", "KILOGRAM": "kg", "GRAM": "g", "MILLIGRAM": "mg", "TON": "t",
    "LITER": "l", "DECILITRE": "dl", "CENTILITRE": "cl", "MILLILITRE": "ml", "KILOMETER": "km",
    "METER": "m", "LINEAR_METER": "jm", "CM": "cm", "MILLIMETER": "mm", "SQUARE_METER": "m2",
    "SQUARE_CENTIMETRE": "cm2", "CUBIC_METER": "m3", "HECTARE": "ha", "KILOWATT_HOUR": "kWh",
    "WATT_HOUR": "Wh", "MEGAWATT_HOUR": "MWh", "GIGAWATT_HOUR": "GWh", "TERAWATT_HOUR": "TWh",
    "AMPERE_HOUR": "Ah", "KILOAMPERE_HOUR": "kAh", "MILLIAMPERE_HOUR": "mAh", "JOULE_PER_SECOND": "J/s",
    "GRAM_PER_CUBIC_METRE": "g/m3", "GRAM_PER_SQUARE_METRE": "g/m2", "KILOGRAM_PER_CUBIC_METRE": "kg/m3",
    "KILOGRAM_PER_SQUARE_METRE": "kg/m2", "MILLIGRAM_PER_CUBIC_METRE": "mg/m3", "NUMBER_OF_WORDS": "sanaa",
    "PAIR": "pari", "SET": "sarja", "BOX": "ltk", "PERSON": "hlö", "NO_UNIT": "",
}  # fmt: skip

# UN/ECE Recommendation 20 codes of the units receivers most often map (EN 16931 BT-130).
UN_UNITS: dict[str, str] = {
    "HOUR": "HUR", "PIECE": "H87", "DAY": "DAY", "WEEK": "WEE", "MONTH": "MON", "YEAR": "ANN",
    "MINUTE": "MIN", "SECOND": "SEC", "KILOGRAM": "KGM", "GRAM": "GRM", "TON": "TNE", "LITER": "LTR",
    "MILLILITRE": "MLT", "KILOMETER": "KMT", "METER": "MTR", "CM": "CMT", "MILLIMETER": "MMT",
    "SQUARE_METER": "MTK", "CUBIC_METER": "MTQ", "KILOWATT_HOUR": "KWH", "PAIR": "PR", "SET": "SET",
}  # fmt: skip

_VAT_CODES: dict[int, str] = {
    vat.DOMESTIC: "S",
    vat.ZERO_RATED: "Z",
    vat.EU_GOODS: "K",
    vat.EU_SERVICES: "K",
    vat.CONSTRUCTION: "AE",
    vat.EXPORT: "G",
    vat.EXEMPT: "E",
}
_VATEX: dict[str, str] = {"AE": "VATEX-EU-AE", "K": "VATEX-EU-IC", "G": "VATEX-EU-G"}


# The few words of the message, by invoice language; any other language gets the English ones.
_WORDS: dict[str, dict[str, str]] = {
    "FINNISH": {
        "INVOICE": "LASKU", "CREDIT_NOTE": "HYVITYSLASKU", "terms": "{days} pv netto",
        "penalty": "Viivästyskorko {percent} %", "S": "", "Z": "Veroton myynti, 0 %",
        "K": "Yhteisömyynti", "AE": "Käännetty verovelvollisuus", "G": "Vienti EU:n ulkopuolelle",
        "E": "Arvonlisäverosta vapautettu myynti",
    },
    "SWEDISH": {
        "INVOICE": "FAKTURA", "CREDIT_NOTE": "KREDITFAKTURA", "terms": "{days} dagar netto",
        "penalty": "Dröjsmålsränta {percent} %", "S": "", "Z": "Försäljning med 0 % skattesats",
        "K": "Gemenskapsintern försäljning", "AE": "Omvänd skattskyldighet", "G": "Export utanför EU",
        "E": "Momsfri försäljning",
    },
    "ENGLISH": {
        "INVOICE": "INVOICE", "CREDIT_NOTE": "CREDIT NOTE", "terms": "{days} days net",
        "penalty": "Late payment interest {percent} %", "S": "", "Z": "Zero-rated supply",
        "K": "Intra-Community supply", "AE": "Reverse charge", "G": "Export outside the EU",
        "E": "Exempt from VAT",
    },
}  # fmt: skip


def words(language: str) -> dict[str, str]:
    return _WORDS.get(language, _WORDS["ENGLISH"])


# --- textual forms ---------------------------------------------------------------------------------


def _comma(value: Decimal) -> str:
    # `:f` never uses exponent form; a zero never keeps its sign ("-0,00" would be a valid but odd amount).
    return f"{abs(value) if value.is_zero() else value:f}".replace(".", ",")


def format_amount(value: Decimal, *, pattern: re.Pattern[str] = AMOUNT) -> str:
    """An amount in Finvoice form with exactly two decimals: 1234.5 → `1234,50`. The document's
    amounts are already rounded; one with more than two decimals is refused, never rounded here."""
    if value != value.quantize(CENT):
        raise ValueError("an amount has more than two decimals")
    text = _comma(value.quantize(CENT))
    if not pattern.fullmatch(text):
        raise ValueError("an amount does not fit the Finvoice amount type")
    return text


def format_unit_price(value: Decimal) -> tuple[str, int | None]:
    """A unit price with two to five decimals, and the base quantity it is per when a finer price has
    to be written per 10, 100 … units: 95 → (`95,00`, None); 0.012345 → (`0,12345`, 10)."""
    places = max(2, decimal_places(value))
    base = 10 ** max(0, places - UNIT_PRICE_MAX_DECIMALS)
    scaled = value * base
    text = _comma(scaled.quantize(Decimal(1).scaleb(-min(places, UNIT_PRICE_MAX_DECIMALS))))
    if not AMOUNT.fullmatch(text):
        raise ValueError("a unit price does not fit the Finvoice amount type")
    return text, (base if base > 1 else None)


def format_percent(value: Decimal) -> str:
    """A percentage without trailing zeros: 25.50 → `25,5`, 24 → `24`; at most three decimals."""
    text = _comma(plain(value))
    if not PERCENTAGE.fullmatch(text):
        raise ValueError("a percentage does not fit the Finvoice percentage type")
    return text


def format_quantity(value: Decimal) -> str:
    """A quantity without trailing zeros, decimal comma: 12.500 → `12,5`; at most 14 characters."""
    return _bounded(_comma(plain(value)), 1, 14, "DeliveredQuantity")


def format_date(value: date) -> str:
    return f"{value:%Y%m%d}"


def unit_code(unit: str) -> str:
    """The short unit text of `QuantityUnitCode`: `FINVOICE_UNITS`, else the unit name in lower case."""
    return _bounded(FINVOICE_UNITS.get(unit, unit.lower()), 0, 14, "QuantityUnitCode")


def vat_code(status: int, percent: Decimal) -> str:
    """The UNTDID 5305 category of a sales VAT line (see the module docstring for the mapping)."""
    code = _VAT_CODES.get(status)
    if code is None:
        raise ValueError(f"VAT status {status} has no sales VAT category")
    return "Z" if code == "S" and percent.is_zero() else code


# --- element helpers -------------------------------------------------------------------------------


def _bounded(text: str, low: int, high: int, element: str) -> str:
    if not low <= len(text) <= high:
        raise ValueError(f"{element} must be {low}–{high} characters, got {len(text)}")
    return text


def _add(parent: Element, tag: str, text: str | None = None, **attributes: str) -> Element:
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _text(parent: Element, tag: str, value: str | None, *, low: int = 0, high: int) -> None:
    """An optional single-text element; absent when the value is missing or blank."""
    if value is not None and value.strip():
        _add(parent, tag, _bounded(value.strip(), low, high, tag))


def _wrapped(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, broken at spaces (a longer word is broken itself)."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        lines.extend(textwrap.wrap(paragraph, width, break_on_hyphens=False))
    return lines


def _repeated(parent: Element, tag: str, text: str | None, *, width: int, low: int = 0, most: int = 99) -> int:
    """A long text over several repeatable elements (names, address lines, free texts)."""
    lines = _wrapped(text or "", width)
    if len(lines) > most:
        raise ValueError(f"{tag} allows {most} elements of {width} characters")
    for line in lines:
        _add(parent, tag, _bounded(line, low, width, tag))
    return len(lines)


def _amount(parent: Element, tag: str, value: Decimal, currency: str) -> None:
    _add(parent, tag, format_amount(value), AmountCurrencyIdentifier=currency)


def _date(parent: Element, tag: str, value: date) -> None:
    _add(parent, tag, format_date(value), Format="CCYYMMDD")


def _electronic_address(value: str) -> tuple[str, str | None]:
    """An e-invoice address and its ISO 6523 scheme: OVT codes are 0037; `0216:…` names its own."""
    prefixed = PREFIXED_ADDRESS.fullmatch(value)
    if prefixed:
        return prefixed.group(2), prefixed.group(1)
    return value, ("0037" if OVT.fullmatch(value) else None)


# --- the parts of the message ----------------------------------------------------------------------


def _seller_address(seller: Party) -> str:
    """The seller's e-invoice address, or the OVT code of its business id (0037 + the 8 digits)."""
    if seller.einvoice_address:
        return seller.einvoice_address
    if seller.business_id and Y_TUNNUS.fullmatch(seller.business_id):
        return "0037" + seller.business_id.replace("-", "")
    raise ValueError("the seller has no e-invoice address and no business id to derive its OVT code")


def _transmission(
    root: Element, document: InvoiceDocument, message_id: str, timestamp: datetime, intermediator: str | None
) -> None:
    seller, buyer = document.seller, document.buyer
    sender_operator = intermediator or seller.einvoice_operator
    if not sender_operator:
        raise ValueError("no intermediator (operator) to send the message through")
    if not buyer.einvoice_address or not buyer.einvoice_operator:
        raise ValueError("the buyer needs an e-invoice address and an operator")
    if timestamp.tzinfo is None or timestamp.utcoffset() is None:
        raise ValueError("the message time stamp must be timezone-aware")
    details = _add(root, "MessageTransmissionDetails")
    for side, prefix, address, operator in (
        ("MessageSenderDetails", "From", _seller_address(seller), sender_operator),
        ("MessageReceiverDetails", "To", buyer.einvoice_address, buyer.einvoice_operator),
    ):
        party = _add(details, side)
        identifier, scheme = _electronic_address(address)
        element = _add(party, f"{prefix}Identifier", _bounded(identifier, 2, 35, f"{prefix}Identifier"))
        if scheme:
            element.set("SchemeID", scheme)
        _add(party, f"{prefix}Intermediator", _bounded(operator, 2, 35, f"{prefix}Intermediator"))
    message = _add(details, "MessageDetails")
    _add(message, "MessageIdentifier", _bounded(message_id, 2, 48, "MessageIdentifier"))
    _add(message, "MessageTimeStamp", timestamp.isoformat(timespec="seconds"))


def _postal_address(parent: Element, prefix: str, address: Address, *, tag: str | None = None) -> None:
    """`{prefix}PostalAddressDetails`, written only when street, zip and city are all known (the schema
    requires the three); the specifier (c/o line) goes first among the street lines."""
    if not (address.street and address.zip and address.city):
        return
    details = _add(parent, tag or f"{prefix}PostalAddressDetails")
    lines = _wrapped(address.specifier or "", 35) + _wrapped(address.street, 35)
    if len(lines) > 3:
        raise ValueError(f"{prefix}StreetName allows 3 lines of 35 characters")
    for line in lines:
        _add(details, f"{prefix}StreetName", _bounded(line, 2, 35, f"{prefix}StreetName"))
    _add(details, f"{prefix}TownName", _bounded(address.city, 2, 35, f"{prefix}TownName"))
    _add(details, f"{prefix}PostCodeIdentifier", _bounded(address.zip, 2, 35, f"{prefix}PostCodeIdentifier"))
    country = ISO_ALPHA2.get(address.country or "")
    if country:
        _add(details, "CountryCode", country)


def _seller(root: Element, document: InvoiceDocument, iban: str, bic: str) -> None:
    seller = document.seller
    party = _add(root, "SellerPartyDetails")
    _text(party, "SellerPartyIdentifier", seller.business_id, high=35)
    _repeated(party, "SellerOrganisationName", seller.name, width=70, low=2)
    _text(party, "SellerOrganisationTaxCode", seller.vat_number, high=35)
    _postal_address(party, "Seller", seller.address)
    _text(root, "SellerOrganisationUnitNumber", _electronic_address(_seller_address(seller))[0], high=35)
    information = _add(root, "SellerInformationDetails")
    account = _add(information, "SellerAccountDetails")
    _add(account, "SellerAccountID", _bounded(iban, 2, 35, "SellerAccountID"), IdentificationSchemeName="IBAN")
    _add(account, "SellerBic", bic, IdentificationSchemeName="BIC")


def _buyer(root: Element, document: InvoiceDocument) -> None:
    buyer = document.buyer
    party = _add(root, "BuyerPartyDetails")
    _text(party, "BuyerPartyIdentifier", buyer.business_id, high=35)
    _repeated(party, "BuyerOrganisationName", buyer.name, width=70, low=2)
    _text(party, "BuyerOrganisationTaxCode", buyer.vat_number, high=35)
    _postal_address(party, "Buyer", buyer.address)
    _text(root, "BuyerOrganisationUnitNumber", _electronic_address(buyer.einvoice_address or "")[0], high=35)
    _text(root, "BuyerContactPersonName", buyer.contact_person, high=70)


def _delivery(root: Element, document: InvoiceDocument) -> None:
    delivery = document.delivery
    if delivery is not None and delivery.street and delivery.zip and delivery.city:
        party = _add(root, "DeliveryPartyDetails")
        _repeated(party, "DeliveryOrganisationName", delivery.name or document.buyer.name, width=35, low=2)
        _postal_address(party, "Delivery", delivery)
    if document.delivery_date is not None:
        _date(_add(root, "DeliveryDetails"), "DeliveryDate", document.delivery_date)


def _line_codes(vat_lines: tuple[VatLine, ...]) -> dict[Decimal, set[str]]:
    codes: dict[Decimal, set[str]] = {}
    for line in vat_lines:
        codes.setdefault(line.percent, set()).add(vat_code(line.vat_status, line.percent))
    return codes


def _vat_specification(parent: Element, line: VatLine, currency: str, language: str) -> None:
    code = vat_code(line.vat_status, line.percent)
    spec = _add(parent, "VatSpecificationDetails")
    _amount(spec, "VatBaseAmount", line.net, currency)
    _add(spec, "VatRatePercent", format_percent(line.percent))
    _add(spec, "VatCode", code)
    _amount(spec, "VatRateAmount", line.vat, currency)
    _text(spec, "VatFreeText", words(language)[code], high=70)
    if code in _VATEX:
        _add(spec, "VatExemptionReasonCode", _VATEX[code])


def _payment_terms(parent: Element, document: InvoiceDocument) -> None:
    payment, texts = document.payment, words(document.language)
    days = payment.payment_term_days
    if days is None:
        days = (payment.due_date - document.invoice_date).days
    terms = _add(parent, "PaymentTermsDetails")
    _add(terms, "PaymentTermsFreeText", _bounded(texts["terms"].format(days=days), 0, 70, "PaymentTermsFreeText"))
    _date(terms, "InvoiceDueDate", payment.due_date)
    if payment.penal_interest_percent is not None:
        percent = format_percent(payment.penal_interest_percent)
        fine = _add(terms, "PaymentOverDueFineDetails")
        _add(fine, "PaymentOverDueFineFreeText", texts["penalty"].format(percent=percent))
        _add(fine, "PaymentOverDueFinePercent", percent)


def _invoice_details(root: Element, document: InvoiceDocument, currency: str) -> None:
    credit = document.kind is Kind.CREDIT_NOTE
    details = _add(root, "InvoiceDetails")
    _add(details, "InvoiceTypeCode", "INV02" if credit else "INV01", CodeListAgencyIdentifier="SPY")
    _add(details, "InvoiceTypeCodeUN", "381" if credit else "380")
    _add(details, "InvoiceTypeText", words(document.language)[document.kind.value])
    _add(details, "OriginCode", "Original")
    _add(details, "InvoiceNumber", _bounded(str(document.number), 1, 20, "InvoiceNumber"))
    _date(details, "InvoiceDate", document.invoice_date)
    if document.original_invoice_number is not None:
        original = _bounded(str(document.original_invoice_number), 1, 20, "OriginalInvoiceNumber")
        _add(details, "OriginalInvoiceNumber", original)
    _text(details, "SellerReferenceIdentifier", document.our_reference, high=70)
    _text(details, "SellersBuyerIdentifier", document.buyer.customer_number, high=70)
    _text(details, "OrderIdentifier", document.order_reference, high=70)
    _text(details, "BuyerReferenceIdentifier", document.your_reference, high=70)
    _amount(details, "InvoiceTotalVatExcludedAmount", document.totals.net, currency)
    _amount(details, "InvoiceTotalVatAmount", document.totals.vat, currency)
    _amount(details, "InvoiceTotalVatIncludedAmount", document.totals.gross, currency)
    for line in document.vat_lines:
        _vat_specification(details, line, currency, document.language)
    _repeated(details, "InvoiceFreeText", document.additional_information, width=512)
    _payment_terms(details, document)


def _unit_attributes(unit: str) -> dict[str, str]:
    """The unit of a quantity: the short text (left out when empty, as for NO_UNIT) and the UN code."""
    attributes = {"QuantityUnitCode": unit_code(unit)} if unit_code(unit) else {}
    if unit in UN_UNITS:
        attributes["QuantityUnitCodeUN"] = UN_UNITS[unit]
    return attributes


def _row(root: Element, row: Row, currency: str, codes: dict[Decimal, set[str]]) -> None:
    if row.vat_percent not in codes:
        raise ValueError("an invoice row has a VAT percentage without a VAT line")
    element = _add(root, "InvoiceRow")
    _text(element, "ArticleIdentifier", row.product_code, high=70)
    _add(element, "ArticleName", _bounded(row.product, 0, 100, "ArticleName"))
    units = _unit_attributes(row.unit)
    _add(element, "DeliveredQuantity", format_quantity(row.quantity), **units)
    if row.start_date is not None:
        _date(element, "StartDate", row.start_date)
    if row.end_date is not None:
        _date(element, "EndDate", row.end_date)
    price, base = format_unit_price(row.unit_price)
    # A unit price names its unit as UnitPriceUnitCode (the short text) and QuantityUnitCodeUN.
    price_units = {("UnitPriceUnitCode" if key == "QuantityUnitCode" else key): value for key, value in units.items()}
    _add(element, "UnitPriceAmount", price, AmountCurrencyIdentifier=currency, **price_units)
    if base is not None:
        _add(element, "UnitPriceBaseQuantity", str(base), **units)
    _repeated(element, "RowFreeText", row.comment, width=512)
    if not row.discount_percent.is_zero():
        _add(element, "RowDiscountPercent", format_percent(row.discount_percent))
    _add(element, "RowVatRatePercent", format_percent(row.vat_percent))
    if len(codes[row.vat_percent]) == 1:
        _add(element, "RowVatCode", next(iter(codes[row.vat_percent])))
    _amount(element, "RowVatAmount", row.vat, currency)
    _amount(element, "RowVatExcludedAmount", row.net, currency)
    _amount(element, "RowAmount", row.gross, currency)


def _remittance(reference: str, reference_type: ReferenceType | None) -> tuple[str, str]:
    """The reference and its scheme: SPY for a Finnish reference, ISO for an RF (ISO 11649) one."""
    compact = reference.replace(" ", "").upper()
    if not REMITTANCE.fullmatch(compact):
        raise ValueError("the payment reference does not fit EpiRemittanceInfoIdentifier")
    is_rf = reference_type is ReferenceType.RF if reference_type else compact.startswith("RF")
    return compact, ("ISO" if is_rf else "SPY")


def _epi(root: Element, document: InvoiceDocument, iban: str, bic: str, currency: str) -> None:
    seller, payment = document.seller, document.payment
    epi = _add(root, "EpiDetails")
    identification = _add(epi, "EpiIdentificationDetails")
    _date(identification, "EpiDate", document.invoice_date)
    _add(identification, "EpiReference", str(document.number))
    parties = _add(epi, "EpiPartyDetails")
    bank = _add(parties, "EpiBfiPartyDetails")
    _add(bank, "EpiBfiIdentifier", bic, IdentificationSchemeName="BIC")
    beneficiary = _add(parties, "EpiBeneficiaryPartyDetails")
    # The payment order's beneficiary name is 35 characters by the schema; the full name is in
    # SellerOrganisationName, so this is the one place a text is shortened (see the module docstring).
    _add(beneficiary, "EpiNameAddressDetails", _bounded(seller.name[:35].strip(), 2, 35, "EpiNameAddressDetails"))
    if seller.business_id:
        _add(beneficiary, "EpiBei", _bounded(seller.business_id, 8, 11, "EpiBei"))
    _add(beneficiary, "EpiAccountID", _bounded(iban, 1, 34, "EpiAccountID"), IdentificationSchemeName="IBAN")
    instruction = _add(epi, "EpiPaymentInstructionDetails")
    if payment.reference:
        reference, scheme = _remittance(payment.reference, payment.reference_type)
        _add(instruction, "EpiRemittanceInfoIdentifier", reference, IdentificationSchemeName=scheme)
    instructed = format_amount(document.totals.gross, pattern=EPI_AMOUNT)
    _add(instruction, "EpiInstructedAmount", instructed, AmountCurrencyIdentifier=currency)
    _add(instruction, "EpiCharge", "SHA", ChargeOption="SHA")
    _date(instruction, "EpiDateOptionDate", payment.due_date)
    # UNTDID 4461: 58 SEPA credit transfer (euro), 30 credit transfer (other currencies).
    _add(instruction, "EpiPaymentMeansCode", "58" if currency == "EUR" else "30")


def _account(document: InvoiceDocument) -> tuple[str, str]:
    """The seller's IBAN and BIC; a missing BIC is looked up from the IBAN's bank code (schwifty)."""
    payment = document.payment
    if not payment.iban:
        raise ValueError("a Finvoice payment order needs the seller's IBAN")
    iban = payment.iban.replace(" ", "").upper()
    bic = payment.bic
    if not bic:
        try:
            found = IBAN(iban).bic
        except SchwiftyException as exc:
            raise ValueError("the seller's IBAN is not valid") from exc
        if found is None:
            raise ValueError("the seller's BIC is unknown and cannot be derived from the IBAN")
        bic = str(found)
    return iban, _bounded(bic.replace(" ", "").upper(), 8, 11, "SellerBic")


def finvoice_message(
    document: InvoiceDocument, *, message_id: str, timestamp: datetime, sender_intermediator: str | None = None
) -> bytes:
    """The Finvoice 3.0 message of `document`: UTF-8 bytes with an XML declaration.

    `message_id` is the MessageIdentifier (2–48 characters, unique per sender), `timestamp` the
    timezone-aware MessageTimeStamp, `sender_intermediator` the operator the message leaves through
    (defaults to the seller's own e-invoice operator). Raises `ValueError` when the document cannot be
    written without changing a value (see the module docstring).
    """
    currency = document.payment.currency
    if not CURRENCY.fullmatch(currency):
        raise ValueError("the currency must be an ISO 4217 code")
    if not document.rows:
        raise ValueError("a Finvoice message needs at least one invoice row")
    iban, bic = _account(document)
    root = etree.Element("Finvoice", nsmap={"xsi": XSI})
    root.set("Version", FINVOICE_VERSION)
    root.set(f"{{{XSI}}}noNamespaceSchemaLocation", SCHEMA_LOCATION)
    _transmission(root, document, message_id, timestamp, sender_intermediator)
    _seller(root, document, iban, bic)
    _buyer(root, document)
    _delivery(root, document)
    _invoice_details(root, document, currency)
    _text(root, "VirtualBankBarcode", document.payment.virtual_barcode, high=512)
    codes = _line_codes(document.vat_lines)
    for row in document.rows:
        _row(root, row, currency, codes)
    _epi(root, document, iban, bic, currency)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data
