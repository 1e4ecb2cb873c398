"""Company and settings endpoints over HTTP: contract shapes, ETag/If-Match, business id, rights."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies.models import Company, CompanySetting, VerifierList, VerifierListMember
from kirjuri.config import Settings
from tests.companies.helpers import add_colleague
from tests.factories import Tenant, make_tenant

PUT_BODY: dict[str, Any] = {
    "id": 999,
    "name": "Päivitetty Oy",
    "country": "SWEDEN",
    "productVersion": "FLEX",
    "operationType": "TRIAL",
    "companyCurrency": "SEK",
    "accountingOfficeName": "Tilitoimisto Numero Oy",
    "companyAddress": {"street": "Aleksanterinkatu 1", "zip": "00100", "city": "Helsinki", "country": "FINLAND"},
    "billingAddress": {"street": "PL 10", "zip": "00101", "city": "Helsinki"},
    "mva": False,
    "inTradeRegister": True,
    "businessIdentifier": {"brnType": "FI", "code": "0737546-2"},
}


def test_get_company(client: TestClient, tenant: Tenant) -> None:
    answer = client.get("/api/company", headers=tenant.headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body["id"] == tenant.company_id and body["name"] == "Testi Oy"
    assert body["country"] == "FINLAND" and body["companyCurrency"] == "EUR"
    assert body["productVersion"] == "FINANCIALS_PREMIUM" and body["operationType"] == "PRODUCTION"
    assert body["businessIdentifier"] == {"brnType": "FI", "code": "1234567-1"}
    assert body["accountingCoaLanguages"] == ["FINNISH", "SWEDISH", "ENGLISH"]
    assert body["currencyRateSearchDensity"] == "DAILY_EXCHANGE_RATE"
    assert body["mva"] is False and body["inTradeRegister"] is False
    assert answer.headers["ETag"].startswith('W/"')


def test_put_company_updates_basic_info_only(client: TestClient, tenant: Tenant) -> None:
    etag = client.get("/api/company", headers=tenant.headers).headers["ETag"]
    answer = client.put("/api/company", json=PUT_BODY, headers={**tenant.headers, "If-Match": etag})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"message": "Company information updated"}
    assert answer.headers["ETag"] != etag
    body = client.get("/api/company", headers=tenant.headers).json()
    assert body["name"] == "Päivitetty Oy" and body["accountingOfficeName"] == "Tilitoimisto Numero Oy"
    assert body["companyAddress"] == PUT_BODY["companyAddress"]
    assert body["billingAddress"] == PUT_BODY["billingAddress"]
    assert body["businessIdentifier"] == {"brnType": "FI", "code": "0737546-2"}
    assert body["inTradeRegister"] is True
    # read-only fields kept
    assert (body["id"], body["country"], body["productVersion"], body["operationType"], body["companyCurrency"]) == (
        tenant.company_id,
        "FINLAND",
        "FINANCIALS_PREMIUM",
        "PRODUCTION",
        "EUR",
    )


def test_put_company_is_a_replace(client: TestClient, tenant: Tenant) -> None:
    client.put("/api/company", json=PUT_BODY, headers=tenant.headers)
    minimal = {"name": "Vain Nimi Oy", "businessIdentifier": {"code": "1234567-1"}}
    assert client.put("/api/company", json=minimal, headers=tenant.headers).status_code == 200
    body = client.get("/api/company", headers=tenant.headers).json()
    assert body["businessIdentifier"] == {"brnType": "FI", "code": "1234567-1"}  # FI inferred for a Finnish company
    assert body["companyAddress"] == {} and body["billingAddress"] == {}
    assert "accountingOfficeName" not in body
    assert body["inTradeRegister"] is False


def test_put_company_stale_if_match_is_412_and_writes_nothing(client: TestClient, tenant: Tenant) -> None:
    etag = client.get("/api/company", headers=tenant.headers).headers["ETag"]
    assert client.put("/api/company", json=PUT_BODY, headers={**tenant.headers, "If-Match": etag}).status_code == 200
    stale = client.put(
        "/api/company", json={**PUT_BODY, "name": "Myöhässä Oy"}, headers={**tenant.headers, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.json()["errors"][0] == {"status": 412, "field": "If-Match", "message": "PRECONDITION_FAILED"}
    assert client.get("/api/company", headers=tenant.headers).json()["name"] == "Päivitetty Oy"
    star = client.put(
        "/api/company", json={**PUT_BODY, "name": "Tähti Oy"}, headers={**tenant.headers, "If-Match": "*"}
    )
    assert star.status_code == 200


def test_put_company_version_changes_on_every_write(client: TestClient, tenant: Tenant, db: Session) -> None:
    before = db.get(Company, tenant.company_id)
    assert before is not None
    v0 = before.version
    db.rollback()
    client.put("/api/company", json=PUT_BODY, headers=tenant.headers)
    after = db.get(Company, tenant.company_id)
    assert after is not None
    db.refresh(after)
    assert after.version > v0


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"businessIdentifier": {"brnType": "FI", "code": "1234567-2"}}, "businessIdentifier.code", "ERROR_BRN_CODE"),
        ({"businessIdentifier": {"brnType": "FI", "code": "12345"}}, "businessIdentifier.code", "ERROR_BRN_CODE"),
        ({"businessIdentifier": None}, "businessIdentifier.code", "ERROR_BRN_CODE"),
        ({"businessIdentifier": {"brnType": "XX", "code": "1"}}, "businessIdentifier.brnType", "INVALID_ENUM_VALUE"),
        ({"name": ""}, "name", "TOO_SHORT"),
        ({"name": None}, "name", "REQUIRED"),
        ({"name": "x" * 81}, "name", "TOO_LONG"),
        ({"companyAddress": {"city": "c" * 41}}, "companyAddress.city", "TOO_LONG"),
        ({"companyAddress": {"country": "SUOMI"}}, "companyAddress.country", "INVALID_ENUM_VALUE"),
        ({"billingAddress": {"street": "Ŕ"}}, "billingAddress.street", "INVALID_CHARACTERS"),
        ({"mva": "kyllä"}, "mva", "INVALID_BOOLEAN"),
    ],
)
def test_put_company_validation(
    client: TestClient, tenant: Tenant, change: dict[str, Any], field: str, code: str
) -> None:
    body = {k: v for k, v in {**PUT_BODY, **change}.items() if v is not None}
    answer = client.put("/api/company", json=body, headers=tenant.headers)
    assert answer.status_code == 400, answer.text
    assert {"status": 400, "field": field, "message": code} in answer.json()["errors"]
    assert client.get("/api/company", headers=tenant.headers).json()["name"] == "Testi Oy"


def test_put_company_needs_all_rights_on_basic_info(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    viewer = make_tenant(session_factory, settings, user_rights={"management": {"basicCompanyInfo": "VIEWING_RIGHTS"}})
    assert client.get("/api/company", headers=viewer.headers).status_code == 200
    answer = client.put("/api/company", json=PUT_BODY, headers=viewer.headers)
    assert answer.status_code == 403
    assert answer.json()["errors"][0]["message"] == "INSUFFICIENT_RIGHTS"


SETTINGS_PATHS = [
    "/api/company",
    "/api/company/usagesettings",
    "/api/company/invoicetemplates",
    "/api/company/deliveryterms",
    "/api/company/einvoiceaddresses",
    "/api/company/expenses/collectionpenal/settings",
    "/api/company/invoicecirculation/settings",
    "/api/company/invoicecirculation/verifierlists",
    "/api/company/invoicecirculation/verifierlists/1",
]


@pytest.mark.parametrize("path", SETTINGS_PATHS)
def test_settings_need_a_right(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings, path: str
) -> None:
    nobody = make_tenant(session_factory, settings, user_rights={"accounting": {"journalReceipts": "ALL_RIGHTS"}})
    answer = client.get(path, headers=nobody.headers)
    assert answer.status_code == 403
    assert answer.json()["errors"][0]["message"] == "INSUFFICIENT_RIGHTS"


@pytest.mark.parametrize(
    ("rights", "allowed"),
    [
        ({"sales": {"salesOrGroupInvoices": "VIEWING_RIGHTS"}}, {"usagesettings", "invoicetemplates", "deliveryterms"}),
        ({"invoiceCirculation": {"verification": "VIEWING_RIGHTS"}}, {"invoicecirculation/settings"}),
    ],
)
def test_settings_readable_with_the_right_of_the_job(
    client: TestClient,
    session_factory: sessionmaker[Session],
    settings: Settings,
    rights: dict[str, Any],
    allowed: set[str],
) -> None:
    tenant = make_tenant(session_factory, settings, user_rights=rights)
    for name in ("usagesettings", "invoicetemplates", "deliveryterms", "invoicecirculation/settings"):
        status = client.get(f"/api/company/{name}", headers=tenant.headers).status_code
        assert status == (200 if name in allowed else 403), name
    assert client.get("/api/company", headers=tenant.headers).status_code == 403


def test_settings_documents_read_from_storage(client: TestClient, tenant: Tenant, db: Session) -> None:
    usage = db.get(CompanySetting, (tenant.company_id, "usage"))
    einvoice = db.get(CompanySetting, (tenant.company_id, "einvoice"))
    terms = db.get(CompanySetting, (tenant.company_id, "delivery_terms"))
    templates = db.get(CompanySetting, (tenant.company_id, "invoice_templates"))
    assert usage and einvoice and terms and templates
    usage.value = {**usage.value, "defaultInvoiceChannel": "ELECTRONIC_INVOICE"}
    einvoice.value = {"operator": "Apix Messaging Oy", "operatorId": 3, "receivingAddress": "003712345671"}
    terms.value = {"deliveryTerms": ["EXW", "DAP"]}
    templates.value = {"templates": [{"id": 7, "name": "Oma pohja"}, {"id": 8, "name": "Toinen"}]}
    db.commit()
    get = lambda path: client.get(f"/api/company/{path}", headers=tenant.headers).json()  # noqa: E731
    assert get("usagesettings")["defaultInvoiceChannel"] == "ELECTRONIC_INVOICE"
    assert get("usagesettings")["cashDiscount"] == {"cashDiscountForSales": False, "cashDiscountForPurchase": False}
    assert get("einvoiceaddresses") == {
        "operator": "Apix Messaging Oy",
        "operatorId": 3,
        "receivingAddress": "003712345671",
    }
    assert get("deliveryterms") == {"deliveryTerms": ["EXW", "DAP"]}
    assert get("invoicetemplates") == {"id": 7, "name": "Oma pohja"}  # the contract answers ONE template
    penal = get("expenses/collectionpenal/settings")
    assert penal["penalInterestDateMargin"] == 7 and penal["defaultSalesInvoiceInterest"] == 11.5


def test_circulation_and_verifier_lists(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, db: Session
) -> None:
    colleague = add_colleague(session_factory, settings, tenant, first_name="Veera", last_name="Varmentaja")
    circulation = db.get(CompanySetting, (tenant.company_id, "circulation"))
    assert circulation is not None
    circulation.value = {
        **circulation.value,
        "verifiers": [{"userId": colleague.user_id, "orderNo": 1}],
        "acceptors": [{"userId": tenant.user_id, "orderNo": 1}],
    }
    db.add(VerifierList(company_id=tenant.company_id, id=1, name="Ostolaskut"))
    db.flush()
    db.add_all(
        [
            VerifierListMember(
                company_id=tenant.company_id, list_id=1, role="VERIFIER", order_no=1, user_id=colleague.user_id
            ),
            VerifierListMember(
                company_id=tenant.company_id, list_id=1, role="ACCEPTOR", order_no=1, user_id=tenant.user_id
            ),
        ]
    )
    db.commit()
    body = client.get("/api/company/invoicecirculation/settings", headers=tenant.headers).json()
    assert body["verifiers"] == [
        {"firstname": "Veera", "surname": "Varmentaja", "userId": colleague.user_id, "orderNo": 1}
    ]
    assert body["acceptors"][0]["userId"] == tenant.user_id and body["maxVerifiers"] == 10
    lists = client.get("/api/company/invoicecirculation/verifierlists", headers=tenant.headers).json()
    assert lists == [{"id": 1, "name": "Ostolaskut", "verifiers": [colleague.user_id], "acceptors": [tenant.user_id]}]
    one = client.get("/api/company/invoicecirculation/verifierlists/1", headers=tenant.headers).json()
    assert one["verifiers"] == [
        {"firstname": "Veera", "surname": "Varmentaja", "userId": colleague.user_id, "orderNo": 1}
    ]
    assert one["acceptors"][0]["firstname"] == "Testi"
    for missing in ("2", "0", "99999999999"):
        answer = client.get(f"/api/company/invoicecirculation/verifierlists/{missing}", headers=tenant.headers)
        assert answer.status_code == 404, missing


def test_verifier_lists_empty_for_a_new_company(client: TestClient, tenant: Tenant) -> None:
    assert client.get("/api/company/invoicecirculation/verifierlists", headers=tenant.headers).json() == []
