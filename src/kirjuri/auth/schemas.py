"""Wire models of the OAuth2 endpoints: token and revocation forms, their answers, server metadata.

Invariant: these names are OAuth's (RFC 6749/7009/8414, snake_case), not Procountor's camelCase —
clients of every OAuth library read them. Errors still use Procountor's `ErrorMessages` body, with
the RFC 6749 `error`/`error_description` pair added beside `errors` for OAuth libraries.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kirjuri.api.schemas import ErrorMessages


class TokenRequest(BaseModel):
    """`POST /api/oauth/token`, `application/x-www-form-urlencoded` only. Secrets travel here,
    never in the URL. Client authentication: `client_id` + `client_secret` in the form (HTTP Basic
    is accepted too); public clients send only `client_id` and must use PKCE."""

    model_config = ConfigDict(extra="ignore")

    grant_type: str | None = Field(None, description="`client_credentials`, `authorization_code` or `refresh_token`.")
    client_id: str | None = None
    client_secret: str | None = None
    api_key: str | None = Field(None, description="client_credentials: the user/company/client-bound API key.")
    code: str | None = Field(None, description="authorization_code: the code from the redirect (60 s, single use).")
    redirect_uri: str | None = Field(
        None, description="authorization_code: exactly the registered URI. Ignored by client_credentials."
    )
    code_verifier: str | None = Field(
        None, description="authorization_code: PKCE verifier (required for public clients)."
    )
    refresh_token: str | None = Field(None, description="refresh_token: the refresh token to rotate.")
    scope: str | None = Field(None, description="Accepted and ignored (rights come from the user).")


class TokenResponse(BaseModel):
    access_token: str = Field(description="A signed JWT; valid `expires_in` seconds or until revoked.")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the token type, not a secret
    expires_in: int = 3600
    refresh_token: str | None = Field(
        None, description="authorization_code and refresh_token grants only; rotates on every use."
    )


class ApiKeyResponse(BaseModel):
    """The answer to a code from the `/keylogin` flow: the API key, shown this once."""

    api_key: str


class RevocationRequest(BaseModel):
    """`POST /api/oauth/revoke` (RFC 7009), form-encoded, client authenticated as at the token endpoint."""

    model_config = ConfigDict(extra="ignore")

    token: str | None = None
    token_type_hint: str | None = Field(None, description="`access_token` or `refresh_token`.")
    client_id: str | None = None
    client_secret: str | None = None


class OAuthErrorMessages(ErrorMessages):
    """Procountor's error body plus the RFC 6749 §5.2 fields."""

    error: str | None = Field(None, description="RFC 6749 error, e.g. `invalid_grant`.")
    error_description: str | None = Field(None, alias="error_description")


class AuthorizationServerMetadata(BaseModel):
    """RFC 8414 metadata served at `/.well-known/oauth-authorization-server`."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    revocation_endpoint: str
    response_types_supported: list[str]
    grant_types_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]
    revocation_endpoint_auth_methods_supported: list[str]
    code_challenge_methods_supported: list[str]
    service_documentation: str
