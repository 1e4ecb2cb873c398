"""Per-company counters: ids unique within a company and gap-free document numbers.

Invariant: a counter is read and advanced under a row lock (`SELECT … FOR UPDATE` on
PostgreSQL; SQLite serialises writers), in the caller's transaction — so a rolled-back request
also rolls back its number and the sequence stays gap-free.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from kirjuri.db.base import Base


class CompanyCounter(Base):
    __tablename__ = "company_counters"

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


def next_value(session: Session, *, company_id: int, name: str, start: int = 1) -> int:
    """Advance the counter `name` of the company and return the new value."""
    row = session.execute(
        select(CompanyCounter.value)
        .where(CompanyCounter.company_id == company_id, CompanyCounter.name == name)
        .with_for_update()
    ).scalar_one_or_none()
    if row is None:
        session.add(CompanyCounter(company_id=company_id, name=name, value=start))
        session.flush()
        return start
    value = row + 1
    session.execute(
        update(CompanyCounter)
        .where(CompanyCounter.company_id == company_id, CompanyCounter.name == name)
        .values(value=value)
    )
    return value
