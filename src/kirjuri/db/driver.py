"""Prebuilt statements sent straight to the driver, past SQLAlchemy's execution context: compiled
by SQLAlchemy once per dialect (then cached), every value through its type's bind processor on the
way in and its result processor on the way out — what is stored and read is what SQLAlchemy would
store and read. `db.direct` writes through it; `first` reads one row.

With psycopg (PostgreSQL) statements are compiled with PostgreSQL's own `$n` placeholders, which
the driver's RawCursor passes on without parsing the SQL; several rows of one INSERT go as
multi-row statements (up to `MAX_ROWS` rows each: PostgreSQL takes at most 65,535 parameters per
statement); several statements go in one round trip (pipeline mode: run in order, the first error
ends the batch). On SQLite several rows go as an executemany, statements one by one.

Invariants: everything runs on the given connection, in its transaction, in the order asked; the
engine's `before_cursor_execute` listeners see every statement (with no execution context); a
driver error is raised as SQLAlchemy's exception, and a lost connection is invalidated, as
SQLAlchemy's own execution does.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Hashable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Connection, Dialect, Insert, Table, bindparam
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

from kirjuri.db import memo

NULL = object()  # an unset attribute without a default: SQL NULL, not passed to its type (as a flush omits it)

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class Compiled:
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
            out.append(None if value is NULL else value if process is None else process(value))
        if self.positional:
            return tuple(out)
        return {name: value for (_index, name, _process), value in zip(self.slots, out, strict=True)}


_COMPILED: dict[tuple[type, Hashable], Compiled] = {}
_RAW_DIALECTS: dict[type, Dialect] = {}


def compile_once(
    dialect: Dialect, cache_key: Hashable, build: Callable[[], ClauseElement], *, multirow: bool = False
) -> Compiled:
    """The statement `build` makes, compiled for `dialect` once per `cache_key`. A `multirow` one
    is an INSERT of several rows of parameters (`_many`: bind names suffixed `__<row>`)."""
    compiled = _COMPILED.get((type(dialect), cache_key))
    if compiled is None:
        raw = dialect.driver == "psycopg"
        statement: Any = build().compile(dialect=_raw_twin(dialect) if raw else dialect)
        binds = statement.binds
        names = tuple(statement.positiontup) if statement.positional else tuple(binds)
        if any(binds[name].expanding for name in names) or statement.escaped_bind_names:
            raise ValueError(f"not a statement for db.driver: {statement.string}")
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
        compiled = _COMPILED[(type(dialect), cache_key)] = Compiled(
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


@dataclass(frozen=True, slots=True)
class Step:
    """One statement to send: executed with one set of parameters, or executemany with several;
    the table it writes (its memo is forgotten when it is sent)."""

    compiled: Compiled
    params: list[Any]
    table: Table | None


# At most this many rows in one multi-row INSERT (PostgreSQL takes at most 65,535 parameters per
# statement; and the compiled forms, one per row count, stay few).
MAX_ROWS = 100


def steps(
    connection: Connection, statement: ClauseElement, rows: Sequence[Mapping[str, Any]], *, fetch: bool
) -> list[Step]:
    """`statement` with `rows`: on PostgreSQL an INSERT as multi-row statements of up to
    `MAX_ROWS` rows; else an executemany — or, to fetch what each row returns, one step per row."""
    dialect = connection.dialect
    table = getattr(statement, "table", None)
    table = table if isinstance(table, Table) else None
    if len(rows) > 1 and dialect.name == "postgresql" and isinstance(statement, Insert):
        names = tuple(rows[0])
        if any(len(row) != len(names) or any(name not in row for name in names) for row in rows):
            raise ValueError("every row of a multi-row INSERT must give the same columns")
        chunks = []
        for start in range(0, len(rows), MAX_ROWS):
            chunk = rows[start : start + MAX_ROWS]
            build = partial(_many, statement, names, len(chunk))
            compiled = compile_once(dialect, (statement, names, len(chunk)), build, multirow=True)
            chunks.append(Step(compiled, [compiled.parameters(chunk)], table))
        return chunks
    compiled = compile_once(dialect, statement, lambda: statement)
    params = [compiled.parameters([row]) for row in rows]
    if fetch:
        return [Step(compiled, [one], table) for one in params]
    return [Step(compiled, params, table)]


def execute(session: Session, connection: Connection, steps: Sequence[Step], *, fetch: bool) -> list[list[Any]]:
    """The steps in order on the session's `connection`, each one's returned rows when `fetch`
    (none for a statement that returns none). With psycopg several steps go in one round trip
    (pipeline mode: the server runs them in order, the first error ends the batch and is raised)."""
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
                _announce(connection, cursor, step.compiled.sql, step.params if many else step.params[0], many=many)
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


def _announce(connection: Connection, cursor: Any, sql: str, params: Any, *, many: bool) -> None:
    """What SQLAlchemy tells the engine's `before_cursor_execute` listeners (no execution context)."""
    for listener in connection.dispatch.before_cursor_execute:
        listener(connection, cursor, sql, params, None, many)


def _cursor(connection: Connection, compiled: Compiled) -> Any:
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


def first(session: Session, statement: ClauseElement, row: Mapping[str, Any]) -> Any | None:
    """The first row a prebuilt SELECT (module-level: compiled once per dialect) gives for the
    parameters `row`, as a named tuple of its columns' keys with each value through its type's
    result processor — or None. A read: any session, read-only ones too."""
    connection = session.connection()
    compiled = compile_once(connection.dialect, statement, lambda: statement)
    params = compiled.parameters([row])
    cursor = _cursor(connection, compiled)
    try:
        _announce(connection, cursor, compiled.sql, params, many=False)
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


def _many(statement: Insert, names: tuple[str, ...], count: int) -> ClauseElement:
    """`statement` (an INSERT without values) with `count` rows of the columns `names`."""
    table: Any = statement.table
    return statement.values(
        [{name: bindparam(f"{name}__{i}", type_=table.c[name].type) for name in names} for i in range(count)]
    )
