"""Statements sent straight to the driver, on the hot write paths: new objects inserted without
the ORM's unit of work (`insert`), chosen attributes of them updated (`update`), prebuilt Core
statements run (`run`, `run_each`), and what a block writes sent together (`batch`).

Why: writing an invoice is some 35 rows in six tables and a dozen statements; the unit of work's
bookkeeping per object and SQLAlchemy's execution context per statement cost more CPU than the
driver and the database spend on the same rows, and each round trip is a wait for the interpreter
lock under load. What is kept: each statement is compiled by SQLAlchemy for the session's dialect
(once, then cached) and every value goes through its type's bind processor — what is stored is
what a flush would store. With psycopg (PostgreSQL) several rows of one INSERT go as one multi-row
statement (up to `MAX_ROWS` rows each) with PostgreSQL's own `$n` placeholders, which the driver
passes on without parsing the SQL, and several statements go in one round trip (pipeline mode); on
SQLite several rows go as an executemany, and statements one by one.

Invariants:
- everything runs on the session's own connection, in its transaction (begun if it was not), in
  the order it was asked for; the engine's `before_cursor_execute` listeners see every statement
  (with no execution context); a driver error is raised as SQLAlchemy's exception (a lost
  connection is invalidated, as SQLAlchemy's execution does);
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

from collections import namedtuple
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Column, Connection, Dialect, Insert, Table, bindparam, event, inspect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session, SessionTransaction, make_transient, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import ClauseElement

from kirjuri.db import memo
from kirjuri.db.engine import ReadOnlySessionError

_NULL = object()  # an unset attribute without a default: SQL NULL, not passed to its type (as a flush omits it)

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A statement compiled for one dialect: its SQL and, per parameter in order, the row it comes
    from (-1: a value compiled into the statement, in `fixed`), its name in that row and its type's
    bind processor."""

    sql: str
    slots: tuple[tuple[int, str, Processor], ...]
    fixed: Mapping[str, Any]  # by bind name: the values the statement carries (literals compiled as binds)
    positional: bool  # else the driver takes a dict by bind name
    raw: bool  # PostgreSQL `$n` placeholders (psycopg's RawCursor)

    def parameters(self, rows: Sequence[Mapping[str, Any]]) -> Any:
        out = []
        for index, name, process in self.slots:
            value = self.fixed[name] if index < 0 else rows[index][name]
            out.append(None if value is _NULL else value if process is None else process(value))
        if self.positional:
            return tuple(out)
        return {name: value for (_index, name, _process), value in zip(self.slots, out, strict=True)}


@dataclass(frozen=True, slots=True)
class _Shape:
    """A mapped class's table and its columns as (attribute key, column), in table order."""

    table: Table
    columns: tuple[tuple[str, Column[Any]], ...]
    key: tuple[str, ...]  # primary-key attribute keys


_COMPILED: dict[tuple[type, Hashable], _Compiled] = {}
_SHAPES: dict[type, _Shape] = {}
_RAW_DIALECTS: dict[type, Dialect] = {}


def _compile(
    dialect: Dialect, cache_key: Hashable, build: Callable[[], ClauseElement], *, multirow: bool = False
) -> _Compiled:
    """The statement `build` makes, compiled for `dialect` once per `cache_key`. A `multirow` one
    is an INSERT of several rows of parameters (`_many`: bind names suffixed `__<row>`)."""
    compiled = _COMPILED.get((type(dialect), cache_key))
    if compiled is None:
        raw = dialect.driver == "psycopg"
        statement: Any = build().compile(dialect=_raw_twin(dialect) if raw else dialect)
        binds = statement.binds
        names = tuple(statement.positiontup) if statement.positional else tuple(binds)
        if any(binds[name].expanding for name in names) or statement.escaped_bind_names:
            raise ValueError(f"not a statement for db.direct: {statement.string}")
        slots = []
        for name in names:
            process = binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            if not binds[name].required:
                slots.append((-1, name, process))
            elif multirow:
                column, _, index = name.rpartition("__")
                slots.append((int(index), column, process))
            else:
                slots.append((0, name, process))
        compiled = _COMPILED[(type(dialect), cache_key)] = _Compiled(
            sql=statement.string,
            slots=tuple(slots),
            fixed={name: binds[name].value for name in names if not binds[name].required},
            positional=statement.positional,
            raw=raw,
        )
    return compiled


def _raw_twin(dialect: Dialect) -> Dialect:
    """The psycopg dialect compiling to `$n` placeholders (the server's own, which psycopg's
    RawCursor passes on as they are)."""
    twin = _RAW_DIALECTS.get(type(dialect))
    if twin is None:
        make: Any = type(dialect)
        twin = _RAW_DIALECTS[type(dialect)] = make(paramstyle="numeric_dollar")
    return twin


