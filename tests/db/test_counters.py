"""db.counters: per-company sequences, independent between companies and names, transactional."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import service as companies_service
from kirjuri.db.counters import CompanyCounter, next_value
from tests.factories import unique


def _company(session: Session) -> int:
    company = companies_service.create_company(session, name=unique("Laskuri Oy"))
    session.flush()
    return company.id


def test_sequence_per_company_and_name(db: Session) -> None:
    a, b = _company(db), _company(db)
    assert [next_value(db, company_id=a, name="invoice") for _ in range(3)] == [1, 2, 3]
    # another name of the same company starts afresh
    assert next_value(db, company_id=a, name="receipt") == 1
    # another company has its own sequence
    assert [next_value(db, company_id=b, name="invoice") for _ in range(2)] == [1, 2]
    assert next_value(db, company_id=a, name="invoice") == 4
    assert next_value(db, company_id=a, name="receipt") == 2
    db.commit()
    stored = {
        (row.company_id, row.name): row.value
        for row in db.query(CompanyCounter).filter(
            CompanyCounter.company_id.in_([a, b]), CompanyCounter.name.in_(["invoice", "receipt"])
        )
    }
    assert stored == {(a, "invoice"): 4, (a, "receipt"): 2, (b, "invoice"): 2}


def test_a_block_of_values(db: Session) -> None:
    company = _company(db)
    assert next_value(db, company_id=company, name="block") == 1
    assert next_value(db, company_id=company, name="block", count=5) == 2  # owns 2..6
    assert next_value(db, company_id=company, name="block") == 7


def test_start_value(db: Session) -> None:
    company = _company(db)
    assert next_value(db, company_id=company, name="series-1000", start=1000) == 1000
    assert next_value(db, company_id=company, name="series-1000", start=1000) == 1001


def test_rolled_back_numbers_are_given_again(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        company = _company(session)
        assert next_value(session, company_id=company, name="gapless") == 1
        session.commit()
    with session_factory() as session:
        assert next_value(session, company_id=company, name="gapless") == 2
        session.rollback()
    with session_factory() as session:
        assert next_value(session, company_id=company, name="gapless") == 2
        session.commit()
    with session_factory() as session:
        assert next_value(session, company_id=company, name="gapless") == 3
        session.rollback()


def test_first_value_rolled_back_starts_again(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        company = _company(session)
        session.commit()
    with session_factory() as session:
        assert next_value(session, company_id=company, name="fresh") == 1
        session.rollback()
    with session_factory() as session:
        assert next_value(session, company_id=company, name="fresh") == 1
        session.commit()


@pytest.mark.parametrize("first_use", [True, False])
def test_concurrent_callers_wait_and_get_the_next_number(
    session_factory: sessionmaker[Session], first_use: bool
) -> None:
    with session_factory() as session:
        company = _company(session)
        if not first_use:
            next_value(session, company_id=company, name="shared")
        session.commit()
    base = 0 if first_use else 1
    got: list[int] = []
    errors: list[BaseException] = []

    def other() -> None:
        try:
            with session_factory() as session:
                got.append(next_value(session, company_id=company, name="shared"))
                session.commit()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    with session_factory() as first:
        assert next_value(first, company_id=company, name="shared") == base + 1
        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.3)  # the other caller is now waiting for this transaction
        assert got == []
        first.commit()
    thread.join(timeout=30)
    assert errors == []
    assert got == [base + 2]
