"""JSON numbers go straight to `Decimal` and come back as JSON numbers with every digit."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from kirjuri.api.wire import MalformedJson, dumps, loads

JSON = {"content-type": "application/json"}


def _exact(text: str) -> object:
    return json.loads(text, parse_float=Decimal)


def test_point_one_plus_point_two_is_exactly_point_three(wire: TestClient) -> None:
    response = wire.post("/api/kirjuri-test/sum", content=b'{"a":0.1,"b":0.2}', headers=JSON)
    assert response.status_code == 200
    assert response.text == '{"sum":0.3,"product":0.02}'
    assert _exact(response.text) == {"sum": Decimal("0.3"), "product": Decimal("0.02")}


@pytest.mark.parametrize(
    "literal",
    [
        "12345678901234567.89",
        "-12345678901234567.89",
        "0.000000000000000001",
        "99999999999999999.99",
        "1.10",
        "19.2022",
        "0",
        "100",
        "-0.5",
    ],
)
def test_decimals_round_trip_digit_for_digit(wire: TestClient, literal: str) -> None:
    # (very small values are written in exponent form, 1E-18: still a JSON number, exactly)
    body = f'{{"name":"x","amount":{literal}}}'.encode()
    response = wire.post("/api/kirjuri-test/echo", content=body, headers=JSON)
    assert response.status_code == 200, response.text
    match = re.search(r'"amount":(-?[0-9][0-9.eE+-]*),', response.text)
    assert match, response.text  # a JSON number, not a string
    assert Decimal(match.group(1)) == Decimal(literal)  # every digit kept
    assert Decimal(match.group(1)).as_tuple() == Decimal(literal).as_tuple()  # and the scale


def test_nested_decimals_are_numbers(wire: TestClient) -> None:
    body = b'{"name":"x","amount":1,"invoiceRows":[{"vatPercent":25.5,"quantity":0.333}]}'
    response = wire.post("/api/kirjuri-test/echo", content=body, headers=JSON)
    assert response.text.count('"vatPercent":25.5,') == 1
    assert '"quantity":0.333' in response.text


def test_integers_stay_integers(wire: TestClient) -> None:
    body = b'{"name":"x","amount":1,"count":2147483647,"big":9223372036854775807}'
    response = wire.post("/api/kirjuri-test/echo", content=body, headers=JSON)
    assert response.status_code == 200
    assert '"count":2147483647' in response.text
    assert '"big":9223372036854775807' in response.text


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (b"0.1", Decimal("0.1")),
        (b"1e2", Decimal("1E+2")),
        (b"[1, 2.50]", [1, Decimal("2.50")]),
        (b'{"a": {"b": [0.30]}}', {"a": {"b": [Decimal("0.30")]}}),
        (b"12345678901234567.89", Decimal("12345678901234567.89")),
        (b"9223372036854775808", 9223372036854775808),
        (b'{"n": 1, "big": ' + b"1" * 5000 + b"}", {"n": 1, "big": Decimal("1" * 5000)}),
        (b"-" + b"2" * 4500, Decimal("-" + "2" * 4500)),
    ],
)
def test_loads_never_makes_a_float(raw: bytes, value: object) -> None:
    decoded = loads(raw)
    assert decoded == value
    assert "float" not in repr(decoded)


@pytest.mark.parametrize(
    "raw",
    [b"NaN", b"Infinity", b"-Infinity", b"[1, NaN]", b'{"a": 1' + b"1" * 5000 + b', "b": NaN}', b"{", b"", b"\xff"],
)
def test_loads_refuses_what_is_not_json(raw: bytes) -> None:
    with pytest.raises(MalformedJson):
        loads(raw)


@pytest.mark.parametrize(
    ("value", "raw"),
    [
        (Decimal("0.30"), b"0.30"),
        (Decimal("12345678901234567.89"), b"12345678901234567.89"),
        ({"a": [Decimal("1.5"), 2]}, b'{"a":[1.5,2]}'),
    ],
)
def test_dumps_writes_decimals_as_numbers(value: object, raw: bytes) -> None:
    assert dumps(value) == raw
