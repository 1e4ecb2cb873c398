"""The portal's bank-file upload page: the form, the checks run on the fields sent before the file,
the summary and the refusals as people read them.

Invariants: the checks run in this order and before any byte of the file is kept — CSRF token of
the browser session, login, the chosen company (one the user belongs to: else 404) and the right
`payments.bankStatementAndReferencePayment` with all rights there (else 403); every refusal is
answered with a 4xx page, so the request's one transaction (the whole import) is rolled back and
nothing of the file is stored; a body declared larger than the upload bound is answered with a
page too (`UploadPageRoute`), before anything is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.route import KirjuriRoute
from kirjuri.banking.xml import MAX_BANK_FILE_BYTES
from kirjuri.browser import SECURITY_HEADERS, Browser, templates
from kirjuri.core.errors import KirjuriError
from kirjuri.portal import service
from kirjuri.portal.schemas import BankFileForm, parse

LOGIN_PATH = "/portal/login?next=/portal/bankfiles"
ACCEPT = ".xml,.txt,.dat,application/xml,text/xml,text/plain"
FORMATS = {
    "CAMT053": "camt.053 account statement",
    "CAMT054": "camt.054 reference payments",
    "KTL": "KTL reference payments",
}
# Upper-snake codes of the import and the reader → what a person is told.
ERROR_TEXT = {
    "FILE_TOO_LARGE": f"The file is larger than {MAX_BANK_FILE_BYTES:,} bytes; split it or import it in parts.",
    "EMPTY_FILE": "The file is empty.",
    "REQUIRED": "Choose a file to upload.",
    "DUPLICATE_PART": "Upload one file at a time.",
    "MALFORMED_MULTIPART": "The upload was incomplete or malformed; try again.",
    "INCOMPLETE_BODY": "The upload was interrupted; try again.",
    "FIELD_TOO_LARGE": "A form field was too long.",
    "UNSUPPORTED_BANK_FILE": "This is not a bank file Kirjuri reads (camt.053, camt.054 or KTL).",
    "UNKNOWN_BANK_ACCOUNT": "The file names a bank account that is not one of the company's bank accounts.",
    "CHOOSE_COMPANY": "Choose one of your companies.",
}
RIGHTS_TEXT = (
    "Importing bank files needs the right “Bank statements and reference payments” with all rights "
    "in the company. Ask the company's administrator for it."
)
NOT_MEMBER_TEXT = "You are not a member of that company."
UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9_]*$")

CSRF_FAILED = "CSRF_FAILED"
LOGIN_REQUIRED = "LOGIN_REQUIRED"


@dataclass(frozen=True, slots=True)
class ErrorRow:
    code: str
    field: str | None
    message: str


def error_rows(exc: KirjuriError) -> list[ErrorRow]:
    """Every item of the refusal: (code, field, readable message)."""
    rows = []
    for item in exc.items:
        if UPPER_SNAKE.match(item.message):
            rows.append(ErrorRow(item.message, item.field, ERROR_TEXT.get(item.message, "")))
        else:  # a parser's sentence (line, element): the code is the refusal's own
            rows.append(ErrorRow(exc.code, item.field, item.message))
    return rows


def page(b: Browser, extra: dict[str, Any], status: int = 200) -> Response:
    """The upload form (and whatever `extra` reports); 403 when the user may import nowhere."""
    assert b.user is not None
    allowed, others = service.bank_import_companies(b.db, user_id=b.user.id)
    if not allowed and status == 200 and "summary" not in extra:
        status = 403
        extra = {"error": RIGHTS_TEXT, **extra}
    context = {
        "companies": allowed,
        "other_companies": others,
        "company_id": allowed[0].id if len(allowed) == 1 else None,
        "accept": ACCEPT,
        "max_bytes": MAX_BANK_FILE_BYTES,
        "formats": FORMATS,
        "errors": [],
        **extra,
    }
    return b.render("portal/bankfiles.html", context, status=status)


def check(b: Browser, fields: dict[str, str], checked: dict[str, int]) -> None:
    """Run on the fields sent before the file part (in a worker thread); fills `checked` with the
    user and company to import for, or raises the refusal."""
    if not b.csrf_ok(fields.get("csrf_token")):
        raise KirjuriError(CSRF_FAILED, 403)
    if b.user is None:
        raise KirjuriError(LOGIN_REQUIRED, 401)
    form, _errors = parse(BankFileForm, {"company_id": fields.get("company_id", "")})
    if form is None:
        raise KirjuriError("CHOOSE_COMPANY", 400, "company_id")
    service.check_bank_importer(b.db, user_id=b.user.id, company_id=form.company_id)
    checked.update(user_id=b.user.id, company_id=form.company_id)


def refusal(b: Browser, exc: KirjuriError, company_id: int | None) -> Response:
    """The page of a refused upload (nothing was imported: the status rolls the request back)."""
    if exc.code == CSRF_FAILED:
        return b.forbidden()
    if b.user is None or exc.code == LOGIN_REQUIRED:
        return b.redirect(LOGIN_PATH)
    if exc.code == "INSUFFICIENT_RIGHTS":
        return page(b, {"error": RIGHTS_TEXT}, status=403)
    if exc.code == "NOT_A_MEMBER":
        return page(b, {"error": NOT_MEMBER_TEXT}, status=404)
    return page(b, {"errors": error_rows(exc), "company_id": company_id}, status=exc.status)


def _too_large_page(request: Request) -> Response:
    """Answer for a body declared larger than the route reads (no session, no database)."""
    context = {
        "user": None,
        "csrf_token": "",
        "sandbox_enabled": request.app.state.settings.sandbox,
        "title": "File too large",
        "message": f"{ERROR_TEXT['FILE_TOO_LARGE']} Nothing was imported.",
    }
    response = templates.TemplateResponse(request, "error.html", context, status_code=400)
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    return response


class UploadPageRoute(KirjuriRoute):
    """`KirjuriRoute` whose too-large refusal (declared Content-Length) is a page, not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await inner(request)
            except KirjuriError as exc:
                if exc is not self.too_large:
                    raise
                return _too_large_page(request)

        return handler
