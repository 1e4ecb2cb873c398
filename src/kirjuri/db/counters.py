"""Per-company counters: ids unique within a company and gap-free document numbers.

Invariant: a counter is advanced by one `UPDATE … RETURNING` in the caller's transaction, which
holds the row lock until commit (PostgreSQL; SQLite serialises writers) — so two requests never
get the same number, and a rolled-back request also rolls back its number: the sequence stays
gap-free. The row is created on first use with `INSERT … ON CONFLICT DO NOTHING`, so two first
uses at once do not collide either.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from kirjuri.db.base import Base


class CompanyCounter(Base):
    __tablename__ = "company_counters"

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


_TABLE: Any = CompanyCounter.__table__
# Core statements built once: the counter is on every write path, so it skips the ORM layer.
_ADVANCE = (
    update(_TABLE)
    .where(_TABLE.c.company_id == bindparam("counter_company"), _TABLE.c.name == bindparam("counter_name"))
    .values(value=_TABLE.c.value + bindparam("counter_step"))
    .returning(_TABLE.c.value)
)
_CREATE = {
    name: dialect.insert(_TABLE).on_conflict_do_nothing(index_elements=["company_id", "name"])
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def next_value(session: Session, *, company_id: int, name: str, start: int = 1, count: int = 1) -> int:
    """Advance the counter `name` of the company and return the new value (`start` first).

    With `count` > 1 the counter advances by `count` and the first value of that block is
    returned: the caller owns `first … first + count - 1`."""
    params = {"counter_company": company_id, "counter_name": name, "counter_step": count}
    value = session.execute(_ADVANCE, params).scalar()
    if value is None:  # first use: create the row (a concurrent first use loses the insert, not the number)
        create = _CREATE[session.get_bind().dialect.name]
        session.execute(create, {"company_id": company_id, "name": name, "value": start - 1})
        value = session.execute(_ADVANCE, params).scalar_one()
    return int(value) - count + 1
