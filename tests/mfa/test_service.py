"""MFA services against the database: start, pending list, confirm, reject, expiry, ownership."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import rules as rights
from kirjuri.companies import service as companies_service
from kirjuri.companies.models import User
from kirjuri.config import Settings
from kirjuri.core import clock
from kirjuri.core.errors import KirjuriError
from kirjuri.mfa import rules, service
from kirjuri.mfa.models import MfaTransaction
from tests.companies.helpers import add_colleague
from tests.factories import Tenant, make_tenant

CHANGES = {
    "first_name": "Uusi",
    "last_name": "Nimi",
    "email": "uusi@example.invalid",
    "mobile_phone": " +358401111111 ",
    "secondary_phone": None,
    "street": "Katu 1",
    "zip": "00100",
    "city": "Helsinki",
}


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    yield
    clock.reset()


def _start(db: Session, tenant: Tenant) -> MfaTransaction:
    return companies_service.request_user_update(
        db, company_id=tenant.company_id, user_id=tenant.user_id, changes=dict(CHANGES)
    )


def _code(caught: pytest.ExceptionInfo[KirjuriError]) -> tuple[str, int]:
    return caught.value.code, caught.value.status


def test_start_stores_a_pending_transaction_and_changes_nothing(db: Session, tenant: Tenant) -> None:
    tx = _start(db, tenant)
    assert tx.status == rules.PENDING and tx.kind == companies_service.USER_UPDATE
    assert len(tx.id) == 36 and tx.company_id == tenant.company_id and tx.user_id == tenant.user_id
    assert tx.payload["mobile_phone"] == "+358401111111"
    user = db.get(User, tenant.user_id)
    assert user is not None and user.first_name == "Testi"


def test_start_refuses_an_unknown_kind(db: Session, tenant: Tenant) -> None:
    with pytest.raises(LookupError):
        service.start(db, company_id=tenant.company_id, user_id=tenant.user_id, kind="NO_SUCH_KIND", payload={})


def test_confirm_applies_the_change_and_bumps_version(db: Session, tenant: Tenant) -> None:
    tx = _start(db, tenant)
    user = db.get(User, tenant.user_id)
    assert user is not None
    before = user.version
    done = service.confirm(db, transaction_id=tx.id, user_id=tenant.user_id)
    assert done.status == rules.CONFIRMED and done.decided_at is not None
    assert done.result == {"info": {"message": companies_service.USER_UPDATED_MESSAGE}}
    db.refresh(user)
    assert (user.first_name, user.last_name, user.email, user.mobile_phone, user.city) == (
        "Uusi",
        "Nimi",
        "uusi@example.invalid",
        "+358401111111",
        "Helsinki",
    )
    assert user.version > before


def test_reject_applies_nothing(db: Session, tenant: Tenant) -> None:
    tx = _start(db, tenant)
    done = service.reject(db, transaction_id=tx.id, user_id=tenant.user_id)
    assert done.status == rules.REJECTED and done.result is None
    user = db.get(User, tenant.user_id)
    assert user is not None and user.first_name == "Testi"


@pytest.mark.parametrize("first", ["confirm", "reject"])
@pytest.mark.parametrize("second", ["confirm", "reject"])
def test_deciding_twice_is_409(db: Session, tenant: Tenant, first: str, second: str) -> None:
    tx = _start(db, tenant)
    getattr(service, first)(db, transaction_id=tx.id, user_id=tenant.user_id)
    with pytest.raises(KirjuriError) as caught:
        getattr(service, second)(db, transaction_id=tx.id, user_id=tenant.user_id)
    assert _code(caught) == ("MFA_TRANSACTION_ALREADY_PROCESSED", 409)


@pytest.mark.parametrize("verb", ["confirm", "reject"])
def test_expired_cannot_be_decided(db: Session, tenant: Tenant, verb: str) -> None:
    tx = _start(db, tenant)
    clock.travel(timedelta(minutes=5, seconds=1))
    with pytest.raises(KirjuriError) as caught:
        getattr(service, verb)(db, transaction_id=tx.id, user_id=tenant.user_id)
    assert _code(caught) == ("MFA_TRANSACTION_EXPIRED", 408)


def test_just_before_expiry_it_can_be_confirmed(db: Session, tenant: Tenant) -> None:
    tx = _start(db, tenant)
    clock.travel(timedelta(minutes=4, seconds=50))
    assert service.confirm(db, transaction_id=tx.id, user_id=tenant.user_id).status == rules.CONFIRMED


@pytest.mark.parametrize("verb", ["confirm", "reject"])
def test_another_user_cannot_decide(
    db: Session, tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings, verb: str
) -> None:
    colleague = add_colleague(session_factory, settings, tenant)
    tx = _start(db, tenant)
    with pytest.raises(KirjuriError) as caught:
        getattr(service, verb)(db, transaction_id=tx.id, user_id=colleague.user_id)
    assert _code(caught) == ("MFA_TRANSACTION_OF_ANOTHER_USER", 403)
    assert tx.status == rules.PENDING


def test_unknown_transaction_is_404(db: Session, tenant: Tenant) -> None:
    with pytest.raises(KirjuriError) as caught:
        service.confirm(db, transaction_id="00000000-0000-0000-0000-000000000000", user_id=tenant.user_id)
    assert _code(caught) == ("NOT_FOUND", 404)


def test_a_user_who_left_the_company_cannot_confirm(db: Session, tenant: Tenant) -> None:
    tx = _start(db, tenant)
    assert [t.id for t in service.pending_for_user(db, user_id=tenant.user_id)] == [tx.id]
    companies_service.remove_member(db, company_id=tenant.company_id, user_id=tenant.user_id)
    assert service.pending_for_user(db, user_id=tenant.user_id) == []
    with pytest.raises(KirjuriError) as caught:
        service.confirm(db, transaction_id=tx.id, user_id=tenant.user_id)
    assert _code(caught) == ("NOT_A_MEMBER", 403)


def test_pending_for_user_spans_companies_newest_first_and_skips_decided_and_expired(
    db: Session, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    tenant = make_tenant(session_factory, settings)
    second = companies_service.create_company(db, name="Toinen yhtiö Oy", business_id="1234567-1")
    companies_service.add_member(db, company_id=second.id, user_id=tenant.user_id, rights=rights.FULL_RIGHTS)
    old = _start(db, tenant)
    clock.travel(timedelta(minutes=5, seconds=1))  # `old` is now expired
    decided = _start(db, tenant)
    service.reject(db, transaction_id=decided.id, user_id=tenant.user_id)
    first = _start(db, tenant)
    newest = service.start(
        db, company_id=second.id, user_id=tenant.user_id, kind=companies_service.USER_UPDATE, payload=dict(CHANGES)
    )
    pending = service.pending_for_user(db, user_id=tenant.user_id)
    assert [t.id for t in pending] == [newest.id, first.id]
    assert old.id not in {t.id for t in pending}


def test_expire_due_stores_expired(db: Session, tenant: Tenant) -> None:
    tx = _start(db, tenant)
    service.expire_due(db)
    db.refresh(tx)
    assert tx.status == rules.PENDING
    clock.travel(timedelta(minutes=6))
    assert service.expire_due(db) >= 1
    db.refresh(tx)
    assert tx.status == rules.EXPIRED and tx.decided_at is not None


def test_poll_scopes_by_company_user_and_kind(
    db: Session, tenant: Tenant, other_tenant: Tenant, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    colleague = add_colleague(session_factory, settings, tenant)  # before `db` holds SQLite's write lock
    tx = _start(db, tenant)
    got = service.poll(db, company_id=tenant.company_id, user_id=tenant.user_id, transaction_id=tx.id)
    assert got.id == tx.id
    with pytest.raises(KirjuriError) as caught:
        service.poll(db, company_id=other_tenant.company_id, user_id=other_tenant.user_id, transaction_id=tx.id)
    assert _code(caught) == ("NOT_FOUND", 404)
    with pytest.raises(KirjuriError) as caught:
        service.poll(db, company_id=tenant.company_id, user_id=tenant.user_id, transaction_id=tx.id, kinds=("PAYMENT",))
    assert _code(caught) == ("NOT_FOUND", 404)
    with pytest.raises(KirjuriError) as caught:
        service.poll(db, company_id=tenant.company_id, user_id=colleague.user_id, transaction_id=tx.id)
    assert _code(caught) == ("MFA_TRANSACTION_OF_ANOTHER_USER", 403)
