"""Partners' default products: the products a customer, supplier or person buys or sells by
default, with special discount, price or VAT and the periods they are valid in. The only writer
of `default_products`.

Invariants:
- the partner exists in the caller's company and is of a type the caller may read (404
  otherwise, for another company's id too); changing the list needs the write right of that type
  (403);
- a list is replaced whole, after validating it whole: every product exists in the company, each
  once, of a type the partner may have (customer → SALES, supplier → PURCHASE, person → any);
  numbers are in range and validity periods start no later than they end;
- an entry that names an id of the partner's existing entries keeps that id; others get new ids
  from the company's `default_product` counter.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.core.errors import ErrorItem, KirjuriError, forbidden, not_found
from kirjuri.core.money import plain
from kirjuri.db.counters import next_value
from kirjuri.products import repository, rules
from kirjuri.products.models import DefaultProduct, Product


def partner(
    session: Session,
    *,
    company_id: int,
    partner_id: int,
    types: Collection[str],
    field: str = "id",
    for_update: bool = False,
) -> str:
    """The partner's type, when the company has that partner and it is one of `types`; else 404."""
    found = repository.partner_type(session, company_id=company_id, partner_id=partner_id, for_update=for_update)
    if found is None or found not in types:
        raise not_found(field)
    return found


def default_products(
    session: Session, *, company_id: int, partner_id: int, types: Collection[str]
) -> list[tuple[DefaultProduct, Product]]:
    """The default products of a partner of `types`, by id, each with its product."""
    partner(session, company_id=company_id, partner_id=partner_id, types=types)
    return repository.default_products_of(session, company_id=company_id, partner_id=partner_id)


def _check_products(
    session: Session, *, company_id: int, partner_type: str, drafts: Sequence[rules.DefaultProductDraft]
) -> list[ErrorItem]:
    wanted = [d.product_id for d in drafts if d.product_id is not None]
    found = {p.id: p for p in repository.products_by_ids(session, company_id=company_id, ids=wanted)}
    allowed = rules.DEFAULT_PRODUCT_TYPES[partner_type]
    errors: list[ErrorItem] = []
    for i, draft in enumerate(drafts):
        if draft.product_id is None:
            continue
        product = found.get(draft.product_id)
        if product is None:
            errors.append(ErrorItem(400, "PRODUCT_NOT_FOUND", f"[{i}].productInfo.id"))
        elif product.type not in allowed:
            errors.append(ErrorItem(400, "PRODUCT_TYPE_NOT_ALLOWED", f"[{i}].productInfo.id"))
    return errors


def replace_default_products(
    session: Session,
    *,
    company_id: int,
    partner_id: int,
    drafts: Sequence[rules.DefaultProductDraft],
    readable: Collection[str],
    writable: Collection[str],
) -> list[tuple[DefaultProduct, Product]]:
    """Replace the partner's whole list (an empty list removes every default product)."""
    partner_type = partner(session, company_id=company_id, partner_id=partner_id, types=readable, for_update=True)
    if partner_type not in writable:
        raise forbidden("INSUFFICIENT_RIGHTS")
    errors = rules.check_default_products(drafts)
    if not errors:
        errors = _check_products(session, company_id=company_id, partner_type=partner_type, drafts=drafts)
    if errors:
        raise KirjuriError.many(errors)
    existing = {
        row.id: row
        for row in session.scalars(
            select(DefaultProduct).where(
                DefaultProduct.company_id == company_id, DefaultProduct.partner_id == partner_id
            )
        )
    }
    kept: set[int] = set()
    # Every draft names a product by now (checked above).
    for draft, product_id in ((d, d.product_id) for d in drafts if d.product_id is not None):
        row = existing.get(draft.id) if draft.id is not None and draft.id not in kept else None
        if row is None:
            row = DefaultProduct(
                company_id=company_id,
                id=next_value(session, company_id=company_id, name="default_product"),
                partner_id=partner_id,
            )
            session.add(row)
        kept.add(row.id)
        row.product_id = product_id
        row.settings = settings_document(draft)
        row.validity_periods = periods_document(draft)
    for row_id, row in existing.items():
        if row_id not in kept:
            session.delete(row)
    session.flush()
    return repository.default_products_of(session, company_id=company_id, partner_id=partner_id)


def settings_document(draft: rules.DefaultProductDraft) -> dict[str, Any]:
    """The stored `DefaultProductSettings`: camelCase, decimals as strings, nulls left out."""
    values: dict[str, Any] = {
        "useSpecialDiscount": draft.use_special_discount,
        "specialDiscountPercentage": draft.special_discount_percentage,
        "useSpecialPrice": draft.use_special_price,
        "specialPrice": draft.special_price,
        "useSpecialVat": draft.use_special_vat,
        "specialVatPercentage": draft.special_vat_percentage,
        "amount": draft.amount,
        "comment": draft.comment,
    }
    return {
        key: str(plain(value)) if isinstance(value, Decimal) else value
        for key, value in values.items()
        if value is not None
    }


def periods_document(draft: rules.DefaultProductDraft) -> list[dict[str, Any]]:
    """The stored `ProductValidityPeriod`s: camelCase, ISO dates, nulls left out."""
    return [
        {
            key: value
            for key, value in (
                ("startDate", period.start_date.isoformat() if period.start_date else None),
                ("endDate", period.end_date.isoformat() if period.end_date else None),
                ("notes", period.notes),
            )
            if value is not None
        }
        for period in draft.periods
    ]
