"""The printed words of an invoice, in Finnish, Swedish and English: labels, titles, the VAT
treatment statements and the short unit names.

Invariant: the renderer prints no word of its own — every label comes from here, and each language
has exactly the same keys (the tests compare them), so a label added for one language cannot be
missing from another. A language other than FINNISH, SWEDISH or ENGLISH prints in English.
Placeholders are `str.format` fields (`{number}`, `{days}`). All texts fit Windows-1252, the
character set of ReportLab's built-in Helvetica.
"""

from __future__ import annotations

from collections.abc import Mapping

FINNISH = "FINNISH"
SWEDISH = "SWEDISH"
ENGLISH = "ENGLISH"
PRINTED_LANGUAGES: tuple[str, ...] = (FINNISH, SWEDISH, ENGLISH)

_FI: dict[str, str] = {
    "title_invoice": "LASKU",
    "title_credit_note": "HYVITYSLASKU",
    "credits_invoice": "Hyvittää laskun nro {number}",
    "invoice_number": "Laskun numero",
    "invoice_date": "Laskun päivämäärä",
    "due_date": "Eräpäivä",
    "payment_terms": "Maksuehto",
    "payment_terms_value": "{days} pv netto",
    "penal_interest": "Viivästyskorko",
    "customer_number": "Asiakasnumero",
    "our_reference": "Viitteemme",
    "your_reference": "Viitteenne",
    "order_reference": "Tilausnumero",
    "delivery_date": "Toimituspäivä",
    "reference": "Viitenumero",
    "business_id": "Y-tunnus",
    "vat_number": "ALV-tunniste",
    "delivery_address": "Toimitusosoite",
    "product": "Tuote",
    "quantity": "Määrä",
    "unit": "Yks.",
    "unit_price": "À-hinta",
    "discount": "Ale %",
    "vat_percent": "ALV %",
    "net_amount": "Veroton",
    "vat_breakdown": "ALV-erittely",
    "vat_base": "Veroton",
    "vat_amount": "Vero",
    "vat_gross": "Verollinen",
    "total_net": "Veroton yhteensä",
    "total_vat": "ALV yhteensä",
    "total_to_pay": "Maksettava yhteensä",
    "total_credit": "Hyvitetään yhteensä",
    "additional_information": "Lisätiedot",
    "recipient_iban": "Saajan tilinumero",
    "bic": "BIC",
    "recipient": "Saaja",
    "payer": "Maksaja",
    "amount": "Summa",
    "virtual_barcode": "Virtuaaliviivakoodi",
    "qr_caption": "Maksa QR-koodilla",
    "payment_text": "Lasku {number}",
    "phone": "Puh.",
    "email": "Sähköposti",
    "web": "Verkko",
    "page": "Sivu",
    "vat_status_2": "Verokannan 0 % alainen myynti",
    "vat_status_3": "Yhteisömyynti, AVL 72 a §",
    "vat_status_4": "Käännetty verovelvollisuus, AVL 65 §",
    "vat_status_6": "Käännetty verovelvollisuus, AVL 8 c §",
    "vat_status_7": "Vienti EU:n ulkopuolelle, AVL 70 §",
    "vat_status_8": "Arvonlisäverosta vapautettu myynti",
}

_SV: dict[str, str] = {
    "title_invoice": "FAKTURA",
    "title_credit_note": "KREDITFAKTURA",
    "credits_invoice": "Krediterar faktura nr {number}",
    "invoice_number": "Fakturanummer",
    "invoice_date": "Fakturadatum",
    "due_date": "Förfallodag",
    "payment_terms": "Betalningsvillkor",
    "payment_terms_value": "{days} dagar netto",
    "penal_interest": "Dröjsmålsränta",
    "customer_number": "Kundnummer",
    "our_reference": "Vår referens",
    "your_reference": "Er referens",
    "order_reference": "Ordernummer",
    "delivery_date": "Leveransdag",
    "reference": "Referensnummer",
    "business_id": "FO-nummer",
    "vat_number": "Momsregistreringsnummer",
    "delivery_address": "Leveransadress",
    "product": "Produkt",
    "quantity": "Antal",
    "unit": "Enh.",
    "unit_price": "À-pris",
    "discount": "Rab. %",
    "vat_percent": "Moms %",
    "net_amount": "Netto",
    "vat_breakdown": "Momsspecifikation",
    "vat_base": "Netto",
    "vat_amount": "Moms",
    "vat_gross": "Brutto",
    "total_net": "Totalt exkl. moms",
    "total_vat": "Moms totalt",
    "total_to_pay": "Att betala",
    "total_credit": "Att kreditera",
    "additional_information": "Tilläggsuppgifter",
    "recipient_iban": "Mottagarens kontonummer",
    "bic": "BIC",
    "recipient": "Mottagare",
    "payer": "Betalare",
    "amount": "Belopp",
    "virtual_barcode": "Virtuell streckkod",
    "qr_caption": "Betala med QR-kod",
    "payment_text": "Faktura {number}",
    "phone": "Tfn",
    "email": "E-post",
    "web": "Webb",
    "page": "Sida",
    "vat_status_2": "Försäljning med 0 % skattesats",
    "vat_status_3": "Gemenskapsintern försäljning, ML 72 a §",
    "vat_status_4": "Omvänd skattskyldighet, ML 65 §",
    "vat_status_6": "Omvänd skattskyldighet, ML 8 c §",
    "vat_status_7": "Export utanför EU, ML 70 §",
    "vat_status_8": "Momsfri försäljning",
}

