"""db.memo.shared: a company's configuration kept across requests while its stamp holds.

The stamp (`companies.config_stamp`) is replaced by triggers on every write of the company row,
its ledger accounts and its settings (migration 0013); a shared value is used only by a
transaction that read the same stamp and has not written a watched table since.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import repository as companies
from kirjuri.companies import service as companies_service
from kirjuri.companies.models import Company, CompanySetting
from kirjuri.db import memo
from kirjuri.ledger import accounts, chart
from kirjuri.ledger.models import LedgerAccount
from tests.api.checks import assert_error
from tests.factories import Tenant, unique
from tests.invoicing.helpers import sales_invoice_body
from tests.ledger.helpers import NO_VAT_EXPENSE, day, journal, jsonable
from tests.sqlcount import statements

SALES = chart.by_role(chart.Role.SALES).code


@pytest.fixture()
def company_id(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        company = companies_service.create_company(session, name=unique("Leima Oy"))
        session.commit()
        return company.id


def _stamp(session_factory: sessionmaker[Session], company_id: int) -> int:
    with session_factory() as session:
        found = session.scalar(select(Company.config_stamp).where(Company.id == company_id))
        assert found is not None
        return found


def _committed(session_factory: sessionmaker[Session], write: Callable[[Session], Any]) -> None:
    with session_factory() as session:
        write(session)
        session.commit()


def _stamped(session_factory: sessionmaker[Session], company_id: int) -> Session:
    """A session that read the company's stamp, as the principal's query does for a request."""
    session = session_factory()
    memo.stamp(session, company_id=company_id, config_stamp=_stamp(session_factory, company_id))
    return session


# --- the triggers -----------------------------------------------------------------------------------


def _add_account(session: Session, company_id: int) -> None:
    accounts.add_account(session, company_id=company_id, code="3999", name="Uusi tili")


def _rename_account(session: Session, company_id: int) -> None:
    session.execute(
        update(LedgerAccount)
        .where(LedgerAccount.company_id == company_id, LedgerAccount.code == SALES)
        .values(name="Myynti (uusi)")
    )


def _delete_account(session: Session, company_id: int) -> None:
    session.execute(delete(LedgerAccount).where(LedgerAccount.company_id == company_id, LedgerAccount.code == "3999"))


def _add_setting(session: Session, company_id: int) -> None:
    session.add(CompanySetting(company_id=company_id, name="invoicing", value={"referenceType": "RF"}))


def _change_setting(session: Session, company_id: int) -> None:
    session.execute(
        update(CompanySetting)
        .where(CompanySetting.company_id == company_id, CompanySetting.name == "invoicing")
        .values(value={"referenceType": "FI"})
    )


def _delete_setting(session: Session, company_id: int) -> None:
    session.execute(
        delete(CompanySetting).where(CompanySetting.company_id == company_id, CompanySetting.name == "invoicing")
    )


def _rename_company(session: Session, company_id: int) -> None:
    session.execute(update(Company).where(Company.id == company_id).values(name=unique("Uusi nimi Oy")))


CONFIGURATION_WRITES = [
    _add_account,
    _rename_account,
    _delete_account,
    _add_setting,
    _change_setting,
    _delete_setting,
    _rename_company,
]


def test_every_configuration_write_replaces_the_stamp(session_factory: sessionmaker[Session], company_id: int) -> None:
    seen = {_stamp(session_factory, company_id)}
    for write in CONFIGURATION_WRITES:  # in this order: each needs the row the one before wrote
        _committed(session_factory, lambda session, write=write: write(session, company_id))
        stamp = _stamp(session_factory, company_id)
        assert stamp not in seen, write.__name__
        seen.add(stamp)


def test_a_rolled_back_write_keeps_the_stamp(session_factory: sessionmaker[Session], company_id: int) -> None:
    before = _stamp(session_factory, company_id)
    with session_factory() as session:
        _rename_account(session, company_id)
        session.rollback()
    assert _stamp(session_factory, company_id) == before


def test_other_companies_and_other_tables_keep_the_stamp(
    session_factory: sessionmaker[Session], company_id: int, tenant: Tenant
) -> None:
    before = _stamp(session_factory, company_id)
    _committed(session_factory, lambda session: _rename_account(session, tenant.company_id))
    _committed(
        session_factory,
        lambda session: companies_service.create_company(session, name=unique("Naapuri Oy")),
    )
    assert _stamp(session_factory, company_id) == before


# --- shared values ----------------------------------------------------------------------------------


def test_a_shared_value_is_read_once_while_the_stamp_holds(
    session_factory: sessionmaker[Session], company_id: int
) -> None:
    with _stamped(session_factory, company_id) as first:
        loaded = accounts.facts(first, company_id=company_id)
        first.commit()
    with _stamped(session_factory, company_id) as second, statements(second) as seen:
        assert accounts.facts(second, company_id=company_id) is loaded
    assert seen == []


def test_a_new_stamp_reads_again(session_factory: sessionmaker[Session], company_id: int) -> None:
    with _stamped(session_factory, company_id) as first:
        assert accounts.facts(first, company_id=company_id).accounts[NO_VAT_EXPENSE].active
    _committed(
        session_factory,
        lambda session: accounts.update_account(session, company_id=company_id, code=NO_VAT_EXPENSE, active=False),
    )
    with _stamped(session_factory, company_id) as second:
        assert not accounts.facts(second, company_id=company_id).accounts[NO_VAT_EXPENSE].active


def test_a_value_kept_under_an_older_stamp_is_read_again_under_the_newer(
    session_factory: sessionmaker[Session], company_id: int
) -> None:
    """A request that read the stamp before a change committed may see the change (as a fresh read
    would) and keeps it under the older stamp; a request with the change's stamp does not use that
    entry but reads for itself."""
    late = _stamped(session_factory, company_id)
    _committed(session_factory, lambda session: _add_setting(session, company_id))
    with late:
        assert companies.setting_value(late, company_id=company_id, name="invoicing") == {"referenceType": "RF"}
    with _stamped(session_factory, company_id) as fresh, statements(fresh) as seen:
        assert companies.setting_value(fresh, company_id=company_id, name="invoicing") == {"referenceType": "RF"}
    assert len(seen) == 1


def test_without_a_stamp_values_are_remembered_per_transaction(
    session_factory: sessionmaker[Session], company_id: int
) -> None:
    with _stamped(session_factory, company_id) as warm:
        accounts.facts(warm, company_id=company_id)
    with session_factory() as plain, statements(plain) as seen:
        accounts.facts(plain, company_id=company_id)
        accounts.facts(plain, company_id=company_id)
    assert len(seen) == 1


def test_a_stamp_of_another_company_is_not_used(
    session_factory: sessionmaker[Session], company_id: int, tenant: Tenant
) -> None:
    with _stamped(session_factory, tenant.company_id) as session:
        accounts.facts(session, company_id=tenant.company_id)
        with statements(session) as seen:
            accounts.facts(session, company_id=company_id)
    assert len(seen) == 1


def test_the_transactions_own_write_is_seen(session_factory: sessionmaker[Session], company_id: int) -> None:
    with _stamped(session_factory, company_id) as warm:
        accounts.facts(warm, company_id=company_id)
    with _stamped(session_factory, company_id) as session:
        accounts.update_account(session, company_id=company_id, code=NO_VAT_EXPENSE, active=False)
        assert not accounts.facts(session, company_id=company_id).accounts[NO_VAT_EXPENSE].active
        session.rollback()
    with _stamped(session_factory, company_id) as after:
        assert accounts.facts(after, company_id=company_id).accounts[NO_VAT_EXPENSE].active


def test_shared_values_are_read_only(session_factory: sessionmaker[Session], company_id: int) -> None:
    _committed(session_factory, lambda session: _add_setting(session, company_id))
    with _stamped(session_factory, company_id) as session:
        value = companies.setting_value(session, company_id=company_id, name="invoicing")
        facts = accounts.facts(session, company_id=company_id)
    assert value is not None
    with pytest.raises(TypeError):
        value["referenceType"] = "FI"  # type: ignore[index]
    with pytest.raises(TypeError):
        facts.roles[chart.Role.SALES] = "1000"  # type: ignore[index]


# --- over HTTP: a deactivated account is refused at once ------------------------------------------------


def test_an_account_deactivated_between_requests_is_refused_at_once(client: TestClient, tenant: Tenant) -> None:
    body = jsonable(journal(day(3)))  # bank → NO_VAT_EXPENSE
    assert client.post("/api/ledgerreceipts", json=body, headers=tenant.headers).status_code == 200
    off = client.patch(f"/api/kirjuri/accounts/{NO_VAT_EXPENSE}", json={"active": False}, headers=tenant.headers)
    assert off.status_code == 200
    refused = client.post("/api/ledgerreceipts", json=body, headers=tenant.headers)
    assert_error(refused, 400, "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION", "transactions[0].account")
    on = client.patch(f"/api/kirjuri/accounts/{NO_VAT_EXPENSE}", json={"active": True}, headers=tenant.headers)
    assert on.status_code == 200
    assert client.post("/api/ledgerreceipts", json=body, headers=tenant.headers).status_code == 200


def test_a_reference_setting_changed_between_requests_is_used_at_once(
    client: TestClient, tenant: Tenant, session_factory: sessionmaker[Session]
) -> None:
    def reference_type() -> str:
        created = client.post("/api/invoices", json=sales_invoice_body(), headers=tenant.headers)
        assert created.status_code == 200, created.text
        return str(created.json()["paymentInfo"]["bankReferenceCodeType"])

    assert reference_type() == "FI"
    _committed(session_factory, lambda session: _add_setting(session, tenant.company_id))
    assert reference_type() == "RF"
