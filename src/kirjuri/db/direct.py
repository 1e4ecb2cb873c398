"""New rows written past the ORM's unit of work, on the hot write paths: objects inserted
(`insert`), chosen attributes of them updated (`update`), prebuilt Core statements run (`run`,
`run_each`), and what a block writes sent together (`batch`) — through `db.driver`.

Why: writing an invoice is some 35 rows in six tables and a dozen statements; the unit of work's
bookkeeping per object and SQLAlchemy's execution context per statement cost more CPU than the
driver and the database spend on the same rows, and each round trip is a wait for the interpreter
lock under load. What a flush would store is stored (`db.driver`: SQLAlchemy's compilation and
types); on PostgreSQL the rows of a table go as one statement and a batch as one round trip.

Invariants:
- everything runs on the session's own connection, in its transaction (begun if it was not), in
  the order it was asked for;
- an attribute left unset (or None, but for a type that stores None as a value: JSON) takes its
  column's Python default, written back onto the object, else NULL — as a flush has it (the mapped
  tables have no server defaults: `_shape` refuses one);
- a read-only session refuses, as it refuses a flush (`db.engine`), and a write to a table the
  memo watches forgets the memo when it is sent (`db.memo`);
- `insert` leaves the objects transient: nothing else in the session sees them. `attach` makes
  them persistent and clean (as if just loaded) for callers that go on with them through the ORM;
  a rollback of the transaction or savepoint they were attached in makes them transient again,
  with their values, as it does objects a flush inserted.
Tables are written in the order their first object comes: the caller orders parents first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, Insert, Table, bindparam, event, inspect
from sqlalchemy.orm import Session, SessionTransaction, make_transient, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import ClauseElement

from kirjuri.db import driver
from kirjuri.db.driver import NULL, Step
from kirjuri.db.engine import ReadOnlySessionError


@dataclass(frozen=True, slots=True)
class _Shape:
    """A mapped class's table and its columns as (attribute key, column), in table order."""

    table: Table
    columns: tuple[tuple[str, Column[Any]], ...]
    key: tuple[str, ...]  # primary-key attribute keys
    by_key: Mapping[str, Column[Any]]  # attribute key → column


_SHAPES: dict[type, _Shape] = {}


def _connection(session: Session) -> Connection:
    if session.info.get("read_only"):
        raise ReadOnlySessionError("write in a read-only request")
    return session.connection()


def _send(session: Session, connection: Connection, steps: list[Step], *, fetch: bool = False) -> list[list[Any]]:
    """The steps executed now — or, inside `batch`, kept to go with the batch; a step that fetches
    takes what the batch holds so far along with it, ahead of it."""
    pending: list[Step] | None = session.info.get(_BATCH)
    if pending is None:
        return driver.execute(session, connection, steps, fetch=fetch)
    if not fetch:
        pending.extend(steps)
        return [[] for _ in steps]
    ahead = list(pending)
    pending.clear()
    return driver.execute(session, connection, [*ahead, *steps], fetch=True)[len(ahead) :]


def run(
    session: Session, statement: ClauseElement, rows: Sequence[Mapping[str, Any]], *, fetch: bool = False
) -> list[Any]:
    """A prebuilt Core statement (module-level: it is compiled once per dialect, keyed by identity)
    run once per row of parameters (executemany for several); what it returns for all of them when
    `fetch`. An INSERT built without values (`insert(table)`, an `on_conflict_…` clause allowed)
    given several rows goes as multi-row statements on PostgreSQL (every row giving the same
    columns)."""
    if not rows:
        return []
    connection = _connection(session)
    steps = driver.steps(connection, statement, rows, fetch=fetch)
    return [row for result in _send(session, connection, steps, fetch=fetch) for row in result]


def run_each(session: Session, calls: Sequence[tuple[ClauseElement, Mapping[str, Any]]]) -> list[list[Any]]:
    """Several prebuilt statements, each with one row of parameters, in order and in one round
    trip on PostgreSQL: what each returns."""
    connection = _connection(session)
    steps = [driver.steps(connection, statement, [row], fetch=True)[0] for statement, row in calls]
    return _send(session, connection, steps, fetch=True)


@contextmanager
def batch(session: Session) -> Iterator[None]:
    """The statements `insert`, `update` and `run` make inside the block are sent together when it
    ends — one round trip on PostgreSQL — in the order they were made; one that fetches goes at
    once, with what the block holds so far ahead of it. Statements run otherwise (the ORM's) do not
    wait for the block: do not read through them what it writes. An error inside the block sends
    nothing."""
    if _BATCH in session.info:
        yield
        return
    pending: list[Step] = []
    session.info[_BATCH] = pending
    try:
        yield
    finally:
        del session.info[_BATCH]
    if pending:
        driver.execute(session, _connection(session), pending, fetch=False)


_BATCH = "kirjuri.direct.batch"


