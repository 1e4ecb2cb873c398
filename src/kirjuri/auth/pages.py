"""Browser pages of the OAuth2 server at the host root: /login, /keylogin and the browser logout
(`POST /login/logout`; `POST /logout` is the API's, for bearer tokens).

Flow (Procountor §B.2, §B.3 key-login): `GET /login?response_type=code&client_id&redirect_uri
&state[&code_challenge&code_challenge_method]` → username + password → company chooser →
consent screen naming the client → `302 redirect_uri?code=…&state=…` (or `error=access_denied`).
`/keylogin` is the same flow; its code is swapped for an API key instead of a token.

Invariants:
- Nothing is ever sent to a redirect URI that is not exactly the client's registered one: a
  bad client or redirect URI gets an error page, never a redirect. Other errors of a valid
  request go back to the client as `error=…&state=…` (RFC 6749 §4.1.2.1).
- A public client (no secret) must send a PKCE challenge; the challenge is stored with the code.
- The authorization request travels between the steps in a hidden field signed with the
  server's secret and bound to the browser session, so the user cannot swap the client, the
  redirect URI or the challenge, and a request cannot be replayed in another browser.
- Failed logins are throttled (`auth.throttle`) and answered with one generic message,
  whether or not the user exists.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Form, Query
from itsdangerous import BadSignature
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kirjuri.api.routers import KirjuriRouter
from kirjuri.auth import repository, rules, throttle
from kirjuri.auth import service as auth_service
from kirjuri.auth.models import OAuthClient
from kirjuri.browser import Browser, BrowserDep, FormBrowserDep, safe_next, serializer
from kirjuri.companies import repository as companies_repository
from kirjuri.core.errors import KirjuriError

router = KirjuriRouter(include_in_schema=False)

FLOW_PATHS = {"token": "/login", "api_key": "/keylogin"}
_REQUEST_SALT = "kirjuri.authorization-request"
REQUEST_MAX_AGE = 30 * 60
_CHALLENGE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
MAX_STATE = 1000
MAX_PASSWORD = 1024
GENERIC_LOGIN_ERROR = "Wrong username or password."
THROTTLED = "Too many failed login attempts. Wait a minute and try again."


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    purpose: str  # "token" (authorization code grant) or "api_key" (key-login)
    client_id: str
    redirect_uri: str
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None

    def restart_url(self) -> str:
        """The GET that starts (or, once logged in, resumes) this request."""
        params = {"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri}
        if self.state is not None:
            params["state"] = self.state
        if self.code_challenge:
            params["code_challenge"] = self.code_challenge
            params["code_challenge_method"] = self.code_challenge_method or "plain"
        return f"{FLOW_PATHS[self.purpose]}?{urlencode(params)}"

    def back_to_client(self, **params: str) -> Response:
        if self.state is not None:
            params["state"] = self.state
        # The registered redirect URI carries no query string (rules.valid_redirect_uri).
        return RedirectResponse(f"{self.redirect_uri}?{urlencode(params)}", status_code=302)


def _sign(b: Browser, request: AuthorizationRequest) -> str:
    return serializer(b.settings, _REQUEST_SALT).dumps({**asdict(request), "sid": b.session.sid})


def _unsign(b: Browser, token: str) -> AuthorizationRequest | None:
    try:
        data = serializer(b.settings, _REQUEST_SALT).loads(token, max_age=REQUEST_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.pop("sid", None) != b.session.sid:
        return None
    try:
        return AuthorizationRequest(**data)
    except TypeError:
        return None


def _bad_client(b: Browser) -> Response:
    return b.error(
        "Unknown application or redirect URI",
        "The application that sent you here is not registered with this server, or the return address it gave "
        "does not match its registered redirect URI exactly. You were not sent back to it. "
        "Tell the application's developer about this error.",
    )


class AuthorizeParams(BaseModel):
    """The query of `GET /login` and `GET /keylogin` (unknown parameters are ignored)."""

    response_type: str | None = None
    client_id: str | None = None
    redirect_uri: str | None = None
    state: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None


def _validate(b: Browser, purpose: str, params: AuthorizeParams) -> tuple[AuthorizationRequest, OAuthClient] | Response:
    client = repository.client_by_client_id(b.db, params.client_id) if params.client_id else None
    if client is None or not rules.redirect_matches(client.redirect_uri, params.redirect_uri):
        return _bad_client(b)
    challenge = params.code_challenge or None
    # RFC 7636: a challenge without a method is "plain".
    method = (params.code_challenge_method or "plain") if challenge else (params.code_challenge_method or None)
    request = AuthorizationRequest(purpose, client.client_id, client.redirect_uri, params.state, challenge, method)
    if not params.response_type:
        return b.finish(request.back_to_client(error="invalid_request", error_description="response_type missing"))
    if params.response_type != "code":
        return b.finish(request.back_to_client(error="unsupported_response_type"))
    problem = _pkce_problem(client, request)
    if params.state is not None and len(params.state) > MAX_STATE:
        problem = "state too long"
    if problem:
        return b.finish(request.back_to_client(error="invalid_request", error_description=problem))
    return request, client


def _pkce_problem(client: OAuthClient, request: AuthorizationRequest) -> str | None:
    if request.code_challenge is None:
        if request.code_challenge_method:
            return "code_challenge missing"
        return "PKCE code_challenge required for public clients" if client.is_public else None
    if request.code_challenge_method not in ("S256", "plain"):
        return "code_challenge_method must be S256 or plain"
    if not _CHALLENGE.match(request.code_challenge):
        return "code_challenge malformed"
    return None


def _resume(b: Browser, token: str) -> tuple[AuthorizationRequest, OAuthClient] | Response:
    """The request carried by a POSTed form, with its client checked again."""
    request = _unsign(b, token)
    if request is None:
        return b.error(
            "Login expired",
            "This login page has expired or was opened in another browser. Go back to the application and start again.",
        )
    client = repository.client_by_client_id(b.db, request.client_id)
    if client is None or not rules.redirect_matches(client.redirect_uri, request.redirect_uri):
        return _bad_client(b)
    return request, client


def _login_form(
    b: Browser,
    request: AuthorizationRequest,
    client: OAuthClient,
    *,
    error: str | None = None,
    username: str = "",
    status: int = 200,
) -> Response:
    context = {"client": client, "purpose": request.purpose, "req": _sign(b, request), "error": error}
    return b.render("auth/login.html", {**context, "username": username}, status=status)


def _chooser(b: Browser, request: AuthorizationRequest, client: OAuthClient) -> Response:
    assert b.user is not None
    companies = companies_repository.companies_of_user(b.db, user_id=b.user.id)
    context = {"client": client, "purpose": request.purpose, "req": _sign(b, request), "next": request.restart_url()}
    if not companies:
        return b.render("auth/no_company.html", context)
    return b.render("auth/choose_company.html", {**context, "companies": companies})


def _start(b: Browser, purpose: str, params: AuthorizeParams) -> Response:
    result = _validate(b, purpose, params)
    if isinstance(result, Response):
        return result
    request, client = result
    if b.user is None:
        return _login_form(b, request, client)
    return _chooser(b, request, client)


@router.get("/login")
def login_page(b: BrowserDep, params: Annotated[AuthorizeParams, Query()]) -> Response:
    return _start(b, "token", params)


@router.get("/keylogin")
def keylogin_page(b: BrowserDep, params: Annotated[AuthorizeParams, Query()]) -> Response:
    return _start(b, "api_key", params)


def password_login(b: Browser, http: Request, *, username: str, password: str) -> str | None:
    """Log the browser in; None on success, else the message to show (throttled or generic).

    Shared with the portal's login page: one throttle, one generic message."""
    guard = throttle.for_request(http)
    address = throttle.client_address(http)
    if guard.blocked(username=username, address=address):
        return THROTTLED
    user = None
    if username and password and len(password) <= MAX_PASSWORD:
        user = auth_service.authenticate_user(b.db, username=username, password=password)
    if user is None:
        guard.failed(username=username, address=address)
        return GENERIC_LOGIN_ERROR
    b.login(user)
    return None


