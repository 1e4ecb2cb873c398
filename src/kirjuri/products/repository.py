"""Company-scoped reads of the product registers.

Invariant: every query is limited to one company; a product of another company, or of a type
the caller did not ask for, does not exist (None / 404).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from kirjuri.core.errors import not_found
from kirjuri.products.models import Product


def find(session: Session, *, company_id: int, product_id: int, types: Collection[str] | None = None) -> Product | None:
    """The product with this id, if it exists and has one of `types`."""
    if not 0 < product_id < 2**63:
        return None
    product = session.get(Product, (company_id, product_id))
    if product is None or (types is not None and product.type not in types):
        return None
    return product


def get(
    session: Session,
    *,
    company_id: int,
    product_id: int,
    types: Collection[str] | None = None,
    field: str = "productId",
) -> Product:
    """Like `find`, but a missing product is 404 at `field`."""
    product = find(session, company_id=company_id, product_id=product_id, types=types)
    if product is None:
        raise not_found(field)
    return product
