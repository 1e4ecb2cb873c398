"""Statements sent straight to the driver, on the hot write paths: new objects inserted without
the ORM's unit of work (`insert`), chosen attributes of them updated (`update`), and prebuilt Core
statements run (`run`).

Why: writing an invoice is some 35 rows in six tables and a dozen statements; the unit of work's
bookkeeping per object and SQLAlchemy's execution context per statement cost more CPU than the
driver and the database spend on the same rows. What is kept: each statement is compiled by
SQLAlchemy for the session's dialect (once, then cached) and every value goes through its type's
bind processor — what is stored is what a flush would store.

Invariants:
- everything runs on the session's own connection, in its transaction (begun if it was not), and
  the engine's `before_cursor_execute` listeners see every statement;
- an attribute left unset takes its column's Python default, written back onto the object as a
  flush does (a column without one is written NULL, or left to its server default when no object
  sets it);
- a read-only session refuses, as it refuses a flush (`db.engine`), and a write to a table the
  memo watches forgets the memo (`db.memo`);
- `insert` leaves the objects transient: nothing else in the session sees them. `attach` makes
  them persistent and clean (as if just loaded) for callers that go on with them through the ORM;
  a rollback makes them transient again, as it does objects a flush inserted.
Tables are written in the order their first object comes: the caller orders parents first.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Dialect,
    Select,
    Table,
    bindparam,
    event,
    func,
    inspect,
    literal_column,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import ClauseElement

from kirjuri.db import memo
from kirjuri.db.engine import ReadOnlySessionError

_NULL = object()  # an unset attribute without a default: SQL NULL, not passed to the type (as a flush omits it)


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A statement compiled for one dialect: its SQL and how values become its parameters."""

    sql: str
    names: tuple[str, ...]  # bind names, in parameter order when positional
    processors: tuple[Callable[[Any], Any] | None, ...]
    fixed: Mapping[str, Any]  # values the statement carries itself (literals compiled as binds)
    positional: bool

    def parameters(self, values: Mapping[str, Any]) -> Any:
        out = []
        for name, process in zip(self.names, self.processors, strict=True):
            value = values[name] if name in values else self.fixed[name]
            out.append(None if value is _NULL else value if process is None else process(value))
        return tuple(out) if self.positional else dict(zip(self.names, out, strict=True))


@dataclass(frozen=True, slots=True)
class _Shape:
    """A mapped class's table and its columns as (attribute key, column), in table order."""

    table: Table
    columns: tuple[tuple[str, Column[Any]], ...]
    key: tuple[str, ...]  # primary-key attribute keys


_COMPILED: dict[tuple[str, Any], _Compiled] = {}
_SHAPES: dict[type, _Shape] = {}


def _compile(dialect: Dialect, cache_key: Hashable, build: Callable[[], ClauseElement]) -> _Compiled:
    """The statement `build` makes, compiled for `dialect` once per `cache_key`."""
    compiled = _COMPILED.get((dialect.name, cache_key))
    if compiled is None:
        statement: Any = build().compile(dialect=dialect)
        binds = statement.binds
        names = tuple(statement.positiontup) if statement.positional else tuple(binds)
        if any(binds[name].expanding for name in names) or statement.escaped_bind_names:
            raise ValueError(f"not a statement for db.direct: {statement.string}")
        compiled = _COMPILED[(dialect.name, cache_key)] = _Compiled(
            sql=statement.string,
            names=names,
            processors=tuple(binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names),
            fixed={name: binds[name].value for name in names if not binds[name].required},
            positional=statement.positional,
        )
    return compiled


def _insert_of(table: Table, names: tuple[str, ...]) -> ClauseElement:
    return table.insert().values({name: bindparam(name, type_=table.c[name].type) for name in names})


def _update_of(table: Table, names: tuple[str, ...], key: tuple[str, ...]) -> ClauseElement:
    where = [table.c[name] == bindparam(f"key_{name}", type_=table.c[name].type) for name in key]
    return table.update().where(*where).values({name: bindparam(name, type_=table.c[name].type) for name in names})


def _connection(session: Session | Connection) -> Connection:
    if isinstance(session, Session):
        if session.info.get("read_only"):
            raise ReadOnlySessionError("write in a read-only request")
        return session.connection()
    return session


def _send(connection: Connection, compiled: _Compiled, rows: Sequence[Mapping[str, Any]], *, fetch: bool) -> list[Any]:
    params = [compiled.parameters(row) for row in rows]
    many = len(params) > 1
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.cursor()
    try:
        if connection.dispatch.before_cursor_execute:
            for listener in connection.dispatch.before_cursor_execute:
                listener(connection, cursor, compiled.sql, params if many else params[0], None, many)
        if many:
            cursor.executemany(compiled.sql, params)
        else:
            cursor.execute(compiled.sql, params[0])
        return list(cursor.fetchall()) if fetch else []
    except dbapi.Error as error:
        # As SQLAlchemy's own execution does: its exception classes (the API maps them, e.g. a
        # locked SQLite to 503), and a connection that is gone is not given back to the pool.
        lost = connection.dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
        if lost:
            connection.invalidate(error)
        raise DBAPIError.instance(
            compiled.sql, params, error, dbapi.Error, dialect=connection.dialect, connection_invalidated=lost
        ) from error
    finally:
        cursor.close()


def run(
    session: Session | Connection, statement: ClauseElement, rows: Sequence[Mapping[str, Any]], *, fetch: bool = False
) -> list[Any]:
    """A prebuilt Core statement (module-level: it is compiled once per dialect, keyed by identity)
    run once per row of parameters (executemany for several); its returned rows when `fetch`."""
    if not rows:
        return []
    connection = _connection(session)
    table = getattr(statement, "table", None)
    if isinstance(session, Session) and isinstance(table, Table):
        memo.wrote(session, table)
    return _send(connection, _compile(connection.dialect, statement, lambda: statement), rows, fetch=fetch)


