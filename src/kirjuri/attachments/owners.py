"""Which objects a file may be attached to (`referenceType` + `referenceId`) and how to find them.

Invariants: an owner is looked up in the caller's company only — another company's object is
as missing as one that never existed (400 `REFERENCE_NOT_FOUND` at `meta.referenceId`); a
referenceType whose resource Kirjuri does not have yet is refused with 400
`REFERENCE_TYPE_NOT_SUPPORTED` at `meta.referenceType`, never accepted blindly. The lookup yields
the owner's document type (`models.Attachment.document_type`), which decides the rights.

The table is open: an area that gains a resource registers its finder (`register`), e.g. the
invoicing area registers its invoices for `INVOICE` ahead of the journals' hidden invoices. An
area whose objects some callers may not see (an invoice outside a personal-only user's own)
registers a screen (`screen`): the files of a hidden owner are hidden with it — not listed, not
readable or writable, and not a place to upload to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from kirjuri.attachments.models import Attachment
from kirjuri.core.errors import KirjuriError
from kirjuri.core.ids import INT32_MAX
from kirjuri.ledger.models import LedgerReceipt
from kirjuri.partners import repository as partners
from kirjuri.products import repository as products

# (session, company_id, reference_id) → the owner's document type, or None when there is none.
Finder = Callable[[Session, int, int], str | None]

REFERENCE_FIELD: Final = "meta.referenceId"
TYPE_FIELD: Final = "meta.referenceType"

_FINDERS: dict[str, list[Finder]] = {}

# (session, company_id, the caller) → a query of the ids of owners hidden from the caller, or None
# when the caller sees them all. The caller is the route's principal, or None for an internal caller
# (typed loosely: each area checks what it got).
Screen = Callable[[Session, int, object], Select[Any] | None]
_SCREENS: dict[str, Screen] = {}


def register(reference_type: str, finder: Finder, *, first: bool = False) -> None:
    """Add a finder for `reference_type`; finders are asked in order until one finds the owner."""
    finders = _FINDERS.setdefault(reference_type, [])
    if first:
        finders.insert(0, finder)
    else:
        finders.append(finder)


def screen(reference_type: str, hidden: Screen) -> None:
    """Hide the files of the `reference_type` owners that `hidden` names from the caller."""
    _SCREENS[reference_type] = hidden


def hidden(session: Session, *, company_id: int, viewer: object) -> ColumnElement[bool] | None:
    """The attachments whose owner is hidden from `viewer` (None: nothing is hidden)."""
    parts = [
        and_(Attachment.reference_type == reference_type, Attachment.reference_id.in_(ids))
        for reference_type, screened in _SCREENS.items()
        if (ids := screened(session, company_id, viewer)) is not None
    ]
    return or_(*parts) if parts else None


def is_hidden(session: Session, *, company_id: int, viewer: object, reference_type: str, reference_id: int) -> bool:
    """Whether that one owner is hidden from `viewer`."""
    screened = _SCREENS.get(reference_type)
    ids = screened(session, company_id, viewer) if screened is not None else None
    if ids is None:
        return False
    return bool(session.scalar(select(exists(ids.where(ids.selected_columns[0] == reference_id)))))


def supported(reference_type: str) -> bool:
    return bool(_FINDERS.get(reference_type))


def document_type(
    session: Session, *, company_id: int, reference_type: str, reference_id: int, viewer: object = None
) -> str:
    """The document type of the owner, which must exist in the company and not be hidden from
    `viewer` (400, as missing, otherwise; no viewer: an internal caller, nothing is hidden)."""
    finders = _FINDERS.get(reference_type)
    if not finders:
        raise KirjuriError("REFERENCE_TYPE_NOT_SUPPORTED", 400, TYPE_FIELD)
    # (the id's range first: an id beyond int32 would fail the database's comparison)
    findable = 0 < reference_id <= INT32_MAX and not is_hidden(
        session, company_id=company_id, viewer=viewer, reference_type=reference_type, reference_id=reference_id
    )
    for finder in finders if findable else ():
        found = finder(session, company_id, reference_id)
        if found is not None:
            return found
    raise KirjuriError("REFERENCE_NOT_FOUND", 400, REFERENCE_FIELD)


# --- the finders of the areas Kirjuri has --------------------------------------------------------


def _ledger_receipt(session: Session, company_id: int, reference_id: int) -> str | None:
    return session.scalar(
        select(LedgerReceipt.type).where(LedgerReceipt.company_id == company_id, LedgerReceipt.id == reference_id)
    )


def _hidden_invoice(session: Session, company_id: int, reference_id: int) -> str | None:
    """A receipt's invoice (journals' hidden invoices; an invoice's own receipt)."""
    return session.scalar(
        select(LedgerReceipt.type)
        .where(LedgerReceipt.company_id == company_id, LedgerReceipt.invoice_id == reference_id)
        .order_by(LedgerReceipt.id)
        .limit(1)
    )


def _partner(partner_type: str, document: str) -> Finder:
    def find(session: Session, company_id: int, reference_id: int) -> str | None:
        found = partners.find(session, company_id=company_id, partner_id=reference_id, types={partner_type})
        return document if found is not None else None

    return find


def _product(product_type: str, document: str) -> Finder:
    def find(session: Session, company_id: int, reference_id: int) -> str | None:
        found = products.find(session, company_id=company_id, product_id=reference_id, types={product_type})
        return document if found is not None else None

    return find


def _environment(_session: Session, company_id: int, reference_id: int) -> str | None:
    return "ENVIRONMENT" if reference_id == company_id else None


register("LEDGERRECEIPT", _ledger_receipt)
register("INVOICE", _hidden_invoice)
register("CUSTOMER_BUSINESS_PARTNER_REGISTER", _partner("CUSTOMER", "CUSTOMER_BUSINESS_PARTNER_REGISTER"))
register("SUPPLIER_BUSINESS_PARTNER_REGISTER", _partner("SUPPLIER", "SUPPLIER_BUSINESS_PARTNER_REGISTER"))
register("PERSON_BUSINESS_PARTNER_REGISTER", _partner("PERSON", "PERSON_BUSINESS_PARTNER_REGISTER"))
register("SALES_PRODUCT_REGISTER", _product("SALES", "SALES_PRODUCT_REGISTER"))
register("PURCHASE_PRODUCT_REGISTER", _product("PURCHASE", "PURCHASE_PRODUCT_REGISTER"))
register("ENVIRONMENT", _environment)
