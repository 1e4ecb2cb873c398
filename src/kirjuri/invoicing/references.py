"""Payment references: the Finnish national reference (viitenumero) and the ISO 11649 RF creditor
reference — building them, checking what a client sends, printing them and generating the one an
invoice gets when the client asks the server for it (`bankReferenceCode: ""`).

Invariant: a reference leaves this module in its one stored (compact) form — a Finnish reference
as digits without leading zeros whose last digit is its 7-3-1 check digit, an RF reference as
`RF` + two ISO 7064 MOD 97-10 check digits + 1–21 upper-case letters or digits — or the client is
refused with `KirjuriError("INVALID_REFERENCE" | "REFERENCE_TYPE_MISMATCH", 400, field)`. Rules
from Finance Finland's "Kotimaisen viitteen rakenneohje" and ISO 11649 (DOMAIN.md §2.2.1–2.2.2).
"""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_97_10

from kirjuri.core.errors import KirjuriError
from kirjuri.invoicing.document import ReferenceType

# The base (perusosa) is 3–19 digits; with the check digit a reference is 4–20 digits. Some banks
# accept a 3-digit reference (e.g. `123`), so a client's value of 3 digits is tolerated.
MIN_BASE_DIGITS, MAX_BASE_DIGITS = 3, 19
MIN_FINNISH_DIGITS, MAX_FINNISH_DIGITS = 3, 20

# ISO 11649: at most 25 characters, so the body after `RFnn` is 1–21 letters or digits.
_RF = re.compile(r"RF\d{2}[A-Z0-9]{1,21}")
_WEIGHTS = (7, 3, 1)


def finnish_check_digit(base: str) -> str:
    """The 7-3-1 check digit: the digits weighted 7, 3, 1, 7, … from the right, summed; the check
    digit brings the sum up to the next multiple of ten. `123` → `2`, `234823` → `6`."""
    if not base.isdigit() or not base.isascii():
        raise ValueError("a reference base is digits only")
    total = sum(int(digit) * _WEIGHTS[i % 3] for i, digit in enumerate(reversed(base)))
    return str(-total % 10)


def finnish_reference(base: str | int) -> str:
    """The Finnish reference for a base of 3–19 significant digits: the base (leading zeros
    dropped — banks never print them and they change nothing) followed by its check digit."""
    text = str(base).strip()
    if not text.isdigit() or not text.isascii():
        raise ValueError("a reference base is a non-negative whole number")
    significant = text.lstrip("0")
    if not MIN_BASE_DIGITS <= len(significant) <= MAX_BASE_DIGITS:
        raise ValueError("a reference base has 3 to 19 significant digits")
    return significant + finnish_check_digit(significant)


def rf_reference(reference: str) -> str:
    """The RF form of a Finnish reference *including its check digit* (the Finnish practice):
    `2348236` → `RF332348236`. Check digits: 98 − (body + `RF00`, letters as numbers) mod 97."""
    compact = normalise(reference).lstrip("0")
    if not _is_finnish(compact):
        raise ValueError("not a valid Finnish reference")
    return "RF" + mod_97_10.calc_check_digits(compact + "RF") + compact


def normalise(text: str) -> str:
    """The value without any whitespace, upper-cased: printed groups (`RF33 2348 236`,
    `23 48236`) are accepted as they are copied from an invoice."""
    return "".join(text.split()).upper()


def classify(text: str) -> tuple[str, ReferenceType]:
    """The compact form of a reference and its type; ValueError when it is neither a valid
    Finnish nor a valid RF reference. `validate` is the same for client input."""
    compact = normalise(text)
    if compact.startswith("RF"):
        if _RF.fullmatch(compact) is None:
            raise ValueError("an RF reference is RF, two check digits and 1 to 21 letters or digits")
        try:
            return str(iso11649.validate(compact)), ReferenceType.RF
        except ValidationError:
            raise ValueError("RF check digits do not match") from None
    # Leading zeros are not significant: the barcode right-aligns the reference in zeros.
    significant = compact.lstrip("0")
    if not _is_finnish(significant):
        raise ValueError("not a valid Finnish reference")
    return significant, ReferenceType.FI


