"""The person register over HTTP (§D.5), personal details (§D.4) and Kirjuri's person–user link:
contract shapes, every validation code at its field, the version rules, paging and filters,
default dimension splits, rights (403) and 404s. Shared builders for the other person tests live
here too."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.auth import service as auth_service
from kirjuri.companies import rules as rights_rules
from kirjuri.companies import service as companies_service
from kirjuri.companies.models import Company
from kirjuri.config import Settings
from kirjuri.ledger import dimensions
from kirjuri.partners import groups, persons
from kirjuri.partners.models import BusinessPartner
from tests.factories import Tenant, make_tenant, unique
from tests.partners.partner_helpers import add_partner

HETU = "131052-308T"
DROP = object()

PERSON: dict[str, Any] = {
    "firstName": "Maija",
    "lastName": "Meikäläinen",
    "jobTitle": "Kirjanpitäjä",
    "deliveryAddress": {
        "street": "Hämeenkatu 5",
        "zip": "33100",
        "city": "Tampere",
        "country": "FINLAND",
        "specifier": "B 12",
        "postOfficeBox": "PL 7",
    },
    "homeCountryAddress": {"street": "Storgatan 1", "zip": "11122", "city": "Stockholm", "country": "SWEDEN"},
    "paymentInfo": {
        "paymentMethod": "BANK_TRANSFER",
        "accountNumber": "FI37 1590 3000 0007 76",
        "bic": "ndeafihh",
        "paymentTermDays": "14",
        "penalInterestRate": 8,
        "paymentTermPercentage": 2.50,
        "discountPercentage": 0,
    },
    "invoicingInfo": {
        "personNumber": "P-1",
        "identifier": HETU,
        "identifierType": "HETU",
        "dateOfBirth": "1952-10-13",
        "language": "FINNISH",
        "gender": "FEMALE",
        "homeCountryPersonId": "SE-19521013",
    },
    "registryInfo": {
        "active": True,
        "email": "maija@example.invalid",
        "phone": "+358 3 123 4567",
        "mobilePhone": "+358 40 123 4567",
        "section": "Talous",
        "homeMunicipality": "Tampere",
        "defaultReference": "Matkat",
        "contactPerson": "Matti",
        "reportGroupId": 3,
    },
}


def variant(changes: dict[str, Any] | None = None, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of the person body with dotted paths set (or dropped with DROP)."""
    body = copy.deepcopy(PERSON if base is None else base)
    for path, value in (changes or {}).items():
        *parents, last = path.split(".")
        node = body
        for part in parents:
            node = node.setdefault(part, {})
        if value is DROP:
            node.pop(last, None)
        else:
            node[last] = value
    return body


def stored_form(body: dict[str, Any], person_id: int, version: str) -> dict[str, Any]:
    """What the server answers for `PERSON`-like bodies: normalised account, BIC and decimals."""
    expected = variant(
        {
            "paymentInfo.accountNumber": "FI3715903000000776",
            "paymentInfo.bic": "NDEAFIHH",
            "paymentInfo.paymentTermPercentage": 2.5,
        },
        base=body,
    )
    return {"id": person_id, **expected, "version": version}


def errors(answer: httpx.Response) -> list[tuple[int, str | None, str]]:
    assert answer.headers["content-type"].startswith("application/json")
    return [(e["status"], e.get("field"), e["message"]) for e in answer.json()["errors"]]


