"""Pure rules of authentication: secret hashing, API-key and token formats, PKCE, redirect URIs.

Invariants:
- Passwords, client secrets and API-key secrets are hashed with argon2id (argon2-cffi);
  high-entropy tokens and codes with SHA-256, so they can be looked up by digest.
- An API key reads `kk.<lookup>.<secret>`: the lookup finds the row, the secret is verified
  against its argon2id hash.
- Access tokens are signed JWTs (Procountor's tokens are; clients check the shape) but the
  server trusts only its own stored digest of them, so revocation is immediate.
- A redirect URI matches only exactly, and may carry no query string or fragment.
- No secret (client secret, API key, code, refresh token, password, PKCE verifier) is accepted
  in a URL query string. A code is usable strictly before its expiry; a rotated refresh token
  presented again is a retry only within the grace window.
- OAuth2 errors map to Procountor's body: bad client credentials are 401 "Unauthorized", the
  rest 400 with an upper-snake code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from joserfc import jwt
from joserfc.jwk import OctKey

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters

API_KEY_PREFIX = "kk"


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    if not stored_hash or not secret:
        return False
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


# A valid-looking hash to verify against when no row was found, so that timing does not tell
# whether a user, client or key exists.
DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def new_api_key() -> tuple[str, str, str]:
    """(full key shown once, lookup, secret)."""
    lookup = secrets.token_hex(12)
    secret = secrets.token_urlsafe(32)
    return f"{API_KEY_PREFIX}.{lookup}.{secret}", lookup, secret


def split_api_key(key: str) -> tuple[str, str] | None:
    parts = key.strip().split(".")
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def sign_access_token(
    *, signing_key: str, issuer: str, subject: int, audience: str, company_id: int, issued: datetime, expires: datetime
) -> str:
    claims = {
        "iss": issuer,
        "sub": str(subject),
        "aud": audience,
        "cid": company_id,
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": secrets.token_urlsafe(16),
    }
    key = OctKey.import_key(hashlib.sha256(signing_key.encode()).digest())
    return jwt.encode({"alg": "HS256", "typ": "JWT"}, claims, key)


def pkce_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def pkce_matches(challenge: str, method: str | None, verifier: str) -> bool:
    if not 43 <= len(verifier) <= 128:
        return False
    if method in (None, "", "plain"):
        return hmac.compare_digest(challenge, verifier)
    if method == "S256":
        return hmac.compare_digest(challenge, pkce_s256(verifier))
    return False


def valid_redirect_uri(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.query and not parts.fragment


def redirect_matches(registered: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(registered.encode(), given.encode())


# Query parameters that must never travel in a URL of the auth endpoints.
SECRET_QUERY_PARAMS = frozenset({"client_secret", "api_key", "code", "refresh_token", "password", "code_verifier"})


def secrets_in_query(params: list[str], *, also: frozenset[str] = frozenset()) -> list[str]:
    """The secret-bearing names among `params`; `also` adds endpoint-specific ones (`token` at
    the revocation endpoint)."""
    return sorted({p for p in params if p in SECRET_QUERY_PARAMS or p in also})


def code_expired(expires_at: datetime, now: datetime) -> bool:
    """An authorization code is usable strictly before its expiry instant."""
    return now >= expires_at


def refresh_retry_allowed(rotated_at: datetime, now: datetime, grace_seconds: int) -> bool:
    """A rotated refresh token presented again within the grace window is a retry (the client
    lost the answer, or two of its threads refreshed at once), after it a sign of theft."""
    return (now - rotated_at).total_seconds() <= grace_seconds


# RFC 6749 §5.2 error → (HTTP status, Procountor-style code). Bad client credentials answer what
# Procountor answers for every authentication failure: 401 "Unauthorized".
OAUTH_ERRORS: dict[str, tuple[int, str]] = {
    "invalid_client": (401, "Unauthorized"),
    "invalid_request": (400, "INVALID_REQUEST"),
    "invalid_grant": (400, "INVALID_GRANT"),
    "unauthorized_client": (400, "UNAUTHORIZED_CLIENT"),
    "unsupported_grant_type": (400, "UNSUPPORTED_GRANT_TYPE"),
    "invalid_scope": (400, "INVALID_SCOPE"),
    "unsupported_token_type": (400, "UNSUPPORTED_TOKEN_TYPE"),
    "insecure_transport": (400, "INSECURE_TRANSPORT"),
}


def oauth_error(error: str | None, status: int | None = None) -> tuple[int, str]:
    """The status and code of the Procountor error body for an OAuth2 error name."""
    if error in OAUTH_ERRORS:
        return OAUTH_ERRORS[error]
    return (status or 400, (error or "invalid_request").upper())
