"""HTTP endpoints of the business-partner registers (§D.4): customers and suppliers, partner
groups, a partner's default accounts and dimension splits, and Kirjuri's extra that sets the
default accounts (`PUT /api/kirjuri/businesspartners/{id}/defaults/accounts`).

Invariants: everything is read from and written to the principal's company only (another
company's ids are 404); each partner type is read with its register right at viewing level and
written with ALL_RIGHTS (`rules.TYPE_RIGHTS`), a partner or group of an unreadable type is 404;
the `name` and `identifier` search filters come in headers (§C.12) so that personal data stays
out of URLs and logs; GET handlers never write. `/businesspartners/personaldetails` lives in
`persons_router`, `/businesspartners/{id}/defaults/products` in `default_products_router`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Path, Query
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.paging import Paging, batch_ids, page_request
from kirjuri.api.schemas import SearchResultMetaData, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.versioning import check_if_match, check_version, with_etag
from kirjuri.api.wire import WireResponse, to_plain
from kirjuri.auth.dependencies import Principal, api_router, requires_any
from kirjuri.core.errors import not_found
from kirjuri.core.ids import path_id
from kirjuri.core.paging import DEFAULT_PAGE_SIZE, Order
from kirjuri.ledger import setup_schemas
from kirjuri.partners import groups, repository, rules, service
from kirjuri.partners import schemas as wire
from kirjuri.partners.models import BusinessPartner

router = api_router()

TAG = "Business partners"
EXTRAS_TAG = "Kirjuri: business partners"

# Any register right lets a caller in; each handler then narrows to the types it may touch.
Caller = Annotated[Principal, Depends(requires_any(*rules.ANY_RIGHT))]
PartnerId = Annotated[int, Path(alias="id")]
DimensionId = Annotated[int, Path(alias="dimensionId")]


def _readable(principal: Principal) -> frozenset[str]:
    return rules.readable_types(principal.can)


def _writable(principal: Principal) -> frozenset[str]:
    return rules.writable_types(lambda right: principal.can(right, write=True))


def _given(value: str | None) -> str | None:
    """A filter sent empty (`?customerNumber=`, an empty header) is no filter."""
    return value if value and value.strip() else None


def _header_text(value: str | None) -> str | None:
    """Header values arrive as Latin-1; a client that sent UTF-8 (`Ä` as two bytes) gets its text."""
    text = _given(value)
    if text is None:
        return None
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _full(session: DbSession, company_id: int, rows: list[BusinessPartner]) -> list[wire.BusinessPartner]:
    member_of, files = service.details(session, company_id=company_id, rows=rows)
    return [wire.partner_out(row, member_of.get(row.id, []), files.get(row.id, [])) for row in rows]


def _one(session: DbSession, company_id: int, row: BusinessPartner) -> Response:
    return with_etag(_full(session, company_id, [row])[0], row.version)


# --- search and create ------------------------------------------------------------------------------


@router.get(
    "/businesspartners",
    tags=[TAG],
    operation_id="searchBusinessPartners",
    responses=error_responses(400, 403),
)
def search_partners(
    *,
    principal: Caller,
    session: DbSession,
    paging: Paging,
    name: Annotated[str | None, Header(description="Case-insensitive part of the name.")] = None,
    identifier: Annotated[
        str | None, Header(description="Business id, VAT number or personal identity code (exact).")
    ] = None,
    identifier_type: Annotated[str | None, Query(alias="identifierType")] = None,
    customer_number: Annotated[str | None, Query(alias="customerNumber")] = None,
    main_group: Annotated[str | None, Query(alias="mainGroup", description="Main group name.")] = None,
    partner_group: Annotated[str | None, Query(alias="partnerGroup", description="Group id or name.")] = None,
    partner_type: Annotated[wire.PartnerType | None, Query(alias="type")] = None,
    active: bool = True,
    version_start: Annotated[datetime | None, Query(alias="versionStartDate")] = None,
    version_end: Annotated[datetime | None, Query(alias="versionEndDate")] = None,
) -> wire.BusinessPartnerSearchResult:
    """Partners (basic info), newest id first unless `orderById=ASC`. Without `type`, every type
    the caller may read; `active` defaults to true (inactive partners only with `active=false`).
    `name` and `identifier` are HTTP headers; the identifier matches its stored (compact) form.
    A filter sent empty is no filter."""
    types = rules.listed_types(partner_type.value if partner_type else None, _readable(principal))
    searched = _header_text(identifier)
    filters = repository.PartnerFilter(
        types=types,
        name=_header_text(name),
        identifiers=None if searched is None else rules.identifier_candidates(identifier_type, searched),
        identifier_type=(_given(identifier_type) or "").strip().upper() or None,
        customer_number=_given(customer_number),
        main_group=_given(main_group),
        partner_group=_given(partner_group),
        active=active,
        version_start=version_start,
        version_end=version_end,
    )
    rows, meta = repository.search(session, company_id=principal.company_id, filters=filters, page=paging)
    return wire.BusinessPartnerSearchResult(
        results=[wire.basic_info(row) for row in rows], meta=SearchResultMetaData.of(meta)
    )


@router.post(
    "/businesspartners",
    tags=[TAG],
    operation_id="insertBusinessPartner",
    response_model=wire.BusinessPartner,
    responses=error_responses(400, 403),
)
def create_partner(body: wire.BusinessPartner, principal: Caller, session: DbSession) -> Response:
    """A new customer or supplier (persons: `POST /persons`). `version` is ignored."""
    row = service.create_partner(
        session, company_id=principal.company_id, document=wire.document_of(body), writable=_writable(principal)
    )
    return _one(session, principal.company_id, row)


# --- groups (declared before /businesspartners/{id}) ----------------------------------------------


@router.get(
    "/businesspartners/groups",
    tags=[TAG],
    operation_id="getPartnerGroups",
    responses=error_responses(400, 403),
)
def search_groups(
    *,
    principal: Caller,
    session: DbSession,
    name: Annotated[str | None, Query(description="Case-insensitive part of the name.")] = None,
    group_type: Annotated[wire.PartnerType | None, Query(alias="type")] = None,
    active: bool | None = None,
    size: Annotated[int, Query(description="Page size, 1–200.")] = DEFAULT_PAGE_SIZE,
    page: Annotated[int, Query(description="Zero-based page number.")] = 0,
) -> wire.BusinessPartnerGroupSearchResult:
    """Partner groups of the types the caller may read, by id ascending."""
    types = rules.listed_types(group_type.value if group_type else None, _readable(principal))
    paging = page_request(size=size, page=page, previous_id=None, order_by_id=Order.ASC)
    rows, meta = repository.search_groups(
        session, company_id=principal.company_id, types=types, name=name, active=active, page=paging
    )
    return wire.BusinessPartnerGroupSearchResult(
        results=[wire.group_out(g) for g in rows], meta=SearchResultMetaData.of(meta)
    )


@router.post(
    "/businesspartners/groups",
    tags=[TAG],
    operation_id="createBusinessPartnerGroup",
    responses=error_responses(400, 403),
)
def create_group(body: wire.BusinessPartnerGroup, principal: Caller, session: DbSession) -> wire.BusinessPartnerGroup:
    """A new group of one partner type (active unless `active: false`)."""
    group = groups.create_group(
        session,
        company_id=principal.company_id,
        name=body.name,
        group_type=body.type.value,
        active=body.active,
        writable=_writable(principal),
    )
    return wire.group_out(group)


@router.get(
    "/businesspartners/groups/{id}",
    tags=[TAG],
    operation_id="getPartnerGroup",
    responses=error_responses(403, 404),
)
def get_group(group_id: PartnerId, principal: Caller, session: DbSession) -> wire.BusinessPartnerGroup:
    group = repository.get_group(
        session, company_id=principal.company_id, group_id=path_id(group_id), types=_readable(principal)
    )
    return wire.group_out(group)


@router.put(
    "/businesspartners/groups/{id}",
    tags=[TAG],
    operation_id="updateBusinessPartnerGroup",
    responses=error_responses(400, 403, 404, 409),
)
def update_group(
    group_id: PartnerId, body: wire.BusinessPartnerGroup, principal: Caller, session: DbSession
) -> wire.BusinessPartnerGroup:
    """Rename, (de)activate or retype a group (`active` left out: unchanged). The type changes only
    while the group has no members (409 `PARTNER_GROUP_IN_USE`)."""
    group = groups.update_group(
        session,
        company_id=principal.company_id,
        group_id=path_id(group_id),
        name=body.name,
        group_type=body.type.value,
        active=body.active,
        readable=_readable(principal),
        writable=_writable(principal),
    )
    return wire.group_out(group)


# --- one partner ------------------------------------------------------------------------------------


@router.get(
    "/businesspartners/{id}",
    tags=[TAG],
    operation_id="getBusinessPartner",
    response_model=wire.BusinessPartner | list[wire.BusinessPartner],
    responses=error_responses(400, 403, 404),
)
def get_partners(partner_ids: Annotated[str, Path(alias="id")], principal: Caller, session: DbSession) -> Response:
    """One partner (with an `ETag`), or comma-separated ids (at most 200) → an array by id, unknown
    ids and partners of unreadable types skipped; none found → 404. A person is shown in the
    BusinessPartner shape (its full record: `GET /persons/{id}`)."""
    ids, several = batch_ids(partner_ids, field="id")
    rows = repository.partners_by_ids(session, company_id=principal.company_id, ids=ids, types=_readable(principal))
    if not rows:
        raise not_found("id")
    if several:
        return WireResponse(to_plain(_full(session, principal.company_id, rows)))
    return _one(session, principal.company_id, rows[0])


@router.put(
    "/businesspartners/{id}",
    tags=[TAG],
    operation_id="putBusinessPartner",
    response_model=wire.BusinessPartner,
    responses=error_responses(400, 403, 404, 412),
)
def replace_partner(
    partner_id: PartnerId, body: wire.BusinessPartner, request: Request, principal: Caller, session: DbSession
) -> Response:
    """Replace the partner whole: fields and groups left out are cleared. `version`, when given,
    must be the current one (400 `VERSION_CONFLICT`); a stale `If-Match` is 412. The type may
    move between CUSTOMER and SUPPLIER."""

    def check(current: datetime) -> None:
        check_if_match(request, current)
        check_version(current, body.version, required=False)

    row = service.replace_partner(
        session,
        company_id=principal.company_id,
        partner_id=path_id(partner_id),
        document=wire.document_of(body),
        readable=_readable(principal),
        writable=_writable(principal),
        check_version=check,
    )
    return _one(session, principal.company_id, row)


@router.patch(
    "/businesspartners/{id}",
    tags=[TAG],
    operation_id="updateBusinessPartner",
    response_model=wire.BusinessPartner,
    responses=error_responses(400, 403, 404, 412),
)
def patch_partner(
    *,
    partner_id: PartnerId,
    body: wire.BusinessPartnerPatch,
    request: Request,
    principal: Caller,
    session: DbSession,
    version: Annotated[datetime | None, Query(description="The current version (or `version` in the body).")] = None,
) -> Response:
    """Change `name`, `type` (CUSTOMER/SUPPLIER), `address`, `invoicingInfo` and `paymentInfo`,
    merged field by field into the stored partner (a field sent as null is cleared); other fields
    are ignored. `version` is required in the body or the query (400 `VERSION_REQUIRED`; stale →
    400 `VERSION_CONFLICT`). Answers the updated partner."""
    row = service.patch_partner(
        session,
        company_id=principal.company_id,
        partner_id=path_id(partner_id),
        patch=wire.patch_of(body),
        versions=(body.version, version),
        readable=_readable(principal),
        writable=_writable(principal),
        check_version=lambda current, given: check_version(current, given, required=True),
        check_if_match=lambda current: check_if_match(request, current),
    )
    return _one(session, principal.company_id, row)


# --- defaults ---------------------------------------------------------------------------------------


@router.get(
    "/businesspartners/{id}/defaults/accounts",
    tags=[TAG],
    operation_id="getDefaultAccounts",
    responses=error_responses(400, 403, 404),
)
def get_default_accounts(
    partner_id: PartnerId, principal: Caller, session: DbSession
) -> wire.BusinessPartnerDefaultAccounts:
    """Default ledger accounts per invoice type and VAT defaults (not for persons: 400
    `NOT_FOR_PERSONS`); set them with `PUT /api/kirjuri/businesspartners/{id}/defaults/accounts`."""
    stored, chart = service.default_accounts(
        session, company_id=principal.company_id, partner_id=path_id(partner_id), readable=_readable(principal)
    )
    return wire.default_accounts_out(stored, chart)


@router.get(
    "/businesspartners/{id}/defaults/dimensions",
    tags=[TAG],
    operation_id="getDefaultDimensions1",
    responses=error_responses(403, 404),
)
def get_default_dimensions(
    partner_id: PartnerId, principal: Caller, session: DbSession
) -> list[setup_schemas.DefaultDimensionBasicData]:
    """Every default dimension split of the partner, by dimension id."""
    splits = service.default_dimensions(
        session, company_id=principal.company_id, partner_id=path_id(partner_id), readable=_readable(principal)
    )
    return setup_schemas.basic_splits(splits)


@router.get(
    "/businesspartners/{id}/defaults/dimensions/{dimensionId}",
    tags=[TAG],
    operation_id="getDefaultDimension1",
    responses=error_responses(403, 404),
)
def get_default_dimension(
    partner_id: PartnerId, dimension_id: DimensionId, principal: Caller, session: DbSession
) -> setup_schemas.DefaultDimension:
    """The partner's split of one dimension (no items when it has none)."""
    split = service.default_dimension(
        session,
        company_id=principal.company_id,
        partner_id=path_id(partner_id),
        dimension_id=path_id(dimension_id),
        readable=_readable(principal),
    )
    return setup_schemas.DefaultDimension.of(split)