def create(client: TestClient, tenant: Tenant, body: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = client.post("/api/persons", json=PERSON if body is None else body, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    created: dict[str, Any] = answer.json()
    return created


def count_persons(session_factory: sessionmaker[Session], company_id: int) -> int:
    with session_factory() as session:
        return int(
            session.execute(
                select(func.count())
                .select_from(BusinessPartner)
                .where(BusinessPartner.company_id == company_id, BusinessPartner.type == persons.PERSON)
            ).scalar_one()
        )


def make_group(session_factory: sessionmaker[Session], company_id: int, name: str, kind: str = "PERSON") -> int:
    """A partner group of type `kind`, through the groups' service."""
    with session_factory() as session:
        group = groups.create_group(
            session, company_id=company_id, name=name, group_type=kind, active=True, writable={kind}
        )
        session.commit()
        return group.id


def make_customer(session_factory: sessionmaker[Session], company_id: int) -> int:
    """A customer, through the partner service: a person id it is not."""
    with session_factory() as session:
        partner_id = add_partner(session, company_id, "CUSTOMER")
        session.commit()
        return partner_id


def set_country(session_factory: sessionmaker[Session], company_id: int, country: str) -> None:
    with session_factory() as session:
        company = session.get(Company, company_id)
        assert company is not None
        company.country = country
        session.commit()


def rights(**levels: str) -> dict[str, Any]:
    """A rights document with everything NO_ACCESS except `group_name=LEVEL` (e.g. salaries_personRegister)."""
    document = rights_rules.rights_document(rights_rules.NO_ACCESS)
    for key, level in levels.items():
        group, name = key.split("_", 1)
        document[group][name] = level
    return document


@dataclass
class Member:
    user_id: int
    headers: dict[str, str]


def add_user(
    session_factory: sessionmaker[Session], settings: Settings, company_id: int, user_rights: dict[str, Any]
) -> Member:
    """Another user of the same company, with a token of their own."""
    with session_factory() as session:
        user = companies_service.create_user(
            session, username=unique("user"), first_name="Toinen", last_name="Käyttäjä", email="t@example.invalid"
        )
        companies_service.add_member(session, company_id=company_id, user_id=user.id, rights=user_rights)
        new_client = auth_service.create_client(
            session, name="Second client", client_id=unique("client"), redirect_uri="https://app.example.com/cb"
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
        return Member(user_id=user.id, headers={"Authorization": f"Bearer {issued.access_token}"})


def link(client: TestClient, tenant: Tenant, person_id: int, user_id: int | None) -> httpx.Response:
    return client.put(f"/api/kirjuri/persons/{person_id}/user", json={"userId": user_id}, headers=tenant.headers)


def make_dimension(db: Session, company_id: int, name: str, *codes: str) -> tuple[int, list[int]]:
    dimension = dimensions.create_dimension(db, company_id=company_id, name=name)
    items = [
        dimensions.create_item(
            db,
            company_id=company_id,
            dimension_id=dimension.id,
            code_name=code,
            description=f"{code} desc",
            active=True,
        ).id
        for code in codes
    ]
    db.commit()
    return dimension.id, items


# --- create and read -----------------------------------------------------------------------------------


def test_create_answers_the_stored_person_and_get_returns_it(client: TestClient, tenant: Tenant) -> None:
    created = create(client, tenant)
    assert created == stored_form(PERSON, created["id"], created["version"])
    answer = client.get(f"/api/persons/{created['id']}", headers=tenant.headers)
    assert answer.status_code == 200
    assert answer.json() == created
    assert answer.headers["etag"].startswith('W/"')


def test_minimal_person_and_exact_decimals(client: TestClient, tenant: Tenant) -> None:
    body = {
        "lastName": "Virtanen",
        "paymentInfo": {
            "paymentMethod": "CASH",
            "paymentTermDays": 7,  # a JSON integer is taken as its digits
            "penalInterestRate": 7.50,
            "paymentTermPercentage": 1e1,
            "discountPercentage": 12.3456,
        },
        "invoicingInfo": {"language": "ENGLISH", "gender": "NOT_APPLICABLE"},
        "registryInfo": {"active": False},
    }
    created = create(client, tenant, body)
    assert created == {
        "id": created["id"],
        "lastName": "Virtanen",
        "paymentInfo": {
            "paymentMethod": "CASH",
            "paymentTermDays": "7",
            "penalInterestRate": 7.5,
            "paymentTermPercentage": 10,
            "discountPercentage": 12.3456,
        },
        "invoicingInfo": {"language": "ENGLISH", "gender": "NOT_APPLICABLE"},
        "registryInfo": {"active": False},
        "version": created["version"],
    }
    raw = client.get(f"/api/persons/{created['id']}", headers=tenant.headers).text
    assert '"penalInterestRate":7.5,' in raw and '"paymentTermPercentage":10,' in raw


def test_ids_count_up_and_are_shared_with_partners(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    first = create(client, tenant)["id"]
    customer = make_customer(session_factory, tenant.company_id)
    second = create(client, tenant)["id"]
    assert (customer, second) == (first + 1, first + 2)


def test_version_is_not_allowed_on_post(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    answer = client.post("/api/persons", json=variant({"version": "2026-01-01T00:00:00Z"}), headers=tenant.headers)
    assert answer.status_code == 400
    assert errors(answer) == [(400, "version", "VERSION_NOT_ALLOWED")]
    assert count_persons(session_factory, tenant.company_id) == 0


@pytest.mark.parametrize(
    "path",
    [
        "lastName",
        "paymentInfo",
        "invoicingInfo",
        "registryInfo",
        "paymentInfo.paymentMethod",
        "paymentInfo.paymentTermDays",
        "paymentInfo.penalInterestRate",
        "invoicingInfo.language",
        "invoicingInfo.gender",
        "registryInfo.active",
    ],
)
def test_required_fields(client: TestClient, tenant: Tenant, path: str) -> None:
    answer = client.post("/api/persons", json=variant({path: DROP}), headers=tenant.headers)
    assert errors(answer) == [(400, path, "REQUIRED")]


X = "x"


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("lastName", "", "TOO_SHORT"),
        ("lastName", "   ", "REQUIRED"),
        ("lastName", X * 81, "TOO_LONG"),
        ("lastName", None, "INVALID_STRING"),
        ("firstName", X * 81, "TOO_LONG"),
        ("firstName", "Жанна", "INVALID_CHARACTERS"),
        ("jobTitle", X * 81, "TOO_LONG"),
        ("deliveryAddress.street", X * 81, "TOO_LONG"),
        ("deliveryAddress.zip", X * 21, "TOO_LONG"),
        ("deliveryAddress.city", X * 41, "TOO_LONG"),
        ("deliveryAddress.specifier", X * 81, "TOO_LONG"),
        ("deliveryAddress.subdivision", X * 36, "TOO_LONG"),
        ("deliveryAddress.postOfficeBox", X * 81, "TOO_LONG"),
        ("deliveryAddress.country", "NARNIA", "INVALID_ENUM_VALUE"),
        ("deliveryAddress.country", "BRITISH_INDIAN_OCEAN_TERRITORY", "INVALID_ENUM_VALUE"),
        ("homeCountryAddress.country", "NORTHERN_MARIANA_ISLANDS", "INVALID_ENUM_VALUE"),
        ("homeCountryAddress.country", "SAINT_MARTIN_FRENCH_PART", "INVALID_ENUM_VALUE"),
        ("homeCountryAddress.street", X * 81, "TOO_LONG"),
        ("paymentInfo.paymentMethod", "CHEQUE", "INVALID_ENUM_VALUE"),
        ("paymentInfo.paymentTermDays", "1000", "TOO_LONG"),
        ("paymentInfo.paymentTermDays", "", "TOO_SHORT"),
        ("paymentInfo.paymentTermDays", "1a", "INVALID_PAYMENT_TERM_DAYS"),
        ("paymentInfo.paymentTermDays", "-1", "INVALID_PAYMENT_TERM_DAYS"),
        ("paymentInfo.paymentTermDays", 1000, "TOO_LONG"),
        ("paymentInfo.penalInterestRate", 1000.01, "OUT_OF_RANGE"),
        ("paymentInfo.penalInterestRate", -0.01, "OUT_OF_RANGE"),
        ("paymentInfo.penalInterestRate", "abc", "INVALID_DECIMAL"),
        ("paymentInfo.paymentTermPercentage", 100.01, "OUT_OF_RANGE"),
        ("paymentInfo.discountPercentage", -1, "OUT_OF_RANGE"),
        ("paymentInfo.clearingCode", X * 81, "TOO_LONG"),
        ("paymentInfo.accountNumber", X * 41, "TOO_LONG"),
        ("paymentInfo.accountNumber", "FI37 1590 3000 0007 77", "INVALID_IBAN"),
        ("paymentInfo.accountNumber", "12345-678", "INVALID_IBAN"),  # BANK_TRANSFER in Finland: an IBAN
        ("paymentInfo.bic", X * 41, "TOO_LONG"),
        ("paymentInfo.bic", "NDEA1IHH", "INVALID_BIC"),
        ("invoicingInfo.personNumber", X * 41, "TOO_LONG"),
        ("invoicingInfo.identifier", X * 81, "TOO_LONG"),
        ("invoicingInfo.identifier", "131052-308U", "INVALID_IDENTIFIER"),
        ("invoicingInfo.identifierType", X * 21, "TOO_LONG"),
        ("invoicingInfo.identifierType", "SSN", "INVALID_IDENTIFIER_TYPE"),
        ("invoicingInfo.identifierType", "ZZ", "INVALID_IDENTIFIER_TYPE"),
        ("invoicingInfo.dateOfBirth", "1952-13-01", "INVALID_DATE"),
        ("invoicingInfo.language", "DANISH", "INVALID_ENUM_VALUE"),
        ("invoicingInfo.gender", "OTHER", "INVALID_ENUM_VALUE"),
        ("invoicingInfo.homeCountryPersonId", X * 46, "TOO_LONG"),
        ("registryInfo.active", "maybe", "INVALID_BOOLEAN"),
        ("registryInfo.mobilePhone", X * 41, "TOO_LONG"),
        ("registryInfo.fax", X * 41, "TOO_LONG"),
        ("registryInfo.phone", X * 41, "TOO_LONG"),
        ("registryInfo.email", X * 81, "TOO_LONG"),
        ("registryInfo.email", "maija.example.invalid", "INVALID_EMAIL"),
        ("registryInfo.email", "maija@localhost", "INVALID_EMAIL"),
        ("registryInfo.contactPerson", X * 81, "TOO_LONG"),
        ("registryInfo.defaultReference", X * 41, "TOO_LONG"),
        ("registryInfo.section", X * 81, "TOO_LONG"),
        ("registryInfo.homeMunicipality", X * 41, "TOO_LONG"),
        ("registryInfo.reportGroupId", 2**31, "OUT_OF_RANGE"),
        ("registryInfo.personGroupsIds", "1", "INVALID_ARRAY"),
    ],
)
def test_invalid_values_are_refused_at_their_field(
    *, client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], path: str, value: Any, code: str
) -> None:
    answer = client.post("/api/persons", json=variant({path: value}), headers=tenant.headers)
    assert errors(answer) == [(400, path, code)]
    assert count_persons(session_factory, tenant.company_id) == 0


def test_identifier_needs_its_type(client: TestClient, tenant: Tenant) -> None:
    answer = client.post("/api/persons", json=variant({"invoicingInfo.identifierType": DROP}), headers=tenant.headers)
    assert errors(answer) == [(400, "invoicingInfo.identifierType", "IDENTIFIER_TYPE_REQUIRED")]


def test_identifiers_are_stored_in_one_form(client: TestClient, tenant: Tenant) -> None:
    created = create(
        client,
        tenant,
        variant({"invoicingInfo.identifier": "20774740", "invoicingInfo.identifierType": "fi"}),
    )
    assert (created["invoicingInfo"]["identifierType"], created["invoicingInfo"]["identifier"]) == ("FI", "2077474-0")
    lower = create(client, tenant, variant({"invoicingInfo.identifier": "131052-308t"}))
    assert lower["invoicingInfo"]["identifier"] == HETU


def test_birth_date_not_in_the_future(client: TestClient, tenant: Tenant) -> None:
    tomorrow = (persons.today() + timedelta(days=1)).isoformat()
    answer = client.post("/api/persons", json=variant({"invoicingInfo.dateOfBirth": tomorrow}), headers=tenant.headers)
    assert errors(answer) == [(400, "invoicingInfo.dateOfBirth", "DATE_OF_BIRTH_IN_FUTURE")]
    today = create(client, tenant, variant({"invoicingInfo.dateOfBirth": persons.today().isoformat()}))
    assert today["invoicingInfo"]["dateOfBirth"] == persons.today().isoformat()


def test_other_payment_methods_take_foreign_account_numbers(client: TestClient, tenant: Tenant) -> None:
    created = create(
        client,
        tenant,
        variant({"paymentInfo.paymentMethod": "FOREIGN_PAYMENT", "paymentInfo.accountNumber": " 12345-678 "}),
    )
    assert created["paymentInfo"]["accountNumber"] == "12345-678"


def test_every_problem_is_reported_at_once(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    body = variant(
        {
            "invoicingInfo.identifier": "131052-308U",
            "paymentInfo.bic": "NDEA1IHH",
            "paymentInfo.accountNumber": "FI37 1590 3000 0007 77",
            "registryInfo.personGroupsIds": [999999],
        }
    )
    answer = client.post("/api/persons", json=body, headers=tenant.headers)
    assert sorted(errors(answer), key=lambda e: str(e[1])) == [
        (400, "invoicingInfo.identifier", "INVALID_IDENTIFIER"),
        (400, "paymentInfo.accountNumber", "INVALID_IBAN"),
        (400, "paymentInfo.bic", "INVALID_BIC"),
        (400, "registryInfo.personGroupsIds[0]", "PERSON_GROUP_NOT_FOUND"),
    ]
    assert count_persons(session_factory, tenant.company_id) == 0


# --- Swedish environments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "deliveryAddress.specifier",
        "deliveryAddress.postOfficeBox",
        "homeCountryAddress.specifier",
        "homeCountryAddress.postOfficeBox",
        "invoicingInfo.dateOfBirth",
    ],
)
def test_swedish_environments_refuse_three_fields(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings, path: str
) -> None:
    swedish = make_tenant(session_factory, settings, name="Svenska AB")
    set_country(session_factory, swedish.company_id, "SWEDEN")
    base = variant(
        {
            "deliveryAddress.specifier": DROP,
            "deliveryAddress.postOfficeBox": DROP,
            "invoicingInfo.dateOfBirth": DROP,
            "paymentInfo.accountNumber": "5000-0000000",  # a Swedish account number, no IBAN needed
        }
    )
    assert client.post("/api/persons", json=base, headers=swedish.headers).status_code == 200
    value = "2000-01-01" if path.endswith("dateOfBirth") else "C/O"
    answer = client.post("/api/persons", json=variant({path: value}, base=base), headers=swedish.headers)
    assert errors(answer) == [(400, path, "NOT_ALLOWED_IN_SWEDEN")]
    assert count_persons(session_factory, swedish.company_id) == 1


# --- groups --------------------------------------------------------------------------------------------


def test_person_groups_must_exist_be_person_groups_and_appear_once(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    staff = make_group(session_factory, tenant.company_id, "Staff")
    board = make_group(session_factory, tenant.company_id, "Board")
    customers = make_group(session_factory, tenant.company_id, "Customers", kind="CUSTOMER")
    theirs = [make_group(session_factory, other_tenant.company_id, f"Theirs {n}") for n in range(4)][-1]
    assert theirs > customers  # an id only the other company has

    created = create(client, tenant, variant({"registryInfo.personGroupsIds": [board, staff]}))
    assert created["registryInfo"]["personGroupsIds"] == [board, staff]  # the client's order
    for bad in (customers, theirs, 0, -5):
        answer = client.post(
            "/api/persons", json=variant({"registryInfo.personGroupsIds": [staff, bad]}), headers=tenant.headers
        )
        assert errors(answer) == [(400, "registryInfo.personGroupsIds[1]", "PERSON_GROUP_NOT_FOUND")], bad
    answer = client.post(
        "/api/persons", json=variant({"registryInfo.personGroupsIds": [staff, board, staff]}), headers=tenant.headers
    )
    assert errors(answer) == [(400, "registryInfo.personGroupsIds[2]", "DUPLICATE_PERSON_GROUP")]
    answer = client.post("/api/persons", json=variant({"registryInfo.personGroupsIds": [1.5]}), headers=tenant.headers)
    assert errors(answer) == [(400, "registryInfo.personGroupsIds[0]", "INVALID_INTEGER")]
    assert count_persons(session_factory, tenant.company_id) == 1


# --- replace -------------------------------------------------------------------------------------------


def test_put_replaces_the_whole_person(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    staff = make_group(session_factory, tenant.company_id, "Staff")
    board = make_group(session_factory, tenant.company_id, "Board")
    created = create(client, tenant, variant({"registryInfo.personGroupsIds": [staff]}))
    person_id = created["id"]
    body = variant(
        {
            "id": 999,  # the path names the person
            "version": created["version"],
            "jobTitle": DROP,
            "homeCountryAddress": DROP,
            "lastName": "Virtanen",
            "invoicingInfo.personNumber": "P-2",
            "registryInfo.personGroupsIds": [board],
            "registryInfo.active": False,
        }
    )
    answer = client.put(f"/api/persons/{person_id}", json=body, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    updated = answer.json()
    assert updated["version"] > created["version"]
    expected = stored_form(variant({"id": DROP}, base=body), person_id, updated["version"])
    assert updated == expected
    assert "jobTitle" not in updated and "homeCountryAddress" not in updated
    assert client.get(f"/api/persons/{person_id}", headers=tenant.headers).json() == updated
    with session_factory() as session:
        row = session.get(BusinessPartner, (tenant.company_id, person_id))
        assert row is not None
        assert (row.name, row.customer_number, row.active) == ("Virtanen Maija", "P-2", False)
        assert persons.groups_of(session, company_id=tenant.company_id, partner_ids=[person_id]) == {person_id: [board]}


def test_put_version_rules(client: TestClient, tenant: Tenant) -> None:
    created = create(client, tenant)
    url = f"/api/persons/{created['id']}"
    missing = client.put(url, json=variant({"lastName": "Uusi"}), headers=tenant.headers)
    assert errors(missing) == [(400, "version", "VERSION_REQUIRED")]
    stale = variant({"lastName": "Uusi", "version": "2020-01-01T00:00:00Z"})
    assert errors(client.put(url, json=stale, headers=tenant.headers)) == [(400, "version", "VERSION_CONFLICT")]
    current = variant({"lastName": "Uusi", "version": created["version"]})
    etag = client.get(url, headers=tenant.headers).headers["etag"]
    wrong_tag = client.put(url, json=current, headers={**tenant.headers, "If-Match": 'W/"1"'})
    assert errors(wrong_tag) == [(412, "If-Match", "PRECONDITION_FAILED")]
    assert client.get(url, headers=tenant.headers).json() == created  # nothing changed so far
    answer = client.put(url, json=current, headers={**tenant.headers, "If-Match": etag})
    assert answer.status_code == 200, answer.text
    assert answer.headers["etag"] != etag
    # The old version is now stale.
    assert errors(client.put(url, json=current, headers=tenant.headers)) == [(400, "version", "VERSION_CONFLICT")]


def test_put_validates_like_post(client: TestClient, tenant: Tenant) -> None:
    created = create(client, tenant)
    url = f"/api/persons/{created['id']}"
    body = variant({"version": created["version"], "invoicingInfo.identifier": "131052-308U"})
    assert errors(client.put(url, json=body, headers=tenant.headers)) == [
        (400, "invoicingInfo.identifier", "INVALID_IDENTIFIER")
    ]
    assert client.get(url, headers=tenant.headers).json() == created


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_unknown_and_non_person_ids_are_404(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], method: str
) -> None:
    customer = make_customer(session_factory, tenant.company_id)
    version = create(client, tenant)["version"]
    body = variant({"version": version}) if method == "PUT" else None
    for person_id in (customer, 999999, 0, 2**31, 2**63):
        answer = client.request(method, f"/api/persons/{person_id}", json=body, headers=tenant.headers)
        assert errors(answer) == [(404, "id", "NOT_FOUND")], person_id
    answer = client.request(method, "/api/persons/abc", json=body, headers=tenant.headers)
    assert errors(answer) == [(400, "id", "INVALID_INTEGER")]


# --- search --------------------------------------------------------------------------------------------


def _ids(answer: httpx.Response) -> list[int]:
    assert answer.status_code == 200, answer.text
    return [r["id"] for r in answer.json()["results"]]


def test_search_pages_by_id(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    made = [create(client, tenant, variant({"invoicingInfo.personNumber": f"N{n}"}))["id"] for n in range(5)]
    make_customer(session_factory, tenant.company_id)  # never listed
    answer = client.get("/api/persons", headers=tenant.headers)
    assert _ids(answer) == made[::-1]
    assert answer.json()["meta"] == {"pageNumber": 0, "pageSize": 50, "resultCount": 5, "totalCount": 5}
    first = answer.json()["results"][-1]
    assert first == {
        "id": made[0],
        "lastName": "Meikäläinen",
        "firstName": "Maija",
        "deliveryAddress": {"street": "Hämeenkatu 5", "zip": "33100", "city": "Tampere", "country": "FINLAND"},
        "invoicingInfo": {"personNumber": "N0", "identifier": HETU, "identifierType": "HETU"},
        "registryInfo": {"active": True},
    }
    page = client.get("/api/persons?size=2&page=1", headers=tenant.headers)
    assert _ids(page) == made[::-1][2:4]
    assert page.json()["meta"] == {"pageNumber": 1, "pageSize": 2, "resultCount": 2, "totalCount": 5}
    assert _ids(client.get("/api/persons?size=2&page=0&orderById=ASC", headers=tenant.headers)) == made[:2]
    assert _ids(client.get("/api/persons?size=2&page=2&orderById=ASC", headers=tenant.headers)) == made[4:]
    assert _ids(client.get("/api/persons?size=200&page=1", headers=tenant.headers)) == []


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("size=0", "size", "INVALID_PAGE_SIZE"),
        ("size=201", "size", "INVALID_PAGE_SIZE"),
        ("page=-1", "page", "INVALID_PAGE_NUMBER"),
        ("orderById=UP", "orderById", "INVALID_ENUM_VALUE"),
        ("personGroupId=x", "personGroupId", "INVALID_INTEGER"),
        ("includeInactive=perhaps", "includeInactive", "INVALID_BOOLEAN"),
    ],
)
def test_search_parameters_are_checked(client: TestClient, tenant: Tenant, query: str, field: str, code: str) -> None:
    assert errors(client.get(f"/api/persons?{query}", headers=tenant.headers)) == [(400, field, code)]


def test_search_filters(client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]) -> None:
    staff = make_group(session_factory, tenant.company_id, "Henkilöstö")
    board = make_group(session_factory, tenant.company_id, "Hallitus")
    make_group(session_factory, tenant.company_id, "Hallitus", kind="CUSTOMER")
    a = create(client, tenant, variant({"invoicingInfo.personNumber": "A", "registryInfo.personGroupsIds": [staff]}))
    b = create(
        client, tenant, variant({"invoicingInfo.personNumber": "B", "registryInfo.personGroupsIds": [staff, board]})
    )
    c = create(client, tenant, variant({"invoicingInfo.personNumber": "A", "registryInfo.active": False}))
    d = create(
        client,
        tenant,
        variant(
            {"invoicingInfo.personNumber": "D", "registryInfo.active": False, "registryInfo.personGroupsIds": [board]}
        ),
    )

    def ids(query: str) -> list[int]:
        return _ids(client.get(f"/api/persons?orderById=ASC&{query}", headers=tenant.headers))

    assert ids("") == [a["id"], b["id"]]
    assert ids("includeInactive=true") == [a["id"], b["id"], c["id"], d["id"]]
    assert ids("includeInactive=false") == [a["id"], b["id"]]
    assert ids("personNumber=A") == [a["id"]]
    assert ids("personNumber=A&includeInactive=true") == [a["id"], c["id"]]
    assert ids("personNumber=a") == []
    assert ids(f"personGroupId={staff}") == [a["id"], b["id"]]
    assert ids(f"personGroupId={board}&includeInactive=true") == [b["id"], d["id"]]
    assert ids("personGroupId=999999") == []
    assert ids(f"personGroupId={2**40}") == []
    assert ids("mainPersonGroup=hallitus&includeInactive=true") == [b["id"], d["id"]]
    assert ids("mainPersonGroup=Henkil%C3%B6st%C3%B6") == [a["id"], b["id"]]
    assert ids("mainPersonGroup=HENKIL%C3%96ST%C3%96") == [a["id"], b["id"]]
    assert ids(f"mainPersonGroup=Hallitus&personGroupId={staff}") == [b["id"]]
    assert ids("mainPersonGroup=Nobody") == []


# --- default dimension splits --------------------------------------------------------------------------


def test_default_dimensions(client: TestClient, tenant: Tenant, db: Session) -> None:
    person_id = create(client, tenant)["id"]
    dimension_id, (item_a, item_b) = make_dimension(db, tenant.company_id, "Kustannuspaikka", "KP1", "KP2")
    base = f"/api/persons/{person_id}/defaults/dimensions"
    assert client.get(base, headers=tenant.headers).json() == []
    assert client.get(f"{base}/{dimension_id}", headers=tenant.headers).json() == {
        "id": dimension_id,
        "name": "Kustannuspaikka",
        "items": [],
    }
    body = {"items": [{"id": item_b, "codeName": "KP2", "percent": 40}, {"codeName": "KP1", "percent": 60.00}]}
    answer = client.put(f"{base}/{dimension_id}", json=body, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    split = {
        "id": dimension_id,
        "name": "Kustannuspaikka",
        "items": [
            {"id": item_a, "codeName": "KP1", "percent": 60, "status": True, "description": "KP1 desc"},
            {"id": item_b, "codeName": "KP2", "percent": 40, "status": True, "description": "KP2 desc"},
        ],
    }
    assert answer.json() == split
    assert client.get(f"{base}/{dimension_id}", headers=tenant.headers).json() == split
    assert client.get(base, headers=tenant.headers).json() == [
        {
            "id": dimension_id,
            "name": "Kustannuspaikka",
            "items": [
                {"id": item_a, "codeName": "KP1", "percent": 60},
                {"id": item_b, "codeName": "KP2", "percent": 40},
            ],
        }
    ]
    bad = {"items": [{"codeName": "KP1", "percent": 50}]}
    assert errors(client.put(f"{base}/{dimension_id}", json=bad, headers=tenant.headers)) == [
        (400, "items", "DIMENSION_PERCENTS_NOT_100")
    ]
    unknown = {"items": [{"codeName": "KP9", "percent": 100}]}
    assert errors(client.put(f"{base}/{dimension_id}", json=unknown, headers=tenant.headers)) == [
        (400, "items[0].codeName", "DIMENSION_ITEM_NOT_FOUND")
    ]
    assert client.get(f"{base}/{dimension_id}", headers=tenant.headers).json() == split
    for url in (f"{base}/999999", f"{base}/{2**40}"):
        assert errors(client.get(url, headers=tenant.headers)) == [(404, "dimensionId", "NOT_FOUND")]
        assert errors(client.put(url, json=body, headers=tenant.headers)) == [(404, "dimensionId", "NOT_FOUND")]
    cleared = client.put(f"{base}/{dimension_id}", json={"items": []}, headers=tenant.headers)
    assert cleared.json() == {"id": dimension_id, "name": "Kustannuspaikka", "items": []}
    assert client.get(base, headers=tenant.headers).json() == []


def test_default_dimensions_of_a_non_person_are_404(
    client: TestClient, tenant: Tenant, db: Session, session_factory: sessionmaker[Session]
) -> None:
    customer = make_customer(session_factory, tenant.company_id)
    dimension_id, _ = make_dimension(db, tenant.company_id, "Projekti", "P1")
    for person_id in (customer, 999999):
        base = f"/api/persons/{person_id}/defaults/dimensions"
        assert errors(client.get(base, headers=tenant.headers)) == [(404, "id", "NOT_FOUND")]
        assert errors(client.get(f"{base}/{dimension_id}", headers=tenant.headers)) == [(404, "id", "NOT_FOUND")]
        answer = client.put(
            f"{base}/{dimension_id}", json={"items": [{"codeName": "P1", "percent": 100}]}, headers=tenant.headers
        )
        assert errors(answer) == [(404, "id", "NOT_FOUND")]


# --- personal details and the user link ----------------------------------------------------------------


def test_personal_details_follow_the_link(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    details = "/api/businesspartners/personaldetails"
    assert errors(client.get(details, headers=tenant.headers)) == [(404, None, "NOT_FOUND")]
    person = create(client, tenant)
    assert link(client, tenant, person["id"], tenant.user_id).json() == {
        "personId": person["id"],
        "userId": tenant.user_id,
    }
    answer = client.get(details, headers=tenant.headers)
    assert answer.status_code == 200
    assert answer.json() == {
        "partnerId": person["id"],
        "firstName": "Maija",
        "lastName": "Meikäläinen",
        "language": "FINNISH",
        "address": {
            "name": "Maija Meikäläinen",
            "specifier": "B 12",
            "street": "Hämeenkatu 5",
            "zip": "33100",
            "city": "Tampere",
            "country": "FINLAND",
        },
        "paymentInfo": {
            "paymentMethod": "BANK_TRANSFER",
            "currency": "EUR",
            "bankAccount": {"accountNumber": "FI3715903000000776", "bic": "NDEAFIHH"},
            "paymentTermDays": "14",
            "paymentTermPercentage": 2.5,
            "penalInterestRate": 8,
            "discountPercentage": 0,
        },
        "invoicingInfo": {"customerNumber": "P-1", "identifier": HETU, "identifierType": "HETU"},
    }
    assert client.get("/api/users", headers=tenant.headers).json()["partnerId"] == person["id"]

    # Another user of the company, without any right: only their own entry, and they have none yet.
    other = add_user(session_factory, settings, tenant.company_id, rights())
    assert errors(client.get(details, headers=other.headers)) == [(404, None, "NOT_FOUND")]
    theirs = create(client, tenant, variant({"firstName": "Olli", "invoicingInfo.language": "SWEDISH"}))
    assert link(client, tenant, theirs["id"], other.user_id).status_code == 200
    mine = client.get(details, headers=other.headers).json()
    assert (mine["partnerId"], mine["firstName"], mine["language"]) == (theirs["id"], "Olli", "SWEDISH")
    assert client.get(details, headers=tenant.headers).json()["partnerId"] == person["id"]

    # Unlinking takes the details away again.
    assert link(client, tenant, person["id"], None).json() == {"personId": person["id"]}
    assert errors(client.get(details, headers=tenant.headers)) == [(404, None, "NOT_FOUND")]
    assert "partnerId" not in client.get("/api/users", headers=tenant.headers).json()


def test_link_rules(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    first, second = create(client, tenant)["id"], create(client, tenant)["id"]
    url = f"/api/kirjuri/persons/{first}/user"
    assert client.get(url, headers=tenant.headers).json() == {"personId": first}
    # Not a member of this company (another company's user, or no user at all).
    for user_id in (other_tenant.user_id, 999999, 2**31):
        assert errors(link(client, tenant, first, user_id)) in (
            [(400, "userId", "USER_NOT_FOUND")],
            [(400, "userId", "OUT_OF_RANGE")],
        )
    assert errors(client.put(url, json={}, headers=tenant.headers)) == [(400, "userId", "REQUIRED")]
    assert link(client, tenant, first, tenant.user_id).status_code == 200
    assert link(client, tenant, first, tenant.user_id).status_code == 200  # again: no change
    assert errors(link(client, tenant, second, tenant.user_id)) == [(409, "userId", "USER_ALREADY_LINKED")]
    assert client.get(url, headers=tenant.headers).json() == {"personId": first, "userId": tenant.user_id}
    assert client.get(f"/api/kirjuri/persons/{second}/user", headers=tenant.headers).json() == {"personId": second}
    customer = make_customer(session_factory, tenant.company_id)
    assert errors(link(client, tenant, customer, tenant.user_id)) == [(404, "id", "NOT_FOUND")]
    assert errors(client.get(f"/api/kirjuri/persons/{customer}/user", headers=tenant.headers)) == [
        (404, "id", "NOT_FOUND")
    ]


def test_a_replaced_person_keeps_its_user(client: TestClient, tenant: Tenant) -> None:
    person = create(client, tenant)
    assert link(client, tenant, person["id"], tenant.user_id).status_code == 200
    body = variant({"version": person["version"], "firstName": "Maija-Liisa"})
    assert client.put(f"/api/persons/{person['id']}", json=body, headers=tenant.headers).status_code == 200
    details = client.get("/api/businesspartners/personaldetails", headers=tenant.headers).json()
    assert (details["partnerId"], details["firstName"]) == (person["id"], "Maija-Liisa")


# --- rights --------------------------------------------------------------------------------------------

ALL, VIEW, NONE = "ALL_RIGHTS", "VIEWING_RIGHTS", "NO_ACCESS"


def _calls(person_id: int, dimension_id: int, version: str) -> list[tuple[str, str, Any, bool]]:
    """(method, url, body, writes) of every endpoint of this router."""
    split = {"items": [{"codeName": "R1", "percent": 100}]}
    return [
        ("GET", "/api/persons", None, False),
        ("POST", "/api/persons", PERSON, True),
        ("GET", f"/api/persons/{person_id}", None, False),
        ("PUT", f"/api/persons/{person_id}", variant({"version": version}), True),
        ("GET", f"/api/persons/{person_id}/defaults/dimensions", None, False),
        ("GET", f"/api/persons/{person_id}/defaults/dimensions/{dimension_id}", None, False),
        ("PUT", f"/api/persons/{person_id}/defaults/dimensions/{dimension_id}", split, True),
        ("GET", f"/api/kirjuri/persons/{person_id}/user", None, False),
    ]


@pytest.mark.parametrize("level", [VIEW, NONE])
def test_rights(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings, db: Session, level: str
) -> None:
    owner = make_tenant(session_factory, settings)
    person = create(client, owner)
    dimension_id, _ = make_dimension(db, owner.company_id, "Oikeudet", "R1")
    limited = add_user(session_factory, settings, owner.company_id, rights(salaries_personRegister=level))
    before = client.get(f"/api/persons/{person['id']}", headers=owner.headers).json()
    for method, url, body, writes in _calls(person["id"], dimension_id, person["version"]):
        answer = client.request(method, url, json=body, headers=limited.headers)
        if level == VIEW and not writes:
            assert answer.status_code == 200, (method, url, answer.text)
        else:
            assert errors(answer) == [(403, None, "INSUFFICIENT_RIGHTS")], (method, url)
    assert client.get(f"/api/persons/{person['id']}", headers=owner.headers).json() == before
    assert count_persons(session_factory, owner.company_id) == 1


@pytest.mark.parametrize(
    ("register", "users", "status"),
    [(ALL, ALL, 200), (ALL, VIEW, 403), (VIEW, ALL, 403), (NONE, ALL, 403), (ALL, NONE, 403)],
)
def test_linking_needs_both_rights(
    *,
    client: TestClient,
    session_factory: sessionmaker[Session],
    settings: Settings,
    register: str,
    users: str,
    status: int,
) -> None:
    owner = make_tenant(session_factory, settings)
    person_id = create(client, owner)["id"]
    member = add_user(
        session_factory,
        settings,
        owner.company_id,
        rights(salaries_personRegister=register, management_usersAndUserRights=users),
    )
    answer = client.put(
        f"/api/kirjuri/persons/{person_id}/user", json={"userId": member.user_id}, headers=member.headers
    )
    assert answer.status_code == status, answer.text
    linked = client.get(f"/api/kirjuri/persons/{person_id}/user", headers=owner.headers).json()
    assert ("userId" in linked) is (status == 200)


def test_personal_details_need_a_token(client: TestClient) -> None:
    assert errors(client.get("/api/businesspartners/personaldetails")) == [(401, None, "Unauthorized")]
