"""Kirjuri's OAuth2 grants as Authlib grant subclasses, and the models as Authlib reads them.

Authlib validates each grant (client authentication, grant type, PKCE via `PkceChallenge`);
Kirjuri's rules live in these hooks:

- client_credentials (`ClientCredentialsGrant.validate_token_request`): the form's `api_key` must
  be a live key of this client whose user is still in the company; no refresh token.
- authorization_code (`AuthorizationCodeGrant.query_authorization_code` / `create_token_response`):
  the code is bound to client, user, company and the exact `redirect_uri`; valid
  `auth_code_ttl` (60 s); single use, claimed by one conditional UPDATE; a public client's code
  must carry a PKCE challenge; a *replayed* code revokes every token issued from it (and those
  refreshed from them). A `/keylogin` code (purpose "api_key") is answered with
  `{"api_key": ...}` instead of tokens (confidential clients only).
- refresh_token (`RefreshTokenGrant.authenticate_refresh_token` / `revoke_old_credential`):
  rotation. Each use gives a new access + refresh pair (the new refresh token lives
  `refresh_token_ttl` from now) and marks the old one rotated. Presenting the old one again
  within `refresh_grace_seconds` (a lost answer, two threads refreshing at once) gives another
  fresh pair in the same family — earlier successors stay valid, so concurrent refreshers do not
  log each other out; after the window the whole family is revoked.
- revocation (RFC 7009, `RevocationEndpoint`): an access token revokes its row (its refresh
  token with it), a refresh token its whole family.

A token family is every token that descends from one authorization code: refreshed tokens
inherit `code_hash`. Writes that must land although the answer is an error (the revocations of a
replay) set `server.keep_writes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from authlib.consts import default_json_headers
from authlib.oauth2.rfc6749 import (
    ClientMixin,
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Request,
    UnauthorizedClientError,
    grants,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc7009 import RevocationEndpoint as BaseRevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from sqlalchemy.orm import Session

from kirjuri.auth import repository, rules, service
from kirjuri.auth.models import AuthorizationCode, OAuthClient, Token
from kirjuri.companies import repository as companies_repository
from kirjuri.core import clock
from kirjuri.core.ids import sha256_hex

if TYPE_CHECKING:
    from kirjuri.auth.server import KirjuriAuthorizationServer

# Basic first (RFC 6749's default), then the form body (what every Procountor client sends), then
# public clients with PKCE.
AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
CONFIDENTIAL_GRANTS = frozenset({"client_credentials", "authorization_code", "refresh_token"})
PUBLIC_GRANTS = frozenset({"authorization_code", "refresh_token"})

# -- errors with a field path ---------------------------------------------------------------------


class GrantRefused(InvalidGrantError):  # type: ignore[misc]
    def __init__(self, description: str, field: str | None = None) -> None:
        super().__init__(description=description)
        self.field = field


class RequestRefused(InvalidRequestError):  # type: ignore[misc]
    def __init__(self, description: str, field: str | None = None) -> None:
        super().__init__(description=description)
        self.field = field


# -- the models as Authlib sees them --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Grantee:
    """Whom a token is for: the user in one company, and what it was granted from."""

    user_id: int
    company_id: int
    api_key_id: int | None = None
    code_hash: str | None = None


class Client(ClientMixin):  # type: ignore[misc]
    def __init__(self, model: OAuthClient) -> None:
        self.model = model

    def get_client_id(self) -> str:
        return self.model.client_id

    def get_default_redirect_uri(self) -> str:
        return self.model.redirect_uri

    def get_allowed_scope(self, scope: str | None) -> str:
        return ""  # rights come from the user in the company, not from scopes

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return rules.redirect_matches(self.model.redirect_uri, redirect_uri)

    def check_client_secret(self, client_secret: str) -> bool:
        return rules.verify_secret(self.model.secret_hash, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.model.is_public:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in (PUBLIC_GRANTS if self.model.is_public else CONFIDENTIAL_GRANTS)


class Code:
    """An authorization code as Authlib and its PKCE extension read it."""

    def __init__(self, model: AuthorizationCode) -> None:
        self.model = model
        self.code_challenge = model.code_challenge
        self.code_challenge_method = model.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.model.redirect_uri

    def get_scope(self) -> str:
        return self.model.scope


class StoredToken:
    """A token row as Authlib's refresh grant and revocation endpoint read it."""

    def __init__(self, model: Token, kind: str) -> None:
        self.model = model
        self.kind = kind  # which value was presented: "access_token" or "refresh_token"

    def check_client(self, client: Client) -> bool:
        return self.model.client_pk == client.model.id

    def get_scope(self) -> str:
        return self.model.scope


