"""Text rules of the wire: what a Procountor text field may contain.

Invariant: every text Kirjuri stores can be written in Windows-1252, because Procountor (and
the bank and e-invoice formats behind it) only carries that character set. A text that cannot
be encoded is refused, never silently transliterated.
"""

from __future__ import annotations

import re

UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def first_non_cp1252(text: str) -> int | None:
    """Index of the first character Windows-1252 cannot encode, or None when all fit."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def is_cp1252(text: str) -> bool:
    return first_non_cp1252(text) is None


def to_upper_snake(name: str) -> str:
    """`string_too_long` → `STRING_TOO_LONG`; `valueError` → `VALUE_ERROR`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^A-Za-z0-9]+", "_", spaced).strip("_").upper()
