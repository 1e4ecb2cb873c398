"""A test-only FastAPI app: the real `create_app()` plus endpoints that exercise the wire
conventions in isolation (bodies with decimals, dates, enums and nested lists; a paged list
over a real table; a batch GET; a versioned PUT; a commit that fails at the end).

Nothing here ships: the routes exist only in the apps the tests build.
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Path
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.paging import Paging, batch_ids
from kirjuri.api.route import KirjuriRoute, on_commit
from kirjuri.api.schemas import Decimal2, Int32, Int64, SearchResult, SearchResultMetaData, WireModel
from kirjuri.api.session import DbSession
from kirjuri.api.versioning import check_if_match, check_version, with_etag
from kirjuri.app import create_app
from kirjuri.auth.dependencies import CurrentPrincipal, api_router
from kirjuri.companies.models import Company, CompanyUser, User, VerifierList
from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError, forbidden, not_found
from kirjuri.db.counters import next_value
from kirjuri.db.paging import fetch_page

PREFIX = "/kirjuri-test"


class Color(StrEnum):
    RED = "RED"
    GREEN = "GREEN"


class Row(WireModel):
    product: str | None = None
    vat_percent: Decimal2
    quantity: Decimal2 | None = None
    tags: list[str] = Field(default_factory=list)


class EchoDocument(WireModel):
    name: str
    amount: Decimal2
    count: Int32 | None = None
    big: Int64 | None = None
    invoice_date: date | None = None
    color: Color | None = None
    invoice_rows: list[Row] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class Pair(WireModel):
    a: Decimal2
    b: Decimal2


class Sum(WireModel):
    sum: Decimal2
    product: Decimal2


class Member(WireModel):
    id: Int32
    username: str


class MemberSearchResult(SearchResult[Member]):
    pass


class ListIn(WireModel):
    name: str


class ListOut(WireModel):
    id: Int32
    name: str


class CompanyIn(WireModel):
    name: str
    version: datetime | None = None


class CompanyOut(WireModel):
    id: Int32
    name: str
    version: datetime


class Person(WireModel):
    name: str
    identifier: str | None = None


public = APIRouter(route_class=KirjuriRoute, prefix=PREFIX)
private = api_router(prefix=PREFIX)


@public.get("/ping")
def ping() -> dict[str, Any]:
    return {"ok": True}


@public.get("/version")
def version(request: Request) -> dict[str, Any]:
    return {"version": request.state.api_version}


@public.post("/echo")
def echo(document: EchoDocument) -> EchoDocument:
    return document


@public.post("/sum")
def add(pair: Pair) -> Sum:
    return Sum(sum=pair.a + pair.b, product=pair.a * pair.b)


@public.get("/items/{item_id}")
def item(item_id: Annotated[Int32, Path()]) -> dict[str, Any]:
    return {"id": item_id}


@public.post("/form")
def form(name: Annotated[str, Form()]) -> dict[str, Any]:
    return {"name": name}


@public.get("/crash")
def crash() -> dict[str, Any]:
    raise RuntimeError("boom for 131052-308T with Bearer very-secret-token")


@public.get("/forbidden")
def refuse() -> dict[str, Any]:
    raise forbidden()


@public.get("/conflict")
def conflict() -> dict[str, Any]:
    raise KirjuriError("ALREADY_IN_USE", 409, "name")


@private.get("/whoami")
def whoami(principal: CurrentPrincipal) -> dict[str, Any]:
    return {"companyId": principal.company_id}


@private.post("/persons")
def person(principal: CurrentPrincipal, body: Person) -> Person:
    return Person(name=body.name)


def _members(company_id: int) -> Any:
    return select(User).join(CompanyUser, CompanyUser.user_id == User.id).where(CompanyUser.company_id == company_id)


@private.get("/members")
def members(principal: CurrentPrincipal, session: DbSession, paging: Paging) -> MemberSearchResult:
    rows, meta = fetch_page(session, _members(principal.company_id), id_column=User.id, request=paging)  # type: ignore[arg-type]
    return MemberSearchResult(
        results=[Member(id=u.id, username=u.username) for u in rows],
        meta=SearchResultMetaData(
            page_number=meta.page_number,
            page_size=meta.page_size,
            result_count=meta.result_count,
            total_count=meta.total_count,
        ),
    )


@private.get("/members/{ids}")
def members_batch(principal: CurrentPrincipal, session: DbSession, ids: str) -> Member | list[Member]:
    wanted, several = batch_ids(ids)
    found = session.execute(_members(principal.company_id).where(User.id.in_(wanted)).order_by(User.id)).scalars()
    result = [Member(id=u.id, username=u.username) for u in found]
    if not result:
        raise not_found("id")
    return result if several else result[0]


@private.post("/lists")
def create_list(principal: CurrentPrincipal, session: DbSession, body: ListIn) -> ListOut:
    new_id = next_value(session, company_id=principal.company_id, name="kirjuri-test-list")
    session.add(VerifierList(company_id=principal.company_id, id=new_id, name=body.name))
    session.flush()
    return ListOut(id=new_id, name=body.name)


@private.delete("/lists/{list_id}", status_code=204)
def delete_list(principal: CurrentPrincipal, session: DbSession, list_id: Int32) -> None:
    row = session.get(VerifierList, (principal.company_id, list_id))
    if row is None:
        raise not_found("listId")
    session.delete(row)
    session.flush()


@private.get("/company")
def get_company(principal: CurrentPrincipal, session: DbSession) -> Response:
    company = session.get(Company, principal.company_id)
    assert company is not None
    return with_etag(CompanyOut(id=company.id, name=company.name, version=company.version), company.version)


@private.put("/company")
def put_company(request: Request, principal: CurrentPrincipal, session: DbSession, body: CompanyIn) -> Response:
    company = session.get(Company, principal.company_id)
    assert company is not None
    check_if_match(request, company.version)
    check_version(company.version, body.version, required=True)
    company.name = body.name
    company.version = clock.now()
    session.flush()
    return with_etag(CompanyOut(id=company.id, name=company.name, version=company.version), company.version)


@private.post("/commit-conflict")
def commit_conflict(request: Request, principal: CurrentPrincipal, session: DbSession, body: ListIn) -> ListOut:
    """Writes a row, then — only at commit — a user whose username already exists."""
    new_id = next_value(session, company_id=principal.company_id, name="kirjuri-test-list")
    session.add(VerifierList(company_id=principal.company_id, id=new_id, name=body.name))
    session.flush()
    taken = session.get(User, _first_member(session, principal.company_id))
    assert taken is not None
    username = taken.username

    def clash(db: Session, _response: Response) -> None:
        db.add(User(username=username, first_name="X", last_name="Y", email="x@example.invalid"))

    on_commit(request, clash)
    return ListOut(id=new_id, name=body.name)


@private.post("/write")
def write(principal: CurrentPrincipal, session: DbSession, body: ListIn) -> ListOut:
    new_id = next_value(session, company_id=principal.company_id, name="kirjuri-test-list")
    session.add(VerifierList(company_id=principal.company_id, id=new_id, name=body.name))
    session.flush()
    return ListOut(id=new_id, name=body.name)


@private.post("/bodyless-write")
def bodyless_write(principal: CurrentPrincipal, session: DbSession) -> ListOut:
    return write(principal, session, ListIn(name="bodyless"))


@private.post("/slow-write")
def slow_write(principal: CurrentPrincipal, session: DbSession, body: ListIn) -> ListOut:
    """Writes, then waits: two of these at once overlap in time."""
    result = write(principal, session, body)
    time.sleep(0.3)
    return result


@private.post("/write-then-fail")
def write_then_fail(principal: CurrentPrincipal, session: DbSession, body: ListIn) -> ListOut:
    write(principal, session, body)
    raise KirjuriError("LATE_REFUSAL", 400, "name")


class Holding:
    """How many `/hold` requests held their session at once (the most so far)."""

    lock = threading.Lock()
    now = 0
    most = 0

    @classmethod
    def reset(cls) -> None:
        cls.now = cls.most = 0


@public.get("/hold")
def hold(session: DbSession) -> dict[str, Any]:
    """Holds a database session for a moment (the bound of `db_concurrency`)."""
    session.connection()
    with Holding.lock:
        Holding.now += 1
        Holding.most = max(Holding.most, Holding.now)
    time.sleep(0.1)
    with Holding.lock:
        Holding.now -= 1
    return {}


def _first_member(session: Session, company_id: int) -> int:
    user_id = session.execute(
        select(CompanyUser.user_id).where(CompanyUser.company_id == company_id).limit(1)
    ).scalar_one()
    return int(user_id)


def build(settings: Settings) -> FastAPI:
    app = create_app(settings)
    app.include_router(public, prefix="/api")
    app.include_router(private, prefix="/api")
    return app