@router.post("/login")
def login_submit(
    b: FormBrowserDep,
    *,
    http: Request,
    req: str = Form(""),
    username: str = Form(""),
    password: str = Form(""),
) -> Response:
    resumed = _resume(b, req)
    if isinstance(resumed, Response):
        return resumed
    request, client = resumed
    problem = password_login(b, http, username=username.strip(), password=password)
    if problem is not None:
        status = 429 if problem == THROTTLED else 401
        return _login_form(b, request, client, error=problem, username=username, status=status)
    return b.redirect(request.restart_url())


def _company_for(b: Browser, raw: str) -> tuple[int, str] | None:
    """(company id, name) when the logged-in user belongs to that company."""
    if b.user is None or not raw.isdigit():
        return None
    found = companies_repository.company_and_user(b.db, company_id=int(raw), user_id=b.user.id)
    return (found[0].id, found[0].name) if found else None


@router.post("/login/consent")
def consent_page(b: FormBrowserDep, *, req: str = Form(""), company_id: str = Form("")) -> Response:
    resumed = _resume(b, req)
    if isinstance(resumed, Response):
        return resumed
    request, client = resumed
    if b.user is None:
        return b.redirect(request.restart_url())
    company = _company_for(b, company_id)
    if company is None:
        return _chooser(b, request, client)
    context = {"client": client, "purpose": request.purpose, "req": req, "company_id": company[0]}
    return b.render("auth/consent.html", {**context, "company_name": company[1]})


@router.post("/login/decide")
def decide(
    b: FormBrowserDep,
    *,
    req: str = Form(""),
    company_id: str = Form(""),
    decision: str = Form(""),
) -> Response:
    resumed = _resume(b, req)
    if isinstance(resumed, Response):
        return resumed
    request, client = resumed
    if decision != "approve":
        return b.finish(request.back_to_client(error="access_denied"))
    if b.user is None:
        return b.redirect(request.restart_url())
    company = _company_for(b, company_id)
    if company is None:
        return _chooser(b, request, client)
    try:
        code = auth_service.create_authorization_code(
            b.db,
            client=client,
            user_id=b.user.id,
            company_id=company[0],
            redirect_uri=request.redirect_uri,
            ttl_seconds=b.settings.auth_code_ttl,
            purpose=request.purpose,
            code_challenge=request.code_challenge,
            code_challenge_method=request.code_challenge_method,
        )
    except KirjuriError:
        return _chooser(b, request, client)
    return b.finish(request.back_to_client(code=code))


@router.post("/login/logout")
def logout(b: FormBrowserDep, *, next: str = Form("")) -> Response:
    """Browser logout (a CSRF-checked form) of the login pages and the portal."""
    b.logout()
    return b.redirect(safe_next(next, "/portal"))
