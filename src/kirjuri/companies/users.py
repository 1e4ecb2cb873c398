"""HTTP endpoints of users (Procountor §D.25) and Kirjuri's member listing (`/api/kirjuri/users`).

Invariants: `/users` is always the token's own user, and the personal identity code appears only
there (never logged); other users are visible only while they are members of the token's
company; `PUT /users` changes nothing before the user confirms its MFA transaction.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path
from starlette.responses import Response

from kirjuri.api.paging import Paging, batch_ids
from kirjuri.api.schemas import ErrorMessages, InfoMessage, SearchResultMetaData
from kirjuri.api.session import DbSession
from kirjuri.api.wire import WireResponse, to_plain
from kirjuri.auth.dependencies import CurrentPrincipal, Principal, api_router, requires
from kirjuri.companies import rules, schemas, service
from kirjuri.companies.models import User
from kirjuri.core.ids import path_id
from kirjuri.mfa import rules as mfa_rules
from kirjuri.mfa import service as mfa_service
from kirjuri.mfa.schemas import MfaTransactionResult

router = api_router()

_MFA_ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorMessages} for s in (403, 404, 406, 408, 409)}
TransactionId = Annotated[str, Path(alias="transactionIdentifier")]
MemberViewer = Annotated[Principal, Depends(requires("management.usersAndUserRights"))]
PersonalInfoEditor = Annotated[Principal, Depends(requires("user.editPersonalInfo", write=True))]


@router.get("/users", tags=["Users"], operation_id="getCurrentUser", responses={403: {"model": ErrorMessages}})
def get_current_user(principal: CurrentPrincipal, session: DbSession) -> schemas.User:
    company, user, membership = service.current_user(
        session, company_id=principal.company_id, user_id=principal.user_id
    )
    return schemas.User(
        id=user.id,
        username=user.username,
        company_id=company.id,
        country_code=company.country,
        street=user.street,
        zip=user.zip,
        city=user.city,
        partner_id=membership.partner_id,
        login_method=user.login_method,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        mobile_phone=user.mobile_phone,
        secondary_phone=user.secondary_phone,
        # Only ever the caller's own identity code.
        social_security_number=user.social_security_number,
    )


@router.put(
    "/users",
    tags=["Users"],
    operation_id="updateUserInfo",
    status_code=202,
    responses={400: {"model": ErrorMessages}, 403: {"model": ErrorMessages}},
)
def update_user(body: schemas.User, principal: PersonalInfoEditor, session: DbSession) -> schemas.TransactionIdentifier:
    """Two-step verified: answers 202 with the transaction; the change applies once the user
    confirms it (developer portal or `kirjuri mfa confirm`). Poll `GET /mfatransactionresult/{id}`.
    Needs the right `user.editPersonalInfo` (ALL_RIGHTS)."""
    transaction = service.request_user_update(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        changes=body.model_dump(include=set(service.USER_FIELDS)),
    )
    return schemas.TransactionIdentifier.pending(transaction.id)


@router.get("/users/rights", tags=["Users"], operation_id="getCurrentUserRights")
def get_current_user_rights(principal: CurrentPrincipal) -> schemas.UserPrivileges:
    return schemas.UserPrivileges(
        role=principal.role, rights=schemas.UserPermissions.model_validate(rules.normalise(principal.rights))
    )


@router.get(
    "/users/profiles/{userId}",
    tags=["Users"],
    operation_id="getUserProfile",
    responses={404: {"model": ErrorMessages}},
)
def get_user_profile(
    user_id: Annotated[int, Path(alias="userId")], principal: CurrentPrincipal, session: DbSession
) -> schemas.UserProfile:
    user = service.profile(session, company_id=principal.company_id, user_id=path_id(user_id))
    return schemas.UserProfile(firstname=user.first_name, surname=user.last_name)


@router.put(
    "/users/{transactionIdentifier}/confirm",
    tags=["Users"],
    operation_id="confirm",
    deprecated=True,
    response_model=InfoMessage,
    responses={202: {"model": InfoMessage}, **_MFA_ERRORS},
)
def confirm_user_update(transaction_id: TransactionId, principal: CurrentPrincipal, session: DbSession) -> Response:
    """Deprecated: the outcome of a `PUT /users` transaction, as `GET /mfatransactionresult/{id}`."""
    transaction = mfa_service.poll(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        transaction_id=transaction_id,
        kinds=(service.USER_UPDATE,),
    )
    if transaction.status == mfa_rules.PENDING:
        return WireResponse(to_plain(InfoMessage(message=mfa_rules.PENDING_MESSAGE)), status_code=202)
    result = MfaTransactionResult.model_validate(transaction.result or {})
    message = result.info.message if result.info else service.USER_UPDATED_MESSAGE
    return WireResponse(to_plain(InfoMessage(message=message)))


# --- Kirjuri extras ------------------------------------------------------------------------------


def _member(user: User, role: str) -> schemas.CompanyUser:
    return schemas.CompanyUser(
        id=user.id,
        username=user.username,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        role=role,
    )


@router.get("/kirjuri/users", tags=["Kirjuri"], operation_id="kirjuriListCompanyUsers")
def list_company_users(principal: MemberViewer, session: DbSession, page: Paging) -> schemas.CompanyUserSearchResult:
    """The company's members, paged as Procountor collections (`size`, `page`, `previousId`, `orderById`).
    Needs the right `management.usersAndUserRights` (viewing)."""
    rows, meta = service.members_page(session, company_id=principal.company_id, page=page)
    return schemas.CompanyUserSearchResult(
        results=[_member(user, role) for user, role in rows],
        meta=SearchResultMetaData.of(meta),
    )


@router.get(
    "/kirjuri/users/{ids}",
    tags=["Kirjuri"],
    operation_id="kirjuriGetCompanyUsers",
    response_model=schemas.CompanyUser | list[schemas.CompanyUser],
    responses={404: {"model": ErrorMessages}},
)
def get_company_users(ids: str, principal: MemberViewer, session: DbSession) -> Response:
    """Batch GET of members: one id → the object; several (comma-separated, ≤ 200) → an array sorted
    by id, unknown and invalid ids skipped; none found → 404."""
    wanted, several = batch_ids(ids, field="ids")
    rows = service.members_batch(session, company_id=principal.company_id, user_ids=wanted)
    members = [_member(user, role) for user, role in rows]
    return WireResponse(to_plain(members if several else members[0]))
