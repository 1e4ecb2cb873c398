"""The OAuth2 authorization server: Authlib's core behind a thin Starlette adapter.

Authlib parses the token request, authenticates the client (`client_secret_post`,
`client_secret_basic`, `none` for public clients), picks and validates the grant, verifies PKCE
(RFC 7636) and runs RFC 7009 revocation; the grants with Kirjuri's rules are in `auth.grants`.
One server object per request holds the request's database session.

Invariants: tokens are made and stored (hashed) only by `auth.service.issue_token`, registered as
Authlib's token generator (`save_token` has nothing left to do). Every failure answers
Procountor's error body (bad client credentials: 401 "Unauthorized") with RFC 6749's `error`
beside it. Revocations caused by a replay are written although the answer is 400: the adapter
asks the route to commit them (`api.route.keep_writes`). Authlib's debug logging would print issued
tokens, so its logger is capped at INFO.
"""

from __future__ import annotations

import logging
from typing import Any

from authlib.common.security import is_secure_transport
from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Error, OAuth2Request
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.route import add_response_headers, keep_writes
from kirjuri.api.wire import WireResponse
from kirjuri.auth import repository, rules, service
from kirjuri.auth.grants import (
    AuthorizationCodeGrant,
    Client,
    ClientCredentialsGrant,
    FormRequest,
    Grantee,
    PkceChallenge,
    RefreshTokenGrant,
    RequestRefused,
    RevocationEndpoint,
)
from kirjuri.config import Settings
from kirjuri.core.errors import KirjuriError
from kirjuri.core.ids import sha256_hex

logging.getLogger("authlib").setLevel(logging.INFO)

MAX_DESCRIPTION = 200
_ERROR_FIELDS = {"unsupported_grant_type": "grant_type", "unsupported_token_type": "token_type_hint"}


# -- the server -----------------------------------------------------------------------------------


class KirjuriAuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    """One per request: it holds the request's database session."""

    def __init__(self, session: Session, settings: Settings) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.issued: service.IssuedToken | None = None
        # Writes that must land even though the answer is an error (replay revocations).
        self.keep_writes = False
        self.register_client_auth_method("client_secret_post", self._client_secret_post)
        self.register_client_auth_method("client_secret_basic", self._client_secret_basic)
        self.register_token_generator("default", self._generate_token)
        self.register_grant(ClientCredentialsGrant)
        self.register_grant(AuthorizationCodeGrant, [PkceChallenge(required=True)])
        self.register_grant(RefreshTokenGrant)
        self.register_endpoint(RevocationEndpoint)

    # Client authentication goes through `service.authenticate_client`, which spends the same
    # argon2 work whether or not the client exists.
    def _authenticate(self, client_id: str | None, client_secret: str | None) -> Client | None:
        if not client_id or not client_secret:
            return None
        found = service.authenticate_client(self.session, client_id=client_id, client_secret=client_secret)
        return Client(found) if found is not None else None

    def _client_secret_post(self, _query_client: Any, request: FormRequest) -> Client | None:
        return self._authenticate(request.form.get("client_id"), request.form.get("client_secret"))

    def _client_secret_basic(self, _query_client: Any, request: FormRequest) -> Client | None:
        client_id, client_secret = extract_basic_authorization(request.headers)
        return self._authenticate(client_id, client_secret)

    def query_client(self, client_id: str) -> Client | None:
        found = repository.client_by_client_id(self.session, client_id)
        return Client(found) if found is not None else None

    def _generate_token(  # Authlib calls it with keywords
        self,
        *,
        grant_type: str,
        client: Client,
        user: Grantee | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        assert user is not None
        settings = self.settings
        self.issued = service.issue_token(
            self.session,
            client=client.model,
            company_id=user.company_id,
            user_id=user.user_id,
            api_key_id=user.api_key_id,
            code_hash=user.code_hash,
            access_ttl=settings.access_token_ttl,
            refresh_ttl=settings.refresh_token_ttl if include_refresh_token else None,
            signing_key=settings.secret_key.get_secret_value(),
            issuer=settings.public_url,
        )
        return self.issued.as_response()

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        pass  # `service.issue_token` stored it (hashed) when it was generated

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass

    def create_oauth2_request(self, request: FormRequest) -> FormRequest:
        return request

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        extra = {k: v for k, v in headers if k.lower() != "content-type"}
        return WireResponse(body, status_code=status, headers=extra)

    def handle_error_response(self, request: Any, error: OAuth2Error) -> Response:
        return error_response(error)


def error_response(error: OAuth2Error) -> Response:
    """Procountor's error body for an OAuth2 error, with RFC 6749's `error` fields beside it."""
    status, code = rules.oauth_error(error.error, error.status_code)
    item: dict[str, Any] = {"status": status, "message": code}
    field = getattr(error, "field", None) or _ERROR_FIELDS.get(str(error.error))
    if field:
        item = {"status": status, "field": field, "message": code}
    body: dict[str, Any] = {"errors": [item], "error": error.error}
    description = error.get_error_description()
    if description:
        body["error_description"] = str(description)[:MAX_DESCRIPTION]
    headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "www-authenticate")}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="kirjuri"'
    return WireResponse(body, status_code=status, headers=headers)


