"""HTTP endpoints of the company, its settings and session info (Procountor §D.7, D.22, D.23);
the users endpoints (§D.25) live in `companies.users` and are included here.

Invariants: everything is read from the principal's company only; reading the company or its
settings needs a right (403 otherwise); `PUT /company` needs `management.basicCompanyInfo` with
ALL_RIGHTS and honours `If-Match` (412).
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import Depends, Path
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import Response

from kirjuri import __version__
from kirjuri.api.routers import KirjuriRouter
from kirjuri.api.schemas import ErrorMessages, InfoMessage
from kirjuri.api.session import DbSession
from kirjuri.api.versioning import check_if_match, with_etag
from kirjuri.auth.dependencies import CurrentPrincipal, Principal, api_router, requires, requires_any
from kirjuri.companies import schemas, service
from kirjuri.companies import settings as company_settings
from kirjuri.companies.models import Company
from kirjuri.companies.users import router as users_router
from kirjuri.core import versions
from kirjuri.core.ids import INT32_MAX

router = api_router()
public_router = KirjuriRouter()

_403: dict[int | str, dict[str, Any]] = {403: {"model": ErrorMessages}}
BASIC_INFO = "management.basicCompanyInfo"
# Who may read a settings document besides those with basic company info: the people who need
# it for their own work (invoicing needs templates, channels and terms; circulation its lists).
SALES = ("sales.salesOrGroupInvoices", "purchases.purchaseInvoices")
CIRCULATION = ("invoiceCirculation.verification", "invoiceCirculation.approval", "purchases.purchaseInvoices")


InfoViewer = Annotated[Principal, Depends(requires(BASIC_INFO))]
InfoEditor = Annotated[Principal, Depends(requires(BASIC_INFO, write=True))]
SalesViewer = Annotated[Principal, Depends(requires_any(BASIC_INFO, *SALES))]
CirculationViewer = Annotated[Principal, Depends(requires_any(BASIC_INFO, *CIRCULATION))]


@router.get("/sessioninfo", tags=["Session Information"], operation_id="getSessionInfo")
def get_session_info(principal: CurrentPrincipal) -> schemas.SessionInfo:
    identity = principal.identity  # read with the token: no query of its own
    return schemas.SessionInfo(
        company_id=principal.company_id,
        name=identity.company_name,
        country=identity.country,
        product_version=identity.product_version,
        user_id=principal.user_id,
        user_name=identity.user_name,
        company_settings=schemas.CompanySettings(invoice_discussion_enabled=identity.invoice_discussion_enabled),
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


# --- the company -----------------------------------------------------------------------------------


def _company(company: Company) -> schemas.Company:
    return schemas.Company(
        id=company.id,
        name=company.name,
        country=company.country,
        product_version=company.product_version,
        operation_type=company.operation_type,
        accounting_office_name=company.accounting_office_name,
        accounting_office_id=company.accounting_office_id,
        company_address=schemas.CompanyAddress.model_validate(company.address or {}),
        billing_address=schemas.CompanyBillingAddress.model_validate(company.billing_address or {}),
        mva=company.mva,
        in_trade_register=company.in_trade_register,
        business_identifier=schemas.BusinessIdentifier(brn_type=company.business_id_type, code=company.business_id)
        if company.business_id
        else None,
        accounting_coa_languages=list(company.coa_languages or []),
        company_currency=company.currency,
        currency_rate_search_density=company.currency_rate_search_density,
    )


@router.get(
    "/company",
    tags=["Company"],
    operation_id="getCompanyInfo",
    response_model=schemas.Company,
    responses={**_403, 404: {"model": ErrorMessages}},
)
def get_company(principal: InfoViewer, session: DbSession) -> Response:
    """The current company; the `ETag` header carries its version (send it back in `If-Match`)."""
    company = service.current_company(session, company_id=principal.company_id)
    return with_etag(_company(company), company.version)


@router.put(
    "/company",
    tags=["Company"],
    operation_id="updateCompanyInfo",
    response_model=InfoMessage,
    responses={**_403, 404: {"model": ErrorMessages}, 412: {"model": ErrorMessages}},
)
def update_company(body: schemas.Company, request: Request, principal: InfoEditor, session: DbSession) -> Response:
    """Replace the basic info: name, addresses, business identifier, `mva`, `inTradeRegister` and the
    accounting office name (id, country, product version, operation type and currency are read-only).
    Needs `management.basicCompanyInfo` with ALL_RIGHTS; a stale `If-Match` is 412."""
    identifier = body.business_identifier
    company = service.update_company(
        session,
        company_id=principal.company_id,
        name=body.name,
        address=body.company_address.model_dump(mode="json", by_alias=True, exclude_none=True)
        if body.company_address
        else {},
        billing_address=body.billing_address.model_dump(mode="json", by_alias=True, exclude_none=True)
        if body.billing_address
        else {},
        brn_type=identifier.brn_type if identifier else None,
        business_id=identifier.code if identifier else None,
        mva=bool(body.mva),
        in_trade_register=bool(body.in_trade_register),
        accounting_office_name=body.accounting_office_name,
        check_version=functools.partial(check_if_match, request),
    )
    return with_etag(InfoMessage(message="Company information updated"), company.version)


# --- settings ---------------------------------------------------------------------------------------


@router.get("/company/usagesettings", tags=["Company"], operation_id="getUsageSettings", responses=_403)
def get_usage_settings(principal: SalesViewer, session: DbSession) -> schemas.CompanyUsageSettings:
    value = company_settings.document(session, company_id=principal.company_id, name=company_settings.USAGE)
    return schemas.CompanyUsageSettings.model_validate(value)


@router.get("/company/invoicetemplates", tags=["Company"], operation_id="getCompanyInvoiceTemplates", responses=_403)
def get_invoice_templates(principal: SalesViewer, session: DbSession) -> schemas.InvoiceTemplate:
    """The contract answers a single InvoiceTemplate: the company's default (first) template."""
    value = company_settings.default_invoice_template(session, company_id=principal.company_id)
    return schemas.InvoiceTemplate.model_validate(value)


