"""Request ids on every response; one JSON access-log line per request with id, client,
company, status and duration; and no secret or personal identity code in any log line."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import structlog
from fastapi.testclient import TestClient

from kirjuri.api import errors as api_errors
from kirjuri.api import logging as api_logging
from kirjuri.api import middleware, route
from kirjuri.config import Settings
from tests.factories import Tenant

HETU = "131052-308T"
Reader = Callable[[], tuple[list[dict[str, Any]], str]]


@pytest.fixture()
def log_output(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[Reader]:
    """Everything logged during the test, as (parsed JSON lines, raw text)."""
    original = sys.stdout
    buffer = io.StringIO()
    sys.stdout = buffer
    try:
        api_logging.configure("INFO")
        # Loggers are cached on first use; fresh ones pick up this configuration.
        structlog.configure(cache_logger_on_first_use=False)
        for module, name in ((middleware, "kirjuri.access"), (route, "kirjuri.route"), (api_errors, "kirjuri.errors")):
            monkeypatch.setattr(module, "log", structlog.get_logger(name))

        def read() -> tuple[list[dict[str, Any]], str]:
            text = buffer.getvalue()
            lines = [json.loads(line) for line in text.splitlines() if line.strip()]
            return lines, text

        yield read
    finally:
        sys.stdout = original
        api_logging.configure(settings.log_level)


def _access(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line.get("event") == "request"]


@pytest.mark.parametrize(
    "path",
    ["/api/kirjuri-test/ping", "/v2604/api/kirjuri-test/ping", "/v9999/api/x", "/api/nope", "/api/kirjuri-test/crash"],
)
def test_every_response_has_a_request_id(wire: TestClient, path: str) -> None:
    ids = {wire.get(path).headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


@pytest.mark.parametrize("incoming", ["abc-123", "0f8fad5b-d9cb-469f-a165-70867728950e", "a.b_c:d", "x" * 128])
def test_valid_incoming_request_id_is_echoed(wire: TestClient, incoming: str) -> None:
    assert wire.get("/api/kirjuri-test/ping", headers={"X-Request-Id": incoming}).headers["x-request-id"] == incoming


@pytest.mark.parametrize("incoming", ["has space", "x" * 129, "<script>", "semi;colon", "ä", ""])
def test_invalid_incoming_request_id_is_replaced(wire: TestClient, incoming: str) -> None:
    headers = {"X-Request-Id": incoming.encode()}
    got = wire.get("/api/kirjuri-test/ping", headers=headers).headers["x-request-id"]  # type: ignore[arg-type]
    assert re.fullmatch(r"[0-9a-f]{32}", got)


def test_access_log_line(wire: TestClient, tenant: Tenant, log_output: Reader) -> None:
    response = wire.get(
        "/v2604/api/kirjuri-test/whoami?client_secret=abc", headers={**tenant.headers, "X-Request-Id": "log-test-1"}
    )
    assert response.status_code == 200
    lines, _ = log_output()
    [line] = [entry for entry in _access(lines) if entry.get("request_id") == "log-test-1"]
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["path"] == "/v2604/api/kirjuri-test/whoami"  # as requested, without the query string
    assert line["client"] == tenant.client_id
    assert line["company"] == tenant.company_id
    assert line["user"] == tenant.user_id
    assert isinstance(line["duration_ms"], int | float)
    assert line["duration_ms"] >= 0
    assert line["level"] == "info"
    assert line["timestamp"].endswith("Z")


def test_failed_requests_are_logged_with_their_status(wire: TestClient, log_output: Reader) -> None:
    wire.get("/v9999/api/x", headers={"X-Request-Id": "log-404"})
    wire.get("/api/kirjuri-test/whoami", headers={"X-Request-Id": "log-401"})
    wire.get("/api/kirjuri-test/crash", headers={"X-Request-Id": "log-500"})
    lines, _ = log_output()
    status = {line["request_id"]: line["status"] for line in _access(lines)}
    assert status == {"log-404": 404, "log-401": 401, "log-500": 500}
    [crash] = [line for line in lines if line.get("event") == "unhandled_error"]
    assert crash["request_id"] == "log-500"
    assert crash["level"] == "error"
    assert "RuntimeError" in crash["exception"]  # the trace is in the log, not in the response


def test_no_secret_reaches_the_log(wire: TestClient, tenant: Tenant, log_output: Reader) -> None:
    wire.get("/api/kirjuri-test/whoami", headers=tenant.headers)
    wire.get(f"/api/kirjuri-test/ping?client_secret={tenant.client_secret}&api_key={tenant.api_key}&code=SECRETCODE")
    wire.post("/api/kirjuri-test/persons", json={"name": "Matti", "identifier": HETU}, headers=tenant.headers)
    wire.post("/api/kirjuri-test/persons", json={"name": "Ж", "identifier": HETU}, headers=tenant.headers)
    wire.get("/api/kirjuri-test/whoami", headers={"Authorization": "Bearer wrong-but-secret-token"})
    wire.get("/api/kirjuri-test/crash", headers=tenant.headers)
    lines, text = log_output()
    assert len(_access(lines)) == 6
    for secret in (
        tenant.access_token,
        tenant.client_secret,
        tenant.api_key,
        "SECRETCODE",
        HETU,
        "wrong-but-secret-token",
        "very-secret-token",
    ):
        assert secret not in text


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("Authorization: Bearer eyJhbGciOi.abc-DEF_123", "Authorization: Bearer [REDACTED]"),
        ("bearer abc/def+ghi=", "Bearer [REDACTED]"),
        ("GET /api/x?client_secret=s3cr3t&size=5", "GET /api/x?client_secret=[REDACTED]&size=5"),
        ("?code=abc&state=xyz", "?code=[REDACTED]&state=xyz"),
        ("refresh_token=r1 access_token=a1", "refresh_token=[REDACTED] access_token=[REDACTED]"),
        ("api_key=k1&password=p1&token=t1", "api_key=[REDACTED]&password=[REDACTED]&token=[REDACTED]"),
        ("postcode=00100&zip_code=00100", "postcode=00100&zip_code=00100"),
        ("hetu 131052-308T here", "hetu [REDACTED-HETU] here"),
        ("born 010100A123D", "born [REDACTED-HETU]"),
        ("2000s 010101Y1234", "2000s [REDACTED-HETU]"),
        ("old 311299+999X", "old [REDACTED-HETU]"),
        ("business id 1234567-8", "business id 1234567-8"),
        ("amount 131052.30", "amount 131052.30"),
        ("nothing to see", "nothing to see"),
    ],
)
def test_scrub_text(text: str, scrubbed: str) -> None:
    assert api_logging.scrub_text(text) == scrubbed


R = "[REDACTED]"
H = "[REDACTED-HETU]"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"password": "pw"}, {"password": R}),
        ({"client_secret": "s"}, {"client_secret": R}),
        ({"apiKey": "k", "api_key": "k"}, {"apiKey": R, "api_key": R}),
        ({"Authorization": "Bearer t"}, {"Authorization": R}),
        ({"code": "c", "code_verifier": "v"}, {"code": R, "code_verifier": R}),
        ({"cookie": "c", "hetu": "h", "ssn": "s"}, {"cookie": R, "hetu": R, "ssn": R}),
        ({"social_security_number": "1"}, {"social_security_number": R}),
        ({"access_token": "a", "token_id": 5}, {"access_token": R, "token_id": R}),
        ({"postcode": "00100", "status": 200}, {"postcode": "00100", "status": 200}),
        ({"path": "/a?token=t"}, {"path": "/a?token=[REDACTED]"}),
        ({"body": {"password": "p", "name": HETU}}, {"body": {"password": R, "name": H}}),
        ({"rows": [{"secret": 1}, "Bearer t"]}, {"rows": [{"secret": R}, "Bearer [REDACTED]"]}),
    ],
)
def test_scrub_processor(fields: dict[str, Any], expected: dict[str, Any]) -> None:
    assert api_logging._scrub(None, "info", {"event": "x", **fields}) == {"event": "x", **expected}


def test_scrub_processor_keeps_the_event_name_but_masks_values_in_it() -> None:
    assert api_logging._scrub(None, "info", {"event": f"password for {HETU}"}) == {"event": f"password for {H}"}
