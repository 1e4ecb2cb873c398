"""HTTP endpoints of the person register (Procountor §D.5, except `/persons/{id}/defaults/products`),
`GET /businesspartners/personaldetails` (§D.4) and Kirjuri's person–user link
(`/api/kirjuri/persons/{id}/user`).

Invariants: everything is read from and written to the principal's company only — another
company's person id, or the id of a customer or supplier, is 404 on every path; reading needs
`salaries.personRegister` at viewing level, writing it with ALL_RIGHTS; linking a person to a
user also needs `management.usersAndUserRights` with ALL_RIGHTS (the user will see the person's
data, identity code included); personal details are the caller's own, for any user. `version`
is refused on POST (400 `VERSION_NOT_ALLOWED`) and required on PUT (400 `VERSION_REQUIRED`,
stale → 400 `VERSION_CONFLICT`, stale `If-Match` → 412). No filter carries an identifier, so no
personal identity code is ever in a URL. Registered before the partners router, so that
`/businesspartners/personaldetails` is not taken for a partner id. GET handlers never write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Query
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.paging import Paging
from kirjuri.api.schemas import SearchResultMetaData, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.versioning import check_if_match, check_version, with_etag
from kirjuri.auth.dependencies import CurrentPrincipal, Principal, api_router, requires
from kirjuri.core.errors import KirjuriError
from kirjuri.core.ids import path_id
from kirjuri.ledger import default_splits
from kirjuri.ledger.setup_schemas import DefaultDimension, DefaultDimensionBasicData, basic_splits
from kirjuri.partners import person_schemas as wire
from kirjuri.partners import persons
from kirjuri.partners.models import BusinessPartner

router = api_router()

TAG = "Persons"
EXTRAS_TAG = "Kirjuri: persons"
REGISTER = "salaries.personRegister"
USER_ADMIN = "management.usersAndUserRights"

Reader = Annotated[Principal, Depends(requires(REGISTER))]
Writer = Annotated[Principal, Depends(requires(REGISTER, write=True))]
UserAdmin = Annotated[Principal, Depends(requires(USER_ADMIN, write=True))]
PersonId = Annotated[int, Path(alias="id")]
DimensionId = Annotated[int, Path(alias="dimensionId")]


def _one(session: DbSession, company_id: int, partner: BusinessPartner) -> Response:
    person = persons.person_with_groups(session, company_id=company_id, partner=partner)
    return with_etag(person, partner.version)


# --- persons -------------------------------------------------------------------------------------------


@router.get("/persons", tags=[TAG], operation_id="getPersons", responses=error_responses(400, 403))
def search_persons(
    *,
    principal: Reader,
    session: DbSession,
    page: Paging,
    person_number: Annotated[str | None, Query(alias="personNumber", description="Exact person number.")] = None,
    main_person_group: Annotated[
        str | None, Query(alias="mainPersonGroup", description="Name of a person group (case-insensitive).")
    ] = None,
    person_group_id: Annotated[int | None, Query(alias="personGroupId")] = None,
    include_inactive: Annotated[bool, Query(alias="includeInactive")] = False,
) -> wire.PersonSearchResult:
    """Persons by id (`orderById`, default DESC), active ones unless `includeInactive=true`;
    `personNumber`, `mainPersonGroup` (group name) and `personGroupId` narrow the search."""
    where = persons.PersonFilter(
        person_number=person_number,
        group_name=main_person_group,
        group_id=person_group_id,
        include_inactive=include_inactive,
    )
    rows, meta = persons.search(session, company_id=principal.company_id, where=where, page=page)
    return wire.PersonSearchResult(
        results=[wire.PersonBasicInfo.of(persons.to_wire(row)) for row in rows],
        meta=SearchResultMetaData.of(meta),
    )


@router.post(
    "/persons",
    tags=[TAG],
    operation_id="insertPerson",
    response_model=wire.Person,
    responses=error_responses(400, 403),
)
def create_person(body: wire.Person, principal: Writer, session: DbSession) -> Response:
    """A new person; `version` must not be sent (400 `VERSION_NOT_ALLOWED`)."""
    if body.version is not None:
        raise KirjuriError("VERSION_NOT_ALLOWED", 400, "version")
    partner = persons.create_person(
        session, company_id=principal.company_id, person=body, country=principal.identity.country
    )
    return _one(session, principal.company_id, partner)


@router.get(
    "/persons/{id}",
    tags=[TAG],
    operation_id="getPersonById",
    response_model=wire.Person,
    responses=error_responses(400, 403, 404),
)
def get_person(person_id: PersonId, principal: Reader, session: DbSession) -> Response:
    """One person (with an `ETag`); a customer's or supplier's id is 404."""
    partner = persons.get_person(session, company_id=principal.company_id, person_id=person_id)
    return _one(session, principal.company_id, partner)


@router.put(
    "/persons/{id}",
    tags=[TAG],
    operation_id="updatePerson",
    response_model=wire.Person,
    responses=error_responses(400, 403, 404, 412),
)
def update_person(
    person_id: PersonId, body: wire.Person, request: Request, principal: Writer, session: DbSession
) -> Response:
    """Replace a person whole: omitted fields are cleared. The latest `version` is required
    (missing → 400 `VERSION_REQUIRED`, stale → 400 `VERSION_CONFLICT`); a stale `If-Match` is 412."""

    def check(current: datetime) -> None:
        check_if_match(request, current)
        if body.version is None:
            raise KirjuriError("VERSION_REQUIRED", 400, "version")
        check_version(current, body.version, required=True)

    partner = persons.replace_person(
        session,
        company_id=principal.company_id,
        person_id=person_id,
        person=body,
        check_version=check,
        country=principal.identity.country,
    )
    return _one(session, principal.company_id, partner)


# --- default dimension splits --------------------------------------------------------------------------


@router.get(
    "/persons/{id}/defaults/dimensions",
    tags=[TAG],
    operation_id="getPersonDefaultDimensionsByPersonId",
    responses=error_responses(400, 403, 404),
)
def get_default_dimensions(
    person_id: PersonId, principal: Reader, session: DbSession
) -> list[DefaultDimensionBasicData]:
    """Every default dimension split of the person, by dimension id."""
    partner = persons.get_person(session, company_id=principal.company_id, person_id=person_id)
    splits = default_splits.splits_of(
        session, company_id=principal.company_id, owner_kind=default_splits.PARTNER, owner_id=partner.id
    )
    return basic_splits(splits)


@router.get(
    "/persons/{id}/defaults/dimensions/{dimensionId}",
    tags=[TAG],
    operation_id="getPersonDefaultDimensionById",
    responses=error_responses(400, 403, 404),
)
def get_default_dimension(
    person_id: PersonId, dimension_id: DimensionId, principal: Reader, session: DbSession
) -> DefaultDimension:
    """The person's split of one dimension (no items when it has none; 404 for an unknown dimension)."""
    partner = persons.get_person(session, company_id=principal.company_id, person_id=person_id)
    split = default_splits.split_of(
        session,
        company_id=principal.company_id,
        owner_kind=default_splits.PARTNER,
        owner_id=partner.id,
        dimension_id=path_id(dimension_id),
    )
    return DefaultDimension.of(split)


