"""Companies services against the database: basic info updates, members, settings documents."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from kirjuri.companies import service, settings
from kirjuri.companies.models import Company, CompanySetting, VerifierList, VerifierListMember
from kirjuri.core.errors import KirjuriError
from kirjuri.core.paging import Order, PageRequest
from tests.factories import unique


def _company(db: Session, country: str = "FINLAND") -> int:
    return service.create_company(db, name=unique("Yhtiö"), business_id="1234567-1", country=country).id


def _update(db: Session, company_id: int, **overrides: object) -> object:
    fields: dict[str, object] = {
        "name": "Uusi Nimi Oy",
        "address": {"street": "Katu 1", "zip": "00100", "city": "Helsinki"},
        "billing_address": {},
        "brn_type": None,
        "business_id": "0737546-2",
        "mva": False,
        "in_trade_register": True,
        "accounting_office_name": "Tilitoimisto Oy",
    }
    fields.update(overrides)
    return service.update_company(db, company_id=company_id, **fields)  # type: ignore[arg-type]


def test_update_company_replaces_basic_info_and_bumps_version(db: Session) -> None:
    company_id = _company(db)
    company = db.get(Company, company_id)
    assert company is not None
    before = company.version
    _update(db, company_id)
    assert company.name == "Uusi Nimi Oy"
    assert (company.business_id_type, company.business_id) == ("FI", "0737546-2")
    assert company.address == {"street": "Katu 1", "zip": "00100", "city": "Helsinki"}
    assert company.accounting_office_name == "Tilitoimisto Oy"
    assert company.in_trade_register is True
    assert company.version > before
    assert (company.product_version, company.operation_type, company.currency) == (
        "FINANCIALS_PREMIUM",
        "PRODUCTION",
        "EUR",
    )


def test_update_company_refuses_a_bad_finnish_business_id_and_writes_nothing(db: Session) -> None:
    company_id = _company(db)
    company = db.get(Company, company_id)
    assert company is not None
    name = company.name
    with pytest.raises(KirjuriError) as caught:
        _update(db, company_id, business_id="1234567-2")
    assert (caught.value.code, caught.value.field) == ("ERROR_BRN_CODE", "businessIdentifier.code")
    assert company.name == name and company.business_id == "1234567-1"


def test_update_company_without_business_id_outside_finland_clears_it(db: Session) -> None:
    company_id = _company(db, country="SWEDEN")
    company = _update(db, company_id, business_id=None)
    assert company.business_id is None and company.business_id_type is None  # type: ignore[attr-defined]


def test_update_company_check_version_sees_the_stored_version(db: Session) -> None:
    company_id = _company(db)
    seen = []
    _update(db, company_id, check_version=seen.append)
    assert len(seen) == 1
    company = db.get(Company, company_id)
    assert company is not None and seen[0] < company.version


def test_members_page_and_batch(db: Session) -> None:
    company_id = _company(db)
    users = [
        service.create_user(db, username=unique("m"), first_name="A", last_name="B", email="a@b.fi") for _ in range(3)
    ]
    for user in users:
        service.add_member(db, company_id=company_id, user_id=user.id, role="USER")
    outsider = service.create_user(db, username=unique("o"), first_name="O", last_name="U", email="o@u.fi")
    rows, meta = service.members_page(db, company_id=company_id, page=PageRequest(size=2, order=Order.ASC))
    assert [u.id for u, _ in rows] == [users[0].id, users[1].id]
    assert meta.total_count == 3 and meta.result_count == 2
    assert {role for _, role in rows} == {"USER"}
    batch = service.members_batch(db, company_id=company_id, user_ids=[users[2].id, outsider.id, users[0].id])
    assert [u.id for u, _ in batch] == [users[0].id, users[2].id]
    with pytest.raises(KirjuriError) as caught:
        service.members_batch(db, company_id=company_id, user_ids=[outsider.id])
    assert caught.value.status == 404


def test_circulation_settings_resolve_names_of_members_only(db: Session) -> None:
    company_id = _company(db)
    verifier = service.create_user(db, username=unique("v"), first_name="Veera", last_name="V", email="v@v.fi")
    acceptor = service.create_user(db, username=unique("a"), first_name="Aapo", last_name="A", email="a@a.fi")
    gone = service.create_user(db, username=unique("g"), first_name="Gone", last_name="G", email="g@g.fi")
    service.add_member(db, company_id=company_id, user_id=verifier.id)
    service.add_member(db, company_id=company_id, user_id=acceptor.id)
    stored = db.get(CompanySetting, (company_id, settings.CIRCULATION))
    assert stored is not None
    stored.value = {
        **stored.value,
        "verifiers": [{"userId": gone.id, "orderNo": 1}, {"userId": verifier.id, "orderNo": 2}],
        "acceptors": [{"userId": acceptor.id, "orderNo": 1}],
    }
    db.flush()
    value = settings.circulation(db, company_id=company_id)
    assert value["verifiers"] == [{"userId": verifier.id, "orderNo": 2, "firstname": "Veera", "surname": "V"}]
    assert value["acceptors"] == [{"userId": acceptor.id, "orderNo": 1, "firstname": "Aapo", "surname": "A"}]
    assert value["reminderInterval"] == "ONCE_A_DAY"


def test_verifier_lists_group_members_by_role_and_order(db: Session) -> None:
    company_id = _company(db)
    one = service.create_user(db, username=unique("1"), first_name="Yksi", last_name="Y", email="y@y.fi")
    two = service.create_user(db, username=unique("2"), first_name="Kaksi", last_name="K", email="k@k.fi")
    for user in (one, two):
        service.add_member(db, company_id=company_id, user_id=user.id)
    db.add_all(
        [
            VerifierList(company_id=company_id, id=1, name="Ostot"),
            VerifierList(company_id=company_id, id=2, name="Tyhjä"),
        ]
    )
    db.flush()
    db.add_all(
        [
            VerifierListMember(company_id=company_id, list_id=1, role="VERIFIER", order_no=2, user_id=one.id),
            VerifierListMember(company_id=company_id, list_id=1, role="VERIFIER", order_no=1, user_id=two.id),
            VerifierListMember(company_id=company_id, list_id=1, role="ACCEPTOR", order_no=1, user_id=one.id),
        ]
    )
    db.flush()
    lists = settings.verifier_lists(db, company_id=company_id)
    assert [(vl.id, vl.name) for vl in lists] == [(1, "Ostot"), (2, "Tyhjä")]
    assert [m.user_id for m in lists[0].verifiers] == [two.id, one.id]
    assert [m.first_name for m in lists[0].acceptors] == ["Yksi"]
    assert lists[1].verifiers == [] and lists[1].acceptors == []
    assert settings.verifier_list(db, company_id=company_id, list_id=1).verifiers[0].first_name == "Kaksi"
    with pytest.raises(KirjuriError) as caught:
        settings.verifier_list(db, company_id=company_id, list_id=3)
    assert caught.value.status == 404


def test_default_invoice_template_is_the_first_stored(db: Session) -> None:
    company_id = _company(db)
    assert settings.default_invoice_template(db, company_id=company_id) == {"id": 1, "name": "Oletuspohja"}
    stored = db.get(CompanySetting, (company_id, settings.INVOICE_TEMPLATES))
    assert stored is not None
    stored.value = {"templates": []}
    db.flush()
    assert settings.default_invoice_template(db, company_id=company_id) == {}
