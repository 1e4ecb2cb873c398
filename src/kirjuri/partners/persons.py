"""The person register (§D.5): creating and replacing persons, searching them, their person
groups, and the link between a person and the company user whose own entry it is.

Invariants:
- a person is a `business_partners` row of type PERSON; its id comes from the company's
  "partner" counter (shared with customers and suppliers); the wire object (without id and
  version) is the `document`, and the searchable columns (name, person number, identifier,
  active) are kept equal to it here, the only writer;
- everything is validated before anything is written, and every problem is reported at once at
  its field path: identifiers (python-stdnum), IBAN/BIC (schwifty), person groups (existing
  groups of type PERSON, each once), a birth date not in the future, and the fields Swedish
  environments do not have (`specifier`, `postOfficeBox`, `dateOfBirth`);
- an identifier may be a personal identity code: no error, log line or URL carries it;
- a user has at most one own person per company, and only a member of the company can have one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from kirjuri.companies import repository as companies
from kirjuri.companies.models import CompanyUser
from kirjuri.core import clock
from kirjuri.core.errors import ErrorItem, KirjuriError, not_found
from kirjuri.core.ids import path_id
from kirjuri.core.paging import PageMeta, PageRequest
from kirjuri.db.counters import next_value
from kirjuri.db.paging import fetch_page
from kirjuri.partners import identifiers, repository
from kirjuri.partners.models import BusinessPartner, PartnerGroup, PartnerGroupMember
from kirjuri.partners.person_schemas import Person, PersonalDetails, PersonPaymentMethod

PERSON = "PERSON"
COUNTER = "partner"
SWEDEN = "SWEDEN"
FINLAND = "FINLAND"
# "Today" for a birth date: the latest Nordic calendar day, so that no valid date is refused.
_TODAY_ZONE = ZoneInfo("Europe/Helsinki")


def today() -> date:
    return clock.now().astimezone(_TODAY_ZONE).date()


# --- pure checks ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checked:
    """A person as it will be stored: the document and the values of the searchable columns."""

    document: dict[str, Any]
    name: str
    person_number: str | None
    identifier: str | None
    identifier_type: str | None
    active: bool
    group_ids: list[int]


def _error(errors: list[ErrorItem], check: Callable[[], str], field: str) -> str | None:
    try:
        return check()
    except KirjuriError as exc:
        errors.append(ErrorItem(exc.status, exc.code, exc.field or field))
        return None


def check_person(person: Person, *, country: str, today: date) -> tuple[Checked, list[ErrorItem]]:
    """Everything about a person that needs no database: (stored form, problems found)."""
    errors: list[ErrorItem] = []
    document = person.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"id", "version"})
    invoicing, payment = person.invoicing_info, person.payment_info

    if country == SWEDEN:
        for key in ("deliveryAddress", "homeCountryAddress"):
            for name in ("specifier", "postOfficeBox"):
                if document.get(key, {}).get(name):
                    errors.append(ErrorItem(400, "NOT_ALLOWED_IN_SWEDEN", f"{key}.{name}"))
        if invoicing.date_of_birth is not None:
            errors.append(ErrorItem(400, "NOT_ALLOWED_IN_SWEDEN", "invoicingInfo.dateOfBirth"))
    elif invoicing.date_of_birth is not None and invoicing.date_of_birth > today:
        errors.append(ErrorItem(400, "DATE_OF_BIRTH_IN_FUTURE", "invoicingInfo.dateOfBirth"))

    kind, identifier = invoicing.identifier_type, invoicing.identifier
    try:
        kind, identifier = identifiers.check_identifier(
            invoicing.identifier_type,
            invoicing.identifier,
            field="invoicingInfo.identifier",
            type_field="invoicingInfo.identifierType",
            allowed=identifiers.PERSON_IDENTIFIER_TYPES,
        )
    except KirjuriError as exc:
        errors.append(ErrorItem(exc.status, exc.code, exc.field))
    _put(document["invoicingInfo"], "identifierType", kind)
    _put(document["invoicingInfo"], "identifier", identifier)

    account = (payment.account_number or "").strip()
    if account:
        iban_required = payment.payment_method is PersonPaymentMethod.BANK_TRANSFER and country == FINLAND
        field = "paymentInfo.accountNumber"
        stored = _error(
            errors, lambda: identifiers.check_bank_account(account, field=field, iban_required=iban_required), field
        )
        _put(document["paymentInfo"], "accountNumber", stored or account)
    bic = (payment.bic or "").strip()
    if bic:
        stored = _error(errors, lambda: identifiers.check_bic(bic, field="paymentInfo.bic"), "paymentInfo.bic")
        _put(document["paymentInfo"], "bic", stored or bic)

    group_ids = list(person.registry_info.person_groups_ids or [])
    seen: set[int] = set()
    for index, group_id in enumerate(group_ids):
        if group_id in seen:
            errors.append(ErrorItem(400, "DUPLICATE_PERSON_GROUP", f"registryInfo.personGroupsIds[{index}]"))
        seen.add(group_id)

    checked = Checked(
        document=document,
        name=f"{person.last_name.strip()} {(person.first_name or '').strip()}".strip(),
        person_number=invoicing.person_number or None,
        identifier=identifier,
        identifier_type=kind,
        active=person.registry_info.active,
        group_ids=group_ids,
    )
    return checked, errors


def _put(section: dict[str, Any], key: str, value: str | None) -> None:
    if value is None:
        section.pop(key, None)
    else:
        section[key] = value


# --- reads ---------------------------------------------------------------------------------------------


def get_person(session: Session, *, company_id: int, person_id: int) -> BusinessPartner:
    """The person with this id; a missing id, another company's or a customer's/supplier's is 404."""
    return repository.get(session, company_id=company_id, partner_id=path_id(person_id), types=(PERSON,))


