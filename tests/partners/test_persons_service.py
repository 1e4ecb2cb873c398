"""The person service against the database: what a create writes (columns kept equal to the
document, ids from the shared "partner" counter, group memberships), whole replacement, nothing
written when validation fails, and the link between a person and a company user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies.models import CompanyUser
from kirjuri.config import Settings
from kirjuri.core.errors import KirjuriError
from kirjuri.partners import persons
from kirjuri.partners.models import BusinessPartner, PartnerGroupMember
from kirjuri.partners.person_schemas import Person
from tests.factories import Tenant
from tests.partners.test_persons_api import (
    HETU,
    add_user,
    make_customer,
    make_group,
    rights,
    set_country,
    variant,
)


def _person(changes: dict[str, Any] | None = None) -> Person:
    return Person.model_validate(variant(changes))


def _create(db: Session, tenant: Tenant, changes: dict[str, Any] | None = None) -> BusinessPartner:
    partner = persons.create_person(db, company_id=tenant.company_id, person=_person(changes))
    db.commit()
    return partner


def _refused(check: Callable[..., object], **kwargs: Any) -> list[tuple[int, str | None, str]]:
    with pytest.raises(KirjuriError) as caught:
        check(**kwargs)
    return [(i.status, i.field, i.message) for i in caught.value.items]


def _members(db: Session, company_id: int, partner_id: int) -> list[int]:
    return list(
        db.scalars(
            select(PartnerGroupMember.group_id)
            .where(PartnerGroupMember.company_id == company_id, PartnerGroupMember.partner_id == partner_id)
            .order_by(PartnerGroupMember.group_id)
        )
    )


def _never(_current: datetime) -> None:
    raise AssertionError("no version check expected")


def test_create_writes_columns_equal_to_the_document(
    db: Session, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    group = make_group(session_factory, tenant.company_id, "Staff")
    partner = _create(db, tenant, {"registryInfo.personGroupsIds": [group], "paymentInfo.penalInterestRate": "7.50"})
    db.expire_all()
    row = db.get(BusinessPartner, (tenant.company_id, partner.id))
    assert row is not None
    assert (row.type, row.name, row.customer_number, row.identifier, row.identifier_type, row.active) == (
        "PERSON",
        "Meikäläinen Maija",
        "P-1",
        HETU,
        "HETU",
        True,
    )
    assert row.user_id is None and row.default_accounts is None
    assert row.version == row.created_at
    assert "id" not in row.document and "version" not in row.document
    assert row.document["paymentInfo"]["penalInterestRate"] == "7.5"
    assert row.document["paymentInfo"]["accountNumber"] == "FI3715903000000776"
    assert _members(db, tenant.company_id, partner.id) == [group]
    wire = persons.person_with_groups(db, company_id=tenant.company_id, partner=row)
    assert (wire.id, wire.version, wire.registry_info.person_groups_ids) == (row.id, row.version, [group])


def test_ids_come_from_the_partner_counter_without_gaps(
    db: Session, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    first = _create(db, tenant).id
    customer = make_customer(session_factory, tenant.company_id)
    refused = _refused(lambda: _create(db, tenant, {"invoicingInfo.identifier": "131052-308U"}))
    assert refused == [(400, "invoicingInfo.identifier", "INVALID_IDENTIFIER")]
    db.rollback()
    assert _create(db, tenant).id == customer + 1 == first + 2


def test_nothing_is_written_when_validation_fails(db: Session, tenant: Tenant) -> None:
    refused = _refused(
        lambda: persons.create_person(
            db,
            company_id=tenant.company_id,
            person=_person({"registryInfo.personGroupsIds": [12345], "paymentInfo.bic": "NDEA1IHH"}),
        )
    )
    assert refused == [
        (400, "paymentInfo.bic", "INVALID_BIC"),
        (400, "registryInfo.personGroupsIds[0]", "PERSON_GROUP_NOT_FOUND"),
    ]
    assert list(db.scalars(select(BusinessPartner).where(BusinessPartner.company_id == tenant.company_id))) == []


def test_the_company_country_is_read_when_not_given(
    db: Session, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    set_country(session_factory, tenant.company_id, "SWEDEN")
    refused = _refused(lambda: persons.create_person(db, company_id=tenant.company_id, person=_person()))
    assert refused == [
        (400, "deliveryAddress.specifier", "NOT_ALLOWED_IN_SWEDEN"),
        (400, "deliveryAddress.postOfficeBox", "NOT_ALLOWED_IN_SWEDEN"),
        (400, "invoicingInfo.dateOfBirth", "NOT_ALLOWED_IN_SWEDEN"),
    ]
    # The caller's country wins when given (the router passes the token's).
    partner = persons.create_person(db, company_id=tenant.company_id, person=_person(), country="FINLAND")
    assert partner.id > 0


def test_replace_keeps_the_link_and_the_creation_time(
    db: Session, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    staff = make_group(session_factory, tenant.company_id, "Staff")
    board = make_group(session_factory, tenant.company_id, "Board")
    partner = _create(db, tenant, {"registryInfo.personGroupsIds": [staff, board]})
    persons.link_user(db, company_id=tenant.company_id, person_id=partner.id, user_id=tenant.user_id)
    db.commit()
    created_at, version = partner.created_at, partner.version
    seen: list[datetime] = []
    replaced = persons.replace_person(
        db,
        company_id=tenant.company_id,
        person_id=partner.id,
        person=_person({"lastName": "Lahtinen", "firstName": None, "registryInfo.personGroupsIds": [board]}),
        check_version=seen.append,
    )
    db.commit()
    db.expire_all()
    row = db.get(BusinessPartner, (tenant.company_id, partner.id))
    assert row is not None and row is replaced
    assert seen == [version]
    assert (row.name, row.user_id, row.created_at) == ("Lahtinen", tenant.user_id, created_at)
    assert row.version > version
    assert "firstName" not in row.document
    assert _members(db, tenant.company_id, partner.id) == [board]


def test_a_refused_version_changes_nothing(db: Session, tenant: Tenant) -> None:
    partner = _create(db, tenant)
    before = (dict(partner.document), partner.version)

    def stale(_current: datetime) -> None:
        raise KirjuriError("VERSION_CONFLICT", 400, "version")

    refused = _refused(
        lambda: persons.replace_person(
            db,
            company_id=tenant.company_id,
            person_id=partner.id,
            person=_person({"lastName": "X"}),
            check_version=stale,
        )
    )
    assert refused == [(400, "version", "VERSION_CONFLICT")]
    db.rollback()
    db.expire_all()
    row = db.get(BusinessPartner, (tenant.company_id, partner.id))
    assert row is not None and (row.document, row.version) == before


def test_replace_and_get_only_take_persons_of_the_company(
    db: Session, tenant: Tenant, other_tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    mine = _create(db, tenant).id
    customer = make_customer(session_factory, tenant.company_id)
    for company_id, person_id in ((other_tenant.company_id, mine), (tenant.company_id, customer)):
        ids = {"company_id": company_id, "person_id": person_id}
        not_found = [(404, "id", "NOT_FOUND")]
        assert _refused(persons.get_person, session=db, **ids) == not_found
        assert _refused(persons.replace_person, session=db, **ids, person=_person(), check_version=_never) == not_found
        assert _refused(persons.link_user, session=db, **ids, user_id=None) == not_found


def _partner_id_of(db: Session, company_id: int, user_id: int) -> int | None:
    membership = db.get(CompanyUser, (company_id, user_id))
    assert membership is not None
    db.refresh(membership)
    return membership.partner_id


def test_link_user(
    db: Session,
    tenant: Tenant,
    other_tenant: Tenant,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    company_id = tenant.company_id
    first, second = _create(db, tenant).id, _create(db, tenant).id
    other = add_user(session_factory, settings, company_id, rights())

    persons.link_user(db, company_id=company_id, person_id=first, user_id=tenant.user_id)
    db.commit()
    assert persons.own_person(db, company_id=company_id, user_id=tenant.user_id).id == first
    assert _partner_id_of(db, company_id, tenant.user_id) == first

    # One own person per user and company.
    refused = _refused(lambda: persons.link_user(db, company_id=company_id, person_id=second, user_id=tenant.user_id))
    assert refused == [(409, "userId", "USER_ALREADY_LINKED")]
    db.rollback()

    # Moving the person to another user takes it from the first one.
    persons.link_user(db, company_id=company_id, person_id=first, user_id=other.user_id)
    db.commit()
    assert _partner_id_of(db, company_id, tenant.user_id) is None
    assert _partner_id_of(db, company_id, other.user_id) == first
    assert _refused(lambda: persons.own_person(db, company_id=company_id, user_id=tenant.user_id)) == [
        (404, None, "NOT_FOUND")
    ]
    persons.link_user(db, company_id=company_id, person_id=second, user_id=tenant.user_id)
    db.commit()
    assert persons.own_person(db, company_id=company_id, user_id=tenant.user_id).id == second

    # Only members of the company; another company's user is as unknown as a missing one.
    for user_id in (other_tenant.user_id, 987654):
        refused = _refused(persons.link_user, session=db, company_id=company_id, person_id=first, user_id=user_id)
        assert refused == [(400, "userId", "USER_NOT_FOUND")]
        db.rollback()
    assert _refused(lambda: persons.own_person(db, company_id=other_tenant.company_id, user_id=tenant.user_id)) == [
        (404, None, "NOT_FOUND")
    ]

    # Unlinking.
    persons.link_user(db, company_id=company_id, person_id=first, user_id=None)
    db.commit()
    assert _partner_id_of(db, company_id, other.user_id) is None
    assert db.get(BusinessPartner, (company_id, first)).user_id is None  # type: ignore[union-attr]
