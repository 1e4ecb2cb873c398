"""Invoice numbering: which series an invoice is numbered in, and the next number of a series.

Invariant: invoice numbers are gap-free per company and series. A number is taken from the
company counter `invoice_number:<SERIES>` (`db.counters.next_value`: an UPDATE of the counter row,
which holds the row lock until the transaction ends), in the same transaction as the invoice that
gets it — so two creates queue on the counter, and a create that is rolled back returns its
number with it. A number is never taken before the invoice's validation passed, never reused and
never changed: the series of an invoice is fixed at creation (its type cannot change, nor can a
sales order become an offer or back — `invoicing.service`).

The series (a decision; the contract only says "running number"):

| type                          | series            |
|-------------------------------|-------------------|
| SALES_INVOICE                 | `SALES`           |
| SALES_ORDER, `isOffer` false  | `SALES_ORDER`     |
| SALES_ORDER, `isOffer` true   | `OFFER`           |
| PURCHASE_INVOICE              | `PURCHASE`        |
| PURCHASE_ORDER                | `PURCHASE_ORDER`  |
| TRAVEL_INVOICE                | `TRAVEL`          |
| BILL_OF_CHARGES               | `EXPENSE`         |
| PERIODIC_TAX_RETURN           | `TAX_RETURN`      |

Why separate series: a sales invoice number is a legal identifier that must run without gaps
(bookkeeping act, VAT act 209 e §); orders, offers, purchases and claims have their own
sequences in every Finnish system, and a purchase invoice is really identified by the supplier's
number (`originalInvoiceNumber`). Offers and orders are kept apart because an offer that is never
accepted must not leave a gap in the order numbers.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kirjuri.db.counters import next_value
from kirjuri.invoicing.transitions import (
    BILL_OF_CHARGES,
    PERIODIC_TAX_RETURN,
    PURCHASE_INVOICE,
    PURCHASE_ORDER,
    SALES_INVOICE,
    SALES_ORDER,
    TRAVEL_INVOICE,
)

OFFER_SERIES = "OFFER"
SERIES: dict[str, str] = {
    SALES_INVOICE: "SALES",
    SALES_ORDER: "SALES_ORDER",
    PURCHASE_INVOICE: "PURCHASE",
    PURCHASE_ORDER: "PURCHASE_ORDER",
    TRAVEL_INVOICE: "TRAVEL",
    BILL_OF_CHARGES: "EXPENSE",
    PERIODIC_TAX_RETURN: "TAX_RETURN",
}


def series_of(invoice_type: str, *, is_offer: bool = False) -> str:
    """The numbering series of an invoice of this type (an unknown type is a programming error)."""
    if invoice_type not in SERIES:
        raise ValueError(f"unknown invoice type {invoice_type!r}")
    if invoice_type == SALES_ORDER and is_offer:
        return OFFER_SERIES
    return SERIES[invoice_type]


def counter_name(series: str) -> str:
    return f"invoice_number:{series}"


def next_number(session: Session, *, company_id: int, series: str) -> int:
    """The next number of `series` (1, 2, 3 …), taken under the counter row's lock."""
    return next_value(session, company_id=company_id, name=counter_name(series))
