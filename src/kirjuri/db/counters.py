"""Per-company counters: ids unique within a company, and gap-free document numbers.

One entry point, `next_value`; the counter's name decides its kind:

- **Gap-free numbers** (`GAP_FREE`: invoice numbers `invoice_number:<SERIES>`, receipt numbers
  `receipt_number:<fiscal year id>`; DESIGN.md §4 — and the payment file number, sequential by
  choice): advanced by one `UPDATE … RETURNING` in the caller's transaction, which holds the row
  lock until commit (PostgreSQL; SQLite serialises writers) — so two requests never get the same
  number, and a rolled-back request also rolls back its number: the sequence stays gap-free.
  Callers that take several take them through `take_gap_free`, in one global order
  (`lock_order`), as late as they can — after writing their rows with `unnumbered` placeholders —
  so that the locks are held for setting the numbers and the commit only, and two writers never
  wait on each other in opposite orders.
- **Plain ids** (every other name): unique, not gap-free. On PostgreSQL they come from hi/lo
  blocks: a process reserves `BLOCK` ids per (company, name) in its own autonomous, at once
  committed statement on a separate small pool (`_Blocks`), hands them out from memory, and
  reserves the next block when one is used up — no row lock is held by the caller's transaction,
  so requests of one company do not queue on their ids. Ids of a rolled-back request, and the
  rest of a block when the process ends, are never given: gaps, and across processes ids that are
  not in creation order (order chronologies by time, not by id). On SQLite (one writer; a second
  connection would wait for the first) plain ids are taken in the caller's transaction as the
  gap-free numbers are.

A counter is advanced by one upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`) that creates
its row on first use, so two first uses at once do not collide either, and a first use takes its
row lock in the same place of the lock order as any later use. Several gap-free counters go to
PostgreSQL in one round trip, still in that order (`db.direct.run_each`). A name is one kind for
good: never move a name between the kinds without moving its counter past every id given.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine, Integer, String, bindparam, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from kirjuri.db import direct
from kirjuri.db.base import Base

# Gap-free counters: these names exactly, or the names that start with these prefixes.
GAP_FREE_PREFIXES = ("invoice_number:", "receipt_number:")
GAP_FREE_NAMES = frozenset({"payment_file"})  # a bank file's message number: sequential by choice
# Plain ids reserved per (company, name) at a time on PostgreSQL.
BLOCK = 100


class CompanyCounter(Base):
    __tablename__ = "company_counters"

    company_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


_TABLE: Any = CompanyCounter.__table__


def _advance_statement(dialect: Any) -> Any:
    """Advance a counter by `counter_step`, creating it at `counter_first` (its first value after
    the step) on first use — one upsert, so a first use takes its row lock where a later use does
    (in the caller's order), and two first uses at once do not collide."""
    insert = dialect.insert(_TABLE).values(
        company_id=bindparam("counter_company"), name=bindparam("counter_name"), value=bindparam("counter_first")
    )
    return insert.on_conflict_do_update(
        index_elements=["company_id", "name"], set_={"value": _TABLE.c.value + bindparam("counter_step")}
    ).returning(_TABLE.c.value)


# Core statements built once: the counter is on every write path, so it skips the ORM layer.
_ADVANCE = {name: _advance_statement(dialect) for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}


def is_gap_free(name: str) -> bool:
    """Whether the counter `name` gives gap-free numbers (else: plain ids)."""
    return name in GAP_FREE_NAMES or name.startswith(GAP_FREE_PREFIXES)


def lock_order(name: str) -> tuple[str, int, int, str]:
    """The one order in which a transaction takes several gap-free counters (numeric suffixes
    numerically: `receipt_number:9` before `receipt_number:10`)."""
    prefix, _, suffix = name.partition(":")
    if suffix.isdigit():
        return (prefix, 0, int(suffix), "")
    return (prefix, 1, 0, suffix)


def next_value(session: Session, *, company_id: int, name: str, start: int = 1, count: int = 1) -> int:
    """The next value of the counter `name` of the company (`start` first; see the module
    docstring for the two kinds).

    With `count` > 1 the first of a block of `count` consecutive values is returned: the caller
    owns `first … first + count - 1`."""
    bind = session.get_bind()
    if is_gap_free(name) or bind.dialect.name != "postgresql":
        return _advance(session, company_id=company_id, name=name, start=start, count=count)
    engine = bind.engine if isinstance(bind, Connection) else bind
    return _blocks(engine).take(company_id=company_id, name=name, start=start, count=count)


def unnumbered(row_id: int) -> int:
    """The number a row holds from its insert until it takes its gap-free number (see
    `take_gap_free`): minus its id — unique, so a numbers' unique constraint holds, and replaced in
    the same transaction, so never committed."""
    return -row_id


def take_gap_free(session: Session, *, company_id: int, counts: Mapping[str, int]) -> dict[str, int]:
    """Several gap-free counters at once, in `lock_order`: per name (→ how many values), the first
    value taken. Call once what they number is written (`unnumbered`), right before the commit."""
    names = sorted(counts, key=lock_order)
    for name in names:
        if not is_gap_free(name):
            raise ValueError(f"{name!r} is not a gap-free counter")
    statement = _ADVANCE[session.get_bind().dialect.name]
    values = direct.run_each(
        session,
        [(statement, _parameters(company_id=company_id, name=name, start=1, count=counts[name])) for name in names],
    )
    return {name: rows[0][0] - counts[name] + 1 for name, rows in zip(names, values, strict=True)}


def _parameters(*, company_id: int, name: str, start: int, count: int) -> dict[str, Any]:
    """`_ADVANCE`'s parameters: a new counter is created at the last value of its first step."""
    return {
        "counter_company": company_id,
        "counter_name": name,
        "counter_step": count,
        "counter_first": start - 1 + count,
    }


def _advance(session: Session | Connection, *, company_id: int, name: str, start: int, count: int) -> int:
    """The counter advanced by `count` in the transaction of `session` (row-locked until its end):
    the first of the `count` values taken."""
    params = _parameters(company_id=company_id, name=name, start=start, count=count)
    if isinstance(session, Session):  # on every request's write path: past SQLAlchemy's execution
        value = direct.run(session, _ADVANCE[session.get_bind().dialect.name], [params], fetch=True)[0][0]
    else:
        value = session.execute(_ADVANCE[session.dialect.name], params).scalar_one()
    return int(value) - count + 1


class _Blocks:
    """The plain-id blocks of one engine's database, held by this process."""

    def __init__(self, engine: Engine) -> None:
        # Its own small pool in autocommit: a reservation never waits for a request's connection
        # (the request pool may be exhausted by requests waiting for ids) and commits at once.
        self._engine = create_engine(
            engine.url, pool_size=1, max_overflow=3, pool_recycle=1800, isolation_level="AUTOCOMMIT"
        )
        self._guard = threading.Lock()
        self._locks: dict[tuple[int, str], threading.Lock] = {}
        self._free: dict[tuple[int, str], tuple[int, int]] = {}  # (next, end exclusive)

    def take(self, *, company_id: int, name: str, start: int, count: int) -> int:
        key = (company_id, name)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            first, end = self._free.get(key, (0, 0))
            if end - first < count:  # a run of `count` must be consecutive: the rest of the block goes
                size = max(BLOCK, count)
                with self._engine.connect() as conn:
                    first = _advance(conn, company_id=company_id, name=name, start=start, count=size)
                end = first + size
            self._free[key] = (first + count, end)
            return first

    def dispose(self) -> None:
        self._engine.dispose()


_BY_ENGINE: weakref.WeakKeyDictionary[Engine, _Blocks] = weakref.WeakKeyDictionary()
_BY_ENGINE_GUARD = threading.Lock()


def _blocks(engine: Engine) -> _Blocks:
    with _BY_ENGINE_GUARD:
        blocks = _BY_ENGINE.get(engine)
        if blocks is None:
            blocks = _BY_ENGINE[engine] = _Blocks(engine)
            # The reservation pool goes with the engine's (a dropped database leaves no connection).
            event.listen(engine, "engine_disposed", _disposer(blocks))
    return blocks


def _disposer(blocks: _Blocks) -> Any:
    def dispose(_engine: Engine) -> None:
        blocks.dispose()

    return dispose
