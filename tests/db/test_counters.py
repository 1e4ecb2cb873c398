"""db.counters: per-company sequences, independent between companies and names; gap-free numbers
are transactional (row-locked to the commit), plain ids unique without a lock (hi/lo on PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import service as companies_service
from kirjuri.db import counters
from kirjuri.db.counters import CompanyCounter, next_value
from tests.factories import unique

INVOICE = "invoice_number:SALES"
RECEIPT = "receipt_number:1"


def _company(session: Session) -> int:
    company = companies_service.create_company(session, name=unique("Laskuri Oy"))
    session.flush()
    return company.id


def test_sequence_per_company_and_name(db: Session) -> None:
    a, b = _company(db), _company(db)
    assert [next_value(db, company_id=a, name=INVOICE) for _ in range(3)] == [1, 2, 3]
    # another name of the same company starts afresh
    assert next_value(db, company_id=a, name=RECEIPT) == 1
    # another company has its own sequence
    assert [next_value(db, company_id=b, name=INVOICE) for _ in range(2)] == [1, 2]
    assert next_value(db, company_id=a, name=INVOICE) == 4
    assert next_value(db, company_id=a, name=RECEIPT) == 2
    db.commit()
    stored = {
        (row.company_id, row.name): row.value
        for row in db.query(CompanyCounter).filter(
            CompanyCounter.company_id.in_([a, b]), CompanyCounter.name.in_([INVOICE, RECEIPT])
        )
    }
    assert stored == {(a, INVOICE): 4, (a, RECEIPT): 2, (b, INVOICE): 2}


def test_a_block_of_values(db: Session) -> None:
    company = _company(db)
    assert next_value(db, company_id=company, name="receipt_number:7") == 1
    assert next_value(db, company_id=company, name="receipt_number:7", count=5) == 2  # owns 2..6
    assert next_value(db, company_id=company, name="receipt_number:7") == 7


def test_start_value(db: Session) -> None:
    company = _company(db)
    assert next_value(db, company_id=company, name="invoice_number:S1000", start=1000) == 1000
    assert next_value(db, company_id=company, name="invoice_number:S1000", start=1000) == 1001


def test_rolled_back_numbers_are_given_again(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        company = _company(session)
        assert next_value(session, company_id=company, name="invoice_number:GAPLESS") == 1
        session.commit()
    with session_factory() as session:
        assert next_value(session, company_id=company, name="invoice_number:GAPLESS") == 2
        session.rollback()
    with session_factory() as session:
        assert next_value(session, company_id=company, name="invoice_number:GAPLESS") == 2
        session.commit()
    with session_factory() as session:
        assert next_value(session, company_id=company, name="invoice_number:GAPLESS") == 3
        session.rollback()


def test_first_value_rolled_back_starts_again(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        company = _company(session)
        session.commit()
    with session_factory() as session:
        assert next_value(session, company_id=company, name="receipt_number:99") == 1
        session.rollback()
    with session_factory() as session:
        assert next_value(session, company_id=company, name="receipt_number:99") == 1
        session.commit()


@pytest.mark.parametrize("first_use", [True, False])
def test_concurrent_callers_wait_and_get_the_next_number(
    session_factory: sessionmaker[Session], first_use: bool
) -> None:
    with session_factory() as session:
        company = _company(session)
        if not first_use:
            next_value(session, company_id=company, name="invoice_number:SHARED")
        session.commit()
    base = 0 if first_use else 1
    got: list[int] = []
    errors: list[BaseException] = []

    def other() -> None:
        try:
            with session_factory() as session:
                got.append(next_value(session, company_id=company, name="invoice_number:SHARED"))
                session.commit()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    with session_factory() as first:
        assert next_value(first, company_id=company, name="invoice_number:SHARED") == base + 1
        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.3)  # the other caller is now waiting for this transaction
        assert got == []
        first.commit()
    thread.join(timeout=30)
    assert errors == []
    assert got == [base + 2]


# --- the kinds ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "gap_free"),
    [
        ("invoice_number:SALES", True),
        ("invoice_number:OFFER", True),
        ("receipt_number:12", True),
        ("payment_file", True),
        ("invoice", False),
        ("invoice_row", False),
        ("ledger_receipt", False),
        ("ledger_transaction", False),
        ("invoice_event", False),
        ("invoice_numbers", False),
    ],
)
def test_kind_of_a_counter(name: str, gap_free: bool) -> None:
    assert counters.is_gap_free(name) is gap_free


def test_lock_order_is_fixed_and_numeric_for_years() -> None:
    names = ["receipt_number:10", "invoice_number:SALES", "receipt_number:9", "invoice_number:OFFER"]
    assert sorted(names, key=counters.lock_order) == [
        "invoice_number:OFFER",
        "invoice_number:SALES",
        "receipt_number:9",
        "receipt_number:10",
    ]


def test_take_gap_free_takes_each_and_refuses_a_plain_id(db: Session) -> None:
    company = _company(db)
    assert next_value(db, company_id=company, name=INVOICE) == 1
    taken = counters.take_gap_free(db, company_id=company, counts={RECEIPT: 3, INVOICE: 1})
    assert taken == {INVOICE: 2, RECEIPT: 1}
    assert list(taken) == [INVOICE, RECEIPT]  # taken in lock order
    assert next_value(db, company_id=company, name=RECEIPT) == 4
    with pytest.raises(ValueError):
        counters.take_gap_free(db, company_id=company, counts={"invoice": 1})


# --- plain ids ------------------------------------------------------------------------------------


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def test_plain_ids_are_unique_and_ascending_in_a_process(db: Session) -> None:
    a, b = _company(db), _company(db)
    got = [next_value(db, company_id=a, name="invoice") for _ in range(3)]
    first_block = next_value(db, company_id=a, name="invoice_row", count=5)
    after_block = next_value(db, company_id=a, name="invoice_row")
    assert got == [1, 2, 3]  # a fresh company's first block starts at 1
    assert (first_block, after_block) == (1, 6)
    assert next_value(db, company_id=b, name="invoice") == 1


def test_plain_ids_are_not_rolled_back_on_postgresql(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        company = _company(session)
        session.commit()
    with session_factory() as session:
        first = next_value(session, company_id=company, name="plain")
        session.rollback()
    with session_factory() as session:
        again = next_value(session, company_id=company, name="plain")
        session.commit()
        stored = session.get(CompanyCounter, (company, "plain"))
    if _postgresql(session):
        assert (first, again) == (1, 2)  # unique, not gap-free: the rolled-back id is not given again
        assert stored is not None and stored.value == counters.BLOCK  # one block reserved, committed
    else:
        assert (first, again) == (1, 1)  # SQLite: in the transaction, as the gap-free numbers
        assert stored is not None and stored.value == 1


def test_a_run_longer_than_the_rest_of_a_block_is_consecutive(db: Session) -> None:
    company = _company(db)
    first = next_value(db, company_id=company, name="rows", count=counters.BLOCK - 2)
    run = next_value(db, company_id=company, name="rows", count=counters.BLOCK + 5)
    assert first == 1
    if _postgresql(db):
        assert run == counters.BLOCK + 1  # the 2 left in the first block are skipped
        assert next_value(db, company_id=company, name="rows") == 2 * counters.BLOCK + 6
    else:
        assert run == counters.BLOCK - 1


def test_plain_ids_do_not_wait_for_an_open_transaction(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        company = _company(session)
        session.commit()
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: plain ids are taken in the transaction there")
    got: list[int] = []
    errors: list[BaseException] = []

    def other() -> None:
        try:
            with session_factory() as session:
                # a block of its own size: it must be reserved while the first transaction is open
                got.append(next_value(session, company_id=company, name="parallel", count=counters.BLOCK + 1))
                session.commit()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    with session_factory() as first:
        assert next_value(first, company_id=company, name="parallel") == 1
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=10)
        assert errors == []
        assert got == [counters.BLOCK + 1]  # done while `first` is still open
        first.rollback()


def test_plain_ids_unique_across_threads(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        company = _company(session)
        session.commit()
    got: list[int] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def worker() -> None:
        try:
            for _ in range(15):
                with session_factory() as session:
                    value = next_value(session, company_id=company, name="threads", count=7)
                    session.commit()
                with guard:
                    got.extend(range(value, value + 7))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(got) == 4 * 15 * 7
    assert len(set(got)) == len(got)
