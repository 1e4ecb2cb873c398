"""Who may read and write which invoices: the rights of each invoice type.

Invariant: an invoice of a type the caller cannot read does not exist for them (404 — on reads,
writes and in searches alike, so ids of other types leak nothing); a type they can read but not
write is 403 `INSUFFICIENT_RIGHTS` on a write.

- SALES_INVOICE, SALES_ORDER: write `sales.salesOrGroupInvoices`; read that or
  `sales.salesInvoiceSearch`;
- PURCHASE_INVOICE, PURCHASE_ORDER: write `purchases.purchaseInvoices`; read that or
  `purchases.purchaseInvoiceSearch`;
- TRAVEL_INVOICE, BILL_OF_CHARGES: write `travelAndExpenses.travelAndExpenseInvoices`; read that
  or `travelAndExpenses.travelAndExpenseInvoiceSearch`;
- PERIODIC_TAX_RETURN: never written; read with `accounting.journalReceipts` or the purchase
  rights.

Personal-only flags (`personal`): `sales.personalSalesInvoicesOnly` limits SALES_INVOICE and
SALES_ORDER (offers included), `purchases.personalPurchaseInvoicesOnly` PURCHASE_INVOICE and
PURCHASE_ORDER, `travelAndExpenses.personalTravelAndExpenseInvoiceOnly` TRAVEL_INVOICE and
BILL_OF_CHARGES to the invoices the caller created — and, for travel and expense invoices, also
those whose person (`partnerId`) is the caller's own person (the company user's `partnerId`). Any
other invoice of those types is treated like one of an unreadable type: absent from searches and
batch reads, 404 on GET and on every write — and so are its attachments (`/attachments`: not
listed, 403 on reading or changing one, an upload to it refused as to a missing invoice). The
periodic tax return is the company's, never a person's: no flag narrows it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from kirjuri.attachments import owners
from kirjuri.auth.dependencies import Principal
from kirjuri.companies import repository as companies
from kirjuri.core.errors import forbidden, not_found
from kirjuri.invoicing.models import Invoice
from kirjuri.invoicing.repository import Personal
from kirjuri.invoicing.transitions import (
    BILL_OF_CHARGES,
    INVOICE_TYPES,
    PERIODIC_TAX_RETURN,
    PURCHASE_INVOICE,
    PURCHASE_ORDER,
    SALES_INVOICE,
    SALES_ORDER,
    TRAVEL_INVOICE,
)

SALES_WRITE = "sales.salesOrGroupInvoices"
SALES_SEARCH = "sales.salesInvoiceSearch"
PURCHASE_WRITE = "purchases.purchaseInvoices"
PURCHASE_SEARCH = "purchases.purchaseInvoiceSearch"
TRAVEL_WRITE = "travelAndExpenses.travelAndExpenseInvoices"
TRAVEL_SEARCH = "travelAndExpenses.travelAndExpenseInvoiceSearch"
JOURNALS = "accounting.journalReceipts"

WRITE_RIGHT: dict[str, str] = {
    SALES_INVOICE: SALES_WRITE,
    SALES_ORDER: SALES_WRITE,
    PURCHASE_INVOICE: PURCHASE_WRITE,
    PURCHASE_ORDER: PURCHASE_WRITE,
    TRAVEL_INVOICE: TRAVEL_WRITE,
    BILL_OF_CHARGES: TRAVEL_WRITE,
}
READ_RIGHTS: dict[str, tuple[str, ...]] = {
    SALES_INVOICE: (SALES_WRITE, SALES_SEARCH),
    SALES_ORDER: (SALES_WRITE, SALES_SEARCH),
    PURCHASE_INVOICE: (PURCHASE_WRITE, PURCHASE_SEARCH),
    PURCHASE_ORDER: (PURCHASE_WRITE, PURCHASE_SEARCH),
    TRAVEL_INVOICE: (TRAVEL_WRITE, TRAVEL_SEARCH),
    BILL_OF_CHARGES: (TRAVEL_WRITE, TRAVEL_SEARCH),
    PERIODIC_TAX_RETURN: (JOURNALS, PURCHASE_WRITE, PURCHASE_SEARCH),
}
# The limitation flag of each group and the types it narrows to the caller's own invoices.
PERSONAL_FLAGS: dict[tuple[str, str], tuple[str, ...]] = {
    ("sales", "personalSalesInvoicesOnly"): (SALES_INVOICE, SALES_ORDER),
    ("purchases", "personalPurchaseInvoicesOnly"): (PURCHASE_INVOICE, PURCHASE_ORDER),
    ("travelAndExpenses", "personalTravelAndExpenseInvoiceOnly"): (TRAVEL_INVOICE, BILL_OF_CHARGES),
}
PERSON_TYPES = frozenset({TRAVEL_INVOICE, BILL_OF_CHARGES})
# For the routers' dependencies: holding none of these, no invoice endpoint is open at all.
ANY_READ: tuple[str, ...] = tuple(dict.fromkeys(r for rights in READ_RIGHTS.values() for r in rights))
ANY_WRITE: tuple[str, ...] = tuple(dict.fromkeys(WRITE_RIGHT.values()))


def can_read(principal: Principal, invoice_type: str) -> bool:
    return any(principal.can(right) for right in READ_RIGHTS[invoice_type])


def can_write(principal: Principal, invoice_type: str) -> bool:
    right = WRITE_RIGHT.get(invoice_type)
    return right is not None and principal.can(right, write=True)


def can_write_any(principal: Principal) -> bool:
    return any(principal.can(right, write=True) for right in ANY_WRITE)


def readable_types(principal: Principal) -> tuple[str, ...]:
    """The types the caller may read, in the contract's order."""
    return tuple(t for t in INVOICE_TYPES if can_read(principal, t))


