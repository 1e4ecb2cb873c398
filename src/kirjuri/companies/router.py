"""HTTP endpoints of companies, users, rights and session info (Procountor §D.7, D.22, D.23, D.25)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text
from starlette.requests import Request

from kirjuri import __version__
from kirjuri.api.route import KirjuriRoute
from kirjuri.api.session import DbSession
from kirjuri.auth.dependencies import CurrentPrincipal, api_router
from kirjuri.companies import schemas, service
from kirjuri.core import versions

router = api_router()
public_router = APIRouter(route_class=KirjuriRoute)


@router.get("/sessioninfo", tags=["Session Information"], operation_id="getSessionInfo")
def get_session_info(principal: CurrentPrincipal, session: DbSession) -> schemas.SessionInfo:
    company, user = service.session_info(session, company_id=principal.company_id, user_id=principal.user_id)
    return schemas.SessionInfo(
        company_id=company.id,
        name=company.name,
        country=company.country,
        product_version=company.product_version,
        user_id=user.id,
        user_name=f"{user.first_name} {user.last_name}",
        company_settings=schemas.CompanySettings(invoice_discussion_enabled=company.invoice_discussion_enabled),
    )


@public_router.get("/status", tags=["Health Status"], operation_id="getStatus")
def get_status(request: Request, session: DbSession) -> schemas.Status:
    try:
        session.execute(text("SELECT 1"))
        status = schemas.HealthStatus.OK
    except Exception:
        status = schemas.HealthStatus.FAILING
    return schemas.Status(
        name="Kirjuri",
        version=__version__,
        status=status,
        procountor_version=request.state.api_version if hasattr(request.state, "api_version") else versions.LATEST,
    )
