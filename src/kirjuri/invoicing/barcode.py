"""The Finnish virtual barcode (virtuaaliviivakoodi, Finance Finland's "Pankkiviivakoodi-opas"):
the 54 digits a payer pastes into an online bank, printed under a Code 128 symbol on the invoice.

Invariant: a barcode is produced only when every field fits its fixed width — a Finnish IBAN, a
euro amount from 0.00 to 999 999.99 and a reference whose body is digits — otherwise there is no
barcode at all (`None`), never a truncated or zero-filled one that would pay the wrong amount or
reference. Only the digits live here; drawing the symbol belongs to the renderer. Layout
(DOMAIN.md §2.2.3), positions 1-based:

    1       version: 4 = Finnish reference, 5 = RF reference
    2–17    IBAN without `FI`: check digits + 14-digit BBAN
    18–25   amount: 6 digits euros, 2 digits cents
    26–48   v4: `000` + the reference right-aligned in 20 zero-padded digits
            v5: the 2 RF check digits + the RF body right-aligned in 21 zero-padded digits
    49–54   due date YYMMDD, `000000` when there is none
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import TypedDict

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from kirjuri.core.money import from_minor, to_minor
from kirjuri.invoicing import references
from kirjuri.invoicing.document import ReferenceType

LENGTH = 54
MAX_AMOUNT = Decimal("999999.99")  # 6 digits of euros, 2 of cents
_CODE = re.compile(r"([45])(\d{16})(\d{8})(\d{23})(\d{6})")


class ParsedBarcode(TypedDict):
    """The content of a virtual barcode; the amount in euros, the reference in compact form."""

    iban: str
    amount: Decimal
    reference: str
    reference_type: ReferenceType
    due_date: date | None


def virtual_barcode(
    *,
    iban: str,
    amount: Decimal,
    reference: str | None,
    due_date: date | None,
    currency: str = "EUR",
) -> str | None:
    """The 54 digits, or None when the payment cannot be encoded:

    - the IBAN is not Finnish — the field holds only the 16 digits after `FI`;
    - the currency is not the euro — the amount field is euros and cents;
    - the amount is negative (a credit note is not paid by the buyer) or above 999 999.99 — the
      field has 6 digits of euros; zeros there would ask the payer to type the amount, which is
      not what the invoice says;
    - there is no reference, or an RF reference has letters — versions 4 and 5 carry a
      reference, in digits.

    A malformed IBAN or reference, or an amount with more than two decimals, is a programming
    error (ValueError): the invoice was validated before it is printed.
    """
    if currency != "EUR" or reference is None or not reference.strip():
        return None
    account = _iban(iban)
    if not account.startswith("FI"):
        return None
    if amount < 0 or amount > MAX_AMOUNT:
        return None
    compact, kind = references.classify(reference)
    if kind is ReferenceType.FI:
        version, reference_field = "4", "000" + compact.zfill(20)
    else:
        body = compact[4:]
        if not body.isdigit():
            return None
        version, reference_field = "5", compact[2:4] + body.zfill(21)
    due = due_date.strftime("%y%m%d") if due_date is not None else "000000"
    return f"{version}{account[2:]}{to_minor(amount):08d}{reference_field}{due}"


def parse_virtual_barcode(code: str) -> ParsedBarcode:
    """A version 4 or 5 barcode read back (ValueError when it is not one). The century of the
    due date is taken as 20xx."""
    match = _CODE.fullmatch(code.strip())
    if match is None:
        raise ValueError("a virtual barcode is 54 digits starting with 4 or 5")
    version, account, cents, reference_field, due = match.groups()
    iban = _iban("FI" + account)
    if version == "4":
        if reference_field[:3] != "000":
            raise ValueError("the reserved digits of a version 4 barcode are zeros")
        text = reference_field[3:]
    else:
        text = "RF" + reference_field[:2] + reference_field[2:].lstrip("0")
    reference, kind = references.classify(text)
    return {
        "iban": iban,
        "amount": from_minor(int(cents)),
        "reference": reference,
        "reference_type": kind,
        "due_date": None if due == "000000" else datetime.strptime("20" + due, "%Y%m%d").date(),
    }


def _iban(value: str) -> str:
    try:
        return str(IBAN(value).compact)
    except (SchwiftyException, ValueError):
        raise ValueError("not a valid IBAN") from None
