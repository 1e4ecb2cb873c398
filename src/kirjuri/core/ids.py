"""Identifiers on the wire: batch id lists and opaque secrets.

Invariant: a batch GET takes at most `MAX_BATCH_IDS` ids; invalid ids are skipped, the rest are
de-duplicated and sorted (Procountor §C.5). Secrets are drawn from `secrets`, never `random`.
"""

from __future__ import annotations

import hashlib
import secrets

MAX_BATCH_IDS = 200
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


class TooManyIds(ValueError):
    pass


def path_id(value: int) -> int:
    """An id from a path or query: one outside int32 no row can have, so 0 is looked up instead
    (found nowhere: 404), and it never reaches an INTEGER column compare."""
    return value if 0 < value <= INT32_MAX else 0


def parse_id_list(raw: str, *, maximum: int = INT32_MAX) -> tuple[list[int], bool]:
    """`"3,1,x,3"` → `([1, 3], True)`; the flag says whether several ids were asked for."""
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) > MAX_BATCH_IDS:
        raise TooManyIds(f"at most {MAX_BATCH_IDS} ids")
    ids = {int(p) for p in parts if _is_id(p, maximum)}
    return sorted(ids), len(parts) > 1


def _is_id(part: str, maximum: int) -> bool:
    # ASCII digits only ("²" and "٣" pass str.isdigit), and short enough for int() to be cheap.
    return part.isascii() and part.isdigit() and len(part) <= 20 and 0 < int(part) <= maximum


def new_secret(nbytes: int = 32) -> str:
    """A URL-safe random secret (tokens, codes, API keys)."""
    return secrets.token_urlsafe(nbytes)


def sha256_hex(value: str) -> str:
    """Digest used to store high-entropy secrets (tokens, codes): look-up by hash, never plain."""
    return hashlib.sha256(value.encode()).hexdigest()
