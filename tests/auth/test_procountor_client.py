"""The PyPI `procountor` 2.4.0 client against a real Kirjuri server (uvicorn on a loopback port):
client credentials + API key, reads, and `invalidate_token()` (POST {host}/logout)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from procountor.client import Client

from tests.factories import Tenant


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def live_server(app: FastAPI) -> Iterator[str]:
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


@pytest.fixture()
def host(live_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(Client._endpoints["hosts"], "test", live_server)
    return live_server


def _client(tenant: Tenant, api_version: str) -> Client:
    return Client(
        api_key=tenant.api_key,
        client_id=tenant.client_id,
        client_secret=tenant.client_secret,
        redirect_uri=tenant.redirect_uri,
        test_mode=True,
        api_version=api_version,
    )


@pytest.mark.parametrize("api_version", ["26.04", "supported", "latest"])
def test_client_gets_a_token_and_reads_session_info(host: str, tenant: Tenant, api_version: str) -> None:
    client = _client(tenant, api_version)
    assert client.access_token.count(".") == 2
    answer = client.request("GET", "sessioninfo")
    assert answer["status"] == 200, answer
    assert answer["content"]["companyId"] == tenant.company_id
    assert answer["content"]["userId"] == tenant.user_id


def test_client_reads_users_and_company(host: str, tenant: Tenant) -> None:
    client = _client(tenant, "26.04")
    user = client.request("GET", "users")
    assert user["status"] == 200, user
    assert user["content"]["id"] == tenant.user_id
    assert user["content"]["username"] == tenant.username
    company = client.request("GET", "company")
    assert company["status"] == 200, company
    assert company["content"]["id"] == tenant.company_id


def test_invalidate_token_ends_the_token(host: str, tenant: Tenant) -> None:
    client = _client(tenant, "26.04")
    assert client.request("GET", "sessioninfo")["status"] == 200
    logout = client.invalidate_token()
    assert logout["status"] == 200, logout
    assert logout["content"] == {"message": "LOGGED_OUT"}
    # The client retries a 401 once with the same (now revoked) header: still 401.
    assert client.request("GET", "sessioninfo")["status"] == 401
    # A new token (the client fetched one on that 401) works.
    fresh = client.request("GET", "sessioninfo", headers={"authorization": f"Bearer {client.access_token}"})
    assert fresh["status"] == 200


def test_bad_credentials_fail_the_way_the_client_expects(host: str, tenant: Tenant) -> None:
    tenant.client_secret = "wrong"
    with pytest.raises(RuntimeError, match="Authentication failed"):
        _client(tenant, "26.04")