@router.get("/company/deliveryterms", tags=["Company"], operation_id="getCompanyDeliveryTerms", responses=_403)
def get_delivery_terms(principal: SalesViewer, session: DbSession) -> schemas.DeliveryTerms:
    value = company_settings.document(session, company_id=principal.company_id, name=company_settings.DELIVERY_TERMS)
    return schemas.DeliveryTerms.model_validate(value)


@router.get("/company/einvoiceaddresses", tags=["Company"], operation_id="getEInvoiceAddresses", responses=_403)
def get_einvoice_addresses(principal: SalesViewer, session: DbSession) -> schemas.EInvoiceData:
    value = company_settings.document(session, company_id=principal.company_id, name=company_settings.EINVOICE)
    return schemas.EInvoiceData.model_validate(value)


@router.get(
    "/company/expenses/collectionpenal/settings",
    tags=["Company"],
    operation_id="getCompanyCollectionPenalExpensesSettings",
    responses=_403,
)
def get_collection_penal_settings(principal: SalesViewer, session: DbSession) -> schemas.CollectionsAndPenalExpenses:
    value = company_settings.document(session, company_id=principal.company_id, name=company_settings.COLLECTION_PENAL)
    return schemas.CollectionsAndPenalExpenses.model_validate(value)


@router.get(
    "/company/invoicecirculation/settings",
    tags=["Company"],
    operation_id="getCompanyInvoiceCirculationSettings",
    responses=_403,
)
def get_circulation_settings(principal: CirculationViewer, session: DbSession) -> schemas.CirculationSettings:
    value = company_settings.circulation(session, company_id=principal.company_id)
    return schemas.CirculationSettings.model_validate(value)


@router.get(
    "/kirjuri/company/vatsettings",
    tags=["Kirjuri: company"],
    operation_id="kirjuriGetCompanyVatSettings",
    responses=_403,
)
def get_vat_settings(principal: InfoViewer, session: DbSession) -> schemas.VatSettings:
    """The company's VAT reporting period (MONTH unless set): the periods its periodic tax returns
    (`POST /kirjuri/invoices/periodictaxreturns`) cover."""
    period = company_settings.vat_period(session, company_id=principal.company_id)
    return schemas.VatSettings(reporting_period=schemas.VatPeriod(period))


@router.put(
    "/kirjuri/company/vatsettings",
    tags=["Kirjuri: company"],
    operation_id="kirjuriPutCompanyVatSettings",
    responses={**_403, 400: {"model": ErrorMessages}},
)
def put_vat_settings(body: schemas.VatSettings, principal: InfoEditor, session: DbSession) -> schemas.VatSettings:
    """Set the VAT reporting period: MONTH, QUARTER or YEAR."""
    period = service.set_vat_period(
        session, company_id=principal.company_id, reporting_period=body.reporting_period.value
    )
    return schemas.VatSettings(reporting_period=schemas.VatPeriod(period))


def _verifiers(members: list[company_settings.Member]) -> list[schemas.Verifier]:
    return [
        schemas.Verifier(firstname=m.first_name, surname=m.last_name, user_id=m.user_id, order_no=m.order_no)
        for m in members
    ]


@router.get(
    "/company/invoicecirculation/verifierlists",
    tags=["Company"],
    operation_id="getVerifierList",
    responses=_403,
)
def get_verifier_lists(principal: CirculationViewer, session: DbSession) -> list[schemas.VerifierListBasic]:
    lists = company_settings.verifier_lists(session, company_id=principal.company_id)
    return [
        schemas.VerifierListBasic(
            id=vl.id,
            name=vl.name,
            verifiers=[m.user_id for m in vl.verifiers],
            acceptors=[m.user_id for m in vl.acceptors],
        )
        for vl in lists
    ]


@router.get(
    "/company/invoicecirculation/verifierlists/{id}",
    tags=["Company"],
    operation_id="getVerifierList1",
    responses={**_403, 404: {"model": ErrorMessages}},
)
def get_verifier_list(
    list_id: Annotated[int, Path(alias="id")], principal: CirculationViewer, session: DbSession
) -> schemas.VerifierList:
    found = company_settings.verifier_list(
        session, company_id=principal.company_id, list_id=list_id if 0 < list_id <= INT32_MAX else 0
    )
    return schemas.VerifierList(
        id=found.id, name=found.name, verifiers=_verifiers(found.verifiers), acceptors=_verifiers(found.acceptors)
    )


router.include_router(users_router)
