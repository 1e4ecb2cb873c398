"""Developer portal pages (server-rendered with Jinja2) under /portal.

Home, developer sign-up, login (the same browser session as /login), "Request a testing
environment", the user's API keys, pending two-step confirmations, the bank-file upload, and the
webhooks (with their recent deliveries) of the companies where the user may view company settings.

Invariants: every page acts for the user of the browser session only — their companies, their
keys, their transactions; every POST is CSRF-checked first; secrets created here are shown on
the response of the POST that created them and never again; a page that refuses something
answers 4xx, so the request's transaction is rolled back. The bank-file upload is read by the
API's bounded streaming reader (`banking.statements.upload`): its CSRF token, login and rights
are checked on the form fields sent before the file, so a refused upload is never kept.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Form
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.route import too_large_answer
from kirjuri.api.routers import KirjuriRouter
from kirjuri.attachments.storage import local_store
from kirjuri.auth.pages import THROTTLED, password_login
from kirjuri.banking.statements import upload
from kirjuri.banking.xml import too_large
from kirjuri.browser import Browser, BrowserDep, FormBrowserDep, safe_next
from kirjuri.companies import repository as companies_repository
from kirjuri.core.errors import KirjuriError
from kirjuri.portal import bankfiles, service
from kirjuri.portal.schemas import ApiKeyForm, RegisterForm, SandboxForm, parse

router = KirjuriRouter(include_in_schema=False, prefix="/portal")

STATIC_DIR = Path(__file__).parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8"}

ERROR_TEXT = {
    "UNKNOWN_CLIENT": "No integration has that client id.",
    "USER_NOT_IN_COMPANY": "You are not a member of that company.",
    "NOT_FOUND": "Not found among your own items.",
    "MFA_TRANSACTION_EXPIRED": "The confirmation expired (5 minutes); start the operation again.",
    "MFA_TRANSACTION_ALREADY_PROCESSED": "The confirmation was already answered.",
    "MFA_TRANSACTION_OF_ANOTHER_USER": "Not found among your own items.",
    "NOT_A_MEMBER": "You are no longer a member of that company.",
}
NOTICES = {
    "registered": "Your developer account was created. Log in to continue.",
    "revoked": "The API key was revoked. Tokens obtained with it stopped working.",
    "confirmed": "Confirmed. The operation was carried out.",
    "rejected": "Rejected. Nothing was changed.",
}


def _message(exc: KirjuriError) -> str:
    return ERROR_TEXT.get(exc.code, exc.code)


def _login_required(b: Browser, path: str) -> Response | None:
    if b.user is None:
        return b.redirect(f"/portal/login?next={path}")
    return None


@router.get("")
def home(b: BrowserDep) -> Response:
    return b.render("portal/home.html")


@lru_cache(maxsize=16)
def _static_file(name: str) -> bytes | None:
    path = STATIC_DIR / name
    if path.suffix not in STATIC_TYPES or path.parent != STATIC_DIR or not path.is_file():
        return None
    return path.read_bytes()


@router.get("/static/{name}")
def static(name: str) -> Response:
    body = _static_file(name)
    if body is None:
        return Response("Not found", status_code=404, media_type="text/plain")
    headers = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
    return Response(body, media_type=STATIC_TYPES[Path(name).suffix], headers=headers)


# -- sign-up and login ---------------------------------------------------------------------


@router.get("/register")
def register_page(b: BrowserDep) -> Response:
    return b.render("portal/register.html", {"form": {}, "errors": {}})


@router.post("/register")
def register(
    b: FormBrowserDep,
    *,
    username: str = Form(""),
    first_name: str = Form(""),
    last_name: str = Form(""),
    email: str = Form(""),
    password: str = Form(""),
) -> Response:
    data = {"username": username, "first_name": first_name, "last_name": last_name, "email": email}
    form, errors = parse(RegisterForm, {**data, "password": password})
    if form is not None:
        try:
            service.register_developer(b.db, form=form)
        except KirjuriError:
            errors = {"username": "That username is taken; choose another one."}
        else:
            return b.redirect("/portal/login?notice=registered")
    return b.render("portal/register.html", {"form": data, "errors": errors}, status=400)


@router.get("/login")
def login_page(b: BrowserDep, *, next: str | None = None, notice: str | None = None) -> Response:
    target = safe_next(next, "/portal")
    if b.user is not None:
        return b.redirect(target)
    return b.render("portal/login.html", {"next": target, "notice": NOTICES.get(notice or ""), "username": ""})


@router.post("/login")
def login(
    b: FormBrowserDep,
    *,
    http: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form(""),
) -> Response:
    target = safe_next(next, "/portal")
    problem = password_login(b, http, username=username.strip(), password=password)
    if problem is None:
        return b.redirect(target)
    context = {"next": target, "error": problem, "username": username}
    return b.render("portal/login.html", context, status=429 if problem == THROTTLED else 401)


# -- testing environment -------------------------------------------------------------------


def _sandbox_form(b: Browser, form: dict[str, str], errors: dict[str, str], status: int = 200) -> Response:
    if not b.settings.sandbox:
        return b.error("Not available", "This server does not hand out testing environments.", status=404)
    if b.user is None or not b.user.is_developer:
        return b.error(
            "Developers only",
            "Testing environments are for developer accounts. Register one on the developer portal.",
            status=403,
        )
    return b.render("portal/sandbox.html", {"form": form, "errors": errors}, status=status)


@router.get("/sandbox")
def sandbox_page(b: BrowserDep) -> Response:
    if (redirect := _login_required(b, "/portal/sandbox")) is not None:
        return redirect
    default = {"company_name": "", "redirect_uri": f"{b.settings.public_url.rstrip('/')}/portal/callback"}
    return _sandbox_form(b, default, {})


@router.post("/sandbox")
def request_sandbox(b: FormBrowserDep, *, company_name: str = Form(""), redirect_uri: str = Form("")) -> Response:
    if (redirect := _login_required(b, "/portal/sandbox")) is not None:
        return redirect
    data = {"company_name": company_name, "redirect_uri": redirect_uri}
    form, errors = parse(SandboxForm, data)
    if form is None or b.user is None or not b.user.is_developer or not b.settings.sandbox:
        return _sandbox_form(b, data, errors, status=400)
    credentials = service.request_sandbox(b.db, user=b.user, form=form, file_store=local_store(b.settings.var_dir))
    return b.render("portal/sandbox_created.html", {"credentials": credentials}, status=201)


@router.get("/callback")
def callback(b: BrowserDep, *, code: str | None = None, state: str | None = None, error: str | None = None) -> Response:
    """The default redirect URI of testing environments: shows what the application would get."""
    return b.render("portal/callback.html", {"code": code, "state": state, "oauth_error": error})


# -- API keys ------------------------------------------------------------------------------


def _keys_page(b: Browser, extra: dict[str, Any], status: int = 200) -> Response:
    assert b.user is not None
    context = {
        "keys": service.api_keys(b.db, user_id=b.user.id),
        "companies": companies_repository.companies_of_user(b.db, user_id=b.user.id),
        "form": {},
        "errors": {},
        **extra,
    }
    return b.render("portal/apikeys.html", context, status=status)


@router.get("/apikeys")
def apikeys_page(b: BrowserDep, *, notice: str | None = None) -> Response:
    if (redirect := _login_required(b, "/portal/apikeys")) is not None:
        return redirect
    return _keys_page(b, {"notice": NOTICES.get(notice or "")})


@router.post("/apikeys")
def create_apikey(
    b: FormBrowserDep,
    *,
    company_id: str = Form(""),
    client_id: str = Form(""),
    name: str = Form(""),
) -> Response:
    if (redirect := _login_required(b, "/portal/apikeys")) is not None:
        return redirect
    assert b.user is not None
    data = {"company_id": company_id, "client_id": client_id, "name": name}
    form, errors = parse(ApiKeyForm, data)
    if form is None:
        return _keys_page(b, {"form": data, "errors": errors}, status=400)
    try:
        key, full = service.create_api_key(b.db, user_id=b.user.id, form=form)
    except KirjuriError as exc:
        return _keys_page(b, {"form": data, "error": _message(exc)}, status=exc.status)
    return _keys_page(b, {"new_key": full, "new_key_id": key.id, "new_client_id": form.client_id}, status=201)


@router.post("/apikeys/revoke")
def revoke_apikey(b: FormBrowserDep, *, company_id: str = Form(""), key_id: str = Form("")) -> Response:
    if (redirect := _login_required(b, "/portal/apikeys")) is not None:
        return redirect
    assert b.user is not None
    if not (company_id.isdigit() and key_id.isdigit()):
        return _keys_page(b, {"error": ERROR_TEXT["NOT_FOUND"]}, status=404)
    try:
        service.revoke_api_key(b.db, user_id=b.user.id, company_id=int(company_id), key_id=int(key_id))
    except KirjuriError as exc:
        return _keys_page(b, {"error": _message(exc)}, status=exc.status)
    return b.redirect("/portal/apikeys?notice=revoked")


# -- two-step confirmations ----------------------------------------------------------------


def _confirmations_page(b: Browser, extra: dict[str, Any], status: int = 200) -> Response:
    assert b.user is not None
    pending = service.pending_confirmations(b.db, user_id=b.user.id)
    return b.render("portal/confirmations.html", {"pending": pending, **extra}, status=status)


@router.get("/confirmations")
def confirmations_page(b: BrowserDep, *, notice: str | None = None) -> Response:
    if (redirect := _login_required(b, "/portal/confirmations")) is not None:
        return redirect
    return _confirmations_page(b, {"notice": NOTICES.get(notice or "")})


@router.post("/confirmations")
def decide_confirmation(b: FormBrowserDep, *, transaction_id: str = Form(""), decision: str = Form("")) -> Response:
    if (redirect := _login_required(b, "/portal/confirmations")) is not None:
        return redirect
    assert b.user is not None
    if decision not in ("confirm", "reject"):
        return _confirmations_page(b, {"error": "Choose Confirm or Reject."}, status=400)
    try:
        service.decide_confirmation(
            b.db, user_id=b.user.id, transaction_id=transaction_id[:36], approve=decision == "confirm"
        )
    except KirjuriError as exc:
        return _confirmations_page(b, {"error": _message(exc)}, status=exc.status)
    return b.redirect(f"/portal/confirmations?notice={'confirmed' if decision == 'confirm' else 'rejected'}")


# -- bank files ----------------------------------------------------------------------------


@router.get("/bankfiles")
def bankfiles_page(b: BrowserDep) -> Response:
    if (redirect := _login_required(b, "/portal/bankfiles")) is not None:
        return redirect
    return bankfiles.page(b, {})


@too_large_answer(too_large())
async def upload_bankfile(request: Request, b: BrowserDep) -> Response:
    """The upload form's POST, read as a stream: no `Form` parameters, so nothing is buffered."""
    checked: dict[str, int] = {}
    try:
        sent = await upload.read_bank_upload(request, check=lambda fields: bankfiles.check(b, fields, checked))
        summary = await run_in_threadpool(
            service.import_bank_file,
            b.db,
            user_id=checked["user_id"],
            company_id=checked["company_id"],
            data=sent.data,
            filename=sent.filename,
        )
    except KirjuriError as exc:
        return await run_in_threadpool(bankfiles.refusal, b, exc, checked.get("company_id"))
    return await run_in_threadpool(
        bankfiles.page, b, {"summary": summary, "filename": sent.filename, "company_id": checked["company_id"]}
    )


router.add_api_route(
    "/bankfiles",
    upload_bankfile,
    methods=["POST"],
    route_class_override=bankfiles.UploadPageRoute,
    max_body_size=upload.ROUTE_BODY_LIMIT,
)
# -- webhooks ------------------------------------------------------------------------------


@router.get("/webhooks")
def webhooks_page(b: BrowserDep) -> Response:
    """Read-only: each company where the user holds the company-settings right (the right of the
    webhook endpoints), its webhooks and their latest deliveries. Secrets are not shown here."""
    if (redirect := _login_required(b, "/portal/webhooks")) is not None:
        return redirect
    assert b.user is not None
    return b.render("portal/webhooks.html", {"companies": service.webhooks_of_user(b.db, user_id=b.user.id)})