def check_read(principal: Principal, invoice_type: str, field: str = "invoiceId") -> None:
    """An invoice of an unreadable type is not found."""
    if not can_read(principal, invoice_type):
        raise not_found(field)


def check_write(principal: Principal, invoice_type: str, field: str = "invoiceId") -> None:
    """404 when the type is not readable, 403 when it is readable but not writable."""
    check_read(principal, invoice_type, field)
    # A type nobody writes (PERIODIC_TAX_RETURN) is refused by its status rules, not by rights.
    if invoice_type in WRITE_RIGHT and not can_write(principal, invoice_type):
        raise forbidden("INSUFFICIENT_RIGHTS")


def check_create(principal: Principal, invoice_type: str) -> None:
    """POST: the type's write right (a PERIODIC_TAX_RETURN has none: its 400 is the rules')."""
    if invoice_type in WRITE_RIGHT and not can_write(principal, invoice_type):
        raise forbidden("INSUFFICIENT_RIGHTS")


def _flag(principal: Principal, group: str, name: str) -> bool:
    found = principal.rights.get(group)
    return isinstance(found, dict) and found.get(name) is True


def personal(session: Session, principal: Principal) -> Personal | None:
    """The caller's personal-only limits (None: none of the flags is on). The caller's own person
    is looked up only when the travel and expense flag is on."""
    types = frozenset(t for (group, name), ts in PERSONAL_FLAGS.items() if _flag(principal, group, name) for t in ts)
    if not types:
        return None
    person_types = types & PERSON_TYPES
    person_id = None
    if person_types:
        member = companies.membership(session, company_id=principal.company_id, user_id=principal.user_id)
        person_id = member.partner_id if member is not None else None
    return Personal(user_id=principal.user_id, types=types, person_types=person_types, person_id=person_id)


def check_sees(session: Session, principal: Principal, invoice: Invoice, field: str = "invoiceId") -> None:
    """An invoice of a readable type that a personal-only flag hides is not found either."""
    check_read(principal, invoice.type, field)
    limits = personal(session, principal)
    if limits is not None and not limits.sees(invoice):
        raise not_found(field)


def _hidden_invoices(session: Session, company_id: int, viewer: object) -> Select[Any] | None:
    """The invoices a personal-only caller does not see: their attachments are hidden with them."""
    limits = personal(session, viewer) if isinstance(viewer, Principal) else None
    return limits.hidden(company_id) if limits is not None else None


owners.screen("INVOICE", _hidden_invoices)