_EN: dict[str, str] = {
    "title_invoice": "INVOICE",
    "title_credit_note": "CREDIT NOTE",
    "credits_invoice": "Credits invoice no. {number}",
    "invoice_number": "Invoice number",
    "invoice_date": "Invoice date",
    "due_date": "Due date",
    "payment_terms": "Payment terms",
    "payment_terms_value": "{days} days net",
    "penal_interest": "Penal interest",
    "customer_number": "Customer number",
    "our_reference": "Our reference",
    "your_reference": "Your reference",
    "order_reference": "Order number",
    "delivery_date": "Delivery date",
    "reference": "Reference",
    "business_id": "Business ID",
    "vat_number": "VAT number",
    "delivery_address": "Delivery address",
    "product": "Product",
    "quantity": "Qty",
    "unit": "Unit",
    "unit_price": "Unit price",
    "discount": "Disc. %",
    "vat_percent": "VAT %",
    "net_amount": "Net",
    "vat_breakdown": "VAT breakdown",
    "vat_base": "Net",
    "vat_amount": "VAT",
    "vat_gross": "Gross",
    "total_net": "Total excl. VAT",
    "total_vat": "VAT total",
    "total_to_pay": "Total to pay",
    "total_credit": "Total credited",
    "additional_information": "Additional information",
    "recipient_iban": "Recipient's IBAN",
    "bic": "BIC",
    "recipient": "Recipient",
    "payer": "Payer",
    "amount": "Amount",
    "virtual_barcode": "Virtual barcode",
    "qr_caption": "Pay with the QR code",
    "payment_text": "Invoice {number}",
    "phone": "Tel.",
    "email": "Email",
    "web": "Web",
    "page": "Page",
    "vat_status_2": "Zero-rated supply",
    "vat_status_3": "Intra-Community supply of goods, VAT Directive art. 138",
    "vat_status_4": "Reverse charge, VAT Directive art. 196",
    "vat_status_6": "Reverse charge, Finnish VAT Act section 8 c",
    "vat_status_7": "Export outside the EU, Finnish VAT Act section 70",
    "vat_status_8": "Exempt from VAT",
}

TEXTS: Mapping[str, Mapping[str, str]] = {FINNISH: _FI, SWEDISH: _SV, ENGLISH: _EN}

# Units whose short form is the same in every language: SI and imperial symbols.
_UNIT_SYMBOLS: dict[str, str] = {
    "AMPERE": "A", "AMPERE_HOUR": "Ah", "AMPERE_MINUTE": "Amin", "BAR": "bar", "CENTILITRE": "cl",
    "CM": "cm", "CUBIC_METER": "m³", "DECILITRE": "dl", "EXAJOULE": "EJ", "FOOT": "ft",
    "GALLON_UK": "gal (UK)", "GALLON_US": "gal (US)", "GIGABIT": "Gbit", "GIGABYTE": "GB",
    "GIGAJOULE": "GJ", "GIGAWATT": "GW", "GIGAWATT_HOUR": "GWh", "GRAM": "g", "GRAM_PER_CUBIC_METRE": "g/m³",
    "GRAM_PER_SQUARE_METRE": "g/m²", "HECTARE": "ha", "HOUR": "h", "INCH": "in", "JOULE": "J",
    "JOULE_PER_SECOND": "J/s", "KILOAMPERE_HOUR": "kAh", "KILOBIT": "kbit", "KILOBYTE": "kB",
    "KILOGRAM": "kg", "KILOGRAM_PER_CUBIC_METRE": "kg/m³", "KILOGRAM_PER_SQUARE_METRE": "kg/m²",
    "KILOJOULE": "kJ", "KILOMETER": "km", "KILOPASCAL": "kPa", "KILOVOLT": "kV", "KILOWATT": "kW",
    "KILOWATT_HOUR": "kWh", "LITER": "l", "MEGABIT": "Mbit", "MEGABYTE": "MB", "MEGAWATT_HOUR": "MWh",
    "METER": "m", "MILE": "mi", "MILLIAMPERE_HOUR": "mAh", "MILLIGRAM": "mg", "MILLIGRAM_PER_CUBIC_METRE": "mg/m³",
    "MILLIJOULE": "mJ", "MILLILITRE": "ml", "MILLIMETER": "mm", "MILLIVOLT": "mV", "MILLIWATT": "mW",
    "MINUTE": "min", "NO_UNIT": "", "OUNCE": "oz", "PASCAL": "Pa", "PETAJOULE": "PJ", "PINT_UK": "pt (UK)",
    "PINT_US": "pt (US)", "POUND": "lb", "SECOND": "s", "SQUARE_CENTIMETRE": "cm²", "SQUARE_METER": "m²",
    "STONE_UK": "st (UK)", "TERABIT": "Tbit", "TERAJOULE": "TJ", "TERAWATT": "TW", "TERAWATT_HOUR": "TWh",
    "TON": "t", "WATT": "W", "WATT_HOUR": "Wh", "YARD": "yd",
}  # fmt: skip

