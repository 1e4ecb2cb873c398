"""Test fixtures: a fresh database per run (SQLite or PostgreSQL), built by the migrations.

`KIRJURI_TEST_DATABASE` picks the engine (`sqlite`, the default, or `postgresql`); the
PostgreSQL server is `KIRJURI_TEST_PG`. A database `kirjuri_test_<random>` is created for the
run and dropped after it. With `CI=true` an unreachable PostgreSQL fails the run instead of
skipping it. Tests do not clean up: each makes its own companies (tenancy keeps them apart).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

import kirjuri.auth.rules as auth_rules
from kirjuri.app import create_app
from kirjuri.config import Settings
from kirjuri.currencies.service import load_bundled_rates
from kirjuri.db.engine import make_engine, make_session_factory
from kirjuri.db.migrate import upgrade
from tests.factories import Tenant, make_tenant
from tests.logcapture import Logs, capture

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"

# argon2id with its cheapest parameters: the hashing rules are the same, the suite is minutes faster.
auth_rules._hasher = PasswordHasher.from_parameters(CHEAPEST)


def _engine_name() -> str:
    return os.environ.get("KIRJURI_TEST_DATABASE", "sqlite")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if _engine_name() == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "kirjuri.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        _load_rates(url)
        yield url
        return
    yield from _postgres_database()


def _load_rates(url: str) -> None:
    """The bundled ECB reference rates, once per run, as `kirjuri migrate` loads them."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            load_bundled_rates(session)
            session.commit()
    finally:
        engine.dispose()


def _postgres_database() -> Iterator[str]:
    import psycopg

    admin_url = os.environ.get("KIRJURI_TEST_PG", DEFAULT_PG)
    name = f"kirjuri_test_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL unreachable at {admin_url} and CI=true: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    base, _, _ = admin_url.rpartition("/")
    url = f"{base}/{name}"
    try:
        upgrade(url)
        _load_rates(url)
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        rate_limit_per_second=100_000,
        token_rate_per_second=100_000,
        var_dir=Path(tempfile.mkdtemp(prefix="kirjuri-var-")),
        log_level="WARNING",
    )


@pytest.fixture(scope="session")
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture(scope="session")
def session_factory(app: FastAPI) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = app.state.session_factory
    return factory


@pytest.fixture()
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for arranging and inspecting data; the test commits what it arranges."""
    session = session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@pytest.fixture()
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture()
def tenant(session_factory: sessionmaker[Session], settings: Settings) -> Tenant:
    """A company with a full-rights user, an API client, an API key and an access token."""
    return make_tenant(session_factory, settings)


@pytest.fixture()
def other_tenant(session_factory: sessionmaker[Session], settings: Settings) -> Tenant:
    return make_tenant(session_factory, settings, name="Toinen Oy")


@pytest.fixture()
def logs(monkeypatch: pytest.MonkeyPatch, settings: Settings, caplog: pytest.LogCaptureFixture) -> Iterator[Logs]:
    """Every log event, rendered line and record of the test (`tests.logcapture`)."""
    yield from capture(monkeypatch, settings, caplog)