class FormRequest(OAuth2Request):  # type: ignore[misc]
    """Authlib's request over an already parsed form (Authlib ≥ 1.6: data lives in `payload`)."""

    def __init__(self, method: str, uri: str, headers: Any, form: dict[str, str]) -> None:
        super().__init__(method, uri, headers=headers)
        self.payload = BasicOAuth2Payload(form)
        self._form = form

    @property
    def form(self) -> dict[str, str]:
        return self._form

    @property
    def args(self) -> dict[str, str]:
        return {}


# -- grants ---------------------------------------------------------------------------------------


class _KirjuriGrant:
    request: FormRequest
    server: KirjuriAuthorizationServer

    @property
    def session(self) -> Session:
        return self.server.session

    def member(self, *, company_id: int, user_id: int) -> bool:
        return companies_repository.membership(self.session, company_id=company_id, user_id=user_id) is not None


class ClientCredentialsGrant(_KirjuriGrant, grants.ClientCredentialsGrant):  # type: ignore[misc]
    """Procountor's M2M flow: client credentials + an API key (§B.3). No refresh token."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def validate_token_request(self) -> None:
        super().validate_token_request()  # client authenticated, grant type allowed
        api_key = self.request.form.get("api_key")
        if not api_key:
            raise RequestRefused("Missing 'api_key' in request.", field="api_key")
        key = service.verify_api_key(self.session, client=self.request.client.model, api_key=api_key)
        if key is None:
            raise GrantRefused("The API key is not valid for this client.", field="api_key")
        self.request.user = Grantee(user_id=key.user_id, company_id=key.company_id, api_key_id=key.id)

    def generate_token(self, user: Grantee | None = None, **kwargs: Any) -> dict[str, Any]:
        return dict(super().generate_token(user=user or self.request.user, **kwargs))


class PkceChallenge(CodeChallenge):  # type: ignore[misc]
    """RFC 7636 with constant-time comparison (`auth.rules.pkce_matches`)."""

    CODE_CHALLENGE_METHODS = {  # noqa: RUF012 - Authlib's class attribute
        "plain": lambda verifier, challenge: rules.pkce_matches(challenge, "plain", verifier),
        "S256": lambda verifier, challenge: rules.pkce_matches(challenge, "S256", verifier),
    }


class AuthorizationCodeGrant(_KirjuriGrant, grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        row = repository.code_by_hash(self.session, sha256_hex(code))
        if row is None:
            return None
        if row.used_at is not None:
            self._replayed(row)
        if row.client_pk != client.model.id:
            return None
        if rules.code_expired(row.expires_at, clock.now()):
            raise GrantRefused("The authorization code has expired.", field="code")
        if not rules.redirect_matches(row.redirect_uri, self.request.payload.redirect_uri):
            raise GrantRefused("'redirect_uri' does not match the one of the authorization.", field="redirect_uri")
        if client.model.is_public and not row.code_challenge:
            # /login must refuse a public client without code_challenge; this is the backstop.
            raise GrantRefused("A public client must use PKCE.", field="code_verifier")
        return Code(row)

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        code: Code = self.request.authorization_code
        if not service.consume_authorization_code(self.session, code=code.model):
            self._replayed(code.model)  # another request exchanged it a moment ago
        if code.model.purpose == "api_key":
            return self._api_key_response(code.model)
        result: tuple[int, dict[str, Any], list[tuple[str, str]]] = super().create_token_response()
        return result

    def _api_key_response(self, code: AuthorizationCode) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        client: Client = self.request.client
        if client.model.is_public:
            raise UnauthorizedClientError("A public client cannot hold an API key.")
        if not self.member(company_id=code.company_id, user_id=code.user_id):
            raise GrantRefused("The user is no longer in the company.", field="code")
        _key, full = service.create_api_key(
            self.session, company_id=code.company_id, user_id=code.user_id, client=client.model, name="keylogin"
        )
        return 200, {"api_key": full}, list(default_json_headers)

    def _replayed(self, row: AuthorizationCode) -> None:
        service.revoke_tokens_of_code(self.session, code_hash=row.code_hash)
        self.server.keep_writes = True
        raise GrantRefused("The authorization code was already used; its tokens are revoked.", field="code")

    def delete_authorization_code(self, authorization_code: Code) -> None:
        pass  # consumed (used_at set) before the token was issued

    def authenticate_user(self, authorization_code: Code) -> Grantee | None:
        row = authorization_code.model
        if not self.member(company_id=row.company_id, user_id=row.user_id):
            return None
        return Grantee(user_id=row.user_id, company_id=row.company_id, code_hash=row.code_hash)

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        # Codes are made by the login pages through `service.create_authorization_code`.
        raise NotImplementedError


class RefreshTokenGrant(_KirjuriGrant, grants.RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> StoredToken | None:
        row = repository.token_by_refresh_hash(self.session, sha256_hex(refresh_token))
        now = clock.now()
        if row is None or row.revoked_at is not None:
            return None
        if row.refresh_expires_at is None or rules.code_expired(row.refresh_expires_at, now):
            return None
        grace = self.server.settings.refresh_grace_seconds
        if row.rotated_at is not None and not rules.refresh_retry_allowed(row.rotated_at, now, grace):
            service.revoke_token_family(self.session, token=row, at=now)
            self.server.keep_writes = True
            raise GrantRefused("The refresh token was already used; its token family is revoked.", "refresh_token")
        return StoredToken(row, "refresh_token")

    def _validate_token_scope(self, token: StoredToken) -> None:
        pass  # scopes are accepted and ignored

    def authenticate_user(self, refresh_token: StoredToken) -> Grantee:
        row = refresh_token.model
        if not self.member(company_id=row.company_id, user_id=row.user_id):
            raise GrantRefused("The user is no longer in the company.", field="refresh_token")
        return Grantee(
            user_id=row.user_id, company_id=row.company_id, api_key_id=row.api_key_id, code_hash=row.code_hash
        )

    def revoke_old_credential(self, refresh_token: StoredToken) -> None:
        issued = self.server.issued
        assert issued is not None
        service.rotate_refresh_token(self.session, token=refresh_token.model, successor=issued.token)


class RevocationEndpoint(BaseRevocationEndpoint):  # type: ignore[misc]
    """RFC 7009. An access token revokes its row (and so its refresh token); a refresh token
    revokes its whole family, as the RFC recommends. Unknown tokens answer 200."""

    CLIENT_AUTH_METHODS = AUTH_METHODS
    server: KirjuriAuthorizationServer

    def query_token(self, token_string: str, token_type_hint: str | None) -> StoredToken | None:
        session = self.server.session
        digest = sha256_hex(token_string)
        kinds = ["access_token", "refresh_token"]
        if token_type_hint == "refresh_token":  # noqa: S105 - a hint's name, not a secret
            kinds.reverse()
        for kind in kinds:
            find = repository.token_by_refresh_hash if kind == "refresh_token" else repository.token_by_access_hash
            row = find(session, digest)
            if row is not None:
                return StoredToken(row, kind)
        return None

    def revoke_token(self, token: StoredToken, request: OAuth2Request) -> None:
        if token.kind == "refresh_token":
            service.revoke_token_family(self.server.session, token=token.model)
        else:
            service.revoke_token(self.server.session, token=token.model)
