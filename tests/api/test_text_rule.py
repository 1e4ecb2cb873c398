"""Windows-1252 only (§C.2): other characters are 400 INVALID_CHARACTERS at their field path."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.checks import assert_error

ECHO = "/api/kirjuri-test/echo"


def _doc(**fields: Any) -> dict[str, Any]:
    return {"name": "x", "amount": 1, **fields}


@pytest.mark.parametrize("bad", ["Ŕ", "ೠ", "Ж", "abcЖ", "😀", "ߊ", "中"])
@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda s: {"name": s, "amount": 1}, "name"),
        (lambda s: _doc(notes=["ok", s]), "notes"),
        (lambda s: _doc(invoiceRows=[{"vatPercent": 24}, {"vatPercent": 24, "product": s}]), "invoiceRows[1].product"),
        (lambda s: _doc(invoiceRows=[{"vatPercent": 24, "tags": ["a", s]}]), "invoiceRows[0].tags"),
    ],
)
def test_characters_outside_windows_1252_are_refused(wire: TestClient, bad: str, build: Any, field: str) -> None:
    assert_error(wire.post(ECHO, json=build(bad)), 400, "INVALID_CHARACTERS", field)


@pytest.mark.parametrize("good", ["äöåé€", "ÄÖÅ", "Œuvre „x“ – … ™", "Ärrä\nRivi 2\ttab", ""])
def test_windows_1252_text_is_accepted_and_kept(wire: TestClient, good: str) -> None:
    body = _doc(name=good, notes=[good], invoiceRows=[{"vatPercent": 24, "product": good, "tags": [good]}])
    response = wire.post(ECHO, json=body)
    assert response.status_code == 200, response.text
    echoed = response.json()
    assert echoed["name"] == good
    assert echoed["notes"] == [good]
    assert echoed["invoiceRows"][0]["product"] == good
    assert echoed["invoiceRows"][0]["tags"] == [good]


def test_escaped_characters_are_checked_too(wire: TestClient) -> None:
    body = b'{"name":"\\u0416","amount":1}'
    response = wire.post(ECHO, content=body, headers={"content-type": "application/json"})
    assert_error(response, 400, "INVALID_CHARACTERS", "name")
