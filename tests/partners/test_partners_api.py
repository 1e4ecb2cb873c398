"""Customers and suppliers over HTTP (§D.4): create, read (one and batch), PUT replacement, PATCH
merging and the version rules, every validation code at its field, the stored form, a person in
the BusinessPartner shape, and the partner's attachments."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.config import Settings
from kirjuri.partners.models import BusinessPartner
from tests.attachments.helpers import PDF, meta, upload
from tests.factories import Tenant, make_tenant
from tests.partners.partner_helpers import (
    BIC,
    CUSTOMER,
    HETU,
    IBAN,
    IBAN_SPACED,
    OVT,
    SUPPLIER,
    Y_TUNNUS,
    add_person,
    create,
    create_group,
    errors,
)
from tests.partners.test_rules import INVALID

DROP = object()


def variant(changes: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of the customer body with dotted paths set (DROP removes; `[n]` indexes lists)."""
    result = copy.deepcopy(base or CUSTOMER)
    for path, value in changes.items():
        *parents, last = path.split(".")
        target: Any = result
        for key in parents:
            target = target.setdefault(key, {})
        if value is DROP:
            target.pop(last, None)
        else:
            target[last] = value
    return result


@pytest.fixture(scope="module")
def shared(session_factory: sessionmaker[Session], settings: Settings) -> Tenant:
    """One company for the validation tables (nothing is written by a refused request)."""
    return make_tenant(session_factory, settings, name="Validointi Oy")


def row_of(session_factory: sessionmaker[Session], company_id: int, partner_id: int) -> BusinessPartner:
    with session_factory() as session:
        row = session.get(BusinessPartner, (company_id, partner_id))
        assert row is not None
        session.expunge(row)
        return row


# --- create and read --------------------------------------------------------------------------------


