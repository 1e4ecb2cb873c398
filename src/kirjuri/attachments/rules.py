"""Pure rules of attachments: file names, extension → MIME type, the size limits, the rights a
document type needs, and the download headers.

Invariants:
- a stored name is NFC, 1–255 characters, has no control characters and no path separators, is
  not `.` or `..`, and carries no surrounding white space — it is never used as a path anyway
  (the store chooses its own keys), but it travels into headers and other systems' file names;
- the MIME type is derived from the extension of the name alone, with a fixed table (Python's
  built-in map plus a few office formats), never from the client or the system's mime.types —
  the same name gives the same type on every server; unknown → `application/octet-stream`;
- a rename keeps the extension (compared case-insensitively);
- the file content is at most `MAX_FILE_BYTES`; the whole multipart body may carry
  `MULTIPART_SLACK` bytes more (the meta part, part headers and boundaries);
- every document type maps to exactly one writing right (upload, rename, delete need it with
  ALL_RIGHTS) and to the rights that may read it (viewing level of any of them).
"""

from __future__ import annotations

import mimetypes
import posixpath
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from kirjuri.core.errors import KirjuriError

MAX_FILE_BYTES = 10_000_000
# Everything of an upload that is not file content: the meta part (≤ META_MAX_BYTES), at most a
# few part headers (python-multipart caps each at ~4 kB) and the boundaries.
MULTIPART_SLACK = 128 * 1024
META_MAX_BYTES = 16 * 1024
# How much of a too large chunked upload is still read (and thrown away) so that the client,
# which usually sends its whole body before reading, gets the 400 rather than a broken pipe.
DRAIN_BYTES = 8 * 1024 * 1024
MAX_NAME_LENGTH = 255

FALLBACK_MIME_TYPE = "application/octet-stream"

# Every referenceType of the contract (Attachment.referenceType).
REFERENCE_TYPES: tuple[str, ...] = (
    "BANKSTATEMENTEVENT",
    "COST_RECEIPT",
    "CUSTOMER_BUSINESS_PARTNER_REGISTER",
    "EMPLOYEE_INFO",
    "ENVIRONMENT",
    "FINANCIAL_STATEMENT",
    "INVOICE",
    "INVOICEDRAFT_ITEM",
    "LEDGERRECEIPT",
    "NETS_COLLECTION",
    "PERSON_BUSINESS_PARTNER_REGISTER",
    "PURCHASE_PRODUCT_REGISTER",
    "REFERENCE_PAYMENT",
    "SALES_PRODUCT_REGISTER",
    "SUPPLIER_BUSINESS_PARTNER_REGISTER",
)

# The `type` filter of `GET /attachments` (receipt-level document types, §D.1).
SEARCH_TYPES: tuple[str, ...] = (
    "SALES_INVOICE",
    "SALES_ORDER",
    "OFFER",
    "PURCHASE_INVOICE",
    "PURCHASE_ORDER",
    "TRAVEL_INVOICE",
    "BILL_OF_CHARGES",
    "JOURNAL",
    "SALARY",
    "PERIODIC_TAX_RETURN",
    "REFERENCE_PAYMENT",
    "BANK_STATEMENT_AS_RECEIPT",
    "VAT_SUMMARY",
    "BANK_STATEMENT_EVENT",
    "SALES_PRODUCT_REGISTER",
    "PURCHASE_PRODUCT_REGISTER",
    "CUSTOMER_BUSINESS_PARTNER_REGISTER",
    "SUPPLIER_BUSINESS_PARTNER_REGISTER",
    "PERSON_BUSINESS_PARTNER_REGISTER",
    "EMPLOYEE_INFO",
    "ENVIRONMENT",
    "NETS_COLLECTION",
    "COST_RECEIPT",
    "REFERENCE_PAYMENT_EVENT",
)


# --- names -------------------------------------------------------------------------------------

_SEPARATORS = str.maketrans({"/": "_", "\\": "_"})


