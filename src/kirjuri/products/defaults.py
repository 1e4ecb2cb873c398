"""Partners' default products: the products a customer, supplier or person buys or sells by
default, with special discount, price or VAT and the periods they are valid in. The only writer
of `default_products`.

The partner is the caller's business: the partners area (above this one) finds it in the
company, checks the principal's rights on its type, locks its row for a replacement, and passes
its id and type here. This module never reads the partners' table.

Invariants:
- a list is replaced whole, after validating it whole: every product exists in the company, each
  once, of a type the partner may have (customer → SALES, supplier → PURCHASE, person → any);
  numbers are in range and validity periods start no later than they end;
- an entry that names an id of the partner's existing entries keeps that id; others get new ids
  from the company's `default_product` counter.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.core.money import plain
from kirjuri.db.counters import next_value
from kirjuri.products import repository, rules
from kirjuri.products.models import DefaultProduct, Product


def default_products(session: Session, *, company_id: int, partner_id: int) -> list[tuple[DefaultProduct, Product]]:
    """The default products of the company's partner `partner_id`, by id, each with its product."""
    return repository.default_products_of(session, company_id=company_id, partner_id=partner_id)


def _allowed_types(partner_type: str) -> frozenset[str]:
    allowed = rules.DEFAULT_PRODUCT_TYPES.get(partner_type)
    if allowed is None:
        # A caller's bug, not a client's: the partners area only passes a stored partner's type.
        raise ValueError(f"not a partner type: {partner_type!r}")
    return allowed


def _check_products(
    session: Session, *, company_id: int, allowed: frozenset[str], drafts: Sequence[rules.DefaultProductDraft]
) -> list[ErrorItem]:
    wanted = [d.product_id for d in drafts if d.product_id is not None]
    found = {p.id: p for p in repository.products_by_ids(session, company_id=company_id, ids=wanted)}
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
    partner_type: str,
    drafts: Sequence[rules.DefaultProductDraft],
) -> list[tuple[DefaultProduct, Product]]:
    """Replace the whole list of the company's partner `partner_id`, of type `partner_type`
    (CUSTOMER, SUPPLIER or PERSON); an empty list removes every default product."""
    allowed = _allowed_types(partner_type)
    errors = rules.check_default_products(drafts)
    if not errors:
        errors = _check_products(session, company_id=company_id, allowed=allowed, drafts=drafts)
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
