"""Signing secrets of subscriptions: generated, encrypted at rest, decrypted only to sign or to
show to the owner.

Invariant: a secret is stored only as a Fernet token under a key derived (HKDF-SHA256) from
`Settings.secret_key`; it is never logged, never put in a URL and never in `authenticationMeta`.
Changing the server's secret key makes stored secrets unreadable (`SecretUnreadable`): rotate
them (`POST /api/kirjuri/webhooks/{uuid}/secret/rotate`).
"""

from __future__ import annotations

import base64
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kirjuri.webhooks.rules import SECRET_PREFIX

_INFO = b"kirjuri webhook signing secrets v1"


class SecretUnreadable(RuntimeError):
    """The stored secret was encrypted under another server secret key."""


@lru_cache(maxsize=4)
def _fernet(server_secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(server_secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def generate() -> str:
    """A new Standard Webhooks secret: `whsec_` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def encrypt(secret: str, *, server_secret: str) -> str:
    return _fernet(server_secret).encrypt(secret.encode("utf-8")).decode("ascii")


def decrypt(token: str, *, server_secret: str) -> str:
    try:
        return _fernet(server_secret).decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise SecretUnreadable("webhook secret encrypted under another key") from exc
