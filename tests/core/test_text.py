"""core.text: the Windows-1252 rule of Procountor texts, and upper-snake codes."""

from __future__ import annotations

import pytest

from kirjuri.core.text import UPPER_SNAKE, first_non_cp1252, is_cp1252, to_upper_snake


@pytest.mark.parametrize(
    "text",
    ["", "abc", "äöåé€", "ÄÖÅ Ü ß ñ ç", "Œœ Šš Žž Ÿ", "„quotes“ ‚single‘ – — … • ™ ‰", "tab\tand\nnewline", "§½¼¾×÷"],
)
def test_windows_1252_text_is_accepted(text: str) -> None:
    assert first_non_cp1252(text) is None
    assert is_cp1252(text)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("Ŕ", 0),
        ("abcŔ", 3),
        ("ೠ", 0),
        ("Жук", 0),
        ("Hello Мир", 6),
        ("ߊ", 0),  # NKo
        ("äöå😀", 3),
        ("中文", 0),
        ("\u0081", 0),  # a hole in Windows-1252
        ("ok\u2028", 2),
    ],
)
def test_other_characters_are_refused_at_their_position(text: str, position: int) -> None:
    assert first_non_cp1252(text) == position
    assert not is_cp1252(text)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("string_too_long", "STRING_TOO_LONG"),
        ("valueError", "VALUE_ERROR"),
        ("greater_than_equal", "GREATER_THAN_EQUAL"),
        ("json-invalid", "JSON_INVALID"),
        ("Already Snake", "ALREADY_SNAKE"),
        ("int32Overflow", "INT32_OVERFLOW"),
        ("__x__", "X"),
    ],
)
def test_to_upper_snake(name: str, code: str) -> None:
    assert to_upper_snake(name) == code
    assert UPPER_SNAKE.match(code)


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("REQUIRED", True),
        ("ERROR_BRN_CODE", True),
        ("A1_B2", True),
        ("lower", False),
        ("_X", False),
        ("1X", False),
        ("", False),
    ],
)
def test_upper_snake_pattern(code: str, ok: bool) -> None:
    assert bool(UPPER_SNAKE.match(code)) is ok