def _connection(session: Session | Connection) -> Connection:
    if isinstance(session, Session):
        if session.info.get("read_only"):
            raise ReadOnlySessionError("write in a read-only request")
        return session.connection()
    return session


@dataclass(frozen=True, slots=True)
class _Step:
    """One statement to send: executed with one set of parameters, or executemany with several;
    the table it writes (its memo is forgotten when it is sent)."""

    compiled: _Compiled
    params: list[Any]
    table: Table | None


# At most this many rows in one multi-row INSERT (PostgreSQL takes at most 65,535 parameters per
# statement; and the compiled forms, one per row count, stay few).
MAX_ROWS = 100


def _steps(
    connection: Connection, statement: ClauseElement, rows: Sequence[Mapping[str, Any]], *, fetch: bool
) -> list[_Step]:
    """`statement` with `rows`: on PostgreSQL an INSERT as multi-row statements of up to
    `MAX_ROWS` rows; else an executemany — or, to fetch what each row returns, one step per row."""
    dialect = connection.dialect
    table = getattr(statement, "table", None)
    table = table if isinstance(table, Table) else None
    if len(rows) > 1 and dialect.name == "postgresql" and isinstance(statement, Insert):
        names = tuple(rows[0])
        if any(len(row) != len(names) or any(name not in row for name in names) for row in rows):
            raise ValueError("every row of a multi-row INSERT must give the same columns")
        steps = []
        for start in range(0, len(rows), MAX_ROWS):
            chunk = rows[start : start + MAX_ROWS]
            build = partial(_many, statement, names, len(chunk))
            compiled = _compile(dialect, (statement, names, len(chunk)), build, multirow=True)
            steps.append(_Step(compiled, [compiled.parameters(chunk)], table))
        return steps
    compiled = _compile(dialect, statement, lambda: statement)
    params = [compiled.parameters([row]) for row in rows]
    if fetch:
        return [_Step(compiled, [one], table) for one in params]
    return [_Step(compiled, params, table)]


def _execute(
    session: Session | Connection, connection: Connection, steps: Sequence[_Step], *, fetch: bool
) -> list[list[Any]]:
    """The steps in order, each one's returned rows when `fetch` (none for a statement that returns
    none). With psycopg several steps go in one round trip (pipeline mode: the server runs them in
    order, the first error ends the batch and is raised)."""
    if isinstance(session, Session):
        for step in steps:
            if step.table is not None:
                memo.wrote(session, step.table)
    dbapi = connection.dialect.loaded_dbapi
    driver: Any = connection.connection.dbapi_connection
    cursors: list[Any] = []
    try:
        pipelined = len(steps) > 1 and connection.dialect.driver == "psycopg"
        with driver.pipeline() if pipelined else nullcontext() as pipeline:
            for step in steps:
                cursor = _cursor(connection, step.compiled)
                cursors.append(cursor)
                many = len(step.params) > 1
                for listener in connection.dispatch.before_cursor_execute:
                    listener(connection, cursor, step.compiled.sql, step.params if many else step.params[0], None, many)
                if many:
                    cursor.executemany(step.compiled.sql, step.params)
                else:
                    cursor.execute(step.compiled.sql, step.params[0])
            if pipeline is not None and fetch:
                pipeline.sync()  # every result received: each cursor knows whether it has rows
            results = [list(cursor.fetchall()) if fetch and cursor.description else [] for cursor in cursors]
    except dbapi.Error as error:
        sql = "; ".join(step.compiled.sql for step in steps)
        raise _wrapped(
            connection, error, sql, [step.params for step in steps], cursors[-1] if cursors else None
        ) from error
    finally:
        for cursor in cursors:
            cursor.close()
    return results


def _cursor(connection: Connection, compiled: _Compiled) -> Any:
    driver: Any = connection.connection.dbapi_connection
    return connection.dialect.loaded_dbapi.RawCursor(driver) if compiled.raw else connection.connection.cursor()


def _wrapped(connection: Connection, error: Any, sql: str, params: Any, cursor: Any) -> StatementError:
    """A driver error as SQLAlchemy's own execution raises it: its exception classes (the API maps
    them, e.g. a locked SQLite to 503); a connection that is gone is not given back to the pool."""
    lost = connection.dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
    if lost:
        connection.invalidate(error)
    dbapi = connection.dialect.loaded_dbapi
    wrapped: StatementError = DBAPIError.instance(
        sql, params, error, dbapi.Error, dialect=connection.dialect, connection_invalidated=lost
    )
    return wrapped


