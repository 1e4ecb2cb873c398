"""Tables of the OAuth2 server: API clients, API keys, authorization codes and tokens.

Invariant: no secret is stored in a form that can be used: client secrets and API keys are
argon2id hashes, high-entropy tokens and codes are SHA-256 digests looked up by digest. A token
is valid only while its client, its API key (if any) and the user's membership in the company
are — checked on every request, not cached.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kirjuri.core import clock
from kirjuri.db.base import Base, UTCDateTime


class OAuthClient(Base):
    """A registered API client (an integration): one exact redirect URI, as in Procountor."""

    __tablename__ = "oauth_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(100), unique=True)
    # argon2id; None for public clients (which must use PKCE).
    secret_hash: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(100))
    redirect_uri: Mapped[str] = mapped_column(String(500))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_public(self) -> bool:
        return self.secret_hash is None


class ApiKey(Base):
    """An API key: bound to one user, one company and one client. Shown once, kept hashed."""

    __tablename__ = "api_keys"
    __table_args__ = (
        ForeignKeyConstraint(
            ["company_id", "user_id"],
            ["company_users.company_id", "company_users.user_id"],
            ondelete="CASCADE",
        ),
    )

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # Public part of the key, used to find the row; the rest is verified against secret_hash.
    lookup: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("oauth_clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuthorizationCode(Base):
    """A one-time code of the authorization-code (or key-login) flow, valid `auth_code_ttl` seconds."""

    __tablename__ = "oauth_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("oauth_clients.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(String(500))
    # "token" (authorization code grant) or "api_key" (key-login flow).
    purpose: Mapped[str] = mapped_column(String(10), default="token")
    scope: Mapped[str] = mapped_column(String(200), default="")
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Token(Base):
    """An issued access token and, for the code flow, its refresh token."""

    __tablename__ = "oauth_tokens"
    __table_args__ = (
        Index("ix_oauth_tokens_code_hash", "code_hash"),
        Index("ix_oauth_tokens_company_user", "company_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_pk: Mapped[int] = mapped_column(ForeignKey("oauth_clients.id", ondelete="CASCADE"))
    api_key_id: Mapped[int | None] = mapped_column(Integer)
    # The code this token family was issued from: a replayed code revokes the whole family.
    code_hash: Mapped[str | None] = mapped_column(String(64))
    access_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    access_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the refresh token was first exchanged; a retry within the grace window gets a
    # fresh pair of the same family (`successor_id` → the newest), a later reuse revokes the
    # family (every token with the same `code_hash`).
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    successor_id: Mapped[int | None] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