def groups_of(session: Session, *, company_id: int, partner_ids: Collection[int]) -> dict[int, list[int]]:
    """Group ids of each partner, by group id."""
    if not partner_ids:
        return {}
    rows = session.execute(
        select(PartnerGroupMember.partner_id, PartnerGroupMember.group_id)
        .where(PartnerGroupMember.company_id == company_id, PartnerGroupMember.partner_id.in_(list(partner_ids)))
        .order_by(PartnerGroupMember.partner_id, PartnerGroupMember.group_id)
    ).all()
    found: dict[int, list[int]] = {}
    for partner_id, group_id in rows:
        found.setdefault(partner_id, []).append(group_id)
    return found


def to_wire(partner: BusinessPartner, group_ids: Iterable[int] | None = None) -> Person:
    """The stored person as the contract's object. The group memberships are the truth for
    `personGroupsIds`, in the order the client gave them."""
    document = dict(partner.document)
    if group_ids is not None:
        registry = dict(document.get("registryInfo") or {})
        members = list(group_ids)
        stored = [g for g in registry.get("personGroupsIds") or [] if g in members]
        ordered = stored + sorted(set(members) - set(stored))
        if ordered or "personGroupsIds" in registry:
            registry["personGroupsIds"] = ordered
        document["registryInfo"] = registry
    return Person.model_validate({**document, "id": partner.id, "version": partner.version})


def person_with_groups(session: Session, *, company_id: int, partner: BusinessPartner) -> Person:
    groups = groups_of(session, company_id=company_id, partner_ids=[partner.id]).get(partner.id, [])
    return to_wire(partner, groups)


@dataclass(frozen=True, slots=True)
class PersonFilter:
    person_number: str | None = None
    # Name of a person group (case-insensitive) the person belongs to.
    group_name: str | None = None
    group_id: int | None = None
    include_inactive: bool = False


def search(
    session: Session, *, company_id: int, where: PersonFilter, page: PageRequest
) -> tuple[list[BusinessPartner], PageMeta]:
    stmt = select(BusinessPartner).where(BusinessPartner.company_id == company_id, BusinessPartner.type == PERSON)
    if not where.include_inactive:
        stmt = stmt.where(BusinessPartner.active.is_(True))
    if where.person_number is not None:
        stmt = stmt.where(BusinessPartner.customer_number == where.person_number)
    member = select(PartnerGroupMember.partner_id).where(
        PartnerGroupMember.company_id == BusinessPartner.company_id,
        PartnerGroupMember.partner_id == BusinessPartner.id,
    )
    if where.group_id is not None:
        stmt = stmt.where(exists(member.where(PartnerGroupMember.group_id == path_id(where.group_id))))
    if where.group_name is not None:
        # Matched here, not in SQL: SQLite's lower() folds ASCII only ("HENKILÖSTÖ").
        wanted = where.group_name.strip().casefold()
        groups = session.execute(
            select(PartnerGroup.id, PartnerGroup.name).where(
                PartnerGroup.company_id == company_id, PartnerGroup.type == PERSON
            )
        ).all()
        named = [group_id for group_id, name in groups if name.strip().casefold() == wanted]
        stmt = stmt.where(exists(member.where(PartnerGroupMember.group_id.in_(named))))
    return fetch_page(session, stmt, id_column=BusinessPartner.id, request=page)


def own_person(session: Session, *, company_id: int, user_id: int) -> BusinessPartner:
    """The person-register entry of this user in this company (404 when there is none)."""
    partner = session.scalars(
        select(BusinessPartner)
        .where(
            BusinessPartner.company_id == company_id,
            BusinessPartner.type == PERSON,
            BusinessPartner.user_id == user_id,
        )
        .order_by(BusinessPartner.id)
        .limit(1)
    ).first()
    if partner is None:
        raise not_found()
    return partner


def personal_details(session: Session, *, company_id: int, user_id: int) -> PersonalDetails:
    """The user's own person entry as `PersonalDetails` (404 when the user has none)."""
    partner = own_person(session, company_id=company_id, user_id=user_id)
    company = companies.company(session, company_id)
    return PersonalDetails.of(to_wire(partner), currency=company.currency if company else None)