def first(session: Session | Connection, statement: ClauseElement, row: Mapping[str, Any]) -> Any | None:
    """The first row a prebuilt SELECT (module-level: compiled once per dialect) gives for the
    parameters `row`, as a named tuple of its columns' keys with each value through its type's
    result processor — or None. A read: any session, read-only ones too."""
    connection = session.connection() if isinstance(session, Session) else session
    compiled = _compile(connection.dialect, statement, lambda: statement)
    params = compiled.parameters([row])
    cursor = _cursor(connection, compiled)
    try:
        for listener in connection.dispatch.before_cursor_execute:
            listener(connection, cursor, compiled.sql, params, None, False)
        cursor.execute(compiled.sql, params)
        found = cursor.fetchone()
        shape = _result_shape(connection.dialect, statement, cursor.description)
    except connection.dialect.loaded_dbapi.Error as error:
        raise _wrapped(connection, error, compiled.sql, params, cursor) from error
    finally:
        cursor.close()
    if found is None:
        return None
    make, loaders = shape
    return make(*(value if load is None else load(value) for value, load in zip(found, loaders, strict=True)))


_RESULTS: dict[tuple[type, ClauseElement], tuple[Any, tuple[Processor, ...]]] = {}


def _result_shape(dialect: Dialect, statement: Any, description: Any) -> tuple[Any, tuple[Processor, ...]]:
    """The row type and the result processors of a SELECT's columns (from the driver's first
    description of its result, as SQLAlchemy takes them)."""
    shape = _RESULTS.get((type(dialect), statement))
    if shape is None:
        columns = list(statement.selected_columns)
        make = namedtuple("Row", [column.key for column in columns])  # type: ignore[misc]
        loaders = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, entry[1])
            for column, entry in zip(columns, description, strict=True)
        )
        shape = _RESULTS[(type(dialect), statement)] = (make, loaders)
    return shape


def _send(session: Session | Connection, steps: list[_Step], *, fetch: bool = False) -> list[list[Any]]:
    """The steps executed now — or, inside `batch`, kept to go with the batch; a step that fetches
    takes what the batch holds so far along with it, ahead of it."""
    pending: list[_Step] | None = session.info.get(_BATCH) if isinstance(session, Session) else None
    if pending is None:
        return _execute(session, _connection(session), steps, fetch=fetch)
    if not fetch:
        pending.extend(steps)
        return [[] for _ in steps]
    ahead = list(pending)
    pending.clear()
    return _execute(session, _connection(session), [*ahead, *steps], fetch=True)[len(ahead) :]


def run(
    session: Session | Connection, statement: ClauseElement, rows: Sequence[Mapping[str, Any]], *, fetch: bool = False
) -> list[Any]:
    """A prebuilt Core statement (module-level: it is compiled once per dialect, keyed by identity)
    run once per row of parameters (executemany for several); what it returns for all of them when
    `fetch`. An INSERT built without values (`insert(table)`, an `on_conflict_…` clause allowed)
    given several rows goes as multi-row statements on PostgreSQL (every row giving the same
    columns)."""
    if not rows:
        return []
    steps = _steps(_connection(session), statement, rows, fetch=fetch)
    return [row for result in _send(session, steps, fetch=fetch) for row in result]


def run_each(
    session: Session | Connection, calls: Sequence[tuple[ClauseElement, Mapping[str, Any]]]
) -> list[list[Any]]:
    """Several prebuilt statements, each with one row of parameters, in order and in one round
    trip on PostgreSQL: what each returns."""
    connection = _connection(session)
    return _send(session, [_steps(connection, statement, [row], fetch=True)[0] for statement, row in calls], fetch=True)


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
    pending: list[_Step] = []
    session.info[_BATCH] = pending
    try:
        yield
    finally:
        del session.info[_BATCH]
    if pending:
        _execute(session, _connection(session), pending, fetch=False)


_BATCH = "kirjuri.direct.batch"


def _many(statement: Insert, names: tuple[str, ...], count: int) -> ClauseElement:
    """`statement` (an INSERT without values) with `count` rows of the columns `names`."""
    table: Any = statement.table
    return statement.values(
        [{name: bindparam(f"{name}__{i}", type_=table.c[name].type) for name in names} for i in range(count)]
    )


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
        shape = _SHAPES[cls] = _Shape(table=table, columns=columns, key=key)
    return shape


def _default(obj: object, key: str, column: Column[Any]) -> Any:
    """An unset attribute's value, as a flush has it: its column's Python default (written back
    onto the object), else SQL NULL."""
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
    """INSERT the new objects, one statement per table, tables in the order they first come. The
    objects stay transient."""
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
    columns = dict(shape.columns)
    state = obj.__dict__
    names = tuple(columns[key].key for key in keys)
    row = {columns[key].key: state[key] for key in keys}
    row.update({f"key_{columns[key].key}": state[key] for key in shape.key})
    connection = _connection(session)
    table = shape.table

    def build() -> ClauseElement:
        where = [
            table.c[columns[key].key] == bindparam(f"key_{columns[key].key}", type_=columns[key].type)
            for key in shape.key
        ]
        return table.update().where(*where).values({name: bindparam(name, type_=table.c[name].type) for name in names})

    compiled = _compile(connection.dialect, ("update", table, names), build)
    _send(session, [_Step(compiled, [compiled.parameters([row])], table)])


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
