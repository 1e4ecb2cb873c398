"""Engines and session factories for SQLite and PostgreSQL.

Invariant: SQLite runs in WAL mode with foreign keys on and explicit `BEGIN` (so savepoints and
locks behave as on PostgreSQL); sessions never expire objects on commit and never autoflush
behind the service's back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20, **kwargs: Any) -> Engine:
    """An engine whose pool holds `pool_size + max_overflow` connections at most (both backends)."""
    kwargs.update(pool_size=pool_size, max_overflow=max_overflow)
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    # No pre-ping (a round trip per checkout): stale connections are recycled instead, and a
    # failed statement or commit already becomes an error response.
    kwargs.setdefault("pool_recycle", 1800)
    return create_engine(parsed, **kwargs)


def _sqlite_engine(url: Any, **kwargs: Any) -> Engine:
    database = url.database
    if database and database != ":memory:":
        from pathlib import Path

        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # SQLite's own lower() folds only ASCII; `ilike` compiles to lower() on both sides, so a
        # search for "ä" must find "Ä" as it does on PostgreSQL.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def make_session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions for one request each. A read-only factory (for GET requests) refuses every
    INSERT, UPDATE and DELETE; on PostgreSQL it runs in autocommit, which saves the BEGIN and
    COMMIT round trips and loses nothing: under READ COMMITTED each statement takes its own
    snapshot inside a transaction too."""
    if not read_only:
        return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
    bind = engine.execution_options(isolation_level="AUTOCOMMIT") if engine.dialect.name == "postgresql" else engine
    factory = sessionmaker(bind=bind, expire_on_commit=False, autoflush=False, info={"read_only": True})
    return factory


class ReadOnlySessionError(RuntimeError):
    """A write attempted through a read-only (GET) session: a bug in the endpoint, not bad input."""


@event.listens_for(Session, "do_orm_execute")
def _refuse_writes(state: ORMExecuteState) -> None:
    if state.session.info.get("read_only") and (state.is_insert or state.is_update or state.is_delete):
        raise ReadOnlySessionError("write in a read-only request")


@event.listens_for(Session, "before_flush")
def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get("read_only") and (session.new or session.dirty or session.deleted):
        raise ReadOnlySessionError("write in a read-only request")
