"""The browser side shared by the login pages and the developer portal: session cookie, CSRF, pages.

Invariants:
- The browser session is one signed cookie (itsdangerous, `settings.secret_key`): HttpOnly,
  SameSite=Lax, `Secure` when the public URL is https, valid 8 hours from login. It holds a
  random session id, the user id and the login time — never a secret of the user.
- Every POST form carries a CSRF token, an HMAC of the session id; a POST without the right
  token is refused (403 page) before anything else is looked at. Logging in rotates the
  session id, so a token seen before login is worthless after it.
- Every page carries a strict Content-Security-Policy (everything from this server, nothing
  inline) and `Cache-Control: no-store`: pages may show secrets exactly once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Form
from itsdangerous import BadSignature, URLSafeTimedSerializer
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from kirjuri.api.session import DbSession
from kirjuri.companies.models import User
from kirjuri.config import Settings
from kirjuri.core import clock

SESSION_COOKIE = "kirjuri_session"
SESSION_MAX_AGE = 8 * 3600
_SESSION_SALT = "kirjuri.browser-session"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; img-src 'self' data:"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
}

_PACKAGE = Path(__file__).parent
_env = Environment(
    loader=FileSystemLoader([_PACKAGE / "auth" / "templates", _PACKAGE / "portal" / "templates"]),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_env)


@dataclass(frozen=True, slots=True)
class SessionData:
    sid: str
    user_id: int | None = None
    login_at: float | None = None


def serializer(settings: Settings, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt=salt)


def _load(settings: Settings, raw: str | None) -> SessionData | None:
    if not raw:
        return None
    try:
        data = serializer(settings, _SESSION_SALT).loads(raw, max_age=SESSION_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
        return None
    user_id, login_at = data.get("uid"), data.get("at")
    if not isinstance(user_id, int) or not isinstance(login_at, int | float):
        return SessionData(sid=data["sid"])
    if clock.now().timestamp() - login_at > SESSION_MAX_AGE:
        return SessionData(sid=data["sid"])  # the login is stale: an anonymous session again
    return SessionData(sid=data["sid"], user_id=user_id, login_at=float(login_at))


def csrf_for(settings: Settings, sid: str) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, f"csrf:{sid}".encode(), hashlib.sha256).hexdigest()


def safe_next(target: str | None, default: str) -> str:
    """A local path to go to after login/logout; anything that could leave the site is ignored."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target


class Browser:
    """The request's browser session and page helpers; endpoints get it as a dependency."""

    def __init__(self, request: Request, db: Session) -> None:
        self.request = request
        self.db = db
        self.settings: Settings = request.app.state.settings
        self._stored = _load(self.settings, request.cookies.get(SESSION_COOKIE))
        self._session = self._stored
        self._dirty = False
        self.user: User | None = None
        if self._session is not None and self._session.user_id is not None:
            self.user = db.get(User, self._session.user_id)

    @property
    def session(self) -> SessionData:
        if self._session is None:
            self._session = SessionData(sid=secrets.token_urlsafe(24))
            self._dirty = True
        return self._session

    @property
    def csrf_token(self) -> str:
        return csrf_for(self.settings, self.session.sid)

    def csrf_ok(self, token: str | None) -> bool:
        """The token must match the session the browser sent (not one made for this request)."""
        if self._stored is None or not token:
            return False
        return hmac.compare_digest(csrf_for(self.settings, self._stored.sid), token)

    def login(self, user: User) -> None:
        self._session = SessionData(sid=secrets.token_urlsafe(24), user_id=user.id, login_at=clock.now().timestamp())
        self.user = user
        self._dirty = True

    def logout(self) -> None:
        self._session = SessionData(sid=secrets.token_urlsafe(24))
        self.user = None
        self._dirty = True

    # -- responses -------------------------------------------------------------------------

    def render(self, name: str, context: dict[str, Any] | None = None, *, status: int = 200) -> Response:
        full = {"user": self.user, "csrf_token": self.csrf_token, "sandbox_enabled": self.settings.sandbox}
        full.update(context or {})
        return self.finish(templates.TemplateResponse(self.request, name, full, status_code=status))

    def error(self, title: str, message: str, *, status: int = 400) -> Response:
        return self.render("error.html", {"title": title, "message": message}, status=status)

    def forbidden(self) -> Response:
        return self.error(
            "Request refused",
            "The form was missing its security token or it had expired. Go back, reload the page and try again.",
            status=403,
        )

    def redirect(self, url: str, *, status: int = 303) -> Response:
        return self.finish(RedirectResponse(url, status_code=status))

    def finish(self, response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        if self._dirty and self._session is not None:
            self._set_cookie(response, self._session)
        return response

    def _set_cookie(self, response: Response, data: SessionData) -> None:
        payload: dict[str, Any] = {"sid": data.sid}
        if data.user_id is not None:
            payload.update(uid=data.user_id, at=data.login_at)
        response.set_cookie(
            SESSION_COOKIE,
            serializer(self.settings, _SESSION_SALT).dumps(payload),
            max_age=SESSION_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=self.settings.public_url.startswith("https://"),
            path="/",
        )


def browser(request: Request, db: DbSession) -> Browser:
    return Browser(request, db)


BrowserDep = Annotated[Browser, Depends(browser)]


class PageResponse(Exception):
    """Ends a page request early with a ready response (a refused form)."""

    def __init__(self, response: Response) -> None:
        super().__init__("page response")
        self.response = response


def form_browser(b: BrowserDep, csrf_token: Annotated[str, Form()] = "") -> Browser:
    """The browser of a POSTed form whose CSRF token matches its session; else the 403 page."""
    if not b.csrf_ok(csrf_token):
        raise PageResponse(b.forbidden())
    return b


# Every state-changing page endpoint takes this instead of `BrowserDep`.
FormBrowserDep = Annotated[Browser, Depends(form_browser)]


async def _page_response(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageResponse)
    return exc.response


def install(app: FastAPI) -> None:
    app.add_exception_handler(PageResponse, _page_response)
