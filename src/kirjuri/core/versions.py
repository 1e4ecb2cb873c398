"""API versions Kirjuri serves and how a path prefix maps to one.

Invariant: `/api`, `/latest/api` and `/supported/api` serve the newest supported version; a
numbered prefix `/vYYMM/api` serves that version when supported and is unknown otherwise.
"""

from __future__ import annotations

import re

# Newest last. Numbered versions are frozen releases; 26.04 is the contract baseline.
SUPPORTED: tuple[str, ...] = ("26.04",)
LATEST = SUPPORTED[-1]
ALIASES = {"": LATEST, "latest": LATEST, "supported": LATEST}

_NUMBERED = re.compile(r"^v(\d{2})(\d{2})$")


def resolve(segment: str) -> str | None:
    """`"latest"` → `"26.04"`, `"v2604"` → `"26.04"`, `"v9901"` → None, `""` (plain /api) → latest."""
    if segment in ALIASES:
        return ALIASES[segment]
    match = _NUMBERED.match(segment)
    if match:
        version = f"{match[1]}.{match[2]}"
        return version if version in SUPPORTED else None
    return None
