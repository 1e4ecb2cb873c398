"""Business verbs of the auth area: clients, API keys, issuing and revoking tokens.

Invariants: secrets are returned to the caller exactly once and stored only hashed; every token
is bound to one client, one user and one company; revoking an API key or a token takes effect on
the next request. Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, literal, update
from sqlalchemy.orm import Session

from kirjuri.auth import repository, rules
from kirjuri.auth.models import ApiKey, AuthorizationCode, OAuthClient, Token
from kirjuri.companies import repository as companies_repository
from kirjuri.companies.models import User
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError
from kirjuri.core.ids import new_secret, sha256_hex
from kirjuri.db.base import UTCDateTime
from kirjuri.db.counters import next_value


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int
    refresh_token: str | None
    token: Token

    def as_response(self) -> dict[str, object]:
        body: dict[str, object] = {
            "access_token": self.access_token,
            "token_type": "bearer",
            "expires_in": self.expires_in,
        }
        if self.refresh_token:
            body["refresh_token"] = self.refresh_token
        return body


@dataclass(frozen=True, slots=True)
class NewClient:
    client: OAuthClient
    client_secret: str | None


def create_client(
    session: Session,
    *,
    name: str,
    redirect_uri: str,
    client_id: str | None = None,
    public: bool = False,
    owner_user_id: int | None = None,
) -> NewClient:
    if not rules.valid_redirect_uri(redirect_uri):
        raise KirjuriError("INVALID_REDIRECT_URI", 400, "redirectUri")
    client_id = client_id or f"kirjuri-{new_secret(9)}"
    if repository.client_by_client_id(session, client_id) is not None:
        raise KirjuriError("CLIENT_ID_TAKEN", 409, "clientId")
    secret = None if public else new_secret(32)
    client = OAuthClient(
        client_id=client_id,
        secret_hash=rules.hash_secret(secret) if secret else None,
        name=name,
        redirect_uri=redirect_uri,
        owner_user_id=owner_user_id,
    )
    session.add(client)
    session.flush()
    return NewClient(client, secret)


def authenticate_client(session: Session, *, client_id: str, client_secret: str | None) -> OAuthClient | None:
    """The client when the secret verifies (or a public client sent none); None otherwise."""
    client = repository.client_by_client_id(session, client_id)
    if client is None:
        rules.verify_secret(rules.DUMMY_HASH, client_secret or "x")
        return None
    if client.is_public:
        return client if not client_secret else None
    return client if rules.verify_secret(client.secret_hash, client_secret or "") else None


def create_api_key(
    session: Session, *, company_id: int, user_id: int, client: OAuthClient, name: str = ""
) -> tuple[ApiKey, str]:
    """A new key for (user, company, client); returns the row and the key, shown once."""
    if companies_repository.membership(session, company_id=company_id, user_id=user_id) is None:
        raise KirjuriError("USER_NOT_IN_COMPANY", 403)
    full, lookup, secret = rules.new_api_key()
    key = ApiKey(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name="api_keys"),
        lookup=lookup,
        secret_hash=rules.hash_secret(secret),
        user_id=user_id,
        client_pk=client.id,
        name=name,
    )
    session.add(key)
    session.flush()
    return key, full


def verify_api_key(session: Session, *, client: OAuthClient, api_key: str) -> ApiKey | None:
    """The usable key for this client, or None (unknown, wrong secret, other client, revoked)."""
    parts = rules.split_api_key(api_key)
    row = repository.api_key_by_lookup(session, parts[0]) if parts else None
    if row is None or parts is None:
        rules.verify_secret(rules.DUMMY_HASH, "x")
        return None
    if not rules.verify_secret(row.secret_hash, parts[1]):
        return None
    if row.revoked_at is not None or row.client_pk != client.id:
        return None
    if companies_repository.membership(session, company_id=row.company_id, user_id=row.user_id) is None:
        return None
    return row


def revoke_api_key(session: Session, *, company_id: int, key_id: int, user_id: int | None = None) -> None:
    """Revoke a key and every token issued with it. `user_id` limits it to the user's own keys."""
    key = session.get(ApiKey, (company_id, key_id))
    if key is None or (user_id is not None and key.user_id != user_id):
        raise KirjuriError("NOT_FOUND", 404, "id")
    now = clock.now()
    if key.revoked_at is None:
        key.revoked_at = now
    session.execute(
        update(Token)
        .where(Token.company_id == company_id, Token.api_key_id == key_id, Token.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.flush()


def issue_token(
    session: Session,
    *,
    client: OAuthClient,
    company_id: int,
    user_id: int,
    access_ttl: int,
    signing_key: str,
    issuer: str,
    api_key_id: int | None = None,
    refresh_ttl: int | None = None,
    code_hash: str | None = None,
    scope: str = "",
) -> IssuedToken:
    now = clock.now()
    expires = now + timedelta(seconds=access_ttl)
    access = rules.sign_access_token(
        signing_key=signing_key,
        issuer=issuer,
        subject=user_id,
        audience=client.client_id,
        company_id=company_id,
        issued=now,
        expires=expires,
    )
    refresh = new_secret(32) if refresh_ttl else None
    token = Token(
        company_id=company_id,
        user_id=user_id,
        client_pk=client.id,
        api_key_id=api_key_id,
        code_hash=code_hash,
        access_hash=sha256_hex(access),
        refresh_hash=sha256_hex(refresh) if refresh else None,
        scope=scope,
        issued_at=now,
        access_expires_at=expires,
        refresh_expires_at=now + timedelta(seconds=refresh_ttl) if refresh_ttl else None,
    )
    session.add(token)
    session.flush()
    return IssuedToken(access, access_ttl, refresh, token)


def revoke_token(session: Session, *, token: Token, at: datetime | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = at or clock.now()
    session.flush()


def revoke_access_token(session: Session, *, access_token: str) -> bool:
    """Revoke the token whose access value this is (logout). False when unknown."""
    token = repository.token_by_access_hash(session, sha256_hex(access_token))
    if token is None:
        return False
    revoke_token(session, token=token)
    return True


def authenticate_user(session: Session, *, username: str, password: str) -> User | None:
    """The user when the password verifies; None otherwise (same cost whether or not they exist).

    Throttling of attempts is the caller's job (per user and per address, see `auth.throttle`)."""
    user = companies_repository.user_by_username(session, username)
    if user is None or user.password_hash is None:
        rules.verify_secret(rules.DUMMY_HASH, password or "x")
        return None
    return user if rules.verify_secret(user.password_hash, password) else None


def create_authorization_code(
    session: Session,
    *,
    client: OAuthClient,
    user_id: int,
    company_id: int,
    redirect_uri: str,
    ttl_seconds: int,
    purpose: str = "token",
    code_challenge: str | None = None,
    code_challenge_method: str | None = None,
    scope: str = "",
) -> str:
    """A single-use code bound to client, user, company and redirect URI; returns the plain code.

    `purpose` is "token" (authorization-code grant) or "api_key" (the /keylogin flow)."""
    if companies_repository.membership(session, company_id=company_id, user_id=user_id) is None:
        raise KirjuriError("USER_NOT_IN_COMPANY", 403)
    if not rules.redirect_matches(client.redirect_uri, redirect_uri):
        raise KirjuriError("REDIRECT_URI_MISMATCH", 400, "redirect_uri")
    code = new_secret(32)
    now = clock.now()
    session.add(
        AuthorizationCode(
            code_hash=sha256_hex(code),
            client_pk=client.id,
            user_id=user_id,
            company_id=company_id,
            redirect_uri=redirect_uri,
            purpose=purpose,
            scope=scope,
            code_challenge=code_challenge,
            code_challenge_method=code_challenge_method,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds),
        )
    )
    session.flush()
    return code


def consume_authorization_code(session: Session, *, code: AuthorizationCode, at: datetime | None = None) -> bool:
    """Mark a code used. False when another request used it first — then nothing changed.

    One conditional UPDATE: two concurrent exchanges of the same code cannot both succeed (the
    second waits for the first's row lock, then finds `used_at` set)."""
    result = session.execute(
        update(AuthorizationCode)
        .where(AuthorizationCode.code_hash == code.code_hash, AuthorizationCode.used_at.is_(None))
        .values(used_at=at or clock.now())
        .execution_options(synchronize_session=False)
    )
    session.flush()
    claimed = getattr(result, "rowcount", 0) == 1
    if claimed:
        session.refresh(code)
    return claimed


def revoke_tokens_of_code(session: Session, *, code_hash: str, at: datetime | None = None) -> int:
    """Revoke every token issued from this authorization code, successors included (a replayed
    code means it leaked). Returns how many were still live."""
    result = session.execute(
        update(Token)
        .where(Token.code_hash == code_hash, Token.revoked_at.is_(None))
        .values(revoked_at=at or clock.now())
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(getattr(result, "rowcount", 0))


def revoke_token_family(session: Session, *, token: Token, at: datetime | None = None) -> None:
    """Revoke the token and every token of its family: all tokens of the code it descends from
    (refreshed successors inherit `code_hash`), or else its chain of successors."""
    at = at or clock.now()
    if token.code_hash is not None:
        revoke_tokens_of_code(session, code_hash=token.code_hash, at=at)
        session.refresh(token)
        return
    for member in repository.successor_chain(session, token):
        if member.revoked_at is None:
            member.revoked_at = at
    session.flush()


def rotate_refresh_token(session: Session, *, token: Token, successor: Token, at: datetime | None = None) -> None:
    """Record that `token`'s refresh token was exchanged for `successor`.

    `rotated_at` keeps the first exchange's time (a retry in the grace window does not extend
    the window); `successor_id` points to the newest successor."""
    session.execute(
        update(Token)
        .where(Token.id == token.id)
        .values(
            rotated_at=func.coalesce(Token.rotated_at, literal(at or clock.now(), UTCDateTime())),
            successor_id=successor.id,
        )
        .execution_options(synchronize_session=False)
    )
    session.flush()
    session.refresh(token)


def logout(session: Session, *, access_token: str) -> bool:
    """End the session of a bearer token (`POST /logout`). False when the token is not usable now
    (unknown, expired, revoked, or its key/membership gone) — then nothing changes."""
    if repository.principal_row(session, sha256_hex(access_token), clock.now()) is None:
        return False
    return revoke_access_token(session, access_token=access_token)
