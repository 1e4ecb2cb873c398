"""Fixtures of the wire-convention tests: a test-only app (the real one plus `wire_app` routes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kirjuri.config import Settings
from tests.api import wire_app


@pytest.fixture(scope="session")
def wire_application(settings: Settings) -> FastAPI:
    return wire_app.build(settings)


@pytest.fixture()
def wire(wire_application: FastAPI) -> Iterator[TestClient]:
    with TestClient(wire_application, raise_server_exceptions=False) as test_client:
        yield test_client