_PACKS: dict[str, int] = {
    "TWO_PACK": 2, "THREE_PACK": 3, "FOUR_PACK": 4, "FIVE_PACK": 5, "SIX_PACK": 6, "SEVEN_PACK": 7,
    "EIGHT_PACK": 8, "NINE_PACK": 9, "TEN_PACK": 10, "DOZEN_PACK": 12,
}  # fmt: skip

# Units said in words, abbreviated the way invoices of each language print them.
_UNIT_WORDS: dict[str, dict[str, str]] = {
    FINNISH: {
        "BAG": "pss", "BOTTLE": "plo", "BOX": "ltk", "CAN": "tlk", "CUP": "kuppi", "DAY": "pv", "DOZEN": "tus",
        "FULL_DAY": "kokopv", "HUNDRED": "100 kpl", "JAR": "prk", "LINEAR_METER": "jm", "LOT": "erä",
        "MONTH": "kk", "NUMBER_OF_WORDS": "sanaa", "PAGE": "sivu", "PAIR": "pari", "PALLET": "lava",
        "PARCEL": "pkt", "PERSON": "hlö", "PIECE": "kpl", "PLATE": "levy", "ROLL": "rll", "SACK": "säkki",
        "SALE_UNIT": "myyntiyks.", "SERIES": "sarja", "SET": "setti", "TUBE": "putki", "WEEK": "vk",
        "WRAP": "kääre", "YEAR": "v",
        **{unit: f"{size}-pak" for unit, size in _PACKS.items()},
    },
    SWEDISH: {
        "BAG": "påse", "BOTTLE": "fl", "BOX": "ask", "CAN": "burk", "CUP": "kopp", "DAY": "d", "DOZEN": "duss",
        "FULL_DAY": "heldag", "HUNDRED": "100 st", "JAR": "burk", "LINEAR_METER": "lpm", "LOT": "parti",
        "MONTH": "mån", "NUMBER_OF_WORDS": "ord", "PAGE": "sida", "PAIR": "par", "PALLET": "pall",
        "PARCEL": "paket", "PERSON": "pers", "PIECE": "st", "PLATE": "skiva", "ROLL": "rulle", "SACK": "säck",
        "SALE_UNIT": "förs.enh.", "SERIES": "serie", "SET": "set", "TUBE": "tub", "WEEK": "v",
        "WRAP": "omslag", "YEAR": "år",
        **{unit: f"{size}-pack" for unit, size in _PACKS.items()},
    },
    ENGLISH: {
        "BAG": "bag", "BOTTLE": "btl", "BOX": "box", "CAN": "can", "CUP": "cup", "DAY": "d", "DOZEN": "doz",
        "FULL_DAY": "full day", "HUNDRED": "100 pcs", "JAR": "jar", "LINEAR_METER": "lm", "LOT": "lot",
        "MONTH": "mo", "NUMBER_OF_WORDS": "words", "PAGE": "page", "PAIR": "pair", "PALLET": "pallet",
        "PARCEL": "parcel", "PERSON": "pers", "PIECE": "pcs", "PLATE": "plate", "ROLL": "roll", "SACK": "sack",
        "SALE_UNIT": "sales unit", "SERIES": "series", "SET": "set", "TUBE": "tube", "WEEK": "wk",
        "WRAP": "wrap", "YEAR": "yr",
        **{unit: f"{size}-pack" for unit, size in _PACKS.items()},
    },
}  # fmt: skip

# Every unit of the contract (core.codes.UNITS) → its short printed form, per language.
UNITS_SHORT: Mapping[str, Mapping[str, str]] = {
    language: {**_UNIT_SYMBOLS, **words} for language, words in _UNIT_WORDS.items()
}


def printed_language(language: str | None) -> str:
    """The language an invoice is printed in: its own when we have the words, else English."""
    return language if language is not None and language in TEXTS else ENGLISH


def texts_for(language: str | None) -> Mapping[str, str]:
    return TEXTS[printed_language(language)]


def unit_label(unit: str, language: str | None) -> str:
    """The short printed unit (`HOUR` → `h`, `PIECE` → `kpl`/`st`/`pcs`); an unknown name (a unit
    added to the contract after this table) prints as it is rather than failing the whole PDF."""
    return UNITS_SHORT[printed_language(language)].get(unit, unit)
