"""HTTP endpoints of the OAuth2 server.

`router` (under the API base, so under every version prefix): the token endpoint and RFC 7009
revocation. `root_router` (host root): `POST /logout` (where the Procountor Python client sends
it) and the RFC 8414 metadata document.

Invariants: credentials travel only in an `application/x-www-form-urlencoded` body (any other
media type is 415, a secret in the query string is 400 `CREDENTIALS_IN_URL` before anything is
issued); token requests are rate limited per remote address and per client id.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Form
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.routers import KirjuriRouter
from kirjuri.api.schemas import ErrorMessages, InfoMessage
from kirjuri.api.session import DbSession
from kirjuri.auth import schemas, server, service
from kirjuri.auth.dependencies import bearer_token
from kirjuri.core.errors import unauthorized

router = KirjuriRouter(tags=["OAuth2"])
root_router = KirjuriRouter(tags=["OAuth2"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": schemas.OAuthErrorMessages, "description": "Invalid request, grant or secret in the URL"},
    401: {"model": schemas.OAuthErrorMessages, "description": "Client authentication failed"},
    415: {"model": ErrorMessages, "description": "Not application/x-www-form-urlencoded"},
    429: {"model": ErrorMessages, "description": "Too many token requests (see Retry-After)"},
}


def _guard_token(request: Request) -> None:
    server.check_transport(request)
    server.rate_limit(request, f"addr:{request.client.host if request.client else '-'}")


def _guard_revocation(request: Request) -> None:
    server.check_transport(request, also=frozenset({"token"}))
    server.rate_limit(request, f"addr:{request.client.host if request.client else '-'}")


@router.post(
    "/oauth/token",
    operation_id="createOAuthToken",
    summary="Get an access token",
    dependencies=[Depends(_guard_token)],
    response_model=None,
    responses={200: {"model": schemas.TokenResponse | schemas.ApiKeyResponse}, **_ERRORS},
)
def token(request: Request, session: DbSession, form: Annotated[schemas.TokenRequest, Form()]) -> Response:
    """OAuth 2.0 token endpoint (Procountor §B.2–B.3). Grants:

    - `client_credentials` + `api_key`: access token only (3600 s); repeat the call when it expires.
    - `authorization_code` (+ `code_verifier` for PKCE): access + refresh token; a `/keylogin` code
      answers `{"api_key": ...}` instead.
    - `refresh_token`: a new access + refresh pair; the old refresh token stops working.
    """
    return server.token_response(request, session, form.model_dump(exclude_none=True))


@router.post(
    "/oauth/revoke",
    operation_id="revokeOAuthToken",
    summary="Revoke a token (RFC 7009)",
    dependencies=[Depends(_guard_revocation)],
    response_model=None,
    responses={200: {"description": "Revoked, or unknown token"}, **_ERRORS},
)
def revoke(request: Request, session: DbSession, form: Annotated[schemas.RevocationRequest, Form()]) -> Response:
    """Revoke an access token (and its refresh token) or a refresh token (and its whole family)."""
    return server.revocation_response(request, session, form.model_dump(exclude_none=True))


def logout(request: Request, session: DbSession) -> InfoMessage:
    """Revoke the access token of the `Authorization: Bearer` header (the Procountor client's
    `invalidate_token()`). A missing, unknown, expired or already revoked token is 401."""
    access_token = bearer_token(request)
    if access_token is None or not service.logout(session, access_token=access_token):
        raise unauthorized()
    return InfoMessage(message="LOGGED_OUT")


root_router.add_api_route(
    "/logout",
    logout,
    methods=["POST"],
    operation_id="logout",
    summary="Invalidate the bearer token",
    responses={401: {"model": ErrorMessages}},
)


@root_router.get(
    "/.well-known/oauth-authorization-server",
    operation_id="getAuthorizationServerMetadata",
    summary="OAuth 2.0 authorization server metadata (RFC 8414)",
)
def authorization_server_metadata(request: Request) -> schemas.AuthorizationServerMetadata:
    return schemas.AuthorizationServerMetadata(**server.metadata(request.app.state.settings))
