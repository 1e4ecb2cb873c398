"""Who is calling: the bearer token → the principal (user + company + client), and its limits.

Invariants: the company of every request comes only from the token, never from the body or the
path; a missing, expired or revoked token is 401 with Procountor's body; each (client, company)
pair is rate limited; a right the user lacks is 403. `api_router()` puts every endpoint of an
area behind these checks and the idempotency guard.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from kirjuri.api import idempotency
from kirjuri.api.route import add_response_headers
from kirjuri.api.routers import KirjuriRouter
from kirjuri.api.session import DbSession
from kirjuri.auth import repository
from kirjuri.companies import rules as rights_rules
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError, forbidden, unauthorized
from kirjuri.core.ids import sha256_hex
from kirjuri.db import memo


@dataclass(frozen=True, slots=True)
class SessionIdentity:
    """How the token's company and user are named (read with the token, in the same query)."""

    company_name: str
    country: str
    product_version: str
    invoice_discussion_enabled: bool
    user_name: str


@dataclass(frozen=True, slots=True)
class Principal:
    company_id: int
    user_id: int
    client_pk: int
    client_id: str
    token_id: int
    api_key_id: int | None
    role: str
    rights: dict[str, Any]
    identity: SessionIdentity

    def can(self, right: str, *, write: bool = False) -> bool:
        return rights_rules.allows(self.rights, right, write=write)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


async def current_principal(request: Request, session: DbSession) -> Principal:
    """The token's principal, read on the event loop: one lookup by a unique index in a transaction
    that has written nothing, so it waits on no lock — shorter than the thread hop it saves (a sync
    dependency takes a hop of its own, before the endpoint's). A rate limiter that waits on the
    network (Redis) is asked from a thread."""
    token = bearer_token(request)
    if token is None:
        raise unauthorized()
    row = repository.principal_row(session, sha256_hex(token), clock.now())
    if row is None:
        raise unauthorized()
    memo.stamp(session, company_id=row.company_id, config_stamp=row.config_stamp)
    principal = Principal(
        company_id=row.company_id,
        user_id=row.user_id,
        client_pk=row.client_pk,
        client_id=row.client_id,
        token_id=row.id,
        api_key_id=row.api_key_id,
        role=row.role,
        rights=row.rights or {},
        identity=SessionIdentity(
            company_name=row.company_name,
            country=row.company_country,
            product_version=row.product_version,
            invoice_discussion_enabled=row.invoice_discussion_enabled,
            user_name=f"{row.first_name} {row.last_name}",
        ),
    )
    request.state.principal = principal
    settings = request.app.state.settings
    limiter = request.app.state.limiter
    hit = partial(
        limiter.hit,
        f"{principal.client_pk}:{principal.company_id}",
        rate=settings.rate_limit_per_second,
        burst=settings.rate_limit_per_second,
    )
    decision = await run_in_threadpool(hit) if limiter.blocking else hit()
    add_response_headers(request, decision.headers())
    if not decision.allowed:
        raise KirjuriError("RATE_LIMIT_EXCEEDED", 429)
    return principal


async def guarded_principal(
    request: Request,
    session: DbSession,
    principal: Annotated[Principal, Depends(current_principal)],
) -> Principal:
    await idempotency.guard(
        request,
        session,
        company_id=principal.company_id,
        client_pk=principal.client_pk,
        ttl_hours=request.app.state.settings.idempotency_ttl_hours,
    )
    return principal


CurrentPrincipal = Annotated[Principal, Depends(guarded_principal)]


def requires(right: str, *, write: bool = False) -> Callable[..., Awaitable[Principal]]:
    """Dependency: the principal, when it holds `right` ("group.name") at the needed level."""
    rights_rules.level_of({}, right)  # unknown rights fail at import time, not per request

    async def dependency(principal: CurrentPrincipal) -> Principal:  # async: no thread for a check
        if not principal.can(right, write=write):
            raise forbidden("INSUFFICIENT_RIGHTS")
        return principal

    return dependency


def requires_any(*rights: str, write: bool = False) -> Callable[..., Awaitable[Principal]]:
    """Dependency: the principal, when it holds any of `rights` at viewing level or better (at
    ALL_RIGHTS with `write`)."""
    for right in rights:
        rights_rules.level_of({}, right)  # unknown rights fail at import time, not per request

    async def dependency(principal: CurrentPrincipal) -> Principal:  # async: no thread for a check
        if not rights_rules.allows_any(principal.rights, rights, write=write):
            raise forbidden("INSUFFICIENT_RIGHTS")
        return principal

    return dependency


def api_router(**kwargs: Any) -> APIRouter:
    """A router whose every endpoint needs a valid bearer token (and honours Idempotency-Key)."""
    return KirjuriRouter(dependencies=[Depends(guarded_principal)], **kwargs)
