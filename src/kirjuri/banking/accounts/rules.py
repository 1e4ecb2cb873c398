"""Pure rules of the company's own bank accounts (§D.2): what a CompanyBankAccount document must
satisfy and what the server derives from it. No database, no HTTP: the service feeds the facts
(the company's country, the stored account on an update).

Invariants guarded here:
- `iban` is a valid IBAN (schwifty: structure, country, check digits, national checksum) and is
  stored electronic (no spaces, upper case); 400 `INVALID_IBAN` at `iban` otherwise;
- `bic` is a valid BIC when given (400 `INVALID_BIC` at `bic`), stored compact upper case; when
  absent it is derived from the IBAN's bank (left absent when the registry does not know it);
- `accountNumber` is always the BBAN derived from the IBAN (a client's value is ignored);
  `bankName` is derived from the IBAN's bank when absent;
- on an update the IBAN and the currency cannot change (400 `IBAN_CANNOT_BE_CHANGED` at `iban`,
  `CURRENCY_CANNOT_BE_CHANGED` at `currency`);
- an INACTIVE account has every boolean flag false (the server clears them, no error);
- country-specific flags, by the company's country: `allowSalaryPayments` not in Norway,
  `allowExpressPayments` not in Norway or Denmark, `withholdingTax` in Norway only — a flag set
  true elsewhere is 400 `NOT_AVAILABLE_IN_COMPANY_COUNTRY` at that flag; a Swedish account that
  allows payments needs a `bankingCode` (400 `REQUIRED` at `bankingCode`);
- `orderNo`, when given, is at least 1 (400 `INVALID_ORDER_NO`).
Every finding of one document is reported at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from kirjuri.core.errors import ErrorItem, KirjuriError

ACTIVE = "ACTIVE"
INACTIVE = "INACTIVE"
STATUSES = (ACTIVE, INACTIVE)

# Every boolean flag of CompanyBankAccount, in the contract's order; INACTIVE clears them all.
FLAGS = (
    "defaultForInvoice",
    "defaultForPayment",
    "showAccountOnInvoice",
    "allowPayments",
    "allowForeignPayments",
    "allowSalaryPayments",
    "allowExpressPayments",
    "withholdingTax",
)
# The flags the contract lists as optional: absent stays absent (unless INACTIVE clears it).
OPTIONAL_FLAGS = ("allowSalaryPayments", "allowExpressPayments", "withholdingTax")

NORWAY, DENMARK, SWEDEN = "NORWAY", "DENMARK", "SWEDEN"
# flag → the company countries where it may not be true / the only ones where it may.
_NOT_IN: Mapping[str, frozenset[str]] = {
    "allowSalaryPayments": frozenset({NORWAY}),
    "allowExpressPayments": frozenset({NORWAY, DENMARK}),
}
_ONLY_IN: Mapping[str, frozenset[str]] = {"withholdingTax": frozenset({NORWAY})}
COUNTRY_CODE = "NOT_AVAILABLE_IN_COMPANY_COUNTRY"


def electronic(text: str) -> str:
    """An IBAN or BIC without whitespace, upper case."""
    return "".join(text.split()).upper()


def parse_iban(text: Any, field: str = "iban") -> IBAN:
    """The IBAN a client sent, validated; 400 `INVALID_IBAN` at `field` otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise KirjuriError("INVALID_IBAN", 400, field)
    try:
        return IBAN(electronic(text))
    except SchwiftyException:
        raise KirjuriError("INVALID_IBAN", 400, field) from None


def check_bic(text: str, field: str = "bic") -> str:
    """The BIC a client sent in compact upper case; 400 `INVALID_BIC` at `field` otherwise."""
    try:
        return str(BIC(electronic(text)).compact)
    except SchwiftyException:
        raise KirjuriError("INVALID_BIC", 400, field) from None


def country_errors(document: Mapping[str, Any], *, country: str) -> list[ErrorItem]:
    """The country-specific flags set true where the company's country does not allow them."""
    errors: list[ErrorItem] = []
    for flag, excluded in _NOT_IN.items():
        if document.get(flag) and country in excluded:
            errors.append(ErrorItem(400, COUNTRY_CODE, flag))
    for flag, allowed in _ONLY_IN.items():
        if document.get(flag) and country not in allowed:
            errors.append(ErrorItem(400, COUNTRY_CODE, flag))
    if country == SWEDEN and document.get("allowPayments") and not (document.get("bankingCode") or "").strip():
        errors.append(ErrorItem(400, "REQUIRED", "bankingCode"))
    return errors


def cleared(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document with every flag false when the account is INACTIVE (else unchanged)."""
    result = dict(document)
    if result.get("status") == INACTIVE:
        for flag in FLAGS:
            result[flag] = False
    return result


def check_account(
    document: Mapping[str, Any], *, country: str, current: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The stored form of a CompanyBankAccount document (camelCase, without id/version/created):
    IBAN and BIC compact, BBAN and missing bank data derived, flags cleared when INACTIVE.
    `current` is the stored document on an update (None on create). Raises every finding at once."""
    errors: list[ErrorItem] = []
    stored = cleared(document)
    iban: IBAN | None = None
    try:
        iban = parse_iban(document.get("iban"))
    except KirjuriError as error:
        errors.extend(error.items)
    if iban is not None:
        stored["iban"] = str(iban.compact)
        stored["accountNumber"] = str(iban.bban)
        if current is not None and current.get("iban") != stored["iban"]:
            errors.append(ErrorItem(400, "IBAN_CANNOT_BE_CHANGED", "iban"))
        if not stored.get("bankName") and iban.bank_name:
            stored["bankName"] = str(iban.bank_name)
    else:
        stored.pop("accountNumber", None)
    bic = document.get("bic")
    if isinstance(bic, str) and bic.strip():
        try:
            stored["bic"] = check_bic(bic)
        except KirjuriError as error:
            errors.extend(error.items)
    elif iban is not None and iban.bic is not None:
        stored["bic"] = str(iban.bic.compact)
    else:
        stored.pop("bic", None)
    if current is not None and current.get("currency") != document.get("currency"):
        errors.append(ErrorItem(400, "CURRENCY_CANNOT_BE_CHANGED", "currency"))
    order_no = document.get("orderNo")
    if order_no is not None and order_no < 1:
        errors.append(ErrorItem(400, "INVALID_ORDER_NO", "orderNo"))
    errors.extend(country_errors(stored, country=country))
    if errors:
        raise KirjuriError.many(errors)
    return stored


def in_use_errors(
    *, current: Mapping[str, Any], new: Mapping[str, Any], is_default: bool, has_bank_data: bool
) -> list[ErrorItem]:
    """409 `BANK_ACCOUNT_IN_USE` when an account that is in use — the company's default account
    for invoices or payments (`is_default`, the stored flags), or one that bank data was imported
    for (`has_bank_data`) — is deactivated (at `status`) or moved to another ledger account (at
    `ledgerAccount`)."""
    if not (is_default or has_bank_data):
        return []
    errors: list[ErrorItem] = []
    if current.get("status") == ACTIVE and new.get("status") == INACTIVE:
        errors.append(ErrorItem(409, "BANK_ACCOUNT_IN_USE", "status"))
    if current.get("ledgerAccount") != new.get("ledgerAccount"):
        errors.append(ErrorItem(409, "BANK_ACCOUNT_IN_USE", "ledgerAccount"))
    return errors