@router.put(
    "/persons/{id}/defaults/dimensions/{dimensionId}",
    tags=[TAG],
    operation_id="updateDefaultDimension1",
    responses=error_responses(400, 403, 404),
)
def set_default_dimension(
    person_id: PersonId, dimension_id: DimensionId, body: DefaultDimension, principal: Writer, session: DbSession
) -> DefaultDimension:
    """Replace the person's split of one dimension: active items of that dimension (by id, or by
    `codeName` without an id), each once, percentages above 0 adding up to exactly 100; an empty
    `items` list removes the split."""
    partner = persons.get_person(session, company_id=principal.company_id, person_id=person_id)
    split = default_splits.replace_split(
        session,
        company_id=principal.company_id,
        owner_kind=default_splits.PARTNER,
        owner_id=partner.id,
        dimension_id=path_id(dimension_id),
        items=body.wanted(),
    )
    return DefaultDimension.of(split)


# --- the logged-in user's own entry --------------------------------------------------------------------


@router.get(
    "/businesspartners/personaldetails",
    tags=["Business partners"],
    operation_id="getPersonalDetails",
    responses=error_responses(404),
)
def get_personal_details(principal: CurrentPrincipal, session: DbSession) -> wire.PersonalDetails:
    """The person-register entry linked to the calling user in this company (404 when none is;
    `PUT /api/kirjuri/persons/{id}/user` makes the link). Any user may read their own."""
    return persons.personal_details(session, company_id=principal.company_id, user_id=principal.user_id)


@router.get(
    "/kirjuri/persons/{id}/user",
    tags=[EXTRAS_TAG],
    operation_id="kirjuriGetPersonUser",
    responses=error_responses(400, 403, 404),
)
def get_person_user(person_id: PersonId, principal: Reader, session: DbSession) -> wire.KirjuriPersonUser:
    """The user whose own entry the person is (`userId` absent when none)."""
    partner = persons.get_person(session, company_id=principal.company_id, person_id=person_id)
    return wire.KirjuriPersonUser(person_id=partner.id, user_id=partner.user_id)


@router.put(
    "/kirjuri/persons/{id}/user",
    tags=[EXTRAS_TAG],
    operation_id="kirjuriLinkPersonUser",
    responses=error_responses(400, 403, 404, 409),
)
def link_person_user(
    person_id: PersonId,
    body: wire.KirjuriPersonUserLink,
    principal: Writer,
    _admin: UserAdmin,
    session: DbSession,
) -> wire.KirjuriPersonUser:
    """Make the person the user's own entry (`GET /businesspartners/personaldetails`), or unlink
    it with `{"userId": null}`. The user must belong to the company (400 `USER_NOT_FOUND`); a user
    has at most one own person (409 `USER_ALREADY_LINKED`). Needs ALL_RIGHTS on
    `salaries.personRegister` and on `management.usersAndUserRights`."""
    partner = persons.link_user(session, company_id=principal.company_id, person_id=person_id, user_id=body.user_id)
    return wire.KirjuriPersonUser(person_id=partner.id, user_id=partner.user_id)
