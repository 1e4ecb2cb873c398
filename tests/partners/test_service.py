"""The partner service against the database: the searchable columns always equal the stored
document, versions move on every write, rights and version checks come before any write, and a
refused request leaves nothing behind."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kirjuri.core.errors import KirjuriError
from kirjuri.ledger import chart, default_splits, dimensions
from kirjuri.partners import groups, repository, service
from kirjuri.partners.models import BusinessPartner, PartnerGroupMember
from tests.factories import Tenant
from tests.partners.partner_helpers import CUSTOMER, HETU, SUPPLIER, Y_TUNNUS, add_person, body

EVERY = frozenset({"CUSTOMER", "SUPPLIER", "PERSON"})


def _columns(row: BusinessPartner) -> tuple[Any, ...]:
    invoicing = row.document.get("invoicingInfo") or {}
    assert row.type == row.document["type"]
    assert row.name == row.document["name"]
    assert row.customer_number == invoicing.get("customerNumber")
    assert row.identifier == invoicing.get("identifier")
    assert row.identifier_type == invoicing.get("identifierType")
    assert row.active is row.document["registryInfo"]["active"]
    return (row.type, row.name, row.customer_number, row.identifier, row.identifier_type, row.active)


def _no_version_check(_current: datetime) -> None:
    return None


def test_create_keeps_columns_equal_to_the_document(db: Session, tenant: Tenant) -> None:
    group = groups.create_group(
        db, company_id=tenant.company_id, name="G", group_type="CUSTOMER", active=None, writable=EVERY
    )
    document = body(
        CUSTOMER,
        invoicingInfo={"customerNumber": "7", "identifierType": "fi", "identifier": "20774740"},
        registryInfo={"active": False, "partnerGroups": [{"id": group.id}]},
    )
    row = service.create_partner(db, company_id=tenant.company_id, document=document, writable=EVERY)
    db.commit()
    assert _columns(row) == ("CUSTOMER", "Asiakas Oy", "7", Y_TUNNUS, "FI", False)
    assert row.created_at == row.version
    assert "partnerGroups" not in row.document["registryInfo"]
    assert document["registryInfo"]["partnerGroups"] == [{"id": group.id}]  # the caller's dict is untouched
    member_of = repository.groups_of(db, company_id=tenant.company_id, partner_ids=[row.id])
    assert [g.id for g in member_of[row.id]] == [group.id]


def test_replace_and_patch_keep_columns_equal(db: Session, tenant: Tenant) -> None:
    row = service.create_partner(
        db,
        company_id=tenant.company_id,
        document=body(CUSTOMER, invoicingInfo={"identifierType": "HETU", "identifier": HETU.lower()}),
        writable=EVERY,
    )
    first = row.version
    assert _columns(row)[3:5] == (HETU, "HETU")
    seen: list[datetime] = []
    service.replace_partner(
        db,
        company_id=tenant.company_id,
        partner_id=row.id,
        document=body(SUPPLIER, invoicingInfo={"customerNumber": "S-1"}),
        readable=EVERY,
        writable=EVERY,
        check_version=seen.append,
    )
    assert seen == [first]
    assert _columns(row) == ("SUPPLIER", "Toimittaja Oy", "S-1", None, None, True)
    second = row.version
    assert second > first
    service.patch_partner(
        db,
        company_id=tenant.company_id,
        partner_id=row.id,
        patch={
            "name": "Uusi",
            "invoicingInfo": {"customerNumber": None, "identifierType": "FI", "identifier": Y_TUNNUS},
        },
        versions=(None, second),
        readable=EVERY,
        writable=EVERY,
        check_version=lambda current, given: None,
        check_if_match=_no_version_check,
    )
    assert _columns(row) == ("SUPPLIER", "Uusi", None, Y_TUNNUS, "FI", True)
    assert row.version > second
    db.commit()


@pytest.mark.parametrize(
    ("writable", "status"),
    [(frozenset({"CUSTOMER"}), None), (frozenset({"SUPPLIER"}), 403), (frozenset(), 403)],
)
def test_create_needs_the_types_write_right(
    db: Session, tenant: Tenant, writable: frozenset[str], status: int | None
) -> None:
    if status is None:
        service.create_partner(db, company_id=tenant.company_id, document=copy.deepcopy(CUSTOMER), writable=writable)
        return
    with pytest.raises(KirjuriError) as refused:
        service.create_partner(db, company_id=tenant.company_id, document=copy.deepcopy(CUSTOMER), writable=writable)
    assert (refused.value.status, refused.value.code) == (403, "INSUFFICIENT_RIGHTS")


def test_rights_come_before_the_version_check(db: Session, tenant: Tenant) -> None:
    row = service.create_partner(db, company_id=tenant.company_id, document=copy.deepcopy(CUSTOMER), writable=EVERY)

    def refuse(_current: datetime) -> None:
        raise AssertionError("the version must not be looked at")

    with pytest.raises(KirjuriError) as refused:
        service.replace_partner(
            db,
            company_id=tenant.company_id,
            partner_id=row.id,
            document=copy.deepcopy(CUSTOMER),
            readable=EVERY,
            writable=frozenset({"SUPPLIER"}),
            check_version=refuse,
        )
    assert refused.value.status == 403
    with pytest.raises(KirjuriError) as hidden:
        service.replace_partner(
            db,
            company_id=tenant.company_id,
            partner_id=row.id,
            document=copy.deepcopy(CUSTOMER),
            readable=frozenset({"SUPPLIER"}),
            writable=EVERY,
            check_version=refuse,
        )
    assert (hidden.value.status, hidden.value.code) == (404, "NOT_FOUND")


def test_patch_needs_a_version(db: Session, tenant: Tenant) -> None:
    row = service.create_partner(db, company_id=tenant.company_id, document=copy.deepcopy(CUSTOMER), writable=EVERY)
    with pytest.raises(KirjuriError) as refused:
        service.patch_partner(
            db,
            company_id=tenant.company_id,
            partner_id=row.id,
            patch={"name": "X"},
            versions=(None, None),
            readable=EVERY,
            writable=EVERY,
            check_version=lambda current, given: None,
            check_if_match=_no_version_check,
        )
    assert (refused.value.code, refused.value.field) == ("VERSION_REQUIRED", "version")
    assert row.name == "Asiakas Oy"


def test_a_refused_create_leaves_nothing(db: Session, tenant: Tenant) -> None:
    group = groups.create_group(
        db, company_id=tenant.company_id, name="S", group_type="SUPPLIER", active=None, writable=EVERY
    )
    document = body(CUSTOMER, registryInfo={"partnerGroups": [{"id": group.id}]})
    with pytest.raises(KirjuriError) as refused:
        service.create_partner(db, company_id=tenant.company_id, document=document, writable=EVERY)
    assert [(i.field, i.message) for i in refused.value.items] == [
        ("registryInfo.partnerGroups[0].id", "PARTNER_GROUP_TYPE_MISMATCH")
    ]
    count = select(func.count()).select_from(BusinessPartner).where(BusinessPartner.company_id == tenant.company_id)
    assert db.scalar(count) == 0
    members = (
        select(func.count()).select_from(PartnerGroupMember).where(PartnerGroupMember.company_id == tenant.company_id)
    )
    assert db.scalar(members) == 0


def test_default_accounts_and_dimensions(db: Session, tenant: Tenant) -> None:
    row = service.create_partner(db, company_id=tenant.company_id, document=copy.deepcopy(SUPPLIER), writable=EVERY)
    payables = chart.by_role(chart.Role.PAYABLES).code
    stored, accounts = service.set_default_accounts(
        db,
        company_id=tenant.company_id,
        partner_id=row.id,
        document={"vatStatus": 9, "purchaseInvoiceAccounts": {"creditAccount": {"code": payables, "name": "x"}}},
        readable=EVERY,
        writable=EVERY,
    )
    assert (
        stored
        == row.default_accounts
        == {"vatStatus": 9, "purchaseInvoiceAccounts": {"creditAccount": {"code": payables}}}
    )
    assert list(accounts) == [payables]
    version = row.version
    dimension = dimensions.create_dimension(db, company_id=tenant.company_id, name="KP")
    item = dimensions.create_item(
        db, company_id=tenant.company_id, dimension_id=dimension.id, code_name="A", description=None, active=True
    )
    split = service.set_default_dimension(
        db,
        company_id=tenant.company_id,
        partner_id=row.id,
        dimension_id=dimension.id,
        items=[default_splits.WantedItem(None, "A", default_splits.HUNDRED)],
        readable=EVERY,
        writable=EVERY,
    )
    assert [(s.item.id, s.percent) for s in split.items] == [(item.id, 100)]
    assert row.version > version
    db.commit()


def test_persons_are_not_written_here(db: Session, tenant: Tenant) -> None:
    person_id = add_person(db, tenant.company_id)
    with pytest.raises(KirjuriError) as refused:
        service.replace_partner(
            db,
            company_id=tenant.company_id,
            partner_id=person_id,
            document=copy.deepcopy(CUSTOMER),
            readable=EVERY,
            writable=EVERY,
            check_version=_no_version_check,
        )
    assert (refused.value.code, refused.value.field) == ("USE_PERSONS_ENDPOINT", "id")
    with pytest.raises(KirjuriError) as accounts:
        service.default_accounts(db, company_id=tenant.company_id, partner_id=person_id, readable=EVERY)
    assert (accounts.value.code, accounts.value.field) == ("NOT_FOR_PERSONS", "id")


@pytest.mark.parametrize("for_update", [False, True])
def test_get_finds_the_companys_partners_of_the_types_only(
    db: Session, tenant: Tenant, other_tenant: Tenant, for_update: bool
) -> None:
    customer = service.create_partner(
        db, company_id=tenant.company_id, document=copy.deepcopy(CUSTOMER), writable=EVERY
    )
    person = add_person(db, tenant.company_id)
    db.commit()
    found = repository.get(
        db, company_id=tenant.company_id, partner_id=customer.id, types={"CUSTOMER"}, for_update=for_update
    )
    assert (found.id, found.type) == (customer.id, "CUSTOMER")
    for company_id, partner_id, types in (
        (other_tenant.company_id, customer.id, EVERY),
        (tenant.company_id, customer.id, {"SUPPLIER", "PERSON"}),
        (tenant.company_id, person, {"CUSTOMER", "SUPPLIER"}),
        (tenant.company_id, 2**31, EVERY),
        (tenant.company_id, 0, EVERY),
    ):
        assert (
            repository.find(db, company_id=company_id, partner_id=partner_id, types=types, for_update=for_update)
            is None
        )
        with pytest.raises(KirjuriError) as exc:
            repository.get(db, company_id=company_id, partner_id=partner_id, types=types, for_update=for_update)
        assert [(i.status, i.field, i.message) for i in exc.value.items] == [(404, "id", "NOT_FOUND")]
    db.rollback()
