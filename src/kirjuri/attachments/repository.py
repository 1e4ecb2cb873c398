"""Company-scoped reads of attachment metadata.

Invariant: every query is limited to one company. Other areas list the files of their own
objects through `for_owners` (read-only `attachments` inside a partner, receipt or invoice).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from kirjuri.attachments.models import Attachment


def for_owners(session: Session, *, company_id: int, owners: Iterable[tuple[str, int]]) -> list[Attachment]:
    """The attachments of the given (referenceType, referenceId) owners, by id."""
    wanted = list(dict.fromkeys(owners))
    if not wanted:
        return []
    return list(
        session.scalars(
            select(Attachment)
            .where(
                Attachment.company_id == company_id,
                tuple_(Attachment.reference_type, Attachment.reference_id).in_(wanted),
            )
            .order_by(Attachment.id)
        )
    )
