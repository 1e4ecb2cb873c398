"""Pure rules of the OAuth2 server (table-driven)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kirjuri.auth import rules

T0 = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("params", "also", "expected"),
    [
        ([], frozenset(), []),
        (["grant_type", "client_id", "redirect_uri", "scope", "state"], frozenset(), []),
        (["client_secret"], frozenset(), ["client_secret"]),
        (["api_key", "grant_type"], frozenset(), ["api_key"]),
        (["code", "code_verifier"], frozenset(), ["code", "code_verifier"]),
        (["refresh_token", "password", "refresh_token"], frozenset(), ["password", "refresh_token"]),
        (["token"], frozenset(), []),
        (["token", "token_type_hint"], frozenset({"token"}), ["token"]),
        (["Client_Secret"], frozenset(), []),  # names are case-sensitive, as in the form
    ],
)
def test_secrets_in_query(params: list[str], also: frozenset[str], expected: list[str]) -> None:
    assert rules.secrets_in_query(params, also=also) == expected


@pytest.mark.parametrize(
    ("now", "expired"),
    [
        (T0 - timedelta(seconds=60), False),
        (T0 - timedelta(microseconds=1), False),
        (T0, True),
        (T0 + timedelta(seconds=1), True),
    ],
)
def test_code_expired(now: datetime, expired: bool) -> None:
    assert rules.code_expired(T0, now) is expired


@pytest.mark.parametrize(
    ("elapsed", "grace", "allowed"),
    [
        (timedelta(0), 30, True),
        (timedelta(seconds=29), 30, True),
        (timedelta(seconds=30), 30, True),
        (timedelta(seconds=30, microseconds=1), 30, False),
        (timedelta(minutes=5), 30, False),
        (timedelta(seconds=1), 0, False),
    ],
)
def test_refresh_retry_allowed(elapsed: timedelta, grace: int, allowed: bool) -> None:
    assert rules.refresh_retry_allowed(T0, T0 + elapsed, grace) is allowed


@pytest.mark.parametrize(
    ("error", "status", "expected"),
    [
        ("invalid_client", 400, (401, "Unauthorized")),
        ("invalid_client", 401, (401, "Unauthorized")),
        ("invalid_request", 400, (400, "INVALID_REQUEST")),
        ("invalid_grant", 400, (400, "INVALID_GRANT")),
        ("unauthorized_client", 400, (400, "UNAUTHORIZED_CLIENT")),
        ("unsupported_grant_type", 400, (400, "UNSUPPORTED_GRANT_TYPE")),
        ("unsupported_token_type", 401, (400, "UNSUPPORTED_TOKEN_TYPE")),
        ("invalid_scope", 400, (400, "INVALID_SCOPE")),
        ("something_new", 403, (403, "SOMETHING_NEW")),
        (None, None, (400, "INVALID_REQUEST")),
    ],
)
def test_oauth_error(error: str | None, status: int | None, expected: tuple[int, str]) -> None:
    assert rules.oauth_error(error, status) == expected


VERIFIER = "dBjftJeZ4CVP-mJ92K27uhbUJU1p1r_wW1gFWFOEjXk"
# BASE64URL(SHA256(verifier)) without padding, computed with `hashlib`/`base64` by hand.
CHALLENGE = "ngF5GsXcbwljx6u133FFr3Xht9xooA_DuaX_3QwODtc"


@pytest.mark.parametrize(
    ("challenge", "method", "verifier", "ok"),
    [
        (CHALLENGE, "S256", VERIFIER, True),
        (CHALLENGE, "S256", VERIFIER[:-1] + "l", False),
        (VERIFIER, "S256", VERIFIER, False),  # a plain challenge does not pass as S256
        (VERIFIER, "plain", VERIFIER, True),
        (VERIFIER, None, VERIFIER, True),  # RFC 7636: no method means plain
        (CHALLENGE, "plain", VERIFIER, False),
        ("a" * 42, "plain", "a" * 42, False),  # verifier too short
        ("a" * 129, "plain", "a" * 129, False),  # verifier too long
        (CHALLENGE, "S512", VERIFIER, False),
    ],
)
def test_pkce_matches(challenge: str, method: str | None, verifier: str, ok: bool) -> None:
    assert rules.pkce_matches(challenge, method, verifier) is ok


@pytest.mark.parametrize(
    ("given", "ok"),
    [
        ("https://app.example.com/callback", True),
        ("https://app.example.com/callback/", False),
        ("https://app.example.com/callback?x=1", False),
        ("https://APP.example.com/callback", False),
        ("http://app.example.com/callback", False),
        (None, False),
        ("", False),
    ],
)
def test_redirect_matches_only_exactly(given: str | None, ok: bool) -> None:
    assert rules.redirect_matches("https://app.example.com/callback", given) is ok
