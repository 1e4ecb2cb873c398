"""Receipt numbering under parallel writers (PostgreSQL): gap-free and unique per fiscal year.

Eight threads, each with its own session, post journals into the same fiscal year of one company
at the same time, one transaction per journal. Some journals fail on purpose *after* the service
has taken their number (the transaction raises and rolls back), some are refused by the rules
before. Afterwards the committed receipts carry exactly the numbers 1..count, and the balances
equal the postings — the number counter is transactional, and the balance upserts of concurrent
writers neither lose an update nor deadlock.

SQLite serialises all writers on one database lock, so there is no race to test there.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.companies import service as companies_service
from kirjuri.core.errors import KirjuriError
from kirjuri.ledger import rules, service
from kirjuri.ledger.models import FiscalYear, LedgerBalance, LedgerReceipt
from tests.ledger import naive

pytestmark = pytest.mark.skipif(
    os.environ.get("KIRJURI_TEST_DATABASE", "sqlite") != "postgresql",
    reason="SQLite serialises every writer on one lock: parallel numbering can only race on PostgreSQL",
)

THREADS = 8
JOURNALS = 10


class Abandoned(Exception):
    """Raised inside a transaction after the receipt (and its number) was taken: it must roll back."""


def journal(day: date, cents: int, *, account: str = "4000") -> rules.ReceiptDraft:
    """A purchase at 25.5 % VAT paid from the bank: the VAT rows and the balances get touched too."""
    return rules.ReceiptDraft(
        type=rules.JOURNAL,
        name="Rinnakkainen",
        receipt_date=day,
        vat_type="PURCHASE",
        vat_status=None,
        transactions=(
            rules.EntryDraft(account=account, accounting_value=Decimal(cents) / 100, vat_percent=Decimal("25.5"),
                             vat_status=1),
            rules.EntryDraft(account="1910", accounting_value=Decimal(0), kind=rules.RECONCILIATION_ENTRY),
        ),
    )  # fmt: skip


def writer(
    factory: sessionmaker[Session], company_id: int, day: date, worker: int, start: threading.Barrier
) -> dict[str, Any]:
    """Post JOURNALS journals, one transaction each; every third is abandoned after numbering and
    every seventh is refused by the rules (an unknown account)."""
    done: list[int] = []
    abandoned: list[int] = []
    refused = 0
    start.wait()
    for j in range(JOURNALS):
        cents = (worker + 1) * 1000 + j + 1
        with factory() as session:
            try:
                with session.begin():
                    account = "0999" if (worker + j) % 7 == 6 else "4000"
                    receipt = service.create_receipt(
                        session, company_id=company_id, draft=journal(day, cents, account=account),
                        create_reconciliation=True,
                    )  # fmt: skip
                    if (worker * JOURNALS + j) % 3 == 0:
                        abandoned.append(receipt.receipt_number)
                        raise Abandoned
                    done.append(receipt.receipt_number)
            except Abandoned:
                pass
            except KirjuriError as exc:
                assert exc.code == "ERROR_LEDGERACCOUNT_VATPERCENTAGE_COMBINATION"
                refused += 1
    return {"done": done, "abandoned": abandoned, "refused": refused}


def test_parallel_writers_number_receipts_without_gaps(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        company_id = companies_service.create_company(session, name="Rinnakkain Oy", business_id="1234567-1").id
        session.commit()
        year = session.scalars(select(FiscalYear).where(FiscalYear.company_id == company_id)).one()
        day = date(year.start_date.year, 6, 15)

    start = threading.Barrier(THREADS)
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def target(worker: int) -> None:
        try:
            results.append(writer(session_factory, company_id, day, worker, start))
        except BaseException as exc:  # collected: an assertion in a thread would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == THREADS

    committed = [n for r in results for n in r["done"]]
    abandoned = sum(len(r["abandoned"]) for r in results)
    refused = sum(r["refused"] for r in results)
    assert abandoned > 0 and refused > 0  # the run did exercise both kinds of failure
    assert len(committed) + abandoned + refused == THREADS * JOURNALS
    # The numbers the writers saw: unique and gap-free.
    assert sorted(committed) == list(range(1, len(committed) + 1))

    with session_factory() as session:
        stored = session.scalars(
            select(LedgerReceipt.receipt_number).where(LedgerReceipt.company_id == company_id)
        ).all()
        assert sorted(stored) == list(range(1, len(committed) + 1))
        assert Counter(stored) == Counter(committed)

        books = naive.load(session, company_id=company_id)
        unbalanced = {r: s for r, s in _sums(books).items() if s}
        assert unbalanced == {}
        table: Any = LedgerBalance.__table__
        balances = {
            (b.period_id, b.account, b.receipt_status, b.vat_status, b.vat_side,
             Decimal(b.vat_percent).quantize(Decimal("0.01")), b.vat_kind, b.dimension_id, b.item_id):
            (int(b.debit_minor), int(b.credit_minor))
            for b in session.execute(select(table).where(table.c.company_id == company_id))
            if b.debit_minor or b.credit_minor
        }  # fmt: skip
        assert balances == naive.balance_rows(books)
        # Each committed journal's purchase row went to 4000; none of the abandoned ones did.
        expected_net = sum(
            (w + 1) * 1000 + j + 1
            for w in range(THREADS)
            for j in range(JOURNALS)
            if (w + j) % 7 != 6 and (w * JOURNALS + j) % 3 != 0
        )
        assert sum(p.amount for p in books.postings if p.account == "4000" and p.kind == rules.ENTRY) == expected_net


def _sums(books: naive.Books) -> dict[int, int]:
    out: dict[int, int] = {}
    for p in books.postings:
        out[p.receipt_id] = out.get(p.receipt_id, 0) + p.amount
    return out
