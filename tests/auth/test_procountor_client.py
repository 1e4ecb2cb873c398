"""The PyPI `procountor` 2.4.0 client against a real Kirjuri server (uvicorn on a loopback port):
client credentials + API key, reads, and `invalidate_token()` (POST {host}/logout)."""

from __future__ import annotations

import pytest

from tests.factories import Tenant
from tests.live import live_server, procountor_client, procountor_host

__all__ = ["live_server", "procountor_host"]  # the module's server fixtures


@pytest.mark.parametrize("api_version", ["26.04", "supported", "latest"])
def test_client_gets_a_token_and_reads_session_info(procountor_host: str, tenant: Tenant, api_version: str) -> None:
    client = procountor_client(tenant, api_version)
    assert client.access_token.count(".") == 2
    answer = client.request("GET", "sessioninfo")
    assert answer["status"] == 200, answer
    assert answer["content"]["companyId"] == tenant.company_id
    assert answer["content"]["userId"] == tenant.user_id


def test_client_reads_users_and_company(procountor_host: str, tenant: Tenant) -> None:
    client = procountor_client(tenant, "26.04")
    user = client.request("GET", "users")
    assert user["status"] == 200, user
    assert user["content"]["id"] == tenant.user_id
    assert user["content"]["username"] == tenant.username
    company = client.request("GET", "company")
    assert company["status"] == 200, company
    assert company["content"]["id"] == tenant.company_id


def test_invalidate_token_ends_the_token(procountor_host: str, tenant: Tenant) -> None:
    client = procountor_client(tenant, "26.04")
    assert client.request("GET", "sessioninfo")["status"] == 200
    logout = client.invalidate_token()
    assert logout["status"] == 200, logout
    assert logout["content"] == {"message": "LOGGED_OUT"}
    # The client retries a 401 once with the same (now revoked) header: still 401.
    assert client.request("GET", "sessioninfo")["status"] == 401
    # A new token (the client fetched one on that 401) works.
    fresh = client.request("GET", "sessioninfo", headers={"authorization": f"Bearer {client.access_token}"})
    assert fresh["status"] == 200


def test_bad_credentials_fail_the_way_the_client_expects(procountor_host: str, tenant: Tenant) -> None:
    tenant.client_secret = "wrong"
    with pytest.raises(RuntimeError, match="Authentication failed"):
        procountor_client(tenant, "26.04")