def sanitise_name(name: str, *, field: str) -> str:
    """The name as stored: NFC, control characters removed, path separators replaced by `_`,
    surrounding white space stripped. Refused (400 at `field`) when nothing usable is left
    (`REQUIRED`), when it is only dots (`INVALID_NAME`) or longer than 255 (`TOO_LONG`)."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(c for c in text if unicodedata.category(c) != "Cc").translate(_SEPARATORS).strip()
    if not text:
        raise KirjuriError("REQUIRED", 400, field)
    if set(text) == {"."}:
        raise KirjuriError("INVALID_NAME", 400, field)
    if len(text) > MAX_NAME_LENGTH:
        raise KirjuriError("TOO_LONG", 400, field)
    return text


def extension(name: str) -> str:
    """`report.PDF` → `.pdf`; `README` and `.bashrc` → `` (a leading dot starts no extension)."""
    return posixpath.splitext(name)[1].lower()


def check_same_extension(old: str, new: str, *, field: str) -> None:
    if extension(old) != extension(new):
        raise KirjuriError("EXTENSION_CANNOT_CHANGE", 400, field)


# Office and image formats Python 3.11's built-in map lacks (newer Pythons add some of them).
_EXTRA_TYPES = {
    ".7z": "application/x-7z-compressed",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".md": "text/markdown",
    ".msg": "application/vnd.ms-outlook",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".rtf": "application/rtf",
    ".webp": "image/webp",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A private map: `MimeTypes()` starts from Python's defaults only, not /etc/mime.types.
_TYPES = mimetypes.MimeTypes()


def mime_type(name: str) -> str:
    """The MIME type of a file name, by its extension only (the content is never sniffed)."""
    ext = extension(name)
    if not ext:
        return FALLBACK_MIME_TYPE
    if ext in _EXTRA_TYPES:
        return _EXTRA_TYPES[ext]
    guessed, _encoding = _TYPES.guess_type("file" + ext, strict=False)
    return guessed or FALLBACK_MIME_TYPE


# --- search dates ------------------------------------------------------------------------------

# The search's `createdStartDate`/`createdEndDate` are days of the company, which is Finnish.
COMPANY_ZONE = ZoneInfo("Europe/Helsinki")


def day_start(day: date | None) -> datetime | None:
    """The UTC instant a company day starts; None (no bound) for None and days beyond the calendar."""
    if day is None:
        return None
    try:
        return datetime.combine(day, time(), tzinfo=COMPANY_ZONE).astimezone(UTC)
    except OverflowError:
        return None


def day_after(day: date | None) -> datetime | None:
    """The UTC instant the company day after `day` starts (the exclusive end of `day`)."""
    if day is None or day == date.max:
        return None
    return day_start(day + timedelta(days=1))


# --- download headers --------------------------------------------------------------------------

# RFC 5987 attr-char: what may stand unescaped in `filename*=UTF-8''…`.
_ATTR_CHARS = "!#$&+-.^_`|~"


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback `filename` and the exact `filename*` (RFC 6266/5987).
    Every byte outside the safe sets is escaped, so no name can end the header or add one."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\%;' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"


# --- rights ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentRights:
    write: str
    # Rights besides `write` whose viewing level is enough to read (the search rights).
    read: tuple[str, ...] = ()

    @property
    def readers(self) -> tuple[str, ...]:
        return (self.write, *self.read)


_JOURNALS = DocumentRights("accounting.journalReceipts", ("accounting.journalReceiptSearch",))
_SALES = DocumentRights("sales.salesOrGroupInvoices", ("sales.salesInvoiceSearch",))
_PURCHASES = DocumentRights("purchases.purchaseInvoices", ("purchases.purchaseInvoiceSearch",))
_TRAVEL = DocumentRights(
    "travelAndExpenses.travelAndExpenseInvoices", ("travelAndExpenses.travelAndExpenseInvoiceSearch",)
)
_SALARIES = DocumentRights("salaries.payroll")
_BANK = DocumentRights("payments.bankStatementAndReferencePayment")

# Document type (a ledger receipt's type, a register, ENVIRONMENT) → its rights. A document
# type missing here cannot be attached to (`owners` never yields one) nor found by search.
DOCUMENT_RIGHTS: dict[str, DocumentRights] = {
    "JOURNAL": _JOURNALS,
    "PERIODIC_TAX_RETURN": _JOURNALS,
    "VAT_FORM": _JOURNALS,
    "VAT_SUMMARY": _JOURNALS,
    "RECEIPT_FOR_OPENING_ACCOUNTS": _JOURNALS,
    "TRACKING_PERIOD_OPENING_RECEIPT": _JOURNALS,
    "SALES_INVOICE": _SALES,
    "SALES_ORDER": _SALES,
    "OFFER": _SALES,
    "PURCHASE_INVOICE": _PURCHASES,
    "PURCHASE_ORDER": _PURCHASES,
    "TRAVEL_INVOICE": _TRAVEL,
    "BILL_OF_CHARGES": _TRAVEL,
    "SALARY": _SALARIES,
    "EMPLOYER_CONTRIBUTION": _SALARIES,
    "BANK_STATEMENT_AS_RECEIPT": _BANK,
    "REFERENCE_PAYMENT": _BANK,
    "BANK_STATEMENT_EVENT": _BANK,
    "REFERENCE_PAYMENT_EVENT": _BANK,
    "CUSTOMER_BUSINESS_PARTNER_REGISTER": DocumentRights("sales.customerRegister"),
    "SUPPLIER_BUSINESS_PARTNER_REGISTER": DocumentRights("purchases.supplierRegister"),
    "PERSON_BUSINESS_PARTNER_REGISTER": DocumentRights("salaries.personRegister"),
    "SALES_PRODUCT_REGISTER": DocumentRights("sales.productRegister"),
    "PURCHASE_PRODUCT_REGISTER": DocumentRights("purchases.productRegister"),
    "ENVIRONMENT": DocumentRights("management.basicCompanyInfo"),
}


def rights_of(document_type: str) -> DocumentRights:
    """The rights of a document type. A type missing from the table (a row written by a newer
    server) is left to whoever manages the company's basic info, never to everyone."""
    return DOCUMENT_RIGHTS.get(document_type, DocumentRights("management.basicCompanyInfo"))