# -- the adapter ----------------------------------------------------------------------------------


def check_transport(request: Request, *, also: frozenset[str] = frozenset()) -> None:
    """Refuse secrets in the query string (§B.6) before anything else is read."""
    found = rules.secrets_in_query(list(request.query_params.keys()), also=also)
    if found:
        raise KirjuriError("CREDENTIALS_IN_URL", 400, found[0])


def rate_limit(request: Request, key: str) -> None:
    settings: Settings = request.app.state.settings
    rate = settings.token_rate_per_second
    decision = request.app.state.limiter.hit(f"oauth:{key}", rate=rate, burst=rate)
    add_response_headers(request, decision.headers())
    if not decision.allowed:
        raise KirjuriError("RATE_LIMIT_EXCEEDED", 429)  # Retry-After comes with the headers above


def _form_request(request: Request, settings: Settings, form: dict[str, str]) -> FormRequest:
    # Authlib refuses plain-http URIs except on loopback (RFC 6749 §3.2: TLS is a must). Behind a
    # TLS proxy the request's own URL says http, so the public URL is what counts. Outside
    # production (a sandbox on a LAN host) TLS is left to the deployment.
    uri = settings.public_url.rstrip("/") + request.url.path
    if not settings.is_production and not is_secure_transport(uri):
        uri = "http://localhost" + request.url.path
    return FormRequest(request.method, uri, request.headers, form)


def _client_id_of(request: Request, form: dict[str, str]) -> str:
    basic_id, _secret = extract_basic_authorization(request.headers)
    return form.get("client_id") or basic_id or ""


def _answer(request: Request, session: Session, form: dict[str, str], endpoint: str) -> Response:
    settings: Settings = request.app.state.settings
    client_id = _client_id_of(request, form)
    if client_id:
        rate_limit(request, f"client:{sha256_hex(client_id)[:32]}")
    server = KirjuriAuthorizationServer(session, settings)
    try:
        oauth_request = _form_request(request, settings, form)
    except OAuth2Error as error:
        return error_response(error)
    if endpoint == "token":
        if not form.get("grant_type"):
            return error_response(RequestRefused("Missing 'grant_type' in request.", field="grant_type"))
        response: Response = server.create_token_response(oauth_request)
    else:
        response = server.create_endpoint_response("revocation", oauth_request)
    if response.status_code >= 400 and server.keep_writes:
        # A replayed code or refresh token: its revocations must land although we answer 400.
        keep_writes(request)
    return response


def token_response(request: Request, session: Session, form: dict[str, str]) -> Response:
    return _answer(request, session, form, "token")


def revocation_response(request: Request, session: Session, form: dict[str, str]) -> Response:
    return _answer(request, session, form, "revocation")


def metadata(settings: Settings) -> dict[str, Any]:
    """RFC 8414 authorization server metadata."""
    base = settings.public_url.rstrip("/")
    return {
        "issuer": settings.public_url,
        "authorization_endpoint": f"{base}/login",
        "token_endpoint": f"{base}/api/oauth/token",
        "revocation_endpoint": f"{base}/api/oauth/revoke",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic", "none"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "service_documentation": f"{base}/api/docs",
    }
