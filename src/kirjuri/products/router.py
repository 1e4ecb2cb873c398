"""HTTP endpoints of the product registers (Procountor §D.19): products, product groups and the
products' default dimension splits.

Invariants: everything is read from and written to the principal's company only (another
company's ids are 404, nothing changes); which product types a principal may read and write comes
from `rules.TYPE_RIGHTS` — a product or group of an unreadable type is 404 and lists leave it out,
a readable one the principal may not change is 403; `PUT /products/{id}` honours `version` when
given (stale → 400 VERSION_CONFLICT) and `If-Match` (412). Handlers parse, make one service call
and map the result; GET handlers never write.

`/products/groups…` is declared before `/products/{productId}` so that "groups" is not an id.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Path, Query
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.paging import batch_ids, page_request
from kirjuri.api.schemas import SearchResultMetaData, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.versioning import check_if_match, check_version, with_etag
from kirjuri.api.wire import WireResponse, to_plain
from kirjuri.auth.dependencies import CurrentPrincipal, Principal, api_router, requires_any
from kirjuri.core.errors import KirjuriError, forbidden, not_found
from kirjuri.core.ids import INT32_MAX, path_id
from kirjuri.core.paging import DEFAULT_PAGE_SIZE, Order
from kirjuri.ledger.setup_schemas import DefaultDimension, DefaultDimensionBasicData, basic_splits
from kirjuri.products import repository, rules, service
from kirjuri.products import schemas as wire
from kirjuri.products.models import Product

router = api_router()

TAG = "Products"


async def writer(principal: CurrentPrincipal) -> Principal:
    """Dependency: the principal, when it may write at least one product register (async: a
    check needs no thread of its own)."""
    if not any(principal.can(right, write=True) for right in rules.ANY_WRITE_RIGHT):
        raise forbidden("INSUFFICIENT_RIGHTS")
    return principal


Reader = Annotated[Principal, Depends(requires_any(*rules.ANY_READ_RIGHT))]
Writer = Annotated[Principal, Depends(writer)]
ProductId = Annotated[int, Path(alias="productId")]
GroupId = Annotated[int, Path(alias="groupId")]
DimensionId = Annotated[int, Path(alias="dimensionId")]
IncludeLocalizations = Annotated[
    bool, Query(alias="includeLocalizations", description="Add `productLocalizations` to each product.")
]


def readable(principal: Principal) -> frozenset[str]:
    return rules.readable_types(principal.can)


def writable(principal: Principal) -> frozenset[str]:
    return rules.writable_types(lambda right: principal.can(right, write=True))


def _version_check(request: Request, given: datetime | None = None) -> Callable[[datetime], None]:
    def check(current: datetime) -> None:
        check_if_match(request, current)
        check_version(current, given, required=False)

    return check


def _one(product: Product, include_localizations: bool = True) -> Response:
    return with_etag(wire.Product.of(product, include_localizations=include_localizations), product.version)


def parse_groups(values: list[str] | None) -> tuple[int, ...]:
    """`group=1&group=2`, also `group=1,2` and `group=[1, 2]` (what a client that str()s a
    list sends); anything but digits is 400 at `group`."""
    found: list[int] = []
    for raw in values or ():
        for part in raw.strip().strip("[]").split(","):
            text = part.strip()
            if not text:
                continue
            if not (text.isascii() and text.isdigit() and len(text) <= 10):
                raise KirjuriError("INVALID_INTEGER", 400, "group")
            if int(text) not in found:
                found.append(int(text))
    return tuple(found)


# --- product groups ---------------------------------------------------------------------------------


@router.get("/products/groups", tags=[TAG], operation_id="getProductGroups", responses=error_responses(400, 403))
def get_product_groups(
    principal: Reader,
    session: DbSession,
    group_type: Annotated[wire.ProductType | None, Query(alias="type")] = None,
) -> wire.ProductGroups:
    """Groups by id: of `type`, else the SALES and PURCHASE groups — those the principal may read."""
    types = rules.listed_types(group_type.value if group_type else None, readable(principal))
    found = repository.groups(session, company_id=principal.company_id, types=types)
    return wire.ProductGroups(product_groups=[wire.ProductGroup.of(g) for g in found])


@router.post(
    "/products/groups",
    tags=[TAG],
    operation_id="addProductGroupName",
    response_model=wire.ProductGroup,
    responses=error_responses(400, 403),
)
def add_product_group(body: wire.ProductGroup, principal: Writer, session: DbSession) -> Response:
    """A new group; `type` is required here (groups of the three registers never mix)."""
    group = service.create_group(
        session,
        company_id=principal.company_id,
        name=body.name,
        group_type=body.type.value if body.type else None,
        writable=writable(principal),
    )
    return with_etag(wire.ProductGroup.of(group), group.version)


@router.get(
    "/products/groups/{groupId}",
    tags=[TAG],
    operation_id="getProductGroupByGroupId",
    response_model=wire.ProductGroup,
    responses=error_responses(403, 404),
)
def get_product_group(group_id: GroupId, principal: Reader, session: DbSession) -> Response:
    group = repository.get_group(
        session, company_id=principal.company_id, group_id=path_id(group_id), types=readable(principal)
    )
    return with_etag(wire.ProductGroup.of(group), group.version)


@router.put(
    "/products/groups/{groupId}",
    tags=[TAG],
    operation_id="updateProductGroupName",
    response_model=wire.ProductGroup,
    responses=error_responses(400, 403, 404, 412),
)
def rename_product_group(
    group_id: GroupId, body: wire.ProductGroup, request: Request, principal: Writer, session: DbSession
) -> Response:
    """Rename a group; a `type` in the body must be the group's own (400 otherwise)."""
    group = service.rename_group(
        session,
        company_id=principal.company_id,
        group_id=path_id(group_id),
        name=body.name,
        group_type=body.type.value if body.type else None,
        readable=readable(principal),
        writable=writable(principal),
        check_version=_version_check(request),
    )
    return with_etag(wire.ProductGroup.of(group), group.version)


