"""Company-scoped reads of the partner registers.

Invariant: every query is limited to one company; a partner of another company, or of a type
the caller did not ask for, does not exist (None / 404).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from kirjuri.core.errors import not_found
from kirjuri.partners.models import BusinessPartner


def find(
    session: Session, *, company_id: int, partner_id: int, types: Collection[str] | None = None
) -> BusinessPartner | None:
    """The partner (customer, supplier or person) with this id, if it exists and has one of `types`."""
    partner = session.get(BusinessPartner, (company_id, partner_id))
    if partner is None or (types is not None and partner.type not in types):
        return None
    return partner


def get(
    session: Session, *, company_id: int, partner_id: int, types: Collection[str] | None = None, field: str = "id"
) -> BusinessPartner:
    """Like `find`, but a missing partner is 404 at `field`."""
    partner = find(session, company_id=company_id, partner_id=partner_id, types=types)
    if partner is None:
        raise not_found(field)
    return partner