def _shape(cls: type) -> _Shape:
    shape = _SHAPES.get(cls)
    if shape is None:
        mapper: Any = inspect(cls)
        table = mapper.local_table
        if not isinstance(table, Table):
            raise TypeError(f"{cls.__name__} is not mapped to one table")
        columns = tuple((prop.key, prop.columns[0]) for prop in mapper.column_attrs)
        by_column = {column: key for key, column in columns}
        key = tuple(by_column[column] for column in mapper.primary_key)
        shape = _SHAPES[cls] = _Shape(table=table, columns=columns, key=key)  # type: ignore[arg-type]
    return shape


def _default(obj: object, key: str, column: Column[Any]) -> Any:
    default: Any = column.default
    if default is None:
        return _NULL
    if default.is_callable:
        value = default.arg(None)
    elif default.is_scalar:
        value = default.arg
    else:
        raise ValueError(f"db.direct cannot evaluate the default of {column}")
    set_committed_value(obj, key, value)
    return value


def insert(session: Session, objects: Iterable[object]) -> None:
    """INSERT the new objects, one statement (executemany) per table, tables in the order they
    first come. The objects stay transient."""
    by_class: dict[type, list[object]] = {}
    for obj in objects:
        by_class.setdefault(type(obj), []).append(obj)
    for cls, group in by_class.items():
        shape = _shape(cls)
        states = [obj.__dict__ for obj in group]
        columns = [
            (key, column)
            for key, column in shape.columns
            if column.server_default is None or any(key in state for state in states)
        ]
        rows = [
            {column.key: state[key] if key in state else _default(obj, key, column) for key, column in columns}
            for obj, state in zip(group, states, strict=True)
        ]
        names = tuple(column.key for _key, column in columns)
        memo.wrote(session, shape.table)
        connection = _connection(session)
        if (
            len(rows) > 1
            and connection.dialect.name == "postgresql"
            and _null_safe(connection.dialect, shape.table, rows)
        ):
            build = partial(_insert_unnest_of, shape.table, names)
            compiled = _compile(connection.dialect, ("insert-unnest", shape.table, names), build)
            _send(connection, compiled, [arrays(rows, names)], fetch=False)
        else:
            build = partial(_insert_of, shape.table, names)
            _send(connection, _compile(connection.dialect, ("insert", shape.table, names), build), rows, fetch=False)


def arrays(rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> dict[str, list[Any]]:
    """Rows as one list per column (the parameters of an `unnest` statement; unset is NULL)."""
    return {name: [None if (value := row[name]) is _NULL else value for row in rows] for name in names}


def unnest(table: Table, names: Sequence[str]) -> Select[Any]:
    """PostgreSQL: `SELECT * FROM unnest(:a, :b, …)`, one array parameter per column of `table` —
    many rows in one statement whose text does not depend on their number (parameters: `arrays`)."""
    columns = [bindparam(name, type_=postgresql.ARRAY(table.c[name].type)) for name in names]
    return select(literal_column("*")).select_from(func.unnest(*columns))


def _insert_unnest_of(table: Table, names: tuple[str, ...]) -> ClauseElement:
    return table.insert().from_select(names, unnest(table, names))


_NULL_UNSAFE: dict[tuple[str, Table], frozenset[str]] = {}


def _null_safe(dialect: Dialect, table: Table, rows: Sequence[Mapping[str, Any]]) -> bool:
    """Whether no row leaves unset a column whose type writes None as a value (JSON `null`): in an
    array there is no telling that unset from None, so such rows go one by one."""
    unsafe = _NULL_UNSAFE.get((dialect.name, table))
    if unsafe is None:
        unsafe = _NULL_UNSAFE[(dialect.name, table)] = frozenset(
            column.key
            for column in table.columns
            if (process := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None
            and process(None) is not None
        )
    return not any(row.get(name) is _NULL for row in rows for name in unsafe)


def update(session: Session, obj: object, keys: Sequence[str]) -> None:
    """UPDATE the row of `obj` (an object `insert` wrote, or any with its primary key set) with the
    current values of its attributes `keys`."""
    shape = _shape(type(obj))
    columns = dict(shape.columns)
    state = obj.__dict__
    names = tuple(columns[key].key for key in keys)
    key_names = tuple(columns[key].key for key in shape.key)
    row = {columns[key].key: state[key] for key in keys}
    row.update({f"key_{columns[key].key}": state[key] for key in shape.key})
    memo.wrote(session, shape.table)
    connection = _connection(session)
    build = partial(_update_of, shape.table, names, key_names)
    _send(connection, _compile(connection.dialect, ("update", shape.table, names), build), [row], fetch=False)


def attach(session: Session, objects: Iterable[object]) -> None:
    """Objects `insert` wrote made persistent and clean in the session, as if just loaded: later
    changes to them flush as UPDATEs. A rollback of the transaction (or savepoint) they were
    attached in expunges them again, as it does the objects a flush inserted."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    attached: list[tuple[SessionTransaction | None, object]] = session.info.setdefault(_ATTACHED, [])
    for obj in objects:
        make_transient_to_detached(obj)
        session.add(obj)
        attached.append((transaction, obj))


_ATTACHED = "kirjuri.direct.attached"


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_ATTACHED, None)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    kept = []
    for transaction, obj in session.info.pop(_ATTACHED, ()):
        if _within(transaction, previous):
            if obj in session:
                session.expunge(obj)
        else:
            kept.append((transaction, obj))
    if kept:
        session.info[_ATTACHED] = kept


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False
