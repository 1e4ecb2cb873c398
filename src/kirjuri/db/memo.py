"""A transaction's memo: what one request reads several times (the open period of a day, the
chart's role accounts, the company row) is read from the database once per transaction.

Invariant: a remembered value is never older than the transaction's own writes — the memo lives
in `session.info` (nothing is shared between sessions, requests or processes), is emptied at
every commit and rollback, and whenever the session writes a row of a watched table (a flush of
a new, changed or deleted object of a watched class, or an INSERT/UPDATE/DELETE of its table run
through the session). Areas `watch` the tables their memoised reads depend on.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from itertools import chain
from typing import Any, TypeVar

from sqlalchemy import Table, event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

T = TypeVar("T")

_KEY = "kirjuri.memo"
_WATCHED: set[Table] = set()


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


def forget(session: Session) -> None:
    session.info.pop(_KEY, None)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if _KEY in session.info and any(
        getattr(obj, "__table__", None) in _WATCHED for obj in chain(session.new, session.dirty, session.deleted)
    ):
        forget(session)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    writes = state.is_insert or state.is_update or state.is_delete
    if _KEY in state.session.info and writes and getattr(state.statement, "table", None) in _WATCHED:
        forget(state.session)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _after_transaction(session: Session, *_args: object) -> None:
    forget(session)
