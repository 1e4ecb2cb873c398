"""Base paths (§A.2): one route under every version prefix; unknown versions are 404."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.checks import assert_error
from tests.factories import Tenant

PREFIXES = ["/api", "/latest/api", "/supported/api", "/v2604/api"]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("slash", ["", "/"])
def test_every_prefix_reaches_the_same_route(wire: TestClient, prefix: str, slash: str) -> None:
    response = wire.get(f"{prefix}/kirjuri-test/ping{slash}")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert wire.get(f"{prefix}/kirjuri-test/version{slash}").json() == {"version": "26.04"}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_authenticated_route_and_body_under_every_prefix(wire: TestClient, tenant: Tenant, prefix: str) -> None:
    assert wire.get(f"{prefix}/kirjuri-test/whoami", headers=tenant.headers).json() == {"companyId": tenant.company_id}
    assert wire.get(f"{prefix}/sessioninfo", headers=tenant.headers).json()["companyId"] == tenant.company_id
    response = wire.post(f"{prefix}/kirjuri-test/sum/", json={"a": 1, "b": 2})
    assert response.status_code == 200
    assert response.json()["sum"] == 3


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/v9999/api/kirjuri-test/ping", "UNKNOWN_API_VERSION"),
        ("/v2601/api/kirjuri-test/ping", "UNKNOWN_API_VERSION"),
        ("/v9999/api/", "UNKNOWN_API_VERSION"),
        ("/vabc/api/kirjuri-test/ping", None),
        ("/v/api/kirjuri-test/ping", None),
        ("/api/kirjuri-test/nope", "NOT_FOUND"),
        ("/latest/kirjuri-test/ping", None),
        ("/v2604/api", None),
    ],
)
def test_unknown_versions_and_paths_are_404_error_bodies(wire: TestClient, path: str, message: str | None) -> None:
    for method in ("GET", "POST"):
        assert_error(wire.request(method, path), 404, message)


def test_unknown_version_is_refused_before_authentication(wire: TestClient) -> None:
    assert_error(wire.get("/v9999/api/kirjuri-test/whoami"), 404, "UNKNOWN_API_VERSION")
