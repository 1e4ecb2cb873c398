"""A real Kirjuri server for tests that need a socket: uvicorn on a free loopback port, in a thread.

The app (and its engine) is the test run's own, so the server sees what the other fixtures arrange.
Use `live_server_url(app)` as a context manager, or the `live_server` fixture of a module that
imports `live_server` from here.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from tests.factories import Tenant


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_server_url(app: FastAPI) -> Iterator[str]:
    port = _free_port()
    # lifespan off: the app (and its engine) is shared with the other tests of the run.
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def live_server(app: FastAPI) -> Iterator[str]:
    with live_server_url(app) as url:
        yield url


@pytest.fixture()
def procountor_host(live_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the PyPI `procountor` client's test host at the live server."""
    from procountor.client import Client

    monkeypatch.setitem(Client._endpoints["hosts"], "test", live_server)
    return live_server


def procountor_client(tenant: Tenant, api_version: str = "26.04") -> Any:
    """A logged-in PyPI `procountor` 2.4.0 client (client credentials + API key) of the tenant."""
    from procountor.client import Client

    return Client(
        api_key=tenant.api_key,
        client_id=tenant.client_id,
        client_secret=tenant.client_secret,
        redirect_uri=tenant.redirect_uri,
        test_mode=True,
        api_version=api_version,
    )
