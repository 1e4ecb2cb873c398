"""HTTP endpoints of partners' default products: the contract's reads
(`GET /businesspartners/{id}/defaults/products`, `GET /persons/{id}/defaults/products`) and
Kirjuri's extras that replace a whole list (`PUT /api/kirjuri/businesspartners/{id}/defaults/products`,
`PUT /api/kirjuri/persons/{id}/defaults/products`).

The partner is resolved here, in its own area — found in the principal's company, of a type the
principal may read, its row locked for a replacement — and the products area gets its id and
type (`kirjuri.products.defaults` keeps the list and its rules).

Invariants: the partner comes from the principal's company only; customers need
`sales.customerRegister`, suppliers `purchases.supplierRegister`, persons `salaries.personRegister`
(`rules.TYPE_RIGHTS`: viewing to read, ALL_RIGHTS to replace); a partner of a type the principal
cannot read — or not a customer/supplier on the business-partner paths, not a person on the
person paths — is 404. GET handlers never write.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path

from kirjuri.api.schemas import error_responses
from kirjuri.api.session import DbSession
from kirjuri.auth.dependencies import CurrentPrincipal, Principal, api_router, requires_any
from kirjuri.core.errors import forbidden
from kirjuri.core.ids import path_id
from kirjuri.partners import repository, rules
from kirjuri.products import defaults
from kirjuri.products import schemas as wire
from kirjuri.products.models import DefaultProduct, Product

router = api_router()

PARTNERS_TAG = "Business partners"
PERSONS_TAG = "Persons"
EXTRAS_PARTNERS_TAG = "Kirjuri: business partners"
EXTRAS_PERSONS_TAG = "Kirjuri: persons"

BUSINESS_PARTNERS = rules.PARTNER_TYPES
PERSONS = (rules.PERSON,)

PartnerId = Annotated[int, Path(alias="id")]
DefaultProducts = list[wire.DefaultProduct]


def _writer(*partner_types: str) -> Callable[..., Awaitable[Principal]]:
    """Dependency: the principal, when it may write the register of one of `partner_types`."""
    wanted = tuple(rules.TYPE_RIGHTS[t] for t in partner_types)

    async def dependency(principal: CurrentPrincipal) -> Principal:  # async: no thread for a check
        if not any(principal.can(right, write=True) for right in wanted):
            raise forbidden("INSUFFICIENT_RIGHTS")
        return principal

    return dependency


PartnerReader = Annotated[Principal, Depends(requires_any(*(rules.TYPE_RIGHTS[t] for t in BUSINESS_PARTNERS)))]
PersonReader = Annotated[Principal, Depends(requires_any(rules.TYPE_RIGHTS[rules.PERSON]))]
PartnerWriter = Annotated[Principal, Depends(_writer(*BUSINESS_PARTNERS))]
PersonWriter = Annotated[Principal, Depends(_writer(*PERSONS))]


def _types(principal: Principal, among: tuple[str, ...], *, write: bool) -> frozenset[str]:
    return frozenset(t for t in among if principal.can(rules.TYPE_RIGHTS[t], write=write))


def _wire(found: list[tuple[DefaultProduct, Product]]) -> DefaultProducts:
    return [wire.DefaultProduct.of(row, product) for row, product in found]


def _read(session: DbSession, principal: Principal, partner_id: int, among: tuple[str, ...]) -> DefaultProducts:
    partner = repository.get(
        session,
        company_id=principal.company_id,
        partner_id=path_id(partner_id),
        types=_types(principal, among, write=False),
    )
    return _wire(defaults.default_products(session, company_id=principal.company_id, partner_id=partner.id))


def _replace(
    session: DbSession,
    principal: Principal,
    partner_id: int,
    among: tuple[str, ...],
    body: list[wire.KirjuriDefaultProduct],
) -> DefaultProducts:
    # The lock makes two replacements of one partner's list run one after the other.
    partner = repository.get(
        session,
        company_id=principal.company_id,
        partner_id=path_id(partner_id),
        types=_types(principal, among, write=False),
        for_update=True,
    )
    rules.require_writable(partner.type, _types(principal, among, write=True))
    return _wire(
        defaults.replace_default_products(
            session,
            company_id=principal.company_id,
            partner_id=partner.id,
            partner_type=partner.type,
            drafts=[item.draft() for item in body],
        )
    )


@router.get(
    "/businesspartners/{id}/defaults/products",
    tags=[PARTNERS_TAG],
    operation_id="getDefaultProducts",
    responses=error_responses(403, 404),
)
def get_partner_default_products(
    partner_id: PartnerId, principal: PartnerReader, session: DbSession
) -> DefaultProducts:
    """A customer's or supplier's default products by id, each with its full product."""
    return _read(session, principal, partner_id, BUSINESS_PARTNERS)


@router.get(
    "/persons/{id}/defaults/products",
    tags=[PERSONS_TAG],
    operation_id="getPersonDefaultProducts",
    responses=error_responses(403, 404),
)
def get_person_default_products(partner_id: PartnerId, principal: PersonReader, session: DbSession) -> DefaultProducts:
    """A person's default products by id, each with its full product."""
    return _read(session, principal, partner_id, PERSONS)


@router.put(
    "/kirjuri/businesspartners/{id}/defaults/products",
    tags=[EXTRAS_PARTNERS_TAG],
    operation_id="kirjuriReplaceDefaultProducts",
    responses=error_responses(400, 403, 404),
)
def replace_partner_default_products(
    partner_id: PartnerId, body: list[wire.KirjuriDefaultProduct], principal: PartnerWriter, session: DbSession
) -> DefaultProducts:
    """Replace a customer's or supplier's whole list (empty removes all). `productInfo` needs only
    `id`; a customer takes SALES products, a supplier PURCHASE products; each product once."""
    return _replace(session, principal, partner_id, BUSINESS_PARTNERS, body)


@router.put(
    "/kirjuri/persons/{id}/defaults/products",
    tags=[EXTRAS_PERSONS_TAG],
    operation_id="kirjuriReplacePersonDefaultProducts",
    responses=error_responses(400, 403, 404),
)
def replace_person_default_products(
    partner_id: PartnerId, body: list[wire.KirjuriDefaultProduct], principal: PersonWriter, session: DbSession
) -> DefaultProducts:
    """Replace a person's whole list (empty removes all); products of any type, each once."""
    return _replace(session, principal, partner_id, PERSONS, body)