# --- writes --------------------------------------------------------------------------------------------


def _country(session: Session, company_id: int, country: str | None) -> str:
    if country is not None:
        return country
    company = companies.company(session, company_id)
    return company.country if company is not None else FINLAND


def _validate(session: Session, *, company_id: int, person: Person, country: str | None) -> Checked:
    checked, errors = check_person(person, country=_country(session, company_id, country), today=today())
    if checked.group_ids:
        known = set(
            session.scalars(
                select(PartnerGroup.id).where(
                    PartnerGroup.company_id == company_id,
                    PartnerGroup.type == PERSON,
                    PartnerGroup.id.in_([path_id(g) for g in checked.group_ids]),
                )
            )
        )
        errors.extend(
            ErrorItem(400, "PERSON_GROUP_NOT_FOUND", f"registryInfo.personGroupsIds[{index}]")
            for index, group_id in enumerate(checked.group_ids)
            if group_id not in known
        )
    if errors:
        raise KirjuriError.many(errors)
    return checked


def _apply(partner: BusinessPartner, checked: Checked, now: datetime) -> None:
    partner.name = checked.name
    partner.customer_number = checked.person_number
    partner.identifier = checked.identifier
    partner.identifier_type = checked.identifier_type
    partner.active = checked.active
    partner.document = checked.document
    partner.version = now


def _set_groups(session: Session, *, company_id: int, partner_id: int, group_ids: list[int]) -> None:
    session.execute(
        delete(PartnerGroupMember).where(
            PartnerGroupMember.company_id == company_id, PartnerGroupMember.partner_id == partner_id
        )
    )
    session.add_all(
        PartnerGroupMember(company_id=company_id, partner_id=partner_id, group_id=group_id) for group_id in group_ids
    )


def create_person(session: Session, *, company_id: int, person: Person, country: str | None = None) -> BusinessPartner:
    """A new person (`person.id` and `person.version` are ignored; the router refuses a version).
    `country` is the company's country when the caller knows it (read from the company otherwise)."""
    checked = _validate(session, company_id=company_id, person=person, country=country)
    now = clock.now()
    partner = BusinessPartner(
        company_id=company_id,
        id=next_value(session, company_id=company_id, name=COUNTER),
        type=PERSON,
        user_id=None,
        created_at=now,
    )
    _apply(partner, checked, now)
    session.add(partner)
    session.flush()
    _set_groups(session, company_id=company_id, partner_id=partner.id, group_ids=checked.group_ids)
    session.flush()
    return partner


def replace_person(
    session: Session,
    *,
    company_id: int,
    person_id: int,
    person: Person,
    check_version: Callable[[datetime], None],
    country: str | None = None,
) -> BusinessPartner:
    """Replace a person whole (omitted fields are cleared); the link to a user stays.
    `check_version` sees the stored version first and refuses a stale one."""
    partner = get_person(session, company_id=company_id, person_id=person_id)
    check_version(partner.version)
    checked = _validate(session, company_id=company_id, person=person, country=country)
    _apply(partner, checked, clock.now())
    _set_groups(session, company_id=company_id, partner_id=partner.id, group_ids=checked.group_ids)
    session.flush()
    return partner


def link_user(session: Session, *, company_id: int, person_id: int, user_id: int | None) -> BusinessPartner:
    """Make the person the user's own entry (`GET /businesspartners/personaldetails`), or with
    `user_id=None` unlink it. The user must be a member of the company (400 `USER_NOT_FOUND`);
    a user already linked to another person is 409 `USER_ALREADY_LINKED` (unlink that one first).
    The membership's `partnerId` (`GET /users`) follows the link."""
    partner = get_person(session, company_id=company_id, person_id=person_id)
    previous = partner.user_id
    if user_id is not None:
        # The membership row is locked: two links of one user at once cannot both pass the check.
        membership = session.scalars(
            select(CompanyUser)
            .where(CompanyUser.company_id == company_id, CompanyUser.user_id == path_id(user_id))
            .with_for_update()
        ).first()
        if membership is None:
            raise KirjuriError("USER_NOT_FOUND", 400, "userId")
        other = session.scalars(
            select(BusinessPartner.id).where(
                BusinessPartner.company_id == company_id,
                BusinessPartner.type == PERSON,
                BusinessPartner.user_id == user_id,
                BusinessPartner.id != partner.id,
            )
        ).first()
        if other is not None:
            raise KirjuriError("USER_ALREADY_LINKED", 409, "userId")
        membership.partner_id = partner.id
    if previous is not None and previous != user_id:
        old = companies.membership(session, company_id=company_id, user_id=previous)
        if old is not None and old.partner_id == partner.id:
            old.partner_id = None
    partner.user_id = user_id
    session.flush()
    return partner
