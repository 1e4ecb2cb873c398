"""Bodies and builders shared by the business-partner tests (owned by the §D.4 tests).

Customers, suppliers and groups are made through the HTTP API or the services; persons through
the person register's service (§D.5). `add_partner` is the one builder of a partner of any type
for the other areas' tests (products, attachments).
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.auth import service as auth_service
from kirjuri.companies import rules as rights_rules
from kirjuri.companies import service as companies_service
from kirjuri.config import Settings
from kirjuri.partners import persons, service
from kirjuri.partners import schemas as wire
from kirjuri.partners.person_schemas import Person
from tests.factories import Tenant, unique

# Valid test values: a Y-tunnus, an IBAN, a BIC, an OVT code, a HETU of the public test range.
Y_TUNNUS = "2077474-0"
IBAN = "FI2112345600000785"
IBAN_SPACED = "FI21 1234 5600 0007 85"
BIC = "NDEAFIHH"
OVT = "003720774740"
HETU = "131052-308T"

CUSTOMER: dict[str, Any] = {
    "name": "Asiakas Oy",
    "type": "CUSTOMER",
    "address": {"name": "Asiakas Oy", "street": "Katu 1", "zip": "00100", "city": "Helsinki", "country": "FINLAND"},
    "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "paymentTermDays": "14"},
}
SUPPLIER: dict[str, Any] = {
    "name": "Toimittaja Oy",
    "type": "SUPPLIER",
    "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "bankAccount": IBAN, "bic": BIC},
}


def body(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of `base` with top-level `changes` (None removes the key)."""
    result = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def errors(answer: Any) -> list[tuple[int, str | None, str]]:
    return [(e["status"], e.get("field"), e["message"]) for e in answer.json()["errors"]]


def create(client: TestClient, tenant: Tenant, data: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = client.post("/api/businesspartners", json=data or CUSTOMER, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    created: dict[str, Any] = answer.json()
    return created


def create_group(client: TestClient, tenant: Tenant, name: str, group_type: str = "CUSTOMER") -> int:
    answer = client.post(
        "/api/businesspartners/groups", json={"name": name, "type": group_type}, headers=tenant.headers
    )
    assert answer.status_code == 200, answer.text
    group_id: int = answer.json()["id"]
    return group_id


PERSON_DOCUMENT: dict[str, Any] = {
    "firstName": "Maija",
    "lastName": "Meikäläinen",
    "jobTitle": "Myyjä",
    "deliveryAddress": {"street": "Kotikatu 2", "zip": "33100", "city": "Tampere", "country": "FINLAND"},
    "paymentInfo": {
        "paymentMethod": "BANK_TRANSFER",
        "accountNumber": IBAN,
        "bic": BIC,
        "paymentTermDays": "14",
        "penalInterestRate": "7.5",
    },
    "invoicingInfo": {
        "personNumber": "P-7",
        "identifier": HETU,
        "identifierType": "HETU",
        "language": "FINNISH",
        "gender": "FEMALE",
    },
    "registryInfo": {"active": True, "email": "maija@example.invalid", "phone": "+358401111111"},
}


def add_person(db: Session, company_id: int, document: dict[str, Any] | None = None) -> int:
    """A person through the person register's service (§D.5), committed."""
    person = persons.create_person(
        db, company_id=company_id, person=Person.model_validate(copy.deepcopy(document or PERSON_DOCUMENT))
    )
    db.commit()
    return person.id


def add_partner(session: Session, company_id: int, partner_type: str = "CUSTOMER") -> int:
    """A customer or supplier (`CUSTOMER`, `SUPPLIER`) through the partner service, as
    `POST /businesspartners` makes it, or a person (`PERSON_DOCUMENT`) through the person
    register's service; flushed, the caller commits."""
    if partner_type == "PERSON":
        person = Person.model_validate(copy.deepcopy(PERSON_DOCUMENT))
        return persons.create_person(session, company_id=company_id, person=person).id
    partner = wire.BusinessPartner.model_validate(
        copy.deepcopy({"CUSTOMER": CUSTOMER, "SUPPLIER": SUPPLIER}[partner_type])
    )
    return service.create_partner(
        session, company_id=company_id, document=wire.document_of(partner), writable={partner_type}
    ).id


def rights(**levels: str) -> dict[str, Any]:
    """A rights document with everything NO_ACCESS except `group_name=LEVEL` (`sales_customerRegister`)."""
    document = rights_rules.rights_document(rights_rules.NO_ACCESS)
    for key, level in levels.items():
        group, name = key.split("_", 1)
        document[group][name] = level
    return document


def member_headers(
    session_factory: sessionmaker[Session], settings: Settings, company_id: int, user_rights: dict[str, Any]
) -> dict[str, str]:
    """The bearer header of another user of the same company, with `user_rights`."""
    with session_factory() as session:
        user = companies_service.create_user(
            session, username=unique("user"), first_name="Rajattu", last_name="Käyttäjä", email="r@example.invalid"
        )
        companies_service.add_member(session, company_id=company_id, user_id=user.id, rights=user_rights)
        new_client = auth_service.create_client(
            session, name="Limited client", client_id=unique("client"), redirect_uri="https://app.example.com/cb"
        )
        issued = auth_service.issue_token(
            session,
            client=new_client.client,
            company_id=company_id,
            user_id=user.id,
            access_ttl=settings.access_token_ttl,
            signing_key=settings.secret_key.get_secret_value(),
            issuer=settings.public_url,
        )
        session.commit()
        return {"Authorization": f"Bearer {issued.access_token}"}
