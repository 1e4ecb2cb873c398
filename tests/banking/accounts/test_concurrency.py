"""Two requests creating the same IBAN (or both a default account) at the same moment: the account
writes of a company are serialised, so the second sees the first — a 409, never a database error,
and never two defaults. PostgreSQL only: SQLite serialises every writer anyway."""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.banking.accounts import service
from kirjuri.banking.accounts.models import BankAccount
from kirjuri.banking.accounts.schemas import CompanyBankAccount, document_of
from kirjuri.core.errors import KirjuriError
from tests.banking.accounts.test_accounts_api import MAIN, SECOND, body
from tests.factories import Tenant

pytestmark = pytest.mark.skipif(
    os.environ.get("KIRJURI_TEST_DATABASE", "sqlite") != "postgresql",
    reason="SQLite serialises every writer on one lock: account writes can only race on PostgreSQL",
)


def test_the_second_of_two_simultaneous_creates_waits_and_gets_its_answer(
    session_factory: sessionmaker[Session], tenant: Tenant
) -> None:
    first_in = threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        with session_factory() as session:
            document = document_of(CompanyBankAccount.model_validate(body(defaultForInvoice=True)))
            service.create_account(session, company_id=tenant.company_id, document=document)
            first_in.set()
            time.sleep(0.5)  # hold the lock while the second request arrives
            session.commit()

    def second(iban: str, key: str) -> None:
        first_in.wait(5)
        with session_factory() as session:
            document = document_of(CompanyBankAccount.model_validate(body(iban=iban, defaultForInvoice=True)))
            try:
                service.create_account(session, company_id=tenant.company_id, document=document)
                session.commit()
                outcome[key] = "created"
            except KirjuriError as exc:
                outcome[key] = (exc.status, exc.code)

    threads = [threading.Thread(target=first), threading.Thread(target=second, args=(MAIN, "same"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcome["same"] == (409, "IBAN_ALREADY_IN_USE")

    first_in.clear()
    threads = [threading.Thread(target=second, args=(SECOND, "other"))]
    threads[0].start()
    first_in.set()
    threads[0].join(10)
    assert outcome["other"] == "created"
    with session_factory() as session:
        defaults = session.scalars(
            select(BankAccount.iban).where(
                BankAccount.company_id == tenant.company_id, BankAccount.default_for_invoice.is_(True)
            )
        ).all()
    assert defaults == [SECOND]
