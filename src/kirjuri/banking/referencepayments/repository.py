"""Company-scoped queries on reference payments."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kirjuri.banking.referencepayments.models import ReferencePayment
from kirjuri.core.ids import INT32_MAX
from kirjuri.core.paging import PageMeta, PageRequest
from kirjuri.db.lookup import existing
from kirjuri.db.paging import fetch_page


def get(session: Session, *, company_id: int, payment_id: int, lock: bool = False) -> ReferencePayment | None:
    if not 0 < payment_id <= INT32_MAX:
        return None
    return session.get(ReferencePayment, (company_id, payment_id), with_for_update=lock)


def known_archive_ids(session: Session, *, company_id: int, iban: str, archive_ids: Collection[str]) -> set[str]:
    return existing(
        session,
        ReferencePayment.archive_id,
        archive_ids,
        ReferencePayment.company_id == company_id,
        ReferencePayment.account_iban == iban,
    )


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    start_date: date | None = None
    end_date: date | None = None
    iban: str | None = None
    unmatched_only: bool = False


def search(
    session: Session, *, company_id: int, filters: PaymentFilter, page: PageRequest
) -> tuple[list[ReferencePayment], PageMeta]:
    """Payments whose value date lies in [start_date, end_date] (each bound optional), by id."""
    stmt: Any = select(ReferencePayment).where(ReferencePayment.company_id == company_id)
    if filters.start_date is not None:
        stmt = stmt.where(ReferencePayment.value_date >= filters.start_date)
    if filters.end_date is not None:
        stmt = stmt.where(ReferencePayment.value_date <= filters.end_date)
    if filters.iban is not None:
        stmt = stmt.where(ReferencePayment.account_iban == filters.iban)
    if filters.unmatched_only:
        stmt = stmt.where(ReferencePayment.unmatched_minor != 0)
    return fetch_page(session, stmt, id_column=ReferencePayment.id, request=page)
