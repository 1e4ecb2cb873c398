"""The error body (§C.9) for every failure: 400 (never 422) with field paths, 401, 403, 404,
405, 409, 413, 415, 500 — always JSON, never HTML or a stack trace, never a 500 for bad input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.api.errors import json_path, validation_code
from kirjuri.api.route import KirjuriRoute, default_max_body_size
from tests.api import wire_app
from tests.api.checks import assert_error, count_lists
from tests.factories import Tenant

ECHO = "/api/kirjuri-test/echo"
JSON = {"content-type": "application/json"}
OK = b'{"name":"x","amount":1'


@pytest.mark.parametrize(
    ("body", "message", "field"),
    [
        (b"{bad", "MALFORMED_JSON", None),
        (b'{"name":"x",}', "MALFORMED_JSON", None),
        (b'{"name":"x","amount":1', "MALFORMED_JSON", None),
        (b'{"name":"x","amount":NaN}', "MALFORMED_JSON", None),
        (b'{"name":"x","amount":Infinity}', "MALFORMED_JSON", None),
        (b'{"name":"x","amount":-Infinity}', "MALFORMED_JSON", None),
        (b'{"name":"x","amount":1}garbage', "MALFORMED_JSON", None),
        (b'{"name":"\xff","amount":1}', "MALFORMED_JSON", None),
        (b"", "REQUIRED", None),
        (b"[]", "INVALID_OBJECT", None),
        (b'[{"name":"x","amount":1}]', "INVALID_OBJECT", None),
        (b'"text"', "INVALID_OBJECT", None),
        (b"null", "INVALID_OBJECT", None),
        (b"{}", "REQUIRED", "name"),
        (b'{"name":"x"}', "REQUIRED", "amount"),
        (b'{"name":5,"amount":1}', "INVALID_STRING", "name"),
        (b'{"name":"x","amount":"abc"}', "INVALID_DECIMAL", "amount"),
        (b'{"name":"x","amount":true}', "INVALID_DECIMAL", "amount"),
        (b'{"name":"x","amount":1e400}', "OUT_OF_RANGE", "amount"),
        (b'{"name":"x","amount":-1e400}', "OUT_OF_RANGE", "amount"),
        (b'{"name":"x","amount":' + b"9" * 5000 + b"}", "OUT_OF_RANGE", "amount"),
        (OK + b',"count":' + b"1" * 5000 + b"}", "OUT_OF_RANGE", "count"),
        (OK + b',"count":2147483648}', "OUT_OF_RANGE", "count"),
        (OK + b',"count":-2147483649}', "OUT_OF_RANGE", "count"),
        (OK + b',"count":1.5}', "INVALID_INTEGER", "count"),
        (OK + b',"count":"many"}', "INVALID_INTEGER", "count"),
        (OK + b',"big":9223372036854775808}', "OUT_OF_RANGE", "big"),
        (OK + b',"big":99999999999999999999999}', "OUT_OF_RANGE", "big"),
        (OK + b',"color":"BLUE"}', "INVALID_ENUM_VALUE", "color"),
        (OK + b',"color":"red"}', "INVALID_ENUM_VALUE", "color"),
        (OK + b',"invoiceDate":"2026-02-30"}', "INVALID_DATE", "invoiceDate"),
        (OK + b',"invoiceDate":"2026-13-01"}', "INVALID_DATE", "invoiceDate"),
        (OK + b',"invoiceDate":"30.1.2026"}', "INVALID_DATE", "invoiceDate"),
        (OK + b',"invoiceDate":20260130}', "INVALID_DATE", "invoiceDate"),
        (OK + b',"invoiceRows":{}}', "INVALID_ARRAY", "invoiceRows"),
        (OK + b',"invoiceRows":[{}]}', "REQUIRED", "invoiceRows[0].vatPercent"),
        (
            OK + b',"invoiceRows":[{"vatPercent":24},{"vatPercent":"x"}]}',
            "INVALID_DECIMAL",
            "invoiceRows[1].vatPercent",
        ),
        (OK + b',"invoiceRows":[{"vatPercent":24,"quantity":1e400}]}', "OUT_OF_RANGE", "invoiceRows[0].quantity"),
        (OK + b',"invoiceRows":[{"vatPercent":24,"tags":[1]}]}', "INVALID_STRING", "invoiceRows[0].tags[0]"),
        (OK + b',"invoiceRows":[5]}', "INVALID_OBJECT", "invoiceRows[0]"),
    ],
)
def test_bad_bodies_are_400_with_a_field_never_422_or_500(
    wire: TestClient, body: bytes, message: str, field: str | None
) -> None:
    item = assert_error(wire.post(ECHO, content=body, headers=JSON), 400, message)
    assert item.get("field") == field


def test_several_errors_at_once(wire: TestClient) -> None:
    response = wire.post(ECHO, json={"amount": "x", "color": "BLUE"})
    assert_error(response, 400)
    got = {(e.get("field"), e["message"]) for e in response.json()["errors"]}
    assert got == {("name", "REQUIRED"), ("amount", "INVALID_DECIMAL"), ("color", "INVALID_ENUM_VALUE")}


def test_unknown_fields_are_ignored(wire: TestClient) -> None:
    response = wire.post(ECHO, json={"name": "x", "amount": 1, "model": "deprecated", "extra": {"a": [1]}})
    assert response.status_code == 200
    assert response.json() == {"name": "x", "amount": 1, "invoiceRows": [], "notes": []}


def test_a_huge_integer_in_an_ignored_field_is_not_an_error(wire: TestClient) -> None:
    response = wire.post(ECHO, content=b'{"name":"x","amount":2,"other":' + b"7" * 5000 + b"}", headers=JSON)
    assert response.status_code == 200
    assert response.json()["amount"] == 2


@pytest.mark.parametrize(
    ("path", "message", "field"),
    [
        ("/api/kirjuri-test/items/2147483648", "OUT_OF_RANGE", "item_id"),
        ("/api/kirjuri-test/items/abc", "INVALID_INTEGER", "item_id"),
        ("/api/kirjuri-test/items/" + "9" * 5000, "OUT_OF_RANGE", "item_id"),
    ],
)
def test_bad_path_values_are_400(wire: TestClient, path: str, message: str, field: str) -> None:
    assert_error(wire.get(path), 400, message, field)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eDp5"}])
def test_401(wire: TestClient, headers: dict[str, str]) -> None:
    response = wire.get("/api/kirjuri-test/whoami", headers=headers)
    assert_error(response, 401, "Unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


def test_403(wire: TestClient) -> None:
    assert_error(wire.get("/api/kirjuri-test/forbidden"), 403, "FORBIDDEN")


def test_404(wire: TestClient) -> None:
    assert_error(wire.get("/api/no-such-resource"), 404, "NOT_FOUND")


def test_405(wire: TestClient) -> None:
    assert_error(wire.post("/api/kirjuri-test/ping"), 405, "METHOD_NOT_ALLOWED")
    assert_error(wire.delete("/v2604/api/kirjuri-test/echo"), 405, "METHOD_NOT_ALLOWED")


def test_409(wire: TestClient) -> None:
    assert_error(wire.get("/api/kirjuri-test/conflict"), 409, "ALREADY_IN_USE", "name")


@pytest.fixture()
def over_limit() -> bytes:
    limit = default_max_body_size()
    return b'{"name":"' + b"x" * limit + b'","amount":1}'


def test_routes_have_a_default_body_limit(wire_application: Any) -> None:
    routes = [r for r in [*wire_app.public.routes, *wire_app.private.routes] if isinstance(r, KirjuriRoute)]
    assert len(routes) > 10
    assert {r.body_limit for r in routes} == {wire_application.state.settings.max_json_body_bytes} == {2_000_000}


def test_a_route_may_name_its_own_body_limit() -> None:
    router = APIRouter(route_class=KirjuriRoute)

    @router.post("/upload", max_body_size=10_000_000)
    def upload() -> None:
        return None

    route = router.routes[0]
    assert isinstance(route, KirjuriRoute)
    assert route.body_limit == 10_000_000


def test_413_body_over_the_limit(wire: TestClient, over_limit: bytes) -> None:
    assert_error(wire.post(ECHO, content=over_limit, headers=JSON), 413, "PAYLOAD_TOO_LARGE")


def test_413_chunked_body_over_the_limit(wire: TestClient, over_limit: bytes) -> None:
    def chunks() -> Iterator[bytes]:
        for start in range(0, len(over_limit), 65536):
            yield over_limit[start : start + 65536]

    assert_error(wire.post(ECHO, content=chunks(), headers=JSON), 413, "PAYLOAD_TOO_LARGE")


def test_a_body_just_under_the_limit_is_read(wire: TestClient) -> None:
    limit = default_max_body_size()
    body = b'{"name":"x","amount":1,"pad":"' + b"p" * (limit - 40) + b'"}'
    assert len(body) <= limit
    assert wire.post(ECHO, content=body, headers=JSON).status_code == 200


def test_413_on_a_route_without_body_does_not_run_it(
    wire: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], over_limit: bytes
) -> None:
    response = wire.post("/api/kirjuri-test/bodyless-write", content=over_limit, headers={**tenant.headers, **JSON})
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert count_lists(session_factory, tenant.company_id) == 0
    assert wire.post("/api/kirjuri-test/bodyless-write", headers=tenant.headers).status_code == 200
    assert count_lists(session_factory, tenant.company_id) == 1


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", None],
)
def test_415_json_route_with_another_media_type(wire: TestClient, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = wire.post(ECHO, content=b'{"name":"x","amount":1}', headers=headers)
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type")


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "Application/JSON", "application/vnd.x+json"],
)
def test_json_media_types_are_accepted(wire: TestClient, content_type: str) -> None:
    response = wire.post(ECHO, content=b'{"name":"x","amount":1}', headers={"content-type": content_type})
    assert response.status_code == 200, response.text


def test_415_form_route_with_json(wire: TestClient) -> None:
    assert_error(wire.post("/api/kirjuri-test/form", json={"name": "x"}), 415, "UNSUPPORTED_MEDIA_TYPE")
    assert wire.post("/api/kirjuri-test/form", data={"name": "x"}).json() == {"name": "x"}


def test_crash_is_a_500_error_body_without_a_trace(wire: TestClient) -> None:
    response = wire.get("/api/kirjuri-test/crash", headers={"X-Request-Id": "crash-1"})
    assert_error(response, 500, "INTERNAL_ERROR")
    assert response.headers["x-request-id"] == "crash-1"
    for leak in ("RuntimeError", "boom", "131052-308T", "very-secret-token", "wire_app"):
        assert leak not in response.text


def test_a_refusal_after_a_write_writes_nothing(
    wire: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    response = wire.post("/api/kirjuri-test/write-then-fail", json={"name": "x"}, headers=tenant.headers)
    assert_error(response, 400, "LATE_REFUSAL", "name")
    assert count_lists(session_factory, tenant.company_id) == 0


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("body", "invoiceRows", 0, "vatPercent"), "invoiceRows[0].vatPercent"),
        (("body", "a", "b", 2, 3, "c"), "a.b[2][3].c"),
        (("query", "size"), "size"),
        (("path", "id"), "id"),
        (("header", "If-Match"), "If-Match"),
        (("body",), None),
        ((), None),
        (("body", 0), "[0]"),
        (("body", "rows", 1, "function-after[check(), str]"), "rows[1]"),
        (("invoiceRows", 1, "partnerId"), "invoiceRows[1].partnerId"),
    ],
)
def test_json_path(loc: tuple[str | int, ...], path: str | None) -> None:
    assert json_path(loc) == path


@pytest.mark.parametrize(
    ("error_type", "code"),
    [
        ("missing", "REQUIRED"),
        ("json_invalid", "MALFORMED_JSON"),
        ("string_too_long", "TOO_LONG"),
        ("enum", "INVALID_ENUM_VALUE"),
        ("less_than_equal", "OUT_OF_RANGE"),
        ("date_from_datetime_parsing", "INVALID_DATE"),
        ("INVALID_CHARACTERS", "INVALID_CHARACTERS"),
        ("some_new_type", "SOME_NEW_TYPE"),
    ],
)
def test_validation_codes_are_upper_snake(error_type: str, code: str) -> None:
    assert validation_code(error_type) == code


def test_default_body_limit_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from kirjuri import config

    config.get_settings.cache_clear()
    monkeypatch.setenv("KIRJURI_MAX_JSON_BODY_BYTES", "12345")
    try:
        assert default_max_body_size() == 12345
    finally:
        config.get_settings.cache_clear()


def test_default_body_limit_without_readable_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from kirjuri import config

    def unreadable() -> None:
        raise RuntimeError("KIRJURI_SECRET_KEY must be set in production")

    monkeypatch.setattr(config, "get_settings", unreadable)
    assert default_max_body_size() == 2_000_000
