"""A transaction's memo: what one request reads several times (the open period of a day, the
chart's role accounts, the company row) is read from the database once per transaction — and a
company's configuration (`shared`) once per change of it, across requests.

Invariant: a remembered value is never older than the transaction's own writes — the memo lives
in `session.info`, is emptied at every commit and rollback, and whenever the session writes a
row of a watched table (a flush of a new, changed or deleted object of a watched class, or an
INSERT/UPDATE/DELETE of its table run through the session). Areas `watch` the tables their
memoised reads depend on.

A `shared` value is kept per database and company with the company's configuration stamp
(`companies.config_stamp`, replaced by triggers whenever the company row, a ledger account or
a setting is written): it is used only by a transaction that read the same stamp (`stamp`, from
the principal's query) and has written no watched table since — so it is never older than what
that transaction could have read itself. Shared values must be immutable.
"""

from __future__ import annotations

import secrets
import weakref
from collections.abc import Callable, Hashable
from itertools import chain
from typing import Any, TypeVar

from sqlalchemy import Engine, Table, event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

T = TypeVar("T")

_KEY = "kirjuri.memo"
_STAMP = "kirjuri.memo.stamp"
_WATCHED: set[Table] = set()
# Per database (engine): {(company id, key): (stamp, value)}, emptied when it grows past the bound.
_SHARED: weakref.WeakKeyDictionary[Engine, dict[tuple[int, Hashable], tuple[int, Any]]] = weakref.WeakKeyDictionary()
SHARED_BOUND = 4096


def new_config_stamp() -> int:
    """A new company's configuration stamp (the triggers draw theirs the same way: random, 62 bits)."""
    return secrets.randbits(62)


def watch(*models: Any) -> None:
    """Forget the memo whenever a row of these mapped classes' tables is written."""
    _WATCHED.update(model.__table__ for model in models)


def remember(session: Session, key: Hashable, load: Callable[[], T]) -> T:
    """The value remembered under `key` in this transaction, else `load()` (remembered unless it raises)."""
    memo: dict[Hashable, Any] = session.info.setdefault(_KEY, {})
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    value = memo[key] = load()
    return value


def stamp(session: Session, *, company_id: int, config_stamp: int) -> None:
    """The company's configuration stamp as this transaction read it (the principal's query)."""
    session.info[_STAMP] = (company_id, config_stamp)


def shared(session: Session, company_id: int, key: Hashable, load: Callable[[], T]) -> T:
    """The company's value under `key` as kept across requests while its configuration stamp is the
    one this transaction read; without a stamp (or after a watched write) `remember`ed instead."""
    known = session.info.get(_STAMP)
    if known is None or known[0] != company_id:
        return remember(session, (key, company_id), load)
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    kept = _SHARED.setdefault(engine, {})
    found = kept.get((company_id, key))
    if found is not None and found[0] == known[1]:
        return found[1]  # type: ignore[no-any-return]
    value = load()
    if len(kept) >= SHARED_BOUND:
        kept.clear()
    kept[(company_id, key)] = (known[1], value)
    return value


def forget(session: Session) -> None:
    session.info.pop(_KEY, None)
    session.info.pop(_STAMP, None)


def _remembers(session: Session) -> bool:
    return _KEY in session.info or _STAMP in session.info


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if _remembers(session) and any(
        getattr(obj, "__table__", None) in _WATCHED for obj in chain(session.new, session.dirty, session.deleted)
    ):
        forget(session)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    writes = state.is_insert or state.is_update or state.is_delete
    if writes and _remembers(state.session) and getattr(state.statement, "table", None) in _WATCHED:
        forget(state.session)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _after_transaction(session: Session, *_args: object) -> None:
    forget(session)


def wrote(session: Session, table: Table) -> None:
    """A write to `table` outside the ORM (`db.direct`): forget the memo when the table is watched."""
    if table in _WATCHED:
        forget(session)