def validate(
    text: str,
    *,
    field: str,
    kind: ReferenceType | str | None = None,
    kind_field: str | None = None,
) -> tuple[str, ReferenceType]:
    """A client's reference in compact form with its type.

    `INVALID_REFERENCE` at `field` for a bad check digit, length or character; when `kind` (the
    client's `bankReferenceCodeType`) is given, a valid reference of the other type is
    `REFERENCE_TYPE_MISMATCH` at `field`, and a type this module cannot check (OCR, KID, the Danish
    codes — the caller refuses those per company country first) `UNSUPPORTED_REFERENCE_TYPE` at
    `kind_field` (default `field`). The value never appears in the error.
    """
    expected = _reference_type(kind, field=kind_field or field)
    try:
        compact, found = classify(text)
    except ValueError:
        raise KirjuriError("INVALID_REFERENCE", 400, field) from None
    if expected is not None and found is not expected:
        raise KirjuriError("REFERENCE_TYPE_MISMATCH", 400, field)
    return compact, found


def printed(reference: str) -> str:
    """A reference as banks print it: a Finnish one in groups of five digits counted from the
    right (`1234561` → `12 34561`, the banks' guide example), an RF one in groups of four from the
    left (`RF33 2348 236`). Presentation only: the value is not checked."""
    compact = normalise(reference)
    if compact.startswith("RF"):
        return str(iso11649.format(compact))
    head = len(compact) % 5
    groups = [compact[:head]] if head else []
    groups += [compact[i : i + 5] for i in range(head, len(compact), 5)]
    return " ".join(groups)


def generate(*, invoice_number: int, company_setting: str) -> tuple[str, ReferenceType]:
    """The reference an invoice gets when the client sends `bankReferenceCode: ""`.

    Rule: the base is `1` followed by the invoice number written with at least two digits
    (invoice 7 → base `107`, 42 → `142`, 1234 → `11234`), and the reference is that base with its
    7-3-1 check digit — or the RF form of that reference when the company setting is `RF`.
    Why the leading `1`: a base needs 3 significant digits, and padding with zeros is not
    possible (leading zeros are dropped, `0013` is the 2-digit `13`); padding only the small
    numbers would give invoice 1 the reference of invoice 101. The constant prefix keeps every
    invoice number's reference distinct, at least 4 digits long, and the invoice number readable
    at its end. An int32 invoice number gives at most a 12-digit base, well within 19.
    """
    if isinstance(invoice_number, bool) or invoice_number < 1:
        raise ValueError("an invoice number is a positive integer")
    setting = _reference_type(company_setting, field=None)
    if setting is None:
        raise ValueError("the company's reference setting is FI or RF")
    reference = finnish_reference(f"1{invoice_number:02d}")
    if setting is ReferenceType.RF:
        return rf_reference(reference), ReferenceType.RF
    return reference, ReferenceType.FI


def _is_finnish(digits: str) -> bool:
    return (
        digits.isdigit()
        and digits.isascii()
        and not digits.startswith("0")
        and MIN_FINNISH_DIGITS <= len(digits) <= MAX_FINNISH_DIGITS
        and finnish_check_digit(digits[:-1]) == digits[-1]
    )


def _reference_type(kind: ReferenceType | str | None, *, field: str | None) -> ReferenceType | None:
    """FI or RF from a type or its wire name; another name is a client error at `field`, or a
    programming error (ValueError) when `field` is None (a stored setting)."""
    if kind is None:
        return None
    try:
        return ReferenceType(kind.strip().upper())
    except ValueError:
        if field is None:
            raise
        raise KirjuriError("UNSUPPORTED_REFERENCE_TYPE", 400, field) from None