def test_create_answers_the_stored_partner_and_get_returns_it(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    answer = client.post("/api/businesspartners", json=CUSTOMER, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    created = answer.json()
    version = created.pop("version")
    assert created == {
        "id": 1,
        "name": "Asiakas Oy",
        "type": "CUSTOMER",
        "address": CUSTOMER["address"],
        "attachments": [],
        "additionalInfo": {"invoiceLedger": "INVOICE_LEDGER"},
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "paymentTermDays": "14"},
        "registryInfo": {"active": True},
    }
    assert answer.headers["etag"]
    got = client.get("/api/businesspartners/1", headers=tenant.headers)
    assert got.status_code == 200
    assert got.json() == {**created, "version": version}
    assert got.headers["etag"] == answer.headers["etag"]
    row = row_of(session_factory, tenant.company_id, 1)
    assert (row.type, row.name, row.customer_number, row.identifier, row.active) == (
        "CUSTOMER",
        "Asiakas Oy",
        None,
        None,
        True,
    )


FULL: dict[str, Any] = {
    "name": "Täysi Oy",
    "type": "CUSTOMER",
    "address": {
        "name": "Täysi Oy",
        "specifier": "c/o Joku",
        "street": "Katu 1",
        "zip": "00100",
        "city": "Helsinki",
        "country": "FINLAND",
        "subdivision": "Uusimaa",
    },
    "billingAddress": {"name": "Laskutus", "street": "PL 1", "zip": "00101", "city": "Helsinki", "country": "FINLAND"},
    "deliveryAddress": {"name": "Varasto", "street": "Satama 3", "zip": "00180", "city": "Helsinki"},
    "invoicingInfo": {
        "customerNumber": "C-100",
        "identifier": "20774740",
        "identifierType": "fi",
        "ovt": "0037 2077 4740",
        "invoiceChannel": "ELECTRONIC_INVOICE",
        "contactPerson": "Matti",
        "language": "FINNISH",
        "email": "laskut@taysi.fi",
        "bccAddresses": ["kopio@taysi.fi"],
        "denyEinvoiceReminders": True,
        "orderReference": "T-1",
        "sellerReferenceIdentifier": "S",
        "buyerReferenceIdentifier": "B",
        "orderNumber": "O-1",
        "agreementNumber": "A-1",
        "accountingCode": "AC",
        "deliverySite": "Satama",
        "tenderReference": "TR",
        "einvoiceAddress": "003720774740",
        "einvoiceOperator": "003721291126",
    },
    "contactPersons": [{"name": "Matti", "email": "matti@taysi.fi", "phone": "+358401"}],
    "additionalInfo": {
        "defaultAdditionalInformation": "Kiitos",
        "defaultReference": "Viite",
        "group": "Isot",
        "parentCompanyIdType": "FI",
        "parentCompanyId": "2077474-0",
        "auxiliaryCompanyName": "Aputoiminimi",
        "formerCompanyName": "Vanha Oy",
        "sector": "IT",
        "webAddress": "https://taysi.fi",
        "comments1": "c1",
        "comments2": "c2",
        "invoicePeriod": "kk",
        "withholdingRegisterMarking": "kyllä",
        "invoiceLedger": "CLEARING",
    },
    "paymentInfo": {
        "factoringContractId": 5,
        "paymentMethod": "BANK_TRANSFER",
        "bankAccount": IBAN_SPACED,
        "paymentTermDays": "21",
        "paymentTermPercentage": 2.50,
        "penalInterestRate": 11.5,
        "discountPercentage": 1,
        "cashDiscount": {
            "optionList": [{"numberOfDays": 7, "discountPercentage": 2}],
            "cashDiscountsTermType": "FROM_INV_DATE",
        },
        "currency": "EUR",
        "deliveryMethod": "Posti",
        "clearingCode": "CC",
        "bic": "ndeafihh",
        "customerAccountNumber": "X1",
    },
    "registryInfo": {
        "active": True,
        "phone": "+358 9 1",
        "mobilePhone": "+358 40 1",
        "fax": "+358 9 2",
        "section": "Myynti",
        "homeMunicipality": "Helsinki",
        "reportGroup": "R",
        "reportGroupId": 3,
    },
}


def test_every_field_is_stored_in_its_stored_form(client: TestClient, tenant: Tenant) -> None:
    created = create(client, tenant, FULL)
    partner_id = created.pop("id")
    created.pop("version")
    expected = copy.deepcopy(FULL)
    expected["invoicingInfo"].update(identifier=Y_TUNNUS, identifierType="FI", ovt=OVT)
    expected["paymentInfo"].update(bankAccount=IBAN, bic=BIC, paymentTermPercentage=2.5)
    expected["contactPersons"][0]["id"] = 1
    expected["attachments"] = []
    assert created == expected
    got = client.get(f"/api/businesspartners/{partner_id}", headers=tenant.headers).json()
    assert {k: v for k, v in got.items() if k not in ("id", "version")} == expected


def test_decimals_are_exact(client: TestClient, tenant: Tenant) -> None:
    raw = (
        b'{"name":"D","type":"SUPPLIER","paymentInfo":{"paymentMethod":"CASH",'
        b'"penalInterestRate":0.1,"paymentTermPercentage":1E+1,"discountPercentage":33.333333333333333333}}'
    )
    answer = client.post(
        "/api/businesspartners", content=raw, headers={**tenant.headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    assert b'"penalInterestRate":0.1,' in answer.content
    assert b'"paymentTermPercentage":10,' in answer.content
    assert b'"discountPercentage":33.333333333333333333' in answer.content


def test_ids_come_from_the_partner_counter_shared_with_persons(client: TestClient, tenant: Tenant, db: Session) -> None:
    first = create(client, tenant)["id"]
    person_id = add_person(db, tenant.company_id)
    second = create(client, tenant, SUPPLIER)["id"]
    assert (first, person_id, second) == (1, 2, 3)


def test_person_type_is_refused_on_post(client: TestClient, tenant: Tenant) -> None:
    answer = client.post("/api/businesspartners", json=variant({"type": "PERSON"}), headers=tenant.headers)
    assert answer.status_code == 400
    assert errors(answer) == [(400, "type", "USE_PERSONS_ENDPOINT")]


def test_post_ignores_id_version_and_attachments(client: TestClient, tenant: Tenant) -> None:
    sent = variant(
        {
            "id": 77,
            "version": "2020-01-01T00:00:00Z",
            "attachments": [{"name": "x", "referenceType": "INVOICE", "referenceId": 1, "sendWithInvoice": False}],
        }
    )
    created = create(client, tenant, sent)
    assert created["id"] == 1
    assert created["attachments"] == []
    assert created["version"] != "2020-01-01T00:00:00Z"


# --- validation -----------------------------------------------------------------------------------------

SCHEMA_ERRORS: list[tuple[dict[str, Any], str, str]] = [
    ({"name": DROP}, "name", "REQUIRED"),
    ({"name": ""}, "name", "TOO_SHORT"),
    ({"name": "x" * 81}, "name", "TOO_LONG"),
    ({"name": "Ж Oy"}, "name", "INVALID_CHARACTERS"),
    ({"type": DROP}, "type", "REQUIRED"),
    ({"type": "PARTNER"}, "type", "INVALID_ENUM_VALUE"),
    ({"paymentInfo": DROP}, "paymentInfo", "REQUIRED"),
    ({"paymentInfo.paymentMethod": DROP}, "paymentInfo.paymentMethod", "REQUIRED"),
    ({"paymentInfo.paymentMethod": "CHEQUE"}, "paymentInfo.paymentMethod", "INVALID_ENUM_VALUE"),
    ({"paymentInfo.currency": "XYZ"}, "paymentInfo.currency", "INVALID_ENUM_VALUE"),
    ({"paymentInfo.penalInterestRate": "abc"}, "paymentInfo.penalInterestRate", "INVALID_DECIMAL"),
    ({"paymentInfo.factoringContractId": 2**31}, "paymentInfo.factoringContractId", "OUT_OF_RANGE"),
    ({"paymentInfo.bankAccount": "1" * 41}, "paymentInfo.bankAccount", "TOO_LONG"),
    (
        {"paymentInfo.cashDiscount": {"optionList": [{"numberOfDays": "x"}]}},
        "paymentInfo.cashDiscount.optionList[0].numberOfDays",
        "INVALID_INTEGER",
    ),
    (
        {"paymentInfo.cashDiscount": {"cashDiscountsTermType": "WEEKLY"}},
        "paymentInfo.cashDiscount.cashDiscountsTermType",
        "INVALID_ENUM_VALUE",
    ),
    ({"address.country": "NARNIA"}, "address.country", "INVALID_ENUM_VALUE"),
    ({"address.name": "x" * 81}, "address.name", "TOO_LONG"),
    ({"address.specifier": "x" * 81}, "address.specifier", "TOO_LONG"),
    ({"address.street": "x" * 81}, "address.street", "TOO_LONG"),
    ({"address.zip": "x" * 21}, "address.zip", "TOO_LONG"),
    ({"address.city": "x" * 41}, "address.city", "TOO_LONG"),
    ({"address.subdivision": "x" * 36}, "address.subdivision", "TOO_LONG"),
    ({"billingAddress": {"city": "x" * 41}}, "billingAddress.city", "TOO_LONG"),
    ({"billingAddress": {"country": "X"}}, "billingAddress.country", "INVALID_ENUM_VALUE"),
    ({"deliveryAddress": {"zip": "x" * 21}}, "deliveryAddress.zip", "TOO_LONG"),
    ({"invoicingInfo": {"language": "KLINGON"}}, "invoicingInfo.language", "INVALID_ENUM_VALUE"),
    ({"invoicingInfo": {"invoiceChannel": "FAX"}}, "invoicingInfo.invoiceChannel", "INVALID_ENUM_VALUE"),
    ({"invoicingInfo": {"customerNumber": "x" * 41}}, "invoicingInfo.customerNumber", "TOO_LONG"),
    ({"invoicingInfo": {"bccAddresses": "a@b.fi"}}, "invoicingInfo.bccAddresses", "INVALID_ARRAY"),
    ({"contactPersons": [{"name": "x" * 81}]}, "contactPersons[0].name", "TOO_LONG"),
    ({"contactPersons": [{"email": "a@b.fi" + "x" * 80}]}, "contactPersons[0].email", "TOO_LONG"),
    ({"contactPersons": [{"phone": "1" * 41}]}, "contactPersons[0].phone", "TOO_LONG"),
    (
        {"additionalInfo": {"defaultAdditionalInformation": "x" * 501}},
        "additionalInfo.defaultAdditionalInformation",
        "TOO_LONG",
    ),
    ({"additionalInfo": {"group": "x" * 81}}, "additionalInfo.group", "TOO_LONG"),
    ({"additionalInfo": {"parentCompanyIdType": "XX"}}, "additionalInfo.parentCompanyIdType", "INVALID_ENUM_VALUE"),
    ({"additionalInfo": {"parentCompanyId": "x" * 21}}, "additionalInfo.parentCompanyId", "TOO_LONG"),
    ({"additionalInfo": {"auxiliaryCompanyName": "x" * 81}}, "additionalInfo.auxiliaryCompanyName", "TOO_LONG"),
    ({"additionalInfo": {"formerCompanyName": "x" * 81}}, "additionalInfo.formerCompanyName", "TOO_LONG"),
    ({"additionalInfo": {"sector": "x" * 81}}, "additionalInfo.sector", "TOO_LONG"),
    ({"additionalInfo": {"webAddress": "x" * 101}}, "additionalInfo.webAddress", "TOO_LONG"),
    ({"additionalInfo": {"comments1": "x" * 101}}, "additionalInfo.comments1", "TOO_LONG"),
    ({"additionalInfo": {"comments2": "x" * 101}}, "additionalInfo.comments2", "TOO_LONG"),
    ({"additionalInfo": {"invoicePeriod": "x" * 41}}, "additionalInfo.invoicePeriod", "TOO_LONG"),
    (
        {"additionalInfo": {"withholdingRegisterMarking": "x" * 21}},
        "additionalInfo.withholdingRegisterMarking",
        "TOO_LONG",
    ),
    ({"additionalInfo": {"invoiceLedger": "BOTH"}}, "additionalInfo.invoiceLedger", "INVALID_ENUM_VALUE"),
    ({"registryInfo": {"phone": "1" * 41}}, "registryInfo.phone", "TOO_LONG"),
    ({"registryInfo": {"mobilePhone": "1" * 41}}, "registryInfo.mobilePhone", "TOO_LONG"),
    ({"registryInfo": {"fax": "1" * 41}}, "registryInfo.fax", "TOO_LONG"),
    ({"registryInfo": {"section": "x" * 81}}, "registryInfo.section", "TOO_LONG"),
    ({"registryInfo": {"homeMunicipality": "x" * 41}}, "registryInfo.homeMunicipality", "TOO_LONG"),
    ({"registryInfo": {"active": "maybe"}}, "registryInfo.active", "INVALID_BOOLEAN"),
    ({"registryInfo": {"partnerGroups": [{"id": "x"}]}}, "registryInfo.partnerGroups[0].id", "INVALID_INTEGER"),
]


@pytest.mark.parametrize(("changes", "field", "code"), SCHEMA_ERRORS)
def test_schema_errors_at_their_field(
    client: TestClient, shared: Tenant, changes: dict[str, Any], field: str, code: str
) -> None:
    answer = client.post("/api/businesspartners", json=variant(changes), headers=shared.headers)
    assert answer.status_code == 400, answer.text
    assert errors(answer) == [(400, field, code)]


def _rule_case(path: str, value: Any) -> dict[str, Any]:
    if path == "type" and value is None:
        return {}  # a missing type is the schema's REQUIRED (above)
    return {path: DROP if value is None else value}


RULE_CASES = [
    pytest.param(_rule_case(path, value), expected, id=f"{path}={value!r}"[:60])
    for path, value, expected in INVALID
    if not (path == "type" and value in (None, "OTHER"))
    and not (path == "paymentInfo" and value is None)
    and not (path == "paymentInfo.paymentMethod" and value is None)
    and not (path == "name" and value is None)
]


@pytest.mark.parametrize(("changes", "expected"), RULE_CASES)
def test_rule_errors_at_their_field(
    client: TestClient, shared: Tenant, changes: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    base = variant({"address": {"name": "Asiakas Oy"}, "paymentInfo": {"paymentMethod": "BANK_TRANSFER"}})
    answer = client.post("/api/businesspartners", json=variant(changes, base), headers=shared.headers)
    assert answer.status_code == 400, answer.text
    assert errors(answer) == [(400, field, code) for field, code in expected]


def test_a_refused_write_writes_nothing(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    group_id = create_group(client, tenant, "Ryhmä")
    answer = client.post(
        "/api/businesspartners",
        json=variant({"registryInfo": {"partnerGroups": [{"id": group_id}]}, "invoicingInfo": {"email": "x"}}),
        headers=tenant.headers,
    )
    assert errors(answer) == [(400, "invoicingInfo.email", "INVALID_EMAIL")]
    with session_factory() as session:
        assert (
            session.scalars(select(BusinessPartner).where(BusinessPartner.company_id == tenant.company_id)).all() == []
        )
    assert create(client, tenant)["id"] == 1  # the counter did not move either


def test_group_memberships(client: TestClient, tenant: Tenant) -> None:
    customers = create_group(client, tenant, "Kanta-asiakkaat")
    suppliers = create_group(client, tenant, "Alihankkijat", "SUPPLIER")
    refused = client.post(
        "/api/businesspartners",
        json=variant({"registryInfo": {"partnerGroups": [{"id": customers}, {"id": suppliers}, {"id": 999}, {}]}}),
        headers=tenant.headers,
    )
    assert errors(refused) == [
        (400, "registryInfo.partnerGroups[1].id", "PARTNER_GROUP_TYPE_MISMATCH"),
        (400, "registryInfo.partnerGroups[2].id", "PARTNER_GROUP_NOT_FOUND"),
        (400, "registryInfo.partnerGroups[3].id", "REQUIRED"),
    ]
    created = create(
        client,
        tenant,
        variant(
            {"registryInfo": {"phone": "1", "partnerGroups": [{"id": customers, "name": "ignored"}, {"id": customers}]}}
        ),
    )
    assert created["registryInfo"] == {
        "active": True,
        "phone": "1",
        "partnerGroups": [{"id": customers, "name": "Kanta-asiakkaat", "type": "CUSTOMER", "active": True}],
    }


# --- batch GET --------------------------------------------------------------------------------------------


def test_batch_get(client: TestClient, tenant: Tenant, db: Session) -> None:
    first = create(client, tenant)
    person_id = add_person(db, tenant.company_id)
    second = create(client, tenant, SUPPLIER)
    answer = client.get(
        f"/api/businesspartners/{second['id']},x,{first['id']},999,{first['id']}", headers=tenant.headers
    )
    assert answer.status_code == 200
    assert [p["id"] for p in answer.json()] == [first["id"], second["id"]]
    assert answer.json()[0] == first
    assert "etag" not in answer.headers
    both = client.get(f"/api/businesspartners/{first['id']},{person_id}", headers=tenant.headers).json()
    assert [(p["id"], p["type"]) for p in both] == [(first["id"], "CUSTOMER"), (person_id, "PERSON")]
    assert client.get(f"/api/businesspartners/{first['id']},", headers=tenant.headers).json() == [first]


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("999", 404, "NOT_FOUND"),
        ("x", 404, "NOT_FOUND"),
        ("0", 404, "NOT_FOUND"),
        ("2147483648", 404, "NOT_FOUND"),
        ("998,999", 404, "NOT_FOUND"),
        (",".join(["1"] * 201), 400, "TOO_MANY_IDS"),
    ],
)
def test_batch_get_errors(client: TestClient, shared: Tenant, path: str, status: int, code: str) -> None:
    answer = client.get(f"/api/businesspartners/{path}", headers=shared.headers)
    assert (answer.status_code, errors(answer)) == (status, [(status, "id", code)])


def test_two_hundred_ids_are_allowed(client: TestClient, tenant: Tenant) -> None:
    partner_id = create(client, tenant)["id"]
    ids = ",".join([str(partner_id)] + [str(n) for n in range(1000, 1199)])
    answer = client.get(f"/api/businesspartners/{ids}", headers=tenant.headers)
    assert answer.status_code == 200
    assert [p["id"] for p in answer.json()] == [partner_id]


# --- a person in the BusinessPartner shape ----------------------------------------------------------------


def test_a_person_is_shown_as_a_business_partner(client: TestClient, tenant: Tenant, db: Session) -> None:
    group_id = create_group(client, tenant, "Myyjät", "PERSON")
    person_id = add_person(db, tenant.company_id)
    from tests.partners.partner_helpers import PERSON_DOCUMENT

    document = copy.deepcopy(PERSON_DOCUMENT)
    document["registryInfo"]["personGroupsIds"] = [group_id]
    document["registryInfo"]["contactPerson"] = "Pekka"
    document["registryInfo"]["defaultReference"] = "Ref"
    grouped = add_person(db, tenant.company_id, document)
    answer = client.get(f"/api/businesspartners/{person_id}", headers=tenant.headers)
    assert answer.status_code == 200
    shown = answer.json()
    assert shown.pop("version")
    assert shown == {
        "id": person_id,
        "name": "Meikäläinen Maija",
        "type": "PERSON",
        "address": {
            "name": "Meikäläinen Maija",
            "street": "Kotikatu 2",
            "zip": "33100",
            "city": "Tampere",
            "country": "FINLAND",
        },
        "invoicingInfo": {
            "customerNumber": "P-7",
            "identifier": HETU,
            "identifierType": "HETU",
            "language": "FINNISH",
            "email": "maija@example.invalid",
        },
        "attachments": [],
        "paymentInfo": {
            "paymentMethod": "BANK_TRANSFER",
            "bankAccount": IBAN,
            "paymentTermDays": "14",
            "penalInterestRate": 7.5,
            "bic": BIC,
        },
        "registryInfo": {"active": True, "phone": "+358401111111"},
    }
    other = client.get(f"/api/businesspartners/{grouped}", headers=tenant.headers).json()
    assert other["invoicingInfo"]["contactPerson"] == "Pekka"
    assert other["additionalInfo"] == {"defaultReference": "Ref"}
    assert other["registryInfo"]["partnerGroups"] == [
        {"id": group_id, "name": "Myyjät", "type": "PERSON", "active": True}
    ]


def test_persons_are_written_through_persons_only(client: TestClient, tenant: Tenant, db: Session) -> None:
    person_id = add_person(db, tenant.company_id)
    version = client.get(f"/api/businesspartners/{person_id}", headers=tenant.headers).json()["version"]
    put = client.put(f"/api/businesspartners/{person_id}", json=variant({"version": version}), headers=tenant.headers)
    assert errors(put) == [(400, "id", "USE_PERSONS_ENDPOINT")]
    patch = client.patch(
        f"/api/businesspartners/{person_id}", json={"name": "X", "version": version}, headers=tenant.headers
    )
    assert errors(patch) == [(400, "id", "USE_PERSONS_ENDPOINT")]
    assert client.get(f"/api/businesspartners/{person_id}", headers=tenant.headers).json()["version"] == version


# --- attachments ---------------------------------------------------------------------------------------


def _attach(client: TestClient, tenant: Tenant, owner: str, partner_id: int, name: str) -> int:
    """A PDF attached to the partner through `POST /attachments` (the attachments service)."""
    created = upload(client, tenant, meta(owner, partner_id, name, sendWithInvoice=True), PDF)
    attachment_id: int = created["id"]
    return attachment_id


def test_attachments_are_listed_read_only(client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    partner = create(client, tenant)
    other = create(client, tenant, SUPPLIER)
    first = _attach(client, tenant, "CUSTOMER_BUSINESS_PARTNER_REGISTER", partner["id"], "sopimus.pdf")
    _attach(client, tenant, "SUPPLIER_BUSINESS_PARTNER_REGISTER", other["id"], "toimittaja.pdf")
    # The other company's customer of the same id, with a file of its own.
    theirs = create(client, other_tenant)
    assert theirs["id"] == partner["id"]
    _attach(client, other_tenant, "CUSTOMER_BUSINESS_PARTNER_REGISTER", theirs["id"], "theirs.pdf")
    got = client.get(f"/api/businesspartners/{partner['id']}", headers=tenant.headers).json()
    assert got["attachments"] == [
        {
            "id": first,
            "name": "sopimus.pdf",
            "referenceType": "CUSTOMER_BUSINESS_PARTNER_REGISTER",
            "referenceId": partner["id"],
            "mimeType": "application/pdf",
            "sendWithInvoice": True,
        }
    ]
    batch = client.get(f"/api/businesspartners/{partner['id']},{other['id']}", headers=tenant.headers).json()
    assert [[a["name"] for a in p["attachments"]] for p in batch] == [["sopimus.pdf"], ["toimittaja.pdf"]]
    # A customer that becomes a supplier keeps its files.
    moved = client.put(
        f"/api/businesspartners/{partner['id']}", json=variant({"type": "SUPPLIER"}), headers=tenant.headers
    )
    assert [a["name"] for a in moved.json()["attachments"]] == ["sopimus.pdf"]
    # Attachments sent in a write are ignored.
    put = client.put(
        f"/api/businesspartners/{partner['id']}",
        json=variant({"type": "SUPPLIER", "attachments": []}),
        headers=tenant.headers,
    )
    assert [a["id"] for a in put.json()["attachments"]] == [first]


# --- PUT ------------------------------------------------------------------------------------------------


def test_put_replaces_everything_and_clears_what_is_left_out(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    group_id = create_group(client, tenant, "G")
    full = copy.deepcopy(FULL)
    full["registryInfo"]["partnerGroups"] = [{"id": group_id}]
    created = create(client, tenant, full)
    answer = client.put(f"/api/businesspartners/{created['id']}", json=CUSTOMER, headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    replaced = answer.json()
    assert replaced["version"] > created["version"]
    assert {k: v for k, v in replaced.items() if k != "version"} == {
        "id": created["id"],
        "name": "Asiakas Oy",
        "type": "CUSTOMER",
        "address": CUSTOMER["address"],
        "attachments": [],
        "additionalInfo": {"invoiceLedger": "INVOICE_LEDGER"},
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "paymentTermDays": "14"},
        "registryInfo": {"active": True},
    }
    row = row_of(session_factory, tenant.company_id, created["id"])
    assert (row.customer_number, row.identifier, row.identifier_type, row.name) == (None, None, None, "Asiakas Oy")


def test_put_version_and_if_match(client: TestClient, tenant: Tenant) -> None:
    created = create(client, tenant)
    url = f"/api/businesspartners/{created['id']}"
    stale = client.put(url, json=variant({"version": "2020-01-01T00:00:00Z"}), headers=tenant.headers)
    assert errors(stale) == [(400, "version", "VERSION_CONFLICT")]
    etag = client.get(url, headers=tenant.headers).headers["etag"]
    precondition = client.put(url, json=CUSTOMER, headers={**tenant.headers, "If-Match": 'W/"1"'})
    assert (precondition.status_code, errors(precondition)) == (412, [(412, "If-Match", "PRECONDITION_FAILED")])
    current = client.put(
        url, json=variant({"name": "Uusi", "version": created["version"]}), headers={**tenant.headers, "If-Match": etag}
    )
    assert current.status_code == 200, current.text
    assert current.json()["name"] == "Uusi"
    assert current.headers["etag"] != etag
    again = client.put(url, json=variant({"version": created["version"]}), headers=tenant.headers)
    assert errors(again) == [(400, "version", "VERSION_CONFLICT")]
    assert client.get(url, headers=tenant.headers).json()["name"] == "Uusi"


def test_put_moves_between_customers_and_suppliers_only(client: TestClient, tenant: Tenant) -> None:
    created = create(client, tenant)
    url = f"/api/businesspartners/{created['id']}"
    person = client.put(url, json=variant({"type": "PERSON"}), headers=tenant.headers)
    assert errors(person) == [(400, "type", "USE_PERSONS_ENDPOINT")]
    supplier = client.put(url, json=variant({"type": "SUPPLIER", "address": DROP}), headers=tenant.headers)
    assert supplier.status_code == 200
    assert supplier.json()["type"] == "SUPPLIER"
    back = client.put(url, json=variant({"type": "CUSTOMER", "address": DROP}), headers=tenant.headers)
    assert errors(back) == [(400, "address", "REQUIRED")]


def test_put_validates_like_post(client: TestClient, tenant: Tenant) -> None:
    created = create(client, tenant)
    answer = client.put(
        f"/api/businesspartners/{created['id']}",
        json=variant({"invoicingInfo": {"identifierType": "HETU", "identifier": "131052-308U"}}),
        headers=tenant.headers,
    )
    assert errors(answer) == [(400, "invoicingInfo.identifier", "INVALID_IDENTIFIER")]


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize("path", ["999", "0", "2147483648"])
def test_unknown_ids_are_404(client: TestClient, shared: Tenant, method: str, path: str) -> None:
    answer = client.request(
        method,
        f"/api/businesspartners/{path}",
        json=variant({"version": "2020-01-01T00:00:00Z"}),
        headers=shared.headers,
    )
    assert (answer.status_code, errors(answer)) == (404, [(404, "id", "NOT_FOUND")])


# --- PATCH ----------------------------------------------------------------------------------------------


def test_patch_merges_field_by_field(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    created = create(client, tenant, FULL)
    url = f"/api/businesspartners/{created['id']}"
    answer = client.patch(
        url,
        json={
            "version": created["version"],
            "name": "Uusi Nimi Oy",
            "address": {"street": "Uusikatu 9", "subdivision": None},
            "invoicingInfo": {"customerNumber": "C-200", "bccAddresses": None},
            "paymentInfo": {"paymentTermDays": "30", "bankAccount": "FI37 1590 3000 0007 76"},
            "billingAddress": {"name": "ignored"},
            "registryInfo": {"active": False},
        },
        headers=tenant.headers,
    )
    assert answer.status_code == 200, answer.text
    patched = answer.json()
    expected = copy.deepcopy(created)
    expected["name"] = "Uusi Nimi Oy"
    expected["address"]["street"] = "Uusikatu 9"
    del expected["address"]["subdivision"]
    expected["invoicingInfo"]["customerNumber"] = "C-200"
    del expected["invoicingInfo"]["bccAddresses"]
    expected["paymentInfo"].update(paymentTermDays="30", bankAccount="FI3715903000000776")
    assert patched["version"] > created["version"]
    assert {**patched, "version": None} == {**expected, "version": None}
    row = row_of(session_factory, tenant.company_id, created["id"])
    assert (row.name, row.customer_number, row.active) == ("Uusi Nimi Oy", "C-200", True)
    assert client.get(url, headers=tenant.headers).json() == patched


def test_patch_type_and_its_rules(client: TestClient, tenant: Tenant) -> None:
    created = create(client, tenant)
    url = f"/api/businesspartners/{created['id']}"
    person = client.patch(url, json={"type": "PERSON", "version": created["version"]}, headers=tenant.headers)
    assert errors(person) == [(400, "type", "USE_PERSONS_ENDPOINT")]
    no_address = client.patch(url, json={"address": None, "version": created["version"]}, headers=tenant.headers)
    assert errors(no_address) == [(400, "address", "REQUIRED")]
    no_method = client.patch(
        url, json={"paymentInfo": {"paymentMethod": None}, "version": created["version"]}, headers=tenant.headers
    )
    assert errors(no_method) == [(400, "paymentInfo.paymentMethod", "REQUIRED")]
    bad = client.patch(
        url, json={"invoicingInfo": {"invoiceChannel": "EMAIL"}, "version": created["version"]}, headers=tenant.headers
    )
    assert errors(bad) == [(400, "invoicingInfo.email", "REQUIRED")]
    supplier = client.patch(url, json={"type": "SUPPLIER", "version": created["version"]}, headers=tenant.headers)
    assert supplier.status_code == 200
    assert supplier.json()["type"] == "SUPPLIER"


def test_patch_type_change_keeps_groups_consistent(client: TestClient, tenant: Tenant) -> None:
    group_id = create_group(client, tenant, "Asiakkaat")
    created = create(client, tenant, variant({"registryInfo": {"partnerGroups": [{"id": group_id}]}}))
    answer = client.patch(
        f"/api/businesspartners/{created['id']}",
        json={"type": "SUPPLIER", "version": created["version"]},
        headers=tenant.headers,
    )
    assert errors(answer) == [(400, "type", "PARTNER_GROUP_TYPE_MISMATCH")]


def test_patch_version_rules(client: TestClient, tenant: Tenant) -> None:
    created = create(client, tenant)
    url = f"/api/businesspartners/{created['id']}"
    version = created["version"]
    missing = client.patch(url, json={"name": "X"}, headers=tenant.headers)
    assert errors(missing) == [(400, "version", "VERSION_REQUIRED")]
    stale_body = client.patch(url, json={"name": "X", "version": "2020-01-01T00:00:00Z"}, headers=tenant.headers)
    assert errors(stale_body) == [(400, "version", "VERSION_CONFLICT")]
    stale_query = client.patch(
        url, params={"version": "2020-01-01T00:00:00Z"}, json={"name": "X"}, headers=tenant.headers
    )
    assert errors(stale_query) == [(400, "version", "VERSION_CONFLICT")]
    bad_query = client.patch(url, params={"version": "yesterday"}, json={"name": "X"}, headers=tenant.headers)
    assert errors(bad_query) == [(400, "version", "INVALID_DATETIME")]
    one_stale = client.patch(
        url, params={"version": version}, json={"name": "X", "version": "2020-01-01T00:00:00Z"}, headers=tenant.headers
    )
    assert errors(one_stale) == [(400, "version", "VERSION_CONFLICT")]
    if_match = client.patch(
        url, json={"name": "X", "version": version}, headers={**tenant.headers, "If-Match": 'W/"1"'}
    )
    assert (if_match.status_code, errors(if_match)) == (412, [(412, "If-Match", "PRECONDITION_FAILED")])
    assert client.get(url, headers=tenant.headers).json()["name"] == "Asiakas Oy"
    by_query = client.patch(url, params={"version": version}, json={"name": "Kysely"}, headers=tenant.headers)
    assert by_query.status_code == 200, by_query.text
    assert by_query.json()["name"] == "Kysely"
    again = client.patch(url, params={"version": version}, json={"name": "Y"}, headers=tenant.headers)
    assert errors(again) == [(400, "version", "VERSION_CONFLICT")]
    by_body = client.patch(url, json={"name": "Runko", "version": by_query.json()["version"]}, headers=tenant.headers)
    assert by_body.status_code == 200
    assert by_body.json()["name"] == "Runko"


def test_patch_body_is_checked_like_the_schema(client: TestClient, shared: Tenant) -> None:
    created = create(client, shared)
    url = f"/api/businesspartners/{created['id']}"
    answer = client.patch(
        url, json={"name": "", "address": {"zip": "x" * 21}, "version": created["version"]}, headers=shared.headers
    )
    assert sorted(errors(answer)) == [(400, "address.zip", "TOO_LONG"), (400, "name", "TOO_SHORT")]
