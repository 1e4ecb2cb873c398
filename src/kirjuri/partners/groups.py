"""Partner groups (`/businesspartners/groups`) and the memberships of partners in them.

Invariants: a group has one type (CUSTOMER, SUPPLIER or PERSON) and its members are partners of
that type only — so a group's type cannot change while it has members (409
`PARTNER_GROUP_IN_USE`); group ids come from the company's counter `partner_group`; reading and
writing a group needs its type's register right (a group of an unreadable type is 404).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from sqlalchemy import delete
from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.core.errors import ErrorItem, KirjuriError
from kirjuri.db.counters import next_value
from kirjuri.partners import repository, rules
from kirjuri.partners.models import PartnerGroup, PartnerGroupMember


def _check_name(name: str) -> str:
    if not name.strip():
        raise KirjuriError("REQUIRED", 400, "name")
    return name


def create_group(
    session: Session, *, company_id: int, name: str, group_type: str, active: bool | None, writable: Collection[str]
) -> PartnerGroup:
    rules.require_writable(group_type, writable)
    now = clock.now()
    group = PartnerGroup(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name="partner_group"),
        name=_check_name(name),
        type=group_type,
        active=active is not False,
        version=now,
    )
    session.add(group)
    session.flush()
    return group


def update_group(
    session: Session,
    *,
    company_id: int,
    group_id: int,
    name: str,
    group_type: str,
    active: bool | None,
    readable: Collection[str],
    writable: Collection[str],
) -> PartnerGroup:
    """Rename, retype or (de)activate a group; `active` left out keeps the group as it is."""
    group = repository.get_group(session, company_id=company_id, group_id=group_id, types=readable)
    rules.require_writable(group.type, writable)
    rules.require_writable(group_type, writable)
    name = _check_name(name)
    if group_type != group.type and repository.member_count(session, company_id=company_id, group_id=group.id):
        raise KirjuriError("PARTNER_GROUP_IN_USE", 409, "type")
    group.name = name
    group.type = group_type
    if active is not None:
        group.active = active
    group.version = clock.now()
    session.flush()
    return group


def check_memberships(
    session: Session,
    *,
    company_id: int,
    partner_type: str,
    group_ids: Sequence[int | None],
    path: Callable[[int], str],
) -> tuple[list[int], list[ErrorItem]]:
    """The distinct group ids a partner of `partner_type` may belong to, and the findings: a
    missing id is REQUIRED, an unknown (or another company's) group `PARTNER_GROUP_NOT_FOUND`, a
    group of another type `PARTNER_GROUP_TYPE_MISMATCH` — each at `path(index)`."""
    known = repository.groups_by_ids(session, company_id=company_id, ids=[i for i in group_ids if i is not None])
    chosen: list[int] = []
    errors: list[ErrorItem] = []
    for index, group_id in enumerate(group_ids):
        group = known.get(group_id) if group_id is not None else None
        if group_id is None:
            errors.append(ErrorItem(400, "REQUIRED", path(index)))
        elif group is None:
            errors.append(ErrorItem(400, "PARTNER_GROUP_NOT_FOUND", path(index)))
        elif group.type != partner_type:
            errors.append(ErrorItem(400, "PARTNER_GROUP_TYPE_MISMATCH", path(index)))
        elif group_id not in chosen:
            chosen.append(group_id)
    return chosen, errors


def set_memberships(session: Session, *, company_id: int, partner_id: int, group_ids: Sequence[int]) -> None:
    """Make the partner a member of exactly `group_ids` (checked by `check_memberships`)."""
    session.execute(
        delete(PartnerGroupMember).where(
            PartnerGroupMember.company_id == company_id, PartnerGroupMember.partner_id == partner_id
        )
    )
    session.add_all(
        PartnerGroupMember(company_id=company_id, partner_id=partner_id, group_id=group_id) for group_id in group_ids
    )
    session.flush()