def _shape(cls: type) -> _Shape:
    shape = _SHAPES.get(cls)
    if shape is None:
        mapper: Any = inspect(cls)
        table = mapper.local_table
        if not isinstance(table, Table):
            raise TypeError(f"{cls.__name__} is not mapped to one table")
        columns = tuple((prop.key, prop.columns[0]) for prop in mapper.column_attrs)
        if any(column.server_default is not None for _key, column in columns):
            raise TypeError(f"db.direct does not write tables with server defaults ({table.name})")
        by_column = {column: key for key, column in columns}
        key = tuple(by_column[column] for column in mapper.primary_key)
        shape = _SHAPES[cls] = _Shape(table=table, columns=columns, key=key, by_key=dict(columns))
    return shape


def _default(obj: object, key: str, column: Column[Any]) -> Any:
    """An unset attribute's value, as a flush has it: its column's Python default (written back
    onto the object), else SQL NULL."""
    default: Any = column.default
    if default is None:
        return NULL
    if default.is_callable:
        value = default.arg(None)
    elif default.is_scalar:
        value = default.arg
    else:
        raise ValueError(f"db.direct cannot evaluate the default of {column}")
    set_committed_value(obj, key, value)
    return value


def insert(session: Session, objects: Iterable[object]) -> None:
    """INSERT the new objects, one statement per table, tables in the order they first come. The
    objects stay transient. Objects added to the session and not yet flushed are flushed first (a
    row written here may refer to one of them)."""
    if session.new:
        session.flush()
    by_class: dict[type, list[object]] = {}
    for obj in objects:
        by_class.setdefault(type(obj), []).append(obj)
    with batch(session):
        for cls, group in by_class.items():
            shape = _shape(cls)
            run(session, _insert_of(shape.table), [_values(obj, shape) for obj in group])


def _values(obj: object, shape: _Shape) -> dict[str, Any]:
    """Column name → value of a new object (its attributes; defaults for those left unset)."""
    state = obj.__dict__
    values = {}
    for key, column in shape.columns:
        value = state.get(key)
        # As a flush: None is "unset" but for a type that stores None as a value (JSON `null`).
        if value is None and (key not in state or not column.type.should_evaluate_none):
            value = _default(obj, key, column)
        values[column.key] = value
    return values


_INSERTS: dict[Table, Insert] = {}


def _insert_of(table: Table) -> Insert:
    """The table's INSERT of every column (no values: `run` makes it multi-row), one object per
    table (`run` caches its compiled forms by identity)."""
    statement = _INSERTS.get(table)
    if statement is None:
        statement = _INSERTS[table] = table.insert()
    return statement


def update(session: Session, obj: object, keys: Sequence[str]) -> None:
    """UPDATE the row of `obj` (an object `insert` wrote, or any with its primary key set) with the
    current values of its attributes `keys`."""
    shape = _shape(type(obj))
    state = obj.__dict__
    values = {shape.by_key[key].key: state[key] for key in keys}
    names = tuple(values)
    primary = [shape.by_key[key] for key in shape.key]
    row = {**values, **{f"key_{column.key}": state[key] for key, column in zip(shape.key, primary, strict=True)}}
    connection = _connection(session)
    table = shape.table

    def build() -> ClauseElement:
        where = [column == bindparam(f"key_{column.key}", type_=column.type) for column in primary]
        return table.update().where(*where).values({name: bindparam(name, type_=table.c[name].type) for name in names})

    compiled = driver.compile_once(connection.dialect, ("update", table, names), build)
    _send(session, connection, [Step(compiled, [compiled.parameters([row])], table)])


def attach(session: Session, objects: Iterable[object]) -> None:
    """Objects `insert` wrote made persistent and clean in the session, as if just loaded: later
    changes to them flush as UPDATEs. A rollback of the transaction (or savepoint) they were
    attached in makes them transient again, with the values they had here, as it does the objects
    a flush inserted."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    attached: list[tuple[SessionTransaction | None, object, dict[str, Any]]] = session.info.setdefault(_ATTACHED, [])
    for obj in objects:
        values = {key: value for key, value in obj.__dict__.items() if not key.startswith("_sa_")}
        make_transient_to_detached(obj)
        session.add(obj)
        attached.append((transaction, obj, values))


_ATTACHED = "kirjuri.direct.attached"


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if not session.in_transaction():  # not a savepoint's release: the transaction's real commit
        session.info.pop(_ATTACHED, None)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    kept = []
    for transaction, obj, values in session.info.pop(_ATTACHED, ()):
        if not _within(transaction, previous):
            kept.append((transaction, obj, values))
            continue
        if obj in session:
            session.expunge(obj)
        make_transient(obj)
        for key, value in values.items():
            set_committed_value(obj, key, value)
    if kept:
        session.info[_ATTACHED] = kept


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False
