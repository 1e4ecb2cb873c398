"""OpenAPI 3.1 at /api/openapi.json with contract names, and the bundled (CDN-free) docs pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def document(app: Any) -> dict[str, Any]:
    with TestClient(app) as client:
        response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def test_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "Kirjuri API"
    assert "/api/sessioninfo" in document["paths"]


def test_error_messages_schema(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert "ErrorMessages" in schemas
    errors = schemas["ErrorMessages"]["properties"]["errors"]
    assert errors["items"]["$ref"].endswith("/ErrorMessage")
    assert set(schemas["ErrorMessage"]["properties"]) == {"status", "field", "message"}


def test_session_info_is_named_as_in_the_contract(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert "SessionInfo" in schemas
    properties = set(schemas["SessionInfo"]["properties"])
    assert {"companyId", "name", "userId", "userName", "companySettings"} <= properties
    ok = document["paths"]["/api/sessioninfo"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/SessionInfo")


# OAuth 2.0 messages are snake_case by their RFCs (6749, 7009, 8414), as Procountor's are.
OAUTH_SCHEMAS = {
    "TokenRequest",
    "TokenResponse",
    "RevocationRequest",
    "OAuthErrorMessages",
    "AuthorizationServerMetadata",
    "ApiKeyResponse",
}


def _properties(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (schema_name, prop)
        for schema_name, schema in document["components"]["schemas"].items()
        if schema_name not in OAUTH_SCHEMAS
        for prop in schema.get("properties", {})
    ]


def test_field_names_are_camel_case(document: dict[str, Any]) -> None:
    properties = _properties(document)
    assert ("SessionInfo", "companyId") in properties
    snake = [(schema, prop) for schema, prop in properties if "_" in prop]
    assert snake == []


def test_validation_is_documented_as_400_not_422(document: dict[str, Any]) -> None:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation.get("responses", {})
            assert "422" not in responses, f"{method.upper()} {path} documents a 422"
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_decimals_are_numbers_not_strings(wire: TestClient) -> None:
    document = wire.get("/api/openapi.json").json()
    amount = document["components"]["schemas"]["EchoDocument"]["properties"]["amount"]
    assert amount["type"] == "number"
    assert "anyOf" not in amount and "pattern" not in amount
    count = document["components"]["schemas"]["EchoDocument"]["properties"]["count"]
    assert "integer" in str(count) and "int32" in str(count)


@pytest.mark.parametrize(("page", "assets"), [("/api/docs", 3), ("/api/redoc", 2)])
def test_docs_pages_use_only_bundled_assets(client: TestClient, page: str, assets: int) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", response.text)
    assert len(urls) >= assets
    for url in urls:
        assert url.startswith("/api/docs/static/"), url
        assert client.get(url).status_code == 200, url
    assert "/api/openapi.json" in response.text
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "fonts.googleapis.com", "http://", "https://"):
        assert cdn not in response.text


@pytest.mark.parametrize("asset", ["swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png"])
def test_docs_assets_are_served(client: TestClient, asset: str) -> None:
    response = client.get(f"/api/docs/static/{asset}")
    assert response.status_code == 200
    assert len(response.content) > 1000
