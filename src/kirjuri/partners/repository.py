"""Company-scoped reads of the partner registers: partners, groups and group memberships.

Invariant: every query is limited to one company; a partner or group of another company, or of
a type the caller did not ask for, does not exist (None / 404). Searches by identifier compare
stored forms only, and the identifier is never part of anything logged.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from kirjuri.core.errors import KirjuriError, not_found
from kirjuri.core.ids import INT32_MAX
from kirjuri.core.paging import PageMeta, PageRequest
from kirjuri.db.paging import fetch_page
from kirjuri.partners.models import BusinessPartner, PartnerGroup, PartnerGroupMember


def _valid_id(value: int) -> bool:
    return 0 < value <= INT32_MAX


def find(
    session: Session,
    *,
    company_id: int,
    partner_id: int,
    types: Collection[str] | None = None,
    for_update: bool = False,
) -> BusinessPartner | None:
    """The partner (customer, supplier or person) with this id, if it exists and has one of `types`
    (row-locked with `for_update`, so that writes that hang on the partner run one after the other)."""
    if not _valid_id(partner_id):
        return None
    partner = session.get(BusinessPartner, (company_id, partner_id), with_for_update=for_update)
    if partner is None or (types is not None and partner.type not in types):
        return None
    return partner


def get(
    session: Session,
    *,
    company_id: int,
    partner_id: int,
    types: Collection[str] | None = None,
    field: str = "id",
    for_update: bool = False,
) -> BusinessPartner:
    """Like `find`, but a missing partner is 404 at `field`."""
    partner = find(session, company_id=company_id, partner_id=partner_id, types=types, for_update=for_update)
    if partner is None:
        raise not_found(field)
    return partner


def partners_by_ids(
    session: Session, *, company_id: int, ids: Collection[int], types: Collection[str]
) -> list[BusinessPartner]:
    """The partners among `ids` of `types`, by id ascending; unknown ids are skipped."""
    wanted = [i for i in ids if _valid_id(i)]
    if not wanted or not types:
        return []
    return list(
        session.scalars(
            select(BusinessPartner)
            .where(
                BusinessPartner.company_id == company_id,
                BusinessPartner.id.in_(wanted),
                BusinessPartner.type.in_(list(types)),
            )
            .order_by(BusinessPartner.id)
        )
    )


# --- search ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartnerFilter:
    """`GET /businesspartners` filters; `types` is never empty (the caller resolved it)."""

    types: tuple[str, ...]
    name: str | None = None
    # Stored forms the `identifier` header may stand for; None: no identifier filter, an empty
    # tuple: an identifier that cannot be any stored form (nothing matches).
    identifiers: tuple[str, ...] | None = None
    identifier_type: str | None = None
    customer_number: str | None = None
    main_group: str | None = None
    partner_group: str | None = None
    active: bool | None = True
    version_start: datetime | None = None
    version_end: datetime | None = None


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def utc(value: datetime | None, field: str) -> datetime | None:
    """A query date-time without a zone is UTC (the zone `version` is written in)."""
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:
        raise KirjuriError("INVALID_DATETIME", 400, field) from exc


def _member_of(company_id: int, *conditions: Any) -> Any:
    """EXISTS: the partner is a member of a group meeting `conditions`."""
    return exists(
        select(PartnerGroupMember.group_id)
        .join(
            PartnerGroup,
            and_(
                PartnerGroup.company_id == PartnerGroupMember.company_id, PartnerGroup.id == PartnerGroupMember.group_id
            ),
        )
        .where(
            PartnerGroupMember.company_id == company_id,
            PartnerGroupMember.partner_id == BusinessPartner.id,
            *conditions,
        )
    )


def _same_text(column: Any, text: str) -> Any:
    return func.lower(column) == func.lower(text)


def _search_statement(company_id: int, f: PartnerFilter) -> Select[Any]:
    stmt = select(BusinessPartner).where(
        BusinessPartner.company_id == company_id, BusinessPartner.type.in_(list(f.types))
    )
    if f.name:
        stmt = stmt.where(BusinessPartner.name.ilike(f"%{_escape(f.name)}%", escape="\\"))
    if f.identifiers is not None:
        stmt = stmt.where(BusinessPartner.identifier.in_(list(f.identifiers) or [""]))
    if f.identifier_type:
        stmt = stmt.where(BusinessPartner.identifier_type == f.identifier_type)
    if f.customer_number is not None:
        stmt = stmt.where(BusinessPartner.customer_number == f.customer_number)
    if f.main_group:
        # The main group: the partner's own group name (`additionalInfo.group`), or a partner group
        # of that name it belongs to.
        own = BusinessPartner.document[("additionalInfo", "group")].as_string()
        stmt = stmt.where(
            or_(_same_text(own, f.main_group), _member_of(company_id, _same_text(PartnerGroup.name, f.main_group)))
        )
    if f.partner_group:
        by_name = _same_text(PartnerGroup.name, f.partner_group)
        text = f.partner_group.strip()
        if text.isascii() and text.isdigit() and len(text) <= 10 and _valid_id(int(text)):
            stmt = stmt.where(_member_of(company_id, or_(PartnerGroup.id == int(text), by_name)))
        else:
            stmt = stmt.where(_member_of(company_id, by_name))
    if f.active is not None:
        stmt = stmt.where(BusinessPartner.active == f.active)
    version_start = utc(f.version_start, "versionStartDate")
    version_end = utc(f.version_end, "versionEndDate")
    if version_start is not None:
        stmt = stmt.where(BusinessPartner.version >= version_start)
    if version_end is not None:
        stmt = stmt.where(BusinessPartner.version <= version_end)
    return stmt


def search(
    session: Session, *, company_id: int, filters: PartnerFilter, page: PageRequest
) -> tuple[list[BusinessPartner], PageMeta]:
    """One page of the company's partners matching `filters`, by id in the page's order."""
    stmt = _search_statement(company_id, filters)
    return fetch_page(session, stmt, id_column=BusinessPartner.id, request=page)


# --- groups ------------------------------------------------------------------------------------------


def find_group(
    session: Session, *, company_id: int, group_id: int, types: Collection[str] | None = None
) -> PartnerGroup | None:
    if not _valid_id(group_id):
        return None
    group = session.get(PartnerGroup, (company_id, group_id))
    if group is None or (types is not None and group.type not in types):
        return None
    return group


def get_group(
    session: Session, *, company_id: int, group_id: int, types: Collection[str] | None = None, field: str = "id"
) -> PartnerGroup:
    group = find_group(session, company_id=company_id, group_id=group_id, types=types)
    if group is None:
        raise not_found(field)
    return group


def groups_by_ids(session: Session, *, company_id: int, ids: Collection[int]) -> dict[int, PartnerGroup]:
    wanted = [i for i in ids if _valid_id(i)]
    if not wanted:
        return {}
    found = session.scalars(
        select(PartnerGroup).where(PartnerGroup.company_id == company_id, PartnerGroup.id.in_(wanted))
    )
    return {group.id: group for group in found}


def search_groups(
    session: Session,
    *,
    company_id: int,
    types: Collection[str],
    name: str | None,
    active: bool | None,
    page: PageRequest,
) -> tuple[list[PartnerGroup], PageMeta]:
    stmt = select(PartnerGroup).where(PartnerGroup.company_id == company_id, PartnerGroup.type.in_(list(types)))
    if name:
        stmt = stmt.where(PartnerGroup.name.ilike(f"%{_escape(name)}%", escape="\\"))
    if active is not None:
        stmt = stmt.where(PartnerGroup.active == active)
    return fetch_page(session, stmt, id_column=PartnerGroup.id, request=page)


def groups_of(session: Session, *, company_id: int, partner_ids: Sequence[int]) -> dict[int, list[PartnerGroup]]:
    """{partner id: its groups by id} for every partner of `partner_ids` (one query)."""
    found: dict[int, list[PartnerGroup]] = {partner_id: [] for partner_id in partner_ids}
    if not partner_ids:
        return found
    rows = session.execute(
        select(PartnerGroupMember.partner_id, PartnerGroup)
        .join(
            PartnerGroup,
            and_(
                PartnerGroup.company_id == PartnerGroupMember.company_id, PartnerGroup.id == PartnerGroupMember.group_id
            ),
        )
        .where(PartnerGroupMember.company_id == company_id, PartnerGroupMember.partner_id.in_(list(partner_ids)))
        .order_by(PartnerGroupMember.partner_id, PartnerGroup.id)
    ).all()
    for partner_id, group in rows:
        found.setdefault(partner_id, []).append(group)
    return found


def member_count(session: Session, *, company_id: int, group_id: int) -> int:
    return session.execute(
        select(func.count()).where(PartnerGroupMember.company_id == company_id, PartnerGroupMember.group_id == group_id)
    ).scalar_one()