@router.delete(
    "/products/groups/{groupId}",
    tags=[TAG],
    operation_id="removeProductGroupById",
    status_code=204,
    responses=error_responses(400, 403, 404, 409, 412),
)
def delete_product_group(group_id: GroupId, request: Request, principal: Writer, session: DbSession) -> None:
    """TRAVEL groups are never deleted (400); a group with products is 409 `PRODUCT_GROUP_IN_USE`,
    the message listing the products' ids."""
    service.delete_group(
        session,
        company_id=principal.company_id,
        group_id=path_id(group_id),
        readable=readable(principal),
        writable=writable(principal),
        check_version=_version_check(request),
    )


# --- products ---------------------------------------------------------------------------------------


@router.get("/products", tags=[TAG], operation_id="getProducts", responses=error_responses(400, 403, 404))
def get_products(
    *,
    principal: Reader,
    session: DbSession,
    name: Annotated[str | None, Query(description="Case-insensitive part of the name.")] = None,
    previous_id: Annotated[int | None, Query(alias="previousId", description="Keyset paging.", le=INT32_MAX)] = None,
    size: Annotated[int, Query(description="Page size, 1–200.", le=INT32_MAX)] = DEFAULT_PAGE_SIZE,
    page: Annotated[int, Query(description="Zero-based page number.", le=INT32_MAX)] = 0,
    order_by_id: Annotated[Order | None, Query(alias="orderById")] = None,
    order_by_version: Annotated[Order | None, Query(alias="orderByVersion")] = None,
    group: Annotated[
        list[str] | None,
        Query(description="Product group ids (`group=1&group=2`).", json_schema_extra={"items": {"type": "number"}}),
    ] = None,
    product_type: Annotated[wire.ProductType | None, Query(alias="type")] = None,
    code: Annotated[str | None, Query(max_length=40, description="Exact product code.")] = None,
    start_date: Annotated[date | None, Query(alias="startDate", description="Validity overlaps from.")] = None,
    end_date: Annotated[date | None, Query(alias="endDate", description="Validity overlaps until.")] = None,
    include_localizations: IncludeLocalizations = False,
    active: bool | None = None,
    version_start: Annotated[datetime | None, Query(alias="versionStartDate")] = None,
    version_end: Annotated[datetime | None, Query(alias="versionEndDate")] = None,
) -> wire.ProductSearchResult:
    """Products newest id first unless ordered otherwise (`orderByVersion` first, the id breaking
    ties). Without `type`: SALES and PURCHASE products. `startDate`/`endDate` keep the products
    whose validity (travel products) overlaps that period. The answer carries the list twice:
    `results` and, for pre-20.x clients, the deprecated `products`."""
    if start_date and end_date and start_date > end_date:
        raise KirjuriError("START_DATE_AFTER_END_DATE", 400, "startDate")
    paging = page_request(size=size, page=page, previous_id=previous_id, order_by_id=order_by_id or Order.DESC)
    types = rules.listed_types(product_type.value if product_type else None, readable(principal))
    filters = repository.ProductFilter(
        types=types,
        name=name or None,
        groups=parse_groups(group),
        code=code or None,
        start_date=start_date,
        end_date=end_date,
        active=active,
        version_start=version_start,
        version_end=version_end,
    )
    order = repository.ProductOrder(by_id=order_by_id, by_version=order_by_version)
    rows, meta = repository.search_products(
        session, company_id=principal.company_id, filters=filters, order=order, page=paging
    )
    products = [wire.Product.of(p, include_localizations=include_localizations) for p in rows]
    return wire.ProductSearchResult(
        results=products,
        meta=SearchResultMetaData.of(meta),
        products=products,
    )


