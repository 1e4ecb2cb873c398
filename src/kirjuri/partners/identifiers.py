"""Pure checks of the identifiers a partner or person carries: business ids, VAT numbers,
personal identity codes, bank accounts, BICs and e-invoice addresses.

Invariants: every check either returns the value in its one stored form (compact, upper-case,
Y-tunnus as `NNNNNNN-C`) or raises `KirjuriError(code, 400, field)`; an error message never
repeats the value (it may be a personal identity code). The libraries decide validity:
python-stdnum for business ids, VAT numbers and HETU, schwifty for IBAN and BIC.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat
from stdnum.fi import associationid, hetu, ytunnus
from stdnum.gb import vat as gb_vat
from stdnum.no import orgnr

from kirjuri.core.errors import KirjuriError

# VAT number prefixes of the EU (Greece is EL) and Northern Ireland (XI).
EU_VAT_PREFIXES = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
        "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
    }
)  # fmt: skip


def _vat_number(prefix: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        compact = re.sub(r"[\s.-]", "", value).upper()
        if not compact[:2].isalpha():
            compact = prefix + compact
        if compact[:2] != prefix:
            raise stdnum_errors.InvalidComponent()
        return str(vat.validate(compact))

    return check


def _free(value: str) -> str:
    text = value.strip()
    if not text or len(text) > 25:
        raise stdnum_errors.InvalidLength()
    return text


# identifierType → validator returning the stored form. FI is the Finnish business id (Y-tunnus),
# HETU the Finnish personal identity code, YHD a Finnish association register number, NO a
# Norwegian organisation number, the EU prefixes (and GB) VAT numbers of that country; the other
# business-identifier types of the contract (ASSN, PN, SSN) have no public check digit rule here.
_CHECKS: dict[str, Callable[[str], str]] = {
    "FI": lambda v: str(ytunnus.format(ytunnus.validate(v))),
    "HETU": lambda v: str(hetu.validate(v)),
    "YHD": lambda v: str(associationid.format(associationid.validate(v))),
    "NO": lambda v: str(orgnr.validate(v)),
    "GB": lambda v: "GB" + str(gb_vat.validate(v)).removeprefix("GB"),
    "ASSN": _free,
    "PN": _free,
    "SSN": _free,
}
for _prefix in EU_VAT_PREFIXES - _CHECKS.keys():
    _CHECKS[_prefix] = _vat_number(_prefix)

IDENTIFIER_TYPES = frozenset(_CHECKS)
# Person identifiers (Person.invoicingInfo.identifierType): FI, HETU, YHD, NO and the VAT prefixes.
PERSON_IDENTIFIER_TYPES = frozenset({"FI", "HETU", "YHD", "NO", "GB"} | EU_VAT_PREFIXES)


def check_identifier(
    identifier_type: str | None,
    identifier: str | None,
    *,
    field: str,
    type_field: str,
    allowed: frozenset[str] = IDENTIFIER_TYPES,
) -> tuple[str | None, str | None]:
    """(type, identifier) in stored form. An identifier needs its type; a type alone is kept."""
    kind = (identifier_type or "").strip().upper() or None
    text = (identifier or "").strip() or None
    if kind is not None and kind not in allowed:
        raise KirjuriError("INVALID_IDENTIFIER_TYPE", 400, type_field)
    if text is None:
        return kind, None
    if kind is None:
        raise KirjuriError("IDENTIFIER_TYPE_REQUIRED", 400, type_field)
    try:
        return kind, _CHECKS[kind](text)
    except (stdnum_errors.ValidationError, ValueError):
        raise KirjuriError("INVALID_IDENTIFIER", 400, field) from None


def is_iban_like(value: str) -> bool:
    compact = value.replace(" ", "")
    return len(compact) > 4 and compact[:2].isalpha() and compact[2:4].isdigit()


def check_iban(value: str, *, field: str) -> str:
    try:
        return str(IBAN(value).compact)
    except (SchwiftyException, ValueError):
        raise KirjuriError("INVALID_IBAN", 400, field) from None


def check_bank_account(value: str, *, field: str, iban_required: bool) -> str:
    """An IBAN (validated) or, where foreign accounts are allowed, another account number of at
    most 40 letters, digits, spaces or hyphens."""
    if iban_required or is_iban_like(value):
        return check_iban(value, field=field)
    text = value.strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 -]{0,39}", text):
        raise KirjuriError("INVALID_BANK_ACCOUNT", 400, field)
    return text


def check_bic(value: str, *, field: str) -> str:
    try:
        return str(BIC(value.strip()).compact)
    except (SchwiftyException, ValueError):
        raise KirjuriError("INVALID_BIC", 400, field) from None


_OVT = re.compile(r"0037(\d{8})([0-9A-Z]{0,5})")


def check_ovt(value: str, *, field: str) -> str:
    """OVT code (SFS 5748): 0037 + the Y-tunnus digits (check digit valid) + up to 5 characters."""
    compact = value.replace(" ", "").replace("-", "").upper()
    match = _OVT.fullmatch(compact)
    if match is None or not ytunnus.is_valid(match.group(1)):
        raise KirjuriError("INVALID_OVT", 400, field)
    return compact


# Peppol participant ids: ICD scheme (4 digits) ':' identifier, e.g. 0216:003712345678.
_PEPPOL = re.compile(r"(\d{4}):([0-9A-Za-z.-]{1,50})")


def check_einvoice_address(value: str, *, field: str) -> str:
    """An e-invoice address: an OVT code, an IBAN (consumer e-invoices) or a Peppol participant id."""
    text = value.strip()
    peppol = _PEPPOL.fullmatch(text)
    if peppol:
        return text
    if text.replace(" ", "").upper().startswith("0037"):
        return check_ovt(text, field=field)
    if is_iban_like(text):
        return check_iban(text, field=field)
    raise KirjuriError("INVALID_EINVOICE_ADDRESS", 400, field)


# Operators with identifiers outside the OVT/BIC forms (Finnish operator list).
KNOWN_OPERATOR_IDS = frozenset({"E204503", "PEPPOL"})


def check_einvoice_operator(value: str, *, field: str) -> str:
    """An e-invoice operator (intermediator): an OVT code, a bank's BIC or a listed operator id."""
    text = value.strip().upper()
    if text in KNOWN_OPERATOR_IDS:
        return text
    if text.startswith("0037"):
        return check_ovt(text, field=field)
    try:
        return str(BIC(text).compact)
    except (SchwiftyException, ValueError):
        raise KirjuriError("INVALID_EINVOICE_OPERATOR", 400, field) from None
