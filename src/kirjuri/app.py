"""`create_app()`: the Kirjuri ASGI application.

Invariant: routes are declared once under `/api`; `VersionPrefix` makes them answer under every
version prefix. Everything served — API, docs, login and portal pages — is generated or bundled
by the server itself: no CDN, no third-party script.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

from kirjuri import __version__, browser
from kirjuri.api import errors, idempotency
from kirjuri.api import logging as api_logging
from kirjuri.api.middleware import RequestContext, VersionPrefix
from kirjuri.api.ratelimit import make_limiter
from kirjuri.api.schemas import ErrorMessages
from kirjuri.attachments.router import router as attachments_router
from kirjuri.auth.pages import router as auth_pages_router
from kirjuri.auth.router import root_router as auth_root_router
from kirjuri.auth.router import router as auth_router
from kirjuri.banking.accounts.router import router as bank_accounts_router
from kirjuri.banking.payments.router import router as payments_router
from kirjuri.banking.referencepayments.router import router as referencepayments_router
from kirjuri.banking.statements.import_router import router as bank_import_router
from kirjuri.banking.statements.router import router as bankstatements_router
from kirjuri.companies.router import public_router as status_router
from kirjuri.companies.router import router as companies_router
from kirjuri.config import Settings, get_settings
from kirjuri.currencies.router import router as currencies_router
from kirjuri.db.engine import make_engine, make_session_factory
from kirjuri.invoicing.lifecycle_router import router as invoice_lifecycle_router
from kirjuri.invoicing.router import router as invoices_router
from kirjuri.invoicing.send_router import router as invoice_send_router
from kirjuri.invoicing.tax_return_router import router as tax_return_router
from kirjuri.ledger.reports_router import router as ledger_reports_router
from kirjuri.ledger.router import router as ledger_receipts_router
from kirjuri.ledger.setup_router import router as ledger_setup_router
from kirjuri.mfa.router import router as mfa_router
from kirjuri.partners.default_products_router import router as default_products_router
from kirjuri.partners.persons_router import router as persons_router
from kirjuri.partners.router import router as partners_router
from kirjuri.portal.router import router as portal_router
from kirjuri.products.router import router as products_router
from kirjuri.vat.router import router as vat_router
from kirjuri.webhooks.router import router as webhooks_router

# Routers under the API base (and so under every version prefix) …
API_ROUTERS = [
    auth_router,
    companies_router,
    mfa_router,
    status_router,
    ledger_setup_router,
    ledger_receipts_router,
    ledger_reports_router,
    vat_router,
    # Persons first: `/businesspartners/personaldetails` must win over `/businesspartners/{id}`.
    persons_router,
    partners_router,
    products_router,
    default_products_router,
    currencies_router,
    attachments_router,
    # Lifecycle first: `/invoices/personalapprovals` and friends must win over `/invoices/{invoiceId}`.
    invoice_lifecycle_router,
    invoice_send_router,
    invoices_router,
    tax_return_router,
    bank_import_router,
    bankstatements_router,
    referencepayments_router,
    bank_accounts_router,
    payments_router,
    webhooks_router,
]
# … and the browser pages at the host root.
PAGE_ROUTERS = [auth_root_router, auth_pages_router, portal_router]

DESCRIPTION = """Kirjuri speaks the Procountor API 26.04. Every path below answers under `/api`,
`/latest/api`, `/supported/api` and `/v2604/api`. Authenticate with `POST /api/oauth/token`
(client credentials + API key, or authorization code) and send `Authorization: Bearer <token>`.
Errors are always `{"errors": [{"status", "field", "message"}]}`."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    api_logging.configure(settings.log_level)
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="Kirjuri API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        separate_input_output_schemas=False,
        lifespan=lifespan,
        responses={400: {"model": ErrorMessages}, 401: {"model": ErrorMessages}},
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.read_session_factory = make_session_factory(engine, read_only=True)
    app.state.limiter = make_limiter(settings.redis_url)

    errors.install(app)
    idempotency.install(app)
    browser.install(app)
    for router in API_ROUTERS:
        app.include_router(router, prefix="/api")
    for router in PAGE_ROUTERS:
        app.include_router(router)
    _mount_docs(app)

    app.add_middleware(VersionPrefix)
    app.add_middleware(RequestContext)
    return app


def _mount_docs(app: FastAPI) -> None:
    static = files("fastapi_offline") / "static"
    app.mount("/api/docs/static", StaticFiles(directory=str(static)), name="docs-static")

    @app.get("/api/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="Kirjuri API",
            swagger_js_url="/api/docs/static/swagger-ui-bundle.js",
            swagger_css_url="/api/docs/static/swagger-ui.css",
            swagger_favicon_url="/api/docs/static/favicon.png",
        )

    @app.get("/api/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/api/openapi.json",
            title="Kirjuri API",
            redoc_js_url="/api/docs/static/redoc.standalone.js",
            redoc_favicon_url="/api/docs/static/favicon.png",
            with_google_fonts=False,
        )


def openapi_document(app: FastAPI | None = None) -> dict[str, Any]:
    return (app or create_app()).openapi()