@router.post(
    "/products",
    tags=[TAG],
    operation_id="addProduct",
    response_model=wire.Product,
    responses=error_responses(400, 403),
)
def add_product(body: wire.Product, principal: Writer, session: DbSession) -> Response:
    """A new product; the rights of its type's register are needed (403 otherwise)."""
    product = service.create_product(
        session, company_id=principal.company_id, draft=body.draft(), writable=writable(principal)
    )
    return _one(product)


@router.get(
    "/products/{productId}",
    tags=[TAG],
    operation_id="getProduct",
    response_model=wire.Product | list[wire.Product],
    responses=error_responses(400, 403, 404),
)
def get_product(
    product_ids: Annotated[str, Path(alias="productId")],
    principal: Reader,
    session: DbSession,
    include_localizations: IncludeLocalizations = False,
) -> Response:
    """One product (with an `ETag`), or several comma-separated ids (at most 200) → an array by
    id, unknown ids skipped; none found → 404."""
    ids, several = batch_ids(product_ids, field="productId")
    found = repository.products_by_ids(session, company_id=principal.company_id, ids=ids, types=readable(principal))
    if not found:
        raise not_found("productId")
    if several:
        return WireResponse(to_plain([wire.Product.of(p, include_localizations=include_localizations) for p in found]))
    return _one(found[0], include_localizations)


@router.put(
    "/products/{productId}",
    tags=[TAG],
    operation_id="updateProduct",
    response_model=wire.Product,
    responses=error_responses(400, 403, 404, 412),
)
def update_product(
    product_id: ProductId, body: wire.Product, request: Request, principal: Writer, session: DbSession
) -> Response:
    """Replace the product whole (its type never changes). A `version` in the body must be the
    current one (400 VERSION_CONFLICT); a stale `If-Match` is 412."""
    product = service.replace_product(
        session,
        company_id=principal.company_id,
        product_id=product_id,
        draft=body.draft(),
        readable=readable(principal),
        writable=writable(principal),
        check_version=_version_check(request, body.version),
    )
    return _one(product)


@router.delete(
    "/products/{productId}",
    tags=[TAG],
    operation_id="removeProductById",
    status_code=204,
    responses=error_responses(400, 403, 404, 409, 412),
)
def delete_product(product_id: ProductId, request: Request, principal: Writer, session: DbSession) -> None:
    """TRAVEL products are never deleted (400); a product among a partner's default products is
    409 `PRODUCT_IN_USE`, the message naming the partners. Its default dimension splits go with it."""
    service.delete_product(
        session,
        company_id=principal.company_id,
        product_id=product_id,
        readable=readable(principal),
        writable=writable(principal),
        check_version=_version_check(request),
    )


# --- default dimension splits -------------------------------------------------------------------------


@router.get(
    "/products/{productId}/defaults/dimensions",
    tags=[TAG],
    operation_id="getDefaultDimensions",
    responses=error_responses(403, 404),
)
def get_default_dimensions(
    product_id: ProductId, principal: Reader, session: DbSession
) -> list[DefaultDimensionBasicData]:
    """Every default split of the product, by dimension id."""
    splits = service.product_splits(
        session, company_id=principal.company_id, product_id=product_id, readable=readable(principal)
    )
    return basic_splits(splits)


@router.get(
    "/products/{productId}/defaults/dimensions/{dimensionId}",
    tags=[TAG],
    operation_id="getDefaultDimension",
    responses=error_responses(403, 404),
)
def get_default_dimension(
    product_id: ProductId, dimension_id: DimensionId, principal: Reader, session: DbSession
) -> DefaultDimension:
    """The product's split of one dimension (no items when it has none)."""
    split = service.product_split(
        session,
        company_id=principal.company_id,
        product_id=product_id,
        dimension_id=path_id(dimension_id),
        readable=readable(principal),
    )
    return DefaultDimension.of(split)


@router.put(
    "/products/{productId}/defaults/dimensions/{dimensionId}",
    tags=[TAG],
    operation_id="updateDefaultDimension",
    responses=error_responses(400, 403, 404),
)
def update_default_dimension(
    product_id: ProductId, dimension_id: DimensionId, body: DefaultDimension, principal: Writer, session: DbSession
) -> DefaultDimension:
    """Replace the product's split of one dimension: item percentages adding up to exactly 100
    (an empty `items` removes the split)."""
    split = service.replace_product_split(
        session,
        company_id=principal.company_id,
        product_id=product_id,
        dimension_id=path_id(dimension_id),
        items=body.wanted(),
        readable=readable(principal),
        writable=writable(principal),
    )
    return DefaultDimension.of(split)