@router.put(
    "/businesspartners/{id}/defaults/dimensions/{dimensionId}",
    tags=[TAG],
    operation_id="updateDefaultDimension2",
    responses=error_responses(400, 403, 404),
)
def set_default_dimension(
    partner_id: PartnerId,
    dimension_id: DimensionId,
    body: setup_schemas.DefaultDimension,
    principal: Caller,
    session: DbSession,
) -> setup_schemas.DefaultDimension:
    """Replace the split: active items of the dimension (by id or code name), percentages above 0
    that add up to exactly 100; an empty `items` removes the split."""
    split = service.set_default_dimension(
        session,
        company_id=principal.company_id,
        partner_id=path_id(partner_id),
        dimension_id=path_id(dimension_id),
        items=body.wanted(),
        readable=_readable(principal),
        writable=_writable(principal),
    )
    return setup_schemas.DefaultDimension.of(split)


@router.put(
    "/kirjuri/businesspartners/{id}/defaults/accounts",
    tags=[EXTRAS_TAG],
    operation_id="kirjuriSetDefaultAccounts",
    responses=error_responses(400, 403, 404),
)
def set_default_accounts(
    partner_id: PartnerId, body: wire.BusinessPartnerDefaultAccounts, principal: Caller, session: DbSession
) -> wire.BusinessPartnerDefaultAccounts:
    """Replace a customer's or supplier's default accounts and VAT: every account an active one of
    the chart (`ACCOUNT_NOT_FOUND`, `ACCOUNT_INACTIVE`), `vatStatus` one of the partner's side
    (customers: sales, suppliers: purchases), `vatPercent` 0 or a rate in force today. Account
    names are the chart's (names sent are ignored)."""
    stored, chart = service.set_default_accounts(
        session,
        company_id=principal.company_id,
        partner_id=path_id(partner_id),
        document=wire.default_accounts_document(body),
        readable=_readable(principal),
        writable=_writable(principal),
    )
    return wire.default_accounts_out(stored, chart)
